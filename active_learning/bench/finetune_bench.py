"""Does fine-tuning on real annotated cards make the served model better on real cards? Measured.

``python -m active_learning finetune-bench`` takes a folder of real card photos with a
``truth.jsonl`` (values as printed, no boxes; ``../shared/real-cards`` by default), turns every
card into the Label Studio annotation an annotator would have saved, and runs k-fold
cross-validation of the training job on them: for each fold the served model is fine-tuned on
the other folds' cards and both models read the held-out fold's photos through the whole
pipeline. The table is per-field F1 before and after (mean over folds), scored by
``active_learning.bench.evaluate``, the scorer of every other accuracy number of the project.

Why the annotations are made, not loaded: real truth files hold values, while the training job
learns from Label Studio regions (a box, a label and the text). An annotator working on the
backend's prediction draws (or keeps) a box around the printed words of each value and types
the value as printed. ``align_value`` does the same from the OCR the pipeline itself reports: it
finds the OCR words that spell each truth value (fuzzily: OCR misreads; a value printed over
several lines is several boxes, one per line), and the region's text is the truth, so where the
OCR misread a word the region is a *correction*, exactly what an annotator's fix looks like to
the training job. Values the OCR did not see at all cannot be boxed and are counted as
unaligned (an annotator would have drawn their box by eye; their words are simply missing).

Why the training is not re-implemented: the annotations go through ``dataset.build_dataset``
(the job's OCR-aligned examples), ``replay.with_replay`` (generated cards beside them, at
``CARDLOOP_REPLAY_RATIO``) and ``train.train_model`` with the job's hyper-parameters
(``CARDLOOP_TRAIN_EPOCHS``, the default learning rate, batch size and seed), so the numbers say
what the Start training button would do with these cards.

OCR results are cached per image (by content and engine) under ``--ocr-cache``, so only the
first run pays for PP-OCR.

``--save docs/results/finetune/NAME.json`` keeps the result where ``python -m ml_backend
benchmarks`` renders it (docs/benchmarks.md, "Learning from real annotations"): the report with
the command that measured it, and without what only the measuring machine knows (the model's
path) or what belongs to the cards' owners (their truth values, named in ``--out``'s per-card
alignment).
"""

from __future__ import annotations

import datetime as _dt
import difflib
import json
import logging
import os
import random
import shlex
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from PIL import Image

from ml_backend.config import Settings, load_settings
from ml_backend.reading.layout.words import line_words
from ml_backend.studio.regions import IMAGE_NAME, LABEL_NAME, TEXT_NAME, percent_box
from active_learning.bench.evaluate import _truth_fields as truth_fields
from ml_backend.schema import FIELD_TO_LABEL, FIELDS, BBox, OcrResult, Word
from ml_backend.reading.respell import respelled

log = logging.getLogger(__name__)

#: Default folder of real cards, relative to the repository root (a sibling checkout's shared data).
DEFAULT_FOLDER = "../shared/real-cards"
#: Share of a piece's (OCR) characters that must match the truth value for it to be part of it.
MIN_PIECE_PRECISION = 0.7
#: Share of a truth value's characters the chosen OCR pieces must cover for the value to count as aligned.
MIN_COVERAGE = 0.6
#: A piece of a longer value must match at least this many characters (one stray "SP" is no evidence).
MIN_PIECE_CHARS = 4
#: Longest run of words of one OCR line considered as a piece.
MAX_PIECE_WORDS = 16
#: A value found only inside a longer OCR word must be this long and this fully matched there.
MIN_GLUED_CHARS = 6
MIN_GLUED_COVERAGE = 0.9
MAX_GLUED_WORDS = 3
#: Characters trimmed from the ends of a piece's text: the ", " that joins a value's printed lines.
_JOIN_MARKS = " ,;"


# --- truth value -> OCR words ---------------------------------------------------------------


def squash(text: str) -> str:
    """Comparison form of a text: no whitespace, case-folded (as ``dataset.align`` compares)."""
    return "".join(text.split()).casefold()


@dataclass(frozen=True)
class Piece:
    """Words ``start``..``end`` (exclusive) of OCR line ``line`` and the part of the value they print."""

    line: int
    start: int
    end: int
    text: str


@dataclass
class ValueAlignment:
    """Where one truth value is printed: its pieces in value order and the share of it they matched."""

    field: str
    value: str
    pieces: list[Piece]
    coverage: float


def _squash_map(text: str) -> tuple[str, list[int]]:
    """``squash(text)`` and, per squashed character, its offset in ``text``."""
    chars, offsets = [], []
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        for folded in ch.casefold():
            chars.append(folded)
            offsets.append(i)
    return "".join(chars), offsets


def _piece_text(value: str, start: int, end: int) -> str:
    return value[start:end].strip(_JOIN_MARKS)


def align_value(
    field_name: str, value: str, words: Sequence[Sequence[Word]], used: set[tuple[int, int]] | None = None
) -> ValueAlignment | None:
    """The OCR words that print ``value``: None when they cover less than ``MIN_COVERAGE`` of it.

    ``words[i]`` are the words of OCR line ``i``; ``used`` holds ``(line, word)`` pairs already
    given to another value (they are skipped, and this value's words are added on success).

    Greedy cover: among the runs of consecutive words of one line, take the one that matches
    the most still-unmatched characters of the value (``difflib`` matching blocks, in order, on
    the squashed texts) while at least ``MIN_PIECE_PRECISION`` of its own characters match; repeat
    on the rest of the value. Each piece's text is the stretch of the value from where it starts
    matching to where the next piece starts, so misread or missed characters still end up in
    the region's text (the annotator's correction) and the pieces together spell the value.
    """
    used = used if used is not None else set()
    target, offsets = _squash_map(value)
    if not target:
        return None
    covered = [False] * len(target)
    chosen: list[tuple[int, int, int, int]] = []  # line, start, end, first matched target index
    taken: set[tuple[int, int]] = set()
    while not all(covered):
        best: tuple[tuple[float, ...], tuple[int, int, int], list[int]] | None = None
        for li, line in enumerate(words):
            for a in range(len(line)):
                if (li, a) in used or (li, a) in taken:
                    continue
                for b in range(a + 1, min(len(line), a + MAX_PIECE_WORDS) + 1):
                    if (li, b - 1) in used or (li, b - 1) in taken:
                        break
                    candidate = squash(" ".join(w.text for w in line[a:b]))
                    blocks = difflib.SequenceMatcher(None, target, candidate, autojunk=False).get_matching_blocks()
                    hits = [i for blk in blocks for i in range(blk.a, blk.a + blk.size) if not covered[i]]
                    if not hits:
                        continue
                    precision = len(hits) / len(candidate)
                    enough = len(hits) >= min(MIN_PIECE_CHARS, len(target))
                    if precision < MIN_PIECE_PRECISION or not enough:
                        continue
                    score = (len(hits) - (len(candidate) - len(hits)), precision, -(b - a))
                    if best is None or score > best[0]:
                        best = (score, (li, a, b), hits)
        if best is None:
            break
        (li, a, b), hits = best[1], best[2]
        for i in hits:
            covered[i] = True
        taken.update((li, j) for j in range(a, b))
        chosen.append((li, a, b, min(hits)))
    coverage = sum(covered) / len(target)
    if not chosen or coverage < MIN_COVERAGE:
        return None
    chosen.sort(key=lambda c: c[3])
    cuts = [0] + [offsets[c[3]] for c in chosen[1:]] + [len(value)]
    pieces = [Piece(li, a, b, _piece_text(value, cuts[k], cuts[k + 1])) for k, (li, a, b, _) in enumerate(chosen)]
    pieces = [p for p in pieces if p.text]
    used.update(taken)
    return ValueAlignment(field_name, value, pieces, round(coverage, 4))


def align_glued(
    field_name: str, value: str, words: Sequence[Sequence[Word]], used: set[tuple[int, int]], glued: set[tuple[int, int]]
) -> ValueAlignment | None:
    """A value printed inside an OCR word with other text glued on ("Tel.:116909-6968",
    "11 2082-2399/2646-6123"): the shortest run of at most ``MAX_GLUED_WORDS`` words of a line
    that holds at least ``MIN_GLUED_COVERAGE`` of the value. An annotator boxes those words and
    types the value, so the training job replaces them by the value; several values may box the
    same glued word (``glued``), never a word another value matched on its own (``used``)."""
    target = squash(value)
    if len(target) < MIN_GLUED_CHARS:
        return None
    best: tuple[tuple[float, int], tuple[int, int, int]] | None = None
    for li, line in enumerate(words):
        for a in range(len(line)):
            for b in range(a + 1, min(len(line), a + MAX_GLUED_WORDS) + 1):
                if (li, b - 1) in used:
                    break
                candidate = squash(" ".join(w.text for w in line[a:b]))
                blocks = difflib.SequenceMatcher(None, target, candidate, autojunk=False).get_matching_blocks()
                coverage = sum(blk.size for blk in blocks) / len(target)
                if coverage >= MIN_GLUED_COVERAGE and (best is None or (coverage, -len(candidate)) > best[0]):
                    best = ((coverage, -len(candidate)), (li, a, b))
    if best is None:
        return None
    li, a, b = best[1]
    glued.update((li, j) for j in range(a, b))
    return ValueAlignment(field_name, value, [Piece(li, a, b, value)], round(best[0][0], 4))


def truth_values(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, value) of every value of a truth record, as the scorer reads the record (a fax
    kept beside "fields" counts too); an annotator labels each with its field's label."""
    fields = truth_fields(record)
    out = []
    for name in FIELDS:
        raw = fields.get(name)
        for value in raw if isinstance(raw, list) else [raw]:
            if value is not None and str(value).strip():
                out.append((name, str(value).strip()))
    return out


def align_card(record: dict[str, Any], ocr: OcrResult) -> tuple[list[ValueAlignment], list[tuple[str, str]]]:
    """Alignments of a card's truth values to its OCR lines, longest value first (an address
    claims its words before a company name that also appears inside it), then the values only
    found glued inside a longer word; and the values that could not be aligned."""
    words = [line_words(ln.text, ln.box, i, ln.confidence) for i, ln in enumerate(ocr.lines)]
    used: set[tuple[int, int]] = set()
    aligned, missed = [], []
    for name, value in sorted(truth_values(record), key=lambda fv: -len(squash(fv[1]))):
        found = align_value(name, value, words, used)
        (aligned if found else missed).append(found or (name, value))
    glued: set[tuple[int, int]] = set()  # second pass: values only found inside a longer word
    found_glued = [(fv, align_glued(*fv, words, used, glued)) for fv in missed]
    aligned += [found for _, found in found_glued if found is not None]
    return aligned, [fv for fv, found in found_glued if found is None]


def _union(boxes: Sequence[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def annotation_result(alignments: Sequence[ValueAlignment], ocr: OcrResult, original_w: int,
                      original_h: int) -> list[dict[str, Any]]:
    """Label Studio ``result`` items of the alignments: per piece one region (rectangle + label
    item and per-region transcription item sharing an id), in the original image's percent frame."""
    words = [line_words(ln.text, ln.box, i, ln.confidence) for i, ln in enumerate(ocr.lines)]
    result: list[dict[str, Any]] = []
    for v, alignment in enumerate(alignments):
        for p, piece in enumerate(alignment.pieces):
            box = _union([w.bbox for w in words[piece.line][piece.start:piece.end]])
            x, y, w, h = percent_box(box, ocr.rotation, ocr.width, ocr.height, original_w, original_h)
            common = {"id": f"t{v}-{p}", "to_name": IMAGE_NAME, "original_width": original_w,
                      "original_height": original_h, "image_rotation": 0}
            geometry = {"x": x, "y": y, "width": w, "height": h, "rotation": 0}
            result.append({**common, "from_name": LABEL_NAME, "type": "rectanglelabels",
                           "value": {**geometry, "rectanglelabels": [FIELD_TO_LABEL[alignment.field]]}})
            result.append({**common, "from_name": TEXT_NAME, "type": "textarea",
                           "value": {**geometry, "text": [piece.text]}})
    return result


def annotated_task(task_id: int, image_path: str, result: list[dict[str, Any]]) -> dict[str, Any]:
    """A task as the Label Studio export hands it to the training job: one submitted annotation."""
    stamp = "2026-01-01T00:00:00Z"
    return {"id": task_id, "data": {IMAGE_NAME: image_path},
            "annotations": [{"id": task_id, "result": result, "was_cancelled": False,
                             "created_at": stamp, "updated_at": stamp}]}


# --- folds, models and the run --------------------------------------------------------------


def make_folds(n: int, k: int, seed: int) -> list[list[int]]:
    """``k`` disjoint folds of card indices ``0..n-1`` covering all, sizes differing by at most one."""
    if k < 2:
        raise ValueError(f"--k must be at least 2 (got {k})")
    if n < k:
        raise ValueError(f"{n} cards cannot make {k} folds")
    order = list(range(n))
    random.Random(f"finetune-bench:{seed}").shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


class CachedOcr:
    """An OCR engine whose reads go through an ``OcrCache`` (by image content and engine name),
    so the pipeline is the served one and repeated runs skip PP-OCR; its lines respelled as the
    pipeline's ``respell`` stage does."""

    def __init__(self, engine: Any, cache: Any):
        self.engine = engine
        self.cache = cache
        self.name = engine.name

    def read(self, image: Image.Image) -> OcrResult:
        return respelled(self.cache.read(image, self.engine.read))


@dataclass
class BenchConfig:
    """What to measure: the folder's cards, the folds, the model and the training overrides."""

    folder: Path = Path(DEFAULT_FOLDER)
    k: int = 4
    seed: int = 0
    model: str | None = None  # default: the served model (settings.model_dir)
    epochs: float | None = None  # default: CARDLOOP_TRAIN_EPOCHS, as the training job
    limit: int | None = None  # only the first N cards of the truth file
    ocr_cache: Path | None = None  # default: <registry>/cache/ocr-engine
    settings: Settings = field(default_factory=load_settings)


def _bar(iterable: Any = None, **kwargs: Any) -> Any:
    """A tqdm bar on a terminal, silent elsewhere (logs are not filled with redraws)."""
    from tqdm.auto import tqdm

    return tqdm(iterable, disable=not sys.stderr.isatty(), dynamic_ncols=True, **kwargs)


def _step_bar_callback(fold: int) -> Any:
    from transformers import TrainerCallback

    class StepBar(TrainerCallback):
        """Optimiser steps of one fold's fine-tuning as a progress bar."""

        bar: Any = None

        def on_train_begin(self, args, state, control, **kwargs):  # noqa: D102 - TrainerCallback hook
            self.bar = _bar(total=state.max_steps, desc=f"fold {fold + 1} fine-tune", unit="step", leave=False)

        def on_step_end(self, args, state, control, **kwargs):  # noqa: D102
            self.bar.update(1)

        def on_train_end(self, args, state, control, **kwargs):  # noqa: D102
            self.bar.close()

    return StepBar()


def _mean(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def run_finetune_bench(cfg: BenchConfig) -> dict[str, Any]:
    """The k-fold measurement (see the module docstring); a JSON-able report."""
    from active_learning.training.dataset import OcrCache, align, build_dataset
    from active_learning.training.replay import with_replay
    from active_learning.training.train import evaluate_model, train_model
    from active_learning.bench.benchmark import RESULT_FORMAT, code_version, model_summary, read_truth
    from active_learning.bench.evaluate import evaluate
    from ml_backend.reading.images import load_image
    from ml_backend.reading.layout import LayoutTagger
    from ml_backend.studio.regions import regions_from_result
    from ml_backend.reading.ocr import create_engine
    from ml_backend.reading.pipeline import CardPipeline
    from ml_backend.reading.validate import Validator
    settings = cfg.settings
    started = time.perf_counter()
    truth_path = Path(cfg.folder) / "truth.jsonl"
    if not truth_path.is_file():
        raise FileNotFoundError(f"{truth_path} not found: --folder must hold a truth.jsonl")
    records = read_truth(truth_path, cfg.limit)
    folds = make_folds(len(records), cfg.k, cfg.seed)
    model_dir = Path(cfg.model or settings.model_dir)
    if not (model_dir / "config.json").is_file():
        raise FileNotFoundError(f"{model_dir} is not a model directory (no config.json): pass --model DIR")
    model_dir = model_dir.resolve()
    epochs = settings.train_epochs if cfg.epochs is None else float(cfg.epochs)
    if epochs <= 0:
        raise ValueError(f"--epochs must be positive (got {epochs})")

    engine = create_engine(settings)
    cache_dir = cfg.ocr_cache or Path(settings.registry_dir) / "cache" / "ocr-engine"
    ocr = CachedOcr(engine, OcrCache(cache_dir, engine.name))
    validator = Validator(settings)

    def pipeline_of(tagger: LayoutTagger) -> CardPipeline:
        return CardPipeline(settings=settings, ocr=ocr, tagger=tagger, validator=validator)

    served = pipeline_of(LayoutTagger.from_pretrained(str(model_dir), settings=settings))

    # 1. every card: image, OCR (as the pipeline reports it, QR text filtered) and its annotation
    images: dict[int, Image.Image] = {}
    tasks: list[dict[str, Any]] = []
    cards: list[dict[str, Any]] = []
    before_cards: dict[int, dict[str, Any]] = {}
    for i, record in enumerate(_bar(records, desc="OCR + annotate", unit="card")):
        task_id = i + 1
        image = load_image(record["image"], max_pixels=settings.max_pixels, max_bytes=settings.max_image_bytes)
        images[task_id] = image
        card = served.predict(image)
        before_cards[task_id] = card.fields()
        aligned, missed = align_card(record, card.ocr)
        result = annotation_result(aligned, card.ocr, *image.size)
        laid = align(card.ocr, regions_from_result(result), *image.size)
        tasks.append(annotated_task(task_id, record["image"], result))
        cards.append({"image": Path(record["image"]).name, "values": len(aligned) + len(missed),
                      "aligned": len(aligned), "regions": laid.kept_regions + laid.corrected_regions,
                      "corrected_regions": laid.corrected_regions,
                      "unaligned": [{"field": f, "value": v} for f, v in missed]})

    def ocr_reader(image: Image.Image) -> OcrResult:
        return served.predict(image).ocr  # the training job's reader: the served pipeline's OCR

    def examples(task_ids: Sequence[int]) -> Any:
        built = build_dataset([tasks[t - 1] for t in task_ids], lambda task: images[int(task["id"])], ocr_reader, 0.0)
        if built.skipped:
            log.warning("cards left out of the dataset: %s", built.skipped)
        return built.train

    # 2. per fold: fine-tune as the job does on the other folds, read the held-out fold with both
    fold_reports = []
    pooled_before: list[dict[str, Any]] = []
    pooled_after: list[dict[str, Any]] = []
    pooled_truth: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="cardloop-finetune-bench-") as scratch:
        for f, held in enumerate(_bar(folds, desc="folds", unit="fold")):
            held_ids = [i + 1 for i in held]
            train_ids = [i + 1 for g, fold in enumerate(folds) if g != f for i in fold]
            if set(held_ids) & set(train_ids):  # the whole measurement rests on this
                raise RuntimeError(f"fold {f}: held-out cards are also training cards")
            t0 = time.perf_counter()
            train = examples(train_ids)
            train_set, replayed = with_replay(train, settings.replay_ratio, seed=len(train))
            out_dir = Path(scratch) / f"fold-{f}"
            trained = train_model(train_set, None, init_from=str(model_dir), output_dir=out_dir, epochs=epochs,
                                  callbacks=[_step_bar_callback(f)])
            train_seconds = time.perf_counter() - t0
            tuned = pipeline_of(LayoutTagger.from_pretrained(str(out_dir), settings=settings))
            truth = [records[i] for i in held]
            before = [before_cards[t] for t in held_ids]
            after = [tuned.predict(images[t]).fields() for t in held_ids]
            held_examples = examples(held_ids)
            fold_reports.append({
                "fold": f, "heldout_cards": [Path(r["image"]).name for r in truth],
                "train_cards": [cards[t - 1]["image"] for t in train_ids],
                "train_examples": len(train), "replay_cards": replayed,
                "steps": trained.metadata["training"]["steps"], "train_seconds": round(train_seconds, 1),
                "before": evaluate(before, truth).overall.to_dict(),
                "after": evaluate(after, truth).overall.to_dict(),
                "tagger_before": evaluate_model(served.tagger, held_examples),
                "tagger_after": evaluate_model(tuned.tagger, held_examples),
            })
            pooled_before += before
            pooled_after += after
            pooled_truth += truth

    values = sum(c["values"] for c in cards)
    aligned_values = sum(c["aligned"] for c in cards)
    per_field = {}
    for name in FIELDS:
        per_field[name] = {
            "support": sum(r["before"]["fields"][name]["support"] for r in fold_reports),
            "f1_before": _mean([r["before"]["fields"][name]["f1"] for r in fold_reports]),
            "f1_after": _mean([r["after"]["fields"][name]["f1"] for r in fold_reports]),
        }
    return {
        "format": RESULT_FORMAT,
        "folder": str(cfg.folder), "cards": len(records), "k": cfg.k, "seed": cfg.seed,
        "model": str(model_dir), "model_version": served.model_version,
        "model_info": model_summary(served.tagger.metadata), "code": code_version(), "ocr_engine": engine.name,
        "training": {"epochs": epochs, "replay_ratio": settings.replay_ratio},
        "alignment": {"values": values, "aligned": aligned_values,
                      "regions": sum(c["regions"] for c in cards),
                      "corrected_regions": sum(c["corrected_regions"] for c in cards), "cards": cards},
        "fields": per_field,
        "micro": {"f1_before": _mean([r["before"]["micro"]["f1"] for r in fold_reports]),
                  "f1_after": _mean([r["after"]["micro"]["f1"] for r in fold_reports]),
                  "support": sum(r["before"]["micro"]["support"] for r in fold_reports)},
        "tagger_entity_f1": {"before": _mean([r["tagger_before"]["f1"] for r in fold_reports]),
                             "after": _mean([r["tagger_after"]["f1"] for r in fold_reports])},
        "pooled": {"before": evaluate(pooled_before, pooled_truth).overall.to_dict(),
                   "after": evaluate(pooled_after, pooled_truth).overall.to_dict()},
        "folds": fold_reports,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": {"cpus": os.cpu_count(), "torch_threads": settings.torch_threads,
                    "ocr_threads": settings.ocr_threads},
        "date": _dt.date.today().isoformat(),
    }


def _pct(x: float | None) -> str:
    return "    -" if x is None else f"{100 * x:5.1f}"


def _change(before: float | None, after: float | None) -> str:
    return "    -" if before is None or after is None else f"{100 * (after - before):+5.1f}"


def format_report(report: dict[str, Any]) -> str:
    """The printed table: per field, F1 before and after fine-tuning (mean over folds), micro-F1."""
    a = report["alignment"]
    share = f"{100 * a['aligned'] / a['values']:.0f}%" if a["values"] else "-"
    lines = [
        f"{report['cards']} cards from {report['folder']}, {report['k']} folds (seed {report['seed']}), "
        f"model {report['model_version']}, OCR {report['ocr_engine']}",
        f"fine-tuning as the training job: {report['training']['epochs']:g} epochs, "
        f"replay ratio {report['training']['replay_ratio']:g}",
        f"truth values aligned to OCR words: {a['aligned']} of {a['values']} ({share}); "
        f"{a['regions']} regions, {a['corrected_regions']} of them correcting the OCR",
        "",
        f"{'field':<10} {'support':>7}  {'F1 before':>9}  {'F1 after':>8}  {'change':>6}",
    ]
    rows = [(name, report["fields"][name]) for name in FIELDS] + [("micro", report["micro"])]
    for name, row in rows:
        lines.append(f"{name:<10} {row['support']:>7}  {_pct(row['f1_before']):>9}  {_pct(row['f1_after']):>8}  "
                     f"{_change(row['f1_before'], row['f1_after']):>6}")
    tagger = report["tagger_entity_f1"]
    pooled = report["pooled"]
    lines += [
        "",
        "F1 in % of held-out cards, mean over folds (every card is held out once); "
        "-: no held-out card prints the field and none was read.",
        f"all held-out cards pooled, micro-F1: {_pct(pooled['before']['micro']['f1']).strip()} -> "
        f"{_pct(pooled['after']['micro']['f1']).strip()}; tagger entity F1 on the held-out annotations "
        f"(the job's promotion metric): {_pct(tagger['before']).strip()} -> {_pct(tagger['after']).strip()}",
    ]
    return "\n".join(lines)


def write_report(report: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


#: ``kind`` of a saved fine-tuning result (``benchmark_doc`` renders the files that carry it).
SAVED_KIND = "finetune"


def bench_command(folder: str, k: int, seed: int, *, model: str | None = None, epochs: float | None = None,
                  limit: int | None = None, name: str | None = None, about: str | None = None,
                  save: str | None = None) -> str:
    """The plain command line that reproduces a run from the repository root: the options that
    change what is measured, none of the machine's (the OCR cache, ``--out``)."""
    argv = ["--folder", folder, "--k", str(k)]
    argv += ["--seed", str(seed)] if seed else []
    argv += ["--model", model] if model else []
    argv += ["--epochs", f"{epochs:g}"] if epochs is not None else []
    argv += ["--limit", str(limit)] if limit else []
    argv += ["--name", name] if name else []
    argv += ["--about", about] if about else []
    argv += ["--save", save] if save else []
    return "python -m active_learning finetune-bench " + shlex.join(argv)


def saved_result(report: dict[str, Any], *, name: str, command: str, about: str = "") -> dict[str, Any]:
    """What ``--save`` keeps of a report: everything the documentation shows, with its command,
    but not the model's path on the measuring machine nor the cards' truth values (per card only
    how many values were aligned); ``--out`` keeps the whole report."""
    alignment = {**report["alignment"], "cards": [
        {k: v for k, v in card.items() if k != "unaligned"} | {"unaligned": len(card["unaligned"])}
        for card in report["alignment"]["cards"]]}
    kept = {k: v for k, v in report.items() if k not in ("model", "alignment")}
    return {"kind": SAVED_KIND, "name": name, "about": about, "command": command, **kept, "alignment": alignment}
