"""gunicorn settings for the ML backend (``python -m ml_backend serve`` passes this file).

Strategy: ``preload_app`` imports the code (torch, transformers, onnxruntime) once in the master
so workers share those pages copy-on-write, but the *model* is loaded in each worker after the
fork (``post_worker_init``): threads (the registry watcher, OpenMP pools) do not survive a fork,
and each worker must be able to swap its own model when a new version is promoted.

``gthread`` workers: while threads run long /predict batches, others answer /health, /metrics,
/setup and /webhook (Label Studio waits only ~1 s for /health and a webhook). /predict may hold at
most CARDLOOP_PREDICT_CONCURRENCY + CARDLOOP_PREDICT_QUEUE threads (the server answers the rest
503 at once), and a worker has ``SPARE_THREADS`` more than that, so those endpoints always find a
free thread however many /predict clients there are. Bind address and worker count come from
Settings (CARDLOOP_HOST/CARDLOOP_PORT/CARDLOOP_WORKERS); ``--bind`` overrides.
"""

from ml_backend.config import load_settings
from ml_backend.runtime import configure_logging, configure_threads

_settings = load_settings()
configure_logging(_settings)
configure_threads(_settings)  # before torch is imported by the preloaded app

bind = f"{_settings.host}:{_settings.port}"
workers = max(1, _settings.workers)
worker_class = "gthread"
#: Threads /predict can never occupy: /health, /metrics, /setup, /webhook and /versions run on them.
SPARE_THREADS = 4
threads = max(1, _settings.predict_concurrency) + max(0, _settings.predict_queue) + SPARE_THREADS
preload_app = True
wsgi_app = "ml_backend.wiring:gunicorn_app()"
# /predict ends by CARDLOOP_PREDICT_DEADLINE (below Label Studio's ML_TIMEOUT_PREDICT, 100 s by
# default). This is gunicorn's heartbeat limit: the model load in post_worker_init counts here.
timeout = 300
graceful_timeout = 30
keepalive = 5
accesslog = "-"
errorlog = "-"
# Never log request headers: Authorization carries the basic-auth password / tokens.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


def post_worker_init(worker):
    """Load this worker's model (once per process) and start its registry watcher."""
    from ml_backend.serving.server import state

    state(worker.wsgi).start(watch=True)
