"""Addresses, company names and job titles whose shape says OCR misread them.

Postal addresses follow fixed patterns: a UK postcode is an outward code ("SW1A", "CO87") and an
inward code ("2TS"); a US ZIP code follows a state code; a Russian address is built from a
closed set of abbreviations ("ул.", "д.", "стр.") that take a name or a number, and is written in
one script. An address that breaks its pattern was almost always misread, not misprinted:
"Martinland CVo 9NU", "Fredhaven, R1 51294", "г. C-r", "ср. 3" (for "стр. 3"), "д. 82, стр."
with the number lost, "$49621" for "549621". Such an address is flagged for the annotator, not
guessed at. Replayed over five sets of 300 generated cards (four read while the checks were
written, one not), they and the few repairs that came with them took 55 of 94 wrong addresses
out of the accepted fields and no right one. The line confidence cannot do this: OCR is sure of
most of its one-letter slips (of 20 addresses on lines under its bar, 4 were wrong).

A company name's quotes and brackets come in pairs and it prints few marks besides: "ООО
"Вектор", "Дроздов Проект»" (the line above lost), "ООО «АТТА$»" are misreadings too; so is a job
title of two letters or one with a "!" in it, and a Russian card's name, title or company read
in Latin look-alikes.

Only OCR output is checked (the validator skips QR values, which the card's owner typed), and
only what is certain of the pattern: the UK and US checks apply where the card's region says so.
"""

from __future__ import annotations

import re

from ml_backend.text.addresses import (
    FIVE_DIGIT_POSTCODE,
    RUSSIAN_ADDRESS_ABBREVIATIONS,
    RUSSIAN_STREET_ABBREVIATION,
    RUSSIAN_STREET_WORD,
    RUSSIAN_UNIT_ABBREVIATION,
    UK_INWARD_CODE,
    UK_OUTWARD_CODE,
    UK_POSTCODE,
    US_ZIP_CODE,
)
from ml_backend.text.lexicon import ADDRESS_SMALL_WORDS, TITLE_WORDS, US_STATE_CODES
from ml_backend.text.letters import has_cyrillic, has_latin

#: Characters an address prints besides letters, digits and spaces (separators, quotes, "№",
#: the French "n°"). Anything else ("$", "+", "∂", "@") is a misread letter or digit, or a
#: speck read as one.
_ODD_CHARACTER = re.compile(r"[^\w\s.,\-/()«»\"'’№°#&:;·|–—•]")
#: A part with no letter or digit in it ("535913, ., бул. Боровая"): the town was lost.
_EMPTY_PART = re.compile(r"^[^\w]*$")

#: A lower-case Cyrillic word of at most five letters ending in a dot: an abbreviation.
_RUSSIAN_ABBREVIATION = re.compile(r"(?<![\w-])([а-яё][а-яё\-]{0,4})\.(?=\s|,|$)")
#: An abbreviation that takes a number, with none after it ("д. 82, стр." at the end).
_NUMBER_LOST = re.compile(rf"(?<![\w-])(?:{RUSSIAN_UNIT_ABBREVIATION}|офис)\.?\s*(?:,|$)")
#: "г." and what follows it up to the next part.
_TOWN_AFTER_MARK = re.compile(r"(?<![\w-])г\.\s*([^,]*)")
#: A street type that opens a part and is followed by a number alone ("ул. 2, 498720"): the street's
#: name was lost ("8 Марта", "2-я Парковая" have words after the number).
_STREET_NAME_LOST = re.compile(rf"(?:^|,\s*)(?:{RUSSIAN_STREET_ABBREVIATION})\.\s*\d+(?:/\d+)?[а-я]?\s*(?:,|$)")
#: Fewest letters of a town name.
_MIN_TOWN_LETTERS = 3
#: Street words of Russian addresses; an address with a house number needs one.
_RUSSIAN_STREET = RUSSIAN_STREET_WORD
#: A number of eight digits or more: a phone or registration number, never a house number, nor a
#: postcode but an eight-digit one (``_EIGHT_DIGIT_POSTCODES``).
_LONG_NUMBER = re.compile(r"\d{8,}")
#: Regions whose postcode has eight digits, printed unbroken or after five (a Brazilian CEP,
#: "16475467" or "16475-467").
_EIGHT_DIGIT_POSTCODES = frozenset({"BR"})
_EIGHT_DIGIT_POSTCODE = re.compile(r"^\d{5}-?\d{3}$")


def is_eight_digit_postcode(text: str, region: str | None) -> bool:
    """Whether ``text`` is a postcode of a region whose postcodes have eight digits ("03637-000")."""
    return region in _EIGHT_DIGIT_POSTCODES and bool(_EIGHT_DIGIT_POSTCODE.match(text.strip()))

#: A UK inward code ("2TS") at the end of a part, with the word before it.
_UK_INWARD_CODE = re.compile(rf"(?:^|\s)(\S+)\s+({UK_INWARD_CODE})$")
_UK_OUTWARD_CODE = re.compile(rf"^{UK_OUTWARD_CODE}$")
_UK_INWARD_ALONE = re.compile(rf"^{UK_INWARD_CODE}$")
#: A Cyrillic word with a capital after a small letter ("бОлетСОСР"): letters and digits of
#: several words misread and run together.
_CYRILLIC_MIXED_CASE = re.compile(r"[а-яё][А-ЯЁ]")
#: A Latin word run into a digit ("Stndio3"; postcodes have at most two letters before theirs),
#: or a number run into a capitalised word ("04Ruth"): a space OCR lost, often with a letter.
_WORD_GLUED_TO_NUMBER = re.compile(r"(?<!\w)[A-Za-z]{3,}\d|\d[A-Z][a-z]")
#: A German or French postcode and what follows it in its part (the town).
_POSTCODE_TOWN = re.compile(rf"(?:^|\s){FIVE_DIGIT_POSTCODE}(?:\s+(.*))?$")
_KNOWN_SMALL_WORDS = ADDRESS_SMALL_WORDS
_SMALL_WORD = re.compile(r"(?<![\w'’.-])[a-z]+(?![\w'’.-])")
#: A UK address part that opens with a number or a unit word is a street or flat, not a town.
_UK_STREET_OR_UNIT = re.compile(r"^(?:\d|(?:flat|studio|apartment|unit|suite|room|floor)\b)", re.IGNORECASE)
#: A US ZIP code at the end of a part, with the two-character word before it (the state's place).
_US_ZIP = re.compile(rf"(?:^|\s)(\S{{2}})\s+{US_ZIP_CODE}$")
_ZIP_CODE = re.compile(rf"\b{US_ZIP_CODE}\b")
#: A state code followed by digits that do not make a ZIP code ("NE 561 21").
_US_BROKEN_ZIP = re.compile(rf"(?:^|\s)[A-Z]{{2}}\s+(?!{US_ZIP_CODE}$)\d[\d\s-]*$")
#: A letter O or I (or small l) glued before a digit at the start of a word ("O8 Jessica Circle"):
#: no house or flat number starts so.
_LETTER_FOR_DIGIT = re.compile(r"(?<!\w)[OoIl]\d")


#: Letters whose small and capital forms differ in size only: OCR reads a capital as the small
#: letter ("65 clarke Manors") and the word is otherwise right.
_CASE_SLIP = re.compile(r"(?<![\w'’.-])[cosvwxz][a-z]{2,}(?![\w'’.-])")


#: A note in brackets ("(near the post office)"): a landmark, in words, not a postal part.
_BRACKETED = re.compile(r"\([^()]*\)")
#: A word of letters, with the dots, hyphens and apostrophes a name holds.
_ADDRESS_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


def _lone_small_words(address: str) -> set[tuple[int, int]]:
    """Spans of the small (lower-case) words of ``address`` outside brackets that stand alone
    among capitalised words and numbers ("5010 lan Way", "65 clarke Manors"): a capital OCR read
    small, or a piece of a word. A run of small words is a phrase the card printed in words
    ("opposite the post office", a landmark), and a bracketed note is one too."""
    words = [m for m in _ADDRESS_WORD.finditer(_BRACKETED.sub(lambda b: " " * len(b.group()), address))]
    lone = set()
    for k, m in enumerate(words):
        if not m.group()[0].islower():
            continue
        neighbours = [words[j].group() for j in (k - 1, k + 1) if 0 <= j < len(words)
                      and not re.search(r"[,;]", address[min(m.end(), words[j].end()):max(m.start(), words[j].start())])]
        if not any(w[0].islower() for w in neighbours):
            lone.add(m.span())
    return lone


def case_slips_restored(address: str, region: str | None) -> str:
    """An English address's word read with a small first letter that looks like its capital
    ("clarke") capitalised, where it stands alone (``_lone_small_words``); other small words are
    left for ``misread_address`` to flag."""
    if region not in ("GB", "US"):
        return address
    lone = _lone_small_words(address)
    return _CASE_SLIP.sub(lambda m: m.group() if m.group() in _KNOWN_SMALL_WORDS or m.span() not in lone
                          else m.group().capitalize(), address)


def misread_address(address: str, region: str | None) -> str | None:
    """What in ``address`` (the normalised value, parts joined with ", ") breaks the pattern of
    a postal address, or None. ``region`` is the card's ISO region ("GB", "US", "RU"...)."""
    parts = [part.strip() for part in address.split(",")]
    if any(_EMPTY_PART.match(part) for part in parts):
        return "a part of it is empty"
    if "0" in parts:
        return "a part of it is a lone zero (a misread label)"
    odd = _ODD_CHARACTER.search(address)
    if odd:
        return f"'{odd.group()}' is no address character"
    if any(len(n) > 8 or region not in _EIGHT_DIGIT_POSTCODES for n in _LONG_NUMBER.findall(address)):
        return "it holds a number no address has"
    if has_cyrillic(address):
        return _russian_problem(parts, address)
    checks = {"GB": _uk_problem, "US": _us_problem, "DE": _town_after_postcode_problem, "FR": _town_after_postcode_problem}
    problem = checks[region](parts) if region in checks else None
    if problem:
        return problem
    if _WORD_GLUED_TO_NUMBER.search(address):
        return "a word and a number run together"
    if region in ("GB", "US"):
        lone = _lone_small_words(address)
        small = [m.group() for m in _SMALL_WORD.finditer(address) if m.group() not in _KNOWN_SMALL_WORDS and m.span() in lone]
        if small:
            return f"'{small[0]}' is a piece of a word"
    if _LETTER_FOR_DIGIT.search(address):
        return "a letter where a number starts"
    return None


def _russian_problem(parts: list[str], address: str) -> str | None:
    if has_latin(address):
        return "Latin letters in a Russian address"
    if _CYRILLIC_MIXED_CASE.search(address):
        return "capital letters inside a word"
    for match in _RUSSIAN_ABBREVIATION.finditer(address):
        if match.group(1) not in RUSSIAN_ADDRESS_ABBREVIATIONS:
            return f"'{match.group()}' is no address abbreviation"
    if _STREET_NAME_LOST.search(address):
        return "the street's name is missing"
    if _NUMBER_LOST.search(address):
        return "a house, building or office number is missing"
    for match in _TOWN_AFTER_MARK.finditer(address):
        if len(re.sub(r"[^а-яёА-ЯЁ]", "", match.group(1))) < _MIN_TOWN_LETTERS:
            return "the town after 'г.' is missing"
    if not _RUSSIAN_STREET.search(address) and any(re.match(r"(?:д\.\s*)?\d{1,4}\b(?!\d)", part) for part in parts):
        return "a house number without a street"
    return None


def _uk_problem(parts: list[str]) -> str | None:
    for i, part in enumerate(parts):
        if _UK_INWARD_ALONE.match(part):
            return f"the postcode '{part}' has no outward code"
        match = _UK_INWARD_CODE.search(part)
        if match and not _UK_OUTWARD_CODE.match(match.group(1)):
            return f"'{match.group(1)} {match.group(2)}' is no UK postcode"
        if match and part == match.group().strip() and (i == 0 or _UK_STREET_OR_UNIT.match(parts[i - 1])):
            return "no town before the postcode"
    if not any(UK_POSTCODE.search(part) for part in parts):
        return "no postcode"
    return None


def _town_after_postcode_problem(parts: list[str]) -> str | None:
    """German and French addresses print the town after the postcode ("10115 Berlin")."""
    match = _POSTCODE_TOWN.search(parts[-1])
    if match and len(re.sub(r"[\W\d_]", "", match.group(1) or "")) < _MIN_TOWN_LETTERS:
        return "the town after the postcode is missing"
    return None


def _us_problem(parts: list[str]) -> str | None:
    for part in parts:
        match = _US_ZIP.search(part)
        if match and match.group(1).upper() not in US_STATE_CODES:
            return f"'{match.group(1)}' before the ZIP code is no state"
        if _US_BROKEN_ZIP.search(part):
            return "the ZIP code is broken"
    if parts[0][:1].isdigit() and not any(_ZIP_CODE.search(part) for part in parts):
        return "a street address without a ZIP code"
    return None


#: Marks a company name prints besides letters, digits and spaces ("AT&T", "Yahoo!", "Roberts-Davies
#: (UK)", "ООО «Вектор»", "Acme®").
_ODD_IN_COMPANY = re.compile(r"[^\w\s.,&'’\-–«»\"„“”()/+!:#@®™©]")


def misread_company(company: str) -> str | None:
    """What in ``company`` says OCR misread it or lost a part of it, or None."""
    if company.count("«") != company.count("»") or company.count('"') % 2:
        return "its quotes do not pair up"
    if company.count("(") != company.count(")"):
        return "its brackets do not pair up"
    return _odd_mark(_ODD_IN_COMPANY, company, "a name")


def _odd_mark(marks: re.Pattern[str], text: str, what: str) -> str | None:
    """The first of ``marks`` in ``text``, said as a problem of ``what``."""
    odd = marks.search(text)
    return f"'{odd.group()}' is no character of {what}" if odd else None


#: Marks no job title prints ("Региональный! представитель"): specks or letters misread.
_ODD_IN_TITLE = re.compile(r"[!$}{\[\]|\\^~*+=<>@#%]")
#: German titles name both genders with a star ("Pyrotechniker*in", "Berater*innen"): no misread.
_GENDER_STAR = re.compile(r"(?<=[^\W\d_])\*(?=in(?:nen)?\b)")
#: Fewest letters of a job title that is not a known short one ("VP", "CEO").
_MIN_TITLE_LETTERS = 3


def misread_position(position: str) -> str | None:
    """What in ``position`` says OCR misread it or it is a scrap of another line ("ВК" of the
    bank's "БИК"), or None."""
    letters = re.sub(r"[\W\d_]", "", position)
    if len(letters) < _MIN_TITLE_LETTERS and letters.lower() not in TITLE_WORDS:
        return "too short for a job title"
    return _odd_mark(_ODD_IN_TITLE, _GENDER_STAR.sub("", position), "a job title")


#: Russian text PP-OCR read in Latin look-alikes ("HAYMOBA-HEKPACOB" for "НАУМОВА-НЕКРАСОВ",
#: "TOPH3OHT", "Topcoebtù"): a long word of capitals that all have a Cyrillic twin, a "3"
#: between letters (a "З"; "B2B" is a brand), a Latin letter no English or Russian card prints.
_LOOKALIKE_CAPITALS = re.compile(r"(?<![A-Za-z])[ABCEHKMOPTXY]{6,}(?![A-Za-z])")
_THREE_FOR_ZE = re.compile(r"[A-Za-z]{2}3[A-Za-z]{2}")
_FOREIGN_LATIN = re.compile(r"[À-ÿĀ-ɏ]")


def cyrillic_read_as_latin(text: str, region: str | None) -> str | None:
    """Why ``text`` (a name, title or company on a Russian card, in Latin letters only) looks like
    Russian text read in Latin look-alikes, or None. English names on Russian cards pass."""
    if region != "RU" or has_cyrillic(text) or not has_latin(text):
        return None
    if _THREE_FOR_ZE.search(text) or _FOREIGN_LATIN.search(text) or _LOOKALIKE_CAPITALS.search(text):
        return "Russian text read in Latin look-alikes"
    return None
