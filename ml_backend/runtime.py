"""Process-level runtime setup that must happen before torch or onnxruntime are imported.

On a 2-core machine two OpenMP threads per process collapse 10-40x as soon as another process
keeps the other core busy (measured: inference 6 ms -> 208 ms). Every entry point (CLI, gunicorn,
RQ worker) calls ``configure_threads`` first so each process uses the configured thread count
and passive waiting.
"""

from __future__ import annotations

import logging
import os

from ml_backend.config import Settings, load_settings


def configure_threads(settings: Settings | None = None) -> None:
    """Pin OpenMP/MKL threads (effective only before torch is imported) and torch's own pool."""
    settings = settings or load_settings()
    threads = str(max(1, settings.torch_threads))
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(var, threads)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch

    torch.set_num_threads(int(threads))


def configure_logging(settings: Settings | None = None) -> None:
    """One log format for services and jobs; level from CARDLOOP_LOG_LEVEL."""
    settings = settings or load_settings()
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
