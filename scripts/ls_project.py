"""Set up a Label Studio project for cardloop: config, ML backend, card images, predictions.

Reusable functions (the local stack and the end-to-end tests call them) and a CLI::

    python -m scripts.ls_project up --title "Business cards" --backend http://127.0.0.1:9090 \\
        --local /data/ls-files/cards          # or: --upload a.jpg b.png ...   [--no-predict]
    python -m scripts.ls_project create  --title "Business cards"
    python -m scripts.ls_project connect --project 1 --backend http://127.0.0.1:9090
    python -m scripts.ls_project import  --project 1 (--local DIR | FILE ...) [--split-cards]
    python -m scripts.ls_project predict --project 1 [--backend URL]   (then follows the served version)

Label Studio's URL and token come from LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY. Every step is
idempotent where Label Studio allows it: the project is found by title and its config updated,
the backend is found by URL and updated. Predictions are requested with the Data Manager action
``retrieve_tasks_predictions`` (``ml.predict_all_tasks`` is 404 in the open-source build), and the
project's ``model_version`` is set to the version the backend serves, because Label Studio's
``predictions_score`` only averages predictions of the project's model version (active learning
sorts by it). Errors end the CLI with exit code 1 and one line on stderr.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Protocol, Sequence

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import label_config  # noqa: E402
from ml_backend.config import load_settings  # noqa: E402
from ml_backend.studio.client import (  # noqa: E402
    LabelStudioConnection,
    LabelStudioError,
    field_of,
    follow_model_version,
    upload_files,
)

log = logging.getLogger("scripts.ls_project")

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif")
#: Files per multipart upload request (Label Studio reads each request into memory).
UPLOAD_CHUNK = 50
#: Seconds the synchronous prediction action may take (the backend reads every task).
PREDICT_TIMEOUT = 900


class ProjectSetupError(RuntimeError):
    """A step could not be done; the message is the one line the CLI prints."""


class LabelStudioLike(Protocol):
    """Anything with Label Studio's URL, a token and an SDK client (``LabelStudioServer`` too)."""

    url: str
    token: str

    @property
    def client(self) -> Any: ...


# --- project -------------------------------------------------------------------------------------


def find_project(ls: LabelStudioLike, title: str) -> Any | None:
    """The project titled exactly ``title``, or None."""
    for project in ls.client.projects.list(title=title):
        if field_of(project, "title") == title:
            return project
    return None


def ensure_project(ls: LabelStudioLike, title: str, config: str | None = None) -> int:
    """Id of the project ``title`` with the cardloop labeling config, created or updated."""
    if len(title.strip()) < 3:
        raise ProjectSetupError("project title must have at least 3 characters")
    config = config or label_config.load()
    existing = find_project(ls, title)
    if existing is None:
        project = ls.client.projects.create(title=title, label_config=config)
        log.info("created project %s (%s)", field_of(project, "id"), title)
        return int(field_of(project, "id"))
    project_id = int(field_of(existing, "id"))
    if field_of(existing, "label_config") != config:
        ls.client.projects.update(id=project_id, label_config=config)
        log.info("updated the labeling config of project %s", project_id)
    return project_id


# --- ML backend ------------------------------------------------------------------------------


def served_version(backend_url: str, auth: tuple[str, str] | None = None, timeout: float = 10,
                   project: int | None = None) -> str:
    """The model version the backend serves (its /health), or ProjectSetupError if it is down;
    with ``project``, the version that project is served (its own model once it promoted one)."""
    try:
        resp = requests.get(f"{backend_url.rstrip('/')}/health", auth=auth, timeout=timeout)
        body = resp.json() if resp.headers.get("Content-Type", "").startswith("application/json") else {}
        if resp.status_code == 200 and body.get("model_version") and project is not None:
            resp = requests.get(f"{backend_url.rstrip('/')}/versions", params={"project": project}, auth=auth,
                                timeout=timeout)
            body = resp.json() if resp.headers.get("Content-Type", "").startswith("application/json") else {}
            body = {**body, "model_version": body.get("current")}
    except requests.RequestException as exc:
        raise ProjectSetupError(f"ML backend {backend_url} is unreachable: {type(exc).__name__}") from exc
    if resp.status_code != 200 or not body.get("model_version"):
        raise ProjectSetupError(f"ML backend {backend_url} is not ready: HTTP {resp.status_code} {body.get('error', '')}".strip())
    return str(body["model_version"])


def connect_backend(
    ls: LabelStudioLike, project_id: int, backend_url: str, title: str = "cardloop",
    auth: tuple[str, str] | None = None, timeout: float = 100,
) -> int:
    """Id of the ML backend at ``backend_url`` connected to the project (created or updated).

    Label Studio calls the backend's /health and /setup while connecting, so it must be up.
    """
    backend_url = backend_url.rstrip("/")
    options: dict[str, Any] = {"title": title, "is_interactive": False, "timeout": timeout}
    if auth:
        options.update(auth_method="BASIC_AUTH", basic_auth_user=auth[0], basic_auth_pass=auth[1])
    for backend in ls.client.ml.list(project=project_id):
        if str(field_of(backend, "url")).rstrip("/") == backend_url:
            backend_id = int(field_of(backend, "id"))
            ls.client.ml.update(backend_id, url=backend_url, project=project_id, **options)
            log.info("updated ML backend %s of project %s", backend_id, project_id)
            return backend_id
    backend = ls.client.ml.create(project=project_id, url=backend_url, **options)
    state = field_of(backend, "state")
    if state not in (None, "CO", "CONNECTED"):
        raise ProjectSetupError(f"Label Studio could not connect to {backend_url} (state {state}): is it reachable from Label Studio?")
    log.info("connected ML backend %s (%s) to project %s", field_of(backend, "id"), backend_url, project_id)
    return int(field_of(backend, "id"))


def sync_model_version(ls: LabelStudioLike, project_id: int, version: str) -> None:
    """Make ``version`` the project's model version (what predictions_score averages over).

    Label Studio accepts only a version that has predictions in the project (or is a backend's
    title), so this runs after predictions were requested.
    """
    if not follow_model_version(ls.client, project_id, version):
        raise ProjectSetupError(
            f"Label Studio refused model version {version} for project {project_id}: "
            "no prediction of that version exists yet (predict first)"
        )
    log.info("project %s now follows model version %s", project_id, version)


# --- images --------------------------------------------------------------------------------


def image_files(paths: Iterable[str | Path]) -> list[Path]:
    """Image files among ``paths`` (folders are searched recursively), sorted; never empty."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        elif path.is_file():
            found.append(path)
        else:
            raise ProjectSetupError(f"{path} does not exist")
    if not found:
        raise ProjectSetupError("no image files to import")
    return found


def upload_images(ls: LabelStudioLike, project_id: int, files: Sequence[Path]) -> list[int]:
    """Upload files as tasks (``POST /api/projects/{id}/import``, one field per file); task ids."""
    task_ids: list[int] = []
    for start in range(0, len(files), UPLOAD_CHUNK):
        chunk = files[start:start + UPLOAD_CHUNK]
        try:
            body = upload_files(ls.url, ls.token, project_id, chunk)
        except LabelStudioError as exc:
            raise ProjectSetupError(str(exc)) from exc
        task_ids.extend(int(t) for t in body.get("task_ids") or [])
        log.info("uploaded %d images to project %s", body.get("task_count", len(chunk)), project_id)
    return task_ids


def upload_split_cards(ls: LabelStudioLike, project_id: int, files: Sequence[Path]) -> list[int]:
    """Upload ``files`` with every multi-card image split into one task per card (the card cropped
    and deskewed; the task's data links back to the original: ``original_image``, ``card``,
    ``cards``, ``card_outline``); single-card images become one task each as with ``upload_images``."""
    import tempfile

    from ml_backend.reading.card_split import split_card_images
    from ml_backend.reading.images import ImageError

    with tempfile.TemporaryDirectory(prefix="cardloop-split-") as tmp:
        try:
            parts = split_card_images(files, Path(tmp))
        except ImageError as exc:
            raise ProjectSetupError(str(exc)) from exc
        task_ids = upload_images(ls, project_id, [p.path for p in parts])
    linked = [p for p in parts if p.task_data()]
    for task_id in task_ids if linked else []:
        task = ls.client.tasks.get(id=task_id)
        data = dict(field_of(task, "data") or {})
        image_url = str(data.get("image", ""))
        # Label Studio prefixes uploaded names with a hash: match on the name's end
        part = next((p for p in linked if image_url.endswith("-" + p.path.name) or image_url.endswith("/" + p.path.name)),
                    None)
        if part is not None:
            ls.client.tasks.update(id=task_id, data={**data, **part.task_data()})
    log.info("imported %d images as %d tasks (%d card crops)", len(files), len(task_ids), len(linked))
    return task_ids


def import_local_folder(
    ls: LabelStudioLike, project_id: int, folder: str | Path, document_root: str | Path, timeout: float = 300,
) -> int:
    """Serve ``folder`` (a subdirectory of Label Studio's Local Files document root) as a Local
    Files storage and sync it; returns the number of tasks the sync created."""
    folder, root = Path(folder).resolve(), Path(document_root).resolve()
    if folder == root or not folder.is_relative_to(root):
        raise ProjectSetupError(f"{folder} must be a subdirectory of the Local Files document root {root}")
    if not folder.is_dir():
        raise ProjectSetupError(f"{folder} is not a directory")
    pattern = r".*\.(" + "|".join(s.lstrip(".") for s in IMAGE_SUFFIXES) + r")$"
    storages = ls.client.import_storage.local.list(project=project_id)
    storage = next((s for s in storages if Path(str(field_of(s, "path"))).resolve() == folder), None)
    if storage is None:
        storage = ls.client.import_storage.local.create(
            project=project_id, path=str(folder), title=folder.name, regex_filter=f"(?i){pattern}",
            use_blob_urls=True, recursive_scan=True,
        )
    storage_id = int(field_of(storage, "id"))
    synced = ls.client.import_storage.local.sync(id=storage_id)
    deadline = time.monotonic() + timeout
    while field_of(synced, "status") not in ("completed", "failed", None) and time.monotonic() < deadline:
        time.sleep(0.5)
        synced = ls.client.import_storage.local.get(id=storage_id)
    if field_of(synced, "status") == "failed":
        raise ProjectSetupError(f"Local Files sync of {folder} failed: {field_of(synced, 'traceback') or ''}".strip())
    count = int(field_of(synced, "last_sync_count") or 0)
    log.info("Local Files storage %s synced %d tasks from %s", storage_id, count, folder)
    return count


# --- predictions ---------------------------------------------------------------------------


def request_predictions(ls: LabelStudioLike, project_id: int, timeout: float = PREDICT_TIMEOUT) -> None:
    """Ask Label Studio to get predictions for every task from the connected backend (one
    synchronous /predict call with all tasks; tasks already predicted by the version the
    backend's /setup reports are skipped by Label Studio)."""
    ls.client.actions.create(
        id="retrieve_tasks_predictions", project=project_id,
        selected_items={"all": True, "excluded": []}, request_options={"timeout_in_seconds": int(timeout)},
    )


def setup_project(
    ls: LabelStudioLike, title: str, backend_url: str, *, images: Sequence[str | Path] = (),
    local_folder: str | Path | None = None, document_root: str | Path | None = None,
    auth: tuple[str, str] | None = None, predict: bool = True, split_cards: bool = False,
) -> dict[str, Any]:
    """The whole setup: project, backend, images, model version, predictions. Returns ids/counts."""
    version = served_version(backend_url, auth)
    project_id = ensure_project(ls, title)
    backend_id = connect_backend(ls, project_id, backend_url, auth=auth)
    imported = 0
    if local_folder is not None:
        if document_root is None:
            raise ProjectSetupError("--local needs the Local Files document root (LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT)")
        imported += import_local_folder(ls, project_id, local_folder, document_root)
    if images:
        upload = upload_split_cards if split_cards else upload_images
        imported += len(upload(ls, project_id, image_files(images)))
    if predict:
        request_predictions(ls, project_id)
        version = served_version(backend_url, auth, project=project_id)  # the project's own model, if it has one
        sync_model_version(ls, project_id, version)
    return {"project": project_id, "ml_backend": backend_id, "imported": imported, "model_version": version}


# --- CLI -----------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scripts.ls_project", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    backend = argparse.ArgumentParser(add_help=False)
    backend.add_argument("--backend", default="http://127.0.0.1:9090", help="ML backend URL as Label Studio reaches it")
    backend.add_argument("--basic-auth", default=None, metavar="USER:PASS", help="the backend's basic auth")
    images = argparse.ArgumentParser(add_help=False)
    images.add_argument("--local", default=None, metavar="DIR", help="serve DIR (under the document root) as Local Files")
    images.add_argument("files", nargs="*", metavar="FILE", help="images or folders to upload")
    images.add_argument("--split-cards", action="store_true",
                        help="one task per card: uploaded images of several cards are split into deskewed crops")

    up = sub.add_parser("up", parents=[backend, images], help="create/update the project, connect, import, predict")
    up.add_argument("--title", default="Business cards")
    up.add_argument("--no-predict", action="store_true")
    create = sub.add_parser("create", help="create the project or update its labeling config")
    create.add_argument("--title", default="Business cards")
    connect = sub.add_parser("connect", parents=[backend], help="connect the ML backend (created or updated by URL)")
    connect.add_argument("--project", type=int, required=True)
    imp = sub.add_parser("import", parents=[images], help="import card images as tasks")
    imp.add_argument("--project", type=int, required=True)
    predict = sub.add_parser("predict", parents=[backend], help="predict every task, then follow the served version")
    predict.add_argument("--project", type=int, required=True)
    return parser


def _auth(text: str | None) -> tuple[str, str] | None:
    if not text:
        return None
    user, sep, password = text.partition(":")
    if not sep:
        raise ProjectSetupError("--basic-auth must be USER:PASS")
    return user, password


def run(args: argparse.Namespace) -> str:
    settings = load_settings()
    if not settings.label_studio_api_key:
        raise ProjectSetupError("LABEL_STUDIO_API_KEY is not set")
    ls = LabelStudioConnection(settings.label_studio_url.rstrip("/"), settings.label_studio_api_key)
    root = settings.local_files_root or None
    if getattr(args, "split_cards", False) and getattr(args, "local", None):
        raise ProjectSetupError("--split-cards splits uploaded files; it does not apply to --local folders")
    if args.command == "up":
        done = setup_project(ls, args.title, args.backend, images=args.files, local_folder=args.local,
                             document_root=root, auth=_auth(args.basic_auth), predict=not args.no_predict,
                             split_cards=args.split_cards)
        return " ".join(f"{k}={v}" for k, v in done.items())
    if args.command == "create":
        return f"project={ensure_project(ls, args.title)}"
    if args.command == "connect":
        auth = _auth(args.basic_auth)
        backend_id = connect_backend(ls, args.project, args.backend, auth=auth)
        return f"ml_backend={backend_id} model_version={served_version(args.backend, auth, project=args.project)}"
    if args.command == "import":
        count = 0
        if args.local:
            count += import_local_folder(ls, args.project, args.local, root or "")
        if args.files:
            upload = upload_split_cards if args.split_cards else upload_images
            count += len(upload(ls, args.project, image_files(args.files)))
        if not (args.local or args.files):
            raise ProjectSetupError("nothing to import: give --local DIR or files")
        return f"imported={count}"
    version = served_version(args.backend, _auth(args.basic_auth), project=args.project)
    request_predictions(ls, args.project)
    sync_model_version(ls, args.project, version)
    return f"predicted project={args.project} model_version={version}"


def main(argv: list[str] | None = None) -> int:
    import httpx
    from label_studio_sdk.core.api_error import ApiError

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    args = _parser().parse_args(argv)
    try:
        print(run(args))
    except ProjectSetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ApiError as exc:
        print(f"error: Label Studio answered HTTP {exc.status_code}: {str(exc.body)[:300]}", file=sys.stderr)
        return 1
    except (requests.RequestException, httpx.HTTPError, OSError) as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
