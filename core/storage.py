"""Private files: uploads and generated documents, stored under random names outside static/."""

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .filetypes import EXTENSIONS


def private_dir(area: str) -> Path:
    path = Path(settings.PRIVATE_STORAGE_ROOT) / area
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Saved:
    stored_name: str
    path: Path
    sha256: str
    original_name: str
    size: int


def save_upload(uploaded, area: str, file_type: str) -> Saved:
    """Write an already-checked upload under a random name; the original name is kept for display only."""
    name = f"{uuid.uuid4().hex}{EXTENSIONS[file_type]}"
    path = private_dir(area) / name
    digest = hashlib.sha256()
    uploaded.seek(0)
    with path.open("wb") as out:
        for chunk in uploaded.chunks():
            digest.update(chunk)
            out.write(chunk)
    return Saved(name, path, digest.hexdigest(), Path(uploaded.name or "附件").name[:255], uploaded.size)
