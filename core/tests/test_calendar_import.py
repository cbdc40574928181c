"""The holiday schedule imported from Excel by province staff: every row checked, all or none."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from accounts.tests.factories import UserFactory
from core import workdays
from core.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

# The 2027 New Year and Spring Festival as a State Council notice would give them (test data).
GOOD = [
    (dt.date(2027, 1, 1), "放假", "元旦"),
    (dt.date(2027, 2, 8), "放假", "春节"),
    (dt.date(2027, 2, 9), "放假", "春节"),
    (dt.date(2027, 2, 10), "放假", "春节"),
    (dt.date(2027, 2, 11), "放假", "春节"),
    (dt.date(2027, 2, 12), "放假", "春节"),
    (dt.date(2027, 2, 6), "上班", "春节调休"),
]


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "类型", "说明"])
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("2027.xlsx", out.getvalue())


@pytest.fixture
def province_client(client):
    client.force_login(UserFactory(province=True))
    return client


def test_import_makes_the_year_computable(province_client):
    with pytest.raises(workdays.UnknownScheduleYear):
        workdays.nth_working_day(dt.date(2027, 2, 5), 5)
    response = province_client.post(
        reverse("core:calendar"),
        {"year": "2027", "source": "国务院办公厅关于2027年部分节假日安排的通知", "file": _xlsx(GOOD)},
    )
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2027).exists() and CalendarDay.objects.count() == len(GOOD)
    # Fri 5 Feb, makeup Sat 6 Feb, then the holiday week is skipped: the 3rd working day is Mon 15 Feb.
    assert workdays.nth_working_day(dt.date(2027, 2, 5), 3) == dt.date(2027, 2, 15)


def test_a_bad_row_imports_nothing_and_names_row_and_column(province_client):
    rows = [*GOOD, (dt.date(2027, 3, 1), "休假", ""), ("2027-13-01", "放假", ""), (dt.date(2027, 3, 6), "放假", "")]
    response = province_client.post(reverse("core:calendar"), {"year": "2027", "source": "通知", "file": _xlsx(rows)})
    body = response.content.decode()
    assert response.status_code == 400
    assert "第9行" in body and "类型" in body and "第10行" in body and "第11行" in body and "周末" in body
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()


def test_not_an_excel_file_and_missing_source_are_refused(province_client):
    bad = province_client.post(
        reverse("core:calendar"),
        {"year": "2027", "source": "通知", "file": SimpleUploadedFile("x.xlsx", b"not a zip")},
    )
    assert bad.status_code == 400 and "不是有效的 Excel" in bad.content.decode()
    nosource = province_client.post(reverse("core:calendar"), {"year": "2027", "source": "", "file": _xlsx(GOOD)})
    assert nosource.status_code == 400 and "依据" in nosource.content.decode()


def test_only_province_staff_reach_the_calendar(client):
    assert client.get(reverse("core:calendar")).status_code == 302
    client.force_login(UserFactory(city=True))
    assert client.get(reverse("core:calendar")).status_code == 404
    assert client.get(reverse("core:calendar_template")).status_code == 404


def test_the_template_opens_with_the_headers(province_client):
    from openpyxl import load_workbook

    response = province_client.get(reverse("core:calendar_template"))
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ["日期", "类型", "说明"] in [[c.value for c in row][:3] for row in ws.iter_rows()]
