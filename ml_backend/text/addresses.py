"""Address knowledge, defined once: Russian street, building and settlement types, postcode shapes.

The reader repairs and checks addresses in many places (the value normaliser, the tagger's
repairs, the shape checks, the look-alike letters of Cyrillic cards, the regex baseline); each
of them takes the words and patterns from here, so that a street type or a postcode shape
added once is known everywhere, and no two copies drift apart.

The tables are data; the regular-expression pieces below them are built from the tables and
carry no capture groups, so a caller may wrap them in its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class AddressWord:
    """One kind of address part as Russian cards print it.

    ``full`` is the word in full ("улица"); ``abbreviations`` are its short forms without the
    dot, the usual one first ("пр", "просп", "пр-т", "пр-кт" for "проспект"). ``usual`` marks
    the parts nearly every card's address holds (a house, an office...), the ones the repairs
    look for by name; the others are only recognised."""

    full: str
    abbreviations: tuple[str, ...] = ()
    usual: bool = True


#: Street types: an address with a house number names one ("ул. Ленина, д. 5").
RUSSIAN_STREET_TYPES: tuple[AddressWord, ...] = (
    AddressWord("улица", ("ул",)),
    AddressWord("переулок", ("пер",)),
    AddressWord("проспект", ("пр", "просп", "пр-т", "пр-кт")),
    AddressWord("проезд", ("пр-д",)),
    AddressWord("набережная", ("наб",)),
    AddressWord("бульвар", ("бул", "б-р", "бульв")),
    AddressWord("шоссе", ("ш",)),
    AddressWord("площадь", ("пл",)),
    AddressWord("аллея", ("алл", "ал")),
    AddressWord("тупик", ("туп",)),
    AddressWord("микрорайон", ("мкр", "мкрн")),
    AddressWord("линия"),
    AddressWord("тракт"),
    AddressWord("квартал"),
)
#: Parts of a building, each followed by its number ("д. 5, корп. 2, стр. 1, оф. 12").
RUSSIAN_BUILDING_PARTS: tuple[AddressWord, ...] = (
    AddressWord("дом", ("д",)),
    AddressWord("корпус", ("корп", "кор", "к")),
    AddressWord("строение", ("стр",)),
    AddressWord("офис", ("оф",)),
    AddressWord("квартира", ("кв",)),
    AddressWord("помещение", ("пом",), usual=False),
    AddressWord("этаж", ("эт",), usual=False),
    AddressWord("кабинет", ("каб",), usual=False),
    AddressWord("комната", ("комн", "ком"), usual=False),
    AddressWord("литера", ("лит",), usual=False),
    AddressWord("владение", ("вл", "влд"), usual=False),
    AddressWord("здание", ("зд",), usual=False),
    AddressWord("сооружение", ("соор",), usual=False),
    AddressWord("участок", ("уч",), usual=False),
    AddressWord("подъезд", ("под",), usual=False),
)
#: Settlements and regions ("г. Москва", "Московская обл.", "пос. Заречный").
RUSSIAN_SETTLEMENT_TYPES: tuple[AddressWord, ...] = (
    AddressWord("город", ("г",)),
    AddressWord("область", ("обл",), usual=False),
    AddressWord("район", ("р-н",), usual=False),
    AddressWord("посёлок", ("пос", "п"), usual=False),
    AddressWord("посёлок городского типа", ("пгт",), usual=False),
    AddressWord("село", ("с",), usual=False),
    AddressWord("деревня", ("дер",), usual=False),
    AddressWord("хутор", ("х",), usual=False),
    AddressWord("станица", ("ст",), usual=False),
    AddressWord("республика", ("респ",), usual=False),
    AddressWord("территория", ("тер",), usual=False),
)
#: Abbreviations inside street names ("ул. им. Гагарина", "ул. Б. Ордынка").
RUSSIAN_NAME_ABBREVIATIONS: tuple[AddressWord, ...] = (
    AddressWord("имени", ("им",), usual=False),
    AddressWord("большая", ("б",), usual=False),
)


def _dotted(rows: tuple[AddressWord, ...], usual_only: bool = False, first_only: bool = False) -> tuple[str, ...]:
    """The abbreviations of ``rows`` that are written with a dot (no hyphen: "пр-т", "б-р" take none)."""
    out: list[str] = []
    for row in rows:
        if usual_only and not row.usual:
            continue
        for abbreviation in row.abbreviations[:1] if first_only else row.abbreviations:
            if "-" not in abbreviation:
                out.append(abbreviation)
    return tuple(out)


#: The abbreviations of streets, building parts and settlements, lower case, without the dot.
RUSSIAN_PLACE_ABBREVIATIONS: frozenset[str] = frozenset(
    a for rows in (RUSSIAN_STREET_TYPES, RUSSIAN_BUILDING_PARTS, RUSSIAN_SETTLEMENT_TYPES)
    for row in rows for a in row.abbreviations
)
#: Every abbreviation of a Russian address (those inside street names too).
RUSSIAN_ADDRESS_ABBREVIATIONS: frozenset[str] = RUSSIAN_PLACE_ABBREVIATIONS | frozenset(
    a for row in RUSSIAN_NAME_ABBREVIATIONS for a in row.abbreviations
)
#: Street-type abbreviations written with a dot ("ул.", "просп.", "мкр.").
RUSSIAN_STREET_ABBREVIATIONS: tuple[str, ...] = _dotted(RUSSIAN_STREET_TYPES)
#: The usual building parts' usual abbreviations ("д.", "корп.", "стр.", "оф.", "кв."): those
#: always followed by a number ("к." alone is also a preposition, "кор." rare; they are left out).
RUSSIAN_UNIT_ABBREVIATIONS: tuple[str, ...] = _dotted(RUSSIAN_BUILDING_PARTS, usual_only=True, first_only=True)
#: Street types in full and abbreviated (with a hyphen or a dot), lower case.
RUSSIAN_STREET_WORDS: tuple[str, ...] = tuple(
    word for row in RUSSIAN_STREET_TYPES for word in (*row.abbreviations, row.full)
)


def alternation(words: tuple[str, ...] | frozenset[str]) -> str:
    """``words`` as one regular-expression alternation, longest first (so "просп" is tried
    before "пр"), without a group: callers wrap it as they need."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


#: The street-type abbreviations as an alternation ("ул|пер|просп|..."), for a following "\.".
RUSSIAN_STREET_ABBREVIATION = alternation(RUSSIAN_STREET_ABBREVIATIONS)
#: The usual building parts' abbreviations as an alternation ("д|корп|стр|оф|кв").
RUSSIAN_UNIT_ABBREVIATION = alternation(RUSSIAN_UNIT_ABBREVIATIONS)
#: The town mark, street types and usual building parts: the abbreviations a Russian card's
#: address nearly always prints with a dot, which OCR loses or reads as a colon.
RUSSIAN_DOTTED_ABBREVIATION = alternation(
    (*_dotted(RUSSIAN_SETTLEMENT_TYPES, usual_only=True), *RUSSIAN_STREET_ABBREVIATIONS, *RUSSIAN_UNIT_ABBREVIATIONS)
)
#: A street-type word, full or abbreviated, as a whole word (any case).
RUSSIAN_STREET_WORD = re.compile(r"(?<![\w-])(?:" + alternation(RUSSIAN_STREET_WORDS) + r")(?![\w-])", re.IGNORECASE)


#: Street types printed before the street's name, opening the address's first line, in the Latin
#: languages whose addresses go from the street to the town ("Rua Pinhal, 283", "Av. Itaquera",
#: "Calle Mayor 5", "Via Roma 1", "rue de Rivoli", "ul. Długa 5"); lower case, as the first word
#: of a line reads. (Russian addresses may begin with the town: "г. Москва, ул. Тверская".)
STREET_TYPES_OPENING_A_LINE: frozenset[str] = frozenset({
    "rua", "r.", "av.", "av", "avenida", "al.", "alameda", "travessa", "tv.", "estrada", "est.", "praça", "pça.",
    "rodovia", "rod.", "largo", "calle", "c/", "avda.", "avda", "paseo", "pº", "plaza", "pza.", "carrera", "cra.",
    "camino", "via", "viale", "v.le", "piazza", "p.za", "corso", "rue", "avenue", "boulevard", "bd", "bd.",
    "allée", "chemin", "quai", "impasse", "ul.", "aleja", "plac", "os.",
})


# --- postcodes -----------------------------------------------------------------------------
# Each shape is written once, as a pattern piece without anchors or groups; the compiled
# patterns below and the callers' own (a postcode glued to a town, a line that is only a
# postcode) are built from these.

#: British postcode: outward code ("SW1A", "M28") and inward code ("2TS").
UK_OUTWARD_CODE = r"[A-Z]{1,2}\d[A-Z\d]?"
UK_INWARD_CODE = r"\d[A-Z]{2}"
#: The inward code's letters the Royal Mail uses (no C, I, K, M, O, V): a code OCR's letter/digit
#: swaps produced is taken only when it comes out as one of these.
UK_INWARD_CODE_STRICT = r"\d[ABD-HJLNP-UW-Z]{2}"
#: US ZIP code, five digits or ZIP+4.
US_ZIP_CODE = r"\d{5}(?:-\d{4})?"
US_ZIP_PLUS_FOUR = r"\d{5}-\d{4}"
#: Russian postcode: six digits.
RU_POSTCODE = r"\d{6}"
#: German, French, Spanish, Italian postcode: five digits.
FIVE_DIGIT_POSTCODE = r"\d{5}"
#: Brazilian CEP: "01310-100".
BR_CEP = r"\d{5}-\d{3}"
#: Chilean and Israeli postcode: seven digits, printed unbroken ("8251900").
SEVEN_DIGIT_POSTCODE = r"\d{7}"

#: Postcode shapes by the region whose addresses print them.
POSTCODE_SHAPES: dict[str, str] = {
    "GB": rf"{UK_OUTWARD_CODE}\s*{UK_INWARD_CODE}",
    "US": US_ZIP_CODE,
    "RU": RU_POSTCODE,
    "DE": FIVE_DIGIT_POSTCODE,
    "FR": FIVE_DIGIT_POSTCODE,
    "ES": FIVE_DIGIT_POSTCODE,
    "IT": FIVE_DIGIT_POSTCODE,
    "BR": BR_CEP,
    "CL": SEVEN_DIGIT_POSTCODE,
    "IL": SEVEN_DIGIT_POSTCODE,
}


def is_postcode_of_some_region(text: str) -> bool:
    """Whether ``text`` is, as a whole, a postcode shaped as one of ``POSTCODE_SHAPES``'s regions
    prints it ("9304680" in Chile, "01310-100" in Brazil): it may be right as read on a card of
    that region, whatever region the card's other evidence points to."""
    text = text.strip()
    return any(re.fullmatch(shape, text) for shape in POSTCODE_SHAPES.values())

#: A UK postcode anywhere in a text, its space optional ("W11 1ZA", "BA118XZ").
UK_POSTCODE = re.compile(rf"\b{UK_OUTWARD_CODE}\s*{UK_INWARD_CODE}\b")
#: A well-formed UK postcode, the whole text, spaced as printed ("GU6 5UG").
UK_POSTCODE_STRICT = re.compile(rf"^{UK_OUTWARD_CODE} {UK_INWARD_CODE_STRICT}$")
