"""Score sheets (`services.scoring`) and the score table built from them (`selectors.call_score_table`)."""

from decimal import Decimal

import pytest

from accounts.tests.factories import NANJING
from clusters.constants import ApplicationState as S
from clusters.tests.factories import ClusterFactory, application_in_state, published_call
from core.exceptions import Conflict, NotAllowed, ServiceError
from reviews import selectors, services
from reviews.tests.factories import assign_expert, expert, full_scores, score_application

pytestmark = pytest.mark.django_db


def test_scoring_draft_then_submit_once(app, province):
    assignment = assign_expert(app, province)
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
    half = full_scores(rubric, lambda c: c.max_points / 2)
    services.scoresheet_save(sheet=sheet, actor=user, scores=half, recommendation="recommend", overall_comment="较好")
    sheet = services.scoresheet_submit(sheet=sheet, actor=user)
    assert sheet.status == "submitted" and sheet.weighted_total == Decimal("50.00")
    with pytest.raises(Conflict):
        services.scoresheet_submit(sheet=sheet, actor=user)
    with pytest.raises(Conflict):
        services.scoresheet_save(sheet=sheet, actor=user, scores=half)
    with pytest.raises(ServiceError):  # a submitted sheet keeps its assignment
        services.expert_unassign(assignment=assignment, actor=province, reason="x")


def test_aggregate_statistics_on_a_known_score_set(app, province):
    app.call.outlier_distance = Decimal("15")
    app.call.save()
    score_application(app, province, [80, 82, 84, 86, 50])
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
            scores = full_scores(list(call.rubric.all()), lambda c, t=b + offset: c.max_points * Decimal(t) / 100)
            services.scoresheet_save(sheet=assignment.sheet, actor=exp.user, scores=scores, recommendation="recommend")
            services.scoresheet_submit(sheet=assignment.sheet, actor=exp.user)
    table = {r["application"].pk: r for r in selectors.call_score_table(call)}
    for app in apps:
        z = [s["z"] for s in table[app.pk]["scores"]]
        assert z[0] == z[1]  # same relative position for both experts
    assert [table[a.pk]["rank_normalised"] for a in apps] == [1, 2, 3, 4, 5]
    assert [table[a.pk]["rank_raw"] for a in apps] == [1, 2, 3, 4, 5]
