"""The Label Studio ML backend: a Flask app speaking the protocol Label Studio 1.23 calls.

    GET  /health    {"status": "UP", "model_version"}; 503 "DOWN" while no model is loaded
    POST /setup     Label Studio's URL + token for image fetching -> {"model_version"} of the project's model
    POST /predict   {"tasks": [...], "project"} -> {"results": [one prediction per task, in order]}
    POST /webhook   project events -> the injected event handler (the RQ queue; answers in milliseconds)
    GET  /versions  {"versions": [...], "current"} model versions in the registry (?project=ID: that project's)
    GET  /metrics   Prometheus text

Request errors (malformed or too deeply nested JSON, no ``tasks``, more than
``CARDLOOP_PREDICT_MAX_TASKS``) are 4xx JSON. A task that cannot be read (no
image, foreign host, 404, not an image, truncated, too many pixels) gets an empty *list* of
predictions in its place: Label Studio matches results to tasks by position and retries task by
task on a count mismatch, so one bad card must not cost the batch; and it stores no prediction for
that task, so the task is asked again next time instead of keeping a score-0 empty prediction of
this model version for ever (pinned at the top of "Next batch"). The reason is logged and counted.

Each Label Studio project is served its own model once it promoted one, the registry's default
until then: /predict and /setup read the project from the body (Label Studio sends
``"project": "<id>.<created timestamp>"``; a bare id works too; a malformed one is a 400) and
``ProjectModels`` gives the holder following that project's registry pointer (at most
``CARDLOOP_MAX_PROJECT_MODELS`` project models per process, least recently used dropped first),
or the default holder. A request without a project is served the default.

A pipeline is loaded once per process by ``ModelHolder`` and swapped whole when the registry
promotes a new version. ``create_app`` takes the loader, the event handler and the queue-depth and
training-status readers as arguments, so tests run the real protocol against hand-made or tiny
models. This package never imports the active-learning loop: the production dependencies (the RQ
queue's event handler, the Redis readers) are built by ``ml_backend.wiring``, the entry point that
``python -m ml_backend serve`` and ``gunicorn.conf.py`` use.

Bounds, so that no client can take the backend down or make Label Studio give up on it:
- /predict runs at most ``CARDLOOP_PREDICT_CONCURRENCY`` requests at once per worker and lets
  ``CARDLOOP_PREDICT_QUEUE`` more wait; beyond that it answers 503 + Retry-After at once. gunicorn
  gets more threads than that (``gunicorn.conf.py``), so /health and /metrics always find one:
  Label Studio waits 1 s for /health before it shows the backend as disconnected.
- A /predict request has a deadline (``CARDLOOP_PREDICT_DEADLINE``, below Label Studio's own
  100 s); each image fetch ends by it; past it, or once the client has hung up, the remaining
  tasks are not started and the request answers 503 (Label Studio stores nothing for a batch
  whose results do not match its tasks, so a partial answer would be lost anyway).
- Label Studio's token comes from ``LABEL_STUDIO_API_KEY`` when set; /setup can never move it to
  another origin (see ``BackendState.configure_label_studio``).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable
from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ml_backend.config import Settings, load_settings
from ml_backend.reading.fetch import FetchError, ImageFetcher, check_url, loggable_url, printable, redact, task_image_url
from ml_backend.studio.client import auth_headers
from ml_backend.studio.regions import IMAGE_NAME, card_to_prediction
from ml_backend.studio.multicard_regions import cards_to_prediction
from ml_backend.reading.multicard import predict_cards
from ml_backend.serving.metrics import (
    CONTENT_TYPE,
    BackendMetrics,
    QueueDepthReader,
    TrainingStatusReader,
)
from ml_backend.serving.model_holder import ModelHolder, ModelUnavailable, PipelineLoader, Predictor
from ml_backend.serving.project_models import ProjectModels

log = logging.getLogger(__name__)

#: Largest JSON body accepted (a /predict batch of task dicts, not images).
MAX_REQUEST_BYTES = 16 * 1024 * 1024
#: Deepest JSON nesting accepted: Label Studio's payloads are under ten levels deep, and deeper
#: bodies only serve to exhaust the recursion of whatever parses or serialises them next.
MAX_JSON_DEPTH = 64
#: Seconds a client told "busy" (503) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 5
STATE_KEY = "cardloop"

#: Webhook actions Label Studio 1.23 sends; others are counted as "other" (labels stay bounded).
KNOWN_ACTIONS = frozenset({
    "ANNOTATION_CREATED", "ANNOTATIONS_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_DELETED", "ANNOTATION_DELETED",
    "TASKS_CREATED", "TASKS_DELETED", "PROJECT_CREATED", "PROJECT_UPDATED", "PROJECT_DELETED",
    "START_TRAINING", "LABEL_LINK_CREATED", "LABEL_LINK_UPDATED", "LABEL_LINK_DELETED",
})

#: Handles one webhook payload and answers the JSON outcome; raises ``InvalidEvent`` (400) or
#: ``QueueUnavailable`` (503). ``ml_backend.wiring`` adapts the RQ queue's handler to this.
EventHandler = Callable[[dict[str, Any]], dict[str, Any]]


class InvalidEvent(ValueError):
    """The webhook payload lacks what its action needs: /webhook answers 400 with the message."""


class QueueUnavailable(RuntimeError):
    """The event could not be recorded (Redis down, or no queue wired): /webhook answers 503."""


def _no_event_queue(payload: dict[str, Any]) -> dict[str, Any]:
    """The handler of an app built without one: every event is refused as undeliverable, never lost
    silently (Label Studio shows the failed webhook)."""
    raise QueueUnavailable("no event queue is wired into this app (ml_backend.wiring builds the RQ one)")


class RequestError(Exception):
    """A client error answered as ``{"error": message}`` with ``status``."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _pipeline_loader(settings: Settings) -> PipelineLoader:
    def load(model_dir: str) -> Predictor:
        from ml_backend.reading.pipeline import CardPipeline

        return CardPipeline.load(settings, model_dir=model_dir)

    return load


@dataclass
class BackendState:
    """Everything a request handler needs, one per app (so tests can build several)."""

    settings: Settings
    holder: ModelHolder  # the default model (projects without their own, requests without a project)
    models: ProjectModels
    metrics: BackendMetrics
    event_handler: EventHandler
    label_studio_url: str
    token: str
    _fetcher: ImageFetcher | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ignored: set[str] = field(default_factory=set)
    #: /predict admission: ``predict_slots`` run, up to ``predict_queue`` more wait, the rest get 503.
    predict_slots: threading.Semaphore = field(init=False)
    _admitted: int = 0

    def __post_init__(self) -> None:
        self.predict_slots = threading.Semaphore(max(1, self.settings.predict_concurrency))

    def configure_label_studio(self, hostname: str | None, token: str | None) -> None:
        """Adopt what /setup sent, as far as it cannot redirect Label Studio's token.

        /setup is open to anyone who reaches the port unless basic auth is on. So its
        ``hostname`` is adopted only when it names the same origin (scheme, host, port) as
        LABEL_STUDIO_URL: the token goes to that origin and nowhere else, whatever /setup says.
        Its ``access_token`` is adopted only when LABEL_STUDIO_API_KEY is empty; a configured
        token is never replaced. What is ignored is logged once per distinct value.
        """
        with self._lock:
            if hostname and hostname.rstrip("/") != self.label_studio_url:
                configured = ImageFetcher(self.settings, self.settings.label_studio_url).label_studio
                try:
                    same_origin = check_url(hostname.rstrip("/") + "/").origin == configured
                except FetchError:
                    same_origin = False
                if same_origin:
                    self.label_studio_url = hostname.rstrip("/")
                    self._fetcher = None
                else:
                    self._log_ignored("hostname", hostname, "not LABEL_STUDIO_URL's origin; relative URLs are fetched from "
                                      + loggable_url(self.label_studio_url))
            if token and token != self.token:
                if self.settings.label_studio_api_key:
                    self._log_ignored("access_token", redact(token), "LABEL_STUDIO_API_KEY is set and stays in use")
                else:
                    log.info("Label Studio token from /setup: %s", redact(token))
                    self.token = token
                    self._fetcher = None

    def _log_ignored(self, what: str, value: str, why: str) -> None:
        key = f"{what}={value}"
        if key not in self._ignored and len(self._ignored) < 100:
            self._ignored.add(key)
            log.warning("ignoring /setup %s %s: %s", what, loggable_url(value) if what == "hostname" else value, why)

    def admit(self) -> bool:
        """Count a /predict request in, unless the running and waiting ones fill every place."""
        with self._lock:
            if self._admitted >= max(1, self.settings.predict_concurrency) + max(0, self.settings.predict_queue):
                return False
            self._admitted += 1
            return True

    def release(self) -> None:
        with self._lock:
            self._admitted -= 1

    def fetcher(self) -> ImageFetcher:
        with self._lock:
            if self._fetcher is None:
                self._fetcher = ImageFetcher(self.settings, self.label_studio_url, auth_headers(self.token))
            return self._fetcher

    def start(self, watch: bool = True) -> None:
        """Load the default model (blocking) and watch the registry; call in the serving process.
        Project models load on their project's first request."""
        self.holder.refresh()
        if watch:
            self.holder.start_watching()
            self.models.start_watching()

    def stop_watching(self) -> None:
        self.holder.stop_watching()
        self.models.stop_watching()


def state(app: Flask | None = None) -> BackendState:
    from flask import current_app

    return (app or current_app).extensions[STATE_KEY]


def create_app(
    settings: Settings | None = None,
    *,
    pipeline_loader: PipelineLoader | None = None,
    event_handler: EventHandler | None = None,
    queue_depth: QueueDepthReader | None = None,
    training_status: TrainingStatusReader | None = None,
    load_model: bool = True,
    watch: bool = False,
) -> Flask:
    """The backend app.

    ``load_model`` False defers loading to ``state(app).start()`` (gunicorn calls it in each
    worker after the fork); ``watch`` starts the registry poller. Defaults: the real
    ``CardPipeline``; no event queue (/webhook answers 503) and no queue-depth or training
    metrics. ``ml_backend.wiring.production(settings)`` gives the deployed ones (the RQ queue's
    handler, queue depth and training progress read from Redis).
    """
    settings = settings or load_settings()
    metrics = BackendMetrics(queue_depth, training_status)
    loader = pipeline_loader or _pipeline_loader(settings)
    holder = ModelHolder(
        loader, settings.model_dir, settings.model_poll_seconds,
        on_swap=lambda version: (metrics.set_model_version(version), metrics.model_swaps.inc()),
        on_failure=metrics.model_load_failures.inc,
    )

    def project_holder(project: int, pointer: Any) -> ModelHolder:
        return ModelHolder(
            loader, pointer, settings.model_poll_seconds,
            on_swap=lambda version: (metrics.set_project_model_version(project, version), metrics.model_swaps.inc()),
            on_failure=metrics.model_load_failures.inc,
        )

    def dropped(project: int, evicted: bool) -> None:
        metrics.forget_project_model(project)
        if evicted:
            metrics.project_model_evictions.inc()

    models = ProjectModels(holder, settings.registry_dir, project_holder, settings.max_project_models,
                           settings.model_poll_seconds, on_drop=dropped)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.json.sort_keys = False
    app.extensions[STATE_KEY] = BackendState(
        settings=settings, holder=holder, models=models, metrics=metrics,
        event_handler=event_handler or _no_event_queue,
        label_studio_url=settings.label_studio_url.rstrip("/"), token=settings.label_studio_api_key,
    )
    _install_hooks(app)
    _install_routes(app)
    if load_model:
        state(app).start(watch=watch)
    return app


# --- cross-cutting: auth, metrics, errors ------------------------------------------------------


def _authorized(settings: Settings) -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        user, _, password = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    user_ok = hmac.compare_digest(user.encode(), settings.basic_auth_user.encode())
    pass_ok = hmac.compare_digest(password.encode(), settings.basic_auth_pass.encode())
    return user_ok & pass_ok


def _endpoint_label() -> str:
    """The route (not the raw path, which would explode label cardinality)."""
    return request.url_rule.rule if request.url_rule is not None else "unmatched"


def _error(message: str, status: int, kind: str) -> tuple[Response, int]:
    state().metrics.errors.labels(endpoint=_endpoint_label(), kind=kind).inc()
    return jsonify({"error": message}), status


def _install_hooks(app: Flask) -> None:
    @app.before_request
    def _start_and_authenticate():
        g.started = time.perf_counter()
        g.started_monotonic = time.monotonic()
        settings = state().settings
        if settings.basic_auth_user and not _authorized(settings):
            response, status = _error("authentication required", 401, "unauthorized")
            response.headers["WWW-Authenticate"] = 'Basic realm="cardloop"'
            return response, status
        return None

    @app.after_request
    def _count(response: Response) -> Response:
        endpoint = _endpoint_label()
        metrics = state().metrics
        metrics.requests.labels(endpoint=endpoint, method=request.method, status=str(response.status_code)).inc()
        started = g.get("started")
        if started is not None:
            metrics.latency.labels(endpoint=endpoint).observe(time.perf_counter() - started)
        return response

    @app.errorhandler(RequestError)
    def _request_error(exc: RequestError):
        return _error(str(exc), exc.status, "bad_request")

    @app.errorhandler(ModelUnavailable)
    def _no_model(exc: ModelUnavailable):
        return _error(f"no model loaded: {exc}", 503, "no_model")

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return _error(exc.description or exc.name, exc.code or 500, exc.name.lower().replace(" ", "_"))

    @app.errorhandler(RecursionError)
    def _too_deep(exc: RecursionError):
        return _error(f"request body is nested too deeply (limit {MAX_JSON_DEPTH} levels)", 400, "bad_request")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error in %s %s", request.method, printable(request.path))
        return _error("internal error (logged on the server)", 500, "internal")


def _json_object() -> dict[str, Any]:
    """The request body as a JSON object, or a 4xx that says what is wrong with it.

    The body is read here, so a chunked body over ``MAX_REQUEST_BYTES`` (no Content-Length for
    Flask to refuse up front) is a 413 too; nesting deeper than ``MAX_JSON_DEPTH`` is a 400.
    """
    body = request.get_data(cache=True)  # a declared Content-Length over the limit is a 413 here
    if len(body) >= MAX_REQUEST_BYTES:
        # werkzeug cuts a chunked body at the limit without a word: the rest was never read
        raise RequestEntityTooLarge(f"request body is over {MAX_REQUEST_BYTES} bytes")
    if not body:
        raise RequestError("request body is empty: send a JSON object")
    try:
        payload = request.get_json(force=True, silent=True)
    except RecursionError as exc:
        raise RequestError(f"request body is nested too deeply (limit {MAX_JSON_DEPTH} levels)") from exc
    if payload is None:
        raise RequestError("request body is not valid JSON")
    if not isinstance(payload, dict):
        raise RequestError(f"request body must be a JSON object, got {type(payload).__name__}")
    if _json_depth(payload) > MAX_JSON_DEPTH:
        raise RequestError(f"request body is nested too deeply (limit {MAX_JSON_DEPTH} levels)")
    return payload


def _json_depth(value: Any) -> int:
    """Nesting depth of parsed JSON, without recursion (the point is to refuse what recursion chokes on)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        current, depth = todo.pop()
        if isinstance(current, (dict, list)):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                return depth
            children = current.values() if isinstance(current, dict) else current
            todo.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _client_gone() -> bool:
    """True when the /predict client has closed its connection (gunicorn hands us the socket).

    A peek that finds end-of-file (or a reset) means nobody will read the answer. Without a socket
    (the test client, other servers) the client is assumed present.
    """
    sock = request.environ.get("gunicorn.socket")
    if sock is None:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return True


class _Abandoned(Exception):
    """The /predict request ran past its deadline or its client left; ``kind`` says which."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


# --- the protocol --------------------------------------------------------------------------------


def _predict_task(st: BackendState, predictor: Predictor, task: Any, index: int,
                  deadline: float | None = None) -> dict[str, Any] | list:
    """One task's prediction, or none (``[]``, logged and counted) when the task is unreadable."""
    task_id = printable(task.get("id"), 40) if isinstance(task, dict) else None
    try:
        image = st.fetcher().fetch_image(task_image_url(task, IMAGE_NAME), deadline=deadline)
        # several cards in one image (a scanner sheet, a desk photo): one region group each
        cards = predict_cards(predictor, image, detect=st.settings.detect_cards)
        card = cards.cards[0].card
    except FetchError as exc:
        reason = exc.reason
        log.warning("task %s (#%d): %s: %s", task_id, index, reason, printable(str(exc), 400))
    except Exception:  # noqa: BLE001 -- one broken card must not fail the batch
        reason = "pipeline_error"
        log.exception("task %s (#%d): the pipeline failed", task_id, index)
    else:
        st.metrics.tasks.labels(outcome="ok").inc()
        st.metrics.card_confidence.observe(card.confidence)
        for stage, seconds in card.timings.items():
            if stage != "total":
                st.metrics.stage_seconds.labels(stage=stage).observe(seconds)
        if cards.multi:
            return cards_to_prediction(cards, predictor.model_version)
        return card_to_prediction(card, image.width, image.height, predictor.model_version)
    st.metrics.tasks.labels(outcome="failed").inc()
    st.metrics.task_failures.labels(reason=reason).inc()
    return []  # no prediction: Label Studio asks again, nothing stale is stored


def _busy(message: str, kind: str = "busy") -> tuple[Response, int]:
    response, status = _error(message, 503, kind)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response, status


def _predict_in_slot(st: BackendState, holder: ModelHolder, tasks: list, deadline: float) -> tuple[Predictor, list]:
    """Wait for a prediction slot, then predict task after task while the deadline and the client last.

    The model is taken once the slot is ours (a request that waited through a swap uses the new
    one) and kept for the whole batch, even if a swap happens meanwhile.
    """
    while not st.predict_slots.acquire(timeout=0.25):
        if time.monotonic() >= deadline:
            raise _Abandoned("deadline", f"no prediction slot free within the {st.settings.predict_deadline:g} s "
                                         "deadline (CARDLOOP_PREDICT_DEADLINE)")
        if _client_gone():
            raise _Abandoned("client_gone", "the client closed the connection while waiting for a slot")
    try:
        predictor = holder.get()
        results = []
        for index, task in enumerate(tasks):
            if time.monotonic() >= deadline:
                raise _Abandoned("deadline", f"the {st.settings.predict_deadline:g} s deadline (CARDLOOP_PREDICT_DEADLINE) "
                                             f"passed after {index} of {len(tasks)} tasks; send fewer tasks per request")
            if _client_gone():
                raise _Abandoned("client_gone", f"the client closed the connection after {index} of {len(tasks)} tasks")
            results.append(_predict_task(st, predictor, task, index, deadline))
        return predictor, results
    finally:
        st.predict_slots.release()


def registry_versions(settings: Settings, project: int | None = None) -> list[str]:
    """Committed model versions in the registry, oldest first; for a project, those it can be
    served: trained for it or for no project in particular, and the default and its own current."""
    from ml_backend.registry import ModelRegistry

    listed = ModelRegistry(settings.registry_dir).versions(project)
    if project is not None:
        listed = [m for m in listed if m.get("project") in (None, project) or m["current"] or m["default"]]
    return [str(meta["version"]) for meta in listed]


#: Label Studio's project field: ``<id>.<the project's creation timestamp>`` ("3.1733418000").
_PROJECT_RE = re.compile(r"^([0-9]{1,18})(?:\.[0-9]{1,20})?$")


def request_project(value: Any) -> int | None:
    """The Label Studio project a request is for: None when not given (the default model is served).

    Label Studio sends ``"<id>.<created timestamp>"``; a bare id (number or digits) is accepted
    too. Anything else is a 400: guessing would serve one project another project's model.
    """
    if value is None or value == "":
        return None
    project = None
    if isinstance(value, int) and not isinstance(value, bool):
        project = value
    elif isinstance(value, str) and (match := _PROJECT_RE.match(value.strip())):
        project = int(match.group(1))
    if project is None or project <= 0:
        raise RequestError(f"'project' must be a Label Studio project id such as 3 or \"3.1733418000\" "
                           f"(id.created timestamp), got {printable(repr(value), 60)}")
    return project


def _install_routes(app: Flask) -> None:
    @app.get("/health")
    def health():
        st = state()
        if not st.holder.loaded:
            return jsonify({"status": "DOWN", "model_loaded": False, "error": st.holder.last_error or "model loading"}), 503
        answer: dict[str, Any] = {"status": "UP", "model_loaded": True, "model_version": st.holder.version}
        held = st.models.held()
        if held:  # projects served a model of their own by this process -> its version (None: loading)
            answer["project_models"] = {str(project): version for project, version in held.items()}
        return jsonify(answer)

    @app.post("/setup")
    def setup():
        st = state()
        payload = _json_object()
        hostname, token = payload.get("hostname"), payload.get("access_token")
        if hostname is not None:
            if not isinstance(hostname, str):
                raise RequestError("hostname must be an http(s) URL")
            if hostname:
                try:
                    check_url(hostname.rstrip("/") + "/")
                except FetchError as exc:
                    raise RequestError(f"hostname must be an http(s) URL: {exc}") from exc
        if token is not None and not isinstance(token, str):
            raise RequestError("access_token must be a string")
        project = request_project(payload.get("project"))
        st.configure_label_studio(hostname or None, token or None)
        # a readlink; a new model loads in a thread (Label Studio gives /setup 3 s, a load takes longer),
        # so this answers with the version served now and the next /setup sees the new one; a project
        # model not loaded yet answers with the version its pointer names, the one /predict will use
        holder = st.models.holder(project)
        holder.refresh_in_background()
        if holder is not st.holder and not holder.loaded:
            version = st.models.pointer_version(project)
            if version is not None:
                return jsonify({"model_version": version})
        return jsonify({"model_version": holder.get().model_version})

    @app.post("/predict")
    def predict():
        st = state()
        payload = _json_object()
        tasks = payload.get("tasks")
        if tasks is None:
            raise RequestError("missing 'tasks': send {\"tasks\": [{\"id\": ..., \"data\": {\"image\": URL}}]}")
        if not isinstance(tasks, list):
            raise RequestError("'tasks' must be a list of task objects")
        limit = st.settings.predict_max_tasks
        if len(tasks) > limit:
            raise RequestError(f"{len(tasks)} tasks in one request; at most {limit} (CARDLOOP_PREDICT_MAX_TASKS): "
                               "send them in smaller batches", 413)
        project = request_project(payload.get("project"))
        holder = st.models.holder(project)
        if holder is st.holder:
            holder.get()  # no model: 503 now, before queueing
        deadline = g.started_monotonic + st.settings.predict_deadline
        if not st.admit():
            return _busy(f"busy: {st.settings.predict_concurrency} prediction(s) running and "
                         f"{st.settings.predict_queue} waiting; try again shortly")
        try:
            if not holder.loaded:  # a project's model, on its first request (admitted: loads stay bounded)
                holder.refresh()
                holder.get()  # it failed: 503 with the reason
            predictor, results = _predict_in_slot(st, holder, tasks, deadline)
        except _Abandoned as exc:
            log.warning("/predict of %d tasks stopped: %s", len(tasks), exc)
            if exc.kind == "client_gone":
                return _error(str(exc), 499, exc.kind)
            return _busy(str(exc), kind=exc.kind)
        finally:
            st.release()
        return jsonify({"results": results, "model_version": predictor.model_version})

    @app.post("/webhook")
    def webhook():
        st = state()
        payload = _json_object()
        action = payload.get("action")
        if not isinstance(action, str) or not action:
            raise RequestError("webhook payload must carry an 'action' string")
        counted = action if action in KNOWN_ACTIONS else "other"
        try:
            outcome = st.event_handler(payload)
        except InvalidEvent as exc:
            st.metrics.webhook_events.labels(action=counted, status="invalid").inc()
            raise RequestError(str(exc)) from exc
        except QueueUnavailable as exc:
            st.metrics.webhook_events.labels(action=counted, status="unavailable").inc()
            log.error("webhook %s not accepted: %s", printable(action, 60), exc)
            return _error(f"event not accepted, queue unavailable: {exc}", 503, "queue_unavailable")
        st.metrics.webhook_events.labels(action=counted, status=str(outcome.get("status", "ok"))).inc()
        return jsonify(outcome)

    @app.get("/versions")
    def versions():
        st = state()
        # Label Studio 1.23 sends no project with this GET: ?project=ID asks for one project's
        project = request_project(request.args.get("project"))
        found = registry_versions(st.settings, project)
        served = st.holder.version
        if project is not None and st.models.registry.has_own_model(project):
            served = st.models.held().get(project) or st.models.pointer_version(project)
        if served and served not in found:
            found.append(served)
        return jsonify({"versions": found, "current": served, **({"project": project} if project else {})})

    @app.get("/metrics")
    def metrics():
        return Response(state().metrics.render(), content_type=CONTENT_TYPE)

