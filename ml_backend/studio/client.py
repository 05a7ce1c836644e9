"""Reading annotated tasks out of Label Studio as plain dicts (the shape of a Label Studio JSON export).

Everything past this module works on plain task dicts, so the export logic is tested with
literal JSON and only the functions here talk to the SDK. The SDK (2.1.2) returns pydantic
objects whose nested annotations/predictions may be dicts or models; ``as_plain`` flattens both.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import Any

from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from ml_backend.config import Settings

log = logging.getLogger(__name__)
# The SDK's pager asks for one page past the last and Label Studio answers 404; httpx logs every
# request at INFO, so each listing ended in a "page=2 ... 404" line that looked like an error.
logging.getLogger("httpx").setLevel(logging.WARNING)


def label_studio_client(settings: Settings) -> LabelStudio:
    """The SDK client the CRM export reads with (URL and token from settings)."""
    return LabelStudio(base_url=settings.label_studio_url, api_key=settings.label_studio_api_key)


def as_plain(item: Any) -> dict[str, Any]:
    """A task as a JSON-shaped dict whether the SDK handed back a dict or a pydantic model."""
    if isinstance(item, dict):
        return item
    return item.model_dump(mode="json")


def parse_timestamp(value: str | datetime) -> datetime:
    """Label Studio timestamps ("2025-01-02T03:04:05.123456Z") as aware datetimes (UTC when unzoned)."""
    stamp = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)


def latest_annotation(task: dict[str, Any]) -> dict[str, Any] | None:
    """The annotation that counts for the task: the most recently updated one (id breaks ties)."""
    annotations = task.get("annotations") or []
    if not annotations:
        return None
    return max(annotations, key=lambda a: (parse_timestamp(a.get("updated_at") or a["created_at"]), a["id"]))


def annotation_updated_at(annotation: dict[str, Any]) -> datetime:
    return parse_timestamp(annotation.get("updated_at") or annotation["created_at"])


def changed_since(tasks: Iterable[dict[str, Any]], since: datetime | None) -> Iterator[dict[str, Any]]:
    """Tasks whose latest annotation was updated at or after ``since`` (all annotated tasks when None).

    ``>=`` rather than ``>``: a task stamped exactly at the watermark is exported again, which
    the idempotent upsert makes harmless, instead of being skipped for ever.
    """
    for task in tasks:
        annotation = latest_annotation(task)
        if annotation is None:
            continue
        if since is None or annotation_updated_at(annotation) >= since:
            yield task


def fetch_annotated_tasks(client: LabelStudio, project: int, since: datetime | None) -> Iterator[dict[str, Any]]:
    """Annotated tasks of ``project`` changed since the watermark, as plain dicts.

    Label Studio's task list cannot filter on annotation ``updated_at``, so the filter runs
    here over the annotated tasks (``only_annotated``); the SDK pager fetches page by page.
    """
    listed = (as_plain(t) for t in client.tasks.list(project=project, fields="all", only_annotated=True))
    yield from changed_since(listed, since)


def fetch_tasks_by_id(client: LabelStudio, task_ids: Iterable[int]) -> Iterator[dict[str, Any]]:
    """The named tasks as plain dicts; a task deleted from Label Studio is simply not yielded.

    The export withdraws contacts of requested tasks that are not returned, which is how a
    deleted task (webhook TASKS_DELETED / ANNOTATION_DELETED) reaches the CRM.
    """
    for task_id in task_ids:
        try:
            yield as_plain(client.tasks.get(str(task_id)))
        except ApiError as exc:
            if exc.status_code != 404:
                raise
            log.info("task %s no longer exists in Label Studio", task_id)
