"""CRM sync when PostgreSQL goes away: unreachable, and restarted in the middle of a batch.

The restart tests run a private throwaway cluster (initdb under the test's temp dir, random
port) so restarting it never disturbs the machine's shared PostgreSQL.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import psycopg
import pytest

import active_learning.crm.sync as sync_module
from active_learning.crm.db import CrmDatabaseUnavailable, connect
from ml_backend.studio.client import changed_since
from active_learning.crm.sync import SyncMode, sync_project
from crm_tasks import annotation, card_result, person, stamp, task, validated_task
from scripts.services import PostgresServer, free_port

CARDS = 60
BATCH = 7


@pytest.fixture(scope="module")
def private_pg():
    # Not under pytest's tmp_path: that tree is root-only (0700) and the server runs as `postgres`.
    data_dir = Path(tempfile.mkdtemp(prefix="cardloop-crm-pg-"))
    server = PostgresServer(data_dir=data_dir, port=free_port())
    try:
        server.ensure_running(reuse=False)
        yield server
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def crm_url(private_pg, request):
    name = f"crm_{request.node.name[:40].lower()}"
    private_pg.drop_database(name)
    return private_pg.create_database(name)


def restart(server: PostgresServer) -> None:
    """Fast shutdown (terminates every session, as a crash or failover would) and start again."""
    server.stop()
    server.ensure_running(reuse=False)


def cards() -> list[dict]:
    """60 tasks: validated cards, plus every 10th not validated and every 15th rejected."""
    tasks = []
    for i in range(1, CARDS + 1):
        if i % 10 == 0:
            tasks.append(task(i, [annotation(card_result(person(i), validated=False), i)]))
        elif i % 15 == 0:
            tasks.append(task(i, [annotation(card_result({**person(i), "email": "broken@"}), i)]))
        else:
            tasks.append(validated_task(i, minutes=i))
    return tasks


def expected_contacts() -> set[int]:
    return {i for i in range(1, CARDS + 1) if i % 10 and i % 15}


def exported(url: str) -> tuple[list[int], list[int]]:
    with psycopg.connect(url) as conn:
        contacts = [r[0] for r in conn.execute("SELECT ls_task_id FROM contacts WHERE withdrawn_at IS NULL")]
        rejected = [r[0] for r in conn.execute("SELECT ls_task_id FROM rejected_cards WHERE resolved_at IS NULL")]
    return contacts, rejected


def restart_when_assembling(monkeypatch, server: PostgresServer, task_id: int) -> list[int]:
    """Restart PostgreSQL while the batch holding ``task_id`` is inside its transaction (once)."""
    real = sync_module.assemble_task
    restarts: list[int] = []

    def assemble(t):
        if t["id"] == task_id and not restarts:
            restarts.append(task_id)
            restart(server)
        return real(t)

    monkeypatch.setattr(sync_module, "assemble_task", assemble)
    return restarts


def test_restart_mid_batch_is_retried_and_every_card_lands_once(private_pg, crm_url, monkeypatch, caplog):
    tasks = cards()
    restarts = restart_when_assembling(monkeypatch, private_pg, task_id=31)
    with caplog.at_level(logging.WARNING, logger="active_learning.crm.sync"):
        report = sync_project(crm_url, 1, lambda since: list(tasks), mode=SyncMode.FULL,
                              batch_size=BATCH, backoff=0.2)
    assert restarts == [31] and report.attempts == 2
    assert "lost the database" in caplog.text
    contacts, rejected = exported(crm_url)
    assert sorted(contacts) == sorted(expected_contacts())  # each exactly once
    assert sorted(rejected) == [15, 45]


def test_restart_mid_batch_without_retries_leaves_whole_batches_and_the_next_run_completes(
        private_pg, crm_url, monkeypatch):
    tasks = cards()
    restart_when_assembling(monkeypatch, private_pg, task_id=31)
    with pytest.raises(CrmDatabaseUnavailable):
        sync_project(crm_url, 1, lambda since: list(tasks), batch_size=BATCH, attempts=1)
    contacts, _ = exported(crm_url)
    # batches of 7 in annotation order: tasks 1-28 committed, the batch holding 31 rolled back
    assert sorted(contacts) == sorted(i for i in expected_contacts() if i <= 28)

    monkeypatch.undo()  # the next run meets no restart
    asked: list = []
    report = sync_project(crm_url, 1, lambda since: asked.append(since) or list(changed_since(tasks, since)),
                          batch_size=BATCH)
    assert asked == [datetime.fromisoformat(stamp(28))]  # resumed after the last committed batch
    assert report.tasks == CARDS - 27
    contacts, rejected = exported(crm_url)
    assert sorted(contacts) == sorted(expected_contacts()) and sorted(rejected) == [15, 45]


def test_unreachable_database_is_retried_with_backoff_then_reported(monkeypatch, caplog):
    slept: list[float] = []
    monkeypatch.setattr(sync_module.time, "sleep", slept.append)
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/crm"
    with caplog.at_level(logging.WARNING):
        with pytest.raises(CrmDatabaseUnavailable, match="failed after 3 attempts"):
            sync_project(url, 1, lambda since: [], attempts=3, backoff=0.5)
    assert slept == [0.5, 1.0]
    assert caplog.text.count("lost the database") == 2 and "failed after 3 attempts" in caplog.text


def test_connect_backs_off_while_the_server_is_down(monkeypatch):
    import active_learning.crm.db as db

    slept: list[float] = []
    monkeypatch.setattr(db.time, "sleep", slept.append)
    with pytest.raises(CrmDatabaseUnavailable, match="unreachable after 3 attempts"):
        connect(f"postgresql://postgres@127.0.0.1:{free_port()}/crm", attempts=3, backoff=1.0)
    assert slept == [1.0, 2.0]


def test_webhook_job_with_database_down_fails_loudly_and_is_rescheduled_by_rq(redis_conn, monkeypatch, caplog):
    from rq import Queue, SimpleWorker
    from rq.job import JobStatus

    from active_learning.loop import queue as al_queue
    from ml_backend.config import load_settings

    monkeypatch.setattr(sync_module.time, "sleep", lambda seconds: None)
    monkeypatch.setenv("CRM_DATABASE_URL", f"postgresql://postgres@127.0.0.1:{free_port()}/crm")
    settings = load_settings()
    job_id = al_queue.enqueue_crm_sync(redis_conn, settings, 3, 17, 170, "ANNOTATION_CREATED")
    queue = Queue(settings.light_queue, connection=redis_conn)
    with caplog.at_level(logging.WARNING):
        SimpleWorker([queue], connection=redis_conn).work(burst=True)
    job = queue.fetch_job(job_id)
    assert job.get_status() == JobStatus.SCHEDULED  # RQ Retry will run it again
    assert job.retries_left == al_queue.LIGHT_RETRY.max - 1
    assert "CRM sync of project 3 failed after 4 attempts" in caplog.text  # our log line
    assert "active_learning.crm.db.CrmDatabaseUnavailable" in caplog.text  # the traceback RQ recorded
