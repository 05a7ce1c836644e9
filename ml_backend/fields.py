"""BIO-tagged words -> field values, and QR fields merged over them.

Decoding rules (words arrive in reading order: lines in OCR order, words left to right):

* ``O`` closes the open value: "Tel: +1 555 0100  Email: a@b.com" is one OCR line holding two
  values, separated by the ``O`` label words.
* ``I-X`` continues an open value of field X, on the same line or the next one (a company name
  wrapped over two lines), except a full name (its lines are joined by geometry, below) and a
  phone, e-mail or website already complete on its line. An ``I-X`` with no open X value (after
  ``O`` or another field) is read as ``B-X``: the tagger's boundary slip must not lose the word.
* ``B-X`` starts a new value, except right after an open value of the same single-value field
  (no ``O`` word between): annotators draw one rectangle per printed line, so a two-line address
  arrives as ``B-ADDRESS ...`` ``B-ADDRESS ...`` and must become ONE address. Multi-value fields
  (phone, e-mail, website) always start a new value on ``B-``: two phones are two values.
* Words of one line join with a space; lines join with ", " for addresses (the joint
  ``validate.normalise`` gives address lines) and a space otherwise.

Reading order breaks a value wherever other text comes between its lines (a phone printed
beside the street line, a two-column layout), so values are then joined by geometry: all parts
of the address (a card prints one address) top to bottom, and a part of a name, position or
company printed right below another part of the same field (a wrapped line), unless a full name
is complete on either line. OCR also splits a line at a wide gap ("0121" | "349 7853"): a phone,
e-mail or website part too incomplete to be a value on its own is joined to the part of the same
field next to it on its row.

Before decoding, the tagger's typical slips on real cards are undone: a garbled contact label
tagged as address ("3n. nota:" for "Эл. почта:"), the company's monogram logo on a line of its
own, a complete name split between the name and a neighbouring field, the company's name
(spelled by the card's domain) given to another field. After it, a "phone" with
fewer than three digits (a bullet) and a "website" without a dot (a garbled label) are dropped.

A value's confidence is the *minimum* of its words' tag probabilities, not the mean: a value is
right only if every word is, and the evaluation compares whole values, so one doubtful word in
a long address must show; a mean would dilute it with the sure ones.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field, replace

from ml_backend.schema import (
    BIO_TAGS,
    FIELDS,
    MULTI_VALUE_FIELDS,
    OUTSIDE_TAG,
    FieldValue,
    TaggedWord,
    tag_field,
    union_bbox,
)
from ml_backend.validate import normalise, region_hint_from
from ml_backend.validate.lexicon import COMPANY_LEGAL_FORMS, TITLE_PREFIXES, TITLE_WORDS
from ml_backend.validate.plain import is_complete_name

log = logging.getLogger(__name__)

_LINE_JOINERS: dict[str, str] = {"address": ", "}
_WORD_JOINER = " "
_KNOWN_TAGS = frozenset(BIO_TAGS)


@dataclass
class _OpenValue:
    """Words of the value being decoded."""

    field: str
    words: list[TaggedWord] = field(default_factory=list)

    def text(self) -> str:
        joiner = _LINE_JOINERS.get(self.field, _WORD_JOINER)
        lines: list[list[str]] = []
        previous = None
        for tw in self.words:
            if tw.word.line_index != previous:
                lines.append([])
                previous = tw.word.line_index
            lines[-1].append(tw.word.text)
        texts = [_WORD_JOINER.join(words) for words in lines]
        if joiner.strip():  # don't double a separator the card already printed ("Main St,")
            texts = [t.rstrip(joiner.strip()) if i < len(texts) - 1 else t for i, t in enumerate(texts)]
        return joiner.join(texts)

    def to_value(self) -> FieldValue:
        text = self.text()
        line_indices: list[int] = []
        for tw in self.words:
            if tw.word.line_index not in line_indices:
                line_indices.append(tw.word.line_index)
        return FieldValue(
            field=self.field,
            value=text,
            raw=text,
            confidence=min(tw.probability for tw in self.words),
            bbox=union_bbox([tw.word.bbox for tw in self.words]),
            line_indices=line_indices,
        )


def _continues(open_value: _OpenValue | None, tw: TaggedWord, field_name: str) -> bool:
    """Whether ``tw`` (tagged for ``field_name``) extends ``open_value`` rather than starting anew."""
    if open_value is None or open_value.field != field_name:
        return False
    new_line = tw.word.line_index != open_value.words[-1].word.line_index
    if field_name == "full_name" and new_line:
        return False  # a name's second line, if it is one, is joined by ``_join_wrapped``
    if tw.tag.startswith("I-"):
        # a phone, e-mail or website complete on its line is not continued on the next one:
        # two numbers printed one below the other are two values, whatever the I- says
        return not (new_line and field_name in MULTI_VALUE_FIELDS and not _incomplete(open_value.to_value()))
    # B- of the same single-value field right after it (no O word between): the next line of a
    # multi-line address, or another piece of it, annotated as its own rectangle.
    return field_name not in MULTI_VALUE_FIELDS


def words_to_values(words: list[TaggedWord]) -> list[FieldValue]:
    """Field values spelled by BIO-tagged ``words`` (see module docstring), in reading order.

    Raises ValueError for a tag that is not one of ``schema.BIO_TAGS``.
    """
    unknown = next((tw for tw in words if tw.tag not in _KNOWN_TAGS), None)
    if unknown is not None:
        raise ValueError(f"unknown BIO tag {unknown.tag!r} on word {unknown.word.text!r}")
    values: list[FieldValue] = []
    open_value: _OpenValue | None = None
    retagged = _title_continued_below(_name_on_its_line(_company_from_domain(words)))
    for tw in _untag_monogram(_untag_labels(retagged)):
        if tw.tag == OUTSIDE_TAG:
            if open_value is not None:
                values.append(open_value.to_value())
                open_value = None
            continue
        field_name = tag_field(tw.tag)
        assert field_name is not None
        if _continues(open_value, tw, field_name):
            open_value.words.append(tw)  # type: ignore[union-attr]
            continue
        if tw.tag.startswith("I-"):
            log.debug("stray %s on %r read as B-", tw.tag, tw.word.text)
        if open_value is not None:
            values.append(open_value.to_value())
        open_value = _OpenValue(field_name, [tw])
    if open_value is not None:
        values.append(open_value.to_value())
    return _without_strays(_join_fragments(_join_wrapped(_join_address_parts(values))))


#: A phone value needs at least this many digits once its fragments are joined; what has fewer
#: is a bullet ("+") or a stray digit the tagger took for one, not a number to validate.
_MIN_PHONE_DIGITS = 3


def _stray(value: FieldValue) -> bool:
    """A phone without a number's digits, or a website without a dot ("noyta", a garbled
    "почта" label): the tagger's slip on a bullet or a label, with nothing to validate."""
    if value.field == "phone":
        return sum(ch.isdigit() for ch in value.value) < _MIN_PHONE_DIGITS
    if value.field == "website":
        return "." not in value.value
    return False


def _without_strays(values: list[FieldValue]) -> list[FieldValue]:
    kept = [v for v in values if not _stray(v)]
    if len(kept) < len(values):
        log.debug("read as bullets or labels, not values: %s", [v.value for v in values if _stray(v)])
    return kept


def _titled(text: str) -> bool:
    """Whether ``text`` holds a job-title word or a legal form (then it is not only a name)."""
    words = [w.strip(".,:;()").lower() for w in text.split()]
    return any(
        w in TITLE_WORDS or w in COMPANY_LEGAL_FORMS or w.startswith(TITLE_PREFIXES) for w in words if w
    )


def _name_on_its_line(words: list[TaggedWord]) -> list[TaggedWord]:
    """On a line the tagger read part of a name on, a complete name (name words, a known given
    name, no title or legal form) is the name, whatever it called the other words: before the
    first comma ("Jacqueline M. Thomas, Consultant", the given name pulled into the address
    above; "Paul Houston, Sports Officer", the surname given to the title), or the whole line
    ("АГГЕЙ СТЕПАНОВ" with the surname tagged as the position below it). Where the tagger read
    no name anywhere on the card, the first line that is such a name as a whole is the name too
    ("Howard Hancock" taken for the company above "Polaris Consulting Ltd.", "Gareth Sanderson"
    for the address's last line), unless the tagger began an address with it ("North Megan, IN
    13968" is a town)."""
    out = list(words)
    by_line: dict[int, list[int]] = {}
    for i, tw in enumerate(words):
        by_line.setdefault(tw.word.line_index, []).append(i)
    nameless = not any(tw.field == "full_name" for tw in words)
    for indices in by_line.values():
        if not any(words[i].field == "full_name" for i in indices):
            if not nameless or words[indices[0]].tag == "B-ADDRESS" or words[indices[-1]].word.text.endswith(","):
                continue
            head = indices
        else:
            comma = next((k for k, i in enumerate(indices) if words[i].word.text.endswith(",")), None)
            head = indices[: comma + 1] if comma is not None and comma < len(indices) - 1 else indices
        text = " ".join(words[i].word.text for i in head).rstrip(",")
        if all(words[i].field == "full_name" for i in head) or not is_complete_name(text):
            continue
        if _titled(text) or any(len(w) > 3 and w[0].islower() for w in text.split()):
            continue  # a title, a legal form, or a lower-case word longer than "van"/"von"/"de"
        log.debug("%r read as the name on its line", text)
        for k, i in enumerate(head):
            out[i] = replace(words[i], tag="B-FULL_NAME" if k == 0 else "I-FULL_NAME")
        nameless = False
    return out


#: A contact label as OCR spells it: one or two short words closed by a colon ("E-mail:",
#: "Be-caět:" for "Веб-сайт:"), or one abbreviation of at most three characters and a dot
#: ("3n." for "Эл."). "Main St." before a phone is not one: two words, no colon.
_LABEL_SHAPED = re.compile(r"^(?:\S{1,10}(?:\s\S{1,10})?:|\S{1,3}\.)$")


def _untag_labels(words: list[TaggedWord]) -> list[TaggedWord]:
    """Address words that are the label of the value printed right after them on their line.

    A garbled label ("3n. nota: ivan@x.ru", "Be-caět: www.x.ru") is text the tagger never saw,
    and it tends to call it part of the address; the address parts of a card are then all
    joined ("3n., Москва, ул. ...") and the one address is wrong. A label-shaped address run
    followed on its line (label words aside) by another field's word is read as ``O`` instead.
    """
    out = list(words)
    start = 0
    while start < len(out):
        end = start
        while end + 1 < len(out) and out[end + 1].field == out[start].field and _same_line(out[end + 1], out[start]):
            end += 1
        run = out[start : end + 1]
        # the next tagged word of the line: other label words ("nota:") may come between
        following = next((tw for tw in out[end + 1 :] if tw.field is not None or not _same_line(tw, run[0])), None)
        if (
            run[0].field == "address"
            and following is not None
            and following.field not in (None, "address")
            and _same_line(following, run[0])
            and _LABEL_SHAPED.match(" ".join(tw.word.text for tw in run))
        ):
            log.debug("address words %r read as a label of the %s after them", [tw.word.text for tw in run], following.field)
            out[start : end + 1] = [replace(tw, tag=OUTSIDE_TAG) for tw in run]
        start = end + 1
    return out


#: A logo's monogram read as text ("VG"): two or three capitals and nothing else.
_MONOGRAM = re.compile(r"^[^\W\d_]{2,3}$")


def _initials(words: list[TaggedWord]) -> str:
    return "".join(tw.word.text[0] for tw in words if tw.word.text[:1].isalpha()).upper()


def _untag_monogram(words: list[TaggedWord]) -> list[TaggedWord]:
    """A line holding only the company's initials ("VG" for "Vector Group", "DC" over "Daniels
    Capital Group") is its logo, whatever field the tagger gave it: the logo sits next to the
    address or the company name and gets pulled into them. Needs the company's words on the
    card to compare with, so a two-line company name such as "IBM" / "Global Services" stays."""
    out = list(words)
    for i, tw in enumerate(words):
        text = tw.word.text
        if tw.field is None or not (_MONOGRAM.match(text) and text.isupper()):
            continue
        if any(_same_line(other, tw) for j, other in enumerate(words) if j != i):
            continue
        company = [o for j, o in enumerate(words) if j != i and o.field == "company"]
        if company and _initials(company).startswith(text):
            log.debug("%s word %r on a line of its own read as the company's logo", tw.field, text)
            out[i] = replace(tw, tag=OUTSIDE_TAG)
    return out


#: Words printed between a job title and the company on one line ("Founder at Fox-McCarthy").
_COMPANY_CONNECTORS = frozenset({"at", "@", "chez", "bei", "bij", "presso", "en", "|", "·", "-", "–", "—", "/"})
_DOMAIN_LABEL = re.compile(r"^(?:[\w.+\-]*@|(?:https?://)?(?:www\.)?)([^\W_](?:[\w\-]*[^\W_])?)\.[^\W\d_]{2,}", re.IGNORECASE)


def _slug(words: list[TaggedWord]) -> str:
    """A run of words as a domain label spells it: "Fox-McCarthy" -> "fox-mccarthy"."""
    text = unicodedata.normalize("NFKD", " ".join(tw.word.text for tw in words))
    return "-".join(re.findall(r"[a-z0-9]+", "".join(c for c in text if not unicodedata.combining(c)).lower()))


def _names_the_domain(slug: str, labels: set[str]) -> bool:
    """Whether a slug is the company a domain label names: "lefebvre" / "lefebvre.fr",
    "mejia-schneider" / "mejia-schneider.io" or "maldonadocontreras.com", "fox-mccarthy" / "fox.com"."""
    return bool(slug) and (slug in labels or slug.replace("-", "") in labels
                           or "-" in slug and slug.partition("-")[0] in labels)


def _company_from_domain(words: list[TaggedWord]) -> list[TaggedWord]:
    """The company's name on a line of its own, or after "at"/"chez"/a comma on the title's line, is
    the company when the card's e-mail or web domain spells it ("Lefebvre" beside
    "c.marques@lefebvre.fr"), whatever the tagger called it: one-word company names, surnames
    mostly, are the tagger's blind spot (an address's last line, a second full name). A legal
    form after the name goes with it ("Geisler GmbH")."""
    labels = set()
    for tw in words:
        if tw.field in ("email", "website"):
            match = _DOMAIN_LABEL.match(tw.word.text)
            if match:
                labels.add(match.group(1).lower())
    if not labels or any(tw.field == "company" and _names_the_domain(_slug([tw]), labels) for tw in words):
        return words
    out = list(words)
    by_line: dict[int, list[int]] = {}
    for i, tw in enumerate(words):
        by_line.setdefault(tw.word.line_index, []).append(i)
    for indices in by_line.values():
        end = len(indices)
        while end > 1 and words[indices[end - 1]].word.text.lower().strip(",") in COMPANY_LEGAL_FORMS:
            end -= 1
        for start in range(end):
            before = words[indices[start - 1]].word.text.lower() if start else ""
            if start and before not in _COMPANY_CONNECTORS and not before.endswith(","):
                continue
            run = [words[i] for i in indices[start:end]]
            if any(tw.field in ("email", "website") or _DOMAIN_LABEL.match(tw.word.text) for tw in run):
                continue  # the address itself, not the company's name
            if _names_the_domain(_slug(run), labels):
                log.debug("%r names the card's domain: the company", " ".join(words[i].word.text for i in indices[start:]))
                for k, i in enumerate(indices[start:]):
                    out[i] = replace(words[i], tag="B-COMPANY" if k == 0 else "I-COMPANY")
                if before in _COMPANY_CONNECTORS:
                    out[indices[start - 1]] = replace(words[indices[start - 1]], tag=OUTSIDE_TAG)
                return out
    return out


#: Words a printed line cannot end on: the line goes on below ("Health and" / "Safety Inspector").
_DANGLING = frozenset({"and", "&", "und", "et", "y", "e", "и", "of", "for", "für", "de", "du", "des", "der", "по"})


def _title_continued_below(words: list[TaggedWord]) -> list[TaggedWord]:
    """A line ending on "and"/"&"/"of" right above a line that starts a position is the
    position's first line, whatever the tagger called it ("Logistics and" over "Distribution
    Manager", left out or pulled into the name above): the decoder then joins the two lines.
    On one line, the words before such a conjunction and the position after it are one title."""
    out = list(words)
    by_line: dict[int, list[int]] = {}
    for i, tw in enumerate(words):
        by_line.setdefault(tw.word.line_index, []).append(i)
    starts = [indices[0] for indices in by_line.values() if words[indices[0]].tag == "B-POSITION"]
    for indices in by_line.values():
        first_title = next((k for k, i in enumerate(indices) if words[i].field == "position"), None)
        if first_title and words[indices[first_title - 1]].word.text.lower() in _DANGLING:
            # "Health and | safety inspector" on one line, its start given to another field
            for k, i in enumerate(indices[:first_title]):
                out[i] = replace(words[i], tag="B-POSITION" if k == 0 else "I-POSITION")
            out[indices[first_title]] = replace(words[indices[first_title]], tag="I-POSITION")
            continue
        last = words[indices[-1]]
        if last.word.text.lower() not in _DANGLING or first_title is not None:
            continue
        head = _line_value([words[i] for i in indices])
        below = next((s for s in starts if _wraps_onto(head, _line_value([w for w in words if _same_line(w, words[s])]))), None)
        if below is None:
            continue
        log.debug("%r read as the first line of the position below it", head.value)
        for k, i in enumerate(indices):
            out[i] = replace(words[i], tag="B-POSITION" if k == 0 else "I-POSITION")
    return out


def _line_value(line: list[TaggedWord]) -> FieldValue:
    """A line's words as a value, for the geometry of ``_wraps_onto``."""
    return _OpenValue("position", line).to_value()


def _same_line(a: TaggedWord, b: TaggedWord) -> bool:
    return a.word.line_index == b.word.line_index


def _joined(parts: list[FieldValue], joiner: str) -> FieldValue:
    """One value made of ``parts`` (already in reading order), as sure as its least sure part."""
    text = joiner.join(p.value for p in parts)
    return replace(
        parts[0],
        value=text,
        raw=text,
        confidence=min(p.confidence for p in parts),
        bbox=union_bbox([p.bbox for p in parts if p.bbox]),
        line_indices=[i for p in parts for i in p.line_indices],
    )


def _join_address_parts(values: list[FieldValue]) -> list[FieldValue]:
    """Every address part of the card -> one address, parts top to bottom, where the first was.

    Parts of one OCR line (another field's word came between them: "стр. 8 + 737166, г. Пышма"
    with the "+" bullet tagged as a phone) keep their left-to-right order: on a tilted photo the
    right part's words can sit higher than the left part's.
    """
    parts = [v for v in values if v.field == "address"]
    if len(parts) < 2:
        return values
    line_top: dict[int, float] = {}
    for v in parts:
        line_top[v.line_indices[0]] = min(line_top.get(v.line_indices[0], v.bbox[1]), v.bbox[1])  # type: ignore[index]
    ordered = sorted(parts, key=lambda v: (line_top[v.line_indices[0]], v.bbox[0]))  # type: ignore[index]
    merged = _joined(ordered, _LINE_JOINERS["address"])
    first = next(i for i, v in enumerate(values) if v.field == "address")
    return [merged if i == first else v for i, v in enumerate(values) if v.field != "address" or i == first]


def _incomplete(value: FieldValue) -> bool:
    """A multi-value part that cannot be a whole value: a phone with fewer than 7 digits, an
    e-mail without "@" or without a dot after it, a website without a dot."""
    text = value.value
    if value.field == "phone":
        return sum(ch.isdigit() for ch in text) < 7
    if value.field == "email":
        return "@" not in text or "." not in text.rpartition("@")[2]
    if value.field == "website":
        return "." not in text.strip(".")
    return False


def _same_row_neighbours(left: FieldValue, right: FieldValue) -> bool:
    """``right`` starts just after ``left`` ends (gap under two line heights) on the same row."""
    assert left.bbox is not None and right.bbox is not None
    _, ly0, lx1, ly1 = left.bbox
    rx0, ry0, _, ry1 = right.bbox
    height = max(ly1 - ly0, ry1 - ry0)
    same_row = min(ly1, ry1) - max(ly0, ry0) > 0.5 * min(ly1 - ly0, ry1 - ry0)
    return same_row and -0.5 * height <= rx0 - lx1 <= 2 * height


def _join_fragments(values: list[FieldValue]) -> list[FieldValue]:
    """Adjacent parts of a phone/e-mail/website on one row, one of them incomplete -> one value."""
    out = list(values)
    i = 0
    while i < len(out) - 1:
        left, right = out[i], out[i + 1]
        if (
            left.field == right.field
            and left.field in MULTI_VALUE_FIELDS
            and (_incomplete(left) or _incomplete(right))
            and _same_row_neighbours(left, right)
        ):
            joiner = _WORD_JOINER if left.field == "phone" else ""
            out[i : i + 2] = [_joined([left, right], joiner)]
            continue
        i += 1
    return out


def _wraps_onto(upper: FieldValue, lower: FieldValue) -> bool:
    """Whether ``lower`` reads as the continuation line of ``upper``: just below it (gap under a
    line height) and overlapping it horizontally."""
    assert upper.bbox is not None and lower.bbox is not None
    ux0, _, ux1, uy1 = upper.bbox
    lx0, ly0, lx1, ly1 = lower.bbox
    height = ly1 - ly0
    return -0.3 * height <= ly0 - uy1 <= height and min(ux1, lx1) > max(ux0, lx0)


def _joinable(upper: FieldValue, lower: FieldValue) -> bool:
    """Whether ``lower`` reads as the continuation line of ``upper`` (see ``_wraps_onto``); a
    full name complete on either line is not continued: the other line is another field the
    tagger took for a name ("ВИШНЯКОВА ПОЛИНА ВЕНИАМИНОВНА" over the position "Гранатомётчик")."""
    if upper.field == "full_name" and (is_complete_name(upper.value) or is_complete_name(lower.value)):
        return False
    return _wraps_onto(upper, lower)


def _join_wrapped(values: list[FieldValue]) -> list[FieldValue]:
    """Parts of a name, position or company printed one below the other -> one value."""
    out = list(values)
    for name in ("full_name", "position", "company"):
        merged = True
        while merged:
            merged = False
            parts = [v for v in out if v.field == name]
            for upper in parts:
                lower = next((p for p in parts if p is not upper and _joinable(upper, p)), None)
                if lower is not None:
                    out[out.index(upper)] = _joined([upper, lower], _WORD_JOINER)
                    out.remove(lower)
                    merged = True
                    break
    return out


def _same_value(field_name: str, a: str, b: str, region: str | None) -> bool:
    """Whether two texts are one value of ``field_name`` once normalised (case aside)."""
    na, nb = normalise(field_name, a, region), normalise(field_name, b, region)
    return bool(na.value) and na.value.casefold() == nb.value.casefold()


def merge_qr(values: list[FieldValue], qr: dict[str, list[str]]) -> tuple[list[FieldValue], list[str]]:
    """The model's values with every field the QR code fills replaced by the QR's values.

    A QR code is typed by the card's owner, so it beats OCR + tagging wherever it has a value;
    fields it lacks keep the model's values. A QR value takes the box and lines of the model's
    value that reads the same once normalised, so its Label Studio region still points at the
    printed text; otherwise it has no box. Returns (values, QR fields in schema order).
    Raises ValueError for a QR field the schema does not define.
    """
    unknown = set(qr) - set(FIELDS)
    if unknown:
        raise ValueError(f"QR fields not in the schema: {sorted(unknown)}")
    qr_fields = [f for f in FIELDS if any(t and t.strip() for t in qr.get(f, []))]
    region = region_hint_from(values)
    merged: list[FieldValue] = []
    placed: set[str] = set()
    for v in values:
        if v.field not in qr_fields:
            merged.append(v)
        elif v.field not in placed:  # QR values go where the model's first value of the field was
            merged.extend(_qr_values(v.field, qr[v.field], values, region))
            placed.add(v.field)
    for f in qr_fields:
        if f not in placed:
            merged.extend(_qr_values(f, qr[f], values, region))
    return merged, qr_fields


def _qr_values(
    field_name: str, texts: list[str], model_values: list[FieldValue], region: str | None
) -> list[FieldValue]:
    out = []
    for text in (t.strip() for t in texts):
        if not text:
            continue
        twin = next(
            (m for m in model_values if m.field == field_name and _same_value(field_name, m.value, text, region)), None
        )
        value = FieldValue(field=field_name, value=text, raw=text, confidence=1.0, source="qr")
        if twin is not None:
            value = replace(value, bbox=twin.bbox, line_indices=list(twin.line_indices))
        out.append(value)
    return out
