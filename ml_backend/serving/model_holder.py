"""One pipeline a server process serves, swapped whole when the registry promotes a model.

A holder follows one pointer: the default (``settings.model_dir``) or, in ``project_models``,
one project's. The registry's pointer is a symlink that is switched atomically to
``versions/<version>``; watching it costs one ``realpath`` per poll. When the target changes the
new pipeline is loaded completely *beside* the old one (requests keep using the old), then a
single reference is replaced under a lock. A request takes the reference once and uses that
object to the end, so no request ever sees a half-loaded model and a batch is never split across
two versions. A failed load is logged and counted; the old model keeps serving and the failed
target is retried only when the pointer moves or ``retry_seconds`` have passed.

``refresh_in_background`` is for request handlers: Label Studio gives /setup 3 s, and loading
a model takes longer, so /setup starts the load in a thread and answers with the version served
now; the next /setup (or the watcher) sees the new one. A ``model_dir`` that is a plain folder,
not the registry's symlink, never moves: the holder says so once, as promotions will not be served.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Callable

from ml_backend.reading.multicard import Predictor

log = logging.getLogger(__name__)


#: Builds a predictor from a resolved model directory (e.g. ``models/versions/20260101-1``).
PipelineLoader = Callable[[str], Predictor]


class ModelUnavailable(RuntimeError):
    """No model is loaded (yet): the server answers 503 until one is."""


class ModelHolder:
    """Holds the served predictor and replaces it when ``model_dir`` points somewhere new."""

    def __init__(
        self, loader: PipelineLoader, model_dir: str | Path, poll_seconds: float = 5.0, retry_seconds: float = 60.0,
        on_swap: Callable[[str], None] | None = None, on_failure: Callable[[], None] | None = None,
    ):
        self.loader = loader
        self.model_dir = str(model_dir)
        self.poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        self.on_swap = on_swap
        self.on_failure = on_failure
        self._current: Predictor | None = None
        self._target: str | None = None  # resolved directory the current predictor was loaded from
        self._failed_target: str | None = None
        self._failed_at = 0.0
        self.last_error: str | None = None
        self._swap_lock = threading.Lock()  # guards the reference
        self._load_lock = threading.Lock()  # one load at a time (poller vs. explicit reload)
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._loader_thread: threading.Thread | None = None
        if not os.path.islink(self.model_dir):
            log.info("model dir %s is a plain folder, not a registry pointer: promotions will not be followed",
                     self.model_dir)

    # --- reading ---------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._current is not None

    def get(self) -> Predictor:
        """The predictor to use for one whole request."""
        with self._swap_lock:
            current = self._current
        if current is None:
            raise ModelUnavailable(self.last_error or "the model is still loading")
        return current

    @property
    def version(self) -> str | None:
        current = self._current
        return current.model_version if current is not None else None

    def target(self) -> str:
        """Where ``model_dir`` points now (one readlink chain; cheap enough to call per poll)."""
        return os.path.realpath(self.model_dir)

    # --- loading ---------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Load and swap in the model ``model_dir`` points to if it is new; True if swapped."""
        target = self.target()
        if not self._worth_loading(target):
            return False
        with self._load_lock:
            if not self._worth_loading(target):
                return False  # another thread loaded (or failed) it while we waited
            started = time.perf_counter()
            try:
                predictor = self.loader(target)
            except Exception as exc:  # noqa: BLE001 -- any load failure keeps the old model serving
                self._failed_target, self._failed_at = target, time.monotonic()
                self.last_error = f"cannot load model from {target}: {exc}"
                log.exception("model load failed, keeping %s", self.version or "no model")
                if self.on_failure:
                    self.on_failure()
                return False
            with self._swap_lock:
                previous = self._current
                self._current, self._target = predictor, target
            self._failed_target, self.last_error = None, None
        log.info("serving model %s from %s (loaded in %.1f s, was %s)", predictor.model_version, target,
                 time.perf_counter() - started, previous.model_version if previous else "none")
        if self.on_swap:
            self.on_swap(predictor.model_version)
        return True

    def refresh_in_background(self) -> bool:
        """Start loading the model ``model_dir`` points to in a thread if it is new; never blocks.

        Returns True when a load was started (or is already running).
        """
        if not self._worth_loading(self.target()):
            return False
        with self._swap_lock:
            if self._loader_thread is not None and self._loader_thread.is_alive():
                return True
            self._loader_thread = threading.Thread(target=self._refresh_logged, name="model-loader", daemon=True)
            self._loader_thread.start()
        return True

    def _refresh_logged(self) -> None:
        try:
            self.refresh()
        except Exception:  # noqa: BLE001 -- a background load must not die silently
            log.exception("background model load failed")

    def _worth_loading(self, target: str) -> bool:
        if target == self._target:
            return False
        if target == self._failed_target:
            return time.monotonic() - self._failed_at >= self.retry_seconds
        return True

    # --- watching --------------------------------------------------------------------------

    def start_watching(self) -> None:
        """Poll the pointer every ``poll_seconds`` in a daemon thread (call once per process,
        after any fork: threads do not survive one)."""
        if self._watcher is not None and self._watcher.is_alive():
            return
        self._stop.clear()
        self._watcher = threading.Thread(target=self._watch, name="model-watcher", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                self.refresh()
            except Exception:  # noqa: BLE001 -- the watcher must outlive a bad poll
                log.exception("model watcher poll failed")

    def stop_watching(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
            self._watcher = None
