"""Uncertainty of the classifier's decisions, per word and per card.

The task score Label Studio stores (and sorts the "Next batch" view by) is the card confidence
computed here, so /predict and the active-learning scoring job rank cards the same way.

Per word, from the softmax over BIO tags:
- ``least_confidence``: 1 - max p
- ``margin``: 1 - (p_best - p_second)
- ``entropy``: H(p) / log(#tags), normalised to 0..1
Per card: the mean uncertainty of its ``TOP_K`` most uncertain words. The mean over all words
would drown one doubtful e-mail among twenty easy words; the single worst word alone is noisy.
"""

from __future__ import annotations

import math
from typing import Sequence

from ml_backend.schema import FieldValue, TaggedWord

STRATEGIES = ("least_confidence", "margin", "entropy")
TOP_K = 3
#: A card with a value the validator could not confirm is never reported as confident.
INVALID_VALUE_CAP = 0.5


def word_uncertainty(probs: Sequence[float], strategy: str = "least_confidence") -> float:
    """Uncertainty in 0..1 of one word's tag distribution."""
    if not probs:
        return 1.0
    if strategy == "least_confidence":
        return 1.0 - max(probs)
    if strategy == "margin":
        best, second = sorted(probs, reverse=True)[:2] if len(probs) > 1 else (probs[0], 0.0)
        return 1.0 - (best - second)
    if strategy == "entropy":
        h = -sum(p * math.log(p) for p in probs if p > 0)
        return h / math.log(len(probs)) if len(probs) > 1 else 0.0
    raise ValueError(f"unknown uncertainty strategy {strategy!r}; use one of {', '.join(STRATEGIES)}")


def card_uncertainty(words: Sequence[TaggedWord], strategy: str = "least_confidence") -> float:
    """Mean uncertainty of the card's ``TOP_K`` most uncertain words (1.0 when nothing was read)."""
    if not words:
        return 1.0
    scores = sorted((word_uncertainty(w.probs, strategy) for w in words), reverse=True)
    top = scores[:TOP_K]
    return sum(top) / len(top)


def card_confidence(words: Sequence[TaggedWord], values: Sequence[FieldValue], strategy: str = "least_confidence") -> float:
    """Task-level score: 1 - card uncertainty, capped when a value failed validation."""
    confidence = 1.0 - card_uncertainty(words, strategy)
    if any(not v.valid for v in values):
        confidence = min(confidence, INVALID_VALUE_CAP)
    return round(confidence, 6)
