"""RQ job functions that export a project's validated cards to the CRM.

They take plain ids only (any worker can run them) and build their Label Studio client and
database URL from settings. ``active_learning.loop.queue`` enqueues ``sync_annotation`` on the light
queue for every annotation webhook and ``sync_deleted_tasks`` for TASKS_DELETED, with an RQ
``Retry``. Label Studio's ANNOTATIONS_DELETED names annotation ids only (the annotation is gone,
so it cannot be asked for its task): the CRM itself says which task's contact was made from it. Failures are raised, not swallowed:
RQ records the exception and the Retry runs the job again later (PostgreSQL down for minutes is
covered by RQ, a restart of a few seconds already by the in-process backoff of ``sync_project``).
"""

from __future__ import annotations

import logging
from typing import Any

from ml_backend.config import load_settings

from active_learning.crm.db import connect, migrate
from ml_backend.studio.client import fetch_annotated_tasks, fetch_tasks_by_id, label_studio_client
from active_learning.crm.sync import SyncMode, sync_project

log = logging.getLogger(__name__)


def sync_crm_job(project_id: int, task_ids: list[int] | None = None, full: bool = False) -> dict[str, Any]:
    """Export project ``project_id`` to the CRM database; returns the sync report as a dict.

    ``task_ids`` (from annotation webhooks) re-export just those tasks, withdrawing the contacts
    of tasks that no longer exist; otherwise the run is incremental from the stored watermark,
    or covers every annotated task when ``full``.
    """
    settings = load_settings()
    client = label_studio_client(settings)
    if task_ids:
        ids = [int(t) for t in task_ids]
        report = sync_project(settings.crm_database_url, int(project_id),
                              lambda _since: fetch_tasks_by_id(client, ids), mode=SyncMode.TASKS, task_ids=ids)
    else:
        mode = SyncMode.FULL if full else SyncMode.INCREMENTAL
        report = sync_project(settings.crm_database_url, int(project_id),
                              lambda since: fetch_annotated_tasks(client, int(project_id), since), mode=mode)
    return report.as_dict()



def sync_annotation(project_id: int, task_id: int | None, annotation_id: int | None, action: str) -> dict[str, Any]:
    """Webhook entry point (``active_learning.loop.queue.CRM_FUNC``): re-export the annotation's task.

    The task's *current* state in Label Studio decides, whatever the event said: a deleted
    annotation leaves the task's previous annotation (or none, and the contact is withdrawn).
    A deleted annotation without a task id (Label Studio's ANNOTATIONS_DELETED) re-exports the
    task whose contact or rejection was made from it; when none was, the CRM holds nothing of it
    and nothing changes. Another event without a task id falls back to an incremental sync.
    """
    log.info("CRM sync for %s of annotation %s (project %s, task %s)", action, annotation_id, project_id, task_id)
    if task_id is None and annotation_id is not None and action.endswith("_DELETED"):
        task_ids = exported_tasks_of_annotation(int(project_id), int(annotation_id))
        if not task_ids:
            log.info("project %s: deleted annotation %s is behind no contact: nothing to withdraw",
                     project_id, annotation_id)
            return {"project_id": int(project_id), "mode": "tasks", "tasks": 0,
                    "reason": f"annotation {annotation_id} is behind no contact or rejected card"}
        return sync_crm_job(project_id, task_ids)
    return sync_crm_job(project_id, [task_id] if task_id is not None else None)


def sync_deleted_tasks(project_id: int, task_ids: list[int], action: str = "TASKS_DELETED") -> dict[str, Any]:
    """TASKS_DELETED: re-export the tasks; those Label Studio no longer has are withdrawn."""
    log.info("CRM sync for %s of tasks %s (project %s)", action, task_ids, project_id)
    return sync_crm_job(project_id, [int(t) for t in task_ids])


def exported_tasks_of_annotation(project_id: int, annotation_id: int) -> list[int]:
    """Tasks whose contact or rejected card the CRM made from ``annotation_id``."""
    with connect(load_settings().crm_database_url) as conn:
        migrate(conn)
        rows = conn.execute(
            "SELECT ls_task_id FROM contacts WHERE ls_project_id = %s AND ls_annotation_id = %s"
            " UNION SELECT ls_task_id FROM rejected_cards WHERE ls_project_id = %s AND ls_annotation_id = %s",
            (project_id, annotation_id, project_id, annotation_id),
        ).fetchall()
    return sorted(int(r[0]) for r in rows)
