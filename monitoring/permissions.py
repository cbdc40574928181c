"""Predicates: may this user do this to this object? Services call them; views use them for pages and buttons.

Visibility follows the cluster: its applicant organisation's users (clusters.permissions.owns), and the county,
city and province authorities over its division (covers_division, the same rule as accounts.selectors
.jurisdiction_q). Authorities see a report once it has been submitted; a draft never submitted is the applicant's.
"""

from accounts.constants import DivisionLevel, Role
from clusters import permissions as cluster_permissions
from clusters.models import CertificationStatus

from .constants import EDITABLE_REPORT_STATES, CitySubmissionState, ReportState

ACTIVE_CERTIFICATION_STATES = [CertificationStatus.VALID, CertificationStatus.EXPIRING]


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_province(user) -> bool:
    return _active(user) and user.is_province


def is_city(user) -> bool:
    return (
        _active(user)
        and user.role == Role.CITY
        and user.division is not None
        and user.division.level == DivisionLevel.CITY
    )


def is_county(user) -> bool:
    return (
        _active(user)
        and user.role == Role.COUNTY
        and user.division is not None
        and user.division.level == DivisionLevel.COUNTY
    )


def may_use_monitoring(user) -> bool:
    """Who has a monitoring home: applicants, and the three tiers of authorities."""
    return _active(user) and (user.is_province or user.role in (Role.APPLICANT, Role.COUNTY, Role.CITY))


# ---------------------------------------------------------------- clusters


def can_view_cluster_monitoring(user, cluster) -> bool:
    return cluster_permissions.can_view_cluster(user, cluster)


# ---------------------------------------------------------------- annual reports


def owns_report(user, report) -> bool:
    return cluster_permissions.owns(user, report.cluster)


def can_view_report(user, report) -> bool:
    if owns_report(user, report):
        return True
    if report.submission_count == 0:
        return False
    return cluster_permissions.covers_division(user, report.cluster.division)


def can_edit_report(user, report) -> bool:
    return owns_report(user, report) and report.state in EDITABLE_REPORT_STATES


def can_submit_report(user, report) -> bool:
    return can_edit_report(user, report)


def _county_of(user, report) -> bool:
    return is_county(user) and cluster_permissions.covers_division(user, report.cluster.division)


def can_verify_report(user, report) -> bool:
    # A county authority filing as the applicant has its report verified by another user of the authority.
    return (
        report.state == ReportState.SUBMITTED
        and _county_of(user, report)
        and (report.submitted_by_id is None or report.submitted_by_id != user.pk)
    )


def can_return_report(user, report) -> bool:
    return can_verify_report(user, report)


def can_start_report(user, certification) -> bool:
    return cluster_permissions.owns(user, certification.cluster) and certification.status in ACTIVE_CERTIFICATION_STATES


# ---------------------------------------------------------------- city submissions


def can_view_city(user, city) -> bool:
    """A city's compiled table: the city itself and the province."""
    if is_province(user):
        return True
    return is_city(user) and user.division.code == getattr(city, "code", city)


def can_view_city_submission(user, submission) -> bool:
    return can_view_city(user, submission.city_id)


def can_edit_city_submission(user, submission) -> bool:
    return (
        is_city(user)
        and user.division.code == submission.city_id
        and submission.state in (CitySubmissionState.DRAFT, CitySubmissionState.RETURNED)
    )


def can_submit_city_submission(user, submission) -> bool:
    return can_edit_city_submission(user, submission)


def can_return_city_submission(user, submission) -> bool:
    return is_province(user) and submission.state == CitySubmissionState.SUBMITTED


# ---------------------------------------------------------------- province


def can_manage_calendar(user) -> bool:
    return is_province(user)


def can_import_certifications(user) -> bool:
    return is_province(user)


def can_view_early_warnings(user) -> bool:
    return is_province(user)


def can_view_revocation_cases(user) -> bool:
    return is_province(user)
