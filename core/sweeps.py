"""The daily deadline sweep's registry. Apps register the dotted path of a service function at start-up
(`AppConfig.ready`); the beat job imports and runs each one. Core never imports an app."""

_SWEEPS: list[str] = []


def register_sweep(path: str) -> None:
    """Register a service `path` ("app.services.module.function", called with no arguments) for the daily
    sweep. The function reads its deadlines from the database and is idempotent."""
    if path not in _SWEEPS:
        _SWEEPS.append(path)


def registered() -> list[str]:
    return list(_SWEEPS)
