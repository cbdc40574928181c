"""The reviews app's items on the home page (我的待办): the city's recommendation document, the expert's
declarations and score sheets, and each step of the province's decision."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.constants import Role
from clusters.constants import ApplicationState as S
from clusters.tests.factories import ClusterFactory, application_in_state, authority_user, province_user, published_call
from reviews import services
from reviews.navigation import todos_for_user
from reviews.tests.factories import (
    assign_expert,
    at,
    in_joint_review,
    proposed,
    published_notice,
    score_application,
)

pytestmark = pytest.mark.django_db


def counts(user) -> dict:
    return {i["label"]: i["count"] for i in todos_for_user(user) if i["count"]}


def item(user, label) -> dict:
    return next(i for i in todos_for_user(user) if i["label"] == label)


def test_city_sees_the_recommendation_document_to_send_before_the_city_deadline():
    call = published_call()
    application = application_in_state(S.CITY_REVIEW, call=call)
    city = authority_user(Role.CITY, application.cluster.division)

    todo = item(city, "待报送的推荐文件（行文推荐本市申报）")

    assert todo["count"] == 1
    assert todo["url"] == f"/review/recommendations/new/{call.pk}/"
    assert todo["deadline"] == call.city_deadline
    assert todo["note"] == "本市待推荐的申报 1 个"


def test_expert_sees_the_declaration_then_the_score_sheet():
    province = province_user()
    application = application_in_state(S.EXPERT_REVIEW)
    assignment = assign_expert(application, province)
    expert = assignment.expert.user

    assert counts(expert) == {"待声明是否存在利益冲突的评审任务": 1}
    assert item(expert, "待声明是否存在利益冲突的评审任务")["url"] == "/review/tasks/"

    services.declare_no_conflict(assignment=assignment, actor=expert)
    assert counts(expert) == {"待提交的专家评分表": 1}
    assert item(expert, "待提交的专家评分表")["url"] == f"/review/scoring/{assignment.pk}/"

    score = {str(c.pk): str(c.max_points) for c in application.call.rubric.all()}
    services.scoresheet_save(sheet=assignment.sheet, actor=expert, scores=score, recommendation="recommend")
    services.scoresheet_submit(sheet=assignment.sheet, actor=expert)
    assert counts(expert) == {}


def test_province_sees_experts_short_sheets_outstanding_then_the_draw_due():
    province = province_user()
    call = published_call()
    application = application_in_state(S.EXPERT_REVIEW, call=call)
    assign_expert(application, province)

    assert counts(province) == {"专家人数不足、待分配评审专家的申报": 1, "专家尚未提交的评分表": 1}
    assert item(province, "专家人数不足、待分配评审专家的申报")["url"] == f"/review/calls/{call.pk}/assignments/"
    assert item(province, "专家尚未提交的评分表")["url"] == f"/review/calls/{call.pk}/scores/"

    other = application_in_state(S.EXPERT_REVIEW, call=call)
    score_application(other, province, [80] * call.experts_per_application)
    [app_assignment] = application.assignments.all()
    services.expert_unassign(assignment=app_assignment, actor=province, reason="测试")
    score_application(application, province, [85] * call.experts_per_application)

    assert counts(province) == {"评分已全部提交、待抽取实地抽查名单的批次": 1}
    assert item(province, "评分已全部提交、待抽取实地抽查名单的批次")["url"] == f"/review/calls/{call.pk}/spot-check/"

    draw = services.spot_check_draw(call=call, actor=province, seed="7", size=1)
    assert counts(province) == {"被抽中、待记录实地核查结果的申报": 1, "待会审（会审报批）的申报": 1}
    assert (
        item(province, "被抽中、待记录实地核查结果的申报")["url"] == f"/review/applications/{draw.drawn[0]}/site-check/"
    )
    assert item(province, "待会审（会审报批）的申报")["url"] == f"/review/calls/{call.pk}/meetings/"


def test_province_sees_the_proposed_list_the_open_notice_objections_and_the_publication_due():
    province = province_user()
    with time_machine.travel(at(2026, 9, 21, 9)):
        call, _apps = proposed(province, 2)
        assert counts(province) == {"会审通过、待发布公示的拟认定集群": 2}
        assert item(province, "会审通过、待发布公示的拟认定集群")["url"] == f"/manage/notices/new/{call.pk}/"
    with time_machine.travel(at(2026, 9, 21, 9)):
        in_joint_review(province, call=call, cluster=ClusterFactory(name="待会审集群"))
    with time_machine.travel(at(2026, 9, 22, 9)):
        notice = services.notice_create(
            call=call,
            actor=province,
            start_date=dt.date(2026, 9, 22),
            contact_department="中小企业处",
            contact_phone="025-12345678",
        )
        notice = services.notice_publish(notice=notice, actor=province)
        listed = notice.applications.first()
        services.objection_file(
            notice=notice,
            application_id=listed.pk,
            name="某企业",
            phone="13912345678",
            content="该集群申报数据与实际不符。",
        )
        open_notice = item(province, "公示中的拟认定名单（受理异议）")
        assert open_notice["count"] == 1 and open_notice["deadline"] == notice.end_date
        assert counts(province) == {
            "待会审（会审报批）的申报": 1,
            "公示中的拟认定名单（受理异议）": 1,
            "待处理的异议": 1,
        }
    with time_machine.travel(at(2026, 10, 9, 9)):
        due = item(province, "公示期已满、待公布认定名单的公示")
        assert due["count"] == 1 and due["url"] == f"/manage/notices/{notice.pk}/publication/"
        assert "公示中的拟认定名单（受理异议）" not in counts(province)


def test_province_queries_do_not_grow_with_the_number_of_matters():
    province = province_user()
    with time_machine.travel(at(2026, 9, 21, 9)):
        published_notice(province, dt.date(2026, 9, 21), n=1)

        def queries():
            with CaptureQueriesContext(connection) as ctx:
                todos_for_user(province)
            return len(ctx.captured_queries)

        before = queries()
        call = published_call()
        for _i in range(2):
            assign_expert(application_in_state(S.EXPERT_REVIEW, call=call), province)
        assert queries() == before
