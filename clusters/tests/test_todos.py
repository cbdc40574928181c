"""The clusters app's items on the home page (我的待办): the applicant's drafts and returns, each tier's queue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.constants import Role
from clusters import services
from clusters.constants import ApplicationState as S
from clusters.navigation import todos_for_user
from clusters.tests.factories import (
    ClusterFactory,
    applicant_user,
    application_in_state,
    authority_user,
    published_call,
)

pytestmark = pytest.mark.django_db


def by_label(items):
    return {i["label"]: i for i in items}


def returned(application):
    county = authority_user(Role.COUNTY, application.cluster.division)
    return services.application_transition(
        application=application,
        actor=county,
        verb="return",
        method="return_to_applicant",
        comment="请补充材料",
        reason="请补充材料",
        opinions={},
    )


def test_applicant_sees_drafts_returns_and_open_calls_with_deadlines():
    call = published_call()
    first = ClusterFactory()
    owner = applicant_user(first.owner)
    application_in_state(S.DRAFT, cluster=first, call=call, filled=False)
    back = application_in_state(S.COUNTY_REVIEW, cluster=ClusterFactory(owner=first.owner), call=call)
    returned(back)

    items = by_label(todos_for_user(owner))

    assert items["未提交的申报草稿"]["count"] == 1
    assert items["未提交的申报草稿"]["deadline"] == call.closes_at
    assert items["被退回待修改的申报"]["count"] == 1
    assert items["被退回待修改的申报"]["deadline"] == call.city_deadline
    assert items["被退回待修改的申报"]["url"] == "/applications/?state=draft"
    calls = next(i for label, i in items.items() if label.startswith("正在开放的申报批次"))
    assert calls["count"] == 1 and calls["url"] == "/clusters/"


@pytest.mark.parametrize(
    ("state", "role", "label", "has_deadline"),
    [
        (S.COUNTY_REVIEW, Role.COUNTY, "待县级审核的申报", True),
        (S.CITY_REVIEW, Role.CITY, "待设区市初审的申报", True),
        (S.FORMAL_REVIEW, Role.PROVINCE, "待形式审查的申报", False),
    ],
)
def test_each_tier_sees_its_queue_with_the_city_deadline(state, role, label, has_deadline):
    call = published_call()
    application = application_in_state(state, call=call)
    user = authority_user(role, application.cluster.division)

    [item] = todos_for_user(user)

    assert item["label"] == label and item["count"] == 1
    assert item["url"] == f"/applications/?state={state}"
    assert item.get("deadline") == (call.city_deadline if has_deadline else None)


def test_queries_do_not_grow_with_the_number_of_applications():
    call = published_call()
    application = application_in_state(S.COUNTY_REVIEW, call=call)
    county = authority_user(Role.COUNTY, application.cluster.division)
    owner = applicant_user(application.cluster.owner)

    def queries(user):
        with CaptureQueriesContext(connection) as ctx:
            todos_for_user(user)
        return len(ctx.captured_queries)

    before = (queries(county), queries(owner))
    for _i in range(2):
        application_in_state(S.COUNTY_REVIEW, cluster=ClusterFactory(owner=application.cluster.owner), call=call)
    application_in_state(S.DRAFT, cluster=ClusterFactory(owner=application.cluster.owner), call=call, filled=False)
    assert (queries(county), queries(owner)) == before
