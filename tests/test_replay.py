"""Rehearsal cards mixed into fine-tuning: how many, of which kind, and in the same columns."""

from __future__ import annotations

import pytest

from active_learning.training.examples import examples_dataset
from active_learning.training.replay import replay_examples, with_replay
from ml_backend.schema import TAG2ID


def _annotated(n: int):
    example = {"words": ["Anna", "Berg", "anna@berg.de"], "bboxes": [[10, 10, 80, 40], [90, 10, 160, 40],
               [10, 60, 200, 90]], "tags": [TAG2ID[t] for t in ("B-FULL_NAME", "I-FULL_NAME", "B-EMAIL")], "width": 1000, "height": 600}
    return examples_dataset([example] * n)


def test_replay_adds_ratio_times_the_annotated_cards_in_the_same_columns():
    train = _annotated(6)
    mixed, n = with_replay(train, 1.5, seed=3)
    assert n == 9 and len(mixed) == 15
    assert mixed.features == train.features
    assert mixed[:6] == train[:6]  # the annotations themselves are untouched
    for row in mixed.select(range(6, 15)):
        assert len(row["words"]) == len(row["bboxes"]) == len(row["tags"]) > 0
        assert set(row["tags"]) <= set(TAG2ID.values())
        assert all(0 <= v <= 1000 for box in row["bboxes"] for v in box)


def test_no_replay_leaves_the_dataset_as_it_is():
    train = _annotated(4)
    assert with_replay(train, 0.0, seed=1) == (train, 0)
    with pytest.raises(ValueError):
        with_replay(train, -1.0, seed=1)


def test_replay_cards_are_deterministic_per_seed_and_hold_fields():
    a, b, c = replay_examples(5, 7), replay_examples(5, 7), replay_examples(5, 8)
    assert a == b and a != c
    assert all(any(tag != TAG2ID["O"] for tag in ex["tags"]) for ex in a)
