"""Uncertainty measures: exact values on hand-made distributions and the card aggregation."""

import math

import pytest

from ml_backend.reading.confidence import card_confidence, card_uncertainty, word_uncertainty
from ml_backend.schema import FieldValue, TaggedWord, Word


def _word(probs):
    return TaggedWord(word=Word("x", (0, 0, 1, 1), 0), tag="O", probs=probs)


def test_word_measures_on_known_distributions():
    p = [0.7, 0.2, 0.1]
    assert word_uncertainty(p, "least_confidence") == pytest.approx(0.3)
    assert word_uncertainty(p, "margin") == pytest.approx(0.5)
    h = -(0.7 * math.log(0.7) + 0.2 * math.log(0.2) + 0.1 * math.log(0.1))
    assert word_uncertainty(p, "entropy") == pytest.approx(h / math.log(3))
    assert word_uncertainty([1.0, 0.0, 0.0], "entropy") == pytest.approx(0.0)
    with pytest.raises(ValueError, match="unknown uncertainty strategy"):
        word_uncertainty(p, "bogus")


def test_card_uses_the_most_uncertain_words():
    words = [_word([0.99, 0.01])] * 20 + [_word([0.4, 0.6]), _word([0.5, 0.5]), _word([0.7, 0.3])]
    # top-3 least-confidence: 0.5, 0.4, 0.3 -> mean 0.4; twenty easy words do not dilute it
    assert card_uncertainty(words) == pytest.approx(0.4)
    assert card_uncertainty([]) == 1.0


def test_invalid_value_caps_card_confidence():
    words = [_word([0.99, 0.01])]
    ok = FieldValue("email", "a@b.com", "a@b.com", 0.99)
    bad = FieldValue("email", "a@b", "a@b", 0.99, valid=False, reason="no domain")
    assert card_confidence(words, [ok]) == pytest.approx(0.99)
    assert card_confidence(words, [ok, bad]) == 0.5
