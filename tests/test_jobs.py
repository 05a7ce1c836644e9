"""Job-level rules that need no servers: champion/challenger promotion decisions."""

from __future__ import annotations

from active_learning.jobs import promotion_decision


def test_first_model_is_promoted_without_a_champion():
    assert promotion_decision({"f1": 0.1}, None, has_champion=False)[0] is True


def test_challenger_not_worse_is_promoted_worse_is_not():
    assert promotion_decision({"f1": 0.80}, {"f1": 0.80}, True) == (True, "held-out F1 0.8000 >= champion 0.8000")
    promote, reason = promotion_decision({"f1": 0.79}, {"f1": 0.80}, True)
    assert promote is False and "< champion" in reason


def test_no_heldout_cards_keeps_the_champion():
    promote, reason = promotion_decision(None, None, True)
    assert promote is False and "no held-out" in reason
