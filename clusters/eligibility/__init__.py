"""Automatic evaluation of the numeric conditions of Art. 6 and the declarations of Art. 7.

《江苏省促进中小企业特色产业集群发展管理办法》(2023) sets the basic conditions a cluster must meet.  This package
evaluates every row of the rules table in ``/work/shared/domain.md`` against the thresholds of one Call and returns
one :class:`RuleResult` per rule, each carrying the numbers that decided it.

It is a pure package: no model, no database, no request.  Callers build :class:`Facts` from whatever they store
and pass the Call's :class:`Thresholds` (``Thresholds.from_dict(call.thresholds)``).

Conventions
-----------
* Y is the Call's year.  "The last three years" are Y-3, Y-2, Y-1; growth rates use Y-4 as base:
  CAGR = (V(Y-1) ÷ V(Y-4))^(1/3) − 1.
* Amounts are exact decimals in 万元.  Percentages (thresholds and inputs) are percent values: 70 means 70%.
* Every pass/fail decision is made in exact decimal arithmetic (a share ≥ 70% is checked as
  ``part × 100 ≥ 70 × total``; a growth rate ≥ 10% as ``V(Y-1) ≥ V(Y-4) × 1.1³``), so values exactly at a
  threshold pass.  Displayed rates are rounded to 2 decimals in a direction that never contradicts the verdict.
* Missing data on a hard rule is a failure whose message names the missing value; on the soft rule 1 it is a
  warning.

Modules: facts.py (inputs), thresholds.py, results.py (outputs, rule codes, areas), decimals.py (exact arithmetic
and display), the rule families scale.py (1, 2a, 2b, 2d), growth.py (2c, 5b, 5c), enterprises.py (3), counts.py
(4, 5a, 5e, 6c, 8), ratios.py (5d, 6a, 6b), green.py (7), governance.py (9, Art. 7), and engine.py (`evaluate`).
Callers import from `clusters.eligibility`.
"""

from .decimals import cagr, fmt_amount, fmt_pct
from .engine import evaluate, failed_hard, summary
from .enterprises import count_title_groups
from .facts import (
    DECLARATION_KEYS,
    DECLARATION_LABELS,
    TITLE_CHAMPION,
    TITLE_GIANT,
    TITLE_HIGHTECH,
    TITLE_SPECIALISED,
    TITLES,
    EnterpriseFacts,
    Facts,
    YearFigures,
)
from .results import (
    ABSOLUTE,
    AREA_1,
    AREA_2,
    AREA_3,
    AREA_4,
    AREA_5,
    AREA_6,
    AREA_7,
    AREA_8,
    AREA_9,
    AREA_ART7,
    HARD,
    RULE_CODES,
    SOFT,
    Outcome,
    RuleResult,
)
from .thresholds import Thresholds

__all__ = [
    "ABSOLUTE",
    "AREA_1",
    "AREA_2",
    "AREA_3",
    "AREA_4",
    "AREA_5",
    "AREA_6",
    "AREA_7",
    "AREA_8",
    "AREA_9",
    "AREA_ART7",
    "DECLARATION_KEYS",
    "DECLARATION_LABELS",
    "HARD",
    "RULE_CODES",
    "SOFT",
    "TITLES",
    "TITLE_CHAMPION",
    "TITLE_GIANT",
    "TITLE_HIGHTECH",
    "TITLE_SPECIALISED",
    "EnterpriseFacts",
    "Facts",
    "Outcome",
    "RuleResult",
    "Thresholds",
    "YearFigures",
    "cagr",
    "count_title_groups",
    "evaluate",
    "failed_hard",
    "fmt_amount",
    "fmt_pct",
    "summary",
]
