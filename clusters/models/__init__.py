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
from .clusters import Cluster, IndustryTag

__all__ = [
    "Application",
    "ApplicationVersion",
    "Attachment",
    "AttachmentRequirement",
    "Call",
    "Cluster",
    "Enterprise",
    "IndustryTag",
    "ListItem",
    "PlanTarget",
    "RubricCriterion",
    "YearData",
]
