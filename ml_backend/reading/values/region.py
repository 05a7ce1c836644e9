"""Which country a card is from, to read phone numbers printed without a country code.

Evidence: a country or city named in the address (or a UK postcode, a US state and ZIP, a
Brazilian CEP or state) decides; countries are known by their names in the languages of our
cards, from libphonenumber's geodata. Otherwise the numbers printed with their country code, the country-code TLDs of the
e-mails and websites and the words that give the language or legal system away ("Tél.",
"Handy", "GmbH", "Ltd") vote, one vote each: a card prints a foreign office's number with its
country code, its own domain and legal form are home. The script comes last (our Cyrillic
cards are Russian, when a quarter of their letters is Cyrillic: one stray line misread as
Cyrillic makes no Russian card; Greek, Hebrew, kana, Hangul and Thai give their countries away).
Last, the language the card is written in (lingua, ``text.languages``) names a few countries, and
the card's printed numbers pick the one they are valid in: "(11) 2684-7988" on a card saying
"Senhora de Fátima" is valid in Brazil, not in Portugal. No evidence -> None, and the caller
falls back to ``settings.default_region``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

import phonenumbers
from phonenumbers import geocoder

from ml_backend.schema import FieldValue
from ml_backend.text.addresses import BR_CEP, UK_POSTCODE, US_ZIP_CODE
from ml_backend.text.lexicon import (
    AMBIGUOUS_COUNTRY_NAMES,
    GENERIC_CCTLDS,
    PHONE_REGION_PLACES,
    PLACE_REGIONS,
    TLD_REGION_EXCEPTIONS,
    US_STATE_CODES,
    WORD_REGIONS,
)
from ml_backend.reading.values.phone import number_region, split_numbers
from ml_backend.text.cyrillic import MIN_CARD_CYRILLIC_SHARE, cyrillic_share
from ml_backend.text.languages import LANGUAGE_REGIONS, language_of

#: A state code and a ZIP code ("VA 81932"); only a US state's code is US evidence ("DF 48065"
#: is a Mexican address).
_US_STATE_ZIP = re.compile(rf"\b([A-Z]{{2}})\s+{US_ZIP_CODE}\b")
#: A Brazilian CEP ("01137-000") or a state after a dash or comma at the end of an address part
#: ("Jd. Fernandes - SP", "São Paulo, SP"): only the most populous states, whose codes are no
#: other region's words (not "DF", which Mexican addresses print for the Distrito Federal).
_BR_ADDRESS = re.compile(rf"\b{BR_CEP}\b|[-–,]\s*(?:SP|RJ|MG|RS|PR|SC|BA)\b(?!\.)")
_WORD = re.compile(r"[^\W\d_][\w.\-]*")
#: Languages whose country names an address may print (libphonenumber's geodata has them).
_COUNTRY_NAME_LANGUAGES = ("en", "pt", "es", "fr", "de", "it", "nl", "pl", "ru")


@cache
def _country_names() -> dict[str, str]:
    """Every region's name in ``_COUNTRY_NAME_LANGUAGES`` (lower case) -> its ISO code."""
    names: dict[str, str] = {}
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        example = phonenumbers.example_number(region)
        if example is None:
            continue
        for language in _COUNTRY_NAME_LANGUAGES:
            name = geocoder.country_name_for_number(example, language).lower()
            if len(name) > 3 and name not in AMBIGUOUS_COUNTRY_NAMES:
                names.setdefault(name, region)
    return names


@cache
def _place_pattern() -> re.Pattern[str]:
    places = {**_country_names(), **PHONE_REGION_PLACES, **PLACE_REGIONS}
    return re.compile(
        r"(?<!\w)(" + "|".join(re.escape(p) for p in sorted(places, key=len, reverse=True)) + r")(?!\w)",
        re.IGNORECASE,
    ), places


@cache
def tld_regions() -> dict[str, str]:
    """Country-code top-level domains -> ISO region: every region libphonenumber knows, by its
    own code ("br", "es"), those sold as generic domains aside (``GENERIC_CCTLDS``), and the
    exceptions (".uk" is GB, ".su" and ".рф" Russian)."""
    tlds = {r.lower(): r for r in phonenumbers.SUPPORTED_REGIONS if r.lower() not in GENERIC_CCTLDS}
    return {**tlds, **TLD_REGION_EXCEPTIONS}
_DOMAIN_TLD = re.compile(r"[\w-]\.([^\W\d_]{2,})(?=/|[^\w.]|$)")
_PLUS_NUMBER = re.compile(r"\+\s*\d[\d\s\-().]{6,}\d")


def _from_places(texts: Iterable[str]) -> str | None:
    pattern, places = _place_pattern()
    for text in texts:
        match = pattern.search(text)
        if match:
            return places[match.group(1).lower()]
        if UK_POSTCODE.search(text):
            return "GB"
        if any(m.group(1) in US_STATE_CODES for m in _US_STATE_ZIP.finditer(text)):
            return "US"
        if _BR_ADDRESS.search(text):
            return "BR"
    return None


def _numbers_regions(texts: Iterable[str]) -> list[str]:
    """The region of every number printed with its country code."""
    found = []
    for text in texts:
        for candidate in _PLUS_NUMBER.findall(text):
            found += [r for part in split_numbers(candidate, "US") if (r := number_region(part))]
    return found


def _domains_regions(texts: Iterable[str]) -> list[str]:
    """The region of every country-code TLD (the host's last label: "hotmail.co.uk" is "uk")."""
    tlds = [m.group(1).lower() for text in texts for m in _DOMAIN_TLD.finditer(text)]
    regions = tld_regions()
    return [regions[t] for t in tlds if t in regions]


def _words_regions(texts: Iterable[str]) -> list[str]:
    """The region of every word that gives one away."""
    found = []
    for text in texts:
        for word in _WORD.findall(text):
            lower = word.lower()
            region = WORD_REGIONS.get(lower) or WORD_REGIONS.get(lower.rstrip(".:,"))
            if region:
                found.append(region)
    return found


def _voted(*evidence: list[str]) -> str | None:
    """The region most pieces of evidence name; a tie goes to the one named first, stronger
    kinds of evidence first (a "+49" office number on a card with a ".co.uk" e-mail, a ".co.uk"
    website and "Limited" is a British card)."""
    ordered = [region for kind in evidence for region in kind]
    if not ordered:
        return None
    counts = Counter(ordered)
    return max(counts, key=lambda region: (counts[region], -ordered.index(region)))


def region_hint_from(source: list[FieldValue] | str) -> str | None:
    """ISO region the card's evidence points to (see module docstring), or None.

    ``source`` is either the card's field values or its plain text (all OCR lines joined).
    """
    if isinstance(source, str):
        address = phones = domains = everything = [source]
    else:
        texts = {f: [v.value for v in source if v.field == f] for f in ("address", "phone", "email", "website")}
        address, phones = texts["address"], texts["phone"]
        domains = texts["email"] + texts["website"]
        everything = [v.value for v in source]
    return (
        _from_places(address)
        or _voted(_numbers_regions(phones), _domains_regions(domains), _words_regions(everything))
        or ("RU" if cyrillic_share(everything) >= MIN_CARD_CYRILLIC_SHARE else None)
        or _script_region(everything)
        or _language_region(everything, phones)
    )


#: Scripts written in one country mostly (Cyrillic is read as Russian above, as our cards are).
_SCRIPT_REGIONS = (
    (re.compile(r"[\u0370-\u03ff]"), "GR"), (re.compile(r"[\u0590-\u05ff]"), "IL"),
    (re.compile(r"[\u3040-\u30ff]"), "JP"), (re.compile(r"[\uac00-\ud7af]"), "KR"), (re.compile(r"[\u0e00-\u0e7f]"), "TH"),
)


def _script_region(texts: list[str]) -> str | None:
    """The region a script other than Latin and Cyrillic gives away (Greek, Hebrew, Japanese kana,
    Hangul, Thai), or None."""
    for pattern, region in _SCRIPT_REGIONS:
        if any(pattern.search(t) for t in texts):
            return region
    return None


_DIGIT_RUN = re.compile(r"\+?\(?\d[\d \-().·]{5,}\d")
#: Tokens that are no words of a language: numbers, e-mail addresses, host names.
_NO_WORD = re.compile(r"\S*(?:\d|@|\w\.\w)\S*")
#: A number possible in a region: with its area code, or a local one printed without it.
_POSSIBLE = (phonenumbers.ValidationResult.IS_POSSIBLE, phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY)


def _language_region(texts: list[str], phones: list[str]) -> str | None:
    """The first country of the card's language (``text.languages``, most cards first) where
    every number the card prints is a possible one (with its area code, or a local number
    without); None when the language is not clear, the card prints no number, or no country of
    the language fits them all. "(11) 2684-7988" and "3854-7828" on a Portuguese card fit Brazil;
    "55 1234 5678" on a Spanish one is too long for Spain and fits Mexico."""
    numbers = [m.group(0) for text in (phones or texts) for m in _DIGIT_RUN.finditer(text)]
    language = language_of(" ".join(_NO_WORD.sub(" ", t) for t in texts)) if numbers else None
    if language is None:
        return None
    for region in LANGUAGE_REGIONS[language]:
        if all(_possible_in(number, region) for number in numbers):
            return region
    return None


def _possible_in(number: str, region: str) -> bool:
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number_with_reason(parsed) in _POSSIBLE
