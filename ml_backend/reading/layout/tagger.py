"""LayoutLMv3 token classifier: words with boxes -> BIO tag and softmax probabilities per word.

Loaded once per process from a model directory (the registry's ``current`` pointer by default)
or a hub id.  The directory is resolved when loading, so a later switch of ``current`` never mixes
files of two versions; the server reloads by building a new tagger.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
from transformers import LayoutLMv3Config, LayoutLMv3ForTokenClassification, LayoutLMv3Processor

from ml_backend.config import Settings, load_settings
from ml_backend.reading.layout.decode import bio_viterbi
from ml_backend.reading.layout.encoding import IGNORE_LABEL, Window, encode_windows, home_window
from ml_backend.reading.layout.metadata import read_metadata
from ml_backend.reading.layout.words import normalize_box
from ml_backend.schema import BIO_TAGS, ID2TAG, TaggedWord, Word

log = logging.getLogger(__name__)

class LabelSetMismatch(ValueError):
    """The model directory was trained for other tags than ``schema.BIO_TAGS``."""


def check_label_set(id2label: dict[Any, str], source: str) -> None:
    """Raise ``LabelSetMismatch`` unless ``id2label`` is exactly ``schema.ID2TAG``."""
    got = {int(k): v for k, v in id2label.items()}
    if got != ID2TAG:
        raise LabelSetMismatch(
            f"model {source} predicts labels {[got[i] for i in sorted(got)]}, "
            f"but cardloop needs {list(BIO_TAGS)}; train or fine-tune a model for this schema"
        )


def collate_windows(windows: Sequence[dict[str, Any]], pad_token_id: int) -> dict[str, torch.Tensor]:
    """Pad windows (``input_ids``, ``bbox``, ``attention_mask``, optional ``labels``/``pixel_values``) into a batch."""
    longest = max(len(w["input_ids"]) for w in windows)
    batch: dict[str, list[Any]] = {"input_ids": [], "bbox": [], "attention_mask": []}
    has_labels = "labels" in windows[0]
    if has_labels:
        batch["labels"] = []
    for w in windows:
        pad = longest - len(w["input_ids"])
        batch["input_ids"].append(list(w["input_ids"]) + [pad_token_id] * pad)
        batch["bbox"].append([list(b) for b in w["bbox"]] + [[0, 0, 0, 0]] * pad)
        batch["attention_mask"].append(list(w["attention_mask"]) + [0] * pad)
        if has_labels:
            batch["labels"].append(list(w["labels"]) + [IGNORE_LABEL] * pad)
    out = {k: torch.tensor(v, dtype=torch.long) for k, v in batch.items()}
    if "pixel_values" in windows[0]:
        out["pixel_values"] = torch.stack([torch.as_tensor(np.asarray(w["pixel_values"])) for w in windows])
    return out


def pixel_values(processor: LayoutLMv3Processor, image: Any) -> np.ndarray:
    """The image input of a visual-embedding model; never runs the processor's own OCR (we bring words)."""
    return processor.image_processor(images=image.convert("RGB"), apply_ocr=False)["pixel_values"][0]


class LayoutTagger:
    """Tags OCR words with ``schema.BIO_TAGS`` using a LayoutLMv3 token-classification model."""

    def __init__(self, model: LayoutLMv3ForTokenClassification, processor: LayoutLMv3Processor,
                 model_dir: str, metadata: dict[str, Any]):
        check_label_set(model.config.id2label, model_dir)
        self.model = model.eval()
        self.processor = processor
        self.model_dir = model_dir
        self.metadata = metadata

    @classmethod
    def from_pretrained(cls, model_dir: str | os.PathLike[str], settings: Settings | None = None) -> "LayoutTagger":
        """Load model + processor from a local directory (symlinks resolved) or a hub id."""
        settings = settings or load_settings()
        torch.set_num_threads(settings.torch_threads)
        source = str(model_dir)
        if os.path.exists(source):
            source = os.path.realpath(source)
            if not os.path.isfile(os.path.join(source, "config.json")):
                raise FileNotFoundError(f"{model_dir} is not a model directory (no config.json)")
        check_label_set(LayoutLMv3Config.from_pretrained(source).id2label, source)  # before loading weights
        model = LayoutLMv3ForTokenClassification.from_pretrained(source)
        processor = LayoutLMv3Processor.from_pretrained(source)
        metadata = read_metadata(source) if os.path.isdir(source) else {}
        log.info("loaded LayoutLMv3 tagger %s from %s", metadata.get("version", "?"), source)
        return cls(model, processor, source, metadata)

    @property
    def version(self) -> str:
        """Registry version of the model (``metadata.json``), else the directory name / hub id."""
        return str(self.metadata.get("version") or Path(self.model_dir).name)

    @property
    def uses_image(self) -> bool:
        """True when the model has visual embeddings and therefore needs the card image."""
        return bool(getattr(self.model.config, "visual_embed", False))

    def tag(self, words: Sequence[Word], width: float, height: float, image: Any = None) -> list[TaggedWord]:
        """Tag ``words`` (pixel boxes in the upright ``width`` x ``height`` image); ``image`` is the upright PIL image."""
        if not words:
            return []
        boxes = [normalize_box(w.bbox, width, height) for w in words]
        probs = self.word_probs([w.text for w in words], boxes, image)
        tags = bio_viterbi(probs)
        return [
            TaggedWord(word=w, tag=ID2TAG[t], probs=[round(float(p), 6) for p in row])
            for w, t, row in zip(words, tags, probs)
        ]

    def word_probs(self, texts: Sequence[str], boxes: Sequence[Sequence[int]], image: Any = None) -> np.ndarray:
        """Softmax over ``BIO_TAGS`` per word (first sub-token), shape (words, tags); boxes on the 0-1000 grid."""
        if not texts:
            return np.zeros((0, len(BIO_TAGS)), dtype=np.float32)
        windows = encode_windows(self.processor.tokenizer, texts, boxes)
        features = [w.features() for w in windows]
        if self.uses_image:
            if image is None:
                raise ValueError(f"model {self.version} uses visual embeddings: pass the card image to tag()")
            pixels = pixel_values(self.processor, image)
            for f in features:
                f["pixel_values"] = pixels
        batch = collate_windows(features, self.processor.tokenizer.pad_token_id)
        with torch.inference_mode():
            logits = self.model(**batch).logits
        token_probs = torch.softmax(logits.float(), dim=-1).numpy()
        return _first_subtoken_probs(windows, token_probs, len(texts))


def _first_subtoken_probs(windows: Sequence[Window], token_probs: np.ndarray, n_words: int) -> np.ndarray:
    """Pick, for each word, the probabilities of its first sub-token in its most central window."""
    home = home_window(windows, n_words)
    out = np.zeros((n_words, token_probs.shape[-1]), dtype=np.float32)
    filled = np.zeros(n_words, dtype=bool)
    for wi, w in enumerate(windows):
        previous = None
        for j, word in enumerate(w.word_ids):
            if word is not None and word != previous and home[word] == wi and not filled[word]:
                out[word] = token_probs[wi, j]
                filled[word] = True
            previous = word
    if not filled.all():  # plan_windows guarantees a first sub-token for every word
        raise RuntimeError(f"{int((~filled).sum())} words got no token in any window")
    return out
