"""The PP-OCR reading procedure, shared by the ONNX (rapidocr) and native Paddle back ends.

detect lines -> crop -> line classifier -> card orientation (checked by reading the longest
lines both ways up when the vote is close or says upside down) -> recognise -> re-read Cyrillic
lines with Tesseract (on a Cyrillic card, confident Latin readings too) -> on a card lying on
its side, all of that once more on the card turned upright -> drop junk -> reading order, in the
upright frame -> Cyrillic words spelled with Latin look-alikes restored on Cyrillic cards.

PP-OCR's detector was trained on horizontal text: on a card turned 90 degrees it misses lines
that it finds once the card is upright (an e-mail line between two others on a clean scan), and
crops cut along vertical lines read worse. Measured on the 93 side-lying cards of six generated
sets: character error of the field lines 2.5% -> 1.6%, lines missed 1.6% -> 0.5%, field micro-F1
0.949 -> 0.957, for one more pass (about 0.6 s) on those cards only.

Back ends only supply the three model calls (``OcrStages``); orientation, re-reading, junk
rules and geometry live here once, so both engines behave the same on the same card.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np
from PIL import Image

from ml_backend.text.cyrillic import MIN_CARD_CYRILLIC_SHARE, cyrillic_share, restore_cyrillic
from ml_backend.reading.geometry import order_quad, reading_order, rotate_image, rotate_points
from ml_backend.reading.ocr.orientation import TALL_RATIO, Orientation, decide_orientation
from ml_backend.reading.ocr.reread import (
    MIN_TESSERACT_CONFIDENCE,
    Reading,
    TesseractReader,
    needs_reread,
    prefer_reread,
    prefer_second_look,
    with_number_read_by,
    with_slashes_read_by,
    word_lines,
    worth_second_look,
)
from ml_backend.schema import OcrLine, OcrResult
from ml_backend.text.lexicon import COMMON_TLDS

log = logging.getLogger(__name__)

#: Lines scoring below this are unreadable noise (rapidocr's own default cut-off).
MIN_LINE_SCORE = 0.5
#: One-character lines are kept only above this score: round logos read as "O" at 0.7-0.92.
MIN_SINGLE_CHAR_SCORE = 0.95
#: An orientation vote less one-sided than this is checked by reading lines both ways up
#: (measured: most right calls score >= 0.5, most wrong ones on upright Cyrillic/blurred photos
#: < 0.2; an "upside down" verdict is checked however one-sided, see ``_checked_by_reading``).
CLOSE_VOTE = 0.4
#: Card rotations for which the classifier found the line crops upright (an upright card, or
#: one lying on its side whose crops were turned a quarter the right way).
CROPS_UPRIGHT = (0, 270)
#: Longest lines read both ways to check a close or upside-down vote.
SETTLE_LINES = 8
#: Images are read at most this large (longer side). A 12-megapixel phone photo holds far more
#: pixels than the recogniser's 48-px line height needs; copying, converting and cropping it
#: at full size cost more than the models did.
MAX_WORK_SIDE = 2048


class OcrStages(Protocol):
    """The three PP-OCR models of one back end, on BGR uint8 arrays."""

    def detect(self, bgr: np.ndarray) -> list[np.ndarray]:
        """Text line quads (4x2, clockwise from top-left) in the array's pixel coordinates."""
        ...

    def classify(self, crops: Sequence[np.ndarray]) -> list[tuple[bool, float]]:
        """Per crop: (is upside down, classifier score)."""
        ...

    def recognize(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        """Per crop: (text, score)."""
        ...


#: PP-OCR's recognisers were trained on Chinese text too and sometimes answer with full-width
#: forms ("ＬＴD", "Granite，Inc.", "：") and CJK punctuation for their Latin twins.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: " ", 0x3001: ",", 0x3002: "."}


def halfwidth(text: str) -> str:
    """``text`` with full-width letters, digits and punctuation as their ASCII twins."""
    return text.translate(_FULLWIDTH)


#: Four or more single letters one space apart: a word printed letter-spaced ("M A N A G E R"),
#: which the recogniser reads letter by letter. Initials carry dots and come in twos or threes.
_LETTER_SPACED = re.compile(r"(?<!\S)(?:[^\W\d_] ){3,}[^\W\d_](?!\S)")
#: A space the recogniser put beside the "@" of an e-mail address ("kelly@ meridian.org.uk"),
#: or a slash it read after it ("mail @/korolev.ru"): no address has either there.
_SPACED_AT = re.compile(r"(?<=[\w.+\-])\s*@[\s/]*(?=[^\W_][\w\-]*\.)")
#: A separator between a number and an e-mail address that lost its spaces
#: ("209.746.7391/mary_townsend@huber.com"): the two are separate words.
_UNSPACED_SEPARATOR_BEFORE_EMAIL = re.compile(r"(?<=\d)\s?([/|•·])\s?(?=[^\W\d_][\w.+\-]*@)")
#: ... or with no separator at all ("M:07466506129roberts@mitchell-may.com"): no local part of an
#: e-mail address starts with a phone number's seven digits or more and goes on in letters.
_PHONE_RUN_INTO_EMAIL = re.compile(r"(?<!\w)(\d{7,})(?=[^\W\d_][\w.+\-]*@[^\W_][\w\-]*\.)")
#: An ampersand that lost the space on one side ("Logistics &Associates", "Smith& Co").
_AMPERSAND_SPACE_LOST_AFTER = re.compile(r"(?<=\s)&(?=[^\W\d_])")
_AMPERSAND_SPACE_LOST_BEFORE = re.compile(r"(?<=[^\W\d_])&(?=\s)")
#: A comma between two words that lost its space ("ADAM HOWELL,ARMED FORCES TECHNICAL OFFICER"):
#: the tagger must see the two words apart. Not in a token with "@", a dot, a slash or a colon:
#: that is an e-mail or web address whose dot was read as a comma ("ivan,petrov@mail.ru").
_COMMA_SPACE_LOST = re.compile(r"(?<!\S)[^\s@./:]*[^\W\d_],[^\W\d_][^\s@./:]*(?!\S)")
_COMMA_BETWEEN_LETTERS = re.compile(r"(?<=[^\W\d_]),(?=[^\W\d_])")
#: An e-mail address whose domain lost its dot to a space ("support@anderson-capital com"): a
#: domain has a dot, and a top-level domain is no word of its own.
_SPACED_TLD_AFTER_AT = re.compile(
    r"(@[a-z0-9][a-z0-9\-]*)\s+(" + "|".join(sorted(t for t in COMMON_TLDS if t.isascii())) + r")(?![\w.@])"
)


def closed_up(text: str) -> str:
    """``text`` with the gaps the recogniser opens inside one printed word closed and the ones it
    lost around "&" opened: letter-spaced words closed up ("SALES M A N A G E R" -> "SALES
    MANAGER"), an e-mail address rejoined at its "@" and at its domain's last dot ("a@acme com"),
    "Logistics &Associates", "HOWELL,ARMED" and a number and an e-mail address run together
    ("7391/mary@x.com", "07466506129roberts@x.com") spaced as printed."""
    text = _SPACED_AT.sub("@", _LETTER_SPACED.sub(lambda m: m.group().replace(" ", ""), text))
    text = _UNSPACED_SEPARATOR_BEFORE_EMAIL.sub(r" \1 ", _SPACED_TLD_AFTER_AT.sub(r"\1.\2", text))
    text = _PHONE_RUN_INTO_EMAIL.sub(r"\1 ", text)
    text = _COMMA_SPACE_LOST.sub(lambda m: _COMMA_BETWEEN_LETTERS.sub(", ", m.group()), text)
    return _AMPERSAND_SPACE_LOST_BEFORE.sub(" &", _AMPERSAND_SPACE_LOST_AFTER.sub("& ", text))


def crop_line(bgr: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The quad's pixels warped to an axis-aligned strip; tall strips turned a quarter
    counter-clockwise, as PP-OCR's own pipeline does (orientation relies on that convention)."""
    pts = np.asarray(quad, dtype=np.float32)
    width = int(max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[3] - pts[2])))
    height = int(max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2])))
    width, height = max(width, 1), max(height, 1)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(pts, target)
    strip = cv2.warpPerspective(bgr, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    if height >= TALL_RATIO * width:
        strip = np.rot90(strip)
    return np.ascontiguousarray(strip)


#: Recognitions scoring below this say nothing about which way up a line is: text read the
#: wrong way up comes back as letters scoring 0.4-0.8 ("Kapnnor" for an upside-down "Кардиолог").
MIN_EVIDENCE_SCORE = 0.85


def read_evidence(text: str, score: float) -> float:
    """How much readable text a recognition found: its letters and digits, weighted by its score,
    when the recogniser is sure of it.

    A mean score cannot tell the two ways up apart on a Cyrillic card: the recogniser (Latin
    only) answers an upright Cyrillic line with a blank (" ") at 0.9 and the same line upside
    down with Latin-looking letters at 0.6-0.8. What decides is the lines it reads surely one
    way up and not the other: phone numbers, e-mail and web addresses, Latin words."""
    return score * sum(c.isalnum() for c in text) if score >= MIN_EVIDENCE_SCORE else 0.0


def is_junk(text: str, score: float, min_score: float = MIN_LINE_SCORE) -> bool:
    """Lines that carry no contact information: empty, unreadable, symbols only, stray letters."""
    stripped = text.strip()
    if not stripped or score < min_score:
        return True
    if not any(c.isalnum() for c in stripped):
        return True
    return len(stripped) == 1 and score < MIN_SINGLE_CHAR_SCORE


@dataclass
class _FrameReading:
    """One pass over an image: the card's rotation as the pass judged it, and per detected line
    its quad (in the image's pixel frame) with (text, score, source)."""

    rotation: int
    readings: list[tuple[np.ndarray, tuple[str, float, str]]]


class StagedOcrEngine:
    """An ``OcrEngine`` over any ``OcrStages``; one instance per process (models load once)."""

    def __init__(self, name: str, stages: OcrStages, reader: TesseractReader | None) -> None:
        self.name = name
        self.stages = stages
        self.reader = reader

    def read(self, image: Image.Image) -> OcrResult:
        rgb = image if image.mode == "RGB" else image.convert("RGB")
        width, height = rgb.size
        shrink = min(1.0, MAX_WORK_SIDE / max(width, height))
        if shrink < 1.0:
            work_size = (max(1, round(width * shrink)), max(1, round(height * shrink)))
            rgb = rgb.resize(work_size, Image.Resampling.BILINEAR, reducing_gap=2.0)
        found = self._read_frame(rgb)
        if found is None:
            return OcrResult(lines=[], width=width, height=height, rotation=0)
        turned = 0
        if found.rotation in (90, 270):
            upright = self._read_frame(rotate_image(rgb, found.rotation))
            if upright is not None and upright.rotation in (0, 180) and len(upright.readings) >= len(found.readings):
                log.debug("card on its side: %d lines detected upright, %d as given",
                          len(upright.readings), len(found.readings))
                turned, found = found.rotation, upright
        rotation = (turned + found.rotation) % 360
        # the frame the quads are in, at the original scale
        frame_w, frame_h = (height, width) if turned in (90, 270) else (width, height)
        upright_w, upright_h = (height, width) if rotation in (90, 270) else (width, height)
        lines: list[OcrLine] = []
        dropped = 0
        for quad, (text, score, source) in found.readings:
            text = closed_up(text)
            # Tesseract's confidences run lower than PP-OCR's; its lines passed their own bar.
            if is_junk(text, score, MIN_TESSERACT_CONFIDENCE if source == "tesseract" else MIN_LINE_SCORE):
                dropped += 1
                continue
            corners = np.clip(quad / shrink, 0, [frame_w, frame_h])  # unclipped boxes spill over edges
            box = order_quad(rotate_points(corners.tolist(), found.rotation, frame_w, frame_h))
            lines.append(OcrLine(text=text, box=box, confidence=float(score), source=source))
        if dropped:
            log.debug("%s: dropped %d of %d detected lines as unreadable or junk", self.name, dropped,
                      len(found.readings))
        ordered = restore_cyrillic([lines[i] for i in reading_order([ln.box for ln in lines])])
        return OcrResult(lines=ordered, width=upright_w, height=upright_h, rotation=rotation)

    def _read_frame(self, rgb: Image.Image) -> _FrameReading | None:
        """Detect, orient, recognise and re-read the lines of one (working-size) image; None when
        no line was detected. Quads stay in the image's own pixel frame."""
        bgr = np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])
        quads = self.stages.detect(bgr)
        if not quads:
            return None
        crops = [crop_line(bgr, q) for q in quads]
        orientation, read = self._checked_by_reading(crops, decide_orientation(quads, self.stages.classify(crops)))
        crops = [np.ascontiguousarray(np.rot90(c, 2)) if flip else c for c, flip in zip(crops, orientation.flip_crop)]
        unread = [i for i in range(len(crops)) if i not in read]
        if unread:
            read.update(zip(unread, self.stages.recognize([crops[i] for i in unread])))
        readings = [read[i] for i in range(len(crops))]
        reread = [self._reread_if_needed(crop, text, score) for crop, (text, score) in zip(crops, readings)]
        reread = self._second_look_if_cyrillic(crops, reread)
        return _FrameReading(orientation.rotation, list(zip(quads, reread)))

    def _checked_by_reading(
        self, crops: list[np.ndarray], orientation: Orientation
    ) -> tuple[Orientation, dict[int, tuple[str, float]]]:
        """A card the line classifier could not agree on (blur), or voted upside down, is
        checked by reading its longest lines both ways up: text the right way up yields more
        surely read letters and digits (``read_evidence``), or, where neither way reads anything
        surely (a blurred photo), higher recogniser scores on the whole. The classifier was
        trained on Latin and Chinese text only, and calls upright Cyrillic lines upside down
        with scores up to 0.98: a wrong 180-degree turn loses every field of the card. Returns
        the orientation and the readings of the lines already read that way up (by crop index),
        so that the check costs one more recognition of a few lines, only on the few cards that
        need it."""
        if orientation.certainty >= CLOSE_VOTE and orientation.rotation in CROPS_UPRIGHT:
            return orientation, {}
        longest = sorted((i for i, d in enumerate(orientation.dominant) if d),
                         key=lambda i: -crops[i].shape[1])[:SETTLE_LINES]
        if not longest:
            return orientation, {}
        other = orientation.flipped()

        def read(o: Orientation) -> dict[int, tuple[str, float]]:
            turned = [np.ascontiguousarray(np.rot90(crops[i], 2)) if o.flip_crop[i] else crops[i] for i in longest]
            return dict(zip(longest, self.stages.recognize(turned)))

        def evidence(readings: dict[int, tuple[str, float]]) -> float:
            return sum(read_evidence(text, score) for text, score in readings.values())

        def mean_score(readings: dict[int, tuple[str, float]]) -> float:
            return float(np.mean([score for _, score in readings.values()]))

        kept, flipped = read(orientation), read(other)
        # sure readings decide; on a blurred photo where neither way reads anything surely, the
        # way that reads better on the whole does
        measure = evidence if evidence(kept) or evidence(flipped) else mean_score
        log.debug("orientation vote %d (%.2f): %s %.2f as voted, %.2f turned", orientation.rotation,
                  orientation.certainty, measure.__name__, measure(kept), measure(flipped))
        return (other, flipped) if measure(flipped) > measure(kept) else (orientation, kept)

    def _second_look_if_cyrillic(
        self, crops: list[np.ndarray], readings: list[tuple[str, float, str]]
    ) -> list[tuple[str, float, str]]:
        """On a card the first pass found Cyrillic, re-read the lines PP-OCR read confidently in
        Latin: its recogniser has no Cyrillic glyphs, so "Москва" came back as "Mockaa" with a
        high score and passed ``needs_reread``. Latin cards are never touched (no Cyrillic was
        found on them), so German and French diacritics cannot trigger this. The card's script is
        judged on its word lines: a Russian card prints its e-mails and web addresses in Latin."""
        if self.reader is None or cyrillic_share(word_lines([t for t, _, _ in readings])) < MIN_CARD_CYRILLIC_SHARE:
            return readings
        out = []
        for crop, (text, score, source) in zip(crops, readings):
            if source == self.name and worth_second_look(text):
                reading = self._read_with_tesseract(crop)
                if prefer_second_look(text, reading.text, reading.confidence):
                    text, score, source = reading.text, reading.confidence, "tesseract"
            out.append((text, score, source))
        return out

    def _read_with_tesseract(self, crop: np.ndarray) -> Reading:
        """Tesseract's reading of a BGR line crop (``self.reader`` is set)."""
        assert self.reader is not None
        return self.reader.read_line(Image.fromarray(np.ascontiguousarray(crop[:, :, ::-1])))

    def _reread_if_needed(self, crop: np.ndarray, text: str, score: float) -> tuple[str, float, str]:
        text = " ".join(halfwidth(text).split())
        if self.reader is None or not needs_reread(text, score, crop.shape[1], crop.shape[0]):
            return text, score, self.name
        reading = self._read_with_tesseract(crop)
        if prefer_reread(text, score, reading.text, reading.confidence):
            return with_slashes_read_by(text, with_number_read_by(text, reading.text)), reading.confidence, "tesseract"
        return text, score, self.name
