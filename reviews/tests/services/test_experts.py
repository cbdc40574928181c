"""The expert pool, conflict rules, assignment and the experts' declarations (`services.experts`)."""

import pytest
from django.urls import reverse

from accounts.constants import Role
from accounts.tests.factories import NANJING, SUZHOU, OrganisationFactory, division
from clusters.constants import ApplicationState as S
from clusters.models import IndustryTag
from clusters.selectors import application_list_for_user
from clusters.tests.factories import ClusterFactory, application_in_state, authority_user, published_call
from core.exceptions import Conflict, NotAllowed, ServiceError
from reviews import services
from reviews.constants import ConflictRule
from reviews.models import Assignment, ExpertConflict
from reviews.tests.factories import assign_expert, expert

pytestmark = pytest.mark.django_db


def _refusal(app, exp, province):
    with pytest.raises(ServiceError) as exc:
        services.expert_assign(application=app, expert=exp, actor=province)
    assert not Assignment.objects.filter(application=app, expert=exp, status="active").exists()
    return exc.value


def test_same_city_is_refused_with_its_reason(app, province):
    err = _refusal(app, expert(city_code=SUZHOU), province)
    assert ConflictRule.SAME_CITY in err.errors["rules"] and "苏州市" in err.message


def test_employer_is_the_applicant_body(app, province):
    err = _refusal(app, expert(organisation=app.applicant, city_code=NANJING), province)
    assert ConflictRule.SAME_EMPLOYER in err.errors["rules"] and "申报主体" in err.message


def test_employer_is_a_roster_enterprise(app, province):
    code = app.enterprises.first().credit_code
    employer = OrganisationFactory(expert_employer=True, credit_code=code, division=division(NANJING))
    err = _refusal(app, expert(organisation=employer, city_code=NANJING), province)
    assert ConflictRule.ROSTER_EMPLOYER in err.errors["rules"] and "名册" in err.message


def test_declared_conflict(app, province):
    exp = expert(city_code=NANJING)
    ExpertConflict.objects.create(expert=exp, cluster=app.cluster, reason="曾为该集群编制发展规划")
    err = _refusal(app, exp, province)
    assert ConflictRule.DECLARED in err.errors["rules"] and "编制发展规划" in err.message


def test_a_withdrawn_conflict_no_longer_refuses(app, province):
    exp = expert(city_code=NANJING)
    conflict = services.expert_conflict_add(actor=province, expert=exp, cluster=app.cluster, reason="曾任顾问")
    _refusal(app, exp, province)
    services.expert_conflict_withdraw(actor=province, conflict=conflict)
    assert services.expert_assign(application=app, expert=exp, actor=province).status == "active"
    assert ExpertConflict.objects.filter(pk=conflict.pk).exists()


def test_workload_cap(app, province):
    exp = expert(city_code=NANJING, max_assignments=1)
    other = application_in_state(S.EXPERT_REVIEW, call=app.call)
    services.expert_assign(application=other, expert=exp, actor=province)
    err = _refusal(app, exp, province)
    assert ConflictRule.CAP in err.errors["rules"]


def test_guardian_permission_follows_the_assignment(app, province, client):
    exp = expert(city_code=NANJING)
    user = exp.user
    assert not application_list_for_user(user=user).filter(pk=app.pk).exists()
    assignment = services.expert_assign(application=app, expert=exp, actor=province)
    assert not user.has_perm("clusters.view_application", app)  # granted by the declaration, not the assignment
    assert not application_list_for_user(user=user).exists()
    client.force_login(user)
    assert client.get(reverse("clusters:application_detail", args=[app.pk])).status_code == 404  # not before declaring
    services.declare_no_conflict(assignment=assignment, actor=user)
    user = type(user).objects.get(pk=user.pk)
    assert list(application_list_for_user(user=user)) == [app]
    assert client.get(reverse("clusters:application_detail", args=[app.pk])).status_code == 200
    services.expert_unassign(assignment=assignment, actor=province, reason="调整")
    user = type(user).objects.get(pk=user.pk)  # drop the permission cache
    assert not user.has_perm("clusters.view_application", app)
    assert not application_list_for_user(user=user).exists()
    assert client.get(reverse("clusters:application_detail", args=[app.pk])).status_code == 404


def test_only_province_assigns_and_only_in_expert_review(province):
    exp = expert(city_code=NANJING)
    early = application_in_state(S.FORMAL_REVIEW)
    with pytest.raises(Conflict):
        services.expert_assign(application=early, expert=exp, actor=province)
    later = application_in_state(S.EXPERT_REVIEW, call=early.call)
    with pytest.raises(NotAllowed):
        services.expert_assign(application=later, expert=exp, actor=authority_user(Role.CITY, later.cluster.division))


def test_auto_assign_respects_conflicts_speciality_and_balance(province):
    call = published_call()
    tag = IndustryTag.objects.create(kind="key_chain", name="高端装备")
    apps = []
    for i in range(3):
        cluster = ClusterFactory(name=f"集群{i}")
        cluster.tags.add(tag)
        apps.append(application_in_state(S.EXPERT_REVIEW, cluster=cluster, call=call))
    specialists = [expert(city_code=NANJING) for _ in range(3)]
    for e in specialists:
        e.specialities.add(tag)
    generalists = [expert(city_code=NANJING) for _ in range(3)]
    suzhou_expert = expert(city_code=SUZHOU)  # same city as every cluster: never assigned
    report = services.auto_assign(call=call, actor=province, per_application=2)
    assert report["shortfalls"] == {}
    loads = {e.pk: Assignment.objects.filter(expert=e).count() for e in [*specialists, *generalists, suzhou_expert]}
    assert loads[suzhou_expert.pk] == 0
    assert sum(loads[e.pk] for e in specialists) == 6  # specialists first
    assert max(loads[e.pk] for e in specialists) - min(loads[e.pk] for e in specialists) == 0  # balanced
    for a in apps:
        assert Assignment.objects.filter(application=a, status="active").count() == 2
    again = services.auto_assign(call=call, actor=province, per_application=2)
    assert again["assigned"] == {} and Assignment.objects.count() == 6


def test_declaring_a_conflict_revokes_and_is_remembered(app, province):
    assignment = assign_expert(app, province)
    user = assignment.expert.user
    services.declare_conflict(assignment=assignment, actor=user, reason="本人曾在申报主体任职")
    assignment.refresh_from_db()
    assert assignment.status == "revoked"
    assert not type(user).objects.get(pk=user.pk).has_perm("clusters.view_application", app)
    err = _refusal(app, assignment.expert, province)
    assert ConflictRule.DECLARED in err.errors["rules"]
