"""Validation of field values: per-field normalisation plus card-level cross-checks.

``normalise`` is the one canonical form of a value (validator, CRM export and evaluation all use
it); ``Validator`` checks a whole card; ``region_hint_from`` says which country a card is from.
"""

from ml_backend.reading.values.normalise import normalise
from ml_backend.reading.values.region import region_hint_from
from ml_backend.reading.values.result import NormalisedValue
from ml_backend.reading.validate.validator import Validator

__all__ = ["NormalisedValue", "Validator", "normalise", "region_hint_from"]
