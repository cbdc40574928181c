import factory

from accounts.constants import OrganisationKind, Role
from accounts.models import Division, Organisation, User
from core.validators import credit_code_check_char


def make_credit_code(n: int, division_code: str = "320583") -> str:
    """A valid unified social credit code, distinct for each n."""
    first17 = f"91{division_code}{n:09d}"[:17]
    return first17 + credit_code_check_char(first17)


def division(code: str) -> Division:
    return Division.objects.get(code=code)


# Real divisions loaded by the data migration: 昆山市 and 张家港市 (苏州), 江阴市 (无锡).
KUNSHAN, ZHANGJIAGANG, SUZHOU, JIANGYIN, WUXI, PROVINCE = "320583", "320582", "320500", "320281", "320200", "320000"
NANJING = "320100"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试机构{n}")
    kind = OrganisationKind.APPLICANT
    division = factory.LazyFunction(lambda: division(KUNSHAN))
    credit_code = factory.Sequence(lambda n: make_credit_code(n + 1))

    class Params:
        county = factory.Trait(
            kind=OrganisationKind.COUNTY_AUTHORITY, credit_code=None, name=factory.Sequence(lambda n: f"县工信局{n}")
        )
        city = factory.Trait(
            kind=OrganisationKind.CITY_AUTHORITY,
            credit_code=None,
            division=factory.LazyFunction(lambda: division(SUZHOU)),
            name=factory.Sequence(lambda n: f"市工信局{n}"),
        )
        province = factory.Trait(
            kind=OrganisationKind.PROVINCE_AUTHORITY,
            credit_code=None,
            division=factory.LazyFunction(lambda: division(PROVINCE)),
            name="江苏省工业和信息化厅",
        )
        expert_employer = factory.Trait(
            kind=OrganisationKind.EXPERT_EMPLOYER, division=factory.LazyFunction(lambda: division(WUXI))
        )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    phone = "13812341234"
    role = Role.APPLICANT
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", "pass-Word-2026")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    class Params:
        county = factory.Trait(role=Role.COUNTY, organisation=factory.SubFactory(OrganisationFactory, county=True))
        city = factory.Trait(role=Role.CITY, organisation=factory.SubFactory(OrganisationFactory, city=True))
        province = factory.Trait(
            role=Role.PROVINCE, organisation=factory.SubFactory(OrganisationFactory, province=True)
        )
        expert = factory.Trait(
            role=Role.EXPERT, organisation=factory.SubFactory(OrganisationFactory, expert_employer=True)
        )
