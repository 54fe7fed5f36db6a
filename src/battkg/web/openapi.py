"""Print the service's OpenAPI document: `python -m battkg.web.openapi > api/openapi.json`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..kg import KnowledgeGraph
from ..settings import Settings
from .app import create_app


def document() -> dict[str, object]:
    app = create_app(
        kg=KnowledgeGraph(Settings.from_env({"BATTKG_STORE": str(Path("/nonexistent"))}))
    )
    return app.openapi()


if __name__ == "__main__":
    json.dump(document(), sys.stdout, indent=2, ensure_ascii=False, sort_keys=True)
    sys.stdout.write("\n")
