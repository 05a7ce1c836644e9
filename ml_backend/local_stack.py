"""The running local stack's settings, for command-line tools run beside it.

``bash scripts/stack.sh start`` writes what it started into ``<CARDLOOP_STACK_DIR>/stack.json``
(Label Studio's URL and the admin's API token, the CRM database, Redis, the backend, the
project). A person who then runs ``python scripts/crm_sync.py`` in another shell has none of
that in the environment; without this module the tool would send an empty token and report a
network failure. ``cli_settings()`` is ``load_settings()`` with every such setting the
environment leaves unset taken from the stack's file, and ``missing_label_studio()`` says, in
one sentence, what is still missing and how to provide it. Services never use this: they get
their environment from whoever starts them (the stack, docker-compose, an operator).
"""

from __future__ import annotations

import json
import os
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from ml_backend.config import Settings, load_settings

REPO_ROOT = Path(__file__).resolve().parent.parent

#: stack.json key -> the settings field it fills when its environment variable is unset.
STATE_TO_FIELD = {
    "label_studio_url": "label_studio_url",
    "token": "label_studio_api_key",
    "crm_database_url": "crm_database_url",
    "redis_url": "redis_url",
    "registry_dir": "registry_dir",
    "model_dir": "model_dir",
}


def state_file(settings: Settings | None = None) -> Path:
    """Where the local stack keeps its state (``CARDLOOP_STACK_DIR`` relative to the repository)."""
    settings = settings or load_settings()
    return (REPO_ROOT / settings.stack_dir / "stack.json").resolve()


def read_state(path: Path) -> dict[str, Any]:
    """The stack's saved state; empty when there is none or it cannot be read as a JSON object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def cli_settings(environ: dict[str, str] | None = None) -> Settings:
    """Settings from the environment, completed from the local stack's ``stack.json``.

    A variable set in the environment always wins (even set empty: that is a choice); only
    unset ones are taken from the file.
    """
    environ = os.environ if environ is None else environ
    settings = load_settings()
    state = read_state(state_file(settings))
    env_of = {f.name: f.metadata["env"] for f in fields(Settings)}
    changes = {
        field: str(state[key])
        for key, field in STATE_TO_FIELD.items()
        if state.get(key) and env_of[field] not in environ
    }
    return replace(settings, **changes) if changes else settings


def missing_label_studio(settings: Settings) -> str | None:
    """One sentence naming what a Label Studio client lacks, or None when URL and token are set."""
    if settings.label_studio_api_key.strip() and settings.label_studio_url.strip():
        return None
    where = state_file(settings)
    found = "has no token" if where.exists() else "does not exist"
    return (
        "LABEL_STUDIO_API_KEY is not set and the local stack's settings file "
        f"{where} {found}: start the stack with 'bash scripts/stack.sh start', or export "
        "LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY (Label Studio: Account & Settings > Access Token)"
    )
