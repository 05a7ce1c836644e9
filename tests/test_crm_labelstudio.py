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
from active_learning import queue as al_queue
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

    # The webhook path: active_learning.queue enqueues sync_annotation, an RQ worker runs it.
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
