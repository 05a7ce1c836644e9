"""E-mails and websites the tagger missed or garbled, recovered from the card's own text.

E-mail addresses and web addresses have a shape no other field has, and OCR damages them in
ways a token classifier cannot undo: it glues neighbours together ("a@x.com·x.com",
"ivan@x.ruwww:x.ru/about", "⊕www.x.com"), and a label or an icon read as letters ends up in
the tagged value ("cat:https//x.net"). A value that fails its check therefore gets a second look:
the well-formed addresses *inside* it replace it. And a card with an address-shaped token that
no valid value holds (the tagger labelled it as something else, or not at all) gets it back from
the OCR line, marked ``source="rule"`` with a modest confidence so active learning still asks.

Pure functions over ``FieldValue`` and ``OcrLine``; the ``Validator`` calls ``recover`` after its
per-value checks.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ml_backend.schema import FieldValue, OcrLine, union_bbox
from ml_backend.validate.normalise import normalise

#: Confidence of an address found by these rules rather than the tagger: below what the
#: validator gives a clean tagger value, so the card still ranks as worth an annotator's look.
RECOVERED_CONFIDENCE = 0.6
#: Confidence kept from the tagger's value when a valid address is cut out of it.
EXTRACTED_FACTOR = 0.85

#: Where OCR glues two printed items together: a separator dot/bar/bullet, or "www"/"http"
#: directly after a letter ("x.ruwww.x.ru"), which never happens inside one address.
_GLUE = re.compile(r"[·•|;,]|(?<=[^\W\d_])(?=www[.,:])|(?<=[\w.])(?=https?[:/])", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)+")
#: Scheme (OCR often drops the colon), optional "www", host labels, a TLD, an optional path.
_WEBSITE = re.compile(
    r"(?:h+t+p+s?\s*[:;.]?\s*/\s*/+)?(?:www[.,:]?)?[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}(?:/[\w\-./%~]*)?",
    re.IGNORECASE,
)
_EXPLICIT_WEB = re.compile(r"^(?:h+t+p+s?|www)", re.IGNORECASE)
#: Top-level domains a bare "name.tld" on a card is taken as a website for (no "www", no scheme).
#: Short and common on purpose: "J.Smith" or "St.Petersburg" must not become websites.
_BARE_TLDS = frozenset({
    "com", "net", "org", "io", "co", "biz", "info", "app", "dev", "ai", "eu", "uk", "us", "ru", "su", "рф",
    "de", "fr", "ch", "at", "be", "nl", "es", "it", "pl", "se", "no", "dk", "fi", "ie", "ca", "au", "ua",
    "by", "kz",
})


def _pieces(text: str) -> list[str]:
    """``text`` cut where OCR glued separate items together, then on whitespace."""
    return [p for chunk in _GLUE.split(text) for p in chunk.split() if p]


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
            if (explicit or tld in _BARE_TLDS) and norm.value not in found:
                found.append(norm.value)
    return found


def _extracted(v: FieldValue, found: list[str]) -> list[FieldValue]:
    """The valid addresses cut out of the invalid value ``v`` (same box: they were inside it)."""
    return [
        replace(v, value=value, display=normalise(v.field, value).display, valid=True, reason=None,
                source="rule", confidence=v.confidence * EXTRACTED_FACTOR)
        for value in found
    ]


def _line_value(field: str, value: str, line: OcrLine, index: int) -> FieldValue:
    return FieldValue(
        field=field, value=value, raw=line.text, confidence=RECOVERED_CONFIDENCE, source="rule",
        display=normalise(field, value).display, bbox=union_bbox([line.bbox]), line_indices=[index],
    )


def recover(values: list[FieldValue], lines: list[OcrLine] | None = None) -> list[FieldValue]:
    """``values`` with garbled e-mails/websites repaired and missed ones added from ``lines``.

    1. An invalid e-mail or website value that contains well-formed addresses is replaced by
       them (an invalid value with none is kept, flagged, as before). What an e-mail value holds
       beyond its addresses may be the card's website ("a@x.com·x.com") and the reverse.
    2. An address of either kind printed on an OCR line and held by no valid value is added.
       Websites come from lines only when the card has no valid website yet, or when they are
       written explicitly ("www.", "http"), so the domain of a company name does not slip in.
    """
    out: list[FieldValue] = []
    for v in values:
        if v.field in ("email", "website") and not v.valid:
            text = v.raw or v.value
            emails, websites = find_emails(text), find_websites(text, explicit_only=v.field == "email")
            if emails or websites:  # an "e-mail" holding only a website moves, and the reverse
                out.extend(_extracted(replace(v, field="email"), emails))
                out.extend(_extracted(replace(v, field="website"), websites))
                continue
        out.append(v)
    if lines:
        out.extend(_missing_from_lines(out, lines))
    return out


def _missing_from_lines(values: list[FieldValue], lines: list[OcrLine]) -> list[FieldValue]:
    """Addresses on ``lines`` that no valid value holds. A line a valid value of the field was
    read from is skipped for that field: the tagger saw it, and a second reading of the same
    text (a longer or shorter cut) would only add a duplicate."""
    have = {(v.field, v.value) for v in values if v.valid}
    seen = {(v.field, i) for v in values if v.valid for i in v.line_indices}
    has_website = any(v.field == "website" and v.valid for v in values)
    added: list[FieldValue] = []
    for index, line in enumerate(lines):
        candidates = [("email", e) for e in find_emails(line.text)]
        candidates += [("website", w) for w in find_websites(line.text, explicit_only=has_website)]
        for field, value in candidates:
            if (field, value) not in have and (field, index) not in seen:
                have.add((field, value))
                added.append(_line_value(field, value, line, index))
    return added

