"""Learning-curve benchmark: does labelling the least confident cards first save labels?

A simulated annotator answers with the generator's truth (``synth.generate_layout``). Both
strategies start from the same random seed set and, round after round, add ``k`` cards from the
same pool: *uncertainty* takes the cards the current model is least sure of (the same per-card
aggregation the served model writes to Label Studio), *random* takes a random sample. After
each round a model is trained **from scratch with the same budget** (same optimiser steps, seed,
learning rate) and scored on a fixed held-out set of generated cards. Retraining from scratch
keeps rounds comparable: a warm-started model would carry the order in which data arrived.

The target is the F1 a model of the same budget reaches on the *whole* pool, minus one point;
``labels_to_target`` is the first label count at which a strategy reaches it.

Cards are presented the way inference sees them: each pool and test card is one fixed OCR-like
view (``examples.augmented_example`` with a per-card seed), as a real annotated card has one
OCR reading; the model trains on and scores exactly those views (``augment`` instead draws fresh
views of the labelled cards every epoch, as the bootstrap training does).
"""

from __future__ import annotations

import json
import logging
import math
import random
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Sequence

from active_learning.examples import augmented_dataset, augmented_example, examples_dataset
from active_learning.synth import card_rng, generate_layout
from active_learning.train import evaluate_model, train_model, train_processor
from active_learning.uncertainty import most_uncertain, probs_uncertainty

log = logging.getLogger(__name__)

STRATEGIES = ("uncertainty", "random")


@dataclass(frozen=True)
class CurveConfig:
    """Sizes and the per-round training budget (identical for every strategy and round)."""

    pool: int = 1000
    k: int = 50
    initial: int = 50
    test: int = 300
    steps: int = 400
    batch_size: int = 16
    lr: float = 3e-3
    size: str = "tiny"
    vocab_size: int = 2000
    seed: int = 0
    measure: str = "least_confidence"  # per-word uncertainty, see ml_backend.confidence
    max_labels: int | None = None  # stop a strategy here (default: the whole pool)
    augment: bool = False  # train on fresh OCR-like views each epoch (the bootstrap recipe)

    def __post_init__(self) -> None:
        if self.pool < self.initial + self.k:
            raise ValueError("the pool must hold the initial set and at least one round")
        if min(self.k, self.initial, self.test, self.steps) <= 0:
            raise ValueError("k, initial, test and steps must be positive")


def _views(records: Sequence[dict[str, Any]], tag: str, seed: int) -> list[dict[str, Any]]:
    """One fixed OCR-like view per card (the card as the OCR would report it)."""
    return [augmented_example(r, random.Random(f"{tag}:{seed}:{i}")) for i, r in enumerate(records)]


class Simulation:
    """Pool, test set, processor and the train-and-score routine shared by all strategies."""

    def __init__(self, cfg: CurveConfig, workdir: Path):
        self.cfg = cfg
        self.workdir = workdir
        started = time.perf_counter()
        # Upright cards: serving hands the tagger lines the OCR already turned upright, so a card
        # photographed sideways never reaches the model with vertical text boxes.
        self.pool = [generate_layout(card_rng(cfg.seed, i), rotation=0) for i in range(cfg.pool)]
        self.test_records = [generate_layout(card_rng(cfg.seed + 1_000_003, i), rotation=0) for i in range(cfg.test)]
        # Unlabelled text is free: the vocabulary may see the whole pool, never the test cards.
        self.processor = train_processor([ln["text"] for r in self.pool for ln in r["lines"]], vocab_size=cfg.vocab_size)
        self.pool_views = _views(self.pool, "pool", cfg.seed)
        self.test_set = examples_dataset(_views(self.test_records, "test", cfg.seed))
        self.runs = 0
        log.info("simulation ready: %d pool, %d test cards (%.0f s)", cfg.pool, cfg.test, time.perf_counter() - started)

    def train(self, labelled: Sequence[int]) -> tuple[Any, float]:
        """Model trained from scratch on the labelled pool cards; returns (tagger, test F1)."""
        from ml_backend.layout.tagger import LayoutTagger

        cfg = self.cfg
        self.runs += 1
        out = self.workdir / f"run-{self.runs:03d}"
        # the same number of optimiser steps whatever the set size (the Trainer runs whole batches)
        epochs = cfg.steps / math.ceil(len(labelled) / cfg.batch_size)
        train = (augmented_dataset([self.pool[i] for i in labelled], seed=cfg.seed) if cfg.augment
                 else examples_dataset([self.pool_views[i] for i in labelled]))
        result = train_model(
            train, None,
            output_dir=out, processor=self.processor, size=cfg.size, epochs=epochs,
            batch_size=cfg.batch_size, lr=cfg.lr, seed=cfg.seed, logging_steps=max(cfg.steps, 1),
        )
        tagger = LayoutTagger.from_pretrained(result.model_dir)
        f1 = evaluate_model(tagger, self.test_set)["f1"]
        return tagger, f1

    def uncertainties(self, tagger: Any, candidates: Sequence[int]) -> list[float]:
        return [
            probs_uncertainty(tagger.word_probs(self.pool_views[i]["words"], self.pool_views[i]["bboxes"]),
                              self.cfg.measure)
            for i in candidates
        ]


def run_strategy(sim: Simulation, strategy: str, target: float | None) -> list[dict[str, Any]]:
    """Rounds of one strategy until the label budget or the pool is spent (or target reached + 1 round)."""
    cfg = sim.cfg
    rng = random.Random(f"curve:{cfg.seed}")  # same initial set for every strategy
    labelled = rng.sample(range(cfg.pool), cfg.initial)
    pick_rng = random.Random(f"curve-random:{cfg.seed}")
    limit = min(cfg.max_labels or cfg.pool, cfg.pool)
    rounds: list[dict[str, Any]] = []
    reached_at: int | None = None
    while True:
        started = time.perf_counter()
        tagger, f1 = sim.train(labelled)
        rounds.append({"labels": len(labelled), "f1": f1})
        log.info("%-11s labels %4d  F1 %.4f  (%.0f s)", strategy, len(labelled), f1, time.perf_counter() - started)
        if target is not None and f1 >= target and reached_at is None:
            reached_at = len(rounds)
        if len(labelled) >= limit or (reached_at is not None and len(rounds) > reached_at):
            return rounds
        taken = set(labelled)
        candidates = [i for i in range(cfg.pool) if i not in taken]
        k = min(cfg.k, limit - len(labelled))
        if strategy == "random":
            labelled = labelled + pick_rng.sample(candidates, k)
        else:
            scores = sim.uncertainties(tagger, candidates)
            labelled = labelled + [candidates[j] for j in most_uncertain(scores, k)]


def labels_to_target(rounds: Sequence[dict[str, Any]], target: float) -> int | None:
    return next((r["labels"] for r in rounds if r["f1"] >= target), None)


def run_curve(cfg: CurveConfig, out_dir: str | Path) -> dict[str, Any]:
    """Run the benchmark, write ``learning_curve.json`` and ``learning_curve.png`` to ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cardloop-curve-") as tmp:
        sim = Simulation(cfg, Path(tmp))
        _, full_f1 = sim.train(list(range(cfg.pool)))
        target = round(full_f1 - 0.01, 4)
        log.info("full pool (%d labels): F1 %.4f -> target %.4f", cfg.pool, full_f1, target)
        strategies = {}
        for name in STRATEGIES:
            rounds = run_strategy(sim, name, target)
            strategies[name] = {"rounds": rounds, "labels_to_target": labels_to_target(rounds, target)}
    u, r = strategies["uncertainty"]["labels_to_target"], strategies["random"]["labels_to_target"]
    report = {
        "config": asdict(cfg),
        "full_pool": {"labels": cfg.pool, "f1": full_f1},
        "target_f1": target,
        "strategies": strategies,
        # random never reaching the target within the pool means it needs more than the pool
        "label_ratio": round(u / r, 3) if u and r else None,
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out / "learning_curve.json").write_text(json.dumps(report, indent=2))
    plot_curve(report, out / "learning_curve.png")
    return report


def plot_curve(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, data in report["strategies"].items():
        xs = [r["labels"] for r in data["rounds"]]
        ys = [r["f1"] for r in data["rounds"]]
        ax.plot(xs, ys, marker="o", label=f"{name} (target at {data['labels_to_target'] or '-'})")
    ax.axhline(report["target_f1"], color="grey", linestyle="--", label=f"target F1 {report['target_f1']:.3f}")
    ax.set_xlabel("labelled cards")
    ax.set_ylabel("entity F1 (held-out generated cards)")
    ax.set_title("Active learning: least-confident-first vs random")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def format_table(report: dict[str, Any]) -> str:
    """Labels and F1 per round, one column per strategy."""
    names = list(report["strategies"])
    by_labels: dict[int, dict[str, float]] = {}
    for name in names:
        for r in report["strategies"][name]["rounds"]:
            by_labels.setdefault(r["labels"], {})[name] = r["f1"]
    lines = [f"{'labels':>7} " + " ".join(f"{n:>12}" for n in names)]
    for labels in sorted(by_labels):
        lines.append(f"{labels:>7} " + " ".join(
            f"{by_labels[labels][n]:>12.4f}" if n in by_labels[labels] else f"{'':>12}" for n in names))
    lines.append(f"full pool ({report['full_pool']['labels']}): F1 {report['full_pool']['f1']:.4f}; "
                 f"target {report['target_f1']:.4f}")
    for n in names:
        lines.append(f"{n}: labels to target = {report['strategies'][n]['labels_to_target']}")
    if report["label_ratio"] is not None:
        lines.append(f"uncertainty / random labels = {report['label_ratio']:.2f}")
    return "\n".join(lines)
