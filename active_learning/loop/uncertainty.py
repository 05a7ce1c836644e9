"""Which cards to label next: per-card uncertainty and the least-confident selection.

The per-word measures (least confidence, margin, entropy) and their aggregation per card (mean
of the ``TOP_K`` most uncertain words) live in ``ml_backend.reading.confidence``, because /predict writes
the same number as the task score Label Studio sorts by. Why that aggregation: a card is as
doubtful as its doubtful *fields*, and a field is a few words; the mean over all words lets
twenty easy words drown one doubtful e-mail, the single worst word alone is noisy (one odd
token decides). This module applies it to what active learning has in hand -- a served
``Card`` or a raw probability matrix -- and picks the least confident cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from ml_backend.reading.confidence import STRATEGIES, card_uncertainty
from ml_backend.schema import ID2TAG, Card, TaggedWord, Word


@dataclass(frozen=True)
class ScoredTask:
    """A task with the served model's confidence in it (1 - uncertainty) and that model's version."""

    task_id: int
    confidence: float
    model_version: str


def check_strategy(strategy: str) -> str:
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown uncertainty strategy {strategy!r} (CARDLOOP_UNCERTAINTY): use one of {', '.join(STRATEGIES)}")
    return strategy


def card_scores(card: Card) -> dict[str, float]:
    """The card's uncertainty under every strategy (for logs and the learning-curve report)."""
    return {s: round(card_uncertainty(card.words, s), 6) for s in STRATEGIES}


def probs_uncertainty(word_probs: np.ndarray | Sequence[Sequence[float]], strategy: str) -> float:
    """Card uncertainty of a (words x tags) softmax matrix, aggregated exactly as for served cards."""
    words = [
        TaggedWord(word=Word(text="", bbox=(0, 0, 0, 0), line_index=0), tag=ID2TAG[int(np.argmax(row))],
                   probs=[float(p) for p in row])
        for row in word_probs
    ]
    return card_uncertainty(words, check_strategy(strategy))


def least_confident(scored: Iterable[ScoredTask], k: int) -> list[ScoredTask]:
    """The ``k`` least confident tasks, ties broken by task id (stable across runs)."""
    if k < 0:
        raise ValueError("k must be >= 0")
    return sorted(scored, key=lambda s: (s.confidence, s.task_id))[:k]


def most_uncertain(uncertainties: Sequence[float], k: int) -> list[int]:
    """Indices of the ``k`` largest uncertainties, ties by index (the simulation's selection)."""
    order = sorted(range(len(uncertainties)), key=lambda i: (-uncertainties[i], i))
    return order[:k]
