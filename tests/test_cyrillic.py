"""Cyrillic words spelled with Latin look-alikes by OCR, restored on Cyrillic cards only."""

from __future__ import annotations

import pytest

from ml_backend.text.cyrillic import restore_cyrillic, restore_line
from ml_backend.schema import OcrLine


def line(text: str) -> OcrLine:
    return OcrLine(text, [(0.0, 0.0), (100.0, 0.0), (100.0, 10.0), (0.0, 10.0)], 0.9, "ppocr")


@pytest.mark.parametrize(
    ("read", "restored"),
    [
        ("OOO «BEKTOP»", "ООО «ВЕКТОР»"),
        ("000 «Орбита»", "ООО «Орбита»"),
        ("OAO «ПАХОМОВ-БЕЛЯЕВА»", "ОАО «ПАХОМОВ-БЕЛЯЕВА»"),
        ("Брянская np., 595", "Брянская пр., 595"),
        ("г. Валдай, Рылеева nep., д. 1/4", "г. Валдай, Рылеева пер., д. 1/4"),
        ("ann. Братская", "алл. Братская"),
        ("r. Москва", "г. Москва"),
        ("Bысший", "Высший"),
        ("IIAO «Cobalt»", "ПАО «Cobalt»"),
        ("д. 45, od. 11", "д. 45, оф. 11"),  # "ф" read as "d"
        ('00o "KRAFTWERK"', 'ООО "KRAFTWERK"'),
        ("IAO «Orbita»", "ПАО «Orbita»"),
        ("ΓK «Polaris»", "ГК «Polaris»"),  # Greek capital gamma, then the Latin "K" beside it
        ("MO.: 8 918 234 08 52 Φ.: +7 (395) 823-01-13", "MO.: 8 918 234 08 52 Ф.: +7 (395) 823-01-13"),
        ("Əπ. πoųta:", "Эп. почта:"),
        ("IIочТа:", "ПочТа:"),  # "П" read as "II" inside a Cyrillic word
    ],
)
def test_look_alike_words_are_restored(read, restored):
    assert restore_line(read) == restored


@pytest.mark.parametrize(
    "text",
    ["ivan@mail.ru", "www.OOO.ru", "CEO", "Tel. +7 912 345", "Granite Solutions", "St. Petersburg", "000 123"],
)
def test_addresses_acronyms_and_plain_latin_are_left_alone(text):
    assert restore_line(text) == text


def test_only_cyrillic_cards_are_touched():
    latin_card = [line("OOO BEKTOP"), line("John Smith"), line("Sales Manager")]
    assert restore_cyrillic(latin_card) == latin_card
    russian_card = [line("OOO BEKTOP"), line("Иван Петров"), line("Менеджер по продажам")]
    fixed = restore_cyrillic(russian_card)
    assert fixed[0].text == "ООО ВЕКТОР" and fixed[0].box == russian_card[0].box
    assert fixed[1:] == russian_card[1:]


def test_cyrillic_look_alike_capitals_on_a_latin_card_become_latin():
    card = [line("Barry Marshall"), line("СТО"), line("E-mail: barry@lewis.co.uk")]  # Tesseract's "CTO"
    assert [ln.text for ln in restore_cyrillic(card)] == ["Barry Marshall", "CTO", "E-mail: barry@lewis.co.uk"]
    greek = [line("Barry Marshall"), line("ΑΒΟUΤ UΣ")]  # Greek capitals on a Latin card: Latin ones
    assert restore_cyrillic(greek)[1].text == "ABOUT UΣ"
    mixed = [line("Barry Marshall"), line("Москва"), line("Sales Manager")]  # a real Cyrillic word stays
    assert restore_cyrillic(mixed)[1].text == "Москва"
