"""The expert pool's Excel import: a template to download, every row validated first, all rows or none, errors by
row and column on the page, never a 500 for a file that is not an xlsx, province staff only."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.constants import Role
from accounts.models import Invitation, Organisation, User
from accounts.tests.factories import KUNSHAN, NANJING, SUZHOU, OrganisationFactory, UserFactory, division
from clusters.models import IndustryTag
from clusters.tests.factories import authority_user
from core.models import AuditEvent, OutboundEmail
from reviews.models import ExpertProfile
from reviews.services import expert_import, expert_import_io
from reviews.tests.factories import expert
from reviews.tests.views.helpers import text_of

pytestmark = pytest.mark.django_db

HEADER = ["用户名", "姓名", "手机号", "电子邮箱", "工作单位", "工作单位统一社会信用代码", "所在设区市", "职称/职务"]
HEADER += ["专业领域", "专业关键词", "是否启用", "每批次评审上限"]


def xlsx(rows, header=HEADER, leading=()) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    for line in leading:
        ws.append(line)
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "专家.xlsx"
    return out


def row(username, name="王专家", phone="13900001111", email=None, employer="南京大学", city=None, **extra):
    values = {
        "title": "教授",
        "specialities": "",
        "keywords": "集成电路",
        "active": "是",
        "max_assignments": 10,
        "credit_code": "",
        **extra,
    }
    return [
        username,
        name,
        phone,
        email if email is not None else f"{username}@example.cn",
        employer,
        values["credit_code"],
        city or division(NANJING).name,
        values["title"],
        values["specialities"],
        values["keywords"],
        values["active"],
        values["max_assignments"],
    ]


def upload(client, fileobj):
    return client.post(reverse("reviews:expert_import"), {"file": fileobj})


def test_the_template_downloads_with_chinese_headers_and_the_allowed_values(client, province):
    IndustryTag.objects.create(kind="key_chain", name="集成电路")
    client.force_login(province)
    page = client.get(reverse("reviews:expert_import"))
    assert page.status_code == 200 and reverse("reviews:expert_import_template") in page.content.decode()
    assert reverse("reviews:expert_import") in client.get(reverse("reviews:expert_pool")).content.decode()
    response = client.get(reverse("reviews:expert_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["专家名单", "示例", "可选值"]
    rows = list(wb["专家名单"].iter_rows(values_only=True))
    assert [h for _k, h, _w, _kind in expert_import.COLUMNS] in [list(r) for r in rows[:3]]
    allowed = [c for r in wb["可选值"].iter_rows(values_only=True) for c in r]
    assert division(NANJING).name in allowed and "集成电路" in allowed
    # the template as downloaded (no data rows) is refused with a clear message, not imported
    response = upload(client, io.BytesIO(response.content))
    assert response.status_code == 400 and "文件中没有专家数据" in text_of(response)


def test_a_good_file_creates_every_expert_invites_them_and_audits_once(client, province):
    tag = IndustryTag.objects.create(kind="key_chain", name="集成电路")
    client.force_login(province)
    suzhou = division(SUZHOU).name
    rows = [
        row("expert-a", "甲专家", specialities="集成电路"),
        row("expert-b", "乙专家", employer="新设研究院", credit_code="", city=suzhou.removesuffix("市")),
        row("expert-c", "丙专家", employer="新设研究院", phone=13800002222, active="否", max_assignments=""),
    ]
    response = upload(client, xlsx(rows, leading=[["江苏省评审专家名单"]]))
    assert response.status_code == 302 and response["Location"] == reverse("reviews:expert_pool")
    profiles = {p.user.username: p for p in ExpertProfile.objects.select_related("user__organisation", "city")}
    assert set(profiles) == {"expert-a", "expert-b", "expert-c"}
    a, b, c = profiles["expert-a"], profiles["expert-b"], profiles["expert-c"]
    assert a.user.role == Role.EXPERT and a.city_id == NANJING and list(a.specialities.all()) == [tag]
    assert b.city_id == SUZHOU and b.user.organisation == c.user.organisation  # one new employer, not two
    assert Organisation.objects.filter(name="新设研究院").count() == 1
    assert c.user.phone == "13800002222" and c.active is False and c.max_assignments == 20
    for p in profiles.values():
        assert not p.user.has_usable_password()
    assert Invitation.objects.filter(user__username__in=profiles).count() == 3
    assert OutboundEmail.objects.filter(to="expert-a@example.cn").exists()
    events = AuditEvent.objects.filter(event="expert_import")
    assert events.count() == 1 and "新增 3 名，更新 0 名" in events.get().detail


def test_an_existing_username_updates_that_expert_and_blank_cells_keep_their_values(client, province):
    existing = expert(city_code=NANJING, title="研究员", max_assignments=5)
    user = existing.user
    client.force_login(province)
    line = row(user.username.upper(), name="", phone="", email="", employer="", city=division(SUZHOU).name)
    line[7] = ""  # 职称/职务 left blank
    response = upload(client, xlsx([line]))
    assert response.status_code == 302
    existing.refresh_from_db()
    user.refresh_from_db()
    assert existing.city_id == SUZHOU and existing.max_assignments == 10 and existing.title == "研究员"
    assert user.full_name and user.phone == "13812341234" and user.has_usable_password()
    assert ExpertProfile.objects.count() == 1 and not Invitation.objects.exists()
    assert "更新 1 名" in AuditEvent.objects.get(event="expert_import").detail


def test_one_bad_row_creates_nothing_and_every_problem_is_listed_by_row_and_column(client, province):
    staff = UserFactory(role=Role.APPLICANT, organisation=OrganisationFactory())
    client.force_login(province)
    rows = [
        row("good-1"),
        row("good-2", phone="12345"),  # Excel row 3
        row("good-1", name="重复"),  # row 4: the same username again
        row("bad city", city="上海市", max_assignments=500),  # row 5
        row(staff.username),  # row 6: an applicant's account
        row("no-mail", email=""),  # row 7: a new expert needs an e-mail for the invitation
    ]
    response = upload(client, xlsx(rows))
    assert response.status_code == 400
    body = text_of(response)
    assert "未导入" in body
    html = response.content.decode()
    assert '<th scope="col">行</th><th scope="col">列</th><th scope="col">问题</th>' in html
    errors = {(e.row, e.column) for e in expert_import.import_experts(fileobj=xlsx(rows), actor=province).errors}
    assert {
        (3, "手机号"),
        (4, "用户名"),
        (5, "所在设区市"),
        (5, "每批次评审上限"),
        (6, "用户名"),
        (7, "电子邮箱"),
    } <= errors
    assert (2, "用户名") not in errors
    assert "第3行" in body and "请填写正确的电话号码" in body and "与第2行的用户名重复" in body
    assert "不是江苏省的设区市" in body and "非专家账号" in body and "用于发送设置密码的邀请" in body
    assert not ExpertProfile.objects.exists() and not User.objects.filter(username="good-1").exists()
    assert not Organisation.objects.filter(name="南京大学").exists()
    assert not AuditEvent.objects.filter(event="expert_import").exists()


@pytest.mark.parametrize(
    "content",
    [
        b"username,full_name\nx,y\n",  # a CSV renamed .xlsx
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,  # an old .xls
        b"",
        "zip",  # a zip that is not a workbook
    ],
)
def test_a_file_that_is_not_an_xlsx_gets_a_message_never_a_500(client, province, content):
    if content == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
        content = buffer.getvalue()
    client.force_login(province)
    fileobj = io.BytesIO(content)
    fileobj.name = "专家.xlsx"
    response = upload(client, fileobj)
    assert response.status_code == 400
    assert "不是有效的 Excel（.xlsx）文件" in text_of(response)
    assert not ExpertProfile.objects.exists()


def test_no_file_and_a_sheet_without_headers_are_refused_with_a_message(client, province):
    client.force_login(province)
    response = client.post(reverse("reviews:expert_import"), {})
    assert response.status_code == 400 and "请选择要导入的 Excel 文件" in text_of(response)
    response = upload(client, xlsx([["a", "b"]], header=["名字", "电话"]))
    assert response.status_code == 400 and "找不到表头" in text_of(response)


def test_a_sheet_of_endless_blank_rows_is_refused(client, province, monkeypatch):
    monkeypatch.setattr(expert_import_io, "MAX_ROWS_READ", 50)
    client.force_login(province)
    lines = [row(f"e{i}") if i == 0 else [None] * 11 + [" "] for i in range(60)]
    response = upload(client, xlsx(lines))
    assert response.status_code == 400 and "文件行数超过 50 行" in text_of(response)
    assert not ExpertProfile.objects.exists()


@pytest.mark.parametrize("role", [Role.CITY, Role.COUNTY, Role.EXPERT, Role.APPLICANT])
def test_only_province_staff_may_import(client, role):
    if role in (Role.CITY, Role.COUNTY):
        user = authority_user(role, division(KUNSHAN))
    else:
        user = UserFactory(role=role, organisation=OrganisationFactory())
    client.force_login(user)
    for name in ("reviews:expert_import", "reviews:expert_import_template"):
        assert client.get(reverse(name)).status_code == 404
    assert upload(client, xlsx([row("sneaky")])).status_code == 404
    assert not ExpertProfile.objects.exists()
