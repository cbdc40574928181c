"""The expert pool pages and the assignment page."""

import pytest
from django.urls import reverse

from accounts.constants import Role
from accounts.tests.factories import NANJING, SUZHOU
from clusters.constants import ApplicationState as S
from clusters.models import IndustryTag
from clusters.tests.factories import ClusterFactory, application_in_state, published_call
from reviews import services
from reviews.models import Assignment, ExpertConflict, ExpertProfile
from reviews.tests.factories import assign_expert, expert
from reviews.tests.views.helpers import queries_of, text_of

pytestmark = pytest.mark.django_db


def test_expert_pool_masks_phones_except_on_the_edit_page(client, province):
    exp = expert(city_code=NANJING)
    client.force_login(province)
    body = text_of(client.get(reverse("reviews:expert_pool")))
    assert exp.user.display_name in body and "138****1234" in body and "13812341234" not in body
    body = text_of(client.get(reverse("reviews:expert_edit", args=[exp.pk])))
    assert 'value="13812341234"' in body


def test_create_expert_with_a_new_employer(client, province):

    tag = IndustryTag.objects.create(kind="key_chain", name="集成电路")
    client.force_login(province)
    data = {
        "username": "expert-wang",
        "full_name": "王专家",
        "phone": "13900001111",
        "email": "wang@example.cn",
        "password": "Str0ng-pass-2026",
        "new_employer_name": "南京大学",
        "city": NANJING,
        "title": "教授",
        "specialities": [tag.pk],
        "keywords": "集成电路、新材料",
        "active": "on",
        "max_assignments": "10",
    }
    response = client.post(reverse("reviews:expert_create"), data)
    assert response.status_code == 302
    profile = ExpertProfile.objects.get(user__username="expert-wang")
    assert profile.user.role == Role.EXPERT and profile.user.organisation.name == "南京大学"
    assert profile.user.check_password("Str0ng-pass-2026")
    assert list(profile.specialities.all()) == [tag] and profile.city_id == NANJING
    # the same username again, no employer, no password: 400 with Chinese messages and nothing created
    bad = {**data, "new_employer_name": "", "password": ""}
    response = client.post(reverse("reviews:expert_create"), bad)
    assert response.status_code == 400
    body = text_of(response)
    assert "该用户名已存在" in body and "请选择工作单位" in body and "请为新专家设置初始密码" in body
    assert ExpertProfile.objects.count() == 1


def test_edit_expert_and_conflicts(client, province, app):
    exp = expert(city_code=NANJING)
    client.force_login(province)
    url = reverse("reviews:expert_edit", args=[exp.pk])
    response = client.post(
        url,
        {
            "username": exp.user.username,
            "full_name": "改名专家",
            "phone": "13700000000",
            "email": "",
            "password": "",
            "employer": exp.user.organisation_id,
            "city": NANJING,
            "max_assignments": "5",
        },
    )
    assert response.status_code == 302
    exp.refresh_from_db()
    exp.user.refresh_from_db()
    assert exp.user.full_name == "改名专家" and exp.max_assignments == 5 and not exp.active
    add = reverse("reviews:expert_conflict_add", args=[exp.pk])
    response = client.post(add, {"reason": "没有对象"})
    assert response.status_code == 400 and "请至少指定" in text_of(response)
    response = client.post(add, {"cluster": app.cluster.pk, "reason": "曾为该集群编制规划"})
    assert response.status_code == 302
    conflict = ExpertConflict.objects.get(expert=exp)
    assert "曾为该集群编制规划" in text_of(client.get(url))
    client.post(reverse("reviews:expert_conflict_remove", args=[exp.pk, conflict.pk]))
    conflict.refresh_from_db()
    assert conflict.withdrawn_at is not None and conflict.withdrawn_by == province  # kept, marked withdrawn
    assert "已于" in text_of(client.get(url))


def test_manual_assignment_refusal_names_the_rule(client, province, app):
    suzhou = expert(city_code=SUZHOU)
    client.force_login(province)
    url = reverse("reviews:assignments", args=[app.call.pk])
    response = client.post(url, {"action": "assign", "application": app.pk, "expert": suzhou.pk})
    assert response.status_code == 400
    body = text_of(response)
    assert "不能分配" in body and "设区市" in body and "苏州市" in body
    assert not Assignment.objects.filter(application=app).exists()


def test_manual_assign_then_unassign_needs_a_reason(client, province, app):
    nanjing = expert(city_code=NANJING)
    client.force_login(province)
    url = reverse("reviews:assignments", args=[app.call.pk])
    response = client.post(url, {"action": "assign", "application": app.pk, "expert": nanjing.pk})
    assert response.status_code == 302
    assignment = Assignment.objects.get(application=app, expert=nanjing, status="active")
    assert nanjing.user.display_name in text_of(client.get(url))
    response = client.post(url, {"action": "unassign", "assignment": assignment.pk, "reason": ""})
    assert response.status_code == 400 and "请填写撤销原因" in text_of(response)
    assignment.refresh_from_db()
    assert assignment.status == "active"
    response = client.post(url, {"action": "unassign", "assignment": assignment.pk, "reason": "专家出差"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "revoked"


def test_auto_assign_through_the_page(client, province):
    call = published_call()
    apps = [
        application_in_state(S.EXPERT_REVIEW, call=call, cluster=ClusterFactory(name=f"自动集群{i}")) for i in range(2)
    ]
    for _ in range(3):
        expert(city_code=NANJING)
    expert(city_code=SUZHOU)  # same city as every cluster: never chosen
    client.force_login(province)
    url = reverse("reviews:assignments", args=[call.pk])
    assert f'value="{call.experts_per_application}"' in text_of(client.get(url))  # defaults to the call's number
    response = client.post(url, {"action": "auto", "per_application": "2"})
    assert response.status_code == 200
    body = text_of(response)
    assert "自动分配结果" in body and "自动集群0" in body and "没有人数不足的申报" in body
    for a in apps:
        assert Assignment.objects.filter(application=a, status="active", method="auto").count() == 2
    response = client.post(url, {"action": "auto", "per_application": "4"})
    assert "人数不足" in text_of(response) and "还差 1 名" in text_of(response)
    response = client.post(url, {"action": "auto", "per_application": "abc"})
    assert response.status_code == 400 and "1 至 15" in text_of(response)


def test_expert_pool_query_count_does_not_grow_with_rows(client, province):
    for _ in range(2):
        expert(city_code=NANJING)
    client.force_login(province)
    url = reverse("reviews:expert_pool")
    before, _ = queries_of(client, url)
    for _ in range(4):
        expert(city_code=NANJING)
    after, response = queries_of(client, url)
    assert after == before and "共 6 名专家" in text_of(response)


def test_assignment_page_carries_no_pool_and_its_queries_do_not_grow(client, province):
    """The page lists no experts (each picker loads its candidates on demand): its size and queries grow with the
    applications of one page, not with the pool (a <select> per row was rows × experts, 0.7 MB)."""
    call = published_call()

    def add(apps, experts):
        for _ in range(apps):
            assign_expert(application_in_state(S.EXPERT_REVIEW, call=call), province)  # + one 南京 expert each
        for _ in range(experts):
            expert(city_code=NANJING)

    add(1, 1)
    client.force_login(province)
    url = reverse("reviews:assignments", args=[call.pk])
    candidates = reverse("reviews:assignment_candidates", args=[call.pk])
    before, response = queries_of(client, url)
    body = text_of(response)
    assert "<option" not in body and body.count(f'hx-get="{candidates}?application=') == 1
    add(3, 30)
    after, response = queries_of(client, url)
    body = text_of(response)
    assert after == before and "<option" not in body
    assert body.count('list="expert-options-') == 4 and body.count('<datalist id="expert-options-') == 4


def _options(client, call, **params) -> list[str]:
    response = client.get(reverse("reviews:assignment_candidates", args=[call.pk]), params)
    assert response.status_code == 200
    return [v.split('"')[0] for v in text_of(response).split('<option value="')[1:] if not v.startswith('"')]


def test_candidates_are_the_experts_the_rules_allow_best_match_first(client, province):
    call = published_call()
    tag = IndustryTag.objects.create(kind="key_chain", name="高端纺织")
    cluster = ClusterFactory(name="候选集群")  # 苏州市
    cluster.tags.add(tag)
    app = application_in_state(S.EXPERT_REVIEW, call=call, cluster=cluster)
    plain = expert(city_code=NANJING)
    matching = expert(city_code=NANJING)
    matching.specialities.add(tag)
    same_city = expert(city_code=SUZHOU)
    inactive = expert(city_code=NANJING, active=False)
    capped = expert(city_code=NANJING, max_assignments=1)
    services.expert_assign(application=application_in_state(S.EXPERT_REVIEW, call=call), expert=capped, actor=province)
    declared = expert(city_code=NANJING)
    services.expert_conflict_add(actor=province, expert=declared, cluster=cluster, reason="曾任该集群顾问")
    already = assign_expert(app, province).expert
    client.force_login(province)

    offered = _options(client, call, application=app.pk)
    numbers = [int(v.rsplit("编号 ", 1)[1]) for v in offered]
    assert numbers[:2] == [matching.pk, plain.pk]  # the speciality match first
    for refused in (same_city, inactive, capped, declared, already):
        assert refused.pk not in numbers
    assert f"{plain.user.display_name}（南京市" in offered[1] and "本批次 0/" in offered[1]
    # what has been typed narrows the list (name, city, employer, keyword)
    assert _options(client, call, application=app.pk, expert=plain.user.display_name) == [offered[1]]
    assert _options(client, call, application=app.pk, expert="不存在的名字") == []
    # an application of another call, or not in expert review, is not found; bad input changes nothing
    other = application_in_state(S.FORMAL_REVIEW, call=call)
    url = reverse("reviews:assignment_candidates", args=[call.pk])
    assert client.get(url, {"application": other.pk}).status_code == 404
    assert client.get(url, {"application": "abc"}).status_code == 404
    assert client.get(url, {"application": app.pk, "expert": "x" * 5000}).status_code == 200


def test_assignment_picker_posts_its_value_a_bare_id_or_a_full_name(client, province):
    call = published_call()
    apps = [
        application_in_state(S.EXPERT_REVIEW, call=call, cluster=ClusterFactory(name=f"指定集群{i}")) for i in range(3)
    ]
    first, second, third = (expert(city_code=NANJING) for _ in range(3))
    client.force_login(province)
    url = reverse("reviews:assignments", args=[call.pk])
    value = next(v for v in _options(client, call, application=apps[0].pk) if v.endswith(f"编号 {first.pk}"))
    assert first.user.display_name in value and "本批次 0/" in value
    posted = [(apps[0], value, first), (apps[1], str(second.pk), second), (apps[2], third.user.display_name, third)]
    for app, typed, chosen in posted:
        response = client.post(url, {"action": "assign", "application": app.pk, "expert": typed})
        assert response.status_code == 302, typed
        assert Assignment.objects.filter(application=app, expert=chosen, status="active").exists()
    response = client.post(url, {"action": "assign", "application": apps[0].pk, "expert": "不在专家库的人"})
    assert response.status_code == 400
    body = text_of(response)
    assert "所选专家不存在或未启用" in body and 'value="不在专家库的人"' in body and 'aria-invalid="true"' in body
    response = client.post(url, {"action": "assign", "application": apps[0].pk, "expert": ""})
    assert response.status_code == 400 and "请选择专家" in text_of(response)


def test_a_refused_row_shows_its_errors_next_to_its_field(client, province, app):
    """Only the refused row carries its errors, tied to its field (aria-describedby → the error's id)."""
    assignment = assign_expert(app, province)
    client.force_login(province)
    url = reverse("reviews:assignments", args=[app.call.pk])
    body = text_of(client.post(url, {"action": "unassign", "assignment": assignment.pk, "reason": ""}))
    error_id = f"id_u{assignment.pk}_reason_error"
    assert f'aria-describedby="{error_id}"' in body and f'id="{error_id}"' in body and "请填写撤销原因" in body
    body = text_of(client.post(url, {"action": "assign", "application": app.pk, "expert": "不在专家库的人"}))
    error_id = f"id_a{app.pk}_expert_error"
    assert f'id="{error_id}"' in body and error_id in body.split(f'id="id_a{app.pk}_expert"')[1].split(">")[0]
