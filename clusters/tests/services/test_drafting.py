"""Creating and editing a draft: sections, year data, roster (and its Excel import), lists and targets."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts.tests.factories import KUNSHAN, UserFactory, make_credit_code
from clusters import services
from clusters.constants import ApplicationState, ListKind
from clusters.models import Application, Enterprise, ListItem, YearData
from clusters.roster_io import ROSTER_COLUMNS
from clusters.tests.factories import CallFactory
from clusters.tests.helpers import reload, transitions
from core.exceptions import Conflict, NotAllowed, ServiceError

pytestmark = pytest.mark.django_db
S = ApplicationState


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
