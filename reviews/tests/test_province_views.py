"""The province's decision pages through the test client: scope (404), the expert's scoring flow, assignment,
ranking and its exports, spot checks, site checks and the joint review."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.tests.factories import KUNSHAN, NANJING, SUZHOU, division
from clusters.constants import ApplicationState as S
from clusters.tests.factories import (
    ClusterFactory,
    applicant_user,
    application_in_state,
    authority_user,
    published_call,
    tiny_pdf,
)
from reviews import services
from reviews.models import (
    Assignment,
    ExpertConflict,
    ExpertProfile,
    JointDecision,
    JointReview,
    ScoreSheet,
    SiteCheck,
    SpotCheckDraw,
)
from reviews.tests.factories import expert

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return authority_user(Role.PROVINCE, division(KUNSHAN))


@pytest.fixture
def app():
    return application_in_state(S.EXPERT_REVIEW)  # a 昆山市 (苏州) cluster


def _assign(app, province, **kw):
    return services.expert_assign(application=app, expert=expert(city_code=NANJING, **kw), actor=province)


def _scores(rubric, total):
    return {str(c.pk): str(c.max_points * Decimal(total) / 100) for c in rubric}


def _score(app, province, totals):
    """One new expert per total, each submitting a sheet worth exactly that total."""
    sheets = []
    for total in totals:
        assignment = _assign(app, province)
        user = assignment.expert.user
        services.declare_no_conflict(assignment=assignment, actor=user)
        rubric = list(app.call.rubric.all())
        services.scoresheet_save(
            sheet=assignment.sheet, actor=user, scores=_scores(rubric, total), recommendation="recommend"
        )
        sheets.append(services.scoresheet_submit(sheet=assignment.sheet, actor=user))
    return sheets


def _body(response):
    return response.content.decode()


# ---------------------------------------------------------------- pages and scope


def _province_urls(call, app, sheet, meeting, check_app, stored):
    return [
        reverse("reviews:province_decision"),
        reverse("reviews:province_decision") + f"?call={call.pk}",
        reverse("reviews:expert_pool"),
        reverse("reviews:expert_pool") + f"?q=用户&city={NANJING}&active=1",
        reverse("reviews:expert_create"),
        reverse("reviews:expert_edit", args=[sheet.assignment.expert_id]),
        reverse("reviews:assignments", args=[call.pk]),
        reverse("reviews:score_table", args=[call.pk]),
        reverse("reviews:score_table", args=[call.pk]) + "?sort=normalised",
        reverse("reviews:score_table_xlsx", args=[call.pk]),
        reverse("reviews:scoresheet_pdf", args=[sheet.pk]),
        reverse("reviews:spot_check", args=[call.pk]),
        reverse("reviews:site_check", args=[check_app.pk]),
        reverse("reviews:stored_file", args=[stored.pk]),
        reverse("reviews:meetings", args=[call.pk]),
        reverse("reviews:meeting_detail", args=[meeting.pk]),
    ]


@pytest.fixture
def decision_world(province):
    """A call with one scored application still in expert review, one drawn for a site check (with a recorded
    check and a file) and an open meeting."""
    call = published_call()
    scored = application_in_state(S.EXPERT_REVIEW, call=call, cluster=ClusterFactory(name="已评分集群"))
    sheet = _score(scored, province, [80])[0]
    checked = application_in_state(S.EXPERT_REVIEW, call=call, cluster=ClusterFactory(name="抽查集群"))
    draw = services.spot_check_draw(call=call, actor=province, seed="7", size=2)
    assert set(draw.drawn) == {scored.pk, checked.pk}
    check = services.site_check_record(
        application=checked,
        actor=province,
        check_date=timezone.localdate(),
        inspectors="张三",
        findings="属实",
        result="pass",
        files=[SimpleUploadedFile("照片.pdf", tiny_pdf(), content_type="application/pdf")],
    )
    meeting = services.meeting_create(call=call, actor=province, meeting_date=timezone.localdate(), attendees="厅领导")
    return {
        "call": call,
        "app": scored,
        "sheet": sheet,
        "meeting": meeting,
        "check_app": checked,
        "stored": check.files.get(),
    }


def test_every_province_page_renders(client, province, decision_world):
    client.force_login(province)
    w = decision_world
    for url in _province_urls(w["call"], w["app"], w["sheet"], w["meeting"], w["check_app"], w["stored"]):
        response = client.get(url)
        assert response.status_code == 200, url


def test_other_roles_get_404_on_province_pages(client, province, decision_world):
    w = decision_world
    app = w["app"]
    urls = _province_urls(w["call"], app, w["sheet"], w["meeting"], w["check_app"], w["stored"])
    outsiders = [
        expert(city_code=NANJING).user,
        authority_user(Role.CITY, app.cluster.division),
        authority_user(Role.COUNTY, app.cluster.division),
        applicant_user(app.cluster.owner),
    ]
    for user in outsiders:
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.role, url)
        response = client.post(reverse("reviews:spot_check", args=[w["call"].pk]), {"seed": "1", "size": "1"})
        assert response.status_code == 404
        assert client.get(reverse("reviews:expert_tasks")).status_code == (200 if user.is_expert else 404)
    assert SpotCheckDraw.objects.count() == 1


def test_the_sheets_own_expert_may_print_it_but_no_other(client, province, decision_world):
    sheet = decision_world["sheet"]
    url = reverse("reviews:scoresheet_pdf", args=[sheet.pk])
    client.force_login(sheet.assignment.expert.user)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    client.force_login(expert(city_code=NANJING).user)
    assert client.get(url).status_code == 404


def test_anonymous_is_sent_to_login(client, app):
    response = client.get(reverse("reviews:province_decision"))
    assert response.status_code == 302 and "login" in response.url


# ---------------------------------------------------------------- expert pool


def test_expert_pool_masks_phones_except_on_the_edit_page(client, province):
    exp = expert(city_code=NANJING)
    client.force_login(province)
    body = _body(client.get(reverse("reviews:expert_pool")))
    assert exp.user.display_name in body and "138****1234" in body and "13812341234" not in body
    body = _body(client.get(reverse("reviews:expert_edit", args=[exp.pk])))
    assert 'value="13812341234"' in body


def test_create_expert_with_a_new_employer(client, province):
    from clusters.models import IndustryTag

    tag = IndustryTag.objects.create(kind="key_chain", name="集成电路")
    client.force_login(province)
    data = {
        "username": "expert-wang",
        "full_name": "王专家",
        "phone": "13900001111",
        "email": "wang@example.cn",
        "password": "Str0ng-pass-2026",
        "new_employer_name": "南京大学",
        "city": NANJING,
        "title": "教授",
        "specialities": [tag.pk],
        "keywords": "集成电路、新材料",
        "active": "on",
        "max_assignments": "10",
    }
    response = client.post(reverse("reviews:expert_create"), data)
    assert response.status_code == 302
    profile = ExpertProfile.objects.get(user__username="expert-wang")
    assert profile.user.role == Role.EXPERT and profile.user.organisation.name == "南京大学"
    assert profile.user.check_password("Str0ng-pass-2026")
    assert list(profile.specialities.all()) == [tag] and profile.city_id == NANJING
    # the same username again, no employer, no password: 400 with Chinese messages and nothing created
    bad = {**data, "new_employer_name": "", "password": ""}
    response = client.post(reverse("reviews:expert_create"), bad)
    assert response.status_code == 400
    body = _body(response)
    assert "该用户名已存在" in body and "请选择工作单位" in body and "请为新专家设置初始密码" in body
    assert ExpertProfile.objects.count() == 1


def test_edit_expert_and_conflicts(client, province, app):
    exp = expert(city_code=NANJING)
    client.force_login(province)
    url = reverse("reviews:expert_edit", args=[exp.pk])
    response = client.post(
        url,
        {
            "username": exp.user.username,
            "full_name": "改名专家",
            "phone": "13700000000",
            "email": "",
            "password": "",
            "employer": exp.user.organisation_id,
            "city": NANJING,
            "max_assignments": "5",
        },
    )
    assert response.status_code == 302
    exp.refresh_from_db()
    exp.user.refresh_from_db()
    assert exp.user.full_name == "改名专家" and exp.max_assignments == 5 and not exp.active
    add = reverse("reviews:expert_conflict_add", args=[exp.pk])
    response = client.post(add, {"reason": "没有对象"})
    assert response.status_code == 400 and "请至少指定" in _body(response)
    response = client.post(add, {"cluster": app.cluster.pk, "reason": "曾为该集群编制规划"})
    assert response.status_code == 302
    conflict = ExpertConflict.objects.get(expert=exp)
    assert "曾为该集群编制规划" in _body(client.get(url))
    client.post(reverse("reviews:expert_conflict_remove", args=[exp.pk, conflict.pk]))
    conflict.refresh_from_db()
    assert conflict.withdrawn_at is not None and conflict.withdrawn_by == province  # kept, marked withdrawn
    assert "已于" in _body(client.get(url))


# ---------------------------------------------------------------- assignment


def test_manual_assignment_refusal_names_the_rule(client, province, app):
    suzhou = expert(city_code=SUZHOU)
    client.force_login(province)
    url = reverse("reviews:assignments", args=[app.call.pk])
    response = client.post(url, {"action": "assign", "application": app.pk, "expert": suzhou.pk})
    assert response.status_code == 400
    body = _body(response)
    assert "不能分配" in body and "设区市" in body and "苏州市" in body
    assert not Assignment.objects.filter(application=app).exists()


def test_manual_assign_then_unassign_needs_a_reason(client, province, app):
    nanjing = expert(city_code=NANJING)
    client.force_login(province)
    url = reverse("reviews:assignments", args=[app.call.pk])
    response = client.post(url, {"action": "assign", "application": app.pk, "expert": nanjing.pk})
    assert response.status_code == 302
    assignment = Assignment.objects.get(application=app, expert=nanjing, status="active")
    assert nanjing.user.display_name in _body(client.get(url))
    response = client.post(url, {"action": "unassign", "assignment": assignment.pk, "reason": ""})
    assert response.status_code == 400 and "请填写撤销原因" in _body(response)
    assignment.refresh_from_db()
    assert assignment.status == "active"
    response = client.post(url, {"action": "unassign", "assignment": assignment.pk, "reason": "专家出差"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "revoked"


def test_auto_assign_through_the_page(client, province):
    call = published_call()
    apps = [
        application_in_state(S.EXPERT_REVIEW, call=call, cluster=ClusterFactory(name=f"自动集群{i}")) for i in range(2)
    ]
    for _ in range(3):
        expert(city_code=NANJING)
    expert(city_code=SUZHOU)  # same city as every cluster: never chosen
    client.force_login(province)
    url = reverse("reviews:assignments", args=[call.pk])
    assert f'value="{call.experts_per_application}"' in _body(client.get(url))  # defaults to the call's number
    response = client.post(url, {"action": "auto", "per_application": "2"})
    assert response.status_code == 200
    body = _body(response)
    assert "自动分配结果" in body and "自动集群0" in body and "没有人数不足的申报" in body
    for a in apps:
        assert Assignment.objects.filter(application=a, status="active", method="auto").count() == 2
    response = client.post(url, {"action": "auto", "per_application": "4"})
    assert "人数不足" in _body(response) and "还差 1 名" in _body(response)
    response = client.post(url, {"action": "auto", "per_application": "abc"})
    assert response.status_code == 400 and "1 至 15" in _body(response)


# ---------------------------------------------------------------- scoring


def test_expert_gets_404_on_someone_elses_sheet_and_after_unassignment(client, province, app):
    mine, theirs = _assign(app, province), _assign(app, province)
    client.force_login(mine.expert.user)
    assert client.get(reverse("reviews:scoring", args=[mine.pk])).status_code == 200
    assert client.get(reverse("reviews:scoring", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("reviews:scoring", args=[theirs.pk]), {"action": "no_conflict"}).status_code == 404
    services.expert_unassign(assignment=mine, actor=province, reason="调整")
    assert client.get(reverse("reviews:scoring", args=[mine.pk])).status_code == 404
    assert mine.application.cluster.name not in _body(client.get(reverse("reviews:expert_tasks")))
    client.force_login(province)  # the province does not score
    assert client.get(reverse("reviews:scoring", args=[theirs.pk])).status_code == 404


def test_scoring_flow_declare_save_submit(client, province, app):
    assignment = _assign(app, province)
    user = assignment.expert.user
    url = reverse("reviews:scoring", args=[assignment.pk])
    client.force_login(user)
    tasks = _body(client.get(reverse("reviews:expert_tasks")))
    assert f"申报编号 {app.pk}" in tasks and app.cluster.name not in tasks

    # before declaring: an anonymised summary only
    body = _body(client.get(url))
    assert "本人与该申报主体、集群及名册企业不存在利益冲突" in body and app.cluster.lead_industry in body
    assert app.cluster.name not in body and app.applicant.name not in body
    response = client.post(url, {"action": "no_conflict"})  # box not ticked
    assert response.status_code == 400 and "请勾选" in _body(response)
    assert client.post(url, {"action": "no_conflict", "confirm": "on"}).status_code == 302
    body = _body(client.get(url))
    assert app.cluster.name in body and app.applicant.name in body and "资格条件自评结果" in body

    rubric = list(app.call.rubric.all())
    first, second = rubric[0], rubric[1]
    bad = {
        "action": "save",
        f"score_{first.pk}": str(first.max_points + 1),
        f"score_{second.pk}": "-1",
        "recommendation": "recommend",
    }
    response = client.post(url, bad)
    assert response.status_code == 400
    body = _body(response)
    assert f"“{first.name}”的得分应在 0 至" in body and f"“{second.name}”的得分应在 0 至" in body
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert sheet.scores == {} and sheet.recommendation == ""

    half = {f"score_{c.pk}": str(c.max_points / 2) for c in rubric}
    draft = {"action": "save", **half, f"comment_{first.pk}": "规模较大", "recommendation": "recommend"}
    assert client.post(url, draft).status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == "draft" and sheet.comments == {str(first.pk): "规模较大"}
    assert sheet.weighted_total == Decimal("50.00")

    assert client.post(url, {**draft, "action": "submit", "overall_comment": "总体较好"}).status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == "submitted" and sheet.overall_comment == "总体较好"
    body = _body(client.get(url))
    assert "已提交" in body and "50.00" in body and 'name="action" value="submit"' not in body

    response = client.post(url, {**draft, "action": "submit"})
    assert response.status_code == 400 and "不能重复提交" in _body(response)
    response = client.post(url, {**draft, "action": "save", f"score_{first.pk}": "0"})
    assert response.status_code == 400
    sheet.refresh_from_db()
    assert sheet.scores[str(first.pk)] == str(first.max_points / 2)


def test_submit_with_missing_scores_is_refused_but_keeps_the_draft(client, province, app):
    assignment = _assign(app, province)
    services.declare_no_conflict(assignment=assignment, actor=assignment.expert.user)
    client.force_login(assignment.expert.user)
    first = app.call.rubric.first()
    response = client.post(
        reverse("reviews:scoring", args=[assignment.pk]), {"action": "submit", f"score_{first.pk}": "10"}
    )
    assert response.status_code == 400 and "尚未打分" in _body(response)
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert sheet.status == "draft" and sheet.scores == {str(first.pk): "10"}


def test_declaring_a_conflict_through_the_page(client, province, app):
    assignment = _assign(app, province)
    client.force_login(assignment.expert.user)
    url = reverse("reviews:scoring", args=[assignment.pk])
    response = client.post(url, {"action": "conflict", "reason": ""})
    assert response.status_code == 400 and "请说明利益冲突的情况" in _body(response)
    response = client.post(url, {"action": "conflict", "reason": "本人曾在申报主体任职"})
    assert response.status_code == 302 and response.url == reverse("reviews:expert_tasks")
    assignment.refresh_from_db()
    assert assignment.status == "revoked"
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------- ranking and exports


@pytest.fixture
def outlier_app(app, province):
    app.call.outlier_distance = Decimal("15")
    app.call.save()
    sheets = _score(app, province, [80, 82, 84, 86, 50])
    return app, sheets


def test_ranking_shows_every_score_and_the_outlier(client, province, outlier_app):
    app, sheets = outlier_app
    client.force_login(province)
    body = _body(client.get(reverse("reviews:score_table", args=[app.call.pk])))
    for sheet in sheets:
        assert sheet.assignment.expert.user.display_name in body
        assert str(sheet.weighted_total) in body
        assert reverse("reviews:scoresheet_pdf", args=[sheet.pk]) in body
    assert body.count('<span aria-hidden="true">! </span>离群</span>') == 1
    assert "76.40" in body and "82.00" in body and "13.35" in body  # mean, median, standard deviation
    assert "5 / 5" in body


def test_excel_export_lists_clusters_and_every_score(client, province, outlier_app):
    from openpyxl import load_workbook

    app, sheets = outlier_app
    client.force_login(province)
    response = client.get(reverse("reviews:score_table_xlsx", args=[app.call.pk]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    summary = [c for row in wb["评分汇总"].iter_rows(values_only=True) for c in row if c is not None]
    assert app.cluster.name in summary
    details = list(wb["评分明细"].iter_rows(min_row=2, values_only=True))
    assert len(details) == 5 and {r[1] for r in details} == {app.cluster.name}
    assert [r[6] for r in details].count("离群") == 1


def test_scoresheet_pdf_for_the_province(client, province, outlier_app):
    _app, sheets = outlier_app
    client.force_login(province)
    response = client.get(reverse("reviews:scoresheet_pdf", args=[sheets[0].pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"


# ---------------------------------------------------------------- spot checks and site checks


@pytest.fixture
def five_in_expert_review():
    call = published_call()
    return call, [
        application_in_state(S.EXPERT_REVIEW, call=call, cluster=ClusterFactory(name=f"抽查集群{i}")) for i in range(5)
    ]


def test_spot_check_draw_and_verify(client, province, five_in_expert_review):
    call, apps = five_in_expert_review
    client.force_login(province)
    url = reverse("reviews:spot_check", args=[call.pk])
    body = _body(client.get(url))
    assert f'value="{timezone.localdate():%Y%m%d}"' in body and all(a.cluster.name in body for a in apps)
    response = client.post(url, {"action": "draw", "seed": "20261126", "size": "2"})
    assert response.status_code == 302
    draw = SpotCheckDraw.objects.get(call=call)
    assert draw.seed == "20261126" and len(draw.drawn) == 2
    states = {a.pk: type(a).objects.get(pk=a.pk).state for a in apps}
    assert {pk for pk, st in states.items() if st == S.SITE_CHECK} == set(draw.drawn)
    assert all(st == S.JOINT_REVIEW for pk, st in states.items() if pk not in draw.drawn)
    body = _body(client.get(url))
    assert draw.algorithm in body and "20261126" in body
    for pk in draw.drawn:
        assert reverse("reviews:site_check", args=[pk]) in body
    response = client.post(url, {"action": "verify", "draw": draw.pk}, follow=True)
    assert "重新抽取验证：一致" in _body(response)


@pytest.mark.parametrize("seed", ["abc", "0", "-3", ""])
def test_bad_seed_is_refused_and_nothing_changes(client, province, five_in_expert_review, seed):
    call, apps = five_in_expert_review
    client.force_login(province)
    response = client.post(reverse("reviews:spot_check", args=[call.pk]), {"action": "draw", "seed": seed, "size": "1"})
    assert response.status_code == 400
    assert "随机种子" in _body(response)
    assert not SpotCheckDraw.objects.exists()
    assert {type(a).objects.get(pk=a.pk).state for a in apps} == {S.EXPERT_REVIEW}


def test_draw_larger_than_the_candidates_shows_the_services_message(client, province, five_in_expert_review):
    call, _apps = five_in_expert_review
    client.force_login(province)
    response = client.post(reverse("reviews:spot_check", args=[call.pk]), {"action": "draw", "seed": "9", "size": "9"})
    assert response.status_code == 400 and "超过候选申报数" in _body(response)
    assert not SpotCheckDraw.objects.exists()


def test_site_check_with_an_uploaded_pdf(client, province, five_in_expert_review):
    call, _apps = five_in_expert_review
    draw = services.spot_check_draw(call=call, actor=province, seed="42", size=1)
    drawn = type(_apps[0]).objects.get(pk=draw.drawn[0])
    client.force_login(province)
    url = reverse("reviews:site_check", args=[drawn.pk])
    response = client.post(url, {"check_date": str(timezone.localdate()), "inspectors": "", "result": "pass"})
    assert response.status_code == 400 and "请填写核查人员" in _body(response)
    files = [
        SimpleUploadedFile("现场照片.pdf", tiny_pdf("a"), content_type="application/pdf"),
        SimpleUploadedFile("核查表.pdf", tiny_pdf("b"), content_type="application/pdf"),
    ]
    response = client.post(
        url,
        {
            "check_date": str(timezone.localdate()),
            "inspectors": "张三、李四",
            "findings": "产值数据与统计部门一致",
            "result": "pass",
            "files": files,
        },
    )
    assert response.status_code == 302
    check = SiteCheck.objects.get(application=drawn)
    assert check.files.count() == 2
    drawn.refresh_from_db()
    assert drawn.state == S.JOINT_REVIEW
    body = _body(client.get(url))
    stored = check.files.get(original_name="现场照片.pdf")
    assert "现场照片.pdf" in body and reverse("reviews:stored_file", args=[stored.pk]) in body
    download = client.get(reverse("reviews:stored_file", args=[stored.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    # a second record is refused: the application has left the site check
    response = client.post(
        url, {"check_date": str(timezone.localdate()), "inspectors": "王五", "findings": "再查", "result": "fail"}
    )
    assert response.status_code == 400 and SiteCheck.objects.filter(application=drawn).count() == 1


def test_site_check_of_an_application_never_drawn_is_404(client, province, app):
    client.force_login(province)
    assert client.get(reverse("reviews:site_check", args=[app.pk])).status_code == 404


# ---------------------------------------------------------------- joint review


def test_meeting_create_decide_close(client, province):
    call = published_call()
    apps = [
        application_in_state(S.EXPERT_REVIEW, call=call, cluster=ClusterFactory(name=f"会审集群{i}")) for i in range(3)
    ]
    for a, total in zip(apps, [90, 80, 70], strict=True):
        _score(a, province, [total])
    services.spot_check_draw(call=call, actor=province, seed="1", fraction="0.1")
    for a in apps:
        a.refresh_from_db()
        if a.state == S.SITE_CHECK:
            services.site_check_record(
                application=a,
                actor=province,
                check_date=timezone.localdate(),
                inspectors="张三",
                findings="属实",
                result="pass",
            )
    best, middle, worst = apps
    client.force_login(province)

    url = reverse("reviews:meetings", args=[call.pk])
    response = client.post(url, {"meeting_date": "", "attendees": ""})
    assert response.status_code == 400 and "请填写会议日期" in _body(response)
    response = client.post(
        url,
        {
            "meeting_date": str(timezone.localdate()),
            "attendees": "厅领导、处室负责人",
            "minutes": "研究拟认定名单",
            "files": [SimpleUploadedFile("纪要.pdf", tiny_pdf(), content_type="application/pdf")],
        },
    )
    assert response.status_code == 302
    meeting = JointReview.objects.get(call=call)
    assert meeting.files.count() == 1
    detail = reverse("reviews:meeting_detail", args=[meeting.pk])
    body = _body(client.get(detail))
    assert all(a.cluster.name in body for a in apps) and "90.00" in body

    response = client.post(detail, {"action": "decide", "application": worst.pk, "decision": "reject", "reason": ""})
    assert response.status_code == 400 and "不予认定须写明理由" in _body(response)
    response = client.post(detail, {"action": "close"})
    assert response.status_code == 400 and "尚未形成会审结论" in _body(response)

    decide = {"action": "decide", "decision": "approve", "reason": ""}
    assert client.post(detail, {**decide, "application": middle.pk}).status_code == 302
    assert client.post(detail, {**decide, "application": worst.pk}).status_code == 302
    reject = {"action": "decide", "application": best.pk, "decision": "reject", "reason": "存在失信记录"}
    assert client.post(detail, reject).status_code == 302
    response = client.post(detail, {"action": "close"})  # the 3rd approved while the 1st is not: needs a reason
    assert response.status_code == 400 and "须写明理由" in _body(response)
    because = {**decide, "application": worst.pk, "reason": "实地核查表现突出"}
    assert client.post(detail, because).status_code == 302
    assert client.post(detail, {"action": "close"}).status_code == 302

    meeting.refresh_from_db()
    assert meeting.status == "closed"
    best.refresh_from_db()
    assert best.state == S.REJECTED
    assert JointDecision.objects.get(meeting=meeting, application=worst).rank_raw == 3
    body = _body(client.get(detail))
    assert "拟认定名单（2 个）" in body and "实地核查表现突出" in body and "存在失信记录" in body
    response = client.post(detail, {**decide, "application": middle.pk})
    assert response.status_code == 400 and "会审已结束" in _body(response)


# ---------------------------------------------------------------- query counts


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_ranking_and_assignment_query_counts_do_not_grow_with_rows(client, province):
    call = published_call()

    def add(n):
        for _ in range(n):
            a = application_in_state(S.EXPERT_REVIEW, call=call)
            _score(a, province, [70])
            _assign(a, province)  # a second expert, not yet scored

    add(2)
    client.force_login(province)
    pages = [reverse("reviews:score_table", args=[call.pk]), reverse("reviews:assignments", args=[call.pk])]
    before = [_queries(client, url)[0] for url in pages]
    add(4)
    after = []
    for url in pages:
        n, response = _queries(client, url)
        after.append(n)
        assert _body(response).count("编号 ") >= 6
    assert after == before


def test_expert_pool_query_count_does_not_grow_with_rows(client, province):
    for _ in range(2):
        expert(city_code=NANJING)
    client.force_login(province)
    url = reverse("reviews:expert_pool")
    before, _ = _queries(client, url)
    for _ in range(4):
        expert(city_code=NANJING)
    after, response = _queries(client, url)
    assert after == before and "共 6 名专家" in _body(response)
