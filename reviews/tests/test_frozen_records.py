"""Records a transition has frozen cannot be changed by any path: the Django admin refuses to change or delete them,
the model layer raises FrozenRecordError on a save that changes a frozen field, and `verify_transition_log` names a
record changed afterwards by raw SQL (the log row that froze it carries its digest)."""

import datetime as dt
import json

import pytest
import time_machine
from django.contrib import admin
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from clusters.constants import ApplicationState as S
from clusters.models import Certification
from clusters.tests.factories import application_in_state, authority_user
from core.models import FrozenRecordError
from reviews import services
from reviews.models import SiteCheck
from reviews.tests.factories import (
    all_agree,
    assign_expert,
    at,
    expert,
    proposed,
    published_notice,
    score_application,
    scored_in_expert_review,
)

pytestmark = pytest.mark.django_db


# Each builder returns (a frozen record, a frozen field to change, a new value for it).


def _score_sheet(province):
    return score_application(application_in_state(S.EXPERT_REVIEW), province, [80])[0], "overall_comment", "改"


def _review_opinion(province):
    app = application_in_state(S.COUNTY_REVIEW)
    county = authority_user(Role.COUNTY, app.cluster.division)
    services.review_decide(application=app, actor=county, tier="county", decision="pass", conditions=all_agree(app))
    return app.opinions.get(), "comment", "事后改写的意见"


def _recommendation(province):
    app = application_in_state(S.CITY_REVIEW)
    city = authority_user(Role.CITY, app.cluster.division)
    rec = services.recommendation_submit(
        call=app.call,
        actor=city,
        doc_number="苏州工信〔2026〕1号",
        doc_date=timezone.localdate(),
        application_ids=[app.pk],
    )
    return rec, "title", "改过的标题"


def _conflict(province):
    conflict = services.expert_conflict_add(
        actor=province, expert=expert(), credit_code="", cluster=application_in_state().cluster, reason="曾任顾问"
    )
    return conflict, "reason", "无冲突"


def _declaration(province):
    assignment = assign_expert(application_in_state(S.EXPERT_REVIEW), province)
    assignment = services.declare_no_conflict(assignment=assignment, actor=assignment.expert.user)
    return assignment, "no_conflict_declared_at", timezone.now() - dt.timedelta(days=30)


def _draw(province):
    app = scored_in_expert_review(province)
    return services.spot_check_draw(call=app.call, actor=province, seed="5", size=1), "seed", "6"


def _site_check(province):
    app = scored_in_expert_review(province)
    services.spot_check_draw(call=app.call, actor=province, seed="5", size=1)
    services.site_check_record(
        application=app,
        actor=province,
        check_date=timezone.localdate(),
        inspectors="张三",
        findings="属实",
        result="pass",
    )
    return SiteCheck.objects.get(), "findings", "不属实"


def _joint_decision(province):
    call, apps = proposed(province, 1)
    return apps[0].joint_decisions.get(), "reason", "事后补的理由"


def _meeting(province):
    call, apps = proposed(province, 1)
    return apps[0].joint_decisions.get().meeting, "minutes", "改过的纪要"


def _notice_world(province):
    with time_machine.travel(at(2026, 9, 24, 9)):
        notice, apps = published_notice(province, dt.date(2026, 9, 24), n=1)
        objection = services.objection_file(
            notice=notice,
            application_id=apps[0].pk,
            name="王五",
            phone="13812345678",
            content="数据与实际不符，请核查。",
        )
    return notice, apps, objection


def _objection(province):
    _notice, _apps, objection = _notice_world(province)
    objection = services.objection_handle(objection=objection, actor=province, decision="dismiss", result="不成立")
    return objection, "result", "成立"


def _notice(province):
    notice, _apps, _objection = _notice_world(province)
    return notice, "title", "改过的公示标题"


def _published(province):
    notice, _apps, objection = _notice_world(province)
    services.objection_handle(objection=objection, actor=province, decision="dismiss", result="不成立")
    with time_machine.travel(at(2026, 10, 9, 9)):
        services.notices_close_due()
        return services.publication_create(
            notice=notice, actor=province, doc_number="苏工信中小〔2026〕9号", publish_date=dt.date(2026, 10, 12)
        )


def _publication(province):
    return _published(province), "title", "改过的名单标题"


def _certification(province):
    _published(province)
    return Certification.objects.get(), "valid_to", dt.date(2035, 1, 1)


def _version(province):
    app = application_in_state(S.COUNTY_REVIEW)
    return app.versions.get(), "explanations", {"2a": "事后补的说明"}


BUILDERS = {
    "score sheet": _score_sheet,
    "review opinion": _review_opinion,
    "recommendation": _recommendation,
    "conflict declaration": _conflict,
    "no-conflict declaration": _declaration,
    "spot-check draw": _draw,
    "site check": _site_check,
    "joint-review decision": _joint_decision,
    "joint-review meeting": _meeting,
    "handled objection": _objection,
    "published notice": _notice,
    "publication": _publication,
    "certification": _certification,
    "application version": _version,
}


@pytest.mark.parametrize("kind", BUILDERS)
def test_a_save_changing_a_frozen_field_raises(kind, province):
    record, field, value = BUILDERS[kind](province)
    assert record.is_frozen()
    fresh = type(record).objects.get(pk=record.pk)
    setattr(fresh, field, value)
    with pytest.raises(FrozenRecordError):
        fresh.save()
    with pytest.raises(FrozenRecordError):
        type(record).objects.get(pk=record.pk).delete()


@pytest.mark.parametrize("kind", BUILDERS)
def test_verify_transition_log_names_a_record_changed_by_raw_sql(kind, province):
    record, field, value = BUILDERS[kind](province)
    call_command("verify_transition_log")  # intact so far
    model = type(record)
    column = model._meta.get_field(field).column
    raw = json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET {column} = %s WHERE id = %s", [raw, record.pk])
    with pytest.raises(CommandError) as err:
        call_command("verify_transition_log")
    message = str(err.value)
    assert str(model._meta.verbose_name) in message and f"#{record.pk}" in message


@pytest.fixture
def staff(province):
    """Province staff with full admin access."""
    province.is_staff = province.is_superuser = True
    province.save()
    return province


@pytest.mark.parametrize("kind", BUILDERS)
def test_the_admin_neither_changes_nor_deletes_a_frozen_record(kind, province, staff, client):
    record, field, value = BUILDERS[kind](province)
    model = type(record)
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        return  # not in the admin at all
    client.force_login(staff)
    meta = model._meta
    change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
    delete = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[record.pk])
    assert client.post(change, {field: "x"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=record.pk).exists()
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_admin_refuses_new_scores_for_a_submitted_sheet(province, staff, client):
    sheet = score_application(application_in_state(S.EXPERT_REVIEW), province, [80])[0]
    before = dict(sheet.scores)
    client.force_login(staff)
    url = reverse("admin:reviews_scoresheet_change", args=[sheet.pk])
    response = client.post(
        url,
        {
            "assignment": sheet.assignment_id,
            "scores": json.dumps({k: "1" for k in before}),
            "comments": "{}",
            "recommendation": "not",
            "overall_comment": "改",
        },
    )
    assert response.status_code == 403
    sheet.refresh_from_db()
    assert sheet.scores == before and sheet.recommendation == "recommend"


def test_frozen_records_in_inlines_are_read_only(province, staff, client):
    """A conflict declared by an expert is frozen: the expert page's inline cannot change or delete it."""
    conflict, _field, _value = _conflict(province)
    client.force_login(staff)
    profile_admin = admin.site._registry[type(conflict.expert)]
    request = type("R", (), {"user": staff})()
    for inline in profile_admin.get_inline_instances(request, conflict.expert):
        if inline.model is type(conflict):
            assert not inline.has_change_permission(request, conflict.expert)
            assert not inline.has_delete_permission(request, conflict.expert)
            assert not inline.has_add_permission(request, conflict.expert)


def test_an_unfrozen_draft_can_still_be_saved(province):
    """A draft score sheet is not frozen: the expert's own saves go through."""
    assignment = assign_expert(application_in_state(S.EXPERT_REVIEW), province)
    sheet = assignment.sheet
    assert not sheet.is_frozen()
    sheet.overall_comment = "草稿"
    sheet.save()
