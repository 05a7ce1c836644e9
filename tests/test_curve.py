"""The learning-curve benchmark, run small: both strategies, same seed set, report files written."""

from __future__ import annotations

import json

import pytest

from active_learning.__main__ import main
from active_learning.curve import CurveConfig, format_table, labels_to_target


def test_labels_to_target_is_the_first_round_reaching_it():
    rounds = [{"labels": 10, "f1": 0.2}, {"labels": 20, "f1": 0.5}, {"labels": 30, "f1": 0.45}]
    assert labels_to_target(rounds, 0.45) == 20
    assert labels_to_target(rounds, 0.9) is None


def test_config_rejects_a_pool_too_small():
    with pytest.raises(ValueError):
        CurveConfig(pool=10, initial=10, k=5)


@pytest.mark.slow
def test_small_curve_run_writes_json_and_png(tmp_path, capsys):
    out = tmp_path / "curve"
    code = main(["curve", "--out", str(out), "--pool", "60", "--k", "10", "--initial", "10", "--test", "20",
                 "--steps", "8", "--max-labels", "20", "--seed", "3"])
    assert code == 0
    report = json.loads((out / "learning_curve.json").read_text())
    assert (out / "learning_curve.png").stat().st_size > 1000
    for name in ("uncertainty", "random"):
        rounds = report["strategies"][name]["rounds"]
        assert rounds[0]["labels"] == 10 and all(0.0 <= r["f1"] <= 1.0 for r in rounds)
    # same initial set and training budget: the first round is the same model for both
    assert report["strategies"]["uncertainty"]["rounds"][0] == report["strategies"]["random"]["rounds"][0]
    assert "labels to target" in capsys.readouterr().out
    assert "uncertainty" in format_table(report)


def test_cli_rejects_bad_arguments(capsys):
    assert main(["curve", "--out", "/tmp/x", "--pool", "5"]) == 2
    assert "error:" in capsys.readouterr().err
