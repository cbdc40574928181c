"""The models of the reviews app, one module per concern (as `services/`, `views/` and `forms/`)."""

from .experts import Assignment, ExpertConflict, ExpertProfile
from .joint_review import JointDecision, JointReview
from .notices import Notice, Objection, ObjectionFile, PersonalDataView
from .publication import Publication
from .recommendations import Recommendation
from .scoring import ScoreSheet
from .spot_checks import SiteCheck, SpotCheckDraw, StoredFile
from .tiers import ReviewOpinion

__all__ = [
    "Assignment",
    "ExpertConflict",
    "ExpertProfile",
    "JointDecision",
    "JointReview",
    "Notice",
    "Objection",
    "ObjectionFile",
    "PersonalDataView",
    "Publication",
    "Recommendation",
    "ReviewOpinion",
    "ScoreSheet",
    "SiteCheck",
    "SpotCheckDraw",
    "StoredFile",
]
