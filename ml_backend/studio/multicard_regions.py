"""Label Studio prediction of an image with several cards: one group of regions per card.

Each card gets an outline region (a rectangle turned to the card's angle, label OTHER,
``meta.placement == "card"`` as for any whole-card region, so dataset builders skip it as a word
label) and its field regions, exactly as ``ls_format.card_to_prediction`` makes them for the
card's crop, moved onto the original image: the crop's boxes are mapped through the card's
outline, so a region of a tilted card is a rectangle tilted with it. Every region of card ``k``
carries ``meta.card == k`` and ``parentID`` = the id of its card's outline region, and region ids
start with ``c<k>-``: an annotator sees (and Label Studio's region list groups) which card each
value belongs to, and a consumer can rebuild one contact per card from an annotation.
"""

from __future__ import annotations

import math
from typing import Any

from ml_backend.studio.regions import IMAGE_NAME, LABEL_NAME, card_to_prediction
from ml_backend.reading.multicard import CardRead, MultiCardResult
from ml_backend.schema import OTHER_LABEL

_DIGITS = 4


def _rotated_rect(corners: list[tuple[float, float]], width: int, height: int) -> dict[str, float]:
    """Label Studio rectangle geometry (percent, turned about its top-left corner) of a quad
    given clockwise from its top-left corner, in pixels of a ``width`` x ``height`` image."""
    (x0, y0), (x1, y1), _, (x3, y3) = corners
    return {
        "x": round(x0 / width * 100, _DIGITS),
        "y": round(y0 / height * 100, _DIGITS),
        "width": round(math.hypot(x1 - x0, y1 - y0) / width * 100, _DIGITS),
        "height": round(math.hypot(x3 - x0, y3 - y0) / height * 100, _DIGITS),
        "rotation": round(math.degrees(math.atan2(y1 - y0, x1 - x0)) % 360, _DIGITS),
    }


def _move_item(item: dict[str, Any], read: CardRead, card_id: str, k: int, width: int, height: int) -> dict[str, Any]:
    """A region item of the card's crop prediction, placed on the original image."""
    crop_w, crop_h = read.crop.size
    v = item["value"]
    x0, y0 = v["x"] / 100 * crop_w, v["y"] / 100 * crop_h
    x1, y1 = x0 + v["width"] / 100 * crop_w, y0 + v["height"] / 100 * crop_h
    corners = read.detected.to_image([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    meta = {**item.get("meta", {}), "card": k}
    return {**item, "id": f"{card_id}-{item['id']}", "parentID": card_id, "original_width": width,
            "original_height": height, "meta": meta, "value": {**v, **_rotated_rect(corners, width, height)}}


def cards_to_prediction(result: MultiCardResult, model_version: str | None = None) -> dict[str, Any]:
    """One Label Studio prediction holding every card's region group (see module docstring).

    The task score is the lowest card confidence: active learning should look first at an image
    whose weakest card is unsure.
    """
    width, height = result.width, result.height
    items: list[dict[str, Any]] = []
    for k, read in enumerate(result.cards, 1):
        card_id = f"c{k}"
        items.append({
            "id": card_id, "from_name": LABEL_NAME, "to_name": IMAGE_NAME, "type": "rectanglelabels",
            "original_width": width, "original_height": height, "image_rotation": 0,
            "score": round(float(read.card.confidence), _DIGITS),
            "meta": {"placement": "card", "card": k, "text": [f"card {k} of {len(result.cards)}"]},
            "value": {**_rotated_rect(list(read.outline), width, height), "rectanglelabels": [OTHER_LABEL]},
        })
        crop_w, crop_h = read.crop.size
        per_card = card_to_prediction(read.card, crop_w, crop_h)
        items.extend(_move_item(item, read, card_id, k, width, height) for item in per_card["result"])
    version = model_version if model_version is not None else (
        result.cards[0].card.model_version if result.cards else "")
    score = min((float(r.card.confidence) for r in result.cards), default=0.0)
    return {"model_version": version, "score": round(score, _DIGITS), "result": items}
