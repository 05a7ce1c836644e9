"""``metadata.json`` of a model directory: version, parent, metrics, data counts, timings.

Kept free of torch imports so the registry and the server's version watcher stay light.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

METADATA_FILE = "metadata.json"


def read_metadata(model_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """``metadata.json`` of a model directory, ``{}`` when there is none (e.g. a hub model)."""
    path = Path(model_dir) / METADATA_FILE
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def write_metadata(model_dir: str | os.PathLike[str], metadata: dict[str, Any]) -> None:
    """Write ``metadata.json`` atomically (temp file + fsync + rename): readers never see half of it."""
    path = Path(model_dir) / METADATA_FILE
    tmp = path.with_suffix(".json.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(metadata, fh, indent=2, ensure_ascii=False, default=str)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
