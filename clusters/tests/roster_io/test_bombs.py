"""Hostile spreadsheets: millions of blank rows, inflated XML, oversized uploads. Each is refused with a
Chinese message, and the import never holds the application's row lock while reading the file."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clusters import services
from clusters.roster_io import MAX_ROWS_READ, parse_roster
from clusters.tests.roster_io.helpers import make_code, make_xlsx

from ..factories import application_in_state


def _with_blank_rows(n: int, numbered: bool = True) -> bytes:
    """A real roster (header and one enterprise) followed by n blank rows, as a hostile writer produces it
    (numbered `<row r="…"/>`, or bare `<row/>` that compress to almost nothing)."""
    base = make_xlsx([["某企业", make_code(1), "是", "", "", "", "", 10]])
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                blank = "".join(f'<row r="{i}"/>' for i in range(3, 3 + n)) if numbered else "<row/>" * n
                text = re.sub(r"<dimension[^>]*/>", "", text).replace("</sheetData>", blank + "</sheetData>")
                data = text.encode()
            dst.writestr(item, data)
    return out.getvalue()


def test_three_million_blank_rows_in_a_small_file_are_refused_before_opening():
    hostile = _with_blank_rows(3_000_000, numbered=False)
    assert len(hostile) < 500 * 1024  # like the 436 KB file that took the site down
    rows, errors = parse_roster(SimpleUploadedFile("r.xlsx", hostile))
    assert rows == [] and len(errors) == 1 and "压缩比" in errors[0].message


def test_every_row_read_counts_blank_rows_included():
    rows, errors = parse_roster(SimpleUploadedFile("r.xlsx", _with_blank_rows(MAX_ROWS_READ + 10)))
    assert rows == [] and len(errors) == 1 and str(MAX_ROWS_READ) in errors[0].message


def test_blank_rows_within_the_limit_still_import():
    rows, errors = parse_roster(SimpleUploadedFile("r.xlsx", _with_blank_rows(100)))
    assert errors == [] and len(rows) == 1


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_by_the_form(client):
    from clusters.forms import RosterImportForm

    big = SimpleUploadedFile("r.xlsx", b"PK\x03\x04" + b"0" * (6 * 1024 * 1024))
    form = RosterImportForm(files={"file": big})
    assert not form.is_valid() and "MB" in form.errors["file"][0]


@pytest.mark.django_db
def test_the_file_is_parsed_before_the_row_lock(monkeypatch):
    from clusters.constants import ApplicationState as S
    from clusters.services import drafting

    app = application_in_state(S.DRAFT)
    owner = app.applicant.users.first()
    order = []
    real_parse, real_lock = drafting.roster_io.parse_roster, drafting.lock_for_edit
    monkeypatch.setattr(drafting.roster_io, "parse_roster", lambda f: (order.append("parse"), real_parse(f))[1])
    monkeypatch.setattr(drafting, "lock_for_edit", lambda *a, **k: (order.append("lock"), real_lock(*a, **k))[1])
    count, errors = services.roster_import(
        application=app, actor=owner, fileobj=SimpleUploadedFile("r.xlsx", _with_blank_rows(10))
    )
    assert errors == [] and count == 1
    assert order == ["parse", "lock"]
