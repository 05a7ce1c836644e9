"""The card pipeline: image -> QR -> OCR lines -> tagged words -> field values -> validated Card.

Every stage, top to bottom, and the data it hands on:

    qr        qr.decode_qr(image)                   -> QrContact: vCard/MeCard fields, box
    ocr       ocr.OcrEngine.read(image)             -> OcrResult: upright lines in reading order, in their script
    respell   respell.respelled(ocr)                -> OcrResult: Russian words misread by a letter put right
    layout    layout.LayoutTagger.tag(words, ...)   -> list[TaggedWord]: BIO tags
    fields    fields.words_to_values(tagged)        -> list[FieldValue] (source "model")
              fields.merge_qr(values, qr.fields)    -> + the QR code's values, which win
    lines     lines.card_region(values, ocr.lines)  -> CardRegion: the phone region
              lines.read_lines(ocr.lines, region)   -> LineEvidence: what the lines show
    validate  Validator.check(values, region)       -> checked list[FieldValue]
              lines.merge_lines(values, evidence)   -> + values the tagger missed (source "rule")
              Validator.settle(values, evidence)    -> cross-checked list[FieldValue]
    card      confidence.card_confidence(...)       -> Card

Nothing after ``read_lines`` reads OCR text; nothing flows back up.

``CardPipeline.load`` builds every model once (OCR engine, LayoutLMv3, spaCy rules); ``predict``
is then cheap and thread-safe to call per image. The server keeps one pipeline per process and
swaps it whole when a new model version is promoted.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from PIL import Image

from ml_backend.config import Settings, load_settings
from ml_backend.reading.confidence import card_confidence
from ml_backend.reading.fields import merge_qr, words_to_values
from ml_backend.reading.layout import LayoutTagger, words_from_lines
from ml_backend.reading.lines import card_region, merge_lines, read_lines
from ml_backend.reading.ocr import OcrEngine, create_engine
from ml_backend.reading.respell import load as load_respelling, respelled
from ml_backend.reading.geometry import rotate_image
from ml_backend.reading.qr import QrContact, decode_qr
from ml_backend.schema import Card, FieldValue, OcrLine, OcrResult, TaggedWord
from ml_backend.reading.validate import Validator

log = logging.getLogger(__name__)

#: Stages timed for every card, in pipeline order (the latency benchmark reports these).
STAGES = ("qr", "ocr", "respell", "layout", "fields", "lines", "validate")


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = time.perf_counter() - start


def _bbox(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = zip(*points)
    return (min(xs), min(ys), max(xs), max(ys))


@dataclass
class CardPipeline:
    """Everything needed to read one card, loaded once."""

    settings: Settings
    ocr: OcrEngine
    tagger: LayoutTagger
    validator: Validator

    @classmethod
    def load(cls, settings: Settings | None = None, model_dir: str | Path | None = None) -> "CardPipeline":
        settings = settings or load_settings()
        model_dir = Path(model_dir or settings.model_dir)
        if not model_dir.exists():
            raise FileNotFoundError(
                f"model directory {model_dir} does not exist: build the default model with "
                "`python scripts/bootstrap_model.py` or set CARDLOOP_MODEL_DIR"
            )
        started = time.perf_counter()
        load_respelling()
        pipeline = cls(
            settings=settings,
            ocr=create_engine(settings),
            tagger=LayoutTagger.from_pretrained(str(model_dir), settings=settings),
            validator=Validator(settings),
        )
        log.info("pipeline loaded: model %s, OCR %s, %.1f s", pipeline.model_version, pipeline.ocr.name,
                 time.perf_counter() - started)
        return pipeline

    @property
    def model_version(self) -> str:
        return self.tagger.version

    def read_values(self, tagged: list[TaggedWord], qr: QrContact | None, ocr: OcrResult,
                    timings: dict[str, float] | None = None) -> tuple[list[FieldValue], list[str]]:
        """The post-tagger stages: tagged words (and the QR code's values) -> validated values,
        and the fields the QR code gave; each stage's time in ``timings``. Milliseconds, and no
        model: the rules report (``python -m ml_backend rules``) reruns them on cached OCR and
        tagger output."""
        timings = {} if timings is None else timings
        with _timed(timings, "fields"):
            values = words_to_values(tagged)  # retag and decode rules
            qr_fields: list[str] = []
            if qr is not None:
                values, qr_fields = merge_qr(values, qr.fields)
        return read_card_values(self.validator, values, ocr.lines, timings=timings), qr_fields

    def read_words(self, image: Image.Image, timings: dict[str, float] | None = None
                   ) -> tuple[QrContact | None, OcrResult, list[TaggedWord]]:
        """The model stages: the QR code, the OCR lines (those inside the code left out) and the
        tagged words of one (already decoded, EXIF-transposed) card image; each stage's time in
        ``timings``."""
        timings = {} if timings is None else timings
        with _timed(timings, "qr"):
            qr = decode_qr(image) if self.settings.qr_enabled else None

        with _timed(timings, "ocr"):
            ocr: OcrResult = self.ocr.read(image)
        with _timed(timings, "respell"):
            ocr = respelled(ocr)
        if qr is not None:  # the modules of a QR code sometimes read as text
            ocr.lines = [ln for ln in ocr.lines if not qr.covers(ln, ocr)]

        with _timed(timings, "layout"):
            words = words_from_lines(ocr.lines)
            # a model with visual embeddings must see the card as upright as the word boxes are
            upright = rotate_image(image, ocr.rotation) if self.tagger.uses_image else None
            tagged = self.tagger.tag(words, ocr.width, ocr.height, image=upright) if words else []
        return qr, ocr, tagged

    def predict(self, image: Image.Image) -> Card:
        """Read one (already decoded, EXIF-transposed) card image."""
        timings: dict[str, float] = {}
        total_start = time.perf_counter()
        qr, ocr, tagged = self.read_words(image, timings)

        values, qr_fields = self.read_values(tagged, qr, ocr, timings)

        timings["total"] = time.perf_counter() - total_start
        return Card(
            values=values,
            confidence=card_confidence(tagged, values, self.settings.uncertainty),
            ocr=ocr,
            words=tagged,
            qr_fields=qr_fields,
            qr_box=_bbox(qr.box) if qr is not None else None,
            model_version=self.model_version,
            timings=timings,
        )


def read_card_values(validator: Validator, values: list[FieldValue], lines: list[OcrLine], *,
                     region_hint: str | None = None, timings: dict[str, float] | None = None) -> list[FieldValue]:
    """The stages after decoding: a card's values (the tagger's and its QR code's) and its OCR
    lines -> its validated values. ``region_hint`` forces the phone region (tests, a known
    country); each stage's time in ``timings``."""
    timings = {} if timings is None else timings
    with _timed(timings, "lines"):
        region = card_region(values, lines, validator.default_region, forced=region_hint)
        evidence = read_lines(lines, region)  # what the OCR lines show beside the tagger, read once
    with _timed(timings, "validate"):
        values, card = validator.check(values, region)
        values = merge_lines(values, evidence, card.read_from_email)  # values the tagger missed
        values = validator.settle(values, evidence)
    return values
