from .calendar import ReportingCalendar
from .changes import ChangeReport
from .cities import CitySubmission, CitySubmissionVersion
from .files import LifecycleFile
from .policy import LifecyclePolicy
from .programme import KeySupport, ProgrammeTarget
from .recommendations import NationalRecommendation, RecommendationItem
from .reminders import ExpiryReminder, SentReminder
from .reports import FIGURE_FIELDS, AnnualReport, AnnualReportVersion, ReportAttachment, ReportTargetProgress
from .rereviews import ReReview, ReReviewOpinion, ReReviewTarget, ReReviewVersion, ReReviewYear
from .revocations import RevocationCase

__all__ = [
    "FIGURE_FIELDS",
    "KeySupport",
    "NationalRecommendation",
    "ProgrammeTarget",
    "RecommendationItem",
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
