"""Command-line tools complete their settings from the local stack's stack.json, and say what is
missing instead of failing on the network."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ml_backend.local_stack import cli_settings, missing_label_studio, state_file

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def stack_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("LABEL_STUDIO_URL", "LABEL_STUDIO_API_KEY", "CRM_DATABASE_URL", "REDIS_URL",
                 "CARDLOOP_REGISTRY_DIR", "CARDLOOP_MODEL_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CARDLOOP_STACK_DIR", str(tmp_path / "var"))
    return tmp_path / "var"


def _write_state(stack_dir: Path, **state: str) -> None:
    stack_dir.mkdir(parents=True, exist_ok=True)
    (stack_dir / "stack.json").write_text(json.dumps(state))


def test_unset_settings_come_from_stack_json(stack_dir: Path, monkeypatch: pytest.MonkeyPatch):
    _write_state(stack_dir, token="t0k3n", label_studio_url="http://127.0.0.1:18080", project=1,
                 crm_database_url="postgresql://postgres@127.0.0.1:15432/cardloop_crm", redis_url="redis://127.0.0.1:16379/0")
    assert state_file() == stack_dir.resolve() / "stack.json"
    settings = cli_settings()
    assert settings.label_studio_api_key == "t0k3n"
    assert settings.label_studio_url == "http://127.0.0.1:18080"
    assert settings.crm_database_url.endswith(":15432/cardloop_crm")
    assert settings.redis_url == "redis://127.0.0.1:16379/0"
    assert missing_label_studio(settings) is None
    # the environment wins, even when it is set empty on purpose
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "")
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://ls.example:8080")
    settings = cli_settings()
    assert settings.label_studio_url == "http://ls.example:8080" and settings.label_studio_api_key == ""
    assert "LABEL_STUDIO_API_KEY is not set" in missing_label_studio(settings)
    assert "has no token" in missing_label_studio(settings)


def test_no_stack_and_no_environment_names_both_ways_out(stack_dir: Path):
    message = missing_label_studio(cli_settings())
    assert "LABEL_STUDIO_API_KEY is not set" in message and "does not exist" in message
    assert "bash scripts/stack.sh start" in message and "export LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY" in message


def test_a_broken_stack_json_is_ignored(stack_dir: Path):
    stack_dir.mkdir(parents=True)
    (stack_dir / "stack.json").write_text("[not an object")
    assert cli_settings().label_studio_api_key == ""


def test_crm_sync_without_token_says_what_is_missing(stack_dir: Path):
    out = subprocess.run([sys.executable, "scripts/crm_sync.py", "--full"], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    line = out.stderr.strip().splitlines()[-1]
    assert line.startswith("crm_sync: error: LABEL_STUDIO_API_KEY is not set")
    assert "unreachable" not in out.stderr and "Illegal header" not in out.stderr
