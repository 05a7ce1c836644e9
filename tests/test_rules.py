"""The rule table (ml_backend.reading.rules): every rule has an implementation, its examples
hold, the runner records what it fires and switches rules off by id, and docs/rules.md is what
the table and the saved reports render."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ml_backend.reading import rules
from ml_backend.reading.lines import CardRegion, LineEvidence, card_region, read_lines
from ml_backend.reading.pipeline import CardPipeline  # noqa: F401  (imports every stage module)
from ml_backend.reading.validate.recover import RecoverContext
from ml_backend.reading.validate.validator import CardContext, Validator
from ml_backend.reading.values import normalise
from ml_backend.schema import FIELD_TO_LABEL, LABEL_TO_FIELD, OUTSIDE_TAG, FieldValue, OcrLine, TaggedWord, Word
from ml_backend.text.letters import has_cyrillic

REPO = Path(__file__).resolve().parents[1]
_LINE_HEIGHT, _LINE_STEP, _CHAR_WIDTH, _GAP = 30.0, 40.0, 12.0, 10.0


def _words(lines: tuple[str, ...]) -> list[TaggedWord]:
    """``word/LABEL`` lines -> tagged words, left-aligned lines one below the other."""
    out: list[TaggedWord] = []
    for n, line in enumerate(lines):
        x, y, previous = 10.0, 100.0 + _LINE_STEP * n, None
        for token in line.split():
            text, _, label = token.rpartition("/")
            if label == OUTSIDE_TAG:
                tag = OUTSIDE_TAG
            else:
                assert label in LABEL_TO_FIELD, f"unknown label {label!r} in example {line!r}"
                tag = f"{'I' if previous == label else 'B'}-{label}"
            width = _CHAR_WIDTH * len(text)
            out.append(TaggedWord(Word(text, (x, y, x + width, y + _LINE_HEIGHT), n), tag, [0.9]))
            x += width + _GAP
            previous = label
    return out


def _word_lines(words: list[TaggedWord]) -> tuple[str, ...]:
    lines: dict[int, list[str]] = {}
    for tw in words:
        label = OUTSIDE_TAG if tw.field is None else FIELD_TO_LABEL[tw.field]
        lines.setdefault(tw.word.line_index, []).append(f"{tw.word.text}/{label}")
    return tuple(" ".join(tokens) for tokens in lines.values())


def _values(specs: tuple[str, ...]) -> tuple[list[FieldValue], list[OcrLine]]:
    """``field: value`` specs (``field!`` flagged) -> values, one OCR line each (read surely)."""
    values, lines = [], []
    for n, spec in enumerate(specs):
        name, _, text = spec.partition(": ")
        flagged = name.endswith("!")
        y = 100.0 + _LINE_STEP * n
        box = [(10.0, y), (10.0 + _CHAR_WIDTH * len(text), y), (10.0 + _CHAR_WIDTH * len(text), y + _LINE_HEIGHT),
               (10.0, y + _LINE_HEIGHT)]
        lines.append(OcrLine(text, box, 0.99))
        values.append(FieldValue(name.rstrip("!"), text, text, 0.9, valid=not flagged, reason="flagged" if flagged else None,
                                 bbox=lines[-1].bbox, line_indices=[n]))
    return values, lines


def _specs(values: list[FieldValue]) -> tuple[str, ...]:
    return tuple(f"{v.field}{'' if v.valid else '!'}: {v.value}" + (f"?{v.proposal}" if v.proposal else "")
                 for v in values)


_VALIDATOR: list[Validator] = []


def _validator() -> Validator:
    if not _VALIDATOR:
        _VALIDATOR.append(Validator())
    return _VALIDATOR[0]


def _normalised(spec: str) -> tuple[str, tuple[str, ...]]:
    """A ``field: value`` spec normalised (every rule on that is not switched off): the spec of
    its canonical value and the repairs that changed it."""
    name, _, text = spec.partition(": ")
    norm = normalise(name, text, "RU" if has_cyrillic(text) else "US")
    return f"{name}{'' if norm.valid else '!'}: {norm.value}", norm.repairs


def _run_alone(rule: rules.Rule, given: tuple[str, ...]) -> tuple[str, ...]:
    if rule.stage == "normalise":  # a step inside the normaliser: the other steps run too (see below)
        return tuple(_normalised(spec)[0] for spec in given)
    fn = rules.implementation(rule.id)
    if rule.stage == "retag":
        return _word_lines(fn(_words(given)))
    values, lines = _values(given)
    region = "RU" if any(has_cyrillic(s) for s in given) else "US"
    if rule.stage == "decode":
        out = fn(values, [])
    elif rule.stage in ("card", "spelling"):
        out = fn(values)
    elif rule.stage == "split":
        out = fn(values, region)
    elif rule.stage in ("validate", "settle"):
        card = card_region(values, lines, region)  # as the validator tells the card's region
        evidence = read_lines(lines, card)
        out = fn(values, CardContext(_validator(), list(values), evidence, card.code, card.known))
    elif rule.stage == "recover.value":
        context = RecoverContext.of(values, region)
        out = [piece for v in values for piece in (fn(v, context) or [v])]
    elif rule.stage == "recover.lines":
        out = fn(values, read_lines(lines, CardRegion(region, False)), RecoverContext.of(values, region).read_from_email)
    else:
        raise AssertionError(f"no example runner for stage {rule.stage}")
    return _specs(out)


def test_every_rule_is_well_formed_and_implemented() -> None:
    assert len(rules.BY_ID) == len(rules.RULES), "duplicate rule ids"
    for rule in rules.RULES:
        assert rule.stage in rules.STAGES and rule.action in rules.ACTIONS and rule.evidence in rules.EVIDENCE, rule.id
        assert rule.id.partition(".")[0] in {s.partition(".")[0] for s in rules.STAGES} | {"validate"}, rule.id
        assert rule.description and rule.fields, rule.id
    assert rules.unimplemented() == []


def test_a_word_list_never_repairs_a_value_by_itself() -> None:
    """Principle: a value that could be right as read is not replaced because a word list
    suggests another spelling. A word-list rule may move, add, flag, retag or propose; the two
    that change letters do so only where the reading cannot be right (``check.known_russian_words``)
    or OCR was unsure (``validate.proposals_settled``)."""
    repairing = {r.id for r in rules.RULES if r.evidence == "wordlist" and r.action == "repair"}
    assert repairing <= {"check.known_russian_words", "validate.proposals_settled"}


@pytest.mark.parametrize("rule_id,given,expected", [
    (rule.id, given, expected) for rule in rules.RULES for given, expected in rule.examples
])
def test_rule_examples(rule_id: str, given: tuple[str, ...], expected: tuple[str, ...]) -> None:
    assert _run_alone(rules.BY_ID[rule_id], given) == expected


_NORMALISE_RULES = [r for r in rules.RULES if r.stage == "normalise"]


@pytest.mark.parametrize("rule_id,given,expected", [
    (rule.id, given[0], expected[0]) for rule in _NORMALISE_RULES for given, expected in rule.examples
])
def test_a_normalise_rule_is_what_makes_its_example(rule_id: str, given: str, expected: str) -> None:
    """A repair step's example is its own doing: the normaliser names the rule where the example
    changes (and not where it does not), and with the rule switched off the example comes out
    otherwise."""
    spec, repairs = _normalised(given)
    assert spec == expected
    if given == expected:
        assert rule_id not in repairs
        return
    assert rule_id in repairs
    with rules.disabled({rule_id}):
        spec_without, repairs_without = _normalised(given)
    assert spec_without != expected and rule_id not in repairs_without


def test_every_normalise_rule_has_an_example_it_changes() -> None:
    for rule in _NORMALISE_RULES:
        assert any(given != expected for given, expected in rule.examples), rule.id
        assert rule.action == "repair" and rule.evidence == "format", rule.id


def test_the_validator_names_a_normalisers_repairs() -> None:
    """A value the normaliser repaired names the repair in ``applied`` and the ledger, like any
    rule; switched off, the value is checked as read."""
    values, lines = _values(("email: zakazęetalon.su", "full_name: Anna Smith"))
    card = card_region(values, lines, "RU")
    with rules.ledger() as firings:
        checked, _ = _validator().check(values, card)
    email = next(v for v in checked if v.field == "email")
    assert (email.value, email.valid, email.applied) == ("zakaz@etalon.su", True, ["normalise.email.at_misread"])
    assert [(f.rule, f.before, f.after) for f in firings] == [("normalise.email.at_misread", "zakazęetalon.su",
                                                               "zakaz@etalon.su")]
    with rules.disabled({"normalise.email.at_misread"}), rules.ledger() as firings:
        checked, _ = _validator().check(values, card)
    assert not any("normalise.email.at_misread" in v.applied for v in checked)
    assert all(f.rule != "normalise.email.at_misread" for f in firings)


def test_runner_records_firings_and_disables_by_id() -> None:
    values, _ = _values(("company: Acme Inc", "company: Other Inc"))
    context = CardContext(_validator(), list(values), LineEvidence(CardRegion("US", False)), "US", False)
    with rules.ledger() as firings:
        out = rules.run_values("settle", values, context)
    kept, second = out[0], out[1]
    assert kept.valid and not second.valid
    assert "validate.one_value_per_single_field" in second.applied
    assert "validate.one_value_per_single_field" not in kept.applied
    assert [f.rule for f in firings] == ["validate.one_value_per_single_field"]
    with rules.disabled({"validate.one_value_per_single_field"}), rules.ledger() as firings:
        out = rules.run_values("settle", values, context)
    assert all(v.valid for v in out) and firings == []
    with pytest.raises(KeyError):
        with rules.disabled({"no.such_rule"}):
            pass


def test_retag_firings_reach_the_decoded_values() -> None:
    from ml_backend.reading.fields import words_to_values

    values = words_to_values(_words(("TELEVISION/O PRODUCTION/POSITION ASSISTANT/POSITION",)))
    assert [(v.value, v.applied) for v in values] == [
        ("TELEVISION PRODUCTION ASSISTANT", ["retag.title_line_completed"])]
    with rules.disabled({"retag.title_line_completed"}):
        values = words_to_values(_words(("TELEVISION/O PRODUCTION/POSITION ASSISTANT/POSITION",)))
    assert [(v.value, v.applied) for v in values] == [("PRODUCTION ASSISTANT", [])]


def test_the_rules_document_is_up_to_date() -> None:
    from active_learning.bench.rules_doc import load_reports, render_document

    results = REPO / "docs" / "results" / "rules"
    expected = render_document(load_reports(results) if results.is_dir() else [])
    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == expected, (
        "docs/rules.md is out of date: python -m ml_backend rules --doc")


def test_a_value_a_rule_passes_on_unchanged_is_not_named() -> None:
    v = FieldValue("email", "a@x.com", "a@x.com", 0.9)
    assert rules._ledgered("spelling.domains_harmonised", [v], [replace(v)]) == [v]


def test_the_rules_command_checks_its_arguments_before_loading_a_model(tmp_path: Path, capsys) -> None:
    from ml_backend.__main__ import main

    assert main(["rules"]) == 2
    assert "give a TRUTH.jsonl" in capsys.readouterr().err
    assert main(["rules", str(tmp_path / "missing.jsonl")]) == 2
    assert "is not a file" in capsys.readouterr().err
    truth = tmp_path / "truth.jsonl"
    truth.write_text("{}\n", encoding="utf-8")
    assert main(["rules", str(truth), "--images", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert main(["rules", "--doc", "--check"]) == 0  # docs/rules.md is what the table and reports render
    stale = tmp_path / "rules.md"
    stale.write_text("old\n", encoding="utf-8")
    assert main(["rules", "--doc", "--check", "--out", str(stale)]) == 1
    assert stale.read_text(encoding="utf-8") == "old\n"


def test_addresses_of_several_places_each_with_its_phone_are_not_joined() -> None:
    """A shop card printing each shop's address with its own phone on one line lists places:
    the first is the address, the others stay values of their own (flagged as second ones)."""
    from ml_backend.reading.fields import words_to_values

    lines = ("Av./ADDRESS Rio/ADDRESS Pedras,/ADDRESS 1553/ADDRESS Tel/Fax:/O 3123-0800/PHONE",
             "Av./ADDRESS Sapopemba,/ADDRESS 2449/ADDRESS Tel/Fax:/O 2966-2550/PHONE")
    values = words_to_values(_words(lines))
    assert [v.value for v in values if v.field == "address"] == ["Av. Rio Pedras, 1553", "Av. Sapopemba, 2449"]
    # one address line with a phone, the next without: one place, one address
    values = words_to_values(_words((lines[0], "Sao/ADDRESS Paulo/ADDRESS")))
    assert [v.value for v in values if v.field == "address"] == ["Av. Rio Pedras, 1553, Sao Paulo"]


def test_a_repair_step_runs_only_under_a_normalise_rule() -> None:
    fix = rules.Repairs()
    assert fix("normalise.email.at_word", "ann (at) x.com", lambda t: t.replace(" (at) ", "@")) == "ann@x.com"
    assert fix("normalise.email.at_word", "ann@x.com", lambda t: t) == "ann@x.com"
    assert fix.ids == ["normalise.email.at_word"]
    with rules.disabled({"normalise.email.at_word"}):
        assert fix("normalise.email.at_word", "bob (at) x.com", lambda t: t.replace(" (at) ", "@")) == "bob (at) x.com"
    for wrong in ("validate.one_value_per_single_field", "normalise.no_such_step"):
        with pytest.raises(KeyError):
            fix(wrong, "x", lambda t: t)
