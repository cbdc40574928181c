"""Every write of the monitoring app, by concern. Other apps import these names from here."""

from .calendar import calendar_set, deadlines_for
from .city_submissions import city_submission_return, city_submission_save, city_submission_submit
from .imports import import_certifications, template_workbook
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
from .revocations import sweep_propose
from .sweep import annual_report_sweep

__all__ = [
    "annual_report_sweep",
    "calendar_set",
    "city_submission_return",
    "city_submission_save",
    "city_submission_submit",
    "deadlines_for",
    "import_certifications",
    "report_attachment_remove",
    "report_attachment_upload",
    "report_return",
    "report_save",
    "report_start",
    "report_submit",
    "report_verify",
    "submission_blockers",
    "sweep_propose",
    "template_workbook",
]
