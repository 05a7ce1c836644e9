"""The one normalisation of a field value, used by the validator, the CRM export and the evaluation.

Whatever compares or stores a value calls ``normalise`` so that "+7 (912) 345-67-89" printed on
a card, "89123456789" typed by an annotator and "+79123456789" from a QR code are one value.
``normalise`` is idempotent: normalising a normalised value returns it unchanged.
"""

from __future__ import annotations

from typing import Callable

from ml_backend.schema import FIELDS
from ml_backend.reading.values.email import normalise_email
from ml_backend.reading.values.phone import normalise_phone
from ml_backend.reading.values.plain import (
    normalise_address,
    normalise_company,
    normalise_full_name,
    normalise_position,
)
from ml_backend.reading.values.result import NormalisedValue
from ml_backend.reading.values.website import normalise_website

_BY_FIELD: dict[str, Callable[[str], NormalisedValue]] = {
    "full_name": normalise_full_name,
    "position": normalise_position,
    "company": normalise_company,
    "email": normalise_email,
    "website": normalise_website,
    "address": normalise_address,
}
#: Fields whose values are phone numbers (normalised with the card's region).
NUMBER_FIELDS = frozenset({"phone", "fax"})
assert set(_BY_FIELD) | NUMBER_FIELDS == set(FIELDS), "every schema field needs a normaliser"


def normalise(field: str, text: str, region_hint: str | None = None, *, region_known: bool = False) -> NormalisedValue:
    """Canonical value, display form and validity of ``text`` as a value of ``field``.

    ``region_hint`` (ISO 3166 alpha-2, e.g. "FR") only matters for phone numbers printed
    without a country code; without it ``settings.default_region`` is assumed. ``region_known``
    says the hint is the card's region by evidence, not a default (``phone.normalise_phone``).
    Raises ValueError for a field the schema does not define.
    """
    if field in NUMBER_FIELDS:
        return normalise_phone(text, region_hint, region_known=region_known)
    try:
        normaliser = _BY_FIELD[field]
    except KeyError:
        raise ValueError(f"unknown field {field!r}; fields are {', '.join(FIELDS)}") from None
    if not text or not text.strip():
        return NormalisedValue("", "", False, "empty value")
    return normaliser(text)
