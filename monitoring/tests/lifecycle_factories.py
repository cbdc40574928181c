"""Factories of the certification lifecycle: re-reviews, revocation cases and change reports, each taken to a state
by the real services as the users entitled to act (one helper per state machine, one trait per state).

The re-review's certification is by default one of the 2023 call published on 1 June 2023 (valid to 31 May 2026):
on the package's reference date (10 March 2026) it is expiring and inside its re-review window."""

import datetime
from decimal import Decimal

import factory

from accounts.constants import Role
from clusters.models import Certification, CertificationStatus
from clusters.services.certifications import certification_mark_expiring
from clusters.tests.factories import authority_user, passing_year_rows, province_user
from monitoring import services
from monitoring.constants import ChangeKind, ChangeReportState, ReReviewState, RevocationGround, RevocationStatus
from monitoring.models import ChangeReport, ReReview, RevocationCase

from .factories import CertificationFactory, city_of, cluster_in, county_of, owner_of

S, R, CH = ReReviewState, RevocationStatus, ChangeReportState

PASSING_COUNTS = {
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
    "energy_above_benchmark": None,
    "water_intensive": False,
    "water_above_benchmark": None,
    "management_body": "测试集群发展促进中心",
    "service_system": "建有中小企业公共服务平台。",
    "summary": "三年发展规划各项目标基本完成，产值稳步增长。",
    "explanation": "",
    "decl_prohibited_industry": True,
    "decl_major_accident": True,
    "decl_cyber_incident": True,
    "decl_tax_dishonesty": True,
}


def expiring_certification(**kwargs) -> Certification:
    """A certification of the 2023 call published on 1 June 2023 (valid to 31 May 2026), marked expiring by the
    lifecycle service as the sweep would."""
    kwargs.setdefault("cluster", cluster_in("320583"))
    cert = CertificationFactory(call_year=2023, published=datetime.date(2023, 6, 1), **kwargs)
    return certification_mark_expiring(certification=cert, comment="测试：进入到期前6个月")


def fill_rereview(rereview, *, counts=None, years=None, actual=True) -> ReReview:
    """Figures of a sound cluster for the re-review's four years, passing counts, the declarations and every
    target's end value (met)."""
    rereview.refresh_from_db()
    rows = years or passing_year_rows(rereview.year)
    targets = {}
    if actual:
        for t in rereview.targets.all():
            value = t.target_3 * Decimal("0.98") if t.target_3 < t.baseline else t.target_3 * Decimal("1.05")
            targets[t.pk] = {"actual": value.quantize(Decimal("0.01")), "note": ""}
    return services.rereview_save(
        rereview=rereview,
        actor=owner_of(rereview),
        version=rereview.edit_version,
        fields={**PASSING_COUNTS, **(counts or {})},
        years={y: v for y, v in rows.items() if y in rereview.data_years},
        targets=targets,
    )


def tier_user(rereview, state=None):
    state = state or rereview.state
    return {
        S.COUNTY_REVIEW: lambda: county_of(rereview),
        S.CITY_REVIEW: lambda: city_of(rereview),
    }.get(state, province_user)()


def advance(rereview, *, to=S.PROVINCE_REVIEW):
    """Forward a submitted re-review through its tiers, each with an agreeing opinion, until `to`."""
    while rereview.state != to and rereview.state in (S.COUNTY_REVIEW, S.CITY_REVIEW, S.EXPERT_REVIEW):
        rereview = services.rereview_forward(
            rereview=rereview,
            actor=tier_user(rereview),
            agree=None if rereview.state == S.EXPERT_REVIEW else True,
            opinion="同意通过复核。",
            experts="张三、李四、王五" if rereview.state == S.EXPERT_REVIEW else "",
        )
    return rereview


def rereview_in_state(state=S.DRAFT, *, certification=None, successor=""):
    """A re-review of `certification` (an expiring one of its own by default) taken to `state`."""
    certification = certification or expiring_certification()
    owner = owner_of(certification)
    rereview = services.rereview_start(actor=owner, certification=certification)
    if state == S.DRAFT:
        return ReReview.objects.get(pk=rereview.pk)
    rereview = fill_rereview(rereview)
    rereview = services.rereview_submit(rereview=rereview, actor=owner)
    if state == S.RETURNED:
        rereview = services.rereview_return(rereview=rereview, actor=tier_user(rereview), reason="请补充说明。")
    elif state in (S.CITY_REVIEW, S.EXPERT_REVIEW, S.PROVINCE_REVIEW):
        rereview = advance(rereview, to=state)
    elif state in (S.PASSED, S.FAILED):
        rereview = advance(rereview)
        rereview = services.rereview_decide(
            rereview=rereview,
            actor=province_user(),
            passed=state == S.PASSED,
            reason="规划目标完成良好。" if state == S.PASSED else "规划目标多项未完成。",
            successor_regulation=successor,
        )
    return ReReview.objects.get(pk=rereview.pk)


class ReReviewFactory(factory.django.DjangoModelFactory):
    """`ReReviewFactory()` is a draft of an expiring certification; traits per state."""

    class Meta:
        model = ReReview

    certification = None
    target_state = S.DRAFT

    class Params:
        submitted = factory.Trait(target_state=S.COUNTY_REVIEW)
        at_city = factory.Trait(target_state=S.CITY_REVIEW)
        at_province = factory.Trait(target_state=S.PROVINCE_REVIEW)
        returned = factory.Trait(target_state=S.RETURNED)
        passed = factory.Trait(target_state=S.PASSED)
        failed = factory.Trait(target_state=S.FAILED)

    @classmethod
    def _create(cls, model_class, *, certification, target_state):
        return rereview_in_state(target_state, certification=certification)


# ---------------------------------------------------------------- revocation cases


def revocation_in_state(
    state=R.PROPOSED, *, certification=None, ground=RevocationGround.FALSE_DECLARATION, number=None
):
    certification = certification or CertificationFactory(cluster=cluster_in("320583"))
    province = province_user()
    case = services.revocation_open(
        actor=province,
        certification=certification,
        ground=ground,
        evidence="经核查，该集群申报材料中的产值数据与统计部门数据严重不符。",
    )
    if state in (R.REVOKED, R.PUBLISHED):
        case = services.revocation_revoke(
            case=case,
            actor=province,
            number=number or f"苏工信中小〔2026〕{case.pk}号",
            date=datetime.date(2026, 3, 9),
            reasons="虚假申报，情况属实。",
        )
        if state == R.PUBLISHED:
            case = services.revocation_publish(case=case, actor=province)
    elif state == R.DISMISSED:
        case = services.revocation_dismiss(case=case, actor=province, reason="经核查，情况不属实。")
    return RevocationCase.objects.get(pk=case.pk)


class RevocationCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RevocationCase

    certification = None
    target_state = R.PROPOSED

    class Params:
        revoked = factory.Trait(target_state=R.REVOKED)
        published = factory.Trait(target_state=R.PUBLISHED)
        dismissed = factory.Trait(target_state=R.DISMISSED)

    @classmethod
    def _create(cls, model_class, *, certification, target_state):
        return revocation_in_state(target_state, certification=certification)


# ---------------------------------------------------------------- change reports


def change_in_state(state=CH.DRAFT, *, certification=None, kind=ChangeKind.MANAGEMENT_BODY, **values):
    certification = certification or CertificationFactory(cluster=cluster_in("320583"))
    owner = owner_of(certification)
    report = services.change_report_start(actor=owner, cluster=certification.cluster, kind=kind)
    fields = {
        ChangeKind.MANAGEMENT_BODY: {"new_management_body": "昆山市高端装备产业集群运营有限公司"},
        ChangeKind.LEAD_INDUSTRY: {"new_lead_industry": "智能装备", "new_segment": "工业机器人"},
        ChangeKind.SPATIAL_SCOPE: {"new_area_km2": Decimal("65.5"), "scope_description": "新增开发区东区。"},
    }[ChangeKind(kind)]
    fields.update(effective_date=datetime.date(2026, 3, 1), reasons="集群发展需要，经县政府批准。")
    fields.update(values)
    report = services.change_report_save(report=report, actor=owner, version=report.edit_version, **fields)
    if state == CH.DRAFT:
        return ChangeReport.objects.get(pk=report.pk)
    report = services.change_report_submit(report=report, actor=owner)
    city = authority_user(Role.CITY, certification.cluster.division)
    if state == CH.RETURNED:
        report = services.change_report_return(report=report, actor=city, reason="请补充批准文件。")
    elif state in (CH.PROVINCE_REVIEW, CH.ACCEPTED, CH.REFUSED):
        report = services.change_report_forward(report=report, actor=city, agree=True, opinion="情况属实，同意。")
        if state != CH.PROVINCE_REVIEW:
            report = services.change_report_decide(
                report=report,
                actor=province_user(),
                accept=state == CH.ACCEPTED,
                reason="" if state == CH.ACCEPTED else "材料不全。",
            )
    return ChangeReport.objects.get(pk=report.pk)


class ChangeReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChangeReport

    certification = None
    target_state = CH.DRAFT

    class Params:
        submitted = factory.Trait(target_state=CH.CITY_REVIEW)
        at_province = factory.Trait(target_state=CH.PROVINCE_REVIEW)
        returned = factory.Trait(target_state=CH.RETURNED)
        accepted = factory.Trait(target_state=CH.ACCEPTED)
        refused = factory.Trait(target_state=CH.REFUSED)

    @classmethod
    def _create(cls, model_class, *, certification, target_state):
        return change_in_state(target_state, certification=certification)


def certification_status(cert) -> str:
    return Certification.objects.get(pk=cert.pk).status


__all__ = [
    "ChangeReportFactory",
    "CertificationStatus",
    "ReReviewFactory",
    "RevocationCaseFactory",
    "change_in_state",
    "expiring_certification",
    "fill_rereview",
    "rereview_in_state",
    "revocation_in_state",
]
