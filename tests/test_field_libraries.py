"""The field-library benchmark: our rules' rows on a tiny truth file, and libraries reported as
missing without importing them (the benchmark must run where none is installed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from active_learning.bench import field_libraries
from active_learning.bench.field_libraries import (
    FAILED,
    METHODS,
    Method,
    NOT_INSTALLED,
    OURS,
    format_table,
    load_cards,
    main,
    run,
)

CARDS = [
    {"image": "0000.jpg", "locale": "pt_BR", "source": "hand-labelled", "fields": {
        "full_name": "Daniel Carlos", "position": "Diretor Administrativo", "company": "Eletrônica ADACHI Ltda.",
        "email": ["daniel@beltis.com.br"], "phone": [], "website": ["www.beltis.com.br"],
        "address": "Rua Cruzeiro, 406 - Barra Funda, São Paulo - SP"}},
    {"image": None, "locale": "en_GB", "fields": {
        "full_name": "Maria Lopez", "position": "Sales Manager", "company": "Webb Design Ltd",
        "email": [], "phone": [], "website": ["https://webb.co.uk"],
        "address": "10 Downing Street, London SW1A 2AA"}},
]


@pytest.fixture
def truth(tmp_path: Path) -> Path:
    path = tmp_path / "tiny" / "truth.jsonl"
    path.parent.mkdir()
    path.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in CARDS) + "\n", encoding="utf-8")
    return path


def _row(rows, decision: str, method: str = OURS):
    (row,) = [r for r in rows if r.decision == decision and r.method == method]
    return row


def test_our_rules_rows(truth: Path) -> None:
    cards = load_cards(truth)
    assert [c.real for c in cards] == [True, False] and cards[0].region == "BR"
    rows = run(cards, available=lambda module: False)
    legal = _row(rows, "legal form in a company")
    # "Ltd" is in our legal-form list, the Brazilian "Ltda." is not
    assert (legal.hit, legal.positives) == (2, 2) and legal.misses == []  # "Ltda." is a legal form
    assert (legal.alarm, legal.negatives) == (0, 6)  # two names, two positions, two addresses
    person = _row(rows, "person, not company")
    assert (person.hit, person.positives, person.alarm, person.negatives) == (2, 2, 0, 2)
    domain = _row(rows, "bare name.tld is a domain")
    # ".br" is one of COMMON_TLDS: a bare "beltis.com.br" is taken for a website
    assert (domain.hit, domain.positives) == (2, 2) and domain.misses == []
    # each host with its last dot lost ("webb.couk") and with its last letter lost ("beltis.com.b")
    assert (domain.alarm, domain.negatives) == (0, 4)
    address = _row(rows, "US/GB/CA address recognised")
    assert (address.hit, address.positives) == (1, 1)  # the UK postcode gives the region


def test_missing_libraries_are_reported_not_imported(truth: Path) -> None:
    asked: list[str] = []
    rows = run(load_cards(truth), available=lambda module: asked.append(module) or False)
    libraries = [m for m in METHODS if m.module]
    assert sorted(asked) == sorted(m.module for m in libraries)
    for method in libraries:
        row = _row(rows, method.decision, method.name)
        assert row.status == NOT_INSTALLED and row.positives == 0 and row.us_per_call is None
    table = format_table(rows)
    assert table.count(NOT_INSTALLED) == len(libraries)
    assert "Faker" in table  # the warning on generated sets goes with every table


def test_a_library_that_fails_to_load_is_a_row(truth: Path, monkeypatch) -> None:
    def broken() -> None:
        raise OSError("no model file")

    monkeypatch.setattr(field_libraries, "METHODS", (
        Method("legal form in a company", OURS, None, lambda: field_libraries._ours_legal),
        Method("legal form in a company", "broken", "broken", broken),
    ))
    rows = run(load_cards(truth), available=lambda module: True)
    assert [r.status for r in rows] == ["ok", f"{FAILED}: OSError: no model file"]


def test_main_saves_rows_and_refuses_a_missing_file(truth: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(field_libraries, "installed", lambda module: False)  # fast where they are installed
    out = tmp_path / "libraries.json"
    assert main(["--truth", str(truth), "--save", str(out)]) == 0
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert {r["decision"] for r in saved["rows"]} == {m.decision for m in METHODS}
    assert {r["status"] for r in saved["rows"] if r["method"] != OURS} == {NOT_INSTALLED}
    assert "legal form in a company" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--truth", str(tmp_path / "absent.jsonl")])


def test_a_line_without_fields_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "truth.jsonl"
    path.write_text('{"locale": "en_US"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="truth.jsonl:1"):
        load_cards(path)
