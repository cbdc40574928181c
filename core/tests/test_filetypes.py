import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from openpyxl import Workbook

from core.filetypes import ALLOWED_TYPES, CONTENT_TYPES, EXTENSIONS, check_upload, format_size, sniff

MB = 1024 * 1024

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# the smallest JFIF header a camera or editor writes
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1 grey
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )


def docx_bytes(extra: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, text in (extra or {}).items():
            archive.writestr(name, text)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    wb = Workbook()
    wb.active.append(["企业名称"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
        archive.writestr("word/document.xml", "no content types here")
    return buffer.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\0" * 200


def test_tables_cover_the_allowed_types():
    assert ALLOWED_TYPES == {"pdf", "jpg", "png", "docx", "xlsx"}
    assert set(CONTENT_TYPES) == set(EXTENSIONS) == ALLOWED_TYPES
    assert CONTENT_TYPES["pdf"] == "application/pdf" and CONTENT_TYPES["jpg"] == "image/jpeg"
    assert EXTENSIONS["jpg"] == ".jpg" and EXTENSIONS["xlsx"] == ".xlsx"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, "pdf"),
        (JPEG, "jpg"),
        (png_bytes(), "png"),
        (docx_bytes(), "docx"),
        (xlsx_bytes(), "xlsx"),
        (EXE, None),
        (plain_zip(), None),
        (b"", None),
        (b"PK\x03\x04 truncated zip", None),
        (b"plain text", None),
        (docx_bytes({"word/vbaProject.bin": "macro"}), None),
    ],
)
def test_sniff_bytes_and_files(content, expected):
    assert sniff(content) == expected
    assert sniff(io.BytesIO(content)) == expected
    assert sniff(SimpleUploadedFile("whatever.pdf", content)) == expected


@pytest.mark.parametrize("content", [PDF, docx_bytes(), xlsx_bytes(), plain_zip(), EXE])
def test_sniff_restores_the_file_position(content):
    f = io.BytesIO(content)
    f.seek(3)
    sniff(f)
    assert f.tell() == 3
    upload = SimpleUploadedFile("a.bin", content)
    sniff(upload)
    assert upload.tell() == 0
    assert upload.read() == content


def test_sniff_reads_from_the_start_whatever_the_position():
    f = io.BytesIO(xlsx_bytes())
    f.seek(100)
    assert sniff(f) == "xlsx"
    assert f.tell() == 100


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("申报书.pdf", PDF, "pdf"),
        ("照片.jpeg", JPEG, "jpg"),
        ("截图.png", png_bytes(), "png"),
        ("说明.docx", docx_bytes(), "docx"),
        ("名册.xlsx", xlsx_bytes(), "xlsx"),
        ("名字不对.pdf", xlsx_bytes(), "xlsx"),  # the content decides, not the name
    ],
)
def test_check_upload_accepts(name, content, expected):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    assert check_upload(upload, max_bytes=20 * MB) == expected
    assert upload.tell() == 0


def test_check_upload_with_a_temporary_upload():
    upload = TemporaryUploadedFile("大文件.pdf", "application/pdf", len(PDF), None)
    try:
        upload.write(PDF)
        upload.seek(0)
        assert check_upload(upload, max_bytes=MB) == "pdf"
        assert upload.read() == PDF
    finally:
        upload.close()


def test_exe_renamed_to_pdf_is_refused():
    upload = SimpleUploadedFile("申报书.pdf", EXE, content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        check_upload(upload, max_bytes=20 * MB)
    assert exc.value.code == "file_type"
    assert exc.value.messages == ["文件内容不是允许的类型（PDF、JPG、PNG、DOCX、XLSX），请勿仅修改扩展名。"]


def test_zip_that_is_neither_docx_nor_xlsx_is_refused():
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("材料.docx", plain_zip()), max_bytes=20 * MB)
    assert exc.value.code == "file_type"


def test_type_outside_the_allowed_subset_is_refused():
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("名册.xlsx", docx_bytes()), max_bytes=MB, allowed={"xlsx"})
    assert exc.value.messages == ["文件内容不是允许的类型（XLSX），请勿仅修改扩展名。"]
    assert check_upload(SimpleUploadedFile("名册.xlsx", xlsx_bytes()), max_bytes=MB, allowed={"xlsx"}) == "xlsx"


def test_oversize_is_refused():
    content = PDF + b"\0" * (int(23.4 * MB) - len(PDF))
    upload = SimpleUploadedFile("大.pdf", content)
    with pytest.raises(ValidationError) as exc:
        check_upload(upload, max_bytes=20 * MB)
    assert exc.value.code == "file_too_large"
    assert exc.value.messages == ["文件大小为 23.4 MB，超过 20 MB 的上限。"]


def test_one_byte_over_is_refused_and_exactly_the_limit_is_fine():
    limit = 1000
    assert check_upload(SimpleUploadedFile("a.pdf", PDF + b"\0" * (limit - len(PDF))), max_bytes=limit) == "pdf"
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile("a.pdf", PDF + b"\0" * (limit + 1 - len(PDF))), max_bytes=limit)


def test_empty_is_refused():
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("空.pdf", b""), max_bytes=20 * MB)
    assert exc.value.code == "file_empty"
    assert "为空" in exc.value.messages[0]


def test_format_size():
    assert format_size(20 * MB) == "20 MB"
    assert format_size(20 * MB + 1) == "20.1 MB"  # rounded up: never looks equal to the limit
    assert format_size(512 * 1024) == "512 KB"
    assert format_size(100) == "100 字节"
