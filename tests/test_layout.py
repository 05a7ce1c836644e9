"""ml_backend.reading.layout: word boxes, windows for long cards, BIO decoding and the LayoutLMv3 tagger."""

from __future__ import annotations

import json
import random
import shutil

import numpy as np
import pytest

from ml_backend.reading.layout import (
    LabelSetMismatch,
    LayoutTagger,
    bio_viterbi,
    encode_windows,
    normalize_box,
    words_from_lines,
)
from ml_backend.reading.layout.encoding import home_window, plan_windows
from ml_backend.reading.layout.words import word_char_spans
from ml_backend.schema import BIO_TAGS, TAG2ID, OcrLine, Word


def _line(text, x0, y0, x1, y1, conf=0.9):
    return OcrLine(text=text, box=[(x0, y0), (x1, y0), (x1, y1), (x0, y1)], confidence=conf)


def test_words_split_line_box_by_character_offsets():
    words = words_from_lines([_line("ab cdef", 100, 10, 170, 30), _line("x", 0, 50, 10, 60, conf=0.5)])
    assert [w.text for w in words] == ["ab", "cdef", "x"]
    assert [w.line_index for w in words] == [0, 0, 1]
    assert words[0].bbox == pytest.approx((100, 10, 120, 30))  # chars 0..2 of 7 -> 0..20 px of 70
    assert words[1].bbox == pytest.approx((130, 10, 170, 30))  # chars 3..7
    assert words[2].confidence == 0.5


def test_words_follow_tilted_quads():
    # a line rising 20 px over its 100 px length: the second half's box sits higher
    line = OcrLine("left right", [(0, 20), (100, 0), (100, 10), (0, 30)], 1.0)
    left, right = words_from_lines([line])
    assert left.bbox[1] > right.bbox[1]
    assert left.bbox[0] == pytest.approx(0) and right.bbox[2] == pytest.approx(100)


def test_whitespace_only_line_has_no_words():
    assert words_from_lines([_line("   ", 0, 0, 10, 10)]) == []


def test_normalize_box_scales_clamps_and_rejects_bad_sizes():
    assert normalize_box((50, 25, 100, 50), 200, 100) == [250, 250, 500, 500]
    assert normalize_box((-5, -5, 300, 120), 200, 100) == [0, 0, 1000, 1000]
    with pytest.raises(ValueError):
        normalize_box((0, 0, 1, 1), 0, 10)


def test_plan_windows_cover_every_word_with_overlap():
    counts = [3] * 100
    ranges = plan_windows(counts, budget=30, stride=9)
    assert ranges[0] == (0, 10) and ranges[-1][1] == 100
    assert all(sum(counts[s:e]) <= 30 for s, e in ranges)
    assert all(b[0] < a[1] for a, b in zip(ranges, ranges[1:]))  # consecutive windows overlap
    assert plan_windows([50, 2], budget=30, stride=9) == [(0, 1), (1, 2)]  # a giant word stands alone


def test_bio_viterbi_repairs_invalid_sequences_only():
    n = len(BIO_TAGS)

    def onehot(*tags, p=0.9):
        probs = np.full((len(tags), n), (1 - p) / (n - 1))
        for i, t in enumerate(tags):
            probs[i, TAG2ID[t]] = p
        return probs

    valid = ["B-EMAIL", "I-EMAIL", "O", "B-PHONE"]
    assert [BIO_TAGS[i] for i in bio_viterbi(onehot(*valid))] == valid
    # "I-PHONE" after "O" is invalid: the cheapest valid repair turns the first one into "B-PHONE"
    fixed = [BIO_TAGS[i] for i in bio_viterbi(onehot("O", "I-PHONE", "I-PHONE"))]
    assert fixed == ["O", "B-PHONE", "I-PHONE"]
    assert [BIO_TAGS[i] for i in bio_viterbi(onehot("I-EMAIL"))] != ["I-EMAIL"]  # never starts inside
    assert bio_viterbi(np.zeros((0, n))) == []


# --- the tagger on a real (tiny) model -------------------------------------------------------


@pytest.fixture(scope="module")
def tagger(tiny_model_dir):
    return LayoutTagger.from_pretrained(tiny_model_dir)


def _card_words():
    lines = [
        _line("Anna Schmidt", 40, 30, 300, 60),
        _line("Head of Sales", 40, 70, 260, 92),
        _line("Tel: +49 30 1234567", 40, 300, 330, 320),
        _line("anna.schmidt@beispiel.de", 360, 300, 620, 320),
    ]
    return words_from_lines(lines)


def test_tagger_outputs_one_distribution_per_word(tagger):
    words = _card_words()
    tagged = tagger.tag(words, 640, 360)
    assert [t.word for t in tagged] == words
    for t in tagged:
        assert len(t.probs) == len(BIO_TAGS)
        assert sum(t.probs) == pytest.approx(1.0, abs=1e-4)
        assert t.tag in BIO_TAGS and 0 < t.probability <= 1
    tags = [t.tag for t in tagged]
    for prev, cur in zip(["O"] + tags, tags):  # BIO-consistent
        if cur.startswith("I-"):
            assert prev[2:] == cur[2:]
    assert tagger.tag([], 640, 360) == []


def test_tagger_metadata_version_and_no_image_needed(tagger, tiny_model_dir):
    meta = json.loads((tiny_model_dir / "metadata.json").read_text())
    assert tagger.version == meta["version"]
    assert tagger.uses_image is False


def test_long_card_is_tagged_in_windows(tagger):
    rng = random.Random(0)
    words = [
        Word(text=f"w{rng.randrange(10**6)}@x{i}.com", bbox=(10 + i % 20 * 30, 10 + i // 20 * 12, 35 + i % 20 * 30, 20 + i // 20 * 12),
             line_index=i // 20)
        for i in range(400)
    ]
    windows = encode_windows(tagger.processor.tokenizer, [w.text for w in words],
                             [normalize_box(w.bbox, 640, 640) for w in words])
    assert len(windows) > 1 and all(len(w.input_ids) <= 512 for w in windows)
    assert set(home_window(windows, len(words))) == set(range(len(windows)))
    tagged = tagger.tag(words, 640, 640)
    assert len(tagged) == 400
    assert all(sum(t.probs) == pytest.approx(1.0, abs=1e-4) for t in tagged)


def test_label_set_mismatch_is_a_clear_error(tiny_model_dir, tmp_path):
    other = tmp_path / "other-labels"
    shutil.copytree(tiny_model_dir, other)
    config = json.loads((other / "config.json").read_text())
    config["id2label"] = {str(i): f"L{i}" for i in range(len(BIO_TAGS))}
    config["label2id"] = {f"L{i}": i for i in range(len(BIO_TAGS))}
    (other / "config.json").write_text(json.dumps(config))
    with pytest.raises(LabelSetMismatch, match="B-EMAIL"):
        LayoutTagger.from_pretrained(other)


def test_missing_model_dir_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a model directory"):
        LayoutTagger.from_pretrained(tmp_path)


def test_separators_are_words_of_their_own_even_without_spaces():
    text = "Sales manager|Acme  Inc · www.acme.com"
    assert [text[s:e] for s, e in word_char_spans(text)] == [
        "Sales", "manager", "|", "Acme", "Inc", "·", "www.acme.com"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("M+4917949357543", ["M", "+4917949357543"]),
        ("TEL:+33460950925", ["TEL:", "+33460950925"]),
        ("Mail:ivan@x.de", ["Mail:", "ivan@x.de"]),
        ("https://x.de 9:00-18:00", ["https://x.de", "9:00-18:00"]),  # not labels
        ("+7 (912) 345", ["+7", "(912)", "345"]),
    ],
)
def test_labels_glued_to_their_values_are_words_of_their_own(text, words):
    assert [text[s:e] for s, e in word_char_spans(text)] == words
