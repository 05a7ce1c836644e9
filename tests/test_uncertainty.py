"""Selecting the least confident cards, with the aggregation the served model uses."""

from __future__ import annotations

import numpy as np
import pytest

from active_learning.loop.uncertainty import (
    ScoredTask, card_scores, check_strategy, least_confident, most_uncertain, probs_uncertainty,
)
from ml_backend.reading.confidence import TOP_K, card_uncertainty
from ml_backend.schema import BIO_TAGS, Card, OcrResult, TaggedWord, Word

N = len(BIO_TAGS)


def row(p_best: float, second: float = 0.0) -> list[float]:
    rest = (1.0 - p_best - second) / (N - 2)
    return [p_best, second] + [rest] * (N - 2)


def test_probs_uncertainty_matches_served_card_aggregation():
    probs = np.array([row(0.99), row(0.6, 0.3), row(0.95), row(0.4, 0.35), row(0.98)])
    words = [TaggedWord(Word("w", (0, 0, 1, 1), 0), "O", list(r)) for r in probs]
    for strategy in ("least_confidence", "margin", "entropy"):
        assert probs_uncertainty(probs, strategy) == pytest.approx(card_uncertainty(words, strategy))
    # mean of the TOP_K most uncertain words under least confidence
    expected = np.mean(sorted(1 - probs.max(axis=1), reverse=True)[:TOP_K])
    assert probs_uncertainty(probs, "least_confidence") == pytest.approx(expected)


def test_one_doubtful_word_is_not_drowned_by_many_easy_ones():
    easy = [row(0.99)] * 30
    doubtful = easy + [row(0.4, 0.35)]
    assert probs_uncertainty(np.array(doubtful), "least_confidence") > 5 * probs_uncertainty(np.array(easy), "least_confidence")


def test_margin_separates_close_calls_least_confidence_treats_alike():
    close = np.array([row(0.45, 0.44)])
    clear = np.array([row(0.45, 0.05)])
    assert probs_uncertainty(close, "least_confidence") == pytest.approx(probs_uncertainty(clear, "least_confidence"))
    assert probs_uncertainty(close, "margin") > probs_uncertainty(clear, "margin")


def test_card_scores_reports_every_strategy():
    card = Card(values=[], confidence=0.5, ocr=OcrResult([], 10, 10),
                words=[TaggedWord(Word("a", (0, 0, 1, 1), 0), "O", row(0.7, 0.2))])
    scores = card_scores(card)
    assert set(scores) == {"least_confidence", "margin", "entropy"}
    assert scores["least_confidence"] == pytest.approx(0.3)


def test_least_confident_orders_ascending_with_stable_ties():
    scored = [ScoredTask(5, 0.9, "v"), ScoredTask(2, 0.1, "v"), ScoredTask(1, 0.1, "v"), ScoredTask(9, 0.5, "v")]
    assert [s.task_id for s in least_confident(scored, 3)] == [1, 2, 9]
    assert least_confident(scored, 0) == []
    with pytest.raises(ValueError):
        least_confident(scored, -1)


def test_most_uncertain_and_bad_strategy():
    assert most_uncertain([0.1, 0.9, 0.5, 0.9], 3) == [1, 3, 2]
    with pytest.raises(ValueError, match="unknown uncertainty strategy"):
        check_strategy("variance")
