"""Command line: ``python -m ml_backend {predict,evaluate,serve}``.

predict   one JSON object per image on stdout; a bad image gets {"image", "error"} and exit code 1
evaluate  accuracy beside the regex baseline, and per-stage latency, on a truth JSONL
serve     the Label Studio ML backend under gunicorn
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from ml_backend.config import load_settings
from ml_backend.runtime import configure_logging, configure_threads

log = logging.getLogger("ml_backend")


def _load_pipeline():
    from ml_backend.pipeline import CardPipeline

    try:
        return CardPipeline.load(load_settings())
    except (FileNotFoundError, ValueError, OSError) as exc:
        print(f"error: cannot load the model: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def cmd_predict(args: argparse.Namespace) -> int:
    from ml_backend.images import ImageError, load_image

    settings = load_settings()
    pipeline = _load_pipeline()
    failed = False
    for path in args.images:
        try:
            image = load_image(path, max_pixels=settings.max_pixels, max_bytes=settings.max_image_bytes)
        except ImageError as exc:
            failed = True
            result = {"image": path, "error": str(exc)}
        else:
            result = {"image": path, **pipeline.predict(image).to_json()}
        print(json.dumps(result, ensure_ascii=False, indent=None if args.jsonl else 2), flush=True)
    return 1 if failed else 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from ml_backend.benchmark import run_benchmark

    truth = Path(args.truth)
    if not truth.is_file():
        print(f"error: {truth} is not a file", file=sys.stderr)
        return 2
    pipeline = _load_pipeline()
    print(run_benchmark(pipeline, truth, limit=args.limit))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from ml_backend.server import serve

    settings = load_settings()
    serve(host=args.host or settings.host, port=args.port or settings.port)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml_backend", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("predict", help="read business card images, print their fields as JSON")
    p.add_argument("images", nargs="+", metavar="IMAGE")
    p.add_argument("--jsonl", action="store_true", help="compact: one JSON object per line (default: indented)")
    p.set_defaults(func=cmd_predict)

    e = sub.add_parser("evaluate", help="accuracy vs the regex baseline and latency on a truth JSONL")
    e.add_argument("truth", metavar="TRUTH.jsonl")
    e.add_argument("--limit", type=int, default=None, help="evaluate only the first N cards")
    e.set_defaults(func=cmd_evaluate)

    s = sub.add_parser("serve", help="run the Label Studio ML backend (gunicorn)")
    s.add_argument("--host", default=None)
    s.add_argument("--port", type=int, default=None)
    s.set_defaults(func=cmd_serve)

    args = parser.parse_args(argv)
    settings = load_settings()
    configure_logging(settings)
    configure_threads(settings)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
