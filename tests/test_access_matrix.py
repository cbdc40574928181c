"""The access matrix: every URL pattern of the portal, opened with GET by each role, against what the portal's rules
say it should answer.

The rules:
- an object outside the user's scope answers 404 (never 403), so ids and staff pages are not confirmed to outsiders;
- anonymous visitors of a staff page are sent to the login page (the API answers 401: it has no login page);
- every URL under an object (its PDF, attachments, diff, exports, eligibility panel, roster template…) applies the
  same view predicate as the object's page;
- public pages (front page, regulation, guide, calls, notices, registry, verification, published revocations…)
  answer 200 to everybody;
- a POST-only endpoint answers GET with 405 (the login redirect for anonymous visitors; 404 for a role that its
  page predicate, checked before the method, leaves out).

`test_every_url_pattern_has_a_case` walks `get_resolver()` (namespaced includes too) and fails for a pattern
without a case here, so a new URL forces a decision about who may open it. Skipped: /admin/ (Django's own access
control), /static/ (files, served by WhiteNoise, not by a URL pattern) and SKIPPED_NAMES.

Where the portal answers otherwise than the rules, the cell keeps the rule's answer and the difference is listed
in KNOWN_VIOLATIONS, which the test asserts holds exactly: fixing a view makes the test fail until its line is
removed.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.constants import Role
from accounts.tests.factories import (
    JIANGYIN,
    KUNSHAN,
    NANJING,
    ZHANGJIAGANG,
    OrganisationFactory,
    UserFactory,
    division,
)
from clusters import services as cluster_services
from clusters.constants import ApplicationState as S
from clusters.tests.factories import (
    ClusterFactory,
    applicant_user,
    application_in_state,
    authority_user,
    pdf_upload,
    province_user,
    published_call,
    tiny_pdf,
)
from core.models import TransitionLog
from monitoring import services as monitoring_services
from monitoring.constants import ChangeReportState as CH
from monitoring.constants import ReportState as R
from monitoring.constants import ReReviewState as RR
from monitoring.constants import RevocationStatus as RS
from monitoring.tests.factories import TODAY, CertificationFactory, report_in_state
from monitoring.tests.lifecycle_factories import (
    change_in_state,
    expiring_certification,
    rereview_in_state,
    revocation_in_state,
)
from reviews import services as review_services
from reviews.tests.factories import assign_expert, at, expert, in_joint_review
from reviews.views.objections import RECEIPTS_SESSION_KEY

ROLES = (
    "anonymous",
    "owner",  # a user of the applicant organisation owning every object below
    "other_applicant",  # an applicant organisation of the same county
    "county",  # 昆山市, over the objects
    "other_county",  # 张家港市: same city, another county
    "city",  # 苏州市
    "other_city",  # 无锡市
    "province",
    "expert_declared",  # assigned to the application, no conflict declared
    "expert_undeclared",  # assigned, not declared yet
    "expert_unassigned",
)
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
APPLICANTS = frozenset({"owner", "other_applicant"})
AUTHORITIES = frozenset({"county", "other_county", "city", "other_city", "province"})
REVIEWERS = AUTHORITIES  # the review queue's tiers
CITIES_AND_PROVINCE = frozenset({"city", "other_city", "province"})
EXPERTS = frozenset({"expert_declared", "expert_undeclared", "expert_unassigned"})
MONITORING = APPLICANTS | AUTHORITIES
PROVINCE = frozenset({"province"})
# Who sees the owner's application (submitted, in expert review): its page's predicate.
APPLICATION_VIEWERS = frozenset({"owner", "county", "city", "province", "expert_declared"})
# Who sees the owner's monitoring objects (submitted reports, re-reviews, change reports, revocation cases).
IN_SCOPE = frozenset({"owner", "county", "city", "province"})

LOGIN = "login"  # a redirect to /accounts/login/

# (case id, role): what the portal answered instead of the rule's expectation. Fixing a view removes its line.
KNOWN_VIOLATIONS: dict[tuple[str, str], object] = {}


@dataclass(frozen=True)
class Case:
    url: Callable  # world -> URL
    expect: dict = field(default_factory=dict)  # role -> status code, or LOGIN


def public(url) -> Case:
    return Case(url, {role: 200 for role in ROLES})


def staff(url, allowed, ok=200, *, anonymous=LOGIN, **others) -> Case:
    """A signed-in page: anonymous to the login page, `allowed` roles `ok`, everyone else 404; `others` by role."""
    expect = {role: (ok if role in allowed else 404) for role in SIGNED_IN}
    expect["anonymous"] = anonymous
    expect.update(others)
    return Case(url, expect)


def signed_in(url, ok=200) -> Case:
    return staff(url, SIGNED_IN, ok)


def api(url, allowed) -> Case:
    """An API resource needing a token or a session: anonymous 401."""
    return staff(url, allowed, anonymous=401)


def post_only(url, allowed=SIGNED_IN, *, anonymous=LOGIN) -> Case:
    """A POST-only endpoint: GET answers 405 to the roles its decorators let through; a role predicate checked
    before the method answers 404 to the others, as any out-of-scope page does."""
    expect = {role: (405 if role in allowed else 404) for role in SIGNED_IN}
    expect["anonymous"] = anonymous
    return Case(url, expect)


def viewers_redirected(url, viewers, editor=None) -> Case:
    """An edit page of a submitted object: its editor (if it is editable) gets the form, the other viewers are
    redirected to the object's page, everyone else 404."""
    editors = {editor} - {None}
    return staff(url, editors, **{role: 302 for role in viewers - editors})


def u(name, *args):
    return lambda w: reverse(name, args=[a(w) if callable(a) else a for a in args])


def obj(attr):
    """The world's dotted attribute ("app.pk"), for URL arguments."""

    def get(w):
        value = w
        for part in attr.split("."):
            value = getattr(value, part)
        return value

    return get


# ---------------------------------------------------------------- the cases, one per URL pattern (by name or route)

CASES: dict[str, Case | dict[str, Case]] = {
    # ---------------------------------------------------------------- site
    "favicon.ico": Case(lambda w: "/favicon.ico", {role: 301 for role in ROLES}),
    "javascript-catalog": public(u("javascript-catalog")),
    "core:home": public(u("core:home")),
    "core:healthz": public(u("core:healthz")),
    "core:regulation": public(u("core:regulation")),
    "core:guide": public(u("core:guide")),
    "core:notifications": signed_in(u("core:notifications")),
    "core:notification_read": post_only(u("core:notification_read", 1)),
    "core:notification_read_all": post_only(u("core:notification_read_all")),
    "core:toggle_large_text": post_only(u("core:toggle_large_text"), anonymous=405),
    # the province's holiday calendar (工作日 computation), not a public calendar
    "core:calendar": staff(u("core:calendar"), PROVINCE),
    "core:calendar_template": staff(u("core:calendar_template"), PROVINCE),
    "core:rating_summary": staff(u("core:rating_summary"), PROVINCE),
    "core:rating_answers": signed_in(u("core:rating_answers")),
    # No model registers ratable steps yet (core.ratings.register is never called): nobody may rate a log row.
    "core:rating_rate": staff(u("core:rating_rate", obj("log.pk")), set()),
    # ---------------------------------------------------------------- accounts
    "accounts:login": Case(u("accounts:login"), {role: 302 for role in SIGNED_IN} | {"anonymous": 200}),
    "accounts:logout": post_only(u("accounts:logout"), anonymous=405),
    "accounts:password_change": signed_in(u("accounts:password_change")),
    "accounts:password_change_done": signed_in(u("accounts:password_change_done")),
    # the token is the capability: a public page for whoever holds the link
    "accounts:invitation_accept": public(u("accounts:invitation_accept", obj("invitation"))),
    # the idle-warning poll (JSON): 401 when signed out, not a redirect
    "accounts:session_status": staff(u("accounts:session_status"), SIGNED_IN, anonymous=401),
    "accounts:session_keepalive": post_only(u("accounts:session_keepalive"), anonymous=405),
    # ---------------------------------------------------------------- api
    "api:docs": public(u("api:docs")),
    "api:token_list": staff(u("api:token_list"), PROVINCE),
    "api:token_revoke": post_only(u("api:token_revoke", 1), PROVINCE),
    "api:call-list": public(u("api:call-list")),
    "api:call-detail": public(u("api:call-detail", obj("call.pk"))),
    "api:division-list": public(u("api:division-list")),
    "api:division-detail": public(u("api:division-detail", KUNSHAN)),
    "api:cluster-list": api(u("api:cluster-list"), SIGNED_IN),
    "api:cluster-detail": api(u("api:cluster-detail", obj("app.cluster_id")), {"owner", "county", "city", "province"}),
    "api:application-list": api(u("api:application-list"), SIGNED_IN),
    "api:application-detail": api(u("api:application-detail", obj("app.pk")), APPLICATION_VIEWERS),
    "api:application-eligibility": api(u("api:application-eligibility", obj("app.pk")), APPLICATION_VIEWERS),
    "api:application-history": api(u("api:application-history", obj("app.pk")), APPLICATION_VIEWERS),
    "api:application-year-data": post_only(u("api:application-year-data", obj("app.pk")), anonymous=401),  # PATCH only
    "api:transition-list": api(u("api:transition-list", obj("app.pk")), APPLICATION_VIEWERS),
    "api:annual-report-list": api(u("api:annual-report-list"), SIGNED_IN),
    "api:annual-report-detail": api(u("api:annual-report-detail", obj("report.pk")), IN_SCOPE),
    "api:re-review-list": api(u("api:re-review-list"), SIGNED_IN),
    "api:re-review-detail": api(u("api:re-review-detail", obj("rereview.pk")), IN_SCOPE),
    "api:revocation-list": api(u("api:revocation-list"), SIGNED_IN),
    "api:revocation-detail": api(u("api:revocation-detail", obj("case.pk")), IN_SCOPE),
    "api:certification-record-list": api(u("api:certification-record-list"), SIGNED_IN),
    "api:certification-record-detail": api(u("api:certification-record-detail", obj("cert.pk")), IN_SCOPE),
    "api:notice-list": public(u("api:notice-list")),
    "api:notice-detail": public(u("api:notice-detail", obj("notice.pk"))),
    "api:certification-list": public(u("api:certification-list")),
    "api:certification-detail": public(u("api:certification-detail", obj("cert.number"))),
    # any other /api/ address: the API's JSON 404
    "api/^(?P<rest>.*)$": Case(lambda w: "/api/no-such-resource/", {role: 404 for role in ROLES}),
    # ---------------------------------------------------------------- clusters: calls
    "clusters:public_call_list": public(u("clusters:public_call_list")),
    "clusters:public_call_detail": public(u("clusters:public_call_detail", obj("call.year"))),
    # 办件进度查询: the public form (the lookup itself is a POST by number and credit code)
    "clusters:progress_lookup": public(u("clusters:progress_lookup")),
    "clusters:call_manage_list": staff(u("clusters:call_manage_list"), PROVINCE),
    "clusters:call_create": staff(u("clusters:call_create"), PROVINCE),
    "clusters:call_edit": staff(u("clusters:call_edit", obj("call.pk")), PROVINCE),
    "clusters:call_publish": post_only(u("clusters:call_publish", obj("call.pk")), PROVINCE),
    # ---------------------------------------------------------------- clusters: clusters and applications
    "clusters:cluster_list": signed_in(u("clusters:cluster_list")),
    "clusters:cluster_create": staff(u("clusters:cluster_create"), APPLICANTS),
    "clusters:cluster_edit": staff(u("clusters:cluster_edit", obj("app.cluster_id")), {"owner"}),
    "clusters:application_start": post_only(u("clusters:application_start", obj("app.cluster_id"))),
    "clusters:application_list": signed_in(u("clusters:application_list")),
    "clusters:application_detail": staff(u("clusters:application_detail", obj("app.pk")), APPLICATION_VIEWERS),
    "clusters:application_edit": {
        # submitted: whoever sees the application is sent to its page
        "submitted": viewers_redirected(u("clusters:application_edit", obj("app.pk"), "basic"), APPLICATION_VIEWERS),
        # a draft is the applicant's alone
        "draft": staff(u("clusters:application_edit", obj("draft.pk"), "basic"), {"owner"}),
    },
    "clusters:eligibility_panel": staff(u("clusters:eligibility_panel", obj("app.pk")), APPLICATION_VIEWERS),
    "clusters:enterprise_add": post_only(u("clusters:enterprise_add", obj("draft.pk"))),
    "clusters:enterprise_remove": post_only(u("clusters:enterprise_remove", obj("draft.pk"), 1)),
    "clusters:roster_template": staff(u("clusters:roster_template", obj("app.pk")), APPLICATION_VIEWERS),
    "clusters:roster_import": post_only(u("clusters:roster_import", obj("draft.pk"))),
    "clusters:list_item_add": post_only(u("clusters:list_item_add", obj("draft.pk"))),
    "clusters:list_item_remove": post_only(u("clusters:list_item_remove", obj("draft.pk"), 1)),
    "clusters:plan_target_add": post_only(u("clusters:plan_target_add", obj("draft.pk"))),
    "clusters:plan_target_remove": post_only(u("clusters:plan_target_remove", obj("draft.pk"), 1)),
    "clusters:attachment_upload": post_only(u("clusters:attachment_upload", obj("draft.pk"))),
    "clusters:attachment_download": staff(
        u("clusters:attachment_download", obj("app.pk"), obj("attachment.pk")), APPLICATION_VIEWERS
    ),
    "clusters:attachment_remove": post_only(u("clusters:attachment_remove", obj("app.pk"), obj("attachment.pk"))),
    "clusters:application_submit": post_only(u("clusters:application_submit", obj("draft.pk"))),
    "clusters:application_withdraw": post_only(u("clusters:application_withdraw", obj("app.pk"))),
    "clusters:version_pdf": staff(u("clusters:version_pdf", obj("app.pk"), 1), APPLICATION_VIEWERS),
    "clusters:version_diff": staff(u("clusters:version_diff", obj("app.pk"), 1), APPLICATION_VIEWERS),
    # ---------------------------------------------------------------- reviews: tiers, recommendations, province
    "reviews:queue": staff(u("reviews:queue"), REVIEWERS),
    # the authorities' workspace: not the expert's, even after declaring
    "reviews:review": staff(u("reviews:review", obj("app.pk")), {"county", "city", "province"}),
    "reviews:recommendation_list": staff(u("reviews:recommendation_list"), CITIES_AND_PROVINCE),
    "reviews:recommendation_create": staff(u("reviews:recommendation_create", obj("call.pk")), {"city", "other_city"}),
    "reviews:recommendation_detail": staff(u("reviews:recommendation_detail", obj("rec.pk")), {"city", "province"}),
    "reviews:recommendation_pdf": staff(u("reviews:recommendation_pdf", obj("rec.pk")), {"city", "province"}),
    "reviews:recommendation_xlsx": staff(u("reviews:recommendation_xlsx", obj("rec.pk")), {"city", "province"}),
    "reviews:province_decision": staff(u("reviews:province_decision"), PROVINCE),
    "reviews:expert_pool": staff(u("reviews:expert_pool"), PROVINCE),
    "reviews:expert_create": staff(u("reviews:expert_create"), PROVINCE),
    "reviews:expert_import": staff(u("reviews:expert_import"), PROVINCE),
    "reviews:expert_import_template": staff(u("reviews:expert_import_template"), PROVINCE),
    "reviews:expert_edit": staff(u("reviews:expert_edit", obj("declared.expert_id")), PROVINCE),
    "reviews:expert_conflict_add": post_only(u("reviews:expert_conflict_add", obj("declared.expert_id")), PROVINCE),
    "reviews:expert_conflict_remove": post_only(
        u("reviews:expert_conflict_remove", obj("declared.expert_id"), 1), PROVINCE
    ),
    # ---------------------------------------------------------------- reviews: experts
    "reviews:expert_tasks": staff(u("reviews:expert_tasks"), EXPERTS),
    "reviews:scoring": {
        # an assignment's page is its expert's alone: the score sheet once declared ...
        "declared": staff(u("reviews:scoring", obj("declared.pk")), {"expert_declared"}),
        # ... the declaration before (no application data on it)
        "undeclared": staff(u("reviews:scoring", obj("undeclared.pk")), {"expert_undeclared"}),
    },
    "reviews:scoresheet_pdf": staff(
        u("reviews:scoresheet_pdf", obj("declared.sheet.pk")), {"expert_declared", "province"}
    ),
    # ---------------------------------------------------------------- reviews: the province's decision
    "reviews:assignments": staff(u("reviews:assignments", obj("call.pk")), PROVINCE),
    "reviews:assignment_candidates": staff(u("reviews:assignment_candidates", obj("call.pk")), PROVINCE),
    "reviews:score_table": staff(u("reviews:score_table", obj("call.pk")), PROVINCE),
    "reviews:score_table_xlsx": staff(u("reviews:score_table_xlsx", obj("call.pk")), PROVINCE),
    "reviews:spot_check": staff(u("reviews:spot_check", obj("call.pk")), PROVINCE),
    "reviews:site_check": staff(u("reviews:site_check", obj("site_app.pk")), PROVINCE),
    "reviews:stored_file": staff(u("reviews:stored_file", obj("stored.pk")), PROVINCE),
    "reviews:meetings": staff(u("reviews:meetings", obj("call.pk")), PROVINCE),
    "reviews:meeting_detail": staff(u("reviews:meeting_detail", obj("meeting.pk")), PROVINCE),
    # ---------------------------------------------------------------- public: notices, registry, certificates
    "public:notice_list": public(u("public:notice_list")),
    "public:notice_detail": public(u("public:notice_detail", obj("notice.pk"))),
    "public:notice_pdf": public(u("public:notice_pdf", obj("notice.pk"))),
    "public:objection_form": public(u("public:objection_form", obj("notice.pk"))),
    # only the browser that filed the objection (here: the anonymous one) sees its receipt
    "public:objection_receipt": Case(
        u("public:objection_receipt", obj("notice.pk"), obj("objection.receipt_number")),
        {role: 404 for role in SIGNED_IN} | {"anonymous": 200},
    ),
    "public:publication_detail": public(u("public:publication_detail", obj("publication.pk"))),
    "public:publication_pdf": public(u("public:publication_pdf", obj("publication.pk"))),
    "public:registry": public(u("public:registry")),
    "public:registry_cluster": public(u("public:registry_cluster", obj("cert.number"))),
    "public:verify_form": public(u("public:verify_form")),
    "public:verify": public(u("public:verify", obj("cert.number"))),
    "public:certificate_pdf": staff(u("public:certificate_pdf", obj("cert.number")), {"owner", "province"}),
    "public:notice_manage": staff(u("public:notice_manage"), PROVINCE),
    "public:notice_period_preview": staff(u("public:notice_period_preview"), PROVINCE),
    "public:notice_create": post_only(u("public:notice_create", obj("call.pk")), PROVINCE),
    "public:notice_admin": staff(u("public:notice_admin", obj("notice.pk")), PROVINCE),
    # the confirmation page of a notice already published: shown, with the refusal (400)
    "public:notice_publish": staff(u("public:notice_publish", obj("notice.pk")), PROVINCE, 400),
    "public:publication_create": post_only(u("public:publication_create", obj("notice.pk")), PROVINCE),
    "public:objection_personal": post_only(u("public:objection_personal", obj("objection.pk")), PROVINCE),
    "public:objection_handle": post_only(u("public:objection_handle", obj("objection.pk")), PROVINCE),
    "public:objection_phoned": post_only(u("public:objection_phoned", obj("objection.pk")), PROVINCE),
    "public:objection_evidence": staff(u("public:objection_evidence", obj("objection_file.pk")), PROVINCE),
    # ---------------------------------------------------------------- monitoring: home, annual reports
    # applicants and counties get their page; a city is sent to its table, the province to its overview
    "monitoring:home": staff(u("monitoring:home"), MONITORING, city=302, other_city=302, province=302),
    "monitoring:report_start": post_only(u("monitoring:report_start"), MONITORING),
    "monitoring:report_detail": staff(u("monitoring:report_detail", obj("report.pk")), IN_SCOPE),
    "monitoring:report_edit": viewers_redirected(u("monitoring:report_edit", obj("report.pk")), IN_SCOPE, "owner"),
    "monitoring:report_submit": post_only(u("monitoring:report_submit", obj("report.pk")), MONITORING),
    "monitoring:report_verify": post_only(u("monitoring:report_verify", obj("report.pk")), MONITORING),
    "monitoring:report_return": post_only(u("monitoring:report_return", obj("report.pk")), MONITORING),
    "monitoring:attachment_upload": post_only(u("monitoring:attachment_upload", obj("report.pk")), MONITORING),
    "monitoring:attachment_download": staff(
        u("monitoring:attachment_download", obj("report.pk"), obj("report_attachment.pk")), IN_SCOPE
    ),
    "monitoring:attachment_remove": post_only(
        u("monitoring:attachment_remove", obj("report.pk"), obj("report_attachment.pk")), MONITORING
    ),
    # ---------------------------------------------------------------- monitoring: the city's table (苏州, 2025)
    "monitoring:city_submission": staff(u("monitoring:city_submission", "320500", 2025), {"city", "province"}),
    "monitoring:city_submit": post_only(u("monitoring:city_submit", "320500", 2025), MONITORING),
    "monitoring:city_return": post_only(u("monitoring:city_return", "320500", 2025), MONITORING),
    "monitoring:city_xlsx": staff(u("monitoring:city_xlsx", "320500", 2025), {"city", "province"}),
    "monitoring:city_pdf": staff(u("monitoring:city_pdf", "320500", 2025), {"city", "province"}),
    # ---------------------------------------------------------------- monitoring: clusters, the province
    "monitoring:cluster_detail": staff(u("monitoring:cluster_detail", obj("cert.cluster_id")), IN_SCOPE),
    "monitoring:province_overview": staff(u("monitoring:province_overview", 2025), PROVINCE),
    "monitoring:warning_list": staff(u("monitoring:warning_list"), CITIES_AND_PROVINCE),
    "monitoring:revocation_list": staff(u("monitoring:revocation_list"), PROVINCE),
    "monitoring:calendar": staff(u("monitoring:calendar"), PROVINCE),
    "monitoring:import": staff(u("monitoring:import"), PROVINCE),
    "monitoring:import_template": staff(u("monitoring:import_template"), PROVINCE),
    "monitoring:policy": staff(u("monitoring:policy"), PROVINCE),
    # ---------------------------------------------------------------- monitoring: the programme dashboard
    "monitoring:dashboard": staff(u("monitoring:dashboard"), CITIES_AND_PROVINCE),
    "monitoring:dashboard_export": staff(u("monitoring:dashboard_export", "all"), CITIES_AND_PROVINCE),
    "monitoring:dashboard_target": staff(u("monitoring:dashboard_target"), PROVINCE),
    "monitoring:dashboard_list": staff(u("monitoring:dashboard_list", "certifications"), CITIES_AND_PROVINCE),
    "monitoring:dashboard_list_xlsx": staff(u("monitoring:dashboard_list_xlsx", "certifications"), CITIES_AND_PROVINCE),
    "monitoring:key_support_list": staff(u("monitoring:key_support_list"), CITIES_AND_PROVINCE),
    "monitoring:key_support_xlsx": staff(u("monitoring:key_support_xlsx"), CITIES_AND_PROVINCE),
    "monitoring:key_support_unmark": post_only(u("monitoring:key_support_unmark", obj("mark.pk")), PROVINCE),
    "monitoring:recommendation_list": staff(u("monitoring:recommendation_list"), PROVINCE),
    "monitoring:recommendation_detail": staff(u("monitoring:recommendation_detail", obj("national.pk")), PROVINCE),
    "monitoring:recommendation_remove": post_only(
        u("monitoring:recommendation_remove", obj("national.pk"), obj("national_item.pk")), PROVINCE
    ),
    "monitoring:recommendation_assemble": post_only(
        u("monitoring:recommendation_assemble", obj("national.pk")), PROVINCE
    ),
    "monitoring:recommendation_summary_xlsx": staff(
        u("monitoring:recommendation_summary_xlsx", obj("national.pk")), PROVINCE
    ),
    "monitoring:recommendation_package": staff(u("monitoring:recommendation_package", obj("national.pk")), PROVINCE),
    # ---------------------------------------------------------------- monitoring: re-reviews (returned; passed)
    "monitoring:rereview_list": staff(u("monitoring:rereview_list"), MONITORING),
    "monitoring:rereview_start": post_only(
        u("monitoring:rereview_start", obj("rereview.certification_id")), MONITORING
    ),
    "monitoring:rereview_detail": staff(u("monitoring:rereview_detail", obj("rereview.pk")), IN_SCOPE),
    "monitoring:rereview_edit": viewers_redirected(
        u("monitoring:rereview_edit", obj("rereview.pk")), IN_SCOPE, "owner"
    ),
    "monitoring:rereview_submit": post_only(u("monitoring:rereview_submit", obj("rereview.pk")), MONITORING),
    "monitoring:rereview_forward": post_only(u("monitoring:rereview_forward", obj("rereview.pk")), MONITORING),
    "monitoring:rereview_return": post_only(u("monitoring:rereview_return", obj("rereview.pk")), MONITORING),
    "monitoring:rereview_decide": post_only(u("monitoring:rereview_decide", obj("rereview.pk")), MONITORING),
    "monitoring:rereview_target_add": post_only(u("monitoring:rereview_target_add", obj("rereview.pk")), MONITORING),
    "monitoring:rereview_target_remove": post_only(
        u("monitoring:rereview_target_remove", obj("rereview.pk"), 1), MONITORING
    ),
    "monitoring:rereview_file_upload": post_only(u("monitoring:rereview_file_upload", obj("rereview.pk")), MONITORING),
    "monitoring:rereview_file": staff(
        u("monitoring:rereview_file", obj("rereview.pk"), obj("rereview_file.pk")), IN_SCOPE
    ),
    "monitoring:rereview_file_remove": post_only(
        u("monitoring:rereview_file_remove", obj("rereview.pk"), obj("rereview_file.pk")), MONITORING
    ),
    "monitoring:rereview_certificate": staff(u("monitoring:rereview_certificate", obj("passed.pk")), IN_SCOPE),
    # ---------------------------------------------------------------- monitoring: revocation (proposed; published)
    "monitoring:revocation_open": staff(u("monitoring:revocation_open"), PROVINCE),
    "monitoring:revocation_detail": staff(u("monitoring:revocation_detail", obj("case.pk")), IN_SCOPE),
    "monitoring:revocation_decide": post_only(u("monitoring:revocation_decide", obj("case.pk")), MONITORING),
    "monitoring:revocation_publish": post_only(u("monitoring:revocation_publish", obj("case.pk")), MONITORING),
    "monitoring:revocation_evidence_upload": post_only(
        u("monitoring:revocation_evidence_upload", obj("case.pk")), MONITORING
    ),
    "monitoring:revocation_evidence": staff(
        u("monitoring:revocation_evidence", obj("case.pk"), obj("evidence.pk")), IN_SCOPE
    ),
    "monitoring:revocation_decision_pdf": staff(
        u("monitoring:revocation_decision_pdf", obj("published_case.pk")), IN_SCOPE
    ),
    # ---------------------------------------------------------------- monitoring: change reports (returned)
    "monitoring:change_list": staff(u("monitoring:change_list"), MONITORING),
    "monitoring:change_start": post_only(u("monitoring:change_start", obj("cert.cluster_id")), MONITORING),
    "monitoring:change_detail": staff(u("monitoring:change_detail", obj("change.pk")), IN_SCOPE),
    "monitoring:change_edit": viewers_redirected(u("monitoring:change_edit", obj("change.pk")), IN_SCOPE, "owner"),
    "monitoring:change_submit": post_only(u("monitoring:change_submit", obj("change.pk")), MONITORING),
    "monitoring:change_forward": post_only(u("monitoring:change_forward", obj("change.pk")), MONITORING),
    "monitoring:change_return": post_only(u("monitoring:change_return", obj("change.pk")), MONITORING),
    "monitoring:change_decide": post_only(u("monitoring:change_decide", obj("change.pk")), MONITORING),
    "monitoring:change_escalate": post_only(u("monitoring:change_escalate", obj("change.pk")), MONITORING),
    "monitoring:change_file_upload": post_only(u("monitoring:change_file_upload", obj("change.pk")), MONITORING),
    "monitoring:change_file": staff(u("monitoring:change_file", obj("change.pk"), obj("change_file.pk")), IN_SCOPE),
    "monitoring:change_file_remove": post_only(
        u("monitoring:change_file_remove", obj("change.pk"), obj("change_file.pk")), MONITORING
    ),
    # ---------------------------------------------------------------- monitoring: the public
    "monitoring:public_revocations": public(u("monitoring:public_revocations")),
    "monitoring:public_revocation": public(u("monitoring:public_revocation", obj("published_case.pk"))),
    "monitoring:public_revocation_pdf": public(u("monitoring:public_revocation_pdf", obj("published_case.pk"))),
}


def _cases():
    """(case id, Case) for every case: the pattern's key, or key#variant for patterns with several objects."""
    for key, case in CASES.items():
        if isinstance(case, dict):
            for variant, sub in case.items():
                yield f"{key}#{variant}", sub
        else:
            yield key, case


CASE_IDS = [case_id for case_id, _case in _cases()]

# ---------------------------------------------------------------- the URL patterns

SKIPPED_PREFIXES = ("admin/", "static/")
# Framework URLs left out of the matrix, with the reason.
SKIPPED_NAMES = {
    # drf-spectacular's OpenAPI document: generated from the code, the same for every caller, no object data; it
    # takes about a second to build, eleven times over (api/tests cover it). Its page, api:docs, is in the matrix.
    "api:schema",
}


def url_patterns(resolver=None, prefix="", namespace=None):
    """(key, route) of every URL pattern: the namespaced name, or the full route of an unnamed pattern."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern, route, ns)
        elif isinstance(pattern, URLPattern):
            if route.startswith(SKIPPED_PREFIXES):
                continue
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            if name in SKIPPED_NAMES:
                continue
            yield name or route, route


def test_every_url_pattern_has_a_case():
    patterns = dict(url_patterns())
    missing = sorted(set(patterns) - set(CASES))
    stale = sorted(set(CASES) - set(patterns))
    assert not missing, f"URL patterns without an access case (decide who may open them): {missing}"
    assert not stale, f"cases for URL patterns that no longer exist: {stale}"
    assert len(patterns) > 150


def test_known_violations_name_existing_cells():
    for case_id, role in KNOWN_VIOLATIONS:
        assert case_id in CASE_IDS and role in ROLES, (case_id, role)


# ---------------------------------------------------------------- the world


class World:
    pass


@pytest.fixture(autouse=True)
def _private_storage():
    """Overrides the project's per-test private folder: the world's files live in the module's (see `world`)."""


def _build(w: World) -> None:
    cache.clear()  # fragment caches of public pages from earlier runs
    province = province_user()
    owner_org = OrganisationFactory(division=division(KUNSHAN), name="访问矩阵申报单位")

    def owned_cluster(name):
        return ClusterFactory(owner=owner_org, name=name)

    w.users = {
        "owner": applicant_user(owner_org),
        "other_applicant": UserFactory(organisation=OrganisationFactory(division=division(KUNSHAN))),
        "county": authority_user(Role.COUNTY, division(KUNSHAN)),
        "other_county": authority_user(Role.COUNTY, division(ZHANGJIAGANG)),
        "city": authority_user(Role.CITY, division(KUNSHAN)),
        "other_city": authority_user(Role.CITY, division(JIANGYIN)),
        "province": province,
    }
    owner = w.users["owner"]

    # 2025: a joint review meeting (with a file), a notice with an objection (with a file), the publication.
    with time_machine.travel(at(2025, 9, 24, 9), tick=False):
        call25 = published_call(year=2025)
        proposed = in_joint_review(province, call=call25, cluster=ClusterFactory(name="访问矩阵公示集群"))
        w.meeting = review_services.meeting_create(
            call=call25,
            actor=province,
            meeting_date=timezone.localdate(),
            attendees="厅务会成员",
            files=[pdf_upload("会审纪要.pdf")],
        )
        w.stored = w.meeting.files.get()
        review_services.meeting_decide(meeting=w.meeting, application=proposed, actor=province, decision="approve")
        review_services.meeting_close(meeting=w.meeting, actor=province)
        notice = review_services.notice_create(
            call=call25,
            actor=province,
            start_date=timezone.localdate(),
            contact_department="中小企业处",
            contact_phone="025-12345678",
        )
        w.notice = review_services.notice_publish(notice=notice, actor=province)
        w.objection = review_services.objection_file(
            notice=w.notice,
            application_id=proposed.pk,
            name="王五",
            phone="13812345678",
            content="该集群的主导产业产值数据与统计年鉴不符。",
            files=[SimpleUploadedFile("证明.pdf", tiny_pdf(), content_type="application/pdf")],
        )
        w.objection_file = w.objection.files.get()
    with time_machine.travel(at(2025, 10, 9, 9), tick=False):
        review_services.notices_close_due()
        review_services.objection_handle(
            objection=w.objection, actor=province, decision="dismiss", result="经核查，异议不成立。"
        )
        w.publication = review_services.publication_create(
            notice=w.notice, actor=province, doc_number="苏工信中小〔2025〕99号", publish_date=dt.date(2025, 10, 9)
        )

    # Today (10 March 2026): the owner's application in expert review, its experts, a draft, a recommendation.
    w.call = published_call()
    w.app = application_in_state(S.EXPERT_REVIEW, cluster=owned_cluster("访问矩阵专家评审集群"), call=w.call)
    cluster_services.version_render_pdf(version=w.app.versions.get(number=1))
    w.attachment = w.app.attachments.filter(removed_at__isnull=True).first()
    w.declared = assign_expert(w.app, province)
    review_services.declare_no_conflict(assignment=w.declared, actor=w.declared.expert.user)
    w.undeclared = assign_expert(w.app, province)
    w.users["expert_declared"] = w.declared.expert.user
    w.users["expert_undeclared"] = w.undeclared.expert.user
    w.users["expert_unassigned"] = expert(city_code=NANJING).user
    w.log = TransitionLog.objects.filter(object_id=str(w.app.pk), transition="submit").first()
    w.draft = application_in_state(S.DRAFT, cluster=owned_cluster("访问矩阵草稿集群"), call=w.call, filled=False)
    recommended = application_in_state(S.CITY_REVIEW, cluster=owned_cluster("访问矩阵推荐集群"), call=w.call)
    w.rec = review_services.recommendation_submit(
        call=w.call,
        actor=w.users["city"],
        doc_number="苏工信中小〔2026〕12号",
        doc_date=timezone.localdate(),
        application_ids=[recommended.pk],
    )
    w.site_app = application_in_state(S.SITE_CHECK, cluster=ClusterFactory(name="访问矩阵抽查集群"), call=w.call)

    # Monitoring: the owner's certified cluster, its returned annual report, change report and re-review (each
    # with a file), a passed re-review, a proposed and a published revocation case, key support, the national
    # recommendation with its package.
    w.cert = CertificationFactory(cluster=owned_cluster("访问矩阵认定集群"))
    w.report = report_in_state(R.RETURNED, certification=w.cert)
    w.report_attachment = monitoring_services.report_attachment_upload(
        report=w.report, actor=owner, uploaded_file=pdf_upload("年度报告附件.pdf")
    )
    w.change = change_in_state(CH.RETURNED, certification=w.cert)
    w.change_file = monitoring_services.change_file_upload(
        report=w.change, actor=owner, uploaded_file=pdf_upload("批准文件.pdf")
    )
    w.rereview = rereview_in_state(
        RR.RETURNED, certification=expiring_certification(cluster=owned_cluster("访问矩阵复核集群"))
    )
    w.rereview_file = monitoring_services.rereview_file_upload(
        rereview=w.rereview, actor=owner, uploaded_file=pdf_upload("复核材料.pdf")
    )
    w.passed = rereview_in_state(
        RR.PASSED, certification=expiring_certification(cluster=owned_cluster("访问矩阵复核通过集群"))
    )
    w.case = revocation_in_state(
        RS.PROPOSED, certification=CertificationFactory(cluster=owned_cluster("访问矩阵撤销建议集群"))
    )
    w.evidence = monitoring_services.revocation_add_evidence(
        case=w.case, actor=province, uploaded_file=pdf_upload("核查材料.pdf")
    )
    w.published_case = revocation_in_state(
        RS.PUBLISHED, certification=CertificationFactory(cluster=owned_cluster("访问矩阵已撤销集群"))
    )
    w.mark = monitoring_services.key_support_mark(
        actor=province, certification=w.cert, year=2026, reason="主导产业优势突出，带动作用明显。"
    )
    w.national = monitoring_services.recommendation_open(actor=province, year=2026, note="工信部2026年申报通知")
    w.national_item = monitoring_services.recommendation_add(
        actor=province, recommendation=w.national, certification=w.cert, reason="产业链供应链协作高效，示范带动作用强。"
    )
    w.national = monitoring_services.recommendation_assemble(actor=province, recommendation=w.national)
    assert monitoring_services.recommendation_build_package(w.national.pk, w.national.generation)

    # accounts: an open invitation of a new account
    link = account_services.invitation_issue(user=UserFactory(), actor=province)
    w.invitation = link.rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for the module, built once inside a transaction rolled back at the end; each test runs in a
    savepoint of it (pytest-django's django_db). Files go to a folder of the module's."""
    root = tmp_path_factory.mktemp("access-matrix")
    from django.conf import settings

    storages = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root / "private"), "base_url": "/private-files-are-never-served/"},
        },
    }
    with (
        django_db_blocker.unblock(),
        override_settings(
            PRIVATE_STORAGE_ROOT=str(root / "private"), MEDIA_ROOT=str(root / "media"), STORAGES=storages
        ),
        time_machine.travel(TODAY, tick=True),
        transaction.atomic(),
    ):
        w = World()
        _build(w)
        w.clients = {"anonymous": Client()}
        for role, user in w.users.items():
            client = Client()
            client.force_login(user)
            w.clients[role] = client
        # The anonymous browser filed the objection: its receipt number is in its session.
        session = w.clients["anonymous"].session
        session[RECEIPTS_SESSION_KEY] = [w.objection.receipt_number]
        session.save()
        yield w
        transaction.set_rollback(True)
    cache.clear()


# ---------------------------------------------------------------- the matrix


def answer(response) -> object:
    if response.status_code in (301, 302) and response["Location"].startswith(reverse("accounts:login")):
        return LOGIN
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("case_id", CASE_IDS)
def test_access(world, case_id):
    case = dict(_cases())[case_id]
    assert set(case.expect) == set(ROLES), f"{case_id}: every role needs an expectation"
    url = case.url(world)
    differences = {}
    for role in ROLES:
        response = world.clients[role].get(url)
        actual = answer(response)
        if response.streaming:
            # Consuming the stream closes the file (the test client's wrapper, which keeps the connection open).
            b"".join(response.streaming_content)
        if actual != case.expect[role]:
            differences[(case_id, role)] = actual
    known = {k: v for k, v in KNOWN_VIOLATIONS.items() if k[0] == case_id}
    report = "; ".join(f"{role}: expected {case.expect[role]}, got {got}" for (_c, role), got in differences.items())
    assert differences == known, f"GET {url} — {report or 'no differences, but KNOWN_VIOLATIONS lists some'}"
