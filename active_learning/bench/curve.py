"""Learning-curve benchmark: does labelling the least confident cards first save labels?

Shaped like production. The served model already knows the cards it was built on; annotators
then label cards from the real stream, where a minority are of kinds it has not seen (a new
market's locale). Here:

* a **base model** is trained once from scratch on generated cards of the *familiar* locales only
  (it plays the default model of ``scripts/bootstrap_model.py``);
* the unlabelled **pool** and the held-out **test set** mix familiar cards with a share
  (``novel_share``) of cards in *novel* locales (``novel_locales``, Russian by default);
* a simulated annotator answers with the generator's truth (``synth.generate_layout``);
* each round, *uncertainty* adds the ``k`` pool cards the current model is least sure of (the
  per-card aggregation the served model writes to Label Studio), *random* adds a random ``k``;
  the base model is then **fine-tuned on every card labelled so far**, as the training job does
  (the same epochs over the labelled cards plus as many replayed base-model cards, so that a round
  of unusual cards does not make it forget the usual ones; see ``active_learning.training.replay``), and
  scored on the test set, overall and per kind;
* round 0 is the base model itself (no labels), the same for both strategies.

The target is the F1 that fine-tuning on the *whole* pool reaches with the same recipe, minus one
point; ``labels_to_target`` is the first label count at which a strategy reaches it. One seed is
one draw of pool and test cards, and the ratio between strategies swings with it; ``repeats``
runs several seeds and judges by the mean labels each strategy needed.

Cards are presented the way inference sees them: each pool and test card is one fixed OCR-like
view (``examples.augmented_example`` with a per-card seed), as a real annotated card has one OCR
reading (``augment`` instead draws fresh views of the labelled cards every epoch).
"""

from __future__ import annotations

import json
import logging
import random
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Sequence

from active_learning.training.examples import augmented_dataset, augmented_example, examples_dataset
from active_learning.synth import LOCALES, card_rng, generate_layout
from active_learning.training.train import evaluate_model, train_model, train_processor
from active_learning.loop.uncertainty import most_uncertain, probs_uncertainty
from ml_backend.progress import TrainerProgress, duration

log = logging.getLogger(__name__)

STRATEGIES = ("uncertainty", "random")
#: Locales the base model is trained on when ``familiar_locales`` is not given: the evaluation
#: locales other than the novel ones.
EVALUATION_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "ru_RU")


@dataclass(frozen=True)
class CurveConfig:
    """Sizes, the kinds of cards, and the per-round training budget (identical for every round)."""

    pool: int = 1000
    k: int = 50
    initial: int = 0  # random cards labelled before round 0 (shared by both strategies)
    test: int = 300
    base: int = 3000  # familiar cards the base model is trained on
    base_steps: int = 3000
    epochs: float = 8.0  # epochs over each round's cards and replay, as the training job (CARDLOOP_TRAIN_EPOCHS)
    steps: int | None = None  # instead of epochs: the same number of optimiser steps every round
    batch_size: int = 16
    lr: float = 3e-3  # from-scratch base model
    finetune_lr: float = 1e-3
    replay: float = 1.0  # base-model cards mixed into each fine-tuning per labelled card (CARDLOOP_REPLAY_RATIO)
    size: str = "tiny"
    vocab_size: int = 2000
    novel_locales: tuple[str, ...] = ("ru_RU",)
    novel_share: float = 0.25
    seed: int = 0
    measure: str = "least_confidence"  # per-word uncertainty, see ml_backend.reading.confidence
    max_labels: int | None = None  # stop a strategy here (default: the whole pool)
    augment: bool = False  # train on fresh OCR-like views each epoch (the bootstrap recipe)

    def __post_init__(self) -> None:
        if self.pool < self.initial + self.k:
            raise ValueError("the pool must hold the initial set and at least one round")
        if min(self.k, self.test, self.epochs, 1 if self.steps is None else self.steps, self.base, self.base_steps) <= 0 or self.initial < 0:
            raise ValueError("k, test, epochs, steps, base and base_steps must be positive, initial not negative")
        if self.replay < 0:
            raise ValueError("replay must not be negative")
        if not 0.0 <= self.novel_share <= 1.0:
            raise ValueError("novel_share must be between 0 and 1")
        unknown = [x for x in self.novel_locales if x not in LOCALES]
        if unknown:
            raise ValueError(f"unknown locale(s) {unknown}; known: {', '.join(LOCALES)}")
        if not self.familiar_locales:
            raise ValueError("every evaluation locale is novel: the base model would have nothing to learn from")

    @property
    def familiar_locales(self) -> tuple[str, ...]:
        return tuple(x for x in EVALUATION_LOCALES if x not in self.novel_locales)


def _views(records: Sequence[dict[str, Any]], tag: str, seed: int) -> list[dict[str, Any]]:
    """One fixed OCR-like view per card (the card as the OCR would report it)."""
    return [augmented_example(r, random.Random(f"{tag}:{seed}:{i}")) for i, r in enumerate(records)]


def draw_cards(n: int, seed: int, familiar: Sequence[str], novel: Sequence[str], novel_share: float) -> list[dict[str, Any]]:
    """``n`` upright generated cards, ``round(n * novel_share)`` of them in a novel locale (spread
    through the list), each with ``"novel"`` set. Upright: serving hands the tagger lines the OCR
    already turned upright, so a card photographed sideways never reaches the model as such."""
    n_novel = round(n * novel_share) if novel else 0
    kinds = [True] * n_novel + [False] * (n - n_novel)
    random.Random(f"kinds:{seed}").shuffle(kinds)
    cards = []
    for i, is_novel in enumerate(kinds):
        rng = card_rng(seed, i)
        locale = rng.choice(list(novel if is_novel else familiar))
        cards.append({**generate_layout(rng, locale=locale, rotation=0), "novel": is_novel})
    return cards


class Simulation:
    """Base model, pool, test set and the fine-tune-and-score routine shared by all strategies."""

    def __init__(self, cfg: CurveConfig, workdir: Path):
        from ml_backend.reading.layout.tagger import LayoutTagger

        self.cfg = cfg
        self.workdir = workdir
        started = time.perf_counter()
        familiar, novel = cfg.familiar_locales, cfg.novel_locales
        base_records = draw_cards(cfg.base, cfg.seed + 2_000_003, familiar, (), 0.0)
        self.pool = draw_cards(cfg.pool, cfg.seed, familiar, novel, cfg.novel_share)
        self.test_records = draw_cards(cfg.test, cfg.seed + 1_000_003, familiar, novel, cfg.novel_share)
        # Unlabelled text is free: the vocabulary may see the pool (never the test cards).
        texts = [ln["text"] for r in base_records + self.pool for ln in r["lines"]]
        processor = train_processor(texts, vocab_size=cfg.vocab_size)
        self.pool_views = _views(self.pool, "pool", cfg.seed)
        self.base_records = base_records
        self.base_views = _views(base_records, "base", cfg.seed)
        test_views = _views(self.test_records, "test", cfg.seed)
        self.test_sets = {
            "all": examples_dataset(test_views),
            "familiar": examples_dataset([v for v, r in zip(test_views, self.test_records) if not r["novel"]]),
            "novel": examples_dataset([v for v, r in zip(test_views, self.test_records) if r["novel"]]),
        }
        log.info("seed %d: training the base model (%d steps on %d familiar cards)", cfg.seed, cfg.base_steps, cfg.base)
        base = train_model(
            augmented_dataset(base_records, seed=cfg.seed), None,
            output_dir=workdir / "base", processor=processor, size=cfg.size,
            epochs=cfg.base_steps / -(-len(base_records) // cfg.batch_size),
            batch_size=cfg.batch_size, lr=cfg.lr, seed=cfg.seed, logging_steps=max(cfg.base_steps // 10, 1),
            callbacks=[TrainerProgress(f"seed {cfg.seed} base model", log)],
        )
        self.base_dir = base.model_dir
        self.base_tagger = LayoutTagger.from_pretrained(self.base_dir)
        self.runs = 0
        log.info("simulation ready: base model on %d familiar cards, %d pool (%d novel), %d test cards (%.0f s)",
                 cfg.base, cfg.pool, sum(r["novel"] for r in self.pool), cfg.test, time.perf_counter() - started)

    def score(self, tagger: Any) -> dict[str, float]:
        """Entity F1 on the whole test set and on its familiar and novel cards."""
        return {name: evaluate_model(tagger, data)["f1"] for name, data in self.test_sets.items() if len(data)}

    def train(self, labelled: Sequence[int]) -> tuple[Any, dict[str, float]]:
        """The base model fine-tuned on the labelled pool cards (the base itself for none); (tagger, F1s)."""
        from ml_backend.reading.layout.tagger import LayoutTagger

        cfg = self.cfg
        if not labelled:
            return self.base_tagger, self.score(self.base_tagger)
        self.runs += 1
        out = self.workdir / f"run-{self.runs:03d}"
        # rehearsal, as the training job does (CARDLOOP_REPLAY_RATIO): cards of the kinds the base
        # model was built on -- never the novel locale, which only annotations may teach
        replay = random.Random(f"replay:{cfg.seed}:{len(labelled)}").sample(
            range(len(self.base_records)), min(round(cfg.replay * len(labelled)), len(self.base_records)))
        train = (augmented_dataset([self.pool[i] for i in labelled] + [self.base_records[j] for j in replay],
                                   seed=cfg.seed) if cfg.augment
                 else examples_dataset([self.pool_views[i] for i in labelled] + [self.base_views[j] for j in replay]))
        # the training job's recipe (a number of epochs over the set), or the same number of
        # optimiser steps whatever the set size (the Trainer runs whole batches)
        epochs = cfg.epochs if cfg.steps is None else cfg.steps / -(-len(train) // cfg.batch_size)
        result = train_model(
            train, None, output_dir=out, init_from=str(self.base_dir), epochs=epochs,
            batch_size=cfg.batch_size, lr=cfg.finetune_lr, seed=cfg.seed,
            logging_steps=10_000,  # the rounds are logged here, not the steps
            # a bar per fine-tuning on a terminal, gone when it ends (the round's log line stays)
            callbacks=[TrainerProgress(f"seed {cfg.seed}: fine-tune on {len(labelled)} labels", log, leave=False)],
        )
        tagger = LayoutTagger.from_pretrained(result.model_dir)
        return tagger, self.score(tagger)

    def uncertainties(self, tagger: Any, candidates: Sequence[int]) -> list[float]:
        return [
            probs_uncertainty(tagger.word_probs(self.pool_views[i]["words"], self.pool_views[i]["bboxes"]),
                              self.cfg.measure)
            for i in candidates
        ]


def run_strategy(sim: Simulation, strategy: str, target: float | None) -> list[dict[str, Any]]:
    """Rounds of one strategy until the label budget or the pool is spent (or target reached + 1 round)."""
    cfg = sim.cfg
    tune_seconds: list[float] = []  # wall time of each fine-tuning round, for the time left
    rng = random.Random(f"curve:{cfg.seed}")  # same initial set for every strategy
    labelled = rng.sample(range(cfg.pool), cfg.initial)
    pick_rng = random.Random(f"curve-random:{cfg.seed}")
    limit = min(cfg.max_labels or cfg.pool, cfg.pool)
    rounds: list[dict[str, Any]] = []
    reached_at: int | None = None
    while True:
        started = time.perf_counter()
        tagger, scores = sim.train(labelled)
        f1 = scores["all"]
        novel = sum(sim.pool[i]["novel"] for i in labelled)
        rounds.append({"labels": len(labelled), "novel_labels": novel, "f1": f1,
                       **{f"f1_{kind}": v for kind, v in scores.items() if kind != "all"}})
        if labelled:
            tune_seconds.append(time.perf_counter() - started)
        # at most this many rounds are left (fewer once the target is reached), each about as long as so far
        rounds_left = -(-(limit - len(labelled)) // cfg.k)
        left = (f"; at most {duration(rounds_left * sum(tune_seconds) / len(tune_seconds))} left"
                if tune_seconds and rounds_left else "")
        log.info("%-11s labels %4d (%3d novel)  F1 %.4f  (%.0f s%s)", strategy, len(labelled), novel, f1,
                 time.perf_counter() - started, left)
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


def label_ratio(strategies: dict[str, Any]) -> float | None:
    """Labels uncertainty sampling needed per label random sampling needed; None when either never
    reached the target (random never reaching it within the pool means it needs more than the pool)."""
    u, r = strategies["uncertainty"]["labels_to_target"], strategies["random"]["labels_to_target"]
    return round(u / r, 3) if u and r else None


def run_once(cfg: CurveConfig, workdir: Path) -> dict[str, Any]:
    """One simulation (one seed): full-pool F1, the target, and every strategy's rounds."""
    sim = Simulation(cfg, workdir)
    _, full = sim.train(list(range(cfg.pool)))
    target = round(full["all"] - 0.01, 4)
    log.info("seed %d: full pool (%d labels) F1 %.4f -> target %.4f", cfg.seed, cfg.pool, full["all"], target)
    strategies = {}
    for name in STRATEGIES:
        rounds = run_strategy(sim, name, target)
        strategies[name] = {"rounds": rounds, "labels_to_target": labels_to_target(rounds, target)}
    return {
        "seed": cfg.seed,
        "full_pool": {"labels": cfg.pool, **{("f1" if k == "all" else f"f1_{k}"): v for k, v in full.items()}},
        "target_f1": target,
        "strategies": strategies,
        "label_ratio": label_ratio(strategies),
    }


def mean_rounds(curves: Sequence[Sequence[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Rounds averaged over runs, at the label counts every run has (runs stop after their target)."""
    shared = set.intersection(*({r["labels"] for r in rounds} for rounds in curves))
    by_labels = [{r["labels"]: r for r in rounds} for rounds in curves]
    return [
        {key: round(sum(run[labels][key] for run in by_labels) / len(by_labels), 4) if key != "labels" else labels
         for key in by_labels[0][labels]}
        for labels in sorted(shared)
    ]


def combine_runs(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The report over several seeds: mean curves, mean labels to target per strategy, and their ratio.

    One seed's ratio swings with which cards the pool and test set happen to hold (0.5 to 0.8 for
    the same settings), so the verdict uses the mean labels each strategy needed over all seeds; a
    seed where a strategy never reached its target counts the whole pool (a lower bound)."""
    strategies = {}
    for name in STRATEGIES:
        needed = [run["strategies"][name]["labels_to_target"] for run in runs]
        strategies[name] = {
            "rounds": mean_rounds([run["strategies"][name]["rounds"] for run in runs]),
            "labels_to_target": round(sum(n if n is not None else run["full_pool"]["labels"]
                                          for n, run in zip(needed, runs)) / len(runs), 1),
            "labels_to_target_per_seed": needed,
        }
    return {
        "full_pool": {"labels": runs[0]["full_pool"]["labels"],
                      "f1": round(sum(run["full_pool"]["f1"] for run in runs) / len(runs), 4)},
        "target_f1": round(sum(run["target_f1"] for run in runs) / len(runs), 4),
        "strategies": strategies,
        "label_ratio": label_ratio(strategies),
    }


def run_curve(cfg: CurveConfig, out_dir: str | Path, repeats: int = 1) -> dict[str, Any]:
    """Run the benchmark over ``repeats`` seeds (``cfg.seed`` onwards), write ``learning_curve.json``
    and ``learning_curve.png`` to ``out_dir``. With one seed the report is that run's; with more,
    ``strategies`` holds the mean curves and ``runs`` every seed's own."""
    if repeats < 1:
        raise ValueError("repeats must be >= 1")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    runs = []
    for i in range(repeats):
        with tempfile.TemporaryDirectory(prefix="cardloop-curve-") as tmp:
            runs.append(run_once(replace(cfg, seed=cfg.seed + i), Path(tmp)))
    summary = runs[0] if repeats == 1 else {**combine_runs(runs), "runs": runs}
    report = {
        "config": {**asdict(cfg), "familiar_locales": list(cfg.familiar_locales), "repeats": repeats},
        **summary,
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
    colours = dict(zip(STRATEGIES, ("tab:blue", "tab:orange")))
    for run in report.get("runs", []):  # each seed's own curve, faint, under the mean
        for name, data in run["strategies"].items():
            ax.plot([r["labels"] for r in data["rounds"]], [r["f1"] for r in data["rounds"]],
                    color=colours.get(name), alpha=0.25, linewidth=1)
    seeds = len(report.get("runs", []))
    for name, data in report["strategies"].items():
        xs = [r["labels"] for r in data["rounds"]]
        ys = [r["f1"] for r in data["rounds"]]
        needed = f"{data['labels_to_target']:g}" if data["labels_to_target"] is not None else "-"
        label = (f"{name}, mean of {seeds} seeds: target at {needed} labels on average" if seeds
                 else f"{name}: target at {needed} labels")
        ax.plot(xs, ys, marker="o", color=colours.get(name), label=label)
    target = "mean target F1 (each seed has its own)" if seeds else "target F1"
    ax.axhline(report["target_f1"], color="grey", linestyle="--", label=f"{target} {report['target_f1']:.3f}")
    ax.set_xlabel("labelled cards")
    ax.set_ylabel("entity F1 (held-out generated cards)")
    ax.set_title("Fine-tuning the served model: least-confident-first vs random")
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
        per_seed = report["strategies"][n].get("labels_to_target_per_seed")
        seeds = f" (mean; per seed {per_seed})" if per_seed else ""
        lines.append(f"{n}: labels to target = {report['strategies'][n]['labels_to_target']}{seeds}")
    if report["label_ratio"] is not None:
        lines.append(f"uncertainty / random labels = {report['label_ratio']:.2f}")
    return "\n".join(lines)
