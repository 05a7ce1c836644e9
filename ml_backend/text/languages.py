"""The language a card is written in, and the countries whose cards are written in it.

A card that names no country, prints no country code and has a generic domain (gmail.com,
hotmail.com) still shows its language: "Flores Nossa Senhora de Fatima" is Portuguese. That
narrows the country to a few; the card's own phone numbers then pick among them (a national
number is valid in one of them, not in the others: ``reading.values.region``).

The language comes from lingua (its n-gram models ship inside the wheel; no download), limited
to the languages of the cards we read, so that a short card is not matched to a language we
never see. lingua's high-accuracy mode is used: on the short texts of a card its low-accuracy
mode names a wrong language with high confidence (an American card "Polish, 0.97").
"""

from __future__ import annotations

from functools import cache

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

#: Languages of the cards we read (ISO 639-1) -> the countries whose cards are written in it,
#: the most cards first.
LANGUAGE_REGIONS: dict[str, tuple[str, ...]] = {
    "en": ("US", "GB", "CA", "AU", "NZ", "IE", "IN", "ZA", "SG"),
    "pt": ("BR", "PT", "AO", "MZ"),
    "es": ("ES", "MX", "AR", "CO", "CL", "PE", "VE", "EC", "UY", "PY", "BO", "CR", "PA", "DO", "GT"),
    "de": ("DE", "AT", "CH"),
    "fr": ("FR", "BE", "CH", "CA", "LU", "MA", "SN", "CI"),
    "it": ("IT", "CH"),
    "nl": ("NL", "BE"),
    "pl": ("PL",),
    "ru": ("RU", "BY", "KZ"),
}

#: lingua's confidence (0-1, summing to 1 over ``LANGUAGE_REGIONS``) a language needs: below it a
#: card's few words fit several languages ("Daniel Carlos Diretor Administrativo" is 0.57
#: Portuguese; "Daniel Whitton Cell Website" fits none well).
MIN_LANGUAGE_CONFIDENCE = 0.5


@cache
def _detector() -> LanguageDetector:
    codes = [getattr(IsoCode639_1, code.upper()) for code in LANGUAGE_REGIONS]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models().build()


def load() -> None:
    """Build the detector now (about 4 s and 300 MB: its models load whole), so that the first
    card read does not pay for it."""
    _detector()


def language_of(text: str) -> str | None:
    """ISO 639-1 code of the language ``text`` is written in, or None when no language of
    ``LANGUAGE_REGIONS`` reaches ``MIN_LANGUAGE_CONFIDENCE``."""
    if not any(ch.isalpha() for ch in text):
        return None
    best = _detector().compute_language_confidence_values(text)[0]
    if best.value < MIN_LANGUAGE_CONFIDENCE:
        return None
    return best.language.iso_code_639_1.name.lower()
