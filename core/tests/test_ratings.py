"""好差评: an applicant rates a closed matter once; a bad rating waits for the rated authority's answer."""

import pytest
from django.urls import reverse

from accounts.tests.factories import OrganisationFactory, UserFactory
from core import ratings, todos
from core.models import Notification, ServiceRating
from core.transitions import log_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_matter():
    """A log row that closes a matter for its owner: stands in for an application returned by the county."""
    ratings.register("accounts.organisation", {"closed": "办结"}, lambda user, obj: user.organisation_id == obj.pk)
    applicant_org = OrganisationFactory()
    owner = UserFactory(organisation=applicant_org)
    county = UserFactory(county=True)
    colleague = UserFactory(county=True, organisation=county.organisation)
    row = log_transition(obj=applicant_org, transition="close", from_state="review", to_state="closed", actor=county)
    yield row, owner, county, colleague
    ratings._RATABLE.pop("accounts.organisation", None)


def test_the_owner_rates_once_and_others_get_404(client, closed_matter):
    row, owner, county, _colleague = closed_matter
    url = reverse("core:rating_rate", args=[row.pk])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(owner)
    assert client.get(url).status_code == 200
    assert client.post(url, {"score": "5", "next": "/"}).status_code == 302
    assert ServiceRating.objects.get(log=row).score == 5
    assert client.get(url).status_code == 404  # rated already


def test_a_bad_rating_needs_a_reason_and_waits_for_the_authoritys_answer(client, closed_matter):
    row, owner, county, colleague = closed_matter
    client.force_login(owner)
    url = reverse("core:rating_rate", args=[row.pk])
    refused = client.post(url, {"score": "1"})
    assert refused.status_code == 400 and "原因" in refused.content.decode()
    client.post(url, {"score": "1", "comment": "退回理由不清楚"})
    # The authority that took the step is told and sees a to-do.
    assert Notification.objects.filter(recipient=colleague, title__startswith="收到差评").exists()
    assert any(t.label == "待答复的差评" for t in todos.todos_for(colleague))
    client.force_login(colleague)
    rating = ServiceRating.objects.get(log=row)
    client.post(reverse("core:rating_answers"), {"rating": rating.pk, "answer": "已电话说明，并补充书面理由。"})
    rating.refresh_from_db()
    assert rating.answered_by == colleague and rating.answer
    assert Notification.objects.filter(recipient=owner, title__startswith="您的评价已获答复").exists()
    assert not any(t.label == "待答复的差评" for t in todos.todos_for(colleague))


def test_province_sees_ratings_per_step_and_authority(client, closed_matter):
    row, owner, county, _colleague = closed_matter
    ratings.rating_create(row=row, actor=owner, score=2, comment="慢")
    client.force_login(UserFactory(province=True))
    body = client.get(reverse("core:rating_summary")).content.decode()
    assert county.organisation.name in body and "close" in body
    client.force_login(owner)
    assert client.get(reverse("core:rating_summary")).status_code == 404


def test_a_returned_and_a_certified_application_offer_rating_on_their_page(client):
    """The clusters app registers its closed steps: the owner sees a rate link on the application's page; the
    county that took the step and other applicants do not; a rating moves it off the list."""
    from accounts.constants import Role
    from clusters.constants import ApplicationState as S
    from clusters.tests.factories import applicant_user, application_in_state, authority_user
    from reviews import services as review_services

    app = application_in_state(S.COUNTY_REVIEW)
    county = authority_user(Role.COUNTY, app.cluster.division)
    review_services.review_decide(
        application=app, actor=county, tier="county", decision="return", comment="请补充数据。"
    )
    owner = applicant_user(app.applicant)
    client.force_login(owner)
    page = client.get(reverse("clusters:application_detail", args=[app.pk])).content.decode()
    assert "评价“退回修改”" in page
    row = next(r for r in ratings.ratable_rows_for(app, owner))
    assert reverse("core:rating_rate", args=[row.pk]) in page
    client.post(reverse("core:rating_rate", args=[row.pk]), {"score": "4"})
    assert ServiceRating.objects.get(log=row).rated_user == county
    assert "评价“退回修改”" not in client.get(reverse("clusters:application_detail", args=[app.pk])).content.decode()
    client.force_login(county)
    assert "评价“" not in client.get(reverse("clusters:application_detail", args=[app.pk])).content.decode()
