"""Expert assignment and scoring, aggregation, spot-check sampling and the joint review (Art. 10)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.tests.factories import NANJING, SUZHOU, OrganisationFactory, division
from clusters.constants import ApplicationState as S
from clusters.models import IndustryTag
from clusters.selectors import application_list_for_user
from clusters.tests.factories import ClusterFactory, application_in_state, authority_user, published_call
from core.exceptions import Conflict, NotAllowed, ServiceError
from reviews import selectors, services
from reviews.constants import ConflictRule
from reviews.models import Assignment, ExpertConflict, JointDecision
from reviews.tests.factories import expert

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return authority_user(Role.PROVINCE, division("320583"))


@pytest.fixture
def app():
    return application_in_state(S.EXPERT_REVIEW)  # a 昆山市 (苏州) cluster


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
    assert user.has_perm("clusters.view_application", app)
    assert list(application_list_for_user(user=user)) == [app]
    client.force_login(user)
    assert client.get(reverse("clusters:application_detail", args=[app.pk])).status_code == 404  # not before declaring
    services.declare_no_conflict(assignment=assignment, actor=user)
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


def _assign(app, province, **kw):
    exp = expert(city_code=NANJING, **kw)
    return services.expert_assign(application=app, expert=exp, actor=province)


def _full_scores(rubric, points):
    return {str(c.pk): str(points(c)) for c in rubric}


def test_scoring_draft_then_submit_once(app, province):
    assignment = _assign(app, province)
    user = assignment.expert.user
    sheet = assignment.sheet
    rubric = list(app.call.rubric.all())
    with pytest.raises(NotAllowed):  # must declare no conflict first
        services.scoresheet_save(sheet=sheet, actor=user, scores={})
    services.declare_no_conflict(assignment=assignment, actor=user)
    bad = {str(rubric[0].pk): str(rubric[0].max_points + 1), str(rubric[1].pk): "-1", str(rubric[2].pk): "abc"}
    with pytest.raises(ServiceError) as exc:
        services.scoresheet_save(sheet=sheet, actor=user, scores=bad)
    assert len(exc.value.errors) == 3
    sheet.refresh_from_db()
    assert sheet.scores == {}
    half = _full_scores(rubric, lambda c: c.max_points / 2)
    services.scoresheet_save(sheet=sheet, actor=user, scores=half, recommendation="recommend", overall_comment="较好")
    sheet = services.scoresheet_submit(sheet=sheet, actor=user)
    assert sheet.status == "submitted" and sheet.weighted_total == Decimal("50.00")
    with pytest.raises(Conflict):
        services.scoresheet_submit(sheet=sheet, actor=user)
    with pytest.raises(Conflict):
        services.scoresheet_save(sheet=sheet, actor=user, scores=half)
    with pytest.raises(ServiceError):  # a submitted sheet keeps its assignment
        services.expert_unassign(assignment=assignment, actor=province, reason="x")


def test_declaring_a_conflict_revokes_and_is_remembered(app, province):
    assignment = _assign(app, province)
    user = assignment.expert.user
    services.declare_conflict(assignment=assignment, actor=user, reason="本人曾在申报主体任职")
    assignment.refresh_from_db()
    assert assignment.status == "revoked"
    assert not type(user).objects.get(pk=user.pk).has_perm("clusters.view_application", app)
    err = _refusal(app, assignment.expert, province)
    assert ConflictRule.DECLARED in err.errors["rules"]


def _score(app, province, totals, call=None):
    """Assign one new expert per total and submit a sheet worth exactly that total (every criterion at t%)."""
    sheets = []
    for total in totals:
        assignment = _assign(app, province)
        user = assignment.expert.user
        services.declare_no_conflict(assignment=assignment, actor=user)
        rubric = list(app.call.rubric.all())
        scores = _full_scores(rubric, lambda c, t=total: c.max_points * Decimal(t) / 100)
        services.scoresheet_save(sheet=assignment.sheet, actor=user, scores=scores, recommendation="recommend")
        sheets.append(services.scoresheet_submit(sheet=assignment.sheet, actor=user))
    return sheets


def test_aggregate_statistics_on_a_known_score_set(app, province):
    app.call.outlier_distance = Decimal("15")
    app.call.save()
    _score(app, province, [80, 82, 84, 86, 50])
    row = next(r for r in selectors.call_score_table(app.call) if r["application"].pk == app.pk)
    assert row["submitted"] == 5
    assert row["mean"] == Decimal("76.40")
    assert row["median"] == Decimal("82.00")
    assert row["stdev"] == Decimal("13.35")  # population: sqrt(891.2 / 5)
    flagged = [s["total"] for s in row["scores"] if s["outlier"]]
    assert flagged == [Decimal("50.00")]  # |50 − 82| > 15; every score is still listed
    assert sorted(s["total"] for s in row["scores"]) == [
        Decimal(x) for x in ("50.00", "80.00", "82.00", "84.00", "86.00")
    ]
    assert row["rank_raw"] == 1 and row["normalised"] is None  # no expert has scored 5 applications yet


def test_normalisation_corrects_a_strict_expert(province):
    """Two experts score the same 5 applications; one is 20 points stricter. Normalised, they agree."""
    call = published_call()
    apps = [application_in_state(S.EXPERT_REVIEW, call=call, cluster=ClusterFactory(name=f"集群{i}")) for i in range(5)]
    lenient, strict = expert(city_code=NANJING), expert(city_code=NANJING)
    base = [90, 85, 80, 75, 70]
    for app, b in zip(apps, base, strict=True):
        for exp, offset in ((lenient, 0), (strict, -20)):
            assignment = services.expert_assign(application=app, expert=exp, actor=province)
            services.declare_no_conflict(assignment=assignment, actor=exp.user)
            scores = _full_scores(list(call.rubric.all()), lambda c, t=b + offset: c.max_points * Decimal(t) / 100)
            services.scoresheet_save(sheet=assignment.sheet, actor=exp.user, scores=scores, recommendation="recommend")
            services.scoresheet_submit(sheet=assignment.sheet, actor=exp.user)
    table = {r["application"].pk: r for r in selectors.call_score_table(call)}
    for app in apps:
        z = [s["z"] for s in table[app.pk]["scores"]]
        assert z[0] == z[1]  # same relative position for both experts
    assert [table[a.pk]["rank_normalised"] for a in apps] == [1, 2, 3, 4, 5]
    assert [table[a.pk]["rank_raw"] for a in apps] == [1, 2, 3, 4, 5]


@pytest.fixture
def five_in_expert_review():
    call = published_call()
    return call, [
        application_in_state(S.EXPERT_REVIEW, call=call, cluster=ClusterFactory(name=f"抽查集群{i}")) for i in range(5)
    ]


def test_same_seed_draws_the_same_sample(five_in_expert_review, province):
    call, apps = five_in_expert_review
    ids = sorted(a.pk for a in apps)
    assert services.draw_sample("20261126", ids, 2) == services.draw_sample("20261126", list(reversed(ids)), 2)
    draw = services.spot_check_draw(call=call, actor=province, seed="20261126", size=2)
    assert draw.candidates == ids and len(draw.drawn) == 2
    assert draw.drawn == services.draw_sample("20261126", ids, 2)
    assert services.spot_check_verify(draw)
    states = {a.pk: type(a).objects.get(pk=a.pk).state for a in apps}
    assert {pk for pk, st in states.items() if st == S.SITE_CHECK} == set(draw.drawn)
    assert all(st == S.JOINT_REVIEW for pk, st in states.items() if pk not in draw.drawn)
    draw.drawn = list(reversed(draw.drawn)) if draw.drawn[0] != draw.drawn[-1] else draw.drawn
    assert not services.spot_check_verify(draw) or len(set(draw.drawn)) == 1


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"seed": "abc", "size": 1}, "随机种子"),
        ({"seed": "0", "size": 1}, "随机种子"),
        ({"seed": "-5", "size": 1}, "随机种子"),
        ({"seed": "7", "size": 0}, "抽取数量"),
        ({"seed": "7", "size": "two"}, "抽取数量"),
        ({"seed": "7", "size": 6}, "超过候选"),
        ({"seed": "7", "fraction": "1.5"}, "比例"),
        ({"seed": "7"}, "请填写"),
    ],
)
def test_bad_draw_input_changes_nothing(five_in_expert_review, province, kwargs, fragment):
    call, apps = five_in_expert_review
    with pytest.raises(ServiceError, match=fragment):
        services.spot_check_draw(call=call, actor=province, **kwargs)
    assert {type(a).objects.get(pk=a.pk).state for a in apps} == {S.EXPERT_REVIEW}


def test_fraction_rounds_up(five_in_expert_review, province):
    call, _apps = five_in_expert_review
    draw = services.spot_check_draw(call=call, actor=province, seed="99", fraction="0.2")
    assert draw.sample_size == 1


def test_site_check_then_joint_review_with_departure_reason(five_in_expert_review, province):
    call, apps = five_in_expert_review
    for app, total in zip(apps, [90, 85, 80, 75, 70], strict=True):
        _score(app, province, [total])
    draw = services.spot_check_draw(call=call, actor=province, seed="2026", size=1)
    checked = type(apps[0]).objects.get(pk=draw.drawn[0])
    services.site_check_record(
        application=checked,
        actor=province,
        check_date=timezone.localdate(),
        inspectors="张三、李四",
        findings="与申报一致",
        result="pass",
    )
    checked.refresh_from_db()
    assert checked.state == S.JOINT_REVIEW and checked.site_checks.get().result == "pass"

    meeting = services.meeting_create(
        call=call, actor=province, meeting_date=timezone.localdate(), attendees="厅领导、处室负责人"
    )
    best, second, third, fourth, worst = apps
    for a in (best, second, third, fourth):
        services.meeting_decide(meeting=meeting, application=a, actor=province, decision="approve")
    with pytest.raises(ServiceError, match="尚未形成"):
        services.meeting_close(meeting=meeting, actor=province)
    with pytest.raises(ServiceError, match="理由"):
        services.meeting_decide(meeting=meeting, application=worst, actor=province, decision="reject")
    services.meeting_decide(
        meeting=meeting, application=worst, actor=province, decision="reject", reason="实地核查发现产值口径不一致"
    )
    # Departing from the ranking: reject the 2nd and approve the 5th needs a written reason on the 5th.
    services.meeting_decide(
        meeting=meeting, application=second, actor=province, decision="reject", reason="存在失信记录"
    )
    services.meeting_decide(meeting=meeting, application=worst, actor=province, decision="approve")
    with pytest.raises(ServiceError, match="排名"):
        services.meeting_close(meeting=meeting, actor=province)
    services.meeting_decide(
        meeting=meeting, application=worst, actor=province, decision="approve", reason="补充材料证明达标"
    )
    meeting = services.meeting_close(meeting=meeting, actor=province)
    assert meeting.status == "closed"
    states = {a.pk: type(a).objects.get(pk=a.pk).state for a in apps}
    assert states[second.pk] == S.REJECTED
    # The approved ones wait in joint review as the proposed list until the notice is published.
    assert [pk for pk, st in states.items() if st == S.JOINT_REVIEW] == [best.pk, third.pk, fourth.pk, worst.pk]
    assert list(selectors.proposed_list(call)) == [best, third, fourth, worst]
    assert JointDecision.objects.get(application=worst).rank_raw == 5
