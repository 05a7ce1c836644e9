"""Annotated Label Studio tasks -> LayoutLMv3 examples that look like what inference sees.

The model is served on OCR lines, so it is trained on OCR lines: each annotated card's image goes
through the pipeline's own OCR (``ocr_reader``, normally ``CardPipeline.predict(img).ocr`` so the
QR-text filter applies too), and the annotation's regions are laid over the OCR words:

* a word belongs to the field region that contains most of its box (containment >= 0.5, in the
  upright OCR frame after mapping the region from Label Studio's percent coordinates);
* where the annotator's text for a region equals the OCR text of its words (ignoring spaces and
  case), those OCR words are kept and tagged with the field: the OCR's own boxes and
  tokenisation, exactly what inference will see;
* where it differs (the annotator corrected a misread, or the OCR missed the text), the
  annotator's text wins: the region's OCR words are replaced by the annotator's words, laid out
  in the region's box (one row per text line);
* everything outside field regions (and inside OTHER regions) is tagged O.

Words become examples through ``active_learning.training.examples.example_from_lines``, the function the
generator data goes through, so B-/I- conventions and box normalisation are shared.

An image of several cards is annotated as one region group per card (an outline region and its
field regions, ``ml_backend.studio.multicard_regions.card_groups``). Each card becomes its own
example, made the way inference reads it (``ml_backend.reading.multicard``): the outline is cut
out and warped flat, the card's regions are moved into the crop's frame, and the crop goes
through the OCR. The tagger thus learns from the same deskewed crops it is served.

The held-out split is fixed by task id (``is_heldout``): a card once held out is never trained
on, and the split grows with the project. All cards of one image fall on the same side.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from PIL import Image

from ml_backend.studio.client import as_plain, latest_annotation
from active_learning.training.examples import Span, example_from_lines
from ml_backend.reading.layout.words import line_words, word_char_spans
from ml_backend.studio.regions import AnnotatedRegion, regions_from_result
from ml_backend.reading.cards import DetectedCard
from ml_backend.reading.geometry import to_upright_frame
from ml_backend.studio.multicard_regions import CardGroup, card_groups
from ml_backend.schema import BBox, OcrLine, OcrResult

log = logging.getLogger(__name__)

#: Share of a word's box that must lie inside a region for the word to take the region's label.
CONTAINMENT = 0.5
#: Regions that are not boxes around printed text (whole-card or QR-code placements).
NON_TEXT_PLACEMENTS = {"card", "qr"}

OcrReader = Callable[[Image.Image], OcrResult]
ImageLoader = Callable[[dict[str, Any]], Image.Image]


def is_heldout(task_id: int, fraction: float) -> bool:
    """Deterministic by task id (not by Python's salted ``hash``): the same on every worker."""
    digest = hashlib.sha256(f"cardloop-heldout:{int(task_id)}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


# --- geometry -------------------------------------------------------------------------------


def _area(b: BBox) -> float:
    return max(b[2] - b[0], 0.0) * max(b[3] - b[1], 0.0)


def containment(inner: BBox, outer: BBox) -> float:
    """Share of ``inner``'s area inside ``outer`` (0 for a degenerate ``inner``)."""
    ix = (max(inner[0], outer[0]), max(inner[1], outer[1]), min(inner[2], outer[2]), min(inner[3], outer[3]))
    area = _area(inner)
    return _area(ix) / area if area > 0 else 0.0


def upright_region_box(region: AnnotatedRegion, ocr: OcrResult, original_w: int, original_h: int) -> BBox:
    """The region's box in the upright frame the OCR lines live in."""
    x0, y0, x1, y1 = region.pixel_bbox(original_w, original_h)
    pts = to_upright_frame([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], ocr.rotation, original_w, original_h)
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def _squash(text: str) -> str:
    return "".join(text.split()).casefold()


# --- alignment ------------------------------------------------------------------------------


@dataclass
class Alignment:
    """Lines and field spans of one card, ready for ``example_from_lines``, plus what happened."""

    lines: list[OcrLine]
    spans: list[list[Span]]
    kept_regions: int = 0
    corrected_regions: int = 0


def _rows(text: str, box: BBox) -> list[OcrLine]:
    """Annotator text laid out in a region box: one row per text line, equal heights."""
    rows = [t.strip() for t in text.splitlines() if t.strip()]
    x0, y0, x1, y1 = box
    step = (y1 - y0) / max(len(rows), 1)
    return [
        OcrLine(text=t, box=[(x0, y0 + i * step), (x1, y0 + i * step), (x1, y0 + (i + 1) * step), (x0, y0 + (i + 1) * step)],
                confidence=1.0, source="annotation")
        for i, t in enumerate(rows)
    ]


def _sub_line(line: OcrLine, start: int, end: int) -> OcrLine:
    """The part of ``line`` between character offsets ``start``..``end`` with its share of the box."""
    n = max(len(line.text), 1)
    tl, tr, br, bl = line.box[:4]
    lerp = lambda a, b, t: (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)  # noqa: E731
    t0, t1 = start / n, end / n
    return OcrLine(text=line.text[start:end], box=[lerp(tl, tr, t0), lerp(tl, tr, t1), lerp(bl, br, t1), lerp(bl, br, t0)],
                   confidence=line.confidence, source=line.source)


def align(ocr: OcrResult, regions: Sequence[AnnotatedRegion], original_w: int, original_h: int) -> Alignment:
    """Lay the annotated ``regions`` over the OCR lines (see the module docstring for the rules)."""
    field_regions = [r for r in regions if r.field is not None and r.placement not in NON_TEXT_PLACEMENTS]
    boxes = [upright_region_box(r, ocr, original_w, original_h) for r in field_regions]

    # 1. which region each OCR word belongs to
    assigned: list[list[int | None]] = []
    words_per_line = []
    for i, line in enumerate(ocr.lines):
        words = line_words(line.text, line.box, i, line.confidence)
        words_per_line.append(words)
        row: list[int | None] = []
        for w in words:
            scores = [containment(w.bbox, b) for b in boxes]
            best = max(range(len(boxes)), key=lambda k: scores[k], default=None)
            row.append(best if best is not None and scores[best] >= CONTAINMENT else None)
        assigned.append(row)

    # 2. keep a region's OCR words when the annotator agrees with them, else replace them
    replaced: set[int] = set()
    for k, region in enumerate(field_regions):
        ocr_text = " ".join(w.text for line, row in zip(words_per_line, assigned) for w, a in zip(line, row) if a == k)
        if region.text.strip() and _squash(region.text) != _squash(ocr_text):
            replaced.add(k)

    # 3. emit lines in OCR reading order; replacement rows where their region's first word was
    out = Alignment(lines=[], spans=[], corrected_regions=len(replaced), kept_regions=len(field_regions) - len(replaced))
    emitted: set[int] = set()

    def emit_region(k: int) -> None:
        if k in emitted:
            return
        emitted.add(k)
        for row_line in _rows(field_regions[k].text, boxes[k]):
            out.lines.append(row_line)
            out.spans.append([(0, len(row_line.text), field_regions[k].field)])

    for line, words, row in zip(ocr.lines, words_per_line, assigned):
        offsets = word_char_spans(line.text)  # the offsets line_words cut ``words`` at
        run_start: int | None = None
        run_spans: list[Span] = []

        def flush(end_word: int) -> None:
            nonlocal run_start, run_spans
            if run_start is None:
                return
            s, e = offsets[run_start][0], offsets[end_word - 1][1]
            out.lines.append(_sub_line(line, s, e) if (s, e) != (0, len(line.text)) else line)
            out.spans.append([(a - s, b - s, f) for a, b, f in run_spans])
            run_start, run_spans = None, []

        for j, a in enumerate(row):
            if a is not None and a in replaced:
                flush(j)
                emit_region(a)
                continue
            if run_start is None:
                run_start = j
            if a is not None:
                ws, we = offsets[j]
                if run_spans and run_spans[-1][2] == field_regions[a].field and _same_region(row, j, a):
                    run_spans[-1] = (run_spans[-1][0], we, run_spans[-1][2])
                else:
                    run_spans.append((ws, we, field_regions[a].field))
        flush(len(words))

    # 4. corrected regions the OCR did not see at all: by vertical position
    for k in sorted(replaced - emitted, key=lambda k: boxes[k][1]):
        centre = (boxes[k][1] + boxes[k][3]) / 2
        at = next((i for i, ln in enumerate(out.lines) if ln.bbox[1] > centre), len(out.lines))
        rows = _rows(field_regions[k].text, boxes[k])
        out.lines[at:at] = rows
        out.spans[at:at] = [[(0, len(r.text), field_regions[k].field)] for r in rows]
        emitted.add(k)
    return out


def _same_region(row: Sequence[int | None], j: int, region: int) -> bool:
    """True when word ``j`` continues the previous word's region (so one span, B- then I-)."""
    return j > 0 and row[j - 1] == region


# --- Label Studio tasks -> examples ---------------------------------------------------------


@dataclass
class CardExample:
    """One annotated card turned into an example, and where it came from."""

    task_id: int
    annotation_id: int  # the latest annotation, the one the example is made from
    annotation_ids: set[int]  # every annotation of the task (older ones are superseded by it)
    example: dict[str, Any]
    heldout: bool
    corrected_regions: int
    card: str = ""  # the card's outline region id on a multi-card image ("" for a one-card task)


@dataclass
class BuiltDataset:
    """Train and held-out datasets of a project, plus what could not be used and why."""

    train: Any  # datasets.Dataset
    heldout: Any
    train_tasks: list[int]  # the task of each example, in order (an image of n cards is there n times)
    heldout_tasks: list[int]
    annotation_ids: set[int]  # every annotation of the cards used (train and held-out)
    skipped: dict[int, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {"train_cards": len(self.train_tasks), "heldout_cards": len(self.heldout_tasks),
                "annotations": len(self.annotation_ids), "skipped_cards": len(self.skipped)}


def card_example(
    task: dict[str, Any], image: Image.Image, ocr: OcrResult, heldout_fraction: float
) -> CardExample | None:
    """Example of a one-card task from its latest annotation; None when the task has no usable
    annotation. (``card_examples`` handles images of several cards too.)"""
    annotation = latest_annotation(task)
    if annotation is None or annotation.get("was_cancelled"):
        return None
    regions = regions_from_result(annotation.get("result") or [])
    return _example_of(task, annotation, regions, image, ocr, heldout_fraction, "")


def _example_of(task: dict[str, Any], annotation: dict[str, Any], regions: Sequence[AnnotatedRegion],
                image: Image.Image, ocr: OcrResult, heldout_fraction: float, card: str) -> CardExample:
    original_w, original_h = image.size
    aligned = align(ocr, regions, original_w, original_h)
    if not aligned.lines:
        raise ValueError(f"card {card or 1}: neither the OCR nor the annotation has any text")
    example = example_from_lines(aligned.lines, aligned.spans, ocr.width, ocr.height)
    task_id = int(task["id"])
    return CardExample(task_id, int(annotation["id"]), all_annotation_ids([task]), example,
                       is_heldout(task_id, heldout_fraction), aligned.corrected_regions, card)


def card_crop(group: CardGroup, image: Image.Image) -> tuple[Image.Image, list[AnnotatedRegion]]:
    """The card of ``group`` cut out of ``image`` and warped flat, with its regions moved into the
    crop (each as the axis-aligned box around its corners there, in percent of the crop)."""
    if group.outline is None:
        return image, list(group.regions)
    width, height = image.size
    found = DetectedCard(group.outline.pixel_corners(width, height), "annotation")
    crop = found.crop(image)
    crop_w, crop_h = crop.size
    moved = []
    for region in group.regions:
        pts = found.to_crop(region.pixel_corners(width, height))
        x0, x1 = max(min(p[0] for p in pts), 0.0), min(max(p[0] for p in pts), float(crop_w))
        y0, y1 = max(min(p[1] for p in pts), 0.0), min(max(p[1] for p in pts), float(crop_h))
        if x1 <= x0 or y1 <= y0:
            continue  # a region off its card (drawn outside every outline): nothing to lay it on
        moved.append(replace(region, x=x0 / crop_w * 100, y=y0 / crop_h * 100, width=(x1 - x0) / crop_w * 100,
                             height=(y1 - y0) / crop_h * 100, rotation=0.0, original_width=crop_w,
                             original_height=crop_h, parent_id=None))
    return crop, moved


def card_examples(
    task: dict[str, Any], image: Image.Image, ocr_reader: OcrReader, heldout_fraction: float
) -> list[CardExample]:
    """One example per card of the task's latest annotation (one for a one-card task, one per
    outline group on an image of several cards); [] when the task has no usable annotation."""
    annotation = latest_annotation(task)
    if annotation is None or annotation.get("was_cancelled"):
        return []
    out = []
    for group in card_groups(annotation.get("result") or []):
        crop, regions = card_crop(group, image)
        out.append(_example_of(task, annotation, regions, crop, ocr_reader(crop), heldout_fraction, group.key))
    return out


class OcrCache:
    """OCR results on disk by image content hash (and engine), so a retrain re-reads no card."""

    def __init__(self, directory: str | Path, engine: str):
        self.directory = Path(directory)
        self.engine = engine

    def _path(self, image: Image.Image) -> Path:
        digest = hashlib.sha256(image.tobytes() + repr((image.size, image.mode, self.engine)).encode()).hexdigest()
        return self.directory / f"{digest}.json"

    def read(self, image: Image.Image, reader: OcrReader) -> OcrResult:
        path = self._path(image)
        if path.is_file():
            raw = json.loads(path.read_text())
            return OcrResult(
                lines=[OcrLine(text=ln["text"], box=[tuple(p) for p in ln["box"]], confidence=ln["confidence"],
                               source=ln.get("source", "ppocr")) for ln in raw["lines"]],
                width=raw["width"], height=raw["height"], rotation=raw["rotation"],
            )
        result = reader(image)
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({
            "lines": [{"text": ln.text, "box": [list(p) for p in ln.box], "confidence": ln.confidence,
                       "source": ln.source} for ln in result.lines],
            "width": result.width, "height": result.height, "rotation": result.rotation,
        }))
        tmp.replace(path)
        return result


def build_dataset(
    tasks: Iterable[Any],
    load_image: ImageLoader,
    ocr_reader: OcrReader,
    heldout_fraction: float,
    cache: OcrCache | None = None,
) -> BuiltDataset:
    """Examples of every annotated task, split into train and held-out by task id.

    A task that cannot be used (image unreachable, nothing readable) is recorded in
    ``skipped`` with the reason and logged; it never silently disappears.
    """
    from datasets import Dataset

    train, heldout = [], []
    skipped: dict[int, str] = {}
    annotation_ids: set[int] = set()
    for raw in tasks:
        task = as_plain(raw)
        task_id = int(task["id"])
        if latest_annotation(task) is None:
            continue
        try:
            image = load_image(task)
            cards = card_examples(task, image, (lambda im: cache.read(im, ocr_reader)) if cache else ocr_reader,
                                  heldout_fraction)
        except Exception as exc:  # noqa: BLE001 -- one bad card must not sink the training run
            skipped[task_id] = f"{type(exc).__name__}: {exc}"
            log.warning("task %s left out of the dataset: %s", task_id, skipped[task_id])
            continue
        if not cards:
            skipped[task_id] = "annotation cancelled"
            continue
        for card in cards:
            annotation_ids |= card.annotation_ids
            (heldout if card.heldout else train).append(card)
    columns = ("words", "bboxes", "tags", "width", "height")

    def as_dataset(cards: list[CardExample]) -> Any:
        return Dataset.from_list([{k: c.example[k] for k in columns} for c in cards]) if cards else \
            Dataset.from_dict({k: [] for k in columns})

    log.info("dataset: %d train, %d held-out cards, %d skipped", len(train), len(heldout), len(skipped))
    return BuiltDataset(as_dataset(train), as_dataset(heldout), [c.task_id for c in train],
                        [c.task_id for c in heldout], annotation_ids, skipped)


def all_annotation_ids(tasks: Iterable[dict[str, Any]]) -> set[int]:
    """Ids of every annotation on the tasks (not only the latest one), for coverage checks."""
    return {int(a["id"]) for t in tasks for a in (t.get("annotations") or [])}
