"""Predicates for the province's decision steps."""

from .constants import AssignmentStatus


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
