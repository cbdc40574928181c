"""Submitting (a frozen version, its PDF, the notifications), returning, resubmitting and withdrawing."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.constants import Role
from accounts.tests.factories import JIANGYIN, UserFactory, division
from clusters import selectors, services
from clusters.constants import ApplicationState, ListKind
from clusters.models import ApplicationVersion, Attachment, Enterprise, ListItem
from clusters.tests.factories import (
    add_enterprises,
    applicant_user,
    application_in_state,
    authority_user,
    fill_passing,
    pdf_upload,
    province_user,
    published_call,
)
from clusters.tests.helpers import reload, transitions
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.models import Notification
from core.transitions import history_for

pytestmark = pytest.mark.django_db
S = ApplicationState


def test_submit_refused_before_the_call_opens_but_draft_can_be_saved(cluster, owner):
    now = timezone.now()
    call = published_call(
        2027,
        opens_at=now + timedelta(days=10),
        closes_at=now + timedelta(days=40),
        city_deadline=now + timedelta(days=50),
    )
    application = services.application_create(actor=owner, cluster=cluster, call=call)
    application = fill_passing(application, owner)

    with pytest.raises(ServiceError, match="申报尚未开始"):
        services.application_submit(application=application, actor=owner)
    assert reload(application).state == S.DRAFT

    with time_machine.travel(call.opens_at + timedelta(hours=1), tick=False):
        services.application_submit(application=application, actor=owner)
    assert reload(application).state == S.COUNTY_REVIEW


def test_submit_refused_after_the_call_closes(filled, owner, call):
    with time_machine.travel(call.closes_at + timedelta(minutes=1), tick=False):
        with pytest.raises(ServiceError, match="截止"):
            services.application_submit(application=filled, actor=owner)

    assert reload(filled).state == S.DRAFT
    assert not ApplicationVersion.objects.exists()


def test_submit_refused_with_missing_declarations_and_attachments(filled, owner, call):
    services.application_update(
        application=filled, actor=owner, version=reload(filled).edit_version, data={"decl_major_accident": None}
    )
    requirement = call.requirements.filter(required=True).first()
    attachment = filled.attachments.get(requirement=requirement)
    services.attachment_remove(application=filled, actor=owner, attachment_id=attachment.pk)

    with pytest.raises(ServiceError) as exc:
        services.application_submit(application=filled, actor=owner)

    blockers = exc.value.errors["__all__"]
    assert any("承诺声明" in b and "安全、质量和环境污染" in b for b in blockers)
    assert f"缺少申报材料：{requirement.name}。" in blockers
    fresh = reload(filled)
    assert (fresh.state, fresh.submission_count) == (S.DRAFT, 0)
    assert not ApplicationVersion.objects.exists()
    assert transitions(fresh)[-1][0] == "create"


def test_submit_with_a_failed_hard_rule_needs_an_explanation(filled, owner):
    platform = filled.list_items.filter(kind=ListKind.PLATFORM).first()
    services.list_item_remove(application=filled, actor=owner, item_id=platform.pk)  # 4 platforms: rule 5a fails

    with pytest.raises(ServiceError, match="5a") as exc:
        services.application_submit(application=filled, actor=owner, explanations={"5a": "   "})
    assert set(exc.value.errors) == {"explain_5a"}
    assert reload(filled).state == S.DRAFT

    services.application_submit(
        application=filled, actor=owner, explanations={"5a": "第五个平台正在认定中。", "2a": "与本项无关"}
    )

    fresh = reload(filled)
    assert fresh.state == S.COUNTY_REVIEW
    assert fresh.failed_rule_explanations == {"5a": "第五个平台正在认定中。"}
    version = fresh.versions.get()
    assert version.explanations == {"5a": "第五个平台正在认定中。"}
    outcomes = {r["code"]: r["outcome"] for r in version.eligibility}
    assert outcomes["5a"] == "fail"


def test_submit_freezes_a_version_logs_notifies_and_renders_the_pdf(
    filled, owner, cluster, django_capture_on_commit_callbacks
):
    county_users = [authority_user(Role.COUNTY, cluster.division), UserFactory(county=True)]
    other_county = UserFactory(county=True, organisation__division=division(JIANGYIN))
    city = authority_user(Role.CITY, cluster.division)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=filled, actor=owner, comment="请审核")

    fresh = reload(filled)
    assert fresh.state == S.COUNTY_REVIEW
    assert fresh.submission_count == 1
    assert fresh.submitted_at is not None

    version = ApplicationVersion.objects.get(application=fresh)
    assert version.number == 1
    assert version.created_by == owner
    assert version.snapshot["cluster"]["name"] == cluster.name
    assert version.snapshot["cluster"]["division"] == "苏州市昆山市"
    assert len(version.snapshot["enterprises"]) == 15
    assert len(version.snapshot["attachments"]) == 3
    assert version.snapshot["application"]["cloud_share_pct"] == "35"
    assert {r["code"] for r in version.eligibility} >= {"1", "2a", "3", "5a", "9", "art7"}
    assert all(r["outcome"] == "pass" for r in version.eligibility)

    row = history_for(fresh).last()
    assert (row.transition, row.from_state, row.to_state) == ("submit", "draft", "county_review")
    assert row.actor == owner
    assert row.comment == "请审核"

    notified = set(Notification.objects.filter(title__startswith="待审核").values_list("recipient_id", flat=True))
    assert notified == {u.pk for u in county_users}
    assert not Notification.objects.filter(recipient__in=[other_county, city, owner]).exists()

    version.refresh_from_db()
    assert version.pdf, "the PDF task did not run (is clusters/pdf/application.html there?)"
    assert version.pdf.name.startswith("pdf/")
    with version.pdf.open("rb") as pdf:
        assert pdf.read().startswith(b"%PDF-")


def test_submit_refused_to_others_and_twice(filled, owner):
    with pytest.raises(NotAllowed):
        services.application_submit(application=filled, actor=UserFactory())
    services.application_submit(application=filled, actor=owner)

    with pytest.raises(Conflict):
        services.application_submit(application=filled, actor=owner)

    assert reload(filled).versions.count() == 1
    assert [t for t, _f, _to in transitions(filled)].count("submit") == 1


def test_return_and_resubmit_creates_version_2_with_a_diff(filled, owner, county, django_capture_on_commit_callbacks):
    services.application_submit(application=filled, actor=owner)

    with pytest.raises(ServiceError, match="退回原因"):
        services.application_transition(
            application=filled, actor=county, verb="return", method="return_to_applicant", reason=" "
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(
            application=filled,
            actor=county,
            verb="return",
            method="return_to_applicant",
            reason="请补充集群概况。",
            comment="退回修改",
            expected_state=S.COUNTY_REVIEW,
        )

    returned = reload(filled)
    assert returned.state == S.DRAFT
    assert (returned.return_reason, returned.returned_from) == ("请补充集群概况。", S.COUNTY_REVIEW)
    assert transitions(returned)[-1] == ("return_to_applicant", "county_review", "draft")
    note = Notification.objects.get(recipient=owner)
    assert "请补充集群概况" in note.body

    services.application_update(
        application=returned, actor=owner, version=returned.edit_version, data={"summary": "补充后的集群概况"}
    )
    services.application_submit(application=returned, actor=owner)

    fresh = reload(filled)
    assert fresh.state == S.COUNTY_REVIEW
    assert fresh.submission_count == 2
    assert fresh.return_reason == ""
    v1, v2 = fresh.versions.order_by("number")
    assert (v1.number, v2.number) == (1, 2)
    changes = selectors.diff_snapshots(v1.snapshot, v2.snapshot)
    assert changes == [
        {
            "section": "申报内容",
            "item": "",
            "field": "集群概况",
            "old": "集群以高端装备为主导产业，配套完善。",
            "new": "补充后的集群概况",
        }
    ]


@pytest.mark.parametrize("state", [S.DRAFT, S.COUNTY_REVIEW, S.CITY_REVIEW])
def test_withdraw_allowed_until_formal_review(state):
    application = application_in_state(state)
    owner = applicant_user(application.applicant)

    services.application_withdraw(application=application, actor=owner, comment="不再申报")

    fresh = reload(application)
    assert fresh.state == S.WITHDRAWN
    assert transitions(fresh)[-1] == ("withdraw", state, "withdrawn")
    assert history_for(fresh).last().comment == "不再申报"


def test_withdraw_refused_in_formal_review_and_to_others():
    application = application_in_state(S.FORMAL_REVIEW)
    owner = applicant_user(application.applicant)
    before = history_for(application).count()

    with pytest.raises(NotAllowed):
        services.application_withdraw(application=application, actor=owner)
    with pytest.raises(NotAllowed):
        services.application_withdraw(application=application, actor=province_user())

    assert reload(application).state == S.FORMAL_REVIEW
    assert history_for(application).count() == before


def test_edits_refused_once_submitted(filled, owner, call):
    services.application_submit(application=filled, actor=owner)
    fresh = reload(filled)
    counts = (Enterprise.objects.count(), Attachment.objects.count(), ListItem.objects.count())

    with pytest.raises(Conflict):
        services.application_update(application=fresh, actor=owner, version=fresh.edit_version, data={"summary": "改"})
    with pytest.raises(Conflict):
        services.year_data_update(application=fresh, actor=owner, version=fresh.edit_version, rows={})
    with pytest.raises(Conflict):
        add_enterprises(fresh, owner, 1)
    with pytest.raises(Conflict):
        services.enterprise_remove(application=fresh, actor=owner, enterprise_id=fresh.enterprises.first().pk)
    with pytest.raises(Conflict):
        services.list_item_add(application=fresh, actor=owner, kind=ListKind.SHARING, name="x")
    with pytest.raises(Conflict):
        services.attachment_upload(
            application=fresh, actor=owner, uploaded_file=pdf_upload(), requirement=call.requirements.first()
        )
    with pytest.raises(Conflict):
        services.attachment_remove(application=fresh, actor=owner, attachment_id=fresh.attachments.first().pk)
    with pytest.raises(NotAllowed):
        services.application_update(
            application=fresh,
            actor=authority_user(Role.COUNTY, fresh.cluster.division),
            version=fresh.edit_version,
            data={},
        )

    after = reload(filled)
    assert after.summary == fresh.summary
    assert after.edit_version == fresh.edit_version
    assert (Enterprise.objects.count(), Attachment.objects.count(), ListItem.objects.count()) == counts
    assert not Attachment.objects.filter(removed_at__isnull=False).exists()
