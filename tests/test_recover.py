"""E-mails and websites recovered from glued OCR text and from lines the tagger missed."""

from __future__ import annotations

import pytest

from ml_backend.config import load_settings
from ml_backend.schema import FieldValue, OcrLine, fields_from_values
from ml_backend.reading.validate import Validator
from ml_backend.reading.lines import RECOVERED_CONFIDENCE, CardRegion, LineEvidence, read_lines
from ml_backend.reading.pipeline import read_card_values
from ml_backend.reading.validate.recover import (
    company_slugs,
    email_from_domains,
    find_emails,
    find_phones,
    find_websites,
    name_words,
    recover,
)


def line(text: str, y: float = 0.0) -> OcrLine:
    return OcrLine(text, [(10.0, y), (300.0, y), (300.0, y + 20), (10.0, y + 20)], 0.95)


def _evidence(lines: list[OcrLine], region: str) -> LineEvidence:
    """The line evidence the pipeline reads from ``lines`` for a card of ``region``."""
    return read_lines(lines, CardRegion(region, False))


def fv(field: str, text: str, *, valid: bool = True, lines: list[int] | None = None) -> FieldValue:
    return FieldValue(field, text, text, 0.9, valid=valid, line_indices=lines or [])


@pytest.mark.parametrize(
    ("text", "emails", "websites"),
    [
        ("a@b.com·b.com", ["a@b.com"], ["b.com"]),
        ("ivan@romashka.ruwww.romashka.ru/about", ["ivan@romashka.ru"], ["www.romashka.ru/about"]),
        ("E-mail: ivan.petrov@romashka.ru | www.romashka.ru", ["ivan.petrov@romashka.ru"], ["www.romashka.ru"]),
        ("cat:https//acme.net", [], ["acme.net"]),
        ("⊕www.acme.com", [], ["www.acme.com"]),
        ("wwwalfa.ru", [], ["www.alfa.ru"]),
        ("a@x.com; b@x.com", ["a@x.com", "b@x.com"], []),
        ("Tel:+33142685300ivan@x.ru", ["ivan@x.ru"], []),  # a number glued to the address
        ("J.Smith, St.Petersburg", [], []),  # no common TLD: not a website
        ("Tel: +1 555 0100", [], []),
        ("chloe@lane.com/enquiries@lane.com/www.lane.com", ["chloe@lane.com", "enquiries@lane.com"], ["www.lane.com"]),
        ("www.lane.com/team", [], ["www.lane.com/team"]),  # a path's slash is no separator
    ],
)
def test_addresses_are_found_inside_glued_text(text, emails, websites):
    assert find_emails(text) == emails
    assert find_websites(text) == websites


def test_a_bare_host_counts_only_when_not_explicit_only():
    assert find_websites("Visit acme.io today") == ["acme.io"]
    assert find_websites("Visit acme.io today", explicit_only=True) == []
    assert find_websites("Visit www.acme.io today", explicit_only=True) == ["www.acme.io"]


def test_an_invalid_email_value_is_replaced_by_what_it_holds():
    out = recover([fv("email", "ota:x@y.ruwww.y.ru", valid=False, lines=[2])])
    got = {(v.field, v.value, v.source, v.valid) for v in out}
    assert got == {("email", "x@y.ru", "rule", True), ("website", "www.y.ru", "rule", True)}
    assert all(v.line_indices == [2] for v in out)  # the box of the value they came from


def test_an_invalid_value_with_nothing_inside_is_kept_flagged():
    bad = fv("email", "x@vostochnyysu", valid=False)
    assert recover([bad]) == [bad]


def test_missing_email_and_website_come_back_from_the_lines():
    lines = [line("Ivan Petrov"), line("ivan@romashka.ru", 30), line("www.romashka.ru", 60)]
    out = recover([fv("full_name", "Ivan Petrov", lines=[0])], _evidence(lines, "US"), "US")
    added = [v for v in out if v.source == "rule"]
    assert {(v.field, v.value) for v in added} == {("email", "ivan@romashka.ru"), ("website", "www.romashka.ru")}
    assert all(v.confidence == RECOVERED_CONFIDENCE for v in added)
    assert added[0].bbox == lines[added[0].line_indices[0]].bbox


def test_a_line_the_tagger_already_read_for_the_field_adds_nothing():
    lines = [line("ivan.petrov@romashka.ru")]
    # the tagger's cut differs (a word short), but it came from that line: no duplicate
    out = recover([fv("email", "petrov@romashka.ru", lines=[0])], _evidence(lines, "US"), "US")
    assert [v.value for v in out] == ["petrov@romashka.ru"]


def test_bare_hosts_do_not_add_a_second_website():
    lines = [line("Booking.com Ltd"), line("www.acme.com", 30)]
    out = recover([fv("website", "www.acme.com", lines=[1])], _evidence(lines, "US"), "US")
    assert [v.value for v in out if v.field == "website"] == ["www.acme.com"]


def test_the_validator_recovers_a_glued_line_end_to_end():
    validator = Validator(load_settings())
    lines = [line("Anna Weber"), line("E-mail: anna@weber.de · weber.de", 30)]
    values = [fv("full_name", "Anna Weber", lines=[0]), fv("email", "anna@weber.de · weber.de", lines=[1])]
    fields = fields_from_values([v for v in read_card_values(validator, values, lines) if v.valid])
    assert fields["email"] == ["anna@weber.de"]
    assert fields["website"] == ["weber.de"]


@pytest.mark.parametrize(
    ("text", "phones"),
    [
        ("M.+33610954523", ["+33610954523"]),
        ("0 +33 6 65 71 96 71", ["+33665719671"]),  # an icon read as "0"
        ("M 06.17.34.69.84 TEL:+33460950925", ["+33617346984", "+33460950925"]),
        ("Tel 01 42 68 53 00", ["+33142685300"]),
        ("Tel:+33142685300ivan@x.ru", ["+33142685300"]),
        ("USt-IdNr.: DE047670408", []),
        ("SIRET 123 456 789 00012", []),
        ("75008 Paris", []),
        ("01 42 68 53 00", []),  # no "+" and no label: could be any number
    ],
)
def test_phones_need_a_country_code_or_a_label_on_a_line(text, phones):
    assert find_phones(text, "FR") == phones


def test_an_unlabelled_number_inside_an_invalid_phone_value_is_enough():
    assert find_phones("Ⓣ 01 42 68 53 00", "FR", evidence=False) == ["+33142685300"]


def test_a_second_phone_on_a_line_the_tagger_read_is_added_once():
    lines = [line("M 06.17.34.69.84 TEL:+33460950925")]
    phone = FieldValue("phone", "+33617346984", "M 06.17.34.69.84", 0.9, line_indices=[0])
    out = recover([phone], _evidence(lines, "FR"), "FR")
    assert [v.value for v in out] == ["+33617346984", "+33460950925"]


@pytest.mark.parametrize(
    ("text", "domains", "email"),
    [
        ("h.schaafglumen-bau.de", ["lumen-bau.de"], "h.schaaf@lumen-bau.de"),  # "@" read as "g"
        ("elisabeth.peronpicard.fr", ["picard.fr"], "elisabeth.peron@picard.fr"),  # "@" dropped
        ("leah@watson-energycom", ["watson-energy.com"], "leah@watson-energy.com"),  # dot dropped
        ("contactemartelcom", ["martel.com"], "contact@martel.com"),
        ("anne22fweb.de", ["acme.de"], None),  # no domain of the card explains it
    ],
)
def test_emails_are_rebuilt_from_the_cards_own_domains(text, domains, email):
    assert email_from_domains(text, domains) == email


@pytest.mark.parametrize(
    ("text", "names", "email"),
    [
        ("helloevergreen.net", frozenset(), "hello@evergreen.net"),  # a shared mailbox keeps its "o"
        ("infoevergreen.net", frozenset(), "info@evergreen.net"),
        ("harteevergreen.net", frozenset({"brooke", "hart"}), "hart@evergreen.net"),  # the "e" was the "@"
        ("infopevergreen.net", frozenset(), "info@evergreen.net"),  # a "p" only where the mailbox shows it
        ("philipevergreen.net", frozenset(), "philip@evergreen.net"),
    ],
)
def test_the_name_or_a_shared_mailbox_tells_a_misread_at_from_a_lost_one(text, names, email):
    assert email_from_domains(text, ["evergreen.net"], names) == email


def test_the_company_name_shows_the_domain_of_an_email_whose_at_was_misread():
    slugs = company_slugs("Daniels, Ramos and Dixon")
    assert email_from_domains("timothy_howardedaniels.com", [], name_words("Timothy Howard"), slugs) == (
        "timothy_howard@daniels.com")
    assert email_from_domains("eliottgkeystone-systems.org.uk", [], name_words("Elliott Evans"),
                              company_slugs("Keystone Systems Ltd")) == "eliott@keystone-systems.org.uk"
    # Russian names and companies as their addresses transliterate them
    assert email_from_domains("fedorgtsvetkov.ru", [], name_words("Фёдор Цветков"), company_slugs("ИП Цветков")) == (
        "fedor@tsvetkov.ru")
    assert email_from_domains("infomaksimovinvest.ru", [], frozenset(), company_slugs("ООО «Максимов Инвест»")) == (
        "info@maksimovinvest.ru")
    # a person-shaped local part before the company's name, the holder's name misread
    assert email_from_domains("konstantin.smirnoveetalon.com", [], name_words("Коистантии Смирной"),
                              company_slugs("ООО «Эталон»")) == "konstantin.smirnov@etalon.com"
    # nothing shows where the local part ends
    assert email_from_domains("qwkeystone.com", [], name_words("Elliott Evans"), company_slugs("Keystone")) is None


def test_a_website_that_is_an_email_without_its_at_becomes_the_email():
    values = [fv("full_name", "Brooke Hart"), fv("website", "harteinova.co"), fv("website", "www.inova.co")]
    out = recover(values)
    assert [(v.field, v.value) for v in out] == [
        ("full_name", "Brooke Hart"), ("email", "hart@inova.co"), ("website", "www.inova.co")]
    # a website of its own beside the company's e-mail domain stays one
    values = [fv("website", "shopacme.com"), fv("email", "info@acme.com")]
    assert [(v.field, v.value) for v in recover(values)] == [("website", "shopacme.com"), ("email", "info@acme.com")]
    # written as a web address, it is one
    values = [fv("full_name", "Brooke Hart"), fv("website", "www.harteinova.co"), fv("email", "x@inova.co")]
    assert [v.field for v in recover(values)] == ["full_name", "website", "email"]
    # at a free-mail domain the card prints nowhere else, where the holder's name shows the local part
    out = recover([fv("full_name", "Елена Боброва"), fv("website", "ebobrovarambler.ru")])
    assert [(v.field, v.value) for v in out] == [("full_name", "Елена Боброва"), ("email", "ebobrova@rambler.ru")]
    assert [v.field for v in recover([fv("full_name", "Anna Lee"), fv("website", "newsgmail.com")])] == [
        "full_name", "website"]  # no name in it: a website (however odd) stays one
    # the holder's own digits after her name still show it
    out = recover([fv("full_name", "Фёкла Назарова"), fv("website", "fekla64getalon.net"), fv("email", "sales@etalon.net")])
    assert [v.value for v in out if v.field == "email"] == ["fekla64@etalon.net", "sales@etalon.net"]


def test_an_e_mail_whose_at_was_misread_is_rebuilt_at_a_free_mail_domain():
    out = recover([fv("full_name", "Нонна Сергеева"), fv("email", "n.sergeeva9bk.ru", valid=False)])
    assert [(v.field, v.value, v.valid) for v in out][1] == ("email", "n.sergeeva@bk.ru", True)
    # no free-mail domain explains it: kept, flagged
    out = recover([fv("full_name", "Нонна Сергеева"), fv("email", "n.sergeeva9kb.xyz", valid=False)])
    assert [(v.field, v.valid) for v in out][1] == ("email", False)


def test_the_qr_codes_email_is_kept_and_its_misreading_dropped():
    qr = FieldValue("email", "elliott@keystone-systems.org.uk", "elliott@keystone-systems.org.uk", 1.0, source="qr")
    website = fv("website", "eliottgkeystone-systems.org.uk", lines=[0])
    lines = [line(": eliottgkeystone-systems.org.uk")]
    out = recover([fv("full_name", "Elliott Evans"), website, qr], _evidence(lines, "US"), "US")
    assert [(v.field, v.value) for v in out] == [
        ("full_name", "Elliott Evans"), ("email", "elliott@keystone-systems.org.uk")]


def test_a_qr_codes_domain_is_never_respelled_by_the_cards_ocr():
    qr = FieldValue("email", "anna@stellarco.uk", "anna@stellarco.uk", 1.0, source="qr")
    out = recover([qr, fv("website", "www.stellar.co.uk"), fv("website", "www.stellarcos.uk")])
    assert [v.value for v in out] == ["anna@stellarco.uk", "www.stellarco.uk"]


def test_of_two_spellings_of_one_domain_the_one_that_spells_the_company_wins():
    # OCR took a letter of "https://" into the website's name; the longer spelling used to win
    values = [fv("company", "MCLEAN AND SONS"), fv("email", "smith.j@mclean-sons.org.uk"),
              fv("website", "tmclean-sons.org.uk")]
    assert [v.value for v in recover(values)][1:] == ["smith.j@mclean-sons.org.uk", "mclean-sons.org.uk"]
    # the company's name alone is no evidence of what the card printed: a domain it would spell
    # otherwise ("STOKES LTD" on "stokes-itd.co.uk") is kept as read
    values = [fv("company", "STOKES LTD"), fv("email", "sales@stokes-itd.co.uk"), fv("website", "stokes-itd.co.uk/about")]
    out = recover(values)[1:]
    assert [(v.value, v.proposal) for v in out] == [("sales@stokes-itd.co.uk", None), ("stokes-itd.co.uk/about", None)]
    # without a company to tell, the longer spelling still wins (OCR loses letters more often)
    out = recover([fv("email", "anna@vosok.su"), fv("website", "www.vostok.su")])
    assert [v.value for v in out] == ["anna@vostok.su", "www.vostok.su"]


def test_a_letter_spaced_company_whose_hyphen_is_its_word_break_is_closed_up_by_the_domain():
    out = recover([fv("company", "PH I L LI PS - PET ERSO N"), fv("website", "phillipspeterson.com")])
    assert out[0].value == "PHILLIPS-PETERSON"
    for printed, site in (("Smith - Jones", "smithjones.com"), ("PH I L LI PS - PET ERSO N", "phillips.com")):
        assert recover([fv("company", printed), fv("website", site)])[0].value == printed


def test_an_email_and_the_website_glued_by_an_underscore_are_two() -> None:
    printed = "contact@lumen.com_lumen.com"
    assert [v.value for v in recover([fv("email", printed, valid=False)])] == ["contact@lumen.com"]
    # the card has no website: the one on the line is taken
    out = recover([fv("email", printed, valid=False, lines=[0])], _evidence([line(printed)], "US"), "US")
    assert [(v.field, v.value) for v in out] == [("email", "contact@lumen.com"), ("website", "lumen.com")]


def test_a_company_left_wrongly_spaced_is_spaced_as_the_hyphenated_domain():
    out = recover([fv("company", "HORI Z ON DESIGN PLC"), fv("website", "horizon-design.co.uk")])
    assert out[0].value == "HORIZON DESIGN PLC"
    out = recover([fv("company", "POLARISENGINEERING GROUP"), fv("email", "diana@polaris-engineering.com")])
    assert out[0].value == "POLARIS ENGINEERING GROUP"
    # an unhyphenated label does not say where words break; other letters are another name
    assert recover([fv("company", "Smith Jones"), fv("website", "smithjones.com")])[0].value == "Smith Jones"
    assert recover([fv("company", "Smith and Jones"), fv("website", "smith-jones.com")])[0].value == "Smith and Jones"


@pytest.mark.parametrize(("company", "address", "value"), [
    ("ПАО «АРЕХ»", "www.apex.ru", "ПАО «APEX»"),
    ('ООО "АРЕХ ГРУПП"', "info@apexgrupp.ru", 'ООО "APEX ГРУПП"'),
    ("ПАО «Арех Девелопмент»", "apex-development.ru", "ПАО «Apex Девелопмент»"),
    # a Russian word of look-alikes is transliterated in a domain, not read letter for letter
    ("ООО «СОК»", "www.sok.ru", "ООО «СОК»"),
    # the domain must spell it; a legal form is never Latin; a free-mail domain is no company's
    ("ПАО «АРЕХ»", "www.zenith.ru", "ПАО «АРЕХ»"),
    ("ООО «Вектор»", "www.ooo.ru", "ООО «Вектор»"),
    ("ПАО «АРЕХ»", "apex@mail.ru", "ПАО «АРЕХ»"),
    # Latin capitals Tesseract read as other Cyrillic letters, one letter lost at most
    ("ООО МОУАТЕК ПРОЕКТ", "www.novatek.ru", "ООО NOVATEK ПРОЕКТ"),
    ("ООО СВАМТЕ", "info@granite.ru", "ООО GRANITE"),
    ("ГК «Расоп»", "www.falcon.ru", "ГК «Falcon»"),
    # a Russian word its domain transliterates stays Russian ("Метро" could read "metpo" too)
    ("АО «Метро»", "www.metro.ru", "АО «Метро»"),
    ("ООО «Вектор»", "www.vektor.ru", "ООО «Вектор»"),
])
def test_a_latin_brand_read_in_cyrillic_look_alikes_is_latin_where_the_domain_spells_it(company, address, value):
    field = "email" if "@" in address else "website"
    assert recover([fv("company", company), fv(field, address)])[0].value == value


def test_a_number_taken_for_an_email_or_a_website_is_a_phone():
    out = recover([fv("website", "-1219-853-1752", valid=False)], _evidence([], "US"), "US")  # "+" read as "-"
    assert [(v.field, v.value, v.valid) for v in out] == [("phone", "+12198531752", True)]
    out = recover([fv("email", "M8-911-449-37-83", valid=False)], _evidence([], "RU"), "RU")
    assert [(v.field, v.value, v.valid) for v in out] == [("phone", "+79114493783", True)]
    out = recover([fv("company", "M.-33619770890", valid=False)], _evidence([], "FR"), "FR")  # and its "+" read as "-"
    assert [(v.field, v.value, v.valid) for v in out] == [("phone", "+33619770890", True)]
    assert find_phones("| T: -33-1 27 75 72 38 |", "FR") == ["+33127757238"]
    assert find_phones("*7.911 588 11 68", "RU") == ["+79115881168"]
    assert find_phones("9:00-18:00 -06 12 34 56 78", "FR", evidence=False) == ["+33612345678"]
    assert recover([fv("email", "anna1985@x", valid=False)]) == [fv("email", "anna1985@x", valid=False)]


def test_the_website_on_the_card_repairs_a_broken_email():
    values = [fv("website", "pinnacle-finanz.de"), fv("email", "vertrieb@pinnacle-finanzde", valid=False)]
    out = recover(values)
    assert [(v.field, v.value, v.valid) for v in out] == [
        ("website", "pinnacle-finanz.de", True), ("email", "vertrieb@pinnacle-finanz.de", True)]


def test_an_email_and_a_website_agree_on_the_dotted_spelling_of_their_domain():
    values = [fv("website", "stellarco.uk"), fv("email", "a@stellar.co.uk"), fv("email", "b@stellarco.uk")]
    out = recover(values)
    assert [(v.field, v.value) for v in out] == [
        ("website", "stellar.co.uk"), ("email", "a@stellar.co.uk"), ("email", "b@stellar.co.uk")]
    assert recover([fv("website", "acme.com"), fv("email", "a@other.com")]) == [
        fv("website", "acme.com"), fv("email", "a@other.com")]


def test_alike_domains_of_one_card_are_one_domain_misread():
    out = recover([fv("email", "zhdanov@vostok.su"), fv("website", "www.vosok.su")])
    assert [v.value for v in out] == ["zhdanov@vostok.su", "www.vostok.su"]
    out = recover([fv("email", "scott@adamslewis.io"), fv("website", "adamslewis.jo")])
    assert [v.value for v in out] == ["scott@adamslewis.io", "adamslewis.io"]  # the common TLD wins
    # free-mail domains and unlike domains are different addresses
    assert [v.value for v in recover([fv("email", "a@gmx.de"), fv("email", "b@gmx.net")])] == ["a@gmx.de", "b@gmx.net"]
    assert [v.value for v in recover([fv("email", "a@vector.com"), fv("website", "vector-group.com")])] == [
        "a@vector.com", "vector-group.com"]


def test_a_russian_company_name_is_spelled_as_the_cards_domain_spells_it():
    cases = [
        ("ГК «ГРОГРЕСС»", "olimpiy@progress.ru", "ГК «ПРОГРЕСС»"),
        ("ООО «Влалимиров Кудряшов»", "oleg71@vladimirov.ru", "ООО «Владимиров Кудряшов»"),
        ("ООО «Вектор»", "info@vektor-group.ru", "ООО «Вектор»"),  # already spelled so
        ("ООО «Ромашка»", "info@mail.ru", "ООО «Ромашка»"),  # a free-mail domain says nothing
        ("ООО «Лотос»", "info@lotus.ru", "ООО «Лотос»"),  # too short to tell
    ]
    for company, email, expected in cases:
        assert recover([fv("company", company), fv("email", email)])[0].value == expected, company


def test_a_word_label_glued_to_the_local_part_is_cut_off_where_the_name_shows_it():
    cases = [
        ("Jennifer Johnson", "mailjohnson@gmail.com", "johnson@gmail.com"),
        ("Надежда Оскаровна Анисимова", "e-mailnadezhda.anisimova@yandex.ru", "nadezhda.anisimova@yandex.ru"),
        ("Полякова Нинель Кирилловна", "noqraninel.polyakova@falcon.ru", "ninel.polyakova@falcon.ru"),  # "почта:"
        ("ЛАЗАРЕВА ТАМАРА КУЗЬМИНИЧНА", "etamara.lazareva@x.ru", "tamara.lazareva@x.ru"),
        ("Mark Mailer", "mailer@x.com", "mailer@x.com"),  # the person's own name, no label
        ("Notaro Smith", "notarosmith@x.com", "notarosmith@x.com"),
        ("Jennifer Johnson", "mailbox@x.com", "mailbox@x.com"),  # the rest does not show the name
        ("Е. В. Медведева", "evdokiya_medvedeva@etalon.ru", "evdokiya_medvedeva@etalon.ru"),  # her initial
    ]
    for name, email, expected in cases:
        assert recover([fv("full_name", name), fv("email", email)])[1].value == expected, (name, email)


def test_an_e_label_glued_to_the_local_part_is_cut_off_where_the_name_shows_it():
    out = recover([fv("full_name", "Tom Sweeney"), fv("email", "e.t.sweeney@meridian.co"), fv("email", "ea@x.co")])
    assert [v.value for v in out if v.field == "email"] == ["t.sweeney@meridian.co", "ea@x.co"]
    # Emil Weber's own initial, and an address that does not show the name, keep their "e"
    assert recover([fv("full_name", "Emil Weber"), fv("email", "e.weber@firma.de")])[1].value == "e.weber@firma.de"
    assert recover([fv("full_name", "Tom Sweeney"), fv("email", "eva@firma.de")])[1].value == "eva@firma.de"
    assert recover([fv("full_name", "Étienne Guyon"), fv("email", "etienne_guyon@x.fr")])[1].value == "etienne_guyon@x.fr"


def test_a_card_without_a_name_gets_an_unused_name_shaped_line_with_a_known_given_name():
    lines = [line("Acme Widgets"), line("Rachael Lawson", 30), line("Sales Manager", 60)]
    company = fv("company", "Acme Widgets", lines=[0])
    garbled = fv("full_name", "Г] Rachael", valid=False, lines=[1])
    out = recover([company, garbled], _evidence(lines, "US"), "US")
    names = [v for v in out if v.field == "full_name" and v.valid]
    assert [(v.value, v.source, v.line_indices) for v in names] == [("Rachael Lawson", "rule", [1])]
    # a valid name already there, or no given name on the line: nothing is added
    assert recover([fv("full_name", "Ann Lee", lines=[1])], _evidence(lines, "US"), "US") == [fv("full_name", "Ann Lee", lines=[1])]
    assert not [v for v in recover([], _evidence([line("Zorblax Quux")], "US"), "US") if v.field == "full_name"]


def test_fields_the_qr_code_filled_take_nothing_from_the_lines():
    qr_email = FieldValue("email", "ivan@romashka.ru", "ivan@romashka.ru", 1.0, source="qr")
    lines = [line("ivan@rornashka.ru"), line("www.romashka.ru", 30)]  # the OCR's misreading
    out = recover([qr_email], _evidence(lines, "US"), "US")
    assert [(v.field, v.value) for v in out] == [("email", "ivan@romashka.ru"), ("website", "www.romashka.ru")]


def test_a_qr_codes_email_is_never_respelled():
    qr = FieldValue("email", "nbutier@vector.com", "nbutier@vector.com", 1.0, source="qr")
    assert [v.value for v in recover([fv("full_name", "Nathan Butler"), qr])] == ["Nathan Butler", "nbutier@vector.com"]


def test_a_one_word_name_that_lost_its_space_is_spaced_as_the_email_spells_it():
    out = recover([fv("full_name", "ADAMJAMES, PHD", valid=False), fv("email", "a.james@nordwind.io")])
    assert [(v.field, v.value, v.valid) for v in out][0] == ("full_name", "ADAM JAMES, PHD", True)
    # a name of two words is left as it is, even where a cut would match ("Smithson" / a.smith)
    out = recover([fv("full_name", "Ann Smithson"), fv("email", "a.smith@x.com")])
    assert out[0].value == "Ann Smithson"
    # no e-mail built of the name's words, or several cuts that would do: no guess
    out = recover([fv("full_name", "ADAMJAMES", valid=False), fv("email", "info@nordwind.io")])
    assert (out[0].value, out[0].valid) == ("ADAMJAMES", False)
    out = recover([fv("full_name", "ANNANNA", valid=False), fv("email", "anna@x.com")])
    assert out[0].value == "ANNANNA"


def test_a_website_that_lost_its_top_level_domain_gets_the_cards() -> None:
    from ml_backend.reading.values import normalise
    checked = normalise("website", "www.alfakonsalting")
    assert not checked.valid and checked.reason == "no top-level domain after the site's name"
    website = fv("website", "www.alfakonsalting", valid=False)
    out = recover([website, fv("email", "info@alfakonsalting.ru")])
    assert [(v.value, v.valid) for v in out] == [("www.alfakonsalting.ru", True), ("info@alfakonsalting.ru", True)]
    # no domain of that name on the card: kept, flagged
    out = recover([website, fv("email", "info@vector.ru")])
    assert [(v.value, v.valid) for v in out] == [("www.alfakonsalting", False), ("info@vector.ru", True)]


def test_two_web_addresses_run_together_are_two() -> None:
    from ml_backend.reading.values import normalise
    printed = "suvorovpetrova.net/http://www.suvorovpetrova.net"
    checked = normalise("website", printed)
    assert not checked.valid and checked.reason == "two web addresses run together"
    out = recover([fv("website", printed, valid=False)])
    assert [v.value for v in out] == ["www.suvorovpetrova.net"]  # one site, kept once
    assert normalise("website", "x.com/www-team").valid  # a path that only starts like one
