"""OCR engines behind one interface: an RGB card image in, upright text lines out.

    engine = create_engine(settings)      # once per process: loads the models
    result = engine.read(image)           # OcrResult: lines in the upright frame + rotation
    to_original_frame(line.box, result.rotation, result.width, result.height)

Engines: ``ppocr`` (rapidocr + onnxruntime, default) and ``paddle`` (native PaddleOCR, optional
extras in requirements-paddle.txt). Both re-read Cyrillic lines with Tesseract when available.
"""

from __future__ import annotations

from typing import Protocol

from PIL import Image

from ml_backend.config import Settings
from ml_backend.reading.geometry import to_original_frame, to_upright_frame
from ml_backend.schema import OcrResult

ENGINES = ("ppocr", "paddle")


class OcrEngine(Protocol):
    name: str

    def read(self, image: Image.Image) -> OcrResult:
        """Lines of an RGB image, turned upright; see ``OcrResult`` for the frame."""
        ...


def create_engine(settings: Settings) -> OcrEngine:
    """The engine ``settings.ocr_engine`` names, with its models loaded (call once per process)."""
    name = settings.ocr_engine.strip().lower()
    if name == "ppocr":
        from ml_backend.reading.ocr.ppocr import create_ppocr_engine

        return create_ppocr_engine(settings)
    if name == "paddle":
        from ml_backend.reading.ocr.paddle import create_paddle_engine

        return create_paddle_engine(settings)
    raise ValueError(
        f"unknown OCR engine {settings.ocr_engine!r} (CARDLOOP_OCR_ENGINE): choose one of {', '.join(ENGINES)}"
    )


__all__ = ["ENGINES", "OcrEngine", "create_engine", "to_original_frame", "to_upright_frame"]
