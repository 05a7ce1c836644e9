"""Catch up with what Label Studio holds when webhooks were lost.

Label Studio sends each webhook once: one that arrives while Redis is down is answered 503 and
never retried, so its annotation would neither reach the CRM nor count towards a retraining.
``reconcile_project`` (an RQ job on the light queue) compares the project's annotations in
Label Studio with both consumers and catches up. It is queued by the backend with the first
event it accepts for a project after it had to refuse one, by the local stack at every start,
and ``python -m active_learning reconcile --project ID`` runs it on demand:

- CRM: a *full* export of the annotated tasks (idempotent upserts; contacts of tasks that lost
  their last annotation or were deleted are withdrawn), which also covers lost updates and
  deletes -- the incremental watermark alone cannot see a deletion;
- training: annotation ids that no finished training run took (``trained``) and that do not
  already wait (``pending``/``inflight``) are added to ``pending``, and a training run is
  requested as a webhook would (``CARDLOOP_RETRAIN_AFTER``). A run on data the champion was
  already trained on is skipped by the training job itself, so catching up never churns versions.

What it cannot see: an *edit* of an annotation already trained whose webhook was lost (same
id); the CRM export does see it.
"""

from __future__ import annotations

import logging
from typing import Any

from active_learning.loop import queue as q
from ml_backend.config import load_settings

log = logging.getLogger(__name__)


def reconcile_project(project_id: int) -> dict[str, Any]:
    """Bring the CRM and the training queue up to date with the project's annotations."""
    from rq import get_current_job

    from ml_backend.studio.client import fetch_annotated_tasks, required_client
    from active_learning.crm.sync import SyncMode, sync_project
    from active_learning.training.dataset import all_annotation_ids

    settings = load_settings()
    project = int(project_id)
    job = get_current_job()
    conn = job.connection if job is not None else q.connect(settings.redis_url)
    tasks = list(fetch_annotated_tasks(required_client(settings), project, None))
    added = q.add_untrained(conn, project, all_annotation_ids(tasks))
    training = q.request_training(conn, project, settings)
    crm = sync_project(settings.crm_database_url, project, lambda _since: tasks, mode=SyncMode.FULL)
    summary = {"project": project, "annotated_tasks": len(tasks), "untrained_added": added,
               "training": training, "crm": crm.as_dict()["stats"]}
    log.info("project %s reconciled: %s", project, summary)
    return summary
