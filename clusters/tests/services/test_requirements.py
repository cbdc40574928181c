"""The county's recommendation opinion is what the county review produces in the portal (a frozen opinion shown to
the city and the province), not a file the applicant must upload before the county has reviewed: it is not among
the default required attachments of a new call, and a data migration makes it optional on calls still open."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from clusters import selectors, services
from clusters.models import AttachmentRequirement
from clusters.tests.factories import published_call

pytestmark = pytest.mark.django_db
COUNTY_OPINION = "县级主管部门推荐意见"
migration = importlib.import_module("clusters.migrations.0009_county_opinion_not_an_upload")


def test_a_new_call_does_not_ask_the_applicant_for_the_county_opinion():
    call = published_call(2031)
    assert not call.requirements.filter(name=COUNTY_OPINION, required=True).exists()


def test_a_draft_without_it_has_no_blocker_for_it(filled, owner):
    for attachment in filled.attachments.filter(requirement__name=COUNTY_OPINION):
        services.attachment_remove(application=filled, actor=owner, attachment_id=attachment.pk)
    blockers = services.submission_blockers(selectors.application_with_sections(filled.pk))
    assert not [b for b in blockers if COUNTY_OPINION in b]


def test_the_migration_makes_it_optional_on_calls_still_open_only():
    now = timezone.now()
    open_call = published_call(2032)
    closed_call = published_call(
        2033,
        opens_at=now - timedelta(days=90),
        closes_at=now + timedelta(days=1),
        city_deadline=now + timedelta(days=2),
    )
    for call in (open_call, closed_call):
        AttachmentRequirement.objects.create(call=call, name=COUNTY_OPINION, required=True, order=1)
    # The closed call's city deadline has passed: nothing can be submitted to it any more, its record stays.
    type(closed_call).objects.filter(pk=closed_call.pk).update(
        closes_at=now - timedelta(days=10), city_deadline=now - timedelta(days=1)
    )
    migration.forward(apps, None)
    assert not AttachmentRequirement.objects.get(call=open_call, name=COUNTY_OPINION).required
    assert AttachmentRequirement.objects.get(call=closed_call, name=COUNTY_OPINION).required
