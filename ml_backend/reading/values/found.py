"""E-mail addresses, web addresses and phone numbers found in free text (an OCR line, a value).

They have a shape no other field has, and OCR damages them in ways a token classifier cannot
undo: it glues neighbours together ("a@x.com·x.com", "ivan@x.ruwww:x.ru/about", "⊕www.x.com"), and
a label or an icon read as letters ends up beside them ("cat:https//x.net", "0 +33 6 65 71 96 71"),
or a label glued to a number ("M+4917949357543"). The finders cut the text where OCR glued items
together and keep what normalises as valid. Pure functions of a text (and a phone region): used
by the line evidence (``reading.lines``, values the tagger missed) and by the validator's
recovery of garbled values (``validate.recover``).
"""

from __future__ import annotations

import re

from phonenumbers import Leniency, PhoneNumberMatcher

from ml_backend.reading.values.normalise import normalise
from ml_backend.text.addresses import BR_CEP, US_ZIP_PLUS_FOUR, alternation
from ml_backend.text.labels import NUMBER_LABELS
from ml_backend.text.lexicon import COMMON_TLDS, MISREAD_PLUS_SIGNS
from ml_backend.text.numbers import LOCAL_NUMBER

#: Where OCR glues two printed items together: a separator dot/bar/bullet, "www"/"http"
#: directly after a letter ("x.ruwww.x.ru"), or a slash printed between two items
#: ("a@x.com/www.x.com"), which never happens inside one address.
_GLUE = re.compile(
    r"[·•|;,]|(?<=[^\W\d_])(?=www[.,:])|(?<=[\w.])(?=https?[:/])|/(?=https?:|www[.,]|[\w.+\-]+@)", re.IGNORECASE
)
_EMAIL = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)+")
#: Scheme (OCR often drops the colon), optional "www", host labels, a TLD, an optional path.
_WEBSITE = re.compile(
    r"(?:h+t+p+s?\s*[:;.]?\s*/\s*/+)?(?:www[.,:]?)?[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}(?:/[\w\-./%~]*)?",
    re.IGNORECASE,
)
_EXPLICIT_WEB = re.compile(r"^(?:h+t+p+s?|www)", re.IGNORECASE)


#: A phone number on a line counts only with evidence that it is one: a country code or a label.
_PHONE_LABEL = re.compile(rf"(?:^|[^\w])(?:{alternation(NUMBER_LABELS)})\s*[.:]*\s*$", re.IGNORECASE)
#: Digits OCR reads for a label's letters ("Te1.", "Mobi1e:", "M0b."): a word of letters with
#: a "1" or "0" among them, right before the label's dot or colon.
_LABEL_DIGITS = str.maketrans("10", "lo")
_LABEL_WITH_DIGITS = re.compile(r"(?<!\w)(?=[a-z]*[10])[a-z10]*[a-z][a-z10]*(?=[.:])", re.IGNORECASE)


def _label_letters(match: re.Match[str]) -> str:
    """The label with its letters back where they spell a phone label, else the text as read."""
    letters = match.group().translate(_LABEL_DIGITS)
    return letters if _PHONE_LABEL.search(letters + ":") else match.group()


def find_phones(text: str, region: str, *, evidence: bool = True, region_known: bool = False) -> list[str]:
    """Valid phone numbers in ``text`` (E.164); with ``evidence``, only those written with a
    country code or after a phone label (free text holds other numbers: VAT, postcodes...).
    With ``region_known`` (the card's region is its evidence's), a number possible there but
    not known as assigned counts too where it is labelled or is the whole text ("2294-9484" on
    a line of its own on a São Paulo card): ``phone.normalise_phone``."""
    found: list[str] = []
    text = _LABEL_WITH_DIGITS.sub(_label_letters, _unglued(text))
    plus_restored = _MISREAD_PLUS.sub("+", text)
    leniency = Leniency.POSSIBLE if region_known else Leniency.VALID
    for reading in (text, plus_restored) if plus_restored != text else (text,):
        for match in PhoneNumberMatcher(reading, region, leniency=leniency):
            labelled = match.raw_string.startswith("+") or _PHONE_LABEL.search(reading[: match.start])
            alone = (not reading[: match.start].strip() and not reading[match.end:].strip()
                     and sum(c.isdigit() for c in match.raw_string) >= _MIN_ALONE_DIGITS)
            if evidence and not labelled and not (region_known and alone):
                continue
            norm = normalise("phone", match.raw_string, region, region_known=region_known)
            if norm.note and not (labelled or alone) or _POSTCODE_SHAPED.match(match.raw_string.strip()):
                continue  # a possible number in free text may be anything; a CEP or ZIP+4 is a postcode
            if norm.valid and norm.value not in found:
                found.append(norm.value)
            if labelled and region_known:
                found += [n for n in _listed_after(reading[match.end:], region) if n not in found]
    return found


#: Local numbers listed after a number, a slash before each ("11 2082-2399/2646-6123"): the
#: label before the first one is theirs too.
_LISTED_LOCAL_NUMBER = re.compile(rf"\s*/\s*({LOCAL_NUMBER})(?!\d)")


def _listed_after(rest: str, region: str) -> list[str]:
    """The local numbers of ``region`` listed with slashes at the start of ``rest``, as kept (the
    phone normaliser's value of a local number: as printed, no made-up area code)."""
    out = []
    while (match := _LISTED_LOCAL_NUMBER.match(rest)) is not None:
        norm = normalise("phone", match.group(1), region, region_known=True)
        if not norm.valid:
            break
        out.append(norm.value)
        rest = rest[match.end():]
    return out


#: Digits a number alone on its line needs to count as a phone without a label (a local number
#: of 8 digits, as São Paulo prints them; shorter ones are a number's wrapped last group).
_MIN_ALONE_DIGITS = 8
#: Postcodes a phone matcher takes for short numbers: a Brazilian CEP, a US ZIP+4.
_POSTCODE_SHAPED = re.compile(rf"^(?:{BR_CEP}|{US_ZIP_PLUS_FOUR})$")


#: A country code's "+" misread at the start of a number, not a dash between digits.
_MISREAD_PLUS = re.compile(rf"(?<![\w+])[{re.escape(MISREAD_PLUS_SIGNS)}](?=\d)")


#: An international number with the next item glued on ("+33142685300ivan@x.ru").
_GLUED_NUMBER = re.compile(r"(\+\d{7,15})(?=[^\W\d_])")


#: An e-mail address with the web address glued on by an underscore OCR read for a bar or a
#: space ("contact@lumen.com_lumen.com"): no domain holds an "_".
_GLUED_BY_UNDERSCORE = re.compile(r"(@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,})_(?=[a-z0-9\-]+\.[a-z]{2,})", re.IGNORECASE)


def _unglued(text: str) -> str:
    return _GLUED_BY_UNDERSCORE.sub(r"\1 ", _GLUED_NUMBER.sub(r"\1 ", text))


def _pieces(text: str) -> list[str]:
    """``text`` cut where OCR glued separate items together, then on whitespace."""
    return [p for chunk in _GLUE.split(_unglued(text)) for p in chunk.split() if p]


def find_emails(text: str) -> list[str]:
    """Well-formed e-mail addresses in ``text`` (normalised, in order, without duplicates)."""
    found: list[str] = []
    for piece in _pieces(text):
        for match in _EMAIL.finditer(piece):
            norm = normalise("email", match.group())
            if norm.valid and norm.value not in found:
                found.append(norm.value)
    return found


def find_websites(text: str, *, explicit_only: bool = False) -> list[str]:
    """Well-formed web addresses in ``text`` that are not part of an e-mail address.

    A bare ``name.tld`` counts only with a common TLD; ``explicit_only`` keeps just those that
    start with a scheme or "www" (the safe choice for free text on a card).
    """
    found: list[str] = []
    for piece in _pieces(text):
        if "@" in piece:  # the domain of an e-mail address is not the card's website
            continue
        for match in _WEBSITE.finditer(piece):
            candidate = match.group()
            explicit = bool(_EXPLICIT_WEB.match(candidate))
            if explicit_only and not explicit:
                continue
            norm = normalise("website", candidate)
            if not norm.valid:
                continue
            tld = norm.value.partition("/")[0].rpartition(".")[2]
            if (explicit or tld in COMMON_TLDS) and norm.value not in found:
                found.append(norm.value)
    return found
