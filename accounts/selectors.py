"""Reads scoped to a user's jurisdiction. Every list of jurisdiction-bound objects goes through here."""

from django.db.models import Q

from .constants import DivisionLevel, Role
from .models import Division, User

NOTHING = Q(pk__in=[])


def jurisdiction_q(user, division_path: str) -> Q:
    """A filter on `division_path` (a FK to a county Division) keeping what the user's authority covers.

    Province staff see everything; a city sees its counties; a county sees itself. Applicants and
    experts have no jurisdiction: their objects are scoped by ownership or assignment instead.
    """
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_province:
        return Q()
    division = user.division
    if division is None:
        return NOTHING
    # An empty path filters Division rows themselves.
    if user.role == Role.CITY and division.level == DivisionLevel.CITY:
        return Q(**{f"{division_path}__parent_id" if division_path else "parent_id": division.code})
    if user.role == Role.COUNTY and division.level == DivisionLevel.COUNTY:
        return Q(**{division_path or "code": division.code})
    return NOTHING


def divisions_for_user(user):
    """County-level divisions the user's authority covers (for filters and forms)."""
    qs = Division.objects.filter(level=DivisionLevel.COUNTY).select_related("parent")
    if user.is_authenticated and user.is_applicant and user.division is not None:
        return qs.filter(code=user.division.code)
    return qs.filter(jurisdiction_q(user, ""))


def cities():
    return Division.objects.filter(level=DivisionLevel.CITY).order_by("code")


def authority_users_for_division(division, role):
    """Active users of the authority at the given tier over `division` (a county)."""
    if role == Role.COUNTY:
        target = division
    elif role == Role.CITY:
        target = division.parent
    else:
        return User.objects.filter(role=Role.PROVINCE, is_active=True)
    return User.objects.filter(role=role, is_active=True, organisation__division=target)
