"""Predicates for the province's decision steps."""

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


def can_manage_decision(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_province
