"""The regex baseline reads the fields a rule system can read, and misses what it cannot."""

from __future__ import annotations

from active_learning.bench.baseline import regex_fields
from ml_backend.schema import OcrLine, fields_from_values


def line(text: str, y: float, height: float = 20) -> OcrLine:
    return OcrLine(text, [(10, y), (300, y), (300, y + height), (10, y + height)], 0.95)


def test_english_card() -> None:
    lines = [
        line("ACME Technologies", 10, 40),
        line("John Smith", 60),
        line("Senior Software Engineer", 90),
        line("Tel: +1 212 555 0100  Mob: +1 646 555 0199", 120),
        line("john.smith@acme.com | www.acme.com", 150),
        line("350 Fifth Avenue, Suite 200", 180),
        line("New York, NY 10118", 210),
    ]
    values = regex_fields(lines)
    assert fields_from_values(values) == {
        "full_name": "John Smith",
        "position": "Senior Software Engineer",
        "company": "ACME Technologies",
        "email": ["john.smith@acme.com"],
        "phone": ["+1 212 555 0100", "+1 646 555 0199"],
        "fax": [],
        "website": ["www.acme.com"],
        "address": "350 Fifth Avenue, Suite 200, New York, NY 10118",
    }
    address = next(v for v in values if v.field == "address")
    assert address.line_indices == [5, 6] and address.bbox == (10, 180, 300, 230)
    assert all(v.source == "rule" and v.confidence == 1.0 for v in values)


def test_russian_card_with_legal_form() -> None:
    lines = [
        line("Иван Петров", 10, 30),
        line("Генеральный директор", 50),
        line("ООО «Ромашка»", 80),
        line("Моб.: +7 (912) 345-67-89", 110),
        line("E-mail: ivan.petrov@romashka.ru", 140),
        line("г. Москва, ул. Ленина, д. 5", 170),
    ]
    fields = fields_from_values(regex_fields(lines))
    assert fields["full_name"] == "Иван Петров"
    assert fields["position"] == "Генеральный директор"
    assert fields["company"] == "ООО «Ромашка»"
    assert fields["phone"] == ["+7 (912) 345-67-89"]
    assert fields["email"] == ["ivan.petrov@romashka.ru"]
    assert fields["address"] == "г. Москва, ул. Ленина, д. 5"


def test_largest_line_is_the_company_without_legal_form() -> None:
    lines = [line("Anna Müller", 10), line("Blauwal", 40, 60), line("Vertriebsleiterin", 110)]
    fields = fields_from_values(regex_fields(lines))
    assert (fields["full_name"], fields["company"], fields["position"]) == ("Anna Müller", "Blauwal", "Vertriebsleiterin")


def test_what_rules_cannot_read() -> None:
    # a postcode is not a phone; a one-word name is not a name; a short number is nothing
    lines = [line("Madonna", 10), line("75001 Paris", 40), line("Code 1234", 70)]
    fields = fields_from_values(regex_fields(lines))
    assert fields["phone"] == [] and fields["full_name"] is None
    assert fields["address"] == "75001 Paris"
    assert regex_fields([]) == []
