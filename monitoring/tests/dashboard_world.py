"""A programme's worth of data for the dashboard tests: certifications of several years, states, cities, counties
and industries; reports on time, late, missing and below thresholds; applications of the current call in several
states (each waiting since a different day); reports of two years; revocation cases, change reports, key support and
the national recommendation — all made by the services, as the users entitled."""

import datetime
from decimal import Decimal

import time_machine
from django.utils import timezone

from accounts.constants import Role
from clusters.constants import ApplicationState as A
from clusters.models import Certification
from clusters.tests.factories import application_in_state, authority_user, province_user, published_call
from monitoring import services
from monitoring.constants import ChangeReportState as CH
from monitoring.constants import ReportState as R
from monitoring.constants import RevocationStatus as RS

from .factories import (
    GOOD_FIGURES,
    NARRATIVES,
    SHANGHAI,
    CertificationFactory,
    cluster_in,
    county_of,
    imported_certification,
    owner_of,
    report_in_state,
)
from .lifecycle_factories import change_in_state, revocation_in_state

LOW = {
    **GOOD_FIGURES,
    "total_output": Decimal("390000"),
    "sme_output": Decimal("300000"),
    "lead_output": Decimal("300000"),
}


def behind_report(certification, state=R.VERIFIED):
    """A sound report whose first plan-year output target (750,000 万元, factories.plan_targets) was missed."""
    owner = owner_of(certification)
    report = services.report_start(actor=owner, certification=certification, report_year=2025)
    report.refresh_from_db()
    progress = {
        p.target_id: {"actual": Decimal("700000") if p.target.unit == "万元" else Decimal("0.42"), "note": "受市场影响"}
        for p in report.progress.select_related("target")
    }
    report = services.report_save(
        report=report,
        actor=owner,
        version=report.edit_version,
        figures=GOOD_FIGURES,
        narratives=NARRATIVES,
        progress=progress,
    )
    report = services.report_submit(report=report, actor=owner, acknowledged=True)
    if state == R.VERIFIED:
        report = services.report_verify(report=report, actor=county_of(certification))
    return report


def _cert(county, industry="高端装备", **kwargs):
    return CertificationFactory(cluster=cluster_in(county, lead_industry=industry), **kwargs)


def build_world() -> dict:
    """One copy of the mix; calling it again adds another copy (the larger size of a query-count test)."""
    certs = [
        _cert("320583"),  # 苏州 昆山, 2025, valid
        _cert("320583", "新材料"),
        _cert("320582", "生物医药", expiring=True),
        _cert("320581", "新材料", expired=True),
        _cert("320281", "高端装备"),  # 无锡 江阴
        _cert("320282", "节能环保", revoked=True),
        imported_certification(cluster=cluster_in("320281", lead_industry="物联网")),  # 2023, imported
        _cert("320205", "物联网", call_year=2024, published=datetime.date(2024, 10, 20)),
    ]
    valid = [c for c in certs if c.status == "valid" and c.year == 2025]
    # 2025 reports: on time (flagged below Art. 6), on time and behind the plan, late, and the rest missing.
    report_in_state(R.SUBMITTED, certification=valid[0], figures=LOW)
    behind_report(valid[1])
    with time_machine.travel(datetime.datetime(2026, 4, 3, 10, 0, tzinfo=SHANGHAI), tick=False):
        late = report_in_state(R.SUBMITTED, certification=valid[2])
    assert late.first_submitted_at > timezone.make_aware(datetime.datetime(2026, 4, 1))
    # The imported cluster reported on 2024 as well: the indicators run over two years.
    report_in_state(R.VERIFIED, certification=certs[6], report_year=2024)
    # The current call (2026), open since three weeks ago: applications in several states, in 苏州 and 无锡, each
    # reaching its state on a different day, so the days waited differ (mean and longest).
    now = timezone.now()
    with time_machine.travel(now - datetime.timedelta(days=20), tick=False):
        call = published_call(year=2026)
    for days_ago, state, county in [
        (12, A.COUNTY_REVIEW, "320583"),
        (5, A.COUNTY_REVIEW, "320281"),
        (9, A.CITY_REVIEW, "320582"),
        (3, A.FORMAL_REVIEW, "320205"),
        (7, A.REJECTED, "320583"),
    ]:
        with time_machine.travel(now - datetime.timedelta(days=days_ago), tick=False):
            application_in_state(state, call=call, cluster=cluster_in(county, lead_industry="智能装备"))
    revocation_in_state(RS.PROPOSED, certification=valid[0])
    revocation_in_state(RS.DISMISSED, certification=certs[4])
    change_in_state(CH.CITY_REVIEW, certification=valid[1])
    change_in_state(CH.ACCEPTED, certification=certs[4])
    province = province_user()
    services.key_support_mark(
        actor=province, certification=valid[0], year=2026, reason="主导产业优势突出，带动作用明显。"
    )
    mark = services.key_support_mark(
        actor=province, certification=certs[4], year=2026, reason="协同创新能力强，数字化转型成效显著。"
    )
    services.key_support_unmark(actor=province, mark=mark, reason="经研究调整为下一年度。")
    # The 2026 national recommendation: two selected, one of them taken off again.
    rec = services.recommendation_open(actor=province, year=2026)
    reason = "产业链供应链协作高效，示范带动作用强。"
    services.recommendation_add(actor=province, recommendation=rec, certification=valid[0], reason=reason)
    item = services.recommendation_add(actor=province, recommendation=rec, certification=certs[4], reason=reason)
    services.recommendation_remove(actor=province, item=item, reason="材料不齐。")
    suzhou = authority_user(Role.CITY, certs[0].cluster.division)
    return {"certs": certs, "call": call, "province": province, "suzhou": suzhou, "all": Certification.objects.all()}
