"""Progress of long work: bars on a terminal, log lines with the time left elsewhere."""

from __future__ import annotations

import logging
import time
from types import SimpleNamespace

import pytest

from ml_backend import progress
from ml_backend.progress import TrainerProgress, duration, eta_line, track


def test_durations_read_like_a_person_says_them():
    assert [duration(s) for s in (42, 210, 3900)] == ["42 s", "3.5 min", "1 h 05 min"]


def test_eta_line_has_share_elapsed_and_time_left():
    started = time.monotonic() - 60
    line = eta_line("train: step", 500, 2000, started, ", loss 0.412")
    assert line.startswith("train: step 500 of 2000 (25%), loss 0.412, 60 s so far, about 3.0 min left")
    assert "left" not in eta_line("train: step", 2000, 2000, started)


def test_track_logs_about_every_tenth_without_a_terminal(caplog: pytest.LogCaptureFixture, monkeypatch):
    monkeypatch.setattr(progress, "on_terminal", lambda: False)
    with caplog.at_level(logging.INFO):
        assert list(track(iter(range(25)), 25, "evaluate", "card")) == list(range(25))
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith("evaluate: card 2 of 25 (8%)") and lines[-1].startswith("evaluate: card 25 of 25 (100%)")
    assert len(lines) == 13 and all("so far" in line for line in lines)


def test_track_draws_a_bar_on_a_terminal(capsys: pytest.CaptureFixture, monkeypatch):
    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    assert sum(track(range(5), 5, "generate", "card")) == 10
    assert "generate: 100%" in capsys.readouterr().err


def test_trainer_progress_logs_loss_f1_and_time_left(caplog: pytest.LogCaptureFixture, monkeypatch):
    monkeypatch.setattr(progress, "on_terminal", lambda: False)
    cb = TrainerProgress("train")
    state = SimpleNamespace(global_step=0, max_steps=100)
    with caplog.at_level(logging.INFO):
        cb.on_train_begin(None, state, None)
        state.global_step = 50
        cb.on_step_end(None, state, None)
        cb.on_log(None, state, None, logs={"eval_f1": 0.8})  # an evaluation alone logs nothing
        cb.on_log(None, state, None, logs={"loss": 0.4321})
        cb.on_train_end(None, state, None)
    [line] = [r.getMessage() for r in caplog.records]
    assert line.startswith("train: step 50 of 100 (50%), loss 0.432, held-out f1 0.800, ")
    assert "left" in line


def test_trainer_progress_bar_follows_the_steps(capsys: pytest.CaptureFixture, monkeypatch):
    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    cb = TrainerProgress("train")
    state = SimpleNamespace(global_step=0, max_steps=10)
    cb.on_train_begin(None, state, None)
    for step in range(1, 11):
        state.global_step = step
        cb.on_step_end(None, state, None)
        cb.on_log(None, state, None, logs={"loss": 1.0 / step})
    assert cb.bar.n == 10
    cb.on_train_end(None, state, None)
    err = capsys.readouterr().err
    assert "train: 100%" in err and "10/10" in err and "loss=" in err
