"""Private files of revocation cases, change reports and re-reviews (evidence, materials): checked by content,
stored under random names, hidden (never deleted) on removal."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import transitions
from core.exceptions import ServiceError
from core.filetypes import check_upload
from core.storage import original_name, remove_quietly, sha256_of
from monitoring.models import LifecycleFile

MAX_FILES = 20


def file_store(*, parent_field: str, parent, actor, uploaded_file, description: str = "") -> LifecycleFile:
    """Store one upload for `parent` (set as `parent_field`: "case", "change_report" or "rereview"). The caller
    has locked the parent and checked its predicate, inside its transaction."""
    if uploaded_file is None:
        raise ServiceError("请选择要上传的文件。", errors={"file": ["请选择要上传的文件。"]})
    if LifecycleFile.objects.filter(**{parent_field: parent}, removed_at__isnull=True).count() >= MAX_FILES:
        raise ServiceError(f"每项最多上传 {MAX_FILES} 个文件。", errors={"file": [f"最多 {MAX_FILES} 个文件。"]})
    try:
        file_type = check_upload(uploaded_file, settings.ATTACHMENT_MAX_MB * 1024 * 1024)
    except ValidationError as exc:
        raise ServiceError(transitions.validation_message(exc), errors={"file": exc.messages}) from exc
    item = LifecycleFile(
        **{parent_field: parent},
        original_name=original_name(uploaded_file),
        description=(description or "").strip()[:200],
        file_type=file_type,
        size=uploaded_file.size,
        sha256=sha256_of(uploaded_file),
        uploaded_by=actor,
    )
    try:
        with transaction.atomic():
            item.file.save(item.original_name, uploaded_file, save=False)
            item.save()
    except Exception:
        remove_quietly(item.file)
        raise
    return item


def file_hide(*, parent_field: str, parent, file_id) -> None:
    """Hide a file from a record still being drafted; the stored file stays."""
    try:
        file_id = int(file_id)
    except (TypeError, ValueError):
        raise ServiceError("该文件不存在或已移除。") from None
    updated = LifecycleFile.objects.filter(**{parent_field: parent}, pk=file_id, removed_at__isnull=True).update(
        removed_at=timezone.now()
    )
    if not updated:
        raise ServiceError("该文件不存在或已移除。")


def file_rows(files) -> list[dict]:
    """The files as a frozen snapshot lists them."""
    return [
        {"id": f.pk, "name": f.original_name, "description": f.description, "sha256": f.sha256, "size": f.size}
        for f in files
    ]
