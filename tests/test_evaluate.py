"""Evaluation math on hand-made cards with known counts."""

from __future__ import annotations

import pytest

from active_learning.bench.evaluate import (
    FieldScore,
    comparison_key,
    errors_ratio,
    evaluate,
    _pct,
    format_table,
    region_of_locale,
    score_field,
)
from ml_backend.schema import empty_fields


def card(**fields) -> dict:
    out = empty_fields()
    out.update(fields)
    return out


def record(fields: dict, locale: str = "en", photo: bool = False) -> dict:
    return {"image": "x.png", "fields": fields, "locale": locale, "photo": photo, "rotation": 0}


TRUTHS = [
    record(card(full_name="Иван Петров", company="ООО «Ромашка»", email=["ivan@romashka.ru"],
                phone=["+7 912 345-67-89", "8 (495) 123-45-67"], address="ул. Ленина 5\nМосква"), "ru", True),
    record(card(full_name="John Smith", position="CEO", email=["john@acme.com"], phone=["(212) 555-0100"],
                website=["www.acme.com"]), "en", False),
]
PREDICTIONS = [
    # name differs only in case; company misses its quotes (near miss); one phone of two; address
    # joined with ", " where the truth has a line break: 4 TP, 1 FP, 2 FN
    card(full_name="иван петров", company="ООО Ромашка", email=["ivan@romashka.ru"], phone=["+79123456789"],
         address="ул. Ленина 5, Москва"),
    # everything right in another spelling, plus a wrong extra phone and no position: 4 TP, 1 FP, 1 FN
    card(full_name="JOHN  SMITH", email=["JOHN@acme.com"], phone=["+1 212-555-0100", "+1 646 555 0199"],
         website=["https://www.acme.com/"]),
]


def test_per_field_and_micro_counts() -> None:
    report = evaluate(PREDICTIONS, TRUTHS)
    f = report.overall.fields
    assert (f["full_name"].tp, f["full_name"].fp, f["full_name"].fn) == (2, 0, 0)
    assert (f["company"].tp, f["company"].fp, f["company"].fn, f["company"].fuzzy_tp) == (0, 1, 1, 1)
    assert (f["phone"].tp, f["phone"].fp, f["phone"].fn) == (2, 1, 1)
    assert (f["position"].tp, f["position"].fp, f["position"].fn) == (0, 0, 1)
    assert (f["address"].tp, f["website"].tp, f["email"].tp) == (1, 1, 2)
    micro = report.overall.micro
    assert (micro.tp, micro.fp, micro.fn) == (8, 2, 3)
    assert micro.precision == pytest.approx(8 / 10)
    assert micro.recall == pytest.approx(8 / 11)
    assert micro.f1 == pytest.approx(16 / 21)
    assert micro.fuzzy_f1 == pytest.approx(18 / 21)
    assert f["phone"].f1 == pytest.approx(2 * 2 / (3 + 3))
    assert f["position"].precision is None and f["position"].recall == 0.0
    assert f["website"].precision == 1.0


def test_exact_cards_and_splits() -> None:
    perfect = [card(full_name="Иван Петров", company="ООО «Ромашка»", email=["ivan@romashka.ru"],
                    phone=["+74951234567", "+79123456789"], address="ул. Ленина 5, Москва"), PREDICTIONS[1]]
    report = evaluate(perfect, TRUTHS)
    assert (report.overall.cards, report.overall.exact_cards) == (2, 1)
    assert report.overall.exact_card_rate == 0.5
    assert set(report.by_capture) == {"clean", "photo"} and set(report.by_locale) == {"en", "ru"}
    assert report.by_locale["ru"].micro.f1 == 1.0
    assert report.by_capture["photo"].exact_cards == 1 and report.by_capture["clean"].exact_cards == 0
    en = report.by_locale["en"].micro
    assert (en.tp, en.fp, en.fn) == (4, 1, 1)


def test_multiset_matching_of_repeated_values() -> None:
    s = score_field(["a", "a", "b"], ["a", "b", "b"])
    assert (s.tp, s.fp, s.fn) == (2, 1, 1)
    assert score_field([], []).f1 is None


def test_fuzzy_match_needs_the_threshold() -> None:
    assert score_field(["acme corporation"], ["acme corporatio"]).fuzzy_tp == 1
    assert score_field(["acme"], ["globex"]).fuzzy_tp == 0
    # each truth value is used once: two near predictions, one truth
    assert score_field(["abcdefgh1", "abcdefgh2"], ["abcdefgh"]).fuzzy_tp == 1


def test_comparison_keys() -> None:
    assert comparison_key("phone", "8 (912) 345-67-89", "RU") == "+79123456789"
    assert comparison_key("address", "12 Main St,\nSpringfield", None) == comparison_key("address", "12 main st springfield", None)
    assert comparison_key("address", "Flat 0, Hall Motorway · Nathanchester M92 3NB", "GB") == comparison_key(
        "address", "Flat 0, Hall Motorway, Nathanchester M92 3NB", "GB")
    assert comparison_key("address", "Flat 0 Hall", "GB") != comparison_key("address", "Flat 9 Hall", "GB")
    assert comparison_key("full_name", "JOHN  Smith", None) == "john smith"
    assert comparison_key("position", "Сапёр", "RU") == comparison_key("position", "сапер", "RU")
    assert comparison_key("website", "HTTP://Acme.com/Team/", None) == comparison_key("website", "acme.com/team", None)
    assert comparison_key("website", "www.acme.com", None) != comparison_key("website", "acme.com", None)


def test_region_of_locale() -> None:
    assert [region_of_locale(x) for x in ("en_GB", "ru", "de_DE", "fr", "en", "en-US", None, "xx")] == [
        "GB", "RU", "DE", "FR", "US", "US", None, None,
    ]


def test_predictions_may_be_cli_records_and_inputs_are_checked() -> None:
    wrapped = [{"image": "x.png", "fields": p} for p in PREDICTIONS]
    assert evaluate(wrapped, TRUTHS).overall.micro.tp == 8
    with pytest.raises(ValueError, match="2 predictions for 1"):
        evaluate(PREDICTIONS, TRUTHS[:1])
    with pytest.raises(ValueError, match="no 'fields'"):
        evaluate([card()], [{"image": "y.png"}])


def test_errors_ratio_and_table() -> None:
    model = evaluate(PREDICTIONS, TRUTHS)  # micro-F1 16/21
    baseline = evaluate([card(email=["ivan@romashka.ru"]), card(email=["john@acme.com"])], TRUTHS)
    # baseline: 2 TP, 0 FP, 9 FN -> F1 = 4/13
    assert baseline.overall.micro.f1 == pytest.approx(4 / 13)
    assert errors_ratio(model, baseline) == pytest.approx((1 - 16 / 21) / (1 - 4 / 13))
    table = format_table(model, baseline)
    assert "errors ratio" in table and f"{(1 - 16 / 21) / (1 - 4 / 13):.3f}" in table
    micro_line = next(line for line in table.splitlines() if line.startswith("micro"))
    assert "76.2%" in micro_line and "30.8%" in micro_line
    assert "locale ru" in table and "photo" in table
    assert "errors ratio" not in format_table(model)
    # the clean cards get their own per-field table (the per-field targets are on clean cards)
    clean = table.split("clean cards only:")[1]
    clean_micro = next(line for line in clean.splitlines() if line.startswith("micro"))
    assert _pct(model.by_capture["clean"].micro.f1) in clean_micro


def test_field_score_add() -> None:
    a = FieldScore(1, 2, 3, 1)
    a.add(FieldScore(1, 0, 0, 1))
    assert (a.tp, a.fp, a.fn, a.fuzzy_tp, a.support, a.predicted) == (2, 2, 3, 2, 5, 4)


def test_gold_tags_through_fields_and_validator_reproduce_generated_truth() -> None:
    """With perfect tags, decoding + validation must give back (almost) exactly the truth.

    What is lost here is lost for any model: it measures ``fields`` and ``validate`` (including
    false flags, which drop a value from ``Card.fields``) against the generator's cards (upright,
    so that line order is the order OCR reports), and checks that the regex baseline, reading the
    same lines, scores clearly lower.
    """
    import random

    from active_learning.training.examples import ocr_order, truth_lines, word_tags
    from active_learning.synth import generate_layout
    from active_learning.bench.baseline import regex_fields
    from ml_backend.reading.fields import words_to_values
    from ml_backend.reading.layout.words import line_words
    from ml_backend.schema import BIO_TAGS, TAG2ID, TaggedWord, fields_from_values
    from ml_backend.reading.pipeline import read_card_values
    from ml_backend.reading.validate import Validator
    rng = random.Random(20261123)
    validator = Validator()
    truths, predictions, baseline = [], [], []
    for _ in range(80):
        record = generate_layout(rng, rotation=0)
        lines = ocr_order(truth_lines(record))
        words = []
        for i, line in enumerate(lines):
            for word, tag in zip(line_words(line.text, line.quad, i, 1.0), word_tags(line.text, line.spans)):
                probs = [0.0] * len(BIO_TAGS)
                probs[TAG2ID[tag]] = 1.0
                words.append(TaggedWord(word, tag, probs))
        ocr_lines = [line.ocr_line() for line in lines]
        truths.append(record)
        checked = read_card_values(validator, words_to_values(words), ocr_lines)
        predictions.append(fields_from_values([v for v in checked if v.valid]))  # as Card.fields()
        baseline.append(fields_from_values(regex_fields(ocr_lines)))
    model_f1 = evaluate(predictions, truths).overall.micro.f1
    baseline_f1 = evaluate(baseline, truths).overall.micro.f1
    assert model_f1 >= 0.98, model_f1
    assert baseline_f1 < model_f1 - 0.05, (baseline_f1, model_f1)
