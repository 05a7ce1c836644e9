"""docs/benchmarks.md and README's benchmark table are the rendering of the saved results under
docs/results/ (drift test: no model or OCR needed), and the renderer says what it should."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ml_backend.__main__ import main as cli
from active_learning.bench.benchmark import describe
from active_learning.bench.benchmark_doc import (
    README_END,
    README_START,
    ResultError,
    build,
    clean_fields_below_target,
    describe_model,
    errors_ratio,
    load_results,
    render_document,
    render_set,
    replace_readme_block,
    summary_table,
)
from active_learning.bench.evaluate import evaluate, format_table, report_from_dict
from ml_backend.schema import FIELDS, empty_fields

REPO = Path(__file__).resolve().parent.parent


def test_docs_benchmarks_and_readme_table_match_the_saved_results():
    changed = build(REPO / "docs" / "results", REPO / "docs" / "benchmarks.md", REPO / "README.md", check=True)
    assert not changed, "regenerate with: python -m ml_backend benchmarks"


def _card(**fields):
    out = empty_fields()
    out.update(fields)
    return out


def _result(name: str = "hand-made") -> dict:
    truths = [
        {"image": "a.png", "locale": "en_US", "photo": False,
         "fields": _card(full_name="John Smith", email=["john@acme.com"], phone=["(212) 555-0100"])},
        {"image": "b.png", "locale": "pt_BR", "condition": "photo", "alt": {"company": ["ACME IT"]},
         "fields": {k: v for k, v in _card(company="ACME IT Solutions", phone=["2294-9484"]).items() if k != "fax"},
         "fax": ["2131-3418"]},
    ]
    model = [_card(full_name="John Smith", email=["john@acme.com"], phone=["+1 212-555-0100"]),
             _card(company="ACME IT", fax=["2131-3418"])]
    baseline = [_card(email=["john@acme.com"]), _card()]
    result = {
        "format": 1, "cards": 2, "skipped": [], "model_version": "v0001-test", "ocr_engine": "ppocr", "code": "abc1234",
        "model_info": {"source": "bootstrap", "parent": None, "parameters": 1587855, "train_cards": 14000,
                       "heldout_cards": 600, "heldout_f1": 0.8867, "heldout_f1_as_generated": 0.9546,
                       "build_seconds": 1579.2},
        "model": evaluate(model, truths).to_dict(), "baseline": evaluate(baseline, truths).to_dict(),
        "latency_ms": {"ocr": {"p50": 500, "p95": 900, "cards": 2}, "end_to_end": {"p50": 550, "p95": 950, "cards": 2}},
        "machine": {"cpus": 2, "torch_threads": 1, "ocr_threads": 1}, "date": "2026-12-07",
    }
    return describe(result, name=name, truth="cards/truth.jsonl", about="Two hand-made cards.",
                    command="python -m ml_backend evaluate cards/truth.jsonl --save docs/results/x.json")


def test_alternatives_and_condition_are_scored():
    result = _result()
    model = result["model"]
    overall = model["overall"]
    # the company matched its accepted alternative; the photo card is split out by "condition"
    assert overall["fields"]["company"]["tp"] == 1 and overall["fields"]["company"]["fn"] == 0
    assert model["by_capture"]["photo"]["cards"] == 1 and model["by_capture"]["clean"]["cards"] == 1
    assert overall["fields"]["phone"]["fn"] == 1  # the Brazilian phone was missed
    assert overall["fields"]["fax"]["tp"] == 1  # a fax kept beside "fields" is truth too


def test_report_round_trips_through_its_dict():
    result = _result()
    report = report_from_dict(json.loads(json.dumps(result["model"])))
    assert report.to_dict() == result["model"]
    assert "micro" in format_table(report, report_from_dict(result["baseline"]))


def test_rendered_set_names_its_command_model_and_numbers():
    result = _result()
    text = render_set(result)
    assert text.startswith("## hand-made\n\nTwo hand-made cards.")
    assert "python -m ml_backend evaluate cards/truth.jsonl --save docs/results/x.json" in text
    assert "model `v0001-test`, OCR `ppocr`, code `abc1234`" in text and "2 CPU cores" in text
    micro = next(line for line in text.splitlines() if line.startswith("| **micro**"))
    # model: 5 TP, 0 FP, 1 FN -> P 100%, R 83.3%, F1 90.9%; baseline: 1 TP, 0 FP, 5 FN -> F1 28.6%
    assert "| 100.0% | 83.3% | 90.9% |" in micro and "28.6%" in micro
    assert "Clean cards only" in text and "| end_to_end | 550 | 950 |" in text
    assert errors_ratio(result) == pytest.approx((1 - 10 / 11) / (1 - 2 / 7))


def test_summary_lists_fields_below_target_on_clean_cards():
    result = _result()
    assert clean_fields_below_target(result) == []
    result["model"]["by_capture"]["clean"]["fields"]["email"].update(precision=0.9, recall=1.0)
    assert clean_fields_below_target(result) == ["email (P 90.0%, R 100.0%)"]
    del result["model"]["by_capture"]["clean"]
    table = summary_table([result])
    assert "no clean cards" in table and "| hand-made | 2 | `v0001-test` | 90.9% | 28.6% | 13% | 50.0% |" in table


def test_build_writes_checks_and_fills_the_readme_block(tmp_path: Path):
    results = tmp_path / "results"
    results.mkdir()
    (results / "10-set.json").write_text(json.dumps(_result("set A")))
    (results / "20-set.json").write_text(json.dumps(_result("set B")))
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n\n{README_START}\nold\n{README_END}\n\nrest\n")
    out = tmp_path / "docs" / "benchmarks.md"

    assert build(results, out, readme, check=True) == [out, readme]
    assert not out.exists()
    assert build(results, out, readme, check=False) == [out, readme]
    assert build(results, out, readme, check=True) == []
    doc = out.read_text()
    assert doc.index("## set A") < doc.index("## set B") and "## Summary" in doc
    # the model both sets measured is described once, from its metadata
    assert doc.count("- `v0001-test`: the default model, trained from scratch by `scripts/bootstrap_model.py` "
                     "(1.59 M parameters, 14,000 generated training cards); entity F1 0.887 on 600 held-out cards "
                     "as OCR reads them, 0.955 as generated; built in 26.3 min.") == 1
    assert doc == render_document(load_results(results))
    text = readme.read_text()
    assert text.startswith("intro\n\n") and text.endswith("\n\nrest\n") and "| set B | 2 |" in text

    assert cli(["benchmarks", "--results", str(results), "--out", str(out), "--readme", str(readme), "--check"]) == 0
    (results / "20-set.json").write_text(json.dumps(_result("set C")))
    assert cli(["benchmarks", "--results", str(results), "--out", str(out), "--readme", str(readme), "--check"]) == 1
    assert cli(["benchmarks", "--results", str(results), "--out", str(out), "--readme", str(readme)]) == 0
    assert "## set C" in out.read_text()


def test_models_without_metadata_are_still_named():
    assert describe_model("v9", {}) == "- `v9`: no metadata."
    assert describe_model("v2", {"parent": "v1", "heldout_f1": 0.9}) == (
        "- `v2`: fine-tuned from `v1`; entity F1 0.900 on held-out cards as OCR reads them.")


def test_bad_inputs_are_named(tmp_path: Path):
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(ResultError, match="broken.json"):
        load_results(tmp_path)
    (tmp_path / "broken.json").write_text('{"set": {}}')
    with pytest.raises(ResultError, match="no command"):
        load_results(tmp_path)
    with pytest.raises(ResultError, match="no .* block"):
        replace_readme_block("no markers here", [])
    assert cli(["benchmarks", "--results", str(tmp_path / "nowhere")]) == 2


def _card_result(name: str = "composed sheets") -> dict:
    return {"kind": "cards", "name": name, "command": "python -m active_learning.bench.cards_bench --n 2 --save x.json",
            "model_version": None, "code": "abc1234", "date": "2026-12-07", "images": 2, "present": 7, "found": 6,
            "detected": 7, "split": 0, "merged": 1, "extra": 1, "exact_images": 1, "found_rate": 6 / 7,
            "mean_best_iou": 0.9312, "seconds_per_image": 0.21,
            "by_cards": {"3": {"present": 3, "found": 3}, "4": {"present": 4, "found": 3}}}


def test_multi_card_results_render_as_their_own_section(tmp_path):
    results = tmp_path / "results"
    (results / "cards").mkdir(parents=True)
    (results / "cards" / "10-composed.json").write_text(json.dumps(_card_result()), encoding="utf-8")
    out = tmp_path / "benchmarks.md"
    assert build(results, out, None, check=False) == [out]
    text = out.read_text(encoding="utf-8")
    assert "## Several cards in one image" in text and "### composed sheets" in text
    assert "| composed sheets | 2 | 7 | 6 (85.7%) | 0 | 1 | 1 | 0.931 | 0.21 |" in text
    assert "Found by cards per image: 3: 3/3, 4: 3/4." in text
    assert build(results, out, None, check=True) == []


def test_a_multi_card_result_without_its_counts_is_refused(tmp_path):
    results = tmp_path / "results"
    (results / "cards").mkdir(parents=True)
    broken = {k: v for k, v in _card_result().items() if k != "split"}
    (results / "cards" / "bad.json").write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(ResultError, match="bad.json.*split"):
        build(results, tmp_path / "out.md", None, check=True)


def _finetune_result(name: str = "real cards") -> dict:
    """A saved fine-tuning result as ``finetune-bench --save`` writes it (two folds, hand-made numbers)."""
    fields = {f: {"support": 0, "f1_before": None, "f1_after": None} for f in FIELDS}
    fields["phone"] = {"support": 10, "f1_before": 0.8, "f1_after": 0.9}
    fields["company"] = {"support": 4, "f1_before": 0.5, "f1_after": 0.25}

    def overall(f1: float) -> dict:
        return {"micro": {"f1": f1, "support": 7}}

    return {
        "kind": "finetune", "name": name, "about": "Four hand-made cards.",
        "command": "python -m active_learning finetune-bench --folder ../shared/real-cards --k 2 "
                   "--save docs/results/finetune/10-real-cards.json",
        "folder": "../shared/real-cards", "cards": 4, "k": 2, "seed": 0, "model_version": "v0001-test",
        "model_info": {"source": "bootstrap", "parameters": 1587855}, "code": "abc1234", "ocr_engine": "ppocr",
        "training": {"epochs": 8.0, "replay_ratio": 1.0},
        "alignment": {"values": 15, "aligned": 14, "regions": 16, "corrected_regions": 3, "cards": []},
        "fields": fields, "micro": {"support": 14, "f1_before": 0.7, "f1_after": 0.75},
        "pooled": {"before": overall(0.71), "after": overall(0.74)},
        "tagger_entity_f1": {"before": 0.6, "after": 0.65},
        "folds": [{"heldout_cards": ["a.jpg", "b.jpg"], "replay_cards": 2, "train_seconds": 50.0,
                   "before": overall(0.6), "after": overall(0.7)},
                  {"heldout_cards": ["c.jpg", "d.jpg"], "replay_cards": 2, "train_seconds": 40.0,
                   "before": overall(0.8), "after": overall(0.8)}],
        "seconds": 150.0, "machine": {"cpus": 2, "torch_threads": 1, "ocr_threads": 1}, "date": "2026-12-08",
    }


def test_finetune_results_render_as_learning_from_real_annotations(tmp_path):
    results = tmp_path / "results"
    (results / "finetune").mkdir(parents=True)
    (results / "10-set.json").write_text(json.dumps(_result("set A")), encoding="utf-8")
    (results / "finetune" / "10-real-cards.json").write_text(json.dumps(_finetune_result()), encoding="utf-8")
    out = tmp_path / "benchmarks.md"
    assert build(results, out, None, check=False) == [out]
    text = out.read_text(encoding="utf-8")
    assert text.index("## set A") < text.index("## Learning from real annotations") < text.index("### real cards")
    assert "4 cards from `../shared/real-cards` in 2 folds of 2 held-out cards (seed 0)" in text
    assert "fine-tuned on the annotations of 2 cards per fold with 2 generated cards replayed" in text
    assert "8 epochs" in text and "in 2.5 min (1.5 min of it fine-tuning)" in text
    assert "```bash\npython -m active_learning finetune-bench --folder ../shared/real-cards --k 2 " in text
    assert "| phone | 10 | 80.0% | 90.0% | +10.0 |" in text and "| company | 4 | 50.0% | 25.0% | -25.0 |" in text
    assert "| fax | 0 | - | - | - |" in text and "| **micro** | 14 | 70.0% | 75.0% | +5.0 |" in text
    assert "Micro-F1 per fold, before -> after: 60.0% -> 70.0%, 80.0% -> 80.0%." in text
    assert "Micro-F1 rose in 1 of the 2 folds and fell in 0 (1 unchanged)." in text
    assert "about 7 values" in text and "4 cards are few" in text
    assert text.count("- `v0001-test`:") == 1  # the model is described once, for both sections
    assert build(results, out, None, check=True) == []


def test_a_finetune_result_without_its_table_is_refused(tmp_path):
    results = tmp_path / "results"
    (results / "finetune").mkdir(parents=True)
    broken = {k: v for k, v in _finetune_result().items() if k != "fields"}
    (results / "finetune" / "bad.json").write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(ResultError, match="bad.json.*fields"):
        build(results, tmp_path / "out.md", None, check=True)
    (results / "finetune" / "bad.json").write_text(json.dumps({**_finetune_result(), "kind": "cards"}))
    with pytest.raises(ResultError, match="bad.json.*kind finetune"):
        build(results, tmp_path / "out.md", None, check=True)
