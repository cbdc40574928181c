"""Importing clusters certified on paper before the portal: validated first, applied all or nothing."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.constants import Role
from accounts.models import Invitation, Organisation, User
from accounts.tests.factories import make_credit_code
from clusters.models import Certification, CertificationSource, Cluster
from clusters.tests.factories import province_user
from core.exceptions import NotAllowed
from core.models import OutboundEmail, TransitionLog
from monitoring import services
from monitoring.constants import ReportState
from monitoring.services.imports import COLUMNS, parse_date

from .factories import CertificationFactory, report_in_state

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in COLUMNS]


def row(**overrides):
    values = {
        "集群名称": "昆山市精密模具特色产业集群",
        "所在县（市、区）": "昆山市",
        "主导产业": "精密模具",
        "细分领域": "汽车模具",
        "占地面积（平方公里）": 35.5,
        "运营管理机构名称": "昆山市模具产业发展促进中心",
        "统一社会信用代码": make_credit_code(777001, "320583"),
        "证书编号": "JS-TSJQ-2023-001",
        "公布文号": "苏工信中小〔2023〕321号",
        "公布日期": datetime.date(2023, 11, 20),
        "有效期起": datetime.date(2023, 11, 20),
        "有效期至": datetime.date(2026, 11, 19),
        "联系人电子邮箱": "mould@example.cn",
        "联系人姓名": "王芳",
    }
    values.update(overrides)
    return [values[h] for h in HEADERS]


def workbook(*rows) -> SimpleUploadedFile:
    """The downloadable template with the rows filled in below its header."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(services.template_workbook()))
    ws = wb.worksheets[0]
    for values in rows:
        ws.append(values)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("导入.xlsx", out.getvalue())


def test_the_template_lists_every_column_and_an_empty_one_imports_nothing(client):
    client.force_login(province_user())
    response = client.get("/monitoring/import/template.xlsx")
    assert response.status_code == 200
    result, errors = services.import_certifications(
        actor=province_user(), fileobj=SimpleUploadedFile("t.xlsx", response.content)
    )
    assert result is None and "没有集群数据" in errors[0].message


def test_a_good_file_creates_organisation_cluster_certification_and_invitation():
    second = row(
        **{
            "集群名称": "江阴市新材料特色产业集群",
            "所在县（市、区）": "320281",
            "运营管理机构名称": "江阴市新材料产业联盟",
            "统一社会信用代码": make_credit_code(777002, "320281"),
            "证书编号": "JS-TSJQ-2024-007",
            "公布日期": "2024年12月2日",
            "有效期起": "2024/12/2",
            "有效期至": "2027-12-01",
            "联系人电子邮箱": "xcl@example.cn",
        }
    )
    third = row(**{"集群名称": "昆山市精密模具特色产业集群（二期）", "证书编号": "JS-TSJQ-2023-002"})  # same body
    result, errors = services.import_certifications(actor=province_user(), fileobj=workbook(row(), second, third))
    assert errors == []
    assert len(result.certifications) == 3 and result.clusters_created == 3 and result.organisations_created == 2
    certs = {c.number: c for c in Certification.objects.select_related("cluster__owner")}
    first = certs["JS-TSJQ-2023-001"]
    assert (first.source, first.call, first.application, first.year) == (CertificationSource.IMPORTED, None, None, 2023)
    assert first.cluster.owner.credit_code == make_credit_code(777001, "320583")
    assert first.cluster.division_id == "320583" and first.cluster.segment == "汽车模具"
    assert certs["JS-TSJQ-2024-007"].year == 2024 and certs["JS-TSJQ-2024-007"].valid_to == datetime.date(2027, 12, 1)
    # One invitation per management body, e-mailed through the outbox.
    assert len(result.invitations) == 2
    invited = User.objects.get(email="mould@example.cn")
    assert invited.role == Role.APPLICANT and invited.full_name == "王芳" and not invited.has_usable_password()
    assert Invitation.objects.filter(user=invited).count() == 1
    assert OutboundEmail.objects.filter(to="mould@example.cn").count() == 1
    assert TransitionLog.objects.filter(transition="import").count() == 3


def test_imported_clusters_then_report_like_portal_certified_ones():
    result, _errors = services.import_certifications(actor=province_user(), fileobj=workbook(row()))
    report = report_in_state(ReportState.VERIFIED, certification=result.certifications[0])
    assert report.state == ReportState.VERIFIED


def test_one_bad_row_imports_nothing_and_every_error_names_its_row_and_column():
    bad_code = make_credit_code(777003, "320582")
    bad_code = bad_code[:-1] + ("0" if bad_code[-1] != "0" else "1")
    rows = [
        row(),
        row(**{"集群名称": "张家港集群", "统一社会信用代码": bad_code, "证书编号": "X-2"}),
        row(**{"集群名称": "苏州集群", "所在县（市、区）": "苏州市", "证书编号": "X-3"}),
        row(
            **{
                "集群名称": "日期集群",
                "有效期起": datetime.date(2024, 1, 1),
                "有效期至": datetime.date(2023, 12, 1),
                "证书编号": "X-4",
            }
        ),
        row(**{"集群名称": "重号集群", "证书编号": "JS-TSJQ-2023-001"}),
        row(**{"集群名称": "重名集群", "所在县（市、区）": "鼓楼区", "证书编号": "X-6"}),
        row(**{"集群名称": "无邮箱集群", "联系人电子邮箱": "", "证书编号": "X-7", "占地面积（平方公里）": "很大"}),
        row(**{"集群名称": "过期集群", "有效期至": datetime.date(2026, 1, 1), "证书编号": "X-8"}),
    ]
    province = province_user()
    before = (
        Organisation.objects.count(),
        Cluster.objects.count(),
        Certification.objects.count(),
        User.objects.count(),
    )
    result, errors = services.import_certifications(actor=province, fileobj=workbook(*rows))
    assert result is None
    assert before == (
        Organisation.objects.count(),
        Cluster.objects.count(),
        Certification.objects.count(),
        User.objects.count(),
    )
    found = {(e.row, e.column.split("列")[0]): e.message for e in errors}
    # Data starts on row 4 (title, note and header above it); the credit code is column G, and so on.
    assert "校验位错误" in found[(5, "G")]
    assert "不是县级区划" in found[(6, "B")]
    assert "有效期至应晚于有效期起" in found[(7, "L")]
    assert "与第4行重复" in found[(8, "H")]
    assert "重名" in found[(9, "B")]
    assert "必填" in found[(10, "M")] and "不是数字" in found[(10, "E")]
    assert "已于2026-01-01届满" in found[(11, "L")]
    assert all(str(e).startswith("第") for e in errors)


def test_a_certificate_number_already_in_the_portal_is_refused():
    existing = CertificationFactory()
    _result, errors = services.import_certifications(
        actor=province_user(), fileobj=workbook(row(**{"证书编号": existing.number}))
    )
    assert "已在平台中使用" in errors[0].message


def test_a_same_named_cluster_of_another_body_is_refused():
    services.import_certifications(actor=province_user(), fileobj=workbook(row()))
    other = row(**{"统一社会信用代码": make_credit_code(777009, "320583"), "证书编号": "Y-1"})
    _result, errors = services.import_certifications(actor=province_user(), fileobj=workbook(other))
    assert "属于其他申报主体" in errors[0].message or "已有有效的认定" in errors[0].message


def test_a_credit_code_stored_as_a_number_and_a_non_excel_file_are_explained():
    _r, errors = services.import_certifications(
        actor=province_user(), fileobj=workbook(row(**{"统一社会信用代码": 913205830000000000}))
    )
    assert "存为数字" in errors[0].message
    _r, errors = services.import_certifications(
        actor=province_user(), fileobj=SimpleUploadedFile("a.xlsx", b"%PDF-1.4 not excel")
    )
    assert errors[0].row == 0 and "XLSX" in errors[0].message


def test_only_the_province_imports():
    cert = CertificationFactory()
    from .factories import city_of

    with pytest.raises(NotAllowed):
        services.import_certifications(actor=city_of(cert), fileobj=workbook(row()))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-11-20", datetime.date(2023, 11, 20)),
        ("2023/1/2", datetime.date(2023, 1, 2)),
        ("2023年11月20日", datetime.date(2023, 11, 20)),
        (45250, datetime.date(2023, 11, 20)),
        (datetime.datetime(2023, 11, 20, 0, 0), datetime.date(2023, 11, 20)),
    ],
)
def test_dates_in_the_forms_officials_type(value, expected):
    assert parse_date(value) == expected


def test_an_impossible_date_is_explained():
    with pytest.raises(ValueError, match="不是有效日期"):
        parse_date("2023-02-30")
