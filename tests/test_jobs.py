"""Job-level rules that need no servers: champion/challenger promotion decisions and the
fingerprint that tells a retraining on the champion's own data from one with something new."""

from __future__ import annotations

import pytest

from active_learning.loop.jobs import data_fingerprint, promotion_decision


def test_first_model_is_promoted_without_a_champion():
    assert promotion_decision({"f1": 0.1}, None, has_champion=False)[0] is True


def test_better_is_promoted_worse_is_not():
    promote, reason = promotion_decision({"f1": 0.81, "cards": 2}, {"f1": 0.80, "cards": 2}, True, min_tie_cards=20)
    assert promote is True and reason == "held-out F1 0.8100 > champion 0.8000"
    promote, reason = promotion_decision({"f1": 0.79, "cards": 50}, {"f1": 0.80, "cards": 50}, True, min_tie_cards=20)
    assert promote is False and "< champion" in reason


@pytest.mark.parametrize("cards, promoted", [(2, False), (19, False), (20, True), (200, True)])
def test_a_tie_is_promoted_only_on_enough_heldout_cards(cards, promoted):
    promote, reason = promotion_decision({"f1": 0.8, "cards": cards}, {"f1": 0.8 + 1e-12, "cards": cards}, True,
                                         min_tie_cards=20)
    assert promote is promoted
    assert f"ties the champion on {'only ' if not promoted else ''}{cards} held-out cards" in reason
    if not promoted:
        assert "CARDLOOP_MIN_HELDOUT_FOR_TIE is 20" in reason and "keeping the champion" in reason


def test_no_heldout_cards_keeps_the_champion():
    promote, reason = promotion_decision(None, None, True)
    assert promote is False and "no held-out" in reason


def _task(task_id: int, *annotations: dict) -> dict:
    return {"id": task_id, "annotations": list(annotations)}


def _ann(ann_id: int, updated: str, text: str = "Jane") -> dict:
    return {"id": ann_id, "created_at": updated, "updated_at": updated,
            "result": [{"type": "textarea", "value": {"text": [text]}}]}


def test_fingerprint_is_stable_and_sees_every_change():
    tasks = [_task(2, _ann(20, "2026-01-01T00:00:02Z")), _task(1, _ann(10, "2026-01-01T00:00:01Z"))]
    same = data_fingerprint(list(reversed(tasks)), 0.2)
    assert data_fingerprint(tasks, 0.2) == same  # order of the export does not matter
    assert data_fingerprint(tasks + [_task(3)], 0.2) == same  # an unannotated task is no data
    edited = [tasks[0], _task(1, _ann(10, "2026-01-01T00:00:01Z", text="John"))]
    changed = [
        data_fingerprint(tasks + [_task(3, _ann(30, "2026-01-01T00:00:03Z"))], 0.2),  # one more card
        data_fingerprint(tasks[:1], 0.2),  # a card deleted
        data_fingerprint(edited, 0.2),  # a label changed
        data_fingerprint([tasks[0], _task(1, _ann(10, "2026-01-01T00:00:01Z"), _ann(11, "2026-01-02T00:00:00Z"))], 0.2),
        data_fingerprint(tasks, 0.3),  # another held-out split
    ]
    assert same not in changed and len(set(changed)) == len(changed)
