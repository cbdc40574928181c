"""Demo accounts and data. Lives in the top app because it touches every app below it."""

from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.constants import DivisionLevel, OrganisationKind, Role
from accounts.models import Division, Organisation, User
from clusters import services as cluster_services
from clusters.constants import CallStatus, TagKind
from clusters.models import Call, Cluster, IndustryTag
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

COUNTIES = [
    ("320583", "昆山市"),
    ("320582", "张家港市"),
    ("320281", "江阴市"),
    ("320481", "溧阳市"),
]


def credit_code(seq: int, division: str) -> str:
    first17 = f"12{division}{seq:09d}"[:17]  # 12: a public institution (事业单位), like most promotion centres
    return first17 + credit_code_check_char(first17)


class Command(BaseCommand):
    help = "创建演示账号和数据（可重复运行，不会重复创建）。"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=PASSWORD, help="演示账号的统一密码")

    def _user(self, username, full_name, role, organisation, password, rows, note=""):
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
        rows.append(
            (username, password if created else "（已存在，密码未改）", Role(role).label, organisation.name, note)
        )
        return user

    @transaction.atomic
    def handle(self, *args, **options):
        password = options["password"]
        rows = []
        province_div = Division.objects.get(level=DivisionLevel.PROVINCE)
        province_org, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.PROVINCE_AUTHORITY, division=province_div, defaults={"name": "江苏省工业和信息化厅"}
        )
        province = self._user("province", "省厅 王处长", Role.PROVINCE, province_org, password, rows)
        if not province.is_staff:
            province.is_staff = True
            province.is_superuser = True
            province.save(update_fields=["is_staff", "is_superuser"])

        for city in Division.objects.filter(level=DivisionLevel.CITY).order_by("code"):
            org, _ = Organisation.objects.get_or_create(
                kind=OrganisationKind.CITY_AUTHORITY, division=city, defaults={"name": f"{city.name}工业和信息化局"}
            )
            self._user(f"city{city.code[:4]}", f"{city.name}审核员", Role.CITY, org, password, rows)

        applicants = []
        for seq, (code, name) in enumerate(COUNTIES, start=1):
            county = Division.objects.get(code=code)
            org, _ = Organisation.objects.get_or_create(
                kind=OrganisationKind.COUNTY_AUTHORITY, division=county, defaults={"name": f"{name}工业和信息化局"}
            )
            self._user(f"county{code}", f"{name}审核员", Role.COUNTY, org, password, rows)
            body, _ = Organisation.objects.get_or_create(
                credit_code=credit_code(seq, code),
                defaults={
                    "name": f"{name}产业集群发展促进中心",
                    "kind": OrganisationKind.APPLICANT,
                    "division": county,
                },
            )
            applicants.append(self._user(f"applicant{code}", f"{name}申报联系人", Role.APPLICANT, body, password, rows))

        experts = []
        for i, (name, employer, city_code, keywords) in enumerate(
            [
                ("张教授", "东南大学", "320100", "电子信息、集成电路"),
                ("李研究员", "江苏省产业技术研究院", "320100", "新材料、高端装备"),
                ("陈高工", "南京工业大学", "320100", "化工、节能环保"),
                ("赵教授", "江南大学", "320200", "纺织、食品"),
                ("周总工", "中国电子技术标准化研究院华东分院", "320200", "物联网、标准化"),
            ],
            start=1,
        ):
            city = Division.objects.get(code=city_code)
            org, _ = Organisation.objects.get_or_create(
                name=employer, kind=OrganisationKind.EXPERT_EMPLOYER, defaults={"division": city}
            )
            user = self._user(f"expert{i}", name, Role.EXPERT, org, password, rows)
            experts.append((user, city, keywords))

        for kind, names in DEMO_TAGS.items():
            for order, name in enumerate(names):
                IndustryTag.objects.get_or_create(kind=kind, name=name, defaults={"order": order})

        from reviews.models import ExpertProfile

        for user, city, keywords in experts:
            ExpertProfile.objects.get_or_create(
                user=user, defaults={"city": city, "keywords": keywords, "title": "教授级高级工程师"}
            )

        now = timezone.now()
        year = timezone.localdate().year
        call = Call.objects.filter(year=year).first()
        if call is None:
            call = cluster_services.call_create(
                actor=province,
                year=year,
                title=f"{year}年度江苏省中小企业特色产业集群申报",
                opens_at=now - timedelta(days=7),
                closes_at=now + timedelta(days=60),
                city_deadline=now + timedelta(days=75),
                notice_text="请各设区市组织本地区符合条件的集群申报（演示数据）。",
            )
        if call.status == CallStatus.DRAFT:
            call = cluster_services.call_publish(call=call, actor=province, comment="演示数据")

        applicant = applicants[0]
        cluster = Cluster.objects.filter(owner=applicant.organisation).first()
        if cluster is None:
            cluster = cluster_services.cluster_register(
                actor=applicant,
                name="昆山市电子信息特色产业集群",
                division=applicant.organisation.division,
                lead_industry="电子信息",
                segment="新型显示与智能终端",
                area_km2=Decimal("86.5"),
                management_body="昆山市产业集群发展促进中心",
                tags=list(IndustryTag.objects.filter(name__in=["物联网", "集成电路"])),
            )
        if not cluster.applications.filter(call=call).exists():
            cluster_services.application_create(actor=applicant, cluster=cluster, call=call)

        self.stdout.write(self.style.SUCCESS("演示数据已就绪。登录地址：/accounts/login/"))
        width = max(len(r[0]) for r in rows) + 2
        self.stdout.write(f"{'用户名'.ljust(width)}  {'密码'.ljust(14)}  角色 / 机构")
        shown = [r for r in rows if not r[0].startswith("city") or r[0] in ("city3205", "city3202")]
        for username, pw, role, org, _note in shown:
            self.stdout.write(f"{username.ljust(width)}  {pw.ljust(14)}  {role} / {org}")
        self.stdout.write(f"（另有 13 个设区市账号 city3201…city3213，密码同上；共 {len(rows)} 个账号）")
