"""gunicorn settings for the ML backend (``python -m ml_backend serve`` passes this file).

Strategy: ``preload_app`` imports the code (torch, transformers, onnxruntime) once in the master
so workers share those pages copy-on-write, but the *model* is loaded in each worker after the
fork (``post_worker_init``): threads (the registry watcher, OpenMP pools) do not survive a fork,
and each worker must be able to swap its own model when a new version is promoted.

``gthread`` workers: while one thread runs a long /predict batch, another answers /health,
/metrics and /webhook (Label Studio waits only ~1 s for a webhook). Bind address and worker count
come from Settings (CARDLOOP_HOST/CARDLOOP_PORT/CARDLOOP_WORKERS); ``--bind`` overrides.
"""

from ml_backend.config import load_settings
from ml_backend.runtime import configure_logging, configure_threads

_settings = load_settings()
configure_logging(_settings)
configure_threads(_settings)  # before torch is imported by the preloaded app

bind = f"{_settings.host}:{_settings.port}"
workers = max(1, _settings.workers)
worker_class = "gthread"
threads = 4
preload_app = True
wsgi_app = "ml_backend.server:gunicorn_app()"
# A prediction run of 100 tasks takes minutes on CPU; Label Studio itself gives up after
# ML_TIMEOUT_PREDICT (100 s by default). The model load in post_worker_init also counts here.
timeout = 300
graceful_timeout = 30
keepalive = 5
accesslog = "-"
errorlog = "-"
# Never log request headers: Authorization carries the basic-auth password / tokens.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


def post_worker_init(worker):
    """Load this worker's model (once per process) and start its registry watcher."""
    from ml_backend.server import state

    state(worker.wsgi).start(watch=True)
