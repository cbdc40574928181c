import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_get_the_programme_page_not_a_login_redirect(client):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("登录办理", "申报指南", "管理办法全文", "公示公告", "认定名单", "证书查验"):
        assert text in body


def test_signed_in_users_get_their_to_dos(client):
    client.force_login(UserFactory(county=True))
    assert "我的待办" in client.get("/").content.decode()


def test_the_regulation_is_a_page_with_every_article(client):
    body = client.get(reverse("core:regulation")).content.decode()
    assert "第六条" in body and "第十四条" in body and "第十六条" in body
    assert "集群占地面积一般不超过100平方公里" in body


def test_the_guide_explains_the_dates(client):
    body = client.get(reverse("core:guide")).content.decode()
    assert "3 月 31 日" in body and "4 月 10 日" in body and "5 个工作日" in body


def test_the_front_page_lists_open_calls_open_notices_the_latest_list_and_counts_by_city(client):
    import datetime as dt

    import time_machine

    from clusters.tests.factories import province_user, published_call
    from monitoring.tests.factories import CertificationFactory, cluster_in
    from reviews.models import Publication
    from reviews.tests.factories import at, published_notice

    CertificationFactory(cluster=cluster_in("320583"))  # 苏州市
    CertificationFactory(cluster=cluster_in("320582"))  # 苏州市
    CertificationFactory(cluster=cluster_in("320281"))  # 无锡市
    with time_machine.travel(at(2026, 9, 24, 9)):
        call = published_call(2026)
        notice, _apps = published_notice(province_user(), dt.date(2026, 9, 24))
    with time_machine.travel(at(2026, 9, 28, 9)):
        body = client.get("/").content.decode()
    assert call.title in body and "申报截止" in body
    assert notice.title in body and reverse("public:notice_detail", args=[notice.pk]) in body
    assert "苏州市 2 个" in body and "无锡市 1 个" in body and "共 3 个" in body
    latest = Publication.objects.order_by("-publish_date", "-pk").first()
    if latest is not None:
        assert latest.title in body
    assert reverse("clusters:progress_lookup") in body
    with time_machine.travel(at(2026, 10, 20, 9)):  # the notice period is over
        assert notice.title not in client.get("/").content.decode()


def test_progress_lookup_needs_the_number_and_the_credit_code_and_shows_no_opinion(client):
    from clusters.constants import ApplicationState as S
    from clusters.tests.factories import application_in_state

    app = application_in_state(S.CITY_REVIEW)
    code = app.applicant.credit_code
    url = reverse("clusters:progress_lookup")
    found = client.post(url, {"number": str(app.pk), "credit_code": code.lower()})
    body = found.content.decode()
    assert found.status_code == 200 and app.cluster.name in body and "设区市初审" in body and "进入“县级审核”" in body
    assert "审核意见：" not in body and app.applicant.name not in body
    wrong_code = client.post(url, {"number": str(app.pk), "credit_code": "91320000000000000X"})
    no_such = client.post(url, {"number": "99999999", "credit_code": code})
    assert wrong_code.status_code == no_such.status_code == 404
    assert app.cluster.name not in wrong_code.content.decode()
    assert "未查到该申报" in wrong_code.content.decode() and "未查到该申报" in no_such.content.decode()
    assert client.post(url, {"number": "abc", "credit_code": ""}).status_code == 400
    assert client.get(url).status_code == 200


def test_progress_lookups_are_throttled_per_client(client):
    from clusters.views.public import PROGRESS_LIMIT

    url = reverse("clusters:progress_lookup")
    for _ in range(PROGRESS_LIMIT):
        assert client.post(url, {"number": "1", "credit_code": "x" * 18}, REMOTE_ADDR="203.0.113.77").status_code == 404
    refused = client.post(url, {"number": "1", "credit_code": "x" * 18}, REMOTE_ADDR="203.0.113.77")
    assert refused.status_code == 429 and "查询过于频繁" in refused.content.decode()
    assert client.post(url, {"number": "1", "credit_code": "x" * 18}, REMOTE_ADDR="203.0.113.78").status_code == 404
