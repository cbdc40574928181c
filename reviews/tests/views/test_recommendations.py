"""The city's recommendation pages and downloads."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.tests.factories import JIANGYIN, division
from clusters.constants import ApplicationState as S
from clusters.tests.factories import application_in_state, authority_user
from reviews.models import Recommendation

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_city_recommends_through_the_form_and_downloads_documents(client):
    app = application_in_state(S.CITY_REVIEW)
    city = authority_user(Role.CITY, app.cluster.division)
    _login(client, city)
    url = reverse("reviews:recommendation_create", args=[app.call.pk])
    assert app.cluster.name in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "doc_number": "苏工信中小〔2026〕7号",
            "doc_date": timezone.localdate().isoformat(),
            "applications": [str(app.pk)],
            "action": "confirm",  # the preview's button (tests/views/test_preview_then_confirm.py)
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rec = Recommendation.objects.get()
    app.refresh_from_db()
    assert app.state == S.FORMAL_REVIEW
    pdf = client.get(reverse("reviews:recommendation_pdf", args=[rec.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    xlsx = client.get(reverse("reviews:recommendation_xlsx", args=[rec.pk]))
    assert xlsx.status_code == 200
    other_city = authority_user(Role.CITY, division(JIANGYIN))
    _login(client, other_city)
    assert client.get(reverse("reviews:recommendation_detail", args=[rec.pk])).status_code == 404
    assert client.get(reverse("reviews:recommendation_pdf", args=[rec.pk])).status_code == 404


def test_recommendation_form_errors_are_in_chinese(client):
    app = application_in_state(S.CITY_REVIEW)
    _login(client, authority_user(Role.CITY, app.cluster.division))
    response = client.post(
        reverse("reviews:recommendation_create", args=[app.call.pk]),
        {"doc_number": "", "doc_date": "", "applications": []},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请至少选择一个推荐的申报" in body
    assert not Recommendation.objects.exists()


def test_the_list_counts_each_documents_applications_in_constant_queries(client):
    """The list shows how many applications each document recommends, counted by the database: its queries do
    not grow with the documents' applications (it loaded every application to count them)."""
    from clusters.tests.factories import published_call
    from reviews import services
    from reviews.tests.views.helpers import queries_of, text_of

    call = published_call()
    city = authority_user(Role.CITY, application_in_state(S.CITY_REVIEW, call=call).cluster.division)

    def recommend(n, number):
        apps = [application_in_state(S.CITY_REVIEW, call=call) for _ in range(n)]
        services.recommendation_submit(
            call=call,
            actor=city,
            doc_number=f"苏工信中小〔2026〕{number}号",
            doc_date=timezone.localdate(),
            application_ids=[a.pk for a in apps],
        )

    recommend(1, 1)
    _login(client, city)
    url = reverse("reviews:recommendation_list")
    before, _response = queries_of(client, url)
    recommend(4, 2)
    after, response = queries_of(client, url)
    assert after == before
    body = text_of(response)
    rows = body.split("<tbody>")[1].split("</tbody>")[0]
    assert "〔2026〕2号" in rows and "<td>4</td>" in rows and "<td>1</td>" in rows
