"""CRM sync against a real PostgreSQL: migrations, idempotent upserts, withdrawal, rejections,
duplicates, watermarks, concurrent runs and the CLI. Each test gets its own fresh database."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import psycopg
import pytest

from active_learning.crm.db import connect, ensure_database, migrate
from ml_backend.studio.client import changed_since
from active_learning.crm.sync import SyncMode, sync_project
from active_learning.crm.db import MIGRATIONS_DIR
from crm_tasks import annotation, card_result, multi_card_result, person, stamp, task, validated_task

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def crm_url(pg_server):
    """A database of its own for each test (dropped afterwards), not yet migrated."""
    name = f"cardloop_crm_test_{secrets.token_hex(4)}"
    url = pg_server.create_database(name)
    yield url
    pg_server.drop_database(name)


def source(tasks: list[dict]):
    """A FetchTasks over plain task dicts that also records the watermarks it was asked for."""
    def fetch(since):
        fetch.calls.append(since)
        return list(changed_since(tasks, since))
    fetch.calls = []
    return fetch


def rows(url: str, sql: str, *params) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


CONTACT_COLUMNS = ("ls_task_id, ls_annotation_id, full_name, emails, phones, address, created_at, updated_at,"
                   " withdrawn_at, withdrawn_reason")


def contacts(url: str, project: int = 1) -> dict[int, dict]:
    with psycopg.connect(url, row_factory=psycopg.rows.dict_row) as conn:
        found = conn.execute(f"SELECT {CONTACT_COLUMNS} FROM contacts WHERE ls_project_id = %s", (project,)).fetchall()
    return {r["ls_task_id"]: r for r in found}


# --- schema --------------------------------------------------------------------------------


def test_migrations_apply_once_and_are_recorded(crm_url):
    with connect(crm_url) as conn:
        assert migrate(conn) == [1, 2, 3, 4]
        assert migrate(conn) == []
    assert [r[0] for r in rows(crm_url, "SELECT version FROM schema_migrations ORDER BY version")] == [1, 2, 3, 4]


def test_concurrent_migrations_do_not_collide(crm_url):
    errors: list[BaseException] = []
    applied: list[list[int]] = []

    def run():
        try:
            with connect(crm_url) as conn:
                applied.append(migrate(conn))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(applied) == [[], [], [], [1, 2, 3, 4]]


def test_ensure_database_creates_a_missing_database(pg_server):
    name = f"cardloop_crm_ensure_{secrets.token_hex(4)}"
    url = pg_server.dsn(name)
    try:
        assert ensure_database(url) is True
        assert ensure_database(url) is False
        assert rows(url, "SELECT current_database()") == [(name,)]
    finally:
        pg_server.drop_database(name)


# --- export --------------------------------------------------------------------------------


def test_sync_twice_changes_nothing(crm_url):
    tasks = [validated_task(i) for i in range(1, 6)]
    first = sync_project(crm_url, 1, source(tasks), mode=SyncMode.FULL, batch_size=2)
    before = contacts(crm_url)
    second = sync_project(crm_url, 1, source(tasks), mode=SyncMode.FULL, batch_size=2)
    assert (first.stats.inserted, first.batches) == (5, 3)
    assert (second.stats.inserted, second.stats.updated, second.stats.unchanged) == (0, 0, 5)
    assert contacts(crm_url) == before
    assert before[3]["phones"] == ["+12125550003"] and before[3]["emails"] == ["contact.3@northwind.com"]
    assert rows(crm_url, "SELECT count(*) FROM contacts") == [(5,)]


def test_updated_annotation_updates_its_contact(crm_url):
    sync_project(crm_url, 1, source([validated_task(1)]))
    before = contacts(crm_url)[1]
    edited = task(1, [annotation(card_result({**person(1), "full_name": "Anna Smith-Jones"}), 10, annotation_id=77)])
    report = sync_project(crm_url, 1, source([edited]))
    after = contacts(crm_url)[1]
    assert report.stats.updated == 1
    assert after["full_name"] == "Anna Smith-Jones" and after["ls_annotation_id"] == 77
    assert after["created_at"] == before["created_at"] and after["updated_at"] > before["updated_at"]


def test_contact_is_withdrawn_not_deleted_when_its_task_stops_being_validated(crm_url):
    sync_project(crm_url, 1, source([validated_task(1), validated_task(2)]))
    unvalidated = task(1, [annotation(card_result(person(1)), 0),
                           annotation(card_result(person(1), validated=False), 20)])
    sync_project(crm_url, 1, source([unvalidated, validated_task(2)]))
    found = contacts(crm_url)
    assert found[1]["withdrawn_at"] is not None and found[1]["withdrawn_reason"] == "latest annotation not validated"
    assert found[2]["withdrawn_at"] is None
    # validated again -> live again, same row
    revalidated = task(1, [annotation(card_result(person(1)), 30)])
    sync_project(crm_url, 1, source([revalidated, validated_task(2)]))
    assert contacts(crm_url)[1]["withdrawn_at"] is None
    assert rows(crm_url, "SELECT count(*) FROM contacts") == [(2,)]


def test_full_sync_withdraws_contacts_of_tasks_no_longer_annotated(crm_url):
    sync_project(crm_url, 1, source([validated_task(1), validated_task(2)]), mode=SyncMode.FULL)
    report = sync_project(crm_url, 1, source([validated_task(2), task(1, [])]), mode=SyncMode.FULL)
    assert report.stats.withdrawn == 1
    assert contacts(crm_url)[1]["withdrawn_at"] is not None


def test_task_mode_withdraws_contacts_of_deleted_tasks(crm_url):
    sync_project(crm_url, 1, source([validated_task(1), validated_task(2)]))
    report = sync_project(crm_url, 1, source([validated_task(2)]), mode=SyncMode.TASKS, task_ids=[1, 2])
    assert report.stats.withdrawn == 1
    assert contacts(crm_url)[1]["withdrawn_reason"] == "task deleted from Label Studio"
    assert contacts(crm_url)[2]["withdrawn_at"] is None


def test_rejected_card_is_recorded_and_resolved_when_fixed(crm_url):
    bad = task(1, [annotation(card_result({**person(1), "email": "anna.smith@northwind"}), 0)])
    report = sync_project(crm_url, 1, source([bad, validated_task(2)]))
    assert report.stats.rejected == 1
    assert set(contacts(crm_url)) == {2}
    [(reasons, resolved_at)] = rows(crm_url, "SELECT reasons, resolved_at FROM rejected_cards WHERE ls_task_id = 1")
    assert [r["field"] for r in reasons] == ["email"] and resolved_at is None
    # re-running records nothing new
    assert sync_project(crm_url, 1, source([bad, validated_task(2)])).stats.rejected == 0

    fixed = task(1, [annotation(card_result(person(1)), 15)])
    sync_project(crm_url, 1, source([fixed, validated_task(2)]))
    assert set(contacts(crm_url)) == {1, 2}
    assert rows(crm_url, "SELECT resolution FROM rejected_cards WHERE ls_task_id = 1 AND resolved_at IS NOT NULL") \
        == [("exported",)]


def test_contact_whose_card_becomes_invalid_is_withdrawn_and_rejected(crm_url):
    sync_project(crm_url, 1, source([validated_task(1)]))
    broken = task(1, [annotation(card_result({**person(1), "phone": "+1 212"}), 9)])
    sync_project(crm_url, 1, source([broken]))
    assert contacts(crm_url)[1]["withdrawn_reason"] == "card rejected by validation"
    assert rows(crm_url, "SELECT count(*) FROM rejected_cards WHERE resolved_at IS NULL") == [(1,)]


def test_shared_email_or_phone_is_reported_not_merged(crm_url):
    a = {**person(1), "email": "Sales@Northwind.com"}
    b = {**person(2), "email": "sales@northwind.com", "phone": "+1 (212) 555-0001"}
    tasks = [task(1, [annotation(card_result(a), 0)]), task(2, [annotation(card_result(b), 0)]), validated_task(3)]
    sync_project(crm_url, 1, source(tasks))
    assert len(contacts(crm_url)) == 3
    dupes = rows(crm_url, "SELECT kind, value, ls_task_ids FROM contact_duplicates ORDER BY kind")
    assert dupes == [("email", "sales@northwind.com", [1, 2]), ("phone", "+12125550001", [1, 2])]


def card_contacts(url: str) -> dict[tuple[int, str], dict]:
    """Contacts by (task, card)."""
    with psycopg.connect(url, row_factory=psycopg.rows.dict_row) as conn:
        found = conn.execute("SELECT ls_task_id, ls_card, full_name, emails, withdrawn_at, withdrawn_reason,"
                             " updated_at FROM contacts").fetchall()
    return {(r["ls_task_id"], r["ls_card"]): r for r in found}


def test_a_multi_card_task_gives_one_contact_per_card_exactly_once(crm_url):
    sheet = task(1, [annotation(multi_card_result([person(1), person(2), person(3)]), 0)])
    single = validated_task(2)
    first = sync_project(crm_url, 1, source([sheet, single]))
    found = card_contacts(crm_url)
    assert set(found) == {(1, "c1"), (1, "c2"), (1, "c3"), (2, "")}
    assert [found[(1, c)]["emails"] for c in ("c1", "c2", "c3")] == [
        ["contact.1@northwind.com"], ["contact.2@northwind.com"], ["contact.3@northwind.com"]]
    assert first.stats.inserted == 4
    again = sync_project(crm_url, 1, source([sheet, single]), mode=SyncMode.FULL)
    assert (again.stats.inserted, again.stats.updated, again.stats.unchanged) == (0, 0, 4)
    assert card_contacts(crm_url) == found


def test_a_card_removed_from_the_annotation_is_withdrawn_and_the_others_stay(crm_url):
    sync_project(crm_url, 1, source([task(1, [annotation(multi_card_result([person(1), person(2)]), 0)])]))
    fewer = task(1, [annotation(multi_card_result([person(1)]), 10)])
    report = sync_project(crm_url, 1, source([fewer]))
    found = card_contacts(crm_url)
    assert report.stats.withdrawn == 1
    assert found[(1, "c1")]["withdrawn_at"] is None
    assert found[(1, "c2")]["withdrawn_reason"] == "card no longer in the task's annotation"
    # the task unvalidated: every card goes; validated again: every card is back, same rows
    sync_project(crm_url, 1, source([task(1, [annotation(multi_card_result([person(1), person(2)], validated=False),
                                                          20)])]))
    assert all(r["withdrawn_at"] is not None for r in card_contacts(crm_url).values())
    sync_project(crm_url, 1, source([task(1, [annotation(multi_card_result([person(1), person(2)]), 30)])]))
    assert all(r["withdrawn_at"] is None for r in card_contacts(crm_url).values())
    assert rows(crm_url, "SELECT count(*) FROM contacts") == [(2,)]


def test_a_bad_card_of_a_sheet_is_rejected_alone_and_resolved_when_fixed(crm_url):
    bad = task(1, [annotation(multi_card_result([person(1), {**person(2), "email": "x@northwind"}]), 0)])
    report = sync_project(crm_url, 1, source([bad]))
    assert report.stats.rejected == 1
    assert set(card_contacts(crm_url)) == {(1, "c1")}
    assert rows(crm_url, "SELECT ls_card FROM rejected_cards WHERE resolved_at IS NULL") == [("c2",)]
    sync_project(crm_url, 1, source([task(1, [annotation(multi_card_result([person(1), person(2)]), 5)])]))
    assert set(card_contacts(crm_url)) == {(1, "c1"), (1, "c2")}
    assert rows(crm_url, "SELECT ls_card, resolution FROM rejected_cards") == [("c2", "exported")]


def test_a_single_card_task_reannotated_as_several_cards_withdraws_its_one_contact(crm_url):
    sync_project(crm_url, 1, source([validated_task(1)]))
    sync_project(crm_url, 1, source([task(1, [annotation(multi_card_result([person(1), person(2)]), 10)])]))
    found = card_contacts(crm_url)
    assert found[(1, "")]["withdrawn_reason"] == "card no longer in the task's annotation"
    assert found[(1, "c1")]["withdrawn_at"] is None and found[(1, "c2")]["withdrawn_at"] is None


def test_contacts_made_before_the_card_key_migrate_to_the_single_card_key(crm_url, tmp_path):
    for path in sorted(MIGRATIONS_DIR.glob("*.sql"))[:3]:
        (tmp_path / path.name).write_text(path.read_text())
    with connect(crm_url) as conn:
        assert migrate(conn, tmp_path) == [1, 2, 3]
        conn.execute("INSERT INTO contacts (ls_project_id, ls_task_id, ls_annotation_id, annotation_updated_at,"
                     " full_name) VALUES (1, 1, 5, now(), 'Old Row')")
        assert migrate(conn) == [4]
    assert rows(crm_url, "SELECT ls_task_id, ls_card, full_name FROM contacts") == [(1, "", "Old Row")]
    report = sync_project(crm_url, 1, source([validated_task(1)]))
    assert report.stats.updated == 1 and report.stats.inserted == 0  # the same row, now keyed (1, 1, '')
    assert rows(crm_url, "SELECT ls_card, full_name FROM contacts") == [("", "Boris Becker")]


def test_incremental_sync_starts_at_the_stored_watermark(crm_url):
    tasks = [validated_task(1, minutes=1), validated_task(2, minutes=4)]
    fetch = source(tasks)
    report = sync_project(crm_url, 1, fetch)
    assert fetch.calls == [None] and report.watermark == datetime.fromisoformat(stamp(4)).isoformat()
    tasks.append(validated_task(3, minutes=9))
    report = sync_project(crm_url, 1, fetch)
    assert fetch.calls[1] == datetime.fromisoformat(stamp(4))
    assert report.tasks == 2 and report.stats.inserted == 1  # task 2 sits at the watermark: replayed, unchanged
    assert set(contacts(crm_url)) == {1, 2, 3}


def test_a_failing_batch_rolls_back_whole_and_the_next_run_completes_it(crm_url, monkeypatch):
    import active_learning.crm.sync as sync_module

    real_assemble = sync_module.assemble_task

    def assemble_failing_on_task_4(t):
        if t["id"] == 4:
            raise RuntimeError("worker died")
        return real_assemble(t)

    tasks = [validated_task(i, minutes=i) for i in range(1, 7)]
    monkeypatch.setattr(sync_module, "assemble_task", assemble_failing_on_task_4)
    with pytest.raises(RuntimeError):
        sync_project(crm_url, 1, source(tasks), batch_size=2)
    assert set(contacts(crm_url)) == {1, 2}  # batch (3, 4) rolled back as a whole, (5, 6) never ran
    monkeypatch.setattr(sync_module, "assemble_task", real_assemble)
    fetch = source(tasks)
    sync_project(crm_url, 1, fetch, batch_size=2)
    assert fetch.calls == [datetime.fromisoformat(stamp(2))]  # resumed at the committed watermark
    assert set(contacts(crm_url)) == {1, 2, 3, 4, 5, 6}


def test_tasks_of_another_project_are_refused(crm_url):
    with pytest.raises(ValueError, match="belongs to project 2"):
        sync_project(crm_url, 1, source([validated_task(1, project=2)]))


def test_concurrent_syncs_export_each_card_once(crm_url):
    tasks = [validated_task(i, minutes=i) for i in range(1, 41)]
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def run(mode):
        try:
            barrier.wait()
            sync_project(crm_url, 1, source(tasks), mode=mode, batch_size=7)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(m,)) for m in (SyncMode.FULL, SyncMode.INCREMENTAL, SyncMode.FULL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert rows(crm_url, "SELECT count(*), count(DISTINCT ls_task_id) FROM contacts") == [(40, 40)]
    assert rows(crm_url, "SELECT count(*) FROM schema_migrations") == [(4,)]


# --- command line ---------------------------------------------------------------------------


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "scripts/crm_sync.py", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **env})


def cli_main(*args: str):
    from scripts.crm_sync import main

    return main(list(args))


def test_cli_rejects_bad_arguments(capsys):
    for args, message in [(("--full", "--since", "2026-01-01T00:00:00Z"), "not allowed with"),
                          (("--since", "yesterday"), "not an ISO 8601 timestamp"),
                          (("--batch-size", "0"), "--batch-size must be >= 1")]:
        with pytest.raises(SystemExit) as exit_info:
            cli_main(*args)
        assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_cli_reports_unreachable_label_studio_in_one_line(crm_url):
    from scripts.services import free_port

    out = run_cli("--project", "1", CRM_DATABASE_URL=crm_url, LABEL_STUDIO_URL=f"http://127.0.0.1:{free_port()}",
                  LABEL_STUDIO_API_KEY="x", CARDLOOP_LOG_LEVEL="CRITICAL")
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("crm_sync: error: Label Studio")


def test_cli_reports_unreachable_database_after_backing_off(monkeypatch, capsys):
    import active_learning.crm.sync as sync_module
    from scripts.services import free_port

    slept: list[float] = []
    monkeypatch.setattr(sync_module.time, "sleep", slept.append)
    monkeypatch.setenv("CRM_DATABASE_URL", f"postgresql://postgres@127.0.0.1:{free_port()}/crm")
    # Label Studio's settings are given, so the database is what fails (not the missing token)
    monkeypatch.setenv("LABEL_STUDIO_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "x")
    assert cli_main("--project", "1") == 1
    err = capsys.readouterr().err.splitlines()
    assert slept == [1.0, 2.0, 4.0]
    assert err[-1].startswith("crm_sync: error: CRM sync of project 1 failed after 4 attempts")
