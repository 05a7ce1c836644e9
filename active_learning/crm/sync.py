"""One CRM sync run for one project: lock, read the watermark, fetch, export in batches, retry.

Exactly-once comes from three pieces working together:
- the per-project advisory lock serialises runs, and each run fetches from Label Studio only
  after it holds the lock, so a later run never overwrites newer data with older;
- each batch is one transaction that also moves the watermark, so a run cut off mid-way
  (PostgreSQL restarted, worker killed) leaves whole batches and the next run resumes after them;
- the upserts are idempotent, so anything replayed (the batch at the watermark, a retried job,
  a ``--full`` run) changes nothing.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import psycopg

from active_learning.crm.assemble import NotExported, assemble_task
from active_learning.crm.db import CrmDatabaseUnavailable, advisory_lock, connect, migrate
from active_learning.crm.export import (
    WITHDRAWN_TASK_GONE,
    ExportStats,
    advance_watermark,
    export_outcomes,
    live_task_ids,
    read_watermark,
)
from ml_backend.studio.client import annotation_updated_at, latest_annotation

log = logging.getLogger(__name__)

#: Fetches plain task dicts changed since a watermark (None: every annotated task).
FetchTasks = Callable[[datetime | None], Iterable[dict[str, Any]]]

WITHDRAWN_UNANNOTATED = "no annotation left in Label Studio"


class SyncMode(str, enum.Enum):
    INCREMENTAL = "incremental"  # annotations changed since the stored (or given) watermark
    FULL = "full"  # every annotated task; contacts of tasks no longer listed are withdrawn
    TASKS = "tasks"  # the named tasks only (webhooks); tasks not returned are withdrawn


@dataclass
class SyncReport:
    """What a run did. ``stats`` counts the attempt that completed; batches an earlier, cut-off
    attempt committed show up there as ``unchanged``."""

    project_id: int
    mode: str
    tasks: int = 0
    batches: int = 0
    attempts: int = 1
    watermark: str | None = None
    stats: ExportStats = field(default_factory=ExportStats)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def sync_project(
    db_url: str,
    project_id: int,
    fetch: FetchTasks,
    *,
    mode: SyncMode = SyncMode.INCREMENTAL,
    since: datetime | None = None,
    task_ids: list[int] | None = None,
    batch_size: int = 100,
    attempts: int = 4,
    backoff: float = 1.0,
) -> SyncReport:
    """Export one project's validated cards into the CRM database at ``db_url``.

    A lost or refused connection is retried ``attempts`` times with exponential backoff
    (``backoff``, 2x, 4x... seconds); each attempt starts over from the committed watermark.
    After the last one ``CrmDatabaseUnavailable`` is raised for the caller (RQ Retry, CLI exit).
    """
    if mode is SyncMode.TASKS and not task_ids:
        raise ValueError("mode 'tasks' needs task ids")
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    for attempt in range(1, attempts + 1):
        try:
            report = _sync_once(db_url, project_id, fetch, mode, since, task_ids or [], batch_size)
        except (psycopg.OperationalError, CrmDatabaseUnavailable) as exc:
            reason = " ".join(str(exc).split())
            if attempt == attempts:
                log.error("CRM sync of project %s failed after %d attempts: %s", project_id, attempts, reason)
                raise CrmDatabaseUnavailable(
                    f"CRM sync of project {project_id} failed after {attempts} attempts: {reason}"
                ) from exc
            delay = backoff * 2 ** (attempt - 1)
            log.warning("CRM sync of project %s lost the database (attempt %d/%d), retrying in %.1f s: %s",
                        project_id, attempt, attempts, delay, reason)
            time.sleep(delay)
            continue
        report.attempts = attempt
        log.info("CRM sync of project %s (%s) done: %s", project_id, mode.value, report.as_dict())
        return report
    raise AssertionError("unreachable")  # the loop returns or raises


def _sync_once(
    db_url: str,
    project_id: int,
    fetch: FetchTasks,
    mode: SyncMode,
    since: datetime | None,
    task_ids: list[int],
    batch_size: int,
) -> SyncReport:
    report = SyncReport(project_id=project_id, mode=mode.value)
    with connect(db_url, attempts=1) as conn:
        migrate(conn)
        with advisory_lock(conn, project_id):
            if since is None and mode is SyncMode.INCREMENTAL:
                since = read_watermark(conn, project_id)
            tasks = sorted(_checked(fetch(since if mode is not SyncMode.FULL else None), project_id),
                           key=_annotation_order)
            report.tasks = len(tasks)
            for start in range(0, len(tasks), batch_size):
                batch = tasks[start:start + batch_size]
                with conn.transaction():
                    report.stats.add(export_outcomes(conn, project_id, (assemble_task(t) for t in batch)))
                    if mode is not SyncMode.TASKS:
                        advance_watermark(conn, project_id, _newest_annotation(batch))
                report.batches += 1
            seen = {int(t["id"]) for t in tasks}
            with conn.transaction():
                if mode is SyncMode.FULL:
                    gone = sorted(live_task_ids(conn, project_id) - seen)
                    report.stats.add(export_outcomes(conn, project_id,
                                                     [NotExported(t, WITHDRAWN_UNANNOTATED) for t in gone]))
                elif mode is SyncMode.TASKS:
                    gone = sorted(set(task_ids) - seen)
                    report.stats.add(export_outcomes(conn, project_id,
                                                     [NotExported(t, WITHDRAWN_TASK_GONE) for t in gone]))
                if mode is not SyncMode.TASKS and not tasks:
                    advance_watermark(conn, project_id, None)  # stamp last_sync_at
            watermark = read_watermark(conn, project_id)
    report.watermark = watermark.isoformat() if watermark else None
    return report


def _checked(tasks: Iterable[dict[str, Any]], project_id: int) -> Iterable[dict[str, Any]]:
    """Refuse tasks of another project: their contacts would be filed under the wrong key."""
    for task in tasks:
        owner = task.get("project")
        if owner is not None and int(owner) != project_id:
            raise ValueError(f"task {task['id']} belongs to project {owner}, not {project_id}")
        yield task


def _annotation_order(task: dict[str, Any]) -> tuple:
    """Oldest latest-annotation first, so a committed batch's watermark covers every earlier task."""
    annotation = latest_annotation(task)
    stamp = annotation_updated_at(annotation).timestamp() if annotation else float("-inf")
    return (stamp, int(task["id"]))


def _newest_annotation(batch: list[dict[str, Any]]) -> datetime | None:
    stamps = [annotation_updated_at(a) for a in map(latest_annotation, batch) if a is not None]
    return max(stamps, default=None)

