"""Phone numbers: strip the printed label, undo OCR digit confusions, parse with a region.

The canonical value is E.164 (``+79123456789``) whenever libphonenumber can read the number at
all, valid or not: two spellings of one number then compare equal, and the annotator still sees
what was read when the number is flagged. ``display`` is the international format.
"""

from __future__ import annotations

import re
from dataclasses import replace
from collections.abc import Callable
from functools import cache

import phonenumbers
from phonenumbers import Leniency, NumberParseException, PhoneNumberFormat, PhoneNumberMatcher, PhoneNumberType

from ml_backend.config import load_settings
from ml_backend.reading.rules import Repairs, enabled
from ml_backend.text.lexicon import MISREAD_PLUS_SIGNS, PHONE_FALLBACK_REGIONS
from ml_backend.reading.values.result import NormalisedValue
from ml_backend.text.letters import collapse_spaces
from ml_backend.text.numbers import LOCAL_NUMBER

# Everything before the first "+", "(" or digit is a printed label ("Tel.:", "Моб.:", "M",
# "Téléphone :") in whatever language: a label has no digits, a number starts with one of those.
_LABEL = re.compile(r"^[^\d+(]*?(?=[+(]?\d|\(\s*\+?\d)")
# Letters OCR reads in place of digits ("O" for 0, "l" for 1, Cyrillic "О" and "З"...).
_LETTER_DIGITS = {"O": "0", "o": "0", "О": "0", "о": "0", "l": "1", "I": "1", "|": "1", "З": "3", "S": "5", "B": "8"}
_DIGIT_WINDOW = 3  # a misread digit has a real digit at most this many characters away
_SEPARATORS = re.compile(r"\s*[;|,]\s*|\s+/\s+|\s{2,}")
_MIN_DIGITS = 6
# National format behind a trunk prefix ("0..." in most of Europe, "8 ..." in Russia): such a
# number is never valid in North America, so when the assumed region rejects it, another is tried.
_TRUNK_START = re.compile(r"^\(?[08]")


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _misread_digit(text: str, i: int) -> bool:
    """Whether the letter at ``i`` stands for a digit: no ordinary letter beside it (that would
    make it part of a word: "Tel", "Mob", "ext") and a digit nearby ("+l (212)", "555-O1OO")."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(text) and text[j].isalpha() and text[j] not in _LETTER_DIGITS:
            return False
    window = text[max(0, i - _DIGIT_WINDOW): i + _DIGIT_WINDOW + 1]
    return any(ch.isdigit() for ch in window)


def _repair_digits(text: str) -> str:
    """Misread digits replaced, repeatedly, so that "O1OO" becomes "0100" letter by letter."""
    while True:
        chars = list(text)
        for i, ch in enumerate(text):
            if ch in _LETTER_DIGITS and _misread_digit(text, i):
                chars[i] = _LETTER_DIGITS[ch]
        repaired = "".join(chars)
        if repaired == text:
            return text
        text = repaired


_MIDDLE_DOT = re.compile(r"(?<=\d)\s*[·•∙]\s*(?=\d)")


def strip_phone_label(text: str) -> str:
    """``"Моб.: +7 (912) 345-67-89"`` -> ``"+7 (912) 345-67-89"``; text without digits is kept."""
    s = text.strip()
    match = _LABEL.match(s)
    return s[match.end():].strip() if match else s


_LETTERS_FOR_DIGITS, _LABEL_CUT = "normalise.phone.letters_for_digits", "normalise.phone.label_cut"


def repair(text: str, fix: Repairs | None = None) -> str:
    """Label removed and letters that stand for digits ("O" for 0, "l" for 1) replaced; each
    repair a rule of the ``normalise`` stage that ``fix`` runs (and names, where it changes the text)."""
    fix = fix if fix is not None else Repairs()
    s = fix(_LABEL_CUT, fix(_LETTERS_FOR_DIGITS, text, _repair_digits).strip(), strip_phone_label)
    s = _MIDDLE_DOT.sub("-", s)  # "248·343·5976": a separator libphonenumber does not know
    return collapse_spaces(s).rstrip(".,;")


def default_region() -> str:
    return load_settings().default_region.upper()


def split_numbers(text: str, region_hint: str | None = None) -> list[str]:
    """Several numbers printed in one text ("T +1 212 555 0100  M +1 212 555 0199") as separate texts.

    libphonenumber's matcher finds numbers between labels; printed separators (";", "|", " / ",
    wide gaps) catch the ones it will not match (fictional or foreign numbers), unless the whole
    text is one valid number or a part could not be a number. One number -> [text].
    """
    region = (region_hint or default_region()).upper()
    if normalise_phone(text, region).valid:  # "015511 / 081634" is one German number, "0 07896 613853" one British
        return [text]
    found = [m.raw_string for m in PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE)]
    if len(found) > 1:
        return found
    parts = [p for p in _SEPARATORS.split(text.strip()) if _digits(p) >= _MIN_DIGITS]
    if len(parts) > 1 and all(_possible(p, region) for p in parts):
        return parts
    return [text]


def _possible(text: str, region: str) -> bool:
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(repair(text), region))
    except NumberParseException:
        return False


#: The "+" of a country code as OCR misreads it, right before the first digit; a phone icon
#: read as a lone "0" before the number ("0 06 18 58 34 09").
_MISREAD_PLUS = re.compile(rf"[{re.escape(MISREAD_PLUS_SIGNS)}]\s?$")
_ICON_ZERO = re.compile(r"^0\s+(?=[\d+(])")


def _plus_put_back(before: str) -> Callable[[str], str]:
    """The step putting back a "+" OCR misread (``_MISREAD_PLUS``) in ``before``, the text printed
    before the number."""
    return lambda number_text: ("+" + number_text if number_text[:1].isdigit() and _MISREAD_PLUS.search(before)
                                else number_text)


def _icon_zero_dropped(region: str) -> Callable[[str], str]:
    """The step dropping a phone icon read as a lone "0" (also glued to ``region``'s trunk
    prefix: "08 (912) ..."; not to NANP's "1": "0163 ...")."""
    trunk = _trunk_prefix(region)

    def step(number_text: str) -> str:
        if _ICON_ZERO.match(number_text):
            return _ICON_ZERO.sub("", number_text)
        if trunk and trunk not in ("0", "1") and number_text.startswith("0" + trunk):
            return number_text[1:]
        return number_text

    return step


def _misreadings_undone(text: str, number_text: str, region: str) -> list[tuple[str, str]]:
    """Other readings of a number that did not parse as a valid one, each with the rule that
    reads it so: the misread "+" put back, the icon's "0" dropped. Rules switched off read none."""
    before = text[: text.find(number_text[:1])] if number_text[:1] else ""
    others = []
    for rule_id, step in (("normalise.phone.plus_misread", _plus_put_back(before)),
                          ("normalise.phone.icon_zero_dropped", _icon_zero_dropped(region))):
        fix = Repairs()
        other = fix(rule_id, number_text, step)
        if fix.ids:
            others.append((rule_id, other))
    return others


def normalise_phone(text: str, region_hint: str | None = None, *, region_known: bool = False) -> NormalisedValue:
    """E.164 value and international display for ``text`` read as a number of ``region_hint``.

    The region matters only for numbers printed without a country code ("01 23 45 67 89" is
    Paris with "FR"); without a hint ``settings.default_region`` is assumed. A number with a
    trunk prefix ("0...", "8 ...") that is not valid there but is in one of
    ``PHONE_FALLBACK_REGIONS`` is read as that region's (``fixed``: the validator trusts it less).

    ``region_known`` says ``region_hint`` is the card's own region, known from its evidence (its
    domains, address, other numbers; a truth record's locale), not a default. Then a number
    with a possible length there but that libphonenumber does not know as assigned ("020 2153
    5898" in London, a new Brazilian range) is that region's and valid, with a ``note``: the
    metadata lags behind the numbering plans, and a card prints its own number. Without it such
    a number is tried in other regions and, failing that, invalid.
    """
    region = (region_hint or default_region()).upper()
    unlabelled = collapse_spaces(strip_phone_label(text) if enabled(_LABEL_CUT) else text)
    fix = Repairs()
    number_text = repair(text, fix)
    fixed = number_text != unlabelled.rstrip(".,;")
    repairs = tuple(fix.ids)
    if _digits(number_text) < _MIN_DIGITS:
        return NormalisedValue(number_text, number_text, False, "too few digits for a phone number", fixed,
                               repairs=repairs)
    try:
        number = phonenumbers.parse(number_text, region)
    except NumberParseException as exc:
        return NormalisedValue(number_text, number_text, False, f"not a phone number: {exc}", fixed, repairs=repairs)
    if not phonenumbers.is_valid_number(number):  # OCR's misreadings first, other regions next
        read = _repair_digits(text) if enabled(_LETTERS_FOR_DIGITS) else text
        for rule_id, other in _misreadings_undone(collapse_spaces(read), number_text, region):
            undone = normalise_phone(other, region)
            if undone.valid:
                return replace(undone, fixed=True, repairs=fix.merged([*undone.repairs, rule_id]))
    # a number possible where the card is from stays there ("020 2153 5898" on a London card is
    # no Wuppertal number because libphonenumber's London ranges lag behind), unless another
    # region's own format groups its digits exactly as printed ("01 08 89 88 44" is Paris on a
    # card whose "+32" office number made it look Belgian)
    own_region_possible = (region_known and phonenumbers.is_possible_number(number)
                           and not phonenumbers.is_valid_number(number))
    if (not phonenumbers.is_valid_number(number) and _TRUNK_START.match(number_text)) or _lacks_trunk(number_text, region):
        elsewhere = _valid_elsewhere(number_text, region)
        if elsewhere is not None and own_region_possible and _groups(
                phonenumbers.format_number(elsewhere, PhoneNumberFormat.NATIONAL)) != _groups(number_text):
            elsewhere = None
        if elsewhere is not None:  # "07755 920048" on a card we took for US is a UK mobile
            number, fixed = elsewhere, True
    if phonenumbers.is_valid_number(number):
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        display = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
        return NormalisedValue(e164, display, True, None, fixed, repairs=repairs)
    if region_known and _local_without_area_code(number_text, number, region):
        note = f"a local number of {region} printed without its area code: add it to dial from elsewhere"
        return NormalisedValue(number_text, number_text, True, None, fixed, note, repairs)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    display = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    where = phonenumbers.region_code_for_number(number) or region
    possible = phonenumbers.is_possible_number(number)
    # letters left in the number are misread text ("58TEN.:"), which libphonenumber would dial as letters
    if possible and region_known and not any(ch.isalpha() for ch in number_text):
        note = f"a possible number for {where}, but not one libphonenumber knows as assigned: check it"
        return NormalisedValue(e164, display, True, None, fixed, note, repairs)
    kind = "possible but unassigned" if possible else "impossible"
    return NormalisedValue(e164, display, False, f"{kind} number for {where}", fixed, repairs=repairs)


#: A local number as small businesses print it (``text.numbers.LOCAL_NUMBER``: "2294-9484",
#: "9.9679-9468", "228-6401", "345-67-89"; not a postcode's "13560-970").
_LOCAL_SHAPE = re.compile(rf"^{LOCAL_NUMBER}$")


@cache
def _local_lengths(region: str) -> frozenset[int]:
    """How many digits a subscriber number of ``region`` has without its area code: the local-only
    lengths libphonenumber knows, and each full fixed-line or mobile length less the area code of
    the region's example number (Brazil: 10 - 2 and 11 - 2; the US: 10 - 3)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None:
        return frozenset()
    lengths = {n for desc in (metadata.general_desc, metadata.fixed_line, metadata.mobile)
               for n in desc.possible_length_local_only}
    example = phonenumbers.example_number_for_type(region, PhoneNumberType.FIXED_LINE)
    area = phonenumbers.length_of_geographical_area_code(example) if example is not None else 0
    if area:
        lengths |= {n - area for desc in (metadata.fixed_line, metadata.mobile) for n in desc.possible_length if n > area}
    return frozenset(n for n in lengths if n >= _MIN_DIGITS)


def _local_without_area_code(number_text: str, number: phonenumbers.PhoneNumber, region: str) -> bool:
    """Whether ``number_text`` is a subscriber number printed without its area code ("2294-9484"
    on a São Paulo shop's card, "228-6401" in the US): as long as a local number of the region,
    printed in groups, with no trunk prefix or country code. Such a number is a phone as printed;
    an E.164 form made from it would dial another place ("+55 22 949484"), so none is made."""
    if number_text.startswith(("+", "(", "0")) or not _LOCAL_SHAPE.match(number_text):
        return False
    return len(phonenumbers.national_significant_number(number)) in _local_lengths(region)


def _groups(text: str) -> list[int]:
    return [len(g) for g in re.findall(r"\d+", text)]


def _trunk_prefix(region: str) -> str | None:
    return phonenumbers.PhoneMetadata.metadata_for_region(region).national_prefix


def _lacks_trunk(number_text: str, region: str) -> bool:
    """A national number printed without the trunk prefix its region prints ("0" in Britain,
    Germany and France, "8" in Russia): libphonenumber still calls "(203) 275-5124" a valid
    London number, but a British card would print "020 3275 5124". It was probably printed
    for another region (North America has no such prefix), so others are tried."""
    if number_text.lstrip("(").startswith("+"):
        return False
    trunk = _trunk_prefix(region)
    return trunk in ("0", "8") and not re.sub(r"\D", "", number_text).startswith(trunk)


def _valid_elsewhere(number_text: str, tried: str) -> phonenumbers.PhoneNumber | None:
    """The number read in another region (a guess: the caller marks it fixed).

    Candidates are the fallback regions whose trunk prefix the number starts with ("8 (912)..."
    is only tried as Russian) and where it is valid. "06 12 90 92 25" is valid in France and in
    Germany; the printed digit grouping decides: the region whose own national format groups the
    digits the same way wins, else the first candidate. A number without any trunk prefix is
    tried in the regions that print none (North America), and taken only when printed in their
    own grouping ("(203) 275-5124"): a Moscow number printed without its "8" keeps its region.
    """
    digits = re.sub(r"\D", "", number_text)
    candidates, exact_only = [], False
    for region in PHONE_FALLBACK_REGIONS:
        trunk = _trunk_prefix(region)
        if region == tried:
            continue
        if not trunk or not digits.startswith(trunk):
            if trunk in ("0", "8") or _TRUNK_START.match(number_text):
                continue
            exact_only = True  # a region without a trunk prefix of 0 or 8 (NANP's is "1")
        try:
            number = phonenumbers.parse(number_text, region)
        except NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            candidates.append(number)
    printed = _groups(number_text)
    for number in candidates:
        if _groups(phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)) == printed:
            return number
    return candidates[0] if candidates and not exact_only else None


def number_region(text: str) -> str | None:
    """ISO region of a number written with its country code ("+49 30 ..." -> "DE"), else None."""
    s = repair(text)
    if not s.startswith("+"):
        return None
    try:
        number = phonenumbers.parse(s, None)
    except NumberParseException:
        return None
    return phonenumbers.region_code_for_number(number) if phonenumbers.is_valid_number(number) else None
