"""The demo accounts: the province, the 13 cities, four counties each with an applicant body, five experts."""

from dataclasses import dataclass, field

from accounts.constants import DivisionLevel, OrganisationKind, Role
from accounts.models import Division, Organisation, User
from clusters.constants import TagKind
from clusters.models import IndustryTag
from core.validators import credit_code_check_char

PASSWORD = "Jiangsu@2026"

# Examples only: the official lists are maintained by province staff in the admin.
DEMO_TAGS = {
    TagKind.ADVANCED_CLUSTER: [
        "新型电力（新能源）装备",
        "工程机械",
        "物联网",
        "高端纺织",
        "前沿新材料",
        "生物医药和新型医疗器械",
    ],
    TagKind.KEY_CHAIN: ["集成电路", "新能源汽车", "光伏", "高端装备", "节能环保", "智能电网"],
}

# 昆山 and 张家港 (苏州), 江阴 (无锡), 溧阳 (常州).
COUNTIES = [
    ("320583", "昆山市"),
    ("320582", "张家港市"),
    ("320281", "江阴市"),
    ("320481", "溧阳市"),
]

EXPERTS = [
    ("张教授", "东南大学", "320100", "电子信息、集成电路"),
    ("李研究员", "江苏省产业技术研究院", "320100", "新材料、高端装备"),
    ("陈高工", "南京工业大学", "320100", "化工、节能环保"),
    ("赵教授", "江南大学", "320200", "纺织、食品"),
    ("周总工", "中国电子技术标准化研究院华东分院", "320200", "物联网、标准化"),
]


def credit_code(seq: int, division: str, kind: str = "12") -> str:
    """A valid code; kind 12 is a public institution (事业单位), like most promotion centres, 91 a company."""
    first17 = f"{kind}{division}{seq:09d}"[:17]
    return first17 + credit_code_check_char(first17)


@dataclass
class Accounts:
    province: User
    counties: dict = field(default_factory=dict)  # county code -> county authority user
    cities: dict = field(default_factory=dict)  # city code -> city authority user
    applicants: dict = field(default_factory=dict)  # county code -> applicant user
    experts: list = field(default_factory=list)  # ExpertProfile, expert1..expert5
    rows: list = field(default_factory=list)  # (username, password shown, role, organisation)


def _user(accounts, username, full_name, role, organisation, password):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "role": role,
            "organisation": organisation,
            "email": f"{username}@demo.local",
        },
    )
    if created:
        user.set_password(password)
        user.save()
    accounts.rows.append(
        (username, password if created else "（已存在，密码未改）", Role(role).label, organisation.name)
    )
    return user


def ensure_accounts(password: str, notes: list) -> Accounts:
    """Every demo account (created once; an existing one keeps its password)."""
    province_div = Division.objects.get(level=DivisionLevel.PROVINCE)
    province_org, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.PROVINCE_AUTHORITY, division=province_div, defaults={"name": "江苏省工业和信息化厅"}
    )
    accounts = Accounts(province=None)
    province = _user(accounts, "province", "省厅 王处长", Role.PROVINCE, province_org, password)
    if province.is_superuser and province.check_password(password):
        # Earlier versions made this account a superuser; with a published password it must not stay one.
        province.is_superuser = False
        province.save(update_fields=["is_superuser"])
        notes.append("province 账号的超级管理员权限已取消（演示密码是公开的）。")
    accounts.province = province

    for city in Division.objects.filter(level=DivisionLevel.CITY).order_by("code"):
        org, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.CITY_AUTHORITY, division=city, defaults={"name": f"{city.name}工业和信息化局"}
        )
        accounts.cities[city.code] = _user(
            accounts, f"city{city.code[:4]}", f"{city.name}审核员", Role.CITY, org, password
        )

    for seq, (code, name) in enumerate(COUNTIES, start=1):
        county = Division.objects.get(code=code)
        org, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.COUNTY_AUTHORITY, division=county, defaults={"name": f"{name}工业和信息化局"}
        )
        accounts.counties[code] = _user(accounts, f"county{code}", f"{name}审核员", Role.COUNTY, org, password)
        body, _ = Organisation.objects.get_or_create(
            credit_code=credit_code(seq, code),
            defaults={"name": f"{name}产业集群发展促进中心", "kind": OrganisationKind.APPLICANT, "division": county},
        )
        accounts.applicants[code] = _user(
            accounts, f"applicant{code}", f"{name}申报联系人", Role.APPLICANT, body, password
        )

    from reviews.models import ExpertProfile

    for i, (name, employer, city_code, keywords) in enumerate(EXPERTS, start=1):
        city = Division.objects.get(code=city_code)
        org, _ = Organisation.objects.get_or_create(
            name=employer, kind=OrganisationKind.EXPERT_EMPLOYER, defaults={"division": city}
        )
        user = _user(accounts, f"expert{i}", name, Role.EXPERT, org, password)
        profile, _ = ExpertProfile.objects.get_or_create(
            user=user, defaults={"city": city, "keywords": keywords, "title": "教授级高级工程师"}
        )
        accounts.experts.append(profile)

    for kind, names in DEMO_TAGS.items():
        for order, name in enumerate(names):
            IndustryTag.objects.get_or_create(kind=kind, name=name, defaults={"order": order})
    return accounts


def ensure_admin(password: str, accounts: Accounts) -> bool:
    """A separate superuser `admin` with the password given on the command line (never the demo password)."""
    user, created = User.objects.get_or_create(
        username="admin",
        defaults={
            "full_name": "系统管理员",
            "role": Role.PROVINCE,
            "organisation": accounts.province.organisation,
            "email": "admin@demo.local",
            "is_staff": True,
            "is_superuser": True,
        },
    )
    if created:
        user.set_password(password)
        user.save()
    return created
