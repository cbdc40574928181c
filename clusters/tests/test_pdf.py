"""The submitted application as a PDF with embedded Chinese fonts (WeasyPrint + clusters/pdf/application.html)."""

import re

import pytest
from pypdf import PdfReader

from clusters import services
from clusters.constants import ApplicationState
from clusters.tests.factories import application_in_state
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


def _text(path) -> str:
    reader = PdfReader(path)
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))


def _font_names(path) -> set[str]:
    names = set()
    for page in PdfReader(path).pages:
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
    path = services.pdf_dir() / version.pdf_name
    assert path.exists()

    text = _text(path)

    assert application.cluster.name in text
    missing = [title for title in SECTION_TITLES if title not in text]
    assert not missing, f"section titles missing from the PDF: {missing}"
    assert "苏州市昆山市" in text
    assert version.snapshot["enterprises"][0]["credit_code"] in text
    fonts = _font_names(path)
    assert any(name.startswith("embedded:") and ("CJK" in name or "WenQuanYi" in name) for name in fonts), fonts


def test_render_is_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = application_in_state(ApplicationState.COUNTY_REVIEW)
    version = application.versions.get()
    first = version.pdf_name
    assert first

    again = services.version_render_pdf(version=version)

    assert again.pdf_name == first
    assert sorted(p.name for p in services.pdf_dir().iterdir()) == [first]
