"""Addresses and company names whose shape says OCR misread them are flagged; well-formed ones of every locale are not."""

from __future__ import annotations

import pytest

from ml_backend.config import load_settings
from ml_backend.schema import FieldValue
from ml_backend.reading.validate import Validator
from ml_backend.reading.validate.shape import (
    case_slips_restored,
    cyrillic_read_as_latin,
    misread_address,
    misread_company,
    misread_position,
)


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator(load_settings())


@pytest.mark.parametrize(
    ("address", "region", "problem"),
    [
        ("535913, ., бул. Боровая, д. 57, оф. 68", "RU", "a part of it is empty"),
        ("$49621, г. Сосновый Бор, пер. Краснопартизанская, д. 46", "RU", "'$' is no address character"),
        ("ул. Кузнецова, +5, оф. 66, г. Мелеуз", "RU", "'+' is no address character"),
        ("HHH/KIIII7712267643/779101001", "RU", "it holds a number no address has"),
        ("г. M, ул. Энергетиков, д. 6, стр. 2", "RU", "Latin letters in a Russian address"),
        ("пр. бОлетСОСР, д. 579, стр. 2, 856001", "RU", "capital letters inside a word"),
        ("Новосибирск, маб. Химик, 5/4, оф. 9", "RU", "'маб.' is no address abbreviation"),
        ("г. Улан-Удэ, бул. Бульварная, 4/7, ср. 3", "RU", "'ср.' is no address abbreviation"),
        ("261321, г. Магадан, наб. Смирнова, д. 82, стр.", "RU", "a house, building or office number is missing"),
        ("628513, г. Ск, ул. 60 лет Октября, д. 38", "RU", "the town after 'г.' is missing"),
        ("4, 83, 486732, Новосибирск", "RU", "a house number without a street"),
        ("ул. 2, 498720, г. Казань", "RU", "the street's name is missing"),
        ("пер. Микрорайон, д. 2/2, 0, 18, 095171", "RU", "a part of it is a lone zero (a misread label)"),
        ("Flat 80, Daves Freeway, New Rosemarytiorough HU4Y TXU", "GB", "no postcode"),
        ("3270 Mammen Valleys Srne 192, Seuth", "US", "a street address without a ZIP code"),
        ("Flat 85, Norman Turnpike, Damienton, 7ZG", "GB", "the postcode '7ZG' has no outward code"),
        ("8 Brenda Road, Martinland CVo 9NU", "GB", "'CVo 9NU' is no UK postcode"),
        ("410 Wilson Street, Mohamedland C087 2TS", "GB", "'C087 2TS' is no UK postcode"),
        ("3 Lewis Islands, SY0H 7HQ, United Kingdom", "GB", "no town before the postcode"),
        ("Flat 8, RH76 3GL", "GB", "no town before the postcode"),
        ("Studio 89q, Alice Mountain, North Roybur y DN28 5LQ", "GB", "'y' is a piece of a word"),
        ("Flat 25c, Morris Canyon, Lake lan IM1 6RF", "GB", "'lan' is a piece of a word"),
        ("30655 Tracey Harbor Suite 317, Fredhaven, R1 51294", "US", "'R1' before the ZIP code is no state"),
        ("510 Destiny Meadow, North Elizabethport, NE 561 21", "US", "the ZIP code is broken"),
        ("MTB, Stndio3, Willis Stream, North Julie S0B 1PJ", "GB", "a word and a number run together"),
        ("04Ruth Sation, New Laum CA6 2DW", "GB", "a word and a number run together"),
        ("O8 Jessica Circle, Leanneshire, BA3 0NA", "GB", "a letter where a number starts"),
        ("Günter-Hahn-Ring 1-7, 56116 Gö", "DE", "the town after the postcode is missing"),
        ("434, boulevard François Richard, 34904", "FR", "the town after the postcode is missing"),
    ],
)
def test_misread_addresses_are_named(address: str, region: str, problem: str) -> None:
    assert misread_address(address, region) == problem


@pytest.mark.parametrize(
    ("address", "region"),
    [
        ("975364, г. Верещагино (Перм.), пер. Колхозная, 4/2, офис 256", "RU"),
        ("Славянская пер., д. 77, офис 798, 388142, Мезень, Российская Федерация", "RU"),
        ("г. Москва, наб. З. Космодемьянской, 277", "RU"),
        ("г. Санкт-Петербург", "RU"),  # a town alone is a short address, not a broken one
        ("625292, г. Якша, Кленовая ул. 74, стр. 4", "RU"),
        ("129090, г. Москва, ул. 8 Марта, д. 1", "RU"),
        ("Suite 5, Empire State Building, New York, NY 10118", "US"),
        ("Flat 37a, Thomas Coves, Carlyside B1 4QF", "GB"),
        ("Studio 67, Geoffrey Valley Dalemouth G0 2XG", "GB"),
        ("164 Russell Points, Robsonville W0 7UU, United Kingdom", "GB"),
        ("Flat 32K, Kim Isle, Andrewland, M28 7HH", "GB"),
        ("Holy Trinity, Stratford upon Avon, CV37 6BG", "GB"),
        ("67580 Hector Skyway Suite 424, Reneeside, FM 36712", "US"),  # a territory's code
        ("8102 Melissa Summit, Josephside, KS, 80596-1234", "US"),
        ("12 McLean Street, LaSalle, IL 61301", "US"),
        ("Hauptstraße 12, 1. OG, 10115 Berlin", "DE"),
        ("12 rue de Rivoli, 75001 Paris", "FR"),
        ("3, allée des Tilleuls, n° 5, 69003 Lyon", "FR"),
        ("10 Downing Street, SW1A 2AA", None),  # the UK rules need a UK card
        ("12 rue de Rivoli, 75001 Paris", "US"),  # a French card whose region fell back to the default
        ("Via del Corso 12, 00186 Roma", "US"),
    ],
)
def test_well_formed_addresses_pass(address: str, region: str | None) -> None:
    assert misread_address(address, region) is None


def test_a_landmark_in_words_is_no_piece_of_a_word() -> None:
    """Small words in a run ("opposite the post office") or in brackets are a phrase the card
    printed; a lone one among capitalised words ("5010 lan Way") is a misread."""
    assert misread_address("07321 Cox Skyway, Port Joberg, IN 02418 opposite the post office", "US") is None
    assert misread_address("6074 Morris Isle Apt. 585, North Edward, CA 88174, (near Main Street Mall)", "US") is None
    assert misread_address("5010 lan Way, West Susanmouth, NV 35521", "US") == "'lan' is a piece of a word"
    assert case_slips_restored("12 Main St, Springfield, IL 62701, (next to the station)", "US").endswith("the station)")


def test_a_capital_read_small_is_put_back_in_english_addresses_only() -> None:
    assert case_slips_restored("65 clarke Manors, Port Jessica, SW79 5DL", "GB") == "65 Clarke Manors, Port Jessica, SW79 5DL"
    assert case_slips_restored("Holy Trinity, Stratford upon Avon", "GB") == "Holy Trinity, Stratford upon Avon"
    assert case_slips_restored("12 rue de Rivoli, 75001 Paris", "FR") == "12 rue de Rivoli, 75001 Paris"


def test_the_validator_flags_a_misread_address_and_keeps_it(validator: Validator) -> None:
    read = FieldValue("address", "8 Brenda Road, Martinland CVo 9NU", "8 Brenda Road, Martinland CVo 9NU", 0.9)
    [out] = validator.validate([read], region_hint="GB")
    assert (out.value, out.valid) == ("8 Brenda Road, Martinland CVo 9NU", False)
    assert "'CVo 9NU' is no UK postcode" in out.reason and out.confidence < read.confidence
    # what the card's owner typed into the QR code is taken as typed
    typed = FieldValue("address", "Flat 8, RH76 3GL", "Flat 8, RH76 3GL", 1.0, source="qr")
    assert validator.validate([typed], region_hint="GB")[0].valid
    [fixed] = validator.validate([FieldValue("address", "65 clarke Manors, Port Jessica, SW79 5DL", "", 0.9)], region_hint="GB")
    assert (fixed.value, fixed.valid) == ("65 Clarke Manors, Port Jessica, SW79 5DL", True)


@pytest.mark.parametrize(
    ("company", "problem"),
    [
        ('ООО "Вектор', "its quotes do not pair up"),
        ("Дроздов Проект»", "its quotes do not pair up"),
        ("Roberts-Davies (UK", "its brackets do not pair up"),
        ("ООО «АТТА$»", "'$' is no character of a name"),
        ("} АВЕСТА ФАРМАЦЕВТИКА (ВАВУ DREAM)", "'}' is no character of a name"),
    ],
)
def test_misread_company_names_are_named(company: str, problem: str) -> None:
    assert misread_company(company) == problem


@pytest.mark.parametrize(
    "company",
    ["AT&T", "Yahoo!", "Roberts-Davies (UK) Ltd.", "ООО «Вектор»", 'ООО "Векторконсалтинг"', "Acme®",
     "Sharp, Whitehead and Carr", "Lumière S.A.", "„Müller & Söhne“ GmbH", "O’Brien Partners"],
)
def test_well_formed_company_names_pass(company: str) -> None:
    assert misread_company(company) is None


def test_the_validator_flags_a_misread_company_read_by_ocr_only(validator: Validator) -> None:
    [out] = validator.validate([FieldValue("company", 'ООО "Вектор', 'ООО "Вектор', 0.9)], region_hint="RU")
    assert not out.valid and "its quotes do not pair up" in out.reason
    [typed] = validator.validate([FieldValue("company", 'ООО "Вектор', 'ООО "Вектор', 1.0, source="qr")], region_hint="RU")
    assert typed.valid


@pytest.mark.parametrize(
    ("position", "problem"),
    [("ВК", "too short for a job title"), ("P", "too short for a job title"),
     ("Региональный! представитель", "'!' is no character of a job title")],
)
def test_misread_job_titles_are_named(position: str, problem: str) -> None:
    assert misread_position(position) == problem


@pytest.mark.parametrize("position", ["VP", "CEO", "Head of R&D", "Директор по продажам", "Chargée d'affaires", "Senior Developer (Python)"])
def test_well_formed_job_titles_pass(position: str) -> None:
    assert misread_position(position) is None


@pytest.mark.parametrize("text", ["HIIO«HAYMOBA-HEKPACOB»", "OOO «TOPH3OHT»", "Topcoebtù"])
def test_russian_text_read_in_latin_look_alikes_is_named_on_russian_cards(text: str) -> None:
    assert cyrillic_read_as_latin(text, "RU") == "Russian text read in Latin look-alikes"
    assert cyrillic_read_as_latin(text, "GB") is None


@pytest.mark.parametrize("text", ["DAVIES-HEATH", "KEYSTONE", "Emily Thomas", "ООО «Вектор»", "B2B Partners Ltd"])
def test_english_names_on_russian_cards_pass(text: str) -> None:
    assert cyrillic_read_as_latin(text, "RU") is None


def test_a_german_title_naming_both_genders_with_a_star_is_no_misread() -> None:
    assert misread_position("Pyrotechniker*in") is None
    assert misread_position("Immobilientreuhänder*innen") is None
    assert misread_position("Региональный* представитель") == "'*' is no character of a job title"
