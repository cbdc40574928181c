"""Conflict declarations are not blind: the declaration page names the applicant body, the cluster and every roster
enterprise with its credit code, while the application's data and documents stay hidden. An expert who finds a
conflict later declares it from the scoring page: the assignment ends through the transition service, the
permission goes, the province is told, and a score already submitted leaves the ranking."""

import pytest
from django.urls import reverse

from clusters.constants import ApplicationState as S
from clusters.tests.factories import application_in_state
from core.models import Notification, TransitionLog
from reviews import selectors, services
from reviews.services import VIEW_PERM
from reviews.tests.factories import assign_expert, score_application
from reviews.tests.views.helpers import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(province):
    app = application_in_state(S.EXPERT_REVIEW)
    return app, assign_expert(app, province)


def test_the_declaration_page_names_the_body_the_cluster_and_every_roster_enterprise(client, assigned):
    app, assignment = assigned
    client.force_login(assignment.expert.user)
    html = text_of(client.get(reverse("reviews:scoring", args=[assignment.pk])))
    assert app.applicant.name in html and app.applicant.credit_code in html
    assert app.cluster.name in html
    enterprises = list(app.enterprises.all())
    assert len(enterprises) == 15
    for e in enterprises:
        assert e.name in html and e.credit_code in html
    # The roster scrolls in its own box: a keyboard can reach and scroll it.
    assert 'tabindex="0" role="region" aria-labelledby="roster-h"' in html
    # The application's data and documents stay hidden until the declaration.
    assert app.contact_phone not in html
    for attachment in app.attachments.all():
        assert attachment.original_name not in html
    assert reverse("clusters:version_pdf", args=[app.pk, 1]) not in html
    assert "700,000" not in html and "700000" not in html  # the latest year's total output


def test_a_conflict_found_later_is_declared_from_the_scoring_page(client, province, assigned):
    app, assignment = assigned
    user = assignment.expert.user
    services.declare_no_conflict(assignment=assignment, actor=user)
    client.force_login(user)
    url = reverse("reviews:scoring", args=[assignment.pk])
    page = text_of(client.get(url))
    assert "发现利益冲突" in page and 'value="conflict"' in page
    response = client.post(url, {"action": "conflict", "reason": "本人近三年为名册中一家企业提供咨询"})
    assert response.status_code == 302 and response.url == reverse("reviews:expert_tasks")
    assignment.refresh_from_db()
    assert assignment.status == "revoked"
    rows = TransitionLog.objects.filter(object_id=str(assignment.pk), transition="revoke")
    assert rows.count() == 1 and rows.get().digest  # through the transition service, frozen
    assert not type(user).objects.get(pk=user.pk).has_perm(VIEW_PERM, app)
    assert client.get(reverse("clusters:application_detail", args=[app.pk])).status_code == 404
    note = Notification.objects.get(recipient=province, title__startswith="专家声明利益冲突")
    assert app.cluster.name in note.body and "咨询" in note.body


def test_declaring_on_the_declaration_page_tells_the_province_too(client, province, assigned):
    app, assignment = assigned
    client.force_login(assignment.expert.user)
    client.post(
        reverse("reviews:scoring", args=[assignment.pk]), {"action": "conflict", "reason": "亲属在申报主体任职"}
    )
    assert Notification.objects.filter(recipient=province, title__startswith="专家声明利益冲突").exists()


def test_a_submitted_score_leaves_the_ranking_when_its_expert_declares_a_conflict(province):
    app = application_in_state(S.EXPERT_REVIEW)
    keep, conflicted = score_application(app, province, [80, 40])
    services.declare_conflict(assignment=conflicted.assignment, actor=conflicted.assignment.expert.user, reason="冲突")
    row = next(r for r in selectors.call_score_table(app.call) if r["application"].pk == app.pk)
    assert [s["sheet"].pk for s in row["scores"]] == [keep.pk]
    assert row["mean"] == 80
