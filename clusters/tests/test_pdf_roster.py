"""The application PDF with a large roster (issue #17): 300 enterprises render, every one of them listed, each
credit code on one line. The roster is fixed-pitch text (core.pdf.pitch_table: one line box per printed line,
columns aligned on a half-em grid) because WeasyPrint spends about half a millisecond on every table cell; no
timing is asserted (`make bench` measures it), but the columns must line up in the PDF itself."""

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from accounts.tests.factories import make_credit_code
from clusters import services
from clusters.constants import ApplicationState
from clusters.services.documents import ROSTER_COLUMNS, roster_lines
from clusters.tests.factories import application_in_state
from core.pdf import _char_width, cjk_font_installed, pitch_table

pytestmark = pytest.mark.django_db

ROWS = 300


@pytest.fixture(autouse=True)
def _cjk_font():
    if not cjk_font_installed():
        pytest.fail("No Simplified Chinese font found by fontconfig: apt-get install -y fonts-noto-cjk")


def _flat(outline):
    for item in outline:
        yield from _flat(item) if isinstance(item, list) else [item]


def _render(rows):
    application = application_in_state(ApplicationState.COUNTY_REVIEW)
    version = application.versions.get()
    assert not version.pdf  # the task runs after commit, which a test transaction never reaches
    row = version.snapshot["enterprises"][0]
    # The roster as the snapshot of a large application holds it (in memory: a version is frozen).
    version.snapshot["enterprises"] = [{**row, **r} for r in rows]
    version = services.version_render_pdf(version=version)
    with version.pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    return version, data


def test_application_pdf_with_300_roster_rows():
    version, data = _render(
        {"name": f"名册企业{i:03d}有限公司", "credit_code": make_credit_code(50_000_000 + i), "employees": str(i)}
        for i in range(ROWS)
    )

    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    assert f"共 {ROWS} 家企业" in re.sub(r"\s+", " ", text)
    names = set(re.findall(r"名册企业(\d{3})有限公司", text))
    assert len(names) == ROWS
    codes = [e["credit_code"] for e in version.snapshot["enterprises"]]
    assert all(code in text for code in codes)  # each code unbroken: its column is wide enough
    # Every row in full and in order: its number, name, code, 是/否, certificate and employees on one line.
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    row_lines = [line for line in lines if re.match(r"^\d+ 名册企业\d{3}有限公司 ", line)]
    assert len(row_lines) == ROWS
    for i, line in enumerate(row_lines):
        e = version.snapshot["enterprises"][i]
        assert re.match(rf"^{i + 1} 名册企业{i:03d}有限公司 {e['credit_code']} 是 专精特新中小企业.*?{i}$", line), line
    assert len(reader.pages) > ROWS // 40  # about 38 roster rows a page
    # One family, embedded: no fallback font for the page header and footer (they once fell back to DejaVu Serif
    # and the Japanese cut of Noto), nor for the roster.
    fonts = {str(f.get_object()["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert {re.sub(r"^/[A-Z]{6}\+", "", f) for f in fonts} == {"Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"}, fonts
    # The section titles stay bookmarks (WeasyPrint's full user-agent stylesheet is not used: core.pdf.LEAN_UA_CSS).
    titles = [item.title for item in _flat(reader.outline)]
    assert "三、企业名册" in titles and "九、申报材料清单" in titles


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils) for word positions")
def test_roster_columns_line_up_in_the_pdf():
    rows = []
    for i in range(60):
        name = f"名册企业{i:03d}有限公司"
        if i % 7 == 0:  # wider than its column: wraps onto a second line
            name = f"江苏名册{i:03d}智能装备科技股份有限公司（苏州）—分公司"
        rows.append(
            {
                "name": name,
                "credit_code": make_credit_code(60_000_000 + i),
                "employees": "" if i % 5 == 0 else str(1000 * i),  # "—" when unknown: not a whole number of cells
                "champion_cert": f"GJ-{i}" if i % 3 == 0 else "",
                "giant_cert": f"XJR-{i}" if i % 2 == 0 else "",
                "in_lead_industry": i % 4 != 0,
            }
        )
    version, data = _render(rows)

    words = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=data, capture_output=True, check=True).stdout
    boxes = [
        (float(x0), float(x1), float(y1), word)
        for x0, x1, y1, word in re.findall(
            rb'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', words
        )
    ]
    codes = {e["credit_code"].encode() for e in version.snapshot["enterprises"]}
    code_boxes = [b for b in boxes if b[3] in codes]
    assert len(code_boxes) == len(codes)
    starts = {round(x0, 2) for x0, _x1, _y, _w in code_boxes}
    assert len(starts) == 1, starts  # every code starts at the same x
    # The employees column is right-aligned: the numbers on the rows' first lines end at the same x.
    first_lines = {y for _x0, _x1, y, _w in code_boxes}
    ends = {round(x1, 2) for _x0, x1, y, w in boxes if y in first_lines and re.fullmatch(rb"\d{1,3}(,\d{3})+", w)}
    assert len(ends) == 1, ends
    # Every printed piece of every row is in the text, wrapped names included.
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    for row_text in roster_lines(version.snapshot["enterprises"])["rows"]:
        assert all(token in text for token in row_text.split()), row_text


def test_pitch_table_aligns_columns_on_the_half_em_grid():
    columns = [(4, "left"), (10, "left"), (6, "right")]
    rows = [
        ("1", "苏州A公司", "12"),
        ("20", "—", "—"),  # an em dash is 0.894 em: a tab snaps the next column back to the grid
        ("300", "很长很长的企业名称有限公司", "1,000"),  # 26 half-ems: wraps in a 10-wide column
        ("4", ["甲（GJ-1）", "乙"], ""),  # a cell of two lines
    ]

    texts = pitch_table(rows, columns)

    def starts(line):
        """Half-em offsets where each run of non-spaces starts, as the PDF lays the line out."""
        out, x, previous = [], 0, " "
        for char in line:
            if char == "\t":
                x = (x // 500 + 1) * 500
            else:
                if char != " " and previous in " \t":
                    out.append(x / 500)
                x += _char_width(char)
            previous = char
        return out, x / 500

    first, width = starts(texts[0])
    assert first == [0, 6, 22] and width == 24  # 4 + gap 2 + 10 + gap 2 + 6, "12" ending at the right edge
    assert starts(texts[1])[0] == [0, 6, 22]  # "—" is 0.894 em: a tab snaps back to the grid after it
    wrapped = texts[2].split("\n")
    assert starts(wrapped[0])[0] == [0, 6, 19] and [starts(line)[0] for line in wrapped[1:]] == [[6], [6]]
    assert "".join(line.split()[1] for line in wrapped[:1]) + "".join(w.strip() for w in wrapped[1:]) == (
        "很长很长的企业名称有限公司"
    )
    assert texts[3].split("\n")[0].split()[:2] == ["4", "甲（GJ-1）"]
    assert starts(texts[3].split("\n")[1])[0] == [6] and texts[3].split("\n")[1].strip() == "乙"


def test_roster_lines_header_and_empty_roster():
    empty = roster_lines([])
    assert empty["rows"] == []
    assert empty["header"].split() == [label for label, _width, _align in ROSTER_COLUMNS]
