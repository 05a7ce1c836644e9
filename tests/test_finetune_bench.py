"""finetune-bench: truth values -> OCR words -> Label Studio regions -> the training job's examples,
and the k-fold run end to end on real cards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from active_learning.training.dataset import align
from active_learning.training.examples import example_from_lines
from active_learning.bench.finetune_bench import (
    align_card,
    align_value,
    annotation_result,
    bench_command,
    format_report,
    make_folds,
    saved_result,
)
from ml_backend.reading.layout.words import line_words
from ml_backend.studio.regions import regions_from_result
from ml_backend.schema import FIELDS, ID2TAG, OcrLine, OcrResult

REAL_CARDS = Path(__file__).resolve().parent.parent.parent / "shared" / "real-cards"
W, H = 1000, 600


def line(text: str, x0: float, y0: float, x1: float, y1: float) -> OcrLine:
    return OcrLine(text=text, box=[(x0, y0), (x1, y0), (x1, y1), (x0, y1)], confidence=0.9)


CARD = OcrResult(
    lines=[
        line("Jane D0e", 100, 40, 400, 90),  # OCR misread: 0 for o
        line("Head of Sales", 100, 100, 400, 140),
        line("Tel: +1 415 555 0100", 100, 300, 600, 340),
        line("12 Main Street", 100, 360, 500, 400),
        line("Springfield, IL 62701", 100, 410, 600, 450),
        line("Tel.:116909-6968", 600, 500, 900, 540),
        line("Fax: +1 415 555 0199", 100, 500, 500, 540),
    ],
    width=W, height=H,
)
RECORD = {"fields": {"full_name": "Jane Doe", "position": "Head of Sales", "company": None, "email": [],
                     "phone": ["+1 415 555 0100", "11 6909-6968"], "website": ["www.nowhere-printed.com"],
                     "address": "12 Main Street, Springfield, IL 62701"},
          "fax": ["+1 415 555 0199"]}  # a fax beside "fields", as hand-made truth files may keep it


def words_of(ocr: OcrResult) -> list:
    return [line_words(ln.text, ln.box, i) for i, ln in enumerate(ocr.lines)]


def test_a_value_after_a_printed_label_takes_only_its_own_words():
    found = align_value("phone", "+1 415 555 0100", words_of(CARD))
    assert found is not None and found.coverage == 1.0
    assert [(p.line, p.start, p.end, p.text) for p in found.pieces] == [(2, 1, 5, "+1 415 555 0100")]


def test_a_value_printed_on_two_lines_is_two_pieces_that_spell_it():
    found = align_value("address", "12 Main Street, Springfield, IL 62701", words_of(CARD))
    assert found is not None
    assert [(p.line, p.text) for p in found.pieces] == [(3, "12 Main Street"), (4, "Springfield, IL 62701")]


def test_a_misread_value_is_aligned_and_keeps_the_printed_text():
    found = align_value("full_name", "Jane Doe", words_of(CARD))
    assert found is not None and 0.6 <= found.coverage < 1.0
    assert [(p.line, p.start, p.end, p.text) for p in found.pieces] == [(0, 0, 2, "Jane Doe")]


def test_a_value_not_printed_and_words_already_taken_are_not_aligned():
    words = words_of(CARD)
    assert align_value("website", "www.nowhere-printed.com", words) is None
    used: set = set()
    assert align_value("position", "Head of Sales", words, used) is not None
    assert align_value("company", "Head of Sales", words, used) is None  # the words belong to the position


def test_align_card_finds_a_value_glued_to_its_label_and_reports_the_rest():
    aligned, missed = align_card(RECORD, CARD)
    assert missed == [("website", "www.nowhere-printed.com")]
    glued = next(a for a in aligned if a.value == "11 6909-6968")
    assert [(p.line, p.start, p.end, p.text) for p in glued.pieces] == [(5, 0, 1, "11 6909-6968")]
    assert sorted(a.field for a in aligned) == ["address", "fax", "full_name", "phone", "phone", "position"]


def test_the_annotation_goes_through_the_training_jobs_conversion_as_an_annotators_would():
    aligned, _ = align_card(RECORD, CARD)
    regions = regions_from_result(annotation_result(aligned, CARD, W, H))
    assert len(regions) == 7  # the address is two regions, one per printed line
    assert {r.field for r in regions} == {"full_name", "position", "phone", "fax", "address"}
    laid = align(CARD, regions, W, H)
    assert laid.corrected_regions == 2  # "Jane D0e" and the label glued to the second phone
    example = example_from_lines(laid.lines, laid.spans, W, H)
    tags = [(w, ID2TAG[t]) for w, t in zip(example["words"], example["tags"])]
    assert ("Jane", "B-FULL_NAME") in tags and ("Doe", "I-FULL_NAME") in tags  # the annotator's spelling
    assert ("Tel:", "O") in tags and ("+1", "B-PHONE") in tags and ("0100", "I-PHONE") in tags
    assert ("Street", "I-ADDRESS") in tags and ("Springfield,", "B-ADDRESS") in tags
    assert ("11", "B-PHONE") in tags and ("6909-6968", "I-PHONE") in tags
    assert not any(w == "Tel.:116909-6968" for w, _ in tags)
    assert ("Fax:", "O") in tags and ("0199", "I-PHONE") in tags  # a fax trains the phone tag, as in the job


def test_folds_are_disjoint_cover_every_card_and_are_fixed_by_the_seed():
    folds = make_folds(10, 4, seed=0)
    assert sorted(i for f in folds for i in f) == list(range(10))
    assert sorted(len(f) for f in folds) == [2, 2, 3, 3]
    assert folds == make_folds(10, 4, seed=0) and folds != make_folds(10, 4, seed=1)
    with pytest.raises(ValueError):
        make_folds(10, 1, seed=0)
    with pytest.raises(ValueError):
        make_folds(3, 4, seed=0)


def test_cli_without_a_truth_file_exits_2(tmp_path, capsys):
    from active_learning.__main__ import main

    assert main(["finetune-bench", "--folder", str(tmp_path)]) == 2
    assert "truth.jsonl" in capsys.readouterr().err


def test_the_saved_command_is_the_plain_one_a_user_runs_from_the_repository_root():
    assert bench_command("../shared/real-cards", 4, 0, name="real cards",
                         save="docs/results/finetune/10-real-cards.json") == (
        "python -m active_learning finetune-bench --folder ../shared/real-cards --k 4 --name 'real cards' "
        "--save docs/results/finetune/10-real-cards.json")
    assert bench_command("cards", 2, 3, model="m", epochs=2.0, limit=8, about="a set") == (
        "python -m active_learning finetune-bench --folder cards --k 2 --seed 3 --model m --epochs 2 --limit 8 "
        "--about 'a set'")


def test_a_saved_result_keeps_the_numbers_but_not_the_truth_values_or_the_model_path():
    report = {"folder": "../shared/real-cards", "cards": 1, "model": "/somewhere/models/v1", "model_version": "v1",
              "fields": {}, "micro": {"f1_before": 0.5, "f1_after": 0.6, "support": 2},
              "alignment": {"values": 2, "aligned": 1, "regions": 1, "corrected_regions": 0,
                            "cards": [{"image": "0000.jpg", "values": 2, "aligned": 1, "regions": 1,
                                       "corrected_regions": 0,
                                       "unaligned": [{"field": "email", "value": "jane@example.com"}]}]}}
    saved = saved_result(report, name="real cards", command="python -m active_learning finetune-bench")
    assert saved["kind"] == "finetune" and saved["name"] == "real cards" and saved["about"] == ""
    assert saved["command"] == "python -m active_learning finetune-bench" and "model" not in saved
    assert saved["micro"] == report["micro"] and saved["model_version"] == "v1"
    assert saved["alignment"]["cards"] == [{"image": "0000.jpg", "values": 2, "aligned": 1, "regions": 1,
                                            "corrected_regions": 0, "unaligned": 1}]
    assert "jane@example.com" not in json.dumps(saved)
    assert report["alignment"]["cards"][0]["unaligned"][0]["value"] == "jane@example.com"  # --out keeps it


@pytest.mark.slow
@pytest.mark.skipif(not (REAL_CARDS / "truth.jsonl").is_file(), reason=f"{REAL_CARDS} is not here")
def test_finetune_bench_on_four_real_cards(tiny_model_dir, tmp_path, capsys):
    from active_learning.__main__ import main

    out = tmp_path / "bench.json"
    code = main(["finetune-bench", "--folder", str(REAL_CARDS), "--limit", "4", "--k", "2", "--epochs", "1",
                 "--model", str(tiny_model_dir), "--ocr-cache", str(tmp_path / "ocr"), "--out", str(out),
                 "--save", str(tmp_path / "saved.json")])
    printed = capsys.readouterr().out
    assert code == 0
    report = json.loads(out.read_text())
    assert report["cards"] == 4 and len(report["folds"]) == 2
    assert 0 < report["alignment"]["aligned"] <= report["alignment"]["values"]
    cards = [c["image"] for c in report["alignment"]["cards"]]
    for fold in report["folds"]:  # before and after are measured on cards the fold never trained on
        assert fold["heldout_cards"] and not set(fold["heldout_cards"]) & set(fold["train_cards"])
        assert sorted(fold["heldout_cards"] + fold["train_cards"]) == sorted(cards)
        assert fold["train_examples"] == 2 and fold["replay_cards"] == 2 and fold["steps"] >= 1
    assert sorted(c for f in report["folds"] for c in f["heldout_cards"]) == sorted(cards)
    assert set(report["fields"]) == set(FIELDS)
    for row in [*report["fields"].values(), report["micro"]]:
        for key in ("f1_before", "f1_after"):
            assert row[key] is None or 0.0 <= row[key] <= 1.0
    assert report["micro"]["f1_before"] is not None and report["micro"]["support"] > 0
    table = printed.splitlines()
    for name in (*FIELDS, "micro"):
        assert any(row.split()[:1] == [name] for row in table), name
    assert f"{report['alignment']['aligned']} of {report['alignment']['values']}" in printed
    assert printed == format_report(report) + f"\nwrote {out} ({report['seconds']:.0f} s)\n"
    saved = json.loads((tmp_path / "saved.json").read_text())
    assert saved["kind"] == "finetune" and saved["name"] == "real-cards" and saved["fields"] == report["fields"]
    assert saved["command"].startswith(f"python -m active_learning finetune-bench --folder {REAL_CARDS} --k 2 ")
