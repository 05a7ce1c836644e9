"""The one module that speaks Label Studio's HTTP API, and the task reader built on it.

The active-learning loop (training, scoring, the "Next batch" view, reconciling), the CRM export
and the scripts (project setup, the local stack) all reach Label Studio through here: the SDK
client (``connect``, ``label_studio_client``, ``required_client``, ``LabelStudioConnection``),
the few calls the SDK does not cover (``token_works``, ``upload_files``; ``auth_headers``, which the
image fetcher is given by whoever builds it) and the project's
model version (``follow_model_version``). Keeping them in one place keeps one way of handling
the token, the SDK's quirks and its errors.

Everything past this module works on plain task dicts, so the export logic is tested with
literal JSON and only the functions here talk to the SDK. The SDK (2.1.2) returns pydantic
objects whose nested annotations/predictions may be dicts or models; ``as_plain`` flattens both.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from ml_backend.config import Settings

if TYPE_CHECKING:  # the SDK loads in ~1 s: only the processes that talk to the API pay for it
    from label_studio_sdk import LabelStudio

log = logging.getLogger(__name__)
# The SDK's pager asks for one page past the last and Label Studio answers 404; httpx logs every
# request at INFO, so each listing ended in a "page=2 ... 404" line that looked like an error.
logging.getLogger("httpx").setLevel(logging.WARNING)


class LabelStudioError(RuntimeError):
    """A request to Label Studio that failed; the message says why in one line."""


def connect(url: str, token: str) -> LabelStudio:
    """The SDK client for the Label Studio at ``url``, authenticated with ``token``."""
    from label_studio_sdk import LabelStudio

    return LabelStudio(base_url=url, api_key=token)


def label_studio_client(settings: Settings) -> LabelStudio:
    """The SDK client of the configured Label Studio (URL and token from settings)."""
    return connect(settings.label_studio_url, settings.label_studio_api_key)


def required_client(settings: Settings) -> LabelStudio:
    """The SDK client jobs use; a worker without a token fails with a clear reason, not an HTTP 401."""
    if not settings.label_studio_api_key:
        raise RuntimeError("LABEL_STUDIO_API_KEY is not set: active-learning workers need a Label Studio token")
    return label_studio_client(settings)


@dataclass
class LabelStudioConnection:
    """A Label Studio's URL and token, with its SDK client made on first use."""

    url: str
    token: str

    @cached_property
    def client(self) -> LabelStudio:
        return connect(self.url, self.token)


def field_of(obj: Any, name: str) -> Any:
    """A field of an SDK object or a plain dict (the SDK returns both)."""
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _api_error() -> type[Exception]:
    from label_studio_sdk.core.api_error import ApiError

    return ApiError


def auth_headers(token: str) -> dict[str, str]:
    """The headers that authenticate a request to Label Studio with ``token`` (none without one):
    for the calls the SDK does not make, the image fetcher's included (``reading.fetch``)."""
    return {"Authorization": f"Token {token}"} if token else {}


def token_works(url: str, token: str, timeout: float = 5) -> bool:
    """Whether the Label Studio at ``url`` answers and accepts ``token`` (``/api/current-user/whoami``).

    Plain ``urllib``, no SDK: the local stack asks this while Label Studio starts, many times."""
    req = urllib.request.Request(f"{url}/api/current-user/whoami", headers=auth_headers(token))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def upload_files(url: str, token: str, project: int, files: Sequence[Path], timeout: float = 300) -> dict[str, Any]:
    """Upload ``files`` as tasks of ``project`` in one request (``POST /api/projects/{id}/import``,
    one multipart field per file) and return Label Studio's answer (``task_ids``, ``task_count``).

    The SDK's import takes task JSON, not image files, hence the plain request. Raises
    ``LabelStudioError`` when Label Studio is unreachable or refuses the upload."""
    handles = [open(f, "rb") for f in files]
    try:
        resp = requests.post(
            f"{url}/api/projects/{project}/import", params={"return_task_ids": "true"},
            headers=auth_headers(token),
            files={f"file{i}": (f.name, h) for i, (f, h) in enumerate(zip(files, handles))},
            timeout=timeout,
        )
    except requests.RequestException as exc:
        raise LabelStudioError(f"upload to {url} failed: {type(exc).__name__}") from exc
    finally:
        for h in handles:
            h.close()
    if resp.status_code not in (200, 201):
        raise LabelStudioError(f"Label Studio refused the upload: HTTP {resp.status_code} {resp.text[:200]}")
    return resp.json()


def follow_model_version(client: LabelStudio, project: int, version: str) -> bool:
    """Set the project's model_version so ``predictions_score`` averages this version's scores.

    Label Studio answers 400 while no prediction of ``version`` exists in the project (nothing
    unlabeled to score): then the previous value stays, which is harmless as there is nothing
    to order. Returns whether the project follows ``version`` now.
    """
    try:
        client.projects.update(id=project, model_version=version)
    except _api_error() as exc:
        if exc.status_code != 400:
            raise
        log.info("project %s: model_version %s not accepted yet (%s)", project, version, exc.body)
        return False
    return True


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
        except _api_error() as exc:
            if exc.status_code != 404:
                raise
            log.info("task %s no longer exists in Label Studio", task_id)
