from .applications import (
    Application,
    ApplicationVersion,
    Attachment,
    Enterprise,
    ListItem,
    PlanTarget,
    YearData,
)
from .calls import AttachmentRequirement, Call, RubricCriterion
from .certifications import PUBLIC_STATUS_LABELS, Certification, CertificationSource, CertificationStatus
from .clusters import Cluster, IndustryTag

__all__ = [
    "Application",
    "ApplicationVersion",
    "Attachment",
    "AttachmentRequirement",
    "Call",
    "Certification",
    "CertificationSource",
    "CertificationStatus",
    "PUBLIC_STATUS_LABELS",
    "Cluster",
    "Enterprise",
    "IndustryTag",
    "ListItem",
    "PlanTarget",
    "RubricCriterion",
    "YearData",
]
