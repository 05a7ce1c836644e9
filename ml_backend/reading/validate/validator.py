"""Field values (the tagger's and the QR code's) -> checked, normalised, cross-checked values of one card.

Two calls, with the line evidence merged between them (``pipeline.read_card_values``):
``check`` — per value ``normalise`` (labels stripped, OCR repairs, syntax checks, E.164...),
card-level moves before and after it (two numbers tagged as one split; spaCy cue rules catch a
company tagged as a name, and similar mix-ups), e-mails, websites and phones the tagger garbled
replaced by what they hold (``recover``); ``settle`` — the card's spellings made consistent, and
the checks that read the line evidence (``lines.LineEvidence``: the label before a number, how
sure OCR was of a line, a name or job-title line the tagger missed) or the whole card: a
"company" that looks like a person, a second value of a field that has one, and an address,
company, title or name whose shape says OCR misread it (``shape``: "Martinland CVo 9NU",
'ООО "Вектор') are flagged. The validator reads no OCR text itself.
Nothing is dropped: a value that fails a check is kept with ``valid=False``, a ``reason`` and a
lower confidence, so the annotator sees it in Label Studio."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from ml_backend.config import Settings, load_settings
from ml_backend.reading import rules
from ml_backend.reading.lines import MAX_TITLE_WORDS, RECOVERED_CONFIDENCE, CardRegion, LineEvidence, LineFacts, card_region
from ml_backend.schema import FIELDS, SINGLE_VALUE_FIELDS, FieldValue, union_bbox
from ml_backend.text.addresses import STREET_TYPES_OPENING_A_LINE, US_ZIP_PLUS_FOUR, is_postcode_of_some_region
from ml_backend.reading.validate.cues import Cues, CueTagger
from ml_backend.reading.values.email import split_addresses
from ml_backend.text.given_names import has_given_name
from ml_backend.text.lexicon import NAME_AFFIXES, is_legal_form
from ml_backend.text.numbers import LOCAL_NUMBER_ENDING_A_TEXT
from ml_backend.reading.values.normalise import normalise
from ml_backend.reading.validate.number_labels import label_kind, printed_label
from ml_backend.reading.values.phone import split_numbers
from ml_backend.reading.values.plain import last_address_part
from ml_backend.reading.validate.recover import RecoverContext, phone_shaped, recover_values
from ml_backend.reading.values.result import NOTED_FACTOR
from ml_backend.reading.validate.shape import (
    case_slips_restored,
    cyrillic_read_as_latin,
    is_eight_digit_postcode,
    misread_address,
    misread_company,
    misread_position,
)
from ml_backend.reading.validate.spelling import consistent_spellings, named_by_the_domains, proposed
from ml_backend.text.letters import has_cyrillic
from ml_backend.text import languages, russian_spelling

log = logging.getLogger(__name__)

#: Confidence multipliers: a value that needed OCR repairs, that a rule moved to another field,
#: or that failed a check is less likely to be right than the tagger alone thought (one kept
#: with a note: ``result.NOTED_FACTOR``).
FIXED_FACTOR = 0.9
RELABELLED_FACTOR = 0.8
FLAGGED_FACTOR = 0.5
#: A value kept as read with a note (a spelling the validator would propose, a number not known
#: as assigned): an annotator should look, so active learning ranks the card higher.
#: A line OCR read with at least this confidence was read well: a rule may change its letters
#: only where the card itself shows the other spelling, never from a name or a word list.
GOOD_OCR_CONFIDENCE = 0.9

_NAME_LIKE_FIELDS = ("full_name", "company", "position")
@dataclass(frozen=True)
class CardContext:
    """What the validate and settle stages' rules see besides the values: the validator (its cue
    rules), the values as split before the per-value checks (``pieces``, index for index with the
    checked values until the first rule that adds or removes one; the validate stage's), the
    card's line evidence (``lines.LineEvidence``: labels, confidences, name and title lines; never
    the OCR text itself), the phone region and whether the card's own evidence gave it."""

    validator: "Validator"
    pieces: list[FieldValue]
    evidence: LineEvidence
    region: str
    region_known: bool

    @property
    def lines(self) -> tuple[LineFacts, ...]:
        return self.evidence.lines


class Validator:
    """Build once per process (spaCy pipelines take ~1-2 s to build, the language detector
    ~4 s), then ``validate`` per card."""

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings or load_settings()
        self._cues = CueTagger(self._settings.spacy_models)
        languages.load()

    def cues(self, text: str) -> Cues:
        """Company / title cues the rule pipeline finds in ``text``."""
        return self._cues.cues(text)

    @property
    def default_region(self) -> str:
        """The phone region of a card whose own evidence names none (``settings.default_region``)."""
        return self._settings.default_region

    def validate(self, values: list[FieldValue], *, region_hint: str | None = None) -> list[FieldValue]:
        """Checked values of one card read without OCR lines (typed values, a QR code's, tests):
        ``check`` then ``settle``, with no line evidence. ``region_hint`` forces the phone region;
        otherwise it is read off the card's values, then the default region. A card read from an
        image goes through the pipeline's stages instead (``pipeline.read_card_values``), which
        add the line evidence between the two."""
        region = card_region(values, [], self.default_region, forced=region_hint)
        checked, _ = self.check(values, region)
        return self.settle(checked, LineEvidence(region))

    def check(self, values: list[FieldValue], region: CardRegion) -> tuple[list[FieldValue], RecoverContext]:
        """The checks before the line evidence joins: card-level moves (``card``), one value
        holding two split (``split``), each value normalised and checked, card-level checks and
        moves (``validate``), garbled e-mails, websites and phones replaced by what they hold
        (``recover.value``). Returns the values and what recovery read off the card (its domains
        and names: ``lines.merge_lines`` needs them)."""
        values = rules.run_values("card", values)
        pieces = rules.run_values("split", values, region.code)
        checked = [_checked(piece, region.code, region_known=region.known) for piece in pieces]
        context = CardContext(self, pieces, LineEvidence(region), region.code, region.known)
        checked = rules.run_values("validate", checked, context)
        return recover_values(checked, region.code, region_known=region.known)

    def settle(self, values: list[FieldValue], evidence: LineEvidence) -> list[FieldValue]:
        """The checks after the line evidence joined: what the card prints twice spelled one way
        (``spelling``), then the card-level checks and moves that read the line evidence's
        labels, confidences and name and title lines (``settle``). Ordered by field, the value
        kept for a single field first."""
        region = evidence.region
        checked = consistent_spellings(values)
        context = CardContext(self, [], evidence, region.code, region.known)
        checked = rules.run_values("settle", checked, context)
        return sorted(checked, key=lambda v: FIELDS.index(v.field))  # stable: kept value stays first

    # -- cross-field rules ------------------------------------------------------------------

    def _relabel_by_cues(self, pieces: list[FieldValue], checked: list[FieldValue], region: str) -> list[FieldValue]:
        """Move a name/company/position value whose cues clearly say another of the three.

        A legal form ("LLC", "ООО") makes a company; a title word ("Director", "Директор")
        without company cues makes a position. The move only happens into a field the card does
        not fill yet; otherwise a value holding a legal form is flagged, and one holding a title
        word, which a name or a company may print, keeps a note. A moved value is checked
        afresh from its unchecked ``pieces`` twin (a company fails the full-name checks).
        """
        out = list(checked)
        for i, v in enumerate(out):
            if v.field not in _NAME_LIKE_FIELDS:
                continue
            cues = self._cues.cues(v.value)
            target = _cue_target(v.field, cues)
            if target is None and _trade_name(v.field, cues) and not any(o.field == "company" for o in out):
                target = "company"  # "FRISEUR WIELOCH" read as a name on a card that names no company
            if target is None:
                continue
            if any(o.field == target for j, o in enumerate(out) if j != i):
                why = f"looks like a {target}, but the card already has one"
                # a legal form is no part of a person's name or a title; a title word may be part of
                # a name or a company as printed ("Steiger Widmer & Partner"): kept, with a note
                out[i] = _flagged(v, why) if target == "company" else replace(
                    v, note=v.note or f"{why}: check it", confidence=v.confidence * NOTED_FACTOR)
                continue
            log.debug("relabel %r: %s -> %s", v.value, v.field, target)
            piece = pieces[i]
            moved = replace(piece, field=target, source="rule", confidence=piece.confidence * RELABELLED_FACTOR)
            out[i] = _checked(moved, region)
        return out

    def _missing_position(self, values: list[FieldValue], lines: tuple[LineFacts, ...]) -> list[FieldValue]:
        """A card without a position gets the first line no value was read from that reads as
        a job title by the cue rules alone ("COO", "Head of Sales"; letter-spaced capitals
        such as "C OO" closed up: the line evidence's ``title``): the tagger missed it, often
        because the font spaced it out."""
        if any(v.field == "position" for v in values):
            return []
        used = {i for v in values for i in v.line_indices}
        for line in lines:
            title = line.title
            if line.index in used or title is None:
                continue
            cues = self._cues.cues(title.value)
            if cues.title and not cues.company and not cues.person and normalise("position", title.value).valid:  # no slogan
                return [title]
        return []

    def _leftover_name_as_position(self, values: list[FieldValue], region: str) -> list[FieldValue]:
        """A second "full name" on a card without a position, one line that holds no given name
        and no company cue ("Ветеринар" under "ЕВДОКИМОВА ВИКТОРИЯ АРХИПОВНА"), is the position:
        a card prints its holder's title next to the name, and the tagger, not knowing the
        rare job word, called it part of the name."""
        if any(v.field == "position" and v.valid for v in values):
            return values
        out = list(values)
        for i, v in enumerate(out):
            if not (v.field == "full_name" and not v.valid and "a second full_name" in (v.reason or "")):
                continue
            text = v.raw or v.value  # as read: the name checks may have split a word ("МАРК ЕТОЛОГ")
            if len(v.line_indices) != 1 or len(text.split()) > MAX_TITLE_WORDS or any(c.isdigit() for c in text):
                continue
            cues = self._cues.cues(text)
            if has_given_name(text) or cues.company or cues.person:
                continue
            log.debug("second name %r read as the position", text)
            out[i] = replace(_checked(replace(v, field="position", value=text, valid=True, reason=None), region),
                             source="rule", confidence=min(v.confidence, RECOVERED_CONFIDENCE))
            break
        return out

    def _unsure_readings_flagged(self, values: list[FieldValue], lines: tuple[LineFacts, ...]) -> list[FieldValue]:
        """A value read from a line the OCR engine was unsure of is flagged for the annotator.

        Below these scores a reading is almost never right as a whole: on the tuning cards, 3 of
        77 values read from PP-OCR lines under 0.7 or Tesseract lines under 0.6 were right, most
        from blurred photos ("htps:/binkenegy.com"). Accepted, they reach the CRM wrong; flagged,
        the annotator reads the card. Phone numbers are left to phonenumbers' checks (Tesseract
        is unsure of digits it reads right); QR values were never read by OCR.
        """
        out = []
        for v in values:
            if v.valid and v.field != "phone" and v.source != "qr":
                scores = [(lines[i].confidence, self._min_confidence(lines[i])) for i in v.line_indices if i < len(lines)]
                unsure = [score for score, least in scores if score < least]
                if unsure and _spelled_in_dictionary_words(v.value):
                    v = replace(v, note=v.note or f"OCR was unsure of this text (line confidence {min(unsure):.2f}), "
                                                   "though its words are dictionary words: check it",
                                confidence=v.confidence * NOTED_FACTOR)
                elif unsure:
                    v = _flagged(v, f"OCR was unsure of this text (line confidence {min(unsure):.2f}): check it")
            out.append(v)
        return out

    def _min_confidence(self, line: LineFacts) -> float:
        if line.engine == "tesseract":
            return self._settings.min_tesseract_confidence
        return self._settings.min_ocr_confidence

    def _flag_person_like_companies(self, values: list[FieldValue]) -> list[FieldValue]:
        """A "company" that reads as a person's name, with no company cue, on a card without a name.

        Likely the tagger's mistake, but "Morgan Stanley" exists: flag it for the annotator
        rather than move it. A Latin-script name starts with its given name ("KARL-HERMANN
        RING"); a given name further on ("AUTO SOCORRO") is no sign of a person.
        """
        if any(v.field == "full_name" for v in values):
            return values
        out = []
        for v in values:
            if v.field == "company" and v.valid:
                cues = self._cues.cues(v.value)
                if cues.person and not cues.company and not cues.title and _reads_as_a_persons_name(v.value):
                    v = _flagged(v, "looks like a person's name, and the card has no full_name")
            out.append(v)
        return out


def _reads_as_a_persons_name(text: str) -> bool:
    """Whether ``text`` begins as a person's name does in its script: a Latin one with a given
    name; a Russian one holds a given name anywhere (surname first is usual there)."""
    if has_cyrillic(text):
        return has_given_name(text)
    words = [w for w in text.split() if w.lower().strip(",") not in NAME_AFFIXES]  # "Dr. John Smith"
    return bool(words) and has_given_name(words[0])


_DICTIONARY_WORD = re.compile(r"[А-ЯЁа-яё]+")


def _spelled_in_dictionary_words(text: str) -> bool:
    """Whether every word of ``text`` is a Russian dictionary word (``russian_spelling``), and
    nothing else is in it: a reading that could be right as read ("Дизайнер" on a line PP-OCR
    scored 0.52), so a low line score is no reason to take it out of the fields; OCR garbage
    rarely spells words."""
    words = text.split()
    return bool(words) and all(_DICTIONARY_WORD.fullmatch(w) and russian_spelling.is_russian_word(w) for w in words)


def _name_line_cut_from_the_address(values: list[FieldValue], lines: tuple[LineFacts, ...], region: str) -> list[FieldValue]:
    """On a card with no name, an address whose first line is a person's name ("John Conway"
    over "14403 Phillips Street": the line evidence's ``person_name``): the tagger ran the name
    line into the address below it. The line becomes the full name; the rest stays the address.
    A Latin name starts with its given name: "rue Frédéric Weiss" holds one, but is a street."""
    if any(v.field == "full_name" for v in values):
        return values
    out = list(values)
    for i, v in enumerate(out):
        if v.field != "address" or v.source == "qr" or len(v.line_indices) < 2 or v.line_indices[0] >= len(lines):
            continue
        person = lines[v.line_indices[0]].person_name
        first, _, rest = v.value.partition(", ")
        if not rest or person is None or first != person.value:
            continue
        if not _reads_as_a_persons_name(first):  # "rue Frédéric Weiss" is a street
            continue
        log.debug("name line %r cut from the address %r", first, v.value)
        name = _checked(person, region)
        boxes = [lines[j].bbox for j in v.line_indices[1:] if j < len(lines)]
        address = replace(v, value=rest, raw=rest, line_indices=v.line_indices[1:], bbox=union_bbox(boxes) if boxes else v.bbox)
        out[i:i + 1] = [name, _checked(address, region)]
        break
    return out


def _address_case_restored(values: list[FieldValue], region: str | None) -> list[FieldValue]:
    """A capital read as its small form in an address read by OCR ("65 clarke Manors") is put
    right (``shape.case_slips_restored``), before the shape check. ``region``: None where the
    card's evidence gave none (a default region says nothing of how its addresses are written)."""
    out = []
    for v in values:
        if v.field == "address" and v.valid and v.source != "qr":
            restored = case_slips_restored(v.value, region)
            if restored != v.value:
                v = replace(v, value=restored, display=restored)
        out.append(v)
    return out


def _misread_values_flagged(values: list[FieldValue], region: str, region_known: bool = True) -> list[FieldValue]:
    """An address, company name, job title or name read by OCR whose shape says it was misread (``shape``) is
    flagged: one wrong letter in a postcode or a lost town makes a contact the CRM cannot post
    to, and these slips are the ones OCR is confident of. An address is held to a region's
    patterns (a US ZIP code after a state, English small words) only where the card's evidence
    gave the region: under the default one, "DF 48065" (Mexico) and "apartamento" (Colombia)
    may be right as read."""
    out = []
    for v in values:
        if v.field in _SHAPE_CHECKED_FIELDS and v.valid and v.source != "qr":
            problem = _shape_problem(v.field, v.value, region if region_known or v.field != "address" else None)
            if problem:
                v = _flagged(v, f"the {v.field} looks misread ({problem}): check it")
        out.append(v)
    return out


_SHAPE_CHECKED_FIELDS = ("address", "company", "position", "full_name")


def _shape_problem(field_name: str, value: str, region: str | None) -> str | None:
    """The first thing ``shape`` finds wrong with a value of ``field_name``, or None."""
    if field_name == "address":
        return misread_address(value, region)
    problem = cyrillic_read_as_latin(value, region)
    if field_name == "company":
        return problem or misread_company(value)
    if field_name == "position":
        return problem or misread_position(value)
    return problem


def _trade_name(field: str, cues: Cues) -> bool:
    """Whether a full name holds a word company names are made of ("Boulangerie Bonnet",
    "Panificio Barozzi") and no known given name: a business named after its owner. A weaker cue
    than a legal form (a surname may be such a word), so only a card without a company moves it."""
    return field == "full_name" and cues.company_word and not cues.legal_form and not cues.person


def _cue_target(field: str, cues: Cues) -> str | None:
    """Field the cues point to when they contradict ``field``, else None."""
    if cues.legal_form and field != "company" and not (field == "position" and cues.title):
        return "company"
    if cues.title and not cues.company and field != "position":
        return "position"
    return None


@rules.implements("card.company_closed_in_address")
def _company_closed_in_address(values: list[FieldValue]) -> list[FieldValue]:
    """A company name whose quotes open and do not close ("АО «ГОРДЕЕВА") takes the address's
    last part when that part closes them ("..., Российская Федерация, КАЛАШНИКОВ»"): the
    name's second line, which the tagger ran into the address printed below it."""
    company = next((i for i, v in enumerate(values) if v.field == "company"), None)
    address = next((i for i, v in enumerate(values) if v.field == "address"), None)
    if company is None or address is None:
        return values
    name, parts = values[company].value, values[address].value.split(", ")
    if not (name.count("«") > name.count("»") and len(parts) > 1 and parts[-1].endswith("»") and "«" not in parts[-1]):
        return values
    log.debug("%r closes the company %r: moved out of the address", parts[-1], name)
    out = list(values)
    joined, rest = f"{name} {parts[-1]}", ", ".join(parts[:-1])
    out[company] = replace(values[company], value=joined, raw=joined)
    out[address] = replace(values[address], value=rest, raw=rest)
    return out


#: "Чернов — Гинеколог", "Webb - Customer Success Manager": a word and a dash before the title.
_WORD_DASH_TITLE = re.compile(r"^([^\W\d_][\w'’\-]*[^\W\d_])\s+[-–—]\s+(\S.*)$")
#: A name that lacks its surname: a given name and a patronymic ("Феоктист Анисимович"), or a
#: given name and a middle initial ("Shane N.").
_NAME_WITHOUT_SURNAME = re.compile(r"^[^\W\d_]+\s+(?:[^\W\d_]+(?:вич|вна|чна|ична)|[^\W\d_]\.)$", re.IGNORECASE)


@rules.implements("card.surname_before_title")
def _surname_before_title(values: list[FieldValue]) -> list[FieldValue]:
    """A name that lacks its surname takes the capitalised word printed before a dash at the start
    of the position ("Феоктист Анисимович" + "Чернов — Гинеколог"): the card printed the surname
    on the title's line, and the tagger gave it to the title."""
    name = next((i for i, v in enumerate(values) if v.field == "full_name"), None)
    title = next((i for i, v in enumerate(values) if v.field == "position"), None)
    if name is None or title is None or not _NAME_WITHOUT_SURNAME.match(values[name].value.strip()):
        return values
    match = _WORD_DASH_TITLE.match(values[title].value.strip())
    if match is None or not match.group(1)[0].isupper():
        return values
    log.debug("%r before the title %r read as the surname", match.group(1), match.group(2))
    out = list(values)
    full = f"{values[name].value.strip()} {match.group(1)}"
    out[name] = replace(values[name], value=full, raw=full)
    out[title] = replace(values[title], value=match.group(2), raw=match.group(2))
    return out


#: A Russian patronymic alone ("Брониславович", "Ильинична"), and a two-word Cyrillic name.
_PATRONYMIC = re.compile(r"^[А-ЯЁ][а-яё]+(?:ович|евич|ьич|овна|евна|ична|инична)$|^[А-ЯЁ]+(?:ОВИЧ|ЕВИЧ|ЬИЧ|ОВНА|ЕВНА|ИЧНА)$")
_TWO_CYRILLIC_WORDS = re.compile(r"^[А-ЯЁа-яё\-]+\s+[А-ЯЁа-яё\-]+$")


@rules.implements("card.patronymic_joins_the_name")
def _patronymic_below_the_name(values: list[FieldValue]) -> list[FieldValue]:
    """A patronymic the tagger gave to another field ("Брониславович" under "Баранов Кир", read
    as the position, or run onto it: "Брониславович МАРКЕТОЛОГ") goes into a two-word name that
    has none: after the given name where that comes first ("Кир Брониславович Баранов"), else at
    the end (surname first)."""
    name = next((i for i, v in enumerate(values) if v.field == "full_name"), None)
    if name is None or not _TWO_CYRILLIC_WORDS.match(values[name].value.strip()):
        return values
    words = values[name].value.split()
    if any(_PATRONYMIC.match(w) for w in words):
        return values
    stray = next((i for i, v in enumerate(values) if i != name and v.field in _NAME_LIKE_FIELDS
                  and _PATRONYMIC.match((v.value.split() or [""])[0])), None)
    if stray is None:
        return values
    patronymic, _, rest = values[stray].value.strip().partition(" ")
    full = " ".join([words[0], patronymic, words[1]] if has_given_name(words[0]) else [*words, patronymic])
    log.debug("patronymic %r (%s) joins the name %r", patronymic, values[stray].field, values[name].value)
    # the patronymic's line: the first of a value over several lines ("Брониславович" over "МАРКЕТОЛОГ")
    stray_lines = values[stray].line_indices
    own_lines = stray_lines[:1] if rest.strip() and len(stray_lines) > 1 else stray_lines
    boxes = [b for b in (values[name].bbox, values[stray].bbox) if b]
    joined = replace(values[name], value=full, raw=full, bbox=union_bbox(boxes) if boxes else None,
                     line_indices=[*values[name].line_indices, *own_lines])
    out = [joined if i == name else v for i, v in enumerate(values)]
    if rest.strip():  # "Брониславович МАРКЕТОЛОГ": the title stays
        out[stray] = replace(values[stray], value=rest.strip(), raw=rest.strip(),
                             line_indices=[i for i in stray_lines if i not in own_lines] or stray_lines)
    else:
        del out[stray]
    return out


#: A phone number at an end of the address ("..., DD5W 5HX, M07453-968315") has this many digits
#: (more than a house number and a postcode together), letters few enough for a label.
_MIN_ADDRESS_PHONE_DIGITS = 9


#: An end part of the address made only of a number's digits and separators, with at least
#: this many digits: no postcode (a ZIP+4 and the unbroken seven digits of Chile and Israel
#: aside) or house number is that long, so it is a number printed near the address ("EIN
#: 89-7142036" without its label, a phone's second half).
_MIN_LOOSE_NUMBER_DIGITS = 7
_LOOSE_NUMBER = re.compile(r"^[\d\s\-().+/]+$")
_ZIP_PLUS_FOUR = re.compile(rf"^{US_ZIP_PLUS_FOUR}$")


def _number_not_address(part: str, region: str) -> bool:
    """Whether an end ``part`` of an address is a number the tagger ran into it: a valid phone
    number, or digits no address part is (``_MIN_LOOSE_NUMBER_DIGITS``). A part shaped as a
    postcode of some region ("..., CEP: 03637-000"; "..., Región de Los Ríos, 9304680", a Chilean
    one on a card whose phones say Spain) could be right as read, and stays."""
    if is_eight_digit_postcode(part, region) or is_postcode_of_some_region(part):
        return False
    if phone_shaped(part, _MIN_ADDRESS_PHONE_DIGITS) and normalise("phone", part, region).valid:
        return True
    return (bool(_LOOSE_NUMBER.match(part)) and not _ZIP_PLUS_FOUR.match(part)
            and sum(c.isdigit() for c in part) >= _MIN_LOOSE_NUMBER_DIGITS)


#: A local number printed after the last words of an address part ("Jd. Fernandes -SP
#: 3569-6905", "Justin, TX 228-6401": ``text.numbers.LOCAL_NUMBER_ENDING_A_TEXT``), of seven digits
#: or more (no postcode or house number is shaped so; a ZIP+4 has five before its four).
_TRAILING_LOCAL_NUMBER = re.compile(rf"^(?P<head>.*\D)\s+(?P<number>{LOCAL_NUMBER_ENDING_A_TEXT})$")


def _local_number_at_address_end(v: FieldValue) -> list[FieldValue]:
    """An address one of whose parts (printed lines, mostly) ends in a local phone number
    (``_TRAILING_LOCAL_NUMBER``: "Jd. Fernandes -SP 3569-6905" over "Próximo a Escola Astolfo")
    -> the address without it and the number as a phone (checked as one: flagged if no phone)."""
    parts = v.value.split(", ")
    for index, part in enumerate(parts):
        match = _TRAILING_LOCAL_NUMBER.match(part)
        if (match is None or sum(c.isdigit() for c in match["number"]) < _MIN_LOOSE_NUMBER_DIGITS
                or _ZIP_PLUS_FOUR.search(match["number"])):
            continue
        rest = ", ".join([*parts[:index], match["head"].rstrip(" -–,"), *parts[index + 1:]])
        log.debug("local number %r cut off the address %r", match["number"], v.value)
        return [replace(v, value=rest, raw=rest),
                replace(v, field="phone", value=match["number"], raw=match["number"], source="rule",
                        confidence=v.confidence * RELABELLED_FACTOR)]
    return [v]


def _phone_at_address_end(v: FieldValue, region: str) -> list[FieldValue]:
    """An address whose first or last part is a phone number, or a number no address part is
    (``_number_not_address``) -> the address without it and the number as a phone (same box;
    checked as one, so a number that is no phone is flagged for the annotator, not dropped): the
    tagger ran the address into the number printed next to it. A local number after the last
    part's words goes the same way (``_local_number_at_address_end``)."""
    parts = v.value.split(", ")
    for index in (len(parts) - 1, 0) if len(parts) > 1 else ():
        part = parts[index]
        if _number_not_address(part, region):
            log.debug("phone %r cut off the address %r", part, v.value)
            rest = ", ".join(parts[:index] + parts[index + 1:])
            return [replace(v, value=rest, raw=rest),
                    replace(v, field="phone", value=part, raw=part, source="rule",
                            confidence=v.confidence * RELABELLED_FACTOR)]
    return _local_number_at_address_end(v)


@rules.implements("split.address_from_its_street")
def _address_from_its_street(values: list[FieldValue], region: str) -> list[FieldValue]:
    """An address whose line opening with a street type ("Av. Itaquera, 3006", "Rua Cruzeiro,
    406") comes after parts with no digit at all ("Trabalhamos com todas as marcas", a service
    list, "Escrevente Autorizado") -> the address from that line on: in the languages that print
    the street type first, an address begins with its street, and the lines the tagger ran into
    it above are a slogan, a list of services or a title."""
    out = []
    for v in values:
        parts = v.value.split(", ") if v.field == "address" and v.source != "qr" else []
        start = next((k for k, part in enumerate(parts)
                      if part.split()[:1] and part.split()[0].lower() in STREET_TYPES_OPENING_A_LINE), 0)
        if start and not any(ch.isdigit() for part in parts[:start] for ch in part):
            rest = ", ".join(parts[start:])
            log.debug("address %r begins at its street: %r", v.value, rest)
            v = replace(v, value=rest, raw=rest)
        out.append(v)
    return out


@rules.implements("split.numbers_and_emails")
def _numbers_and_emails_split(values: list[FieldValue], region: str) -> list[FieldValue]:
    """Two phone numbers (or e-mails) tagged as one value -> two values with the same box."""
    out = []
    for v in values:
        parts = (split_numbers(v.value, region) if v.field == "phone" else split_addresses(v.value)
                 if v.field == "email" else [v.value])
        out.extend([v] if len(parts) == 1 else [replace(v, value=p, raw=p) for p in parts])
    return out


@rules.implements("split.phone_cut_from_address")
def _phones_cut_from_addresses(values: list[FieldValue], region: str) -> list[FieldValue]:
    """A phone number run into the address -> the two (``_phone_at_address_end``)."""
    return [piece for v in values for piece in (_phone_at_address_end(v, region) if v.field == "address" else [v])]


#: An address's last part that is only the start of a phone number: an area code in brackets
#: ("(11)"), a country and area code ("55 11", "+55 11").
_AREA_CODE_PART = re.compile(r"^\+?\d{1,3}(?:\s\d{1,3})?$|^\(\d{1,4}\)$")


@rules.implements("split.area_code_cut_from_address")
def _area_code_cut_from_address(values: list[FieldValue], region: str) -> list[FieldValue]:
    """An address ending in an area code ("São Paulo, SP - (11)") printed on the line where a
    phone value begins ("2642-5294"), or the line above it -> the area code goes to that phone, when the joined number
    is a valid one of the card's region and the phone alone is not: the tagger cut the number
    where the address's line went on."""
    out = list(values)
    for i, v in enumerate(out):
        if v.field != "address" or not v.line_indices:
            continue
        rest, last = last_address_part(v.value)
        if not rest or not _AREA_CODE_PART.match(last):
            continue
        for j, phone in enumerate(out):
            if (phone.field != "phone" or not phone.line_indices
                    or phone.line_indices[0] - v.line_indices[-1] not in (0, 1)):
                continue
            joined = f"{last} {phone.value}"
            if normalise("phone", phone.value, region).valid or not normalise("phone", joined, region).valid:
                continue
            log.debug("area code %r cut off the address %r joins the phone %r", last, v.value, phone.value)
            out[i] = replace(v, value=rest, raw=rest)
            out[j] = replace(phone, value=joined, raw=joined)
            break
    return out


def _checked(v: FieldValue, region: str, *, region_known: bool = False) -> FieldValue:
    """``v`` normalised as its field, confidence lowered for repairs, notes and failed checks; an
    address's misspelled Russian town, a name's misspelled Russian given name or patronymic and a
    position's misspelled Russian title word put right or proposed (``check.known_russian_words``:
    ``text.russian_spelling``, the one module of Russian respelling; OCR output only: what an
    annotator typed is taken as typed). ``region_known``: the card's region is its evidence's,
    so a number possible there is kept as printed (``phone.normalise_phone``)."""
    norm = normalise(v.field, v.value, region, region_known=region_known)
    confidence = (v.confidence * (FIXED_FACTOR if norm.fixed else 1.0) * (1.0 if norm.valid else FLAGGED_FACTOR)
                  * (NOTED_FACTOR if norm.note else 1.0))
    for rule_id in norm.repairs:  # the normaliser's repair steps are rules like the others (stage "normalise")
        rules.record(rule_id, v.field, v.value, norm.value)
    checked = replace(v, value=norm.value, display=norm.display, valid=norm.valid, reason=norm.reason,
                      confidence=confidence, note=norm.note or v.note,
                      applied=[*v.applied, *(r for r in norm.repairs if r not in v.applied)])
    respelled = (russian_spelling.known_words_respelled(v.field, norm.value)
                 if rules.enabled("check.known_russian_words") and norm.valid and has_cyrillic(norm.value) else None)
    if respelled is not None:
        rule = "check.known_russian_words"
        if respelled != norm.value:
            rules.record(rule, v.field, norm.value, respelled)
        if respelled != norm.value and russian_spelling.impossible_as_read(norm.value, respelled):
            return replace(checked, value=respelled, display=respelled, applied=[*checked.applied, rule],
                           confidence=checked.confidence * (1.0 if norm.fixed else FIXED_FACTOR))
        if respelled != norm.value:
            return proposed(checked, respelled, rule, "a word is a letter or two from a known Russian word")
    return checked


def _flagged(v: FieldValue, reason: str) -> FieldValue:
    """``v`` marked invalid for ``reason`` (added to an earlier reason, never replacing it)."""
    if not v.valid and v.reason:
        return replace(v, reason=f"{v.reason}; {reason}")
    return replace(v, valid=False, reason=reason, confidence=v.confidence * FLAGGED_FACTOR)


def _title_without_a_person_flagged(values: list[FieldValue], cues: CueTagger) -> list[FieldValue]:
    """A "job title" with no job-title word on a card that names no person is flagged: a title is
    the holder's, printed beside the name, so on a card without one (a shop's card, a logo side)
    such a line is a slogan or a line of services ("Assistência Técnica especializada",
    "PROPERTY ENHANCEMENT"). A line with a title word ("Senior Consultant") stays: the name may
    be the one the OCR or the tagger missed. A QR code's title is the holder's own word."""
    if any(v.field == "full_name" and v.valid for v in values):
        return values
    return [_flagged(v, "a job title with no title word on a card that names no person")
            if v.field == "position" and v.valid and v.source != "qr" and not cues.cues(v.value).title else v
            for v in values]


def _one_value_per_single_field(values: list[FieldValue]) -> list[FieldValue]:
    """Keep the most trusted value of a single-value field first; flag the others. Of two
    companies, one the card's domain spells is trusted first ("Stephens Inc" on stephens.com
    over "Northstar" printed below it), then one that holds a legal form ("CEASTEC S/C LTDA."
    over a slogan line), then the one in the largest type (a business prints its name biggest,
    in logo type over a line of what it sells): the tagger's confidence cannot see that evidence."""
    out = list(values)

    def trust(i: int) -> tuple[bool, bool, bool, float, float]:
        named = out[i].field == "company" and named_by_the_domains(out[i].value, out)
        formed = out[i].field == "company" and any(is_legal_form(w.strip(".,")) for w in out[i].value.split())
        return out[i].valid, named, formed, out[i].type_height if out[i].field == "company" else 0.0, out[i].confidence

    for field in SINGLE_VALUE_FIELDS:
        idx = [i for i, v in enumerate(out) if v.field == field]
        if len(idx) < 2:
            continue
        best = max(idx, key=trust)
        for i in idx:
            if i != best:
                out[i] = _flagged(out[i], f"a second {field} on the card (kept {out[best].value!r})")
        out.insert(min(idx), out.pop(best))  # kept value first, as fields_from_values expects
    return out


def numbers_by_label(values: list[FieldValue], lines: tuple[LineFacts, ...]) -> list[FieldValue]:
    """Phone values printed under a fax label ("Fax:", "F", "Факс", "Telefax") become faxes; those
    under a registration or postcode label ("ОКПО", "VAT", "CNPJ", "CEP") are flagged as no phone. A shared label
    ("Tel/Fax", "Т/ф") keeps a phone (``number_labels``)."""
    return _registration_numbers_flagged(_faxes_by_label(values, lines), lines)


def _faxes_by_label(values: list[FieldValue], lines: tuple[LineFacts, ...]) -> list[FieldValue]:
    out = []
    for v in values:
        if v.field == "phone" and label_kind(label := printed_label(v, lines)) == "fax":
            log.debug("%r under %r is a fax", v.value, label)
            v = replace(v, field="fax", applied=[*v.applied, "validate.fax_by_label"])
        out.append(v)
    return out


def _registration_numbers_flagged(values: list[FieldValue], lines: tuple[LineFacts, ...]) -> list[FieldValue]:
    out = []
    for v in values:
        kind = label_kind(label := printed_label(v, lines)) if v.field == "phone" else None
        if kind in ("registration", "postcode"):
            v = _flagged(v, f"printed after {label!r}: a {kind} number, not a phone")
        out.append(v)
    return out


def _read_unsurely(v: FieldValue, lines: tuple[LineFacts, ...]) -> bool:
    """Whether OCR read one of ``v``'s lines with less than ``GOOD_OCR_CONFIDENCE``."""
    return any(lines[i].confidence < GOOD_OCR_CONFIDENCE for i in v.line_indices if i < len(lines))


def _proposals_settled(values: list[FieldValue], lines: tuple[LineFacts, ...], region: str) -> list[FieldValue]:
    """Each spelling a rule proposed from a name, a company or a word list (``spelling.proposed``)
    is applied where OCR was unsure of the value's line, and left as a note on the value as read
    where OCR read it well: only the card itself may overrule a good reading ("kristina.k" stays
    on Kristina B.'s card, "contato@" on a Brazilian one)."""
    out = []
    for v in values:
        if v.proposal is not None and v.proposal != v.value and _read_unsurely(v, lines):
            rule = (v.note or "").rpartition("(")[2].rstrip(")") or "proposal"
            norm = normalise(v.field, v.proposal, region)
            if norm.valid:
                v = replace(v, value=norm.value, display=norm.display, source="rule", note=None, proposal=None,
                            applied=[*v.applied, rule], confidence=v.confidence / NOTED_FACTOR * FIXED_FACTOR)
        out.append(v)
    return out


# -- the validate and settle stages' rules, as the rule table names them (``rules``) ------------

@rules.implements("validate.relabelled_by_cues")
def _rule_relabelled_by_cues(values: list[FieldValue], card: CardContext) -> list[FieldValue]:
    if len(values) != len(card.pieces):  # the pieces are the values before their checks, index for index
        raise ValueError("relabelling by cues needs the values as split, one for one")
    return card.validator._relabel_by_cues(card.pieces, values, card.region)


@rules.implements("validate.person_like_company_flagged")
def _rule_person_like_company(values: list[FieldValue], card: CardContext) -> list[FieldValue]:
    return card.validator._flag_person_like_companies(values)


@rules.implements("validate.fax_by_label")
def _rule_fax_by_label(values: list[FieldValue], card: CardContext) -> list[FieldValue]:
    return _faxes_by_label(values, card.lines)


@rules.implements("validate.registration_number_flagged")
def _rule_registration_number(values: list[FieldValue], card: CardContext) -> list[FieldValue]:
    return _registration_numbers_flagged(values, card.lines)


@rules.implements("validate.proposals_settled")
def _rule_proposals_settled(values: list[FieldValue], card: CardContext) -> list[FieldValue]:
    return _proposals_settled(values, card.lines, card.region)


@rules.implements("validate.name_line_cut_from_the_address")
def _rule_name_line_cut(values: list[FieldValue], card: CardContext) -> list[FieldValue]:
    return _name_line_cut_from_the_address(values, card.lines, card.region)


@rules.implements("validate.missing_position")
def _rule_missing_position(values: list[FieldValue], card: CardContext) -> list[FieldValue]:
    return values + card.validator._missing_position(values, card.lines)


@rules.implements("validate.one_value_per_single_field")
def _rule_one_value(values: list[FieldValue], card: CardContext) -> list[FieldValue]:
    return _one_value_per_single_field(values)


@rules.implements("validate.leftover_name_as_position")
def _rule_leftover_name(values: list[FieldValue], card: CardContext) -> list[FieldValue]:
    return card.validator._leftover_name_as_position(values, card.region)


@rules.implements("validate.title_without_a_person_flagged")
def _rule_title_without_a_person(values: list[FieldValue], card: CardContext) -> list[FieldValue]:
    return _title_without_a_person_flagged(values, card.validator._cues)


@rules.implements("validate.unsure_readings_flagged")
def _rule_unsure_readings(values: list[FieldValue], card: CardContext) -> list[FieldValue]:
    return card.validator._unsure_readings_flagged(values, card.lines)


@rules.implements("validate.address_case_restored")
def _rule_address_case(values: list[FieldValue], card: CardContext) -> list[FieldValue]:
    return _address_case_restored(values, card.region if card.region_known else None)


@rules.implements("validate.misread_shape_flagged")
def _rule_misread_shape(values: list[FieldValue], card: CardContext) -> list[FieldValue]:
    return _misread_values_flagged(values, card.region, card.region_known)
