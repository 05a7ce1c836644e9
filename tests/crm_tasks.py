"""Label Studio task dicts for the CRM tests, in the JSON shape Label Studio exports.

A region is a ``rectanglelabels`` item plus a ``textarea`` item (from_name "transcription")
sharing one region id, as the labeling config produces them; the card-level "validated" choice
is a ``choices`` item. Timestamps are ISO strings with a trailing Z, like Label Studio's.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from typing import Any

from ml_backend.schema import FIELD_TO_LABEL, OTHER_LABEL, VALIDATED_CHOICE, VALIDATED_CHOICES_NAME

BASE_TIME = datetime(2026, 1, 5, 9, 0, 0, tzinfo=timezone.utc)
_ids = itertools.count(1000)


def stamp(minutes: float) -> str:
    """An ISO timestamp ``minutes`` after BASE_TIME, Label Studio style."""
    return (BASE_TIME + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def region(field: str | None, text: str, y: float, x: float = 10.0, region_id: str | None = None,
           score: float | None = None) -> list[dict[str, Any]]:
    """The two result items of one region; ``field`` None gives an OTHER region."""
    rid = region_id or f"r{next(_ids)}"
    label = FIELD_TO_LABEL[field] if field else OTHER_LABEL
    geometry = {"x": x, "y": y, "width": 40.0, "height": 6.0, "rotation": 0}
    common = {"id": rid, "to_name": "image", "original_width": 1000, "original_height": 600, "image_rotation": 0}
    items = [
        {**common, "from_name": "label", "type": "rectanglelabels", "value": {**geometry, "rectanglelabels": [label]}},
        {**common, "from_name": "transcription", "type": "textarea", "value": {**geometry, "text": [text]}},
    ]
    if score is not None:
        for item in items:
            item["score"] = score
    return items


def validated_choice() -> dict[str, Any]:
    return {"id": f"c{next(_ids)}", "from_name": VALIDATED_CHOICES_NAME, "to_name": "image", "type": "choices",
            "value": {"choices": [VALIDATED_CHOICE]}}


def card_result(fields: dict[str, str | list[str]], validated: bool = True, extra: list | None = None) -> list[dict]:
    """Result items for ``fields`` (one region per value, top to bottom), plus the validated choice."""
    items: list[dict] = []
    y = 5.0
    for field, values in fields.items():
        for value in [values] if isinstance(values, str) else values:
            items += region(field, value, y)
            y += 8.0
    items += extra or []
    if validated:
        items.append(validated_choice())
    return items


def annotation(result: list[dict], minutes: float, annotation_id: int | None = None, *,
               cancelled: bool = False, parent_prediction: int | None = None) -> dict[str, Any]:
    return {
        "id": annotation_id or next(_ids),
        "result": result,
        "was_cancelled": cancelled,
        "ground_truth": False,
        "created_at": stamp(minutes),
        "updated_at": stamp(minutes),
        "parent_prediction": parent_prediction,
    }


def task(task_id: int, annotations: list[dict], predictions: list[dict] | None = None, project: int = 1) -> dict:
    return {"id": task_id, "project": project, "data": {"image": f"/data/upload/1/card-{task_id}.png"},
            "annotations": annotations, "predictions": predictions or []}


_FIRST = ("Anna", "Boris", "Clara", "David", "Elena")
_LAST = ("Smith", "Becker", "Martin", "Jones", "Taylor", "Moreau", "Novak")


def person(n: int) -> dict[str, str | list[str]]:
    """Valid contact fields for card ``n``; e-mail and phone are distinct per ``n``."""
    return {
        "full_name": f"{_FIRST[n % len(_FIRST)]} {_LAST[n % len(_LAST)]}",
        "position": "Sales Manager",
        "company": "Northwind Traders",
        "email": f"contact.{n}@northwind.com",
        "phone": f"+1 212 555 {n % 10000:04d}",
        "address": "350 Fifth Avenue, New York, NY 10118",
    }


def validated_task(task_id: int, n: int | None = None, minutes: float = 0.0, project: int = 1) -> dict:
    """A task whose one annotation is a validated, valid card."""
    return task(task_id, [annotation(card_result(person(task_id if n is None else n)), minutes)], project=project)


def multi_card_result(cards: list[dict[str, str | list[str]]], validated: bool = True, *,
                      with_parents: bool = True, outline_ids: list[str] | None = None) -> list[dict]:
    """An annotation of one image holding ``cards`` side by side, as the backend pre-annotates it
    (``ml_backend.studio.multicard_regions``): per card an OTHER outline region with
    ``meta.placement == "card"`` and field regions inside it that name it as ``parentID``
    (``with_parents=False``: regions the annotator drew, tied to no outline)."""
    items: list[dict] = []
    width = 90.0 / max(len(cards), 1)
    for k, fields in enumerate(cards):
        card_id = (outline_ids or [f"c{i + 1}" for i in range(len(cards))])[k]
        left = 5.0 + k * width
        outline = region(None, f"card {k + 1}", 5.0, x=left, region_id=card_id)
        for item in outline:
            item["value"].update(width=width - 2.0, height=90.0)
            item["meta"] = {"placement": "card", "card": k + 1}
        items += outline
        y = 10.0
        for field, values in fields.items():
            for value in [values] if isinstance(values, str) else values:
                part = region(field, value, y, x=left + 1.0, region_id=f"{card_id}-r{next(_ids)}")
                for item in part:
                    item["value"]["width"] = width - 4.0
                    if with_parents:
                        item["parentID"] = card_id
                items += part
                y += 8.0
    if validated:
        items.append(validated_choice())
    return items
