"""RQ job functions that export a project's validated cards to the CRM.

They take plain ids only (any worker can run them) and build their Label Studio client and
database URL from settings. ``active_learning.queue`` enqueues ``sync_annotation`` on the light
queue for every annotation webhook, with an RQ ``Retry``. Failures are raised, not swallowed:
RQ records the exception and the Retry runs the job again later (PostgreSQL down for minutes is
covered by RQ, a restart of a few seconds already by the in-process backoff of ``sync_project``).
"""

from __future__ import annotations

import logging
from typing import Any

from ml_backend.config import load_settings

from active_learning.crm.source import fetch_annotated_tasks, fetch_tasks_by_id, label_studio_client
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
    """Webhook entry point (``active_learning.queue.CRM_FUNC``): re-export the annotation's task.

    The task's *current* state in Label Studio decides, whatever the event said: a deleted
    annotation leaves the task's previous annotation (or none, and the contact is withdrawn).
    An event without a task id falls back to an incremental sync of the project.
    """
    log.info("CRM sync for %s of annotation %s (project %s, task %s)", action, annotation_id, project_id, task_id)
    return sync_crm_job(project_id, [task_id] if task_id is not None else None)
