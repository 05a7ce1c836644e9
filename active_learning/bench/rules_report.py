"""What each rule of the rule table does on a truth set: fired, made right, made wrong.

OCR and the tagger run once per card (cached on disk: a few hundred milliseconds a card, and
the same words whatever the rules do); the post-tagger stages (``CardPipeline.read_values``,
milliseconds) then run once with every rule on, once with every rule off (the card as the
tagger and OCR read it) and once with each rule that fired on the card switched off
(``rules.disabled``). A rule that did not fire on a card changes nothing there when switched
off, so only the firing ones are rerun.

Per rule and set:

* ``fired``: the values it changed, added, flagged, moved or dropped (its ledger entries) and
  the cards it fired on;
* ``made_right``: values matching the truth only with the rule (exact comparison keys of
  ``bench.evaluate``, per card and field; a card read without rules is keyed without them too,
  so that a normaliser's repair switched off is not made good by the comparison key);
* ``made_wrong``: values matching the truth only without it;
* ``errors_removed``: wrong or missing values (FP + FN) fewer with the rule than without; a flag
  that takes a wrong value out of the fields pays here, not in ``made_right``;
* ``worse_cards``: cards whose errors grew with the rule.

The total line counts values read right (every rule off) that the rules together changed into
wrong ones (listed per card in ``changed_wrong``), and the reverse.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from active_learning.bench.benchmark import read_truth
from active_learning.bench.evaluate import FieldScore, evaluate, region_of_locale, score_card, _truth_fields
from ml_backend.progress import track
from ml_backend.reading import rules
from ml_backend.reading.images import ImageError, load_image
from ml_backend.reading.pipeline import CardPipeline
from ml_backend.reading.qr import QrContact
from ml_backend.schema import FIELDS, FieldValue, OcrResult, TaggedWord, empty_fields, fields_from_values

log = logging.getLogger(__name__)

REPORT_FORMAT = 1
#: Examples kept per rule and kind (made right / made wrong) in the saved report.
_EXAMPLES_PER_RULE = 5


@dataclass
class CachedRead:
    """A card as the model stages read it: QR code, OCR lines and tagged words."""

    qr: QrContact | None
    ocr: OcrResult
    tagged: list[TaggedWord]


def cached_read(pipeline: CardPipeline, image_path: Path, cache_dir: Path | None) -> CachedRead:
    """The model stages' reading of ``image_path``, from ``cache_dir`` when it holds one made by
    the same model, OCR engine and QR setting; read and cached otherwise.

    Raises ImageError for an image that cannot be read.
    """
    data = image_path.read_bytes()
    key = hashlib.sha256(b"\0".join([data, pipeline.model_version.encode(), pipeline.ocr.name.encode(),
                                     str(pipeline.settings.qr_enabled).encode()])).hexdigest()[:32]
    path = cache_dir / f"{key}.pkl" if cache_dir is not None else None
    if path is not None and path.is_file():
        try:
            with path.open("rb") as fh:
                cached = pickle.load(fh)  # a (qr, ocr, tagged) tuple of schema types: any code version reads it
            if isinstance(cached, tuple) and len(cached) == 3 and isinstance(cached[1], OcrResult):
                return CachedRead(*cached)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            log.warning("ignoring unreadable cache entry %s: %s", path, exc)
    settings = pipeline.settings
    image = load_image(str(image_path), max_pixels=settings.max_pixels, max_bytes=settings.max_image_bytes)
    read = CachedRead(*pipeline.read_words(image))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump((read.qr, read.ocr, read.tagged), fh)
        tmp.replace(path)
    return read


@dataclass
class RuleCount:
    """One rule's counts on one set (see the module docstring)."""

    fired: int = 0
    cards: int = 0
    made_right: int = 0
    made_wrong: int = 0
    errors_removed: int = 0
    worse_cards: int = 0
    right_examples: list[dict[str, Any]] = field(default_factory=list)
    wrong_examples: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"fired": self.fired, "cards": self.cards, "made_right": self.made_right, "made_wrong": self.made_wrong,
                "net": self.made_right - self.made_wrong, "errors_removed": self.errors_removed,
                "worse_cards": self.worse_cards, "right_examples": self.right_examples,
                "wrong_examples": self.wrong_examples}


def _fields(values: list[FieldValue]) -> dict[str, Any]:
    """The fields a card reports (``Card.fields``: valid values only)."""
    return fields_from_values([v for v in values if v.valid])


def _diff(on: dict[str, FieldScore], off: dict[str, FieldScore]) -> tuple[int, int, int]:
    """(values right only with, values right only without, errors removed) between two scorings."""
    right = sum(max(0, on[f].tp - off[f].tp) for f in FIELDS)
    wrong = sum(max(0, off[f].tp - on[f].tp) for f in FIELDS)
    removed = sum((off[f].fp + off[f].fn) - (on[f].fp + on[f].fn) for f in FIELDS)
    return right, wrong, removed


def _changed_fields(on: dict[str, Any], off: dict[str, Any]) -> dict[str, Any]:
    return {f: {"with": on[f], "without": off[f]} for f in FIELDS if on[f] != off[f]}


def rules_report(pipeline: CardPipeline, truth_path: Path, *, images: Path | None = None,
                 cache_dir: Path | None = None, limit: int | None = None,
                 rule_ids: Iterable[str] | None = None) -> dict[str, Any]:
    """The report of ``truth_path`` (see the module docstring). ``images``: the folder the
    records' images are in, when not beside the truth file; ``rule_ids``: the rules to measure
    (all by default). Raises ValueError for a bad truth file or an unknown rule id."""
    records = read_truth(truth_path, limit)
    measured = list(rule_ids) if rule_ids is not None else [r.id for r in rules.RULES]
    unknown = [r for r in measured if r not in rules.BY_ID]
    if unknown:
        raise ValueError(f"unknown rule ids: {', '.join(unknown)}")
    counts = {rid: RuleCount() for rid in measured}
    every = frozenset(rules.BY_ID)
    on_preds, off_preds, skipped = [], [], []
    right_to_wrong = wrong_to_right = 0
    changed_wrong: list[dict[str, Any]] = []
    for rec in track(records, len(records), "rules", "card", log):
        image_path = (images / Path(rec["image"]).name) if images is not None else Path(rec["image"])
        try:
            read = cached_read(pipeline, image_path, cache_dir)
        except (ImageError, OSError) as exc:
            log.warning("skipping %s: %s", image_path, exc)
            skipped.append(image_path.name)
            on_preds.append(empty_fields())
            off_preds.append(empty_fields())
            continue
        truth = _truth_fields(rec)
        region = region_of_locale(str(rec.get("locale") or "unknown"))
        alternatives = rec.get("alt") if isinstance(rec.get("alt"), dict) else None

        def scored(disabled: frozenset[str]) -> tuple[dict[str, Any], dict[str, FieldScore]]:
            with rules.disabled(disabled):
                values, _ = pipeline.read_values(read.tagged, read.qr, read.ocr)
            fields = _fields(values)
            return fields, score_card(fields, truth, region, alternatives, rules_off=disabled)

        with rules.ledger() as firings:
            values, _ = pipeline.read_values(read.tagged, read.qr, read.ocr)
        on_fields = _fields(values)
        on_scores = score_card(on_fields, truth, region, alternatives)
        off_fields, off_scores = scored(every)
        on_preds.append(on_fields)
        off_preds.append(off_fields)
        right, wrong, _ = _diff(on_scores, off_scores)
        wrong_to_right += right
        right_to_wrong += wrong
        if wrong:
            changed_wrong.append({"image": Path(rec["image"]).name, **_changed_fields(on_fields, off_fields)})
        fired: dict[str, int] = {}
        for firing in firings:
            fired[firing.rule] = fired.get(firing.rule, 0) + 1
        for rid, n in fired.items():
            if rid not in counts:
                continue
            count = counts[rid]
            count.fired += n
            count.cards += 1
            without_fields, without_scores = scored(frozenset({rid}))
            right, wrong, removed = _diff(on_scores, without_scores)
            count.made_right += right
            count.made_wrong += wrong
            count.errors_removed += removed
            count.worse_cards += removed < 0
            example = {"image": Path(rec["image"]).name, **_changed_fields(on_fields, without_fields)}
            if (wrong or removed < 0) and len(count.wrong_examples) < _EXAMPLES_PER_RULE:
                count.wrong_examples.append(example)
            elif (right or removed > 0) and len(count.right_examples) < _EXAMPLES_PER_RULE:
                count.right_examples.append(example)
    return {
        "format": REPORT_FORMAT,
        "cards": len(records),
        "skipped": skipped,
        "model_version": pipeline.model_version,
        "ocr_engine": pipeline.ocr.name,
        "micro_f1": {"rules_on": evaluate(on_preds, records).overall.micro.f1,
                     "rules_off": evaluate(off_preds, records, rules_off=every).overall.micro.f1},
        "read_right_changed_wrong": right_to_wrong,
        "read_wrong_made_right": wrong_to_right,
        "changed_wrong": changed_wrong,
        "rules": {rid: c.to_dict() for rid, c in counts.items()},
    }


def format_text(report: dict[str, Any], *, all_rules: bool = False) -> str:
    """The terminal table: one line per rule that fired (every rule with ``all_rules``)."""
    rows = [f"{'rule':<52} {'fired':>6} {'cards':>6} {'right':>6} {'wrong':>6} {'net':>5} {'err-':>5}"]
    for rid, c in report["rules"].items():
        if c["fired"] or all_rules:
            rows.append(f"{rid:<52} {c['fired']:>6} {c['cards']:>6} {c['made_right']:>6} {c['made_wrong']:>6} "
                        f"{c['net']:>5} {c['errors_removed']:>5}")
    f1 = report["micro_f1"]
    rows.append("")
    rows.append(f"{report['cards']} cards; micro-F1 {_pct(f1['rules_on'])} with the rules, {_pct(f1['rules_off'])} "
                f"without; read right, changed wrong: {report['read_right_changed_wrong']}; "
                f"read wrong, made right: {report['read_wrong_made_right']}")
    return "\n".join(rows)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def save(report: dict[str, Any], path: Path) -> None:
    """Write ``report`` as JSON (``docs/results/rules/*.json`` feed ``docs/rules.md``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
