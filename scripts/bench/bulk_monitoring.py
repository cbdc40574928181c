"""Bulk annual reports (Art. 12) of the certified clusters, in every state, with their versions, plan progress and
log rows. Written against monitoring's models as they are; a model that changed shape makes this step report what
it skipped instead of failing the whole seed."""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from clusters.models import Certification, PlanTarget

from .bulk import BATCH, log

# (state, share) of the certifications owing the current cycle's report; the rest have not started one.
CURRENT_MIX = [("verified", 0.40), ("submitted", 0.20), ("returned", 0.10), ("draft", 0.15)]
HISTORY_MIX = [("verified", 0.90)]


def seed_reports(*, base, rng: random.Random, out) -> int:
    from monitoring.constants import ReportState as R
    from monitoring.models import AnnualReport, AnnualReportVersion, ReportTargetProgress
    from monitoring.selectors import eligible_certifications

    report_year = timezone.localdate().year - 1
    template = AnnualReportVersion.objects.filter(report__report_year=report_year).order_by("-id").first()
    made = 0
    for year, mix in ((report_year, CURRENT_MIX), (report_year - 1, HISTORY_MIX)):
        taken = set(AnnualReport.objects.filter(report_year=year).values_list("cluster_id", flat=True))
        certs = list(
            eligible_certifications(year)
            .exclude(cluster_id__in=taken)
            .select_related("cluster__division", "cluster__owner", "application")
            .order_by("pk")
        )
        rng.shuffle(certs)
        due = dt.date(year + 1, 3, 31)
        reports, start = [], 0
        for state, share in mix:
            n = round(len(certs) * share)
            for cert in certs[start : start + n]:
                reports.append(_report(base, cert, year, state, due, rng))
            start += n
        AnnualReport.objects.bulk_create(reports, batch_size=BATCH)
        targets: dict = {}
        for t in PlanTarget.objects.filter(application_id__in=[r.certification.application_id for r in reports]):
            targets.setdefault(t.application_id, []).append(t)
        ReportTargetProgress.objects.bulk_create(
            [
                ReportTargetProgress(report=r, target=t, actual=t.target_1 if r.state != R.DRAFT else None)
                for r in reports
                for t in targets.get(r.certification.application_id, [])
            ],
            batch_size=BATCH,
        )
        reported = [r for r in reports if r.state != R.DRAFT]
        AnnualReportVersion.objects.bulk_create(
            [
                AnnualReportVersion(
                    report=r,
                    number=1,
                    created_at=r.first_submitted_at,
                    created_by=r.created_by,
                    snapshot=_snapshot(template, r),
                )
                for r in reported
            ],
            batch_size=BATCH,
        )
        log(reports, "create", to_state=R.DRAFT)
        log(reported, "submit", to_state=R.SUBMITTED, from_state=R.DRAFT)
        log([r for r in reports if r.state == R.VERIFIED], "verify", to_state=R.VERIFIED, from_state=R.SUBMITTED)
        log(
            [r for r in reports if r.state == R.RETURNED],
            "return_to_cluster",
            to_state=R.RETURNED,
            from_state=R.SUBMITTED,
        )
        made += len(reports)
    out(f"  年度发展报告：{made} 份（{report_year - 1}、{report_year} 年度）")
    return made


def _report(base, cert: Certification, year: int, state: str, due: dt.date, rng):
    from monitoring.models import AnnualReport

    owner = cert.cluster.owner
    user = base.applicant_users.get(owner.pk, [None])[0]
    if user is None:
        user = owner.users.first()
    submitted = state != "draft"
    when = timezone.make_aware(dt.datetime.combine(due - dt.timedelta(days=rng.randint(-10, 60)), dt.time(10)))
    scale = rng.uniform(0.7, 1.5)
    report = AnnualReport(
        cluster=cert.cluster,
        certification=cert,
        report_year=year,
        state=state,
        created_by=user,
        total_output=_money(700000 * scale),
        sme_output=_money(560000 * scale),
        lead_output=_money(540000 * scale),
        sme_rnd=_money(15000 * scale),
        invention_patents=int(1600 * scale),
        employees=int(100000 * scale),
        co2_intensity=Decimal("0.42"),
        development="集群总产值稳步增长（基准数据）。",
        practices="建设公共服务平台。",
        problems="高端人才不足。",
        next_steps="推进智能化改造。",
        submission_count=1 if submitted else 0,
        first_submitted_at=when if submitted else None,
        submitted_at=when if submitted else None,
        submitted_by=user if submitted else None,
        verified_at=when + dt.timedelta(days=5) if state == "verified" else None,
        return_reason="数据需补充说明（基准数据）" if state == "returned" else "",
        returned_at=when + dt.timedelta(days=3) if state == "returned" else None,
    )
    report.cluster = cert.cluster
    return report


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _snapshot(template, report) -> dict:
    snap = dict(template.snapshot) if template is not None else {}
    snap["cluster"] = {
        "name": report.cluster.name,
        "division": report.cluster.division.full_name,
        "division_code": report.cluster.division_id,
        "lead_industry": report.cluster.lead_industry,
        "owner": report.cluster.owner.name,
    }
    snap["certificate"] = report.certification.number
    snap["report_year"] = report.report_year
    return snap
