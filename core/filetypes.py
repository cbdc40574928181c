"""What an uploaded file really is, from its content (magic bytes), never from its name or declared type.

Knows no app. `check_upload` is what upload forms call; `sniff` is the detector underneath.
"""

from __future__ import annotations

import io
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED_TYPES: frozenset[str] = frozenset({"pdf", "jpg", "png", "docx", "xlsx"})

CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# canonical file-name extension, with the dot, for naming stored or downloaded files
EXTENSIONS: dict[str, str] = {"pdf": ".pdf", "jpg": ".jpg", "png": ".png", "docx": ".docx", "xlsx": ".xlsx"}
LABELS: dict[str, str] = {"pdf": "PDF", "jpg": "JPG", "png": "PNG", "docx": "DOCX", "xlsx": "XLSX"}
_ORDER = ("pdf", "jpg", "png", "docx", "xlsx")

_PDF = b"%PDF-"
_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"
_ZIP = b"PK\x03\x04"
_HEAD = 8
_CONTENT_TYPES_XML = "[Content_Types].xml"
_CONTENT_TYPES_READ_LIMIT = 256 * 1024  # [Content_Types].xml is a few KB; never inflate a bomb

MB = 1024 * 1024


def sniff(fileobj_or_bytes) -> str | None:
    """ "pdf", "jpg", "png", "docx" or "xlsx" from the content, or None for anything else.

    Accepts bytes or a binary file object (a Django UploadedFile works). A file is read from its start and its
    position is restored afterwards. Office files need a seekable file (zip central directory).
    """
    if isinstance(fileobj_or_bytes, bytes | bytearray | memoryview):
        data = bytes(fileobj_or_bytes)
        head = data[:_HEAD]
        return _from_head(head) or (_office_type(io.BytesIO(data)) if head.startswith(_ZIP) else None)

    f = fileobj_or_bytes
    position = f.tell()
    try:
        f.seek(0)
        head = f.read(_HEAD) or b""
        kind = _from_head(head)
        if kind is None and head.startswith(_ZIP):
            f.seek(0)
            kind = _office_type(f)
        return kind
    finally:
        f.seek(position)


def _from_head(head: bytes) -> str | None:
    if head.startswith(_PDF):
        return "pdf"
    if head.startswith(_JPEG):
        return "jpg"
    if head.startswith(_PNG):
        return "png"
    return None


def _office_type(f) -> str | None:
    """ "docx" or "xlsx" for an OOXML package, None for any other zip (including macro-enabled documents)."""
    try:
        with zipfile.ZipFile(f) as archive:
            names = set(archive.namelist())
            if _CONTENT_TYPES_XML not in names:
                return None
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None  # .docm / .xlsm renamed: macros are not accepted
            with archive.open(_CONTENT_TYPES_XML) as part:
                content_types = part.read(_CONTENT_TYPES_READ_LIMIT)
    except Exception:  # noqa: BLE001 - BadZipFile, encryption, unsupported compression, truncation…
        return None
    if b"macroEnabled" in content_types:
        return None
    is_docx = "word/document.xml" in names
    is_xlsx = "xl/workbook.xml" in names
    if is_docx and not is_xlsx:
        return "docx"
    if is_xlsx and not is_docx:
        return "xlsx"
    return None


def format_size(n: int) -> str:
    """Bytes for people: "23.4 MB", "512 KB", "20 MB" (rounded up to one decimal, so never under the truth)."""
    for unit, scale in (("MB", MB), ("KB", 1024)):
        if n >= scale:
            tenths = -(-n * 10 // scale)  # ceil
            whole, decimal = divmod(tenths, 10)
            return f"{whole} {unit}" if decimal == 0 else f"{whole}.{decimal} {unit}"
    return f"{n} 字节"


def _size_of(uploaded_file) -> int:
    size = getattr(uploaded_file, "size", None)
    if size is not None:
        return size
    position = uploaded_file.tell()
    uploaded_file.seek(0, io.SEEK_END)
    size = uploaded_file.tell()
    uploaded_file.seek(position)
    return size


def allowed_labels(allowed=ALLOWED_TYPES) -> str:
    """ "PDF、JPG、PNG" for a set of type names, in a fixed order."""
    return "、".join(LABELS[kind] for kind in _ORDER if kind in allowed)


def check_upload(uploaded_file, max_bytes: int, allowed=ALLOWED_TYPES) -> str:
    """The real type of an upload, or ValidationError (size over `max_bytes`, empty, or a type not in `allowed`).

    The file's position is left where it was.
    """
    size = _size_of(uploaded_file)
    if size == 0:
        raise ValidationError(_("文件为空（0 字节），请重新选择文件。"), code="file_empty")
    if size > max_bytes:
        raise ValidationError(
            _("文件大小为 %(size)s，超过 %(limit)s 的上限。")
            % {"size": format_size(size), "limit": format_size(max_bytes)},
            code="file_too_large",
        )
    kind = sniff(uploaded_file)
    if kind is None or kind not in allowed:
        raise ValidationError(
            _("文件内容不是允许的类型（%(types)s），请勿仅修改扩展名。") % {"types": allowed_labels(allowed)},
            code="file_type",
        )
    return kind
