"""The ranking and its Excel workbook are cached by the version of the scores they were computed from
(`reviews.ranking`): every change that moves the ranking shows on the next request, cached or not."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from clusters.constants import ApplicationState as S
from clusters.tests.factories import application_in_state, published_call
from core.cache import bump_data_version, data_version
from reviews import services
from reviews.tests.factories import assign_expert, score_application
from reviews.tests.views.helpers import text_of

pytestmark = pytest.mark.django_db


def _summary(client, call) -> list[tuple]:
    wb = load_workbook(io.BytesIO(client.get(reverse("reviews:score_table_xlsx", args=[call.pk])).content))
    return list(wb["评分汇总"].iter_rows(min_row=4, values_only=True))


def test_every_change_of_the_scores_shows_on_the_next_request(client, province):
    call = published_call()
    first = application_in_state(S.EXPERT_REVIEW, call=call)
    score_application(first, province, [70])
    client.force_login(province)
    url = reverse("reviews:score_table", args=[call.pk])
    assert "共 1 个已分配专家的申报" in text_of(client.get(url))
    assert [r[8] for r in _summary(client, call)] == [Decimal(70)]
    assert "共 1 个已分配专家的申报" in text_of(client.get(url))  # now from the cache

    # a sheet submitted: a new row, ranked first, on the page and in the workbook
    second = application_in_state(S.EXPERT_REVIEW, call=call)
    score_application(second, province, [90])
    body = text_of(client.get(url))
    assert "共 2 个已分配专家的申报" in body and body.index("90.00") < body.index("70.00")
    assert [r[8] for r in _summary(client, call)] == [Decimal(90), Decimal(70)]

    # an expert assigned (not yet scored): the count of assigned experts moves
    pending = assign_expert(second, province)
    assert "1 / 2" in text_of(client.get(url))
    # the assignment revoked: back to one of one
    services.expert_unassign(assignment=pending, actor=province, reason="专家出差")
    assert "1 / 2" not in text_of(client.get(url))

    # an expert renamed: the workbook names them anew (the page loads names fresh anyway)
    sheet_expert = second.assignments.get(status="active").expert
    services.expert_save(
        actor=province,
        profile=sheet_expert,
        data={
            "employer": sheet_expert.user.organisation,
            "username": sheet_expert.user.username,
            "full_name": "改名后的专家",
            "phone": "13812341234",
            "email": "",
            "city": sheet_expert.city,
            "title": "教授",
            "keywords": "",
            "active": True,
            "max_assignments": 10,
            "specialities": [],
        },
    )
    assert "改名后的专家 90.00" in _summary(client, call)[0][13]


def test_a_bump_changes_the_version_at_once_and_again_at_the_commit(django_capture_on_commit_callbacks):
    labels = ("reviews.scoresheet", "reviews.assignment")
    before = data_version(*labels)
    assert data_version(*labels) == before  # stable while nothing changes
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        bump_data_version("reviews.assignment")
        inside = data_version(*labels)
        assert inside != before  # this transaction's own reads see the change
    assert data_version(*labels) == inside and callbacks
    for callback in callbacks:  # the commit: a result computed meanwhile from the old data is never asked for
        callback()
    assert data_version(*labels) not in {before, inside}


def test_every_logged_transition_bumps_the_version_of_its_model(province):
    app = application_in_state(S.EXPERT_REVIEW)
    before = data_version("reviews.assignment")
    assignment = assign_expert(app, province)  # a logged event on the assignment
    after_assign = data_version("reviews.assignment")
    assert after_assign != before
    services.expert_unassign(assignment=assignment, actor=province, reason="专家出差")  # a transition
    assert data_version("reviews.assignment") != after_assign
