"""End to end: annotations in a real Label Studio retrain, promote and re-rank through RQ.

Real Label Studio 1.23, the real backend (``python -m ml_backend serve``) receiving Label
Studio's webhooks, a private Redis, real ``rq worker`` processes and the tiny model in a private
copy of its registry. Phases, in order (they share one project):

(a) ten annotations -> webhooks -> one training job -> a version promoted for the project (its own
    registry pointer; the default stays) that the backend serves it (/setup, /versions?project=)
    and a "Next batch" view listing the unlabeled tasks least confident first;
(b) "Start training" with no annotation changed since the champion's data trains nothing;
(c) a worker SIGKILLed mid-training leaves the served model and the registry untouched, and a
    later run succeeds;
(d) a challenger trained on bad labels is evaluated against the champion and not promoted.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from rq import Queue
from rq.job import Job

from active_learning.loop import queue as q
from active_learning.loop.batch import VIEW_TITLE
from active_learning.training.dataset import is_heldout
from ml_backend.registry import ModelRegistry
from ml_backend.studio.regions import LABEL_NAME, TEXT_NAME
from ml_backend.schema import FIELD_TO_LABEL
from scripts import ls_project
from scripts.services import REPO_ROOT, free_port, spawn, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

HELDOUT = 0.5
N_CARDS = 16
N_TRAIN, N_HELDOUT = 7, 3  # annotated cards; the rest stay unlabeled
RQ = str(Path(sys.executable).parent / "rq")


def truth_result(truth: dict) -> list[dict]:
    """The annotation a careful annotator would make: one region per field line of the truth."""
    w, h = truth["width"], truth["height"]
    result = []
    for i, line in enumerate(truth["lines"]):
        if not line.get("field"):
            continue
        x0, y0, x1, y1 = line["bbox"]
        geometry = {"x": x0 / w * 100, "y": y0 / h * 100, "width": (x1 - x0) / w * 100,
                    "height": (y1 - y0) / h * 100, "rotation": 0}
        common = {"id": f"r{i}", "to_name": "image", "original_width": w, "original_height": h, "image_rotation": 0}
        result.append({**common, "from_name": LABEL_NAME, "type": "rectanglelabels",
                       "value": {**geometry, "rectanglelabels": [FIELD_TO_LABEL[line["field"]]]}})
        result.append({**common, "from_name": TEXT_NAME, "type": "textarea", "value": {**geometry, "text": [line["text"]]}})
    return result


@pytest.fixture(scope="module")
def env(label_studio, tiny_model_dir, redis_url, pg_dsn, tmp_path_factory):
    """Settings shared by the backend and the workers (a private copy of the tiny model's registry)."""
    registry = tmp_path_factory.mktemp("al-e2e") / "registry"
    shutil.copytree(Path(tiny_model_dir).parent.parent, registry, symlinks=True)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CARDLOOP_", "LABEL_STUDIO_", "BASIC_AUTH"))}
    base.update(
        REDIS_URL=redis_url,
        LABEL_STUDIO_URL=label_studio.url,
        LABEL_STUDIO_API_KEY=label_studio.token,
        LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT=str(label_studio.document_root),
        CARDLOOP_REGISTRY_DIR=str(registry),
        CARDLOOP_MODEL_DIR=str(registry / "current"),
        CARDLOOP_MODEL_POLL_SECONDS="1",
        CARDLOOP_RETRAIN_AFTER=str(N_TRAIN + N_HELDOUT),
        CARDLOOP_HELDOUT_FRACTION=str(HELDOUT),
        # the tiny model often scores the same before and after three epochs: this test is about the
        # loop's mechanics, so a tie on its 3 held-out cards promotes (the rule itself: test_jobs)
        CARDLOOP_MIN_HELDOUT_FOR_TIE=str(N_HELDOUT),
        CARDLOOP_TRAIN_LOCK_TTL="3",
        CARDLOOP_TRAIN_EPOCHS="3",
        CARDLOOP_TRAIN_QUEUE="e2e-train",
        CARDLOOP_LIGHT_QUEUE="e2e-light",
        CRM_DATABASE_URL=pg_dsn,
        CARDLOOP_WORKERS="1",
    )
    return base


@pytest.fixture(scope="module")
def backend(env, tmp_path_factory):
    port = free_port()
    log_path = tmp_path_factory.mktemp("al-backend") / "backend.log"
    proc = spawn([sys.executable, "-m", "ml_backend", "serve", "--host", "127.0.0.1", "--port", str(port)],
                 log_path, env=env, cwd=REPO_ROOT)
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return requests.get(f"{url}/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    try:
        wait_for(healthy, 240, "ML backend", proc, log_path)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def project(label_studio, backend):
    """A project with the backend connected and 16 generated cards as Local Files tasks."""
    from active_learning.synth import generate_card

    folder = Path(label_studio.document_root) / "al-e2e-cards"
    folder.mkdir(parents=True, exist_ok=True)
    truths = {}
    for i in range(N_CARDS):
        image, truth = generate_card(random.Random(5000 + i), photo=False, rotation=0, qr=False)
        image.save(folder / f"card{i:02d}.png")
        truths[f"card{i:02d}.png"] = truth
    project_id = ls_project.ensure_project(label_studio, "cardloop active learning e2e")
    backend_id = ls_project.connect_backend(label_studio, project_id, backend)
    ls_project.import_local_folder(label_studio, project_id, folder, label_studio.document_root)
    tasks = list(label_studio.client.tasks.list(project=project_id, fields="all"))
    by_id = {int(t.id): truths[image_name(str(t.data["image"]))] for t in tasks}
    return project_id, backend_id, by_id


def image_name(url: str) -> str:
    """File name behind a Local Files task URL (``.../data/local-files/?d=folder/card00.png``)."""
    from urllib.parse import parse_qs, urlsplit

    return Path(parse_qs(urlsplit(url).query)["d"][0]).name


def start_worker(env: dict, log_path: Path, burst: bool, **overrides: str) -> subprocess.Popen:
    cmd = [RQ, "worker", "--url", env["REDIS_URL"], "--with-scheduler", env["CARDLOOP_TRAIN_QUEUE"],
           env["CARDLOOP_LIGHT_QUEUE"]]
    if burst:
        cmd.insert(2, "--burst")
    return spawn(cmd, log_path, env={**env, **overrides}, cwd=REPO_ROOT)


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def kill_hard(proc: subprocess.Popen) -> None:
    """SIGKILL the worker and its children (RQ's work horse runs in its own process group)."""
    pid = proc.pid
    try:
        children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        children = []
    for child in children:
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass
    stop(proc, signal.SIGKILL)


def wait_until(check, timeout: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def finished_train_jobs(conn, env) -> list[Job]:
    queue = Queue(env["CARDLOOP_TRAIN_QUEUE"], connection=conn)
    return [Job.fetch(j, connection=conn) for j in queue.finished_job_registry.get_job_ids()]


def served_to(backend: str, project_id: int) -> str:
    """The version /predict answers the project with (Label Studio names the project as "<id>.<timestamp>")."""
    body = {"tasks": [], "project": f"{project_id}.1733418000"}
    return requests.post(f"{backend}/predict", json=body, timeout=120).json()["model_version"]


def start_training(backend: str, project_id: int) -> dict:
    resp = requests.post(f"{backend}/webhook", json={"action": "START_TRAINING", "project": {"id": project_id}}, timeout=5)
    assert resp.status_code in (200, 201), resp.text
    return resp.json()


def test_a_annotations_retrain_promote_and_rank_the_next_batch(label_studio, env, backend, project, redis_conn, tmp_path):
    project_id, _, truths = project
    registry = ModelRegistry(env["CARDLOOP_REGISTRY_DIR"])
    champion = registry.current(project_id)[0]
    assert champion == registry.current()[0], "the project starts on the default model"
    held = [t for t in sorted(truths) if is_heldout(t, HELDOUT)][:N_HELDOUT]
    train = [t for t in sorted(truths) if not is_heldout(t, HELDOUT)][:N_TRAIN]
    assert len(held) == N_HELDOUT and len(train) == N_TRAIN, "not enough tasks on one side of the split"
    worker = start_worker(env, tmp_path / "worker.log", burst=False)
    try:
        annotations = {}
        for task_id in held + train:  # through the SDK: Label Studio sends the webhooks
            ann = label_studio.client.annotations.create(id=task_id, result=truth_result(truths[task_id]))
            annotations[task_id] = int(ann.id)
        new = wait_until(lambda: registry.current(project_id)[0] != champion and registry.current(project_id)[0],
                         420, "a promoted model version")
        assert registry.projects() == {project_id: new} and registry.current()[0] == champion, "the default moved"
        # the job promotes before it returns: RQ files it as finished a moment later
        jobs = wait_until(lambda: finished_train_jobs(redis_conn, env), 60, "the training job to be filed as finished")
        assert len(jobs) == 1, [j.id for j in jobs]
        outcome = jobs[0].return_value()
        assert outcome["status"] == "promoted" and outcome["version"] == new
        assert outcome["data"]["missing_annotations"] == []
        assert outcome["data"]["heldout_cards"] == N_HELDOUT and outcome["data"]["train_cards"] == N_TRAIN
        assert outcome["champion"]["cards"] == outcome["challenger"]["cards"] == N_HELDOUT
        assert jobs[0].get_meta()["progress"]["step"] > 0
        meta = next(v for v in registry.versions() if v["version"] == new)
        assert meta["parent"] == champion and "champion_metrics" in meta

        # the backend serves the project the promoted model and reports it to Label Studio
        setup = requests.post(f"{backend}/setup", json={"project": f"{project_id}.1", "schema": "<View/>",
                                                        "hostname": label_studio.url, "access_token": label_studio.token},
                              timeout=30)
        assert setup.json()["model_version"] == new
        wait_until(lambda: served_to(backend, project_id) == new, 60, "the backend to serve the new version")
        assert requests.get(f"{backend}/health", timeout=5).json()["model_version"] == champion, "the default moved"

        # scoring job: predictions of the new version, project follows it, view least confident first
        def view_ready():
            proj = label_studio.client.projects.get(id=project_id)
            views = [v for v in label_studio.client.views.list(project=project_id)
                     if (v.data or {}).get("title") == VIEW_TITLE]
            return views[0] if proj.model_version == new and views else None

        view = wait_until(view_ready, 240, "the Next batch view and the project's model_version")
        listed = list(label_studio.client.tasks.list(project=project_id, view=view.id, fields="all"))
        unlabeled = set(truths) - set(annotations)
        assert {int(t.id) for t in listed} == unlabeled

        def score(task) -> float:
            preds = [p if isinstance(p, dict) else p.model_dump() for p in task.predictions or []]
            return next(float(p["score"]) for p in preds if p["model_version"] == new)

        scores = [score(t) for t in listed]
        assert scores == sorted(scores), "least confident first"
        status = q.training_status(redis_conn)[project_id]
        assert status["last_version"] == new and status["pending"] == 0
    finally:
        stop(worker)


def test_b_start_training_with_nothing_new_is_skipped(env, backend, project, redis_conn, tmp_path):
    project_id, _, _ = project
    registry = ModelRegistry(env["CARDLOOP_REGISTRY_DIR"])
    champion = registry.current(project_id)
    versions = [v["version"] for v in registry.versions()]
    out = start_training(backend, project_id)
    assert out.get("training") == "queued", out
    worker = start_worker(env, tmp_path / "nothing-new.log", burst=True)
    try:
        worker.wait(timeout=300)
    finally:
        stop(worker)
    outcome = Job.fetch(out["training_job"], connection=redis_conn).return_value()
    assert outcome["status"] == "skipped", outcome
    assert outcome["reason"] == f"no annotation changed since the champion {champion[0]} was trained on them"
    assert registry.current(project_id) == champion and [v["version"] for v in registry.versions()] == versions
    assert "timings" not in outcome, "it trained"


def test_c_worker_killed_mid_training_leaves_the_champion_served(label_studio, env, backend, project, redis_conn,
                                                                  tmp_path):
    project_id, _, truths = project
    registry = ModelRegistry(env["CARDLOOP_REGISTRY_DIR"])
    champion = registry.current(project_id)
    versions = [v["version"] for v in registry.versions()]
    # one more card, so there is something new to train on
    unlabeled = next(int(t.id) for t in label_studio.client.tasks.list(project=project_id, fields="all")
                     if not t.annotations)
    label_studio.client.annotations.create(id=unlabeled, result=truth_result(truths[unlabeled]))
    worker = start_worker(env, tmp_path / "killed.log", burst=False, CARDLOOP_TRAIN_EPOCHS="5000")
    try:
        start_training(backend, project_id)
        staging = Path(env["CARDLOOP_REGISTRY_DIR"]) / "staging"
        wait_until(lambda: staging.is_dir() and any(staging.glob("stage-*")), 300, "training to start")
        wait_until(lambda: q.training_status(redis_conn)[project_id].get("step", 0) > 0, 120, "training steps")
    finally:
        kill_hard(worker)
    assert registry.current(project_id) == champion
    assert [v["version"] for v in registry.versions()] == versions, "no half-written version became visible"
    assert served_to(backend, project_id) == champion[0]

    # a later run: the lock expires with its TTL and the next trigger trains again
    time.sleep(int(env["CARDLOOP_TRAIN_LOCK_TTL"]) + 1)
    out = start_training(backend, project_id)
    assert out.get("training") == "queued", out
    worker = start_worker(env, tmp_path / "later.log", burst=True)
    try:
        worker.wait(timeout=420)
    finally:
        stop(worker)
    later = Job.fetch(out["training_job"], connection=redis_conn)
    assert later.get_status() == "finished", later.get_status()
    assert later.return_value()["status"] in ("promoted", "rejected"), later.return_value()
    assert registry.current(project_id) is not None and (registry.current(project_id)[1] / "config.json").is_file()


def test_d_worse_challenger_is_not_promoted(label_studio, env, backend, project, redis_conn, tmp_path):
    project_id, _, truths = project
    registry = ModelRegistry(env["CARDLOOP_REGISTRY_DIR"])
    champion = registry.current(project_id)
    # Training cards relabelled as "nothing here": the challenger unlearns the fields, while the
    # held-out cards keep their correct labels.
    for task in label_studio.client.tasks.list(project=project_id, fields="all"):
        if is_heldout(int(task.id), HELDOUT):
            continue
        for ann in task.annotations or []:
            ann_id = ann["id"] if isinstance(ann, dict) else ann.id
            label_studio.client.annotations.update(id=ann_id, result=[])
    out = start_training(backend, project_id)
    assert out.get("training") == "queued", out
    worker = start_worker(env, tmp_path / "worse.log", burst=True, CARDLOOP_TRAIN_EPOCHS="150")
    try:
        worker.wait(timeout=420)
    finally:
        stop(worker)
    outcome = Job.fetch(out["training_job"], connection=redis_conn).return_value()
    assert outcome["status"] == "rejected", outcome
    assert outcome["challenger"]["f1"] < outcome["champion"]["f1"]
    assert registry.current(project_id) == champion
    assert served_to(backend, project_id) == champion[0]
