"""The clusters pages, one module per concern (clusters/urls.py names them through this package):

- public.py: the public call pages and the case-progress lookup (办件进度查询);
- calls.py: the province manages its calls;
- clusters.py: an applicant body's clusters;
- applications.py: the application list, starting a draft, the detail page;
- sections.py: editing a draft section by section (autosave) and the eligibility panel beside it;
- roster.py, lists.py, attachments.py: a draft's enterprises (and their Excel import), lists and plan targets, files;
- submission.py: submitting and withdrawing, and the submitted versions (PDF, diff).
"""

from .applications import application_detail, application_list, application_start
from .attachments import attachment_download, attachment_remove, attachment_upload
from .calls import call_create, call_edit, call_manage_list, call_publish
from .clusters import cluster_create, cluster_edit, cluster_list
from .lists import list_item_add, list_item_remove, plan_target_add, plan_target_remove
from .public import progress_lookup, public_call_detail, public_call_list
from .roster import enterprise_add, enterprise_remove, roster_import, roster_template
from .sections import application_edit, eligibility_panel
from .submission import application_submit, application_withdraw, version_diff, version_pdf

__all__ = [
    "progress_lookup",
    "application_detail",
    "application_edit",
    "application_list",
    "application_start",
    "application_submit",
    "application_withdraw",
    "attachment_download",
    "attachment_remove",
    "attachment_upload",
    "call_create",
    "call_edit",
    "call_manage_list",
    "call_publish",
    "cluster_create",
    "cluster_edit",
    "cluster_list",
    "eligibility_panel",
    "enterprise_add",
    "enterprise_remove",
    "list_item_add",
    "list_item_remove",
    "plan_target_add",
    "plan_target_remove",
    "public_call_detail",
    "public_call_list",
    "roster_import",
    "roster_template",
    "version_diff",
    "version_pdf",
]
