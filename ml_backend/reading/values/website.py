"""Websites: strip the label, undo OCR damage, reduce to one canonical spelling.

Canonical value: ``host[/path]`` with the host lower-cased, the scheme and a trailing slash
dropped, ``www.`` kept as printed (``www.example.com`` and ``example.com`` may serve different
sites, and the card's spelling is what a person types). So ``HTTPS://WWW.Example.com/`` and
``www.example.com`` compare equal, ``www.example.com/team`` stays distinct. ``display`` is a
clickable URL: the printed scheme, else ``https://``.
"""

from __future__ import annotations

import re

from ml_backend.reading.rules import Repairs, enabled
from ml_backend.reading.values.result import NormalisedValue
from ml_backend.text.letters import (
    cut_glued_word,
    dot_before_country_code,
    fix_mixed_script,
    fix_tld_digits,
    label_pattern,
    restore_domain_dot,
    strip_label,
)

_LABEL = label_pattern(
    [r"www", r"w", r"url", r"i"],
    loose=[r"web", r"website", r"web\s*site", r"site", r"site\s+web", r"internet", r"homepage", r"webseite",
           r"сайт", r"веб-?сайт"],
    ends=":",  # "www." starts the address itself
)
_SCHEME = re.compile(r"^(h+t+p+(s?))\s*[:;.]?\s*/\s*/+\s*", re.IGNORECASE)  # "htttps//" too
_WWW_COMMA = re.compile(r"^(www)\s*[,;:]\s*", re.IGNORECASE)
#: "wwwalfa.ru" (OCR lost the dot) and "wwww.x.com" (one "w" too many); "www1.x.com" is real.
_WWW_EXTRA = re.compile(r"^(?:w{4,}|ww)\.", re.IGNORECASE)  # a "w" too many or too few
_WWW_GLUED = re.compile(r"^www(?=[^\W\d_][\w-]*\.)", re.IGNORECASE)
#: Host names hold letters, digits and inner hyphens, never "_" ("ivan_petrov" + "@" misread
#: as "e" + "acme.com" is an e-mail address).
_HOST = re.compile(r"^(?:[^\W_](?:(?:[^\W_]|-)*[^\W_])?\.)+(?:[^\W\d_]{2,}|xn--[a-z0-9-]+)$")
_EDGE_JUNK = "\"'<>()[]{},;:|•·"


def lacks_top_level_domain(address: str) -> bool:
    """Whether ``address`` is "www." and a name with no dot after it ("www.alfakonsalting",
    "https://www.fal"): its top-level domain was not read, or OCR split it off ("www.fal" | "con.ru")."""
    name = address.lower().removeprefix("http://").removeprefix("https://")
    return name.startswith("www.") and len(name) > 4 and "." not in name[4:]


#: A scheme or "www." inside a path: the next web address glued on.
_SECOND_ADDRESS_IN_PATH = re.compile(r"(?:^|/)(?:https?:|www\.)", re.IGNORECASE)


#: An icon before the address as OCR reads it: a symbol ("⊕", "©") or an enclosed digit ("④").
_LEADING_ICON = re.compile(r"^(?:[^\w\s]|[\u2460-\u24ff\u2776-\u2793])+\s*")


def repair(text: str, fix: Repairs | None = None) -> tuple[str, str]:
    """(scheme or "", address without scheme) after label, icon, spacing and punctuation repairs;
    each repair a rule of the ``normalise`` stage that ``fix`` runs (and names, where it changes the text)."""
    fix = fix if fix is not None else Repairs()
    s = fix("normalise.website.label_cut", text.strip(), lambda t: strip_label(t, _LABEL))
    s = fix("normalise.website.icon_cut", s.strip(), lambda t: _LEADING_ICON.sub("", t))
    scheme = ""
    match = _SCHEME.match(s)
    if match:
        scheme, s = ("https" if match.group(2) else "http"), s[match.end():]
    s = re.sub(r"\s+", "", fix("normalise.domain.country_code_dot", s, dot_before_country_code))
    s = fix("normalise.website.www_repaired", s,
            lambda t: _WWW_GLUED.sub("www.", _WWW_EXTRA.sub("www.", _WWW_COMMA.sub(r"\1.", t))))
    host, slash, path = s.partition("/")
    host = fix("normalise.website.commas_for_dots", host, lambda t: t.replace(",", ".")).strip(_EDGE_JUNK + ".")
    host = fix("normalise.website.commas_for_dots", host, lambda t: re.sub(r"\.{2,}", ".", t))
    host = fix("normalise.domain.mixed_script", host, lambda t: fix_mixed_script(t, ".-")[0]).lower()
    host = fix("normalise.domain.tld_misread", host, fix_tld_digits)
    host = fix("normalise.domain.glued_word_cut", host, cut_glued_word)
    if host.startswith("www.") and "." not in host[4:]:  # "www.impulsproektru": the TLD's dot lost
        host = "www." + fix("normalise.domain.lost_dot", host[4:], restore_domain_dot)
    path = path.rstrip("/").rstrip(".,;")
    return scheme, host + (f"/{path}" if slash and path else "")


#: The "ß" PP-OCR reads for an "@" between a local part and a domain.
_SHARP_S_FOR_AT = re.compile(r"(?<=[a-z0-9.])ß(?=[a-z0-9\-]+\.[a-z]{2,})", re.IGNORECASE)


def looks_like_email(text: str) -> bool:
    """An "@", or the "ß" PP-OCR reads for one in an otherwise plain Latin address without "www."
    ("ronanßvinogradov.net"): no host name is spelled so."""
    return "@" in text or (
        "www" not in text.lower() and text.replace("ß", "").isascii()
        and _SHARP_S_FOR_AT.search(text) is not None)


def normalise_website(text: str) -> NormalisedValue:
    """Canonical website for ``text`` (see module docstring); e-mails and non-hosts are flagged."""
    unlabelled = (strip_label(text, _LABEL) if enabled("normalise.website.label_cut") else text).strip()
    fix = Repairs()
    scheme, value = repair(text, fix)
    printed = _SCHEME.sub("", unlabelled).rstrip("/").strip(_EDGE_JUNK + ".")
    fixed = value.lower() != printed.lower()
    display = f"{scheme or 'https'}://{value}"
    repairs = tuple(fix.ids)
    if looks_like_email(unlabelled):
        return NormalisedValue(value, unlabelled, False, "an e-mail address, not a website", fixed, repairs=repairs)
    host = value.partition("/")[0]
    if lacks_top_level_domain(host):  # "www.alfakonsalting": ".ru" not read
        return NormalisedValue(value, display, False, "no top-level domain after the site's name", fixed, repairs=repairs)
    if _SECOND_ADDRESS_IN_PATH.search(value.partition("/")[2]):  # "x.net/http://www.x.net": two read as one
        return NormalisedValue(value, display, False, "two web addresses run together", fixed, repairs=repairs)
    if not _HOST.match(host):
        return NormalisedValue(value, display, False, f"not a web address: {host!r} is not a host name", fixed,
                               repairs=repairs)
    return NormalisedValue(value, display, True, None, fixed, repairs=repairs)
