"""The bulk half of `seed_scale`: accounts, experts and thousands of applications copied from an application the real
services built (the template), inserted with bulk_create in every state, each with the transition-log rows of the
path it took (`core.transitions.record_events`, so the hash chain stays whole), its submitted version, opinions,
recommendation document, expert assignments and score sheets, notices, publications and certifications, and the
certified clusters' annual reports.

A state column is only ever *inserted* here, with the log rows of the transitions that lead to it; nothing updates
one. The rows the workflow's services would refuse to create (a certified application without a certification, a
public notice without its notice) are created with them, so the FSM's invariants hold for the copies too.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.constants import DivisionLevel, OrganisationKind, Role
from accounts.models import Division, Organisation, User
from clusters.constants import ApplicationState as S
from clusters.constants import TagKind
from clusters.models import (
    Application,
    ApplicationVersion,
    Attachment,
    Cluster,
    Enterprise,
    IndustryTag,
    ListItem,
    PlanTarget,
    YearData,
)
from clusters.selectors import APPLICATION_FIELDS, YEAR_FIELDS
from core.transitions import record_events
from core.validators import credit_code_check_char

from . import plan

BATCH = 2000
NOTE = "基准数据（seed_scale 批量生成）"


def credit_code(prefix: str, division: str, seq: int) -> str:
    first17 = f"{prefix}{division}{seq:09d}"[:17]
    return first17 + credit_code_check_char(first17)


def log(objs, event, to_state, from_state="", actor=None):
    """One group of log rows (one chain lock, one insert) for objects that took the same step."""
    objs = list(objs)
    for start in range(0, len(objs), BATCH):
        chunk = objs[start : start + BATCH]
        record_events(chunk, event, actor=actor, to_state=to_state, from_state=from_state, comments=[NOTE] * len(chunk))


@dataclass
class Base:
    year: int
    province: User
    province_users: list
    counties: list
    cities: dict
    county_users: dict = field(default_factory=dict)
    city_users: dict = field(default_factory=dict)
    applicant_orgs: list = field(default_factory=list)
    applicant_users: dict = field(default_factory=dict)
    experts: list = field(default_factory=list)
    tags: list = field(default_factory=list)


def _users(rows, password_hash):
    now = timezone.now()
    users = [
        User(
            username=u,
            full_name=n,
            role=r,
            organisation=o,
            email=f"{u}@bench.local",
            password=password_hash,
            password_changed_at=now,
        )
        for u, n, r, o in rows
    ]
    return User.objects.bulk_create(users, batch_size=BATCH)


def make_base(*, factor: float, year: int, out) -> Base:
    """Tags, the province, city and county authorities, the applicant bodies and the expert pool."""
    from reviews.models import ExpertProfile

    password_hash = make_password(plan.PASSWORD)
    for kind, names in (
        (TagKind.ADVANCED_CLUSTER, [i for i, _s in plan.INDUSTRIES]),
        (TagKind.KEY_CHAIN, ["集成电路", "光伏"]),
    ):
        for order, name in enumerate(names):
            IndustryTag.objects.get_or_create(kind=kind, name=name, defaults={"order": order})
    tags = list(IndustryTag.objects.all())
    province_div = Division.objects.get(level=DivisionLevel.PROVINCE)
    province_org, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.PROVINCE_AUTHORITY, division=province_div, defaults={"name": "江苏省工业和信息化厅"}
    )
    n_province = plan.scaled(plan.USERS["province_users"], factor, minimum=2)
    province_users = _users(
        [(plan.MARKER_USERNAME, f"基准 factor={factor}", Role.PROVINCE, province_org)]
        + [(f"bench_province_{i}", f"省厅基准用户{i}", Role.PROVINCE, province_org) for i in range(1, n_province)],
        password_hash,
    )
    cities = {d.code: d for d in Division.objects.filter(level=DivisionLevel.CITY).order_by("code")}
    counties = list(
        Division.objects.filter(level=DivisionLevel.COUNTY, may_host_cluster=True)
        .select_related("parent")
        .order_by("code")
    )
    base = Base(year=year, province=province_users[0], province_users=province_users, counties=counties, cities=cities)
    base.tags = tags
    rows = []
    per_city = plan.scaled(plan.USERS["city_users_per_city"], factor)
    for code, city in cities.items():
        org, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.CITY_AUTHORITY, division=city, defaults={"name": f"{city.name}工业和信息化局"}
        )
        rows += [(f"bench_city_{code[:4]}_{i}", f"{city.name}审核员{i}", Role.CITY, org) for i in range(per_city)]
    per_county = plan.scaled(plan.USERS["county_users_per_county"], factor)
    for county in counties:
        org, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.COUNTY_AUTHORITY, division=county, defaults={"name": f"{county.name}工业和信息化局"}
        )
        rows += [
            (f"bench_county_{county.code}_{i}", f"{county.name}审核员{i}", Role.COUNTY, org) for i in range(per_county)
        ]
    for user in _users(rows, password_hash):
        target = base.city_users if user.role == Role.CITY else base.county_users
        target.setdefault(user.organisation.division_id, []).append(user)

    n_orgs = plan.scaled(plan.USERS["applicant_orgs"], factor, minimum=len(counties) if factor >= 0.05 else 12)
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"{counties[i % len(counties)].name}产业集群促进中心{i}",
                kind=OrganisationKind.APPLICANT,
                division=counties[i % len(counties)],
                credit_code=credit_code("12", counties[i % len(counties)].code, 500_000 + i),
            )
            for i in range(n_orgs)
        ],
        batch_size=BATCH,
    )
    base.applicant_orgs = orgs
    per_org = plan.USERS["users_per_applicant_org"]
    rows = [
        (f"bench_app_{i}_{j}", f"申报联系人{i}-{j}", Role.APPLICANT, o)
        for i, o in enumerate(orgs)
        for j in range(per_org)
    ]
    for user in _users(rows, password_hash):
        base.applicant_users.setdefault(user.organisation_id, []).append(user)

    n_experts = plan.scaled(plan.USERS["experts"], factor, minimum=12)
    city_list = list(cities.values())
    employers = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"{city_list[i % len(city_list)].name}基准专家单位{i}",
                kind=OrganisationKind.EXPERT_EMPLOYER,
                division=city_list[i % len(city_list)],
            )
            for i in range(n_experts)
        ]
    )
    users = _users(
        [(f"bench_expert_{i}", f"基准专家{i}", Role.EXPERT, e) for i, e in enumerate(employers)], password_hash
    )
    profiles = ExpertProfile.objects.bulk_create(
        [
            ExpertProfile(
                user=u, city=e.division, title="教授级高级工程师", keywords=plan.INDUSTRIES[i % len(plan.INDUSTRIES)][0]
            )
            for i, (u, e) in enumerate(zip(users, employers, strict=True))
        ]
    )
    for p, u in zip(profiles, users, strict=True):
        p.user = u
    base.experts = profiles
    out(
        f"  账号：省厅 {len(province_users)}，市县 {sum(map(len, base.city_users.values())) + sum(map(len, base.county_users.values()))}，"
        f"申报主体 {len(orgs)} 家 {len(orgs) * per_org} 人，专家 {len(profiles)}"
    )
    return base


# ---------------------------------------------------------------- applications


@dataclass
class Template:
    """An application the real services built and submitted: what every bulk copy is made of."""

    application: Application
    version: ApplicationVersion
    years: list
    items: list
    targets: list
    attachments: list

    @classmethod
    def load(cls, application):
        return cls(
            application=application,
            version=application.versions.order_by("-number").first(),
            years=list(application.year_data.order_by("year")),
            items=list(application.list_items.all()),
            targets=list(application.plan_targets.all()),
            attachments=list(application.attachments.filter(removed_at__isnull=True).select_related("requirement")),
        )


def _s(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


class Copier:
    """Makes the bulk copies of one call's applications in one state."""

    def __init__(self, *, base: Base, template: Template, rng: random.Random):
        self.base, self.t, self.rng = base, template, rng
        self.cluster_seq = 0
        self.enterprise_seq = 0
        self.org_cursor = 0

    def _owner(self):
        org = self.base.applicant_orgs[self.org_cursor % len(self.base.applicant_orgs)]
        self.org_cursor += 1
        return org

    def clusters(self, n):
        rows = []
        for _i in range(n):
            owner = self._owner()
            self.cluster_seq += 1
            industry, segment = plan.INDUSTRIES[self.cluster_seq % len(plan.INDUSTRIES)]
            rows.append(
                Cluster(
                    name=f"{owner.division.name}{industry}特色产业集群{self.cluster_seq}",
                    division=owner.division,
                    owner=owner,
                    lead_industry=industry,
                    segment=segment,
                    area_km2=Decimal(self.rng.randint(10, 300)),
                    management_body=f"{owner.name}运营管理办公室",
                )
            )
        clusters = Cluster.objects.bulk_create(rows, batch_size=BATCH)
        through = Cluster.tags.through
        tags = [t for t in self.base.tags if t.kind == TagKind.ADVANCED_CLUSTER] or self.base.tags
        through.objects.bulk_create(
            [through(cluster_id=c.pk, industrytag_id=tags[c.pk % len(tags)].pk) for c in clusters], batch_size=BATCH
        )
        return clusters

    def applications(self, call, state, n, *, now):
        clusters = self.clusters(n)
        submitted = state not in (S.DRAFT, S.WITHDRAWN)
        values = {f: getattr(self.t.application, f) for f in APPLICATION_FIELDS}
        apps = []
        for c in clusters:
            waited = dt.timedelta(days=self.rng.randint(0, 40), hours=self.rng.randint(0, 23))
            app = Application(
                call=call,
                cluster=c,
                applicant=c.owner,
                created_by=self.base.applicant_users[c.owner_id][0],
                state=state,
                state_changed_at=now - waited,
                submission_count=1 if submitted else 0,
                submitted_at=(now - waited - dt.timedelta(days=3)) if submitted else None,
                **values,
            )
            app.management_body = c.management_body
            apps.append(app)
        apps = Application.objects.bulk_create(apps, batch_size=BATCH)
        for app, c in zip(apps, clusters, strict=True):
            app.cluster, app.call = c, call
        self._sections(apps, call, versions=submitted)
        return apps

    def _sections(self, apps, call, *, versions):
        years, enterprises, items, targets, attachments, version_rows = [], [], [], [], [], []
        requirements = {r.order: r for r in call.requirements.all()}
        for app in apps:
            scale = Decimal(self.rng.randint(60, 160)) / 100
            app_years = []
            for offset, y in zip(range(-4, 0), self.t.years, strict=False):
                row = YearData(application=app, year=call.year + offset)
                for f in YEAR_FIELDS:
                    v = getattr(y, f)
                    if isinstance(v, Decimal) and f != "co2_intensity":
                        v = (v * scale).quantize(Decimal("0.01"))
                    elif isinstance(v, int):
                        v = int(v * scale)
                    setattr(row, f, v)
                app_years.append(row)
            years += app_years
            roster = []
            for _i in range(self.rng.randint(*plan.ROSTER_ROWS)):
                self.enterprise_seq += 1
                k = self.enterprise_seq
                roster.append(
                    Enterprise(
                        application=app,
                        name=f"{app.cluster.division.name}基准企业{k}有限公司",
                        credit_code=credit_code("91", app.cluster.division_id, k),
                        in_lead_industry=k % 5 != 0,
                        specialised_cert=f"ZJTX-{k}" if k % 5 < 3 else "",
                        giant_cert=f"XJR-{k}" if k % 10 == 0 else "",
                        hightech_cert=f"GR-{k}" if k % 5 in (1, 2) else "",
                        employees=50 + k % 750,
                    )
                )
            enterprises += roster
            items += [ListItem(application=app, kind=i.kind, name=i.name, level=i.level) for i in self.t.items]
            targets += [
                PlanTarget(
                    application=app,
                    indicator=t.indicator,
                    unit=t.unit,
                    baseline=t.baseline,
                    target_1=t.target_1,
                    target_2=t.target_2,
                    target_3=t.target_3,
                )
                for t in self.t.targets
            ]
            for a in self.t.attachments:
                req = requirements.get(a.requirement.order) if a.requirement_id else None
                attachments.append(
                    Attachment(
                        application=app,
                        requirement=req,
                        purpose=a.purpose,
                        original_name=a.original_name,
                        file=a.file.name,
                        file_type=a.file_type,
                        size=a.size,
                        sha256=a.sha256,
                        uploaded_by=app.created_by,
                    )
                )
            if versions:
                version_rows.append(self._version(app, app_years, roster))
        for model, rows in (
            (YearData, years),
            (Enterprise, enterprises),
            (ListItem, items),
            (PlanTarget, targets),
            (Attachment, attachments),
            (ApplicationVersion, version_rows),
        ):
            model.objects.bulk_create(rows, batch_size=BATCH)

    def _version(self, app, years, roster):
        snap = dict(self.t.version.snapshot)
        c = app.cluster
        snap["cluster"] = {
            **snap["cluster"],
            "name": c.name,
            "division": c.division.full_name,
            "division_code": c.division_id,
            "lead_industry": c.lead_industry,
            "segment": c.segment,
            "management_body": c.management_body,
        }
        snap["applicant"] = {"name": app.applicant.name, "credit_code": app.applicant.credit_code or ""}
        snap["years"] = [{"year": y.year, **{f: _s(getattr(y, f)) for f in YEAR_FIELDS}} for y in years]
        snap["enterprises"] = [
            {
                "name": e.name,
                "credit_code": e.credit_code,
                "in_lead_industry": e.in_lead_industry,
                "champion_cert": "",
                "giant_cert": e.giant_cert,
                "specialised_cert": e.specialised_cert,
                "hightech_cert": e.hightech_cert,
                "employees": _s(e.employees),
            }
            for e in roster
        ]
        return ApplicationVersion(
            application=app,
            number=1,
            created_at=app.submitted_at,
            created_by=app.created_by,
            snapshot=snap,
            eligibility=self.t.version.eligibility,
            explanations={},
        )
