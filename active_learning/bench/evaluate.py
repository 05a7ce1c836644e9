"""Field-level accuracy of predicted cards against ground truth, and the table that reports it.

How values are compared (one definition, used for the model and the regex baseline alike):

* both sides go through ``validate.normalise`` with the card's region (from its locale), so a
  phone is compared as E.164, an e-mail lower-cased, a website as host[/path];
* full name, position, company and website (its path too: OCR confuses case, cards rarely
  print case-sensitive paths) are then compared case-insensitively with whitespace collapsed;
  addresses also ignore separator punctuation (commas, middle dots, bullets, bars, dashes,
  semicolons): a line break or a "·" printed on the card and the ", " that joins address
  parts must not decide correctness; in these fields "ё" counts as "е", as Russian spelling
  allows (most texts print "сапер" for "сапёр", and OCR reads the dots as noise);
* every field is a multiset of values per card: a multi-value field (two phones) counts each
  value; a single-value field is the same with at most one value. Per card and field,
  TP = |pred ∩ truth|, FP = |pred| - TP, FN = |truth| - TP; precision, recall and F1 are
  micro-averaged over cards, and "micro" sums every field;
* "fuzzy" F1 also counts a prediction as right when its key is at least ``FUZZY_THRESHOLD``
  similar (difflib ratio) to a still-unmatched truth value of the field: the gap between F1 and
  fuzzy F1 is the share of errors that are near misses (OCR slips, a word too many) rather than
  wrong or missing fields;
* an exact card has every field right (no FP, no FN).

Pure: no model, no file access; the CLI feeds it predictions and truth records.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ml_backend.schema import FIELDS
from ml_backend.reading import rules
from ml_backend.reading.values import normalise
FUZZY_THRESHOLD = 0.8
_ADDRESS_SEPARATORS = str.maketrans({c: " " for c in ",·•|–—;"})
_CASELESS_FIELDS = frozenset({"full_name", "position", "company", "address", "website"})
#: Region of a bare language locale (a locale such as "en_GB" names its own region).
_LANGUAGE_REGIONS = {"en": "US", "ru": "RU", "de": "DE", "fr": "FR"}


@dataclass
class FieldScore:
    """Counts for one field (or all fields together) and the rates derived from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    fuzzy_tp: int = 0

    def add(self, other: "FieldScore") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.fuzzy_tp += other.fuzzy_tp

    @property
    def support(self) -> int:
        """Truth values of the field."""
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float | None:
        """None when nothing was predicted (undefined, not 0)."""
        return self.tp / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        """None when the truth has no value of the field."""
        return self.tp / self.support if self.support else None

    @property
    def f1(self) -> float | None:
        return _f1(self.tp, self.predicted, self.support)

    @property
    def fuzzy_f1(self) -> float | None:
        return _f1(self.fuzzy_tp, self.predicted, self.support)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp, "fp": self.fp, "fn": self.fn, "fuzzy_tp": self.fuzzy_tp, "support": self.support,
            "precision": self.precision, "recall": self.recall, "f1": self.f1, "fuzzy_f1": self.fuzzy_f1,
        }


def _f1(tp: int, predicted: int, support: int) -> float | None:
    """F1 = 2TP / (|pred| + |truth|); None when both are empty."""
    total = predicted + support
    return 2 * tp / total if total else None


@dataclass
class Scores:
    """Scores of a set of cards."""

    fields: dict[str, FieldScore] = field(default_factory=lambda: {f: FieldScore() for f in FIELDS})
    cards: int = 0
    exact_cards: int = 0

    @property
    def micro(self) -> FieldScore:
        total = FieldScore()
        for score in self.fields.values():
            total.add(score)
        return total

    @property
    def exact_card_rate(self) -> float | None:
        return self.exact_cards / self.cards if self.cards else None

    def add_card(self, card: dict[str, FieldScore]) -> None:
        self.cards += 1
        self.exact_cards += all(s.fp == 0 and s.fn == 0 for s in card.values())
        for name, score in card.items():
            self.fields[name].add(score)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cards": self.cards, "exact_cards": self.exact_cards, "exact_card_rate": self.exact_card_rate,
            "micro": self.micro.to_dict(), "fields": {f: s.to_dict() for f, s in self.fields.items()},
        }


@dataclass
class Report:
    """Overall scores plus the same split by capture (clean/photo) and by locale."""

    overall: Scores
    by_capture: dict[str, Scores]
    by_locale: dict[str, Scores]

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_dict(),
            "by_capture": {k: v.to_dict() for k, v in self.by_capture.items()},
            "by_locale": {k: v.to_dict() for k, v in self.by_locale.items()},
        }


def _scores_from_dict(data: dict[str, Any]) -> Scores:
    fields = {f: FieldScore(v["tp"], v["fp"], v["fn"], v.get("fuzzy_tp", v["tp"])) for f, v in data["fields"].items()}
    return Scores(fields=fields, cards=data["cards"], exact_cards=data["exact_cards"])


def report_from_dict(data: dict[str, Any]) -> Report:
    """The Report that ``Report.to_dict`` wrote (saved benchmark results are read back with it)."""
    return Report(
        _scores_from_dict(data["overall"]),
        {k: _scores_from_dict(v) for k, v in data["by_capture"].items()},
        {k: _scores_from_dict(v) for k, v in data["by_locale"].items()},
    )


def capture_of(record: dict[str, Any]) -> str:
    """"photo" or "clean": the generator writes ``photo: bool``, hand-made truth files may write
    ``condition: "photo"`` (or "scan")."""
    condition = record.get("condition")
    if isinstance(condition, str) and condition.strip():
        return "photo" if condition.strip().lower() == "photo" else "clean"
    return "photo" if record.get("photo") else "clean"


def region_of_locale(locale: str | None) -> str | None:
    """"en_GB" -> "GB", "ru" -> "RU", unknown -> None (then the default region applies)."""
    if not locale:
        return None
    language, _, country = locale.replace("-", "_").partition("_")
    return country.upper() if country else _LANGUAGE_REGIONS.get(language.lower())


def comparison_key(field_name: str, text: str, region: str | None) -> str:
    """The form two values of ``field_name`` are compared in (see module docstring)."""
    key = normalise(field_name, text, region, region_known=region is not None).value  # a locale is evidence
    if field_name in _CASELESS_FIELDS:
        if field_name == "address":
            key = key.translate(_ADDRESS_SEPARATORS)
        key = " ".join(key.casefold().replace("ё", "е").split())
    return key


def _values(fields: dict[str, Any], field_name: str) -> list[str]:
    """The non-empty texts of a field, whether stored as a string, a list or None."""
    raw = fields.get(field_name)
    items = raw if isinstance(raw, list) else [raw]
    return [str(x) for x in items if x is not None and str(x).strip()]


def _fields_of(record: dict[str, Any]) -> dict[str, Any]:
    """A fields dict, given either one or a record that holds one under "fields" (CLI output)."""
    inner = record.get("fields")
    return inner if isinstance(inner, dict) else record


def _truth_fields(record: dict[str, Any]) -> dict[str, Any]:
    """A truth record's fields; a field it keeps beside "fields" instead of in it (hand-made
    files written before the schema had the field put fax numbers under a top-level "fax")
    counts too."""
    fields = dict(record["fields"])
    for name in FIELDS:
        if name not in fields and name in record:
            fields[name] = record[name]
    return fields


def score_field(predicted: list[str], truth: list[str], threshold: float = FUZZY_THRESHOLD) -> FieldScore:
    """Multiset match of comparison keys of one field on one card."""
    pred, true = Counter(predicted), Counter(truth)
    tp = sum((pred & true).values())
    left_pred = list((pred - true).elements())
    left_true = list((true - pred).elements())
    near = 0
    for p in left_pred:  # greedy: each prediction takes its most similar remaining truth value
        ratios = [difflib.SequenceMatcher(None, p, t).ratio() for t in left_true]
        if ratios and max(ratios) >= threshold:
            left_true.pop(ratios.index(max(ratios)))
            near += 1
    return FieldScore(tp=tp, fp=len(predicted) - tp, fn=len(truth) - tp, fuzzy_tp=tp + near)


def _accept_alternatives(predicted: list[str], truth: list[str], alternatives: list[str]) -> list[str]:
    """The truth keys with a missed value replaced by an accepted alternative the prediction
    holds (a bilingual card's other spelling, a company printed with and without its tagline)."""
    truth = list(truth)
    for key in predicted:
        if key in alternatives and key not in truth:
            missed = [t for t in truth if t not in predicted]
            if missed:
                truth[truth.index(missed[0])] = key
    return truth


def score_card(prediction: dict[str, Any], truth: dict[str, Any], region: str | None,
               alternatives: dict[str, Any] | None = None, *,
               rules_off: frozenset[str] = frozenset()) -> dict[str, FieldScore]:
    """Per-field scores of one card (both arguments are schema-shaped fields dicts).

    ``alternatives`` (a truth record's ``alt``) lists, per field, other values that count as
    right in place of a truth value. ``rules_off``: the rules the prediction was read without
    (the rules report's ablation); its comparison keys are made without them too, so a repair
    step of the normalisers switched off is not made good by the key (the truth's keys are made
    with every rule: what the card prints).
    """
    scores = {}
    for f in FIELDS:
        with rules.disabled(rules_off):
            predicted = [comparison_key(f, t, region) for t in _values(prediction, f)]
        true = [comparison_key(f, t, region) for t in _values(truth, f)]
        if alternatives and f in alternatives:
            alts = [comparison_key(f, t, region) for t in _values(alternatives, f)]
            true = _accept_alternatives(predicted, true, alts)
        scores[f] = score_field(predicted, true)
    return scores


def evaluate(predictions: list[dict[str, Any]], truths: list[dict[str, Any]], *,
             rules_off: frozenset[str] = frozenset()) -> Report:
    """Scores of ``predictions`` (fields dicts, in the order of ``truths``) against truth records.

    A truth record is ``{"fields": {...}, "locale": "ru", "photo": bool, ...}`` as the card
    generator writes it (``"condition": "photo"`` and ``"alt": {field: [values]}`` as hand-made
    truth files write them are understood too). ``rules_off``: as for ``score_card``. Raises
    ValueError when the lists differ in length or a record has no "fields".
    """
    if len(predictions) != len(truths):
        raise ValueError(f"{len(predictions)} predictions for {len(truths)} truth records")
    report = Report(Scores(), {}, {})
    for i, (prediction, record) in enumerate(zip(predictions, truths)):
        if not isinstance(record.get("fields"), dict):
            raise ValueError(f"truth record {i} ({record.get('image', '?')}) has no 'fields' dict")
        locale = str(record.get("locale") or "unknown")
        alternatives = record.get("alt") if isinstance(record.get("alt"), dict) else None
        card = score_card(_fields_of(prediction), _truth_fields(record), region_of_locale(locale), alternatives,
                          rules_off=rules_off)
        report.overall.add_card(card)
        report.by_capture.setdefault(capture_of(record), Scores()).add_card(card)
        report.by_locale.setdefault(locale, Scores()).add_card(card)
    return report


# --- the printed table ----------------------------------------------------------------------

def _pct(x: float | None) -> str:
    return "   -  " if x is None else f"{100 * x:5.1f}%"


def _row(label: str, support: str, scores: list[FieldScore]) -> str:
    cells = " | ".join(
        f"{_pct(s.precision)} {_pct(s.recall)} {_pct(s.f1)} {_pct(s.fuzzy_f1)}" for s in scores
    )
    return f"{label:<10} {support:>7} | {cells}"


def errors_ratio(report: Report, baseline: Report) -> float | None:
    """(1 - micro-F1 of the model) / (1 - micro-F1 of the baseline): 0.25 = 4x fewer errors."""
    model_f1, base_f1 = report.overall.micro.f1, baseline.overall.micro.f1
    if model_f1 is None or base_f1 is None or base_f1 == 1.0:
        return None
    return (1 - model_f1) / (1 - base_f1)


_BLOCK = "    P      R      F1   fuzzyF1"


def _field_rows(systems: list[tuple[str, Scores]]) -> list[str]:
    """Header, one row per field, micro and exact cards for the systems' scores side by side."""
    lines = [
        f"{'field':<10} {'support':>7} | " + " | ".join(f"{name:<{len(_BLOCK) - 1}}" for name, _ in systems),
        f"{'':<10} {'':>7} | " + " | ".join(_BLOCK for _ in systems),
    ]
    for f in FIELDS:
        scores = [s.fields[f] for _, s in systems]
        lines.append(_row(f, str(scores[0].support), scores))
    micros = [s.micro for _, s in systems]
    lines.append(_row("micro", str(micros[0].support), micros))
    lines.append(
        f"{'exact card':<10} {systems[0][1].cards:>7} | "
        + " | ".join(f"{_pct(s.exact_card_rate):<{len(_BLOCK) - 1}}" for _, s in systems)
    )
    return lines


def format_table(report: Report, baseline_report: Report | None = None) -> str:
    """Per-field P/R/F1/fuzzy-F1 (model beside baseline), micro, exact cards, errors ratio, splits,
    and the per-field table of the clean (not photographed) cards, which per-field targets use."""
    systems = [("model", report)] + ([("baseline", baseline_report)] if baseline_report else [])
    lines = _field_rows([(name, r.overall) for name, r in systems])
    if baseline_report is not None:
        ratio = errors_ratio(report, baseline_report)
        shown = "n/a" if ratio is None else f"{ratio:.3f}"
        lines.append(f"errors ratio (1 - micro-F1 model) / (1 - micro-F1 baseline): {shown}")

    lines += ["", f"{'split':<16} {'cards':>5} | " + " | ".join(f"{name + ' micro-F1 / exact':<24}" for name, _ in systems)]
    for kind, attr in (("", "by_capture"), ("locale ", "by_locale")):
        for key in sorted(getattr(report, attr)):
            groups = [getattr(r, attr).get(key, Scores()) for _, r in systems]
            cells = " | ".join(f"{_pct(g.micro.f1)} / {_pct(g.exact_card_rate):<15}" for g in groups)
            lines.append(f"{kind + key:<16} {groups[0].cards:>5} | {cells}")
    if "clean" in report.by_capture and len(report.by_capture) > 1:
        lines += ["", "clean cards only:", ""]
        lines += _field_rows([(name, r.by_capture.get("clean", Scores())) for name, r in systems])
    return "\n".join(lines)
