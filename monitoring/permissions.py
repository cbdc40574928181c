"""Predicates: may this user do this to this object? Services call them; views use them for pages and buttons.

Visibility follows the cluster: its applicant organisation's users (clusters.permissions.owns), and the county,
city and province authorities over its division (covers_division, the same rule as accounts.selectors
.jurisdiction_q). Authorities see a report once it has been submitted; a draft never submitted is the applicant's.
"""

from accounts.constants import DivisionLevel, Role
from clusters import permissions as cluster_permissions
from clusters.models import CertificationStatus

from .constants import (
    EDITABLE_CHANGE_STATES,
    EDITABLE_REPORT_STATES,
    EDITABLE_REREVIEW_STATES,
    PACKAGE_STALE_MINUTES,
    ChangeReportState,
    CitySubmissionState,
    KeySupportState,
    RecommendationState,
    ReportState,
    ReReviewState,
    RevocationStatus,
)

ACTIVE_CERTIFICATION_STATES = [CertificationStatus.VALID, CertificationStatus.EXPIRING]
# A certification in these states may apply for re-review (inside the window the services check by date).
REREVIEW_CERTIFICATION_STATES = [CertificationStatus.EXPIRING, CertificationStatus.EXPIRED]
# A cluster with a certification in these states reports its major changes.
CHANGE_CERTIFICATION_STATES = [CertificationStatus.VALID, CertificationStatus.EXPIRING, CertificationStatus.EXPIRED]


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


def can_manage_lifecycle_policy(user) -> bool:
    return is_province(user)


# ---------------------------------------------------------------- re-reviews (Art. 11)


def owns_rereview(user, rereview) -> bool:
    return cluster_permissions.owns(user, rereview.cluster)


def can_view_rereview(user, rereview) -> bool:
    """The cluster always; the authorities over it once it has been submitted."""
    if owns_rereview(user, rereview):
        return True
    return rereview.submission_count > 0 and cluster_permissions.covers_division(user, rereview.cluster.division)


def can_start_rereview(user, certification) -> bool:
    return (
        cluster_permissions.owns(user, certification.cluster) and certification.status in REREVIEW_CERTIFICATION_STATES
    )


def can_edit_rereview(user, rereview) -> bool:
    return owns_rereview(user, rereview) and rereview.state in EDITABLE_REREVIEW_STATES


def can_submit_rereview(user, rereview) -> bool:
    return can_edit_rereview(user, rereview)


def can_forward_rereview(user, rereview) -> bool:
    """The tier the re-review is at records its opinion: the county (not the user who filed it, when the county
    authority filed as the applicant), the city, or the province for the experts' conclusion."""
    covers = cluster_permissions.covers_division(user, rereview.cluster.division)
    if rereview.state == ReReviewState.COUNTY_REVIEW:
        return is_county(user) and covers and rereview.submitted_by_id != user.pk
    if rereview.state == ReReviewState.CITY_REVIEW:
        return is_city(user) and covers
    if rereview.state == ReReviewState.EXPERT_REVIEW:
        return is_province(user)
    return False


def can_decide_rereview(user, rereview) -> bool:
    return rereview.state == ReReviewState.PROVINCE_REVIEW and is_province(user)


def can_return_rereview(user, rereview) -> bool:
    return can_forward_rereview(user, rereview) or can_decide_rereview(user, rereview)


# ---------------------------------------------------------------- revocation (Art. 14)


def can_view_revocation(user, case) -> bool:
    """The certified cluster sees its own cases and their evidence; the authorities over it and the province
    see them too."""
    cluster = case.certification.cluster
    return cluster_permissions.owns(user, cluster) or cluster_permissions.covers_division(user, cluster.division)


def can_open_revocation(user) -> bool:
    return is_province(user)


def can_decide_revocation(user, case) -> bool:
    return case.status == RevocationStatus.PROPOSED and is_province(user)


def can_add_evidence_revocation(user, case) -> bool:
    return can_decide_revocation(user, case)


def can_publish_revocation(user, case) -> bool:
    return case.status == RevocationStatus.REVOKED and is_province(user)


# ---------------------------------------------------------------- change reports (Art. 14(4))


def owns_change_report(user, report) -> bool:
    return cluster_permissions.owns(user, report.cluster)


def can_view_change_report(user, report) -> bool:
    if owns_change_report(user, report):
        return True
    return report.submission_count > 0 and cluster_permissions.covers_division(user, report.cluster.division)


def can_start_change_report(user, cluster) -> bool:
    return cluster_permissions.owns(user, cluster)


def can_edit_change_report(user, report) -> bool:
    return owns_change_report(user, report) and report.state in EDITABLE_CHANGE_STATES


def can_submit_change_report(user, report) -> bool:
    return can_edit_change_report(user, report)


def can_opine_change_report(user, report) -> bool:
    return (
        report.state == ChangeReportState.CITY_REVIEW
        and is_city(user)
        and cluster_permissions.covers_division(user, report.cluster.division)
    )


def can_decide_change_report(user, report) -> bool:
    return report.state == ChangeReportState.PROVINCE_REVIEW and is_province(user)


def can_return_change_report(user, report) -> bool:
    return can_opine_change_report(user, report) or can_decide_change_report(user, report)


def can_escalate_change_report(user, report) -> bool:
    """A change reported late (or refused) can become a ground-(4) revocation case (Art. 14(4))."""
    return is_province(user) and report.submission_count > 0


# ---------------------------------------------------------------- the programme (Arts. 5 and 13)


def can_view_dashboard(user) -> bool:
    """The programme dashboard: the province sees everything, a city its own clusters (scoped by the selectors)."""
    return is_province(user) or is_city(user)


def can_manage_programme(user) -> bool:
    """The target of Art. 5, key support and the national recommendation are the province's judgments (Art. 13)."""
    return is_province(user)


def can_unmark_key_support(user, mark) -> bool:
    return is_province(user) and mark.state == KeySupportState.MARKED


def can_edit_recommendation(user, recommendation) -> bool:
    """The selection may change while no package is being generated."""
    return is_province(user) and recommendation.state != RecommendationState.GENERATING


def package_is_stale(recommendation, now=None) -> bool:
    """A package asked for long ago and still generating was lost (a killed worker): it may be asked for again."""
    from datetime import timedelta

    from django.utils import timezone

    now = now or timezone.now()
    return recommendation.state == RecommendationState.GENERATING and (
        recommendation.state_changed_at < now - timedelta(minutes=PACKAGE_STALE_MINUTES)
    )


def can_assemble_recommendation(user, recommendation) -> bool:
    return is_province(user) and (
        recommendation.state != RecommendationState.GENERATING or package_is_stale(recommendation)
    )


def can_download_recommendation(user, recommendation) -> bool:
    return is_province(user) and recommendation.state == RecommendationState.READY and bool(recommendation.package)
