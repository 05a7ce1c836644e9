"""The one definition of what a business card is made of.

Every other module imports the field names, Label Studio label names, BIO tags and the
data classes that travel through the pipeline from here:

    image -> OcrLine -> Word -> TaggedWord -> FieldValue -> Card -> Label Studio regions / CRM row

Nothing else defines a field or a label; a test checks that ``label_config/`` agrees.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

# --- fields --------------------------------------------------------------------------------

#: Contact fields in display order.
FIELDS: tuple[str, ...] = (
    "full_name",
    "position",
    "company",
    "email",
    "phone",
    "fax",
    "website",
    "address",
)
#: Fields that may hold several values on one card (two phones, two e-mails...).
MULTI_VALUE_FIELDS: frozenset[str] = frozenset({"email", "phone", "fax", "website"})
#: Fields the token tagger has tags of its own for. A fax number is tagged as a phone: models
#: trained before fax became a field know no FAX tag, and their label set must keep matching
#: ``BIO_TAGS``; the validator tells a fax from a phone by its printed label ("Fax:", "Факс").
TAGGED_FIELDS: tuple[str, ...] = tuple(f for f in FIELDS if f != "fax")
#: Field whose tags a field's words get in training examples (itself, or the one it is tagged as).
TAGGED_AS: dict[str, str] = {f: (f if f in TAGGED_FIELDS else "phone") for f in FIELDS}
SINGLE_VALUE_FIELDS: frozenset[str] = frozenset(set(FIELDS) - MULTI_VALUE_FIELDS)

#: Label Studio label for each field (RectangleLabels values in ``label_config/card.xml``).
FIELD_TO_LABEL: dict[str, str] = {name: name.upper() for name in FIELDS}
LABEL_TO_FIELD: dict[str, str] = {label: name for name, label in FIELD_TO_LABEL.items()}
#: Text on the card that is none of the fields (slogans, "Tel:" prefixes, logos).
OTHER_LABEL = "OTHER"
#: All rectangle labels offered to annotators, in order.
LS_LABELS: tuple[str, ...] = tuple(FIELD_TO_LABEL[f] for f in FIELDS) + (OTHER_LABEL,)
#: Card-level Choices (``<Choices name=... toName="image">`` in ``label_config/card.xml``) an
#: annotator ticks once every field of the card is right; only such cards reach the CRM.
VALIDATED_CHOICES_NAME = "validated"
VALIDATED_CHOICE = "validated"

# --- BIO tags for token classification ------------------------------------------------------

OUTSIDE_TAG = "O"
BIO_TAGS: tuple[str, ...] = (OUTSIDE_TAG,) + tuple(
    f"{prefix}-{FIELD_TO_LABEL[f]}" for f in TAGGED_FIELDS for prefix in ("B", "I")
)
TAG2ID: dict[str, int] = {tag: i for i, tag in enumerate(BIO_TAGS)}
ID2TAG: dict[int, str] = {i: tag for tag, i in TAG2ID.items()}


def tag_field(tag: str) -> str | None:
    """Field name a BIO tag belongs to (``"B-EMAIL"`` -> ``"email"``), None for ``O``."""
    if tag == OUTSIDE_TAG:
        return None
    return LABEL_TO_FIELD[tag.split("-", 1)[1]]


def empty_fields() -> dict[str, Any]:
    """A fields dict with every schema key: None for single-value fields, [] for multi-value."""
    return {f: ([] if f in MULTI_VALUE_FIELDS else None) for f in FIELDS}


# --- data travelling through the pipeline ---------------------------------------------------

Point = tuple[float, float]
BBox = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels


def union_bbox(boxes: list[BBox]) -> BBox:
    """Smallest box holding all ``boxes`` (a value spanning several words or lines)."""
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


@dataclass
class OcrLine:
    """One text line as an OCR engine read it.

    ``box`` is the 4-point quadrilateral (clockwise from top-left) in pixel coordinates of the
    *upright* image, i.e. after the orientation fix the OCR applied (see ``OcrResult.rotation``).
    """

    text: str
    box: list[Point]
    confidence: float
    source: str = "ppocr"  # engine that produced the text (ppocr, paddle, tesseract, qr...)

    @property
    def bbox(self) -> BBox:
        xs = [p[0] for p in self.box]
        ys = [p[1] for p in self.box]
        return (min(xs), min(ys), max(xs), max(ys))

    def with_text(self, text: str) -> "OcrLine":
        """This line as read ``text`` (the line itself when the text is unchanged)."""
        return self if text == self.text else replace(self, text=text)


@dataclass
class OcrResult:
    """Lines of one image plus the geometry needed to map them back onto the original.

    ``rotation`` is the clockwise angle (0/90/180/270) by which the original (EXIF-transposed)
    image was turned to make the text upright; ``width``/``height`` are the upright size.
    """

    lines: list[OcrLine]
    width: int
    height: int
    rotation: int = 0


@dataclass
class Word:
    """A whitespace-separated word of an OCR line with its own box (upright pixel frame)."""

    text: str
    bbox: BBox
    line_index: int
    confidence: float = 1.0


@dataclass
class TaggedWord:
    """A word with the classifier's decision.

    ``probs`` is the softmax over ``BIO_TAGS`` for the word (first sub-token); active learning
    derives least-confidence, margin and entropy from it.
    """

    word: Word
    tag: str
    probs: list[float]

    @property
    def probability(self) -> float:
        return max(self.probs) if self.probs else 0.0

    @property
    def field(self) -> str | None:
        return tag_field(self.tag)


@dataclass
class FieldValue:
    """One value of one field: what the card says, what we made of it, and how sure we are.

    ``raw`` is the text as read (e.g. ``"Tel: +7 (912) 345-67-89"``), ``value`` the normalised
    value (``"+79123456789"``). ``valid`` False plus ``reason`` flags what the validator could not
    confirm; the value is kept so that nothing is silently dropped.

    ``note`` is what the validator wants an annotator to look at in a value it kept: a spelling
    it proposes but did not apply (the card printed the value this way, and only the card may
    overrule itself), a number libphonenumber does not know as assigned; ``proposal`` is that
    spelling, which the validator applies only where OCR was unsure of the line. ``applied`` names the
    rules that changed the value as read, in order, so a wrong change can be traced to its rule.
    """

    field: str
    value: str
    raw: str
    confidence: float
    source: str = "model"  # model | qr | rule
    valid: bool = True
    reason: str | None = None
    bbox: BBox | None = None  # upright pixel frame; None for QR-only values
    line_indices: list[int] = field(default_factory=list)
    display: str | None = None  # human-friendly form (international phone format...)
    note: str | None = None  # a proposal or doubt about a kept value, for the annotator
    proposal: str | None = None  # the spelling a rule proposes instead of the value as read
    applied: list[str] = field(default_factory=list)  # rules that changed the value as read

    @property
    def type_height(self) -> float:
        """The height of the type the value is printed in: its box's height per printed line (0
        without a box). One value is printed in one type size, and a business prints its name
        biggest, so decoding and the validator compare it."""
        if self.bbox is None:
            return 0.0
        return (self.bbox[3] - self.bbox[1]) / max(1, len(set(self.line_indices)))


def fields_from_values(values: list[FieldValue]) -> dict[str, Any]:
    """Schema-shaped dict of values: the first value of a single field wins (values come ordered
    by the validator, most trusted first); multi-value fields keep every distinct value in order."""
    out = empty_fields()
    for v in values:
        if v.field in MULTI_VALUE_FIELDS:
            if v.value not in out[v.field]:
                out[v.field].append(v.value)
        elif out[v.field] is None:
            out[v.field] = v.value
    return out


@dataclass
class Card:
    """What the pipeline returns for one image, what Label Studio regions and CRM rows are made of."""

    values: list[FieldValue]
    confidence: float
    ocr: OcrResult
    words: list[TaggedWord] = field(default_factory=list)
    qr_fields: list[str] = field(default_factory=list)
    #: Where the decoded QR code is, in pixels of the image ``predict`` was given (the original,
    #: EXIF-transposed frame, not the upright one); Label Studio places QR-only values on it.
    qr_box: BBox | None = None
    model_version: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def from_qr(self) -> bool:
        return bool(self.qr_fields)

    def fields(self) -> dict[str, Any]:
        """Schema-shaped dict of the values that passed validation (the others are in ``issues``,
        and still become Label Studio regions, so an annotator sees and fixes them)."""
        return fields_from_values([v for v in self.values if v.valid])

    def field_confidence(self) -> dict[str, float]:
        """Lowest confidence among a field's values (a field is as sure as its weakest value)."""
        conf: dict[str, float] = {}
        for v in self.values:
            conf[v.field] = round(min(conf.get(v.field, 1.0), v.confidence), 4)
        return conf

    def issues(self) -> list[dict[str, str]]:
        """Values the validator could not confirm, with the reason."""
        return [
            {"field": v.field, "value": v.value, "reason": v.reason or "invalid"}
            for v in self.values
            if not v.valid
        ]

    def notes(self) -> list[dict[str, str]]:
        """Values kept as read about which the validator has a proposal or a doubt (``FieldValue.note``)."""
        return [{"field": v.field, "value": v.value, "note": v.note} for v in self.values if v.note]

    def to_json(self) -> dict[str, Any]:
        """The CLI's per-image JSON object (without the ``image`` key)."""
        return {
            "fields": self.fields(),
            "confidence": round(self.confidence, 4),
            "field_confidence": self.field_confidence(),
            "issues": self.issues(),
            "notes": self.notes(),
            "lines": [
                {"text": ln.text, "box": [list(p) for p in ln.box], "confidence": round(ln.confidence, 4)}
                for ln in self.ocr.lines
            ],
            "qr": self.from_qr,
            "qr_fields": list(self.qr_fields),
            "model_version": self.model_version,
        }


def value_to_dict(v: FieldValue) -> dict[str, Any]:
    return asdict(v)
