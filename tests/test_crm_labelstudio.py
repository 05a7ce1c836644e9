"""End to end with a real Label Studio 1.23: annotations made through the SDK reach the CRM
database through the RQ job (webhook path) and the CLI, and leave it when deleted."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from rq import Queue, SimpleWorker

import label_config
from active_learning.loop import queue as al_queue
from active_learning.crm.db import ensure_database
from active_learning.crm.job import sync_annotation, sync_crm_job
from crm_tasks import card_result, person, region
from ml_backend.config import load_settings

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def crm_env(pg_server, label_studio, redis_url, monkeypatch):
    """Settings pointing at the session's Label Studio and Redis and at a fresh CRM database."""
    name = f"cardloop_crm_ls_{secrets.token_hex(4)}"
    url = pg_server.dsn(name)
    assert ensure_database(url)  # as the local stack does before starting workers
    env = {"CRM_DATABASE_URL": url, "LABEL_STUDIO_URL": label_studio.url,
           "LABEL_STUDIO_API_KEY": label_studio.token, "REDIS_URL": redis_url}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    yield env
    pg_server.drop_database(name)


def contacts(url: str) -> dict[int, dict]:
    with psycopg.connect(url, row_factory=psycopg.rows.dict_row) as conn:
        found = conn.execute("SELECT * FROM contacts").fetchall()
    return {r["ls_task_id"]: r for r in found}


def test_annotations_made_in_label_studio_are_exported_updated_and_withdrawn(label_studio, crm_env, redis_conn):
    client = label_studio.client
    project = client.projects.create(title="CRM export e2e", label_config=label_config.load())
    imported = client.projects.import_tasks(
        id=project.id, request=[{"image": f"http://127.0.0.1/card-{i}.png"} for i in range(4)],
        return_task_ids=True,
    )
    ok, rejected, review, cancelled = imported.task_ids
    predicted = region("full_name", person(1)["full_name"], y=5, region_id="p1", score=0.81)
    client.predictions.create(task=ok, model_version="layoutlmv3-v3", score=0.8, result=predicted)

    made = {
        ok: client.annotations.create(id=ok, result=card_result(person(1))),
        rejected: client.annotations.create(id=rejected, result=card_result({**person(2), "email": "x@"})),
        review: client.annotations.create(id=review, result=card_result(person(3), validated=False)),
        cancelled: client.annotations.create(id=cancelled, result=card_result(person(4)), was_cancelled=True),
    }

    report = sync_crm_job(project.id)
    assert report["tasks"] == 4 and report["stats"]["inserted"] == 1 and report["stats"]["rejected"] == 1
    found = contacts(crm_env["CRM_DATABASE_URL"])
    assert set(found) == {ok}
    row = found[ok]
    assert row["ls_project_id"] == project.id and row["ls_annotation_id"] == made[ok].id
    assert row["emails"] == ["contact.1@northwind.com"] and row["phones"] == ["+12125550001"]
    assert row["model_version"] == "layoutlmv3-v3"
    with psycopg.connect(crm_env["CRM_DATABASE_URL"]) as conn:
        assert conn.execute("SELECT ls_task_id FROM rejected_cards").fetchall() == [(rejected,)]

    # The webhook path: active_learning.loop.queue enqueues sync_annotation, an RQ worker runs it.
    client.annotations.update(id=made[ok].id, result=card_result({**person(1), "position": "Head of Sales"}))
    settings = load_settings()
    al_queue.enqueue_crm_sync(redis_conn, settings, project.id, ok, made[ok].id, "ANNOTATION_UPDATED")
    SimpleWorker([Queue(settings.light_queue, connection=redis_conn)], connection=redis_conn).work(burst=True)
    updated = contacts(crm_env["CRM_DATABASE_URL"])[ok]
    assert updated["position"] == "Head of Sales" and updated["updated_at"] > row["updated_at"]

    # Deleting the annotation withdraws the contact (the row stays).
    client.annotations.delete(id=made[ok].id)
    sync_annotation(project.id, ok, made[ok].id, "ANNOTATION_DELETED")
    gone = contacts(crm_env["CRM_DATABASE_URL"])[ok]
    assert gone["withdrawn_at"] is not None

    # The CLI's full re-export finds nothing left to change.
    out = subprocess.run([sys.executable, "scripts/crm_sync.py", "--full", "--project", str(project.id)],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=180, env=os.environ.copy())
    assert out.returncode == 0, out.stderr
    cli_report = json.loads(out.stdout.strip().splitlines()[-1])
    assert cli_report["stats"]["inserted"] == cli_report["stats"]["updated"] == cli_report["stats"]["withdrawn"] == 0


class WebhookRecorder:
    """A real HTTP endpoint Label Studio posts its webhooks to; keeps every payload it gets."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.payloads: list[dict] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 -- http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                recorder.payloads.append(json.loads(body or b"{}"))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, action: str, timeout: float = 30) -> dict:
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [p for p in self.payloads if p.get("action") == action]
            if found:
                self.payloads.remove(found[0])
                return found[0]
            time.sleep(0.1)
        raise AssertionError(f"Label Studio sent no {action} webhook within {timeout:.0f} s")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_deleted_annotations_and_tasks_leave_the_crm_through_label_studios_own_webhooks(
    label_studio, crm_env, redis_conn
):
    """Label Studio's ANNOTATIONS_DELETED names annotation ids only and TASKS_DELETED task ids
    only: the payloads it really sends go through handle_event and the light worker."""
    client = label_studio.client
    project = client.projects.create(title="CRM deletes e2e", label_config=label_config.load())
    recorder = WebhookRecorder()
    try:
        client.webhooks.create(project=project.id, url=recorder.url, send_payload=True, send_for_all_actions=True)
        imported = client.projects.import_tasks(
            id=project.id, request=[{"image": f"http://127.0.0.1/card-{i}.png"} for i in range(3)], return_task_ids=True,
        )
        by_annotation, by_task, kept = imported.task_ids
        settings = load_settings()
        worker = SimpleWorker([Queue(settings.light_queue, connection=redis_conn)], connection=redis_conn)

        def deliver(action: str) -> dict:
            payload = recorder.wait_for(action)
            assert al_queue.handle_event(payload, settings, redis_conn)["status"] == "ok"
            worker.work(burst=True)
            return payload

        made = {}
        for i, task in enumerate((by_annotation, by_task, kept), start=1):
            made[task] = client.annotations.create(id=task, result=card_result(person(i)))
            deliver("ANNOTATION_CREATED")
        live = contacts(crm_env["CRM_DATABASE_URL"])
        assert set(live) == {by_annotation, by_task, kept}
        assert all(row["withdrawn_at"] is None for row in live.values())

        client.annotations.delete(id=made[by_annotation].id)
        payload = deliver("ANNOTATIONS_DELETED")
        assert payload["annotations"] == [{"id": made[by_annotation].id}], "Label Studio now sends more: revisit"

        client.tasks.delete(id=str(by_task))
        payload = deliver("TASKS_DELETED")
        assert [t["id"] for t in payload["tasks"]] == [by_task]

        # a newer annotation takes over the contact; deleted, the previous one takes it back
        extra = client.annotations.create(id=kept, result=card_result({**person(3), "position": "CTO"}))
        deliver("ANNOTATION_CREATED")
        assert contacts(crm_env["CRM_DATABASE_URL"])[kept]["position"] == "CTO"
        client.annotations.delete(id=extra.id)
        deliver("ANNOTATIONS_DELETED")
    finally:
        recorder.close()
    after = contacts(crm_env["CRM_DATABASE_URL"])
    assert after[by_annotation]["withdrawn_at"] is not None
    assert after[by_annotation]["withdrawn_reason"] == "no annotation"
    assert after[by_task]["withdrawn_at"] is not None
    assert after[kept]["withdrawn_at"] is None and after[kept]["ls_annotation_id"] == made[kept].id
    assert after[kept]["position"] != "CTO"
