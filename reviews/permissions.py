"""Predicates of the reviews app: the province's decision steps, the city's recommendation, the assigned expert,
and who may download a certificate."""

from clusters import permissions as cluster_permissions
from core.exceptions import NotAllowed

from .constants import AssignmentStatus


def require_province(actor, what: str) -> None:
    """The province's decision steps are its staff's alone."""
    if not (actor.is_authenticated and actor.is_active and actor.is_province):
        raise NotAllowed(f"只有省工业和信息化厅可以{what}。")


def expert_has_declared(user, application) -> bool:
    """An expert sees an application's identities only after declaring no conflict of interest."""
    from .models import Assignment

    return Assignment.objects.filter(
        application=application,
        expert__user=user,
        status=AssignmentStatus.ACTIVE,
        no_conflict_declared_at__isnull=False,
    ).exists()


def can_score(user, assignment) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and assignment.status == AssignmentStatus.ACTIVE
        and assignment.expert.user_id == user.pk
    )


def can_manage_decision(user, obj=None) -> bool:
    """Province staff run every step after the city's recommendation (the predicate of those transitions)."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_province)


def can_submit_recommendation(user, rec) -> bool:
    """The city authority whose document it is."""
    from accounts.constants import Role

    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.role == Role.CITY
        and getattr(user.division, "pk", None) == rec.city_id
    )


def can_act_on_assignment(user, assignment) -> bool:
    """The assigned expert, while the assignment is active (declarations)."""
    return bool(user is not None and can_score(user, assignment))


def can_manage_or_system(user, obj=None) -> bool:
    """Province staff, or the portal's own jobs (closing a notice when its period ends)."""
    return user is None or can_manage_decision(user)


def can_download_certificate(user, cert) -> bool:
    """Province staff, and the applicant organisation's users of the certified cluster."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_province:
        return True
    return cluster_permissions.owns(user, cert.application) or cluster_permissions.owns(user, cert.cluster)
