"""A draft's uploaded files: stored in private storage under random names after their real type is
checked; removal only hides a file (a submitted version may list it)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clusters.models import Attachment
from core.exceptions import ServiceError
from core.filetypes import check_upload
from core.storage import original_name, remove_quietly, sha256_of
from core.transitions import validation_message

from .drafting import bump, lock_for_edit


def attachment_upload(
    *, application, actor, uploaded_file, requirement=None, purpose=Attachment.PURPOSE_REQUIRED
) -> Attachment:
    """Store an upload under a random name after checking its real type by content."""
    if purpose not in dict(Attachment.PURPOSES):
        raise ServiceError("附件用途无效。")
    if purpose == Attachment.PURPOSE_REQUIRED and requirement is None:
        raise ServiceError("请选择这份文件对应的申报材料。")
    max_bytes = settings.ATTACHMENT_MAX_MB * 1024 * 1024
    try:
        file_type = check_upload(uploaded_file, max_bytes)
    except ValidationError as exc:
        raise ServiceError(validation_message(exc), errors={"file": exc.messages}) from exc
    if requirement is not None and requirement.call_id != application.call_id:
        raise ServiceError("材料要求不属于本申报批次。")
    with transaction.atomic():
        locked = lock_for_edit(application, actor)
        attachment = Attachment(
            application=locked,
            requirement=requirement,
            purpose=purpose,
            original_name=original_name(uploaded_file),
            file_type=file_type,
            size=uploaded_file.size,
            sha256=sha256_of(uploaded_file),
            uploaded_by=actor,
        )
        try:
            # The name is random (AreaUploadTo); the extension follows the checked type, not the upload's name.
            attachment.file.save(attachment.original_name, uploaded_file, save=False)
            attachment.save()
            bump(locked)
        except Exception:
            remove_quietly(attachment.file)
            raise
    return attachment


def attachment_remove(*, application, actor, attachment_id):
    """Hide an attachment from the draft; the file stays, since a submitted version may list it."""
    with transaction.atomic():
        locked = lock_for_edit(application, actor)
        updated = Attachment.objects.filter(application=locked, pk=attachment_id, removed_at__isnull=True).update(
            removed_at=timezone.now()
        )
        if not updated:
            raise ServiceError("该附件不存在或已移除。")
        bump(locked)
