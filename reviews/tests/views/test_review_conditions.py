"""The tiers' per-condition checklist: the qualitative parts of Art. 6 have rows of their own with the applicant's
text beside each (item 10); every condition needs an opinion, with a "全部同意" shortcut understood by the server
(item 13); a return shows the applicant each condition's opinion and reason at the top of the form and beside the
section it concerns (item 12)."""

import pytest
from django.urls import reverse

from accounts.constants import Role
from clusters import services as cluster_services
from clusters.constants import ApplicationState as S
from clusters.forms import ClusterForm
from clusters.models import IndustryTag
from clusters.selectors import CONDITION_CODES
from clusters.tests.factories import applicant_user, application_in_state, authority_user
from core.exceptions import ServiceError
from reviews import services
from reviews.models import ReviewOpinion
from reviews.tests.factories import all_agree

pytestmark = pytest.mark.django_db

POLICY_FIT = "主导产业属于省“1650”产业体系中的高端装备集群，精密零部件细分领域产值居全省第二。"
SUPPLY = "上游铸锻件、下游整机装配本地配套率超过六成，建立了集群采购联盟。"
INNOVATION = "设立集群创新券；梳理出12项短板技术，组织4项关键核心技术攻关。"
POLLUTION = "集中供热替代分散燃煤锅炉，建成集中式污水处理设施。"


def _with_narratives(app):
    owner = applicant_user(app.applicant)
    app.refresh_from_db()
    return cluster_services.application_update(
        application=app,
        actor=owner,
        version=app.edit_version,
        data={
            "policy_fit": POLICY_FIT,
            "supply_chain": SUPPLY,
            "innovation_mechanism": INNOVATION,
            "pollution_control": POLLUTION,
        },
    )


def test_the_applicant_form_asks_for_each_qualitative_part(client):
    app = application_in_state(S.DRAFT)
    client.force_login(applicant_user(app.applicant))
    pages = {
        section: client.get(reverse("clusters:application_edit", args=[app.pk, section])).content.decode()
        for section in ("basic", "lists", "digital")
    }
    assert 'name="policy_fit"' in pages["basic"]
    assert 'name="supply_chain"' in pages["lists"] and 'name="innovation_mechanism"' in pages["lists"]
    assert 'name="pollution_control"' in pages["digital"]


def test_the_checklist_has_rows_for_the_qualitative_parts_with_the_applicants_text(client):
    draft = _with_narratives(application_in_state(S.DRAFT))
    app = cluster_services.application_submit(application=draft, actor=applicant_user(draft.applicant))
    client.force_login(authority_user(Role.COUNTY, app.cluster.division))
    html = client.get(reverse("reviews:review", args=[app.pk])).content.decode()
    for code in ("q1", "q4", "q5", "q7"):
        assert f'name="cond_{code}"' in html
    for text in (POLICY_FIT, SUPPLY, INNOVATION, POLLUTION):
        assert text in html
    assert "16个先进制造业集群" in html and "关键核心技术攻关" in html


def test_the_tag_lists_hold_the_16_clusters_and_50_chains():
    assert IndustryTag.objects.filter(kind="advanced_cluster", active=True).count() == 16
    assert IndustryTag.objects.filter(kind="key_chain", active=True).count() == 50
    form = ClusterForm()
    assert form.fields["advanced_tags"].queryset.count() == 16
    assert form.fields["chain_tags"].queryset.count() == 50


def test_a_review_with_conditions_left_open_is_refused_naming_them():
    app = application_in_state(S.COUNTY_REVIEW)
    county = authority_user(Role.COUNTY, app.cluster.division)
    with pytest.raises(ServiceError) as err:
        services.review_decide(
            application=app, actor=county, tier="county", decision="pass", conditions={"2a": {"agree": True}}
        )
    assert "q1" in err.value.message and "art7" in err.value.message
    app.refresh_from_db()
    assert app.state == S.COUNTY_REVIEW and not ReviewOpinion.objects.exists()


def test_the_page_refuses_a_pass_with_no_opinion_and_lists_every_problem(client):
    app = application_in_state(S.COUNTY_REVIEW)
    client.force_login(authority_user(Role.COUNTY, app.cluster.division))
    url = reverse("reviews:review", args=[app.pk])
    response = client.post(
        url,
        {
            "decision": "pass",
            "expected_state": S.COUNTY_REVIEW,
            "cond_2a": "0",  # disagree, no reason
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "请说明不同意的理由" in html and "请对该条件表态" in html
    assert 'id="id_cond_q1_error"' in html or "cond_q1" in html
    app.refresh_from_db()
    assert app.state == S.COUNTY_REVIEW


def test_all_agree_fills_every_condition_and_keeps_an_explicit_disagreement(client):
    app = application_in_state(S.COUNTY_REVIEW)
    client.force_login(authority_user(Role.COUNTY, app.cluster.division))
    response = client.post(
        reverse("reviews:review", args=[app.pk]),
        {
            "decision": "pass",
            "expected_state": S.COUNTY_REVIEW,
            "agree_all": "on",
            "cond_5a": "0",
            "cond_5a_comment": "平台级别需核实",
        },
    )
    assert response.status_code == 302
    opinion = ReviewOpinion.objects.get(application=app)
    assert set(opinion.conditions) == set(CONDITION_CODES)
    assert opinion.conditions["5a"] == {"agree": False, "comment": "平台级别需核实"}
    assert all(v["agree"] for code, v in opinion.conditions.items() if code != "5a")


def test_a_return_shows_each_conditions_opinion_on_the_returned_form(client):
    app = application_in_state(S.COUNTY_REVIEW)
    county = authority_user(Role.COUNTY, app.cluster.division)
    conditions = {
        **all_agree(app),
        "2a": {"agree": False, "comment": "2023年总产值与统计年鉴不一致"},
        "q4": {"agree": False, "comment": "请补充产供销协同机制"},
    }
    services.review_decide(
        application=app,
        actor=county,
        tier="county",
        decision="return",
        comment="请按逐条意见修改",
        conditions=conditions,
    )
    client.force_login(applicant_user(app.applicant))
    top = client.get(reverse("clusters:application_edit", args=[app.pk, "basic"])).content.decode()
    assert "2023年总产值与统计年鉴不一致" in top and "请补充产供销协同机制" in top
    assert "县级审核" in top
    data = client.get(reverse("clusters:application_edit", args=[app.pk, "data"])).content.decode()
    beside = data.split('id="section-opinions"', 1)
    assert len(beside) == 2 and "2023年总产值与统计年鉴不一致" in beside[1]
    assert "请补充产供销协同机制" not in beside[1]
    lists = client.get(reverse("clusters:application_edit", args=[app.pk, "lists"])).content.decode()
    assert "请补充产供销协同机制" in lists.split('id="section-opinions"', 1)[1]
    # Resubmitting clears them: the next return starts afresh.
    app = cluster_services.application_submit(application=app, actor=applicant_user(app.applicant))
    assert app.return_opinions == {}
