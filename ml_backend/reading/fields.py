"""BIO-tagged words -> field values, and QR fields merged over them.

Decoding rules (words arrive in reading order: lines in OCR order, words left to right):

* ``O`` closes the open value: "Tel: +1 555 0100  Email: a@b.com" is one OCR line holding two
  values, separated by the ``O`` label words.
* ``I-X`` continues an open value of field X, on the same line or the next one (a company name
  wrapped over two lines, unless its line ends on its legal form), except a full name (its lines
  are joined by geometry, below) and a phone, e-mail or website already complete on its line. An ``I-X`` with no open X value (after
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
is complete on either line or the company's line ends on its legal form ("Stephens Inc" over
"Part of Northstar"). OCR also splits a line at a wide gap ("0121" | "349 7853", "Tracey" |
"Clements"): a phone, e-mail or website part too incomplete to be a value on its own, or a part of
a name that is no complete name, is joined to the part of the same field next to it on its row.

Before decoding, the tagger's typical slips on real cards are undone (``retag``). The joins
after it are the ``decode`` stage's rules (``rules``). A "phone" with fewer than three digits (a
bullet) or a "website" without a dot (a garbled label) is kept, and the validator flags it.

A value's confidence is the *minimum* of its words' tag probabilities, not the mean: a value is
right only if every word is, and the evaluation compares whole values, so one doubtful word in
a long address must show; a mean would dilute it with the sure ones.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from ml_backend.reading import rules
from ml_backend.reading.retag import undo_tagger_slips_marked, wraps_onto
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
from ml_backend.reading.values import normalise, region_hint_from
from ml_backend.text.labels import PHONE_LABELS
from ml_backend.text.lexicon import is_legal_form
from ml_backend.reading.values.plain import is_complete_name, is_initialled_name
from ml_backend.reading.values.website import lacks_top_level_domain

log = logging.getLogger(__name__)

_LINE_JOINERS: dict[str, str] = {"address": ", "}
_WORD_JOINER = " "
_KNOWN_TAGS = frozenset(BIO_TAGS)


@dataclass
class _OpenValue:
    """Words of the value being decoded."""

    field: str
    words: list[TaggedWord] = field(default_factory=list)
    #: Ids of the retag rules that changed the tags of these words.
    applied: list[str] = field(default_factory=list)

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
            applied=list(self.applied),
        )


def _continues(open_value: _OpenValue | None, tw: TaggedWord, field_name: str) -> bool:
    """Whether ``tw`` (tagged for ``field_name``) extends ``open_value`` rather than starting anew."""
    if open_value is None or open_value.field != field_name:
        return False
    new_line = tw.word.line_index != open_value.words[-1].word.line_index
    if field_name == "full_name" and new_line:
        return False  # a name's second line, if it is one, is joined by ``_join_wrapped``
    if new_line and _far_below(open_value, tw):
        return False  # a B- far below starts a value of its own
    if new_line and field_name in _WRAPPING_FIELDS and not _same_type_size(open_value.words[-1], tw):
        return False  # "CHEVROLESTE" in big type over "PEÇAS ORIGINAIS CHEVROLET": the line below is not its
    if new_line and field_name == "company" and _ends_on_legal_form(open_value.text()):
        return False  # "Clearview Media Inc." ends the name; a slogan below is no part of it
    if tw.tag.startswith("I-"):
        # a phone, e-mail or website complete on its line is not continued on the next one:
        # two numbers printed one below the other are two values, whatever the I- says
        return not (new_line and field_name in MULTI_VALUE_FIELDS and not _incomplete(open_value.to_value()))
    # B- of the same single-value field right after it (no O word between): the next line of a
    # multi-line address, or another piece of it, annotated as its own rectangle.
    return field_name not in MULTI_VALUE_FIELDS


#: Single-line-per-value fields whose I- words may wrap onto the next line, but only right below.
_WRAPPING_FIELDS = frozenset({"position", "company"})
#: Gap between a line and its wrapped continuation, in line heights of the lower line.
_MAX_WRAP_GAP = 2.0


#: Largest ratio of the type heights of two lines of one value: a name, title or company printed
#: over two lines is printed in one type size (the heights OCR boxes give vary a little with the
#: letters and the photo's perspective); a logo word over a line in small type is two things.
_MAX_TYPE_SIZE_RATIO = 1.5


def _same_type_heights(ha: float, hb: float) -> bool:
    return min(ha, hb) > 0 and max(ha, hb) <= _MAX_TYPE_SIZE_RATIO * min(ha, hb)


def _same_type_size(a: TaggedWord, b: TaggedWord) -> bool:
    """Whether the lines of two words are printed in about the same type size."""
    return _same_type_heights(a.word.bbox[3] - a.word.bbox[1], b.word.bbox[3] - b.word.bbox[1])


def _far_below(open_value: _OpenValue, tw: TaggedWord) -> bool:
    """Whether ``tw`` is on a new line that starts more than two line heights below the open
    position's or company's last line: no wrapped line of it ("Hydrographic surveyor" with the
    slogan "Synergistic zero tolerance paradigm" printed under the contact block)."""
    last_line = open_value.words[-1].word.line_index
    if open_value.field not in _WRAPPING_FIELDS or tw.word.line_index == last_line:
        return False
    upper_bottom = max(w.word.bbox[3] for w in open_value.words if w.word.line_index == last_line)
    top, bottom = tw.word.bbox[1], tw.word.bbox[3]
    return top - upper_bottom > _MAX_WRAP_GAP * (bottom - top)


def _ends_on_legal_form(company: str) -> bool:
    """Whether a company name's (last) line ends on its legal form after the name ("Stephens
    Inc", "Garner Analytics Limited", "Müller GmbH & Co. KG"): the name is complete, and a line
    below it ("Part of Northstar", a slogan) is not its continuation. A legal form alone on its
    line ("ООО" over "«Ромашка»") starts the name instead."""
    words = company.split()
    last = words[-1].strip(",") if words else ""
    return len(words) > 1 and is_legal_form(last)


def _continues_from_far_above(open_value: _OpenValue | None, tw: TaggedWord) -> bool:
    """An I- word of the open position or company ``_far_below`` it: text the tagger ran on into
    the value. It is left out; read as a value of its own, it would compete with the real one."""
    return (open_value is not None and tw.tag.startswith("I-") and tag_field(tw.tag) == open_value.field
            and _far_below(open_value, tw))


def words_to_values(words: list[TaggedWord]) -> list[FieldValue]:
    """Field values spelled by BIO-tagged ``words`` (see module docstring), in reading order.

    Raises ValueError for a tag that is not one of ``schema.BIO_TAGS``.
    """
    unknown = next((tw for tw in words if tw.tag not in _KNOWN_TAGS), None)
    if unknown is not None:
        raise ValueError(f"unknown BIO tag {unknown.tag!r} on word {unknown.word.text!r}")
    values: list[FieldValue] = []
    open_value: _OpenValue | None = None
    # (line, field) of I- words that continued a position or company from too far above
    far_continuation: tuple[int, str] | None = None
    retagged, marks = undo_tagger_slips_marked(words)
    for tw, applied in zip(retagged, marks):
        if tw.tag.startswith("I-") and far_continuation == (tw.word.line_index, tag_field(tw.tag)):
            continue
        if _continues_from_far_above(open_value, tw):
            log.debug("%s on %r continues nothing above it: left out", tw.tag, tw.word.text)
            far_continuation = (tw.word.line_index, tag_field(tw.tag))
            continue
        far_continuation = None
        if tw.tag == OUTSIDE_TAG:
            if open_value is not None:
                values.append(open_value.to_value())
                open_value = None
            continue
        field_name = tag_field(tw.tag)
        assert field_name is not None
        if _continues(open_value, tw, field_name):
            open_value.words.append(tw)  # type: ignore[union-attr]
            open_value.applied.extend(a for a in applied if a not in open_value.applied)  # type: ignore[union-attr]
            continue
        if tw.tag.startswith("I-"):
            log.debug("stray %s on %r read as B-", tw.tag, tw.word.text)
        if open_value is not None:
            values.append(open_value.to_value())
        open_value = _OpenValue(field_name, [tw], list(applied))
    if open_value is not None:
        values.append(open_value.to_value())
    return rules.run_values("decode", values, retagged)


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


#: A phone number's digits on a line (at least this many).
_MIN_PLACE_PHONE_DIGITS = 7


def _place_lines(words: list[TaggedWord]) -> set[int]:
    """Lines that print a phone label and a number tagged as a phone after it ("Av. Sapopemba,
    2449 - Tel/Fax: 2966-2550"): on a line that also holds an address, the address of one place
    of several. "Office: 6019 Renee Lane Apt. 892" labels an address, not a phone."""
    lines: set[int] = set()
    by_line: dict[int, list[TaggedWord]] = {}
    for tw in words:
        by_line.setdefault(tw.word.line_index, []).append(tw)
    for index, line in by_line.items():
        for k, tw in enumerate(line):
            labels = [w for w in tw.word.text.lower().strip(".:").split("/") if w]
            if labels and all(w in PHONE_LABELS or w in ("fax", "факс") for w in labels) and sum(
                    ch.isdigit() for after in line[k + 1:] if after.field in ("phone", "fax")
                    for ch in after.word.text) >= _MIN_PLACE_PHONE_DIGITS:
                lines.add(index)
                break
    return lines


@rules.implements("decode.address_parts_joined")
def _join_address_parts(values: list[FieldValue], words: list[TaggedWord]) -> list[FieldValue]:
    """Every address part of the card -> one address, parts top to bottom, where the first was.

    Parts that start on one OCR line (another field's word came between them: "стр. 8 + 737166,
    г. Пышма" with the "+" bullet tagged as a phone) keep their reading order, left to right: on
    a tilted photo the right part's words can sit higher than the left part's, and a part going
    on to the next line can reach further left there than the part before it ("2168" |
    "lliams Gardens" / "North Sabrinaburgh, AK 68068" on a right-aligned card).

    A card that prints several places, each address on a line with its own phone ("Av. Rio das
    Pedras, 1553 - Tel/Fax: 3123-0800" over "Av. Sapopemba, 2449 - Tel/Fax: 2966-2550"), has one
    address per place: the first place's parts are the address, the others stay values of their
    own, less sure (the validator flags them as second addresses).
    """
    parts = [v for v in values if v.field == "address"]
    places = _place_lines(words)
    part_places = sorted({v.line_indices[0] for v in parts if v.line_indices and v.line_indices[0] in places})
    if len(part_places) > 1:  # a card of several places, each address on its line with its phone
        log.debug("address parts on %d lines with their own phones: only the first place's joined", len(part_places))
        first_place = part_places[0]
        values = [v for v in values if v.field != "address" or (v.line_indices and v.line_indices[0] == first_place)] + [
            replace(v, confidence=v.confidence * _DETACHED_FACTOR) for v in parts
            if not (v.line_indices and v.line_indices[0] == first_place)]
        parts = [v for v in parts if v.line_indices and v.line_indices[0] == first_place]
    detached = [v for v in parts if _detached_from_the_address(v, parts)]
    if detached:
        log.debug("printed apart from the address block: %s", [v.value for v in detached])
        parts = [v for v in parts if not any(v is d for d in detached)]
    if len(parts) < 2:
        return _demoted_detached(values, detached)
    blocks = _address_blocks(parts, words, places)
    numbered = [any(c.isdigit() for v in block for c in v.value) for block in blocks]
    if len(blocks) > 1:
        log.debug("address parts in %d blocks apart: %s", len(blocks), [[v.value for v in b] for b in blocks])
    kept = values
    for block, has_number in zip(blocks, numbered):
        kept, merged = _block_joined(kept, block)
        if not has_number and any(numbered):  # a block without a number is no address beside one that has
            detached.append(merged)
    return _demoted_detached(kept, detached)


def _block_joined(values: list[FieldValue], block: list[FieldValue]) -> tuple[list[FieldValue], FieldValue]:
    """``values`` with the parts of one address block joined top to bottom, where the first was,
    and the joined value."""
    if len(block) == 1:
        return values, block[0]
    line_top: dict[int, float] = {}
    for v in block:
        line_top[v.line_indices[0]] = min(line_top.get(v.line_indices[0], v.bbox[1]), v.bbox[1])  # type: ignore[index]
    ordered = [block[k] for k in sorted(range(len(block)), key=lambda k: (line_top[block[k].line_indices[0]],
                                                                          block[k].line_indices[0], k))]
    merged = _joined(ordered, _LINE_JOINERS["address"])
    first = next(i for i, v in enumerate(values) if any(v is p for p in block))
    return [merged if i == first else v for i, v in enumerate(values)
            if i == first or not any(v is p for p in block)], merged


def _address_blocks(parts: list[FieldValue], words: list[TaggedWord], places: set[int]) -> list[list[FieldValue]]:
    """``parts`` grouped into the blocks a card prints an address in: two parts are of one block
    when they share a row, or one starts within ``_ADDRESS_BLOCK_GAP`` line heights below the
    other with at most one other line printed between them in their column (a phone or a
    registration number inside the block; a name or title in another column between them is
    the usual two-column card). An e-mail and a website line between them, or a paragraph of
    other text, part two addresses, or an address and a list of goods. A part printed on a line
    with its own phone (``places``: "Paseo Inocencio Becerra 19 - Tel/Fax: 838 97 57 96") is a
    place of its own unless the other part's line is the next or the last line read (a town line
    right below it); on a tilted photo the boxes cannot tell."""
    others: dict[int, list[tuple[float, float, float, float]]] = {}
    address_lines = {i for v in parts for i in v.line_indices}
    for tw in words:
        if tw.word.line_index not in address_lines:
            others.setdefault(tw.word.line_index, []).append(tw.word.bbox)
    other_boxes = [union_bbox(boxes) for boxes in others.values()]
    group = list(range(len(parts)))

    def root(k: int) -> int:
        while group[k] != k:
            k = group[k]
        return k

    for a in range(len(parts)):
        for b in range(a + 1, len(parts)):
            if root(a) != root(b) and _one_block(parts[a], parts[b], other_boxes) and (
                    not places.intersection(parts[a].line_indices + parts[b].line_indices)
                    or min(abs(i - j) for i in parts[a].line_indices for j in parts[b].line_indices) <= 1):
                group[root(b)] = root(a)
    blocks: dict[int, list[FieldValue]] = {}
    for k, v in enumerate(parts):
        blocks.setdefault(root(k), []).append(v)
    return list(blocks.values())


def _one_block(a: FieldValue, b: FieldValue, other_boxes: list[tuple[float, float, float, float]]) -> bool:
    """Whether two address parts are of one block (``_address_blocks``)."""
    assert a.bbox is not None and b.bbox is not None
    upper, lower = (a.bbox, b.bbox) if a.bbox[1] <= b.bbox[1] else (b.bbox, a.bbox)
    gap = lower[1] - upper[3]
    if gap <= 0:
        return True  # on one row, or rows overlapping (a tilted photo)
    height = min(a.type_height, b.type_height)
    if gap > _ADDRESS_BLOCK_GAP * height:
        return False
    between = sum(upper[3] <= (box[1] + box[3]) / 2 <= lower[1] and _overlap_x(box, upper) and _overlap_x(box, lower)
                  for box in other_boxes)
    return between <= _MAX_LINES_INSIDE_THE_BLOCK


def _overlap_x(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0])


#: An address part is part of the block when another part starts within this many of its line
#: heights above or below it (or beside it, on its row).
_ADDRESS_BLOCK_GAP = 2.0
#: Lines of other text an address block may hold between two of its parts, in their column
#: (a phone or registration-number line).
_MAX_LINES_INSIDE_THE_BLOCK = 1
#: Words at most in an address part that may be read as detached from the block.
_MAX_DETACHED_WORDS = 2
#: Confidence multiplier of a detached part: the address block outranks it when one value is kept.
_DETACHED_FACTOR = 0.5


def _detached_from_the_address(part: FieldValue, parts: list[FieldValue]) -> bool:
    """A word or two without a digit that the tagger called an address, printed far from every
    other address part, where those hold the number an address has ("algorithm" of a slogan
    or "LoriBall-PRIVATE" of a name line, lines above "Studio 41" / "Smith Mission"): a card
    prints its address as one block; a stray word far from it is some other text. Joining it
    would spoil the whole address."""
    others = [p for p in parts if p is not part]
    if (not others or len(part.value.split()) > _MAX_DETACHED_WORDS or any(c.isdigit() for c in part.value)
            or not any(c.isdigit() for p in others for c in p.value)):
        return False
    assert part.bbox is not None
    height = part.bbox[3] - part.bbox[1]
    return all(p.bbox is not None and _vertical_gap(part.bbox, p.bbox) > _ADDRESS_BLOCK_GAP * height for p in others)


def _vertical_gap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Distance between two boxes along the vertical (negative when they share rows)."""
    return max(b[1] - a[3], a[1] - b[3])


def _demoted_detached(values: list[FieldValue], detached: list[FieldValue]) -> list[FieldValue]:
    """``values`` with each detached address part a value of its own, less sure than the block:
    the validator then flags it as a second address instead of dropping what the tagger saw."""
    return [replace(v, confidence=v.confidence * _DETACHED_FACTOR) if any(v is d for d in detached) else v
            for v in values]


def _incomplete(value: FieldValue) -> bool:
    """A multi-value part that cannot be a whole value: a phone with fewer than 7 digits, an
    e-mail without "@" or without a dot after it, a website without a dot after its "www."."""
    text = value.value
    if value.field == "phone":
        return sum(ch.isdigit() for ch in text) < 7
    if value.field == "email":
        return "@" not in text or "." not in text.rpartition("@")[2]
    if value.field == "website":
        return "." not in text.strip(".") or lacks_top_level_domain(text.strip("."))  # "www.fal" | "con.ru"
    return False


def _same_row_neighbours(left: FieldValue, right: FieldValue) -> bool:
    """``right`` starts just after ``left`` ends (gap under two line heights, or an overlap under
    one: "Владилен" | "i Гришин", a speck between the words read into the second box) on the same row."""
    assert left.bbox is not None and right.bbox is not None
    _, ly0, lx1, ly1 = left.bbox
    rx0, ry0, _, ry1 = right.bbox
    height = max(ly1 - ly0, ry1 - ry0)
    same_row = min(ly1, ry1) - max(ly0, ry0) > 0.5 * min(ly1 - ly0, ry1 - ry0)
    return same_row and -height <= rx0 - lx1 <= 2 * height  # boxes of a split line may overlap


def _fragments(left: FieldValue, right: FieldValue, region: str | None = None) -> bool:
    """Two values of a field that read as one split by OCR: a phone/e-mail/website with an
    incomplete part, or a name neither part of which is a complete name ("Tracey" | "Clements").
    A phone number valid as read is no fragment to extend: a stray "0" beside "01516/2567257"
    stays apart."""
    if left.field != right.field:
        return False
    if left.field in MULTI_VALUE_FIELDS:
        if left.field == "phone" and any(not _incomplete(p) and normalise("phone", p.value, region).valid
                                         for p in (left, right)):
            return False
        return _incomplete(left) or _incomplete(right)
    return left.field == "full_name" and not (is_complete_name(left.value) or is_complete_name(right.value))


def _printed_between(left: FieldValue, right: FieldValue, words: list[TaggedWord] | None) -> bool:
    """Whether a word with a letter or digit stands on the row between ``left`` and ``right``
    ("(11) 99098-5170 | Fax 55 11 2154-5166": "Fax" between the number and "55"): the parts are
    then two values the card printed apart, not one that OCR split at a gap."""
    if not words:
        return False
    assert left.bbox is not None and right.bbox is not None
    x0, x1 = left.bbox[2], right.bbox[0]
    top, bottom = max(left.bbox[1], right.bbox[1]), min(left.bbox[3], right.bbox[3])
    for tw in words:
        wx0, wy0, wx1, wy1 = tw.word.bbox
        if x0 < (wx0 + wx1) / 2 < x1 and min(wy1, bottom) - max(wy0, top) > 0 and any(c.isalnum() for c in tw.word.text):
            return True
    return False


@rules.implements("decode.fragments_joined")
def _join_fragments(values: list[FieldValue], words: list[TaggedWord] | None = None) -> list[FieldValue]:
    """Adjacent parts of a phone/e-mail/website or of a name on one row (``_fragments``), with no
    word printed between them (``_printed_between``) -> one value."""
    out = list(values)
    region = region_hint_from(values)
    i = 0
    while i < len(out) - 1:
        left, right = out[i], out[i + 1]
        if _fragments(left, right, region) and _same_row_neighbours(left, right) and not _printed_between(left, right, words):
            joiner = _WORD_JOINER if left.field in ("phone", "full_name") else ""
            out[i : i + 2] = [_joined([left, right], joiner)]
            continue
        i += 1
    return out


def _joinable(upper: FieldValue, lower: FieldValue) -> bool:
    """Whether ``lower`` reads as the continuation line of ``upper`` (see ``retag.wraps_onto``); a
    full name complete on either line, or printed as initials and a surname above, is not
    continued: the other line is another field the tagger took for a name ("ВИШНЯКОВА ПОЛИНА
    ВЕНИАМИНОВНА" over the position "Гранатомётчик", "М. Ф. Антонов" over "Банкир", a word of
    the company's name over "Э. Д. Владимирова")."""
    if upper.field == "full_name" and (is_complete_name(upper.value) or is_complete_name(lower.value)
                                       or is_initialled_name(upper.value) or is_initialled_name(lower.value)):
        return False
    if upper.field == "company" and _ends_on_legal_form(upper.value):
        return False
    return wraps_onto(upper, lower) and _same_type_heights(upper.type_height, lower.type_height)


def _starts_its_line(value: FieldValue, words: list[TaggedWord] | None) -> bool:
    """Whether no word of another field (or of none) stands before ``value`` on its first OCR line:
    a wrapped name's next line is the name's alone, while "Solutions" tagged in "IT Solutions"
    under "BELTIS" is the end of a tagline."""
    if not words or value.bbox is None or not value.line_indices:
        return True
    line, x0 = value.line_indices[0], value.bbox[0]
    return not any(tw.word.line_index == line and tw.field != value.field and tw.word.bbox[2] <= x0 for tw in words)


@rules.implements("decode.wrapped_lines_joined")
def _join_wrapped(values: list[FieldValue], words: list[TaggedWord] | None = None) -> list[FieldValue]:
    """Parts of a name, position or company printed one below the other -> one value."""
    out = list(values)
    for name in ("full_name", "position", "company"):
        merged = True
        while merged:
            merged = False
            parts = [v for v in out if v.field == name]
            for upper in parts:
                lower = next((p for p in parts if p is not upper and _joinable(upper, p) and _starts_its_line(p, words)),
                             None)
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
