"""The result of normalising one field value, shared by every field normaliser."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Confidence multiplier of a value kept as read with a note (a spelling a rule proposes, a
#: number not known as assigned): an annotator should look, so active learning ranks it higher.
NOTED_FACTOR = 0.7


@dataclass(frozen=True)
class NormalisedValue:
    """What a printed value means once cleaned up.

    ``value`` is the canonical form compared by the evaluation and stored by the CRM (E.164 phone,
    lower-case e-mail, host+path website...); ``display`` is the form shown to people. ``valid``
    False with ``reason`` says what could not be confirmed; ``value`` is then the best effort,
    never empty unless the input was. ``fixed`` says OCR repairs were needed to get there (the
    validator trusts such a value a little less). ``note`` is a doubt about a value that is kept
    as valid (a number that is possible but not known as assigned), for the annotator.
    ``repairs`` names the repair steps (rules of the ``normalise`` stage, ``reading.rules``) that
    changed the text, in the order they ran; the validator puts them in the value's ``applied``.
    They say how the value was reached, not what it is: two normalisations of one value compare
    equal whatever repairs each needed.
    """

    value: str
    display: str
    valid: bool = True
    reason: str | None = None
    fixed: bool = False
    note: str | None = None
    repairs: tuple[str, ...] = field(default=(), compare=False)
