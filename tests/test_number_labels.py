"""Faxes, registration numbers and phones told apart by their printed labels; a number possible in
the card's evidenced region kept as printed; the region read off the card's evidence."""

from __future__ import annotations

import pytest

from ml_backend.schema import FieldValue, OcrLine
from ml_backend.reading.validate import Validator
from ml_backend.reading.lines import CardRegion, read_lines
from ml_backend.reading.pipeline import read_card_values
from ml_backend.reading.values.normalise import normalise
from ml_backend.reading.validate.number_labels import label_kind, printed_label
from ml_backend.reading.values.region import region_hint_from


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def _line(text: str, x0: float = 0, y0: float = 0, x1: float = 300, y1: float = 20, confidence: float = 0.97) -> OcrLine:
    return OcrLine(text, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)], confidence)


def _phone(raw: str, index: int, bbox=(0, 0, 300, 20)) -> FieldValue:
    return FieldValue("phone", raw, raw, 0.9, bbox=bbox, line_indices=[index])


@pytest.mark.parametrize(("label", "kind"), [
    ("Fax:", "fax"), ("F", "fax"), ("F.", "fax"), ("FAX:", "fax"), ("Факс:", "fax"), ("Ф.:", "fax"),
    ("Telefax:", "fax"), ("Télécopie :", "fax"), ("Faks:", "fax"),
    ("Tel/Fax", None), ("Fone/Fax:", None), ("Т/ф", None), ("Tel. & Fax", None),  # one number for both: a phone
    ("Tel:", None), ("M", None), ("Fone", None), ("", None),
    ("ОКПО", "registration"), ("OKNO", "registration"), ("VAT", "registration"), ("CNPJ:", "registration"),
])
def test_a_label_says_what_a_number_is(label: str, kind: str | None) -> None:
    assert label_kind(label) == kind


def test_the_label_is_read_before_the_number_on_its_line_or_in_its_table_cell() -> None:
    lines = [_line("T +49 30 1234567  F +49 30 1234568"), _line("Факс: 8 (495) 123-45-67"),
             _line("Fax:", 0, 40, 40, 60), _line("026 091 9377", 60, 40, 200, 60)]
    facts = read_lines(lines, CardRegion("DE", False)).lines  # the line evidence the label is read from
    assert printed_label(_phone("+49 30 1234567", 0), facts) == "T"
    assert printed_label(_phone("+49 30 1234568", 0), facts) == "F"
    # a number recovered from the line keeps the whole line as read: found by its national digits
    recovered = FieldValue("phone", "+49301234568", lines[0].text, 0.6, line_indices=[0])
    assert printed_label(recovered, facts) == "F"
    # a local number kept as printed has no E.164 form: found by its own digits, the label glued to
    # the number before it ("Pabx:(11)2131-3400-Fax:2131-3418")
    glued = read_lines([_line("Pabx:(11)2131-3400-Fax:2131-3418")], CardRegion("BR", True)).lines
    local = FieldValue("phone", "2131-3418", "Pabx:(11)2131-3400-Fax:2131-3418", 0.6, line_indices=[0])
    assert label_kind(printed_label(local, glued)) == "fax"
    assert printed_label(_phone("8 (495) 123-45-67", 1), facts) == "Факс:"
    assert printed_label(_phone("026 091 9377", 3, (60, 40, 200, 60)), facts) == "Fax:"


def test_faxes_are_kept_apart_and_registration_numbers_are_no_phones(validator: Validator) -> None:
    lines = [_line("Tel. +49 30 1234567  Fax +49 30 1234568"), _line("ОКПО 51323436", 0, 40, 300, 60)]
    values = [_phone("+49 30 1234567", 0), _phone("+49 30 1234568", 0), _phone("51323436", 1, (0, 40, 300, 60))]
    out = read_card_values(validator, values, lines)
    got = {(v.field, v.value, v.valid) for v in out}
    assert ("phone", "+49301234567", True) in got and ("fax", "+49301234568", True) in got
    (registration,) = [v for v in out if "51323436" in v.value]
    assert not registration.valid and "registration number" in registration.reason
    fax = next(v for v in out if v.field == "fax")
    assert fax.applied == ["validate.fax_by_label"]


def test_a_number_after_a_postcode_label_is_no_phone(validator: Validator) -> None:
    # the tagger took a Brazilian CEP for a phone: "CEP:" printed before it says what it is
    lines = [_line("CEP: 03637-000 - (PRÓX. AO SHOPPING PENHA)"), _line("Fones 11 2082-2399", 0, 40, 300, 60)]
    values = [_phone("03637-000", 0), _phone("11 2082-2399", 1, (0, 40, 300, 60))]
    out = read_card_values(validator, values, lines)
    (postcode,) = [v for v in out if "03637" in v.value]
    assert not postcode.valid and "postcode number" in postcode.reason
    assert [v.valid for v in out if "2082" in v.value] == [True]
    assert label_kind("Rua Pinhal, 283 - CEP:") == "postcode" and label_kind("Tel:") is None


def test_a_number_possible_in_the_cards_region_is_kept_as_printed(validator: Validator) -> None:
    # a Brazilian landline on a .com.br card, a London number libphonenumber does not know yet
    (email, phone) = validator.validate([FieldValue("phone", "(11) 2076 5555", "(11) 2076 5555", 0.9),
                                         FieldValue("email", "daniel@beltis.com.br", "daniel@beltis.com.br", 0.9)])
    assert (phone.value, phone.valid, phone.note) == ("+551120765555", True, None)
    values = [FieldValue("phone", "020 2153 5898", "020 2153 5898", 0.9),
              FieldValue("address", "10 Downing Street, London SW1A 2AA", "10 Downing Street, London SW1A 2AA", 0.9)]
    phone = next(v for v in validator.validate(values) if v.field == "phone")
    assert phone.value == "+442021535898" and phone.valid  # not Wuppertal's 0202, not dropped
    assert "not one libphonenumber knows as assigned" in phone.note and phone.confidence < 0.9
    # without evidence of the region, the same number is checked strictly, and flagged
    (alone,) = validator.validate([FieldValue("phone", "020 2153 5898", "020 2153 5898", 0.9)])
    assert alone.value != "+442021535898" or not alone.valid
    # comparisons and splits stay strict unless the caller knows the region
    assert not normalise("phone", "2294-9484", "BR").valid and normalise("phone", "2294-9484", "BR", region_known=True).valid


@pytest.mark.parametrize(("printed", "region"), [
    ("2294-9484", "BR"), ("9.9679-9468", "BR"), ("97038-8110", "BR"), ("228-6401", "US"), ("345-67-89", "RU"),
])
def test_a_local_number_without_its_area_code_is_kept_as_printed_with_no_made_up_e164(printed: str, region: str) -> None:
    # "+55 22 949484" would dial Rio de Janeiro state for a São Paulo shop's number
    local = normalise("phone", printed, region, region_known=True)
    assert (local.value, local.display, local.valid) == (printed, printed, True)
    assert "without its area code" in local.note
    with_area = normalise("phone", "(11) " + printed if region == "BR" else "+1 817 " + printed if region == "US"
                          else "+7 495 " + printed, region, region_known=True)
    assert with_area.value.startswith("+") and with_area.note is None


@pytest.mark.parametrize("printed", ["13560-970", "03637-000", "0800 123 4567"])
def test_postcodes_and_numbers_with_a_trunk_prefix_are_no_local_numbers(printed: str) -> None:
    assert "without its area code" not in (normalise("phone", printed, "BR", region_known=True).note or "")


@pytest.mark.parametrize(("text", "region"), [
    ("daniel.silva@beltis.com.br", "BR"), ("Av. Itaquera, 3006 - Jd. Fernandes - SP", "BR"),
    ("Rua Cruzeiro, 406, Cep 01137-000", "BR"), ("Carrer Nou 5, 17001 Girona", "ES"),
    ("Calle Mayor 3, Madrid, España", "ES"), ("Kärntner Straße 1, 1010 Wien, Österreich", "AT"),
    ("info@firma.ch", "CH"), ("hello@startup.io", None), ("Michael Jordan", None),
    ("Γιάννης Παπαδόπουλος", "GR"), ("Иван Петров", "RU"),
])
def test_the_region_comes_from_the_cards_evidence(text: str, region: str | None) -> None:
    assert region_hint_from(text) == region


def test_a_number_printed_with_middle_dots_is_read() -> None:
    assert normalise("phone", "248·343·5976", "US").value == "+12483435976"


def test_a_fax_span_trains_the_phone_tag_the_model_has() -> None:
    # models know no FAX tag (their label set must keep matching schema.BIO_TAGS): an annotated
    # fax teaches the tagger a number, and its label tells the validator it is a fax
    from active_learning.training.examples import word_tags
    from ml_backend.schema import BIO_TAGS, FIELDS, TAGGED_FIELDS

    assert "fax" in FIELDS and "fax" not in TAGGED_FIELDS and "B-FAX" not in BIO_TAGS
    assert word_tags("Fax: +49 30 1234568", [(5, 19, "fax")]) == ["O", "B-PHONE", "I-PHONE", "I-PHONE"]


def test_a_number_alone_on_its_line_is_recovered_where_it_is_possible_in_the_cards_region() -> None:
    from ml_backend.reading.values.found import find_phones

    # the tagger called it an address; the line holds nothing else, the card is Brazilian
    assert find_phones("2294-9484", "BR", region_known=True) == ["2294-9484"]  # no area code: none made up
    assert find_phones("2294-9484", "BR") == []  # without evidence of the region: nothing to go on
    assert find_phones("Av. Itaquera 2294-9484", "BR", region_known=True) == []  # free text: anything
    assert find_phones("03564-040", "BR", region_known=True) == []  # a CEP, not a number


def test_local_numbers_listed_after_a_labelled_number_with_slashes_are_found_as_printed() -> None:
    """"Fones 11 2082-2399/2646-6123": the label is the second number's too; kept as printed, no
    area code made up for it. Only where the card's region is known (a local number means nothing
    elsewhere) and only after a labelled number."""
    from ml_backend.reading.values.found import find_phones

    assert find_phones("Fones 11 2082-2399/2646-6123", "BR", region_known=True) == ["+551120822399", "2646-6123"]
    assert find_phones("Tel:(11)2747-8430 / 2746-6245", "BR", region_known=True) == ["+551127478430", "2746-6245"]
    assert find_phones("Fones 11 2082-2399/2646-6123", "BR") == ["+551120822399"]
    assert find_phones("11 2082-2399/2646-6123", "BR", region_known=True) == []
