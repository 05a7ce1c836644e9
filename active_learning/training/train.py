"""Training and evaluation of the LayoutLMv3 field tagger with the HF ``Trainer``.

Used by ``scripts/bootstrap_model.py`` (from random init, on generated cards) and by the
active-learning job (fine-tuning the served model on Label Studio annotations).  Both hand in
``datasets.Dataset``s of examples (``active_learning.training.examples``) and get a complete model directory
back: config, safetensors weights, processor/tokenizer files and ``metadata.json``; the registry
then makes it a version.

Encoding goes through ``ml_backend.reading.layout.encoding``, the code inference uses, so training and
serving cut words into sub-tokens and windows identically.
"""

from __future__ import annotations

import logging
import os
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import torch
from transformers import (
    LayoutLMv3Config,
    LayoutLMv3ForTokenClassification,
    LayoutLMv3Processor,
    LayoutLMv3TokenizerFast,
    Trainer,
    TrainerCallback,
    TrainingArguments,
)
from transformers.trainer_callback import PrinterCallback

from ml_backend.config import load_settings
from ml_backend.reading.layout.decode import bio_viterbi
from ml_backend.reading.layout.encoding import IGNORE_LABEL, MAX_TOKENS, encode_windows
from ml_backend.reading.layout.metadata import read_metadata, write_metadata
from ml_backend.reading.layout.tagger import LayoutTagger, collate_windows, pixel_values
from ml_backend.schema import BIO_TAGS, ID2TAG, OUTSIDE_TAG, TAG2ID

log = logging.getLogger(__name__)

#: Special tokens of the RoBERTa-style byte-level BPE vocabulary, in id order (pad = 1).
SPECIAL_TOKENS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]

#: Model sizes for training from random init.  4*coordinate_size + 2*shape_size == hidden_size.
#: Measured here: data volume and variety matter far more than size; visual embeddings added
#: nothing on card data and cost ~6x per step, so they are off.
SIZE_PRESETS: dict[str, dict[str, Any]] = {
    "tiny": dict(hidden_size=64, num_hidden_layers=1, num_attention_heads=2, intermediate_size=128,
                 coordinate_size=12, shape_size=8),
    "small": dict(hidden_size=128, num_hidden_layers=2, num_attention_heads=4, intermediate_size=512,
                  coordinate_size=24, shape_size=16),
    "medium": dict(hidden_size=128, num_hidden_layers=4, num_attention_heads=4, intermediate_size=512,
                   coordinate_size=24, shape_size=16),
    "base": dict(hidden_size=192, num_hidden_layers=4, num_attention_heads=4, intermediate_size=768,
                 coordinate_size=32, shape_size=32),
}


# --- tokenizer / processor and a fresh model ------------------------------------------------


def train_processor(texts: Iterable[str], vocab_size: int = 8000, min_frequency: int = 2) -> LayoutLMv3Processor:
    """Train a byte-level BPE vocabulary on ``texts`` and wrap it as a LayoutLMv3 processor.

    Trained with a prefix space, because LayoutLMv3 encodes every word with one: vocabulary
    entries then match the words the model will see.  Byte-level BPE can encode any character,
    so unseen scripts degrade to more sub-tokens instead of ``<unk>``.
    """
    from tokenizers import ByteLevelBPETokenizer

    try:  # the PIL backend is what LayoutLMv3ImageProcessor falls back to without torchvision
        from transformers import LayoutLMv3ImageProcessorPil as ImageProcessor
    except ImportError:  # pragma: no cover - older transformers
        from transformers import LayoutLMv3ImageProcessor as ImageProcessor

    bpe = ByteLevelBPETokenizer(add_prefix_space=True)
    bpe.train_from_iterator(texts, vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=SPECIAL_TOKENS,
                            show_progress=False)
    with tempfile.TemporaryDirectory() as tmp:
        bpe.save_model(tmp)
        tokenizer = LayoutLMv3TokenizerFast(
            vocab=os.path.join(tmp, "vocab.json"), merges=os.path.join(tmp, "merges.txt"), model_max_length=MAX_TOKENS
        )
    return LayoutLMv3Processor(image_processor=ImageProcessor(apply_ocr=False), tokenizer=tokenizer)


def new_model(processor: LayoutLMv3Processor, size: str = "small", overrides: dict[str, Any] | None = None,
              seed: int = 0) -> LayoutLMv3ForTokenClassification:
    """A randomly initialised text+layout token classifier for ``schema.BIO_TAGS``."""
    if size not in SIZE_PRESETS:
        raise ValueError(f"unknown model size {size!r}; choose one of {sorted(SIZE_PRESETS)}")
    params = {**SIZE_PRESETS[size], **(overrides or {})}
    if 4 * params["coordinate_size"] + 2 * params["shape_size"] != params["hidden_size"]:
        raise ValueError("4*coordinate_size + 2*shape_size must equal hidden_size")
    tok = processor.tokenizer
    config = LayoutLMv3Config(
        vocab_size=len(tok),
        max_position_embeddings=MAX_TOKENS + 2,  # RoBERTa positions start after the padding index
        visual_embed=params.pop("visual_embed", False),
        pad_token_id=tok.pad_token_id,
        bos_token_id=tok.cls_token_id,
        eos_token_id=tok.sep_token_id,
        num_labels=len(BIO_TAGS),
        id2label=dict(ID2TAG),
        label2id=dict(TAG2ID),
        **params,
    )
    torch.manual_seed(seed)
    return LayoutLMv3ForTokenClassification(config)


def _load_for_finetuning(init_from: str) -> LayoutLMv3ForTokenClassification:
    """Load ``init_from``; a model made for other labels (e.g. the hub base model) gets a fresh head."""
    config = LayoutLMv3Config.from_pretrained(init_from)
    if {int(k): v for k, v in config.id2label.items()} == ID2TAG:
        return LayoutLMv3ForTokenClassification.from_pretrained(init_from)
    log.warning("%s was trained for other labels: its classification head is re-initialised", init_from)
    return LayoutLMv3ForTokenClassification.from_pretrained(
        init_from, num_labels=len(BIO_TAGS), id2label=dict(ID2TAG), label2id=dict(TAG2ID), ignore_mismatched_sizes=True
    )


# --- examples -> model inputs ---------------------------------------------------------------


class EncodedExamples(torch.utils.data.Dataset):
    """Model inputs made on the fly from examples (so augmenting datasets stay fresh every epoch).

    A card longer than 512 tokens contributes a random one of its windows each time it is read.
    """

    def __init__(self, examples: Any, processor: LayoutLMv3Processor, uses_image: bool = False, seed: int = 0):
        self.examples = examples
        self.processor = processor
        self.uses_image = uses_image
        self.rng = random.Random(seed)

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, index: int) -> dict[str, Any]:
        ex = self.examples[index]
        windows = encode_windows(self.processor.tokenizer, ex["words"], ex["bboxes"], ex["tags"])
        if windows:
            item = self.rng.choice(windows).features()
        else:  # a card without text: <s></s>, nothing to learn from, but the batch stays well-formed
            tok = self.processor.tokenizer
            item = {"input_ids": [tok.cls_token_id, tok.sep_token_id], "bbox": [[0, 0, 0, 0]] * 2,
                    "attention_mask": [1, 1], "labels": [IGNORE_LABEL] * 2}
        if self.uses_image:
            if ex.get("image") is None:
                raise ValueError(f"example {index} has no image but the model uses visual embeddings")
            item["pixel_values"] = pixel_values(self.processor, ex["image"])
        return item


@dataclass
class WindowCollator:
    """Pads token ids, boxes, masks and labels of a batch (the boxes are what default collators miss)."""

    pad_token_id: int

    def __call__(self, features: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        return collate_windows(features, self.pad_token_id)


# --- metrics --------------------------------------------------------------------------------


def bio_entities(tags: Sequence[str]) -> set[tuple[str, int, int]]:
    """Entities ``(type, first_word, last_word)`` of a BIO sequence, seqeval-style.

    An ``I-X`` that does not continue an ``X`` entity starts a new one (seqeval's default mode).
    """
    entities: set[tuple[str, int, int]] = set()
    current: list[Any] | None = None
    for i, tag in enumerate(list(tags) + [OUTSIDE_TAG]):
        kind = tag[2:] if tag != OUTSIDE_TAG else None
        continues = current is not None and tag.startswith("I-") and kind == current[0]
        if current is not None and not continues:
            entities.add((current[0], current[1], i - 1))
            current = None
        if kind is not None and not continues:
            current = [kind, i]
    return entities


def entity_scores(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Entity-level micro precision/recall/F1 (exact type and word span), per-type F1 and word accuracy."""
    tp: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    words = correct = 0
    for g, p in zip(gold, pred, strict=True):
        if len(g) != len(p):
            raise ValueError(f"gold has {len(g)} tags but prediction {len(p)}")
        ge, pe = bio_entities(g), bio_entities(p)
        for e in ge:
            n_gold[e[0]] += 1
        for e in pe:
            n_pred[e[0]] += 1
        for e in ge & pe:
            tp[e[0]] += 1
        words += len(g)
        correct += sum(a == b for a, b in zip(g, p))

    def prf(t: int, ng: int, np_: int) -> tuple[float, float, float]:
        precision = t / np_ if np_ else 0.0
        recall = t / ng if ng else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    precision, recall, f1 = prf(sum(tp.values()), sum(n_gold.values()), sum(n_pred.values()))
    per_type = {k.lower(): round(prf(tp[k], n_gold[k], n_pred[k])[2], 4) for k in sorted(set(n_gold) | set(n_pred))}
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "word_accuracy": round(correct / words, 4) if words else 0.0,
        "entities": sum(n_gold.values()),
        "per_field_f1": per_type,
    }


def _trainer_metrics(eval_pred: Any) -> dict[str, float]:
    """Entity F1 from the Trainer's eval logits (arg-max of each word's first sub-token)."""
    logits, labels = eval_pred.predictions, eval_pred.label_ids
    pred_ids = np.argmax(logits, axis=-1)
    gold, pred = [], []
    for p_row, l_row in zip(pred_ids, labels):
        keep = l_row != IGNORE_LABEL
        gold.append([ID2TAG[int(t)] for t in l_row[keep]])
        pred.append([ID2TAG[int(t)] for t in p_row[keep]])
    scores = entity_scores(gold, pred)
    return {"f1": scores["f1"], "precision": scores["precision"], "recall": scores["recall"],
            "word_accuracy": scores["word_accuracy"]}


def evaluate_model(model: str | os.PathLike[str] | LayoutTagger, dataset: Any) -> dict[str, Any]:
    """Entity-level scores of a model (directory or loaded tagger) on a dataset of examples.

    Runs the inference path itself (windows, first sub-token softmax, BIO-consistent decoding),
    so the numbers are what serving would get on these words.
    """
    tagger = model if isinstance(model, LayoutTagger) else LayoutTagger.from_pretrained(model)
    gold, pred = [], []
    started = time.perf_counter()
    for ex in dataset:
        probs = tagger.word_probs(ex["words"], ex["bboxes"], ex.get("image"))
        pred.append([ID2TAG[t] for t in bio_viterbi(probs)])
        gold.append([ID2TAG[int(t)] for t in ex["tags"]])
    scores = entity_scores(gold, pred)
    scores["cards"] = len(gold)
    scores["seconds_per_card"] = round((time.perf_counter() - started) / max(len(gold), 1), 4)
    return scores


# --- training -------------------------------------------------------------------------------


class ProgressCallback(TrainerCallback):
    """Reports step, epoch, loss and eval metrics to ``report(progress: dict)`` (e.g. an RQ job's meta)."""

    def __init__(self, report: Callable[[dict[str, Any]], None]):
        self.report = report

    def on_log(self, args, state, control, logs=None, **kwargs):  # noqa: D102 - TrainerCallback hook
        self.report({"step": state.global_step, "max_steps": state.max_steps,
                     "epoch": round(state.epoch or 0.0, 3), **(logs or {})})


@dataclass
class TrainResult:
    """What a training run produced: the model directory, its metrics and the loss history."""

    model_dir: Path
    metrics: dict[str, Any]
    train_examples: int
    eval_examples: int
    seconds: float
    history: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


def train_model(
    train: Any,
    eval: Any | None = None,
    *,
    output_dir: str | os.PathLike[str],
    init_from: str | None = None,
    processor_dir: str | os.PathLike[str] | None = None,
    processor: LayoutLMv3Processor | None = None,
    size: str = "small",
    config_overrides: dict[str, Any] | None = None,
    epochs: float = 8,
    lr: float | None = None,
    batch_size: int = 16,
    seed: int = 0,
    warmup: float = 0.06,
    weight_decay: float = 0.01,
    logging_steps: int = 50,
    callbacks: Sequence[TrainerCallback] | None = None,
    metadata: dict[str, Any] | None = None,
) -> TrainResult:
    """Train on ``train`` (examples), evaluate on ``eval`` and write a complete model dir to ``output_dir``.

    ``init_from`` fine-tunes an existing model directory (or hub id) with its own processor;
    without it a ``size`` preset (plus ``config_overrides``) is trained from random init with the
    processor in ``processor_dir`` / ``processor``.  ``lr`` defaults to 1e-3 from scratch (small
    models from random init need it) and 1e-4 when fine-tuning.
    """
    settings = load_settings()
    torch.set_num_threads(settings.torch_threads)
    output_dir = Path(output_dir)
    if init_from:
        processor = LayoutLMv3Processor.from_pretrained(init_from)
        model = _load_for_finetuning(init_from)
        lr = lr if lr is not None else 1e-4
    else:
        if processor is None:
            if processor_dir is None:
                raise ValueError("training from scratch needs processor_dir or processor (see train_processor)")
            processor = LayoutLMv3Processor.from_pretrained(processor_dir)
        model = new_model(processor, size, config_overrides, seed)
        lr = lr if lr is not None else 1e-3
    if len(train) == 0:
        raise ValueError("no training examples")
    uses_image = bool(model.config.visual_embed)
    train_set = EncodedExamples(train, processor, uses_image, seed)
    eval_set = EncodedExamples(eval, processor, uses_image, seed) if eval is not None and len(eval) else None
    history: list[dict[str, Any]] = []

    def record(progress: dict[str, Any]) -> None:
        history.append(progress)
        log.info("training progress %s", {k: round(v, 4) if isinstance(v, float) else v for k, v in progress.items()})

    with tempfile.TemporaryDirectory(prefix="cardloop-trainer-") as scratch:
        args = TrainingArguments(
            output_dir=scratch,
            use_cpu=not torch.cuda.is_available(),
            remove_unused_columns=False,
            report_to=[],
            num_train_epochs=epochs,
            learning_rate=lr,
            per_device_train_batch_size=batch_size,
            per_device_eval_batch_size=max(batch_size, 32),
            warmup_steps=warmup,
            weight_decay=weight_decay,
            lr_scheduler_type="linear",
            eval_strategy="epoch" if eval_set is not None else "no",
            save_strategy="no",
            logging_strategy="steps",
            logging_steps=logging_steps,
            seed=seed,
            data_seed=seed,
            dataloader_num_workers=0,
            disable_tqdm=True,
        )
        trainer = Trainer(
            model=model,
            args=args,
            data_collator=WindowCollator(processor.tokenizer.pad_token_id),
            train_dataset=train_set,
            eval_dataset=eval_set,
            compute_metrics=_trainer_metrics if eval_set is not None else None,
            callbacks=[ProgressCallback(record), *(callbacks or [])],
        )
        trainer.remove_callback(PrinterCallback)  # progress goes to logging (above), not stdout
        started = time.perf_counter()
        trainer.train()
        seconds = time.perf_counter() - started

    output_dir.mkdir(parents=True, exist_ok=True)
    model.eval()
    model.save_pretrained(output_dir)
    processor.save_pretrained(output_dir)
    metrics = evaluate_model(LayoutTagger(model, processor, str(output_dir), {}), eval) if eval_set is not None else {}
    parent = None  # a registry version when fine-tuning one, else the dir / hub id it started from
    if init_from:
        parent = (read_metadata(init_from).get("version") if os.path.isdir(init_from) else None) or init_from
    meta = {
        "parent": parent,
        "model": {"size": None if init_from else size, "parameters": sum(p.numel() for p in model.parameters()),
                  "visual_embed": uses_image},
        "metrics": metrics,
        "data": {"train_examples": len(train), "eval_examples": 0 if eval is None else len(eval)},
        "training": {"epochs": epochs, "lr": lr, "batch_size": batch_size, "seed": seed,
                     "steps": trainer.state.global_step,
                     "final_loss": next((h["loss"] for h in reversed(history) if "loss" in h), None)},
        "timings": {"train_seconds": round(seconds, 1)},
        **(metadata or {}),
    }
    write_metadata(output_dir, meta)
    log.info("trained %s in %.0f s: %s", output_dir, seconds, metrics.get("f1"))
    return TrainResult(output_dir, metrics, len(train), 0 if eval is None else len(eval), seconds, history, meta)


__all__ = [
    "SIZE_PRESETS",
    "EncodedExamples",
    "ProgressCallback",
    "TrainResult",
    "WindowCollator",
    "bio_entities",
    "entity_scores",
    "evaluate_model",
    "new_model",
    "train_model",
    "train_processor",
]
