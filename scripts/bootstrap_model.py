"""Build the default LayoutLMv3 field tagger from scratch and make it the served model.

No pretrained weights can be downloaded here, so everything is trained locally:

1. generate business-card layouts (``active_learning.synth.generate_layout``: text, boxes and
   field spans, no pixels, no OCR -- fast) for training and for held-out evaluation;
2. train a byte-level BPE vocabulary on their text (every locale, Cyrillic included) and wrap it
   as a ``LayoutLMv3Processor``;
3. train a text+layout ``LayoutLMv3ForTokenClassification`` from random init on OCR-like
   augmented views of the training cards (``active_learning.training.examples``);
4. evaluate on held-out cards -- clean, OCR-like, per locale, and optionally on a locale the
   model never saw -- and write the model into the registry as a new version, promoted.

    python scripts/bootstrap_model.py              # default preset (~12-20 min on 2 cores)
    python scripts/bootstrap_model.py --tiny       # about a minute, for tests
    python scripts/bootstrap_model.py --if-missing # do nothing when models/current exists
    python scripts/bootstrap_model.py --log-file var/log/bootstrap.log   # the full log there too

On a terminal each of the five steps is announced and the long ones show a progress bar (cards
generated; optimiser steps with the loss and the time left); elsewhere the same progress is
logged every so often. Exit status: 0 on success (or nothing to do), 1 with one line on stderr
on failure.
"""

from __future__ import annotations

import argparse
import logging
import math
import multiprocessing
import os
import random
import shutil
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Callable

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from ml_backend.runtime import configure_logging, configure_threads  # noqa: E402

log = logging.getLogger("bootstrap_model")
STEPS = 5
#: True once the console shows warnings only (a terminal, the log going to a file): steps are
#: then printed to the screen as well as logged.
_console_quiet = False


def announce(step: int, message: str) -> None:
    """A step of the bootstrap: logged, and on a quiet terminal printed above any progress bar."""
    text = f"[{step}/{STEPS}] {message}"
    log.info("%s", text)
    if _console_quiet:
        from tqdm.auto import tqdm

        tqdm.write(text, file=sys.stderr)


@dataclass(frozen=True)
class Preset:
    """How much data, which model size and how long to train."""

    train_cards: int
    eval_cards: int
    epochs: float
    size: str
    vocab_size: int
    batch_size: int = 16
    lr: float = 1e-3
    #: Share of training and held-out cards laid out by the HTML/CSS renderer (headless Chromium)
    #: instead of the PIL one, so the tagger does not learn one drawing library's habits.
    html_share: float = 0.0


PRESETS: dict[str, Preset] = {
    # 14k cards / 6 epochs: the same number of optimiser steps as 10k / 8 (about 13 min on 2
    # cores), more variety per step; measured better on other locales (de/fr) than 10k / 8
    # 30% of the cards laid out by the HTML/CSS renderer: measured better than PIL-only cards on
    # real photographed cards (micro-F1 0.507 -> 0.548), generated PIL cards (0.962 -> 0.965) and
    # browser-rendered ones (0.952 -> 0.958); docs/decisions.md
    "default": Preset(train_cards=14_000, eval_cards=600, epochs=6, size="small", vocab_size=8000, html_share=0.3),
    # tests: seconds of data, a one-layer model; learns the easy fields (email, phone, website)
    "tiny": Preset(train_cards=400, eval_cards=80, epochs=4, size="tiny", vocab_size=1500, lr=3e-3),
}

#: Keys of a truth record that training and the held-out breakdowns need (fonts, colours... dropped).
_TRUTH_KEYS = ("lines", "width", "height", "locale", "layout", "photo")


def _layout_record(index_seed: tuple[int, int]) -> dict[str, Any] | str:
    """Truth of card ``index`` of a seeded set, upright (rotation 0): the OCR turns cards upright
    before the tagger sees them, so rotated boxes are never model input.  A generator failure is
    returned as its message, so one bad card does not cost a whole bootstrap."""
    from active_learning.synth import card_rng, generate_layout

    seed, index = index_seed
    try:
        truth = generate_layout(card_rng(seed, index), rotation=0)
    except Exception as exc:  # noqa: BLE001 - reported and counted by generate_records
        return f"card {index}: {type(exc).__name__}: {exc}"
    return {k: truth[k] for k in _TRUTH_KEYS if k in truth}


def _html_records(indices: list[int], seed: int, what: str) -> dict[int, dict[str, Any]]:
    """Truth of the cards ``indices`` of a seeded set laid out by the HTML renderer (one Chromium
    process, truth only, upright), keyed by index."""
    from active_learning.synth import card_rng
    from active_learning.synth.html.render import BATCH, HtmlRenderer, generate_html_cards
    from ml_backend.progress import track

    out: dict[int, dict[str, Any]] = {}
    chunks = [indices[i:i + BATCH] for i in range(0, len(indices), BATCH)]
    with HtmlRenderer() as renderer:
        for chunk in track(iter(chunks), len(chunks), f"{what} (HTML)", "batch", log):
            cards = generate_html_cards([card_rng(seed, i) for i in chunk], renderer, pixels=False, rotation=0)
            for i, (_, truth) in zip(chunk, cards):
                out[i] = {k: truth[k] for k in _TRUTH_KEYS if k in truth}
    return out


def generate_records(n: int, seed: int, workers: int = 1, what: str = "generate",
                     html_share: float = 0.0) -> list[dict[str, Any]]:
    """``n`` generator truth records (layout only: no pixels, no OCR), identical for any ``workers``.

    A share ``html_share`` of them (chosen per index, as in a mixed ``synth --renderer mixed`` set)
    is laid out by the HTML renderer. Cards the generator fails on are skipped and logged; more
    than 1% failing is an error.
    """
    from active_learning.synth.html import chromium_path
    from active_learning.synth.html.dataset import is_html_card
    from ml_backend.progress import track

    if html_share > 0 and chromium_path() is None:
        log.warning("chromium is not installed (scripts/install.sh installs it): all %s are laid out by the "
                    "PIL renderer, which measured worse on real cards", what)
        html_share = 0.0
    html = [i for i in range(n) if html_share > 0 and is_html_card(seed, i, html_share)]
    html_truth = _html_records(html, seed, what) if html else {}
    jobs = [(seed, i) for i in range(n) if i not in html_truth]
    if workers <= 1 or len(jobs) < 200:
        results = list(track(map(_layout_record, jobs), len(jobs), what, "card", log))
    else:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:  # imap keeps the order
            results = list(track(pool.imap(_layout_record, jobs, chunksize=64), len(jobs), what, "card", log))
    if html_truth:  # back into index order: the PIL results come in the order of ``jobs``
        pil = iter(results)
        results = [html_truth[i] if i in html_truth else next(pil) for i in range(n)]
    failures = [r for r in results if isinstance(r, str)]
    if failures:
        log.warning("generator failed on %d of %d cards (skipped), e.g. %s", len(failures), n, failures[0])
        if len(failures) > max(1, n // 100):
            raise RuntimeError(f"generator failed on {len(failures)} of {n} cards, e.g. {failures[0]}")
    return [r for r in results if not isinstance(r, str)]


def split_holdout(records: list[dict[str, Any]], holdout: tuple[str, str] | None) -> list[dict[str, Any]]:
    """Records without the held-out kind (``("locale", "fr_FR")``, ``("layout", "sidebar")``)."""
    if holdout is None:
        return records
    key, value = holdout
    return [r for r in records if str(r.get(key)) != value]


def _timed(timings: dict[str, float], name: str, fn: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = fn()
    timings[name] = round(time.perf_counter() - started, 1)
    log.info("%s: %.1f s", name, timings[name])
    return result


def evaluate_views(tagger: Any, records: list[dict[str, Any]], seed: int) -> dict[str, Any]:
    """Entity scores on held-out cards as generated and as OCR would report them (by locale and layout too)."""
    from active_learning.training.examples import augmented_example, example_from_truth
    from active_learning.training.train import evaluate_model

    rng = random.Random(seed)
    clean = [example_from_truth(r) for r in records]
    ocr_like = [augmented_example(r, rng) for r in records]
    scores: dict[str, Any] = {"generated": evaluate_model(tagger, clean), "ocr_like": evaluate_model(tagger, ocr_like)}
    for key in ("locale", "layout", "photo"):
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for rec, ex in zip(records, ocr_like):
            groups[str(rec.get(key, "?"))].append(ex)
        scores[f"ocr_like_by_{key}"] = {
            value: {"f1": evaluate_model(tagger, exs)["f1"], "cards": len(exs)} for value, exs in sorted(groups.items())
        }
    return scores


def bootstrap(preset: Preset, registry_root: str | Path, *, seed: int = 13, promote: bool = True,
              holdout: tuple[str, str] | None = None, workers: int = 1) -> tuple[str, dict[str, Any]]:
    """Generate, train, evaluate and commit (and promote) a model; returns (version, metadata).

    ``holdout`` (e.g. ``("layout", "sidebar")``) keeps one kind of card out of training and
    reports F1 on it: a measure of how the model copes with cards unlike its training data.
    """
    from active_learning.training.examples import augmented_dataset, augmented_example, examples_dataset
    from ml_backend.registry import ModelRegistry
    from active_learning.training.train import train_model, train_processor
    from ml_backend.reading.layout import LayoutTagger
    from ml_backend.progress import TrainerProgress

    timings: dict[str, float] = {}
    started = time.perf_counter()
    registry = ModelRegistry(registry_root)
    announce(1, f"generating {preset.train_cards:,} training and {preset.eval_cards:,} held-out card layouts")
    train_records = _timed(timings, "generate_train", lambda: split_holdout(
        generate_records(preset.train_cards, seed, workers, "training cards", preset.html_share), holdout))
    eval_records = _timed(timings, "generate_eval", lambda: generate_records(
        preset.eval_cards, seed + 1, workers, "held-out cards", preset.html_share))
    announce(2, f"training the tokenizer (byte-level BPE, {preset.vocab_size:,} tokens); "
                f"next: the model, the longest step")
    processor = _timed(timings, "tokenizer", lambda: train_processor(
        (ln["text"] for r in train_records for ln in r["lines"]), vocab_size=preset.vocab_size))
    # the Trainer's per-epoch eval uses OCR-like views, so its F1 tracks what serving sees
    eval_rng = random.Random(seed + 2)
    eval_set = examples_dataset([augmented_example(r, eval_rng) for r in split_holdout(eval_records, holdout)])
    registry.clean_staging()
    staging = registry.create_staging()
    steps = math.ceil(len(train_records) / preset.batch_size) * preset.epochs
    announce(3, f"training the {preset.size} LayoutLMv3 from scratch: {preset.epochs:g} epochs over "
                f"{len(train_records):,} cards, about {steps:,.0f} steps; held-out F1 after each epoch")
    try:
        result = _timed(timings, "train", lambda: train_model(
            augmented_dataset(train_records, seed), eval_set, output_dir=staging, processor=processor,
            size=preset.size, epochs=preset.epochs, lr=preset.lr, batch_size=preset.batch_size, seed=seed,
            logging_steps=100 if preset.train_cards >= 2000 else 10, callbacks=[TrainerProgress("train", log)]))
        announce(4, f"evaluating on {len(eval_records):,} held-out cards (as generated and as OCR reads them)")
        tagger = LayoutTagger.from_pretrained(staging)  # exactly what will be served
        scores = _timed(timings, "evaluate", lambda: evaluate_views(tagger, eval_records, seed + 3))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if holdout:
        key, value = holdout
        scores["unseen"] = {key: value, **scores[f"ocr_like_by_{key}"].get(value, {"f1": None, "cards": 0})}
    timings["total"] = round(time.perf_counter() - started, 1)
    metadata = {
        "source": "bootstrap",
        "preset": asdict(preset),
        "seed": seed,
        "metrics": scores["ocr_like"],
        "heldout": scores,
        "data": {**result.metadata["data"], "train_cards": len(train_records), "eval_cards": len(eval_records),
                 "holdout": dict([holdout]) if holdout else None,
                 "generator": "active_learning.synth.generate_layout (upright)"},
        "timings": {**result.metadata.get("timings", {}), **timings},
    }
    announce(5, f"saving the model into the registry {registry_root}" + (" and serving it" if promote else ""))
    version = registry.commit(staging, metadata)
    if promote:
        registry.promote(version)
    return version, {**result.metadata, **metadata, "version": version}


def _log_to_file(path: Path) -> None:
    """Every record also into ``path``; on a terminal the screen keeps warnings only, so the
    steps and bars stay readable (the file has the rest)."""
    global _console_quiet
    from ml_backend.progress import on_terminal

    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    if on_terminal():
        for console in root.handlers:
            console.setLevel(logging.WARNING)
        _console_quiet = True
        print(f"bootstrap_model: full log in {path}", file=sys.stderr, flush=True)
    root.addHandler(handler)
    log.info("bootstrap log: %s", path)


def main(argv: list[str] | None = None) -> int:
    from ml_backend.config import load_settings

    settings = load_settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiny", action="store_true", help="tiny preset (about a minute; used by tests)")
    parser.add_argument("--if-missing", action="store_true", help="do nothing when the registry already serves a model")
    parser.add_argument("--registry", default=settings.registry_dir, help="registry root (default: CARDLOOP_REGISTRY_DIR)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--train-cards", type=int, help="override the preset's number of training cards")
    parser.add_argument("--epochs", type=float, help="override the preset's epochs")
    parser.add_argument("--size", help="override the preset's model size (a key of training.train.SIZE_PRESETS: "
                                       "tiny, small, medium, base)")
    parser.add_argument("--html-share", type=float, metavar="F",
                        help="override the preset's share of cards laid out by the HTML renderer (0 to 1; needs chromium)")
    parser.add_argument("--holdout", metavar="KEY=VALUE",
                        help="train without these cards and report F1 on them, e.g. layout=sidebar or locale=fr_FR")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                        help="processes generating cards (training itself uses CARDLOOP_TORCH_THREADS)")
    parser.add_argument("--no-promote", action="store_true", help="commit the version without serving it")
    default_log = (REPO_ROOT / settings.stack_dir / "log" / "bootstrap.log").resolve()
    parser.add_argument("--log-file", type=Path, metavar="PATH",
                        help=f"append the full log here (default: {default_log}; '' for none); on a terminal "
                             "the screen shows the steps and progress bars")
    args = parser.parse_args(argv)

    configure_threads(settings)
    configure_logging(settings)
    log_file = default_log if args.log_file is None else args.log_file
    if log_file.name:
        try:
            _log_to_file(log_file)
        except OSError as exc:
            if args.log_file is not None:  # asked for: an error; the default: carry on without it
                print(f"bootstrap_model: error: cannot write the log file {log_file}: {exc}", file=sys.stderr)
                return 2
            log.warning("no log file (%s): %s", log_file, exc)
            log_file = Path("")
    from ml_backend.registry import ModelRegistry

    registry = ModelRegistry(args.registry)
    served = registry.current()
    if args.if_missing and served is not None and served[1].is_dir():
        log.info("model %s is already served from %s: nothing to do", served[0], served[1])
        return 0
    preset = PRESETS["tiny" if args.tiny else "default"]
    if args.train_cards:
        preset = replace(preset, train_cards=args.train_cards)
    if args.epochs:
        preset = replace(preset, epochs=args.epochs)
    if args.size:
        from active_learning.training.train import SIZE_PRESETS

        if args.size not in SIZE_PRESETS:
            print(f"bootstrap_model: error: --size must be one of {', '.join(SIZE_PRESETS)}, got {args.size!r}",
                  file=sys.stderr)
            return 2
        preset = replace(preset, size=args.size)
    if args.html_share is not None:
        if not 0.0 <= args.html_share <= 1.0:
            print(f"bootstrap_model: error: --html-share must be within [0, 1], got {args.html_share}", file=sys.stderr)
            return 2
        preset = replace(preset, html_share=args.html_share)
    holdout = None
    if args.holdout:
        key, sep, value = args.holdout.partition("=")
        if not sep or key not in ("locale", "layout"):
            print("bootstrap_model: error: --holdout must be locale=<locale> or layout=<layout>", file=sys.stderr)
            return 2
        holdout = (key, value)
    try:
        version, meta = bootstrap(preset, args.registry, seed=args.seed, promote=not args.no_promote,
                                  holdout=holdout, workers=args.workers)
    except Exception as exc:  # a CLI: one line, exit status 1
        log.exception("bootstrap failed")
        print(f"bootstrap_model: error: {exc}", file=sys.stderr)
        return 1
    held = meta["heldout"]
    by = {key: {k: v["f1"] for k, v in held[f"ocr_like_by_{key}"].items()} for key in ("locale", "layout", "photo")}
    unseen = f"; unseen {held['unseen']}" if "unseen" in held else ""
    print(f"model {version} ({'promoted' if not args.no_promote else 'not promoted'}): entity F1 "
          f"{held['ocr_like']['f1']} on {held['ocr_like']['cards']} held-out cards as OCR reports them, "
          f"{held['generated']['f1']} as generated; by {by}{unseen}; total {meta['timings']['total']:.0f} s")
    if log_file.name:
        print(f"full log: {log_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
