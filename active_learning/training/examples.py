"""Ground truth (generator truth records, annotated cards) -> word-level training examples.

An example is what training and evaluation consume::

    {"words": [str], "bboxes": [[x0, y0, x1, y1] on 0-1000], "tags": [BIO tag id],
     "width": int, "height": int, optional "image"}

Words and word boxes come from ``ml_backend.reading.layout.words`` -- the functions inference uses on OCR
lines -- so a model never sees boxes at training time that inference would not produce.

``augmented_example`` makes generator cards look like what OCR reports for real photos and scans:
lines merged on a row or split at a gap, OCR character confusions, box jitter, tilted / keystoned
geometry with the card placed on a larger photo, missing lines, and lines re-sorted the way the
OCR sorts them.  A from-scratch model only knows the generator's fonts, layouts and Faker
vocabulary; these perturbations are what keeps it from relying on exact positions and spellings.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from ml_backend.reading.layout.words import line_words, normalize_box, word_char_spans
from ml_backend.schema import (
    FIELD_TO_LABEL,
    LABEL_TO_FIELD,
    OTHER_LABEL,
    OUTSIDE_TAG,
    TAG2ID,
    TAGGED_AS,
    OcrLine,
    Point,
)

#: A character span of a line that belongs to a field: (start, end, field name).
Span = tuple[int, int, str]


def span_field(name: str | None) -> str | None:
    """Schema field of a span/line label (``"email"``, ``"EMAIL"``); None for other text."""
    if name is None or name in ("", OUTSIDE_TAG, OTHER_LABEL, OTHER_LABEL.lower()):
        return None
    if name in FIELD_TO_LABEL:
        return name
    if name in LABEL_TO_FIELD:
        return LABEL_TO_FIELD[name]
    raise ValueError(f"unknown field/label {name!r} in ground truth (expected one of {sorted(FIELD_TO_LABEL)})")


def word_tags(text: str, spans: Sequence[Span]) -> list[str]:
    """BIO tag of each whitespace word of ``text``: a word overlapping a span gets B-/I- of its field.

    The first word of each span is ``B-``, so two adjacent values of one field (two phone numbers
    on one line) stay two entities.
    """
    tags: list[str] = []
    previous_span: int | None = None
    for ws, we in word_char_spans(text):
        best, best_overlap = None, 0
        for k, (s, e, name) in enumerate(spans):
            overlap = min(we, e) - max(ws, s)
            if overlap > best_overlap and span_field(name) is not None:
                best, best_overlap = k, overlap
        if best is None:
            tags.append(OUTSIDE_TAG)
            previous_span = None
            continue
        label = FIELD_TO_LABEL[TAGGED_AS[span_field(spans[best][2])]]  # a fax is tagged as a phone
        tags.append(("I-" if best == previous_span else "B-") + label)
        previous_span = best
    return tags


def example_from_lines(
    lines: Sequence[OcrLine],
    spans: Sequence[Sequence[Span]],
    width: int,
    height: int,
    image: Any = None,
) -> dict[str, Any]:
    """Example from lines (OCR or ground truth) and the field spans of each line's text."""
    if len(lines) != len(spans):
        raise ValueError(f"{len(lines)} lines but {len(spans)} span lists")
    words: list[str] = []
    bboxes: list[list[int]] = []
    tags: list[int] = []
    for i, (line, line_spans) in enumerate(zip(lines, spans)):
        for word, tag in zip(line_words(line.text, line.box, i, line.confidence), word_tags(line.text, line_spans)):
            words.append(word.text)
            bboxes.append(normalize_box(word.bbox, width, height))
            tags.append(TAG2ID[tag])
    example: dict[str, Any] = {"words": words, "bboxes": bboxes, "tags": tags, "width": int(width), "height": int(height)}
    if image is not None:
        example["image"] = image
    return example


# --- generator truth records ----------------------------------------------------------------


@dataclass
class TruthLine:
    """A ground-truth line while it is being augmented: text, quad (tl, tr, br, bl) and spans."""

    text: str
    quad: list[Point]
    spans: list[Span] = field(default_factory=list)

    @property
    def height(self) -> float:
        return max(math.dist(self.quad[0], self.quad[3]), math.dist(self.quad[1], self.quad[2]), 1.0)

    @property
    def top(self) -> float:
        return min(p[1] for p in self.quad)

    @property
    def bottom(self) -> float:
        return max(p[1] for p in self.quad)

    @property
    def left(self) -> float:
        return min(p[0] for p in self.quad)

    def ocr_line(self) -> OcrLine:
        return OcrLine(text=self.text, box=[(float(x), float(y)) for x, y in self.quad], confidence=1.0, source="truth")


def _quad(line: dict[str, Any]) -> list[Point]:
    if line.get("quad"):
        return [(float(x), float(y)) for x, y in line["quad"]]
    if line.get("bbox"):
        x0, y0, x1, y1 = (float(v) for v in line["bbox"])
        return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    raise ValueError(f"truth line {line.get('text')!r} has neither 'quad' nor 'bbox'")


def truth_lines(record: dict[str, Any]) -> list[TruthLine]:
    """Lines of a generator truth record; a line without ``spans`` is one span of its ``field``."""
    out = []
    for line in record["lines"]:
        text = str(line["text"])
        if "spans" in line and line["spans"] is not None:
            spans = [(int(s), int(e), str(f)) for s, e, f in line["spans"]]
        elif span_field(line.get("field")) is not None:
            spans = [(0, len(text), str(line["field"]))]
        else:
            spans = []
        out.append(TruthLine(text=text, quad=_quad(line), spans=spans))
    return out


def _example(lines: Sequence[TruthLine], width: float, height: float) -> dict[str, Any]:
    return example_from_lines([ln.ocr_line() for ln in lines], [ln.spans for ln in lines], round(width), round(height))


def example_from_truth(record: dict[str, Any]) -> dict[str, Any]:
    """Example of a truth record as it is (lines in the record's order, exact boxes)."""
    return _example(truth_lines(record), record["width"], record["height"])


# --- augmentation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Augmentation:
    """Probabilities of each OCR-like perturbation (0 disables it)."""

    merge_row: float = 0.35  # merge two neighbours on one row ("Tel ... Email ...")
    split_line: float = 0.08  # per line: split at a space into two boxes
    char_noise: float = 0.012  # per character: confusion, case, drop or duplicate
    drop_line: float = 0.03  # per line: the OCR missed it
    jitter: float = 0.08  # box corner noise, in line heights
    photo: float = 0.4  # tilt/keystone the card and place it on a larger photo
    max_tilt_deg: float = 7.0


#: Characters OCR confuses, both ways, incl. Latin/Cyrillic homoglyphs (an OCR without Cyrillic
#: reads "Россия" as "Poccия").
_CONFUSIONS = {
    "O": "0", "0": "O", "o": "0", "l": "1", "1": "l", "I": "l", "S": "5", "5": "S", "B": "8",
    "8": "B", "Z": "2", "rn": "m", "m": "rn", "e": "c", "c": "e", ".": ",", ",": ".", "-": "_",
    "а": "a", "a": "а", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "Н": "H", "М": "M",
}


def _remap_spans(spans: Iterable[Span], index_map: list[int]) -> list[Span]:
    """Move spans through an edit: ``index_map[i]`` is the new offset of old offset ``i`` (len+1 entries)."""
    out = []
    for s, e, name in spans:
        ns, ne = index_map[s], index_map[e]
        if ne > ns:
            out.append((ns, ne, name))
    return out


def noisy_text(line: TruthLine, rng: random.Random, p: float) -> TruthLine:
    """OCR character noise that keeps word boundaries: confusions, case flips, drops, duplicates."""
    text = line.text
    out = ""
    index_map: list[int] = []  # new offset of each old offset
    i = 0
    while i < len(text):
        index_map.append(len(out))
        ch = text[i]
        if ch.isspace() or rng.random() >= p:
            out += ch
            i += 1
            continue
        op = rng.random()
        pair = text[i:i + 2]
        if op < 0.45 and pair in _CONFUSIONS:
            out += _CONFUSIONS[pair]
            index_map.append(len(out))
            i += 2
            continue
        if op < 0.45 and ch in _CONFUSIONS:
            out += _CONFUSIONS[ch]
        elif op < 0.65 and ch.isalpha():
            out += ch.swapcase()
        elif op < 0.85 and 0 < i < len(text) - 1 and not text[i - 1].isspace() and not text[i + 1].isspace():
            pass  # dropped (never a whole word)
        else:
            out += ch + ch
        i += 1
    index_map.append(len(out))
    return TruthLine(out, line.quad, _remap_spans(line.spans, index_map))


def _interpolate_quad(quad: Sequence[Point], t0: float, t1: float) -> list[Point]:
    tl, tr, br, bl = quad
    lerp = lambda a, b, t: (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)  # noqa: E731
    return [lerp(tl, tr, t0), lerp(tl, tr, t1), lerp(bl, br, t1), lerp(bl, br, t0)]


def split_line(line: TruthLine, rng: random.Random) -> list[TruthLine]:
    """Split a line at a random space into two boxes (the OCR saw a wide gap)."""
    words = word_char_spans(line.text)
    if len(words) < 2:
        return [line]
    cut_word = rng.randrange(1, len(words))
    left_end, right_start = words[cut_word - 1][1], words[cut_word][0]
    n = max(len(line.text), 1)
    left = TruthLine(
        line.text[:left_end],
        _interpolate_quad(line.quad, 0.0, left_end / n),
        [(s, min(e, left_end), f) for s, e, f in line.spans if s < left_end],
    )
    right = TruthLine(
        line.text[right_start:],
        _interpolate_quad(line.quad, right_start / n, 1.0),
        [(max(s, right_start) - right_start, e - right_start, f) for s, e, f in line.spans if e > right_start],
    )
    return [left, right]


def _same_row(a: TruthLine, b: TruthLine) -> bool:
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return overlap > 0.5 * min(a.bottom - a.top, b.bottom - b.top)


def merge_row_neighbours(lines: list[TruthLine], rng: random.Random, p: float) -> list[TruthLine]:
    """Merge lines that sit side by side on one row into one OCR line, as PP-OCR's detector often does."""
    out = list(lines)
    i = 0
    while i < len(out):
        a = out[i]
        right = [j for j, b in enumerate(out) if j != i and _same_row(a, b) and b.left > a.left]
        if right and rng.random() < p:
            j = min(right, key=lambda k: out[k].left)
            b = out[j]
            sep = " " * rng.choice((1, 1, 2))
            offset = len(a.text) + len(sep)
            merged = TruthLine(
                a.text + sep + b.text,
                [a.quad[0], b.quad[1], b.quad[2], a.quad[3]],
                a.spans + [(s + offset, e + offset, f) for s, e, f in b.spans],
            )
            out[i] = merged
            del out[j]
            if j < i:
                i -= 1
            continue  # the merged line may merge again with its next neighbour
        i += 1
    return out


def _transform(point: Point, matrix: Sequence[float]) -> Point:
    a, b, c, d, e, f, g, h = matrix
    x, y = point
    w = g * x + h * y + 1.0
    return ((a * x + b * y + c) / w, (d * x + e * y + f) / w)


def photo_geometry(
    lines: list[TruthLine], width: float, height: float, rng: random.Random, max_tilt_deg: float
) -> tuple[list[TruthLine], float, float]:
    """Tilt and keystone the card, then place it on a larger photo; returns lines and the photo size."""
    angle = math.radians(rng.uniform(-max_tilt_deg, max_tilt_deg))
    cos, sin = math.cos(angle), math.sin(angle)
    cx, cy = width / 2, height / 2
    # slight perspective (keystone): a card photographed at an angle
    g = rng.uniform(-0.15, 0.15) / width
    h = rng.uniform(-0.15, 0.15) / height
    fill = rng.uniform(0.55, 1.0)  # share of the photo's width the card covers
    photo_w = width / fill * rng.uniform(1.0, 1.15)
    photo_h = max(height / fill * rng.uniform(1.0, 1.4), height * 1.05)
    tx = rng.uniform(0.0, max(photo_w - width, 0.0)) + cx
    ty = rng.uniform(0.0, max(photo_h - height, 0.0)) + cy

    def move(p: Point) -> Point:
        x, y = _transform((p[0] - cx, p[1] - cy), (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, g, h))
        return (cos * x - sin * y + tx, sin * x + cos * y + ty)

    out = [TruthLine(ln.text, [move(p) for p in ln.quad], ln.spans) for ln in lines]
    xs = [p[0] for ln in out for p in ln.quad]
    ys = [p[1] for ln in out for p in ln.quad]
    shift_x, shift_y = min(0.0, min(xs)), min(0.0, min(ys))
    if shift_x or shift_y:
        out = [TruthLine(ln.text, [(x - shift_x, y - shift_y) for x, y in ln.quad], ln.spans) for ln in out]
    return out, max(photo_w, max(xs) - shift_x + 1), max(photo_h, max(ys) - shift_y + 1)


def jitter_boxes(lines: list[TruthLine], rng: random.Random, scale: float) -> list[TruthLine]:
    """Move each corner by a little noise proportional to the line height (detector box variance)."""
    out = []
    for ln in lines:
        sd = scale * ln.height
        out.append(TruthLine(ln.text, [(x + rng.gauss(0, sd), y + rng.gauss(0, sd)) for x, y in ln.quad], ln.spans))
    return out


def ocr_order(lines: list[TruthLine]) -> list[TruthLine]:
    """Top-to-bottom, then left-to-right within a row: the order PP-OCR (rapidocr) reports lines in."""
    ordered = sorted(lines, key=lambda ln: (ln.quad[0][1], ln.quad[0][0]))
    tolerance = 0.5 * (sorted(ln.height for ln in lines)[len(lines) // 2] if lines else 0)
    for i in range(len(ordered) - 1):
        for j in range(i, -1, -1):
            a, b = ordered[j], ordered[j + 1]
            if abs(b.quad[0][1] - a.quad[0][1]) < tolerance and b.quad[0][0] < a.quad[0][0]:
                ordered[j], ordered[j + 1] = b, a
            else:
                break
    return ordered


def augmented_example(record: dict[str, Any], rng: random.Random, aug: Augmentation = Augmentation()) -> dict[str, Any]:
    """One random OCR-like view of a truth record, as a training example."""
    width, height = float(record["width"]), float(record["height"])
    lines = truth_lines(record)
    if aug.drop_line and len(lines) > 1:
        kept = [ln for ln in lines if rng.random() >= aug.drop_line]
        lines = kept or [rng.choice(lines)]
    lines = merge_row_neighbours(lines, rng, aug.merge_row)
    if aug.split_line:
        lines = [part for ln in lines for part in (split_line(ln, rng) if rng.random() < aug.split_line else [ln])]
    if aug.char_noise:
        lines = [noisy_text(ln, rng, aug.char_noise) for ln in lines]
    if aug.photo and not record.get("photo") and rng.random() < aug.photo:  # generator photos are warped already
        lines, width, height = photo_geometry(lines, width, height, rng, aug.max_tilt_deg)
    if aug.jitter:
        lines = jitter_boxes(lines, rng, aug.jitter)
    return _example(ocr_order(lines), width, height)


def augmented_dataset(records: Sequence[dict[str, Any]], seed: int, aug: Augmentation = Augmentation()):
    """A ``datasets.Dataset`` that draws a fresh augmented view of each truth record on every read.

    Every epoch therefore sees other merges, noise and geometry of the same cards.
    """
    from datasets import Dataset

    rng = random.Random(seed)
    ds = Dataset.from_dict({"truth": [json.dumps(r, ensure_ascii=False) for r in records]})

    def transform(batch: dict[str, list[str]]) -> dict[str, list[Any]]:
        examples = [augmented_example(json.loads(t), rng, aug) for t in batch["truth"]]
        return {key: [ex[key] for ex in examples] for key in ("words", "bboxes", "tags", "width", "height")}

    ds.set_transform(transform)
    return ds


def examples_dataset(examples: Sequence[dict[str, Any]]):
    """A ``datasets.Dataset`` of fixed examples (e.g. held-out cards)."""
    from datasets import Dataset

    keys = ("words", "bboxes", "tags", "width", "height")
    return Dataset.from_dict({k: [ex[k] for ex in examples] for k in keys})
