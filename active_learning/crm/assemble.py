"""One Label Studio task -> what the CRM should hold for it: a contact, a rejection, or nothing.

The annotator's regions and the card-level "validated" choice are read with
``ml_backend.studio.regions`` (the one reader of Label Studio JSON) and every value goes through the
same validator the backend uses (``ml_backend.reading.values.normalise``), so the CRM stores exactly
the canonical forms (E.164 phones, lower-case e-mails) the model is evaluated on.

An image of several cards is annotated as one region group per card (an outline region and the
field regions tied to it, ``ml_backend.studio.multicard_regions``): each group is assembled on its
own and the task gives ``TaskCards``, one contact (or rejection) per card, keyed by the card's
outline id. A task without outlines is one card, keyed "" -- exactly what it was before.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from ml_backend.studio.multicard_regions import CardGroup, card_groups
from ml_backend.studio.regions import AnnotatedRegion, is_validated, regions_from_result
from ml_backend.schema import MULTI_VALUE_FIELDS, FieldValue, empty_fields
from ml_backend.reading.values import normalise, region_hint_from
from ml_backend.studio.client import annotation_updated_at, latest_annotation

#: How several regions of one single-value field are joined (a name split over two lines, a
#: multi-line address), in reading order; the address normaliser turns line breaks into ", ".
_JOINERS = {"address": "\n"}
_DEFAULT_JOINER = " "

#: A contact must say who it is or how to reach them; a card with none of these is rejected.
IDENTIFYING_FIELDS = ("full_name", "email", "phone")


@dataclass(frozen=True)
class AnnotationSource:
    """Where a CRM row came from in Label Studio: the task, its annotation, and which card of it
    (the card's outline region id; "" for a task holding one card without an outline)."""

    task_id: int
    annotation_id: int
    annotation_updated_at: datetime
    model_version: str | None
    card: str = ""


@dataclass(frozen=True)
class ContactRecord:
    """A validated card ready for the ``contacts`` table."""

    source: AnnotationSource
    fields: dict[str, Any]  # schema-shaped: str|None for single fields, lists for multi-value
    field_confidence: dict[str, float]


@dataclass(frozen=True)
class Rejection:
    """A validated card the validator refused; ``reasons`` are [{"field", "value", "reason"}]."""

    source: AnnotationSource
    fields: dict[str, Any]
    reasons: list[dict[str, Any]]


@dataclass(frozen=True)
class NotExported:
    """A task that must not be (or no longer be) a contact: no annotation, cancelled, not validated."""

    task_id: int
    reason: str


@dataclass(frozen=True)
class TaskCards:
    """A validated task of several cards: one contact or rejection per card, in card order.
    The task's cards not listed here (an outline the annotator removed) stop being contacts."""

    task_id: int
    cards: list[ContactRecord | Rejection]


Outcome = ContactRecord | Rejection | NotExported | TaskCards


def assemble_task(task: dict[str, Any]) -> Outcome:
    """Decide what the CRM holds for ``task`` (a plain Label Studio task dict)."""
    task_id = int(task["id"])
    annotation = latest_annotation(task)
    if annotation is None:
        return NotExported(task_id, "no annotation")
    if annotation.get("was_cancelled"):
        return NotExported(task_id, "latest annotation cancelled")
    result = annotation.get("result") or []
    if not is_validated(result):
        return NotExported(task_id, "latest annotation not validated")

    prediction = pre_annotation(task, annotation)
    source = AnnotationSource(
        task_id=task_id,
        annotation_id=int(annotation["id"]),
        annotation_updated_at=annotation_updated_at(annotation),
        model_version=(prediction or {}).get("model_version") or None,
    )
    predicted_text = _predicted_texts(prediction)
    groups = card_groups(result)
    if len(groups) == 1 and groups[0].key == "":
        return assemble_card(source, groups[0], predicted_text)
    return TaskCards(task_id, [assemble_card(replace(source, card=g.key), g, predicted_text) for g in groups])


def assemble_card(
    source: AnnotationSource, group: CardGroup, predicted_text: dict[str, tuple[str, float]]
) -> ContactRecord | Rejection:
    """One card's regions -> its contact, or its rejection with the validator's reasons."""
    values: dict[str, Any] = empty_fields()
    confidence: dict[str, float] = {}
    reasons: list[dict[str, Any]] = []

    by_field = _regions_by_field(group)
    region_hint = region_hint_from(
        [FieldValue(f, r.text, r.text, 1.0) for f, regions in by_field.items() for r in regions]
    )
    for field_name, regions in by_field.items():
        texts = [r.text.strip() for r in regions]
        if field_name in MULTI_VALUE_FIELDS:
            raws = [t for t in texts if t]
        else:
            joined = _JOINERS.get(field_name, _DEFAULT_JOINER).join(t for t in texts if t)
            raws = [joined] if joined else []
        for raw in raws:
            # a number possible in the card's region is its own even where libphonenumber lags
            norm = normalise(field_name, raw, region_hint, region_known=region_hint is not None)
            if not norm.valid:
                reasons.append({"field": field_name, "value": raw, "reason": norm.reason or "invalid"})
            if not norm.value:
                continue
            if field_name in MULTI_VALUE_FIELDS:
                if norm.value not in values[field_name]:
                    values[field_name].append(norm.value)
            else:
                values[field_name] = norm.value
        if raws:
            confidence[field_name] = min(_region_confidence(r, predicted_text) for r in regions)

    if not any(values[f] for f in IDENTIFYING_FIELDS):
        reasons.append({"field": None, "value": None, "reason": "no full_name, email or phone"})
    if reasons:
        return Rejection(source, values, reasons)
    return ContactRecord(source, values, confidence)


def pre_annotation(task: dict[str, Any], annotation: dict[str, Any]) -> dict[str, Any] | None:
    """The prediction the annotator started from.

    Label Studio records it as ``parent_prediction`` when the annotation was made from the
    prediction; otherwise the task's newest prediction is the pre-annotation that was shown.
    """
    predictions = task.get("predictions") or []
    parent = annotation.get("parent_prediction")
    if parent is not None:
        for prediction in predictions:
            if prediction.get("id") == parent:
                return prediction
    if not predictions:
        return None
    return max(predictions, key=lambda p: (p.get("created_at") or "", p.get("id") or 0))


def _regions_by_field(group: CardGroup) -> dict[str, list[AnnotatedRegion]]:
    """Field regions of one card in reading order (top to bottom, left to right, in the card's
    own frame); OTHER dropped."""
    grouped: dict[str, list[AnnotatedRegion]] = {}
    for region in sorted(group.regions, key=group.reading_key):
        if region.field is not None:
            grouped.setdefault(region.field, []).append(region)
    return grouped


def _region_text(region: AnnotatedRegion) -> str:
    """Region text with spacing collapsed, to compare the annotator's text with the model's."""
    return " ".join(region.text.split())


def _predicted_texts(prediction: dict[str, Any] | None) -> dict[str, tuple[str, float]]:
    """Region id -> (text, score) of the pre-annotation, to tell kept values from corrected ones."""
    if not prediction:
        return {}
    default = float(prediction.get("score") or 0.0)
    return {
        r.id: (_region_text(r), r.score if r.score is not None else default)
        for r in regions_from_result(prediction.get("result") or [])
    }


def _region_confidence(region: AnnotatedRegion, predicted: dict[str, tuple[str, float]]) -> float:
    """The model's score when the annotator kept the model's text for this region, else 1.0.

    A value a person typed or corrected is as sure as the CRM can get; one they merely accepted
    is only as sure as the model was, which is what downstream review wants to sort by.
    """
    kept = predicted.get(region.id)
    if kept is not None and kept[0] == _region_text(region):
        return round(kept[1], 4)
    return 1.0
