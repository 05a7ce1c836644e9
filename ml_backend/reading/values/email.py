"""E-mail addresses: strip the printed label, undo OCR damage, check the syntax.

The canonical value is the whole address lower-cased: local parts are case-insensitive at every
mainstream mail provider, and the CRM deduplicates contacts on it. ``display`` keeps the local
part as printed. Deliverability (DNS) is never checked: no network at run time, and a card's
domain may legitimately be gone.
"""

from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

from ml_backend.reading.values.result import NormalisedValue
from ml_backend.text.letters import (
    collapse_spaces,
    dot_before_country_code,
    fix_domain,
    fix_mixed_script,
    label_pattern,
    restore_domain_dot,
    strip_label,
)

_LABEL = label_pattern(
    [r"e", r"m", r"@", r"el\.?\s*почта"],
    loose=[r"e[\-\u2010 ]?mail", r"mail", r"почта", r"э[лп]\.\s*почта", r"courriel", r"m[ée]l", r"adresse\s+e-?mail"],
    ends=":",  # "m.smith@..." and "e.weber@..." start with a letter and a dot
)
_AT_WORD = re.compile(r"\s*(?:\(at\)|\[at\]|\{at\}|<at>|\s+at\s+)\s*", re.IGNORECASE)
_DOT_WORD = re.compile(r"\s*(?:\(dot\)|\[dot\]|\{dot\}|<dot>|\s+dot\s+)\s*", re.IGNORECASE)
_EDGE_JUNK = "\"'<>()[]{}.,;:|•·-"
_TWO_ADDRESSES = re.compile(r"[^\s,;|]+@[^\s,;|]+")
#: What OCR makes of an "@" between a local part and a domain: an "e" or "a" with a diacritic,
#: a copyright/registered sign or a German "ß" (never inside a real address, whose domain
#: follows here).
_AT_MISREAD = re.compile(r"(?<=[\w.])[ęèéëêàáâäąß©®](?=[\w\-]+\.[^\W\d_]{2,})")


#: The next item's label glued to the end of the address ("...@larionovemelyanov.comCAéT:
#: larionovemelyanov.com", "Сайт:" read in Latin look-alikes): a capital right after a
#: lower-case top-level domain, a colon after it; the rest of the text is that item's.
_LABEL_AFTER_TLD = re.compile(r"(\.[a-z]{2,6})[A-ZА-ЯЁ][^\s:@]{0,12}:.*$", re.DOTALL)


def split_addresses(text: str) -> list[str]:
    """Several addresses printed on one line (``"a@x.com; b@x.com"``) as separate texts."""
    found = _TWO_ADDRESSES.findall(text)
    return found if len(found) > 1 else [text]


def unlabel(text: str) -> str:
    """``text`` without a leading label, unless the "label" is the local part ("mail @ x.ru")."""
    stripped = strip_label(text, _LABEL)
    return text.strip() if stripped.startswith("@") else stripped


def repair(text: str) -> str:
    """The address as it was printed, as far as OCR damage can be undone without guessing."""
    s = _LABEL_AFTER_TLD.sub(r"\1", unlabel(text))
    if "@" not in s:
        s = _AT_WORD.sub("@", s, count=1)
    if "@" not in s:  # "zakazęetalon.su": OCR read the "@" as a letter with a diacritic
        s = _AT_MISREAD.sub("@", s, count=1)
    s = _DOT_WORD.sub(".", s)
    s = re.sub(r"\s+", "", dot_before_country_code(s))
    s = s.replace(",", ".").replace(";", ".").replace("@@", "@")
    s = re.sub(r"[()\[\]{}]+@|@[()\[\]{}]+", "@", s)  # "ina(@inbox.ru": a bracket glued to the "@"
    s = re.sub(r"\.{2,}", ".", s)
    s, _ = fix_mixed_script(s)
    return _without_icons(s.strip(_EDGE_JUNK)).strip(_EDGE_JUNK)


def _without_icons(s: str) -> str:
    """``s`` without the symbols at its ends ("©service@jacob.com", "✉info@x.de"): the envelope or
    at-sign icon printed before an address, read as a sign. Symbols (Unicode category S: ©, ®, ✉,
    ☎) are in no address a mail provider hands out; letters of any script stay ("ø" is Danish)."""
    start, end = 0, len(s)
    while start < end and unicodedata.category(s[start]).startswith("S"):
        start += 1
    while end > start and unicodedata.category(s[end - 1]).startswith("S"):
        end -= 1
    return s[start:end]


def _check(address: str) -> tuple[str | None, str | None]:
    """(normalised address, None) or (None, why it is not an address)."""
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        return None, str(exc)
    local, _, domain = result.normalized.rpartition("@")
    return f"{local}@{domain.lower()}", None


#: A social network's name before an "@handle" ("Instagram: @polina.kotova"): a profile, which
#: OCR glues into the shape of an address.
_SOCIAL_HANDLE = re.compile(
    r"^(?:(?:instagram|insta|twitter|telegram|vkontakte|facebook|linkedin|tiktok|skype|whatsapp|viber|youtube|threads)"
    r"\s*[:.]?|(?:x|ig|tg|vk|fb)(?:\s*:|\s))\s*@", re.IGNORECASE)


def normalise_email(text: str) -> NormalisedValue:
    """Canonical e-mail for ``text`` (see module docstring); invalid ones are kept, flagged."""
    if _SOCIAL_HANDLE.match(text.strip()):
        handle = collapse_spaces(text)
        return NormalisedValue(handle, handle, False, "a social media handle, not an e-mail address", False)
    unlabelled = unlabel(text).strip(_EDGE_JUNK + " ")
    repaired = repair(text)
    if "@" in repaired:
        local, _, domain = repaired.rpartition("@")
        repaired = f"{local}@{fix_domain(restore_domain_dot(domain))}"
    fixed = repaired != unlabelled
    good, why = _check(repaired)
    if good is None:
        shown = repaired if "@" in repaired else collapse_spaces(unlabelled)
        return NormalisedValue(shown.lower(), shown, False, f"not an e-mail address: {why}", fixed)
    return NormalisedValue(good.lower(), good, True, None, fixed)
