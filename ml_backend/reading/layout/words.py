"""OCR lines -> words with their own boxes, and the 0-1000 box frame LayoutLMv3 reads.

OCR engines return whole lines; the model classifies words.  A word's box is the slice of its
line's quadrilateral proportional to the word's character offsets.  Training examples built from
ground-truth lines (``active_learning.training.examples``) call the very same functions, so the model is
trained on boxes made exactly the way inference makes them.
"""

from __future__ import annotations

import re
from typing import Sequence

from ml_backend.schema import BBox, OcrLine, Point, Word

#: A word is a run of non-space characters; a printed separator (bar, middle dot, bullet) is a
#: word of its own even where OCR dropped the spaces around it ("administrator|Acme"), so the
#: tagger can close one field and open the next there.
_WORD = re.compile(r"[|·•]|[^\s|·•]+")
#: Where OCR glued a printed label to its value, the label is a word of its own: after a
#: "Label:" ("Tel:+33...", "Mail:ivan@...", but not "https://" or "9:00") and before the "+" of
#: an international number ("M+49...", "M.+33...").
_LABEL_GLUE = re.compile(r"(?<=[^\W\d_]:)(?=[^/\s])|(?<=[^\s\d+(])(?=\+\d)")

#: LayoutLMv3 reads boxes on a 0..1000 grid of the (upright) page.
BOX_SCALE = 1000


def word_char_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of the words of ``text`` (see ``_WORD``, ``_LABEL_GLUE``)."""
    spans = []
    for match in _WORD.finditer(text):
        start = match.start()
        for cut in _LABEL_GLUE.finditer(match.group()):
            if cut.start() > 0:
                spans.append((start, match.start() + cut.start()))
                start = match.start() + cut.start()
        spans.append((start, match.end()))
    return spans


def _lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def slice_quad(box: Sequence[Point], start: float, end: float) -> BBox:
    """Axis-aligned box of the part of ``box`` between fractions ``start``..``end`` of its length.

    ``box`` is clockwise from top-left (tl, tr, br, bl).  Interpolating along the top and bottom
    edges (rather than slicing the axis-aligned bbox) keeps word boxes tight on tilted lines of
    photographed cards.
    """
    tl, tr, br, bl = box[0], box[1], box[2], box[3]
    pts = (_lerp(tl, tr, start), _lerp(tl, tr, end), _lerp(bl, br, end), _lerp(bl, br, start))
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def line_words(text: str, box: Sequence[Point], line_index: int, confidence: float = 1.0) -> list[Word]:
    """Words of one line; each word's box covers its share of characters of the line box."""
    length = max(len(text.rstrip()), 1)
    lead = len(text) - len(text.lstrip())
    usable = max(length - lead, 1)
    return [
        Word(
            text=text[s:e],
            bbox=slice_quad(box, (s - lead) / usable, (e - lead) / usable),
            line_index=line_index,
            confidence=confidence,
        )
        for s, e in word_char_spans(text)
    ]


def words_from_lines(lines: Sequence[OcrLine]) -> list[Word]:
    """All words of ``lines`` in reading order (the order of the lines, then left to right)."""
    words: list[Word] = []
    for i, line in enumerate(lines):
        words.extend(line_words(line.text, line.box, i, line.confidence))
    return words


def normalize_box(bbox: BBox, width: float, height: float) -> list[int]:
    """Pixel box -> integer box on the 0..1000 grid, clamped and never inverted."""
    if width <= 0 or height <= 0:
        raise ValueError(f"image size must be positive, got {width}x{height}")
    x0, y0, x1, y1 = bbox
    out = [
        round(x0 / width * BOX_SCALE),
        round(y0 / height * BOX_SCALE),
        round(x1 / width * BOX_SCALE),
        round(y1 / height * BOX_SCALE),
    ]
    out = [min(max(v, 0), BOX_SCALE) for v in out]
    return [min(out[0], out[2]), min(out[1], out[3]), max(out[0], out[2]), max(out[1], out[3])]
