"""`battkg serve`: uvicorn with one serving process, or several over the same store.

With `workers > 1`, uvicorn's supervisor binds the socket and starts that many
serving processes; each builds its own app from the environment
(`serving_app`), so each has its own KnowledgeGraph, query worker pools and
caches. Nothing more is needed to share the store safely (decision 0002 and
docs/decisions/0043-several-serving-processes.md): every process reads the
published generation read-only and switches when `CURRENT` changes (one `stat`
per request); writes (builds, partner loads, rollbacks) take the store's and the
datasets' file locks, which serialise them across processes as they do across
threads; caches are keyed on the generation, so every process follows a write
on its next request.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from ..logs import configure
from ..settings import Settings
from .protocol import BoundedHttpToolsProtocol

#: how `battkg serve` tells its serving processes the log level
LOG_LEVEL_ENV = "BATTKG_LOG_LEVEL"


def default_serving_processes() -> int:
    """The number of CPUs this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def serving_app() -> FastAPI:
    """The app of one serving process (uvicorn's factory): settings from the environment."""
    from .app import create_app

    settings = Settings.from_env()
    configure(settings.log_level)
    return create_app(settings, warm_up=True)


def serve(app: FastAPI | None, *, host: str, port: int, log_level: str, workers: int) -> None:
    """Run uvicorn: `app` in this process when `workers` is 1, else `workers` processes.

    The caller has put the settings (BATTKG_STORE and the rest) in os.environ, which the
    serving processes inherit."""
    import uvicorn

    options = {
        "host": host,
        "port": port,
        "log_level": log_level,
        # httptools (C), with a bound on a request head large enough to answer long URLs with 414
        "http": BoundedHttpToolsProtocol,
    }
    configure(log_level)
    if workers <= 1 and app is not None:
        uvicorn.run(app, **options)  # type: ignore[arg-type]
        return
    os.environ[LOG_LEVEL_ENV] = log_level
    uvicorn.run(
        "battkg.web.serving:serving_app",
        factory=True,
        workers=max(1, workers),
        **options,  # type: ignore[arg-type]
    )
