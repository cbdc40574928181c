"""Forms of the monitoring app, by concern: annual reports and the province's pages (reports.py), re-reviews
(rereviews.py), revocations and change reports (cases.py)."""

from .cases import (
    ChangeDecisionForm,
    ChangeOpinionForm,
    ChangeReportForm,
    ChangeStartForm,
    EscalateForm,
    PolicyForm,
    RevocationDecisionForm,
    RevocationOpenForm,
)
from .programme import (
    KeySupportForm,
    ProgrammeTargetForm,
    RecommendationAddForm,
    RecommendationOpenForm,
    RemoveForm,
    UnmarkForm,
)
from .reports import (
    AttachmentForm,
    CalendarForm,
    CitySubmissionForm,
    ImportForm,
    ReportForm,
    ReturnForm,
    SubmitForm,
    VerifyForm,
)
from .rereviews import ReReviewDecisionForm, ReReviewForm, ReReviewOpinionForm, TargetAddForm

__all__ = [
    "AttachmentForm",
    "CalendarForm",
    "ChangeDecisionForm",
    "ChangeOpinionForm",
    "ChangeReportForm",
    "ChangeStartForm",
    "CitySubmissionForm",
    "EscalateForm",
    "ImportForm",
    "KeySupportForm",
    "PolicyForm",
    "ProgrammeTargetForm",
    "RecommendationAddForm",
    "RecommendationOpenForm",
    "RemoveForm",
    "ReReviewDecisionForm",
    "ReReviewForm",
    "ReReviewOpinionForm",
    "ReportForm",
    "ReturnForm",
    "RevocationDecisionForm",
    "RevocationOpenForm",
    "SubmitForm",
    "UnmarkForm",
    "TargetAddForm",
    "VerifyForm",
]
