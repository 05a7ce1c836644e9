"""Field normalisation and card-level validation rules, with the real spaCy rule pipelines."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ml_backend.config import load_settings
from ml_backend.schema import FIELDS, FieldValue, OcrLine
from ml_backend.reading import rules
from ml_backend.reading.validate import Validator
from ml_backend.reading.pipeline import read_card_values
from ml_backend.reading.values import NormalisedValue, normalise, region_hint_from
from ml_backend.reading.validate.cues import CueTagger
from ml_backend.text.lexicon import is_legal_form


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator(load_settings())


@pytest.fixture(scope="module")
def cues() -> CueTagger:
    return CueTagger()


def fv(field: str, text: str, confidence: float = 0.9, **kw) -> FieldValue:
    return FieldValue(field, text, text, confidence, **kw)


# --- e-mail ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ivan.petrov@mail,ru", "ivan.petrov@mail.ru"),
        ("E-mail: Ivan.Petrov@Mail.RU", "ivan.petrov@mail.ru"),
        ("Email ivan@x.com", "ivan@x.com"),
        ("e: a@b.com", "a@b.com"),
        ("eva@b.com", "eva@b.com"),  # a leading "e" is only a label before ":"
        ("Почта: info@ромашка.рф", "info@ромашка.рф"),
        ("john (at) acme . com", "john@acme.com"),
        ("ivan . petrov @ mail . ru", "ivan.petrov@mail.ru"),
        ("anna@firma.c0m", "anna@firma.com"),
        ("mаil@yаndex.ru", "mail@yandex.ru"),  # Cyrillic "а" read by Tesseract
        ("<a@b.com>;", "a@b.com"),
        ("©service@jacob.com", "service@jacob.com"),  # the envelope icon read as a sign
        ("✉ info@firma.de", "info@firma.de"),
        ("øreiner@firma.dk", "øreiner@firma.dk"),  # a letter stays
    ],
)
def test_email_normalisation(text: str, value: str) -> None:
    got = normalise("email", text)
    assert got.valid, got.reason
    assert got.value == value


def test_email_display_keeps_local_case_and_marks_repairs() -> None:
    got = normalise("email", "E-mail: Ivan.Petrov@Mail.RU")
    assert got.display == "Ivan.Petrov@mail.ru" and not got.fixed
    assert normalise("email", "ivan.petrov@mail,ru").fixed


@pytest.mark.parametrize("text", ["ivan.petrov", "a@b", "www.acme.com", "@acme.com"])
def test_invalid_email_is_kept_and_flagged(text: str) -> None:
    got = normalise("email", text)
    assert not got.valid and got.reason.startswith("not an e-mail address")
    assert got.value  # kept, not dropped


# --- phone ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "region", "value", "display"),
    [
        ("Моб.: +7 (912) 345-67-89", None, "+79123456789", "+7 912 345-67-89"),
        ("+44 20 7946 0958", None, "+442079460958", "+44 20 7946 0958"),
        ("01 23 45 67 89", "FR", "+33123456789", "+33 1 23 45 67 89"),
        ("Tel: +44 (0)20 7946 0958", None, "+442079460958", "+44 20 7946 0958"),
        ("Тел. 8 (495) 123-45-67", "RU", "+74951234567", "+7 495 123-45-67"),
        ("Fax: 030 1234567", "DE", "+49301234567", "+49 30 1234567"),
        ("M +1 (212) 555-O1OO", None, "+12125550100", "+1 212-555-0100"),
        ("T. 212 555 0100", "US", "+12125550100", "+1 212-555-0100"),
        ("Mobile: +7 9l2 345 67 89", None, "+79123456789", "+7 912 345-67-89"),
        ("0 06 18 58 34 09", "FR", "+33618583409", "+33 6 18 58 34 09"),  # a phone icon read as "0"
        ("08 (912) 946-93-96", "RU", "+79129469396", "+7 912 946-93-96"),  # ... glued to the trunk "8"
        ("0163 3507 6521", "US", "+4916335076521", "+49 163 35076521"),  # a German mobile, not "+1 633..."
        ("P:=44 1249 528659", "US", "+441249528659", "+44 1249 528659"),  # the "+" read as "="
    ],
)
def test_phone_normalisation(text: str, region: str | None, value: str, display: str) -> None:
    got = normalise("phone", text, region)
    assert got.valid, got.reason
    assert (got.value, got.display) == (value, display)


def test_phone_region_decides_numbers_without_country_code() -> None:
    assert normalise("phone", "01 23 45 67 89", "FR").value == "+33123456789"
    # valid in both: the hint decides
    assert normalise("phone", "0612345678", "NL").value == "+31612345678"
    assert normalise("phone", "0612345678", "DE").value == "+49612345678"


def test_phone_with_trunk_prefix_invalid_for_the_hint_tries_other_regions() -> None:
    got = normalise("phone", "07755 920048", "US")  # a UK mobile on a card we took for US
    assert (got.value, got.valid, got.fixed) == ("+447755920048", True, True)
    assert normalise("phone", "8 (912) 345-67-89", "US").value == "+79123456789"  # "8" is Russia's trunk
    # no trunk prefix: no guess, the number stays flagged for its region
    got = normalise("phone", "(555) 010-0199", "US")
    assert (got.value, got.valid) == ("+15550100199", False)


def test_phone_without_the_trunk_prefix_of_the_hint_tries_other_regions() -> None:
    # libphonenumber calls "2032755124" a London number; a British card prints "020 3275 5124"
    got = normalise("phone", "Tel. (203) 275-5124", "GB")
    assert (got.value, got.valid, got.fixed) == ("+12032755124", True, True)
    assert normalise("phone", "8 (343) 805-07-84", "DE").value == "+73438050784"  # Russia's "8"
    # a Moscow number printed without its "8" is not in North American grouping: it stays Russian
    assert normalise("phone", "495 123-45-67", "RU").value == "+74951234567"
    assert normalise("phone", "20 7946 0958", "GB").value == "+442079460958"


def test_phone_without_hint_uses_default_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARDLOOP_DEFAULT_REGION", "GB")
    assert normalise("phone", "020 7946 0958").value == "+442079460958"


@pytest.mark.parametrize(
    ("text", "reason"),
    [("12345", "too few digits"), ("+1 555 0100", "number for"), ("(555) 010-0199", "unassigned number for US")],
)
def test_invalid_phone_is_flagged_with_reason(text: str, reason: str) -> None:
    got = normalise("phone", text, "US")
    assert not got.valid and reason in got.reason
    assert got.value


# --- website --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("www .example. com", "www.example.com"),
        ("Web: https://www.Example.com/", "www.example.com"),
        ("www, acme.de", "www.acme.de"),
        ("HTTPS://WWW.Example.com/Team/", "www.example.com/Team"),
        ("Сайт: ромашка.рф", "ромашка.рф"),
        ("site: acme . co . uk", "acme.co.uk"),
        ("http//acme.com", "acme.com"),
        ("www.acme.c0m", "www.acme.com"),
    ],
)
def test_website_normalisation(text: str, value: str) -> None:
    got = normalise("website", text)
    assert got.valid, got.reason
    assert got.value == value
    assert got.display.startswith(("https://", "http://")) and got.display.endswith(value)


def test_a_social_media_handle_is_no_email() -> None:
    for text in ("Instagram: @polina.kotova", "instagram@polina.kotova", "Twitter @michelle.huff", "TG:@ivanov"):
        got = normalise("email", text)
        assert not got.valid and got.reason == "a social media handle, not an e-mail address"
    assert normalise("email", "x@acme.com").valid and normalise("email", "tg.ivanov@acme.ru").valid


def test_words_a_letter_spaced_font_glued_are_split() -> None:
    assert normalise("full_name", "DR. CASEYT.ADAMS").value == "DR. CASEY T. ADAMS"
    assert normalise("company", "TERRAPLC").value == "TERRA PLC"
    assert normalise("company", "Acme GmbH").value == "Acme GmbH"
    assert normalise("company", "Zinc").value == "Zinc"


def test_website_rejects_emails_and_non_hosts() -> None:
    assert normalise("website", "ivan@acme.com").reason == "an e-mail address, not a website"
    # PP-OCR reads an "@" as "ß": an e-mail, not a German host name
    assert normalise("website", "ronanßvinogradov.net").reason == "an e-mail address, not a website"
    assert normalise("email", "ronanßvinogradov.net").value == "ronan@vinogradov.net"
    assert normalise("website", "www.straße.de").valid
    assert not normalise("website", "acme").valid
    assert not normalise("website", "timothy_howardedaniels.com").valid  # host names have no "_"


# --- free text ------------------------------------------------------------------------------

def test_text_fields_tidy_spacing_and_join_address_lines() -> None:
    assert normalise("full_name", "  John   Smith ,").value == "John Smith"
    assert normalise("address", "12 Main St\nSpringfield,  IL").value == "12 Main St, Springfield, IL"
    assert normalise("company", "ООО «Ромашка»").value == "ООО «Ромашка»"


def test_a_russian_companys_legal_form_and_guillemets_as_printed() -> None:
    assert normalise("company", "ЗАО « REDWOOD »").value == "ЗАО «REDWOOD»"
    assert normalise("company", 'ooo "СПЕКТР"').value == 'ООО "СПЕКТР"'
    assert normalise("company", "OOO «Вектор»").value == "ООО «Вектор»"
    assert normalise("company", "Ooo Studio").value == "Ooo Studio"  # a Latin name stays as printed
    assert normalise("company", "ıı White Construction Group").value == "White Construction Group"
    assert normalise("company", "АО «Котова, ( Орехов и Суханов»").value == "АО «Котова, Орехов и Суханов»"
    assert normalise("company", "Smith (UK) Ltd").value == "Smith (UK) Ltd"
    assert normalise("company", "НПО <«<КАПУСТИНА»").value == "НПО «КАПУСТИНА»"
    assert normalise("company", "ЗЛО «Соболева Рыбакова»").value == "ЗАО «Соболева Рыбакова»"
    assert normalise("company", "МАО «Прогресс»").value == "МАО «Прогресс»"  # ПАО, ЗАО, ОАО...: no guess
    assert normalise("company", "НАО «Прогресс»").value == "НАО «Прогресс»"  # a form of its own
    assert normalise("company", "ДОМ «Прогресс»").value == "ДОМ «Прогресс»"  # no form is that close


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Иван Петров", True),
        ("Jean-Luc O'Brien", True),
        ("J. R. R. Tolkien", True),
        ("Thi Ng", True),
        ("JOHN SMITH", True),
        ("Madonna", False),
        ("XKCD ZZT", False),
        ("R2D2 Droid", False),
        ("Ивaн Петров", False),  # Latin "a" inside a Cyrillic word
        ("A B C D E", False),
    ],
)
def test_full_name_shape(name: str, ok: bool) -> None:
    assert normalise("full_name", name).valid is ok


def test_address_too_short_and_empty_values_are_flagged() -> None:
    assert normalise("address", "12").reason == "too short to be an address"
    for garbled in ("Cmpouu Ösdynre", "Ofice T"):  # no number, no parts: a misread slogan or label
        assert not normalise("address", garbled).valid
    for bare in ("Paris, France", "Москва, Россия", "Main Street 5", "Baker Street London W1"):
        assert normalise("address", bare).valid
    for field in FIELDS:
        got = normalise(field, "  ")
        assert not got.valid


def test_normalise_is_idempotent() -> None:
    samples = {
        "email": "E-mail: Ivan.Petrov@mail,ru", "phone": "Моб.: +7 (912) 345-67-89",
        "website": "Web: HTTPS://WWW.Example.com/Team/", "address": "12 Main St\nSpringfield",
        "full_name": " Иван  Петров ", "company": "ООО «Ромашка»", "position": "Head of Sales ;",
    }
    for field, text in samples.items():
        once = normalise(field, text, "RU")
        assert normalise(field, once.value, "RU").value == once.value, field


def test_unknown_field_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown field 'pager'"):
        normalise("pager", "123")


def test_normalised_value_type() -> None:
    assert isinstance(normalise("email", "a@b.com"), NormalisedValue)


# --- region ---------------------------------------------------------------------------------

def test_region_hint_from_text_and_values() -> None:
    assert region_hint_from("10 Downing St, London SW1A 2AA") == "GB"
    assert region_hint_from("Tel +49 30 1234567") == "DE"
    assert region_hint_from("Иван Петров") == "RU"
    assert region_hint_from("John Smith") is None
    values = [fv("address", "12 rue de Rivoli, 75001 Paris"), fv("phone", "+49 30 1234567")]
    assert region_hint_from(values) == "FR"  # the address is the strongest evidence
    assert region_hint_from([fv("email", "anna@firma.de")]) == "DE"
    # without an address, the evidence votes: a foreign office's number loses to the card's own
    # domains and legal form; a tie goes to the number
    values = [fv("phone", "+49 (0) 38803 308"), fv("email", "leigh55@hotmail.co.uk"),
              fv("website", "www.novatek-health.co.uk"), fv("company", "Novatek Health Limited")]
    assert region_hint_from(values) == "GB"
    assert region_hint_from([fv("phone", "+49 30 1234567"), fv("website", "www.acme.co.uk")]) == "DE"
    # two capitals before a ZIP-shaped number are US evidence only when they are a US state's code
    assert region_hint_from("Springfield, IL 62701") == "US"
    assert region_hint_from("San Leticia de la Montaña, DF 48065") is None



@pytest.mark.parametrize(
    ("card", "region"),
    [
        # Portuguese, no country named, a generic domain: the numbers fit Brazil (with and
        # without the area code), not Portugal
        ("Flores Nossa\nSenhora de Fatima\nTel: (11) 2684-7988\n3854-7828\nfloresnsfatima@hotmail.com", "BR"),
        # Spanish: ten digits are too many for Spain, a Mexican number
        ("Sala de ventas y atención al cliente\nTeléfono 55 1234 5678", "MX"),
        ("Verkauf und Beratung für Geschäftskunden\nTelefon 0221 123456", "DE"),
        # English, a London number: impossible in the US, the first English-speaking country
        ("Managing director of the north London office\nTelephone 020 2153 5898", "GB"),
        # the language is clear but no number to pick a country with
        ("Flores Nossa Senhora de Fatima\nfloresnsfatima@hotmail.com", None),
        # one line misread as Cyrillic makes no Russian card
        ("Aceitamos os cartões de crédito e débito\nMasterCard VISA Hipercard\n[маяегсага!\nTel 2294-9484", "BR"),
    ],
)
def test_region_from_the_cards_language_and_numbers(card: str, region: str | None) -> None:
    assert region_hint_from(card) == region


def test_language_needs_confidence() -> None:
    from ml_backend.text.languages import language_of

    assert language_of("Assistência Técnica especializada em Televisor a cores") == "pt"
    assert language_of("248 343 5976") is None


# --- spaCy cues -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "legal", "title"),
    [
        ("Acme Inc.", True, False),
        ("ООО «Ромашка»", True, False),
        ("Müller GmbH & Co. KG", True, False),
        ("Dupont S.A.R.L.", True, False),
        ("ИП Иванов", True, False),
        ("Генеральный директор", False, True),
        ("Директора по продажам", False, True),
        ("Vertriebsleiterin", False, True),
        ("Geschäftsführer", False, True),
        ("Head of Sales", False, True),
        ("Directeur commercial", False, True),
        ("Ingénieur logiciel", False, True),
        ("John Smith", False, False),
        ("Иван Петров", False, False),
    ],
)
def test_cue_tagger(cues: CueTagger, text: str, legal: bool, title: bool) -> None:
    got = cues.cues(text)
    assert (got.legal_form, got.title) == (legal, title)


def test_cue_pipelines_are_blank_en_and_ru_with_the_ruler(cues: CueTagger) -> None:
    assert cues._latin.lang == "en" and cues._cyrillic.lang == "ru"
    assert "cardloop_cues" in cues._latin.pipe_names and "cardloop_cues" in cues._cyrillic.pipe_names


# --- Validator: card-level rules ------------------------------------------------------------

def test_validator_normalises_each_value(validator: Validator) -> None:
    out = validator.validate([fv("email", "E-mail: ivan.petrov@mail,ru", 0.8), fv("phone", "Моб.: +7 (912) 345-67-89")])
    email, phone = out
    assert (email.value, email.raw, email.valid) == ("ivan.petrov@mail.ru", "E-mail: ivan.petrov@mail,ru", True)
    assert email.confidence == pytest.approx(0.8 * 0.9)  # an OCR repair costs a little trust
    # the region comes from the card: Cyrillic e-mail TLD .ru -> RU
    assert (phone.value, phone.display) == ("+79123456789", "+7 912 345-67-89")


def test_validator_splits_a_line_with_two_numbers(validator: Validator) -> None:
    out = validator.validate([fv("phone", "Tel: +7 (912) 345-67-89, +7 (495) 123-45-67", bbox=(0, 0, 9, 9))])
    assert [v.value for v in out] == ["+79123456789", "+74951234567"]
    assert all(v.bbox == (0, 0, 9, 9) and v.valid for v in out)
    out = validator.validate([fv("phone", "T +1 212 555 0100  M +1 646 555 0199")])
    assert [v.value for v in out] == ["+12125550100", "+16465550199"]


def test_slash_inside_one_german_number_does_not_split_it(validator: Validator) -> None:
    out = validator.validate([fv("phone", "015511 / 081634")], region_hint="DE")
    assert [(v.value, v.valid) for v in out] == [("+4915511081634", True)]


def test_region_hint_from_card_script_and_lines(validator: Validator) -> None:
    values = [fv("full_name", "Иван Петров"), fv("phone", "8 (912) 345-67-89")]
    assert validator.validate(values)[1].value == "+79123456789"
    lines = [OcrLine("12 rue de Rivoli, Paris", [(0, 0), (1, 0), (1, 1), (0, 1)], 0.9)]
    assert read_card_values(validator, [fv("phone", "01 23 45 67 89")], lines)[0].value == "+33123456789"
    assert validator.validate([fv("phone", "01 23 45 67 89")], region_hint="FR")[0].valid


def _lines(*texts: str) -> list[OcrLine]:
    return [OcrLine(t, [(0, 10 * i), (100, 10 * i), (100, 10 * i + 8), (0, 10 * i + 8)], 0.9) for i, t in enumerate(texts)]


def test_a_value_read_from_a_line_the_ocr_was_unsure_of_is_flagged(validator: Validator) -> None:
    lines = [OcrLine("htps:/binkenegy.com", [(0, 0), (100, 0), (100, 8), (0, 8)], 0.62),
             OcrLine("8 Desnis lile", [(0, 10), (100, 10), (100, 18), (0, 18)], 0.77),
             OcrLine("Кирпичная пр., д. 5/6", [(0, 20), (100, 20), (100, 28), (0, 28)], 0.65, source="tesseract"),
             OcrLine("+7 (301) 753-08-99", [(0, 30), (100, 30), (100, 38), (0, 38)], 0.41, source="tesseract")]
    values = [fv("website", "binkenegy.com", line_indices=[0]), fv("address", "8 Desnis lile", line_indices=[1]),
              fv("phone", "+7 (301) 753-08-99", line_indices=[3])]
    out = {v.field: v for v in read_card_values(validator, values, lines)}
    assert not out["website"].valid and out["website"].reason.startswith("OCR was unsure of this text (line confidence 0.62)")
    assert out["address"].valid  # 0.77 is above PP-OCR's bar
    assert out["phone"].valid  # phones are checked by their digits
    # Tesseract's lines have a bar of their own
    address = fv("address", "Кирпичная пр., д. 5/6", line_indices=[2])
    assert [v.valid for v in read_card_values(validator, [address], lines) if v.field == "address"] == [True]
    strict = Validator(replace(load_settings(), min_tesseract_confidence=0.7))
    assert [v.valid for v in read_card_values(strict, [address], lines) if v.field == "address"] == [False]


def test_an_unsure_reading_spelled_in_dictionary_words_is_kept_with_a_note(validator: Validator) -> None:
    """"Дизайнер" on a line PP-OCR scored 0.52 could be right as read: kept, noted, less sure;
    "Ръбаков" (no word) on such a line is flagged."""
    lines = [OcrLine("Дизайнер", [(0, 0), (100, 0), (100, 8), (0, 8)], 0.52),
             OcrLine("Ръбаков Поликарп", [(0, 10), (100, 10), (100, 18), (0, 18)], 0.52)]
    out = {v.field: v for v in read_card_values(validator, [fv("position", "Дизайнер", line_indices=[0]),
                                                            fv("full_name", "Ръбаков Поликарп", line_indices=[1])], lines)}
    assert out["position"].valid and "OCR was unsure" in out["position"].note and out["position"].confidence < 0.9
    assert not out["full_name"].valid


def test_a_missed_job_title_line_becomes_the_position(validator: Validator) -> None:
    name = fv("full_name", "David Townsend", line_indices=[0])
    out = read_card_values(validator, [name], _lines("David Townsend", "C OO", "+1 213-897-8325"))
    assert [(v.field, v.value, v.source, v.line_indices) for v in out if v.field == "position"] == [
        ("position", "COO", "rule", [1])]
    # a slogan that mentions a title, a firm with a legal form, a person: not positions
    for line in ("Trusted by every director in the city", "Director Consulting LLC", "Maria Director"):
        assert not [v for v in read_card_values(validator, [name], _lines("David Townsend", line)) if v.field == "position"]
    # a card that has a position takes none from the lines
    out = read_card_values(validator, [name, fv("position", "Founder", line_indices=[2])], _lines("David Townsend", "CEO", "Founder"))
    assert [v.value for v in out if v.field == "position"] == ["Founder"]


def test_a_second_name_without_a_given_name_is_the_position(validator: Validator) -> None:
    values = [fv("full_name", "ЕВДОКИМОВА ВИКТОРИЯ АРХИПОВНА", line_indices=[1]), fv("full_name", "Ветеринар", 0.8, line_indices=[2])]
    out = validator.validate(values)
    assert [(v.field, v.value, v.valid, v.source) for v in out] == [
        ("full_name", "ЕВДОКИМОВА ВИКТОРИЯ АРХИПОВНА", True, "model"), ("position", "Ветеринар", True, "rule")]
    # a second person stays a flagged second name; so does anything on a card with a position
    out = validator.validate([values[0], fv("full_name", "Мария Иванова", 0.8, line_indices=[2])])
    assert [(v.field, v.valid) for v in out] == [("full_name", True), ("full_name", False)]
    out = validator.validate([*values, fv("position", "Врач", line_indices=[3])])
    assert [(v.field, v.value, v.valid) for v in out if v.value == "Ветеринар"] == [("full_name", "Ветеринар", False)]


def test_full_name_with_legal_form_becomes_company(validator: Validator) -> None:
    out = validator.validate([fv("full_name", "Acme LLC", 0.9), fv("full_name", "John Smith", 0.8)])
    by_field = {v.field: v for v in out}
    assert by_field["company"].value == "Acme LLC"
    assert by_field["company"].source == "rule" and by_field["company"].valid
    assert by_field["company"].confidence == pytest.approx(0.9 * 0.8)
    assert by_field["full_name"].value == "John Smith" and by_field["full_name"].valid


def test_cyrillic_company_tagged_as_name_is_relabelled(validator: Validator) -> None:
    out = validator.validate([fv("full_name", "ООО «Ромашка»"), fv("position", "Генеральный директор")])
    assert [(v.field, v.value, v.source) for v in out] == [
        ("position", "Генеральный директор", "model"),
        ("company", "ООО «Ромашка»", "rule"),
    ]


def test_title_tagged_as_company_becomes_position(validator: Validator) -> None:
    out = validator.validate([fv("full_name", "Jane Roe"), fv("company", "Sales Director"), fv("company", "Globex GmbH")])
    assert {(v.field, v.value) for v in out} == {("full_name", "Jane Roe"), ("position", "Sales Director"), ("company", "Globex GmbH")}
    assert all(v.valid for v in out)


def test_relabel_into_a_filled_field_flags_instead(validator: Validator) -> None:
    out = validator.validate([fv("full_name", "Acme LLC"), fv("company", "Globex Inc")])
    name = next(v for v in out if v.field == "full_name")
    assert not name.valid and "looks like a company" in name.reason


def test_a_title_word_in_a_company_beside_a_position_is_noted_not_flagged(validator: Validator) -> None:
    """A company may print a title word ("& Partner"): kept as read, with a note and less sure."""
    out = validator.validate([fv("company", "Steiger Widmer & Partner", 0.8), fv("position", "Ophthalmologist")])
    company = next(v for v in out if v.field == "company")
    assert company.valid and "looks like a position" in company.note and company.confidence < 0.8


def test_company_that_looks_like_a_person_is_flagged_not_moved(validator: Validator) -> None:
    out = validator.validate([fv("company", "Maria Lopez", 0.8)])
    assert out[0].field == "company" and not out[0].valid
    assert "person's name" in out[0].reason and out[0].confidence == pytest.approx(0.4)
    # a Latin name starts with its given name: "Socorro" after "AUTO" makes no person
    assert validator.validate([fv("company", "AUTO SOCORRO")])[0].valid
    assert not validator.validate([fv("company", "Dr. Maria Lopez")])[0].valid
    # with a name on the card, or with a company cue, nothing is flagged
    assert all(v.valid for v in validator.validate([fv("company", "Maria Lopez"), fv("full_name", "Ann Lee")]))
    assert validator.validate([fv("company", "Lopez Consulting")])[0].valid


def test_second_single_value_is_flagged_and_kept_after_the_best(validator: Validator) -> None:
    out = validator.validate([fv("full_name", "Anna Schmidt", 0.6), fv("full_name", "Peter Braun", 0.95)])
    assert [v.value for v in out] == ["Peter Braun", "Anna Schmidt"]
    assert out[0].valid and not out[1].valid
    assert out[1].reason == "a second full_name on the card (kept 'Peter Braun')"
    # of two companies, the one the card's own domain spells, however sure the tagger was; then
    # one that holds a legal form; then the one the tagger was surer of
    for companies, mail, kept in (
            ([fv("company", "Northstar", 0.95), fv("company", "Stephens", 0.6)], "abaker@stephens.com", "Stephens"),
            ([fv("company", "Northstar", 0.95), fv("company", "Stephens", 0.6)], "abaker@gmail.com", "Northstar"),
            ([fv("company", "Northstar", 0.95), fv("company", "Stephens Ltda.", 0.6)], "abaker@gmail.com", "Stephens Ltda."),
            ([fv("company", "Northstar Inc", 0.6), fv("company", "Stephens Inc", 0.95)], "abaker@northstar.com", "Northstar Inc")):
        out = validator.validate([*companies, fv("email", mail)])
        assert [v.value for v in out if v.field == "company" and v.valid] == [kept]


def test_website_that_is_an_email_becomes_email(validator: Validator) -> None:
    out = validator.validate([fv("website", "ivan@acme.com", 0.9), fv("email", "www.acme.com", 0.9)])
    assert [(v.field, v.value, v.source, v.valid) for v in out] == [
        ("email", "ivan@acme.com", "rule", True),
        ("website", "www.acme.com", "rule", True),
    ]


def test_a_registration_number_or_a_web_address_is_no_postal_address(validator: Validator) -> None:
    for text in ("OKIIO 76095299", "ИНН 7715463094"):
        got = normalise("address", text)
        assert not got.valid and got.reason == "a registration number, not an address"
    out = validator.validate([fv("address", "mukhina-galkina. net")])
    assert [(v.field, v.valid) for v in out] == [("address", False)]


def test_a_phone_number_run_into_the_address_is_a_phone(validator: Validator) -> None:
    out = validator.validate([fv("address", "Studio 25t, Glenn Pine, Lynneview, DD5W 5HX, M07453-968315")], region_hint="GB")
    assert [(v.field, v.value, v.valid) for v in out] == [
        ("phone", "+447453968315", True), ("address", "Studio 25t, Glenn Pine, Lynneview, DD5W 5HX", True),
    ]
    out = validator.validate([fv("address", "8102 Melissa Summit, Josephside, KS 80596")], region_hint="US")
    assert [v.field for v in out] == ["address"]  # a house number and a ZIP code are no phone
    # a number no address part is: cut off and flagged as a phone for the annotator, not dropped
    out = validator.validate([fv("address", "167 Montoya Ports, East Jonathan, DC 35217, 89-7142036")], region_hint="US")
    assert [(v.field, v.raw, v.valid) for v in out] == [
        ("phone", "89-7142036", False), ("address", "167 Montoya Ports, East Jonathan, DC 35217", True),
    ]
    for kept in ("8102 Melissa Summit, Josephside, KS, 80596-1234", "Box 7, 123456, г. Тотьма"):  # ZIP+4, postcode
        assert [v.field for v in validator.validate([fv("address", kept)], region_hint="US")] == ["address"]


def test_a_company_names_closing_line_run_into_the_address_goes_back(validator: Validator) -> None:
    values = [fv("company", "АО «ГОРДЕЕВА"), fv("address", "наб. Производственная, д. 7, 481389, Арзамас, КАЛАШНИКОВ»")]
    out = validator.validate(values)
    assert [(v.field, v.value) for v in out] == [
        ("company", "АО «ГОРДЕЕВА КАЛАШНИКОВ»"), ("address", "наб. Производственная, д. 7, 481389, Арзамас"),
    ]
    closed = [fv("company", "АО «Вектор»"), fv("address", "г. Москва, ЖК «Северный»")]  # a quoted part of its own
    assert [v.value for v in validator.validate(closed)] == ["АО «Вектор»", "г. Москва, ЖК «Северный»"]


def test_a_surname_printed_before_the_title_goes_to_a_name_without_one(validator: Validator) -> None:
    out = validator.validate([fv("full_name", "Феоктист Анисимович"), fv("position", "Чернов — Гинеколог")])
    assert [(v.field, v.value) for v in out] == [("full_name", "Феоктист Анисимович Чернов"), ("position", "Гинеколог")]
    out = validator.validate([fv("full_name", "Shane N."), fv("position", "Webb - Customer Success Manager")])
    assert [(v.field, v.value) for v in out] == [("full_name", "Shane N. Webb"), ("position", "Customer Success Manager")]
    # a complete name keeps its title as printed
    out = validator.validate([fv("full_name", "Anna Smith"), fv("position", "Partner - Tax Advisory")])
    assert [v.value for v in out] == ["Anna Smith", "Partner - Tax Advisory"]


def test_symbols_run_onto_a_title_are_cut_off() -> None:
    assert normalise("position", "Управляющий партнёр №").value == "Управляющий партнёр"  # a phone icon
    assert normalise("position", "Head of Sales |").value == "Head of Sales"
    # marks that pair with nothing, a speck read as a dot after a whole word
    assert normalise("position", "„Донкерман").value == "Донкерман"
    assert normalise("position", "Менеджер по работе с клиентами )").value == "Менеджер по работе с клиентами"
    assert normalise("position", "Финансовый директор.").value == "Финансовый директор"
    for kept in ("Engineer (R&D)", "CEO & Founder", "Partner - Tax Advisory", "Sales Mgr.", "«Главный» инженер"):
        assert normalise("position", kept).value == kept


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("PETERS ANALYTICSCORP.", "PETERS ANALYTICS CORP."),  # a legal form glued on
        ("INOVACORPORATION", "INOVA CORPORATION"),
        ("U.S. BANCORP", "U.S. BANCORP"),  # too short a name before "corp"
        ("UNLIMITED", "UNLIMITED"),
        ("Garner Analytics Linited", "Garner Analytics Limited"),  # a long legal form one letter off
        ("0'sullivan Construction Ltd.", "O'Sullivan Construction Ltd."),  # an Irish O' read as a zero
        ("AG АО «Севердевелопмент»", "АО «Севердевелопмент»"),  # Latin specks before a Russian form
        ("Northstar Consulting L.LP", "Northstar Consulting LLP"),  # a speck's dot in the legal form
        ("ACME L.L.C.", "ACME L.L.C."),
        ("ACME S.A.", "ACME S.A."),
        ("J.P. Morgan", "J.P. Morgan"),
    ],
)
def test_legal_forms_as_printed_however_ocr_glued_or_misread_them(printed: str, value: str) -> None:
    assert normalise("company", printed).value == value


def test_a_registration_number_or_a_label_as_the_company_is_flagged() -> None:
    got = normalise("company", "OKNO74573024")
    assert not got.valid and got.reason == "a registration number, not a company name"
    for label in ("HH/KIII", "ÈHH/KIIII", "е-тай", "E-mail:"):  # "ИНН/КПП" misread, an e-mail label
        got = normalise("company", label)
        assert not got.valid and got.reason == "a printed label, not a company name"
    assert all(normalise("company", t).valid for t in ("A/S Maersk", "Arts/Media", "Mail Boxes Etc"))


def test_ocr_slips_inside_title_and_company_words() -> None:
    # a hyphen with a space on one side only; a dash between parts keeps its spaces
    assert normalise("position", "Инженер -программист").value == "Инженер-программист"
    assert normalise("position", "Sales - Marketing").value == "Sales - Marketing"
    # a capital "I" read as a small "l" before a consonant; "ltd" and words starting "ll" or "la" stay
    assert normalise("company", "ГК «lronbridge Медиа»").value == "ГК «Ironbridge Медиа»"
    assert normalise("position", "lT consultant").value == "IT consultant"
    assert [normalise("company", t).value for t in ("smith ltd", "llama labs", "lab one")] == [
        "smith ltd", "llama labs", "lab one"]


def test_a_patronymic_given_to_another_field_joins_a_two_word_name(validator: Validator) -> None:
    for name, title, full in (("Баранов Кир", "Брониславович", "Баранов Кир Брониславович"),
                              ("Кир Баранов", "Брониславович", "Кир Брониславович Баранов")):
        out = validator.validate([fv("full_name", name), fv("position", title)])
        assert [(v.field, v.value) for v in out] == [("full_name", full)]
    out = validator.validate([fv("full_name", "Кир Баранов"), fv("position", "Брониславович МАРКЕТОЛОГ")])
    assert [(v.field, v.value) for v in out] == [("full_name", "Кир Брониславович Баранов"), ("position", "МАРКЕТОЛОГ")]
    # a title, or a name that has its patronymic, is left alone
    out = validator.validate([fv("full_name", "Кир Баранов"), fv("position", "Директор")])
    assert [v.field for v in out] == ["full_name", "position"]
    out = validator.validate([fv("full_name", "Кир Петрович"), fv("company", "Брониславович")])
    assert [v.field for v in out] == ["full_name", "company"]


def test_a_letter_spaced_title_abbreviation_is_closed_up() -> None:
    assert [normalise("position", t).value for t in ("C F O", "C0O", "CEO")] == ["CFO", "COO", "CEO"]
    assert [normalise("position", t).value for t in ("I T", "C O")] == ["I T", "C O"]  # no title so spelled


def test_slogans_are_no_job_titles(validator: Validator) -> None:
    for slogan in ("Your partner in growth", "Ваш надёжный партнёр", "Votre partenaire"):
        got = normalise("position", slogan)
        assert not got.valid and "slogan" in got.reason
    assert normalise("position", "Head of Sales").valid
    # nor is a slogan line taken for the title the tagger missed
    lines = [OcrLine("Joy Richardson", ((0, 0), (100, 0), (100, 20), (0, 20)), 0.9),
             OcrLine("Your partner in growth", ((0, 30), (200, 30), (200, 50), (0, 50)), 0.9)]
    out = read_card_values(validator, [fv("full_name", "Joy Richardson", line_indices=[0])], lines)
    assert [v.field for v in out] == ["full_name"]


def test_nothing_is_dropped(validator: Validator) -> None:
    values = [fv("email", "no at sign"), fv("phone", "call me"), fv("full_name", "x"), fv("address", "")]
    out = validator.validate(values)
    assert len(out) == 4 and not any(v.valid for v in out)
    assert all(v.reason for v in out)
    assert all(v.confidence == pytest.approx(0.45) for v in out if v.field != "email")


# --- rules measured against realistic names and companies ----------------------------------

@pytest.mark.parametrize(
    "name",
    ["Dipl.-Ing. Klaus Weber", "Mark Williams, PhD", "Prof. Dr. Hans Peter Müller", "Linde van Kuijc van Malsen",
     "Петров Иван Сергеевич", "И. О. Петров"],
)
def test_full_names_with_honorifics_particles_and_initials_pass(name: str) -> None:
    assert normalise("full_name", name).valid, normalise("full_name", name).reason


def test_ambiguous_legal_forms_count_only_in_capitals(cues: CueTagger) -> None:
    assert cues.cues("Dupont SAS").legal_form and cues.cues("Rossi SpA").legal_form
    assert not cues.cues("Kate Sas").legal_form  # a surname, not a French company
    assert cues.cues("Кошелева Инк").legal_form


def test_person_cue_needs_a_given_name_and_a_name_shape(cues: CueTagger) -> None:
    assert cues.cues("Maria Lopez").person and cues.cues("Анна Смирнова").person
    assert not cues.cues("Webb Design").person
    assert not cues.cues("Campbell, Leach and Warren").person  # several people: a firm


def test_firms_named_after_people_are_not_flagged(validator: Validator) -> None:
    for company in ("Иванов и партнёры", "Campbell, Leach and Warren", "Craig Design", "Nieves Gascón Hurtado S.L.U."):
        out = validator.validate([fv("full_name", "Анна Петрова"), fv("company", company), fv("position", "Директор")])
        assert all(v.valid for v in out), (company, out)
        assert [v.field for v in out] == ["full_name", "position", "company"]


# --- OCR damage measured on generated contacts (each case failed once) ---------------------

@pytest.mark.parametrize(
    ("field", "damaged", "region", "value"),
    [
        ("email", "m.smith@acme.com", None, "m.smith@acme.com"),  # "m." is not a label
        ("email", "e.weber@firma.de", None, "e.weber@firma.de"),
        ("email", "Email m.smith@acme.com", None, "m.smith@acme.com"),
        ("email", "E-mail. a@b.com", None, "a@b.com"),
        ("email", "mail @ falcon.su", None, "mail@falcon.su"),  # "mail" is the local part here
        ("email", "а.johаnn@novаtek.de", None, "a.johann@novatek.de"),  # Cyrillic "а" alone too
        ("email", "julie.nash@yahoo.comWeb", None, "julie.nash@yahoo.com"),  # the next label glued on
        ("email", "zakazęetalon.su", None, "zakaz@etalon.su"),  # "@" read as "ę"
        ("email", "priemègranit.com:", None, "priem@granit.com"),
        ("email", "p.evseev@ramblerru", None, "p.evseev@rambler.ru"),  # the domain's dot lost
        ("email", "rené@exemple.fr", None, "rené@exemple.fr"),  # a real "é" beside a real "@"
        ("email", "ina(@inbox.ru", None, "ina@inbox.ru"),
        ("email", "contact.1@northwind.com", None, "contact.1@northwind.com"),  # a digit may be real: kept
        ("email", "calvin@icloud.com-", None, "calvin@icloud.com"),
        ("email", "mario@perez-green.us-mail", None, "mario@perez-green.us"),  # the next label glued on
        ("email", "orlov@efremova.rube6-cat", None, "orlov@efremova.ru"),  # "Веб-сайт" misread, glued on
        ("phone", "0 8.932.780.31.38", "RU", "+79327803138"),  # a phone icon read as "0"
        ("position", "Art Director at", None, "Art Director"),  # "... at <company>", the company apart
        ("company", 'ООО "Прогрессинвест"\'', None, 'ООО "Прогрессинвест"'),  # a quote mark too many
        ("company", "3 ЗАО «Север»", None, "ЗАО «Север»"),
        ("company", "7 Eleven Inc.", None, "7 Eleven Inc."),
        ("website", "www.x.ruwww", None, "www.x.ru"),
        ("website", "www.impulsproektru", None, "www.impulsproekt.ru"),  # the TLD's dot lost
        ("phone", "+l (203) 726-5167", None, "+12037265167"),
        ("phone", "+44 (O)20 7946 0958", None, "+442079460958"),
        ("phone", "O2O 7946 O958", "GB", "+442079460958"),
        ("phone", "O: +1 212 555 0100", None, "+12125550100"),  # "O:" (office) stays a label
        ("phone", "+7 912 345 67 89 доб. 12", None, "+79123456789"),
        ("website", "PHILIPS.NL/ABOUT", None, "philips.nl/ABOUT"),
        ("email", "ihughes@briggsdesign.org uk", None, "ihughes@briggsdesign.org.uk"),  # a space for the dot
        ("email", "suvorova@inbox. ru", None, "suvorova@inbox.ru"),
        ("website", "https://www.x.co uk", None, "www.x.co.uk"),
        ("company", "НПО «СОКОЛОВ. МУРАВЬЕВ И КОНОВАЛОВ»", None, "НПО «СОКОЛОВ, МУРАВЬЕВ И КОНОВАЛОВ»"),
        ("company", "Smith Bros. and Co", None, "Smith Bros. and Co"),  # a dot before the conjunction stays
        ("company", 'ООО "Polaris Логистик“', None, 'ООО "Polaris Логистик"'),  # the closing quote's form
        ("position", "ИНЖЕНЕР- ПРОГРАММИСТ", None, "ИНЖЕНЕР-ПРОГРАММИСТ"),  # a space after the hyphen
        ("position", "Radio- and TV Producer", None, "Radio- and TV Producer"),  # a suspended hyphen stays
        ("full_name", "lan M. Hughes", None, "Ian M. Hughes"),  # "I" read as "l"
        ("full_name", "Jean le Pen", None, "Jean le Pen"),
        ("company", "JONESINC", None, "JONES INC"),  # a glued legal form
        ("company", "ı АО «Воронова»", None, "АО «Воронова»"),  # a speck before the legal form
        ("company", "Q Ltd", None, "Q Ltd"),
        ("company", "K KNIGHT-MURRAY", None, "KNIGHT-MURRAY"),  # the logo's monogram on the name's line
        ("company", "J P Morgan", None, "J P Morgan"),
        ("company", 'ос] ООО "Cobalt Софт"', None, 'ООО "Cobalt Софт"'),  # a logo's marks before the form
        ("company", "ГК ООО Ромашка", None, "ГК ООО Ромашка"),  # a form before a form stays
        ("company", "е-тай: е-тай: Вишнякова Инкорпорэйтед", None, "Вишнякова Инкорпорэйтед"),  # glued labels
        ("company", "TV: 24 Media", None, "TV: 24 Media"),  # a colon before a number is no label's
        ("address", "Новосибирск, пр. 3.Космодемьянской, 3/3", None, "Новосибирск, пр. З. Космодемьянской, 3/3"),
        ("address", "Кирпичная пр., д. 5/6, 0ф, 53", None, "Кирпичная пр., д. 5/6, оф. 53"),  # "о" read as zero
        ("address", "г. Москва ` Тимирязева наб., 2/6", None, "г. Москва, Тимирязева наб., 2/6"),  # "·" as "`"
        ("address", "12 Main St ~ Springfield", None, "12 Main St, Springfield"),  # "–" as "~"
        ("full_name", "Richard silva", None, "Richard Silva"),  # a capital read small
        ("full_name", "Maria della Rovere", None, "Maria della Rovere"),
        ("company", "Zinc", None, "Zinc"),
    ],
)
def test_ocr_damage_regressions(field: str, damaged: str, region: str | None, value: str) -> None:
    got = normalise(field, damaged, region)
    assert got.valid, got.reason
    assert got.value == value


def test_printed_grouping_picks_the_fallback_region() -> None:
    # valid in France and Germany: French pairs say France, German area grouping says Germany
    assert normalise("phone", "06 02 90 62 31", "US").value == "+33602906231"
    assert normalise("phone", "030 1234567", "US").value == "+49301234567"
    assert normalise("phone", "010 189 9726", "US").value == "+31101899726"


def test_region_from_state_zip_and_language_words() -> None:
    assert region_hint_from("Adamsshire, TN 59104") == "US"
    assert region_hint_from("Tél. : 01 23 45 67 89") == "FR"
    assert region_hint_from("Handy 0151 2345678") == "DE"
    assert region_hint_from("Summit Solutions Ltd") == "GB"
    # a place beats a word, a +CC number beats a domain
    assert region_hint_from([fv("address", "Berlin"), fv("company", "Acme Ltd")]) == "DE"
    assert region_hint_from([fv("phone", "+33 1 23 45 67 89"), fv("email", "a@b.de")]) == "FR"


@pytest.mark.parametrize(
    ("printed", "value"),
    [("5uzanne Gilles", "Suzanne Gilles"), ("Gi1les Martin", "Gilles Martin"), ("J0HN SMITH", "JOHN SMITH"),
     ("John Sm1th", "John Smith")],
)
def test_digits_in_names_are_misread_letters(printed: str, value: str) -> None:
    got = normalise("full_name", printed)
    assert (got.value, got.valid, got.fixed) == (value, True, True)


def test_website_scheme_typos() -> None:
    assert normalise("website", "htttps//www.pieterslogistiek.eu").display == "https://www.pieterslogistiek.eu"
    assert normalise("website", "http;//acme.com").display == "http://acme.com"


def test_trained_pipeline_from_settings_replaces_the_blank_one(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy

    saved = tmp_path / "en_pipeline"
    nlp = spacy.blank("en")
    nlp.meta["name"] = "trained_stand_in"
    nlp.to_disk(saved)
    monkeypatch.setenv("CARDLOOP_SPACY_MODELS", str(saved))
    validator = Validator(load_settings())
    assert validator._cues._latin.meta["name"] == "trained_stand_in"
    assert validator._cues._cyrillic.lang == "ru"  # no trained ru pipeline named: blank ru stays
    assert validator.cues("Acme GmbH").legal_form  # our rules are added to the loaded pipeline
    monkeypatch.setenv("CARDLOOP_SPACY_MODELS", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="not an installed spaCy pipeline"):
        Validator(load_settings())


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("18691 Steele Path · Port Jasonport, ID 66567 · USA", "18691 Steele Path, Port Jasonport, ID 66567, USA"),
        ("г. Липецк – Энгельса ш., 6", "г. Липецк, Энгельса ш., 6"),
        ("Apt. 291- Johnsonmouth, NM 38726", "Apt. 291, Johnsonmouth, NM 38726"),
        ("9 Wayne Streets -South Carlyberg -E32 6EW", "9 Wayne Streets, South Carlyberg, E32 6EW"),
        ("Adresse : 11, rue Lefèvre", "11, rue Lefèvre"),
        ("Morrisfurt BA118XZ", "Morrisfurt BA11 8XZ"),
        ("Higgins Forge Apt.360", "Higgins Forge Apt. 360"),
        ("Rostov-on-Don, ul. Lenina 5", "Rostov-on-Don, ul. Lenina 5"),
        ("© Flat 7, Charlotte Center", "Flat 7, Charlotte Center"),  # a pin icon read as "©"
        ("О ул. Городская, 840", "ул. Городская, 840"),
        ("г Камень-на-Оби, пр.. Волочаевская, д 5", "г. Камень-на-Оби, пр. Волочаевская, д. 5"),
        ("O'Connell Street 5", "O'Connell Street 5"),
        ("337435. г. Жигулевск", "337435, г. Жигулевск"),  # the postcode's comma read as a dot
        ("683 Michael Field, Hughesside SO 4AN", "683 Michael Field, Hughesside S0 4AN"),  # no district digit
        ("Lake Diana WCOM OLW", "Lake Diana WC0M 0LW"),  # zeros read as "O" where only digits stand
        ("Anthonyborough GY0M OPG, United Kingdom", "Anthonyborough GY0M 0PG, United Kingdom"),
        ("Flat 7, Lake GO OUT now", "Flat 7, Lake GO OUT now"),  # no digit, not where a postcode stands
        ("Jessicastad BL2 1H5", "Jessicastad BL2 1HS"),  # the letters of the inward code read as digits
        ("Port Kevinborough L4B SXA, UK", "Port Kevinborough L4B 5XA, UK"),  # and its digit as a letter
        ("Terenceview JES OWW", "Terenceview JE5 0WW"),
        ("Hallburgh M6 1 YP", "Hallburgh M6 1YP"),  # a space inside the inward code
        ("Glennfort, E7 9A)", "Glennfort, E7 9AJ"),  # a "J" read as a bracket
        ("Glennfort, E7 9A), England", "Glennfort, E7 9AJ, England"),
        ("Port Jasonport, IN 13968", "Port Jasonport, IN 13968"),  # a US state and ZIP code
        ("Ottawa K1A 0B1", "Ottawa K1A 0B1"),  # a Canadian postcode
        ("Щетинкинапер., д. 355", "Щетинкина пер., д. 355"),  # the abbreviation glued to the street
        ("г. Жуковский, уп. Гаражная, п. 1, стр: 3", "г. Жуковский, ул. Гаражная, д. 1, стр. 3"),  # OCR's misreadings
        ("Дружбы алл., a. 2, op. 12", "Дружбы алл., д. 2, оф. 12"),
        ("br. Белорецк, Весенняя ул., ц. 37", "г. Белорецк, Весенняя ул., д. 37"),
        ("Кошевого HT, д. 2", "Кошевого ш., д. 2"),
        ("п. Солнечный, ул. Мира, 5", "п. Солнечный, ул. Мира, 5"),  # a settlement ("посёлок"), not a house
        ("Flat 8, a. 2", "Flat 8, a. 2"),  # Latin cards are left alone
        ("guseva. ru бул. Чайковского, 779", "бул. Чайковского, 779"),  # the web address read into it
        ("г. Екатеринбург, Россия, okhkuralkhim. ru", "г. Екатеринбург, Россия"),
        ("gaudin-becker. eu/team, avenue Susan Mary", "avenue Susan Mary"),
        ("Bd. de Sébastopol 5, 75001 Paris", "Bd. de Sébastopol 5, 75001 Paris"),
        ("Flat 97, John Ridge I Margaretmouth KT40 1TS", "Flat 97, John Ridge, Margaretmouth KT40 1TS"),  # a bar read as "I"
        ("Коммунаров iil, д. 694, Москва", "Коммунаров ш., д. 694, Москва"),  # "ш." read as Latin
        ("Гражданская UL, д. 10, офис 547", "Гражданская ш., д. 10, офис 547"),
        ("ул. Лесная, 5, г. Москва", "ул. Лесная, 5, г. Москва"),  # a street is not a town
        ("Southampton SO14 3AN", "Southampton SO14 3AN"),
        ("431 Franco WellSuite 044", "431 Franco Well Suite 044"),
        ("3858 McCall Divide", "3858 McCall Divide"),
        ("Gertrude-Linke-Allee 4/3, 34001Hünfeld", "Gertrude-Linke-Allee 4/3, 34001 Hünfeld"),
        ("625 Michelle Ports, Suttonland N1U 6QT, 8:30 17:30", "625 Michelle Ports, Suttonland N1U 6QT"),
        ("ул. Ленина, 5, Пн-Пт 9:00-18:00", "ул. Ленина, 5"),
        ("Театральная наб.. д. 9. оф. 50, 971277, Ярославль", "Театральная наб. д. 9, оф. 50, 971277, Ярославль"),
        ("Водников, д. 7 2, офис 343", "Водников, д. 7/2, офис 343"),  # the house number's slash lost
        ("г. Казань, бул. Таманская. д. 9/2, оф. 79", "г. Казань, бул. Таманская, д. 9/2, оф. 79"),
        ("просп. Мира, корп. 2", "просп. Мира, корп. 2"),
        ("Flat 80. Daves Freeway", "Flat 80, Daves Freeway"),  # after a unit's number only: "3. OG" is a German floor
        ("777368, г. Мценск, ya. Сенная", "777368, г. Мценск, ул. Сенная"),
        ("mw. Ленинградская, д. 634", "ш. Ленинградская, д. 634"),
        ("ul. Космонавтов, д. 3", "ш. Космонавтов, д. 3"),
        ("Блюхера ш., д. 3, of. 86", "Блюхера ш., д. 3, оф. 86"),
        ("ОКО 92578811, 886987, г. Тотьма", "886987, г. Тотьма"),  # a registration number among the parts
        ("MHH/KIII7791914852/771501001, 975020, г. Чермоз", "975020, г. Чермоз"),
        ("8 912 345 67 89, г. Тотьма", "8 912 345 67 89, г. Тотьма"),  # a spaced number is no such number
        ("ш. 50 лет ВЛКСМ ‚7/3 ‚стр. 9", "ш. 50 лет ВЛКСМ, 7/3, стр. 9"),  # a comma read low
        ("Водников пер, д. 3", "Водников пер., д. 3"),
        ("615581, г. Екатеринбург, Челюскинцев ш., 4. 61, стр. 4",  # "д." read as "4"
         "615581, г. Екатеринбург, Челюскинцев ш., д. 61, стр. 4"),
        ("ул. Мира, д. 3, 4. 61", "ул. Мира, д. 3, 4, 61"),  # the address has its "д.": a number
        ("Жукова VoL, 8, г. Санкт-Петербург", "Жукова ул., 8, г. Санкт-Петербург"),  # "ул." misread
        ("Февральская VAL, д. 20", "Февральская ул., д. 20"),
        ("Красноуральск, Портовая yn, д. 2, офи 539", "Красноуральск, Портовая ул., д. 2, офис 539"),
        ("031384, пер. Космическая, 1, erp. 7", "031384, пер. Космическая, 1, стр. 7"),
        ("Office: 50 Sharon Mount Suite 361|Annstad, NC80519", "50 Sharon Mount Suite 361, Annstad, NC 80519"),
        ("Box 7, XY12345", "Box 7, XY12345"),  # no state's code
        ("North Matthewbury, GU/ 34005", "North Matthewbury, GU 34005"),
        ("5693 Erin Inlet Suite 127, Annaville, HII 49994", "5693 Erin Inlet Suite 127, Annaville, HI 49994"),
        ("пер. Торговая, 7+ 299037, г. Углегорск", "пер. Торговая, 7, 299037, г. Углегорск"),  # a bullet read as "+"
        ("389 Ellis Cape Apt. 540, NorthAnne, AZ 26446", "389 Ellis Cape Apt. 540, North Anne, AZ 26446"),
        ("12 McLean Street, LaSalle, IL 61301", "12 McLean Street, LaSalle, IL 61301"),
        ("Ilat 32K, Kim Isle, Andrewland, M28 7HHI", "Flat 32K, Kim Isle, Andrewland, M28 7HH"),
        ("Владикавказ, бул. Докучаева, 40, Российская Федерация, MO.", "Владикавказ, бул. Докучаева, 40, Российская Федерация"),
        ("Вольная tt, д. 6, 720653, г. Елец", "Вольная ш., д. 6, 720653, г. Елец"),
        ("наб., Новгородская, д. 323", "наб. Новгородская, д. 323"),
        ("992175, г. Екатеринбург, Панфилова пер., д. 124, m", "992175, г. Екатеринбург, Панфилова пер., д. 124"),
        ("2046 Linda Orchard, Jamesmouth, HI 19820, ⊕", "2046 Linda Orchard, Jamesmouth, HI 19820"),  # specks, icons
        ("1:, 6 Ellie Dale, Walkerhaven HD6 3XN", "6 Ellie Dale, Walkerhaven HD6 3XN"),
        ("Водников, 7/2", "Водников, 7/2"),  # a number is no speck, nor is a country's code
        ("Москва, РФ", "Москва, РФ"),
        ("ys. Жуковского, д. 6/1", "ул. Жуковского, д. 6/1"),
        ("пор. Хуторская, д. 261", "пер. Хуторская, д. 261"),
        ("г. Казань, HHH/KII1 7774553876/775801001", "г. Казань"),  # a digit in the ИНН/КПП label
        ("co. uk, Studio 56, Dawn Cape, N96 8XN", "Studio 56, Dawn Cape, N96 8XN"),  # the web address's end
        ("10:00-22.00, 5 Howells Mountain, WA4 4UZ", "5 Howells Mountain, WA4 4UZ"),  # hours printed above
        ("Flat 2, Dawn Cape, N96 8XN, UK", "Flat 2, Dawn Cape, N96 8XN, UK"),
        ("625 Michelle Ports, Suttonland, N1U 6QT, 8:30, 17:30", "625 Michelle Ports, Suttonland, N1U 6QT"),
        ("г. Новосибирск, Заливная ул., х 68, офис 188", "г. Новосибирск, Заливная ул., д. 68, офис 188"),
        ("г. Тырныауз, Циолковского наб_, д. 8/3", "г. Тырныауз, Циолковского наб., д. 8/3"),
        ("ш. Космонавтов, д., 3, офис 169", "ш. Космонавтов, д. 3, офис 169"),
        ("г. Екатеринбург, ш. SO лет ВЛКСМ, 7/3", "г. Екатеринбург, ш. 50 лет ВЛКСМ, 7/3"),
        ("19:00, наб. Халтурина, д. 1/7", "наб. Халтурина, д. 1/7"),  # only the closing time
        ("Flat 4. Lindsey Lane, Barkerton AL3 3QX", "Flat 4, Lindsey Lane, Barkerton AL3 3QX"),  # "," read as "."
        ("Studio 04o. Mary Way, Carlyfurt W55 7XY", "Studio 04o, Mary Way, Carlyfurt W55 7XY"),
        ("0 755 Dunn Ranch, Bradleytown, TW6N 0PS", "755 Dunn Ranch, Bradleytown, TW6N 0PS"),  # a pin read as "0"
        # an ordinal floor, a number that is the street, and times inside an address stay
        ("Hauptstr. 5, 1. OG, 10115 Berlin", "Hauptstr. 5, 1. OG, 10115 Berlin"),
        ("0 Main St, Springfield", "0 Main St, Springfield"),
        ("12.30 Main St, Springfield", "12.30 Main St, Springfield"),
        # an abbreviation's dot OCR lost, a middle dot read as ":", a comma read as a dot
        ("92173 Ball Causeway Apt 476, East Rachelton, IA 39297", "92173 Ball Causeway Apt. 476, East Rachelton, IA 39297"),
        ("Хабаровск, Саратовская ш, д. 4/7", "Хабаровск, Саратовская ш., д. 4/7"),
        ("наб. Воронежская, 615, оф. 16 : Тырныауз", "наб. Воронежская, 615, оф. 16, Тырныауз"),
        ("г. Москва, алл. 40 лет Победы. 2, офис 396", "г. Москва, алл. 40 лет Победы, 2, офис 396"),
        ("Adresse : 12 rue de Rivoli, 75001 Paris", "12 rue de Rivoli, 75001 Paris"),  # a label's colon stays a label
        ("наб. Санаторная, д. 99 1349136, г. Кириши", "наб. Санаторная, д. 99, 349136, г. Кириши"),  # "|" as "1"
        ("646531.г. Воскресенск, Шолохова пр., д. 5/8", "646531, г. Воскресенск, Шолохова пр., д. 5/8"),
        ("150, пер. Мусы Джалиля, д. 5/2, 011518", "пер. Мусы Джалиля, д. 5/2, 011518"),  # "ISO 9001" above
    ],
)
def test_addresses_read_the_same_however_the_card_separated_their_parts(printed, value):
    assert normalise("address", printed).value == value
    assert normalise("address", value).value == value  # idempotent


@pytest.mark.parametrize(
    ("printed", "value"),
    [("С.А. Павлов", "С. А. Павлов"), ("DR.TOM R. FERGUSON", "DR. TOM R. FERGUSON"),
     ("Dipl.-Ing. Hans Meier", "Dipl.-Ing. Hans Meier"), ("Jean-Luc Picard", "Jean-Luc Picard"),
     ("3. Ю. Михайлов", "З. Ю. Михайлов"), ("И. 3. Тихонова", "И. З. Тихонова"),
     ("Рюрик Владиславович.", "Рюрик Владиславович"), ("John Smith Jr.", "John Smith Jr."), ("Smith J.", "Smith J."),
     ("NICHOLASJAMES", "NICHOLAS JAMES"), ("ME BERTRANDJOUBERT", "ME BERTRAND JOUBERT"),  # letter-spacing lost
     ("Mark Johnson", "Mark Johnson"), ("Радислав 3 Колесников", "Радислав Колесников"),
     ("Нестор ‚ Фролов", "Нестор Фролов"), ("Владилен i Гришин", "Владилен Гришин"), ("John A Smith", "John A Smith")],
)
def test_initials_and_titles_glued_to_a_name_get_their_space(printed, value):
    got = normalise("full_name", printed)
    assert got.value == value and got.valid


def test_the_next_items_label_glued_after_an_emails_domain_is_cut_off() -> None:
    for printed in ("E-MAIL: subbotin.t@larionovemelyanov.comCAéT: larionovemelyanov.com",
                    "subbotin.t@larionovemelyanov.comWeb:"):
        assert normalise("email", printed).value == "subbotin.t@larionovemelyanov.com"
    assert normalise("email", "IVAN@ROMASHKA.RU").value == "ivan@romashka.ru"


def test_ocr_slips_in_web_addresses_no_real_address_has():
    assert normalise("website", "ww.unity-consulting.org.uk").value == "www.unity-consulting.org.uk"
    assert normalise("website", "granit.con").value == "granit.com"
    assert normalise("website", "www.day-solutions.ory.uk").value == "www.day-solutions.org.uk"  # before a country code
    # an icon read in front of the address: a symbol or an enclosed digit; a Cyrillic host stays
    for printed in ("④www.austin-herrera.us", "⊕ www.austin-herrera.us", "Web: © www.austin-herrera.us"):
        assert normalise("website", printed).value == "www.austin-herrera.us"
    assert normalise("website", "сайт.рф").value == "сайт.рф"
    assert normalise("email", "priem@granit.con").value == "priem@granit.com"
    assert normalise("company", "Granite,Inc.").value == "Granite, Inc."


def _read(text: str, confidence: float) -> OcrLine:
    """One OCR line of ``text`` read with ``confidence``."""
    return OcrLine(text, [(0, 0), (100, 0), (100, 20), (0, 20)], confidence, "tesseract")


def _validated_as_read(validator: Validator, field: str, text: str, confidence: float) -> FieldValue:
    (got,) = read_card_values(validator, [fv(field, text, line_indices=[0])], [_read(text, confidence)])
    return got


def test_known_russian_towns_put_right_only_when_one_is_clearly_meant(validator: Validator, monkeypatch) -> None:
    from ml_backend.text.known_words import known_city

    # OCR output: a misread town that is no Russian word cannot be right as read, and is put right
    for read, town in (("алл. Краснофлотская, 91, 391662, Глец", "Елец"), ("Жукова ул., 8, г. санкт Иетербург", "Санкт-Петербург")):
        got = _validated_as_read(validator, "address", read, 0.97)
        assert got.value.endswith(town) and got.valid and got.applied == ["check.known_russian_words"]
    # a word of the language may be a real town the list lacks: put right only where OCR was
    # unsure of the line, else only proposed (the value as read stays, with a note)
    from ml_backend.text.russian_spelling import is_russian_word

    assert is_russian_word("Малина") and is_russian_word("Нарым") and is_russian_word("Глец") is False
    monkeypatch.setattr("ml_backend.text.russian_spelling.is_russian_word", lambda word: True)
    read = "алл. Краснофлотская, 91, 391662, Глец"
    assert _validated_as_read(validator, "address", read, 0.8).value.endswith("Елец")
    sure = _validated_as_read(validator, "address", read, 0.97)
    assert sure.value == read and sure.valid and sure.proposal.endswith("Елец") and "Елец" in sure.note
    # what an annotator typed (normalise, as the CRM export uses it) is kept as typed
    assert normalise("address", "391662, Глец").value == "391662, Глец"

    assert known_city("Новжибирск") == "Новосибирск" and known_city("Калань") == "Казань"
    assert known_city("Казань") is None  # already right
    assert known_city("Санкт Петербург") == "Санкт-Петербург"  # its hyphen read as a space
    assert known_city("Лесная") is None and known_city("Ka3ab") is None  # no town close enough / not Cyrillic
    assert known_city("Абииек") == "Абинск"  # two letters Tesseract confuses ("и" for "н", "е" for "с")
    assert known_city("Абжжек") is None  # two letters off, but not letters Tesseract reads that way


def test_a_town_read_in_latin_look_alikes_is_put_right(validator: Validator) -> None:
    from ml_backend.text.known_words import known_city_in_lookalikes

    for read, right in (("наб. Производственная, д. 7, 481389, Ap3amac, Российская Федерация",
                         "наб. Производственная, д. 7, 481389, Арзамас, Российская Федерация"),
                        ("889790, г. OneHeK, алл. Воронежская, д. 83", "889790, г. Оленек, алл. Воронежская, д. 83")):
        (got,) = validator.validate([fv("address", read)])
        assert got.value == right
    # only where the address holds a town, and only a town spelled letter for letter
    (got,) = validator.validate([fv("address", "ул. Ap3amac, д. 7")])
    assert "Ap3amac" in got.value
    assert known_city_in_lookalikes("Kazan") is None  # "z" is no Cyrillic look-alike
    assert known_city_in_lookalikes("Me3e") is None  # "Мезень" lost letters: not exact


def test_a_russian_title_word_misread_by_one_letter_is_put_right(validator: Validator) -> None:
    from ml_backend.text.known_words import with_known_title_words

    with rules.disabled({"validate.title_without_a_person_flagged"}):  # a title alone, without its holder's name
        got = _validated_as_read(validator, "position", "Менелжер проектов", 0.97)  # no Russian word: put right
    assert got.value == "Менеджер проектов" and got.valid
    assert with_known_title_words("Управляющий партиёр") == "Управляющий партнёр"
    assert with_known_title_words("РУКОВОДИТЕЛЬ ОТДЕЛА ПРОДАЮ") == "РУКОВОДИТЕЛЬ ОТДЕЛА ПРОДАЖ"
    # two letters off, a known title word: left as read
    assert with_known_title_words("Исполнительный лирсктор") == "Исполнительный лирсктор"
    assert with_known_title_words("Главный бухгалтер") == "Главный бухгалтер"
    # a title word Tesseract split at a space is put back together, and only such a word
    assert with_known_title_words("Заместитель ди ректора") == "Заместитель директора"
    assert with_known_title_words("Финансовый дирек тор") == "Финансовый директор"
    assert with_known_title_words("ДИРЕК ТОР ПО ПРОДАЖАМ") == "ДИРЕКТОР ПО ПРОДАЖАМ"
    assert with_known_title_words("Менеджер по работе с клиентами") == "Менеджер по работе с клиентами"
    assert with_known_title_words("Агент") == "Агент"  # too short to tell
    assert with_known_title_words("Инженер-програмнист") == "Инженер-программист"  # hyphenated words too


def test_misread_russian_given_names_and_patronymics_are_put_right(validator: Validator) -> None:
    from ml_backend.text.known_words import with_known_name_words

    got = _validated_as_read(validator, "full_name", "ЛУКИНА НПАГАЛЬЯ НИЛОВИА", 0.97)  # no Russian words
    assert got.value == "ЛУКИНА НАТАЛЬЯ НИЛОВНА" and got.valid
    assert with_known_name_words("Клавлия Богдановна Авдеева") == "Клавдия Богдановна Авдеева"  # given name first
    # surnames are an open set, and two-word names do not say which word is which
    assert with_known_name_words("Гфимова Светлана Наумовна") == "Гфимова Светлана Наумовна"
    assert with_known_name_words("Анна Пестова") == "Анна Пестова"
    assert with_known_name_words("Пестова Анна Петровна") == "Пестова Анна Петровна"
    assert with_known_name_words("П. А. Лаврентьев") == "П. А. Лаврентьев"
    # a lost breve makes no other name: put back whatever the name's shape
    assert with_known_name_words("Авдеи Теимуразович Харитонов") == "Авдей Теймуразович Харитонов"
    assert with_known_name_words("МАИЯ ТРЕТЬЯКОВА") == "МАЙЯ ТРЕТЬЯКОВА"
    # a two-word name without a known given name: the one word close to one is it
    assert with_known_name_words("Глизавета Петрова") == "Елизавета Петрова"
    assert with_known_name_words("Анна Ларина") == "Анна Ларина"  # "Марина" is one letter off, "Анна" is known
    # what an annotator typed is kept as typed
    assert normalise("full_name", "Лукина Нпагалья Ниловиа").value == "Лукина Нпагалья Ниловиа"


@pytest.mark.parametrize(("word", "expected"), [
    ("Ltd", True), ("ltd.", True), ("ооо", True), ("ООО", True), ("SA", True), ("АО", True),
    ("Sa", False), ("Ag", False), ("Ао", False), ("Smith", False),
])
def test_a_legal_form_that_is_also_a_word_counts_in_capitals_only(word: str, expected: bool) -> None:
    assert is_legal_form(word) is expected


def test_a_name_line_run_into_the_address_of_a_nameless_card_is_the_name(validator: Validator) -> None:
    lines = [OcrLine("John Conway", [(0, 0), (90, 0), (90, 10), (0, 10)], 1.0),
             OcrLine("14403 Phillips Street", [(0, 20), (150, 20), (150, 30), (0, 30)], 1.0),
             OcrLine("Brandonstad, AL 07162", [(0, 40), (150, 40), (150, 50), (0, 50)], 1.0)]
    read = fv("address", "John Conway, 14403 Phillips Street, Brandonstad, AL 07162", line_indices=[0, 1, 2])
    out = read_card_values(validator, [read], lines, region_hint="US")
    assert [(v.field, v.value, v.valid, v.line_indices) for v in out] == [
        ("full_name", "John Conway", True, [0]),
        ("address", "14403 Phillips Street, Brandonstad, AL 07162", True, [1, 2]),
    ]
    # a card that has its name keeps the address as read; so does a first line that is no name
    named = read_card_values(validator, [fv("full_name", "Jane Roe"), read], lines, region_hint="US")
    assert [v.field for v in named] == ["full_name", "address"] and named[1].value == read.value
    office = replace(read, value="Harbour House, 14403 Phillips Street, Brandonstad, AL 07162")
    lines[0] = OcrLine("Harbour House", lines[0].box, 1.0)
    assert [v.field for v in read_card_values(validator, [office], lines, region_hint="US")] == ["address"]
    # a street named after a person starts with its street word
    street = replace(read, value="rue Frédéric Weiss, 14403 Phillips Street, Brandonstad, AL 07162")
    lines[0] = OcrLine("rue Frédéric Weiss", lines[0].box, 1.0)
    assert [v.field for v in read_card_values(validator, [street], lines, region_hint="US")] == ["address"]


def test_of_two_companies_the_one_in_the_largest_type_is_kept(validator: Validator) -> None:
    """A business prints its name biggest, in logo type over a line of what it sells, whatever the
    tagger's confidence says (the card's domain and a legal form, where they name one, count first)."""
    logo = fv("company", "PATRICAUTO", 0.6, bbox=(10, 10, 400, 130), line_indices=[0])
    line = fv("company", "Supermercado de Auto Peças", 0.9, bbox=(10, 140, 300, 190), line_indices=[1])
    out = validator.validate([logo, line])
    kept = [v.value for v in out if v.field == "company" and v.valid]
    assert kept == ["PATRICAUTO"]
