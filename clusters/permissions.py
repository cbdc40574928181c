"""Predicates: may this user do this to this object? Services call them; views use them for buttons."""

from accounts.constants import DivisionLevel, Role
from clusters.constants import RETURNABLE_STATES, REVIEW_STATES, WITHDRAWABLE_STATES, ApplicationState

S = ApplicationState


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def covers_division(user, division) -> bool:
    """Whether the user's authority covers a county-level division."""
    if not _active(user) or division is None:
        return False
    if user.is_province:
        return True
    own = user.division
    if own is None:
        return False
    if user.role == Role.COUNTY:
        return own.level == DivisionLevel.COUNTY and division.code == own.code
    if user.role == Role.CITY:
        return own.level == DivisionLevel.CITY and division.parent_id == own.code
    return False


def owns(user, obj) -> bool:
    """Applicant users act for their organisation's clusters and applications."""
    owner_id = getattr(obj, "applicant_id", None) or getattr(obj, "owner_id", None)
    return (
        _active(user)
        and user.role == Role.APPLICANT
        and user.organisation_id is not None
        and owner_id == user.organisation_id
    )


def can_view_cluster(user, cluster) -> bool:
    return owns(user, cluster) or covers_division(user, cluster.division)


def can_edit_cluster(user, cluster) -> bool:
    return owns(user, cluster)


def can_view_application(user, application) -> bool:
    if owns(user, application):
        return True
    if _active(user) and user.role in (Role.COUNTY, Role.CITY, Role.PROVINCE) or (_active(user) and user.is_superuser):
        # Authorities see applications once submitted; an application never submitted (a draft, or one
        # withdrawn as a draft) belongs to the applicant alone.
        if application.submission_count == 0:
            return False
        return covers_division(user, application.cluster.division)
    if _active(user) and user.role == Role.EXPERT:
        return user.has_perm("clusters.view_application", application) and all(
            gate(user, application) for gate in EXPERT_VIEW_GATES
        )
    return False


# Further conditions on an expert's view, registered by the apps above (reviews: the expert has declared
# no conflict of interest). clusters cannot import them, so they register here.
EXPERT_VIEW_GATES: list = []


def can_edit_application(user, application) -> bool:
    return owns(user, application) and application.state == S.DRAFT


def can_submit_application(user, application) -> bool:
    return can_edit_application(user, application)


def can_withdraw_application(user, application) -> bool:
    return owns(user, application) and application.state in WITHDRAWABLE_STATES


def _tier_for_state(state):
    return {
        S.COUNTY_REVIEW: Role.COUNTY,
        S.CITY_REVIEW: Role.CITY,
    }.get(state, Role.PROVINCE)


def can_review_application(user, application) -> bool:
    """The authority whose tier the application is at may act on it."""
    if not _active(user) or application.state not in REVIEW_STATES:
        return False
    tier = _tier_for_state(application.state)
    if tier == Role.PROVINCE:
        return user.is_province
    return user.role == tier and covers_division(user, application.cluster.division)


def can_county_pass_application(user, application) -> bool:
    return application.state == S.COUNTY_REVIEW and can_review_application(user, application)


def can_recommend_application(user, application) -> bool:
    return application.state == S.CITY_REVIEW and can_review_application(user, application)


def can_formal_pass_application(user, application) -> bool:
    return application.state == S.FORMAL_REVIEW and can_review_application(user, application)


def can_manage_province_application(user, application) -> bool:
    return _active(user) and user.is_province


def can_return_application(user, application) -> bool:
    return application.state in RETURNABLE_STATES and can_review_application(user, application)


def can_reject_application(user, application) -> bool:
    return can_review_application(user, application)


def can_manage_calls(user) -> bool:
    return _active(user) and user.is_province
