"""Words + 0-1000 boxes -> LayoutLMv3 input windows of at most 512 tokens.

One function for training and inference, so both cut long cards the same way.  Windows are cut
on word boundaries (a word is never split between windows) and overlap by about ``stride``
tokens; at inference each word is read from the window where it sits most centrally, i.e. with
the most context on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

#: LayoutLMv3's text positions: 512 tokens including <s> and </s>.
MAX_TOKENS = 512
#: Tokens of overlap between consecutive windows of a long card.
DEFAULT_STRIDE = 128
#: Label ignored by the loss (sub-tokens after the first, special tokens).
IGNORE_LABEL = -100


@dataclass
class Window:
    """One model input: token ids, token boxes and, per token, the index of its word on the card."""

    input_ids: list[int]
    bbox: list[list[int]]
    attention_mask: list[int]
    word_ids: list[int | None]
    labels: list[int] | None
    first_word: int
    end_word: int  # exclusive

    def features(self) -> dict[str, Any]:
        """The dict the model / data collator consumes."""
        out: dict[str, Any] = {"input_ids": self.input_ids, "bbox": self.bbox, "attention_mask": self.attention_mask}
        if self.labels is not None:
            out["labels"] = self.labels
        return out


def _word_token_counts(word_ids: Sequence[int | None], n_words: int) -> list[int]:
    counts = [0] * n_words
    for wid in word_ids:
        if wid is not None:
            counts[wid] += 1
    return counts


def plan_windows(counts: Sequence[int], budget: int, stride: int) -> list[tuple[int, int]]:
    """Word ranges ``[start, end)`` whose tokens fit ``budget``; consecutive ranges overlap by ~``stride`` tokens.

    A word longer than the budget gets a window of its own (the tokenizer truncates it there), so
    every word keeps its first sub-token in some window.
    """
    n = len(counts)
    windows: list[tuple[int, int]] = []
    start = 0
    while start < n:
        end, used = start, 0
        while end < n and (end == start or used + counts[end] <= budget):
            used += counts[end]
            end += 1
        windows.append((start, end))
        if end >= n:
            break
        back, overlap = end, 0
        while back - 1 > start and overlap + counts[back - 1] <= stride:
            back -= 1
            overlap += counts[back]
        start = max(back, start + 1)
    return windows


def encode_windows(
    tokenizer: Any,
    words: Sequence[str],
    boxes: Sequence[Sequence[int]],
    labels: Sequence[int] | None = None,
    *,
    max_length: int = MAX_TOKENS,
    stride: int = DEFAULT_STRIDE,
) -> list[Window]:
    """Encode one card as one or more windows; ``labels`` (word-level tag ids) label first sub-tokens only."""
    if len(words) != len(boxes) or (labels is not None and len(labels) != len(words)):
        raise ValueError(
            f"words ({len(words)}), boxes ({len(boxes)}) and labels "
            f"({'-' if labels is None else len(labels)}) must have the same length"
        )
    if not words:
        return []
    whole = tokenizer(
        list(words),
        boxes=[list(b) for b in boxes],
        word_labels=None if labels is None else list(labels),
        verbose=False,  # a long card is expected here: it is cut into windows below
    )
    if len(whole["input_ids"]) <= max_length:  # the usual card: one window, one tokenizer call
        return [_window(whole, whole.word_ids(), labels is not None, 0, len(words))]
    counts = _word_token_counts(whole.word_ids(), len(words))
    ranges = plan_windows(counts, max_length - 2, stride)
    windows = []
    for start, end in ranges:
        enc = tokenizer(
            list(words[start:end]),
            boxes=[list(b) for b in boxes[start:end]],
            word_labels=None if labels is None else list(labels[start:end]),
            truncation=True,
            max_length=max_length,
        )
        word_ids = [None if w is None else w + start for w in enc.word_ids()]
        windows.append(_window(enc, word_ids, labels is not None, start, end))
    return windows


def _window(enc: Any, word_ids: list[int | None], labelled: bool, start: int, end: int) -> Window:
    return Window(
        input_ids=list(enc["input_ids"]),
        bbox=[list(b) for b in enc["bbox"]],
        attention_mask=list(enc["attention_mask"]),
        word_ids=list(word_ids),
        labels=list(enc["labels"]) if labelled else None,
        first_word=start,
        end_word=end,
    )


def home_window(windows: Sequence[Window], n_words: int) -> list[int]:
    """For each word, the index of the window where it is farthest from a window edge."""
    best = [-1] * n_words
    score = [-1] * n_words
    for wi, w in enumerate(windows):
        for i in range(w.first_word, w.end_word):
            s = min(i - w.first_word, w.end_word - 1 - i)
            if s > score[i]:
                best[i], score[i] = wi, s
    return best
