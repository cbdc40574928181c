"""The pages `bench` measures, found in the seeded database: the same keys at every factor, each with the role that
opens it, its URL and the target it is held to (`TARGETS` in monitoring/management/commands/bench.py)."""

from dataclasses import asdict, dataclass

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone


@dataclass
class Page:
    key: str
    label: str
    role: str | None  # a key of users(); None: anonymous
    url: str
    target: str = "queries_flat"  # every page: its queries do not grow with the data
    load: bool = True  # driven under gunicorn (downloads of PDFs are timed in-process instead)

    def as_dict(self):
        return asdict(self)


def users() -> dict:
    """One account per role, the busiest of its kind (the most applications in its jurisdiction or hands)."""
    from accounts.constants import Role
    from accounts.models import User
    from clusters.constants import ApplicationState as S
    from clusters.models import Application
    from reviews.models import Assignment

    from . import plan

    def first(qs):
        return qs.order_by("id").first()

    busiest_county = (
        Application.objects.filter(state=S.COUNTY_REVIEW)
        .values("cluster__division_id")
        .annotate(n=Count("id"))
        .order_by("-n", "cluster__division_id")
        .first()
    )
    county = busiest_county["cluster__division_id"] if busiest_county else None
    city = (
        Application.objects.filter(state=S.CITY_REVIEW)
        .values("cluster__division__parent_id")
        .annotate(n=Count("id"))
        .order_by("-n", "cluster__division__parent_id")
        .first()
    )
    owner = (
        Application.objects.filter(applicant__users__role=Role.APPLICANT, certification__isnull=False)
        .values("applicant_id")
        .annotate(n=Count("id"))
        .order_by("-n", "applicant_id")
        .first()
    )
    expert = (
        Assignment.objects.values("expert__user_id").annotate(n=Count("id")).order_by("-n", "expert__user_id").first()
    )
    return {
        "province": User.objects.filter(username=plan.MARKER_USERNAME).first()
        or first(User.objects.filter(role=Role.PROVINCE)),
        "city": first(
            User.objects.filter(role=Role.CITY, organisation__division_id=city["cluster__division__parent_id"])
        )
        if city
        else None,
        "county": first(User.objects.filter(role=Role.COUNTY, organisation__division_id=county)) if county else None,
        "applicant": first(User.objects.filter(role=Role.APPLICANT, organisation_id=owner["applicant_id"]))
        if owner
        else None,
        "expert": User.objects.filter(pk=expert["expert__user_id"]).first() if expert else None,
    }


def _url(name, *args, query=""):
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def pages(who: dict) -> list[Page]:
    """Every key page with the object it shows picked from the data (the busiest one where it matters)."""
    from clusters.constants import ApplicationState as S
    from clusters.models import Application, Call, Certification
    from reviews.models import Assignment, Notice, Recommendation

    call = Call.objects.order_by("-year").first()
    year = timezone.localdate().year - 1
    county, city = who["county"], who["city"]

    def app_in(state, **flt):
        return Application.objects.filter(call=call, state=state, **flt).order_by("id").first()

    county_app = app_in(S.COUNTY_REVIEW, cluster__division_id=county.organisation.division_id) if county else None
    formal_app = app_in(S.FORMAL_REVIEW)
    visible = Application.objects.exclude(submission_count=0).count()
    deep = max(1, int(visible / 25 * 0.9))
    assignment = Assignment.objects.filter(expert__user=who["expert"], application__call=call).order_by("id").first()
    notice = Notice.objects.filter(status="published").order_by("-id").first()
    cert = Certification.objects.order_by("number").first()
    rec = Recommendation.objects.filter(city=city.organisation.division if city else None).order_by("-id").first()
    monitored = (
        Certification.objects.filter(cluster__owner=who["applicant"].organisation).first() if who["applicant"] else None
    )
    city_code = city.organisation.division_id if city else "320500"
    rows = [
        Page("healthz", "/healthz", None, "/healthz", target="baseline"),
        Page("home_province", "首页（省厅）", "province", "/"),
        Page("home_city", "首页（设区市）", "city", "/"),
        Page("home_county", "首页（县）", "county", "/"),
        Page("home_applicant", "首页（申报主体）", "applicant", "/"),
        Page("home_expert", "首页（专家）", "expert", "/"),
        Page("queue_county", "审核队列（县）", "county", "/review/", target="p95_x3"),
        Page("queue_city", "审核队列（设区市）", "city", "/review/", target="p95_x3"),
        Page("queue_province", "审核队列（省，形式审查）", "province", "/review/", target="p95_x3"),
        Page("queue_province_all", "审核队列（省，全部状态）", "province", "/review/?state=", target="p95_x3"),
        Page(
            "queue_province_deep",
            f"审核队列（省，全部状态，第 {deep} 页）",
            "province",
            f"/review/?state=&page={deep}",
            target="p95_x3",
        ),
        Page("my_applications", "我的申报（申报主体）", "applicant", "/applications/"),
        Page("my_clusters", "我的集群（申报主体）", "applicant", "/clusters/"),
        Page("expert_tasks", "评审任务（专家）", "expert", "/review/tasks/"),
        Page("province_decision", "省厅评审决策首页", "province", "/review/province/"),
        Page("expert_pool", "专家库", "province", "/review/experts/"),
        Page("registry", "认定名单（公开）", None, "/registry/", target="rps_x07"),
        Page(
            "registry_city",
            "认定名单：按设区市、状态筛选",
            None,
            f"/registry/?city={city_code}&status=valid",
            target="rps_x07",
        ),
        Page("registry_search", "认定名单：关键词、年度筛选", None, f"/registry/?q=装备&year={year}", target="rps_x07"),
        Page("calls_public", "申报通知（公开）", None, "/calls/"),
        Page("notices", "公示公告列表", None, "/notices/"),
        Page("api_certifications", "API 认定列表（公开）", None, "/api/certifications/"),
        Page("api_notices", "API 公示列表（公开）", None, "/api/notices/"),
        Page("api_applications", "API 申报列表（省）", "province", "/api/applications/"),
        Page("api_clusters", "API 集群列表（省）", "province", "/api/clusters/"),
        Page("api_applications_city", "API 申报列表（设区市）", "city", "/api/applications/"),
        Page(
            "monitoring_province", f"年度监测：全省 {year} 年度", "province", _url("monitoring:province_overview", year)
        ),
        Page(
            "monitoring_city",
            f"年度监测：设区市信息表 {year}",
            "city",
            _url("monitoring:city_submission", city_code, year),
        ),
        Page(
            "monitoring_city_xlsx",
            "年度监测：设区市信息表 Excel",
            "city",
            _url("monitoring:city_xlsx", city_code, year),
        ),
        Page("monitoring_county", "年度监测（县）", "county", "/monitoring/"),
        Page("monitoring_applicant", "年度监测（申报主体）", "applicant", "/monitoring/"),
        Page("monitoring_warnings", "年度监测：预警", "province", _url("monitoring:warning_list")),
        Page("monitoring_revocations", "年度监测：撤销建议", "province", _url("monitoring:revocation_list")),
    ]
    if call is not None:
        rows += [
            Page("assignments", "专家分配页", "province", f"/review/calls/{call.pk}/assignments/", target="p95_x3"),
            Page("ranking", "评分排名（评分表）", "province", f"/review/calls/{call.pk}/scores/", target="p95_x3"),
            Page(
                "ranking_xlsx",
                "评分排名 Excel 导出",
                "province",
                f"/review/calls/{call.pk}/scores.xlsx",
                target="p95_x3",
            ),
            Page("spot_check", "实地抽查页", "province", f"/review/calls/{call.pk}/spot-check/"),
            Page("meetings", "会审页", "province", f"/review/calls/{call.pk}/meetings/"),
        ]
    if county_app:
        rows.append(
            Page("review_county", "审核页面（县，20 行名册）", "county", f"/review/applications/{county_app.pk}/")
        )
    city_app = app_in(S.CITY_REVIEW, cluster__division__parent_id=city.organisation.division_id) if city else None
    if city_app:
        rows.append(Page("detail_city", "申报详情（设区市）", "city", f"/applications/{city_app.pk}/"))
    if formal_app:
        rows.append(
            Page(
                "review_formal",
                "形式审查页面（省）",
                "province",
                f"/review/applications/{formal_app.pk}/",
                target="queries_20",
            )
        )
    if assignment:
        rows.append(Page("scoring", "评分页（专家）", "expert", f"/review/scoring/{assignment.pk}/"))
    if notice:
        rows.append(Page("notice_detail", "公示详情（公开）", None, f"/notices/{notice.pk}/"))
    if cert:
        rows.append(Page("verify", "证书核验页（公开）", None, f"/verify/{cert.number}/"))
    if rec:
        rows.append(Page("recommendation_xlsx", "推荐汇总表 Excel", "city", f"/review/recommendations/{rec.pk}/xlsx/"))
    if monitored:
        rows.append(
            Page(
                "monitoring_cluster",
                "年度监测：集群详情（申报主体）",
                "applicant",
                _url("monitoring:cluster_detail", monitored.cluster_id),
            )
        )
    dashboard = _url("monitoring:dashboard")
    if dashboard:
        rows.append(Page("dashboard", "监测看板（省）", "province", dashboard))
    return [p for p in rows if p.url and (p.role is None or who.get(p.role) is not None)]


# Pages served from a cache keyed by data versions (core.cache.data_version): what each is computed from. The
# bench also times their first request after a change (`measure.cold_requests`).
CACHED_PAGES = {
    "ranking": ("reviews.scoresheet",),
    "ranking_xlsx": ("reviews.scoresheet",),
    "monitoring_province": ("monitoring.annualreport",),
    "monitoring_warnings": ("monitoring.annualreport",),
    "dashboard": ("monitoring.annualreport",),
    "recommendation_xlsx": ("reviews.recommendation",),
}


def pdf_subjects() -> dict:
    """The versions and the certificate whose PDFs are timed: the application with the largest roster, one with
    ~15 rows, and the first certificate."""
    from clusters.models import ApplicationVersion, Certification

    def version_with(rows_filter):
        app = (
            ApplicationVersion.objects.annotate(n=Count("application__enterprises"))
            .filter(rows_filter)
            .order_by("-n", "id")
            .first()
        )
        return app

    return {
        "big": version_with(Q(n__gte=250)),
        "small": version_with(Q(n__gte=10, n__lte=20)),
        "certificate": Certification.objects.select_related("cluster").order_by("number").first(),
    }
