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
