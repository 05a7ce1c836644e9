"""Cyrillic words that OCR spelled with Latin look-alikes, put back on Cyrillic cards.

PP-OCR has no Cyrillic glyphs and Tesseract's ``rus+eng`` model hesitates between the scripts,
so on a Russian card "ООО «ВЕКТОР»" comes back as "OOO «BEKTOP»" or "000 «BEKTOP»", "пр." as
"np.", "пер." as "nep." and "г." as "r.". The tagger then sees words it never saw in Russian
context, and the CRM gets a company nobody can search for. On a card whose text is mostly
Cyrillic, three conservative repairs are made:

* a word that mixes the scripts ("Bысший") has its Latin look-alikes replaced;
* an upper-case word made only of letters that exist in both alphabets ("BEKTOP", "OOO") becomes
  Cyrillic; "000" before a quoted name is the legal form "ООО", "IIAO" is "ПАО";
* a short lower-case abbreviation with a dot ("np.", "nep.", "r.") becomes Cyrillic only when
  one of its readings is a known Russian address or contact abbreviation.

PP-OCR's dictionary has Greek letters too, and it reads "ГК" as "ΓK", "Ф." as "Φ.": Greek
letters, which no card we read prints, become the Cyrillic letter they look like on a Cyrillic
card and the Latin one on a Latin card, before the repairs above.

E-mail addresses, web addresses and lines without Cyrillic context are never touched, except
that on a Latin card an upper-case word of Cyrillic look-alikes ("СТО", Tesseract's reading of
"CTO") becomes Latin.
"""

from __future__ import annotations

import itertools
import re

from ml_backend.schema import OcrLine
from ml_backend.text.addresses import RUSSIAN_PLACE_ABBREVIATIONS
from ml_backend.text.labels import RUSSIAN_LABEL_ABBREVIATIONS

#: Share of a card's letters that must be Cyrillic for the card to count as Cyrillic.
MIN_CARD_CYRILLIC_SHARE = 0.25

#: Latin letters (and digits) OCR emits for Cyrillic ones; some have several readings.
_LOOKALIKES: dict[str, tuple[str, ...]] = {
    "A": ("А",), "B": ("В",), "C": ("С",), "E": ("Е",), "H": ("Н",), "K": ("К",), "M": ("М",),
    "O": ("О",), "P": ("Р",), "T": ("Т",), "X": ("Х",), "Y": ("У",),
    "a": ("а",), "c": ("с",), "e": ("е",), "o": ("о",), "p": ("р",), "x": ("х",), "y": ("у",),
    "k": ("к",), "m": ("м", "т"), "n": ("п", "л", "и"), "u": ("и", "п"), "r": ("г",), "t": ("т",),
    "6": ("б",), "3": ("з",), "d": ("д", "ф"),  # "od." for "оф.": OCR reads "ф" as "d" too
}
#: Latin capitals whose Cyrillic twin looks the same: a word of only these may be either script.
_SHARED_CAPITALS = frozenset("ABCEHKMOPTXY")
#: Latin acronyms Russian cards print as they are ("CEO", "HR"): never converted.
_LATIN_ACRONYMS = frozenset({"CEO", "COO", "CTO", "CMO", "HR", "PR", "IT", "TM", "MBA", "PMO", "KAM", "HoReCa"})
#: Abbreviations (without the dot) that Russian addresses and contact lines use; not those inside
#: street names ("б." for "Большая" is a "6." as often).
_ABBREVIATIONS = RUSSIAN_PLACE_ABBREVIATIONS | RUSSIAN_LABEL_ABBREVIATIONS
#: Legal forms with a letter no Latin look-alike covers ("П" read as "II", "З" as "3").
_LEGAL_FORMS = {"IIAO": "ПАО", "IAO": "ПАО", "3AO": "ЗАО", "IIK": "ПК", "HIIO": "НПО", "HKO": "НКО", "AHO": "АНО"}
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z]")
_TOKEN = re.compile(r"\S+")
_ADDRESS_LIKE = re.compile(r"@|www|https?:|\.[a-z]{2,}\b", re.IGNORECASE)
_ABBREVIATION = re.compile(r"^([A-Za-z36]{1,5})\.([,;]?)$")
#: Greek letters OCR emits for Cyrillic or Latin ones of the same shape (and Azerbaijani "Ə",
#: its reading of "Э"; Lithuanian "ų", its reading of "ч").
_GREEK_AS_CYRILLIC = str.maketrans({
    "Α": "А", "Β": "В", "Γ": "Г", "Δ": "Д", "Ε": "Е", "Η": "Н", "Κ": "К", "Λ": "Л", "Μ": "М", "Ο": "О",
    "Π": "П", "Ρ": "Р", "Τ": "Т", "Υ": "У", "Φ": "Ф", "Χ": "Х", "α": "а", "γ": "г", "ε": "е", "κ": "к",
    "λ": "л", "ο": "о", "π": "п", "ρ": "р", "τ": "т", "φ": "ф", "χ": "х", "Ə": "Э", "ə": "э", "ų": "ч",
})
_GREEK_AS_LATIN = str.maketrans({
    "Α": "A", "Β": "B", "Ε": "E", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P",
    "Τ": "T", "Υ": "Y", "Χ": "X", "Ζ": "Z", "α": "a", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x",
})
_ZEROS_LEGAL_FORM = re.compile(r"^(?=[0OoОо]{0,2}0)[0OoОо]{3}(?=\s*[«\"„“'A-ZА-Я])")  # "000", "00o"


def cyrillic_share(texts: list[str]) -> float:
    """Share of Cyrillic letters among the Latin and Cyrillic letters of ``texts``."""
    joined = " ".join(texts)
    cyr, lat = len(_CYRILLIC.findall(joined)), len(_LATIN.findall(joined))
    return cyr / (cyr + lat) if cyr + lat else 0.0


def cyrillic_readings(word: str) -> list[str]:
    """Every Cyrillic spelling of an all-look-alike ``word`` (at most 64: words are short), or
    none when a character has no Cyrillic look-alike."""
    options = [_LOOKALIKES.get(ch) for ch in word]
    if any(o is None for o in options):
        return []
    return ["".join(p) for p in itertools.islice(itertools.product(*options), 64)]


def _restore_word(word: str) -> str:
    core = word.strip("«»\"„“'()[],;:!?")
    if not core or _ADDRESS_LIKE.search(core) or not _LATIN.search(core):
        return word
    if core in _LEGAL_FORMS:
        return word.replace(core, _LEGAL_FORMS[core])
    if _CYRILLIC.search(core):  # mixed scripts: only the look-alikes can be wrong ("IIочТа": "Почта")
        fixed = "".join(_LOOKALIKES[ch][0] if ch in _LOOKALIKES and ch.isalpha() else ch
                        for ch in core.replace("II", "П"))
        return word.replace(core, fixed)
    if len(core) >= 2 and core not in _LATIN_ACRONYMS and all(ch in _SHARED_CAPITALS or ch == "-" for ch in core):
        return word.replace(core, "".join(_LOOKALIKES[ch][0] if ch in _LOOKALIKES else ch for ch in core))
    match = _ABBREVIATION.match(word)
    if match:
        for reading in cyrillic_readings(match.group(1)):
            if reading.lower() in _ABBREVIATIONS:
                return f"{reading}.{match.group(2)}"
    return word


def restore_line(text: str) -> str:
    """``text`` of a line on a Cyrillic card with its look-alike words put back (see module doc)."""
    text = _ZEROS_LEGAL_FORM.sub("ООО", text.translate(_GREEK_AS_CYRILLIC))
    return _TOKEN.sub(lambda m: _restore_word(m.group()), text)


#: Cyrillic letters with a Latin twin, and the twin: on a Latin card, an upper-case word of only
#: these that Tesseract returned ("СТО" for "CTO") is the Latin word; the validator uses the
#: lower-case ones too, for Latin brands on Russian cards ("Арех" for "Apex").
LATIN_TWINS = str.maketrans(dict(zip("АВСЕНКМОРТХУаеорсух", "ABCEHKMOPTXYaeopcyx")))

#: Letter OCR read -> letters it is a misreading of (Tesseract's confusions on Russian cards:
#: "п"/"н"/"и" and "д"/"л" above all, "щ" losing its tail, "й" its breve).
MISREAD_FOR: dict[str, str] = {
    "и": "нплмшй", "н": "пимю", "п": "нил", "л": "дпи", "д": "лк", "з": "шэ", "к": "д",
    "ш": "щиз", "щ": "ш", "ц": "щ", "о": "ае", "е": "сёо", "с": "ео", "м": "ни",
    "ы": "н", "й": "и", "в": "ен", "ь": "ъ", "ъ": "ь", "ю": "н", "э": "з",
}


def _latin_word(word: str) -> str:
    core = word.strip("«»\"„“'()[],;:!?.")
    if len(core) >= 2 and core.isupper() and all(ch.translate(LATIN_TWINS) != ch for ch in core if ch.isalpha()):
        return word.translate(LATIN_TWINS)
    return word


def _latin_line(text: str) -> str:
    return _TOKEN.sub(lambda m: _latin_word(m.group()), text.translate(_GREEK_AS_LATIN))


def restore_cyrillic(lines: list[OcrLine]) -> list[OcrLine]:
    """The card's lines with look-alike words restored when the card is Cyrillic; on a Latin
    card, capitals Tesseract read in Cyrillic ("СТО") turned back into Latin ones."""
    restore = restore_line if cyrillic_share([ln.text for ln in lines]) >= MIN_CARD_CYRILLIC_SHARE else _latin_line
    return [line.with_text(restore(line.text)) for line in lines]
