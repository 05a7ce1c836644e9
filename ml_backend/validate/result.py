"""The result of normalising one field value, shared by every field normaliser."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NormalisedValue:
    """What a printed value means once cleaned up.

    ``value`` is the canonical form compared by the evaluation and stored by the CRM (E.164 phone,
    lower-case e-mail, host+path website...); ``display`` is the form shown to people. ``valid``
    False with ``reason`` says what could not be confirmed; ``value`` is then the best effort,
    never empty unless the input was. ``fixed`` says OCR repairs were needed to get there (the
    validator trusts such a value a little less).
    """

    value: str
    display: str
    valid: bool = True
    reason: str | None = None
    fixed: bool = False
