"""Webhooks lost while Redis is down are caught up by reconciliation (real servers throughout).

A real Label Studio posts its webhooks to the real backend app (served over HTTP); the backend
answers 503 while its private Redis is stopped, and Label Studio never retries. Once Redis is
back, the project's next webhook makes the backend queue ``reconcile_project``, which finds the
annotations in Label Studio: every card reaches the CRM and every annotation waits for
training, with the retraining threshold honoured. Another run changes nothing.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import replace

import psycopg
import pytest
import redis
import requests
from crm_tasks import card_result, person
from rq import Queue, SimpleWorker
from werkzeug.serving import make_server

import label_config
from active_learning.loop import queue as q
from active_learning.crm.db import ensure_database
from active_learning.loop.reconcile import reconcile_project
from ml_backend.config import load_settings
from ml_backend import wiring
from scripts.services import RedisServer, free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def private_redis(tmp_path):
    server = RedisServer(data_dir=tmp_path / "redis", port=free_port())
    server.ensure_running(reuse=False)
    yield server
    server.stop()


@pytest.fixture
def env(label_studio, pg_server, private_redis, monkeypatch):
    name = f"cardloop_reconcile_{secrets.token_hex(4)}"
    crm = pg_server.dsn(name)
    assert ensure_database(crm)
    values = {"REDIS_URL": private_redis.url, "LABEL_STUDIO_URL": label_studio.url,
              "LABEL_STUDIO_API_KEY": label_studio.token, "CRM_DATABASE_URL": crm, "CARDLOOP_RETRAIN_AFTER": "3",
              "CARDLOOP_TRAIN_QUEUE": "reconcile-train", "CARDLOOP_LIGHT_QUEUE": "reconcile-light",
              "BASIC_AUTH_USER": "", "BASIC_AUTH_PASS": ""}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    yield values
    pg_server.drop_database(name)


@pytest.fixture
def backend(env):
    """The real backend app over HTTP (no model needed for webhooks), fed by Label Studio."""
    app = wiring.app(replace(load_settings()), load_model=False)
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def live_contacts(dsn: str) -> set[int]:
    with psycopg.connect(dsn) as conn:
        return {r[0] for r in conn.execute("SELECT ls_task_id FROM contacts WHERE withdrawn_at IS NULL")}


def webhook_count(backend: str, status: str) -> float:
    text = requests.get(f"{backend}/metrics", timeout=10).text
    line = f'cardloop_webhook_events_total{{action="ANNOTATION_CREATED",status="{status}"}} '
    return next((float(row.split()[-1]) for row in text.splitlines() if row.startswith(line)), 0.0)


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_annotations_whose_webhooks_were_lost_while_redis_was_down_are_exported_and_queued(
    label_studio, env, backend, private_redis
):
    client = label_studio.client
    project = client.projects.create(title="reconcile", label_config=label_config.load()).id
    client.webhooks.create(project=project, url=f"{backend}/webhook", send_payload=True, send_for_all_actions=True)
    first, *lost = client.projects.import_tasks(
        id=project, request=[{"image": f"http://127.0.0.1/card-{i}.png"} for i in range(4)], return_task_ids=True,
    ).task_ids
    after = lost.pop()
    conn = redis.Redis.from_url(env["REDIS_URL"])
    light = Queue(env["CARDLOOP_LIGHT_QUEUE"], connection=conn)

    made = {first: client.annotations.create(id=first, result=card_result(person(1)))}
    wait_for(lambda: webhook_count(backend, "ok") == 1, 30, "the first webhook")
    SimpleWorker([light], connection=conn).work(burst=True)
    assert live_contacts(env["CRM_DATABASE_URL"]) == {first}

    private_redis.stop()
    for i, task in enumerate(lost, start=2):
        made[task] = client.annotations.create(id=task, result=card_result(person(i)))
    wait_for(lambda: webhook_count(backend, "unavailable") == 2, 30, "two webhooks answered 503")
    private_redis.ensure_running(reuse=False)  # back, empty (no persistence): the pending set is gone too

    # the next annotation's webhook is accepted, and the backend queues a reconciliation with it
    made[after] = client.annotations.create(id=after, result=card_result(person(4)))
    wait_for(lambda: webhook_count(backend, "ok") == 2, 30, "the webhook after Redis came back")
    reconcile_jobs = [j for j in light.get_jobs() if j.func_name == q.RECONCILE_FUNC]
    assert len(reconcile_jobs) == 1
    SimpleWorker([light], connection=conn).work(burst=True)
    out = reconcile_jobs[0].return_value()
    assert out["annotated_tasks"] == 4 and out["untrained_added"] == 3  # the lost two and the one Redis forgot
    assert out["training"]["training"] == "queued" and out["training"]["pending"] == 4
    assert live_contacts(env["CRM_DATABASE_URL"]) == {first, *lost, after}
    pending = {int(x) for x in conn.smembers(q.ProjectKeys(project).pending)}
    assert pending == {int(a.id) for a in made.values()}

    again = reconcile_project(project)
    assert again["untrained_added"] == 0 and again["training"]["training"] == "already_queued"
    assert again["crm"]["inserted"] == again["crm"]["updated"] == again["crm"]["withdrawn"] == 0

    # what a finished training run took is not queued again
    job_id = q._text(conn.get(q.ProjectKeys(project).queued))
    with q.training_run(conn, project, job_id, load_settings()) as run:
        assert run.annotation_ids == pending
    assert reconcile_project(project)["untrained_added"] == 0
