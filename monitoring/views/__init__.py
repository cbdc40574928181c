"""Views of the monitoring app, split by concern."""

from .cities import city_pdf, city_return, city_submission, city_submit, city_xlsx
from .clusters import cluster_detail
from .home import home
from .province import (
    calendar,
    import_page,
    import_template,
    province_overview,
    revocation_list,
    warning_list,
)
from .reports import (
    attachment_download,
    attachment_remove,
    attachment_upload,
    report_detail,
    report_edit,
    report_return,
    report_start,
    report_submit,
    report_verify,
)

__all__ = [
    "attachment_download",
    "attachment_remove",
    "attachment_upload",
    "calendar",
    "city_pdf",
    "city_return",
    "city_submission",
    "city_submit",
    "city_xlsx",
    "cluster_detail",
    "home",
    "import_page",
    "import_template",
    "province_overview",
    "report_detail",
    "report_edit",
    "report_return",
    "report_start",
    "report_submit",
    "report_verify",
    "revocation_list",
    "warning_list",
]
