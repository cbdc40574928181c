from .calendar import ReportingCalendar
from .changes import ChangeReport
from .cities import CitySubmission, CitySubmissionVersion
from .files import LifecycleFile
from .policy import LifecyclePolicy
from .reminders import ExpiryReminder, SentReminder
from .reports import FIGURE_FIELDS, AnnualReport, AnnualReportVersion, ReportAttachment, ReportTargetProgress
from .rereviews import ReReview, ReReviewOpinion, ReReviewTarget, ReReviewVersion, ReReviewYear
from .revocations import RevocationCase

__all__ = [
    "FIGURE_FIELDS",
    "AnnualReport",
    "AnnualReportVersion",
    "ChangeReport",
    "CitySubmission",
    "CitySubmissionVersion",
    "ExpiryReminder",
    "LifecycleFile",
    "LifecyclePolicy",
    "ReReview",
    "ReReviewOpinion",
    "ReReviewTarget",
    "ReReviewVersion",
    "ReReviewYear",
    "ReportAttachment",
    "ReportTargetProgress",
    "ReportingCalendar",
    "RevocationCase",
    "SentReminder",
]
