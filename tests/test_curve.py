"""The learning-curve benchmark, run small: both strategies, same seed set, report files written."""

from __future__ import annotations

import json

import pytest

from active_learning.__main__ import main
from active_learning.bench.curve import CurveConfig, combine_runs, draw_cards, format_table, labels_to_target, mean_rounds


def test_labels_to_target_is_the_first_round_reaching_it():
    rounds = [{"labels": 10, "f1": 0.2}, {"labels": 20, "f1": 0.5}, {"labels": 30, "f1": 0.45}]
    assert labels_to_target(rounds, 0.45) == 20
    assert labels_to_target(rounds, 0.9) is None


def _run(seed, full, uncertainty, random_):
    def rounds(f1s):
        return [{"labels": 50 * i, "novel_labels": 10 * i, "f1": f, "f1_novel": f / 2} for i, f in enumerate(f1s)]
    return {"seed": seed, "full_pool": {"labels": 1000, "f1": full}, "target_f1": full - 0.01,
            "strategies": {"uncertainty": {"rounds": rounds(uncertainty), "labels_to_target": None},
                           "random": {"rounds": rounds(random_), "labels_to_target": None}}}


def test_mean_rounds_average_each_measure_at_the_label_counts_all_runs_have():
    a = [{"labels": 0, "f1": 0.2}, {"labels": 50, "f1": 0.4}, {"labels": 100, "f1": 0.9}]
    b = [{"labels": 0, "f1": 0.4}, {"labels": 50, "f1": 0.6}]
    assert mean_rounds([a, b]) == [{"labels": 0, "f1": 0.3}, {"labels": 50, "f1": 0.5}]


def test_combined_runs_judge_by_the_mean_labels_each_strategy_needed():
    runs = [_run(0, 0.8, [0.5, 0.6, 0.8], [0.5, 0.55, 0.6]), _run(1, 0.7, [0.4, 0.7], [0.4, 0.5])]
    runs[0]["strategies"]["uncertainty"]["labels_to_target"] = 100
    runs[0]["strategies"]["random"]["labels_to_target"] = 400
    runs[1]["strategies"]["uncertainty"]["labels_to_target"] = 50
    # seed 1's random never reached its target: it counts the whole pool (a lower bound)
    report = combine_runs(runs)
    assert report["strategies"]["uncertainty"]["labels_to_target"] == 75
    assert report["strategies"]["random"]["labels_to_target"] == 700
    assert report["strategies"]["random"]["labels_to_target_per_seed"] == [400, None]
    assert report["label_ratio"] == round(75 / 700, 3)
    assert report["full_pool"]["f1"] == 0.75 and report["target_f1"] == 0.74
    assert report["strategies"]["uncertainty"]["rounds"] == [
        {"labels": 0, "novel_labels": 0.0, "f1": 0.45, "f1_novel": 0.225},
        {"labels": 50, "novel_labels": 10.0, "f1": 0.65, "f1_novel": 0.325}]
    assert "per seed [400, None]" in format_table(report)


def test_config_rejects_a_pool_too_small():
    with pytest.raises(ValueError):
        CurveConfig(pool=10, initial=10, k=5)


@pytest.mark.parametrize(
    "kwargs",
    [{"novel_share": 1.5}, {"novel_locales": ("xx_XX",)},
     {"novel_locales": ("en_US", "en_GB", "de_DE", "fr_FR", "ru_RU")}, {"base": 0}, {"replay": -1.0},
     {"epochs": 0.0}, {"steps": 0}],
)
def test_config_rejects_impossible_kinds_of_cards(kwargs):
    with pytest.raises(ValueError):
        CurveConfig(**kwargs)


def test_familiar_locales_are_the_evaluation_locales_that_are_not_novel():
    assert CurveConfig(novel_locales=("ru_RU",)).familiar_locales == ("en_US", "en_GB", "de_DE", "fr_FR")


def test_drawn_cards_hold_the_novel_share_in_novel_locales_only():
    cards = draw_cards(40, 5, ("en_US", "de_DE"), ("ru_RU",), 0.25)
    assert sum(c["novel"] for c in cards) == 10
    assert {c["locale"] for c in cards if c["novel"]} == {"ru_RU"}
    assert {c["locale"] for c in cards if not c["novel"]} <= {"en_US", "de_DE"}
    assert cards == draw_cards(40, 5, ("en_US", "de_DE"), ("ru_RU",), 0.25)  # deterministic
    assert not any(c["novel"] for c in draw_cards(10, 5, ("en_US",), (), 0.5))


@pytest.mark.slow
def test_small_curve_run_writes_json_and_png(tmp_path, capsys):
    out = tmp_path / "curve"
    code = main(["curve", "--out", str(out), "--pool", "60", "--k", "10", "--test", "20", "--base", "40",
                 "--base-steps", "20", "--epochs", "2", "--replay", "1", "--max-labels", "20", "--seed", "3"])
    assert code == 0
    report = json.loads((out / "learning_curve.json").read_text())
    assert (out / "learning_curve.png").stat().st_size > 1000
    for name in ("uncertainty", "random"):
        rounds = report["strategies"][name]["rounds"]
        assert [r["labels"] for r in rounds] == [0, 10, 20]
        assert all(0.0 <= r[key] <= 1.0 for r in rounds for key in ("f1", "f1_familiar", "f1_novel"))
        assert all(0 <= r["novel_labels"] <= r["labels"] for r in rounds)
    # round 0 is the base model itself, the same for both strategies
    assert report["strategies"]["uncertainty"]["rounds"][0] == report["strategies"]["random"]["rounds"][0]
    assert report["config"]["novel_locales"] == ["ru_RU"] and report["full_pool"]["labels"] == 60
    assert "labels to target" in capsys.readouterr().out
    assert "uncertainty" in format_table(report)


def test_cli_rejects_bad_arguments(capsys):
    assert main(["curve", "--out", "/tmp/x", "--pool", "5"]) == 2
    assert "error:" in capsys.readouterr().err
    assert main(["curve", "--out", "/tmp/x", "--repeats", "0"]) == 2
    assert "error:" in capsys.readouterr().err
