"""The application PDF with a large roster (issue #17): 300 enterprises render, every one of them listed, each
credit code on one line. Its tables use a fixed layout with column widths from the template, so WeasyPrint does
not measure every cell to size the columns (no timing is asserted: `make bench` measures it)."""

import io
import re

import pytest
from pypdf import PdfReader

from accounts.tests.factories import make_credit_code
from clusters import services
from clusters.constants import ApplicationState
from clusters.tests.factories import application_in_state
from core.pdf import cjk_font_installed

pytestmark = pytest.mark.django_db

ROWS = 300


@pytest.fixture(autouse=True)
def _cjk_font():
    if not cjk_font_installed():
        pytest.fail("No Simplified Chinese font found by fontconfig: apt-get install -y fonts-noto-cjk")


def test_application_pdf_with_300_roster_rows():
    application = application_in_state(ApplicationState.COUNTY_REVIEW)
    version = application.versions.get()
    assert not version.pdf  # the task runs after commit, which a test transaction never reaches
    row = version.snapshot["enterprises"][0]
    # The roster as the snapshot of a 300-enterprise application holds it (in memory: a version is frozen).
    version.snapshot["enterprises"] = [
        {**row, "name": f"名册企业{i:03d}有限公司", "credit_code": make_credit_code(50_000_000 + i)}
        for i in range(ROWS)
    ]

    version = services.version_render_pdf(version=version)

    with version.pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    assert f"共 {ROWS} 家企业" in re.sub(r"\s+", " ", text)
    names = set(re.findall(r"名册企业(\d{3})有限公司", text))
    assert len(names) == ROWS
    codes = [e["credit_code"] for e in version.snapshot["enterprises"]]
    assert all(code in text for code in codes)  # each code unbroken: its column is wide enough
    assert len(reader.pages) > ROWS // 30  # about 20 roster rows a page
