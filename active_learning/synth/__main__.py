"""CLI: ``python -m active_learning.synth --out DIR --n N [--seed S] [--locales en_US,ru_RU]
[--photo-fraction F] [--layout-only] [--workers W] [--renderer pil|html|mixed] [--html-share F]
[--templates band,caps] [--multi-card 2-10 [--background scanner|table]]``; prints one summary line, exit 2 on bad input, 1 when Chromium fails."""

from __future__ import annotations

import argparse
import collections
import json
import logging
import sys
import time
from pathlib import Path

from active_learning.synth.generate import LOCALES, generate_dataset
from active_learning.synth.html.browser import BrowserError
from active_learning.synth.html.dataset import MIXED_HTML_SHARE, RENDERERS, generate_html_dataset
from active_learning.synth.html.templates import TEMPLATES
from active_learning.synth.multicard import BACKGROUNDS, MAX_CARDS, MIN_CARDS, generate_multicard_dataset


def _locales(text: str) -> list[str]:
    locales = [x.strip() for x in text.split(",") if x.strip()]
    unknown = [x for x in locales if x not in LOCALES]
    if unknown or not locales:
        raise argparse.ArgumentTypeError(f"unknown locale(s) {unknown or text!r}; known: {','.join(LOCALES)}")
    return locales


def _templates(text: str) -> list[str]:
    names = [x.strip() for x in text.split(",") if x.strip()]
    unknown = [x for x in names if x not in TEMPLATES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown template(s) {unknown or text!r}; known: {','.join(TEMPLATES)}")
    return names


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be within [0, 1], got {value}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _card_range(text: str) -> tuple[int, int]:
    lo, _, hi = text.partition("-")
    try:
        bounds = (int(lo), int(hi or lo))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a range like 2-10: {text!r}") from None
    if not MIN_CARDS <= bounds[0] <= bounds[1] <= MAX_CARDS:
        raise argparse.ArgumentTypeError(f"cards per image must be within {MIN_CARDS}-{MAX_CARDS}, got {text!r}")
    return bounds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m active_learning.synth", description="Generate synthetic business cards.")
    parser.add_argument("--out", required=True, type=Path, help="output folder (images/ + truth.jsonl)")
    parser.add_argument("--n", required=True, type=_positive, help="number of cards")
    parser.add_argument("--seed", type=int, default=0, help="dataset seed (card i depends only on seed and i)")
    parser.add_argument("--locales", type=_locales, default=None, help=f"comma-separated subset of {','.join(LOCALES)}")
    parser.add_argument("--photo-fraction", type=_fraction, default=None, help="share of photographed cards (default ~0.35)")
    parser.add_argument("--layout-only", action="store_true", help="truth only (boxes from font metrics), no images")
    parser.add_argument("--workers", type=_positive, default=1, help="processes (pil renderer)")
    parser.add_argument("--renderer", choices=RENDERERS, default="pil",
                        help="pil (default), html (headless Chromium, HTML/CSS templates) or mixed")
    parser.add_argument("--html-share", type=_fraction, default=None,
                        help=f"share of HTML cards with --renderer mixed (default {MIXED_HTML_SHARE})")
    parser.add_argument("--templates", type=_templates, default=None, help=f"HTML templates to use: {','.join(TEMPLATES)}")
    parser.add_argument("--multi-card", type=_card_range, default=None, metavar="MIN-MAX",
                        help="images of several cards each (a scanner sheet or a table photo), MIN-MAX cards per image")
    parser.add_argument("--background", choices=BACKGROUNDS, default=None,
                        help="with --multi-card: scanner or table (default: both, drawn per image)")
    args = parser.parse_args(argv)
    if args.background and not args.multi_card:
        parser.error("--background needs --multi-card")
    if args.multi_card:
        if args.renderer != "pil" or args.layout_only or args.photo_fraction is not None:
            parser.error("--multi-card composes pil-rendered card images (no --renderer, --layout-only or --photo-fraction)")
        return _multi_card(args)
    if args.renderer != "pil":
        if args.workers > 1:
            parser.error("--workers applies to --renderer pil (HTML cards share one Chromium process)")
    elif args.html_share is not None or args.templates:
        parser.error("--html-share and --templates need --renderer html or mixed")
    if args.html_share is not None and args.renderer != "mixed":
        parser.error("--html-share needs --renderer mixed")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    start = time.perf_counter()
    try:
        if args.renderer == "pil":
            path = generate_dataset(args.out, args.n, seed=args.seed, locales=args.locales,
                                    photo_fraction=args.photo_fraction, workers=args.workers, layout_only=args.layout_only)
        else:
            share = 1.0 if args.renderer == "html" else MIXED_HTML_SHARE if args.html_share is None else args.html_share
            path = generate_html_dataset(args.out, args.n, seed=args.seed, locales=args.locales,
                                         photo_fraction=args.photo_fraction, html_share=share, templates=args.templates,
                                         layout_only=args.layout_only)
    except BrowserError as exc:
        print(f"error: Chromium: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write to {args.out}: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - start
    counts: collections.Counter[str] = collections.Counter()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            truth = json.loads(line)
            counts["photo"] += truth["photo"]
            counts["rotated"] += truth["rotation"] != 0
            counts["qr"] += truth["qr"]
            counts["html"] += truth.get("renderer") == "html"
    print(f"wrote {args.n} cards to {path} in {elapsed:.1f}s ({args.n / elapsed:.1f} cards/s; "
          f"photo {counts['photo']}, rotated {counts['rotated']}, qr {counts['qr']}, html {counts['html']}; "
          f"{'layout only' if args.layout_only else 'images in ' + str(path.parent / 'images')})")
    return 0


def _multi_card(args: argparse.Namespace) -> int:
    """Write a multi-card dataset and print its one summary line."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    start = time.perf_counter()
    try:
        path = generate_multicard_dataset(args.out, args.n, seed=args.seed, locales=tuple(args.locales or ()) or None,
                                          cards=args.multi_card, background=args.background)
    except OSError as exc:
        print(f"error: cannot write to {args.out}: {exc}", file=sys.stderr)
        return 1
    counts: collections.Counter[str] = collections.Counter()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            truth = json.loads(line)
            counts["cards"] += len(truth["cards"])
            counts[truth["background"]] += 1
    print(f"wrote {args.n} multi-card images ({counts['cards']} cards; scanner {counts['scanner']}, "
          f"table {counts['table']}) to {path} in {time.perf_counter() - start:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
