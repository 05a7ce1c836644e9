"""Russian words OCR misread by one letter, put right with pymorphy3's dictionary, and only where
one dictionary word is clearly meant."""

from __future__ import annotations

import pytest

from ml_backend.text.russian_spelling import corrected_word, respell_russian, respelled
from ml_backend.schema import OcrLine


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("Кирничная", "Кирпичная"),  # "п" read as "н"
        ("Спежная", "Снежная"),  # "н" read as "п"
        ("Феолосьевич", "Феодосьевич"),  # "д" read as "л"
        ("Кровельшик", "Кровельщик"),  # "щ" lost its tail
        ("Михойловна", "Михайловна"),
        ("Ииженер", "Инженер"),
        ("представитепь", "представитель"),
        ("Санкт-Иетербург", "Санкт-Петербург"),  # a compound is looked up whole
        ("КИРНИЧНАЯ", "КИРПИЧНАЯ"),  # printed in capitals, put right in capitals
    ],
)
def test_a_word_one_misread_letter_off_a_dictionary_word_is_put_right(read, meant):
    assert corrected_word(read) == meant


@pytest.mark.parametrize(
    "word",
    [
        "Кирпичная",  # a dictionary word
        "Ооо",  # too short
        "ОКПО",  # a few capitals: an abbreviation
        "КИПиА",  # capitals inside: an abbreviation
        "Нарым",  # a real town the dictionary lacks ("Нарын" is in it)
        "Арех",  # only letters with Latin twins: may be the brand "Apex"
        "Сиежная",  # two dictionary words one misread letter off ("снежная", "смежная"): no guess
        "Силаниая",  # no dictionary word one letter off
        "Kirpichnaya",  # not Cyrillic
    ],
)
def test_words_that_are_known_or_no_safe_guess_are_kept(word):
    assert corrected_word(word) is None


def test_only_words_standing_on_their_own_are_checked():
    assert respelled("ул. Кирничная, д. 5") == "ул. Кирпичная, д. 5"
    assert respelled("(Кирничн.)") == "(Кирничн.)"  # an abbreviation
    assert respelled("Кирничная5") == "Кирничная5"  # glued to a digit
    assert respelled("ГК «[РОГРЕСС»") == "ГК «[РОГРЕСС»"  # glued to a bracket: a letter misread as one
    assert respelled("Торгово-промышленная палата") == "Торгово-промышленная палата"
    assert respelled("info@kirnichnaya.ru") == "info@kirnichnaya.ru"


def test_lines_keep_their_boxes_and_sources():
    box = [(0.0, 0.0), (100.0, 0.0), (100.0, 10.0), (0.0, 10.0)]
    lines = [OcrLine("алл. Спежная, 57", box, 0.8, "tesseract"), OcrLine("+7 916 657-33-74", box, 0.99, "ppocr")]
    fixed = respell_russian(lines)
    assert fixed[0] == OcrLine("алл. Снежная, 57", box, 0.8, "tesseract")
    assert fixed[1] is lines[1]


def test_a_compound_the_dictionary_lacks_is_respelled_part_by_part():
    assert respelled("Ииженер-програнмист") == "Инженер-программист"
    assert respelled("г. Санкт-Иетербург") == "г. Санкт-Петербург"
    # a listed town whose part alone would make another word; compounds already right
    assert respelled("Нарьян-Мар") == "Нарьян-Мар"
    assert respelled("Инженер-лесотехник") == "Инженер-лесотехник"
