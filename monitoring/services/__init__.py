"""Every write of the monitoring app, by concern. Other apps import these names from here.

- reports, city_submissions, calendar, sweep: annual reports (Art. 12) and their daily sweep;
- expiry: the daily lifecycle sweep of certifications (expiring, warnings, expiry, ground (1));
- rereview_drafting, rereviews: re-review (复核, Art. 11);
- revocations: revocation cases and decisions (Art. 14);
- changes: change reports (重大变动报备, Art. 14(4));
- policy: the province's lifecycle policy; imports: clusters certified before the portal;
- programme: the target of Art. 5 and key support (Art. 13);
- recommendations, recommendation_package: the national recommendation (Art. 13) and its package.
"""

from .calendar import calendar_set, deadlines_for
from .changes import (
    change_file_remove,
    change_file_upload,
    change_report_decide,
    change_report_escalate,
    change_report_forward,
    change_report_return,
    change_report_save,
    change_report_start,
    change_report_submit,
)
from .changes import new_values as changes_new_values
from .changes import submission_blockers as change_submission_blockers
from .city_submissions import city_submission_return, city_submission_save, city_submission_submit
from .expiry import certification_lifecycle_sweep
from .imports import import_certifications, template_workbook
from .policy import policy_set
from .programme import key_support_mark, key_support_unmark, programme_target_set
from .recommendation_package import recommendation_build_package, summary_sheet
from .recommendations import (
    recommendation_add,
    recommendation_assemble,
    recommendation_open,
    recommendation_remove,
)
from .reports import (
    report_attachment_remove,
    report_attachment_upload,
    report_return,
    report_save,
    report_start,
    report_submit,
    report_verify,
    submission_blockers,
)
from .rereview_drafting import (
    rereview_file_remove,
    rereview_file_upload,
    rereview_save,
    rereview_start,
    rereview_target_add,
    rereview_target_remove,
)
from .rereviews import (
    certificate_context,
    render_renewal_certificate,
    rereview_decide,
    rereview_forward,
    rereview_return,
    rereview_store_certificate,
    rereview_submit,
)
from .rereviews import submission_blockers as rereview_submission_blockers
from .revocations import (
    decision_context,
    revocation_add_evidence,
    revocation_dismiss,
    revocation_open,
    revocation_publish,
    revocation_render_decision,
    revocation_revoke,
    sweep_propose,
)
from .sweep import annual_report_sweep

__all__ = [
    "annual_report_sweep",
    "calendar_set",
    "certificate_context",
    "certification_lifecycle_sweep",
    "change_file_remove",
    "change_file_upload",
    "change_report_decide",
    "change_report_escalate",
    "change_report_forward",
    "change_report_return",
    "change_report_save",
    "change_report_start",
    "change_report_submit",
    "change_submission_blockers",
    "changes_new_values",
    "city_submission_return",
    "city_submission_save",
    "city_submission_submit",
    "deadlines_for",
    "decision_context",
    "import_certifications",
    "key_support_mark",
    "key_support_unmark",
    "policy_set",
    "programme_target_set",
    "recommendation_add",
    "recommendation_assemble",
    "recommendation_build_package",
    "recommendation_open",
    "recommendation_remove",
    "render_renewal_certificate",
    "report_attachment_remove",
    "report_attachment_upload",
    "report_return",
    "report_save",
    "report_start",
    "report_submit",
    "report_verify",
    "rereview_decide",
    "rereview_file_remove",
    "rereview_file_upload",
    "rereview_forward",
    "rereview_return",
    "rereview_save",
    "rereview_start",
    "rereview_store_certificate",
    "rereview_submission_blockers",
    "rereview_submit",
    "rereview_target_add",
    "rereview_target_remove",
    "revocation_add_evidence",
    "revocation_dismiss",
    "revocation_open",
    "revocation_publish",
    "revocation_render_decision",
    "revocation_revoke",
    "submission_blockers",
    "summary_sheet",
    "sweep_propose",
    "template_workbook",
]
