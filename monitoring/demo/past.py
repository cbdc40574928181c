"""Last year's call carried through every step to published certificates (the services check today's date, so
the steps run at last year's dates with time-machine), then what follows publication: an annual report waiting
for the county, reports and city tables due, a revocation case, and certifications made on paper before the
portal that are expiring now, one with a re-review submitted."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from clusters import services as cluster_services
from clusters.models import Call, Certification, CertificationStatus, Cluster
from clusters.services.certifications import certification_mark_expiring
from clusters.services.imports import certification_create_imported, cluster_create_imported
from monitoring import services as monitoring_services
from monitoring.constants import RevocationGround
from monitoring.models import AnnualReport, ReReview, RevocationCase
from reviews import services as review_services
from reviews.models import Objection

from . import applications as A

SHANGHAI = ZoneInfo("Asia/Shanghai")

# (county, cluster, lead industry, segment, outcome)
CLUSTERS = [
    ("320583", "昆山市精密机械特色产业集群", "精密机械", "数控机床", "report_submitted"),
    ("320582", "张家港市化工新材料特色产业集群", "化工新材料", "高性能膜材料", "objection_upheld"),
    ("320281", "江阴市金属制品特色产业集群", "金属制品", "特种金属线材", "report_due"),
    ("320481", "溧阳市特种装备特色产业集群", "特种装备", "电力装备", "revocation"),
]
# Certified on paper before the portal, expiring now: (county, cluster, lead industry, re-review submitted)
IMPORTED = [
    ("320582", "张家港市再生资源特色产业集群", "再生资源", False),
    ("320281", "江阴市新型纤维特色产业集群", "新型纤维", True),
]

FIGURES = {
    "total_output": Decimal("760000"),
    "sme_output": Decimal("600000"),
    "lead_output": Decimal("610000"),
    "sme_rnd": Decimal("16500"),
    "invention_patents": 1900,
    "employees": 100000,
    "co2_intensity": Decimal("0.42"),
}
NARRATIVES = {
    "development": "集群总产值稳步增长，主导产业集聚度进一步提高。",
    "practices": "建设共享工厂，推进骨干企业数字化改造。",
    "problems": "高端研发人才不足，部分中小企业融资难。",
    "next_steps": "加快创新平台建设，推动产业链协同。",
}
REREVIEW_FIELDS = {
    "champion_giant": 4,
    "specialised_hightech": 20,
    "sharing_initiatives": 2,
    "provincial_platforms": 6,
    "standards": 4,
    "pilot_projects": 2,
    "international_activities": 2,
    "cloud_share_pct": Decimal("40"),
    "platform_penetration_pct": Decimal("30"),
    "energy_intensive": False,
    "water_intensive": False,
    "management_body": "江阴市新型纤维产业发展促进中心",
    "service_system": "建有中小企业公共服务平台。",
    "summary": "三年发展规划各项目标基本完成，产值稳步增长。",
    "decl_prohibited_industry": True,
    "decl_major_accident": True,
    "decl_cyber_incident": True,
    "decl_tax_dishonesty": True,
}


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def build(accounts, notes) -> Call | None:
    """Last year's call, once; None when time-machine (a development dependency) is not installed."""
    year = timezone.localdate().year - 1
    call = Call.objects.filter(year=year).first()
    if call is not None:
        return call
    try:
        import time_machine
    except ImportError:
        notes.append("未安装 time-machine（开发依赖），未生成上一年度的已认定批次及其年度监测数据。")
        return None
    province = accounts.province
    applicants = accounts.applicants

    with time_machine.travel(at(year, 4, 1), tick=True):
        call = cluster_services.call_create(
            actor=province,
            year=year,
            title=f"{year}年度江苏省中小企业特色产业集群申报",
            opens_at=at(year, 3, 15, 9),
            closes_at=at(year, 5, 31, 17),
            city_deadline=at(year, 6, 30, 17),
            notice_text="请各设区市组织本地区符合条件的集群申报。",
        )
        call = cluster_services.call_publish(call=call, actor=province, comment="演示数据")
        apps = []
        for seq, (county, name, lead, segment, outcome) in enumerate(CLUSTERS, start=1):
            applicant = applicants[county]
            cluster = A.register_cluster(applicant, name=name, lead_industry=lead, segment=segment)
            app = A.submit(A.start(applicant, cluster, call, seq=seq), applicant)
            apps.append((A.county_pass(app, accounts.counties[county]), outcome))
    with time_machine.travel(at(year, 6, 10), tick=True):
        by_city = {}
        for app, _outcome in apps:
            by_city.setdefault(app.cluster.division.parent.code, []).append(app)
        for city_code, listed in sorted(by_city.items()):
            A.recommend(call, accounts.cities[city_code], listed, f"{city_code[:4]}工信〔{year}〕{len(listed)}号")
    with time_machine.travel(at(year, 7, 10), tick=True):
        scored = []
        for (app, outcome), total in zip(apps, [90, 86, 83, 80], strict=True):
            app = A.formal_pass(app, province)
            A.score(A.assign(app, accounts.experts[0], province), total)
            A.score(A.assign(app, accounts.experts[2], province), total - 2)
            scored.append((app, outcome))
    with time_machine.travel(at(year, 8, 5), tick=True):
        draw = review_services.spot_check_draw(call=call, actor=province, seed=str(year * 10000 + 805), size=1)
        drawn = next(app for app, _o in scored if app.pk == draw.drawn[0])
        review_services.site_check_record(
            application=drawn,
            actor=province,
            check_date=timezone.localdate(),
            inspectors="省厅中小企业处 刘某、陈某",
            findings="现场核查公共服务平台、共享工厂和三家骨干企业，申报情况属实。",
            result="pass",
        )
    with time_machine.travel(at(year, 8, 20), tick=True):
        A.run_joint_review(call, province, [app for app, _o in scored])
    with time_machine.travel(at(year, 9, 15), tick=True):
        notice = A.publish_notice(call, province)
        for app, outcome in scored:
            if outcome == "objection_upheld":
                A.object_to(notice, app, "该集群主导产业产值占比数据与统计年鉴不符，请核查。")
    with time_machine.travel(at(year, 9, 26), tick=True):
        for objection in Objection.objects.filter(notice=notice):
            review_services.objection_handle(
                objection=objection,
                actor=province,
                decision="uphold",
                result="经核查，该集群主导产业产值占比不足70%，异议成立，不予认定。",
            )
    with time_machine.travel(at(year, 10, 15), tick=True):
        review_services.publication_create(
            notice=notice, actor=province, doc_number=f"苏工信中小〔{year}〕88号", publish_date=timezone.localdate()
        )
    _after_publication(accounts, call, notes)
    return call


def _after_publication(accounts, call, notes) -> None:
    """Today: one report submitted (the county verifies it), the others due; a revocation case on ground (3)."""
    report_year = call.year
    certs = {c.cluster.name: c for c in Certification.objects.filter(call=call).select_related("cluster")}
    for county, name, _lead, _segment, outcome in CLUSTERS:
        cert = certs.get(name)
        if cert is None:
            continue
        applicant = accounts.applicants[county]
        if outcome == "report_submitted" and not AnnualReport.objects.filter(cluster=cert.cluster).exists():
            report = monitoring_services.report_start(actor=applicant, certification=cert, report_year=report_year)
            progress = {p.target_id: {"actual": Decimal("820000"), "note": ""} for p in report.progress.all()}
            report = monitoring_services.report_save(
                report=report,
                actor=applicant,
                version=report.edit_version,
                figures=FIGURES,
                narratives=NARRATIVES,
                progress=progress,
            )
            monitoring_services.report_submit(report=report, actor=applicant, acknowledged=True)
        if outcome == "revocation" and not RevocationCase.objects.filter(certification=cert).exists():
            monitoring_services.revocation_open(
                actor=accounts.province,
                certification=cert,
                ground=RevocationGround.ANNUAL_INFO_MISSING,
                evidence=f"{cert.cluster.division.parent.name}未按期报送{report_year}年度集群培育情况信息表，经催告仍未报送。",
            )


def build_imported(accounts, notes) -> None:
    """Certifications made on paper three years ago, expiring now: one waits for its re-review application, the
    other's re-review is submitted to the county."""
    today = timezone.localdate()
    try:
        published = today.replace(year=today.year - 3)
    except ValueError:  # 29 February
        published = today.replace(year=today.year - 3, day=28)
    published += datetime.timedelta(days=60)
    valid_from, valid_to = Certification.validity(published)
    for seq, (county, name, lead, rereview) in enumerate(IMPORTED, start=1):
        if Cluster.objects.filter(name=name).exists():
            continue
        applicant = accounts.applicants[county]
        org = applicant.organisation
        cluster = cluster_create_imported(
            actor=accounts.province,
            owner=org,
            division=org.division,
            name=name,
            lead_industry=lead,
            segment=lead,
            area_km2=Decimal("45"),
            management_body=f"{name.removesuffix('特色产业集群')}产业发展促进中心",
        )
        cert = certification_create_imported(
            actor=accounts.province,
            cluster=cluster,
            number=f"JS-TSJQ-{published.year}-P{seq:02d}",
            doc_number=f"苏工信中小〔{published.year}〕{60 + seq}号",
            publish_date=published,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        if cert.status == CertificationStatus.VALID:
            cert = certification_mark_expiring(certification=cert, comment="演示数据：进入到期前复核窗口")
        if rereview:
            _submit_rereview(applicant, cert)


def _submit_rereview(applicant, cert) -> ReReview:
    rereview = monitoring_services.rereview_start(actor=applicant, certification=cert)
    target = monitoring_services.rereview_target_add(
        rereview=rereview,
        actor=applicant,
        indicator="集群总产值",
        unit="万元",
        baseline=Decimal("600000"),
        target_3=Decimal("800000"),
    )
    rereview = ReReview.objects.get(pk=rereview.pk)
    rows = A.year_rows(rereview.year, Decimal("1.2"))
    monitoring_services.rereview_save(
        rereview=rereview,
        actor=applicant,
        version=rereview.edit_version,
        fields=REREVIEW_FIELDS,
        years={y: v for y, v in rows.items() if y in rereview.data_years},
        targets={target.pk: {"actual": Decimal("850000"), "note": "提前完成"}},
    )
    return monitoring_services.rereview_submit(rereview=ReReview.objects.get(pk=rereview.pk), actor=applicant)
