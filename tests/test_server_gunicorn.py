"""The backend as deployed: ``python -m ml_backend serve`` (gunicorn, real pipeline, tiny model).

A promotion in the registry (commit + atomic ``current`` switch) must reach the running worker
without a restart: /setup then reports the new version and predictions carry it.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from pathlib import Path

import pytest
import requests

from ml_backend.registry import ModelRegistry
from scripts.services import BackendProcess, free_port

pytestmark = pytest.mark.slow


def _commit_copy(registry: ModelRegistry, model_dir: Path) -> str:
    staging = registry.create_staging()
    shutil.copytree(model_dir, staging, dirs_exist_ok=True)
    return registry.commit(staging)


@pytest.fixture(scope="module")
def served(tiny_model_dir, tmp_path_factory):
    base = tmp_path_factory.mktemp("gunicorn")
    registry = ModelRegistry(base / "models")
    first = _commit_copy(registry, Path(tiny_model_dir))
    registry.promote(first)
    files = base / "files"
    from active_learning.synth import generate_card

    image, _ = generate_card(random.Random(5), photo=False, rotation=0, qr=False)
    (files / "cards").mkdir(parents=True)
    image.save(files / "cards" / "c.png")
    port = free_port()
    env = dict(os.environ, CARDLOOP_REGISTRY_DIR=str(registry.root), CARDLOOP_MODEL_DIR=str(registry.current_link),
               CARDLOOP_MODEL_POLL_SECONDS="0.5", LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT=str(files),
               REDIS_URL="redis://127.0.0.1:9/0", BASIC_AUTH_USER="", CARDLOOP_WORKERS="1")
    log_path = base / "gunicorn.log"
    server = BackendProcess(port=port, log_path=log_path, env=env)
    try:
        server.start()
        yield server.url, registry, first, log_path
    finally:
        server.stop()


TASK = {"tasks": [{"id": 1, "data": {"image": "/data/local-files/?d=cards/c.png"}},
                  {"id": 2, "data": {"image": "http://169.254.169.254/latest/meta-data"}}]}


def test_gunicorn_serves_predictions_and_metrics(served):
    url, _, first, log_path = served
    assert requests.get(f"{url}/health", timeout=5).json()["model_version"] == first
    body = requests.post(f"{url}/predict", json=TASK, timeout=120).json()
    good, bad = body["results"]
    assert good["model_version"] == first and good["result"]
    assert bad == []
    metrics = requests.get(f"{url}/metrics", timeout=5).text
    assert f'cardloop_model_info{{version="{first}"}} 1.0' in metrics
    assert 'cardloop_queue_depth{queue="cardloop-train"} -1.0' in metrics  # Redis is down: reported, not fatal
    assert 'cardloop_predict_task_failures_total{reason="forbidden_host"} 1.0' in metrics
    assert requests.post(f"{url}/predict", data=b"{", timeout=5).status_code == 400


def test_a_promotion_reaches_the_running_worker(served):
    url, registry, first, log_path = served
    second = _commit_copy(registry, registry.path(first))
    registry.promote(second)
    deadline = time.monotonic() + 60
    version = first
    while time.monotonic() < deadline and version != second:
        time.sleep(0.5)
        version = requests.post(f"{url}/setup", json={}, timeout=10).json()["model_version"]
    assert version == second
    body = requests.post(f"{url}/predict", json=TASK, timeout=120).json()
    assert body["results"][0]["model_version"] == second
    assert requests.get(f"{url}/versions", timeout=5).json()["versions"] == [first, second]


def test_a_project_promotion_is_served_to_that_project_only(served):
    """Label Studio names the project in /predict and /setup ("<id>.<created timestamp>"): a
    project's own promotion reaches the running worker for it, the other projects keep the default."""
    url, registry, first, log_path = served
    default = registry.current()[0]
    own = _commit_copy(registry, registry.path(first))
    registry.promote(own, expected_current=default, project=7)
    task = {"tasks": TASK["tasks"][:1], "project": "7.1733418000"}
    body = requests.post(f"{url}/predict", json=task, timeout=120).json()  # loads project 7's model
    assert body["model_version"] == own and body["results"][0]["model_version"] == own
    assert requests.post(f"{url}/setup", json={"project": "7.1733418000"}, timeout=5).json() == {"model_version": own}
    other = requests.post(f"{url}/predict", json={**task, "project": "8.1733418000"}, timeout=120).json()
    assert other["model_version"] == default
    assert requests.post(f"{url}/setup", json={"project": "8.1"}, timeout=5).json() == {"model_version": default}
    assert requests.get(f"{url}/versions", params={"project": 7}, timeout=5).json()["current"] == own
    assert requests.get(f"{url}/health", timeout=5).json()["project_models"] == {"7": own}
    bad = requests.post(f"{url}/predict", json={**task, "project": "seven"}, timeout=5)
    assert bad.status_code == 400 and "project id" in bad.json()["error"]

    newer = _commit_copy(registry, registry.path(first))  # the watcher follows project 7's pointer
    registry.promote(newer, expected_current=own, project=7)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and requests.get(f"{url}/health", timeout=5).json()["project_models"]["7"] != newer:
        time.sleep(0.5)
    assert requests.post(f"{url}/predict", json=task, timeout=120).json()["model_version"] == newer
    assert requests.get(f"{url}/health", timeout=5).json()["model_version"] == default
