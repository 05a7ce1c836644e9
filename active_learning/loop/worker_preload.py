"""RQ settings module of the cardloop workers: ``rq worker -c active_learning.loop.worker_preload ...``.

RQ forks a fresh work horse for every job, and a job pays for every import it makes: a CRM
export spent ~4 s of its ~5 s importing the validator and the Label Studio SDK, and a backlog of
exports queued behind one another added that up. RQ imports this module in the worker process
before it forks, so each horse starts with the job modules (and, on the train queue, torch and
transformers, which the scoring job on the light queue needs as well) already loaded.

It also sets the workers' logging once: the jobs' own INFO lines (promotions, exports) go to the
worker log with a timestamp; Hugging Face progress bars and per-request ``httpx`` lines (the SDK
pager's ``page=2 ... 404`` that ends every listing) do not. It defines no UPPERCASE names, so RQ
takes none of its own settings from here: queues and the Redis URL stay on the command line.
"""

from __future__ import annotations

import logging
import sys

from ml_backend.config import load_settings

logging.basicConfig(level=load_settings().log_level.upper(), stream=sys.stderr,
                    format="%(asctime)s %(levelname)s %(name)s: %(message)s")
logging.getLogger("httpx").setLevel(logging.WARNING)

import datasets  # noqa: E402
import transformers  # noqa: E402

import active_learning.loop.batch  # noqa: E402,F401 -- the scoring job (the served pipeline: torch too)
import active_learning.crm.job  # noqa: E402,F401 -- the CRM export jobs
import active_learning.loop.jobs  # noqa: E402,F401 -- training and scoring
import active_learning.training.train  # noqa: E402,F401 -- the Trainer
import ml_backend.reading.pipeline  # noqa: E402,F401 -- OCR and LayoutLMv3, as serving runs them

datasets.disable_progress_bars()
transformers.utils.logging.disable_progress_bar()
