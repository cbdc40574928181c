from django.db import models
from django.utils.translation import gettext_lazy as _


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("设区市")
    COUNTY = "county", _("县级")


class OrganisationKind(models.TextChoices):
    APPLICANT = "applicant", _("申报主体")
    COUNTY_AUTHORITY = "county_authority", _("县级中小企业主管部门")
    CITY_AUTHORITY = "city_authority", _("设区市中小企业主管部门")
    PROVINCE_AUTHORITY = "province_authority", _("省中小企业主管部门")
    EXPERT_EMPLOYER = "expert_employer", _("专家所在单位")


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申报主体")
    COUNTY = "county", _("县级主管部门")
    CITY = "city", _("设区市主管部门")
    PROVINCE = "province", _("省工业和信息化厅")
    EXPERT = "expert", _("评审专家")


# Which organisation kinds a role may belong to. A county authority may also file as applicant (domain.md).
ROLE_ORGANISATION_KINDS = {
    Role.APPLICANT: {OrganisationKind.APPLICANT, OrganisationKind.COUNTY_AUTHORITY},
    Role.COUNTY: {OrganisationKind.COUNTY_AUTHORITY},
    Role.CITY: {OrganisationKind.CITY_AUTHORITY},
    Role.PROVINCE: {OrganisationKind.PROVINCE_AUTHORITY},
    Role.EXPERT: {OrganisationKind.EXPERT_EMPLOYER, OrganisationKind.APPLICANT},
}
