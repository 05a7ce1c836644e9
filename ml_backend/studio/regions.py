"""Card <-> Label Studio JSON: the one place that knows how regions look.

Predictions (``card_to_prediction``): every field value becomes one *region*: a ``rectanglelabels``
item (the box and its label) and a ``textarea`` item (the value's text, editable per region) that
share one region ``id``. Coordinates are percentages of the picture Label Studio shows, i.e. the
original image after EXIF transposition; the pipeline's boxes live in the upright frame the OCR
read in (``card.ocr.rotation``), so they are mapped back with ``ocr.to_original_frame`` first.

Values without a box of their own (read only from a QR code, the QR text matching nothing the
OCR saw) are placed on the QR code itself when the card knows where it is (``card.qr_box``):
the annotator sees the value attached to what it came from, and training loses nothing because
the pipeline drops OCR text inside a QR code. A value with no box and no QR box covers the whole
card, flagged ``meta.placement == "card"`` so dataset builders can skip it as a word label.
Values from a QR code carry ``meta.source == "qr"``; values the validator could not confirm carry
the reason in ``meta.text`` (Label Studio shows region meta text to the annotator). Phones are
transcribed in international format, grouped as people read them (``+44 7420 446319``), and
carry their E.164 form, the one the CRM stores, in ``meta.e164``.

Annotations and predictions come back through ``regions_from_result``: items are merged by region
id into ``AnnotatedRegion`` objects; ``validated_choices``/``is_validated`` read the card-level
status choice the CRM export keys on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable

from ml_backend.reading.geometry import to_original_frame
from ml_backend.schema import (
    FIELD_TO_LABEL,
    LABEL_TO_FIELD,
    OTHER_LABEL,
    VALIDATED_CHOICE,
    VALIDATED_CHOICES_NAME,
    BBox,
    Card,
    FieldValue,
)

# --- names shared with label_config/card.xml (tests/test_label_config.py checks them) --------

#: ``<Image name>``; also the task data key holding the image URL (``value="$image"``).
IMAGE_NAME = "image"
#: ``<RectangleLabels name>``: the box and its field label.
LABEL_NAME = "label"
#: ``<TextArea name perRegion="true">``: the text of each region.
TEXT_NAME = "transcription"
#: ``<Choices name>`` for the card-level status and its choices.
STATUS_NAME = VALIDATED_CHOICES_NAME
NEEDS_REVIEW_CHOICE = "needs_review"
STATUS_CHOICES = (VALIDATED_CHOICE, NEEDS_REVIEW_CHOICE)

#: Decimal places kept for percentages and scores (keeps payloads small and stable).
_DIGITS = 4


def _clamp(value: float, low: float = 0.0, high: float = 100.0) -> float:
    return min(max(value, low), high)


def percent_box(
    bbox: BBox, rotation: int, upright_w: int, upright_h: int, original_w: int, original_h: int
) -> tuple[float, float, float, float]:
    """An upright-frame pixel box as (x, y, width, height) in percent of the original image.

    The four corners are mapped to the original frame (a quarter turn keeps the box axis-aligned)
    and clamped to the image, so a box the OCR let spill over an edge still displays.
    """
    if original_w <= 0 or original_h <= 0:
        raise ValueError(f"original image size must be positive, got {original_w}x{original_h}")
    x0, y0, x1, y1 = bbox
    corners = to_original_frame([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], rotation, upright_w, upright_h)
    xs = [_clamp(p[0] / original_w * 100) for p in corners]
    ys = [_clamp(p[1] / original_h * 100) for p in corners]
    return (
        round(min(xs), _DIGITS),
        round(min(ys), _DIGITS),
        round(max(xs) - min(xs), _DIGITS),
        round(max(ys) - min(ys), _DIGITS),
    )


def _original_percent_box(bbox: BBox, original_w: int, original_h: int) -> tuple[float, float, float, float]:
    """A box already in the original frame (pixels) as percentages."""
    return percent_box(bbox, 0, original_w, original_h, original_w, original_h)


def _region_meta(value: FieldValue, placement: str) -> dict[str, Any] | None:
    notes: list[str] = []
    meta: dict[str, Any] = {}
    if value.source != "model":
        meta["source"] = value.source
    if value.source == "qr":
        notes.append("read from the card's QR code")
    if placement != "text":
        meta["placement"] = placement
    if not value.valid:
        notes.append(f"check: {value.reason or 'not a valid ' + value.field}")
    if value.note:
        notes.append(value.note)
    if notes:
        meta["text"] = notes
    if value.field in ("phone", "fax") and value.valid and value.value.startswith("+"):
        # the transcription shows the number grouped for reading; the CRM stores this E.164 form
        meta["e164"] = value.value
    return meta or None


def region_text(value: FieldValue) -> str:
    """What the annotator sees and edits: the display form (international phone format), else
    the normalised value, else -- when the validator could make nothing of it -- the raw text."""
    return value.display or value.value or value.raw


def _region_items(
    region_id: str, value: FieldValue, box: tuple[float, float, float, float],
    original_w: int, original_h: int, placement: str,
) -> list[dict[str, Any]]:
    """The rectangle+label item and the textarea item of one value (one region id)."""
    x, y, w, h = box
    geometry = {"x": x, "y": y, "width": w, "height": h, "rotation": 0}
    common: dict[str, Any] = {
        "id": region_id,
        "to_name": IMAGE_NAME,
        "original_width": original_w,
        "original_height": original_h,
        "image_rotation": 0,
        "score": round(float(value.confidence), _DIGITS),
    }
    meta = _region_meta(value, placement)
    if meta:
        common["meta"] = meta
    label = FIELD_TO_LABEL[value.field]
    return [
        {**common, "from_name": LABEL_NAME, "type": "rectanglelabels",
         "value": {**geometry, "rectanglelabels": [label]}},
        {**common, "from_name": TEXT_NAME, "type": "textarea",
         "value": {**geometry, "text": [region_text(value)]}},
    ]


def card_to_prediction(
    card: Card, original_width: int, original_height: int, model_version: str | None = None
) -> dict[str, Any]:
    """A Label Studio prediction (``model_version``, ``score``, ``result``) for one card.

    ``original_width``/``original_height`` are the size of the image Label Studio displays
    (EXIF-transposed), the frame the pipeline was given. The task score is the card confidence
    (active learning sorts by it); each region carries its value's confidence.
    """
    rotation = card.ocr.rotation
    result: list[dict[str, Any]] = []
    for index, value in enumerate(card.values):
        if value.bbox is not None:
            box = percent_box(value.bbox, rotation, card.ocr.width, card.ocr.height, original_width, original_height)
            placement = "text"
        elif card.qr_box is not None:
            box = _original_percent_box(card.qr_box, original_width, original_height)
            placement = "qr"
        else:
            box, placement = (0.0, 0.0, 100.0, 100.0), "card"
        result.extend(_region_items(f"v{index}-{value.field}", value, box, original_width, original_height, placement))
    return {
        "model_version": model_version if model_version is not None else card.model_version,
        "score": round(float(card.confidence), _DIGITS),
        "result": result,
    }


def empty_prediction(model_version: str) -> dict[str, Any]:
    """The prediction of a task that could not be read: keeps one result per task, in order."""
    return {"model_version": model_version, "score": 0.0, "result": []}


# --- reading annotations and predictions back -------------------------------------------------


@dataclass(frozen=True)
class AnnotatedRegion:
    """One region of an annotation or prediction: its label, text and box.

    ``x, y, width, height`` are percentages of the original image (Label Studio's frame);
    ``rotation`` is the rectangle's clockwise rotation in degrees around its top-left corner
    (an annotator may turn a box). ``field`` is the schema field, None for OTHER or an unlabeled
    region. ``source``/``placement`` come from the region meta the backend wrote (``"qr"``,
    ``"card"``) and are None for boxes drawn around text.
    """

    id: str
    label: str | None
    field: str | None
    text: str
    x: float
    y: float
    width: float
    height: float
    rotation: float = 0.0
    original_width: int | None = None
    original_height: int | None = None
    score: float | None = None
    source: str | None = None
    placement: str | None = None
    #: Label Studio's ``parentID``: the region this one belongs to (a field region of a
    #: multi-card image names its card's outline region, see ``studio.multicard_regions``).
    parent_id: str | None = None

    @property
    def bbox_percent(self) -> tuple[float, float, float, float]:
        """(x, y, width, height) in percent, as Label Studio stores it."""
        return (self.x, self.y, self.width, self.height)

    def pixel_corners(self, width: int | None = None, height: int | None = None) -> list[tuple[float, float]]:
        """The rectangle's four corners (clockwise from its own top-left, turned by ``rotation``
        about it) in pixels of an image ``width`` x ``height`` (default: the recorded original size)."""
        width = width or self.original_width
        height = height or self.original_height
        if not width or not height:
            raise ValueError(f"region {self.id} records no image size: pass width and height")
        x0, y0 = self.x / 100 * width, self.y / 100 * height
        w, h = self.width / 100 * width, self.height / 100 * height
        a = math.radians(self.rotation)
        cos, sin = math.cos(a), math.sin(a)
        return [(x0 + dx * cos - dy * sin, y0 + dx * sin + dy * cos) for dx, dy in ((0, 0), (w, 0), (w, h), (0, h))]

    def pixel_bbox(self, width: int | None = None, height: int | None = None) -> BBox:
        """Axis-aligned (x0, y0, x1, y1) in pixels of an image ``width`` x ``height``
        (default: the original size recorded with the region); a rotated box gives its hull."""
        corners = self.pixel_corners(width, height)
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        return (min(xs), min(ys), max(xs), max(ys))


def _text_of(value: dict[str, Any]) -> str:
    text = value.get("text")
    if isinstance(text, list):
        return "\n".join(str(t) for t in text if t is not None)
    return str(text) if text is not None else ""


def regions_from_result(result: Iterable[dict[str, Any]]) -> list[AnnotatedRegion]:
    """Regions of a Label Studio ``result`` list, merging the items that share a region id.

    A region is any id that has a box (``rectanglelabels`` or ``rectangle``) or a per-region
    text; card-level items (choices) and items of other tools are skipped. Regions keep the
    order their first item appears in. A region whose only label is unknown to the schema is
    reported with ``field`` None and its ``label`` kept, never silently relabelled.
    """
    merged: dict[str, dict[str, Any]] = {}
    for item in result:
        if not isinstance(item, dict):
            continue
        kind = item.get("type")
        region_id = item.get("id")
        value = item.get("value") or {}
        if region_id is None or kind not in {"rectanglelabels", "rectangle", "labels", "textarea"}:
            continue
        if kind == "textarea" and item.get("from_name") != TEXT_NAME:
            continue
        region = merged.setdefault(str(region_id), {"text_parts": []})
        if "x" in value and "width" in value and "geometry" not in region:
            region["geometry"] = value
        labels = value.get("rectanglelabels") or value.get("labels")
        if labels:
            region["label"] = str(labels[0])
        if kind == "textarea":
            region["text_parts"].append(_text_of(value))
        for key in ("original_width", "original_height", "score", "parentID"):
            if item.get(key) is not None and key not in region:
                region[key] = item[key]
        meta = item.get("meta")
        if isinstance(meta, dict):
            region.setdefault("source", meta.get("source"))
            region.setdefault("placement", meta.get("placement"))
    regions = []
    for region_id, r in merged.items():
        geometry = r.get("geometry")
        if geometry is None:
            continue  # a text without a box cannot be placed on the card
        label = r.get("label")
        regions.append(
            AnnotatedRegion(
                id=region_id,
                label=label,
                field=LABEL_TO_FIELD.get(label) if label and label != OTHER_LABEL else None,
                text="\n".join(p for p in r["text_parts"] if p),
                x=float(geometry["x"]),
                y=float(geometry["y"]),
                width=float(geometry["width"]),
                height=float(geometry["height"]),
                rotation=float(geometry.get("rotation") or 0.0),
                original_width=int(r["original_width"]) if r.get("original_width") else None,
                original_height=int(r["original_height"]) if r.get("original_height") else None,
                score=float(r["score"]) if r.get("score") is not None else None,
                source=r.get("source"),
                placement=r.get("placement"),
                parent_id=str(r["parentID"]) if r.get("parentID") else None,
            )
        )
    return regions


def validated_choices(result: Iterable[dict[str, Any]]) -> list[str]:
    """The card-level status choices ticked in ``result`` (``validated``, ``needs_review``)."""
    chosen: list[str] = []
    for item in result:
        if isinstance(item, dict) and item.get("from_name") == STATUS_NAME and item.get("type") == "choices":
            chosen.extend(str(c) for c in (item.get("value") or {}).get("choices", []))
    return chosen


def is_validated(result: Iterable[dict[str, Any]]) -> bool:
    """True when the annotator ticked "validated" (and not "needs_review"): the card may reach the CRM."""
    chosen = validated_choices(result)
    return VALIDATED_CHOICE in chosen and NEEDS_REVIEW_CHOICE not in chosen
