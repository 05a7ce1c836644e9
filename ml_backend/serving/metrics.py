"""Prometheus metrics of the ML backend, one registry per app (tests build several apps).

What an operator needs to see: request rate/latency/status per endpoint, why tasks failed
(fetch reasons), the card confidence distribution, which model version each process serves and
when it last changed, and how much work waits in the RQ queues. Queue depth is read from Redis
at scrape time; if Redis does not answer within half a second the gauge reads -1 for that queue,
and /metrics itself never fails.

With several gunicorn workers each process reports its own counters (scrape each or run one
worker); the queue depth is global either way.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

#: Reads queue name -> waiting jobs (-1 when unknown); must be quick and never raise.
QueueDepthReader = Callable[[], dict[str, int]]


#: Reads project id -> training status (``ml_backend.wiring`` passes the loop's, read from Redis); may raise.
TrainingStatusReader = Callable[[], dict[int, dict[str, Any]]]


def lazy_redis(redis_url: str, timeout: float) -> Callable[[], Any]:
    """A connection made on first use with short timeouts, shared by the scrape-time readers."""
    lock = threading.Lock()
    state: dict[str, Any] = {}

    def connection() -> Any:
        import redis

        with lock:
            if "conn" not in state:
                state["conn"] = redis.Redis.from_url(redis_url, socket_connect_timeout=timeout, socket_timeout=timeout)
            return state["conn"]

    return connection


def redis_queue_depth(redis_url: str, queues: Iterable[str], timeout: float = 0.5) -> QueueDepthReader:
    """A reader of RQ queue lengths (``rq:queue:<name>`` lists) with short timeouts."""
    names = tuple(queues)
    connection = lazy_redis(redis_url, timeout)

    def read() -> dict[str, int]:
        from rq import Queue

        depths: dict[str, int] = {}
        for name in names:
            try:
                depths[name] = int(Queue(name, connection=connection()).count)
            except Exception as exc:  # noqa: BLE001 -- any Redis/RQ failure means "unknown", never a failed scrape
                log.debug("queue depth of %s unavailable: %s", name, exc)
                depths[name] = -1
        return depths

    return read


class _TrainingCollector(Collector):
    """Training progress per project: what the RQ job reports (step, epoch, loss) and its state."""

    NUMERIC = {
        "step": ("cardloop_training_step", "Optimiser step of the project's current or last training run"),
        "epoch": ("cardloop_training_epoch", "Epoch of the project's current or last training run"),
        "loss": ("cardloop_training_loss", "Training loss last reported by the project's training run"),
        "pending": ("cardloop_training_pending_annotations", "Annotations waiting for the next training run"),
        "last_challenger_f1": ("cardloop_training_challenger_f1", "Held-out F1 of the last challenger"),
        "last_champion_f1": ("cardloop_training_champion_f1", "Held-out F1 of the champion it was compared with"),
    }

    def __init__(self, reader: TrainingStatusReader):
        self.reader = reader

    def collect(self):
        families = {key: GaugeMetricFamily(name, doc, labels=["project"]) for key, (name, doc) in self.NUMERIC.items()}
        state = GaugeMetricFamily("cardloop_training_state", "1 for the project's training state (idle, queued, running)",
                                  labels=["project", "state"])
        try:
            projects = self.reader()
        except Exception as exc:  # noqa: BLE001 -- Redis down must not break /metrics
            log.debug("training status unavailable: %s", exc)
            projects = {}
        for project, info in projects.items():
            for key, family in families.items():
                if isinstance(info.get(key), (int, float)):
                    family.add_metric([str(project)], float(info[key]))
            state.add_metric([str(project), str(info.get("state", "idle"))], 1)
        yield from families.values()
        yield state


class _QueueDepthCollector(Collector):
    def __init__(self, reader: QueueDepthReader):
        self.reader = reader

    def collect(self):
        family = GaugeMetricFamily(
            "cardloop_queue_depth", "Jobs waiting in the RQ queue (-1: Redis unreachable)", labels=["queue"]
        )
        try:
            depths = self.reader()
        except Exception as exc:  # noqa: BLE001 -- a broken reader must not break /metrics
            log.warning("queue depth reader failed: %s", exc)
            depths = {}
        for name, depth in depths.items():
            family.add_metric([name], depth)
        yield family


class BackendMetrics:
    """The backend's metrics, registered in their own ``CollectorRegistry``."""

    def __init__(self, queue_depth: QueueDepthReader | None = None, training: TrainingStatusReader | None = None):
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "cardloop_http_requests", "HTTP requests by endpoint, method and status", ["endpoint", "method", "status"], registry=r
        )
        self.latency = Histogram(
            "cardloop_http_request_seconds", "HTTP request latency by endpoint", ["endpoint"], registry=r,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
        )
        self.errors = Counter("cardloop_http_errors", "Requests answered with an error, by endpoint and kind", ["endpoint", "kind"], registry=r)
        self.tasks = Counter("cardloop_predict_tasks", "Tasks predicted, by outcome (ok, failed)", ["outcome"], registry=r)
        self.task_failures = Counter("cardloop_predict_task_failures", "Tasks answered with an empty result, by reason", ["reason"], registry=r)
        self.card_confidence = Histogram(
            "cardloop_card_confidence", "Confidence of predicted cards", registry=r,
            buckets=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0),
        )
        self.stage_seconds = Histogram(
            "cardloop_pipeline_stage_seconds", "Pipeline time per card and stage", ["stage"], registry=r,
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10),
        )
        self.webhook_events = Counter("cardloop_webhook_events", "Webhook events by action and outcome", ["action", "status"], registry=r)
        self.model_info = Gauge("cardloop_model_info", "Model version served by this process (value 1)", ["version"], registry=r)
        self.model_loaded_at = Gauge("cardloop_model_loaded_timestamp_seconds", "When the served model was loaded", registry=r)
        self.model_swaps = Counter("cardloop_model_swaps", "Models swapped in after a promotion", registry=r)
        self.model_load_failures = Counter("cardloop_model_load_failures", "Model loads that failed (the old model stays)", registry=r)
        self.project_model_info = Gauge(
            "cardloop_project_model_info", "Model version loaded for a project with a model of its own (value 1)",
            ["project", "version"], registry=r,
        )
        self.project_model_evictions = Counter(
            "cardloop_project_model_evictions", "Project models dropped to stay within CARDLOOP_MAX_PROJECT_MODELS", registry=r
        )
        self._version_lock = threading.Lock()
        if queue_depth is not None:
            r.register(_QueueDepthCollector(queue_depth))
        if training is not None:
            r.register(_TrainingCollector(training))

    def set_model_version(self, version: str) -> None:
        """Point ``cardloop_model_info`` at ``version`` (only one version per process reads 1)."""
        with self._version_lock:
            self.model_info.clear()
            self.model_info.labels(version=version).set(1)
            self.model_loaded_at.set_to_current_time()

    def set_project_model_version(self, project: int, version: str) -> None:
        """Point ``cardloop_project_model_info`` of ``project`` at ``version``."""
        with self._version_lock:
            self._drop_project(project)
            self.project_model_info.labels(project=str(project), version=version).set(1)

    def forget_project_model(self, project: int) -> None:
        """The project's model is no longer held (evicted, or the project follows the default again)."""
        with self._version_lock:
            self._drop_project(project)

    def _drop_project(self, project: int) -> None:
        for labels in [m.labels for m in self.project_model_info.collect()[0].samples]:
            if labels["project"] == str(project):
                self.project_model_info.remove(labels["project"], labels["version"])

    def render(self) -> bytes:
        return generate_latest(self.registry)
