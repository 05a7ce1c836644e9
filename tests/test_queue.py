"""The webhook -> RQ coalescing protocol, against a real (private) Redis and real RQ workers.

The training body here is a recorder that runs inside the real ``training_run`` protocol, so the
tests exercise exactly the locking, snapshotting and re-enqueueing the real training job uses.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from rq import Queue, SimpleWorker
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry, FinishedJobRegistry, ScheduledJobRegistry

from active_learning.loop import queue as q
from ml_backend.config import load_settings

RECORDER = f"{__name__}.recording_train"
FAILING = f"{__name__}.failing_train"
PROJECT = 7


def recording_train(project: int) -> dict:
    """Training stand-in: records its snapshot, then trains while ``test:hold`` exists (max 20 s)."""
    from rq import get_current_job

    job = get_current_job()
    conn = job.connection
    settings = load_settings()
    with q.training_run(conn, project, job.id, settings, train_func=RECORDER) as run:
        if run is None:
            conn.rpush("test:deferred", job.id)
            return {"status": "deferred"}
        if not run.has_work:
            return {"status": "nothing new"}
        conn.rpush(f"test:trained:{project}", json.dumps(sorted(run.annotation_ids)))
        deadline = time.monotonic() + 20
        while conn.exists("test:hold") and time.monotonic() < deadline:
            time.sleep(0.05)
    return {"status": "trained", "annotations": len(run.annotation_ids)}


def failing_train(project: int) -> None:
    from rq import get_current_job

    job = get_current_job()
    with q.training_run(job.connection, project, job.id, load_settings(), train_func=FAILING):
        raise ConnectionError("label studio went away")


def annotation_event(ann_id: int, project: int = PROJECT, action: str = "ANNOTATION_CREATED") -> dict:
    return {
        "action": action,
        "annotation": {"id": ann_id, "task": 1000 + ann_id, "result": []},
        "task": {"id": 1000 + ann_id, "project": project},
        "project": {"id": project, "title": "cards"},
    }


@pytest.fixture
def settings(redis_url, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("CARDLOOP_RETRAIN_AFTER", "10")
    monkeypatch.setenv("CARDLOOP_TRAIN_LOCK_TTL", "2")
    monkeypatch.setenv("CARDLOOP_TRAIN_QUEUE", "test-train")
    monkeypatch.setenv("CARDLOOP_LIGHT_QUEUE", "test-light")
    return load_settings()


def train_jobs_created(conn, settings) -> list[str]:
    """Every training job that ever existed: queued, started, finished, failed or scheduled."""
    queue = Queue(settings.train_queue, connection=conn)
    ids = set(queue.job_ids)
    ids |= set(queue.started_job_registry.get_job_ids())
    for registry in (FinishedJobRegistry, FailedJobRegistry, ScheduledJobRegistry):
        ids |= set(registry(queue=queue).get_job_ids())
    return sorted(ids)


def trained_snapshots(conn) -> list[list[int]]:
    return [json.loads(x) for x in conn.lrange(f"test:trained:{PROJECT}", 0, -1)]


def test_below_threshold_waits_then_one_job_at_threshold(redis_conn, settings):
    for i in range(9):
        out = q.handle_event(annotation_event(i), settings, redis_conn, train_func=RECORDER)
        assert out["training"] == "waiting"
    out = q.handle_event(annotation_event(9), settings, redis_conn, train_func=RECORDER)
    assert out["training"] == "queued" and out["pending"] == 10
    out = q.handle_event(annotation_event(10), settings, redis_conn, train_func=RECORDER)
    assert out["training"] == "already_queued"
    assert len(train_jobs_created(redis_conn, settings)) == 1


def test_start_training_forces_a_run_below_threshold(redis_conn, settings):
    q.handle_event(annotation_event(1), settings, redis_conn, train_func=RECORDER)
    redis_conn.delete(q.PROJECTS_KEY)  # START_TRAINING alone must make the project visible to /metrics
    out = q.handle_event({"action": "START_TRAINING", "project": {"id": PROJECT}}, settings, redis_conn,
                         train_func=RECORDER)
    assert out["training"] == "queued"
    assert q.training_status(redis_conn)[PROJECT]["state"] == "queued"
    SimpleWorker([settings.train_queue], connection=redis_conn).work(burst=True)
    assert trained_snapshots(redis_conn) == [[1]]
    assert not redis_conn.exists(q.ProjectKeys(PROJECT).force)


def test_deleted_annotation_is_not_waited_for(redis_conn, settings):
    for i in range(5):
        q.handle_event(annotation_event(i), settings, redis_conn, train_func=RECORDER)
    out = q.handle_event(annotation_event(3, action="ANNOTATION_DELETED"), settings, redis_conn, train_func=RECORDER)
    assert out["pending"] == 4


def test_label_studio_delete_events_queue_crm_jobs_that_name_what_they_can(redis_conn, settings):
    """ANNOTATIONS_DELETED names annotation ids only, TASKS_DELETED task ids only (Label Studio 1.23)."""
    deleted = {"action": "ANNOTATIONS_DELETED", "annotations": [{"id": 5}, {"id": 6}], "project": {"id": PROJECT}}
    out = q.handle_event(deleted, settings, redis_conn, train_func=RECORDER)
    jobs = [Job.fetch(j, connection=redis_conn) for j in out["crm_jobs"]]
    assert [(j.func_name, j.args) for j in jobs] == [(q.CRM_FUNC, (PROJECT, None, 5, "ANNOTATIONS_DELETED")),
                                                    (q.CRM_FUNC, (PROJECT, None, 6, "ANNOTATIONS_DELETED"))]
    tasks = {"action": "TASKS_DELETED", "tasks": [{"id": 41}, {"id": 42}], "project": {"id": PROJECT}}
    out = q.handle_event(tasks, settings, redis_conn, train_func=RECORDER)
    (job_id,) = out["crm_jobs"]
    job = Job.fetch(job_id, connection=redis_conn)
    assert job.func_name == q.CRM_TASKS_FUNC and job.args == (PROJECT, [41, 42], "TASKS_DELETED")
    assert job.origin == settings.light_queue
    with pytest.raises(q.InvalidEvent, match="no tasks"):
        q.handle_event({"action": "TASKS_DELETED", "tasks": [], "project": {"id": PROJECT}}, settings, redis_conn)


def run_worker_while(conn, settings, senders: threading.Thread, idle: int = 2) -> None:
    """A real worker in the main thread (RQ installs signal handlers) until idle after ``senders``."""
    senders.start()
    SimpleWorker([settings.train_queue], connection=conn).work(burst=False, max_idle_time=idle)
    senders.join(timeout=30)
    assert not senders.is_alive()
    # Whatever the last finishing job enqueued after the worker went idle.
    SimpleWorker([settings.train_queue], connection=conn).work(burst=True)


def test_burst_of_200_webhooks_makes_at_most_two_jobs_and_trains_every_annotation(redis_conn, settings):
    redis_conn.set("test:hold", "1")  # training outlasts the burst, as real training does
    latencies: list[float] = []

    def send(i: int) -> None:
        start = time.perf_counter()
        q.handle_event(annotation_event(i), settings, q.connect(settings.redis_url), train_func=RECORDER)
        latencies.append(time.perf_counter() - start)

    def burst() -> None:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(send, range(200)))
        redis_conn.delete("test:hold")

    run_worker_while(redis_conn, settings, threading.Thread(target=burst))

    jobs = train_jobs_created(redis_conn, settings)
    assert 1 <= len(jobs) <= 2, jobs
    trained = [a for snap in trained_snapshots(redis_conn) for a in snap]
    assert sorted(trained) == list(range(200)), "every annotation is trained on exactly once"
    assert redis_conn.scard(q.ProjectKeys(PROJECT).pending) == 0
    latencies.sort()
    assert latencies[int(len(latencies) * 0.95)] < 0.1, latencies[-5:]


def test_annotation_arriving_during_training_goes_into_the_next_run(redis_conn, settings):
    redis_conn.set("test:hold", "1")
    for i in range(10):
        q.handle_event(annotation_event(i), settings, redis_conn, train_func=RECORDER)

    def while_training() -> None:
        deadline = time.monotonic() + 10
        while not redis_conn.exists(q.ProjectKeys(PROJECT).running) and time.monotonic() < deadline:
            time.sleep(0.02)
        # Ten more while the first run trains: its snapshot is already taken.
        for i in range(10, 20):
            q.handle_event(annotation_event(i), settings, q.connect(settings.redis_url), train_func=RECORDER)
        redis_conn.delete("test:hold")

    run_worker_while(redis_conn, settings, threading.Thread(target=while_training))
    assert trained_snapshots(redis_conn) == [list(range(10)), list(range(10, 20))]


def test_second_job_steps_aside_while_the_lock_is_held(redis_conn, settings):
    keys = q.ProjectKeys(PROJECT)
    redis_conn.set(keys.running, "someone-else", ex=30)
    for i in range(10):
        q.handle_event(annotation_event(i), settings, redis_conn, train_func=RECORDER)
    SimpleWorker([settings.train_queue], connection=redis_conn).work(burst=True)
    assert redis_conn.llen("test:deferred") == 1
    assert trained_snapshots(redis_conn) == []
    assert redis_conn.scard(keys.pending) == 10, "nothing taken by the job that stepped aside"
    assert not redis_conn.exists(keys.queued), "the step-aside released the queued marker"


def test_killed_job_frees_lock_by_ttl_and_its_snapshot_is_retrained(redis_conn, settings):
    keys = q.ProjectKeys(PROJECT)
    for i in range(10):
        q.handle_event(annotation_event(i), settings, redis_conn, train_func=RECORDER)
    # A worker dequeues the job, takes the snapshot and dies: no finally, no heartbeat.
    job_id = q._text(redis_conn.get(keys.queued))
    Queue(settings.train_queue, connection=redis_conn).remove(job_id)
    reply = redis_conn.eval(q._START, 5, *keys.ordered(), job_id, settings.train_lock_ttl)
    assert reply[0] == 1 and len(reply) == 12
    assert not redis_conn.exists(keys.queued), "the start consumed the queued marker"
    q.handle_event(annotation_event(10), settings, redis_conn, train_func=RECORDER)
    time.sleep(settings.train_lock_ttl + 0.5)
    out = q.handle_event(annotation_event(11), settings, redis_conn, train_func=RECORDER)
    assert out["training"] == "queued", "orphaned snapshot counts again once the lock expired"
    SimpleWorker([settings.train_queue], connection=redis_conn).work(burst=True)
    assert trained_snapshots(redis_conn) == [list(range(12))]


def test_stale_queued_marker_is_cleared(redis_conn, settings):
    keys = q.ProjectKeys(PROJECT)
    redis_conn.set(keys.queued, "cardloop-train-7-vanished")
    for i in range(10):
        out = q.handle_event(annotation_event(i), settings, redis_conn, train_func=RECORDER)
    assert out["training"] == "queued" and out["training_job"] != "cardloop-train-7-vanished"


def test_failed_run_returns_snapshot_and_is_retried(redis_conn, settings):
    keys = q.ProjectKeys(PROJECT)
    for i in range(10):
        q.handle_event(annotation_event(i), settings, redis_conn, train_func=FAILING)
    job_id = q._text(redis_conn.get(keys.queued))
    SimpleWorker([settings.train_queue], connection=redis_conn).work(burst=True)
    assert redis_conn.scard(keys.pending) == 10
    assert not redis_conn.exists(keys.running) and not redis_conn.exists(keys.inflight)
    job = Job.fetch(job_id, connection=redis_conn)
    assert job.get_status() == JobStatus.SCHEDULED and job.retries_left == 1
    status = q.training_status(redis_conn)[PROJECT]
    assert status["last_outcome"] == "failed" and "label studio went away" in status["last_error"]
    # Run the two retries now instead of waiting for their back-off: then it is in the failed registry.
    queue = Queue(settings.train_queue, connection=redis_conn)
    for _ in range(2):
        job = Job.fetch(job_id, connection=redis_conn)
        ScheduledJobRegistry(queue=queue).remove(job)
        queue.enqueue_job(job)
        SimpleWorker([settings.train_queue], connection=redis_conn).work(burst=True)
    assert job_id in FailedJobRegistry(queue=queue).get_job_ids()
    assert "label studio went away" in Job.fetch(job_id, connection=redis_conn).latest_result().exc_string
    assert redis_conn.scard(keys.pending) == 10, "nothing lost after the final failure either"


def test_training_status_reports_progress(redis_conn, settings):
    q.handle_event(annotation_event(1), settings, redis_conn, train_func=RECORDER)
    q.report_progress(redis_conn, PROJECT, step=12, epoch=1.5, loss=0.42)
    status = q.training_status(redis_conn)[PROJECT]
    assert status["step"] == 12 and status["loss"] == pytest.approx(0.42)
    assert status["pending"] == 1 and status["state"] == "idle"


def test_crm_sync_is_enqueued_on_the_light_queue(redis_conn, settings):
    out = q.handle_event(annotation_event(5), settings, redis_conn, train_func=RECORDER)
    light = Queue(settings.light_queue, connection=redis_conn)
    assert light.job_ids == out["crm_jobs"]
    job = light.fetch_job(out["crm_jobs"][0])
    assert job.func_name == q.CRM_FUNC and job.args == (PROJECT, 1005, 5, "ANNOTATION_CREATED")


def test_crm_job_function_exists():
    import importlib

    module, name = q.CRM_FUNC.rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), name))


@pytest.mark.parametrize(
    "payload",
    [{}, {"action": "ANNOTATION_CREATED"}, {"action": "ANNOTATION_CREATED", "project": {"id": 1}},
     {"action": "ANNOTATION_CREATED", "project": {"id": "x"}, "annotation": {"id": 1}}],
)
def test_malformed_payloads_raise_invalid_event(payload, settings, redis_conn):
    with pytest.raises(q.InvalidEvent):
        q.handle_event(payload, settings, redis_conn)


def test_unrelated_actions_are_ignored(settings, redis_conn):
    assert q.handle_event({"action": "PROJECT_UPDATED", "project": {"id": 1}}, settings, redis_conn)["status"] == "ignored"


def test_unreachable_redis_raises_queue_unavailable(settings):
    from ml_backend.config import load_settings as fresh
    from scripts.services import free_port

    down = dataclasses.replace(fresh(), redis_url=f"redis://127.0.0.1:{free_port()}/0")
    start = time.perf_counter()
    with pytest.raises(q.QueueUnavailable):
        q.handle_event(annotation_event(1), down)
    assert time.perf_counter() - start < 3
