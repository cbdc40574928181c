"""Guards for spreadsheets uploaded for import (rosters, expert pool, holiday schedules, legacy certificates).

An .xlsx is a zip of XML: a 400 KB upload can hold millions of blank rows or a huge shared-strings table. Each
import checks the archive before opening it (upload size, uncompressed size, compression ratio, shared strings)
and counts every row it reads, blank rows included, so that no upload can occupy a worker for minutes.
"""

import zipfile

from django.core.exceptions import ValidationError

MB = 1024 * 1024
MAX_UPLOAD_BYTES = 5 * MB
MAX_UNCOMPRESSED_BYTES = 60 * MB
MAX_SHARED_STRINGS_BYTES = 15 * MB
MAX_MEMBERS = 500
MAX_RATIO = 200  # uncompressed ÷ compressed of one member; real sheets stay well below


def check_archive(fileobj, *, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse an upload that is too big or whose XML would inflate far beyond a real sheet. Raises
    ValidationError with a message in Chinese; leaves the file positioned at its start."""
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, 2)
        size = fileobj.tell()
    fileobj.seek(0)
    if size > max_bytes:
        raise ValidationError(f"文件大小 {size / MB:.1f} MB 超过 {max_bytes // MB} MB 上限，请分批导入。")
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        fileobj.seek(0)
        raise ValidationError("文件不是有效的 Excel（.xlsx）文件，无法读取。") from exc
    fileobj.seek(0)
    if len(members) > MAX_MEMBERS:
        raise ValidationError("文件结构异常（包含过多内部文件），无法导入。")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ValidationError(
            f"文件解压后约 {total / MB:.0f} MB，超过 {MAX_UNCOMPRESSED_BYTES // MB} MB 上限（可能含有大量空白行），"
            "请删除空白行或分批导入。"
        )
    for member in members:
        if member.filename.endswith("sharedStrings.xml") and member.file_size > MAX_SHARED_STRINGS_BYTES:
            raise ValidationError("文件中的文字内容过多，超过导入上限，请分批导入。")
        if member.compress_size and member.file_size > MB and member.file_size / member.compress_size > MAX_RATIO:
            raise ValidationError("文件压缩比异常（可能含有大量空白行），无法导入。请删除空白行后重新保存。")
