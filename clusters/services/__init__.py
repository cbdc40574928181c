"""Every write to clusters, calls and applications, one module per concern:

- calls.py: the province creates a call, checks its rubric and publishes it;
- clusters.py: an applicant body registers its clusters and updates their basic data;
- drafting.py: an application while it is a draft (create, sections, year data, roster and its Excel import,
  lists, plan targets);
- attachments.py: a draft's uploaded files;
- workflow.py: submission and withdrawal, and `application_transition`, which the review tiers use;
- documents.py: the submitted version's PDF.

Other apps import these names from `clusters.services`; the modules behind them are private to clusters.
"""

from .attachments import attachment_remove, attachment_upload
from .calls import DEFAULT_REQUIREMENTS, DEFAULT_RUBRIC, call_check_rubric, call_create, call_publish
from .clusters import cluster_register, cluster_update
from .documents import version_render_pdf, version_request_pdf
from .drafting import (
    APPLICATION_CLEAN_EXCLUDE,
    STALE_MESSAGE,
    application_create,
    application_update,
    enterprise_add,
    enterprise_remove,
    list_item_add,
    list_item_remove,
    plan_target_add,
    plan_target_remove,
    roster_import,
    year_data_update,
)
from .workflow import (
    application_submit,
    application_transition,
    application_transition_check,
    application_withdraw,
    notify_transition_once,
    submission_blockers,
)

__all__ = [
    "APPLICATION_CLEAN_EXCLUDE",
    "DEFAULT_REQUIREMENTS",
    "DEFAULT_RUBRIC",
    "STALE_MESSAGE",
    "application_create",
    "application_submit",
    "application_transition",
    "application_transition_check",
    "application_update",
    "application_withdraw",
    "attachment_remove",
    "attachment_upload",
    "call_check_rubric",
    "call_create",
    "call_publish",
    "cluster_register",
    "cluster_update",
    "enterprise_add",
    "enterprise_remove",
    "list_item_add",
    "list_item_remove",
    "notify_transition_once",
    "plan_target_add",
    "plan_target_remove",
    "roster_import",
    "submission_blockers",
    "version_render_pdf",
    "version_request_pdf",
    "year_data_update",
]
