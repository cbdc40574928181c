import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from clusters.models import CertificationStatus
from clusters.selectors import YEAR_FIELDS
from clusters.tests.factories import province_user
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.models import FrozenRecordError, Notification
from core.transitions import history_for, verify_frozen_records
from monitoring import selectors, services
from monitoring.constants import CitySubmissionState, ReportState
from monitoring.deadlines import deadlines_for, default_deadlines
from monitoring.models import FIGURE_FIELDS, AnnualReport, ReportingCalendar

from .factories import (
    GOOD_FIGURES,
    SHANGHAI,
    CertificationFactory,
    city_of,
    cluster_in,
    county_of,
    fill_report,
    imported_certification,
    owner_of,
    report_in_state,
)

pytestmark = pytest.mark.django_db
R = ReportState


def test_the_indicator_table_mirrors_the_applications():
    from clusters.models import YearData

    assert FIGURE_FIELDS == YEAR_FIELDS
    for name in FIGURE_FIELDS:
        mine, theirs = AnnualReport._meta.get_field(name), YearData._meta.get_field(name)
        assert mine.deconstruct()[1:] == theirs.deconstruct()[1:]


# ---------------------------------------------------------------- calendar


def test_a_year_without_a_row_uses_the_defaults():
    d = deadlines_for(2025)
    assert (d.cluster_due, d.city_due, d.is_default) == (datetime.date(2026, 3, 31), datetime.date(2026, 4, 10), True)


def test_province_moves_a_years_dates_and_it_is_logged():
    province = province_user()
    row = services.calendar_set(
        actor=province,
        report_year=2025,
        cluster_due=datetime.date(2026, 4, 15),
        city_due=datetime.date(2026, 4, 25),
        basis="苏工信中小〔2026〕8号",
    )
    d = deadlines_for(2025)
    assert (d.cluster_due, d.city_due, d.is_default) == (datetime.date(2026, 4, 15), datetime.date(2026, 4, 25), False)
    assert history_for(row).get().from_state == "2026-03-31/2026-04-10"
    services.calendar_set(
        actor=province, report_year=2025, cluster_due=datetime.date(2026, 4, 1), city_due=datetime.date(2026, 4, 10)
    )
    assert ReportingCalendar.objects.count() == 1


@pytest.mark.parametrize(
    ("cluster_due", "city_due", "field"),
    [
        (datetime.date(2025, 3, 31), datetime.date(2026, 4, 10), "cluster_due"),
        (datetime.date(2026, 3, 31), datetime.date(2027, 4, 10), "city_due"),
        (datetime.date(2026, 4, 20), datetime.date(2026, 4, 10), "city_due"),
        (None, datetime.date(2026, 4, 10), "cluster_due"),
    ],
)
def test_incoherent_dates_are_refused_and_change_nothing(cluster_due, city_due, field):
    with pytest.raises(ServiceError) as exc:
        services.calendar_set(actor=province_user(), report_year=2025, cluster_due=cluster_due, city_due=city_due)
    assert field in exc.value.errors
    assert not ReportingCalendar.objects.exists()


def test_only_the_province_sets_the_calendar():
    cert = CertificationFactory()
    with pytest.raises(NotAllowed):
        services.calendar_set(
            actor=city_of(cert), report_year=2025, cluster_due=default_deadlines(2025).cluster_due, city_due=None
        )


# ---------------------------------------------------------------- starting a report


def test_start_creates_the_draft_with_the_plan_targets_once():
    cert = CertificationFactory()
    owner = owner_of(cert)
    report = services.report_start(actor=owner, certification=cert, report_year=2025)
    assert report.state == R.DRAFT and report.progress.count() == 2
    assert services.report_start(actor=owner, certification=cert, report_year=2025).pk == report.pk
    assert history_for(report).get().transition == "create"


@pytest.mark.parametrize(
    ("year", "text"),
    [(2024, "2024年度不在认定有效期内"), (2026, "2026年度尚未结束")],
)
def test_a_year_the_cluster_was_not_certified_in_is_refused_with_a_reason(year, text):
    cert = CertificationFactory()  # published 15 October 2025
    with pytest.raises(ServiceError) as exc:
        services.report_start(actor=owner_of(cert), certification=cert, report_year=year)
    assert text in exc.value.message
    assert not AnnualReport.objects.exists()


def test_a_revoked_certification_reports_nothing_and_outsiders_start_nothing():
    revoked = CertificationFactory(revoked=True)
    with pytest.raises(NotAllowed):
        services.report_start(actor=owner_of(revoked), certification=revoked, report_year=2025)
    cert = CertificationFactory()
    for outsider in (county_of(cert), owner_of(CertificationFactory())):
        with pytest.raises(NotAllowed):
            services.report_start(actor=outsider, certification=cert, report_year=2025)


def test_reportable_years():
    assert selectors.reportable_years(CertificationFactory()) == [2025]
    assert selectors.reportable_years(imported_certification()) == [2025, 2024, 2023]


# ---------------------------------------------------------------- drafting


def test_a_stale_tab_is_refused_and_nothing_is_lost():
    report = report_in_state(R.DRAFT, filled=False)
    owner = owner_of(report)
    services.report_save(report=report, actor=owner, version=report.edit_version, figures={"total_output": Decimal(1)})
    with pytest.raises(Conflict):
        services.report_save(
            report=report, actor=owner, version=report.edit_version, figures={"total_output": Decimal(2)}
        )
    report.refresh_from_db()
    assert report.total_output == Decimal(1)


def test_bad_figures_are_refused_per_field_and_change_nothing():
    report = report_in_state(R.DRAFT, filled=False)
    with pytest.raises(ServiceError) as exc:
        services.report_save(
            report=report,
            actor=owner_of(report),
            version=report.edit_version,
            figures={"total_output": Decimal("100"), "sme_output": Decimal("200"), "employees": -1},
        )
    assert set(exc.value.errors) == {"sme_output", "employees"}
    assert "不能大于集群总产值" in exc.value.errors["sme_output"][0]
    report.refresh_from_db()
    assert report.total_output is None and report.edit_version == 1


def test_unknown_fields_and_foreign_targets_are_refused():
    report = report_in_state(R.DRAFT, filled=False)
    owner = owner_of(report)
    with pytest.raises(ServiceError):
        services.report_save(report=report, actor=owner, version=1, figures={"state": "verified"})
    with pytest.raises(ServiceError):
        services.report_save(report=report, actor=owner, version=1, progress={999999: {"actual": Decimal(1)}})


# ---------------------------------------------------------------- submission


def test_submission_needs_the_figures_narratives_and_plan_actuals():
    report = report_in_state(R.DRAFT, filled=False)
    with pytest.raises(ServiceError) as exc:
        services.report_submit(report=report, actor=owner_of(report))
    message = exc.value.message
    assert "集群总产值" in message and "发展情况" in message and "规划目标“集群总产值”" in message
    assert AnnualReport.objects.get(pk=report.pk).state == R.DRAFT


def test_submission_freezes_a_version_and_tells_the_county():
    report = report_in_state(R.DRAFT)
    county = county_of(report)
    report = services.report_submit(report=report, actor=owner_of(report))
    assert report.state == R.SUBMITTED and report.submission_count == 1
    version = report.versions.get()
    assert version.snapshot["figures"]["total_output"] == "760000"
    assert [p["status"] for p in version.snapshot["progress"]] == ["met", "met"]
    log = history_for(report).last()
    assert log.transition == "submit" and log.digest.startswith("monitoring.annualreportversion#")
    assert Notification.objects.filter(recipient=county, title__contains="待审核").count() == 1
    assert verify_frozen_records() == []
    # Frozen: nothing changes it by any path.
    report.total_output = Decimal(1)
    with pytest.raises(FrozenRecordError):
        report.save()
    with pytest.raises(Conflict):
        services.report_save(report=report, actor=owner_of(report), version=report.edit_version, figures={})


def test_figures_that_contradict_the_previous_year_need_confirmation_never_a_refusal():
    report = report_in_state(R.DRAFT, figures={**GOOD_FIGURES, "total_output": Decimal("2800000")})
    warnings = selectors.report_warnings(report)
    assert [w["field"] for w in warnings] == ["total_output"]
    assert "认定申报数据" in warnings[0]["message"] and "700,000" in warnings[0]["message"]
    with pytest.raises(ServiceError) as exc:
        services.report_submit(report=report, actor=owner_of(report))
    assert "acknowledged" in exc.value.errors
    report = services.report_submit(
        report=report, actor=owner_of(report), acknowledged=True, explanation="新并入两个园区。"
    )
    assert report.state == R.SUBMITTED and report.warnings[0]["field"] == "total_output"
    assert report.warnings_explanation == "新并入两个园区。"


def test_the_previous_years_report_is_the_reference_once_there_is_one():
    cert = imported_certification()
    report_in_state(R.VERIFIED, certification=cert, report_year=2024)
    report = report_in_state(R.DRAFT, certification=cert, figures={**GOOD_FIGURES, "employees": 20000})
    warnings = selectors.report_warnings(report)
    assert [w["field"] for w in warnings] == ["employees"] and "上年度报告" in warnings[0]["message"]


def test_a_late_report_is_accepted_and_marked_late():
    report = report_in_state(R.DRAFT)
    with time_machine.travel(datetime.datetime(2026, 4, 1, 0, 0, 5, tzinfo=SHANGHAI), tick=False):
        report = services.report_submit(report=report, actor=owner_of(report))
    assert report.state == R.SUBMITTED
    assert report.versions.get().snapshot["late"] is True
    assert "逾期提交" in history_for(report).last().comment
    rows = selectors.city_table("320500", 2025)
    assert rows[0]["late"] is True


def test_a_report_submitted_at_23_59_on_the_due_date_is_on_time():
    report = report_in_state(R.DRAFT)
    with time_machine.travel(datetime.datetime(2026, 3, 31, 23, 59, 59, tzinfo=SHANGHAI), tick=False):
        report = services.report_submit(report=report, actor=owner_of(report))
    assert report.versions.get().snapshot["late"] is False


def test_figures_below_an_art6_threshold_flag_the_report():
    report = report_in_state(
        R.SUBMITTED,
        figures={
            **GOOD_FIGURES,
            "total_output": Decimal("350000"),
            "sme_output": Decimal("200000"),
            "lead_output": Decimal("300000"),
        },
    )
    codes = [f["code"] for f in report.threshold_flags]
    # 2d passes: lead-industry output is 85.7% of the total.
    assert codes == ["2a", "2b", "2c"]
    assert report.flag_count == 3
    assert "350,000 万元" in report.threshold_flags[0]["message"]
    assert list(selectors.early_warnings(2025)) == [report]


def test_return_needs_a_reason_keeps_history_and_the_applicant_sees_it():
    report = report_in_state(R.SUBMITTED)
    county = county_of(report)
    with pytest.raises(ServiceError):
        services.report_return(report=report, actor=county, reason="  ")
    report = services.report_return(report=report, actor=county, reason="请补充专利数据来源。")
    assert report.state == R.RETURNED and report.return_reason == "请补充专利数据来源。"
    note = Notification.objects.get(recipient=owner_of(report), title__startswith="退回修改")
    assert "请补充专利数据来源" in note.body
    fill_report(report, figures={**GOOD_FIGURES, "invention_patents": 1950})
    report = services.report_submit(report=AnnualReport.objects.get(pk=report.pk), actor=owner_of(report))
    assert report.versions.count() == 2 and report.return_reason == ""
    assert [r.transition for r in history_for(report)] == ["create", "submit", "return_to_cluster", "submit"]
    assert report.versions.order_by("number").first().snapshot["figures"]["invention_patents"] == "1900"
    assert verify_frozen_records() == []


def test_verification_by_the_county():
    report = report_in_state(R.SUBMITTED)
    report = services.report_verify(report=report, actor=county_of(report), comment="数据已核实。")
    assert report.state == R.VERIFIED and report.verified_at
    with pytest.raises(ServiceError):
        services.report_verify(report=report, actor=county_of(report))


# ---------------------------------------------------------------- attachments


def test_attachments_are_sniffed_and_stored_privately():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from clusters.tests.factories import pdf_upload

    report = report_in_state(R.DRAFT)
    owner = owner_of(report)
    with pytest.raises(ServiceError):
        services.report_attachment_upload(
            report=report, actor=owner, uploaded_file=SimpleUploadedFile("假.pdf", b"<html>not a pdf</html>")
        )
    attachment = services.report_attachment_upload(report=report, actor=owner, uploaded_file=pdf_upload("统计.pdf"))
    assert attachment.file_type == "pdf" and attachment.file.name.startswith("annual-reports/")
    assert attachment.original_name == "统计.pdf"
    services.report_attachment_remove(report=report, actor=owner, attachment_id=attachment.pk)
    with pytest.raises(ServiceError):
        services.report_attachment_remove(report=report, actor=owner, attachment_id=attachment.pk)


# ---------------------------------------------------------------- the city's table


def _city_with_three():
    certs = [CertificationFactory(cluster=cluster_in(code)) for code in ("320583", "320582", "320585")]
    report_in_state(R.VERIFIED, certification=certs[0])
    report_in_state(R.SUBMITTED, certification=certs[1])
    report_in_state(R.DRAFT, certification=certs[2])
    return certs


def test_the_city_submits_with_missing_clusters_listed_and_the_table_frozen():
    certs = _city_with_three()
    city = city_of(certs[0])
    sub = services.city_submission_submit(actor=city, report_year=2025, remarks="第三个集群已督促。")
    assert sub.state == CitySubmissionState.SUBMITTED
    version = sub.versions.get()
    assert [r["missing"] for r in version.rows] == [False, False, True]
    assert version.rows[0]["figures"]["total_output"] == "760000"
    assert "未报送报告的集群 1 个" in history_for(sub).last().comment
    with pytest.raises(Conflict):
        services.city_submission_save(actor=city, report_year=2025, remarks="改一下")
    # The third cluster reports afterwards: the frozen table does not change.
    services.report_submit(report=AnnualReport.objects.get(cluster=certs[2].cluster), actor=owner_of(certs[2]))
    assert sub.versions.get().rows[2]["missing"] is True
    assert verify_frozen_records() == []


def test_a_change_after_submission_goes_through_the_provinces_return():
    certs = _city_with_three()
    city, province = city_of(certs[0]), province_user()
    sub = services.city_submission_submit(actor=city, report_year=2025, remarks="")
    with pytest.raises(NotAllowed):
        services.city_submission_return(actor=city, submission=sub, reason="自己退回")
    with pytest.raises(ServiceError):
        services.city_submission_return(actor=province, submission=sub, reason="")
    sub = services.city_submission_return(actor=province, submission=sub, reason="请补报第三个集群。")
    assert sub.state == CitySubmissionState.RETURNED
    assert Notification.objects.filter(recipient=city, title__startswith="省厅退回").exists()
    services.report_submit(report=AnnualReport.objects.get(cluster=certs[2].cluster), actor=owner_of(certs[2]))
    sub = services.city_submission_submit(actor=city, report_year=2025, remarks="已补报。")
    assert sub.versions.count() == 2
    assert [r["missing"] for r in sub.versions.order_by("number").last().rows] == [False, False, False]
    assert [r["missing"] for r in sub.versions.order_by("number").first().rows] == [False, False, True]


def test_only_a_city_with_clusters_submits_and_only_a_past_year():
    cert = CertificationFactory()
    city = city_of(cert)
    with pytest.raises(ServiceError):
        services.city_submission_submit(actor=city, report_year=2026, remarks="")
    with pytest.raises(NotAllowed):
        services.city_submission_submit(actor=county_of(cert), report_year=2025, remarks="")
    from accounts.constants import Role
    from clusters.tests.factories import authority_user

    from .factories import division

    wuxi = authority_user(Role.CITY, division("320281"))
    with pytest.raises(ServiceError) as exc:
        services.city_submission_submit(actor=wuxi, report_year=2025, remarks="")
    assert "没有需要报送" in exc.value.message


def test_the_city_table_opens_in_excel_with_one_row_per_cluster(client):
    import io

    from openpyxl import load_workbook

    certs = _city_with_three()
    city = city_of(certs[0])
    services.city_submission_submit(actor=city, report_year=2025, remarks='=HYPERLINK("http://x")')
    client.force_login(city)
    response = client.get("/monitoring/cities/320500/2025/table.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [r for r in ws.iter_rows(values_only=True)]
    header_index = next(i for i, r in enumerate(rows) if r[0] == "序号")
    data = rows[header_index + 1 :]
    ordered = sorted(certs, key=lambda c: c.cluster.division_id)  # by county code, then name
    assert [r[1] for r in data] == [c.cluster.name for c in ordered]
    assert data[0][8] == 760000 and data[2][-1] == "未报送" and data[0][-1] is None
    assert "=HYPERLINK" in rows[header_index - 1][0]  # remarks in the note line, as text


def test_the_city_table_pdf_renders(client):
    from core.pdf import cjk_font_installed

    certs = _city_with_three()
    client.force_login(province_user())
    response = client.get("/monitoring/cities/320500/2025/table.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    if cjk_font_installed():
        import io

        from pypdf import PdfReader

        text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        assert certs[0].cluster.name[:4] in text


# ---------------------------------------------------------------- series and warnings


def test_the_series_lines_up_application_years_and_reported_years():
    report = report_in_state(R.SUBMITTED)
    series = selectors.cluster_series(report.cluster)
    assert list(series) == [2021, 2022, 2023, 2024, 2025]
    assert series[2024]["source"] == "认定申报" and series[2025]["source"] == "年度报告"
    chart = selectors.chart_data(series)
    assert chart["years"][-1] == "2025" and chart["groups"][0]["series"][0]["data"][-1] == 760000.0


def test_imported_clusters_run_through_annual_reports():
    cert = imported_certification()
    report = report_in_state(R.VERIFIED, certification=cert)
    assert report.progress.count() == 0 and report.state == R.VERIFIED
    # Defaults thresholds, no growth rules without a base year.
    assert report.threshold_flags == []


def test_expiring_certifications_still_report_and_expired_ones_do_not():
    assert report_in_state(R.SUBMITTED, certification=CertificationFactory(expiring=True)).state == R.SUBMITTED
    expired = CertificationFactory(expired=True)
    assert expired.status == CertificationStatus.EXPIRED
    assert not selectors.eligible_certifications(2025).filter(pk=expired.pk).exists()
    assert "已过期" in selectors.certification_refusal(expired, 2025)


def test_the_applicant_notifications_reach_owner_users_only_once():
    report = report_in_state(R.SUBMITTED)
    services.report_verify(report=report, actor=county_of(report))
    assert Notification.objects.filter(recipient=owner_of(report), title__startswith="审核通过").count() == 1
    assert len(mail.outbox) >= 0  # delivered after commit by the outbox (not in a test transaction)
