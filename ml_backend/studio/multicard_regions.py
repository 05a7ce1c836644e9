"""Label Studio prediction of an image with several cards: one group of regions per card.

Each card gets an outline region (a rectangle turned to the card's angle, label OTHER,
``meta.placement == "card"`` as for any whole-card region, so dataset builders skip it as a word
label) and its field regions, exactly as ``ls_format.card_to_prediction`` makes them for the
card's crop, moved onto the original image: the crop's boxes are mapped through the card's
outline, so a region of a tilted card is a rectangle tilted with it. Every region of card ``k``
carries ``meta.card == k`` and ``parentID`` = the id of its card's outline region, and region ids
start with ``c<k>-``: an annotator sees (and Label Studio's region list groups) which card each
value belongs to, and a consumer can rebuild one contact per card from an annotation.

``card_groups`` is that consumer's half: it reads an annotation (or prediction) back into one
``CardGroup`` per card outline -- the CRM export makes one contact of each, training one example.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable

from ml_backend.studio.regions import IMAGE_NAME, LABEL_NAME, AnnotatedRegion, card_to_prediction, regions_from_result
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


# --- reading region groups back ---------------------------------------------------------------

#: Pixel frame used for regions that record no image size (their percentages are then the frame).
_PERCENT_FRAME = (100, 100)


@dataclass(frozen=True)
class CardGroup:
    """The regions of one card of an annotation.

    ``key`` identifies the card within its task: the id of its outline region (``"c2"`` for the
    backend's second card, whatever id Label Studio gave an outline the annotator drew), or ``""``
    for an annotation without card outlines (a single card, as every task was before multi-card
    images). ``regions`` are the card's other regions (fields and OTHER), outline excluded.
    """

    key: str
    index: int  # 1-based, in the order the outlines appear (the backend writes reading order)
    outline: AnnotatedRegion | None
    regions: list[AnnotatedRegion]

    def reading_key(self, region: AnnotatedRegion) -> tuple[float, float]:
        """Sort key of ``region`` in reading order on this card: (y, x) of its top-left corner in
        the card's own frame, so lines of a tilted card still read top to bottom."""
        corner = _corners(region)[0]
        if self.outline is None:
            return (corner[1], corner[0])
        u, v = _card_frame(corner, _corners(self.outline, region))
        return (v, u)


def _frame(region: AnnotatedRegion, like: AnnotatedRegion | None = None) -> tuple[int, int]:
    ref = like or region
    if region.original_width and region.original_height:
        return region.original_width, region.original_height
    if ref.original_width and ref.original_height:
        return ref.original_width, ref.original_height
    return _PERCENT_FRAME


def _corners(region: AnnotatedRegion, like: AnnotatedRegion | None = None) -> list[tuple[float, float]]:
    return region.pixel_corners(*_frame(region, like))


def _card_frame(point: tuple[float, float], outline: list[tuple[float, float]]) -> tuple[float, float]:
    """``point`` in the outline's frame: distance along its top edge and down its left edge."""
    (x0, y0), (x1, y1), _, (x3, y3) = outline
    ux, uy = x1 - x0, y1 - y0
    vx, vy = x3 - x0, y3 - y0
    nu, nv = math.hypot(ux, uy) or 1.0, math.hypot(vx, vy) or 1.0
    dx, dy = point[0] - x0, point[1] - y0
    return ((dx * ux + dy * uy) / nu, (dx * vx + dy * vy) / nv)


def _centre(corners: list[tuple[float, float]]) -> tuple[float, float]:
    return (sum(p[0] for p in corners) / len(corners), sum(p[1] for p in corners) / len(corners))


def _distance_outside(point: tuple[float, float], outline: list[tuple[float, float]]) -> float:
    """0 when ``point`` lies in the (rectangular) outline, else how far outside it is, in pixels."""
    (x0, y0), (x1, y1), _, (x3, y3) = outline
    u, v = _card_frame(point, outline)
    w, h = math.hypot(x1 - x0, y1 - y0), math.hypot(x3 - x0, y3 - y0)
    du = max(-u, 0.0, u - w)
    dv = max(-v, 0.0, v - h)
    return math.hypot(du, dv)


def is_card_outline(region: AnnotatedRegion, parents: set[str]) -> bool:
    """A card outline: a region without a field that other regions name as their parent, or one
    the backend placed over a whole card (``meta.placement == "card"``)."""
    return region.field is None and (region.id in parents or region.placement == "card")


def card_groups(result: Iterable[dict[str, Any]]) -> list[CardGroup]:
    """One ``CardGroup`` per card outline of a Label Studio ``result`` (annotation or prediction).

    A region goes to the outline it names as ``parentID``; a region without one (the annotator
    drew it) goes to the outline its centre lies in, else to the nearest outline, so no value of
    a multi-card annotation is lost. Without outlines the whole result is one group with key "".
    """
    regions = regions_from_result(result)
    parents = {r.parent_id for r in regions if r.parent_id}
    outlines = [r for r in regions if is_card_outline(r, parents)]
    others = [r for r in regions if not is_card_outline(r, parents)]
    if not outlines:
        return [CardGroup("", 1, None, others)]
    members: dict[str, list[AnnotatedRegion]] = {o.id: [] for o in outlines}
    for region in others:
        if region.parent_id in members:
            members[region.parent_id].append(region)
            continue
        centre = _centre(_corners(region))
        nearest = min(outlines, key=lambda o: _distance_outside(centre, _corners(o, region)))
        members[nearest.id].append(region)
    return [CardGroup(o.id, k, o, members[o.id]) for k, o in enumerate(outlines, 1)]
