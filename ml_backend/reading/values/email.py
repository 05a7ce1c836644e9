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

from ml_backend.reading.rules import Repairs, enabled
from ml_backend.reading.values.result import NormalisedValue
from ml_backend.text.letters import (
    collapse_spaces,
    cut_glued_word,
    dot_before_country_code,
    fix_mixed_script,
    fix_tld_digits,
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


def repair(text: str, fix: Repairs | None = None) -> str:
    """The address as it was printed, as far as OCR damage can be undone without guessing; each
    repair a rule of the ``normalise`` stage that ``fix`` runs (and names, where it changes the text)."""
    fix = fix if fix is not None else Repairs()
    s = fix("normalise.email.label_cut", text.strip(), unlabel)
    s = fix("normalise.email.next_label_cut", s, lambda t: _LABEL_AFTER_TLD.sub(r"\1", t))
    if "@" not in s:
        s = fix("normalise.email.at_word", s, lambda t: _AT_WORD.sub("@", t, count=1))
    if "@" not in s:  # "zakazęetalon.su": OCR read the "@" as a letter with a diacritic
        s = fix("normalise.email.at_misread", s, lambda t: _AT_MISREAD.sub("@", t, count=1))
    s = fix("normalise.email.dot_word", s, lambda t: _DOT_WORD.sub(".", t))
    s = re.sub(r"\s+", "", fix("normalise.domain.country_code_dot", s, dot_before_country_code))
    s = fix("normalise.email.commas_for_dots", s, lambda t: t.replace(",", ".").replace(";", ".").replace("@@", "@"))
    s = fix("normalise.email.bracket_at", s, lambda t: re.sub(r"[()\[\]{}]+@|@[()\[\]{}]+", "@", t))  # "ina(@inbox.ru"
    s = fix("normalise.email.commas_for_dots", s, lambda t: re.sub(r"\.{2,}", ".", t))
    s = fix("normalise.domain.mixed_script", s, lambda t: fix_mixed_script(t)[0])
    return fix("normalise.email.icons_cut", s.strip(_EDGE_JUNK), _without_icons).strip(_EDGE_JUNK)


def repair_domain(domain: str, fix: Repairs) -> str:
    """``domain`` with its lost dot put back, its TLD's misreads undone and a word glued to it cut."""
    domain = fix("normalise.domain.lost_dot", domain, restore_domain_dot)
    domain = fix("normalise.domain.tld_misread", domain, fix_tld_digits)
    return fix("normalise.domain.glued_word_cut", domain, cut_glued_word)


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
    unlabelled = (unlabel(text) if enabled("normalise.email.label_cut") else text).strip(_EDGE_JUNK + " ")
    fix = Repairs()
    repaired = repair(text, fix)
    if "@" in repaired:
        local, _, domain = repaired.rpartition("@")
        repaired = f"{local}@{repair_domain(domain, fix)}"
    fixed = repaired != unlabelled
    good, why = _check(repaired)
    if good is None:
        shown = repaired if "@" in repaired else collapse_spaces(unlabelled)
        return NormalisedValue(shown.lower(), shown, False, f"not an e-mail address: {why}", fixed, repairs=tuple(fix.ids))
    return NormalisedValue(good.lower(), good, True, None, fixed, repairs=tuple(fix.ids))
