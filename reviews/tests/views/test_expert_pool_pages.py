"""The expert pool's list, 25 a page as plain values: every expert on exactly one page in the order of their names,
with the specialities and the active assignments of each (read for the page only), once under every filter."""

import pytest
from django.urls import reverse

from accounts.tests.factories import NANJING, WUXI
from clusters.models import IndustryTag
from reviews import services
from reviews.models import ExpertProfile
from reviews.tests.factories import assign_expert, expert
from reviews.tests.views.helpers import queries_of, text_of
from reviews.views import experts as views

pytestmark = pytest.mark.django_db


def _named(name, **kwargs):
    profile = expert(**kwargs)
    profile.user.full_name = name
    profile.user.save()
    return profile


def test_every_expert_is_on_one_page_with_tags_and_load(client, province, app, monkeypatch):
    monkeypatch.setattr(views, "EXPERT_POOL_PAGE_SIZE", 2)
    chain = IndustryTag.objects.create(kind="key_chain", name="集成电路", order=2)
    textile = IndustryTag.objects.create(kind="key_chain", name="高端纺织", order=1)
    names = ["丁专家", "丙专家", "乙专家", "甲专家", "戊专家"]
    experts = {name: _named(name, city_code=NANJING, title="教授") for name in names}
    experts["甲专家"].specialities.add(chain, textile)
    busy = assign_expert(app, province).expert
    busy.user.full_name = "己专家"
    busy.user.save()
    services.expert_assign(application=app, expert=experts["乙专家"], actor=province)
    client.force_login(province)
    url = reverse("reviews:expert_pool")
    rows = []
    for number in (1, 2, 3):
        response = client.get(url, {"page": number})
        assert response.status_code == 200 and "共 6 名专家" in text_of(response)
        rows += response.context["page"].object_list
    in_name_order = ExpertProfile.objects.order_by("user__full_name", "pk").values_list("user__full_name", flat=True)
    assert [r["name"] for r in rows] == list(in_name_order) and sorted(in_name_order) == sorted([*names, "己专家"])
    by_name = {r["name"]: r for r in rows}
    assert by_name["甲专家"]["specialities"] == ["高端纺织", "集成电路"]  # the tags' own order
    assert by_name["乙专家"]["active_load"] == 1 and by_name["己专家"]["active_load"] == 1
    assert by_name["丙专家"]["active_load"] == 0
    assert by_name["甲专家"]["phone"] == "138****1234" and by_name["甲专家"]["title"] == "教授"
    body = text_of(client.get(url, {"page": 3}))
    assert (
        "甲专家" in body and "高端纺织" in body and reverse("reviews:expert_edit", args=[experts["甲专家"].pk]) in body
    )


def test_an_expert_with_several_specialities_is_listed_once(client, province):
    chain = IndustryTag.objects.create(kind="key_chain", name="集成电路")
    textile = IndustryTag.objects.create(kind="key_chain", name="高端纺织")
    both = _named("两领域专家", city_code=WUXI)
    both.specialities.add(chain, textile)
    _named("无领域专家", city_code=WUXI)
    client.force_login(province)
    url = reverse("reviews:expert_pool")
    for params, expected in [
        ({}, ["两领域专家", "无领域专家"]),
        ({"speciality": chain.pk}, ["两领域专家"]),
        ({"q": "专家", "city": WUXI, "active": "1"}, ["两领域专家", "无领域专家"]),
    ]:
        response = client.get(url, params)
        assert [r["name"] for r in response.context["page"]] == expected
        assert f"共 {len(expected)} 名专家" in text_of(response)


def test_filter_selects_keep_their_options_and_choice(client, province):
    tag = IndustryTag.objects.create(kind="key_chain", name="集成电路")
    client.force_login(province)
    body = text_of(client.get(reverse("reviews:expert_pool"), {"city": NANJING, "speciality": tag.pk, "active": "0"}))
    assert f'<option value="{NANJING}" selected>南京市</option>' in body
    assert f'<option value="{tag.pk}" selected>集成电路</option>' in body
    assert '<option value="0" selected>已停用</option>' in body and '<option value="">全部设区市</option>' in body


def test_pool_queries_do_not_grow_with_tags_and_assignments(client, province, app):
    tag = IndustryTag.objects.create(kind="key_chain", name="集成电路")
    expert(city_code=NANJING).specialities.add(tag)
    client.force_login(province)
    url = reverse("reviews:expert_pool")
    before, _ = queries_of(client, url)
    for _ in range(3):
        assign_expert(app, province).expert.specialities.add(tag)
    after, response = queries_of(client, url)
    assert after == before and "共 4 名专家" in text_of(response)
