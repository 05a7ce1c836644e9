"""Per-value normalisation: one field value and the region of its card -> its canonical form.

Pure functions of a value: decoding (``fields``, ``retag``), the validator, the CRM export and the
evaluation all compare values through ``normalise``.
"""

from ml_backend.reading.values.normalise import normalise
from ml_backend.reading.values.region import region_hint_from
from ml_backend.reading.values.result import NormalisedValue

__all__ = ["NormalisedValue", "normalise", "region_hint_from"]
