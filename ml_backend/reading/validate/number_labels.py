"""What a printed number is, by the label printed before it: a fax, a phone, a registration number.

The tagger has one tag for every number a card prints (models trained before fax became a field
know no other), so the label decides: "Fax:", "F", "Факс", "Telefax", "Télécopie" make a fax;
"Tel/Fax", "Fone/Fax", "Т/ф" are both, and stay a phone (the CRM calls that number); "ОКПО",
"ИНН", "VAT", "CNPJ" make a registration number, which is no phone at all. The label is read
where the card prints it: in the value when the tagger took it in ("Fax: +49 30 ..."), else on
the value's OCR line right before the number's digits, after any number printed before it (the
line evidence, ``lines.LineFacts``: this module reads no OCR text itself).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import phonenumbers

from ml_backend.reading.lines import LineFacts
from ml_backend.schema import FieldValue
from ml_backend.text.labels import FAX_LABELS, MOBILE_LABELS, PHONE_LABELS, POSTCODE_LABELS, REGISTRATION_LABELS

#: Fax labels of the languages we read (lower case, dots and colons stripped).
_FAX_WORDS = FAX_LABELS
#: Words that make a fax label a shared one ("Tel/Fax", "Fone/Fax", "Т/ф", "Mob/Fax").
_PHONE_WORDS = PHONE_LABELS | MOBILE_LABELS
#: Labels of registration and tax numbers: what follows is no phone number.
_REGISTRATION_WORDS = REGISTRATION_LABELS
#: Postcode labels: what follows is a postcode, no phone number.
_POSTCODE_WORDS = POSTCODE_LABELS
_LABEL_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|[/\-])*", re.UNICODE)


def _label_words(label: str) -> list[str]:
    """The words of a printed label, lower case; "Tel/Fax" and "Т/ф" give both halves too."""
    words: list[str] = []
    for word in _LABEL_WORD.findall(label.lower()):
        words.append(word)
        if "/" in word:
            words += [w for w in word.split("/") if w]
    return words


def label_kind(label: str) -> str | None:
    """``"fax"``, ``"registration"``, ``"postcode"`` or None (a phone label, or none) for a
    printed label; the label's last word decides between a postcode and anything before it
    ("Rua Pinhal, 283 - CEP:")."""
    words = _label_words(label)
    if words and words[-1] in _POSTCODE_WORDS:
        return "postcode"
    if any(w in _REGISTRATION_WORDS for w in words):
        return "registration"
    if any(w in _FAX_WORDS for w in words) and not any(w in _PHONE_WORDS for w in words):
        return "fax"
    return None


def _digit_keys(value: FieldValue) -> list[str]:
    """Digit strings to find ``value``'s number by on its line: the digits as read, then the
    national digits of its E.164 value, or the digits of a local number kept as printed (a number
    recovered from a line has the line as ``raw``)."""
    keys = []
    raw = value.raw or ""
    if raw and not _holds_several_numbers(raw):
        keys.append("".join(ch for ch in raw if ch.isdigit()))
    if value.value.startswith("+"):
        try:
            keys.append(phonenumbers.national_significant_number(phonenumbers.parse(value.value, None)))
        except phonenumbers.NumberParseException:
            pass
    else:  # a local number kept as printed ("2131-3418"): no E.164 form, its digits are the key
        keys.append("".join(ch for ch in value.value if ch.isdigit()))
    return [k for k in keys if k]


def _holds_several_numbers(text: str) -> bool:
    return len(re.findall(r"\d[\d\s()\-./]{5,}\d", text)) > 1


def printed_label(value: FieldValue, lines: Sequence[LineFacts]) -> str:
    """The label printed before ``value``'s number: in the value as the tagger read it, else on
    its lines (the card's line evidence, ``lines.LineFacts``)."""
    raw = value.raw or value.value
    first_digit = next((i for i, ch in enumerate(raw) if ch.isdigit()), None)
    own = raw[:first_digit].strip(" +(") if first_digit is not None else ""
    if any(ch.isalpha() for ch in own) and not _holds_several_numbers(raw):
        return own
    for key in _digit_keys(value):
        for index in value.line_indices:
            if index < len(lines):
                label = lines[index].label_before(key)
                if label:
                    return label
    return own or _label_cell_left_of(value, lines)


def _label_cell_left_of(value: FieldValue, lines: Sequence[LineFacts]) -> str:
    """The text of a digitless OCR line printed left of ``value`` on its row: the label cell of
    a card that prints its contacts as a table ("Fax:" | "026 091 9377"). The nearest wins."""
    if value.bbox is None:
        return ""
    x0, y0, _, y1 = value.bbox
    height = y1 - y0
    best, best_gap = "", None
    for line in lines:
        lx0, ly0, lx1, ly1 = line.bbox
        same_row = min(y1, ly1) - max(y0, ly0) > 0.5 * min(height, ly1 - ly0)
        gap = x0 - lx1
        if (line.index in value.line_indices or not same_row or gap < -0.5 * height or gap > 8 * height
                or line.label_cell is None):
            continue
        if best_gap is None or gap < best_gap:
            best, best_gap = line.label_cell, gap
    return best
