"""The models one server process serves: the default, and each Label Studio project's own.

The registry keeps a pointer per project that promoted a model of its own
(``projects/<id>/current``) beside the default ``current``. A request names its project (Label
Studio sends it in /predict and /setup), and ``ProjectModels.holder(project)`` answers the
``ModelHolder`` following that project's pointer, or the default holder when the project has no
pointer (never promoted, or rolled back to the default) or no project was named.

Project holders are created on first use and loaded on demand (/predict waits for the load, as
its answer must come from the project's model; /setup starts it in the background and answers
with the version the pointer names). They are kept in least-recently-used order and at most
``capacity`` of them (``CARDLOOP_MAX_PROJECT_MODELS``) are held: the one used longest ago is
dropped first, so memory stays bounded however many projects a backend serves; a request already
running on a dropped model finishes with it, and the project's next request loads it again. One
watcher thread polls every held project pointer (a ``realpath`` each), like the default holder's
own watcher, so a project's promotion is served within ``CARDLOOP_MODEL_POLL_SECONDS``.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable

from ml_backend.registry import ModelRegistry
from ml_backend.serving.model_holder import ModelHolder

log = logging.getLogger(__name__)

#: Builds the holder of one project from its pointer (loader and callbacks bound by the caller).
HolderFactory = Callable[[int, Path], ModelHolder]


class ProjectModels:
    """The default ``ModelHolder`` and up to ``capacity`` project holders, least recently used dropped first."""

    def __init__(self, default: ModelHolder, registry_dir: str | Path, make_holder: HolderFactory, capacity: int,
                 poll_seconds: float = 5.0, on_drop: Callable[[int, bool], None] | None = None):
        if capacity < 1:
            raise ValueError(f"CARDLOOP_MAX_PROJECT_MODELS must be at least 1, got {capacity}")
        self.default = default
        self.registry = ModelRegistry(registry_dir)
        self.make_holder = make_holder
        self.capacity = capacity
        self.poll_seconds = poll_seconds
        self.on_drop = on_drop  # (project, evicted): dropped for room (True) or back on the default (False)
        self._holders: OrderedDict[int, ModelHolder] = OrderedDict()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    def holder(self, project: int | None) -> ModelHolder:
        """The holder serving ``project`` (None: the default); marks it most recently used.

        Whether the project has a pointer is read per call (one ``lstat``): a project's first
        promotion is served from its next request on, and a rollback to the default as well.
        """
        if project is None:
            return self.default
        pointer = self.registry.pointer(project)
        if not os.path.lexists(pointer):
            self._drop(project, "it follows the default model")
            return self.default
        evicted: list[tuple[int, ModelHolder]] = []
        with self._lock:
            holder = self._holders.get(project)
            if holder is not None:
                self._holders.move_to_end(project)
                return holder
            holder = self.make_holder(project, pointer)
            self._holders[project] = holder
            while len(self._holders) > self.capacity:
                evicted.append(self._holders.popitem(last=False))
        for old, _ in evicted:
            log.info("project %s: model dropped (the least recently used of more than %d project models, "
                     "CARDLOOP_MAX_PROJECT_MODELS)", old, self.capacity)
            if self.on_drop:
                self.on_drop(old, True)
        return holder

    def pointer_version(self, project: int | None) -> str | None:
        """The version ``project``'s pointer names (what its holder serves once loaded)."""
        served = self.registry.current(project) if project is not None else None
        return served[0] if served else None

    def held(self) -> dict[int, str | None]:
        """Project holders in least-recently-used order -> the version each has loaded (None: not yet)."""
        with self._lock:
            return {project: holder.version for project, holder in self._holders.items()}

    def _drop(self, project: int, why: str) -> None:
        with self._lock:
            dropped = self._holders.pop(project, None)
        if dropped is not None:
            log.info("project %s: own model dropped: %s", project, why)
            if self.on_drop:
                self.on_drop(project, False)

    # --- watching --------------------------------------------------------------------------

    def start_watching(self) -> None:
        """Poll the held projects' pointers every ``poll_seconds`` in one daemon thread (after any fork)."""
        if self._watcher is not None and self._watcher.is_alive():
            return
        self._stop.clear()
        self._watcher = threading.Thread(target=self._watch, name="project-model-watcher", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            self.refresh_all()

    def refresh_all(self) -> None:
        """Reload every held project model whose pointer moved (a loaded one only: the others load
        on their first request); a project whose pointer is gone goes back to the default."""
        with self._lock:
            holders = list(self._holders.items())
        for project, holder in holders:
            try:
                if not os.path.lexists(holder.model_dir):
                    self._drop(project, "it follows the default model")
                elif holder.loaded:
                    holder.refresh()
            except Exception:  # noqa: BLE001 -- the watcher must outlive a bad poll
                log.exception("project %s: model watcher poll failed", project)

    def stop_watching(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
            self._watcher = None
