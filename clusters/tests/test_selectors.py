"""Reads: the eligibility facts, section status, snapshots and their diff, and a fixed query count."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import KUNSHAN, make_credit_code
from clusters import selectors, services
from clusters.constants import ApplicationState, ListKind, PlatformLevel
from clusters.models import Attachment, Enterprise
from clusters.tests.factories import (
    ClusterFactory,
    add_enterprises,
    applicant_user,
    application_in_state,
    pdf_upload,
    published_call,
)

pytestmark = pytest.mark.django_db
S = ApplicationState


@pytest.fixture
def filled():
    return application_in_state(S.DRAFT)


@pytest.fixture
def owner(filled):
    return applicant_user(filled.applicant)


def facts_of(application):
    return selectors.build_facts(selectors.application_with_sections(application.pk))


def test_build_facts_maps_the_filled_application(filled):
    facts = facts_of(filled)

    assert facts.call_year == 2026
    assert facts.area_km2 == Decimal("50")
    assert sorted(facts.years) == [2022, 2023, 2024, 2025]
    assert facts.years[2025].total_output == Decimal("700000")
    assert facts.years[2025].invention_patents == 1600
    assert facts.years[2022].co2_intensity == Decimal("0.5")
    assert len(facts.enterprises) == 15
    assert all(e.titles == frozenset({"specialised"}) for e in facts.enterprises)
    assert (facts.provincial_platforms, facts.standards, facts.sharing_initiatives) == (5, 3, 1)
    assert (facts.pilot_projects, facts.international_activities) == (1, 1)
    assert (facts.cloud_share_pct, facts.platform_penetration_pct) == (Decimal("35"), Decimal("25"))
    assert facts.has_management_body and facts.has_service_system and facts.has_plan_document
    assert facts.plan_target_count == 1
    assert facts.declarations == {
        "prohibited_industry": True,
        "major_accident": True,
        "cyber_incident": True,
        "tax_dishonesty": True,
    }


def test_build_facts_counts_platform_levels_and_titles(filled, owner):
    services.list_item_add(
        application=filled, actor=owner, kind=ListKind.PLATFORM, name="国家级中心", level=PlatformLevel.NATIONAL
    )
    services.list_item_add(
        application=filled, actor=owner, kind=ListKind.PLATFORM, name="市级中心", level=PlatformLevel.CITY
    )
    services.list_item_add(
        application=filled, actor=owner, kind=ListKind.PLATFORM, name="其他平台", level=PlatformLevel.OTHER
    )
    services.enterprise_add(
        application=filled,
        actor=owner,
        name="冠军企业",
        credit_code=make_credit_code(77, KUNSHAN),
        champion_cert="GJ-1",
        hightech_cert="GX-1",
    )
    services.enterprise_add(
        application=filled,
        actor=owner,
        name="非主导产业小巨人",
        credit_code=make_credit_code(78, KUNSHAN),
        in_lead_industry=False,
        giant_cert="XJR-1",
    )

    facts = facts_of(filled)

    assert facts.provincial_platforms == 6  # 5 provincial + 1 national; "other" and blank do not count
    titles = {e.credit_code: e.titles for e in facts.enterprises}
    assert titles[make_credit_code(77, KUNSHAN)] == frozenset({"champion", "hightech"})
    lead = {e.credit_code: e.in_lead_industry for e in facts.enterprises}
    assert lead[make_credit_code(78, KUNSHAN)] is False
    results = {r.code: r for r in selectors.evaluate_application(selectors.application_with_sections(filled.pk))}
    assert results["3"].outcome == "pass"
    assert results["5a"].numbers


def test_plan_document_detection(filled, owner):
    plan = filled.attachments.get(purpose=Attachment.PURPOSE_PLAN)
    assert facts_of(filled).has_plan_document

    services.attachment_remove(application=filled, actor=owner, attachment_id=plan.pk)
    assert not facts_of(filled).has_plan_document  # a removed file no longer counts

    services.attachment_upload(
        application=filled, actor=owner, uploaded_file=pdf_upload("规划？.pdf"), purpose=Attachment.PURPOSE_OTHER
    )
    assert not facts_of(filled).has_plan_document  # "other material" is not the plan
    results = {r.code: r for r in selectors.evaluate_application(selectors.application_with_sections(filled.pk))}
    assert results["9"].outcome == "fail"

    services.attachment_upload(
        application=filled, actor=owner, uploaded_file=pdf_upload("规划.pdf"), purpose=Attachment.PURPOSE_PLAN
    )
    assert facts_of(filled).has_plan_document


def test_build_facts_without_prefetch_reads_active_attachments(filled):
    # Views may pass a plain instance: the facts must be the same as with the prefetched one.
    assert selectors.build_facts(filled) == facts_of(filled)


def test_section_status_of_an_empty_and_a_filled_draft(filled):
    cluster = ClusterFactory()
    empty = services.application_create(actor=applicant_user(cluster.owner), cluster=cluster, call=published_call())

    status = selectors.section_status(selectors.application_with_sections(empty.pk))
    assert status == {
        "basic": False,  # contact taken from the user, but no summary yet
        "data": False,
        "roster": False,
        "lists": False,
        "digital": False,
        "management": False,
        "declarations": False,
        "attachments": False,
        "review": False,
    }
    assert all(selectors.section_status(selectors.application_with_sections(filled.pk)).values())


def test_section_status_needs_every_required_attachment(filled, owner):
    required = filled.attachments.filter(requirement__required=True).first()
    services.attachment_remove(application=filled, actor=owner, attachment_id=required.pk)

    status = selectors.section_status(selectors.application_with_sections(filled.pk))

    assert status["attachments"] is False
    assert status["review"] is False
    assert status["management"] is True


def test_snapshot_is_json_safe_and_complete(filled):
    import json

    snap = selectors.snapshot(selectors.application_with_sections(filled.pk))

    assert json.loads(json.dumps(snap, ensure_ascii=False)) == snap
    assert snap["cluster"]["division_code"] == KUNSHAN
    assert snap["application"]["decl_major_accident"] == "是"
    assert snap["application"]["energy_intensive"] == "否"
    assert [y["year"] for y in snap["years"]] == [2022, 2023, 2024, 2025]
    assert snap["years"][-1]["total_output"] == "700000"
    assert len(snap["lists"]) == 11
    assert len(snap["attachments"]) == 3
    assert snap["plan_targets"][0]["target_3"] == "1000000"


def test_diff_snapshots_lists_added_removed_and_changed_rows(filled, owner):
    before = selectors.snapshot(selectors.application_with_sections(filled.pk))
    first = filled.enterprises.first()
    services.enterprise_remove(application=filled, actor=owner, enterprise_id=first.pk)
    add_enterprises(filled, owner, 1)
    services.list_item_add(application=filled, actor=owner, kind=ListKind.SHARING, name="共享检测中心")
    filled.refresh_from_db()
    rows = {y: {"employees": 120000} for y in [2025]}
    services.year_data_update(application=filled, actor=owner, version=filled.edit_version, rows=rows)

    after = selectors.snapshot(selectors.application_with_sections(filled.pk))
    changes = selectors.diff_snapshots(before, after)

    summary = {(c["section"], c["field"]) for c in changes}
    assert ("企业名册", "删除") in summary
    assert ("企业名册", "新增") in summary
    assert ("创新与合作", "新增") in summary
    assert {
        "section": "经济数据",
        "item": "2025年",
        "field": "从业人员（人）",
        "old": "100000",
        "new": "120000",
    } in changes
    assert selectors.diff_snapshots(after, after) == []
    assert selectors.diff_snapshots({}, after)  # a missing section is not an error


def test_roster_duplicates_elsewhere(filled, owner):
    code = filled.enterprises.first().credit_code
    other_cluster = ClusterFactory()
    other = services.application_create(
        actor=applicant_user(other_cluster.owner), cluster=other_cluster, call=filled.call
    )
    assert selectors.roster_duplicates_elsewhere(filled) == {}
    services.enterprise_add(application=other, actor=applicant_user(other.applicant), name="同一企业", credit_code=code)

    assert selectors.roster_duplicates_elsewhere(filled) == {code: [other.cluster.name]}


def _read_everything(application_id) -> int:
    with CaptureQueriesContext(connection) as ctx:
        full = selectors.application_with_sections(application_id)
        selectors.evaluate_application(full)
        selectors.section_status(full)
        selectors.snapshot(full)
        services.submission_blockers(full)
    return len(ctx.captured_queries)


def _with_roster(size: int):
    application = application_in_state(S.DRAFT, cluster=ClusterFactory(), call=published_call(2026))
    surplus = list(application.enterprises.values_list("pk", flat=True))[size:]
    Enterprise.objects.filter(pk__in=surplus).delete()
    extra = size - application.enterprises.count()
    Enterprise.objects.bulk_create(
        Enterprise(
            application=application,
            name=f"名册企业{i}",
            credit_code=make_credit_code(20_000_000 + size * 1000 + i, KUNSHAN),
            hightech_cert=f"GX-{i}",
        )
        for i in range(extra)
    )
    assert application.enterprises.count() == size
    return application


def test_query_count_does_not_grow_with_the_roster(django_assert_max_num_queries):
    small, large = _with_roster(10), _with_roster(200)

    small_count = _read_everything(small.pk)
    large_count = _read_everything(large.pk)

    assert small_count == large_count
    with django_assert_max_num_queries(small_count):
        _read_everything(large.pk)
    assert small_count <= 10
