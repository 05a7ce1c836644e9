"""Multi-card benchmark: are the cards of an image found, and read as well as one by one?

    python -m active_learning.bench.cards_bench [--n 20] [--seed 0] [--cards 2-6] [--background scanner|table]
                                     [--truth DIR/truth.jsonl] [--singles N] [--detect-only]
                                     [--text-fallback] [--markdown] [--save FILE]
    python -m active_learning.bench.cards_bench --photos DIR --counts COUNTS.json [--overlays DIR] [--save FILE]

Images come from the multi-card composer (``active_learning.synth.multicard``, seeds never used
for training: the multi-card streams are keyed apart from the single-card ones) or from a
multi-card truth JSONL it wrote (``python -m active_learning.synth --multi-card 2-10``).

Counts, over all true cards: **found** (a detection matched one to one with IoU >= 0.8 against
the true outline), **split** (a true card covered by two or more detections), **merged** (a
detection covering two or more true cards), **extra** (detections matching no card). With
``--singles N``, N generated single-card images (the default capture mixture) must each come
back as one card: the detector must never split a single card.

Real photos (``--photos DIR --counts COUNTS.json``): images of several real cards whose cards
were counted by hand, ``{"source": "where the photos come from", "images": {"file.jpg": 4, ...}}``
(no outlines: only counts, so the file carries no image). Per image the detector's count is
compared with the hand count: **count right** images, and cards found = min(detected, present)
summed (a photo read as one whole card finds its card only when it holds one) -- an upper bound,
since a detection may be wrong; ``--overlays DIR`` draws every outline
found, numbered, onto a copy of each photo so that a person checks the detections by eye.

Reading (unless ``--detect-only``): every true card is scored (``active_learning.bench.evaluate``) twice:
as read from the multi-card image through the detector (a missed card counts as an empty
reading), and as read one by one from a crop of its true outline, the same pixels with the
detection taken out. The difference of micro-F1 is what reading several cards at once costs.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import logging
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from PIL import Image

from ml_backend.reading.cards import DetectedCard, detect_cards, match_cards, order_corners
from active_learning.bench.benchmark_doc import CARD_FOUND_IOU, _pct
from active_learning.bench.benchmark_doc import format_cards_markdown as format_markdown
from active_learning.bench.evaluate import evaluate
from ml_backend.progress import track

log = logging.getLogger(__name__)
#: IoU with the true outline at which a card counts as found (the acceptance criterion's).
IOU_FOUND = CARD_FOUND_IOU


def composed_images(n: int, seed: int, cards: tuple[int, int], background: str | None):
    """(image, truth) pairs from the composer; image i depends only on (seed, i)."""
    from active_learning.synth.multicard import compose_multicard, multicard_rng

    for i in range(n):
        rng = multicard_rng(seed, i)
        image, truth = compose_multicard(rng, n_cards=rng.randint(*cards), background=background)
        truth["image"] = f"composed:{seed}:{i}"
        yield image, truth


def truth_images(path: Path, limit: int | None):
    """(image, truth) pairs of a multi-card truth JSONL (images relative to it)."""
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if limit is not None and number > limit:
                break
            if not line.strip():
                continue
            try:
                truth = json.loads(line)
                cards = truth["cards"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a multi-card truth record ({exc})") from exc
            if not isinstance(cards, list) or not all(isinstance(c, dict) and "outline" in c for c in cards):
                raise ValueError(f"{path}:{number}: every card needs an 'outline'")
            with Image.open(path.parent / truth["image"]) as img:
                yield img.convert("RGB"), truth


def read_counts(path: Path) -> dict[str, Any]:
    """A hand-count file (module docstring); ValueError naming what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a hand-count file ({type(exc).__name__}: {exc})") from exc
    images = data.get("images") if isinstance(data, dict) else None
    if not isinstance(images, dict) or not images:
        raise ValueError(f"{path}: needs \"images\": {{\"file name\": cards counted, ...}}")
    for name, count in images.items():
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ValueError(f"{path}: {name}: the hand count must be a whole number >= 1, got {count!r}")
    return data


def run_counted(folder: Path, counts: dict[str, Any], overlays: Path | None = None) -> dict[str, Any]:
    """Detections per real photo against the hand counts (``--photos``/``--counts``)."""
    from ml_backend.config import load_settings
    from ml_backend.reading.images import load_image

    settings = load_settings()
    per_image: dict[str, dict[str, int]] = {}
    seconds: list[float] = []
    for name, present in track(sorted(counts["images"].items()), len(counts["images"]), "photos", "image", log):
        path = folder / name
        if not path.is_file():
            raise ValueError(f"{path}: counted in the hand-count file but not in the folder")
        image = load_image(path, max_pixels=settings.max_pixels, max_bytes=settings.max_image_bytes)
        started = time.perf_counter()
        found = detect_cards(image)
        seconds.append(time.perf_counter() - started)
        whole = len(found) == 1 and found[0].whole_image
        # read as one card: right for a photo of one card, none of the cards of a photo of several
        per_image[name] = {"present": present, "detected": len(found),
                           "found": (present == 1) if whole else min(present, len(found))}
        if overlays is not None:
            _draw_overlay(image, found, overlays / f"{Path(name).stem}-cards.jpg")
    present = sum(v["present"] for v in per_image.values())
    return {
        "counted": True, "source": counts.get("source"), "images": len(per_image), "present": present,
        "detected": sum(v["detected"] for v in per_image.values()),
        "found": sum(int(v["found"]) for v in per_image.values()),
        "count_right": sum(v["present"] == v["detected"] for v in per_image.values()),
        "under": sum(v["detected"] < v["present"] for v in per_image.values()),
        "over": sum(v["detected"] > v["present"] for v in per_image.values()),
        "per_image": per_image, "seconds_per_image": sum(seconds) / len(seconds),
    }


def _draw_overlay(image: Image.Image, found: list[DetectedCard], target: Path) -> None:
    """A copy of ``image`` with each detected outline drawn and numbered (for checking by eye)."""
    from PIL import ImageDraw

    copy = image.convert("RGB")
    draw = ImageDraw.Draw(copy)
    width = max(3, round(max(copy.size) / 300))
    for k, card in enumerate(found, 1):
        if card.whole_image:
            continue
        draw.line([*card.outline, card.outline[0]], fill=(255, 0, 0), width=width)
        draw.text(card.outline[0], str(k), fill=(255, 0, 0), font_size=max(16, round(max(copy.size) / 25)))
    target.parent.mkdir(parents=True, exist_ok=True)
    copy.save(target, quality=85)


def _card_truth(card: dict[str, Any], background: str) -> dict[str, Any]:
    return {**card, "condition": "photo" if background == "table" else "scan"}


def run(images, *, pipeline=None, total: int, singles: int = 0, singles_seed: int = 0,
        text_fallback: bool = False) -> dict[str, Any]:
    """Detection counts (and readings when ``pipeline`` is given) over ``images``."""
    from ml_backend.reading.multicard import predict_cards

    counts = {"images": 0, "present": 0, "found": 0, "detected": 0, "split": 0, "merged": 0, "extra": 0,
              "exact_images": 0}
    ious: list[float] = []
    detect_seconds: list[float] = []
    via_detector: list[dict[str, Any]] = []
    one_by_one: list[dict[str, Any]] = []
    truths: list[dict[str, Any]] = []
    was_found: list[bool] = []
    by_count: dict[int, list[int]] = {}
    for image, truth in track(images, total, "multi-card images", "image", log):
        outlines = [c["outline"] for c in truth["cards"]]
        started = time.perf_counter()
        if pipeline is None:
            found = [d.outline for d in detect_cards(image)]
            reads = None
        else:
            result = predict_cards(pipeline, image, text_fallback=text_fallback)
            found = [r.outline for r in result.cards]
            reads = result.cards
        detect_seconds.append(time.perf_counter() - started)
        m = match_cards(found, outlines, IOU_FOUND)
        counts["images"] += 1
        counts["present"] += m["present"]
        counts["detected"] += m["found"]
        counts["found"] += m["matched"]
        counts["split"] += m["split"]
        counts["merged"] += m["merged"]
        counts["extra"] += m["found"] - m["matched"]
        counts["exact_images"] += m["matched"] == m["present"] == m["found"]
        ious += m["best_iou"]
        tally = by_count.setdefault(len(outlines), [0, 0])
        tally[0] += m["present"]
        tally[1] += m["matched"]
        if reads is not None:
            matched = {j: i for i, j, _ in m["pairs"]}
            for j, card in enumerate(truth["cards"]):
                truths.append(_card_truth(card, truth.get("background", "")))
                was_found.append(j in matched)
                via_detector.append(reads[matched[j]].card.fields() if j in matched else {})
                crop = DetectedCard(order_corners(card["outline"]), "truth").crop(image)
                one_by_one.append(pipeline.predict(crop).fields())
    out: dict[str, Any] = {
        **counts,
        "found_rate": counts["found"] / counts["present"] if counts["present"] else None,
        "mean_best_iou": sum(ious) / len(ious) if ious else None,
        "by_cards": {str(k): {"present": v[0], "found": v[1]} for k, v in sorted(by_count.items())},
        "seconds_per_image": sum(detect_seconds) / len(detect_seconds) if detect_seconds else None,
    }
    if pipeline is not None and truths:
        out["detected_report"] = evaluate(via_detector, truths).to_dict()
        out["one_by_one_report"] = evaluate(one_by_one, truths).to_dict()
        keep = [k for k, ok in enumerate(was_found) if ok]
        if keep:  # the reading itself: the same cards, found by the detector, read both ways
            out["found_detected_report"] = evaluate([via_detector[k] for k in keep], [truths[k] for k in keep]).to_dict()
            out["found_one_by_one_report"] = evaluate([one_by_one[k] for k in keep], [truths[k] for k in keep]).to_dict()
    if singles:
        out["singles"] = single_card_check(singles, seed=singles_seed)
    return out


def single_card_check(n: int, seed: int = 0) -> dict[str, Any]:
    """How many of ``n`` generated single-card images (default capture mixture) the detector
    splits into several cards (must be 0)."""
    from active_learning.synth.generate import card_rng, generate_card

    split, kinds = 0, {"photo": 0, "scan": 0, "clean": 0}
    seconds = 0.0
    for i in track(range(n), n, "single cards", "card", log):
        image, truth = generate_card(card_rng(seed + 7919, i))
        started = time.perf_counter()
        split += len(detect_cards(image)) > 1
        seconds += time.perf_counter() - started
        kinds["photo" if truth["photo"] else "scan" if truth["scan"] else "clean"] += 1
    return {"images": n, "seed": seed, "split": split, "capture": kinds,
            "seconds_per_image": seconds / n if n else None}


def format_text(result: dict[str, Any]) -> str:
    if result.get("counted"):
        return (f"photos {result['images']}, cards counted by hand {result['present']}, detected {result['detected']}; "
                f"found at most {result['found']} = {_pct(result['found'] / result['present'])}; "
                f"images with the right count {result['count_right']}, too few {result['under']}, "
                f"too many {result['over']}")
    lines = [f"images {result['images']}, cards present {result['present']}, detected {result['detected']}",
             f"found (IoU >= {IOU_FOUND}) {result['found']} = {_pct(result['found_rate'])}, split {result['split']}, "
             f"merged {result['merged']}, extra {result['extra']}, images exactly right {result['exact_images']}",
             f"mean best IoU {result['mean_best_iou']:.3f}, {result['seconds_per_image']:.2f} s per image",
             "by cards per image: " + ", ".join(f"{k}: {v['found']}/{v['present']}" for k, v in result["by_cards"].items())]
    if "detected_report" in result:
        det = result["detected_report"]["overall"]["micro"]["f1"]
        one = result["one_by_one_report"]["overall"]["micro"]["f1"]
        lines.append(f"per-card micro-F1: through the detector {_pct(det)}, one by one {_pct(one)}"
                     + (f" ({100 * (det - one):+.1f} points)" if det is not None and one is not None else ""))
    if "singles" in result:
        s = result["singles"]
        lines.append(f"single-card images split: {s['split']} of {s['images']}")
    return "\n".join(lines)


def _range(text: str) -> tuple[int, int]:
    from active_learning.synth.multicard import MAX_CARDS, MIN_CARDS

    lo, _, hi = text.partition("-")
    try:
        bounds = (int(lo), int(hi or lo))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a range like 2-6: {text!r}") from None
    if not MIN_CARDS <= bounds[0] <= bounds[1] <= MAX_CARDS:
        raise argparse.ArgumentTypeError(f"cards per image must be within {MIN_CARDS}-{MAX_CARDS}")
    return bounds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m active_learning.bench.cards_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--truth", type=Path, help="a multi-card truth JSONL instead of composing images")
    parser.add_argument("--photos", type=Path, help="a folder of real multi-card photos (with --counts)")
    parser.add_argument("--counts", type=Path, help="hand counts of --photos: {\"source\", \"images\": {name: n}}")
    parser.add_argument("--overlays", type=Path, help="with --photos: draw the outlines found into this folder")
    parser.add_argument("--about", default="", help="a sentence on the set for the benchmarks document")
    parser.add_argument("--n", type=int, default=20, help="images to compose (or the first N of --truth)")
    parser.add_argument("--seed", type=int, default=1000, help="composer seed (training never uses multi-card seeds)")
    parser.add_argument("--cards", type=_range, default=(2, 10), help="cards per composed image, MIN-MAX")
    parser.add_argument("--background", choices=("scanner", "table"), default=None)
    parser.add_argument("--singles", type=int, default=0, help="also check N single-card images are never split")
    parser.add_argument("--singles-seed", type=int, default=0, help="generator seed of the --singles cards")
    parser.add_argument("--detect-only", action="store_true", help="outlines only: no OCR, no model")
    parser.add_argument("--text-fallback", action="store_true", help="cluster OCR lines when no card edge is found")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--save", type=Path, help="save the result as JSON")
    parser.add_argument("--name", default=None, help="the set's name in the table")
    args = parser.parse_args(argv)
    if args.n < 1 or args.singles < 0:
        parser.error("--n must be at least 1 and --singles at least 0")
    if args.truth is not None and not args.truth.is_file():
        print(f"error: {args.truth} is not a file", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if (args.photos is None) != (args.counts is None):
        parser.error("--photos and --counts go together")
    if args.photos is not None:
        if not args.photos.is_dir():
            print(f"error: {args.photos} is not a folder", file=sys.stderr)
            return 2
        try:
            result = {**run_counted(args.photos, read_counts(args.counts), args.overlays), "counts": str(args.counts)}
        except (ValueError, OSError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return _report(args, argv, result, args.name or args.photos.name, None)
    pipeline = None
    if not args.detect_only:
        from ml_backend.config import load_settings
        from ml_backend.reading.pipeline import CardPipeline

        try:
            pipeline = CardPipeline.load(load_settings())
        except (FileNotFoundError, ValueError, OSError) as exc:
            print(f"error: cannot load the model: {exc}", file=sys.stderr)
            return 2
    images = truth_images(args.truth, args.n) if args.truth else composed_images(args.n, args.seed, args.cards,
                                                                                   args.background)
    try:
        result = run(images, pipeline=pipeline, total=args.n, singles=args.singles, singles_seed=args.singles_seed,
                     text_fallback=args.text_fallback)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    name = args.name or (args.truth.parent.name if args.truth else
                         f"composed seed {args.seed}, {args.cards[0]}-{args.cards[1]} cards"
                         + (f", {args.background}" if args.background else ""))
    return _report(args, argv, result, name, pipeline)


def _report(args: argparse.Namespace, argv: list[str] | None, result: dict[str, Any], name: str, pipeline) -> int:
    """Print the result and, with ``--save``, keep it for docs/benchmarks.md."""
    print(format_markdown(result, name) if args.markdown else format_text(result))
    if args.save:
        from active_learning.bench.benchmark import code_version  # loads the pipeline: not for the doc's renderer

        saved = {"kind": "cards", "name": name, "about": args.about,
                 "command": "python -m active_learning.bench.cards_bench " + shlex.join(sys.argv[1:] if argv is None
                                                                                       else argv),
                 "model_version": pipeline.model_version if pipeline is not None else None,
                 "code": code_version(), "date": _dt.date.today().isoformat(), **result}
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text(json.dumps(saved, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"saved {args.save}; render docs/benchmarks.md with: python -m ml_backend benchmarks", file=sys.stderr)
    return 0


__all__ = ["composed_images", "main", "read_counts", "run", "run_counted", "single_card_check", "truth_images"]

if __name__ == "__main__":
    sys.exit(main())
