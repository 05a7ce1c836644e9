"""The README's main job, `scripts/stack.sh start`, end to end: every server up, the project
created with pre-annotated sample cards, a second start reusing it all, and stop stopping exactly
what start started. Runs the stack's Python entry point (the shell wrapper only adds install.sh)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from scripts.services import free_port, port_open

REPO = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _stack(command: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts.stack", command], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900)


def _tasks(url: str, token: str, project: int) -> list[dict]:
    req = urllib.request.Request(f"{url}/api/tasks?project={project}&fields=all",
                                 headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        body = json.load(resp)
    return body["tasks"] if isinstance(body, dict) else body


def test_stack_start_reuse_and_stop(tiny_model_dir: Path, redis_url: str, pg_server, tmp_path: Path):
    ls_port, backend_port = free_port(), free_port()
    env = {
        **os.environ,
        "CARDLOOP_STACK_DIR": str(tmp_path / "stack"),
        "CARDLOOP_MODEL_DIR": str(tiny_model_dir),
        "CARDLOOP_REGISTRY_DIR": str(tiny_model_dir.parent.parent),
        "CARDLOOP_LS_PORT": str(ls_port),
        "CARDLOOP_PORT": str(backend_port),
        "CARDLOOP_SAMPLE_CARDS": "4",
        "CARDLOOP_PG_PORT": str(pg_server.port),
        "REDIS_URL": redis_url,
    }
    env.pop("LABEL_STUDIO_API_KEY", None)
    try:
        first = _stack("start", env)
        assert first.returncode == 0, first.stdout + first.stderr
        assert "cardloop is running" in first.stdout
        state = json.loads((tmp_path / "stack" / "stack.json").read_text())
        tasks = _tasks(f"http://127.0.0.1:{ls_port}", state["token"], state["project"])
        assert len(tasks) == 4
        for task in tasks:
            assert task["predictions"], f"task {task['id']} has no pre-annotation"
            assert task["predictions"][0]["result"], "empty pre-annotation"

        started = time.monotonic()
        second = _stack("start", env)
        assert second.returncode == 0, second.stdout + second.stderr
        assert time.monotonic() - started < 90, "a second start should reuse the running stack"
        assert len(_tasks(f"http://127.0.0.1:{ls_port}", state["token"], state["project"])) == 4, "samples imported twice"

        status = _stack("status", env)
        assert status.returncode == 0, status.stdout
        # where everything is, not only up/down: URLs, login, the served model, pids and logs
        assert f"http://127.0.0.1:{ls_port}/projects/{state['project']}" in status.stdout
        assert "login admin@example.com" in status.stdout and state["token"] in status.stdout
        assert "(model v" in status.stdout and "backend.log" in status.stdout
        backend_row = [line for line in status.stdout.splitlines() if line.strip().startswith("ML backend ")][-1]
        assert backend_row.split()[2:4] == ["up", (tmp_path / "stack" / "backend.pid").read_text().split()[0]]

        # README's CRM command in a shell without the stack's variables: read from stack.json
        bare = {k: v for k, v in env.items() if k not in ("LABEL_STUDIO_URL", "CRM_DATABASE_URL")}
        sync = subprocess.run([sys.executable, "scripts/crm_sync.py", "--full"], cwd=REPO, env=bare,
                              capture_output=True, text=True, timeout=300)
        assert sync.returncode == 0, sync.stderr
        assert json.loads(sync.stdout.splitlines()[0])["project_id"] == state["project"]
    finally:
        stopped = _stack("stop", env)
    assert stopped.returncode == 0
    assert "Label Studio" in stopped.stdout and "ML backend" in stopped.stdout
    assert "RQ train worker" in stopped.stdout and "RQ light worker" in stopped.stdout
    assert not port_open("127.0.0.1", ls_port) and not port_open("127.0.0.1", backend_port)
    # servers the stack did not start (the session's Redis and PostgreSQL) keep running
    assert port_open("127.0.0.1", pg_server.port)
