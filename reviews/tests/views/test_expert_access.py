"""What an expert may open under an application: nothing before declaring no conflict of interest (the object
permission is granted by the declaration, not by the assignment), what experts may look at after it, nothing once
unassigned or never assigned. Phones are masked in the application PDF every reviewer and expert reads."""

import pytest
from django.urls import reverse

from clusters import services as cluster_services
from clusters.constants import ApplicationState as S
from clusters.tests.factories import application_in_state
from reviews import services
from reviews.services import VIEW_PERM
from reviews.tests.factories import assign_expert
from reviews.tests.views.helpers import pdf_text, text_of

pytestmark = pytest.mark.django_db

# Where an expert who declared no conflict may look (200), and where not even then (404: the authorities'
# review page is their workspace, not the expert's).
EXPERT_MAY_LOOK = {
    "application_detail",
    "version_pdf",
    "attachment_download",
    "version_diff",
    "eligibility_panel",
    "roster_template",
    "scoresheet_pdf",
}


def application_urls(app, sheet) -> dict[str, str]:
    """Every URL under an application that shows its data or documents."""
    attachment = app.attachments.filter(removed_at__isnull=True).first()
    return {
        "application_detail": reverse("clusters:application_detail", args=[app.pk]),
        "version_pdf": reverse("clusters:version_pdf", args=[app.pk, 1]),
        "attachment_download": reverse("clusters:attachment_download", args=[app.pk, attachment.pk]),
        "version_diff": reverse("clusters:version_diff", args=[app.pk, 1]),
        "eligibility_panel": reverse("clusters:eligibility_panel", args=[app.pk]),
        "roster_template": reverse("clusters:roster_template", args=[app.pk]),
        "scoresheet_pdf": reverse("reviews:scoresheet_pdf", args=[sheet.pk]),
        "review": reverse("reviews:review", args=[app.pk]),
    }


@pytest.fixture
def world(province):
    app = application_in_state(S.EXPERT_REVIEW)
    cluster_services.version_render_pdf(version=app.versions.get(number=1))
    assignment = assign_expert(app, province)
    return app, assignment


def test_the_permission_is_granted_by_the_declaration_and_removed_when_the_assignment_ends(world, province):
    app, assignment = world
    user = assignment.expert.user
    assert not user.has_perm(VIEW_PERM, app)  # assigned, not declared
    services.declare_no_conflict(assignment=assignment, actor=user)
    user = type(user).objects.get(pk=user.pk)  # drop guardian's permission cache
    assert user.has_perm(VIEW_PERM, app)
    services.expert_unassign(assignment=assignment, actor=province, reason="调整")
    user = type(user).objects.get(pk=user.pk)
    assert not user.has_perm(VIEW_PERM, app)


def test_every_url_under_an_application_for_undeclared_declared_and_unassigned_experts(client, world, province):
    app, assignment = world
    urls = application_urls(app, assignment.sheet)
    user = assignment.expert.user
    client.force_login(user)
    for name, url in urls.items():
        assert client.get(url).status_code == 404, f"undeclared expert reached {name}"
    # The declaration page itself answers, but shows none of the application's documents.
    page = text_of(client.get(reverse("reviews:scoring", args=[assignment.pk])))
    assert "申报材料" not in page or "下载申报书" not in page
    for attachment in app.attachments.all():
        assert attachment.original_name not in page

    services.declare_no_conflict(assignment=assignment, actor=user)
    for name, url in urls.items():
        expected = 200 if name in EXPERT_MAY_LOOK else 404
        assert client.get(url).status_code == expected, f"declared expert on {name}"

    # Another expert never assigned to this application: 404 everywhere, scoring page included.
    other = assign_expert(application_in_state(S.EXPERT_REVIEW, call=app.call), province)
    client.force_login(other.expert.user)
    services.declare_no_conflict(assignment=other, actor=other.expert.user)
    for name, url in {**urls, "scoring": reverse("reviews:scoring", args=[assignment.pk])}.items():
        assert client.get(url).status_code == 404, f"unassigned expert reached {name}"

    # And the first expert once unassigned.
    services.expert_unassign(assignment=assignment, actor=province, reason="调整")
    client.force_login(user)
    for name, url in urls.items():
        assert client.get(url).status_code == 404, f"unassigned expert reached {name}"


def test_the_application_pdf_masks_the_contacts_phone(client, world):
    app, assignment = world
    user = assignment.expert.user
    services.declare_no_conflict(assignment=assignment, actor=user)
    client.force_login(user)
    response = client.get(reverse("clusters:version_pdf", args=[app.pk, 1]))
    text = pdf_text(b"".join(response.streaming_content))
    assert "138****5678" in text
    assert "13812345678" not in text
    # The applicant still sees the number on their own pages.
    client.force_login(app.created_by)
    assert "13812345678" in text_of(client.get(reverse("clusters:application_detail", args=[app.pk])))
