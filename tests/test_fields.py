"""BIO words -> field values, and QR merging."""

from __future__ import annotations

import pytest

from ml_backend.reading.fields import merge_qr, words_to_values
from ml_backend.schema import BIO_TAGS, TAG2ID, FieldValue, TaggedWord, Word, union_bbox


def tagged(text: str, tag: str, line: int, x: float, prob: float = 0.9) -> TaggedWord:
    """A word whose softmax puts ``prob`` on ``tag`` and spreads the rest evenly."""
    rest = (1.0 - prob) / (len(BIO_TAGS) - 1)
    probs = [rest] * len(BIO_TAGS)
    probs[TAG2ID[tag]] = prob
    width = 10.0 * len(text)
    return TaggedWord(Word(text, (x, line * 30.0, x + width, line * 30.0 + 20), line), tag, probs)


def line_of(line: int, *pairs: tuple[str, str], prob: float = 0.9) -> list[TaggedWord]:
    out, x = [], 10.0
    for text, tag in pairs:
        out.append(tagged(text, tag, line, x, prob))
        x += 10.0 * len(text) + 8
    return out


def test_two_fields_on_one_line_are_split_by_label_words() -> None:
    words = line_of(
        0,
        ("Tel:", "O"), ("+1", "B-PHONE"), ("555", "I-PHONE"), ("0100", "I-PHONE"),
        ("Email:", "O"), ("a@b.com", "B-EMAIL"),
    )
    values = words_to_values(words)
    assert [(v.field, v.value) for v in values] == [("phone", "+1 555 0100"), ("email", "a@b.com")]
    assert all(v.line_indices == [0] for v in values)
    assert values[0].raw == "+1 555 0100"
    # the phone's box spans its three words only, not the "Tel:" label
    assert values[0].bbox == (58.0, 0.0, 58.0 + 20 + 8 + 30 + 8 + 40, 20.0)


def test_two_line_address_is_one_value_joined_with_comma() -> None:
    words = line_of(3, ("12", "B-ADDRESS"), ("Main", "I-ADDRESS"), ("St,", "I-ADDRESS")) + line_of(
        4, ("Springfield", "B-ADDRESS"), ("IL", "I-ADDRESS")
    )
    values = words_to_values(words)
    assert len(values) == 1
    assert values[0].value == "12 Main St, Springfield IL"  # the printed comma is not doubled
    assert values[0].line_indices == [3, 4]
    assert values[0].bbox == union_bbox([w.word.bbox for w in words])


def test_a_garbled_label_tagged_as_address_is_not_joined_to_the_address() -> None:
    # "Эл. почта:" read as "3n. nota:", the tagger calling "3n." an address; the street below
    words = line_of(0, ("3n.", "B-ADDRESS"), ("nota:", "O"), ("ivan@x.ru", "B-EMAIL")) + line_of(
        1, ("Be-caět:", "B-ADDRESS"), ("www.x.ru", "B-WEBSITE")
    ) + line_of(2, ("Москва", "B-ADDRESS"), ("ул.", "I-ADDRESS"), ("Ленина,", "I-ADDRESS"), ("5", "I-ADDRESS"))
    values = words_to_values(words)
    assert [(v.field, v.value) for v in values] == [
        ("email", "ivan@x.ru"), ("website", "www.x.ru"), ("address", "Москва ул. Ленина, 5"),
    ]


def test_the_companys_initials_on_a_line_of_their_own_are_its_logo_not_another_field() -> None:
    company = line_of(5, ("Vector", "B-COMPANY"), ("Group", "I-COMPANY"))
    words = line_of(0, ("VG", "B-ADDRESS")) + line_of(1, ("986", "B-ADDRESS"), ("Rebecca", "I-ADDRESS")) + company
    assert [v.value for v in words_to_values(words)] == ["986 Rebecca", "Vector Group"]
    words = line_of(0, ("VG", "B-COMPANY")) + line_of(1, ("Vector", "B-COMPANY"), ("Group", "I-COMPANY"))
    assert [v.value for v in words_to_values(words)] == ["Vector Group"]
    # the logo's edge read as a bracket, its "I" as an "l"
    words = line_of(0, ("БИ)", "B-COMPANY")) + line_of(1, ("Белова", "I-COMPANY"), ("Инк", "I-COMPANY"))
    assert [v.value for v in words_to_values(words)] == ["Белова Инк"]
    words = line_of(0, ("Gl", "B-COMPANY")) + line_of(1, ("Grant", "I-COMPANY"), ("Inc", "I-COMPANY"))
    assert [v.value for v in words_to_values(words)] == ["Grant Inc"]
    # in Latin look-alikes, lower case, the legal form's "ООО" read in zeros
    words = line_of(0, ("[ос", "B-COMPANY")) + line_of(1, ("Осипова", "I-COMPANY"), ("Сервис", "I-COMPANY"))
    assert [v.value for v in words_to_values(words)] == ["Осипова Сервис"]
    words = line_of(0, ("0C", "B-COMPANY")) + line_of(1, ("000", "I-COMPANY")) + line_of(2, ('"СЕВЕР"', "I-COMPANY"))
    assert [v.value for v in words_to_values(words)] == ['000 "СЕВЕР"']
    words = line_of(0, ("ООО", "B-COMPANY")) + line_of(1, ("«Омега", "I-COMPANY"), ("Оптика»", "I-COMPANY"))
    assert [v.value for v in words_to_values(words)] == ["ООО «Омега Оптика»"]  # the legal form is no logo
    # not the initials: a country code ending the address, a two-line company name
    words = line_of(0, ("986", "B-ADDRESS"), ("Rebecca", "I-ADDRESS")) + line_of(1, ("Tel", "O")) + line_of(
        2, ("UK", "B-ADDRESS")) + company
    assert [v.value for v in words_to_values(words)] == ["986 Rebecca, UK", "Vector Group"]
    words = line_of(0, ("IBM", "B-COMPANY")) + line_of(1, ("Global", "I-COMPANY"), ("Services", "I-COMPANY"))
    assert [v.value for v in words_to_values(words)] == ["IBM Global Services"]


def test_address_words_before_a_phone_on_their_line_stay_an_address() -> None:
    words = line_of(0, ("Main", "B-ADDRESS"), ("St.", "I-ADDRESS"), ("+1", "B-PHONE"), ("555", "I-PHONE")) + line_of(
        1, ("Springfield", "B-ADDRESS")
    )
    values = words_to_values(words)
    assert [(v.field, v.value) for v in values] == [("address", "Main St., Springfield"), ("phone", "+1 555")]


def test_a_top_level_domain_split_off_at_a_space_ends_the_address_before_it() -> None:
    words = line_of(0, ("Почта:", "B-POSITION"), ("ivan@inbox.", "B-EMAIL"), ("ru", "O")) + line_of(
        1, ("W:", "O"), ("briggsdesign.org", "B-WEBSITE"), ("uk", "O")
    ) + line_of(2, ("www.x.com", "B-WEBSITE"), ("de", "O"))  # a complete address: "de" is something else
    words += line_of(3, ("https://silverline.", "B-WEBSITE"), ("org.uk", "O"))
    values = words_to_values(words)
    assert [(v.field, v.value) for v in values] == [
        ("email", "ivan@inbox. ru"), ("website", "briggsdesign.org uk"), ("website", "www.x.com"),
        ("website", "https://silverline. org.uk"),
    ]


def test_address_continued_by_i_tags_on_next_line() -> None:
    words = line_of(0, ("ул.", "B-ADDRESS"), ("Ленина", "I-ADDRESS"), ("5", "I-ADDRESS")) + line_of(
        1, ("Москва", "I-ADDRESS")
    )
    assert [v.value for v in words_to_values(words)] == ["ул. Ленина 5, Москва"]


def test_b_tag_starts_a_new_value_of_a_multi_value_field() -> None:
    words = line_of(
        0, ("+1", "B-PHONE"), ("212-555-0100", "I-PHONE"), ("+1", "B-PHONE"), ("646-555-0199", "I-PHONE")
    ) + line_of(1, ("+44", "B-PHONE"), ("20", "I-PHONE"), ("7946", "I-PHONE"), ("0958", "I-PHONE"))
    assert [v.value for v in words_to_values(words)] == ["+1 212-555-0100", "+1 646-555-0199", "+44 20 7946 0958"]


def test_an_i_tag_does_not_continue_a_number_complete_on_the_line_above() -> None:
    words = line_of(0, ("07450.463912", "B-PHONE")) + line_of(1, ("441211026825", "I-PHONE"))
    assert [v.value for v in words_to_values(words)] == ["07450.463912", "441211026825"]
    # an incomplete part is continued: the number wrapped
    words = line_of(0, ("+44", "B-PHONE"), ("7450", "I-PHONE")) + line_of(1, ("463912", "I-PHONE"))
    assert [v.value for v in words_to_values(words)] == ["+44 7450 463912"]


def test_stray_i_tag_without_b_starts_a_value() -> None:
    words = line_of(0, ("Director", "O"), ("Acme", "I-COMPANY"), ("Inc", "I-COMPANY"), ("Ivan", "I-FULL_NAME"))
    values = words_to_values(words)
    assert [(v.field, v.value) for v in values] == [("company", "Acme Inc"), ("full_name", "Ivan")]


def test_wrapped_name_joins_lines_with_space_not_comma() -> None:
    words = line_of(0, ("Senior", "B-POSITION"), ("Software", "I-POSITION")) + line_of(1, ("Engineer", "I-POSITION"))
    assert [v.value for v in words_to_values(words)] == ["Senior Software Engineer"]


def _in_type(words: list[TaggedWord], top: float, height: float) -> list[TaggedWord]:
    """``words`` printed at ``top`` in type ``height`` high."""
    return [TaggedWord(Word(tw.word.text, (tw.word.bbox[0], top, tw.word.bbox[2], top + height), tw.word.line_index),
                       tw.tag, tw.probs) for tw in words]


def test_a_line_in_much_smaller_type_does_not_continue_the_company_above() -> None:
    """A logo word in big type over a line of small type is two things, whatever the tags say;
    two lines of one type size are one wrapped company."""
    logo = _in_type(line_of(0, ("CHEVROLESTE", "B-COMPANY")), 0, 60)
    small = _in_type(line_of(1, ("PEÇAS", "I-COMPANY"), ("ORIGINAIS", "I-COMPANY")), 65, 22)
    assert [v.value for v in words_to_values(logo + small)] == ["CHEVROLESTE", "PEÇAS ORIGINAIS"]
    small_b = _in_type(line_of(1, ("PEÇAS", "B-COMPANY"), ("ORIGINAIS", "I-COMPANY")), 65, 22)
    assert [v.value for v in words_to_values(logo + small_b)] == ["CHEVROLESTE", "PEÇAS ORIGINAIS"]
    same = _in_type(line_of(1, ("Senhora", "I-COMPANY"), ("de", "I-COMPANY"), ("Fatima", "I-COMPANY")), 65, 52)
    assert [v.value for v in words_to_values(_in_type(line_of(0, ("Flores", "B-COMPANY"), ("Nossa", "I-COMPANY")), 0, 60)
                                             + same)] == ["Flores Nossa Senhora de Fatima"]


def test_a_name_complete_on_its_line_is_not_continued_by_the_next_line() -> None:
    words = line_of(0, ("ВИШНЯКОВА", "B-FULL_NAME"), ("ПОЛИНА", "I-FULL_NAME"), ("ВЕНИАМИНОВНА", "I-FULL_NAME")) + line_of(
        1, ("Гранатомётчик", "B-FULL_NAME")
    )
    assert [v.value for v in words_to_values(words)] == ["ВИШНЯКОВА ПОЛИНА ВЕНИАМИНОВНА", "Гранатомётчик"]
    # a name printed over two lines, each part incomplete, is still one name
    words = line_of(0, ("Jean-Baptiste", "B-FULL_NAME")) + line_of(1, ("Dupont-Moreau", "B-FULL_NAME"))
    assert [v.value for v in words_to_values(words)] == ["Jean-Baptiste Dupont-Moreau"]


def test_title_words_after_the_names_comma_read_into_the_name_go_to_the_title() -> None:
    words = line_of(0, ("ADAM", "B-FULL_NAME"), ("HOWELL,", "I-FULL_NAME"), ("ARMED", "I-FULL_NAME"),
                    ("FORCES", "B-POSITION"), ("OFFICER", "I-POSITION"))
    assert [(v.field, v.value) for v in words_to_values(words)] == [
        ("full_name", "ADAM HOWELL,"), ("position", "ARMED FORCES OFFICER")]
    # post-nominal letters stay with the name; with no title after them, nothing moves
    words = line_of(0, ("Jane", "B-FULL_NAME"), ("Roe,", "I-FULL_NAME"), ("PhD,", "I-FULL_NAME"), ("Director", "B-POSITION"))
    assert [v.value for v in words_to_values(words)] == ["Jane Roe, PhD,", "Director"]
    words = line_of(0, ("Adam", "B-FULL_NAME"), ("Howell,", "I-FULL_NAME"), ("Armed", "I-FULL_NAME"))
    assert [v.value for v in words_to_values(words)] == ["Adam Howell, Armed"]


def test_a_line_the_cards_domain_spells_is_the_company() -> None:
    words = line_of(0, ("Constance", "B-FULL_NAME"), ("Marques", "I-FULL_NAME")) + line_of(
        1, ("c.marques@lefebvre.fr", "B-EMAIL")) + line_of(2, ("153,", "B-ADDRESS"), ("rue", "I-ADDRESS"), ("Brunel", "I-ADDRESS")) + line_of(
        3, ("Lefebvre", "I-ADDRESS"))
    assert [(v.field, v.value) for v in words_to_values(words)] == [
        ("full_name", "Constance Marques"), ("email", "c.marques@lefebvre.fr"), ("address", "153, rue Brunel"),
        ("company", "Lefebvre")]
    # after "at" on the title's line, with the first part of a double name as the domain
    words = line_of(0, ("FOUNDER", "B-POSITION"), ("at", "I-POSITION"), ("Fox-McCarthy", "B-FULL_NAME")) + line_of(
        1, ("office@fox.com", "B-EMAIL"))
    assert [(v.field, v.value) for v in words_to_values(words)] == [
        ("position", "FOUNDER"), ("company", "Fox-McCarthy"), ("email", "office@fox.com")]
    # a legal form goes with the name; the web address itself is no company name
    words = line_of(0, ("Geisler", "B-FULL_NAME"), ("GmbH", "I-FULL_NAME")) + line_of(1, ("https://geisler.de", "B-WEBSITE"))
    assert [(v.field, v.value) for v in words_to_values(words)] == [("company", "Geisler GmbH"), ("website", "https://geisler.de")]
    # the holder's surname inside the name line is no company, nor is a company the tagger found
    words = line_of(0, ("Anna", "B-FULL_NAME"), ("Smith", "I-FULL_NAME")) + line_of(1, ("anna@smith.com", "B-EMAIL"))
    assert [v.field for v in words_to_values(words)] == ["full_name", "email"]
    words = line_of(0, ("Smith", "B-COMPANY"), ("Partners", "I-COMPANY")) + line_of(1, ("Smith", "B-FULL_NAME")) + line_of(
        2, ("www.smith.com", "B-WEBSITE"))
    assert [v.field for v in words_to_values(words)] == ["company", "full_name", "website"]


def test_a_title_lines_word_the_tagger_left_out_is_part_of_the_position() -> None:
    words = line_of(0, ("TELEVISION", "O"), ("PRODUCTION", "B-POSITION"), ("ASSISTANT", "B-POSITION"))
    assert [(v.field, v.value) for v in words_to_values(words)] == [("position", "TELEVISION PRODUCTION ASSISTANT")]
    # a label, a number or another field's word on the line: left as tagged
    assert [v.value for v in words_to_values(line_of(0, ("Tel:", "O"), ("Manager", "B-POSITION")))] == ["Manager"]
    words = line_of(0, ("Sales", "B-POSITION"), ("at", "O"), ("Acme", "B-COMPANY"))
    assert [(v.field, v.value) for v in words_to_values(words)] == [("position", "Sales"), ("company", "Acme")]


def test_a_russian_line_the_cards_domain_spells_is_the_company() -> None:
    words = line_of(0, ("Орбита", "B-FULL_NAME")) + line_of(1, ("Каллистрат", "I-FULL_NAME"), ("Пономарев", "I-FULL_NAME"))
    words += line_of(2, ("k.ponomarev@orbita.ru", "B-EMAIL"))
    assert [(v.field, v.value) for v in words_to_values(words)] == [
        ("company", "Орбита"), ("full_name", "Каллистрат Пономарев"), ("email", "k.ponomarev@orbita.ru"),
    ]


def test_a_name_complete_on_its_line_is_not_continued_by_the_next_line_even_by_an_i_tag() -> None:
    words = line_of(0, ("ЕВДОКИМОВА", "B-FULL_NAME"), ("ВИКТОРИЯ", "I-FULL_NAME"), ("АРХИПОВНА", "I-FULL_NAME")) + line_of(
        1, ("Ветеринар", "I-FULL_NAME"))
    assert [v.value for v in words_to_values(words)] == ["ЕВДОКИМОВА ВИКТОРИЯ АРХИПОВНА", "Ветеринар"]


def test_o_between_lines_separates_two_values_of_a_single_field() -> None:
    words = line_of(0, ("John", "B-FULL_NAME"), ("Smith", "I-FULL_NAME")) + line_of(1, ("Tel", "O")) + line_of(
        2, ("Jane", "B-FULL_NAME"), ("Doe", "I-FULL_NAME")
    )
    assert [v.value for v in words_to_values(words)] == ["John Smith", "Jane Doe"]


def test_confidence_is_the_weakest_word() -> None:
    words = [tagged("Acme", "B-COMPANY", 0, 0, 0.95), tagged("Corp", "I-COMPANY", 0, 50, 0.55)]
    assert words_to_values(words)[0].confidence == pytest.approx(0.55)


def test_empty_and_unknown_tags() -> None:
    assert words_to_values([]) == []
    assert words_to_values(line_of(0, ("hello", "O"))) == []
    bad = tagged("x", "O", 0, 0)
    bad.tag = "B-FAX"
    with pytest.raises(ValueError, match="B-FAX"):
        words_to_values([bad])


def _model(field: str, value: str, bbox=(1.0, 2.0, 3.0, 4.0), lines=(2,)) -> FieldValue:
    return FieldValue(field, value, value, 0.7, bbox=bbox, line_indices=list(lines))


def test_merge_qr_replaces_fields_it_has_and_keeps_the_rest() -> None:
    values = [
        _model("full_name", "Ivan Petrov", lines=(0,)),
        _model("phone", "+7 (912) 345-67-89", bbox=(10, 10, 90, 20), lines=(3,)),
        _model("phone", "+7 495 000-00-00", lines=(4,)),
        _model("company", "Romashka"),
    ]
    qr = {"phone": ["+79123456789"], "email": ["ivan@romashka.ru"], "full_name": []}
    merged, qr_fields = merge_qr(values, qr)
    assert qr_fields == ["email", "phone"]
    assert [(v.field, v.value, v.source) for v in merged] == [
        ("full_name", "Ivan Petrov", "model"),
        ("phone", "+79123456789", "qr"),
        ("company", "Romashka", "model"),
        ("email", "ivan@romashka.ru", "qr"),
    ]
    phone = merged[1]
    assert phone.confidence == 1.0
    # same number once normalised -> the region keeps pointing at the printed number
    assert phone.bbox == (10, 10, 90, 20) and phone.line_indices == [3]
    assert merged[3].bbox is None and merged[3].line_indices == []


def test_merge_qr_text_that_differs_gets_no_box() -> None:
    merged, _ = merge_qr([_model("company", "ACME Inc")], {"company": ["Globex LLC"]})
    assert merged[0].value == "Globex LLC" and merged[0].bbox is None
    merged, _ = merge_qr([_model("company", "ACME  Inc")], {"company": ["Acme Inc"]})
    assert merged[0].bbox == (1.0, 2.0, 3.0, 4.0)  # case and spacing aside, the same company


def test_merge_qr_rejects_fields_outside_the_schema() -> None:
    with pytest.raises(ValueError, match="pager"):
        merge_qr([], {"pager": ["+1 212 555 0100"]})


def test_address_parts_broken_by_other_text_are_joined_top_to_bottom() -> None:
    # OCR order: city line first (it sits on the row of a phone further right), street below it
    words = (
        [tagged("Adamsshire,", "B-ADDRESS", 2, 10), tagged("TN", "I-ADDRESS", 2, 130), tagged("59104", "I-ADDRESS", 2, 160)]
        + [tagged("+1", "B-PHONE", 0, 400), tagged("262", "I-PHONE", 0, 430)]
        + [tagged("8871", "B-ADDRESS", 1, 10), tagged("Bradley", "I-ADDRESS", 1, 60), tagged("Fords", "I-ADDRESS", 1, 140)]
    )
    values = words_to_values(words)
    assert [(v.field, v.value) for v in values] == [
        ("address", "8871 Bradley Fords, Adamsshire, TN 59104"),
        ("phone", "+1 262"),
    ]
    address = values[0]
    assert address.line_indices == [1, 2]
    assert address.bbox == (10, 30.0, 210, 80.0)


def test_address_parts_of_one_tilted_line_keep_their_left_to_right_order() -> None:
    words = [
        tagged("ул.", "B-ADDRESS", 0, 10), tagged("Ленина,", "I-ADDRESS", 0, 50), tagged("5", "I-ADDRESS", 0, 130),
        tagged("+", "B-PHONE", 0, 150),
        tagged("Москва", "B-ADDRESS", 0, 170),
    ]
    words[-1].word.bbox = (170.0, -4.0, 230.0, 16.0)  # the line rises to the right
    assert [v.value for v in words_to_values(words) if v.field == "address"] == ["ул. Ленина, 5, Москва"]


def test_wrapped_company_line_below_is_joined_but_a_distant_one_is_not() -> None:
    words = (
        line_of(0, ("Cobalt", "B-COMPANY"), ("Systems", "I-COMPANY"))
        + [tagged("Tel", "O", 1, 400)]  # another column's text comes between the parts in reading order
        + [tagged("Corporation", "B-COMPANY", 1, 20, 0.6)]
    )
    values = words_to_values(words)
    assert [(v.field, v.value) for v in values] == [("company", "Cobalt Systems Corporation")]
    assert values[0].confidence == pytest.approx(0.6)
    far = line_of(0, ("Anna", "B-FULL_NAME"), ("Lee", "I-FULL_NAME")) + line_of(1, ("x", "O")) + line_of(
        6, ("Bob", "B-FULL_NAME"), ("Ray", "I-FULL_NAME")
    )
    assert [v.value for v in words_to_values(far)] == ["Anna Lee", "Bob Ray"]


def test_a_company_is_not_continued_by_the_end_of_a_line_that_starts_with_other_words() -> None:
    # "IT Solutions" under the logo "BELTIS": only "Solutions" tagged, so no wrapped name
    words = line_of(0, ("BELTIS", "B-COMPANY")) + line_of(1, ("IT", "O"), ("Solutions", "B-COMPANY"))
    assert [v.value for v in words_to_values(words) if v.field == "company"] == ["BELTIS", "Solutions"]
    whole = line_of(0, ("BELTIS", "B-COMPANY")) + line_of(1, ("IT", "B-COMPANY"), ("Solutions", "I-COMPANY"))
    assert [v.value for v in words_to_values(whole) if v.field == "company"] == ["BELTIS IT Solutions"]


def test_an_i_tag_continues_a_title_on_the_line_right_below_but_not_further_down() -> None:
    title = line_of(0, ("Hydrographic", "B-POSITION"), ("surveyor", "I-POSITION"))
    wrapped = title + line_of(1, ("and", "I-POSITION"), ("mapping", "I-POSITION"))
    assert [v.value for v in words_to_values(wrapped)] == ["Hydrographic surveyor and mapping"]
    # a slogan printed under the contact block, tagged as the title's continuation
    slogan = title + line_of(5, ("Synergistic", "I-POSITION"), ("paradigm", "I-POSITION"))
    assert [v.value for v in words_to_values(slogan)] == ["Hydrographic surveyor"]
    # a B- word down there still starts a value of its own
    other = title + line_of(5, ("Senior", "B-POSITION"), ("buyer", "I-POSITION"))
    assert [v.value for v in words_to_values(other)] == ["Hydrographic surveyor", "Senior buyer"]


def test_a_line_below_a_complete_title_that_holds_no_title_word_is_no_part_of_it() -> None:
    title = line_of(0, ("Marine", "B-POSITION"), ("scientist", "I-POSITION"))
    department = title + line_of(1, ("Sales", "B-POSITION"), ("Department", "I-POSITION"))
    assert [v.value for v in words_to_values(department)] == ["Marine scientist"]
    slogan = line_of(0, ("Software", "B-POSITION"), ("Developer", "I-POSITION")) + line_of(
        1, ("Robust", "I-POSITION"), ("systematic", "I-POSITION"), ("architecture", "I-POSITION"))
    assert [v.value for v in words_to_values(slogan)] == ["Software Developer"]
    # a comma, a connector or a bracket says the title goes on; so does a title word below
    for upper, lower, value in [
        ((("Vice", "B-POSITION"), ("President,", "I-POSITION")), (("Sales", "I-POSITION"),), "Vice President, Sales"),
        ((("Research", "B-POSITION"), ("scientist", "I-POSITION")), (("(life", "I-POSITION"), ("sciences)", "I-POSITION")),
         "Research scientist (life sciences)"),
        ((("Руководитель", "B-POSITION"),), (("отдела", "I-POSITION"), ("продаж", "I-POSITION")), "Руководитель отдела продаж"),
        ((("Менеджер", "B-POSITION"),), (("по", "I-POSITION"), ("закупкам", "I-POSITION")), "Менеджер по закупкам"),
    ]:
        assert [v.value for v in words_to_values(line_of(0, *upper) + line_of(1, *lower))] == [value]


def test_name_tagged_lines_inside_an_address_block_are_address_lines() -> None:
    words = (
        line_of(0, ("Studio", "B-ADDRESS"), ("09s", "I-ADDRESS"))
        + line_of(1, ("Paula", "B-FULL_NAME"), ("Run", "I-FULL_NAME"))
        + line_of(2, ("Thomasport", "B-FULL_NAME"))
        + line_of(3, ("GU6", "B-ADDRESS"), ("5UG", "I-ADDRESS"))
        + line_of(6, ("Terence", "B-FULL_NAME"), ("Hughes", "I-FULL_NAME"))  # the name, apart
    )
    assert [(v.field, v.value) for v in words_to_values(words)] == [
        ("address", "Studio 09s, Paula Run, Thomasport, GU6 5UG"), ("full_name", "Terence Hughes")]
    # below the address block, a name stays a name
    after = line_of(0, ("GU6", "B-ADDRESS"), ("5UG", "I-ADDRESS")) + line_of(1, ("Anna", "B-FULL_NAME"), ("Lee", "I-FULL_NAME"))
    assert [v.field for v in words_to_values(after)] == ["address", "full_name"]


def test_a_word_printed_far_above_the_address_block_is_a_value_of_its_own() -> None:
    words = (
        line_of(1, ("Sharable", "O"), ("algorithm", "B-ADDRESS"))  # a slogan's word, four lines up
        + line_of(2, ("Louis", "B-FULL_NAME"), ("Douglas", "I-FULL_NAME"))
        + line_of(5, ("Studio", "B-ADDRESS"), ("41", "I-ADDRESS"))
        + line_of(6, ("East", "B-ADDRESS"), ("Scott", "I-ADDRESS"))
    )
    values = [v for v in words_to_values(words) if v.field == "address"]
    assert [v.value for v in values] == ["algorithm", "Studio 41, East Scott"]
    assert values[0].confidence < values[1].confidence  # the block is the address kept
    # next to the block, or with a number of its own, a part is the address's
    near = line_of(4, ("Flat", "B-ADDRESS"), ("2", "I-ADDRESS")) + line_of(5, ("Smith", "B-ADDRESS"), ("Mission", "I-ADDRESS"))
    assert [v.value for v in words_to_values(near)] == ["Flat 2, Smith Mission"]
    numbered = line_of(1, ("Unit", "B-ADDRESS"), ("7", "I-ADDRESS")) + line_of(5, ("12", "B-ADDRESS"), ("Main", "I-ADDRESS"))
    assert [v.value for v in words_to_values(numbered)] == ["Unit 7, 12 Main"]


@pytest.mark.parametrize(("last_line", "tags"), [
    ("W11 1ZA", ("O", "B-PHONE")),
    ("россия", ("O",)),
    ("OR 05979", ("B-PHONE", "I-PHONE")),
    ("United Kingdom", ("B-COMPANY", "I-COMPANY")),
])
def test_a_postcode_or_country_line_right_below_the_address_ends_it(last_line: str, tags: tuple[str, ...]) -> None:
    words = line_of(0, ("12", "B-ADDRESS"), ("Main", "I-ADDRESS"), ("St", "I-ADDRESS")) + line_of(
        1, *zip(last_line.split(), tags))
    assert [(v.field, v.value) for v in words_to_values(words)] == [("address", f"12 Main St, {last_line}")]


def test_a_column_of_name_tagged_lines_ended_by_a_postcode_is_the_address() -> None:
    words = (
        line_of(0, ("Address:", "O"), ("Studio", "B-ADDRESS"), ("09s", "I-ADDRESS"))
        + line_of(1, ("Paula", "B-FULL_NAME"), ("Run", "B-ADDRESS"))
        + line_of(2, ("Thomasport", "I-FULL_NAME"))
        + line_of(3, ("GU6", "I-COMPANY"), ("5UG", "I-COMPANY"))
    )
    for tw in words[3:]:  # the column starts where the label ends
        x0, y0, x1, y1 = tw.word.bbox
        tw.word.bbox = (x0 + 98, y0, x1 + 98, y1)
    words += line_of(6, ("Terence", "B-FULL_NAME"), ("Hughes", "I-FULL_NAME"))
    assert [(v.field, v.value) for v in words_to_values(words)] == [
        ("address", "Studio 09s, Paula Run, Thomasport, GU6 5UG"), ("full_name", "Terence Hughes")]


def test_a_registration_number_line_is_no_part_of_the_address() -> None:
    words = (
        line_of(0, ("бул.", "B-ADDRESS"), ("Тракторная,", "I-ADDRESS"), ("д.", "I-ADDRESS"), ("15", "I-ADDRESS"))
        + line_of(1, ("OKNO", "B-ADDRESS"), ("78071338", "O"))
        + line_of(2, ("г.", "B-ADDRESS"), ("Санкт-Петербург", "I-ADDRESS"))
    )
    assert [(v.field, v.value) for v in words_to_values(words)] == [("address", "бул. Тракторная, д. 15, г. Санкт-Петербург")]


def test_a_postcode_shaped_line_away_from_the_address_keeps_its_tags() -> None:
    words = line_of(0, ("12", "B-ADDRESS"), ("Main", "I-ADDRESS")) + line_of(3, ("123456", "B-PHONE"))
    assert [v.field for v in words_to_values(words)] == ["address", "phone"]
    words = line_of(0, ("Main", "B-ADDRESS"), ("St", "I-ADDRESS")) + line_of(1, ("Sales", "B-POSITION"))
    assert [v.field for v in words_to_values(words)] == ["address", "position"]


def test_phone_split_by_ocr_at_a_gap_is_joined_but_two_numbers_stay_two() -> None:
    words = [tagged("0121", "B-PHONE", 0, 10), tagged("349", "B-PHONE", 0, 70), tagged("7853", "I-PHONE", 0, 110)]
    assert [v.value for v in words_to_values(words)] == ["0121 349 7853"]
    two = line_of(0, ("+44", "B-PHONE"), ("20", "I-PHONE"), ("7946", "I-PHONE"), ("0958", "I-PHONE"),
                  ("+44", "B-PHONE"), ("7700", "I-PHONE"), ("900123", "I-PHONE"))
    assert [v.value for v in words_to_values(two)] == ["+44 20 7946 0958", "+44 7700 900123"]
    # a fragment on another row is not glued on
    apart = [tagged("0121", "B-PHONE", 0, 10), tagged("349", "B-PHONE", 3, 70), tagged("7853", "I-PHONE", 3, 110)]
    assert [v.value for v in words_to_values(apart)] == ["0121", "349 7853"]


def test_a_name_split_by_ocr_on_its_row_is_joined_but_two_complete_names_stay_two() -> None:
    words = line_of(0, ("Tracey", "B-FULL_NAME")) + [tagged("Clements", "I-FULL_NAME", 1, 78.0)]
    words[1] = TaggedWord(Word("Clements", (78.0, 0.0, 158.0, 20.0), 1), "I-FULL_NAME", words[1].probs)
    assert [v.value for v in words_to_values(words)] == ["Tracey Clements"]
    two = line_of(0, ("Anna", "B-FULL_NAME"), ("Smith", "I-FULL_NAME"))
    two.append(TaggedWord(Word("John", (200.0, 0.0, 240.0, 20.0), 1), "B-FULL_NAME", two[0].probs))
    two.append(TaggedWord(Word("Smith", (248.0, 0.0, 298.0, 20.0), 1), "I-FULL_NAME", two[0].probs))
    assert [v.value for v in words_to_values(two)] == ["Anna Smith", "John Smith"]


def test_email_split_by_ocr_is_joined_without_space() -> None:
    words = [tagged("info@", "B-EMAIL", 0, 10), tagged("acme.com", "B-EMAIL", 0, 70)]
    assert [v.value for v in words_to_values(words)] == ["info@acme.com"]
    # a web address split after its "www." part: no top-level domain yet, so a fragment
    words = [tagged("www.fal", "B-WEBSITE", 0, 10), tagged("con.ru", "B-WEBSITE", 0, 90)]
    assert [v.value for v in words_to_values(words)] == ["www.falcon.ru"]
    words = [tagged("www.x.ru", "B-WEBSITE", 0, 10), tagged("y.ru", "B-WEBSITE", 0, 100)]
    assert [v.value for v in words_to_values(words)] == ["www.x.ru", "y.ru"]
    # ... the rest left untagged
    words = line_of(0, ("|", "O"), ("www.fal", "B-WEBSITE"), ("con.ru", "O"))
    assert [v.value for v in words_to_values(words)] == ["www.fal con.ru"]
    words = line_of(0, ("www.x.ru", "B-WEBSITE"), ("y.ru", "O"))
    assert [v.value for v in words_to_values(words)] == ["www.x.ru"]


def test_a_company_line_ending_on_its_legal_form_is_not_continued_below() -> None:
    # a slogan the tagger ran on, right below or after a label; the slogan is a value of its own
    words = line_of(0, ("Clearview", "B-COMPANY"), ("Media", "I-COMPANY"), ("Inc.", "I-COMPANY")) + line_of(
        1, ("Front-line", "B-COMPANY"), ("zero-defect", "I-COMPANY"))
    assert [v.value for v in words_to_values(words)] == ["Clearview Media Inc.", "Front-line zero-defect"]
    words = line_of(0, ("Stephens", "B-COMPANY"), ("Inc", "I-COMPANY")) + line_of(
        1, ("Part", "O"), ("of", "O"), ("Northstar", "B-COMPANY"))
    assert [v.value for v in words_to_values(words)] == ["Stephens Inc", "Northstar"]
    # a legal form alone on its line starts the name; a name wrapped before its legal form
    words = line_of(0, ("ООО", "B-COMPANY")) + line_of(1, ("«Ромашка»", "I-COMPANY"))
    assert [v.value for v in words_to_values(words)] == ["ООО «Ромашка»"]
    words = line_of(0, ("Northern", "B-COMPANY"), ("Rail", "I-COMPANY")) + line_of(
        1, ("Holdings", "I-COMPANY"), ("PLC", "I-COMPANY"))
    assert [v.value for v in words_to_values(words)] == ["Northern Rail Holdings PLC"]


def test_a_company_cut_short_by_the_tagger_gets_the_rest_of_its_line_or_its_closing_line() -> None:
    words = line_of(0, ("Уральский", "B-COMPANY"), ("банк", "I-COMPANY"), ("реконструкции", "I-COMPANY"),
                    ("и", "I-COMPANY"), ("развития", "O"))
    assert [v.value for v in words_to_values(words)] == ["Уральский банк реконструкции и развития"]
    words = line_of(0, ("ОАО", "B-COMPANY"), ("«Афанасьева", "I-COMPANY")) + line_of(1, ("Жукова»", "B-FULL_NAME"))
    assert [(v.field, v.value) for v in words_to_values(words)] == [("company", "ОАО «Афанасьева Жукова»")]
    # a name complete on its line, a label after a conjunction, a guillemet closed far below: untouched
    words = line_of(0, ("ООО", "B-COMPANY"), ("«Вектор»", "I-COMPANY")) + line_of(1, ("Иванов»", "B-FULL_NAME"))
    assert [v.field for v in words_to_values(words)] == ["company", "full_name"]
    words = line_of(0, ("Smith", "B-COMPANY"), ("&", "I-COMPANY"), ("Tel:", "O"), ("+1", "B-PHONE"), ("555", "I-PHONE"))
    assert [v.value for v in words_to_values(words)][0] == "Smith &"
    words = line_of(0, ("ОАО", "B-COMPANY"), ("«Афанасьева", "I-COMPANY")) + line_of(4, ("Жукова»", "B-FULL_NAME"))
    assert [v.field for v in words_to_values(words)] == ["company", "full_name"]


def test_address_parts_starting_on_one_line_keep_their_reading_order() -> None:
    # right-aligned: the second part goes on to a line that starts further left than the first part
    first = line_of(0, ("2168", "B-ADDRESS"), ("Wi", "O"), ("lliams", "B-ADDRESS"), ("Gardens", "I-ADDRESS"))
    for tw in first:
        tw.word.bbox = (tw.word.bbox[0] + 200, *tw.word.bbox[1:])
    second = line_of(1, ("North", "I-ADDRESS"), ("Sabrinaburgh,", "I-ADDRESS"), ("AK", "I-ADDRESS"), ("68068", "I-ADDRESS"))
    (address,) = [v.value for v in words_to_values(first + second)]
    # "Wi" of the misread "Williams", left out by the tagger, is completed into its address line
    assert address == "2168 Wi lliams Gardens, North Sabrinaburgh, AK 68068"


def test_a_name_printed_as_initials_and_a_surname_is_not_continued_below() -> None:
    words = line_of(0, ("М.", "B-FULL_NAME"), ("Ф.", "I-FULL_NAME"), ("Антонов", "I-FULL_NAME")) + line_of(
        1, ("Банкир", "B-FULL_NAME"))
    assert [v.value for v in words_to_values(words)] == ["М. Ф. Антонов", "Банкир"]
    words = line_of(0, ("Jean", "B-FULL_NAME")) + line_of(1, ("Dupont", "B-FULL_NAME"))
    assert [v.value for v in words_to_values(words)] == ["Jean Dupont"]  # a name wrapped after its first word


def test_parts_of_a_name_split_by_ocr_are_joined_even_where_their_boxes_overlap() -> None:
    left = tagged("Владилен", "B-FULL_NAME", 0, 70.0)
    right = TaggedWord(Word("i", (130.0, 0.0, 140.0, 20.0), 1), "I-FULL_NAME", left.probs)
    surname = TaggedWord(Word("Гришин", (145.0, 0.0, 200.0, 20.0), 1), "I-FULL_NAME", left.probs)
    assert [v.value for v in words_to_values([left, right, surname])] == ["Владилен i Гришин"]


def test_a_company_line_starting_with_and_continues_the_name_shaped_line_above() -> None:
    words = line_of(0, ("Davies,", "B-FULL_NAME"), ("Green", "I-FULL_NAME")) + line_of(
        1, ("and", "B-COMPANY"), ("Davies", "I-COMPANY"))
    assert [(v.field, v.value) for v in words_to_values(words)] == [("company", "Davies, Green and Davies")]
    # a name line above a company line that starts otherwise stays the name
    words = line_of(0, ("Anna", "B-FULL_NAME"), ("Green", "I-FULL_NAME")) + line_of(
        1, ("Green", "B-COMPANY"), ("Labs", "I-COMPANY"))
    assert [v.field for v in words_to_values(words)] == ["full_name", "company"]


def test_a_number_and_a_fragment_with_a_label_printed_between_are_not_joined() -> None:
    """"(11) 99098-5170 | Fax 55 11 2154-5166": "55" is the fax's country code, not the end of the
    phone before the label."""
    words = line_of(0, ("(11)", "B-PHONE"), ("99098-5170", "I-PHONE"), ("|", "O"), ("Fax", "O"), ("55", "B-PHONE"),
                    ("11", "B-PHONE"), ("2154-5166", "I-PHONE"))
    for tw in words:  # a photo's tall boxes: the label's gap is under two line heights
        tw.word.bbox = (tw.word.bbox[0], 0.0, tw.word.bbox[2], 60.0)
    assert [v.value for v in words_to_values(words)] == ["(11) 99098-5170", "55 11 2154-5166"]


def test_address_parts_apart_from_each_other_are_two_blocks() -> None:
    """Parts two lines of other text apart in their column (an e-mail and a website line) are two
    addresses; a part without a number beside one with a number is the less sure."""
    words = (line_of(0, ("Jardim", "B-ADDRESS"), ("Andrade,", "I-ADDRESS"), ("53", "I-ADDRESS"))
             + line_of(1, ("e-mail:", "O"), ("ana@novaes.com.br", "B-EMAIL"))
             + line_of(2, ("www.novaes.com.br", "B-WEBSITE"))
             + line_of(3, ("Colônia", "B-ADDRESS"), ("Recife,", "I-ADDRESS"), ("72863-992", "I-ADDRESS")))
    assert [v.value for v in words_to_values(words) if v.field == "address"] == [
        "Jardim Andrade, 53", "Colônia Recife, 72863-992"]
    # one line of other text inside the block (a phone) keeps it one address
    words = (line_of(0, ("12", "B-ADDRESS"), ("Main", "I-ADDRESS"), ("St", "I-ADDRESS"))
             + line_of(1, ("Tel", "O"), ("555", "B-PHONE"))
             + line_of(2, ("Springfield", "B-ADDRESS")))
    assert [v.value for v in words_to_values(words) if v.field == "address"] == ["12 Main St, Springfield"]
    # a list of goods far above the address: two values, the one without a number less sure
    words = (line_of(0, ("LCD,", "B-ADDRESS"), ("DVD", "I-ADDRESS"))
             + line_of(1, ("2294-9484", "B-PHONE"))
             + line_of(6, ("Av.", "B-ADDRESS"), ("Itaquera,", "I-ADDRESS"), ("3006", "I-ADDRESS")))
    goods, address = [v for v in words_to_values(words) if v.field == "address"]
    assert (goods.value, address.value) == ("LCD, DVD", "Av. Itaquera, 3006") and goods.confidence < address.confidence


def test_an_address_part_on_a_line_with_its_own_phone_joins_only_the_line_read_next_to_it() -> None:
    """A tilted photo's boxes overlap: the reading order tells a place's line ("Paseo ... - Tel/Fax:
    838 97 57 96") from the card's address two lines further on."""
    words = (line_of(0, ("Paseo", "B-ADDRESS"), ("Becerra", "I-ADDRESS"), ("19", "O"), ("Tel/Fax:", "O"),
                     ("838", "B-PHONE"), ("97", "I-PHONE"), ("57", "I-PHONE"), ("96", "I-PHONE"))
             + line_of(1, ("Web:", "O"), ("www.gallego.com", "B-WEBSITE"))
             + line_of(2, ("Glorieta", "B-ADDRESS"), ("Segovia", "I-ADDRESS"), ("34,", "I-ADDRESS"), ("Cuenca", "I-ADDRESS")))
    for tw in words:  # one row, as a tilted photo's boxes make them
        tw.word.bbox = (tw.word.bbox[0], 0.0, tw.word.bbox[2], 60.0)
    assert [v.value for v in words_to_values(words) if v.field == "address"] == ["Paseo Becerra", "Glorieta Segovia 34, Cuenca"]
    # the town on the line read right after it is the place's
    words = (line_of(0, ("Av.", "B-ADDRESS"), ("Pedras,", "I-ADDRESS"), ("1553", "I-ADDRESS"), ("Tel/Fax:", "O"),
                     ("3123-0800", "B-PHONE"))
             + line_of(1, ("Sao", "B-ADDRESS"), ("Paulo", "I-ADDRESS")))
    assert [v.value for v in words_to_values(words) if v.field == "address"] == ["Av. Pedras, 1553, Sao Paulo"]
    # "Office:" before the address labels it, not a phone: a line in another column between
    # the street and the town leaves them one address
    words = (line_of(0, ("Office:", "O"), ("6019", "B-ADDRESS"), ("Renee", "I-ADDRESS"), ("Lane", "I-ADDRESS"),
                     ("Apt.", "I-ADDRESS"), ("892", "I-ADDRESS"))
             + [tagged("Member", "O", 1, 700), tagged("of", "O", 1, 770), tagged("RICS", "O", 1, 800)]
             + line_of(2, ("Port", "B-ADDRESS"), ("Amandaborough,", "I-ADDRESS"), ("NY", "I-ADDRESS"), ("63502", "I-ADDRESS")))
    for tw in words[-4:]:  # the town line right below the street, the other column's line between them
        tw.word.bbox = (tw.word.bbox[0], 45.0, tw.word.bbox[2], 65.0)
    assert [v.value for v in words_to_values(words) if v.field == "address"] == [
        "6019 Renee Lane Apt. 892, Port Amandaborough, NY 63502"]


def test_a_title_split_by_ocr_on_its_row_keeps_its_second_half() -> None:
    """"Directeur | général" is one printed line OCR split at a gap: no line below the title."""
    words = line_of(0, ("Directeur", "B-POSITION")) + line_of(1, ("général", "I-POSITION"))
    for tw in words[1:]:  # beside "Directeur", on its row
        tw.word.bbox = (120.0, 0.0, 190.0, 20.0)
    assert [v.value for v in words_to_values(words) if v.field == "position"] == ["Directeur général"]
    below = line_of(0, ("Software", "B-POSITION"), ("Developer", "I-POSITION")) + line_of(
        1, ("Robust", "I-POSITION"), ("architecture", "I-POSITION"))
    assert [v.value for v in words_to_values(below) if v.field == "position"] == ["Software Developer"]


def test_a_postcode_line_with_its_label_is_the_address_s() -> None:
    """"CEP 78849-664" has a registration number's shape, but its label makes it the postcode."""
    words = line_of(0, ("Trevo", "B-ADDRESS"), ("Ferreira,", "I-ADDRESS"), ("18", "I-ADDRESS")) + line_of(
        1, ("CEP", "B-ADDRESS"), ("78849-664", "I-ADDRESS"))
    assert [v.value for v in words_to_values(words)] == ["Trevo Ferreira, 18, CEP 78849-664"]


def test_a_number_valid_as_read_is_not_extended_by_a_fragment_beside_it() -> None:
    """A stray "0" read beside "01516/2567257" (a German mobile number, valid as printed) is no
    part of it; "+48536539" | "019" (too short for Poland) is one number split by OCR."""
    mail = line_of(2, ("c.atzler@kraftwerk.de", "B-EMAIL"))
    words = line_of(0, ("0", "B-PHONE")) + [tagged("01516/2567257", "B-PHONE", 1, 30)] + mail
    words[1].word.bbox = (30.0, 0.0, 160.0, 20.0)  # on the row of the "0", OCR's next line
    assert [v.value for v in words_to_values(words) if v.field == "phone"] == ["0", "01516/2567257"]
    words = line_of(0, ("+48536539", "B-PHONE")) + [tagged("019", "B-PHONE", 1, 110)]
    words[1].word.bbox = (110.0, 0.0, 140.0, 20.0)
    assert [v.value for v in words_to_values(words) if v.field == "phone"] == ["+48536539 019"]
