"""The deployed backend's wiring: the serving app joined to the active-learning loop.

``ml_backend.serving`` knows nothing of the loop: ``create_app`` takes its event handler and its
metrics readers as arguments. This entry-point module is the one place that builds the production
ones from ``active_learning.loop.queue`` (webhook events recorded in Redis and queued for RQ; queue
depth and per-project training progress read from Redis at scrape time), so the import direction
of docs/architecture.md holds: entry points import the loop and the server, the server never the loop.

``gunicorn.conf.py``'s ``wsgi_app`` points at ``gunicorn_app()`` (``python -m ml_backend serve``
starts gunicorn with that config).
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from active_learning.loop import queue
from ml_backend.config import Settings, load_settings
from ml_backend.serving.metrics import QueueDepthReader, TrainingStatusReader, lazy_redis, redis_queue_depth
from ml_backend.serving.server import EventHandler, InvalidEvent, QueueUnavailable, create_app


def queue_event_handler(settings: Settings) -> EventHandler:
    """The RQ queue's ``handle_event``, its errors translated into the ones /webhook maps to HTTP
    statuses (400 for an event that lacks what its action needs, 503 when Redis is unreachable)."""

    def handle(payload: dict[str, Any]) -> dict[str, Any]:
        try:
            return queue.handle_event(payload, settings=settings)
        except queue.InvalidEvent as exc:
            raise InvalidEvent(str(exc)) from exc
        except queue.QueueUnavailable as exc:
            raise QueueUnavailable(str(exc)) from exc

    return handle


def queue_depth_reader(settings: Settings) -> QueueDepthReader:
    """Waiting jobs of the training and light RQ queues (-1 for one Redis does not answer)."""
    return redis_queue_depth(settings.redis_url, (settings.train_queue, settings.light_queue))


def training_status_reader(settings: Settings, timeout: float = 0.5) -> TrainingStatusReader:
    """The per-project training state the RQ training jobs publish in Redis (short timeouts: a
    scrape must not hang on a dead Redis; /metrics drops the family when this raises)."""
    connection = lazy_redis(settings.redis_url, timeout)
    return lambda: queue.training_status(connection())


def production(settings: Settings) -> dict[str, Any]:
    """``create_app``'s keyword arguments for the deployed backend: the loop's event handler and
    the Redis readers (the pipeline loader is ``create_app``'s own default, the real ``CardPipeline``)."""
    return {
        "event_handler": queue_event_handler(settings),
        "queue_depth": queue_depth_reader(settings),
        "training_status": training_status_reader(settings),
    }


def app(settings: Settings | None = None, **overrides: Any) -> Flask:
    """The deployed app: ``create_app`` with ``production(settings)``; ``overrides`` replace any of
    its arguments (tests pass a hand-made ``pipeline_loader``, ``load_model=False``, ...)."""
    settings = settings or load_settings()
    return create_app(settings, **{**production(settings), **overrides})


def gunicorn_app() -> Flask:
    """The app gunicorn preloads in its master: no model yet (``post_worker_init`` loads it in
    each worker, after the fork, together with the registry watcher thread)."""
    return app(load_model=False)

