"""The "old system": regular expressions and line heuristics over OCR lines, no learning.

It is the yardstick the model is evaluated against, so it is meant to be a fair, reasonably
careful rule system of the kind a team writes before it has training data, not a straw man:

* e-mail, website and phone by regex anywhere in a line (several per line);
* position: a line holding a job-title word (same lexicon as the validator: en/ru/de/fr);
* company: a line with a legal form ("LLC", "GmbH", "ООО"...), else one with a company word
  ("Group", "Solutions"...), else the line printed in the largest font that is nothing else
  (logos and company names are big);
* full name: the first remaining line of 2-4 capitalised name words (titles such as "Dr." and
  initials allowed, same name check as the validator);
* address: lines with digits and a street word or postcode, plus a neighbouring line naming a
  known city or country; printed labels ("Address:") stripped; all joined top to bottom.

Values come out as printed (like ``fields.words_to_values``); ``validate.normalise`` makes them
comparable. Rules have no probabilities: every value has confidence 1.0 and source "rule".
"""

from __future__ import annotations

import re

from ml_backend.schema import FieldValue, OcrLine, union_bbox
from ml_backend.reading.values.plain import name_problem
from ml_backend.text.addresses import FIVE_DIGIT_POSTCODE, RU_POSTCODE, UK_INWARD_CODE, UK_OUTWARD_CODE
from ml_backend.text.lexicon import (
    COMMON_TLDS,
    COMPANY_LEGAL_FORMS,
    COMPANY_LEGAL_FORMS_CAPS,
    COMPANY_WORDS,
    PLACE_REGIONS,
    STREET_SUFFIXES,
    STREET_WORDS,
    TITLE_PHRASES,
    TITLE_PREFIXES,
    TITLE_SUFFIXES,
    TITLE_WORDS,
)

_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_COMMON_TLDS = "|".join(sorted(COMMON_TLDS, key=len, reverse=True))
_URL = re.compile(
    rf"(?:https?://|www\.)[^\s,;]+|\b[\w\-]+(?:\.[\w\-]+)*\.(?:{_COMMON_TLDS})\b(?:/[^\s,;]*)?",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<![\w@.])\+?\(?\d[\d\s\-()./]{5,}\d(?![\w@])")
_MIN_PHONE_DIGITS = 7
_POSTCODE = re.compile(rf"\b(?:{FIVE_DIGIT_POSTCODE}|{RU_POSTCODE}|{UK_OUTWARD_CODE}\s*{UK_INWARD_CODE})\b")
_WORD = re.compile(r"[^\W\d_][\w'’\-.]*")
_LABEL = re.compile(r"^\s*[^\W\d_]{1,10}\s*:\s*")  # "Address:", "Adresse :", "A:"
_PLACE = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(p) for p in sorted(PLACE_REGIONS, key=len, reverse=True)) + r")(?!\w)",
    re.IGNORECASE,
)


def _words(text: str) -> list[str]:
    """Lower-cased words, each also without trailing punctuation ("Inc." -> "inc.", "inc")."""
    out = []
    for word in _WORD.findall(text):
        lower = word.lower()
        out.append(lower)
        if lower.rstrip(".,;:") != lower:
            out.append(lower.rstrip(".,;:"))
    return out


def _has_title(text: str) -> bool:
    words = _words(text)
    if any(w in TITLE_WORDS or w.startswith(TITLE_PREFIXES) or w.endswith(TITLE_SUFFIXES) for w in words):
        return True
    joined = " ".join(words)
    return any(" ".join(p) in joined for p in TITLE_PHRASES)


def _has_legal_form(text: str) -> bool:
    caps = {w.strip(".,;:()«»\"") for w in text.split()}
    return any(w in COMPANY_LEGAL_FORMS for w in _words(text)) or bool(caps & COMPANY_LEGAL_FORMS_CAPS)


def _has_company_word(text: str) -> bool:
    return any(w in COMPANY_WORDS for w in _words(text))


def _is_address(text: str) -> bool:
    if not any(ch.isdigit() for ch in text):
        return False
    words = _words(text)
    return bool(_POSTCODE.search(text)) or any(w in STREET_WORDS or w.endswith(STREET_SUFFIXES) for w in words)


def _is_name(text: str) -> bool:
    return name_problem(text) is None and all(w[0].isupper() for w in text.split())


def _value(field: str, text: str, index: int, line: OcrLine) -> FieldValue:
    return FieldValue(field, text, text, 1.0, source="rule", bbox=line.bbox, line_indices=[index])


def _contacts(index: int, line: OcrLine) -> list[FieldValue]:
    """E-mails, websites and phones found in one line, in that order of precedence."""
    found: list[FieldValue] = []
    rest = line.text
    for m in _EMAIL.finditer(line.text):
        found.append(_value("email", m.group(0), index, line))
    rest = _EMAIL.sub(" ", rest)
    for m in _URL.finditer(rest):
        found.append(_value("website", m.group(0).rstrip("."), index, line))
    rest = _URL.sub(" ", rest)
    for m in _PHONE.finditer(rest):
        if sum(ch.isdigit() for ch in m.group(0)) >= _MIN_PHONE_DIGITS:
            found.append(_value("phone", m.group(0).strip(), index, line))
    return found


def _height(line: OcrLine) -> float:
    x0, y0, x1, y1 = line.bbox
    return y1 - y0


def regex_fields(lines: list[OcrLine]) -> list[FieldValue]:
    """Field values the rule system reads from ``lines`` (see module docstring)."""
    values: list[FieldValue] = []
    free: list[int] = []  # lines that hold no contact value
    address_lines: list[int] = []
    for i, line in enumerate(lines):
        contacts = _contacts(i, line)
        values.extend(contacts)
        if contacts:
            continue
        if _is_address(line.text):
            address_lines.append(i)
        else:
            free.append(i)
    # a city or country printed on its own line next to the street line belongs to the address
    places = [i for i in free if {i - 1, i + 1} & set(address_lines) and _PLACE.search(lines[i].text)]
    address_lines += places
    free = [i for i in free if i not in places]

    position = next((i for i in free if _has_title(lines[i].text)), None)
    company = next((i for i in free if i != position and _has_legal_form(lines[i].text)), None)
    if company is None:
        company = next((i for i in free if i != position and _has_company_word(lines[i].text)), None)
    name = next(
        (i for i in free if i not in (position, company) and _is_name(lines[i].text) and not _has_company_word(lines[i].text)),
        None,
    )
    if company is None:
        others = [i for i in free if i not in (position, name)]
        company = max(others, key=lambda i: _height(lines[i]), default=None)

    for field, index in (("full_name", name), ("position", position), ("company", company)):
        if index is not None:
            values.append(_value(field, lines[index].text.strip(), index, lines[index]))
    values.extend(_addresses(lines, address_lines))
    return values


def _addresses(lines: list[OcrLine], indices: list[int]) -> list[FieldValue]:
    """The address lines as one value, top to bottom, labels stripped."""
    if not indices:
        return []
    group = sorted(indices, key=lambda i: (lines[i].bbox[1], lines[i].bbox[0]))
    text = ", ".join(_LABEL.sub("", lines[i].text).strip().rstrip(",") for i in group)
    bbox = union_bbox([lines[i].bbox for i in group])
    return [FieldValue("address", text, text, 1.0, source="rule", bbox=bbox, line_indices=group)]
