"""Reading every card of an image: detect the cards, read each deskewed crop with the pipeline.

``predict_cards(pipeline, image)`` is the multi-card entry point of the card pipeline. A single
card (the detector's whole-image answer) is read exactly as ``CardPipeline.predict`` reads it,
so single-card results do not change; several cards give one ``CardRead`` per card, in reading
order, each with the card's outline in the original image and a mapping of the crop's
coordinates back onto it (Label Studio regions are drawn on the original image).

The text-box fallback (``text_fallback=True``) is for sheets whose card edges do not show (white
cards on a white bed without shadow): the single-card reading's OCR lines are clustered, and
when they form separate card-sized groups each group is read again as a card. It is off by
default because a card with two text columns far apart can look like two cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from PIL import Image

from ml_backend.reading.cards import DetectedCard, cards_from_text_boxes, detect_cards, whole_image_card
from ml_backend.reading.geometry import to_original_frame
from ml_backend.schema import Card


class Predictor(Protocol):
    """What reading a card image needs of a pipeline, and what the server serves
    (``ml_backend.reading.pipeline.CardPipeline`` is one)."""

    model_version: str

    def predict(self, image: Image.Image) -> Card: ...


@dataclass
class CardRead:
    """One card of an image: where it is, how it was found, and the pipeline's reading of it."""

    detected: DetectedCard
    card: Card
    crop: Image.Image

    @property
    def outline(self) -> list[tuple[float, float]]:
        return self.detected.outline

    def to_original(self, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        """Points of the card's upright OCR frame -> pixels of the original (multi-card) image."""
        ocr = self.card.ocr
        in_crop = to_original_frame(points, ocr.rotation, ocr.width, ocr.height)
        return self.detected.to_image(in_crop)

    def to_json(self) -> dict[str, Any]:
        return {"outline": [[round(x, 1), round(y, 1)] for x, y in self.outline], "found_by": self.detected.method,
                **self.card.to_json()}


@dataclass
class MultiCardResult:
    """All cards of one image; ``multi`` when more than one was found."""

    cards: list[CardRead]
    width: int
    height: int

    @property
    def multi(self) -> bool:
        return len(self.cards) > 1

    def to_json(self) -> dict[str, Any]:
        return {"width": self.width, "height": self.height, "cards": [c.to_json() for c in self.cards]}


def predict_cards(pipeline: Predictor, image: Image.Image, *, detect: bool = True,
                  text_fallback: bool = False) -> MultiCardResult:
    """Every card of ``image`` read by ``pipeline`` (see module docstring); ``detect=False`` reads
    the image as one card without looking for others."""
    width, height = image.size
    detected = detect_cards(image) if detect else [whole_image_card(width, height)]
    if len(detected) == 1:
        card = pipeline.predict(image)
        if text_fallback and detect:
            ocr = card.ocr
            boxes = [to_original_frame(line.box, ocr.rotation, ocr.width, ocr.height) for line in ocr.lines]
            by_text = cards_from_text_boxes(boxes, width, height)
            if len(by_text) > 1:
                detected = by_text
        if len(detected) == 1:
            return MultiCardResult([CardRead(detected[0], card, image)], width, height)
    reads = []
    for found in detected:
        crop = found.crop(image)
        reads.append(CardRead(found, pipeline.predict(crop), crop))
    return MultiCardResult(reads, width, height)
