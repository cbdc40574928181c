"""The application list and detail pages: who sees which application, and what each of them sees."""

import pytest
from django.urls import reverse

from clusters.constants import ApplicationState
from clusters.tests.views.helpers import _edit_url, _submit

pytestmark = pytest.mark.django_db
S = ApplicationState


def test_application_list_with_state_filter(owner_client, application):
    response = owner_client.get(reverse("clusters:application_list"))
    assert response.status_code == 200
    assert application.cluster.name in response.content.decode()
    response = owner_client.get(reverse("clusters:application_list"), {"state": S.CERTIFIED})
    assert response.status_code == 200
    assert application.cluster.name not in response.content.decode()


def test_detail_for_applicant_and_same_county(client, application, applicant, county_same):
    submitted = _submit(application, applicant)
    client.force_login(applicant)
    response = client.get(reverse("clusters:application_detail", args=[submitted.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "办件进度" in body and "正在由昆山市中小企业主管部门审核" in body
    assert "县级审核" in body and "草稿" in body  # timeline with Chinese state labels
    assert "提交申报" in body and "首次提交" in body
    assert reverse("clusters:version_pdf", args=[submitted.pk, 1]) in body
    assert "生成中，可点击下载即时生成" in body  # the PDF task runs after commit
    assert reverse("clusters:application_withdraw", args=[submitted.pk]) in body
    assert "13912345678" in body

    client.force_login(county_same)
    response = client.get(reverse("clusters:application_detail", args=[submitted.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "办件进度" not in body and reverse("clusters:application_withdraw", args=[submitted.pk]) not in body
    assert application.cluster.name in body


def test_other_county_gets_404_everywhere(client, application, applicant, county_other):
    submitted = _submit(application, applicant)
    att = submitted.attachments.first()
    client.force_login(county_other)
    for url in (
        reverse("clusters:application_detail", args=[submitted.pk]),
        _edit_url(submitted, "basic"),
        reverse("clusters:attachment_download", args=[submitted.pk, att.pk]),
        reverse("clusters:version_pdf", args=[submitted.pk, 1]),
        reverse("clusters:version_diff", args=[submitted.pk, 1]),
    ):
        assert client.get(url).status_code == 404, url


def test_authorities_never_see_an_unsubmitted_draft(client, application, county_same):
    client.force_login(county_same)
    assert client.get(reverse("clusters:application_detail", args=[application.pk])).status_code == 404
    assert client.get(_edit_url(application, "basic")).status_code == 404


def test_submitted_application_is_read_only(owner_client, application, applicant):
    submitted = _submit(application, applicant)
    response = owner_client.get(_edit_url(submitted, "basic"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "clusters:application_detail", args=[submitted.pk]
    )
