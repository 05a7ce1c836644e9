"""PP-OCR through native PaddleOCR 3.7 + PaddlePaddle 3.2.2 (optional: requirements-paddle.txt).

Same reading procedure as the default engine (``StagedOcrEngine``: card orientation, Tesseract
re-read, junk rules), with PaddleOCR's single-model predictors as the three stages. The models
are local folders made by ``scripts/prepare_paddle_models.py`` (PaddleOCR would otherwise try
to download them). Paddle is imported only when this engine is created, so the default
``ppocr`` path never needs it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ml_backend.config import Settings
from ml_backend.reading.ocr.reread import create_reader
from ml_backend.reading.ocr.staged import StagedOcrEngine

log = logging.getLogger(__name__)

#: Folder under settings.paddle_model_dir -> PaddleX model name (as written in its inference.yml).
MODEL_NAMES = {
    "det": "PP-OCRv4_mobile_det",
    "rec": "PP-OCRv4_mobile_rec",
    "cls": "PP-LCNet_x0_25_textline_ori",
}
#: Same detector input rule as the ppocr engine (see ml_backend.reading.ocr.ppocr.DET_LIMIT_SIDE).
DET_LIMIT_SIDE = 736
DET_LIMIT_TYPE = "max"


class PaddleStages:
    """PaddleOCR's TextDetection / TextLineOrientationClassification / TextRecognition."""

    def __init__(self, model_dir: Path, threads: int) -> None:
        missing = [name for name in MODEL_NAMES if not (model_dir / name / "inference.yml").is_file()]
        if missing:
            raise FileNotFoundError(
                f"Paddle models missing in {model_dir} ({', '.join(missing)}): run scripts/prepare_paddle_models.py"
            )
        try:
            from paddleocr import TextDetection, TextLineOrientationClassification, TextRecognition
        except ImportError as exc:
            raise RuntimeError(
                "OCR engine 'paddle' needs the optional extras: pip install -r requirements-paddle.txt"
            ) from exc
        common = {"device": "cpu", "cpu_threads": threads}
        self._det = TextDetection(
            model_name=MODEL_NAMES["det"], model_dir=str(model_dir / "det"),
            limit_side_len=DET_LIMIT_SIDE, limit_type=DET_LIMIT_TYPE, **common,
        )
        self._cls = TextLineOrientationClassification(
            model_name=MODEL_NAMES["cls"], model_dir=str(model_dir / "cls"), **common
        )
        self._rec = TextRecognition(model_name=MODEL_NAMES["rec"], model_dir=str(model_dir / "rec"), **common)

    def detect(self, bgr: np.ndarray) -> list[np.ndarray]:
        (result,) = self._det.predict(bgr, batch_size=1)
        return [np.asarray(p, dtype=np.float32).reshape(4, 2) for p in result["dt_polys"]]

    def classify(self, crops: Sequence[np.ndarray]) -> list[tuple[bool, float]]:
        out = []
        for result in self._cls.predict(list(crops), batch_size=6):
            out.append(("180" in str(result["label_names"][0]), float(result["scores"][0])))
        return out

    def recognize(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        return [(str(r["rec_text"]), float(r["rec_score"])) for r in self._rec.predict(list(crops), batch_size=1)]


def create_paddle_engine(settings: Settings) -> StagedOcrEngine:
    stages = PaddleStages(Path(settings.paddle_model_dir), settings.ocr_threads)
    return StagedOcrEngine("paddle", stages, create_reader(settings))
