"""Per-word tag probabilities -> a BIO-consistent tag sequence.

Arg-max per word can produce ``I-EMAIL`` after ``O`` or after ``B-PHONE``, which downstream
grouping would have to guess about.  A Viterbi pass over the word log-probabilities, where
``I-X`` may only follow ``B-X`` or ``I-X``, returns the most probable *valid* sequence; it equals
the arg-max whenever the arg-max is already valid.
"""

from __future__ import annotations

import numpy as np

from ml_backend.schema import BIO_TAGS


def _allowed_transitions(tags: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """``allowed[prev, cur]`` and ``can_start[cur]`` for the BIO scheme."""
    n = len(tags)
    allowed = np.ones((n, n), dtype=bool)
    can_start = np.ones(n, dtype=bool)
    for cur, tag in enumerate(tags):
        if tag.startswith("I-"):
            entity = tag[2:]
            can_start[cur] = False
            for prev, ptag in enumerate(tags):
                allowed[prev, cur] = ptag in (f"B-{entity}", f"I-{entity}")
    return allowed, can_start


_ALLOWED, _CAN_START = _allowed_transitions(BIO_TAGS)


def bio_viterbi(probs: np.ndarray) -> list[int]:
    """Most probable BIO-valid tag id sequence for ``probs`` of shape (words, len(BIO_TAGS))."""
    if probs.ndim != 2 or probs.shape[1] != len(BIO_TAGS):
        raise ValueError(f"expected probabilities of shape (n, {len(BIO_TAGS)}), got {probs.shape}")
    n = probs.shape[0]
    if n == 0:
        return []
    logp = np.log(np.clip(probs, 1e-12, 1.0))
    trans = np.where(_ALLOWED, 0.0, -np.inf)
    score = np.where(_CAN_START, logp[0], -np.inf)
    back = np.zeros((n, probs.shape[1]), dtype=np.int64)
    for i in range(1, n):
        cand = score[:, None] + trans  # prev x cur
        back[i] = np.argmax(cand, axis=0)
        score = cand[back[i], np.arange(probs.shape[1])] + logp[i]
    path = [int(np.argmax(score))]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]
