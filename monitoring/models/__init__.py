from .calendar import ReportingCalendar
from .cities import CitySubmission, CitySubmissionVersion
from .reminders import SentReminder
from .reports import FIGURE_FIELDS, AnnualReport, AnnualReportVersion, ReportAttachment, ReportTargetProgress
from .revocations import RevocationCase

__all__ = [
    "FIGURE_FIELDS",
    "AnnualReport",
    "AnnualReportVersion",
    "CitySubmission",
    "CitySubmissionVersion",
    "ReportAttachment",
    "ReportTargetProgress",
    "ReportingCalendar",
    "RevocationCase",
    "SentReminder",
]
