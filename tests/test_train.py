"""Truth -> examples (labels, augmentation) and training/evaluation with the HF Trainer on a tiny model."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest
from transformers import TrainerCallback

from active_learning.training.examples import (
    Augmentation,
    TruthLine,
    augmented_dataset,
    augmented_example,
    example_from_lines,
    example_from_truth,
    examples_dataset,
    merge_row_neighbours,
    noisy_text,
    ocr_order,
    split_line,
    word_tags,
)
from active_learning.training.train import bio_entities, entity_scores, evaluate_model, train_model, train_processor
from ml_backend.reading.layout import LayoutTagger
from ml_backend.schema import ID2TAG, TAG2ID, OcrLine

NAMES = ["John Smith", "Anna Müller", "Иван Петров", "Marie Dupont", "Li Wei", "Olga Ivanova", "Hans Weber"]
ROLES = ["Sales Manager", "CEO", "Software Engineer", "Директор", "Chef de projet"]


def truth_record(i: int) -> dict:
    """A small generator-shaped truth record: name, role, company, a row with phone + e-mail."""
    r = random.Random(i)
    name, role = r.choice(NAMES), r.choice(ROLES)
    company = r.choice(["Acme GmbH", "Globex Ltd", "ООО Ромашка", "Initech SA"])
    email = f"{name.split()[0].lower()}{r.randrange(99)}@example.com"
    phone = f"+1 555 {r.randrange(1000, 9999)}"
    y = r.randrange(20, 60)
    return {
        "width": 640, "height": 360, "locale": "en",
        "lines": [
            {"text": name, "bbox": [40, y, 40 + 14 * len(name), y + 28], "spans": [[0, len(name), "full_name"]]},
            {"text": role, "bbox": [40, y + 40, 40 + 10 * len(role), y + 60], "spans": [[0, len(role), "position"]]},
            {"text": company, "bbox": [330, 300, 330 + 11 * len(company), 322], "field": "company"},
            {"text": "Tel: " + phone, "bbox": [40, 250, 250, 270], "spans": [[5, 5 + len(phone), "phone"]]},
            {"text": email, "quad": [[300, 250], [600, 250], [600, 270], [300, 270]], "spans": [[0, len(email), "EMAIL"]]},
            {"text": "Quality since 1990", "bbox": [40, 330, 260, 345], "spans": []},
        ],
    }


def _fields(example: dict) -> Counter:
    return Counter((w, ID2TAG[t][2:] if t else "O") for w, t in zip(example["words"], example["tags"]))


def test_example_from_truth_labels_words_from_spans():
    ex = example_from_truth(truth_record(1))
    tags = [ID2TAG[t] for t in ex["tags"]]
    words = ex["words"]
    assert len(words) == len(tags) == len(ex["bboxes"])
    assert tags[words.index("Tel:")] == "O"
    phone = words.index("+1")
    assert tags[phone:phone + 3] == ["B-PHONE", "I-PHONE", "I-PHONE"]
    assert tags[0:2] == ["B-FULL_NAME", "I-FULL_NAME"]
    assert tags[-3:] == ["O", "O", "O"]
    assert all(0 <= v <= 1000 for b in ex["bboxes"] for v in b)
    assert "B-COMPANY" in tags and "B-EMAIL" in tags  # 'field' fallback and label-style span names


def test_two_spans_of_one_field_on_a_line_are_two_entities():
    assert word_tags("+1 555 0100 / +1 555 0199", [(0, 11, "phone"), (14, 25, "phone")]) == [
        "B-PHONE", "I-PHONE", "I-PHONE", "O", "B-PHONE", "I-PHONE", "I-PHONE"]
    with pytest.raises(ValueError, match="unknown field"):
        word_tags("x", [(0, 1, "nickname")])


def test_example_from_lines_matches_inference_words():
    lines = [OcrLine("Tel: +1 555", [(0, 0), (110, 0), (110, 10), (0, 10)], 0.9)]
    ex = example_from_lines(lines, [[(5, 11, "phone")]], 220, 100)
    assert ex["words"] == ["Tel:", "+1", "555"]
    assert [ID2TAG[t] for t in ex["tags"]] == ["O", "B-PHONE", "I-PHONE"]
    assert ex["bboxes"][0] == [0, 0, 182, 100]  # chars 0..4 of 11 -> 0..40 px of 220 px
    with pytest.raises(ValueError):
        example_from_lines(lines, [], 220, 100)


def test_merge_and_split_keep_field_words():
    phone = TruthLine("Tel: +1 555", [(0, 0), (110, 0), (110, 10), (0, 10)], [(5, 11, "phone")])
    email = TruthLine("a@b.de", [(150, 1), (210, 1), (210, 11), (150, 11)], [(0, 6, "email")])
    below = TruthLine("Berlin", [(0, 40), (60, 40), (60, 50), (0, 50)], [(0, 6, "address")])
    merged = merge_row_neighbours([phone, email, below], random.Random(0), p=1.0)
    assert len(merged) == 2 and merged[1] is below
    line = merged[0]
    assert line.text.startswith("Tel: +1 555 ") and line.text.endswith("a@b.de")
    assert [line.text[s:e] for s, e, _ in line.spans] == ["+1 555", "a@b.de"]
    assert word_tags(line.text, line.spans) == ["O", "B-PHONE", "I-PHONE", "B-EMAIL"]
    left, right = split_line(TruthLine("Tel: +1 555", phone.quad, phone.spans), random.Random(3))
    assert f"{left.text} {right.text}" == "Tel: +1 555"
    assert left.quad[1][0] <= right.quad[0][0]
    assert all(s < e for ln in (left, right) for s, e, _ in ln.spans)


def test_char_noise_keeps_words_and_spans_aligned():
    line = TruthLine("Olga Ivanova olga@mail.com", [(0, 0), (260, 0), (260, 20), (0, 20)],
                     [(0, 12, "full_name"), (13, 26, "email")])
    noisy = noisy_text(line, random.Random(5), p=0.5)
    assert noisy.text != line.text
    assert len(noisy.text.split()) == 3
    assert word_tags(noisy.text, noisy.spans) == ["B-FULL_NAME", "I-FULL_NAME", "B-EMAIL"]


def test_ocr_order_is_top_to_bottom_then_left_to_right():
    def at(text, x, y):
        return TruthLine(text, [(x, y), (x + 50, y), (x + 50, y + 20), (x, y + 20)])
    lines = [at("c", 0, 100), at("b", 300, 12), at("a", 0, 15)]
    assert [ln.text for ln in ocr_order(lines)] == ["a", "b", "c"]


def test_augmented_examples_are_valid_and_vary():
    rec = truth_record(2)
    clean = _fields(example_from_truth(rec))
    geometry_only = Augmentation(char_noise=0, drop_line=0, split_line=0, photo=1.0)
    seen = set()
    for seed in range(20):
        ex = augmented_example(rec, random.Random(seed), geometry_only)
        assert len(ex["words"]) == len(ex["tags"]) == len(ex["bboxes"])
        assert all(0 <= v <= 1000 for b in ex["bboxes"] for v in b)
        assert all(b[0] <= b[2] and b[1] <= b[3] for b in ex["bboxes"])
        assert _fields(ex) == clean  # merges, tilt, jitter, order never change what a word is
        seen.add(tuple(map(tuple, ex["bboxes"])))
    assert len(seen) == 20
    ds = augmented_dataset([rec], seed=0)
    first, second = ds[0], ds[0]
    assert first["bboxes"] != second["bboxes"]  # a fresh view on every read


def test_entity_scores_are_seqeval_style():
    assert bio_entities(["B-EMAIL", "I-EMAIL", "O", "I-PHONE", "B-PHONE"]) == {
        ("EMAIL", 0, 1), ("PHONE", 3, 3), ("PHONE", 4, 4)}
    gold = [["B-EMAIL", "I-EMAIL", "O", "B-PHONE"]]
    pred = [["B-EMAIL", "O", "O", "B-PHONE"]]  # email span wrong, phone right
    s = entity_scores(gold, pred)
    assert (s["precision"], s["recall"], s["f1"]) == (0.5, 0.5, 0.5)
    assert s["word_accuracy"] == 0.75 and s["per_field_f1"] == {"email": 0.0, "phone": 1.0}
    assert entity_scores(gold, gold)["f1"] == 1.0


class _Steps(TrainerCallback):
    def __init__(self):
        self.logs = []

    def on_log(self, args, state, control, logs=None, **kwargs):
        self.logs.append(dict(logs or {}))


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    records = [truth_record(i) for i in range(240)]
    processor = train_processor([ln["text"] for r in records for ln in r["lines"]], vocab_size=400)
    train = augmented_dataset(records[:200], seed=0)
    held_out = examples_dataset([example_from_truth(r) for r in records[200:]])
    out = tmp_path_factory.mktemp("model")
    steps = _Steps()
    result = train_model(train, held_out, output_dir=out, processor=processor, size="tiny", epochs=6,
                         batch_size=16, lr=3e-3, logging_steps=5, callbacks=[steps])
    return result, held_out, steps


def test_tiny_model_learns(trained):
    result, held_out, steps = trained
    losses = [h["loss"] for h in result.history if "loss" in h]
    assert losses[-1] < 0.6 * losses[0]
    assert result.metrics["f1"] > 0.6
    assert any("loss" in log for log in steps.logs)  # the caller's callback saw progress
    assert result.metadata["data"] == {"train_examples": 200, "eval_examples": 40}


def test_model_dir_round_trips(trained):
    result, held_out, _ = trained
    files = {p.name for p in result.model_dir.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "processor_config.json", "metadata.json"} <= files
    tagger = LayoutTagger.from_pretrained(result.model_dir)
    assert tagger.processor.tokenizer.model_max_length == 512
    again = evaluate_model(tagger, held_out)
    assert again["f1"] == result.metrics["f1"]  # the saved model is the evaluated one
    meta = json.loads((result.model_dir / "metadata.json").read_text())
    assert meta["metrics"]["f1"] == result.metrics["f1"] and meta["parent"] is None


def test_fine_tuning_starts_from_a_model_dir(trained, tmp_path):
    result, held_out, _ = trained
    out = tmp_path / "tuned"
    tuned = train_model(examples_dataset(list(held_out)), None, output_dir=out, init_from=str(result.model_dir),
                        epochs=1, batch_size=8, metadata={"source": "test"})
    assert tuned.metadata["parent"] == str(result.model_dir)  # no registry version: the dir it came from
    assert tuned.metadata["source"] == "test" and tuned.metadata["training"]["lr"] == 1e-4
    assert LayoutTagger.from_pretrained(out).word_probs(["x"], [[0, 0, 10, 10]]).shape == (1, len(TAG2ID))


def test_visual_embedding_models_get_pixels(tmp_path):
    """The optional image path: a model with visual embeddings trains on and tags with card images."""
    from PIL import Image

    records = [truth_record(i) for i in range(8)]
    examples = []
    for i, r in enumerate(records):
        ex = example_from_truth(r)
        ex["image"] = Image.new("RGB", (r["width"], r["height"]), (i * 20, 255 - i * 20, 128))
        examples.append(ex)
    processor = train_processor([ln["text"] for r in records for ln in r["lines"]], vocab_size=300)
    result = train_model(examples, None, output_dir=tmp_path, processor=processor, size="tiny",
                         config_overrides={"visual_embed": True}, epochs=1, batch_size=4)
    tagger = LayoutTagger.from_pretrained(result.model_dir)
    assert tagger.uses_image
    with pytest.raises(ValueError, match="pass the card image"):
        tagger.word_probs(examples[0]["words"], examples[0]["bboxes"])
    probs = tagger.word_probs(examples[0]["words"], examples[0]["bboxes"], examples[0]["image"])
    assert probs.shape == (len(examples[0]["words"]), len(TAG2ID))


def test_bootstrap_cli_if_missing_and_bad_arguments(tiny_model_dir, capsys):
    """The tiny model came from scripts/bootstrap_model.py; --if-missing leaves a served registry alone."""
    from ml_backend.registry import ModelRegistry
    from scripts.bootstrap_model import main

    root = tiny_model_dir.parent.parent
    before = [m["version"] for m in ModelRegistry(root).versions()]
    meta = json.loads((tiny_model_dir / "metadata.json").read_text())
    assert meta["source"] == "bootstrap" and meta["heldout"]["ocr_like"]["cards"] == meta["data"]["eval_cards"]
    assert set(meta["heldout"]["ocr_like_by_locale"]) >= {"en_US", "ru_RU"}
    assert main(["--if-missing", "--registry", str(root)]) == 0
    assert [m["version"] for m in ModelRegistry(root).versions()] == before
    assert main(["--tiny", "--holdout", "colour=red", "--registry", str(root)]) == 2
    assert "--holdout must be" in capsys.readouterr().err


def test_cards_without_words_do_not_break_training(tmp_path):
    records = [truth_record(i) for i in range(6)]
    examples = [example_from_truth(r) for r in records]
    examples.append({"words": [], "bboxes": [], "tags": [], "width": 640, "height": 360})
    processor = train_processor([ln["text"] for r in records for ln in r["lines"]], vocab_size=300)
    result = train_model(examples, examples, output_dir=tmp_path, processor=processor, size="tiny", epochs=1,
                         batch_size=7)
    assert result.metrics["cards"] == 7 and result.metadata["training"]["steps"] == 1
