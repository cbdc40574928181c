"""Small helpers shared by the clusters tests (factories.py builds the data; this reads it back)."""

from clusters.models import Application
from core.storage import private_storage
from core.transitions import history_for


def reload(application) -> Application:
    return Application.objects.get(pk=application.pk)


def transitions(obj) -> list[tuple[str, str, str]]:
    return [(r.transition, r.from_state, r.to_state) for r in history_for(obj)]


def stored_files(area="attachments") -> list[str]:
    """The names of the files in one area of the private storage (each test has a storage of its own)."""
    storage = private_storage()
    try:
        _folders, files = storage.listdir(area)
    except FileNotFoundError:
        return []
    return sorted(files)
