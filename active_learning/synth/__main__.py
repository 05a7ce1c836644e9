"""CLI: ``python -m active_learning.synth --out DIR --n N [--seed S] [--locales en_US,ru_RU]
[--photo-fraction F] [--layout-only] [--workers W] [--renderer pil|html|mixed] [--html-share F]
[--templates band,caps]``; prints one summary line, exit 2 on bad input, 1 when Chromium fails."""

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
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
