"""Score unlabeled tasks with the served model and keep the "Next batch" view in Label Studio.

After each promotion (and on demand) every unlabeled task gets a prediction of the served model
version whose ``score`` is the card confidence (``Card.confidence``, the number /predict writes
too), the project's ``model_version`` is set to that version -- Label Studio's
``predictions_score`` only averages predictions of the project's model_version, so a stale
value would make the ordering silently do nothing -- and the saved Data Manager view
"Next batch" shows unlabeled tasks (``total_annotations == 0``) by ``predictions_score``
ascending: the least confident first. Annotators open the view and label from the top; the
first ``settings.next_batch_size`` rows are the batch.

A task whose card could not be read has no prediction of the served version, so it sorts last
(Label Studio orders NULL scores last) instead of first: an empty score-0 prediction left by a
transient failure is deleted and the task scored again. Refreshing the view rewrites only its
filter and ordering; the annotator's own settings (hidden columns, widths...) stay.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Callable

from PIL import Image

from ml_backend.studio.client import as_plain, auth_headers, follow_model_version, required_client
from active_learning.loop.uncertainty import ScoredTask, least_confident
from ml_backend.config import Settings

log = logging.getLogger(__name__)

VIEW_TITLE = "Next batch"
UNLABELED_FILTER = {
    "conjunction": "and",
    "items": [{"filter": "filter:tasks:total_annotations", "operator": "equal", "type": "Number", "value": 0}],
}
LEAST_CONFIDENT_FIRST = ["tasks:predictions_score"]


def view_data() -> dict[str, Any]:
    """The saved view: unlabeled tasks, least confident first."""
    return {"title": VIEW_TITLE, "filters": UNLABELED_FILTER, "ordering": LEAST_CONFIDENT_FIRST}


def unlabeled_tasks(client: Any, project: int) -> list[dict[str, Any]]:
    """Tasks without annotations, as plain dicts (the SDK's items may be pydantic objects)."""
    query = json.dumps({"filters": UNLABELED_FILTER})
    return [as_plain(t) for t in client.tasks.list(project=project, fields="all", query=query)]


def prediction_versions(task: dict[str, Any]) -> set[str]:
    return {str(as_plain(p).get("model_version")) for p in task.get("predictions") or []}


def ensure_next_batch_view(client: Any, project: int) -> int:
    """Create the "Next batch" view, or reset an existing one's filter and ordering; its id.

    Only the keys ``view_data`` sets are rewritten: Label Studio stores the whole view (hidden
    columns, column widths, grid/list...) in ``data`` and replaces it whole on update.
    """
    for view in client.views.list(project=project):
        view = as_plain(view)
        data = view.get("data") or {}
        if data.get("title") == VIEW_TITLE:
            wanted = view_data()
            if any(data.get(key) != value for key, value in wanted.items()):
                client.views.update(str(view["id"]), project=project, data={**data, **wanted})
            return int(view["id"])
    created = as_plain(client.views.create(project=project, data=view_data()))
    log.info("project %s: created view %r (id %s)", project, VIEW_TITLE, created["id"])
    return int(created["id"])


@dataclass
class Scorer:
    """What scoring needs: a loaded pipeline and a way to get a task's image."""

    predict: Callable[[Image.Image], Any]  # CardPipeline.predict
    model_version: str
    load_image: Callable[[dict[str, Any]], Image.Image]


def is_empty_prediction(prediction: dict[str, Any]) -> bool:
    """A prediction without regions: what a failed read used to leave (score 0, pinned first)."""
    return not prediction.get("result")


def score_tasks(client: Any, project: int, scorer: Scorer, tasks: list[dict[str, Any]]) -> tuple[list[ScoredTask], dict[int, str]]:
    """Write a prediction of the served version for each task lacking one; returns scores and failures.

    A task whose image cannot be read gets no prediction and is reported with the reason (it then
    sorts last in the view, without a score, rather than first as if least confident). An empty
    prediction of the served version is not a score: it is deleted and the task read again.
    """
    from ml_backend.studio.regions import card_to_prediction

    scored: list[ScoredTask] = []
    failed: dict[int, str] = {}
    for task in tasks:
        task_id = int(task["id"])
        existing = [as_plain(p) for p in task.get("predictions") or []
                    if str(as_plain(p).get("model_version")) == scorer.model_version]
        for stale in [p for p in existing if is_empty_prediction(p) and p.get("id") is not None]:
            client.predictions.delete(int(stale["id"]))
            log.info("project %s: task %s: deleted an empty prediction of %s", project, task_id, scorer.model_version)
        existing = [p for p in existing if not is_empty_prediction(p)]
        if existing and existing[0].get("score") is not None:
            scored.append(ScoredTask(task_id, float(existing[0]["score"]), scorer.model_version))
            continue
        try:
            image = scorer.load_image(task)
            card = scorer.predict(image)
        except Exception as exc:  # noqa: BLE001 -- one unreadable card must not stop the batch
            failed[task_id] = f"{type(exc).__name__}: {exc}"
            log.warning("project %s: task %s not scored: %s", project, task_id, failed[task_id])
            continue
        prediction = card_to_prediction(card, image.width, image.height, model_version=scorer.model_version)
        client.predictions.create(task=task_id, result=prediction["result"], score=prediction["score"],
                                  model_version=scorer.model_version)
        scored.append(ScoredTask(task_id, float(prediction["score"]), scorer.model_version))
    return scored, failed


def refresh_next_batch(
    project: int, settings: Settings, limit: int | None = None, client: Any = None, scorer: Scorer | None = None
) -> dict[str, Any]:
    """Score the project's unlabeled tasks with the model the project is served and refresh the view.

    Returns a summary: the version used, tasks scored/failed, the view id and the batch
    (the ``settings.next_batch_size`` least confident task ids with their confidence).
    """
    client = client or required_client(settings)
    scorer = scorer or served_scorer(settings, project)
    tasks = unlabeled_tasks(client, project)
    if limit is not None:
        tasks = tasks[:limit]
    scored, failed = score_tasks(client, project, scorer, tasks)
    follow_model_version(client, project, scorer.model_version)
    view_id = ensure_next_batch_view(client, project)
    batch = least_confident(scored, settings.next_batch_size)
    log.info("project %s: %d unlabeled tasks scored with %s, %d failed; next batch %s", project, len(scored),
             scorer.model_version, len(failed), [s.task_id for s in batch])
    return {
        "project": project,
        "model_version": scorer.model_version,
        "scored": len(scored),
        "failed": failed,
        "view_id": view_id,
        "view_title": VIEW_TITLE,
        "batch_size": len(batch),
        "next_batch": [{"task_id": s.task_id, "confidence": s.confidence} for s in batch],
    }


def served_scorer(settings: Settings, project: int | None = None) -> Scorer:
    """The pipeline of the model ``project`` is served (None: the default), and the image fetcher, loaded once."""
    from ml_backend.reading.fetch import ImageFetcher, task_image_url
    from ml_backend.reading.pipeline import CardPipeline

    pipeline = CardPipeline.load(settings, model_dir=served_model_dir(settings, project))
    fetcher = ImageFetcher(settings, settings.label_studio_url, auth_headers(settings.label_studio_api_key))
    return Scorer(pipeline.predict, pipeline.model_version, lambda task: fetcher.fetch_image(task_image_url(task)))


def served_model_dir(settings: Settings, project: int | None = None) -> str:
    """What the backend serves ``project``: its own registry pointer's version when it promoted one,
    else the registry's default version if one was promoted, else ``settings.model_dir``."""
    from ml_backend.registry import ModelRegistry

    current = ModelRegistry(settings.registry_dir).current(project)
    return str(current[1]) if current else settings.model_dir
