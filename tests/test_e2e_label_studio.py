"""End to end: a real Label Studio 1.23 asks the real backend (gunicorn, tiny model) for predictions.

The backend runs as users run it (``python -m ml_backend serve``) with no Label Studio token of its
own: uploaded images can only be fetched with the token Label Studio hands over in /setup. Cards
come from the synthetic generator; Local Files tasks are read from the shared document root,
uploads over HTTP. Annotating a task must reach the backend's /webhook and the RQ bookkeeping.
"""

from __future__ import annotations

import os
import random
import re
import time
from pathlib import Path

import pytest
import requests

from ml_backend.studio.regions import LABEL_NAME, TEXT_NAME, regions_from_result
from ml_backend.schema import LS_LABELS
from scripts import ls_project
from scripts.services import BackendProcess, free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def backend(label_studio, tiny_model_dir, redis_url, tmp_path_factory):
    """The ML backend under gunicorn on a free port; yields (url, served model version)."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("backend") / "backend.log"
    env = {k: v for k, v in os.environ.items() if k not in ("LABEL_STUDIO_API_KEY", "BASIC_AUTH_USER")}
    env.update(
        CARDLOOP_MODEL_DIR=str(tiny_model_dir),
        CARDLOOP_REGISTRY_DIR=str(Path(tiny_model_dir).parent.parent),
        LABEL_STUDIO_URL=label_studio.url,
        LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT=str(label_studio.document_root),
        REDIS_URL=redis_url,
        CARDLOOP_WORKERS="1",
    )
    server = BackendProcess(port=port, log_path=log_path, env=env)
    try:
        server.start()
        yield server.url, requests.get(f"{server.url}/health", timeout=5).json()["model_version"]
    finally:
        server.stop()


@pytest.fixture(scope="module")
def cards(label_studio):
    """Four synthetic cards in a Local Files folder (one turned 90 degrees) and two for upload."""
    from active_learning.synth import generate_card

    folder = Path(label_studio.document_root) / "e2e-cards"
    folder.mkdir(parents=True, exist_ok=True)
    uploads = folder.parent / "e2e-uploads"
    uploads.mkdir(exist_ok=True)
    local, upload = [], []
    for i in range(6):
        image, _truth = generate_card(random.Random(1000 + i), photo=False, rotation=90 if i == 3 else 0, qr=i == 1)
        target = (folder if i < 4 else uploads) / f"card{i}.png"
        image.save(target)
        (local if i < 4 else upload).append(target)
    return folder, upload


def _tasks(label_studio, project_id):
    return list(label_studio.client.tasks.list(project=project_id, fields="all"))


def _predictions(task):
    preds = task.get("predictions") if isinstance(task, dict) else getattr(task, "predictions", None)
    out = []
    for p in preds or []:
        out.append(p if isinstance(p, dict) else p.model_dump() if hasattr(p, "model_dump") else dict(p))
    return out


def _check_prediction(pred, version):
    assert pred["model_version"] == version
    assert 0.0 <= float(pred["score"]) <= 1.0
    result = pred["result"]
    assert result, "the model found no field on a clean synthetic card"
    assert {item["from_name"] for item in result} == {LABEL_NAME, TEXT_NAME}
    regions = regions_from_result(result)
    assert len(regions) * 2 == len(result)
    for region in regions:
        assert region.label in LS_LABELS
        assert region.text
        assert region.score is not None
        assert 0 <= region.x <= 100 and 0 <= region.y <= 100 and region.width > 0 and region.height > 0
        assert region.original_width and region.original_height


def test_predictions_are_stored_in_label_studio(label_studio, backend, cards):
    backend_url, version = backend
    folder, uploads = cards
    done = ls_project.setup_project(
        label_studio, "cardloop e2e", backend_url, images=uploads,
        local_folder=folder, document_root=label_studio.document_root,
    )
    project_id = done["project"]
    assert done["imported"] == 6 and done["model_version"] == version

    project = label_studio.client.projects.get(id=project_id)
    assert project.model_version == version

    tasks = _tasks(label_studio, project_id)
    assert len(tasks) == 6
    for task in tasks:
        predictions = _predictions(task)
        assert len(predictions) == 1, f"task {task.id} has {len(predictions)} predictions"
        _check_prediction(predictions[0], version)

    rotated = next(t for t in tasks if str(t.data["image"]).endswith("card3.png"))
    first = regions_from_result(_predictions(rotated)[0]["result"])[0]
    assert first.original_width < first.original_height  # the 90-degree card is portrait


def test_setup_is_idempotent_and_bad_tasks_do_not_cost_the_batch(label_studio, backend, cards):
    backend_url, version = backend
    project_id = ls_project.ensure_project(label_studio, "cardloop e2e")
    assert ls_project.connect_backend(label_studio, project_id, backend_url) == ls_project.connect_backend(
        label_studio, project_id, backend_url)
    assert len(list(label_studio.client.ml.list(project=project_id))) == 1

    bad_urls = {"http://example.com/not-allowed.png", "/data/upload/999/gone.png"}
    label_studio.client.projects.import_tasks(id=project_id, request=[{"image": u} for u in sorted(bad_urls)])
    ls_project.request_predictions(label_studio, project_id)
    tasks = _tasks(label_studio, project_id)
    assert len(tasks) == 8
    good = [t for t in tasks if t.data["image"] not in bad_urls]
    bad = [t for t in tasks if t.data["image"] in bad_urls]
    assert len(good) == 6 and len(bad) == 2
    assert all(len(_predictions(t)) == 1 for t in good)  # already predicted by this version: not asked again
    for task in bad:
        assert all(pred["result"] == [] for pred in _predictions(task))

    metrics = requests.get(f"{backend_url}/metrics", timeout=5).text
    failures = {
        m.group(1): float(m.group(2))
        for m in re.finditer(r'cardloop_predict_task_failures_total\{reason="([a-z_]+)"\} ([0-9.]+)', metrics)
    }
    assert failures.get("forbidden_host") == 1.0, failures
    # Label Studio answers a missing upload with its own status/page: any fetch reason, counted once
    assert sum(failures.values()) == 2.0 and "pipeline_error" not in failures, failures


def test_annotations_reach_the_webhook_queue(label_studio, backend, redis_conn):
    project_id = ls_project.ensure_project(label_studio, "cardloop e2e")
    task = next(t for t in _tasks(label_studio, project_id) if "e2e-" in str(t.data["image"]))
    result = _predictions(task)[0]["result"] + [
        {"id": "status", "from_name": "validated", "to_name": "image", "type": "choices",
         "value": {"choices": ["validated"]}},
    ]
    annotation = label_studio.client.annotations.create(id=task.id, result=result)
    pending = f"cardloop:al:{project_id}:pending"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not redis_conn.sismember(pending, str(annotation.id)):
        time.sleep(0.2)
    assert redis_conn.sismember(pending, str(annotation.id)), "the annotation never reached the backend's webhook"
