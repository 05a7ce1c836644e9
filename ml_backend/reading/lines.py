"""The line evidence: what the card's OCR lines show beside the tagger, read once per card.

The tagger labels words; the lines hold evidence it does not give: e-mails, websites and phone
numbers it missed (their shapes are unmistakable), a line shaped like a name or a job title, the
label printed before a number ("Fax:", "ОКПО"), how sure OCR was of each line, and which country
the card's text points to. ``card_region`` and ``read_lines`` read all of it once, into plain data
(``CardRegion``, ``LineEvidence``); nothing after this stage reads OCR text again. ``merge_lines``
then adds the values the tagger missed to the card's values, like ``fields.merge_qr`` adds the QR
code's: after the per-value checks (``Validator.check``), so that "a value the card already holds"
means a checked one. The validator's card-level rules read the rest of the evidence (labels,
confidences, name and title lines) through ``LineEvidence``.

Stage order: ``fields`` -> ``card_region`` -> ``read_lines`` -> ``Validator.check`` ->
``merge_lines`` -> ``Validator.settle`` (``pipeline``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import phonenumbers

from ml_backend.reading import rules
from ml_backend.reading.values.found import find_emails, find_phones, find_websites
from ml_backend.reading.values.normalise import normalise
from ml_backend.reading.values.plain import closed_up_capitals, is_complete_name
from ml_backend.reading.values.region import region_hint_from
from ml_backend.reading.values.result import NOTED_FACTOR
from ml_backend.schema import BBox, FieldValue, OcrLine, union_bbox
from ml_backend.text.given_names import has_given_name

#: Confidence of a value read from a line rather than by the tagger: below what the validator
#: gives a clean tagger value, so the card still ranks as worth an annotator's look.
RECOVERED_CONFIDENCE = 0.6
#: A job title line has at most this many words (longer lines are slogans that mention one).
MAX_TITLE_WORDS = 5
#: Digits of a country code or trunk prefix printed before a number's national digits.
_MAX_PREFIX_DIGITS = 3
#: What may stand between a prefix and the national digits ("+49 (0)30", "8-912").
_PREFIX_GAP = re.compile(r"^[\s()+\-./]{0,3}$")
#: A label cell holds a word or two ("Fax:", "Mobile phone"); a longer line beside a number is
#: other text on its row ("David F. Lawson" left of the phone: its "F." is an initial, no label).
_MAX_LABEL_CELL_WORDS = 2


@dataclass(frozen=True)
class CardRegion:
    """The card's phone region, and whether the card's own evidence (or the caller) gave it
    (``known``) rather than the default region."""

    code: str
    known: bool


def card_region(values: list[FieldValue], lines: list[OcrLine], default: str, forced: str | None = None) -> CardRegion:
    """The region ``forced`` names, else the one the card's values, then its OCR lines point to
    (script, addresses the tagger missed: ``region_hint_from``), else ``default``."""
    known = forced or region_hint_from(values)
    if known is None and lines:
        known = region_hint_from(" \n".join(ln.text for ln in lines))
    return CardRegion((known or default).upper(), known is not None)


@dataclass(frozen=True)
class LineFacts:
    """What one OCR line shows: its place, how sure OCR was, the values it holds by their shape
    (``source="rule"`` candidates, not yet on the card), its digits with the text printed before
    each (a number's label), and whether it is a label cell of its own."""

    index: int
    bbox: BBox
    confidence: float
    engine: str  # the OCR engine that read it (``OcrLine.source``)
    emails: tuple[FieldValue, ...] = ()
    websites: tuple[FieldValue, ...] = ()  # every well-formed one (a bare "name.tld" with a common TLD)
    explicit_websites: tuple[FieldValue, ...] = ()  # those written with a scheme or "www"
    phones: tuple[FieldValue, ...] = ()  # with a country code or a label, in the card's region
    name: FieldValue | None = None  # a complete name holding a known given name (``recover.missing_name``)
    person_name: FieldValue | None = None  # two or three words, no digit, a given name (the name line of an address)
    title: FieldValue | None = None  # short, no digit or "@": a job title if its cues say so (``validate.missing_position``)
    digits: str = ""
    text_before_digit: tuple[str, ...] = ()  # per digit: the text between it and the digit before
    prefix_gap: tuple[bool, ...] = ()  # per digit: whether that text may stand inside one number
    label_cell: str | None = None  # the line's text where it is digitless and a word or two long

    def label_before(self, digits: str) -> str | None:
        """The text before the number holding ``digits`` (its country code or trunk prefix
        included) and after whatever number precedes it: where its label is printed. None when
        the digits are not on the line."""
        at = self.digits.find(digits)
        if at < 0:
            return None
        for _ in range(_MAX_PREFIX_DIGITS):  # "+49 30 ..." / "030 ...": the prefix is the number's
            if at == 0 or not self.prefix_gap[at]:
                break
            at -= 1
        return self.text_before_digit[at]


@dataclass(frozen=True)
class LineEvidence:
    """The line evidence of one card, read for its ``region``: one ``LineFacts`` per OCR line,
    index for index with the lines the values' ``line_indices`` point to."""

    region: CardRegion
    lines: tuple[LineFacts, ...] = ()


def read_lines(lines: list[OcrLine], region: CardRegion) -> LineEvidence:
    """The line evidence of a card's OCR ``lines`` (phone numbers read in ``region``)."""
    return LineEvidence(region, tuple(_facts(line, index, region) for index, line in enumerate(lines)))


def _facts(line: OcrLine, index: int, region: CardRegion) -> LineFacts:
    text = line.text
    stripped = text.strip()
    box = union_bbox([line.bbox])

    made: dict[tuple[str, str], FieldValue] = {}

    def found(field: str, value: str) -> FieldValue:
        if (field, value) not in made:  # a website found both ways is one candidate
            made[field, value] = FieldValue(field=field, value=value, raw=text, confidence=RECOVERED_CONFIDENCE,
                                            source="rule", display=normalise(field, value).display, bbox=box,
                                            line_indices=[index])
        return made[field, value]

    phones = []
    for number in find_phones(text, region.code, region_known=region.known):
        phone = found("phone", number)
        doubt = normalise("phone", number, region.code, region_known=region.known).note
        if doubt:  # a number not known as assigned: kept, with a note and less trust
            phone = replace(phone, note=doubt, confidence=phone.confidence * NOTED_FACTOR)
        phones.append(phone)
    name = (found("full_name", normalise("full_name", stripped).value) if is_complete_name(stripped) else None)
    person = (FieldValue(field="full_name", value=stripped, raw=text, confidence=RECOVERED_CONFIDENCE, source="rule",
                         bbox=box, line_indices=[index])
              if not any(c.isdigit() for c in stripped) and 2 <= len(stripped.split()) <= 3 and has_given_name(stripped)
              else None)
    title_text = closed_up_capitals(stripped)
    title = (FieldValue(field="position", value=title_text, raw=text, confidence=RECOVERED_CONFIDENCE, source="rule",
                        display=title_text, bbox=box, line_indices=[index])
             if title_text and len(title_text.split()) <= MAX_TITLE_WORDS
             and not any(c.isdigit() or c == "@" for c in title_text) else None)
    positions = [i for i, ch in enumerate(text) if ch.isdigit()]
    gaps = [text[(positions[k - 1] + 1 if k else 0): p] for k, p in enumerate(positions)]
    return LineFacts(
        index=index, bbox=line.bbox, confidence=line.confidence, engine=line.source,
        emails=tuple(found("email", e) for e in find_emails(text)),
        websites=tuple(found("website", w) for w in find_websites(text)),
        explicit_websites=tuple(found("website", w) for w in find_websites(text, explicit_only=True)),
        phones=tuple(phones), name=name, person_name=person, title=title,
        digits="".join(text[p] for p in positions),
        text_before_digit=tuple(g.strip(" +(") for g in gaps),
        prefix_gap=tuple(k > 0 and bool(_PREFIX_GAP.match(g)) for k, g in enumerate(gaps)),
        label_cell=stripped if not positions and len(text.split()) <= _MAX_LABEL_CELL_WORDS else None,
    )


def merge_lines(values: list[FieldValue], evidence: LineEvidence,
                read_from_email: Callable[[str], str | None] = lambda _: None) -> list[FieldValue]:
    """``values`` (checked) with the values the tagger missed added from the line evidence: the
    ``recover.lines`` rules, in the rule table's order. ``read_from_email`` says which "website"
    is an e-mail read without its "@" (``validate.recover.RecoverContext``)."""
    if not evidence.lines:
        return values
    return rules.run_values("recover.lines", values, evidence, read_from_email)


@rules.implements("recover.missing_from_lines")
def _rule_missing_from_lines(values: list[FieldValue], evidence: LineEvidence,
                             read_from_email: Callable[[str], str | None]) -> list[FieldValue]:
    return values + missing_from_lines(values, evidence, read_from_email)


@rules.implements("recover.missing_name")
def _rule_missing_name(values: list[FieldValue], evidence: LineEvidence,
                       read_from_email: Callable[[str], str | None]) -> list[FieldValue]:
    return values + missing_name(values, evidence)


def missing_name(values: list[FieldValue], evidence: LineEvidence) -> list[FieldValue]:
    """A card without a valid full name gets the first line no valid value was read from that
    is shaped like a name (2-4 name words) and holds a known given name."""
    if any(v.field == "full_name" and v.valid for v in values):
        return []
    used = {i for v in values if v.valid for i in v.line_indices}
    return next(([line.name] for line in evidence.lines if line.index not in used and line.name is not None), [])


def missing_from_lines(values: list[FieldValue], evidence: LineEvidence,
                       read_from_email: Callable[[str], str | None] = lambda _: None) -> list[FieldValue]:
    """Addresses on the lines that no valid value holds. A line a valid value of the field was
    read from is skipped for that field: the tagger saw it, and a second reading of the same
    text (a longer or shorter cut) would only add a duplicate. Phones are different: a line often
    prints two ("T ... M ..."), so a number is skipped only when a valid phone holds its digits.
    A field the card's QR code filled takes nothing from the lines (their misreadings of it), and
    a "website" that is an e-mail read without its "@" (``read_from_email``) is not one. Websites
    without a scheme or "www" count only on a card with no valid website yet."""
    have = {(v.field, v.value) for v in values if v.valid}
    seen = {(v.field, i) for v in values if v.valid for i in v.line_indices}
    from_qr = {v.field for v in values if v.source == "qr"}  # the QR code wins where it has a value
    has_website = any(v.field == "website" and v.valid for v in values)
    added: list[FieldValue] = []
    for line in evidence.lines:
        candidates = [*line.emails,
                      *(w for w in (line.explicit_websites if has_website else line.websites) if not read_from_email(w.value)),
                      *(p for p in line.phones if not _held_phone(p.value, values))]
        for found in candidates:
            key = (found.field, found.value)
            if found.field not in from_qr and key not in have and (found.field == "phone" or (found.field, line.index) not in seen):
                have.add(key)
                added.append(found)
    return added


def _held_phone(e164: str, values: list[FieldValue]) -> bool:
    """Whether a valid phone value already holds this number's national digits (printed with or
    without the country code or trunk prefix)."""
    try:  # a short local number's last 8 digits would hold its country code
        national = phonenumbers.national_significant_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        national = ""
    tail = e164[-8:] if len(national) >= 8 else national or e164[-8:]
    return any(v.field == "phone" and v.valid and tail in re.sub(r"\D", "", v.value) for v in values)


__all__ = ["RECOVERED_CONFIDENCE", "MAX_TITLE_WORDS", "CardRegion", "LineEvidence", "LineFacts", "card_region",
           "read_lines", "merge_lines", "missing_from_lines", "missing_name"]
