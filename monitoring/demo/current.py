"""This year's call, open, with applications at every step of the review: drafts and returns for the applicants,
each tier's queue, the city's recommendation document to send, experts with declarations and score sheets
waiting, a spot-check draw with a site check to record, a joint review, and a notice open for objection."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from clusters import services as cluster_services
from clusters.constants import ApplicationState, CallStatus
from clusters.models import Call, Cluster
from core.exceptions import ServiceError
from reviews import services as review_services
from reviews.constants import Tier

from . import applications as A

S = ApplicationState

# (county, cluster, lead industry, segment, where the application is taken)
CLUSTERS = [
    ("320583", "昆山市电子信息特色产业集群", "电子信息", "新型显示与智能终端", "draft_empty"),
    ("320583", "昆山市高端装备特色产业集群", "高端装备", "精密模具", "county_review"),
    ("320583", "昆山市新材料特色产业集群", "新材料", "电子功能材料", "returned_by_county"),
    ("320583", "昆山市生物医药特色产业集群", "生物医药", "医疗器械", "decision"),
    ("320583", "昆山市物联网特色产业集群", "物联网", "智能传感器", "experts_b"),
    ("320582", "张家港市冶金新材料特色产业集群", "冶金新材料", "特种钢材", "county_review"),
    ("320582", "张家港市智能装备特色产业集群", "智能装备", "液压元件", "city_review"),
    ("320582", "张家港市毛纺特色产业集群", "纺织", "毛纺织品", "decision"),
    ("320582", "张家港市光伏特色产业集群", "光伏", "光伏组件", "experts_a"),
    ("320582", "张家港市食品特色产业集群", "食品", "烘焙食品", "draft"),
    ("320281", "江阴市纺织服装特色产业集群", "纺织服装", "功能性面料", "county_review"),
    ("320281", "江阴市高端装备特色产业集群", "高端装备", "海工装备", "city_review"),
    ("320281", "江阴市新能源特色产业集群", "新能源", "储能装备", "formal_review"),
    ("320281", "江阴市集成电路特色产业集群", "集成电路", "封装测试", "decision"),
    ("320281", "江阴市精细化工特色产业集群", "精细化工", "电子化学品", "returned_by_city"),
    ("320481", "溧阳市动力电池特色产业集群", "动力电池", "锂电池材料", "county_review"),
    ("320481", "溧阳市电线电缆特色产业集群", "电线电缆", "特种电缆", "decision"),
    ("320481", "溧阳市建材特色产业集群", "建材", "新型建材", "rejected"),
    ("320481", "溧阳市农机装备特色产业集群", "农机装备", "植保机械", "withdrawn"),
    ("320481", "溧阳市茶叶食品特色产业集群", "食品", "茶叶精深加工", "draft"),
]
MARKER = "昆山市高端装备特色产业集群"  # present once this scenario has been built
DECISION_TOTALS = [88, 82, 79, 85]


def _on(now, days: int, hour: int):
    """`days` from today at `hour`:00, Asia/Shanghai (deadlines read as 17:00, not the minute the seed ran)."""
    day = timezone.localtime(now) + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def current_call(province, now):
    year = timezone.localdate(now).year
    call = Call.objects.filter(year=year).first()
    if call is None:
        call = cluster_services.call_create(
            actor=province,
            year=year,
            title=f"{year}年度江苏省中小企业特色产业集群申报",
            opens_at=_on(now, -30, 9),
            closes_at=_on(now, 30, 17),
            city_deadline=_on(now, 45, 17),
            notice_text="请各设区市组织本地区符合条件的集群申报（演示数据）。",
        )
    if call.status == CallStatus.DRAFT:
        call = cluster_services.call_publish(call=call, actor=province, comment="演示数据")
    return call


def _optional(step, notes, what: str):
    """Run a step that the calendar or a deadline may refuse; the refusal is reported, the rest goes on."""
    try:
        with transaction.atomic():
            return step()
    except ServiceError as exc:
        notes.append(f"{what}未生成：{exc}")
        return None


def build(accounts, notes) -> Call:
    now = timezone.now()
    province = accounts.province
    call = current_call(province, now)
    if Cluster.objects.filter(name=MARKER).exists():
        return call
    experts = accounts.experts
    apps = {}
    for seq, (county, name, lead, segment, target) in enumerate(CLUSTERS, start=1):
        applicant = accounts.applicants[county]
        cluster = A.register_cluster(applicant, name=name, lead_industry=lead, segment=segment)
        app = A.start(applicant, cluster, call, seq=100 + seq, filled=target != "draft_empty")
        if target not in ("draft_empty", "draft") and app.state == S.DRAFT:
            app = A.submit(app, applicant)
        apps.setdefault(target, []).append(app)

    def county_of(app):
        return accounts.counties[app.cluster.division.code]

    for app in apps["returned_by_county"]:
        A.tier_return(app, county_of(app), Tier.COUNTY, "2022年总产值与统计部门证明不一致，请核实后修改。")
    for app in apps["rejected"]:
        A.county_reject(app, county_of(app), "主导产业属于限制类产业，不符合申报条件。")
    for app in apps["withdrawn"]:
        cluster_services.application_withdraw(
            application=app, actor=accounts.applicants[app.cluster.division.code], comment="拟明年再申报"
        )
    onward = ["city_review", "returned_by_city", "formal_review", "decision", "experts_a", "experts_b"]
    for target in onward:
        apps[target] = [A.county_pass(app, county_of(app)) for app in apps[target]]

    # Each city's recommendation document lists what goes on to the province; the rest stay at the city.
    by_city = {}
    for target in ("formal_review", "decision", "experts_a", "experts_b"):
        for app in apps[target]:
            by_city.setdefault(app.cluster.division.parent.code, []).append(app)
    for city_code, listed in sorted(by_city.items()):
        A.recommend(call, accounts.cities[city_code], listed, f"{city_code[:4]}工信〔{call.year}〕{len(listed)}号")
    for app in apps["returned_by_city"]:
        app.refresh_from_db()
        city = accounts.cities[app.cluster.division.parent.code]
        A.tier_return(app, city, Tier.CITY, "近三年主导产业产值增速计算有误，请核对。")

    # The province's decision for the first group: formal review, two experts each, the draw, a joint review,
    # the notice and an objection; one drawn application is checked on site, the other waits for its check.
    decision = [A.formal_pass(app, province) for app in apps["decision"]]
    for app, total in zip(decision, DECISION_TOTALS, strict=True):
        A.score(A.assign(app, experts[0], province), total)
        A.score(A.assign(app, experts[1], province), total - 3)
    draw = review_services.spot_check_draw(call=call, actor=province, seed=str(call.year * 10000 + 1130), size=2)
    waiting = [app for app in decision if app.pk not in draw.drawn]
    A.run_joint_review(call, province, waiting)
    notice = _optional(lambda: A.publish_notice(call, province), notes, "公示")
    if notice is not None:
        A.object_to(notice, waiting[0], "该集群部分骨干企业2023年发生安全生产事故，申报材料未如实说明。")
    first_drawn = next(app for app in decision if app.pk == draw.drawn[0])
    review_services.site_check_record(
        application=first_drawn,
        actor=province,
        check_date=timezone.localdate(),
        inspectors="省厅中小企业处 刘某、陈某",
        findings="现场核查集群公共服务平台和骨干企业，申报数据与实际相符。",
        result="pass",
    )

    # The second group is in expert review now: declarations and score sheets waiting for every expert.
    group_a = A.formal_pass(apps["experts_a"][0], province)
    group_b = A.formal_pass(apps["experts_b"][0], province)
    A.assign(group_a, experts[0], province)  # expert1: declaration waiting
    A.score(A.assign(group_a, experts[3], province), 80, submit_sheet=False)  # expert4: sheet saved
    A.score(A.assign(group_a, experts[1], province), 84)  # expert2: submitted
    A.score(A.assign(group_b, experts[2], province), 78, submit_sheet=False)  # expert3: sheet saved
    A.assign(group_b, experts[4], province)  # expert5: declaration waiting
    A.assign(group_b, experts[1], province)  # expert2: declaration waiting
    return call
