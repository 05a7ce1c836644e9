"""Rehearsal: generated cards mixed into every fine-tuning, so the model keeps what it knew.

A fine-tuning run sees only the project's annotated cards, for several epochs. With a few dozen
of them -- and active learning makes sure they are the odd ones, a new market's locale first --
the model drifts towards them and forgets the rest (catastrophic forgetting). Measured in the
learning-curve benchmark (``active_learning.bench.curve``): fine-tuning the base model on 50 labelled
cards, 41 of them in a locale it had never seen, *lowered* F1 on the whole test set from 0.740
to 0.693 (seed 0, pool and test set 10% novel-locale cards). Replaying generated cards of the kinds the default model was built on (the card
generator, all its locales, fresh OCR-like views) beside the annotations keeps that knowledge
while the annotations teach the new cases. Annotated cards still win where they disagree with
the generator's conventions: each is seen as often as it would be without replay.
"""

from __future__ import annotations

import random
from typing import Any

from active_learning.training.examples import augmented_example, examples_dataset
from active_learning.synth import card_rng, generate_layout


def replay_examples(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` generated cards as OCR-like training examples, upright (serving hands the tagger lines
    already turned upright), deterministic for a seed."""
    views = random.Random(f"replay-views:{seed}")
    return [augmented_example(generate_layout(card_rng(seed, i), rotation=0), views) for i in range(n)]


def with_replay(train: Any, ratio: float, seed: int) -> tuple[Any, int]:
    """``train`` (a ``datasets.Dataset`` of annotated examples) plus ``round(ratio * len(train))``
    generated ones, shuffled in by the Trainer; (dataset, number of generated cards)."""
    if ratio < 0:
        raise ValueError("the replay ratio must not be negative")
    n = round(ratio * len(train))
    if n == 0:
        return train, 0
    from datasets import concatenate_datasets

    replay = examples_dataset(replay_examples(n, seed)).cast(train.features)
    return concatenate_datasets([train, replay]), n
