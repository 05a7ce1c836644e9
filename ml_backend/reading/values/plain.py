"""Free-text fields (name, position, company, address): tidy spacing, check the shape.

These values have no syntax to validate, so normalisation only removes what a layout adds
(line breaks, doubled spaces, bullets and separators at the ends) and keeps the case as
printed. The shape checks catch what OCR garbage and tagging slips typically look like.
"""

from __future__ import annotations

import re

from ml_backend.text.addresses import (
    RU_POSTCODE,
    RUSSIAN_DOTTED_ABBREVIATION,
    RUSSIAN_STREET_ABBREVIATION,
    RUSSIAN_UNIT_ABBREVIATION,
    UK_INWARD_CODE,
    UK_OUTWARD_CODE,
    UK_POSTCODE_STRICT,
    US_ZIP_CODE,
    alternation,
)
from ml_backend.text.known_words import one_letter_from
from ml_backend.text.given_names import given_names, has_given_name
from ml_backend.text.lexicon import (
    COMMON_TLDS,
    COMPANY_LEGAL_FORMS,
    COUNTRY_REGIONS,
    GLUED_LEGAL_FORMS_LONG,
    GLUED_LEGAL_FORMS_SHORT,
    LEGAL_FORMS_OPENING_A_NAME,
    LONG_NAME_PARTICLES,
    NAME_AFFIXES,
    NAME_CONJUNCTIONS,
    RUSSIAN_NAME_OPENERS,
    SLOGAN_WORDS,
    TITLE_COMPANY_CONNECTORS,
    TITLE_WORDS,
    US_STATE_CODES,
)
from ml_backend.reading.rules import Repairs
from ml_backend.reading.values.result import NormalisedValue
from ml_backend.text.letters import cased_like, collapse_spaces, has_cyrillic, has_latin

_EDGE_JUNK = " ,;|•·-–—:/\\"
_VOWELS = set("aeiouyàâäéèêëîïôöùûüÿæœáíóúåøAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸÆŒÁÍÓÚÅØаеёиоуыэюяАЕЁИОУЫЭЮЯ")
# A name word: letters with inner hyphens, apostrophes or dots ("Jean-Luc", "O'Brien",
# "Dipl.-Ing."), optionally closed by "." (initial "J.") or "," ("Smith, MBA").
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:[.'’\-]+[^\W\d_]+)*[.,]?$")
_MIN_ADDRESS_CHARS = 6


def tidy(text: str) -> str:
    """Spacing collapsed, separators and bullets trimmed from both ends."""
    return collapse_spaces(text).strip(_EDGE_JUNK)


#: Printed separators between address parts ("12 Main St · Springfield", "ул. Ленина – Москва"),
#: however OCR read them: a bullet or bar anywhere, a dash or a lone dot between spaces (a hyphen
#: inside a word, "Rostov-on-Don", is not one), a dash glued to the end of a part ("Apt. 291-
#: Johnsonmouth") or to the start of the next ("Streets -South Carlyberg"), a lone "+" or "*"
#: (how OCR reads a small bullet; also glued to the number before it: "7+ 299037"), a lone
#: "I"/"l"/"i" (a bar), a lone ":" (a middle dot read with its shadow).
_ADDRESS_SEPARATOR = re.compile(r"\s*[·•|]\s*|\s+[-–—.+*Iil`~:]\s+|(?<=\w)[-–—]\s+|(?<=\d)\+\s+|\s+[-–—](?=[A-ZА-ЯЁ\d])")
_PART_BREAK = re.compile(rf",\s*|{_ADDRESS_SEPARATOR.pattern}")


def last_address_part(address: str) -> tuple[str, str]:
    """``address`` cut before its last part, at the last comma or printed separator ("SP - (11)"
    -> ("SP", "(11)")); ("", address) when it has one part."""
    breaks = list(_PART_BREAK.finditer(address))
    if not breaks:
        return "", address
    last = breaks[-1]
    return address[:last.start()], address[last.end():]


#: Printed labels before an address ("Adresse :", "Адрес:", "Büro:"), one or two of them.
_ADDRESS_LABELS = re.compile(r"^(?:(?:[^\W\d_]|0(?=[^\W\d_]))[^\s:,]{0,15}\s*:[\s,]*){1,2}")  # "0ffice:" too
#: "Apt.360", "стр.3", "г.Москва": an abbreviation's dot with the next word glued to it.
_GLUED_ABBREVIATION = re.compile(r"(?<=[^\W\d_]{1})\.(?=[^\W_])")
#: Russian address abbreviations whose dot OCR lost ("г Казань", "д 36"): the dot is put back,
#: as cards print it, so one address has one spelling. A doubled dot ("пр..") is a misread too.
_UNDOTTED_ABBREVIATION = re.compile(rf"(?<![\w.\-])({RUSSIAN_DOTTED_ABBREVIATION})(?=\s|,)")
#: The same for "Apt." before a flat number ("Apt 476"), which cards print with its dot.
_UNDOTTED_APT = re.compile(r"(?<![\w.])Apt(?=\s+\d)")
_DOUBLED_DOT = re.compile(r"(?<=\w)\.{2}(?!\.)")
#: Russian address abbreviations as OCR misreads them, where nothing else reads that way:
#: "уп."/"\л." for "ул." ("ya."/"ys." before a name), "пор."/"сер." for "пер.", "оп."/"od."/"of."
#: for "оф.", "п."/"а."/"ц." (and a lone "х" after a comma) for "д." before a number, "br." for
#: "г." before a town, "mw." for "ш.", a colon or an underscore for the abbreviation's dot
#: ("наб: ", "стр: 7", "наб_"), a comma after "д." ("д., 3").
_MISREAD_ABBREVIATIONS = (
    (re.compile(r"(?<![\w.\\])(?:уп|\\л)\.(?=\s)"), "ул."),
    (re.compile(r"(?<![\w.])(?:ya|уа|yл|ys)\.(?=\s*[А-ЯЁ])"), "ул."),
    (re.compile(r"(?<![\w.])(?:пор|сер)\.(?=\s*[А-ЯЁ])"), "пер."),
    (re.compile(r"(?<=,\s)[хx](?=\s\d)"), "д."),  # "Заливная ул., х 68"
    (re.compile(r"(?<=[а-яё])_(?=[\s,]|$)"), "."),  # "Циолковского наб_"
    (re.compile(r"(?<=\sд\.),\s*(?=\d)"), " "),  # "д., 3"
    (re.compile(r"(?<![\w.])(?:mw|iii|w|ul)\.(?=\s*[А-ЯЁ])"), "ш."),  # "ul. Космонавтов"
    (re.compile(r"(?<![\w.])(?i:оп|op|od|од|of|ob|оb)\.(?=\s*\d)"), "оф."),
    (re.compile(r"(?<![\w.])0(?i:ф|b|f|п)[.,](?=\s*\d)"), "оф."),  # its "о" read as a zero: "0ф, 53"
    (re.compile(r"(?<![\w.])[паaц]\.(?=\s*\d)"), "д."),
    (re.compile(r"(?<![\w.])(?:erp|crp|ctp|cтp|етр|сгр)\.(?=\s*\d)"), "стр."),  # "erp. 7"
    (re.compile(r"(?<![\w.])офи(?=\s*\d)"), "офис"),  # its "с" lost: "офи 539"
    (re.compile(r"(?<![\w.])(?:br|rr|tr|r)\.\s*(?=[А-ЯЁ])"), "г. "),
    (re.compile(rf"(?<![\w.])({RUSSIAN_DOTTED_ABBREVIATION}):(?=\s)"), r"\1."),
)
#: "д." (house) read as the digit "4" before the house number ("Челюскинцев ш., 4. 61, стр. 4"),
#: in an address that has no other "д.": a number that ends a part with a dot is followed by
#: text ("д. 9. оф. 50"), not by another number.
_HOUSE_MARK_AS_FOUR = re.compile(r"(?<=,\s)4\.(?=\s\d)")
#: A street named after a person with the initial "З" read as the digit 3, glued to the surname
#: ("пр. 3.Космодемьянской"): a number is never followed by a dot and a word without a space.
_INITIAL_ZE_AS_THREE = re.compile(r"(?<![\w.])3\.(?=[А-ЯЁ][а-яё]{2,})")
#: A number read in letters before "лет" ("ш. SO лет ВЛКСМ"): streets named "50 лет Октября".
_YEARS_IN_LETTERS = re.compile(r"(?<!\S)[SOoIlZB0-9]{2,3}(?=\s+лет\b)")
_DIGIT_LOOKALIKES = str.maketrans("SOoIlZB", "5001128")
#: A postcode followed by a dot where the card printed a comma ("337435. г. Жигулевск").
_POSTCODE_DOT = re.compile(r"(?<!\S)(\d{5,6})\.(?=\s)")
#: Russian address fixes where a separator was misread: a bar read as "1" glued to the postcode
#: after the house number ("д. 99 1349136"), a postcode's dot glued to "г." ("646531.г."), and a
#: number read into the address from the line above ("150, пер. ...": "ISO 9001"), which no
#: Russian address starts with before its street.
_BAR_AS_ONE_BEFORE_POSTCODE = re.compile(rf"(?<=\d)\s+[1Il|]({RU_POSTCODE})(?!\d)")
_POSTCODE_DOT_GLUED = re.compile(rf"(?<!\S)({RU_POSTCODE})\.(?=[а-яё])")
_NUMBER_BEFORE_STREET = re.compile(rf"^\d{{1,4}}, (?=(?:{RUSSIAN_STREET_ABBREVIATION})\.\s)")
#: In a Russian address, any number followed by a dot where a comma was printed ("д. 9. оф. 50",
#: "офис 891. 598734"): Russian writes no ordinal dot ("5-й", not "5.") for it to be.
_NUMBER_DOT = re.compile(r"(?<!\S)(\d{1,6}(?:/\d{1,3})?[а-я]?)\.(?=\s)")
#: ... and a street name followed by a dot before the house or office ("бул. Таманская. д. 9/2"):
#: a whole word, no abbreviation, is never closed by a dot there.
_STREET_DOT = re.compile(rf"(?<=[а-яё]{{4}})\.(?=\s+(?:(?:{RUSSIAN_UNIT_ABBREVIATION})\.|офис\s))")
#: ... or before a bare house number after a capitalised name ("алл. 40 лет Победы. 2").
_NAME_DOT_BEFORE_NUMBER = re.compile(r"(?<![\w.-])([А-ЯЁ][а-яё]{3,})\.(?=\s+\d)")
#: A comma read after a street-type abbreviation before its name ("наб., Новгородская"): the
#: abbreviation and the name are one part.
_COMMA_AFTER_STREET_TYPE = re.compile(rf"(?<![\w.])({RUSSIAN_STREET_ABBREVIATION})\.,\s*(?=[А-ЯЁ])")
#: A house number's slash read as a space ("д. 7 2, офис 343" for "д. 7/2").
_SPACED_HOUSE_SLASH = re.compile(r"(?<=д\.\s)(\d{1,3})\s(\d{1,2})(?=,|$)")
#: A British postcode with a zero read as the letter "O" where only a digit can stand ("SO 4AN"
#: for "S0 4AN", "GY0M OPG" for "GY0M 0PG", "WCOM OLW" for "WC0M 0LW"): the outward code's
#: district and the inward code's first character are digits. A code without any digit is
#: taken only where a postcode stands: at the end, or before the country.
_UK_POSTCODE_O = re.compile(r"\b([A-Z]{1,2})([0-9O])([0-9A-Z]?) ([0-9O])([A-Z]{2})\b")
_UK_POSTCODE_END = re.compile(
    r"^[\s,]*(?:(?:" + "|".join([re.escape(name) for name, region in COUNTRY_REGIONS.items() if region == "GB"] + ["GB"])
    + r")\.?)?\s*$", re.IGNORECASE
)
#: Opening hours printed under the address and read into it ("..., N1U 6QT, 8:30 17:30", the
#: two times on lines of their own: "8:30, 17:30").
_OPENING_HOURS = re.compile(
    r"[,\s]*(?:(?:mon|пн|lun|mo)[\w.]*\s*[-–—]\s*(?:fri|пт|ven|fr)[\w.]*:?\s*)?"
    r"\d{1,2}[:.]\d{2}\s*[-–—,]?\s*\d{1,2}[:.]\d{2}\s*$",
    re.IGNORECASE,
)
#: ... and printed above it, read in front of it ("10:00-22.00, 5 Howells Mountain", or only its
#: closing time: "19:00, наб. Халтурина"); no address starts with a time of day.
_LEADING_OPENING_HOURS = re.compile(r"^\d{1,2}:\d{2}(?:\s*[-–—]\s*\d{1,2}[:.]\d{2})?[,\s]+(?=\S)|^\d{1,2}\.\d{2}\s*[-–—]\s*\d{1,2}[:.]\d{2}[,\s]+(?=\S)")
#: A flat, studio or suite number followed by a dot where the card printed a comma ("Flat 4.
#: Lindsey Lane", "Studio 04o. Mary Way"): OCR's comma/dot confusion; no unit number is an
#: abbreviation.
_UNIT_NUMBER_DOT = re.compile(r"\b((?:Flat|Studio|Apt|Apartment|Suite|Unit|Room|Office)\s\d{1,5}[a-z]?)\.(?=\s[A-Z])")
#: The end of the card's web address read in front of the address ("co. uk, Studio 56"): a
#: top-level domain alone, lower-case, which no address starts with.
_LEADING_TLD = re.compile(r"^(?:co\.\s?|org\.\s?)?(?:uk|com|ru|org|net|io)\s*,\s*(?=\S)")
#: A Russian street abbreviation glued to the street name before it ("Щетинкинапер.").
_GLUED_STREET_ABBREVIATION = re.compile(rf"\b([А-ЯЁа-яё]{{3,}}[ая])({RUSSIAN_STREET_ABBREVIATION})\.")
#: A postcode glued to the town after it ("34001Hünfeld").
_GLUED_POSTCODE_TOWN = re.compile(r"(?<![\w/])(\d{4,6})(?=[^\W\d_]{3,})")
#: An address word OCR glued to the word before it ("Franco WellSuite 044").
_GLUED_ADDRESS_WORD = re.compile(r"(?<=[a-z])(?=(?:Suite|Apt|Flat|Unit|Floor|Office|Building|Room)\b)")
#: A US state and its ZIP code read without the space between them ("Annstad, NC80519"), or with
#: a speck or a bar read as a mark or a letter ("GU/ 34005", "HII 49994").
_GLUED_STATE_ZIP = re.compile(r"\b(" + "|".join(sorted(US_STATE_CODES)) + rf")(?:[/|Il]\s*)?({US_ZIP_CODE})\b")
#: A town's prefix run into the rest of its name ("NorthAnne", "PortTalbot"): the space OCR lost
#: before a capital; names with inner capitals ("McLean", "LaSalle") have no such prefix.
_GLUED_TOWN_PREFIX = re.compile(r"\b(North|South|East|West|New|Lake|Port|Mount|Fort|Saint)(?=[A-Z][a-z])")
#: A bar or speck read as a last letter after a British postcode ("M28 7HHI").
_UK_POSTCODE_TRAILING_BAR = re.compile(rf"\b({UK_OUTWARD_CODE} {UK_INWARD_CODE})[Il|1](?=$|,)")
#: "Flat" with its F misread ("Ilat 32K", "Hlat 8") before the flat's number.
_FLAT_MISREAD = re.compile(r"(?:^|(?<=,\s))[IHEP]lat(?=\s*\d)")
#: A British postcode printed or read without its space: "BA118XZ" -> "BA11 8XZ".
_GLUED_UK_POSTCODE = re.compile(rf"\b({UK_OUTWARD_CODE})({UK_INWARD_CODE})\b")


#: A location pin before an address line, as OCR reads the icon: a symbol ("©", "@", "●") or a
#: round letter ("O", "О", "Q") standing alone before the text.
#: A zero before a number is one too ("0 755 Dunn Ranch"): no address starts with a lone zero.
_ADDRESS_ICON = re.compile(r"^(?:[^\w\s]|[OoОоQ])\s+(?=\S)|^0\s+(?=\d)")


#: A British postcode where one stands (the end, or before the country) with OCR's other
#: letter/digit swaps, or a space inside its inward code: "BL2 1H5" ("S" read as "5"), "L4B SXA"
#: ("5" read as "S"), "JES OWW", "M6 1 YP", "E7 9A)" (a "J" read as a bracket). Taken only when
#: the code comes out well-formed and its last two characters held a letter (a US "IN 13968" is
#: no postcode of this kind).
_UK_POSTCODE_SWAPS = re.compile(r"(?<!\S)([A-Z]{1,2})([0-9OSIBZ])([0-9A-Z]?) ([0-9OSIBZ]) ?([A-Z0-9)\]]{2})(?!\w)")
_AS_DIGIT = str.maketrans("OSIBZ", "05182")
_AS_LETTER = str.maketrans("5826)]", "SBZGJJ")


def _postcode_swaps_undone(match: re.Match[str]) -> str:
    area, district, sub, sector, unit = match.groups()
    if not any(c.isalpha() for c in unit) or not _UK_POSTCODE_END.match(match.string[match.end():]):
        return match.group()
    code = f"{area}{district.translate(_AS_DIGIT)}{sub} {sector.translate(_AS_DIGIT)}{unit.translate(_AS_LETTER)}"
    return code if UK_POSTCODE_STRICT.match(code) else match.group()


def _zeros_in_postcode(match: re.Match[str]) -> str:
    area, district, sub, sector, unit = match.groups()
    if not any(c.isdigit() for c in match.group()) and not _UK_POSTCODE_END.match(match.string[match.end():]):
        return match.group()
    return f"{area}{district.replace('O', '0')}{sub} {sector.replace('O', '0')}{unit}"


#: The card's web address read into its postal one, at either end ("guseva. ru, бул. ...",
#: "..., Россия, okhkuralkhim. ru"): a lower-case host with a common TLD, the dot maybe spaced.
_WEB_ADDRESS_PART = re.compile(
    r"(?:^|(?<=,\s))(?:https?://)?(?:www\.)?(?:[a-z0-9][a-z0-9\-]{2,}|[A-Z0-9][A-Z0-9\-]{2,})(?:\.\s?[\w\-]+)*\.\s?"
    r"(?i:" + "|".join(t for t in sorted(COMMON_TLDS, key=len, reverse=True) if t.isascii()) + r")(?:/[\w\-./]*)?"
    r"[,\s]*(?=\S|$)"
)
#: "ш." (шоссе) as OCR reads it in Latin look-alikes after a street name ("Коммунаров IIL, д. 694",
#: "Гражданская UL, д. 10").
_HIGHWAY_MISREAD = re.compile(r"(?<=[а-яё])\s+(?:(?i:iil|iii|ill|lll|w|ht)|UL|tt)\.?(?=[\s,])")
#: "ул." (улица) as OCR reads it after a street name ("Жукова VoL, 8", "Портовая yn, д. 2").
_STREET_MISREAD = re.compile(r"(?<=[а-яё])\s+(?:VoL|VAL|VaL|Val|V1|Vл|yл|Yл|yn|уп|уn|yп)\.?(?=[\s,])")


#: A registration number line ("ОКПО 76095299", "ИНН 7715463094" read as "OKIIO ...", "NHH..."):
#: one short word and a long number, which no address is.
_REGISTRATION_NUMBER = re.compile(r"^[^\W\d_]{2,6}[.:№]?\s*\d[\d\s\-/]{6,}$")
def is_registration_number(text: str) -> bool:
    """Whether ``text`` is a registration number with its label ("ОКПО 76095299", "OKNO74573024")."""
    return bool(_REGISTRATION_NUMBER.match(text.strip()))


#: The same as one part of an address: an unspaced number of eight digits or more (no house
#: number or postcode is that long; a phone number tagged as the address is spaced and kept),
#: after one or two short labels ("ИНН/КПП 7791914852/771501001").
_REGISTRATION_PART = re.compile(r"^(?:[^\W\d_]{2,6}(?:/[^\W_]{2,6})?\s*[.:№]?\s*)?\d{8,}(?:/\d{6,})?$")


#: A house or flat number standing as a part of its own ("Водников, 7/2", "9").
_NUMBER_PART = re.compile(r"^\d+(?:[/\-]\d+)?[^\W\d_]?$")
#: A speck or an icon OCR read at an end of the address: a part of at most three characters that
#: is no number and holds a mark ("*1", "⊕", "}AO", "1:") or is a lone letter ("m", "а.").
_JUNK_PART = re.compile(r"^(?=.{1,3}$)(?:.*[^\w\s.].*|[^\W\d_]\.?)$")


def _junk_ends_cut(joined: str) -> str:
    """``joined`` without junk parts (``_JUNK_PART``; in a Russian address, a short Latin one as
    well: "..., Российская Федерация, MO.") at either end."""
    cyrillic = has_cyrillic(joined)

    def junk(part: str) -> bool:
        latin_speck = cyrillic and len(part) <= 3 and has_latin(part) and not has_cyrillic(part)
        return (bool(_JUNK_PART.match(part)) or latin_speck) and not _NUMBER_PART.match(part)

    parts = joined.split(", ")
    while len(parts) > 1 and junk(parts[-1]):
        parts.pop()
    while len(parts) > 1 and junk(parts[0]):
        parts.pop(0)
    return ", ".join(parts)


def join_address_lines(text: str, fix: Repairs | None = None) -> str:
    """Address lines and printed separators joined with ", " (the joint ``fields`` uses for
    lines), so an address reads the same however the card laid it out; spacing tidied; a pin
    icon read as a character at the start of a line and a registration number ("ОКПО 92578811")
    among the parts left out; a low quotation mark ("‚") is a comma OCR read lower. Each repair
    of OCR damage is a rule of the ``normalise`` stage that ``fix`` runs (and names, where it
    changes the text); joining, separators and abbreviations' dots are one spelling, no repair."""
    fix = fix if fix is not None else Repairs()
    parts = [tidy(fix("normalise.address.icon_cut", tidy(p), lambda t: _ADDRESS_ICON.sub("", t)))
             for p in re.split(r"[\r\n]+", text.replace("‚", ", "))]
    joined = fix("normalise.address.label_cut", ", ".join(p for p in parts if p), lambda t: _ADDRESS_LABELS.sub("", t))
    joined = _ADDRESS_SEPARATOR.sub(", ", joined)
    joined = fix("normalise.address.registration_number_cut", joined,
                 lambda t: ", ".join(p for p in t.split(", ") if not _REGISTRATION_PART.match(p)) or t)
    if has_cyrillic(joined):
        joined = fix("normalise.address.russian_digits_misread", joined, lambda t: _INITIAL_ZE_AS_THREE.sub("З.", t))
    joined = _GLUED_ABBREVIATION.sub(". ", joined)
    joined = _UNDOTTED_ABBREVIATION.sub(r"\1.", _DOUBLED_DOT.sub(".", joined))
    joined = _UNDOTTED_APT.sub("Apt.", joined)
    if has_cyrillic(joined):
        joined = fix("normalise.address.russian_abbreviations_misread", joined, _russian_abbreviations_read)
        joined = fix("normalise.address.russian_digits_misread", joined, _russian_digits_read)
        joined = fix("normalise.address.russian_dots_for_commas", joined, _russian_commas_read)
        joined = fix("normalise.address.russian_digits_misread", joined,
                     lambda t: _BAR_AS_ONE_BEFORE_POSTCODE.sub(r", \1", t))
        joined = fix("normalise.address.number_from_line_above_cut", joined, lambda t: _NUMBER_BEFORE_STREET.sub("", t))
    joined = fix("normalise.address.dots_for_commas", joined,
                 lambda t: _UNIT_NUMBER_DOT.sub(r"\1,", _POSTCODE_DOT.sub(r"\1,", t)))
    joined = fix("normalise.address.glued_words_spaced", joined,
                 lambda t: _GLUED_TOWN_PREFIX.sub(r"\1 ", _GLUED_STATE_ZIP.sub(r"\1 \2", _GLUED_UK_POSTCODE.sub(r"\1 \2", t))))
    joined = fix("normalise.address.flat_misread", joined, lambda t: _FLAT_MISREAD.sub("Flat", t))
    joined = fix("normalise.address.uk_postcode_misread", joined, lambda t: _UK_POSTCODE_TRAILING_BAR.sub(r"\1", t))
    joined = fix("normalise.address.glued_words_spaced", joined, lambda t: _GLUED_ADDRESS_WORD.sub(" ", t))
    joined = fix("normalise.address.uk_postcode_misread", joined,
                 lambda t: _UK_POSTCODE_SWAPS.sub(_postcode_swaps_undone, _UK_POSTCODE_O.sub(_zeros_in_postcode, t)))
    joined = fix("normalise.address.glued_words_spaced", joined, lambda t: _GLUED_POSTCODE_TOWN.sub(r"\1 ", t))
    joined = fix("normalise.address.opening_hours_cut", joined,
                 lambda t: _LEADING_OPENING_HOURS.sub("", _OPENING_HOURS.sub("", t)))
    joined = fix("normalise.address.web_address_cut", joined, lambda t: _LEADING_TLD.sub("", t))
    joined = fix("normalise.address.web_address_cut", joined, _web_address_cut)
    joined = joined.strip(_EDGE_JUNK) or joined
    if has_cyrillic(joined):
        joined = fix("normalise.address.russian_abbreviations_misread", joined,
                     lambda t: _STREET_MISREAD.sub(" ул.", _HIGHWAY_MISREAD.sub(" ш.", t)))
    joined = fix("normalise.address.glued_words_spaced", joined, lambda t: _GLUED_STREET_ABBREVIATION.sub(r"\1 \2.", t))
    joined = re.sub(r"\s+,", ",", joined)
    return fix("normalise.address.junk_ends_cut", re.sub(r",(\s*,)+", ",", joined).strip(_EDGE_JUNK), _junk_ends_cut)


def _russian_abbreviations_read(text: str) -> str:
    """``_MISREAD_ABBREVIATIONS`` put right, in order."""
    for misread, abbreviation in _MISREAD_ABBREVIATIONS:
        text = misread.sub(abbreviation, text)
    return text


def _russian_digits_read(text: str) -> str:
    """"д." read as "4." (in an address with no other "д.") and a number read in letters before "лет"."""
    if "д." not in text:
        text = _HOUSE_MARK_AS_FOUR.sub("д.", text, count=1)
    return _YEARS_IN_LETTERS.sub(lambda m: m.group().translate(_DIGIT_LOOKALIKES), text)


def _russian_commas_read(text: str) -> str:
    """The dots a Russian address has where a comma was printed made commas, a comma after a
    street type closed up, a house number's slash read as a space put back, a postcode's dot
    glued to "г." spaced."""
    text = _STREET_DOT.sub(",", _NAME_DOT_BEFORE_NUMBER.sub(r"\1,", text))
    text = _SPACED_HOUSE_SLASH.sub(r"\1/\2", _NUMBER_DOT.sub(r"\1,", text))
    text = _COMMA_AFTER_STREET_TYPE.sub(r"\1. ", text)
    return _POSTCODE_DOT_GLUED.sub(r"\1, ", text)


def _web_address_cut(text: str) -> str:
    """``text`` without the card's web address read into it (``_WEB_ADDRESS_PART``); a web
    address alone is kept, the validator's to move."""
    without_web = _WEB_ADDRESS_PART.sub("", text)
    return without_web if without_web.strip(_EDGE_JUNK) else text


#: A hyphen with a space after it inside a word ("ИНЖЕНЕР- ПРОГРАММИСТ", "Smith- Jones"): OCR's
#: space, not a suspended hyphen ("Radio- and TV", "радио- и телевидение"), which a conjunction
#: follows; or with a space before it only ("Инженер -программист"): a dash between two parts
#: has spaces on both sides.
_SPACED_HYPHEN = re.compile(
    r"(?<=[^\W\d_]{2})-\s+(?!(?:и|или|and|or|und|oder|et|ou)\b)(?=[^\W\d_]{2})|(?<=[^\W\d_]{2})\s+-(?=[^\W\d_]{2})",
    re.IGNORECASE,
)
#: A Latin word starting with a small "l" before a consonant, which no word of our languages
#: does: a capital "I" misread ("lronbridge", "lT consultant"); abbreviations aside ("ltd").
_SMALL_L_BEFORE_CONSONANT = re.compile(r"(?<![^\W\d_])l[bcdfghjkmnpqrstvwxzBCDFGHJKLMNPQRSTVWXZ][A-Za-z]*\b")


def _capital_i_for_small_l(text: str) -> str:
    """``text`` with its words misread as starting with "l" (``_SMALL_L_BEFORE_CONSONANT``) put right."""
    return _SMALL_L_BEFORE_CONSONANT.sub(
        lambda m: m.group() if m.group().lower() in COMPANY_LEGAL_FORMS else "I" + m.group()[1:], text)


def name_problem(name: str) -> str | None:
    """Why ``name`` does not look like a person's full name, or None when it does."""
    words = name.split()
    if any(w.lower() in NAME_CONJUNCTIONS for w in words):
        return "several people joined by a conjunction (a firm's name?)"
    # honorifics, post-nominals and particles ("van", "de", "von") do not count as name words
    core = [w for w in words if w.lower().rstrip(",") not in NAME_AFFIXES and not w[0].islower()]
    if not 2 <= len(core) <= 4:
        return f"a full name has 2-4 words besides titles, this has {len(core)}"
    for word in words:
        if not _NAME_WORD.match(word):
            return f"{word!r} is not a name word (digits or symbols)"
        if has_latin(word) and has_cyrillic(word):
            return f"{word!r} mixes Latin and Cyrillic letters"
        letters = [ch for ch in word if ch.isalpha()]
        if word.lower().rstrip(",") not in NAME_AFFIXES and len(letters) > 2 and not any(ch in _VOWELS for ch in letters):  # "Ng" is a surname
            return f"{word!r} has no vowel (OCR garbage?)"
    return None


def is_complete_name(text: str) -> bool:
    """A person's full name on its own: name-shaped (``name_problem`` finds nothing) and holding
    a known given name, which tells "Maria Lopez" from "Webb Design"."""
    return name_problem(text) is None and has_given_name(text)


_INITIALS = re.compile(r"^(?:[^\W\d_]\.)+$")


def is_initialled_name(text: str) -> bool:
    """A name printed as initials and a surname ("М. Ф. Антонов", "J. Smith", "Антонов М.Ф."):
    complete as it is, so no line below it is a part of it."""
    words = text.split()
    initials = sum(bool(_INITIALS.match(w)) for w in words)
    return initials >= 1 and len(words) - initials == 1 and name_problem(text) is None


#: Digits OCR reads in place of letters (upper-case form first, lower-case second).
_DIGIT_LETTERS = {"0": ("O", "o"), "1": ("I", "l"), "5": ("S", "s"), "8": ("B", "b"), "6": ("G", "b")}
#: The same in Cyrillic names, where "З" is read as "3" ("3. Ю. Михайлов").
_DIGIT_CYRILLIC = {"0": ("О", "о"), "3": ("З", "з"), "6": ("Б", "б")}
#: An initial whose letter OCR read as a digit: "3." in a Cyrillic name.
_DIGIT_INITIAL = re.compile(r"^\d\.$")


def _fix_name_digits(word: str, cyrillic: bool = False) -> str:
    """``"5uzanne"`` -> ``"Suzanne"``, ``"Gi1les"`` -> ``"Gilles"``: a name never holds digits, so a
    digit inside a word of letters is a misread letter (capital at the start, small inside).
    In a Cyrillic name a digit initial ("3.") is a letter too."""
    table = _DIGIT_CYRILLIC if cyrillic else _DIGIT_LETTERS
    if cyrillic and _DIGIT_INITIAL.match(word) and word[0] in table:
        return table[word[0]][0] + "."
    if not any(ch.isalpha() for ch in word) or not all(ch.isalpha() or ch in table or ch in ".-'’," for ch in word):
        return word
    upper = word.isupper()
    fixed = "".join(
        table[ch][0 if i == 0 or upper else 1] if ch in table else ch for i, ch in enumerate(word)
    )
    if not cyrillic and "1" in word[1:] and not upper and not any(ch in _VOWELS for ch in fixed):
        fixed = fixed[0] + fixed[1:].replace("l", "i")  # "Sm1th": the 1 was an i, not an l
    return fixed


#: Initials and titles glued to the next word ("С.А. Павлов", "DR.TOM"): one spelling for the CRM.
_GLUED_INITIAL = re.compile(r"\b([^\W\d_]|Dr|Mr|Ms|Mrs|Prof)\.(?=[^\W\d_])", re.IGNORECASE)


#: Shortest given name and surname a glued name word is split into.
_MIN_GIVEN, _MIN_SURNAME = 3, 4


#: A given name, a middle initial and a surname run together: "CASEYT.ADAMS".
_GLUED_MIDDLE_INITIAL = re.compile(r"([^\W\d_]{3,})([^\W\d_])\.([^\W\d_]{2,})")


def _unglued_name_word(word: str) -> str:
    """``"NICHOLASJAMES"`` -> ``"NICHOLAS JAMES"``, ``"CASEYT.ADAMS"`` -> ``"CASEY T. ADAMS"``: a
    letter-spaced font lost the spaces. Split after the longest known given name that leaves a
    surname; used only when the name as read is not a name, so "Johnson" in "Mark Johnson" is
    never cut."""
    known = given_names()
    initial = _GLUED_MIDDLE_INITIAL.fullmatch(word)
    if initial and initial.group(1).lower() in known:
        return f"{initial.group(1)} {initial.group(2)}. {initial.group(3)}"
    if not word.isalpha() or len(word) < _MIN_GIVEN + _MIN_SURNAME:
        return word
    for cut in range(len(word) - _MIN_SURNAME, _MIN_GIVEN - 1, -1):
        if word[:cut].lower() in known:
            return f"{word[:cut]} {word[cut:]}"
    return word


#: A dot after a whole name word (four letters or more) is noise, not an initial's.
_STRAY_END_DOT = re.compile(r"[^\W\d_]{4,}\.$")


def _capital_i_restored(word: str) -> str:
    """``"lan"`` -> ``"Ian"``: a name word that starts with a small "l" is a capital "I" misread
    when the "I" spelling is a known given name (particles such as "le" stay small)."""
    if len(word) > 2 and word[0] == "l" and word[1:].isalpha() and word[1:].islower():
        if word.lower() not in NAME_AFFIXES and ("i" + word[1:]) in given_names():
            return "I" + word[1:]
    return word




def _capitalised(word: str) -> str:
    """``"silva"`` -> ``"Silva"``: a lower-case name word of four letters or more is a capital OCR
    read small (an "S", "C", "O"... differ in size only), not a particle."""
    if len(word) >= 4 and word.isalpha() and word.islower() and word not in LONG_NAME_PARTICLES:
        return word.capitalize()
    return word


def normalise_full_name(text: str) -> NormalisedValue:
    fix = Repairs()
    printed = fix("normalise.words.spaced_hyphen_closed", tidy(text), lambda t: _SPACED_HYPHEN.sub("-", t))
    cyrillic = has_cyrillic(printed)
    words = [fix("normalise.full_name.small_l_for_capital_i",
                 fix("normalise.full_name.digits_for_letters", w, lambda t: _fix_name_digits(t, cyrillic)),
                 _capital_i_restored)
             for w in _GLUED_INITIAL.sub(r"\1. ", printed).split()]
    # "Радислав 3 Колесников", "Нестор ‚ Фролов", "Владилен i Гришин": specks read as a digit, a
    # mark, or in a Cyrillic name a lone Latin letter
    words = fix("normalise.full_name.specks_dropped", " ".join(words),
                lambda t: " ".join([w for w in t.split() if not w.isdigit() and any(c.isalpha() for c in w)
                                    and not (cyrillic and len(w) == 1 and w.isascii())] or t.split())).split()
    words = [fix("normalise.full_name.small_capital_restored", w, _capitalised) for w in words]
    if words:  # "Владиславович." : a speck read as a dot; "J." and "Jr." keep theirs
        words[-1] = fix("normalise.full_name.stray_dot_cut", words[-1],
                        lambda w: w[:-1] if _STRAY_END_DOT.search(w) and w.lower() not in NAME_AFFIXES else w)
    value = " ".join(words)
    if name_problem(value) is not None:
        value = fix("normalise.full_name.glued_words_split", value, _unglued_if_a_name)
    problem = name_problem(value)
    return NormalisedValue(value, value, problem is None, problem, fixed=value != printed, repairs=tuple(fix.ids))


def _unglued_if_a_name(value: str) -> str:
    """``value`` with its glued name words split (``_unglued_name_word``) where that makes a name."""
    unglued = " ".join(_unglued_name_word(w) for w in value.split())
    return unglued if unglued != value and name_problem(unglued) is None else value


def _has_letter(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


#: Russian legal forms a company name starts with, as a regex alternation.
_RUSSIAN_FORMS = alternation(RUSSIAN_NAME_OPENERS)
#: A speck read as a digit before a legal form ("3 ЗАО «Север»").
_DIGIT_BEFORE_LEGAL_FORM = re.compile(rf"^\d\s+(?=(?:{_RUSSIAN_FORMS}|{alternation(LEGAL_FORMS_OPENING_A_NAME)})\b)", re.IGNORECASE)
#: Any one character before a Russian legal form that a name follows is one too ("ı АО
#: «Воронова»"); a letter before "Ltd" is the name ("Q Ltd").
_SPECK_BEFORE_RUSSIAN_LEGAL_FORM = re.compile(rf"^[^\s«\"„“]\s+(?=(?:{_RUSSIAN_FORMS})\s)")
#: ... and a short run of a logo's marks with a symbol or a lower-case letter in it ("ос] ООО
#: «Cobalt Софт»"): a Russian legal form opens the name, in capitals.
_MARKS_BEFORE_RUSSIAN_LEGAL_FORM = re.compile(
    rf"^(?:(?=\S{{0,2}}[^А-ЯЁA-Z\s])\S{{2,3}}|[A-Z]{{1,3}})\s+(?=(?:{_RUSSIAN_FORMS})\s)"  # "AG АО «...»" too
)
#: A logo's monogram read on the name's line: a lone capital before a word that starts with it
#: ("K KNIGHT-MURRAY", "R ROMERO-HARRISON").
_MONOGRAM_BEFORE_NAME = re.compile(r"^([A-ZА-ЯЁ])\s+(?=\1[^\W\d_]{2})")
#: Contact labels glued in front of the name ("е-тай: е-тай: Вишнякова Инкорпорэйтед", a
#: Tesseract "e-mail:"): one or two short words closed by a colon, which no firm's name starts with.
_LEADING_LABELS = re.compile(r"^(?:[^\s:]{1,12}:\s*){1,2}(?=[^\W\d_])")


def _balanced_quotes(text: str) -> str:
    """A quote mark OCR added after the closing one ('ООО "Прогрессинвест"\''): dropped; a
    closing quote read in another form than the opening straight one ('"Polaris Логистик“',
    'ООО "Эталон\'') made straight too."""
    if text.count('"') == 1 and text[-1:] in "“”'" and text.count(text[-1]) == 1 and text.index('"') < len(text) - 1:
        text = text[:-1] + '"'
    while text and text[-1] in "'‘’\"" and text[:-1].rstrip().endswith(("\"", "»", "”")) and text.count(text[-1]) % 2:
        text = text[:-1].rstrip()
    return text


#: A legal form a letter-spaced font glued to the name before it ("TERRAPLC", "JONESINC"; "Acme
#: GmbH" fine; "Zinc" has too few letters before the "inc").
_GLUED_LEGAL_FORM = re.compile(
    rf"(?<=[^\W\d_]{{3}})({alternation(GLUED_LEGAL_FORMS_SHORT)})(\.?)$"
    rf"|(?<=[^\W\d_]{{5}})({alternation(GLUED_LEGAL_FORMS_LONG)})(\.?)$", re.IGNORECASE
)
#: Long legal forms OCR misread by a letter as the company's last word ("Garner Analytics Linited").
_LONG_LEGAL_FORMS = tuple(sorted(form for form in COMPANY_LEGAL_FORMS if form.isalpha() and len(form) >= 7))
#: An Irish "O'" read as a zero ("0'sullivan Construction").
_ZERO_FOR_O_APOSTROPHE = re.compile(r"(?<![\w'])0(['’])([a-z])")


def _long_legal_form_respelled(value: str) -> str:
    """The company's last word put right where it is one letter off a long legal form."""
    head, _, last = value.rpartition(" ")
    bare = last.rstrip(".")
    found = one_letter_from(bare.lower(), _LONG_LEGAL_FORMS) if head and len(bare) >= 7 else None
    return f"{head} {cased_like(bare, found)}{last[len(bare):]}" if found else value


#: A comma between a firm's surnames read as a dot ("Соколов. Муравьев и Коновалов"): a whole
#: word, a dot, then the last two names joined by a conjunction.
_SURNAME_DOT = re.compile(r"(?<=[^\W\d_]{3})\.\s+(?=[^\W\d_]{3,}\s+(?:и|and|&|und|et)\s)", re.IGNORECASE)


#: "ООО" read in Latin letters or zeros before a Cyrillic name ('ooo "СПЕКТР"', "OOO «Вектор»").
_LATIN_OOO = re.compile(r"^[oO0]{3}(?=\s*[«\"„“]?\s*[А-ЯЁ])")
#: Spaces OCR put inside guillemets ("ЗАО « REDWOOD »"): Russian typography sets none.
_SPACE_INSIDE_GUILLEMETS = re.compile(r"(?<=«)\s+|\s+(?=»)")


#: Specks OCR read around a company name: stroke-like marks before it ("ıı White Construction
#: Group"), an opening bracket never closed ("Котова, ( Орехов"), angle brackets hugging a
#: guillemet ("<«<КАПУСТИНА").
_LEADING_STROKES = re.compile(r"^[ı|¦!¡ǀ]{1,3}\s+(?=[^\W\d_])")
_UNCLOSED_BRACKET = re.compile(r"\s\((?=\s)(?![^()]*\))")
_ANGLES_AT_GUILLEMET = re.compile(r"[<>]*([«»])[<>]*")


#: A company's first word: three Cyrillic capitals before the name, where a legal form stands.
_LEADING_FORM = re.compile(r"^([А-ЯЁ]{3})(?=\s+[«\"„“A-ZА-ЯЁ])")
_RUSSIAN_THREE_LETTER_FORMS = sorted(f.upper() for f in COMPANY_LEGAL_FORMS if len(f) == 3 and has_cyrillic(f))


def _legal_form_restored(value: str) -> str:
    """A Russian legal form with one letter misread ("ЗЛО «Соболева»" for "ЗАО", "ПЛО" for
    "ПАО") put right where exactly one form is one letter away; "МАО" (ПАО? ЗАО? ОАО?) stays."""
    match = _LEADING_FORM.match(value)
    if match is None or match.group(1) in _RUSSIAN_THREE_LETTER_FORMS:
        return value
    form = one_letter_from(match.group(1), _RUSSIAN_THREE_LETTER_FORMS)
    return value if form is None else form + value[3:]


def normalise_company(text: str) -> NormalisedValue:
    fix = Repairs()
    value = re.sub(r",(?=[^\W\d_])", ", ", tidy(text))  # "Granite,Inc." as printed: "Granite, Inc."
    value = fix("normalise.company.specks_cut", value,
                lambda t: _UNCLOSED_BRACKET.sub("", _ANGLES_AT_GUILLEMET.sub(r"\1", _LEADING_STROKES.sub("", t))))
    value = fix("normalise.company.latin_ooo", _SPACE_INSIDE_GUILLEMETS.sub("", value), lambda t: _LATIN_OOO.sub("ООО", t))
    value = fix("normalise.company.russian_legal_form_respelled", value, _legal_form_restored)
    value = fix("normalise.words.small_l_before_consonant", value, _capital_i_for_small_l)
    value = fix("normalise.words.spaced_hyphen_closed", value, lambda t: _SPACED_HYPHEN.sub("-", t))
    value = fix("normalise.company.surname_dot_for_comma", value, lambda t: _SURNAME_DOT.sub(", ", t))
    value = fix("normalise.company.glued_legal_form_spaced", value, lambda t: _GLUED_LEGAL_FORM.sub(
        lambda m: f" {m.group(1) or m.group(3)}{m.group(2) or m.group(4) or ''}", t))
    value = fix("normalise.company.long_legal_form_respelled", value, _long_legal_form_respelled)
    value = fix("normalise.company.zero_for_o_apostrophe", value, lambda t: _ZERO_FOR_O_APOSTROPHE.sub(
        lambda m: f"O{m.group(1)}{m.group(2).upper()}", t))
    value = fix("normalise.company.monogram_cut", value, lambda t: _MONOGRAM_BEFORE_NAME.sub("", t))
    value = fix("normalise.company.labels_cut", value, lambda t: _LEADING_LABELS.sub("", t))
    value = fix("normalise.company.marks_before_legal_form", value, lambda t: _SPECK_BEFORE_RUSSIAN_LEGAL_FORM.sub(
        "", _DIGIT_BEFORE_LEGAL_FORM.sub("", _MARKS_BEFORE_RUSSIAN_LEGAL_FORM.sub("", t))))
    value = fix("normalise.company.quotes_balanced", value, _balanced_quotes)
    value = fix("normalise.company.legal_form_undotted", value, lambda t: _STRAY_DOT_IN_LEGAL_FORM.sub(_legal_form_undotted, t))
    repairs = tuple(fix.ids)
    if is_registration_number(value):  # "OKNO74573024": "ОКПО" and its number
        return NormalisedValue(value, value, False, "a registration number, not a company name", repairs=repairs)
    if (_REGISTRATION_LABELS.match(value) and value.isupper()) or _CONTACT_LABEL.match(value):  # "HH/KIII", "е-тай"
        return NormalisedValue(value, value, False, "a printed label, not a company name", repairs=repairs)
    ok = _has_letter(value)
    return NormalisedValue(value, value, ok, None if ok else "a company name needs letters", repairs=repairs)


#: Two registration labels printed as a pair ("ИНН/КПП"), however OCR read their capitals
#: ("HH/KIII", "ÈHH/KIIII"), with nothing after them.
_REGISTRATION_LABELS = re.compile(r"^\W{0,2}[^\W\d_]{2,4}\s?/\s?[^\W\d_]{2,5}\W{0,2}$")
#: An e-mail label alone ("е-тай", "E-mail:", "Почта"), which the tagger can take for a name.
_CONTACT_LABEL = re.compile(r"^(?i:[eе][\-\s]?(?:mail|тай|maii|mai1)|почта|mail|email)\W{0,2}$")


#: A legal form with a speck read as a dot inside it ("Northstar Consulting L.LP"); fully dotted
#: forms ("L.L.C.", "S.A.") are printed so.
_STRAY_DOT_IN_LEGAL_FORM = re.compile(r"(?<!\S)[A-Za-z]{1,3}\.[A-Za-z]{1,3}(?!\S)")


def _legal_form_undotted(match: re.Match[str]) -> str:
    undotted = match.group().replace(".", "")
    return undotted if undotted.lower() in COMPANY_LEGAL_FORMS and match.group().lower() not in COMPANY_LEGAL_FORMS else match.group()


#: Symbols after a title, no letter or digit among them: a phone icon below it read as "№"
#: and run onto the title ("Управляющий партнёр №"), a bullet, a bar.
_TRAILING_SYMBOLS = re.compile(r"(?:\s+[^\w\s()]+)+$")
#: The word joining a title to the company printed after it ("Art Director at Acme"), left at
#: the end when the company is a value of its own.
_TRAILING_CONNECTOR = re.compile(rf"\s+(?:{alternation(TITLE_COMPANY_CONNECTORS)})$", re.IGNORECASE)




#: Capitals a letter-spacing font or OCR split apart ("C OO"), with "0" read for "O" ("C0O").
_SPACED_CAPITALS = re.compile(r"^[A-Z0](?:\s?[A-Z0])+$")


def closed_up_capitals(text: str) -> str:
    """``"C OO"`` / ``"C0O"`` -> ``"COO"``: a line of single spaced-out capitals is one word."""
    if _SPACED_CAPITALS.match(text) and any(c.isalpha() for c in text):
        return text.replace(" ", "").replace("0", "O")
    return text


#: A speck read as a dot after a title's last word: a word this long is no abbreviation ("Mgr.",
#: "Assoc." keep theirs; "Финансовый директор." does not).
_STRAY_TITLE_DOT = re.compile(r"(?<=[^\W\d_]{7})\.$")
_OPENING_QUOTES = "„“”\"«‚'"


def _unpaired_marks_cut(title: str) -> str:
    """A quote mark opening a title that closes nowhere ("„Донкерман"), a bracket closing one that
    opens nowhere ("Менеджер по работе с клиентами )"): specks or a logo's edge read as marks."""
    if title[:1] in _OPENING_QUOTES and not any(c in title[1:] for c in "“”\"»'’"):
        title = title[1:].lstrip()
    if title.endswith(")") and "(" not in title:
        title = title[:-1].rstrip()
    return title


def normalise_position(text: str) -> NormalisedValue:
    fix = Repairs()
    value = fix("normalise.words.small_l_before_consonant", tidy(text), _capital_i_for_small_l)
    value = fix("normalise.words.spaced_hyphen_closed", value, lambda t: _SPACED_HYPHEN.sub("-", t))
    value = fix("normalise.position.trailing_connector_cut", value, lambda t: _TRAILING_CONNECTOR.sub("", t))
    value = fix("normalise.position.trailing_symbols_cut", value, lambda t: _TRAILING_SYMBOLS.sub("", t))
    value = fix("normalise.position.unpaired_marks_cut", value, _unpaired_marks_cut)
    value = fix("normalise.position.stray_dot_cut", value, lambda t: _STRAY_TITLE_DOT.sub("", t))
    value = fix("normalise.position.spaced_capitals_closed", value, _title_closed_up)  # "C F O", "C0O"
    repairs = tuple(fix.ids)
    if not _has_letter(value):
        return NormalisedValue(value, value, False, "a position needs letters", repairs=repairs)
    if sum(c.isdigit() for c in value) > sum(c.isalpha() for c in value):
        # "M07448": a phone number with its label glued on, not a job title
        return NormalisedValue(value, value, False, "more digits than letters: a number, not a job title",
                               repairs=repairs)
    if any(w.strip(".,!:;").lower() in SLOGAN_WORDS for w in value.split()):
        return NormalisedValue(value, value, False, "reads as a slogan (it addresses the reader), not a job title",
                               repairs=repairs)
    return NormalisedValue(value, value, True, None, repairs=repairs)


def _title_closed_up(value: str) -> str:
    """``value`` closed up (``closed_up_capitals``) where that spells a title word: a letter-spaced title."""
    closed = closed_up_capitals(value)
    return closed if closed.lower() in TITLE_WORDS else value


#: An address of this many words or fewer needs a number (house, postcode) or a comma between
#: its parts (town, country).
_MAX_BARE_ADDRESS_WORDS = 3
#: A web address tagged as the address ("mukhina-galkina. net"); the validator moves it.
WEB_ADDRESS_NOT_POSTAL = "a web address, not a postal address"
_HOST_LIKE = re.compile(r"^(?:www\s*\.\s*)?[\w\-]+(?:\s*\.\s*[\w\-]+)*\s*\.\s*[^\W\d_]{2,}$", re.IGNORECASE)


def normalise_address(text: str) -> NormalisedValue:
    fix = Repairs()
    value = join_address_lines(text, fix)
    repairs = tuple(fix.ids)
    if len(value) < _MIN_ADDRESS_CHARS or not _has_letter(value):
        return NormalisedValue(value, value, False, "too short to be an address", repairs=repairs)
    if is_registration_number(value):
        return NormalisedValue(value, value, False, "a registration number, not an address", repairs=repairs)
    if _HOST_LIKE.match(value) and not any(c.isdigit() for c in value):
        return NormalisedValue(value, value, False, WEB_ADDRESS_NOT_POSTAL, repairs=repairs)
    if not any(c.isdigit() for c in value) and "," not in value and len(value.split()) <= _MAX_BARE_ADDRESS_WORDS:
        # "Cmpouu Ösdynre": a slogan read in garbled Latin; "Paris, France" keeps its comma
        return NormalisedValue(value, value, False, "no number and no parts: too little for an address",
                               repairs=repairs)
    return NormalisedValue(value, value, True, None, repairs=repairs)
