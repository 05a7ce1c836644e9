"""Which way up a card is, from the detector's boxes and the line-orientation classifier.

PP-OCR reads text lines left to right; a card photographed sideways or upside down reads as
garbage (~97% CER) unless the whole card is turned first. Two cheap signals decide it, without
running recognition more than once:

* the shape of the detected line boxes: on a card turned a quarter, text lines are *tall*;
* the 0/180-degree line classifier run on every line crop (after tall crops are turned a
  quarter counter-clockwise): a majority vote weighted by line length says whether the
  card is upside down. One short line can fool the classifier; a whole card rarely does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Height/width ratio from which a box counts as a tall (sideways) line; rapidocr's crop step
#: turns crops at the same ratio, so both agree on which lines are sideways.
TALL_RATIO = 1.5
#: A line-level 180-degree flip is trusted only above this classifier score (rapidocr's default).
LINE_FLIP_THRESHOLD = 0.9


def box_sides(box: np.ndarray) -> tuple[float, float]:
    """Width and height of a detector quad (tl, tr, br, bl) along its own edges."""
    p = np.asarray(box, dtype=float)
    width = max(np.linalg.norm(p[0] - p[1]), np.linalg.norm(p[3] - p[2]))
    height = max(np.linalg.norm(p[0] - p[3]), np.linalg.norm(p[1] - p[2]))
    return float(width), float(height)


def is_tall(box: np.ndarray) -> bool:
    width, height = box_sides(box)
    return height >= TALL_RATIO * max(width, 1e-6)


@dataclass(frozen=True)
class Orientation:
    """The card's clockwise turn to upright, and which line crops must be flipped 180 degrees."""

    rotation: int
    flip_crop: list[bool]
    #: How one-sided the upside-down vote was, 0 (a tie) .. 1 (every line agreed, sure of it).
    certainty: float = 1.0
    #: Lines that follow the card's direction (the ones the vote and ``flipped`` concern).
    dominant: tuple[bool, ...] = ()

    def flipped(self) -> "Orientation":
        """The same card turned 180 degrees the other way: the loser of a close vote."""
        return Orientation(
            rotation=(self.rotation + 180) % 360,
            flip_crop=[not f if d else f for f, d in zip(self.flip_crop, self.dominant)],
            certainty=self.certainty,
            dominant=self.dominant,
        )


def decide_orientation(boxes: Sequence[np.ndarray], line_classes: Sequence[tuple[bool, float]]) -> Orientation:
    """Card rotation from box shapes and per-line ``(is_180, score)`` classifier results.

    The crops were taken as rapidocr takes them: tall crops turned a quarter counter-clockwise.
    So for a sideways card, "crops upright" means it was turned 90 degrees clockwise (undo: 270)
    and "crops upside down" means 270 (undo: 90).

    Lines that share the card's dominant direction follow the card vote; the odd line out (a
    vertical slogan along the edge of an upright card) keeps its own confident classifier call.
    """
    if len(boxes) != len(line_classes):
        raise ValueError("one classifier result per box is required")
    tall = [is_tall(b) for b in boxes]
    # Long lines carry more evidence than short ones, for both votes.
    weight = [math.log1p(max(box_sides(b))) for b in boxes]
    tall_weight = sum(w for w, t in zip(weight, tall) if t)
    wide_weight = sum(w for w, t in zip(weight, tall) if not t)
    sideways = tall_weight > wide_weight

    flip_vote = 0.0
    voters = 0.0
    for w, t, (is_180, score) in zip(weight, tall, line_classes):
        if t == sideways:
            flip_vote += w * score * (1 if is_180 else -1)
            voters += w
    upside_down = flip_vote > 0

    if sideways:
        rotation = 90 if upside_down else 270
    else:
        rotation = 180 if upside_down else 0

    flip_crop = []
    for t, (is_180, score) in zip(tall, line_classes):
        if t == sideways:
            flip_crop.append(upside_down)
        else:
            flip_crop.append(is_180 and score > LINE_FLIP_THRESHOLD)
    certainty = abs(flip_vote) / voters if voters else 0.0
    return Orientation(rotation=rotation, flip_crop=flip_crop, certainty=certainty,
                       dominant=tuple(t == sideways for t in tall))
