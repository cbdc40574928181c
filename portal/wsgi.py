import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
application = get_wsgi_application()

# What loading the portal created (Django, the apps, models, settings: ~160,000 objects) lives as long as the
# worker. Frozen, it is left out of Python's full garbage collections, which otherwise walk it all (~100 ms) in
# the middle of whichever request happens to trigger one.
gc.freeze()
