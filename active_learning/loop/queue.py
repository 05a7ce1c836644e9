"""Label Studio events -> RQ jobs, with training coalesced per project.

The webhook handler must answer Label Studio within ~1 s, so ``handle_event`` only touches
Redis: it records the annotation id in the project's *pending* set and, once
``settings.retrain_after`` annotations are pending (or on START_TRAINING), enqueues one training
job. Every decision that more than one process can race on is a Lua script, so it is atomic:

``pending`` (set)   annotation ids not yet taken by a training run
``inflight`` (set)  the snapshot the running job trains on (moved from ``pending`` at job start)
``queued`` (str)    id of the one training job waiting in the queue (SET NX: at most one)
``running`` (str)   id of the one job training now; a lock with a TTL the job keeps refreshing
``force`` (str)     START_TRAINING arrived: train even below the threshold
``trained`` (set)   annotation ids a finished training run took (what reconciliation compares with)

A storm of annotations therefore yields at most one queued and one running training job per
project. An annotation arriving while a job trains lands in ``pending`` and is taken by the next
job, which the running job enqueues when it finishes (``finish_training``). If a worker is
SIGKILLed mid-training nothing is lost or stuck: the ``running`` lock expires with its TTL,
the orphaned ``inflight`` snapshot is merged back by the next job, and a ``queued`` marker whose
RQ job no longer waits (failed, finished, vanished) is cleared the next time it is checked.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

import redis
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from ml_backend.config import Settings, load_settings

log = logging.getLogger(__name__)

KEY_PREFIX = "cardloop:al"
#: Dotted paths of the job functions (RQ imports them in the worker; no live objects travel).
TRAIN_FUNC = "active_learning.loop.jobs.train_project"
SCORE_FUNC = "active_learning.loop.jobs.score_project"
RECONCILE_FUNC = "active_learning.loop.reconcile.reconcile_project"
CRM_FUNC = "active_learning.crm.job.sync_annotation"
CRM_TASKS_FUNC = "active_learning.crm.job.sync_deleted_tasks"

ANNOTATION_ACTIONS = {"ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_CREATED"}
DELETE_ACTIONS = {"ANNOTATION_DELETED", "ANNOTATIONS_DELETED"}
TASKS_DELETED = "TASKS_DELETED"
TRAIN_ACTION = "START_TRAINING"

#: Transient failures (Label Studio restarting, a worker lost) get two more tries.
TRAIN_RETRY = Retry(max=2, interval=[30, 120])
LIGHT_RETRY = Retry(max=3, interval=[5, 30, 120])


class QueueUnavailable(RuntimeError):
    """Redis cannot be reached: the event could not be recorded (the server answers 503)."""


class InvalidEvent(ValueError):
    """The webhook payload lacks what the action needs (the server answers 400)."""


@dataclass(frozen=True)
class ProjectKeys:
    """Redis keys of one project's coalescing state."""

    project: int

    def _k(self, name: str) -> str:
        return f"{KEY_PREFIX}:{self.project}:{name}"

    @property
    def pending(self) -> str:
        return self._k("pending")

    @property
    def inflight(self) -> str:
        return self._k("inflight")

    @property
    def queued(self) -> str:
        return self._k("queued")

    @property
    def running(self) -> str:
        return self._k("running")

    @property
    def force(self) -> str:
        return self._k("force")

    @property
    def status(self) -> str:
        return self._k("status")

    @property
    def scoring(self) -> str:
        return self._k("scoring")

    @property
    def trained(self) -> str:
        return self._k("trained")

    def ordered(self) -> list[str]:
        """KEYS order shared by the Lua scripts below."""
        return [self.pending, self.inflight, self.queued, self.running, self.force]


PROJECTS_KEY = f"{KEY_PREFIX}:projects"

# KEYS: pending inflight queued running force; ARGV: threshold, job_id, queued_ttl
# -> {decision, n}: 0 below threshold, 1 marker set (caller enqueues), 2 a job is already queued
_TRIGGER = """
local n = redis.call('SCARD', KEYS[1])
if redis.call('EXISTS', KEYS[4]) == 0 then n = n + redis.call('SCARD', KEYS[2]) end
local forced = redis.call('EXISTS', KEYS[5])
if n < tonumber(ARGV[1]) and forced == 0 then return {0, n} end
if n == 0 and forced == 0 then return {0, n} end
if redis.call('SET', KEYS[3], ARGV[2], 'NX', 'EX', tonumber(ARGV[3])) then return {1, n} end
return {2, n}
"""

# KEYS: pending inflight queued running force; ARGV: job_id, lock_ttl
# -> {-1} another live job holds the lock (this one steps aside), else {1, forced, id1, id2, ...}
_START = """
local holder = redis.call('GET', KEYS[4])
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
if holder and holder ~= ARGV[1] then return {-1} end
redis.call('SET', KEYS[4], ARGV[1], 'EX', tonumber(ARGV[2]))
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('SUNIONSTORE', KEYS[2], KEYS[2], KEYS[1])
  redis.call('DEL', KEYS[1])
end
local forced = redis.call('DEL', KEYS[5])
local out = redis.call('SMEMBERS', KEYS[2])
table.insert(out, 1, forced)
table.insert(out, 1, 1)
return out
"""

# KEYS: pending inflight queued running force trained; ARGV: job_id, succeeded (1|0)
_FINISH = """
if redis.call('GET', KEYS[4]) ~= ARGV[1] then return 0 end
if ARGV[2] == '0' and redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('SUNIONSTORE', KEYS[1], KEYS[1], KEYS[2])
end
if ARGV[2] == '1' and redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('SUNIONSTORE', KEYS[6], KEYS[6], KEYS[2])
end
redis.call('DEL', KEYS[2])
redis.call('DEL', KEYS[4])
return 1
"""

# KEYS: pending inflight trained; ARGV: annotation ids -> how many were added to pending
_UNTRAINED = """
local added = 0
for _, id in ipairs(ARGV) do
  if redis.call('SISMEMBER', KEYS[2], id) == 0 and redis.call('SISMEMBER', KEYS[3], id) == 0 then
    added = added + redis.call('SADD', KEYS[1], id)
  end
end
return added
"""

# KEYS: running; ARGV: job_id, ttl
_REFRESH = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2])) end
return 0
"""

# KEYS: key; ARGV: expected value -> delete only if it still holds that value
_DELETE_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_connections: dict[str, redis.Redis] = {}
_connections_lock = threading.Lock()


def connect(url: str) -> redis.Redis:
    """One pooled client per Redis URL and process, with short timeouts (a webhook cannot wait)."""
    with _connections_lock:
        conn = _connections.get(url)
        if conn is None:
            conn = redis.Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=2.0, health_check_interval=30)
            _connections[url] = conn
        return conn


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)


# --- reading Label Studio payloads -----------------------------------------------------------


def _as_int(value: Any, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidEvent(f"{what} must be an integer id, got {value!r}") from None


def project_id_of(payload: dict[str, Any]) -> int:
    """Project id of a webhook payload: ``project.id``, else the task's or annotation's project."""
    project = payload.get("project")
    if isinstance(project, dict) and project.get("id") is not None:
        return _as_int(project["id"], "project.id")
    if isinstance(project, (int, str)) and str(project).split(".")[0].isdigit():
        # ML backend style "1.1700000000" (project id . timestamp)
        return _as_int(str(project).split(".")[0], "project")
    for holder in ("task", "annotation"):
        item = payload.get(holder)
        if isinstance(item, dict) and item.get("project") is not None:
            return _as_int(item["project"], f"{holder}.project")
    raise InvalidEvent("payload names no project (expected project.id)")


def deleted_task_ids(payload: dict[str, Any]) -> list[int]:
    """Task ids of a TASKS_DELETED payload (``tasks: [{"id": ...}]``)."""
    tasks = payload.get("tasks")
    if not isinstance(tasks, list) or not tasks:
        raise InvalidEvent("TASKS_DELETED payload carries no tasks")
    return [_as_int(t.get("id") if isinstance(t, dict) else t, "tasks[].id") for t in tasks]


def annotation_refs(payload: dict[str, Any]) -> list[tuple[int, int | None]]:
    """``(annotation id, task id)`` pairs of an annotation event (single or bulk form)."""
    items: list[dict[str, Any]] = []
    if isinstance(payload.get("annotation"), dict):
        items.append(payload["annotation"])
    if isinstance(payload.get("annotations"), list):
        items.extend(a for a in payload["annotations"] if isinstance(a, dict))
    if not items:
        raise InvalidEvent(f"{payload.get('action')} payload carries no annotation")
    task = payload.get("task") if isinstance(payload.get("task"), dict) else {}
    refs = []
    for item in items:
        ann_id = _as_int(item.get("id"), "annotation.id")
        task_id = item.get("task", task.get("id"))
        if isinstance(task_id, dict):
            task_id = task_id.get("id")
        refs.append((ann_id, _as_int(task_id, "annotation.task") if task_id is not None else None))
    return refs


# --- the webhook entry point ------------------------------------------------------------------


def handle_event(
    payload: dict[str, Any],
    settings: Settings | None = None,
    connection: redis.Redis | None = None,
    train_func: str = TRAIN_FUNC,
) -> dict[str, Any]:
    """Record one Label Studio event and enqueue what it calls for; Redis work only.

    Returns a JSON-able summary (``status``, ``project``, ``pending``, ``training_job``...).
    Raises ``InvalidEvent`` for a malformed payload and ``QueueUnavailable`` when Redis is down.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("action"), str):
        raise InvalidEvent("payload must be a JSON object with an 'action'")
    action = payload["action"]
    if action not in ANNOTATION_ACTIONS | DELETE_ACTIONS | {TRAIN_ACTION, TASKS_DELETED}:
        return {"status": "ignored", "action": action}
    settings = settings or load_settings()
    project = project_id_of(payload)
    conn = connection or connect(settings.redis_url)
    keys = ProjectKeys(project)
    try:
        result: dict[str, Any] = {"status": "ok", "action": action, "project": project}
        if action == TRAIN_ACTION:
            pipe = conn.pipeline(transaction=True)
            pipe.sadd(PROJECTS_KEY, project)
            pipe.set(keys.force, "1", ex=_queued_ttl(settings))
            pipe.execute()
        elif action == TASKS_DELETED:
            # their contacts leave the CRM; the training data changes without a new annotation
            task_ids = deleted_task_ids(payload)
            conn.sadd(PROJECTS_KEY, project)
            result["crm_jobs"] = [enqueue_crm_task_sync(conn, settings, project, task_ids, action)]
        else:
            refs = annotation_refs(payload)
            ids = [str(a) for a, _ in refs]
            pipe = conn.pipeline(transaction=True)
            pipe.sadd(PROJECTS_KEY, project)
            if action in DELETE_ACTIONS:
                # A deleted annotation no longer exists: training must not wait for it.
                pipe.srem(keys.pending, *ids)
            else:
                pipe.sadd(keys.pending, *ids)
            pipe.execute()
            result["crm_jobs"] = [
                enqueue_crm_sync(conn, settings, project, task_id, ann_id, action)
                for ann_id, task_id in refs
            ]
        result.update(request_training(conn, project, settings, train_func=train_func))
        if project in _missed_projects:  # an earlier event was lost: catch up now that Redis answers
            result["reconcile_job"] = enqueue_reconcile(conn, settings, project)
            _missed_projects.discard(project)
        return result
    except redis.RedisError as exc:
        _missed_projects.add(project)
        raise QueueUnavailable(f"Redis at {_safe_url(settings.redis_url)} is unreachable: {exc}") from exc


#: Projects whose event this process could not record (Redis down; Label Studio never resends):
#: the project's next accepted event queues a reconciliation (``active_learning.loop.reconcile``).
_missed_projects: set[int] = set()


def _safe_url(url: str) -> str:
    """Redis URL without credentials, for error messages."""
    return url.split("@", 1)[-1] if "@" in url else url


def _queued_ttl(settings: Settings) -> int:
    """A queued marker outlives any plausible wait; stale markers are cleared earlier (see below)."""
    return 2 * settings.train_timeout + 600


def _queue(conn: redis.Redis, name: str) -> Queue:
    return Queue(name, connection=conn)


def request_training(
    conn: redis.Redis, project: int, settings: Settings, train_func: str = TRAIN_FUNC
) -> dict[str, Any]:
    """Enqueue a training job for ``project`` if enough is pending and none is queued yet."""
    keys = ProjectKeys(project)
    for _ in range(2):
        job_id = f"cardloop-train-{project}-{uuid.uuid4().hex[:12]}"
        decision, pending = conn.eval(
            _TRIGGER, 5, *keys.ordered(), settings.retrain_after, job_id, _queued_ttl(settings)
        )
        if decision == 0:
            return {"pending": pending, "training": "waiting"}
        if decision == 1:
            try:
                _queue(conn, settings.train_queue).enqueue(
                    train_func, project,
                    job_id=job_id,
                    job_timeout=settings.train_timeout,
                    result_ttl=7 * 24 * 3600,
                    failure_ttl=30 * 24 * 3600,
                    retry=TRAIN_RETRY,
                    description=f"train project {project}",
                )
            except Exception:
                conn.eval(_DELETE_IF, 1, keys.queued, job_id)
                raise
            conn.hset(keys.status, mapping={"queued_at": time.time()})
            log.info("project %s: %d annotations pending, training job %s queued", project, pending, job_id)
            return {"pending": pending, "training": "queued", "training_job": job_id}
        queued = _text(conn.get(keys.queued))
        if queued and _marker_is_live(conn, keys.queued, queued, _queued_ttl(settings)):
            return {"pending": pending, "training": "already_queued", "training_job": queued}
        # The marker names a job that no longer waits (failed, finished, lost): clear and retry.
        log.warning("project %s: clearing stale queued marker %s", project, queued)
        if queued:
            conn.eval(_DELETE_IF, 1, keys.queued, queued)
    return {"pending": pending, "training": "already_queued"}


#: A marker is set a moment before its job is saved: a missing job younger than this is not stale.
ENQUEUE_GRACE_SECONDS = 10


def _marker_is_live(conn: redis.Redis, key: str, job_id: str, ttl: int) -> bool:
    """True while the marker's RQ job still waits or runs (or is still being enqueued)."""
    try:
        status = Job.fetch(job_id, connection=conn).get_status(refresh=False)
    except NoSuchJobError:
        remaining = conn.ttl(key)
        return remaining > 0 and ttl - remaining < ENQUEUE_GRACE_SECONDS
    return status in {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED, JobStatus.STARTED, None}


def enqueue_crm_sync(
    conn: redis.Redis, settings: Settings, project: int, task: int | None, annotation: int, action: str
) -> str:
    """Queue the CRM export of one annotation on the light queue; returns the job id."""
    job = _queue(conn, settings.light_queue).enqueue(
        CRM_FUNC, project, task, annotation, action,
        job_timeout=300, retry=LIGHT_RETRY, failure_ttl=30 * 24 * 3600,
        description=f"crm {action.lower()} annotation {annotation}",
    )
    return job.id


def enqueue_crm_task_sync(conn: redis.Redis, settings: Settings, project: int, task_ids: list[int], action: str) -> str:
    """Queue the CRM re-export of deleted tasks on the light queue (their contacts are withdrawn)."""
    job = _queue(conn, settings.light_queue).enqueue(
        CRM_TASKS_FUNC, project, task_ids, action,
        job_timeout=300, retry=LIGHT_RETRY, failure_ttl=30 * 24 * 3600,
        description=f"crm {action.lower()} {len(task_ids)} task(s)",
    )
    return job.id


def enqueue_reconcile(conn: redis.Redis, settings: Settings, project: int) -> str:
    """Queue a reconciliation of the project on the light queue (see ``active_learning.loop.reconcile``)."""
    job = _queue(conn, settings.light_queue).enqueue(
        RECONCILE_FUNC, project, job_timeout=1800, retry=LIGHT_RETRY, failure_ttl=30 * 24 * 3600,
        description=f"reconcile project {project}",
    )
    return job.id


SCORING_MARKER_TTL = 3600


def enqueue_scoring(conn: redis.Redis, settings: Settings, project: int, func: str = SCORE_FUNC) -> str | None:
    """Queue the scoring of the project's unlabeled tasks unless a scoring job already waits."""
    keys = ProjectKeys(project)
    job_id = f"cardloop-score-{project}-{uuid.uuid4().hex[:12]}"
    if not conn.set(keys.scoring, job_id, nx=True, ex=SCORING_MARKER_TTL):
        waiting = _text(conn.get(keys.scoring))
        if waiting and _marker_is_live(conn, keys.scoring, waiting, SCORING_MARKER_TTL):
            return waiting
        conn.set(keys.scoring, job_id, ex=SCORING_MARKER_TTL)
    _queue(conn, settings.light_queue).enqueue(
        func, project, job_id=job_id, job_timeout=settings.train_timeout, retry=LIGHT_RETRY,
        failure_ttl=30 * 24 * 3600, description=f"score project {project}",
    )
    return job_id


def scoring_started(conn: redis.Redis, project: int, job_id: str) -> None:
    """Release the scoring marker so a promotion during this run queues a fresh scoring job."""
    conn.eval(_DELETE_IF, 1, ProjectKeys(project).scoring, job_id)


# --- the training job's side of the protocol --------------------------------------------------


@dataclass
class TrainingRun:
    """What a training job was handed: the annotation ids it must include, and whether a
    START_TRAINING asked for it (a run with nothing new and no request has nothing to learn)."""

    project: int
    job_id: str
    annotation_ids: set[int]
    forced: bool

    @property
    def has_work(self) -> bool:
        return bool(self.annotation_ids) or self.forced


class _Heartbeat(threading.Thread):
    """Keeps the ``running`` lock alive while the job works; dies with the process on SIGKILL."""

    def __init__(self, conn: redis.Redis, key: str, job_id: str, ttl: int):
        super().__init__(daemon=True, name=f"lock-heartbeat-{job_id}")
        self.conn, self.key, self.job_id, self.ttl = conn, key, job_id, ttl
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(max(self.ttl / 3, 0.5)):
            try:
                if not self.conn.eval(_REFRESH, 1, self.key, self.job_id, self.ttl):
                    log.error("training lock %s lost by job %s", self.key, self.job_id)
            except redis.RedisError as exc:
                log.warning("training lock heartbeat failed: %s", exc)


@contextmanager
def training_run(
    conn: redis.Redis, project: int, job_id: str, settings: Settings, train_func: str = TRAIN_FUNC
) -> Iterator[TrainingRun | None]:
    """Take the project's training lock and pending snapshot for the body of a training job.

    Yields None when another live job holds the lock (that job enqueues the next run when it
    finishes). On success the snapshot is consumed and, if enough arrived meanwhile, the next
    job is enqueued; on an exception the snapshot goes back to ``pending`` and the exception
    propagates (RQ records the failure and retries).
    """
    keys = ProjectKeys(project)
    reply = conn.eval(_START, 5, *keys.ordered(), job_id, settings.train_lock_ttl)
    if reply[0] == -1:
        log.info("project %s: job %s steps aside, another training job holds the lock", project, job_id)
        yield None
        return
    run = TrainingRun(project, job_id, {int(_text(x)) for x in reply[2:]}, forced=bool(reply[1]))
    conn.hset(keys.status, mapping={"started_at": time.time(), "annotations": len(run.annotation_ids),
                                    "step": 0, "epoch": 0})
    heartbeat = _Heartbeat(conn, keys.running, job_id, settings.train_lock_ttl)
    heartbeat.start()
    succeeded = False
    try:
        yield run
        succeeded = True
    except BaseException as exc:
        reason = f"{type(exc).__name__}: {exc}"[:500]
        log.error("project %s: training job %s failed: %s", project, job_id, reason)
        conn.hset(keys.status, "last_error", reason)
        raise
    finally:
        heartbeat.stopped.set()
        conn.eval(_FINISH, 6, *keys.ordered(), keys.trained, job_id, "1" if succeeded else "0")
        conn.hset(keys.status, mapping={"last_outcome": "succeeded" if succeeded else "failed",
                                        "finished_at": time.time()})
    request_training(conn, project, settings, train_func=train_func)


def add_untrained(conn: redis.Redis, project: int, annotation_ids: Iterable[int]) -> int:
    """Put the annotations no training run took and none waits for into ``pending`` (a webhook
    lost while Redis was down); returns how many. Reconciliation calls it, then ``request_training``."""
    ids = [str(int(a)) for a in annotation_ids]
    if not ids:
        return 0
    keys = ProjectKeys(project)
    conn.sadd(PROJECTS_KEY, project)
    return int(conn.eval(_UNTRAINED, 3, keys.pending, keys.inflight, keys.trained, *ids))


def report_progress(conn: redis.Redis, project: int, **fields: Any) -> None:
    """Export training progress (step, epoch, loss...) for /metrics; values must be scalars."""
    conn.hset(ProjectKeys(project).status, mapping={k: v for k, v in fields.items() if v is not None})


def training_status(conn: redis.Redis) -> dict[int, dict[str, Any]]:
    """Per project: state, pending count, queued/running job and the last progress and result.

    The server's /metrics reads this; numbers come back as floats where they parse.
    """
    out: dict[int, dict[str, Any]] = {}
    for raw in sorted(conn.smembers(PROJECTS_KEY), key=lambda b: int(b)):
        project = int(raw)
        keys = ProjectKeys(project)
        pipe = conn.pipeline(transaction=False)
        pipe.hgetall(keys.status)
        pipe.scard(keys.pending)
        pipe.get(keys.queued)
        pipe.get(keys.running)
        status, pending, queued, running = pipe.execute()
        info: dict[str, Any] = {}
        for k, v in status.items():
            text = _text(v)
            try:
                info[_text(k)] = float(text)
            except (TypeError, ValueError):
                info[_text(k)] = text
        info.update(pending=pending, queued_job=_text(queued), running_job=_text(running))
        info["state"] = "running" if running else "queued" if queued else "idle"
        out[project] = info
    return out
