"""Issue #17's benchmark kit: what `seed_scale` makes (plan.py) and inserts in bulk (bulk.py), the pages `bench`
measures (pages.py), the in-process measurements (measure.py), the stdlib load generator that drives gunicorn
from a second process (loadgen.py), the Markdown report (report.py) and `make bench`'s driver (run.sh)."""
