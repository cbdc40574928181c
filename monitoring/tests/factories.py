"""Factories for certifications, annual reports and city submissions.

States are never set on a protected FSM field after creation: `AnnualReportFactory(submitted=True)` etc. run the
real services as the users entitled to act. Certifications (made by reviews at publication, or imported) are
created directly with their application, as publication would leave them; their own lifecycle states are set at
creation, which django-fsm allows.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from accounts.constants import Role
from accounts.models import Division
from accounts.tests.factories import OrganisationFactory, UserFactory
from clusters.constants import ApplicationState
from clusters.models import Application, Certification, CertificationSource, CertificationStatus, PlanTarget, YearData
from clusters.tests.factories import (
    ClusterFactory,
    applicant_user,
    authority_user,
    passing_year_rows,
    province_user,
    published_call,
)
from monitoring import services
from monitoring.constants import CitySubmissionState, ReportState
from monitoring.models import AnnualReport, CitySubmission

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The reference date of most tests: the 2025 reports are due on 31 March 2026.
TODAY = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)

# Figures of a sound 2025 (the application's 2024 is 700,000 万元 total; see clusters.tests.factories).
GOOD_FIGURES = {
    "total_output": Decimal("760000"),
    "sme_output": Decimal("600000"),
    "lead_output": Decimal("610000"),
    "sme_rnd": Decimal("16500"),
    "invention_patents": 1900,
    "employees": 100000,
    "co2_intensity": Decimal("0.42"),
}
NARRATIVES = {
    "development": "2025年集群总产值稳步增长。",
    "practices": "建设共享工厂，推进数字化改造。",
    "problems": "高端人才不足。",
    "next_steps": "加快创新平台建设。",
}

_numbers = iter(range(1, 10_000_000))


def plan_targets(application) -> None:
    PlanTarget.objects.bulk_create(
        [
            PlanTarget(
                application=application,
                indicator="集群总产值",
                unit="万元",
                baseline=Decimal("700000"),
                target_1=Decimal("750000"),
                target_2=Decimal("850000"),
                target_3=Decimal("1000000"),
            ),
            PlanTarget(
                application=application,
                indicator="二氧化碳排放强度",
                unit="吨/万元",
                baseline=Decimal("0.44"),
                target_1=Decimal("0.43"),
                target_2=Decimal("0.41"),
                target_3=Decimal("0.39"),
            ),
        ]
    )


def certified_application(cluster, call) -> Application:
    """The application a publication certified, with its Y-4..Y-1 data and 3-year plan targets."""
    application = Application.objects.create(
        call=call,
        cluster=cluster,
        applicant=cluster.owner,
        created_by=applicant_user(cluster.owner),
        state=ApplicationState.CERTIFIED,
        submission_count=1,
    )
    YearData.objects.bulk_create(
        YearData(application=application, year=y, **v) for y, v in passing_year_rows(call.year).items()
    )
    plan_targets(application)
    return application


class CertificationFactory(factory.django.DjangoModelFactory):
    """A certification of the 2025 call published on 15 October 2025 (portal), or, with `imported`, one made on
    paper in 2023. Traits per lifecycle state: expiring, expired, revoked."""

    class Meta:
        model = Certification

    cluster = factory.SubFactory(ClusterFactory)
    call_year = 2025
    published = datetime.date(2025, 10, 15)
    status = CertificationStatus.VALID
    imported = False

    class Params:
        expiring = factory.Trait(status=CertificationStatus.EXPIRING)
        expired = factory.Trait(status=CertificationStatus.EXPIRED)
        revoked = factory.Trait(status=CertificationStatus.REVOKED)

    @classmethod
    def _create(cls, model_class, *, cluster, call_year, published, status, imported):
        n = next(_numbers)
        valid_from, valid_to = Certification.validity(published)
        if imported:
            return Certification.objects.create(
                number=f"JS-TSJQ-IMP-{n:05d}",
                cluster=cluster,
                call=None,
                application=None,
                year=published.year,
                source=CertificationSource.IMPORTED,
                valid_from=valid_from,
                valid_to=valid_to,
                doc_number=f"苏工信中小〔{published.year}〕{n}号",
                status=status,
            )
        call = published_call(year=call_year)
        application = certified_application(cluster, call)
        return Certification.objects.create(
            number=f"JS-TSJQ-{call_year}-{n:05d}",
            cluster=cluster,
            call=call,
            application=application,
            year=call_year,
            source=CertificationSource.PORTAL,
            valid_from=valid_from,
            valid_to=valid_to,
            doc_number=f"苏工信中小〔{call_year}〕{n}号",
            status=status,
        )


def imported_certification(**kwargs) -> Certification:
    return CertificationFactory(imported=True, published=datetime.date(2023, 11, 20), **kwargs)


def owner_of(obj):
    cluster = getattr(obj, "cluster", obj)
    return applicant_user(cluster.owner)


def county_of(obj):
    cluster = getattr(obj, "cluster", obj)
    return authority_user(Role.COUNTY, cluster.division)


def city_of(obj):
    cluster = getattr(obj, "cluster", obj)
    return authority_user(Role.CITY, cluster.division)


def fill_report(report, figures=None, narratives=None, actuals=True) -> AnnualReport:
    report.refresh_from_db()
    progress = {}
    if actuals:
        for p in report.progress.select_related("target"):
            actual = Decimal("800000") if p.target.unit == "万元" else Decimal("0.42")
            progress[p.target_id] = {"actual": actual, "note": ""}
    return services.report_save(
        report=report,
        actor=owner_of(report),
        version=report.edit_version,
        figures=GOOD_FIGURES if figures is None else figures,
        narratives=NARRATIVES if narratives is None else narratives,
        progress=progress,
    )


def report_in_state(state=ReportState.DRAFT, *, certification=None, report_year=2025, filled=True, figures=None):
    """A report of `certification` on `report_year` taken to `state` by the services, as the users entitled."""
    certification = certification or CertificationFactory()
    owner = owner_of(certification)
    report = services.report_start(actor=owner, certification=certification, report_year=report_year)
    if filled or state != ReportState.DRAFT:
        report = fill_report(report, figures=figures)
    if state == ReportState.DRAFT:
        return AnnualReport.objects.get(pk=report.pk)
    report = services.report_submit(report=report, actor=owner, acknowledged=True)
    county = county_of(certification)
    if state == ReportState.VERIFIED:
        report = services.report_verify(report=report, actor=county)
    elif state == ReportState.RETURNED:
        report = services.report_return(report=report, actor=county, reason="请补充经验做法的具体案例。")
    return AnnualReport.objects.get(pk=report.pk)


class AnnualReportFactory(factory.django.DjangoModelFactory):
    """`AnnualReportFactory()` is a filled draft; traits take it through the workflow."""

    class Meta:
        model = AnnualReport

    certification = factory.SubFactory(CertificationFactory)
    report_year = 2025
    target_state = ReportState.DRAFT
    filled = True

    class Params:
        empty = factory.Trait(filled=False)
        submitted = factory.Trait(target_state=ReportState.SUBMITTED)
        returned = factory.Trait(target_state=ReportState.RETURNED)
        verified = factory.Trait(target_state=ReportState.VERIFIED)

    @classmethod
    def _create(cls, model_class, *, certification, report_year, target_state, filled):
        return report_in_state(target_state, certification=certification, report_year=report_year, filled=filled)


def division(code: str) -> Division:
    return Division.objects.get(code=code)


def cluster_in(county_code: str, **kwargs):
    """A cluster whose owner is an applicant body of `county_code`."""
    owner = OrganisationFactory(division=division(county_code))
    return ClusterFactory(owner=owner, **kwargs)


def city_submission_in_state(state=CitySubmissionState.DRAFT, *, city_user, report_year=2025, remarks=""):
    """The city's table taken to `state` by the services (the city saves or submits; the province returns)."""
    if state == CitySubmissionState.DRAFT:
        return services.city_submission_save(actor=city_user, report_year=report_year, remarks=remarks or "草稿")
    sub = services.city_submission_submit(actor=city_user, report_year=report_year, remarks=remarks)
    if state == CitySubmissionState.RETURNED:
        sub = services.city_submission_return(actor=province_user(), submission=sub, reason="请更正。")
    return CitySubmission.objects.get(pk=sub.pk)


class CitySubmissionFactory(factory.django.DjangoModelFactory):
    """The 苏州 table of 2025 (with one certified cluster of its own unless `certification` is given); traits per
    state: submitted, returned."""

    class Meta:
        model = CitySubmission

    certification = factory.SubFactory(CertificationFactory)
    report_year = 2025
    target_state = CitySubmissionState.DRAFT

    class Params:
        submitted = factory.Trait(target_state=CitySubmissionState.SUBMITTED)
        returned = factory.Trait(target_state=CitySubmissionState.RETURNED)

    @classmethod
    def _create(cls, model_class, *, certification, report_year, target_state):
        return city_submission_in_state(target_state, city_user=city_of(certification), report_year=report_year)


__all__ = [
    "CitySubmissionFactory",
    "AnnualReportFactory",
    "CertificationFactory",
    "UserFactory",
    "province_user",
]
