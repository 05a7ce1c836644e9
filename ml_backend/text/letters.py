"""Small text repairs shared by the field normalisers: scripts, look-alike letters, labels, TLDs.

OCR on business cards fails in a few recurring ways that no single field owns: Tesseract's
``rus+eng`` model reads Latin letters of an e-mail as Cyrillic look-alikes ("mаil.ru" with a
Cyrillic "а"), digits and letters swap in short tokens ("c0m"), and printed prefixes such as
"Tel:" or "E-mail:" end up inside the tagged value.
"""

from __future__ import annotations

import re
import unicodedata

from ml_backend.text.lexicon import COMMON_TLDS, SECOND_LEVEL_LABELS
from ml_backend.text.labels import NUMBER_LABELS, WEB_LABELS

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_SPACES = re.compile(r"\s+")

#: Cyrillic letters that look like Latin ones (and are what OCR emits for them).
_HOMOGLYPHS = str.maketrans({
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
})

_HOMOGLYPH_KEYS = frozenset(chr(k) for k in _HOMOGLYPHS)

#: Digits OCR reads in place of letters; a top-level domain never contains a digit.
_TLD_DIGIT_FIXES = str.maketrans({"0": "o", "1": "l", "5": "s", "3": "e", "8": "b"})


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC.search(text))


def has_latin(text: str) -> bool:
    return bool(_LATIN.search(text))


def collapse_spaces(text: str) -> str:
    """One space between words, none at the ends (line breaks count as spaces)."""
    return _SPACES.sub(" ", text).strip()


def latinise(text: str) -> str:
    """Replace Cyrillic look-alikes with Latin letters.

    Only meant for text that must be ASCII-ish (e-mail addresses, host names) and that mixes
    scripts: an address that is entirely Cyrillic (``почта@пример.рф``) is left alone by callers.
    """
    return text.translate(_HOMOGLYPHS)


#: Russian letters as Russian e-mail addresses and domains spell them ("Цветков" ->
#: "tsvetkov", "Стройинвест" -> "stroyinvest"): the common passport-style transliteration.
_TRANSLITERATION = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
})


def unaccented(text: str) -> str:
    """``text`` without diacritics ("Bähr" -> "Bahr", "Étienne" -> "Etienne")."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def transliterated(text: str) -> str:
    """Lower-case ``text`` with Russian letters in Latin, as an address would spell them."""
    return text.lower().translate(_TRANSLITERATION)


def _is_lookalike_only(token: str) -> bool:
    return bool(token) and all(ch in _HOMOGLYPH_KEYS or not ch.isalpha() for ch in token)


def fix_mixed_script(text: str, separators: str = "@./:-_") -> tuple[str, bool]:
    """Latinise the look-alikes of tokens that OCR put in the wrong script; whether it changed.

    A token (split on ``separators``) that mixes Latin and Cyrillic is latinised; so is an
    all-Cyrillic token made only of look-alike letters when the text has Latin letters elsewhere
    (``"mail.сом"``, ``"а.petrov@..."``). A genuinely Cyrillic part (``info@ромашка.рф``: "ш",
    "ф" have no Latin twin) is left alone.
    """
    if not has_latin(text):
        return text, False
    tokens = re.split(f"([{re.escape(separators)}])", text)
    out = []
    for tok in tokens:
        if tok and tok not in separators and has_cyrillic(tok) and (has_latin(tok) or _is_lookalike_only(tok)):
            tok = latinise(tok)
        out.append(tok)
    fixed = "".join(out)
    return fixed, fixed != text


#: Top-level domains that do not exist but are what OCR makes of ".com" ("m" read as "n" or "rn").
_TLD_MISREADS = {"con": "com", "corn": "com", "cim": "com", "coni": "com", "ory": "org", "orq": "org"}


#: Printed words OCR glues to a domain when the next item follows without a space
#: ("yahoo.comWeb https://...", "x.ruwww.x.ru"): after a common TLD they are cut off.
#: Whole words only: a one- or two-letter label ("T", "M") would cut a real TLD (".cat", ".dem").
_GLUED_WORDS = tuple(sorted(WEB_LABELS | {w for w in NUMBER_LABELS if len(w) >= 3 and w.isascii() and w.isalpha()}))


def cut_glued_word(host: str) -> str:
    """``host`` without a printed word glued to its common TLD ("yahoo.comweb") or a hyphen and
    more after one ("x.us-mail"). Run after ``fix_tld_digits``: the TLD is matched as spelled."""
    head, dot, tld = host.rpartition(".")
    if dot and re.search(r"[-:]", tld) and not tld.lower().startswith("xn--"):  # a TLD never holds a hyphen:
        known = next((t for t in _TLDS_LONGEST_FIRST if tld.lower().startswith(t)), None)  # "us-mail", "rube6-cat"
        if known:
            return f"{head}.{tld[: len(known)]}"
    for word in _GLUED_WORDS if dot else ():
        if tld.lower().endswith(word) and tld.lower()[: -len(word)] in COMMON_TLDS:
            return f"{head}.{tld[: -len(word)]}"
    return host


#: Longest first, so "com" is tried before "co".
_TLDS_LONGEST_FIRST = sorted(COMMON_TLDS, key=len, reverse=True)


#: A country code after a space, behind a second-level label ("x.org uk", "x.co uk"): OCR read
#: the dot between them as a space, which joining the words would lose ("x.orguk").
_SPACED_COUNTRY_CODE = re.compile(rf"(\.(?:{'|'.join(sorted(SECOND_LEVEL_LABELS))}))\s+([a-z]{{2}})\s*$", re.IGNORECASE)


def dot_before_country_code(text: str) -> str:
    """``"briggsdesign.org uk"`` -> ``"briggsdesign.org.uk"`` (see ``_SPACED_COUNTRY_CODE``)."""
    return _SPACED_COUNTRY_CODE.sub(r"\1.\2", text)


def cased_like(word: str, spelling: str) -> str:
    """``spelling`` (a correction of ``word``) in the case ``word`` was printed in: all capitals,
    a capital first letter, or ``spelling``'s own case."""
    if word.isupper():
        return spelling.upper()
    return spelling[:1].upper() + spelling[1:] if word[:1].isupper() else spelling


def restore_domain_dot(domain: str) -> str:
    """A domain OCR read without its dot gets it back before a common TLD ("ramblerru" ->
    "rambler.ru", "xcouk" -> "x.co.uk"); a domain with a dot is left alone."""
    if "." in domain:
        return domain
    lower = domain.lower()
    if lower.endswith("couk") and len(lower) > 4:
        return f"{domain[:-4]}.co.uk"
    for tld in _TLDS_LONGEST_FIRST:
        if lower.endswith(tld) and len(lower) > len(tld) + 1:
            return f"{domain[: -len(tld)]}.{domain[-len(tld):]}"
    return domain


def fix_tld_digits(host: str) -> str:
    """``"example.c0m"`` -> ``"example.com"``: digits beside letters in a TLD are OCR misreads
    (punycode aside), and so are a few letter slips no real TLD is spelled as (".con"), also
    before a country code (".ory.uk")."""
    head, dot, tld = host.rpartition(".")
    if dot and tld.lower() in _TLD_MISREADS:
        return f"{head}.{_TLD_MISREADS[tld.lower()]}"
    second_head, second_dot, second = head.rpartition(".")
    if dot and second_dot and len(tld) == 2 and second.lower() in _TLD_MISREADS:  # "x.ory.uk"
        return f"{second_head}.{_TLD_MISREADS[second.lower()]}.{tld}"
    if not dot or tld.startswith("xn--") or not any(ch.isdigit() for ch in tld) or not any(ch.isalpha() for ch in tld):
        return host
    return f"{head}.{tld.translate(_TLD_DIGIT_FIXES)}"


def label_pattern(labels: list[str], *, loose: list[str] = (), ends: str = ":.") -> re.Pattern[str]:
    """A regex that matches a printed field label at the start of a value.

    ``labels`` are regex fragments that must be followed by one of ``ends`` (``"T:"``); ``loose``
    ones are also accepted before whitespace, with or without a dot (``"Email ivan@..."``,
    ``"E-mail. ivan@..."``). Keep "." out of
    ``ends`` where a value may start with a label-like word and a dot ("m.smith@...", "www.").
    """
    strict = "|".join(labels)
    end = f"[{re.escape(ends)}]"
    parts = [rf"(?:{strict})\s*{end}"]
    if loose:
        parts.append(rf"(?:{'|'.join(loose)})(?:\s*{end}|\.?\s)")
    return re.compile(rf"^\s*(?:{'|'.join(parts)})[\s:.\-–]*", re.IGNORECASE)


def strip_label(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` without the leading label ``pattern`` matches (once)."""
    return pattern.sub("", text, count=1).strip()
