"""Command line: ``python -m ml_backend {predict,evaluate,benchmarks,models,rules,serve}``.

predict     each card's fields, one line per value (--json/--jsonl: the full record); an image of
            several cards (a scanner sheet, a desk photo) gives one record per card (--one-card: don't
            look for several); --overlay DIR
            writes a PNG of each card with its boxes, labels and values; a bad image gets an error
            line and exit code 1
evaluate    accuracy beside the regex baseline, and per-stage latency, on a truth JSONL; --markdown
            prints Markdown tables, --save FILE keeps the result for docs/benchmarks.md
benchmarks  render docs/benchmarks.md and README's benchmark table from docs/results/*.json
            (--check: fail when they are out of date)
models      the registry's versions and who is served which (--project ID: as that project sees
            them); --promote VERSION serves VERSION to --project ID (else as the default model, for
            every project without its own) -- a rollback is a promotion of an older version;
            --follow-default --project ID puts a project back on the default model
rules       per rule of the rule table (``ml_backend.reading.rules``): values it fired on, made right
            and made wrong on a truth JSONL (each rule switched off in turn; OCR and tagger output
            cached); --json OUT keeps the report, --doc renders docs/rules.md from the saved ones
serve       the Label Studio ML backend under gunicorn
"""

from __future__ import annotations

import argparse
import json
import logging
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Any

from ml_backend.config import load_settings
from ml_backend.runtime import configure_logging, configure_threads
from ml_backend.schema import FIELDS

log = logging.getLogger("ml_backend")
REPO_ROOT = Path(__file__).resolve().parent.parent


def _load_pipeline():
    from ml_backend.reading.pipeline import CardPipeline

    try:
        return CardPipeline.load(load_settings())
    except (FileNotFoundError, ValueError, OSError) as exc:
        print(f"error: cannot load the model: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def format_card(image: str, card: Any, overlay: Path | None = None) -> str:
    """The concise view of one card: a header, then one line per value in field order with its
    confidence, and the validator's reason or note where it has one."""
    lines = [f"{image}  (card confidence {card.confidence:.2f}, model {card.model_version}"
             + (", QR code read" if card.from_qr else "") + ")"]
    order = {f: i for i, f in enumerate(FIELDS)}
    values = sorted(card.values, key=lambda v: order.get(v.field, len(order)))
    if not values:
        lines.append("  (no field found)")
    for v in values:
        text = (v.display or v.value or v.raw).replace("\n", " / ")
        extra = [] if v.valid else [f"check: {v.reason or 'not a valid ' + v.field}"]
        extra += [f"note: {v.note}"] if v.note else []
        extra += ["from QR"] if v.source == "qr" else []
        lines.append(f"  {v.field:<10} {text:<40} {v.confidence:.2f}" + ("  " + "; ".join(extra) if extra else ""))
    if overlay is not None:
        lines.append(f"  {'overlay':<10} {overlay}")
    return "\n".join(lines)


def cmd_predict(args: argparse.Namespace) -> int:
    from ml_backend.reading.images import ImageError, load_image

    settings = load_settings()
    overlay_dir = Path(args.overlay) if args.overlay else None
    if overlay_dir is not None:
        try:
            overlay_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            print(f"error: cannot create the overlay folder {overlay_dir}: {exc}", file=sys.stderr)
            return 2
    pipeline = _load_pipeline()
    as_json = args.json or args.jsonl
    failed, taken = False, set()
    for n, path in enumerate(args.images):
        try:
            image = load_image(path, max_pixels=settings.max_pixels, max_bytes=settings.max_image_bytes)
        except ImageError as exc:
            failed = True
            print(json.dumps({"image": path, "error": str(exc)}, ensure_ascii=False) if as_json
                  else f"{path}  error: {exc}", flush=True)
            continue
        from ml_backend.reading.multicard import predict_cards

        result = predict_cards(pipeline, image, detect=not args.one_card)
        if result.multi:  # one record per card found in the image
            for k, read in enumerate(result.cards, 1):
                written = None
                if overlay_dir is not None:
                    from ml_backend.studio.overlay import draw_overlay, overlay_path

                    written = overlay_path(overlay_dir, f"{Path(path).stem}-card{k}{Path(path).suffix}", taken)
                    draw_overlay(read.crop, read.card).save(written)
                if as_json:
                    record = {"image": path, "card": k, "cards": len(result.cards), **read.to_json(),
                              **({"overlay": str(written)} if written else {})}
                    print(json.dumps(record, ensure_ascii=False, indent=None if args.jsonl else 2), flush=True)
                else:
                    print(("\n" if n or k > 1 else "") + format_card(f"{path} [card {k} of {len(result.cards)}]",
                                                                    read.card, written), flush=True)
            continue
        card = result.cards[0].card
        written = None
        if overlay_dir is not None:
            from ml_backend.studio.overlay import draw_overlay, overlay_path

            written = overlay_path(overlay_dir, path, taken)
            draw_overlay(image, card).save(written)
        if as_json:
            record = {"image": path, **card.to_json(), **({"overlay": str(written)} if written else {})}
            print(json.dumps(record, ensure_ascii=False, indent=None if args.jsonl else 2), flush=True)
        else:
            print(("\n" if n else "") + format_card(path, card, written), flush=True)
    return 1 if failed else 0


def _bad_truth_arguments(args: argparse.Namespace) -> str | None:
    """What is wrong with a measuring command's truth file, --images folder or --limit, or None."""
    if not Path(args.truth).is_file():
        return f"{args.truth} is not a file"
    if getattr(args, "images", None) is not None and not Path(args.images).is_dir():
        return f"{args.images} is not a folder"
    if args.limit is not None and args.limit < 1:
        return "--limit must be at least 1"
    return None


def cmd_evaluate(args: argparse.Namespace) -> int:
    from active_learning.bench.benchmark import describe, format_text, run_benchmark
    from active_learning.bench.benchmark_doc import render_set

    if (problem := _bad_truth_arguments(args)) is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    truth = Path(args.truth)
    pipeline = _load_pipeline()
    try:
        result = run_benchmark(pipeline, truth, limit=args.limit)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    name = args.name or (Path(args.save).stem if args.save else truth.parent.name)
    argv = [args.truth] + (["--limit", str(args.limit)] if args.limit else []) + ["--name", name]
    argv += (["--about", args.about] if args.about else []) + (["--save", args.save] if args.save else [])
    result = describe(result, name=name, truth=args.truth, about=args.about or "",
                      command="python -m ml_backend evaluate " + shlex.join(argv))
    print(render_set(result) if args.markdown else format_text(result))
    if args.save:
        save = Path(args.save)
        save.parent.mkdir(parents=True, exist_ok=True)
        save.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"\nsaved {save}; render docs/benchmarks.md with: python -m ml_backend benchmarks", file=sys.stderr)
    return 0


def cmd_benchmarks(args: argparse.Namespace) -> int:
    from active_learning.bench.benchmark_doc import ResultError, build

    results = Path(args.results)
    if not results.is_dir():
        print(f"error: {results} is not a folder of saved results", file=sys.stderr)
        return 2
    readme = None if args.no_readme else Path(args.readme)
    try:
        changed = build(results, Path(args.out), readme, check=args.check)
    except (ResultError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if changed:
            print("out of date: " + ", ".join(map(str, changed))
                  + "; regenerate with: python -m ml_backend benchmarks", file=sys.stderr)
            return 1
        print("up to date")
        return 0
    print("wrote " + (", ".join(map(str, changed)) if changed else "nothing (already up to date)"))
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    from active_learning.bench import rules_doc
    from active_learning.bench.rules_report import format_text, rules_report, save

    if args.doc or args.check:
        try:
            changed = rules_doc.build(Path(args.results), Path(args.out), check=args.check)
        except (rules_doc.ReportError, OSError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if args.check:
            if changed:
                print(f"out of date: {args.out}; regenerate with: python -m ml_backend rules --doc", file=sys.stderr)
                return 1
            print("up to date")
            return 0
        print(f"wrote {args.out}" if changed else "nothing written (already up to date)")
        return 0
    if args.truth is None:
        print("error: give a TRUTH.jsonl to measure, or --doc to render docs/rules.md", file=sys.stderr)
        return 2
    if (problem := _bad_truth_arguments(args)) is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    truth = Path(args.truth)
    pipeline = _load_pipeline()
    try:
        report = rules_report(pipeline, truth, images=Path(args.images) if args.images else None,
                              cache_dir=None if args.no_cache else Path(args.cache), limit=args.limit,
                              rule_ids=args.rule or None)
    except (ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    name = args.name or (Path(args.json).stem if args.json else truth.parent.name)
    argv = [args.truth] + (["--images", args.images] if args.images else []) + (
        ["--limit", str(args.limit)] if args.limit else []) + ["--name", name]
    argv += (["--about", args.about] if args.about else []) + (["--json", args.json] if args.json else [])
    report = {"set": {"name": name, "truth": args.truth, "about": args.about or ""},
              "command": "python -m ml_backend rules " + shlex.join(argv), **report}
    print(format_text(report, all_rules=args.all))
    if args.json:
        save(report, Path(args.json))
        print(f"\nsaved {args.json}; render docs/rules.md with: python -m ml_backend rules --doc", file=sys.stderr)
    return 0


REPO_ROOT = Path(__file__).resolve().parents[1]
#: gunicorn's settings; its ``wsgi_app`` names the app (``ml_backend.wiring:gunicorn_app()``, the
#: server with the loop's queue wired in), so the command line below names none.
GUNICORN_CONFIG = REPO_ROOT / "gunicorn.conf.py"


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _version_line(meta: dict[str, Any]) -> str:
    served = (["default"] if meta["default"] else []) + [f"project {p}" for p in meta["served_projects"]]
    f1 = (meta.get("metrics") or {}).get("f1")
    return (f"{'*' if meta['current'] else ' '} {meta['version']}  {meta.get('created_at') or '':<25}"
            f"  {('project ' + str(meta['project'])) if meta.get('project') else '-':<12}"
            f"  F1 {f'{float(f1):.4f}' if isinstance(f1, (int, float)) else '-':<6}"
            f"  served to: {', '.join(served) or 'nobody'}")


def cmd_models(args: argparse.Namespace) -> int:
    """List the registry's versions, or switch what a project (or the default) is served."""
    from ml_backend.registry import ModelRegistry, RegistryError, check_project

    registry = ModelRegistry(args.registry or load_settings().registry_dir)
    try:
        if args.project is not None:
            check_project(args.project)
        if args.follow_default:
            if args.project is None:
                raise RegistryError("--follow-default needs --project ID (the default itself is moved with --promote)")
            had = registry.follow_default(args.project)
            served = registry.current(args.project)
            print(f"project {args.project} follows the default model ({served[0] if served else 'none promoted yet'})"
                  + ("" if had else "; it had no model of its own"))
            return 0
        if args.promote:
            registry.promote(args.promote, project=args.project)
            print(f"{args.promote} is served to " + (f"project {args.project}" if args.project is not None
                                                     else "every project without a model of its own"))
            return 0
    except RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    listed = registry.versions(args.project)
    if args.json:
        print(json.dumps({"project": args.project, "versions": listed, "projects": registry.projects()}, indent=2,
                         ensure_ascii=False, default=str))
        return 0
    if not listed:
        print(f"no model version in {registry.root}")
        return 0
    whose = f"project {args.project}" if args.project is not None else "the default"
    print(f"{registry.root}: * = served to {whose}")
    for meta in listed:
        print(_version_line(meta))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Replace this process with gunicorn serving the backend on ``host:port``."""
    import os

    settings = load_settings()
    host, port = args.host or settings.host, args.port or settings.port
    argv = [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG), "--bind", f"{host}:{port}"]
    log.info("starting gunicorn on %s:%s", host, port)
    if not _is_loopback(host) and not settings.basic_auth_user:
        log.warning("serving on %s without basic auth: anyone who reaches port %s can call /setup and /predict; "
                    "set BASIC_AUTH_USER and BASIC_AUTH_PASS (and the same in Label Studio) when it is exposed",
                    host, port)
    os.chdir(REPO_ROOT)
    os.execv(sys.executable, argv)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml_backend", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("predict", help="read business card images, print their fields")
    p.add_argument("images", nargs="+", metavar="IMAGE")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="the full record of each image as indented JSON")
    fmt.add_argument("--jsonl", action="store_true", help="the full record of each image, one JSON object per line")
    p.add_argument("--overlay", metavar="DIR", help="write DIR/<image>.png: the card with its boxes, labels and values")
    p.add_argument("--one-card", action="store_true",
                   help="read each image as one card (do not look for several cards in it)")
    p.set_defaults(func=cmd_predict)

    e = sub.add_parser("evaluate", help="accuracy vs the regex baseline and latency on a truth JSONL")
    e.add_argument("truth", metavar="TRUTH.jsonl")
    e.add_argument("--limit", type=int, default=None, help="evaluate only the first N cards")
    e.add_argument("--markdown", action="store_true", help="print Markdown tables (as docs/benchmarks.md shows them)")
    e.add_argument("--save", metavar="FILE", help="save the result as JSON (docs/results/NAME.json feeds docs/benchmarks.md)")
    e.add_argument("--name", help="the set's name in the tables (default: the --save file's or the truth folder's name)")
    e.add_argument("--about", help="one sentence on what the set is and how it was made")
    e.set_defaults(func=cmd_evaluate)

    b = sub.add_parser("benchmarks", help="render docs/benchmarks.md and README's table from saved results")
    b.add_argument("--results", default=str(REPO_ROOT / "docs" / "results"), help="folder of saved results")
    b.add_argument("--out", default=str(REPO_ROOT / "docs" / "benchmarks.md"))
    b.add_argument("--readme", default=str(REPO_ROOT / "README.md"))
    b.add_argument("--no-readme", action="store_true", help="leave README alone")
    b.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file is out of date")
    b.set_defaults(func=cmd_benchmarks)

    m = sub.add_parser("models", help="list model versions; promote one to a project or as the default")
    m.add_argument("--registry", default=None, help="registry root (default: CARDLOOP_REGISTRY_DIR)")
    m.add_argument("--project", type=int, default=None, metavar="ID", help="a Label Studio project id")
    act = m.add_mutually_exclusive_group()
    act.add_argument("--promote", metavar="VERSION", help="serve VERSION to --project (else as the default model)")
    act.add_argument("--follow-default", action="store_true", help="put --project back on the default model")
    m.add_argument("--json", action="store_true", help="the listing as JSON")
    m.set_defaults(func=cmd_models)
    r = sub.add_parser("rules", help="per rule of the rule table: fired, made right, made wrong on a truth JSONL")
    r.add_argument("truth", metavar="TRUTH.jsonl", nargs="?")
    r.add_argument("--images", metavar="DIR", help="folder of the records' images (default: as the truth file names them)")
    r.add_argument("--limit", type=int, default=None, help="only the first N cards")
    r.add_argument("--rule", action="append", metavar="ID", help="measure only this rule (repeatable)")
    r.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "cardloop-reads"),
                   help="folder caching each card's OCR and tagger output (default: %(default)s)")
    r.add_argument("--no-cache", action="store_true", help="read every card afresh, cache nothing")
    r.add_argument("--json", metavar="OUT", help="save the report as JSON (docs/results/rules/NAME.json feeds docs/rules.md)")
    r.add_argument("--name", help="the set's name (default: the --json file's or the truth folder's name)")
    r.add_argument("--about", help="one sentence on what the set is and how it was made")
    r.add_argument("--all", action="store_true", help="list every rule, also those that never fired")
    r.add_argument("--doc", action="store_true", help="render docs/rules.md from the rule table and saved reports")
    r.add_argument("--check", action="store_true", help="with --doc: write nothing; exit 1 when docs/rules.md is out of date")
    r.add_argument("--results", default=str(REPO_ROOT / "docs" / "results" / "rules"), help="folder of saved reports")
    r.add_argument("--out", default=str(REPO_ROOT / "docs" / "rules.md"))
    r.set_defaults(func=cmd_rules)

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
