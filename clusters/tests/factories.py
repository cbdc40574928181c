"""Factories for clusters, calls and applications.

The application's state field is protected, so states are never set directly: `application_in_state` (and the
state traits of `ApplicationFactory`) fill in a complete, passing application and run the real services and
transitions as the users who may perform them.
"""

import io
from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.constants import Role
from accounts.models import Division, User
from accounts.tests.factories import KUNSHAN, OrganisationFactory, UserFactory, make_credit_code
from clusters import services
from clusters.constants import ApplicationState, ListKind, PlatformLevel
from clusters.models import Application, Attachment, Call, Cluster

S = ApplicationState


def tiny_pdf(text: str = "test") -> bytes:
    """A small but real one-page PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(name), content_type="application/pdf")


# ---------------------------------------------------------------- users


def province_user() -> User:
    user = User.objects.filter(role=Role.PROVINCE, is_active=True).order_by("id").first()
    return user or UserFactory(province=True)


def authority_user(role: str, division: Division) -> User:
    """An active user of the authority at `role`'s tier over `division` (a county), created when missing."""
    if role == Role.PROVINCE:
        return province_user()
    target = division if role == Role.COUNTY else division.parent
    user = User.objects.filter(role=role, is_active=True, organisation__division=target).order_by("id").first()
    if user:
        return user
    trait = {Role.COUNTY: "county", Role.CITY: "city"}[role]
    return UserFactory(**{trait: True, "organisation__division": target})


def applicant_user(organisation) -> User:
    user = User.objects.filter(role=Role.APPLICANT, is_active=True, organisation=organisation).order_by("id").first()
    return user or UserFactory(organisation=organisation)


# ---------------------------------------------------------------- calls


def published_call(year: int = 2026, **overrides) -> Call:
    """A call created and published through the services, open from yesterday for 30 days.

    Without overrides an existing call of that year is reused (the year is unique).
    """
    if not overrides:
        existing = Call.objects.filter(year=year).first()
        if existing is not None:
            return existing
    publish = overrides.pop("publish", True)
    now = timezone.now()
    fields = {
        "title": f"{year}年度江苏省中小企业特色产业集群申报",
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=30),
        "city_deadline": now + timedelta(days=45),
        **overrides,
    }
    actor = province_user()
    call = services.call_create(actor=actor, year=year, **fields)
    if publish:
        call = services.call_publish(call=call, actor=actor)
    return call


class CallFactory(factory.django.DjangoModelFactory):
    """Creates calls through `call_create` + `call_publish`; the `draft` trait leaves the call unpublished."""

    class Meta:
        model = Call

    year = factory.Sequence(lambda n: 2030 + n)
    publish = True

    class Params:
        draft = factory.Trait(publish=False)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return published_call(**kwargs)


# ---------------------------------------------------------------- clusters


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试特色产业集群{n}")
    owner = factory.SubFactory(OrganisationFactory)
    division = factory.LazyAttribute(lambda o: o.owner.division)
    lead_industry = "高端装备"
    segment = "精密零部件"
    area_km2 = Decimal("50")
    management_body = factory.Sequence(lambda n: f"测试集群发展促进中心{n}")


# ---------------------------------------------------------------- applications


PASSING_YEARS = {
    # offset from the call year: total, SME, lead, R&D, patents, employees, CO2 intensity
    -4: ("500000", "400000", "380000", "10000", 1000, 100000, "0.50"),
    -3: ("560000", "450000", "430000", "11500", 1200, 100000, "0.48"),
    -2: ("620000", "500000", "480000", "13000", 1400, 100000, "0.46"),
    -1: ("700000", "560000", "560000", "15000", 1600, 100000, "0.44"),
}


def passing_year_rows(call_year: int) -> dict:
    return {
        call_year + offset: {
            "total_output": Decimal(total),
            "sme_output": Decimal(sme),
            "lead_output": Decimal(lead),
            "sme_rnd": Decimal(rnd),
            "invention_patents": patents,
            "employees": employees,
            "co2_intensity": Decimal(co2),
        }
        for offset, (total, sme, lead, rnd, patents, employees, co2) in PASSING_YEARS.items()
    }


_enterprise_numbers = iter(range(10_000_000, 99_999_999))


def add_enterprises(application, actor, count: int, **fields) -> None:
    """`count` specialised (专精特新) enterprises, each with its own valid credit code."""
    for _i in range(count):
        n = next(_enterprise_numbers)
        services.enterprise_add(
            application=application,
            actor=actor,
            name=f"测试企业{n}",
            credit_code=make_credit_code(n, KUNSHAN),
            in_lead_industry=True,
            specialised_cert=f"ZJTX-{n}",
            employees=100,
            **fields,
        )


def fill_passing(application, actor=None) -> Application:
    """Fill in every section so that every rule passes and nothing blocks submission."""
    actor = actor or applicant_user(application.applicant)
    application.refresh_from_db()
    call = application.call
    application = services.application_update(
        application=application,
        actor=actor,
        version=application.edit_version,
        data={
            "contact_name": "张三",
            "contact_phone": "13812345678",
            "contact_email": "zhangsan@example.cn",
            "summary": "集群以高端装备为主导产业，配套完善。",
            "cloud_share_pct": Decimal("35"),
            "platform_penetration_pct": Decimal("25"),
            "digital_notes": "推进智能化改造。",
            "energy_intensive": False,
            "water_intensive": False,
            "green_notes": "建立绿色低碳服务机制。",
            "management_body": application.cluster.management_body,
            "service_system": "建有中小企业公共服务平台。",
            "promotion_mechanism": "定期召开集群发展联席会议。",
            "plan_summary": "三年内产值翻番。",
            "decl_prohibited_industry": True,
            "decl_major_accident": True,
            "decl_cyber_incident": True,
            "decl_tax_dishonesty": True,
        },
    )
    application = services.year_data_update(
        application=application, actor=actor, version=application.edit_version, rows=passing_year_rows(call.year)
    )
    add_enterprises(application, actor, 15)
    for i in range(5):
        services.list_item_add(
            application=application,
            actor=actor,
            kind=ListKind.PLATFORM,
            name=f"省级工程技术研究中心{i}",
            level=PlatformLevel.PROVINCIAL,
        )
    for i in range(3):
        services.list_item_add(
            application=application,
            actor=actor,
            kind=ListKind.STANDARD,
            name=f"行业标准{i}",
            level=PlatformLevel.INDUSTRY,
        )
    services.list_item_add(application=application, actor=actor, kind=ListKind.SHARING, name="共享工厂")
    services.list_item_add(
        application=application,
        actor=actor,
        kind=ListKind.PILOT,
        name="智能制造示范工厂",
        level=PlatformLevel.PROVINCIAL,
    )
    services.list_item_add(application=application, actor=actor, kind=ListKind.INTERNATIONAL, name="中德产业合作论坛")
    services.plan_target_add(
        application=application,
        actor=actor,
        indicator="集群总产值",
        unit="万元",
        baseline=Decimal("700000"),
        target_1=Decimal("800000"),
        target_2=Decimal("900000"),
        target_3=Decimal("1000000"),
    )
    for requirement in call.requirements.filter(required=True):
        services.attachment_upload(
            application=application,
            actor=actor,
            uploaded_file=pdf_upload(f"{requirement.name}.pdf"),
            requirement=requirement,
        )
    services.attachment_upload(
        application=application,
        actor=actor,
        uploaded_file=pdf_upload("三年发展规划.pdf"),
        purpose=Attachment.PURPOSE_PLAN,
    )
    application.refresh_from_db()
    return application


# The path through the workflow to each state: (verb, method, acting tier), after submission.
PATHS = {
    S.DRAFT: [],
    S.COUNTY_REVIEW: [],
    S.CITY_REVIEW: [("county_pass", "county_pass", Role.COUNTY)],
    S.FORMAL_REVIEW: [("county_pass", "county_pass", Role.COUNTY), ("recommend", "recommend", Role.CITY)],
}
PATHS[S.EXPERT_REVIEW] = [*PATHS[S.FORMAL_REVIEW], ("formal_pass", "formal_pass", Role.PROVINCE)]
PATHS[S.SITE_CHECK] = [*PATHS[S.EXPERT_REVIEW], ("manage_province", "start_site_check", Role.PROVINCE)]
PATHS[S.JOINT_REVIEW] = [*PATHS[S.EXPERT_REVIEW], ("manage_province", "to_joint_review", Role.PROVINCE)]
PATHS[S.PUBLIC_NOTICE] = [*PATHS[S.JOINT_REVIEW], ("manage_province", "approve", Role.PROVINCE)]
PATHS[S.CERTIFIED] = [*PATHS[S.PUBLIC_NOTICE], ("manage_province", "certify", Role.PROVINCE)]
PATHS[S.REJECTED] = [("reject", "reject", Role.COUNTY)]


def advance(application, state: str) -> Application:
    """Run the real transitions that take a filled-in draft to `state`."""
    state = S(state)
    owner = applicant_user(application.applicant)
    if state == S.WITHDRAWN:
        return services.application_withdraw(application=application, actor=owner, comment="测试撤回")
    if state != S.DRAFT:
        application = services.application_submit(application=application, actor=owner, comment="测试提交")
    division = application.cluster.division
    for verb, method, role in PATHS[state]:
        application = services.application_transition(
            application=application,
            actor=authority_user(role, division),
            verb=verb,
            method=method,
            comment=f"测试：{method}",
        )
    return application


def application_in_state(state: str = S.DRAFT, *, cluster=None, call=None, filled: bool = True) -> Application:
    """A complete, passing application taken to `state` by the services, as the users entitled to act."""
    cluster = cluster or ClusterFactory()
    call = call or published_call()
    owner = applicant_user(cluster.owner)
    application = services.application_create(actor=owner, cluster=cluster, call=call)
    if filled or state != S.DRAFT:
        application = fill_passing(application, owner)
    application = advance(application, state)
    application.refresh_from_db()
    return application


class ApplicationFactory(factory.django.DjangoModelFactory):
    """`ApplicationFactory()` is an empty draft; `ApplicationFactory(county_review=True)` etc. run the workflow."""

    class Meta:
        model = Application

    cluster = factory.SubFactory(ClusterFactory)
    call = factory.LazyFunction(published_call)
    target_state = S.DRAFT
    filled = False

    class Params:
        complete = factory.Trait(filled=True)
        county_review = factory.Trait(target_state=S.COUNTY_REVIEW)
        city_review = factory.Trait(target_state=S.CITY_REVIEW)
        formal_review = factory.Trait(target_state=S.FORMAL_REVIEW)
        expert_review = factory.Trait(target_state=S.EXPERT_REVIEW)
        site_check = factory.Trait(target_state=S.SITE_CHECK)
        joint_review = factory.Trait(target_state=S.JOINT_REVIEW)
        public_notice = factory.Trait(target_state=S.PUBLIC_NOTICE)
        certified = factory.Trait(target_state=S.CERTIFIED)
        rejected = factory.Trait(target_state=S.REJECTED)
        withdrawn = factory.Trait(target_state=S.WITHDRAWN)

    @classmethod
    def _create(cls, model_class, *, cluster, call, target_state, filled):
        return application_in_state(target_state, cluster=cluster, call=call, filled=filled)
