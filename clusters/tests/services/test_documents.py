"""The submitted application as a PDF with embedded Chinese fonts (WeasyPrint + clusters/pdf/application.html)."""

import io
import re

import pytest
from pypdf import PdfReader

from clusters import services
from clusters.constants import ApplicationState
from clusters.tests.factories import application_in_state
from clusters.tests.helpers import stored_files
from core.pdf import cjk_font_installed

pytestmark = pytest.mark.django_db

SECTION_TITLES = [
    "基本信息",
    "经济数据",
    "企业名册",
    "创新与合作",
    "数字化与绿色化",
    "运营管理与发展规划",
    "承诺声明",
    "资格自评",
    "申报材料",
]


@pytest.fixture(autouse=True)
def _cjk_font():
    # A missing font renders every Chinese character as a box: that is a broken install, not a reason to skip.
    if not cjk_font_installed():
        pytest.fail("No Simplified Chinese font found by fontconfig: apt-get install -y fonts-noto-cjk")


def _text(field_file) -> str:
    with field_file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))


def _font_names(field_file) -> set[str]:
    names = set()
    with field_file.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    for page in pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont", "")))
            for descendant in font.get("/DescendantFonts", []) or []:
                descendant = descendant.get_object()
                descriptor = descendant.get("/FontDescriptor")
                if descriptor is not None and any(k in descriptor.get_object() for k in ("/FontFile2", "/FontFile3")):
                    names.add("embedded:" + str(descendant.get("/BaseFont", "")))
    return names


def test_submitted_version_pdf_has_the_cluster_name_and_chinese_sections(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = application_in_state(ApplicationState.COUNTY_REVIEW)
    version = application.versions.get()
    version = services.version_render_pdf(version=version)  # idempotent: keeps the file the task wrote
    assert version.pdf.storage.exists(version.pdf.name)

    text = _text(version.pdf)

    assert application.cluster.name in text
    missing = [title for title in SECTION_TITLES if title not in text]
    assert not missing, f"section titles missing from the PDF: {missing}"
    assert "苏州市昆山市" in text
    assert version.snapshot["enterprises"][0]["credit_code"] in text
    fonts = _font_names(version.pdf)
    assert any(name.startswith("embedded:") and ("CJK" in name or "WenQuanYi" in name) for name in fonts), fonts


def test_render_is_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = application_in_state(ApplicationState.COUNTY_REVIEW)
    version = application.versions.get()
    first = version.pdf.name
    assert first

    again = services.version_render_pdf(version=version)

    assert again.pdf.name == first
    assert stored_files("pdf") == [first.removeprefix("pdf/")]


def test_a_pdf_whose_file_is_gone_is_rendered_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = application_in_state(ApplicationState.COUNTY_REVIEW)
    version = application.versions.get()
    lost = version.pdf.name
    version.pdf.storage.delete(lost)

    again = services.version_render_pdf(version=version)

    assert again.pdf.name != lost and again.pdf.storage.exists(again.pdf.name)
    version.refresh_from_db()
    assert version.pdf.name == again.pdf.name and version.pdf_generated_at is not None
    assert stored_files("pdf") == [again.pdf.name.removeprefix("pdf/")]
