"""The tagger's typical slips on real cards, undone on the tagged words before decoding.

A token classifier trained on generated cards misses what only the whole card shows:

* a street or town inside the address block tagged as a name ("Paula Run" between "Studio 09s"
  and "GU6 5UG"), and the postcode or country line that ends the block tagged as anything else;
* a registration number's label ("OKNO" of "ОКПО 78071338") tagged as part of the address;
* a garbled contact label tagged as the address before it ("3n. nota:" for "Эл. почта:");
* the company's monogram logo on a line of its own pulled into the address or the company;
* the company's name (spelled by the card's e-mail or web domain) given to another field;
* a company name cut short: the rest of a line ending on "и"/"and"/"&", the line below that
  closes its guillemet, the line above one starting with "and" that the tagger took for a name;
* a job title begun after the name's comma with its first words read into the name;
* words of a title line left out of the position the rest of the line is ("TELEVISION" of
  "TELEVISION PRODUCTION ASSISTANT");
* a slogan or department line run onto a complete title ("Software Developer" + "Robust
  systematic open architecture");
* the top-level domain of an e-mail or web address that OCR split off at a space
  ("suvorova@inbox. ru", "briggsdesign.org uk") left out of the address.

Each rule retags words and leaves decoding (``fields.words_to_values``) to make values of them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace

from ml_backend.reading import rules
from ml_backend.text.cyrillic import LATIN_TWINS
from ml_backend.schema import OUTSIDE_TAG, FieldValue, TaggedWord, union_bbox
from ml_backend.text.addresses import FIVE_DIGIT_POSTCODE, RU_POSTCODE, UK_INWARD_CODE, UK_OUTWARD_CODE, US_ZIP_CODE
from ml_backend.text.labels import NUMBER_LABELS, PHONE_LABELS, POSTCODE_LABELS, WEB_LABELS
from ml_backend.text.lexicon import (
    COMMON_TLDS,
    COMPANY_LEGAL_FORMS,
    COMPANY_WORDS,
    COUNTRY_REGIONS,
    DANGLING_WORDS,
    NAME_AFFIXES,
    NAME_CONJUNCTIONS,
    RUSSIAN_TITLE_WORDS,
    SECOND_LEVEL_LABELS,
    TITLE_COMPANY_CONNECTORS,
    TITLE_PREFIXES,
    TITLE_WORDS,
)
from ml_backend.reading.values.plain import is_complete_name, is_registration_number
from ml_backend.text.letters import transliterated, unaccented
from ml_backend.reading.values.website import lacks_top_level_domain

log = logging.getLogger(__name__)


def undo_tagger_slips(words: list[TaggedWord]) -> list[TaggedWord]:
    """``words`` (in reading order) with the slips in the module docstring retagged."""
    return undo_tagger_slips_marked(words)[0]


def undo_tagger_slips_marked(words: list[TaggedWord]) -> tuple[list[TaggedWord], list[tuple[str, ...]]]:
    """``undo_tagger_slips`` and, per word, the ids of the rules that retagged it (``rules``):
    the retag stage's rules run in the rule table's order."""
    return rules.run_words("retag", words)


def _just_below(upper: tuple[float, ...], lower: tuple[float, ...]) -> bool:
    """Whether the box ``lower`` starts within a line height (its own) below the box ``upper``,
    or overlaps its bottom a little: the next printed line."""
    height = lower[3] - lower[1]
    return -0.3 * height <= lower[1] - upper[3] <= height


def _aligned_below(upper: tuple[float, ...], lower: tuple[float, ...]) -> bool:
    """Whether the box ``lower`` is the next line of ``upper``'s column: ``_just_below`` it, its
    left edge, centre or right edge in line with ``upper``'s."""
    ux0, _, ux1, _ = upper
    lx0, ly0, lx1, ly1 = lower
    aligned = min(abs(lx0 - ux0), abs(lx1 - ux1), abs((lx0 + lx1) - (ux0 + ux1)) / 2) <= 0.5 * (ly1 - ly0)
    return aligned and _just_below(upper, lower)


#: A line that is nothing but a postcode: British ("W11 1ZA"), a US state and ZIP code
#: ("OR 05979"), or the five or six digits of most European and Russian ones.
_POSTCODE_LINE = re.compile(
    rf"^(?:{UK_OUTWARD_CODE} ?{UK_INWARD_CODE}|[A-Z]{{2}},? {US_ZIP_CODE}|{FIVE_DIGIT_POSTCODE}|{RU_POSTCODE})$"
)


def _ends_an_address(text: str) -> bool:
    """Whether ``text`` (one line) is what an address ends on: its postcode or its country."""
    text = text.strip(" ,.;")
    return bool(_POSTCODE_LINE.match(text)) or text.lower() in COUNTRY_REGIONS


@rules.implements("retag.registration_number_line")
def _registration_numbers_untagged(words: list[TaggedWord]) -> list[TaggedWord]:
    """A registration-number line ("ОКПО 78071338", read "OKNO 78071338") is no part of the
    address, though the tagger may call its label one ("OKNO/ADDRESS 78071338/O"): joined, the
    label would spoil the address printed around it."""
    out = list(words)
    for indices in _line_groups(words):
        if any(words[i].field == "address" for i in indices) and is_registration_number(
                " ".join(words[i].word.text for i in indices)) and not _phone_labelled(words[indices[0]].word.text) \
                and not _postcode_labelled(words[indices[0]].word.text):
            log.debug("registration number line %r: no address", " ".join(words[i].word.text for i in indices))
            for i in indices:
                out[i] = replace(words[i], tag=OUTSIDE_TAG)
    return out


def _postcode_labelled(first_word: str) -> bool:
    """Whether a line's first word is a postcode label ("CEP 78849-664" has the shape of a
    registration number, but it is the address's postcode)."""
    return first_word.lower().strip(".:") in POSTCODE_LABELS


def _phone_labelled(first_word: str) -> bool:
    """Whether a line's first word is a phone label ("Fones 11 2082-2399/2646-6123" has the shape
    of a registration number, but it is the card's phone numbers)."""
    return first_word.lower().strip(".:") in PHONE_LABELS


@rules.implements("retag.address_block_completed")
def _address_block_completed(words: list[TaggedWord]) -> list[TaggedWord]:
    """Lines of a column of address lines are address lines, whatever the tagger called them.

    A street or town of two capitalised words ("Paula Run", "Thomasport" between "Studio 09s"
    and "GU6 5UG") looks like a name to the tagger, but a card prints no name inside its address
    block; and a postcode or country line right below an address line ("W11 1ZA" read as a
    phone, "GU6 5UG" as the company, a lower-case "россия" as nothing) ends the address: such a
    line, there, is nothing else. A label ("Address:") before a line's address words and name
    words among them ("Karen/NAME Key/ADDRESS") do not hide what the line is.
    """
    groups = _line_groups(words)
    boxes = [union_bbox([words[i].word.bbox for i in _without_leading_label(words, g)]) for g in groups]
    fields = [{words[i].field for i in g} - {None} for g in groups]
    ends = [_ends_an_address(" ".join(words[i].word.text for i in g)) for g in groups]
    out = list(words)
    for start in range(len(groups)):
        if fields[start] != {"address"}:
            continue
        run: list[int] = []
        current = start
        for _ in range(len(groups)):  # a column is at most every line long
            below = [k for k in range(len(groups)) if k != current and _aligned_below(boxes[current], boxes[k])]
            if not below:
                break
            current = min(below, key=lambda k: boxes[k][1])  # the next line, not one after it
            if fields[current] == {"address"} or ends[current]:
                for k in [*run, current]:
                    if fields[k] != {"address"}:
                        log.debug("%r in the address block: address", " ".join(words[i].word.text for i in groups[k]))
                        _tag_line(out, words, groups[k], "ADDRESS")
                break
            if not fields[current] or not fields[current] <= {"full_name", "address"}:
                break
            run.append(current)
    return out


def _without_leading_label(words: list[TaggedWord], indices: list[int]) -> list[int]:
    """A line's word indices without an untagged label word ending on ":" at its start ("Address:")."""
    if len(indices) > 1 and words[indices[0]].field is None and words[indices[0]].word.text.endswith(":"):
        return indices[1:]
    return indices


def _tag_line(out: list[TaggedWord], words: list[TaggedWord], indices: list[int], field_tag: str) -> None:
    """Tag the words ``indices`` of ``words`` in ``out`` as one value of ``field_tag``."""
    for n, i in enumerate(indices):
        out[i] = replace(words[i], tag=f"B-{field_tag}" if n == 0 else f"I-{field_tag}")


#: A word of a printed name: a capital, then letters, an apostrophe, a hyphen or a closing dot
#: ("Altair", "D'Auria", "M.", "Jean-Luc"): no digit, no label colon, no mark.
_NAME_WORD = re.compile(r"^[^\W\d_a-zà-ÿа-яё][^\W\d_]*(?:['’\-][^\W\d_]+)*\.?$")
#: At most this many words the tagger left out of a name line are given to it.
_MAX_UNTAGGED_NAME_WORDS = 2


def _lines_completed(words: list[TaggedWord], field_tag: str, fits: Callable[[str], bool],
                     most_untagged: Callable[[int], int]) -> list[TaggedWord]:
    """``words`` with each line whose tagged words are all ``field_tag``'s, and whose words the
    tagger called nothing each ``fits`` and number at most ``most_untagged(tagged words)``,
    tagged as one value of ``field_tag``."""
    field = field_tag.lower()
    out = list(words)
    for indices in _line_groups(words):
        indices = _without_leading_label(words, indices)  # "Address:" stays a label
        line = [words[i] for i in indices]
        untagged = [tw for tw in line if tw.field is None]
        if (not untagged or len(untagged) > most_untagged(len(line) - len(untagged)) or len(untagged) == len(line)
                or any(tw.field not in (None, field) for tw in line) or not all(fits(tw.word.text) for tw in untagged)):
            continue
        log.debug("%r read as one %s line", " ".join(tw.word.text for tw in line), field)
        _tag_line(out, words, indices, field_tag)
    return out


@rules.implements("retag.name_line_completed")
def _name_line_completed(words: list[TaggedWord]) -> list[TaggedWord]:
    """A line whose words are the name's and a capitalised word or two the tagger called
    nothing ("Altair/O D'Auria Miranda", "Aguinaldo/O M./O Righetti Jr.") is the name as a
    whole: a name is printed as a line of its own, and a tagger trained on generated cards
    misses given names it has not seen. A word the name lists call an affix ("Dr.", "PhD")
    or a label stays as it was."""
    return _lines_completed(words, "FULL_NAME",
                            lambda text: bool(_NAME_WORD.match(text)) and text.lower() not in NAME_AFFIXES,
                            lambda tagged: _MAX_UNTAGGED_NAME_WORDS)


#: Digits a word of an address line may hold: a house number, a postcode; more is a phone number.
_MAX_ADDRESS_WORD_DIGITS = 6
#: Labels of contact items, which no address holds ("Tel", "Fone", "Web").
_CONTACT_LABEL_WORDS = NUMBER_LABELS | WEB_LABELS


def _address_word(text: str) -> bool:
    """Whether a word may be part of an address as printed: no e-mail or web address, no phone
    number, no contact label ("Tel:", "Fone" before a number on the next line), no label's last
    word ("Sede operativa:", "Юр. адрес:")."""
    head = text.rstrip(":").strip(".").lower()
    return ("@" not in text and not head.startswith("www") and not text.endswith(":") and sum(ch.isdigit() for ch in text) <= _MAX_ADDRESS_WORD_DIGITS
            and head not in _CONTACT_LABEL_WORDS)


@rules.implements("retag.address_line_completed")
def _address_line_completed(words: list[TaggedWord]) -> list[TaggedWord]:
    """A line whose words are the address's and fewer words the tagger called nothing ("Jd./O
    Samara - SP", "Próximo a Escola Astolfo/O") is an address line as a whole: the tagger drops
    street and district names of places it has not seen. Not a contact label, a phone number, an
    e-mail or web address."""
    return _lines_completed(words, "ADDRESS", _address_word, lambda tagged: tagged - 1)


#: Words a title line may hold besides the position's: plain words, not labels, numbers or marks.
_PLAIN_WORD = re.compile(r"^[^\W\d_][^\W\d_'’&\-]*$")
#: At most this many words the tagger left out of a title line are given to it.
_MAX_UNTAGGED_TITLE_WORDS = 2


#: At most this many words of a title line may be given to another field for the title to take them.
_MAX_MISTAGGED_TITLE_WORDS = 2


@rules.implements("retag.title_line_taken_back")
def _title_line_taken_back(words: list[TaggedWord]) -> list[TaggedWord]:
    """A line of the position's words and a word or two given the name or the company
    ("Nutritional/FULL_NAME therapist" under "LOPA DIVAN", "PRIMARY SCHOOL TEACHER/COMPANY") is
    the title as a whole, when the card prints that name or company on another line: a line
    holds one value, and the tagger, unsure at a title's edge, reached for the field next to it."""
    lines = _line_groups(words)
    out = list(words)
    for indices in lines:
        line = [words[i] for i in indices]
        others = {tw.field for tw in line if tw.field != "position"}
        if (not any(tw.field == "position" for tw in line) or len(others) != 1
                or not others <= {"full_name", "company"}
                or sum(tw.field != "position" for tw in line) > _MAX_MISTAGGED_TITLE_WORDS):
            continue
        (other,) = others
        if not any(words[j].field == other for rest in lines if rest is not indices for j in rest):
            continue
        log.debug("%r read as one title line", " ".join(tw.word.text for tw in line))
        _tag_line(out, words, indices, "POSITION")
    return out


@rules.implements("retag.title_line_completed")
def _title_line_completed(words: list[TaggedWord]) -> list[TaggedWord]:
    """A line whose words are the position's and a plain word or two the tagger called nothing
    ("TELEVISION/O PRODUCTION ASSISTANT", "Web/O designer") is the position as a whole: a
    title line holds nothing else, and an unfamiliar first word must not be cut off. A line the
    tagger began with such a word right after a title ending on the line above stays a value of
    its own ("Analista de Sistemas" over "Marketing/O e/O Comunicação", a department): completed,
    it would continue that title, which the tagger did not read it as doing."""
    out = list(words)
    for indices in _line_groups(words):
        line = [words[i] for i in indices]
        untagged = [tw for tw in line if tw.field is None]
        if (not untagged or len(untagged) > _MAX_UNTAGGED_TITLE_WORDS or len(untagged) == len(line)
                or any(tw.field not in (None, "position") for tw in line)
                or not all(_PLAIN_WORD.match(tw.word.text) for tw in untagged)):
            continue
        if line[0].field is None and indices[0] > 0 and words[indices[0] - 1].field == "position":
            continue
        log.debug("%r read as one title line", " ".join(tw.word.text for tw in line))
        for k, i in enumerate(indices):
            out[i] = replace(words[i], tag="B-POSITION" if k == 0 else "I-POSITION")
    return out


#: A line needs this many words before a title inside it is read as words of a sentence.
_MIN_SENTENCE_WORDS = 3


@rules.implements("retag.title_words_inside_a_sentence")
def _title_words_inside_a_sentence(words: list[TaggedWord]) -> list[TaggedWord]:
    """Position words that are fewer than the untagged words of their line, all its other words
    untagged ("ASSISTÊNCIA TÉCNICA EM GERAL" with "GERAL" given the position, "Acessórios p/
    Computador,"), are a word of a sentence, a service list or a slogan, not a title: a title is
    printed as a line or as a part set off by a comma, a bar or a connector ("Jane Roe, Director",
    "CEO at Acme"). Runs after ``retag.title_line_completed``, which gives a title line the one or
    two plain words the tagger left out ("Head of Sales")."""
    out = list(words)
    for indices in _line_groups(words):
        titled = [i for i in indices if words[i].field == "position"]
        untagged = [i for i in indices if words[i].field is None]
        if (len(indices) < _MIN_SENTENCE_WORDS or not titled or len(titled) + len(untagged) != len(indices)
                or len(titled) >= len(untagged)):
            continue
        first = indices.index(titled[0])
        before = words[indices[first - 1]].word.text if first else ""
        if before.endswith((",", ":", ";")) or before.lower() in _COMPANY_CONNECTORS:
            continue  # "Jane Roe, Director": a part set off
        log.debug("%r inside the line %r: no title", " ".join(words[i].word.text for i in titled),
                  " ".join(words[i].word.text for i in indices))
        for i in titled:
            out[i] = replace(words[i], tag=OUTSIDE_TAG)
    return out


@rules.implements("retag.title_begun_after_the_name")
def _title_begun_after_the_name(words: list[TaggedWord]) -> list[TaggedWord]:
    """On a line "Name, Title", the words after the comma that the tagger ran onto the name
    while it gave the rest of the line to the position are the title's first words ("ADAM
    HOWELL, ARMED FORCES TECHNICAL OFFICER" with "ARMED" read into the name). The name before
    the comma must be complete, and post-nominal letters ("Jane Roe, PhD, Director") stay."""
    out = list(words)
    for indices in _line_groups(words):
        comma = next((k for k, i in enumerate(indices)
                      if words[i].field == "full_name" and words[i].word.text.endswith(",")), None)
        if comma is None:
            continue
        named = []
        for i in indices[comma + 1:]:
            if words[i].field != "full_name" or words[i].word.text.strip(",").lower() in NAME_AFFIXES:
                break
            named.append(i)
        after = indices[comma + 1 + len(named):]
        head = [i for i in indices[: comma + 1] if words[i].field == "full_name"]
        if not named or not after or words[after[0]].field != "position" or words[after[0]].tag != "B-POSITION":
            continue
        if not is_complete_name(" ".join(words[i].word.text for i in head).rstrip(",")):
            continue
        log.debug("%r after the name read as the start of the title", " ".join(words[i].word.text for i in named))
        for k, i in enumerate([*named, after[0]]):
            out[i] = replace(words[i], tag="B-POSITION" if k == 0 else "I-POSITION")
    return out


#: A contact label as OCR spells it: one or two short words closed by a colon ("E-mail:",
#: "Be-caět:" for "Веб-сайт:"), or one abbreviation of at most three characters and a dot
#: ("3n." for "Эл."). "Main St." before a phone is not one: two words, no colon.
_LABEL_SHAPED = re.compile(r"^(?:\S{1,10}(?:\s\S{1,10})?:|\S{1,3}\.)$")
#: A place named before a colon ("Monnier-sur-Launay : 04 94 95 74 80", a branch's number): one or
#: two words without a digit.
_NAMED_LABEL = re.compile(r"^[^\W\d_][^\s\d]*(?:\s[^\W\d_][^\s\d]*)?$")


@rules.implements("retag.labels_untagged")
def _untag_labels(words: list[TaggedWord]) -> list[TaggedWord]:
    """Address, position or company words that are the label of the value printed right after
    them on their line.

    A garbled label ("3n. nota: ivan@x.ru", "Be-caět: www.x.ru") is text the tagger never saw,
    and it tends to call it part of the address; the address parts of a card are then all
    joined ("3n., Москва, ул. ...") and the one address is wrong. A label-shaped address run
    followed on its line (label words aside) by another field's word is read as ``O`` instead;
    so is a position or company run closed by a colon ("Пота:" for "Почта:"), which no job
    title or firm's name is, and an address run of a word or two a lone colon follows
    ("Monnier-sur-Launay : 04 94 95 74 80": the town of a branch, naming its number).
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
        text = " ".join(tw.word.text for tw in run)
        after = out[end + 1] if end + 1 < len(out) else None
        colon_after = after is not None and after.word.text == ":" and _same_line(after, run[0])
        if (
            (run[0].field == "address" or (run[0].field in ("position", "company") and text.endswith(":")))
            and following is not None
            and following.field not in (None, run[0].field)
            and _same_line(following, run[0])
            and (_LABEL_SHAPED.match(text) or (colon_after and _NAMED_LABEL.match(text)))
        ):
            log.debug("%s words %r read as a label of the %s after them", run[0].field, [tw.word.text for tw in run],
                      following.field)
            out[start : end + 1] = [replace(tw, tag=OUTSIDE_TAG) for tw in run]
        start = end + 1
    return out


#: A logo's monogram read as text ("VG"): two or three letters and nothing else, once the marks
#: OCR reads at a logo's edge are stripped ("БИ)", "[ос") and the letters it confuses with a
#: capital I or O are read as them ("Gl" for "GI", "0C" for "OC"). Compared with the company's
#: initials in Latin look-alikes, case aside ("0C" over "ООО «СЕВЕР»").
_MONOGRAM = re.compile(r"^[^\W\d_]{2,3}$")
_LOGO_EDGE_MARKS = "()[]{}|!.,:;"
_LOOKALIKE_CAPITALS = str.maketrans({"l": "I", "1": "I", "|": "I", "0": "O"})
#: A legal form "ООО" as OCR reads it in zeros or Latin letters: its initial is an "O".
_OOO = re.compile(r"^[0OoОо]{3}$")


def _monogram(text: str) -> str | None:
    """The letters a logo's monogram reads as (see ``_MONOGRAM``), in Latin look-alikes, upper
    case; None when ``text`` is none."""
    letters = text.strip(_LOGO_EDGE_MARKS).translate(_LOOKALIKE_CAPITALS)
    return letters.upper().translate(LATIN_TWINS) if _MONOGRAM.match(letters) else None


def _initials(words: list[TaggedWord]) -> str:
    """The first letters of the company's words, quotes skipped, in Latin look-alikes, upper case."""
    initials = ""
    for tw in words:
        word = tw.word.text.lstrip("«\"„“'([")
        initials += "O" if _OOO.match(word) else word[:1] if word[:1].isalpha() else ""
    return initials.upper().translate(LATIN_TWINS)


@rules.implements("retag.monogram_untagged")
def _untag_monogram(words: list[TaggedWord]) -> list[TaggedWord]:
    """A line holding only the company's initials ("VG" for "Vector Group", "DC" over "Daniels
    Capital Group", "БИ)" over "Белова Инк") is its logo, whatever field the tagger gave it: the
    logo sits next to the address or the company name and gets pulled into them. Needs the
    company's words on the card to compare with, so a two-line company name such as "IBM" /
    "Global Services" stays."""
    out = list(words)
    for i, tw in enumerate(words):
        letters = _monogram(tw.word.text)
        if tw.field is None or letters is None:
            continue
        if any(_same_line(other, tw) for j, other in enumerate(words) if j != i):
            continue
        company = [o for j, o in enumerate(words) if j != i and o.field == "company"]
        if company and _initials(company).startswith(letters):
            log.debug("%s word %r on a line of its own read as the company's logo", tw.field, tw.word.text)
            out[i] = replace(tw, tag=OUTSIDE_TAG)
    return out


#: Words printed between a job title and the company on one line ("Founder at Fox-McCarthy").
_COMPANY_CONNECTORS = TITLE_COMPANY_CONNECTORS | {"|", "·", "-", "–", "—", "/"}
_DOMAIN_LABEL = re.compile(r"^(?:[\w.+\-]*@|(?:https?://)?(?:www\.)?)([^\W_](?:[\w\-]*[^\W_])?)\.[^\W\d_]{2,}", re.IGNORECASE)


def _slug(words: list[TaggedWord]) -> str:
    """A run of words as a domain label spells it: "Fox-McCarthy" -> "fox-mccarthy", "Орбита" ->
    "orbita"."""
    return "-".join(re.findall(r"[a-z0-9]+", unaccented(transliterated(" ".join(tw.word.text for tw in words)))))


def _names_the_domain(slug: str, labels: set[str]) -> bool:
    """Whether a slug is the company a domain label names: "lefebvre" / "lefebvre.fr",
    "mejia-schneider" / "mejia-schneider.io" or "maldonadocontreras.com", "fox-mccarthy" / "fox.com"."""
    return bool(slug) and (slug in labels or slug.replace("-", "") in labels
                           or "-" in slug and slug.partition("-")[0] in labels)


def _legal_form_word(tw: TaggedWord) -> bool:
    """Whether a word is a legal form as printed after a name ("Ltda.", "GmbH,")."""
    return tw.word.text.lower().strip(",") in COMPANY_LEGAL_FORMS


def _company_word(tw: TaggedWord) -> bool:
    """Whether a word is one that company names end on ("Solutions", "GROUP.")."""
    return tw.word.text.lower().strip(",.") in COMPANY_WORDS


def _domain_labels(words: list[TaggedWord]) -> set[str]:
    """The first labels of the card's e-mail and web domains ("beltis" of "www.beltis.com.br")."""
    labels = set()
    for tw in words:
        if tw.field in ("email", "website"):
            match = _DOMAIN_LABEL.match(tw.word.text)
            if match:
                labels.add(match.group(1).lower())
    return labels


@rules.implements("retag.company_from_domain")
def _company_from_domain(words: list[TaggedWord]) -> list[TaggedWord]:
    """The company's name on a line of its own, or after "at"/"chez"/a comma on the title's line, is
    the company when the card's e-mail or web domain spells it ("Lefebvre" beside
    "c.marques@lefebvre.fr"), whatever the tagger called it: one-word company names, surnames
    mostly, are the tagger's blind spot (an address's last line, a second full name). A legal
    form after the name goes with it ("Geisler GmbH"); a mark before it ("© Киселева Групп")
    does not."""
    labels = _domain_labels(words)
    if not labels or any(tw.field == "company" and _names_the_domain(_slug([tw]), labels) for tw in words):
        return words
    out = list(words)
    for indices in _line_groups(words):
        end = len(indices)
        while end > 1 and _legal_form_word(words[indices[end - 1]]):
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
                named = indices[start:]
                while len(named) > 1 and not any(ch.isalnum() for ch in words[named[0]].word.text):
                    named = named[1:]  # a mark before the name ("©", a bullet) is no part of it
                for k, i in enumerate(named):
                    out[i] = replace(words[i], tag="B-COMPANY" if k == 0 else "I-COMPANY")
                if before in _COMPANY_CONNECTORS:
                    out[indices[start - 1]] = replace(words[indices[start - 1]], tag=OUTSIDE_TAG)
                return out
    return out


@rules.implements("retag.company_named_at_a_line_start")
def _company_named_at_a_line_start(words: list[TaggedWord]) -> list[TaggedWord]:
    """The company's name is the first words of a line, the rest of the line saying what kind of
    firm it is ("Alerta Security Solutions" beside alertasecurity.com.br), or is printed over two
    lines ("Brunau" over "Buffet eventos" beside brunaubuffet.com.br): the shortest run of words
    from a line's start that spells the card's domain is the company, with the company words and
    legal forms that follow it on its line ("Solutions", "Ltda."), not the other words
    ("eventos"). Only where no company value already spells the domain."""
    labels = _domain_labels(words)
    if not labels or any(tw.field == "company" and _names_the_domain(_slug([tw]), labels) for tw in words):
        return words
    lines = _line_groups(words)
    for n, indices in enumerate(lines):
        run = indices + (lines[n + 1] if n + 1 < len(lines) else [])
        for k in range(1, len(run) + 1):
            if any(words[i].field in ("email", "website") or _DOMAIN_LABEL.match(words[i].word.text) for i in run[:k]):
                break
            if not _names_the_domain(_slug([words[i] for i in run[:k]]), labels):
                continue
            if k == 1 and len(indices) == 1:
                break  # one word alone on its line: retag.company_from_domain's case
            end = k
            while (end < len(run) and _same_line(words[run[end]], words[run[k - 1]])
                   and (_company_word(words[run[end]]) or _legal_form_word(words[run[end]]))):
                end += 1
            log.debug("%r spells the card's domain from a line's start: the company",
                      " ".join(words[i].word.text for i in run[:end]))
            out = list(words)
            for m, i in enumerate(run[:end]):
                out[i] = replace(words[i], tag="B-COMPANY" if m == 0 else "I-COMPANY")
            return out
    return words


@rules.implements("retag.tagline_under_the_domain_name")
def _tagline_under_the_domain_name(words: list[TaggedWord]) -> list[TaggedWord]:
    """A company name printed over a line saying what the firm does ("BELTIS" / "IT Solutions",
    "CHEVROLESTE" / "PEÇAS ORIGINAIS CHEVROLET") is read by the tagger as one company of two
    lines. When exactly one company line is the name the card's own domain spells, a company
    line none of whose words the domain spells is no part of the name. A line whose words the
    domain does spell stays ("Brunau" / "Buffet" beside brunaubuffet.com.br), as does a line of
    legal forms or words that close a company name ("GROUP"), a line of one word ("Nelson
    Auto" / "Repair") and one that starts with "and"/"&" ("JOHNSON, ALLEN" / "AND HARRISON"): a
    tagline says what the firm does in a phrase."""
    labels = _domain_labels(words)
    if not labels:
        return words
    company_lines = [[i for i in line if words[i].field == "company"] for line in _line_groups(words)]
    company_lines = [line for line in company_lines if line]
    if len(company_lines) < 2:
        return words

    def own(line: list[int]) -> list[TaggedWord]:
        return [words[i] for i in line if not _legal_form_word(words[i])]

    naming = [line for line in company_lines if _names_the_domain(_slug(own(line)), labels)]
    if len(naming) != 1:
        return words
    out = list(words)
    for line in company_lines:
        parts = [part for tw in own(line) for part in _slug([tw]).split("-") if part]
        if line is naming[0] or not parts or any(part in label for part in parts for label in labels):
            continue
        if all(_company_word(words[i]) for i in line) or len(own(line)) < 2:
            continue  # "LUMEN ENERGY" / "GROUP", "Nelson Auto" / "Repair": the name's last word on a line of its own
        if words[line[0]].word.text.lower() in NAME_CONJUNCTIONS:
            continue  # "JOHNSON, ALLEN" / "AND HARRISON": the name goes on
        log.debug("%r under the domain's name: a tagline", " ".join(words[i].word.text for i in line))
        for i in line:
            out[i] = replace(words[i], tag=OUTSIDE_TAG)
    return out


#: Words a printed line cannot end on: the line goes on below ("Health and" / "Safety Inspector").
_DANGLING = DANGLING_WORDS


@rules.implements("retag.company_line_completed")
def _company_line_completed(words: list[TaggedWord]) -> list[TaggedWord]:
    """A company name cut short by the tagger is given the rest of its line or its closing line:
    words the tagger called nothing after a company word no name ends on ("Уральский банк
    реконструкции и" + "развития", "Smith &" + "Sons"), and the line right below a name whose
    guillemet is still open, when that line closes it ("ОАО «Афанасьева" over "Жукова»")."""
    out = list(words)
    lines = _line_groups(words)
    for n, indices in enumerate(lines):
        company = [k for k, i in enumerate(indices) if out[i].field == "company"]
        if not company:
            continue
        rest = indices[company[-1] + 1:]
        last = out[indices[company[-1]]].word.text.lower()
        if rest and last in _DANGLING and all(out[i].field is None and _PLAIN_WORD.match(out[i].word.text) for i in rest):
            log.debug("%r after %r: the rest of the company's line", " ".join(out[i].word.text for i in rest), last)
            for i in rest:
                out[i] = replace(out[i], tag="I-COMPANY")
        name = " ".join(out[i].word.text for i in indices if out[i].field == "company")
        if name.count("«") <= name.count("»") or n + 1 == len(lines):
            continue
        below = lines[n + 1]
        closing = " ".join(out[i].word.text for i in below)
        if (closing.endswith("»") and "«" not in closing and any(out[i].field != "company" for i in below)
                and _just_below(union_bbox([out[i].word.bbox for i in indices]),
                                union_bbox([out[i].word.bbox for i in below]))):
            log.debug("%r closes the company's guillemet: its last line", closing)
            for i in below:
                out[i] = replace(out[i], tag="I-COMPANY")
    return out


@rules.implements("retag.company_begun_above")
def _company_begun_above(words: list[TaggedWord]) -> list[TaggedWord]:
    """A company line that starts with "and"/"&"/"и" continues the line right above it, which
    the tagger took for a name ("Davies, Green" over "and Davies"): a firm named after people
    wraps after one of them."""
    out = list(words)
    lines = _line_groups(words)
    for indices in lines:
        first = words[indices[0]]
        if first.field != "company" or first.word.text.lower() not in NAME_CONJUNCTIONS:
            continue
        below = _line_value([words[i] for i in indices])
        above = next((g for g in lines if g is not indices and wraps_onto(_line_value([words[i] for i in g]), below)), None)
        if above is None or not all(words[i].field == "full_name" for i in above):
            continue
        log.debug("%r continued by the company line %r: the company", " ".join(words[i].word.text for i in above),
                  below.value)
        for k, i in enumerate(above):
            out[i] = replace(words[i], tag="B-COMPANY" if k == 0 else "I-COMPANY")
        out[indices[0]] = replace(first, tag="I-COMPANY")
    return out


def _title_word(word: str) -> bool:
    """Whether ``word`` is a job-title word of any language the lexicon knows."""
    w = word.strip(".,:;()").lower()
    return bool(w) and (w in TITLE_WORDS or w in RUSSIAN_TITLE_WORDS or w.startswith(TITLE_PREFIXES))


@rules.implements("retag.title_ended_above")
def _title_ended_above(words: list[TaggedWord]) -> list[TaggedWord]:
    """A line tagged as the position right below a position line is no part of the title when
    the line above ends it on a title word (no comma, no "and"/"of" after it) and this line
    holds no title word and starts with no connector: "Software Developer" over a slogan
    ("Robust systematic open architecture") or a department ("Sales Department"). A title
    wrapped over two lines keeps its title word below, a comma or connector between, or a
    bracket ("Research scientist" over "(life sciences)"). A line on the same row is no line
    below: OCR split "Directeur | général" at a gap."""
    out = list(words)
    lines = _line_groups(words)
    for above, below in zip(lines, lines[1:]):
        upper = [words[i] for i in above if words[i].field == "position"]
        lower = [words[i] for i in below]
        last = upper[-1].word.text if upper else ""
        if (not upper or upper[-1] is not words[above[-1]] or any(tw.field != "position" for tw in lower)
                or _on_one_row(upper[-1].word.bbox, lower[0].word.bbox)
                or last.endswith((",", "-", "&")) or not _title_word(last)
                or any(_title_word(tw.word.text) for tw in lower) or lower[0].word.text.lower() in _DANGLING
                or lower[0].word.text.startswith("(")):
            continue
        log.debug("%r ends the title %r: line below left out", " ".join(tw.word.text for tw in lower),
                  " ".join(tw.word.text for tw in upper))
        for i in below:
            out[i] = replace(words[i], tag=OUTSIDE_TAG)
    return out


#: The rest of a host name after a web address that has no top-level domain yet ("www.fal" |
#: "con.ru"): OCR split the address at a gap.
_HOST_END = re.compile(r"^[^\W_][\w\-]*(?:\.[\w\-]+)*\.[^\W\d_]{2,}/?$")


@rules.implements("retag.domain_end_split_off")
def _domain_end_split_off(words: list[TaggedWord]) -> list[TaggedWord]:
    """A top-level domain right after an e-mail or web address on its line, which the tagger
    left out, is the address's last word when the address stops at a dot ("inbox." + "ru") or
    at a second level ("briggsdesign.org" + "uk"); so is the rest of a host name after a web
    address that has none yet ("www.fal" + "con.ru"). The validator joins the words."""
    out = list(words)
    for i in range(len(out) - 1):
        tw, nxt = out[i], out[i + 1]
        if tw.field not in ("email", "website") or nxt.field is not None or not _same_line(tw, nxt):
            continue
        if tw.field == "website" and lacks_top_level_domain(tw.word.text) and _HOST_END.match(nxt.word.text):
            log.debug("%r read as the rest of the web address %r", nxt.word.text, tw.word.text)  # "www.fal" + "con.ru"
            out[i + 1] = replace(nxt, tag="I-WEBSITE")
            continue
        tld = nxt.word.text.rstrip(".,;/").lower()
        labels = tld.split(".")  # "org.uk" after "https://silverline."
        if labels[-1] not in COMMON_TLDS or not all(x in COMMON_TLDS or x in SECOND_LEVEL_LABELS for x in labels):
            continue
        text = tw.word.text.rstrip("/")
        after_second_level = "." in text and text.rpartition(".")[2].lower() in SECOND_LEVEL_LABELS
        if text.endswith(".") or (len(labels) == 1 and len(tld) == 2 and after_second_level):
            log.debug("%r read as the end of the %s %r", nxt.word.text, tw.field, tw.word.text)
            out[i + 1] = replace(nxt, tag=f"I-{tw.tag[2:]}")
    return out


def _line_value(line: list[TaggedWord]) -> FieldValue:
    """A line's words as a value, for the geometry of ``wraps_onto``."""
    text = " ".join(tw.word.text for tw in line)
    return FieldValue("position", text, text, 0.0, bbox=union_bbox([tw.word.bbox for tw in line]))


def _line_groups(words: list[TaggedWord]) -> list[list[int]]:
    """The indices of ``words``, grouped by OCR line, lines in order of first appearance."""
    by_line: dict[int, list[int]] = {}
    for i, tw in enumerate(words):
        by_line.setdefault(tw.word.line_index, []).append(i)
    return list(by_line.values())


def _on_one_row(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether two boxes share more than half the height of the smaller one: one printed row."""
    return min(a[3], b[3]) - max(a[1], b[1]) > 0.5 * min(a[3] - a[1], b[3] - b[1])


def _same_line(a: TaggedWord, b: TaggedWord) -> bool:
    return a.word.line_index == b.word.line_index


def wraps_onto(upper: FieldValue, lower: FieldValue) -> bool:
    """Whether ``lower`` reads as the continuation line of ``upper``: just below it (gap under a
    line height) and overlapping it horizontally."""
    assert upper.bbox is not None and lower.bbox is not None
    ux0, _, ux1, _ = upper.bbox
    lx0, _, lx1, _ = lower.bbox
    return _just_below(upper.bbox, lower.bbox) and min(ux1, lx1) > max(ux0, lx0)


