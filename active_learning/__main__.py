"""Command line of the active-learning loop.

    python -m active_learning curve --out DIR [--pool N] [--k K] ...   learning-curve benchmark
    python -m active_learning next-batch --project ID                 score unlabeled tasks now
    python -m active_learning train --project ID                      queue a training run now
    python -m active_learning reconcile --project ID                  catch up with lost webhooks now
    python -m active_learning finetune-bench [--folder DIR] [--k K] ...  F1 before/after fine-tuning on real cards

Exit codes: 0 done, 2 bad arguments, 1 the run failed (one line on stderr says why).
"""

from __future__ import annotations

import argparse
import logging
import sys

log = logging.getLogger("active_learning")


def _curve(args: argparse.Namespace) -> int:
    from active_learning.bench.curve import CurveConfig, format_table, run_curve

    cfg = CurveConfig(pool=args.pool, k=args.k, initial=args.initial, test=args.test, base=args.base,
                      base_steps=args.base_steps, epochs=args.epochs, steps=args.steps,
                      finetune_lr=args.finetune_lr, replay=args.replay, seed=args.seed, size=args.size,
                      novel_locales=tuple(args.novel_locales.split(",")), novel_share=args.novel_share,
                      measure=args.measure, max_labels=args.max_labels, augment=args.augment)
    report = run_curve(cfg, args.out, repeats=args.repeats)
    print(format_table(report))
    print(f"wrote {args.out}/learning_curve.json and learning_curve.png ({report['seconds']:.0f} s)")
    return 0


def _next_batch(args: argparse.Namespace) -> int:
    from active_learning.loop.batch import refresh_next_batch
    from ml_backend.local_stack import cli_settings, missing_label_studio

    settings = cli_settings()  # the environment, completed from the local stack's var/stack.json
    missing = missing_label_studio(settings)
    if missing:
        print(f"error: {missing}", file=sys.stderr)
        return 1
    summary = refresh_next_batch(args.project, settings, limit=args.limit)
    print(f"project {args.project}: scored {summary['scored']} unlabeled tasks with {summary['model_version']}; "
          f"view \"{summary['view_title']}\" (id {summary['view_id']}) lists the {summary['batch_size']} least confident first")
    for task in summary["next_batch"]:
        print(f"  task {task['task_id']}: confidence {task['confidence']:.4f}")
    return 0


def _train(args: argparse.Namespace) -> int:
    from active_learning.loop.queue import TRAIN_ACTION, handle_event

    out = handle_event({"action": TRAIN_ACTION, "project": {"id": args.project}})
    print(f"project {args.project}: training {out['training']} {out.get('training_job', '')}".rstrip())
    return 0


def _finetune_bench(args: argparse.Namespace) -> int:
    from ml_backend.runtime import configure_threads

    configure_threads()  # before torch is imported: one thread unless CARDLOOP_TORCH_THREADS says more
    from pathlib import Path

    from active_learning.bench.finetune_bench import (
        BenchConfig,
        bench_command,
        format_report,
        run_finetune_bench,
        saved_result,
        write_report,
    )

    cfg = BenchConfig(folder=Path(args.folder), k=args.k, seed=args.seed, model=args.model, epochs=args.epochs,
                      limit=args.limit, ocr_cache=Path(args.ocr_cache) if args.ocr_cache else None)
    report = run_finetune_bench(cfg)
    print(format_report(report))
    if args.out:
        write_report(report, Path(args.out))
        print(f"wrote {args.out} ({report['seconds']:.0f} s)")
    if args.save:
        name = args.name or Path(args.folder).name
        command = bench_command(args.folder, args.k, args.seed, model=args.model, epochs=args.epochs,
                                limit=args.limit, name=args.name, about=args.about, save=args.save)
        write_report(saved_result(report, name=name, command=command, about=args.about or ""), Path(args.save))
        print(f"saved {args.save}; render docs/benchmarks.md with: python -m ml_backend benchmarks", file=sys.stderr)
    return 0


def _reconcile(args: argparse.Namespace) -> int:
    from active_learning.loop.reconcile import reconcile_project

    out = reconcile_project(args.project)
    crm = out["crm"]
    print(f"project {args.project}: {out['annotated_tasks']} annotated tasks; {out['untrained_added']} annotations "
          f"added for training (training {out['training']['training']}); CRM: {crm['inserted']} inserted, "
          f"{crm['updated']} updated, {crm['withdrawn']} withdrawn")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m active_learning", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    curve = sub.add_parser("curve", help="uncertainty vs random sampling learning curves on generated cards")
    curve.add_argument("--out", required=True, help="directory for learning_curve.json and learning_curve.png")
    curve.add_argument("--pool", type=int, default=1000, help="unlabelled pool size (>= 1000 for the acceptance run)")
    curve.add_argument("--k", type=int, default=50, help="cards labelled per round")
    curve.add_argument("--initial", type=int, default=0, help="random cards labelled before round 0, shared by both strategies")
    curve.add_argument("--test", type=int, default=300, help="held-out generated cards (same mix of kinds as the pool)")
    curve.add_argument("--base", type=int, default=3000, help="familiar-locale cards the base (served) model is trained on")
    curve.add_argument("--base-steps", type=int, default=3000, help="optimiser steps of the base model's training")
    curve.add_argument("--epochs", type=float, default=8.0,
                       help="fine-tuning epochs per round over its cards and replay, as the training job")
    curve.add_argument("--steps", type=int, help="instead of --epochs: the same number of optimiser steps every round")
    curve.add_argument("--finetune-lr", type=float, default=1e-3, help="learning rate of each round's fine-tuning")
    curve.add_argument("--novel-locales", default="ru_RU", help="comma-separated locales the base model never saw")
    curve.add_argument("--novel-share", type=float, default=0.25, help="share of pool and test cards in a novel locale")
    curve.add_argument("--seed", type=int, default=0)
    curve.add_argument("--replay", type=float, default=1.0,
                       help="base-model cards mixed into each round's fine-tuning, per labelled card")
    curve.add_argument("--repeats", type=int, default=1,
                       help="run seeds SEED..SEED+N-1 and report mean curves and mean labels to target")
    curve.add_argument("--size", default="tiny", help="model size preset (active_learning.training.train.SIZE_PRESETS)")
    curve.add_argument("--measure", default="least_confidence", help="least_confidence, margin or entropy")
    curve.add_argument("--max-labels", type=int, default=None, help="stop each strategy at this many labels")
    curve.add_argument("--augment", action="store_true", help="train on fresh OCR-like views of each card every epoch")
    curve.set_defaults(run=_curve)

    batch = sub.add_parser("next-batch", help="score unlabeled tasks and refresh the \"Next batch\" view")
    batch.add_argument("--project", type=int, required=True)
    batch.add_argument("--limit", type=int, default=None, help="score at most this many unlabeled tasks")
    batch.set_defaults(run=_next_batch)

    train = sub.add_parser("train", help="queue a training run for a project (as the Start training button does)")
    train.add_argument("--project", type=int, required=True)
    train.set_defaults(run=_train)

    reconcile = sub.add_parser("reconcile", help="export and queue for training what lost webhooks left behind")
    reconcile.add_argument("--project", type=int, required=True)
    reconcile.set_defaults(run=_reconcile)

    bench = sub.add_parser("finetune-bench", help="per-field F1 on real cards before and after fine-tuning on "
                           "annotations of the other cards (k-fold), as the training job fine-tunes")
    bench.add_argument("--folder", default="../shared/real-cards", help="folder with the card images and truth.jsonl")
    bench.add_argument("--k", type=int, default=4, help="number of folds (every card is held out once)")
    bench.add_argument("--seed", type=int, default=0, help="seed of the fold assignment")
    bench.add_argument("--model", help="model directory to fine-tune (default: the served model, CARDLOOP_MODEL_DIR)")
    bench.add_argument("--epochs", type=float, help="fine-tuning epochs (default: CARDLOOP_TRAIN_EPOCHS, as the job)")
    bench.add_argument("--limit", type=int, help="only the first N cards of truth.jsonl")
    bench.add_argument("--ocr-cache", help="OCR cache directory (default: CARDLOOP_REGISTRY_DIR/cache/ocr-engine)")
    bench.add_argument("--out", help="write the full report (per fold, per card alignment) as JSON here")
    bench.add_argument("--save", metavar="FILE", help="save the result with its command for docs/benchmarks.md "
                       "(docs/results/finetune/NAME.json; no truth values, no model path)")
    bench.add_argument("--name", help="the result's name in docs/benchmarks.md (default: the folder's name)")
    bench.add_argument("--about", help="one sentence on the cards, shown under the name in docs/benchmarks.md")
    bench.set_defaults(run=_finetune_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from ml_backend.config import load_settings

    logging.basicConfig(level=load_settings().log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return args.run(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 -- the CLI reports one line, the log has the traceback
        log.debug("command failed", exc_info=True)
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
