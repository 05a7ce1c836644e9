"""PP-OCR through rapidocr 3.10 + onnxruntime, with the models shipped inside the wheel.

rapidocr's one-call API runs detection, classification and recognition in a fixed order,
drops lines it cannot read and hides the classifier's verdicts. The card pipeline needs each
step separately (one detection pass, then orientation from the boxes and classifier, then
recognition of already-upright crops, then re-reading of unread lines), so this module drives
rapidocr's three model objects directly. They are created by rapidocr itself (its
``_load_*_model`` methods, from its config and bundled model files), which keeps model
resolution, preprocessing and decoding exactly rapidocr's; requirements.txt pins the version.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import numpy as np

from ml_backend.config import Settings
from ml_backend.reading.ocr.orientation import box_sides
from ml_backend.reading.ocr.reread import create_reader
from ml_backend.reading.ocr.staged import StagedOcrEngine

log = logging.getLogger(__name__)

#: Detector input: the longer image side is scaled down to this many pixels. rapidocr's
#: default (the shorter side scaled *up* to 736) costs 3-4x more on a card and read our test
#: cards no better (scripts/bench_ocr.py); small text in large photos is handled below.
DET_LIMIT_SIDE = 736
DET_LIMIT_TYPE = "max"
#: Height (pixels, at detector scale) of the smallest detected line under which detection is
#: repeated closer up. A small card in a 12-megapixel photo shrinks to a few pixels of text at
#: 736 px: the detector then finds only the biggest lines (the name) and misses the rest, so
#: the smallest line *found* is the warning sign, not the typical one.
MIN_DET_TEXT_HEIGHT = 14.0
#: A card yields at least this many lines (name, title, company, contacts); fewer at the fast
#: size means the text was too small to find there at all (a small card far from the camera):
#: detection is repeated at the photo's own resolution. Measured on photographed cards: from
#: 0 to 4 lines, from 2 to 11; upscaling past the photo's resolution found no more.
MIN_LINES_FOUND = 4
#: Height the smallest line gets in the close-up, and the largest side the close-up may use.
TARGET_DET_TEXT_HEIGHT = 22.0
MAX_DET_SIDE = 2048
#: The close-up covers the found lines plus this share of their extent on every side (the
#: missed lines are on the same card, around the found ones).
ZOOM_MARGIN = 0.5
#: rapidocr batches 6 crops padded to the widest; one at a time was 20-40% faster on cards.
REC_BATCH = 1


class RapidOcrStages:
    """rapidocr's det/cls/rec ONNX sessions, built once with a fixed thread count."""

    def __init__(self, threads: int, det_limit_side: int = DET_LIMIT_SIDE) -> None:
        from rapidocr import RapidOCR

        params = {
            "Global.log_level": "warning",
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "Det.limit_side_len": det_limit_side,
            "Det.limit_type": DET_LIMIT_TYPE,
        }
        rapid = RapidOCR(params=params)
        self._det = rapid._load_det_model()
        self._cls = rapid._load_cls_model()
        self._rec = rapid._load_rec_model()
        self._rec.rec_batch_num = REC_BATCH
        self._det_side = det_limit_side
        # The detector keeps its input size as object state; a lock keeps concurrent reads
        # (threaded servers) from resizing each other's images.
        self._det_lock = threading.Lock()

    def _detect_at(self, bgr: np.ndarray, side: int) -> list[np.ndarray]:
        with self._det_lock:
            self._det.limit_side_len = side
            out = self._det(bgr)
        return [] if out.boxes is None else [np.asarray(b, dtype=np.float32) for b in out.boxes]

    def detect(self, bgr: np.ndarray) -> list[np.ndarray]:
        """Lines at the fast size; again at the photo's resolution when too few were found, or
        closer up on the text area when the text came out tiny.

        Upscaling the whole photo instead cost 3-4 s per 12-megapixel image; the close-up
        on the region around the lines already found costs about one more fast pass.
        """
        long_side = max(bgr.shape[:2])
        boxes = self._detect_at(bgr, self._det_side)
        if long_side <= self._det_side:
            return boxes
        if len(boxes) < MIN_LINES_FOUND:
            native = self._detect_at(bgr, min(long_side, MAX_DET_SIDE))
            log.debug("%d lines at side %d: %d at the photo's resolution", len(boxes), self._det_side, len(native))
            if len(native) > len(boxes):
                return native
        if not boxes:
            return boxes
        scale = self._det_side / long_side
        smallest = min(min(box_sides(b)) for b in boxes)
        if smallest * scale >= MIN_DET_TEXT_HEIGHT:
            return boxes
        points = np.concatenate(boxes)
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        margin = ZOOM_MARGIN * max(x1 - x0, y1 - y0)
        height, width = bgr.shape[:2]
        left, top = max(0, int(x0 - margin)), max(0, int(y0 - margin))
        right, bottom = min(width, int(x1 + margin) + 1), min(height, int(y1 + margin) + 1)
        region = np.ascontiguousarray(bgr[top:bottom, left:right])
        region_long = max(region.shape[:2])
        side = min(region_long, MAX_DET_SIDE, round(region_long * TARGET_DET_TEXT_HEIGHT / max(smallest, 1.0)))
        if side / region_long <= 1.2 * scale:
            return boxes
        log.debug("smallest line %.1f px at detector scale: detecting again on %dx%d region at side %d",
                  smallest * scale, right - left, bottom - top, side)
        offset = np.array([left, top], dtype=np.float32)
        return [b + offset for b in self._detect_at(region, side)]

    def classify(self, crops: Sequence[np.ndarray]) -> list[tuple[bool, float]]:
        out = self._cls(list(crops))
        return [("180" in label, float(score)) for label, score in out.cls_res]

    def recognize(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        from rapidocr.ch_ppocr_rec import TextRecInput

        out = self._rec(TextRecInput(img=list(crops)))
        return [(str(t), float(s)) for t, s in zip(out.txts, out.scores)]


def create_ppocr_engine(settings: Settings) -> StagedOcrEngine:
    stages = RapidOcrStages(threads=settings.ocr_threads)
    return StagedOcrEngine("ppocr", stages, create_reader(settings))
