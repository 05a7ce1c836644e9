"""Progress of long work, where the person who started it is looking.

On a terminal (stderr is a TTY) long steps show a tqdm bar: items or optimiser steps done, rate,
time left, and the latest loss. Anywhere else (a worker's log, CI, docker logs) bars would fill
the log with redraws, so the same progress goes out as a log line now and then instead. Used by
the model bootstrap, ``evaluate`` and the learning-curve benchmark.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any, Iterable, Iterator, TypeVar

from transformers import TrainerCallback

T = TypeVar("T")

log = logging.getLogger(__name__)


def on_terminal() -> bool:
    """True when a person watches stderr (bars are drawn there)."""
    return sys.stderr.isatty()


def duration(seconds: float) -> str:
    """"42 s", "3.5 min", "1 h 05 min": short and readable in a log line."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours} h {rest // 60:02d} min"


def eta_line(what: str, done: int, total: int, started: float, extra: str = "") -> str:
    """"train: step 500 of 5250 (10%), loss 0.41, 3.1 min so far, about 28 min left"."""
    elapsed = time.monotonic() - started
    left = elapsed / done * (total - done) if done else None
    share = f" ({100 * done / total:.0f}%)" if total else ""
    tail = f", about {duration(left)} left" if left is not None and done < total else ""
    return f"{what} {done} of {total}{share}{extra}, {duration(elapsed)} so far{tail}"


def track(items: Iterable[T], total: int, what: str, unit: str, logger: logging.Logger | None = None,
          every: int | None = None) -> Iterator[T]:
    """Iterate ``items`` with a bar on a terminal, else a log line every ``every`` items
    (default: about every 10%) with the time left."""
    if on_terminal():
        from tqdm.auto import tqdm

        yield from tqdm(items, total=total, desc=what, unit=unit, dynamic_ncols=True)
        return
    logger = logger or log
    every = every or max(1, total // 10)
    started = time.monotonic()
    done = 0
    for item in items:
        yield item
        done += 1
        if done % every == 0 or done == total:
            logger.info("%s", eta_line(f"{what}: {unit}", done, total, started))


class TrainerProgress(TrainerCallback):
    """Optimiser steps of a HF ``Trainer`` run: a bar with the loss and time left on a terminal,
    a log line with the same at every logging step elsewhere."""

    def __init__(self, what: str = "train", logger: logging.Logger | None = None, leave: bool = True):
        self.what = what
        self.leave = leave  # keep the finished bar on screen (False: one run among many)
        self.logger = logger or log
        self.bar: Any = None
        self.started = time.monotonic()
        self.latest: dict[str, float] = {}

    def on_train_begin(self, args, state, control, **kwargs):  # noqa: D102 - TrainerCallback hook
        self.started = time.monotonic()
        if on_terminal():
            from tqdm.auto import tqdm

            self.bar = tqdm(total=state.max_steps, desc=self.what, unit="step", dynamic_ncols=True, leave=self.leave)

    def on_step_end(self, args, state, control, **kwargs):  # noqa: D102 - TrainerCallback hook
        if self.bar is not None:
            self.bar.update(state.global_step - self.bar.n)

    def on_log(self, args, state, control, logs=None, **kwargs):  # noqa: D102 - TrainerCallback hook
        for key in ("loss", "eval_f1"):
            if logs and key in logs:
                self.latest[key] = float(logs[key])
        if self.bar is not None:
            self.bar.set_postfix({k: f"{v:.3f}" for k, v in self.latest.items()}, refresh=False)
        elif logs and "loss" in logs:
            extra = "".join(f", {k.replace('eval_', 'held-out ')} {self.latest[k]:.3f}"
                            for k in ("loss", "eval_f1") if k in self.latest)
            self.logger.info("%s", eta_line(f"{self.what}: step", state.global_step, state.max_steps,
                                            self.started, extra))

    def on_train_end(self, args, state, control, **kwargs):  # noqa: D102 - TrainerCallback hook
        if self.bar is not None:
            self.bar.close()
            self.bar = None
