"""Who may view, edit and review an application, and which rows each user's lists contain."""

import pytest
from django.http import Http404
from guardian.shortcuts import assign_perm, remove_perm

from accounts.constants import Role
from accounts.tests.factories import JIANGYIN, WUXI, UserFactory, division
from clusters import permissions, selectors, services
from clusters.constants import ApplicationState
from clusters.tests.factories import ClusterFactory, applicant_user, application_in_state, authority_user, province_user

pytestmark = pytest.mark.django_db
S = ApplicationState

ROLES = [
    "owner",
    "other_applicant",
    "county",
    "other_county",
    "city",
    "other_city",
    "province",
    "expert",
]


@pytest.fixture
def cluster():
    return ClusterFactory()  # in 昆山市, 苏州市


@pytest.fixture
def users(cluster):
    kunshan = cluster.division
    return {
        "owner": applicant_user(cluster.owner),
        "other_applicant": UserFactory(),  # another applicant body of the same county
        "county": authority_user(Role.COUNTY, kunshan),
        "other_county": UserFactory(county=True, organisation__division=division(JIANGYIN)),
        "city": authority_user(Role.CITY, kunshan),
        "other_city": UserFactory(city=True, organisation__division=division(WUXI)),
        "province": province_user(),
        "expert": UserFactory(expert=True),
    }


# (can_view, can_edit, can_review) per role, for a draft never submitted and for one in county review.
EXPECTED = {
    "draft": {
        "owner": (True, True, False),
        "other_applicant": (False, False, False),
        "county": (False, False, False),
        "other_county": (False, False, False),
        "city": (False, False, False),
        "other_city": (False, False, False),
        "province": (False, False, False),
        "expert": (False, False, False),
    },
    "county_review": {
        "owner": (True, False, False),
        "other_applicant": (False, False, False),
        "county": (True, False, True),
        "other_county": (False, False, False),
        "city": (True, False, False),
        "other_city": (False, False, False),
        "province": (True, False, False),
        "expert": (False, False, False),
    },
}
CASES = [(state, role) for state in EXPECTED for role in ROLES]


@pytest.mark.parametrize(("state", "role"), CASES, ids=[f"{s}-{r}" for s, r in CASES])
def test_permission_matrix(cluster, users, state, role):
    application = application_in_state(state, cluster=cluster)
    user = users[role]

    got = (
        permissions.can_view_application(user, application),
        permissions.can_edit_application(user, application),
        permissions.can_review_application(user, application),
    )

    assert got == EXPECTED[state][role]
    in_list = selectors.application_list_for_user(user=user).filter(pk=application.pk).exists()
    assert in_list == got[0], "the list selector and the predicate disagree"


def test_review_tier_follows_the_state(cluster, users):
    application = application_in_state(S.CITY_REVIEW, cluster=cluster)
    reviewers = {role for role in ROLES if permissions.can_review_application(users[role], application)}
    assert reviewers == {"city"}

    application = application_in_state(S.FORMAL_REVIEW, cluster=ClusterFactory())
    reviewers = {role for role in ROLES if permissions.can_review_application(users[role], application)}
    assert reviewers == {"province"}


def test_authorities_never_see_a_draft_withdrawn_before_submission(cluster, users):
    application = application_in_state(S.WITHDRAWN, cluster=cluster)
    assert application.submission_count == 0

    for role in ("county", "city", "province"):
        assert not permissions.can_view_application(users[role], application)
        assert not selectors.application_list_for_user(user=users[role]).filter(pk=application.pk).exists()
    assert permissions.can_view_application(users["owner"], application)


def test_a_returned_draft_stays_visible_to_authorities(cluster, users):
    application = application_in_state(S.COUNTY_REVIEW, cluster=cluster)
    services.application_transition(
        application=application, actor=users["county"], verb="return", method="return_to_applicant", reason="补充"
    )
    application.refresh_from_db()

    assert application.state == S.DRAFT
    assert permissions.can_view_application(users["county"], application)
    assert not permissions.can_edit_application(users["county"], application)
    assert permissions.can_edit_application(users["owner"], application)


def test_expert_sees_only_while_assigned(cluster, users, monkeypatch):
    # The object permission alone; the gates registered by the reviews app are tested there.
    monkeypatch.setattr(permissions, "EXPERT_VIEW_GATES", [])
    application = application_in_state(S.EXPERT_REVIEW, cluster=cluster)
    expert = users["expert"]
    assert not permissions.can_view_application(expert, application)

    assign_perm("clusters.view_application", expert, application)
    expert = type(expert).objects.get(pk=expert.pk)  # a fresh user: permission caches are per instance
    assert permissions.can_view_application(expert, application)
    assert list(selectors.application_list_for_user(user=expert)) == [application]
    assert not permissions.can_review_application(expert, application)

    remove_perm("clusters.view_application", expert, application)
    expert = type(expert).objects.get(pk=expert.pk)
    assert not permissions.can_view_application(expert, application)
    assert not selectors.application_list_for_user(user=expert).exists()


def test_expert_view_gates_can_refuse(cluster, users, monkeypatch):
    monkeypatch.setattr(permissions, "EXPERT_VIEW_GATES", [lambda user, app: False])
    application = application_in_state(S.EXPERT_REVIEW, cluster=cluster)
    expert = users["expert"]
    assign_perm("clusters.view_application", expert, application)
    expert = type(expert).objects.get(pk=expert.pk)
    assert not permissions.can_view_application(expert, application)


def test_inactive_users_get_nothing(cluster, users):
    application = application_in_state(S.COUNTY_REVIEW, cluster=cluster)
    for role in ("owner", "county", "province"):
        user = users[role]
        user.is_active = False
        assert not permissions.can_view_application(user, application)
        assert not permissions.can_withdraw_application(user, application)
        assert not permissions.can_review_application(user, application)


def test_application_list_for_user_returns_exactly_the_rows_in_scope(users):
    kunshan = ClusterFactory()  # 苏州市昆山市, owned by its own applicant body
    kunshan_owner = applicant_user(kunshan.owner)
    jiangyin = ClusterFactory(owner__division=division(JIANGYIN))  # 无锡市江阴市

    apps = {
        "kunshan_draft": application_in_state(S.DRAFT, cluster=kunshan),
        "kunshan_review": application_in_state(S.COUNTY_REVIEW, cluster=ClusterFactory(owner=kunshan.owner)),
        "kunshan_city": application_in_state(S.CITY_REVIEW, cluster=ClusterFactory()),
        "jiangyin_review": application_in_state(S.COUNTY_REVIEW, cluster=jiangyin),
        "jiangyin_withdrawn": application_in_state(S.WITHDRAWN, cluster=ClusterFactory(owner=jiangyin.owner)),
    }
    expected = {
        "kunshan_owner": {"kunshan_draft", "kunshan_review"},
        "county": {"kunshan_review", "kunshan_city"},
        "other_county": {"jiangyin_review"},
        "city": {"kunshan_review", "kunshan_city"},
        "other_city": {"jiangyin_review"},
        "province": {"kunshan_review", "kunshan_city", "jiangyin_review"},
        "expert": set(),
        "other_applicant": set(),
    }
    people = {**users, "kunshan_owner": kunshan_owner}
    by_pk = {a.pk: name for name, a in apps.items()}

    for who, names in expected.items():
        user = people[who]
        listed = {by_pk[pk] for pk in selectors.application_list_for_user(user=user).values_list("pk", flat=True)}
        assert listed == names, who
        assert {name for name, a in apps.items() if permissions.can_view_application(user, a)} == names, who


def test_get_application_for_user_is_404_outside_scope(cluster, users):
    application = application_in_state(S.COUNTY_REVIEW, cluster=cluster)

    assert selectors.get_application_for_user(user=users["county"], pk=application.pk) == application
    for role in ("other_applicant", "other_county", "other_city", "expert"):
        with pytest.raises(Http404):
            selectors.get_application_for_user(user=users[role], pk=application.pk)
    with pytest.raises(Http404):
        selectors.get_application_for_user(user=users["county"], pk="not-a-number")


def test_cluster_visibility(cluster, users):
    visible = {role for role in ROLES if permissions.can_view_cluster(users[role], cluster)}
    assert visible == {"owner", "county", "city", "province"}
    editable = {role for role in ROLES if permissions.can_edit_cluster(users[role], cluster)}
    assert editable == {"owner"}
    for role in ROLES:
        listed = selectors.cluster_list_for_user(user=users[role]).filter(pk=cluster.pk).exists()
        assert listed == (role in visible), role


def test_only_province_manages_calls(users):
    assert {role for role in ROLES if permissions.can_manage_calls(users[role])} == {"province"}
