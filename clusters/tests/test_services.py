"""The clusters services against a real database: what they refuse, what they write, what they log."""

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from openpyxl import Workbook

from accounts.constants import Role
from accounts.tests.factories import JIANGYIN, KUNSHAN, SUZHOU, UserFactory, division, make_credit_code
from clusters import selectors, services
from clusters.constants import ApplicationState, CallStatus, ListKind
from clusters.models import (
    Application,
    ApplicationVersion,
    Attachment,
    AttachmentRequirement,
    Call,
    Cluster,
    Enterprise,
    ListItem,
    RubricCriterion,
    YearData,
)
from clusters.roster_io import ROSTER_COLUMNS
from clusters.tests.factories import (
    CallFactory,
    ClusterFactory,
    add_enterprises,
    advance,
    applicant_user,
    application_in_state,
    authority_user,
    fill_passing,
    pdf_upload,
    province_user,
    published_call,
)
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.models import AppendOnlyError, Notification, TransitionLog
from core.transitions import history_for, verify_chain

pytestmark = pytest.mark.django_db
S = ApplicationState


@pytest.fixture
def province():
    return province_user()


@pytest.fixture
def call():
    return published_call()


@pytest.fixture
def cluster():
    return ClusterFactory()


@pytest.fixture
def owner(cluster):
    return applicant_user(cluster.owner)


@pytest.fixture
def county(cluster):
    return authority_user(Role.COUNTY, cluster.division)


@pytest.fixture
def draft(cluster, call, owner):
    return services.application_create(actor=owner, cluster=cluster, call=call)


@pytest.fixture
def filled(draft, owner):
    return fill_passing(draft, owner)


def reload(application) -> Application:
    return Application.objects.get(pk=application.pk)


def transitions(obj) -> list[tuple[str, str, str]]:
    return [(r.transition, r.from_state, r.to_state) for r in history_for(obj)]


def stored_files(kind="attachments") -> list[Path]:
    from django.conf import settings

    folder = Path(settings.PRIVATE_STORAGE_ROOT) / kind
    return sorted(folder.iterdir()) if folder.exists() else []


def call_dates(**shift):
    now = timezone.now()
    return {
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=30),
        "city_deadline": now + timedelta(days=45),
        **shift,
    }


# ---------------------------------------------------------------- calls


def test_call_create_has_default_rubric_and_requirements(province):
    call = services.call_create(actor=province, year=2027, title="2027年度申报", **call_dates())

    assert call.status == CallStatus.DRAFT
    assert call.published_at is None
    weights = list(call.rubric.values_list("weight", flat=True))
    assert len(weights) == 8
    assert sum(weights) == 100
    requirements = list(call.requirements.all())
    assert len(requirements) == 4
    assert sum(r.required for r in requirements) == 3
    assert call.thresholds["min_total_output"] == "400000"
    assert call.data_years == [2023, 2024, 2025, 2026]
    assert not history_for(call).exists()


def test_call_create_accepts_experts_per_application_from_the_form(province):
    call = services.call_create(
        actor=province, year=2027, title="2027年度申报", experts_per_application=7, **call_dates()
    )

    assert Call.objects.get(pk=call.pk).experts_per_application == 7


def test_call_create_refused_to_non_province_and_bad_dates(province, owner):
    with pytest.raises(NotAllowed):
        services.call_create(actor=owner, year=2027, title="x", **call_dates())
    with pytest.raises(ServiceError, match="截止时间必须晚于开始时间"):
        services.call_create(
            actor=province, year=2027, title="x", **call_dates(closes_at=timezone.now() - timedelta(days=2))
        )

    assert not Call.objects.filter(year=2027).exists()


def test_call_publish_refuses_rubric_weights_not_summing_to_100(province):
    call = services.call_create(actor=province, year=2027, title="2027年度申报", **call_dates())
    first = call.rubric.first()
    RubricCriterion.objects.filter(pk=first.pk).update(weight=first.weight + 5)

    with pytest.raises(ServiceError, match="权重合计为 105.00%，应为 100%"):
        services.call_publish(call=call, actor=province)

    call = Call.objects.get(pk=call.pk)
    assert call.status == CallStatus.DRAFT
    assert call.published_at is None
    assert not history_for(call).exists()


def test_call_publish_refuses_an_empty_rubric_and_bad_thresholds(province):
    call = services.call_create(actor=province, year=2027, title="2027年度申报", **call_dates())
    Call.objects.filter(pk=call.pk).update(thresholds={"min_platforms": "五个"})
    with pytest.raises(ServiceError, match="门槛"):
        services.call_publish(call=call, actor=province)

    call.rubric.all().delete()
    with pytest.raises(ServiceError, match="评分细则不能为空"):
        services.call_publish(call=call, actor=province)

    assert Call.objects.get(pk=call.pk).status == CallStatus.DRAFT


def test_call_publish_publishes_and_logs(province):
    call = services.call_create(actor=province, year=2027, title="2027年度申报", **call_dates())

    published = services.call_publish(call=call, actor=province, comment="印发通知")

    call = Call.objects.get(pk=call.pk)
    assert call.status == CallStatus.PUBLISHED
    assert call.published_at is not None
    (row,) = history_for(call)
    assert (row.transition, row.from_state, row.to_state) == ("publish", "draft", "published")
    assert row.actor == province
    assert row.comment == "印发通知"
    assert published.status == CallStatus.PUBLISHED

    with pytest.raises(Conflict):
        services.call_publish(call=call, actor=province)
    assert history_for(call).count() == 1


def test_call_publish_refused_to_non_province(province, owner):
    call = services.call_create(actor=province, year=2027, title="2027年度申报", **call_dates())

    with pytest.raises(NotAllowed):
        services.call_publish(call=call, actor=owner)

    assert Call.objects.get(pk=call.pk).status == CallStatus.DRAFT


# ---------------------------------------------------------------- clusters


def cluster_fields(**overrides):
    return {
        "name": "昆山市精密机械特色产业集群",
        "division": division(KUNSHAN),
        "lead_industry": "精密机械",
        "segment": "精密零部件",
        "area_km2": Decimal("40"),
        "management_body": "昆山市集群促进中心",
        **overrides,
    }


def test_cluster_register_by_applicant_in_own_county():
    actor = UserFactory()

    cluster = services.cluster_register(actor=actor, **cluster_fields())

    assert cluster.owner == actor.organisation
    assert Cluster.objects.get(pk=cluster.pk).division_id == KUNSHAN


def test_cluster_register_refuses_non_applicant():
    county = UserFactory(county=True)

    with pytest.raises(NotAllowed):
        services.cluster_register(actor=county, **cluster_fields())

    assert not Cluster.objects.exists()


def test_cluster_register_refuses_city_level_division():
    actor = UserFactory()

    with pytest.raises(ServiceError, match="县（市、区）"):
        services.cluster_register(actor=actor, **cluster_fields(division=division(SUZHOU)))

    assert not Cluster.objects.exists()


def test_cluster_register_refuses_another_county():
    actor = UserFactory()  # an applicant of 昆山市

    with pytest.raises(ServiceError, match="本单位所在"):
        services.cluster_register(actor=actor, **cluster_fields(division=division(JIANGYIN)))

    assert not Cluster.objects.exists()


def test_cluster_register_refuses_invalid_values():
    actor = UserFactory()

    with pytest.raises(ServiceError, match="面积"):
        services.cluster_register(actor=actor, **cluster_fields(area_km2=Decimal("0")))

    assert not Cluster.objects.exists()


def test_cluster_update_refused_while_under_review(cluster, owner):
    application_in_state(S.COUNTY_REVIEW, cluster=cluster)

    with pytest.raises(ServiceError, match="正在评审"):
        services.cluster_update(cluster=cluster, actor=owner, name="改名集群")

    assert Cluster.objects.get(pk=cluster.pk).name == cluster.name


def test_cluster_update_leaves_caller_instance_alone_when_refused(cluster, owner):
    original = cluster.name
    with pytest.raises(ServiceError):
        services.cluster_update(cluster=cluster, actor=owner, name="新名称", area_km2=Decimal("-1"))

    assert cluster.name == original
    assert Cluster.objects.get(pk=cluster.pk).name == original
    updated = services.cluster_update(cluster=cluster, actor=owner, name="新名称")
    assert Cluster.objects.get(pk=cluster.pk).name == updated.name == "新名称"


# ---------------------------------------------------------------- creating and editing a draft


def test_application_create_makes_a_logged_draft_with_year_rows(cluster, call, owner):
    application = services.application_create(actor=owner, cluster=cluster, call=call)

    assert application.state == S.DRAFT
    assert application.applicant == cluster.owner
    assert sorted(YearData.objects.filter(application=application).values_list("year", flat=True)) == call.data_years
    assert transitions(application) == [("create", "", "draft")]


def test_application_create_refuses_a_second_application(cluster, call, owner, draft):
    with pytest.raises(ServiceError, match="不能重复申报"):
        services.application_create(actor=owner, cluster=cluster, call=call)

    assert Application.objects.filter(cluster=cluster, call=call).count() == 1


def test_application_create_allowed_again_after_withdrawal(cluster, call, owner, draft):
    services.application_withdraw(application=draft, actor=owner, comment="重新填报")

    again = services.application_create(actor=owner, cluster=cluster, call=call)

    assert again.pk != draft.pk
    assert Application.objects.filter(cluster=cluster, call=call).count() == 2


def test_application_create_refuses_an_unpublished_call(cluster, owner):
    call = CallFactory(draft=True)

    with pytest.raises(ServiceError, match="尚未发布"):
        services.application_create(actor=owner, cluster=cluster, call=call)

    assert not Application.objects.exists()


def test_application_create_refuses_other_applicants(cluster, call):
    with pytest.raises(NotAllowed):
        services.application_create(actor=UserFactory(), cluster=cluster, call=call)

    assert not Application.objects.exists()


def test_application_update_saves_and_bumps_the_version(draft, owner):
    saved = services.application_update(
        application=draft, actor=owner, version=draft.edit_version, data={"summary": "集群概况"}
    )

    fresh = reload(draft)
    assert fresh.summary == "集群概况"
    assert fresh.edit_version == draft.edit_version + 1 == saved.edit_version


@pytest.mark.parametrize("version", [0, None, "abc"])
def test_application_update_with_a_stale_version_is_a_conflict(draft, owner, version):
    services.application_update(application=draft, actor=owner, version=draft.edit_version, data={"summary": "第一次"})

    with pytest.raises(Conflict):
        services.application_update(application=draft, actor=owner, version=version, data={"summary": "过期的窗口"})

    fresh = reload(draft)
    assert fresh.summary == "第一次"
    assert fresh.edit_version == draft.edit_version + 1


def test_application_update_refuses_fields_outside_the_form(draft, owner):
    with pytest.raises(ServiceError, match="submission_count"):
        services.application_update(
            application=draft, actor=owner, version=draft.edit_version, data={"submission_count": 3, "summary": "x"}
        )

    fresh = reload(draft)
    assert (fresh.submission_count, fresh.summary, fresh.edit_version) == (0, "", draft.edit_version)


def test_application_update_validates(draft, owner):
    with pytest.raises(ServiceError, match="比例不能超过100%"):
        services.application_update(
            application=draft, actor=owner, version=draft.edit_version, data={"cloud_share_pct": Decimal("120")}
        )

    assert reload(draft).cloud_share_pct is None


def test_application_update_refused_to_others(draft):
    with pytest.raises(NotAllowed):
        services.application_update(
            application=draft, actor=UserFactory(), version=draft.edit_version, data={"summary": "x"}
        )
    assert reload(draft).summary == ""


def year_values(draft):
    return list(
        YearData.objects.filter(application=draft).order_by("year").values_list("year", "total_output", "sme_output")
    )


def test_year_data_update_saves_all_rows(draft, owner, call):
    rows = {y: {"total_output": Decimal("500000"), "sme_output": Decimal("400000")} for y in call.data_years}

    services.year_data_update(application=draft, actor=owner, version=draft.edit_version, rows=rows)

    assert year_values(draft) == [(y, Decimal("500000"), Decimal("400000")) for y in call.data_years]
    assert reload(draft).edit_version == draft.edit_version + 1


def test_year_data_update_rejects_negative_values_and_saves_nothing(draft, owner, call):
    y1, y2 = call.data_years[:2]
    rows = {y1: {"total_output": Decimal("500000")}, y2: {"total_output": Decimal("-1")}}

    with pytest.raises(ServiceError) as exc:
        services.year_data_update(application=draft, actor=owner, version=draft.edit_version, rows=rows)

    assert exc.value.errors[f"y{y2}_total_output"] == ["不能为负数。"]
    assert all(total is None for _y, total, _sme in year_values(draft))
    assert reload(draft).edit_version == draft.edit_version


def test_year_data_update_rejects_sme_output_above_total(draft, owner, call):
    y1, y2 = call.data_years[:2]
    rows = {
        y1: {"total_output": Decimal("500000"), "sme_output": Decimal("400000")},
        y2: {"total_output": Decimal("500000"), "sme_output": Decimal("500001")},
    }

    with pytest.raises(ServiceError) as exc:
        services.year_data_update(application=draft, actor=owner, version=draft.edit_version, rows=rows)

    assert "不能大于集群总产值" in exc.value.errors[f"y{y2}_sme_output"][0]
    assert all(total is None for _y, total, _sme in year_values(draft))


def test_year_data_update_reports_unparseable_values_instead_of_crashing(draft, owner, call):
    year = call.data_years[0]
    rows = {year: {"total_output": Decimal("100"), "sme_output": "很多"}}

    with pytest.raises(ServiceError) as exc:
        services.year_data_update(application=draft, actor=owner, version=draft.edit_version, rows=rows)

    assert f"y{year}_sme_output" in exc.value.errors
    assert all(total is None for _y, total, _sme in year_values(draft))


def test_year_data_update_refuses_years_outside_the_call_and_stale_versions(draft, owner):
    with pytest.raises(ServiceError, match="不在本批次"):
        services.year_data_update(
            application=draft, actor=owner, version=draft.edit_version, rows={2019: {"total_output": Decimal("1")}}
        )
    with pytest.raises(Conflict):
        services.year_data_update(application=draft, actor=owner, version=draft.edit_version + 1, rows={})
    assert not YearData.objects.filter(application=draft, year=2019).exists()


# ---------------------------------------------------------------- roster, lists, targets


def test_enterprise_add_refuses_a_duplicate_credit_code(draft, owner):
    code = make_credit_code(123, KUNSHAN)
    services.enterprise_add(application=draft, actor=owner, name="甲公司", credit_code=code)

    with pytest.raises(ServiceError, match="已在名册中"):
        services.enterprise_add(application=draft, actor=owner, name="甲公司（重复）", credit_code=code.lower())

    assert list(Enterprise.objects.filter(application=draft).values_list("name", flat=True)) == ["甲公司"]


def test_enterprise_add_refuses_an_invalid_check_digit(draft, owner):
    code = make_credit_code(123, KUNSHAN)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")

    with pytest.raises(ServiceError, match="校验位错误"):
        services.enterprise_add(application=draft, actor=owner, name="甲公司", credit_code=wrong)

    assert not Enterprise.objects.filter(application=draft).exists()
    assert reload(draft).edit_version == draft.edit_version


def test_enterprise_add_tells_outsiders_nothing_about_the_roster(draft, owner):
    code = make_credit_code(123, KUNSHAN)
    services.enterprise_add(application=draft, actor=owner, name="甲公司", credit_code=code)

    with pytest.raises(NotAllowed):
        services.enterprise_add(application=draft, actor=UserFactory(), name="乙公司", credit_code=code)


def test_list_items_and_targets_are_added_and_removed(draft, owner):
    item = services.list_item_add(application=draft, actor=owner, kind=ListKind.SHARING, name="共享工厂")
    target = services.plan_target_add(
        application=draft,
        actor=owner,
        indicator="产值",
        unit="万元",
        baseline=Decimal("1"),
        target_1=Decimal("2"),
        target_2=Decimal("3"),
        target_3=Decimal("4"),
    )
    with pytest.raises(ServiceError):
        services.list_item_add(application=draft, actor=owner, kind="nonsense", name="x")

    services.list_item_remove(application=draft, actor=owner, item_id=item.pk)
    services.plan_target_remove(application=draft, actor=owner, target_id=target.pk)

    assert not ListItem.objects.filter(application=draft).exists()
    assert not draft.plan_targets.exists()
    with pytest.raises(ServiceError, match="不存在"):
        services.list_item_remove(application=draft, actor=owner, item_id=item.pk)


def roster_xlsx(rows) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业名册"
    ws.append([header for _key, header in ROSTER_COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("名册.xlsx", out.getvalue())


def roster_row(n, code=None):
    return [f"企业{n}", code or make_credit_code(5000 + n, KUNSHAN), "是", "", "", f"ZJTX-{n}", "", 50]


def test_roster_import_imports_every_row(draft, owner):
    count, errors = services.roster_import(
        application=draft, actor=owner, fileobj=roster_xlsx([roster_row(i) for i in range(3)])
    )

    assert (count, errors) == (3, [])
    assert Enterprise.objects.filter(application=draft).count() == 3
    assert reload(draft).edit_version == draft.edit_version + 1


def test_roster_import_is_all_or_nothing(draft, owner):
    bad_code = make_credit_code(9999, KUNSHAN)[:17] + "!"
    rows = [roster_row(i) for i in range(5)] + [roster_row(99, code=bad_code)]

    count, errors = services.roster_import(application=draft, actor=owner, fileobj=roster_xlsx(rows))

    assert count == 0
    assert len(errors) == 1
    assert errors[0].row == 7
    assert not Enterprise.objects.filter(application=draft).exists()
    assert reload(draft).edit_version == draft.edit_version


def test_roster_import_refuses_codes_already_in_the_roster(draft, owner):
    code = make_credit_code(5001, KUNSHAN)
    services.enterprise_add(application=draft, actor=owner, name="已有企业", credit_code=code)

    count, errors = services.roster_import(
        application=draft, actor=owner, fileobj=roster_xlsx([roster_row(0), roster_row(1)])
    )

    assert count == 0
    assert errors
    assert Enterprise.objects.filter(application=draft).count() == 1


# ---------------------------------------------------------------- attachments


def test_attachment_upload_stores_under_a_random_name(draft, owner, call):
    requirement = call.requirements.first()
    upload = pdf_upload("申报书.pdf")
    content = upload.read()
    upload.seek(0)

    attachment = services.attachment_upload(
        application=draft, actor=owner, uploaded_file=upload, requirement=requirement
    )

    assert attachment.original_name == "申报书.pdf"
    assert attachment.file_type == "pdf"
    assert attachment.size == len(content)
    assert attachment.stored_name.endswith(".pdf") and "申报书" not in attachment.stored_name
    assert services.attachment_path(attachment).read_bytes() == content
    import hashlib

    assert attachment.sha256 == hashlib.sha256(content).hexdigest()


def test_attachment_upload_refuses_an_exe_renamed_pdf(draft, owner, call):
    exe = SimpleUploadedFile(
        "申报书.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, content_type="application/pdf"
    )

    with pytest.raises(ServiceError, match="请勿仅修改扩展名"):
        services.attachment_upload(
            application=draft, actor=owner, uploaded_file=exe, requirement=call.requirements.first()
        )

    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_attachment_upload_refuses_an_oversize_file(draft, owner, call, settings):
    settings.ATTACHMENT_MAX_MB = 1
    big = SimpleUploadedFile("大文件.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024), content_type="application/pdf")

    with pytest.raises(ServiceError, match="超过 1 MB 的上限"):
        services.attachment_upload(
            application=draft, actor=owner, uploaded_file=big, requirement=call.requirements.first()
        )

    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_attachment_upload_refuses_a_requirement_of_another_call(draft, owner):
    other = CallFactory()
    with pytest.raises(ServiceError, match="不属于本申报批次"):
        services.attachment_upload(
            application=draft, actor=owner, uploaded_file=pdf_upload(), requirement=other.requirements.first()
        )
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_attachment_upload_refused_to_others_stores_nothing(draft, call):
    with pytest.raises(NotAllowed):
        services.attachment_upload(
            application=draft, actor=UserFactory(), uploaded_file=pdf_upload(), requirement=call.requirements.first()
        )
    assert stored_files() == []


def test_attachment_remove_hides_but_keeps_the_file(draft, owner, call):
    attachment = services.attachment_upload(
        application=draft, actor=owner, uploaded_file=pdf_upload(), requirement=call.requirements.first()
    )

    services.attachment_remove(application=draft, actor=owner, attachment_id=attachment.pk)

    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert services.attachment_path(attachment).exists()
    assert list(selectors.active_attachments(draft)) == []
    with pytest.raises(ServiceError, match="已移除"):
        services.attachment_remove(application=draft, actor=owner, attachment_id=attachment.pk)


# ---------------------------------------------------------------- submission


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
    assert len(version.snapshot["attachments"]) == 4
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
    assert version.pdf_name, "the PDF task did not run (is clusters/pdf/application.html there?)"
    pdf = services.pdf_dir() / version.pdf_name
    assert pdf.read_bytes().startswith(b"%PDF-")


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


def test_transition_checks_role_jurisdiction_and_expected_state(filled, owner, county):
    services.application_submit(application=filled, actor=owner)
    other_county = UserFactory(county=True, organisation__division=division(JIANGYIN))

    for actor in (other_county, owner, authority_user(Role.CITY, filled.cluster.division), province_user()):
        with pytest.raises(NotAllowed):
            services.application_transition(application=filled, actor=actor, verb="county_pass", method="county_pass")
    with pytest.raises(Conflict):
        services.application_transition(
            application=filled, actor=county, verb="county_pass", method="county_pass", expected_state=S.CITY_REVIEW
        )
    assert reload(filled).state == S.COUNTY_REVIEW

    services.application_transition(
        application=filled, actor=county, verb="county_pass", method="county_pass", expected_state=S.COUNTY_REVIEW
    )
    assert reload(filled).state == S.CITY_REVIEW
    assert transitions(filled)[-1] == ("county_pass", "county_review", "city_review")


def test_full_workflow_is_logged_in_order():
    application = application_in_state(S.CERTIFIED)

    assert transitions(application) == [
        ("create", "", "draft"),
        ("submit", "draft", "county_review"),
        ("county_pass", "county_review", "city_review"),
        ("recommend", "city_review", "formal_review"),
        ("formal_pass", "formal_review", "expert_review"),
        ("to_joint_review", "expert_review", "joint_review"),
        ("approve", "joint_review", "public_notice"),
        ("certify", "public_notice", "certified"),
    ]


def test_reject_is_final():
    application = application_in_state(S.REJECTED)
    county = authority_user(Role.COUNTY, application.cluster.division)

    for verb, method in (("county_pass", "county_pass"), ("return", "return_to_applicant"), ("reject", "reject")):
        with pytest.raises(NotAllowed):
            services.application_transition(application=application, actor=county, verb=verb, method=method, reason="x")
    with pytest.raises(NotAllowed):
        advance(application, S.WITHDRAWN)
    assert reload(application).state == S.REJECTED


def test_state_cannot_be_written_directly(draft):
    fresh = reload(draft)
    with pytest.raises(AttributeError):
        fresh.state = S.CERTIFIED


# ---------------------------------------------------------------- the transition log


def test_the_log_chain_verifies_and_detects_tampering(filled, owner, county):
    services.application_submit(application=filled, actor=owner, comment="提交")
    services.application_transition(
        application=filled, actor=county, verb="return", method="return_to_applicant", reason="补材料"
    )
    services.application_submit(application=reload(filled), actor=owner)
    services.application_transition(application=filled, actor=county, verb="county_pass", method="county_pass")

    count, broken, reason = verify_chain()
    assert count == TransitionLog.objects.count() >= 6
    assert (broken, reason) == (None, "")

    target = history_for(filled).get(transition="county_pass")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_transitionlog SET comment = %s WHERE id = %s", ["改过的意见", target.pk])

    _count, broken, reason = verify_chain()
    assert broken.pk == target.pk
    assert "篡改" in reason


def test_the_log_is_append_only(filled, owner):
    services.application_submit(application=filled, actor=owner)
    rows = TransitionLog.objects.filter(object_id=str(filled.pk))

    with pytest.raises(AppendOnlyError):
        rows.update(comment="改")
    with pytest.raises(AppendOnlyError):
        rows.delete()
    row = rows.first()
    row.comment = "改"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()

    assert verify_chain()[1] is None


def test_requirement_list_is_per_call(call):
    assert AttachmentRequirement.objects.filter(call=call).count() == 4


def test_notifications_are_written_with_the_transition_and_name_its_state(filled, owner, county):
    from core.models import OutboundEmail

    city = authority_user(Role.CITY, filled.cluster.division)
    services.application_submit(application=filled, actor=owner)
    # Written in the transition's own transaction: no task has to run for the notice to exist.
    (note,) = Notification.objects.filter(recipient=county)
    assert note.title.startswith("待审核") and "县级审核" in note.body
    services.application_transition(application=filled, actor=county, verb="county_pass", method="county_pass")
    assert Notification.objects.filter(recipient=county).count() == 1
    assert Notification.objects.filter(recipient=city).count() == 1
    assert OutboundEmail.objects.filter(notification__recipient=city).count() == (1 if city.email else 0)


def test_roster_import_500_rows_from_the_portals_own_template(draft, owner):
    from openpyxl import load_workbook

    from clusters.roster_io import build_template

    wb = load_workbook(io.BytesIO(build_template()))
    ws = wb.worksheets[0]
    for i in range(500):
        ws.append(roster_row(i))
    out = io.BytesIO()
    wb.save(out)

    count, errors = services.roster_import(
        application=draft, actor=owner, fileobj=SimpleUploadedFile("模板.xlsx", out.getvalue())
    )

    assert (count, errors) == (500, [])
    assert Enterprise.objects.filter(application=draft).count() == 500
    assert Enterprise.objects.filter(application=draft, specialised_cert="ZJTX-499").exists()
