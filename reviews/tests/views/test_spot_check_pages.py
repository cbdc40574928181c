"""The spot-check page at scale: the candidates of the next draw 50 a page, the draw log one line per draw, and one
draw's candidates ranked by their keys (the drawn first), each list paged on its own; every row is on some page,
and the page's queries do not grow with the candidates."""

import re

import pytest
from django.urls import reverse

from clusters.constants import ApplicationState as S
from clusters.models import Application
from clusters.tests.factories import ClusterFactory, published_call
from reviews import services
from reviews.services.spot_checks import draw_ranking
from reviews.tests.factories import scored_in_expert_review
from reviews.tests.views.helpers import queries_of, text_of
from reviews.views import spot_checks as views

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views, "CANDIDATES_PER_PAGE", 2)
    monkeypatch.setattr(views, "RANKED_PER_PAGE", 2)


def _page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return text_of(response)


def _ranked_rows(body):
    """(rank, application id, key, drawn?) of the ranked table's rows."""
    table = body.split('id="ranked-h"', 1)[1]
    return [
        (int(rank), int(pk), key, "<strong>抽中</strong>" in rest)
        for rank, pk, key, rest in re.findall(
            r"<tr>\s*<td>(\d+)</td>\s*<td>(\d+)</td>.*?<code class=\"text-break\">(\w+)</code></td>\s*<td>(.*?)</td>",
            table,
            re.S,
        )
    ]


def test_every_candidate_is_on_one_page_of_the_list(client, province, five_in_expert_review, small_pages):
    call, apps = five_in_expert_review
    client.force_login(province)
    url = reverse("reviews:spot_check", args=[call.pk])
    seen = []
    for number in (1, 2, 3):
        body = _page(client, url, candidates_page=number)
        assert "候选申报（专家评审环节，按编号排序，共 5 个）" in body
        assert f"第 {number} / 3 页，共 5 条" in body
        seen += [a for a in apps if f"编号 {a.pk} · {a.cluster.name}" in body]
    assert seen == sorted(apps, key=lambda a: a.pk)  # each once, in the order of their ids
    # the confirmation names the whole pool, not the page
    assert "抽取后全部 5 个候选申报" in _page(client, url)


def test_the_ranked_table_lists_every_candidate_the_drawn_first(client, province, five_in_expert_review, small_pages):
    call, apps = five_in_expert_review
    draw = services.spot_check_draw(call=call, actor=province, seed="20261126", size=2)
    client.force_login(province)
    url = reverse("reviews:spot_check", args=[call.pk])
    rows = []
    for number in (1, 2, 3):
        rows += _ranked_rows(_page(client, url, rows_page=number))
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    assert [(pk, key) for _rank, pk, key, _drawn in rows] == draw_ranking(draw)
    assert sorted(pk for _r, pk, _k, _d in rows) == sorted(draw.candidates)
    assert [pk for _r, pk, _k, drawn in rows if drawn] == list(draw.drawn) == [pk for _r, pk, _k, _d in rows[:2]]
    assert all(key == services.draw_key(draw.seed, pk) for _r, pk, key, _d in rows)
    # the first page carries the site-check actions of the drawn
    first = _page(client, url)
    for pk in draw.drawn:
        assert reverse("reviews:site_check", args=[pk]) in first
    assert "抽中 2 个，其中待实地核查 2 个" in first
    # only the drawn, with their ranks
    body = _page(client, url, show="drawn")
    assert [(r[0], r[1]) for r in _ranked_rows(body)] == [(1, draw.drawn[0]), (2, draw.drawn[1])]
    assert "第 1 / 1 页，共 2 条" in body


def test_an_earlier_draw_is_shown_on_request_and_a_foreign_one_is_404(client, province, five_in_expert_review):
    call, apps = five_in_expert_review
    first = services.spot_check_draw(call=call, actor=province, seed="1", size=1)
    # a later candidate, drawn on its own
    late = scored_in_expert_review(province, call=call, cluster=ClusterFactory(name="后到集群"))
    second = services.spot_check_draw(call=call, actor=province, seed="2", size=1)
    assert second.candidates == [late.pk]
    client.force_login(province)
    url = reverse("reviews:spot_check", args=[call.pk])
    latest = _page(client, url)
    assert [r[1] for r in _ranked_rows(latest)] == [late.pk]
    assert f"?draw={first.pk}#ranked-h" in latest and "名单见下方" in latest
    earlier = _page(client, url, draw=first.pk)
    assert sorted(r[1] for r in _ranked_rows(earlier)) == sorted(first.candidates)
    other_call = published_call(year=2027)
    assert client.get(reverse("reviews:spot_check", args=[other_call.pk]), {"draw": first.pk}).status_code == 404
    assert client.get(url, {"draw": "x"}).status_code == 404
    # the draw log still verifies either draw
    response = client.post(url, {"action": "verify", "draw": first.pk}, follow=True)
    assert "重新抽取验证：一致" in text_of(response)


def test_page_queries_do_not_grow_with_the_candidates(client, province, small_pages):
    call = published_call()
    for i in range(3):
        scored_in_expert_review(province, call=call, cluster=ClusterFactory(name=f"甲集群{i}"))
    client.force_login(province)
    url = reverse("reviews:spot_check", args=[call.pk])
    before_draw, _ = queries_of(client, url)
    for i in range(3):
        scored_in_expert_review(province, call=call, cluster=ClusterFactory(name=f"乙集群{i}"))
    after, response = queries_of(client, url)
    assert after == before_draw and "共 6 个" in text_of(response)
    services.spot_check_draw(call=call, actor=province, seed="5", size=2)
    drawn_3, _ = queries_of(client, url)
    for i in range(3):
        scored_in_expert_review(province, call=call, cluster=ClusterFactory(name=f"丙集群{i}"))
    services.spot_check_draw(call=call, actor=province, seed="6", size=2)
    assert Application.objects.filter(call=call, state=S.SITE_CHECK).count() == 4
    drawn_later, response = queries_of(client, url)
    assert drawn_later == drawn_3 and "抽中 2 个，其中待实地核查 2 个" in text_of(response)


def test_the_ranking_begins_with_the_sample_the_draw_takes():
    class Draw:
        seed = "20261126"
        candidates = list(range(100, 160))

    ranking = draw_ranking(Draw)
    assert [pk for pk, _key in ranking[:7]] == services.draw_sample(Draw.seed, Draw.candidates, 7)
    assert sorted(pk for pk, _key in ranking) == Draw.candidates
