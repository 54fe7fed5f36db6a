"""Deployment entry point: `uvicorn api.asgi:app` (settings from the BATTKG_* environment).

Each process is stateless apart from caches keyed by the store's generation, so
several replicas can serve one store (see docs/remote.md). Give uvicorn
`--h11-max-incomplete-event-size 4194304` so that it reads long URLs and the
service can answer them with 414 (docs/security.md).
"""

from battkg.web.app import create_app

app = create_app()
