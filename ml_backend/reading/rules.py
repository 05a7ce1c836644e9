"""The reader's rules as data: one table of every repair and check after OCR, and its runner.

The tagger and OCR make typical mistakes that whole-card evidence can undo (an address line
tagged as a name, a domain split off an e-mail, a fax number read as a phone), and OCR damages
single values in ways their format undoes (an "@" read as "ę", a label read into the value, a
digit in a name). Each rule that undoes one is a record of ``RULES``: an id, the stage it runs
in, the fields it touches, the locales it is written for, what it does (``action``), what its
evidence is (``evidence``: the card itself, a format, the layout, or a word list) and examples.
The stage modules register the function behind each id (``implements``); ``run_words``,
``run_values`` and ``first_match`` run a stage's rules in table order, so the order is the
table's, not a chain of nested calls.

The ``normalise`` stage is the field normalisers' repair steps (``reading.values``): they run
inside one value's cleaning, wherever a value is normalised, each through ``Repairs``, which
skips a step switched off and keeps the ids of the steps that changed the text
(``NormalisedValue.repairs``); the validator names those in the value's ``applied`` and the
ledger when it checks the value. What only gives a value its canonical form and changes no
printed character's meaning (an e-mail lower-cased, a number in E.164, spacing, the separators
between address parts, an abbreviation's dot) is no rule.

Every firing is recorded: a value a rule changed, added or flagged names the rule in
``FieldValue.applied`` (for retagging rules, the values decoded from the words they retagged),
and, while a ``ledger()`` is open, in that card's ledger. ``disabled(ids)`` switches rules off
for the current context, which is how the rules report (``python -m ml_backend rules``) measures
what each one makes right and wrong: every card read again with one rule off.

Actions: ``retag`` (words given another tag), ``join``/``split``/``move`` (values joined, split
or given to another field), ``add`` (a value the tagger missed, read from the OCR lines),
``repair`` (a value's text changed; only with the card itself or a format as evidence),
``propose`` (a spelling put on the value's note, the value kept as read: a name, a company or a
word list is no evidence of what the card printed), ``flag`` (marked invalid for the annotator),
``drop`` (left out).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from ml_backend.schema import FieldValue, TaggedWord

log = logging.getLogger(__name__)

#: Stages, in the order the reader runs them.
STAGES: tuple[str, ...] = (
    "normalise",      # one value's text -> its repaired form (values/*: inside ``normalise``, every time it runs)
    "retag",          # tagged words -> tagged words (retag)
    "decode",         # decoded values joined or left out (fields)
    "card",           # card-level moves between values, before the per-value checks (Validator.check)
    "split",          # one value holding two -> two (Validator.check)
    "recover.value",  # an invalid or misplaced e-mail/website/phone -> what it holds (recover; first match)
    "recover.lines",  # values the tagger missed, from the line evidence (lines.merge_lines)
    "spelling",       # what the card prints twice spelled one way (spelling; Validator.settle)
    "validate",       # card-level checks and moves after the per-value checks (Validator.check)
    "settle",         # card-level checks and moves after the line evidence joined (Validator.settle)
    "check",          # rules inside the per-value check (validator._checked)
)
ACTIONS = frozenset({"retag", "join", "split", "move", "add", "repair", "propose", "flag", "drop"})
EVIDENCE = frozenset({"card", "format", "layout", "wordlist"})


@dataclass(frozen=True)
class Rule:
    """One repair or check. ``examples`` are (input, expected) pairs the rule alone turns one
    into the other, written as ``tests/test_rules.py`` reads them for the rule's stage: for word
    stages, one string per printed line of ``word/LABEL`` tokens (the field's label, e.g.
    ``FULL_NAME``, without B-/I-: a run of one label is one value; ``O`` for none); for value stages, ``field: value`` strings, with
    ``!`` after the field for a value flagged invalid (``"company!: X"``) and ``?`` followed by
    the proposal for one kept with a proposal."""

    id: str
    stage: str
    fields: tuple[str, ...]
    action: str
    evidence: str
    description: str
    locales: tuple[str, ...] = ()  # empty: every locale
    examples: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()


_ANY_NAME = ("full_name", "company", "position")


_DOMAINS = ("email", "website")
_REPAIR, _FORMAT = "repair", "format"


def _normalise(rule_id: str, fields: tuple[str, ...], description: str, *examples: tuple[str, str],
               locales: tuple[str, ...] = ()) -> Rule:
    """A repair step of the field normalisers: ``examples`` are ``(printed, normalised)`` pairs of
    ``field: value`` specs, one value each (the normalised value is the canonical form)."""
    return Rule(rule_id, "normalise", fields, _REPAIR, _FORMAT, description, locales,
                tuple(((given,), (expected,)) for given, expected in examples))


RULES: tuple[Rule, ...] = (
    # --- normalise: OCR damage undone inside one value (values/*.py, run by ``normalise``) ------
    _normalise("normalise.email.label_cut", ("email",),
               "a printed label before an e-mail address (\"E-mail:\", \"Эл. почта:\") is no part of it",
               ("email: E-mail: ann@x.com", "email: ann@x.com")),
    _normalise("normalise.email.next_label_cut", ("email",),
               "the next item's label glued after the top-level domain (\"...@x.comCAéT: x.com\", \"Сайт:\" "
               "read in Latin look-alikes) and what follows it are the next item's",
               ("email: ivan@larionov.comCAéT: larionov.com", "email: ivan@larionov.com")),
    _normalise("normalise.email.at_word", ("email",),
               "an \"@\" printed as a word (\"(at)\", \"[at]\", \" at \") is the \"@\"",
               ("email: ann (at) x.com", "email: ann@x.com")),
    _normalise("normalise.email.at_misread", ("email",),
               "an \"@\" OCR read as a letter with a diacritic, a \"©\"/\"®\" or a \"ß\" between a local part "
               "and a domain is the \"@\" (only in a text without one)",
               ("email: zakazęetalon.su", "email: zakaz@etalon.su"), ("email: ronanßvinogradov.net", "email: ronan@vinogradov.net")),
    _normalise("normalise.email.dot_word", ("email",),
               "a dot printed as a word (\"(dot)\", \" dot \") is the dot",
               ("email: ann@x (dot) com", "email: ann@x.com")),
    _normalise("normalise.domain.country_code_dot", _DOMAINS,
               "a country code after a second-level label and a space (\"x.org uk\") takes the dot OCR read as "
               "the space",
               ("email: ann@briggs.org uk", "email: ann@briggs.org.uk"), ("website: www.briggs.co uk", "website: www.briggs.co.uk")),
    _normalise("normalise.email.commas_for_dots", ("email",),
               "a comma or semicolon in an e-mail address is a dot OCR misread; a doubled \"@\" or dot is one",
               ("email: ann@x,com", "email: ann@x.com"), ("email: ann@x..com", "email: ann@x.com")),
    _normalise("normalise.email.bracket_at", ("email",),
               "a bracket glued to the \"@\" (\"ina(@inbox.ru\") is a misread edge of it",
               ("email: ina(@inbox.ru", "email: ina@inbox.ru")),
    _normalise("normalise.domain.mixed_script", _DOMAINS,
               "Cyrillic look-alike letters in a Latin address (\"mаil.ru\" with a Cyrillic \"а\") are Latin; an "
               "all-Cyrillic part with letters of no Latin twin (\"ромашка.рф\") stays",
               ("email: ivan@mаil.ru", "email: ivan@mail.ru"), ("website: www.аlfa.ru", "website: www.alfa.ru"),
               ("email: info@ромашка.рф", "email: info@ромашка.рф")),
    _normalise("normalise.email.icons_cut", ("email",),
               "a symbol at an end of an e-mail address (\"©service@jacob.com\", \"✉info@x.de\") is an icon read "
               "as a sign: no address holds one",
               ("email: ©service@jacob.com", "email: service@jacob.com")),
    _normalise("normalise.domain.tld_misread", _DOMAINS,
               "digits in a top-level domain are letters (\".c0m\"), and a few letter slips no real one is spelled "
               "as (\".con\", \".ory.uk\") are the domain they are one letter off",
               ("email: ann@x.c0m", "email: ann@x.com"), ("website: www.acme.con", "website: www.acme.com")),
    _normalise("normalise.domain.glued_word_cut", _DOMAINS,
               "a printed word glued after a common top-level domain (\"yahoo.comweb\", \"x.ruwww\"), or a hyphen "
               "and more after one (\"x.us-mail\"), is no part of the domain",
               ("email: ann@yahoo.comweb", "email: ann@yahoo.com")),
    _normalise("normalise.domain.lost_dot", _DOMAINS,
               "a domain without a dot gets the one OCR lost before a common top-level domain (\"ramblerru\")",
               ("email: ebobrova@ramblerru", "email: ebobrova@rambler.ru"),
               ("website: www.impulsproektru", "website: www.impulsproekt.ru")),
    _normalise("normalise.website.label_cut", ("website",),
               "a printed label before a web address (\"Web:\", \"Сайт:\") is no part of it",
               ("website: Web: www.acme.com", "website: www.acme.com")),
    _normalise("normalise.website.icon_cut", ("website",),
               "a symbol or an enclosed digit before a web address (\"⊕\", \"④\") is its icon",
               ("website: ⊕ www.acme.com", "website: www.acme.com")),
    _normalise("normalise.website.www_repaired", ("website",),
               "\"www\" with a comma for its dot, glued to the name, or with a \"w\" too many or too few is "
               "\"www.\" (\"www1.\" is a real host)",
               ("website: www; acme.com", "website: www.acme.com"), ("website: wwwalfa.ru", "website: www.alfa.ru"),
               ("website: wwww.acme.com", "website: www.acme.com")),
    _normalise("normalise.website.commas_for_dots", ("website",),
               "a comma in a host name is a dot OCR misread; a doubled dot is one",
               ("website: www.acme,com", "website: www.acme.com")),
    _normalise("normalise.phone.letters_for_digits", ("phone", "fax"),
               "a letter that stands for a digit (\"O\" for 0, \"l\" for 1, Cyrillic \"З\" for 3) with no "
               "ordinary letter beside it and a digit near it is that digit",
               ("phone: +1 415 555 O134", "phone: +14155550134")),
    _normalise("normalise.phone.label_cut", ("phone", "fax"),
               "what is printed before a number's first digit, \"+\" or \"(\" is its label (\"Tel.:\", "
               "\"Моб.:\"); libphonenumber reads past one, so the cut shows in a number kept as printed (a local "
               "number without its area code, one too short)",
               ("phone: Tel: 555 01", "phone!: 555 01")),
    _normalise("normalise.phone.plus_misread", ("phone", "fax"),
               "a number invalid as read, after a sign OCR makes of a \"+\" (\"-\", \"=\", \"÷\"), is valid "
               "with its country code's \"+\"",
               ("phone: =44 20 7946 0958", "phone: +442079460958")),
    _normalise("normalise.phone.icon_zero_dropped", ("phone", "fax"),
               "a number invalid as read after a lone \"0\" (a phone icon) is valid without it (also glued to "
               "Russia's trunk prefix: \"08 (912)\")",
               ("phone: 0 415 555 0134", "phone: +14155550134")),
    _normalise("normalise.words.spaced_hyphen_closed", _ANY_NAME,
               "a hyphen with a space after it inside a word (\"Smith- Jones\"), or before it only, is OCR's "
               "space; a suspended hyphen before a conjunction (\"Radio- and TV\") stays",
               ("full_name: Anna Smith- Jones", "full_name: Anna Smith-Jones"),
               ("position: Radio- and TV Engineer", "position: Radio- and TV Engineer")),
    _normalise("normalise.full_name.digits_for_letters", ("full_name",),
               "a digit inside a name word of letters is the letter it looks like (\"5uzanne\", \"Gi1les\"; in "
               "a Cyrillic name \"3.\" is \"З.\")",
               ("full_name: 5uzanne Smith", "full_name: Suzanne Smith")),
    _normalise("normalise.full_name.small_l_for_capital_i", ("full_name",),
               "a name word starting with a small \"l\" is a capital \"I\" where that spells a known given name "
               "(\"lan\" -> \"Ian\")",
               ("full_name: lan Smith", "full_name: Ian Smith")),
    _normalise("normalise.full_name.specks_dropped", ("full_name",),
               "a lone digit or mark between name words, or a lone Latin letter in a Cyrillic name, is a speck",
               ("full_name: Радислав 3 Колесников", "full_name: Радислав Колесников")),
    _normalise("normalise.full_name.small_capital_restored", ("full_name",),
               "a lower-case name word of four letters or more, no particle, is a capital OCR read small",
               ("full_name: Maria silva", "full_name: Maria Silva"), ("full_name: Ludwig van Beethoven", "full_name: Ludwig van Beethoven")),
    _normalise("normalise.full_name.stray_dot_cut", ("full_name",),
               "a dot after a whole last name word (four letters or more) is a speck; \"J.\" and \"Jr.\" keep theirs",
               ("full_name: Иван Владиславович.", "full_name: Иван Владиславович")),
    _normalise("normalise.full_name.glued_words_split", ("full_name",),
               "a name that is no name as read, one word of which is a known given name glued to a surname "
               "(\"NICHOLASJAMES\", \"CASEYT.ADAMS\"), is split there",
               ("full_name: NICHOLASJAMES", "full_name: NICHOLAS JAMES")),
    _normalise("normalise.company.specks_cut", ("company",),
               "stroke-like marks before a company name, a bracket opened and never closed, angle brackets hugging "
               "a guillemet are specks",
               ("company: ıı White Construction Group", "company: White Construction Group")),
    _normalise("normalise.company.latin_ooo", ("company",),
               "\"ООО\" read in Latin letters or zeros before a Cyrillic name is \"ООО\"",
               ("company: OOO «Вектор»", "company: ООО «Вектор»"), locales=("ru_RU",)),
    _normalise("normalise.company.russian_legal_form_respelled", ("company",),
               "three Cyrillic capitals opening a company name, one letter off exactly one Russian legal form "
               "(\"ЗЛО\"), are that form",
               ("company: ЗЛО «Соболева»", "company: ЗАО «Соболева»"), locales=("ru_RU",)),
    _normalise("normalise.words.small_l_before_consonant", ("company", "position"),
               "a Latin word starting with a small \"l\" before a consonant starts with a capital \"I\" "
               "(\"lronbridge\"); legal forms (\"ltd\") stay",
               ("company: lronbridge Energy", "company: Ironbridge Energy")),
    _normalise("normalise.company.surname_dot_for_comma", ("company",),
               "a dot between a firm's surnames before the last two joined by a conjunction is its comma",
               ("company: Соколов. Муравьев и Коновалов", "company: Соколов, Муравьев и Коновалов")),
    _normalise("normalise.company.glued_legal_form_spaced", ("company",),
               "a legal form glued to the name before it (\"TERRAPLC\") is a word of its own",
               ("company: TERRAPLC", "company: TERRA PLC")),
    _normalise("normalise.company.long_legal_form_respelled", ("company",),
               "a company's last word one letter off a long legal form (\"Linited\") is that form",
               ("company: Garner Analytics Linited", "company: Garner Analytics Limited")),
    _normalise("normalise.company.zero_for_o_apostrophe", ("company",),
               "an Irish \"O'\" read as a zero (\"0'sullivan\") is \"O'\" and a capital",
               ("company: 0'sullivan Construction", "company: O'Sullivan Construction")),
    _normalise("normalise.company.monogram_cut", ("company",),
               "a lone capital before a company word starting with it (\"K KNIGHT-MURRAY\") is the logo's monogram",
               ("company: K KNIGHT-MURRAY", "company: KNIGHT-MURRAY")),
    _normalise("normalise.company.labels_cut", ("company",),
               "one or two short words closed by a colon before the name are contact labels",
               ("company: е-тай: Вишнякова Инкорпорэйтед", "company: Вишнякова Инкорпорэйтед")),
    _normalise("normalise.company.marks_before_legal_form", ("company",),
               "a digit, a lone character or a short run of marks before a legal form opening the name is a speck",
               ("company: 3 ЗАО «Север»", "company: ЗАО «Север»"), locales=("ru_RU",)),
    _normalise("normalise.company.quotes_balanced", ("company",),
               "a quote mark after the closing one is a speck; a closing quote of another form than the opening "
               "straight one is straight",
               ("company: ООО \"Эталон'", "company: ООО \"Эталон\"")),
    _normalise("normalise.company.legal_form_undotted", ("company",),
               "a legal form with a speck read as a dot inside (\"L.LP\") is the form; fully dotted ones stay",
               ("company: Northstar Consulting L.LP", "company: Northstar Consulting LLP")),
    _normalise("normalise.position.trailing_connector_cut", ("position",),
               "the word joining a title to the company after it (\"at\", \"chez\"), left at the end, is cut",
               ("position: Art Director at", "position: Art Director")),
    _normalise("normalise.position.trailing_symbols_cut", ("position",),
               "symbols after a title with no letter or digit (an icon read as \"№\", a bullet) are cut",
               ("position: Управляющий партнёр №", "position: Управляющий партнёр")),
    _normalise("normalise.position.unpaired_marks_cut", ("position",),
               "a quote mark opening a title that closes nowhere, a bracket closing one that opens nowhere, are "
               "specks",
               ("position: „Донкерман", "position: Донкерман")),
    _normalise("normalise.position.stray_dot_cut", ("position",),
               "a dot after a title's last word of eight letters or more is a speck (\"Mgr.\" keeps its own)",
               ("position: Финансовый директор.", "position: Финансовый директор")),
    _normalise("normalise.position.spaced_capitals_closed", ("position",),
               "single spaced-out capitals (a \"0\" read for \"O\") that close up into a title word are it",
               ("position: C 0 O", "position: COO")),
    _normalise("normalise.address.icon_cut", ("address",),
               "a location pin read as a symbol or a round letter alone before an address line, or a lone zero "
               "before a number, is the icon",
               ("address: © 12 Main Street, Springfield", "address: 12 Main Street, Springfield")),
    _normalise("normalise.address.label_cut", ("address",),
               "one or two printed labels closed by a colon before an address (\"Adresse :\", \"Адрес:\")",
               ("address: Adresse : 12 rue de la Paix, Paris", "address: 12 rue de la Paix, Paris")),
    _normalise("normalise.address.registration_number_cut", ("address",),
               "a part that is a registration number (eight digits or more unspaced, after a short label) is no "
               "part of the address",
               ("address: ул. Ленина, д. 5, ОКПО 92578811", "address: ул. Ленина, д. 5")),
    _normalise("normalise.address.russian_digits_misread", ("address",),
               "in a Russian address: an initial \"З\" read as 3 (\"пр. 3.Космодемьянской\"), \"д.\" read as "
               "\"4.\", a number in letters before \"лет\" (\"SO лет\"), a bar read as \"1\" glued to the "
               "postcode",
               ("address: г. Москва, ш. SO лет ВЛКСМ, д. 5", "address: г. Москва, ш. 50 лет ВЛКСМ, д. 5"), locales=("ru_RU",)),
    _normalise("normalise.address.russian_abbreviations_misread", ("address",),
               "Russian address abbreviations as OCR misreads them where nothing else reads so (\"уп.\" for "
               "\"ул.\", \"оп.\" for \"оф.\", \"IIL\" for \"ш.\", a colon for the dot)",
               ("address: г. Москва, уп. Ленина, д. 5", "address: г. Москва, ул. Ленина, д. 5"), locales=("ru_RU",)),
    _normalise("normalise.address.russian_dots_for_commas", ("address",),
               "in a Russian address, a dot after a number, a street name or a postcode where a comma was printed "
               "(no ordinal dot in Russian), a comma after a street type, a house number's slash read as a space",
               ("address: ул. Ленина, д. 9. оф. 50", "address: ул. Ленина, д. 9, оф. 50"), locales=("ru_RU",)),
    _normalise("normalise.address.number_from_line_above_cut", ("address",),
               "a number opening a Russian address before its street type is read from the line above "
               "(\"ISO 9001\")",
               ("address: 150, пер. Садовый, д. 5", "address: пер. Садовый, д. 5"), locales=("ru_RU",)),
    _normalise("normalise.address.dots_for_commas", ("address",),
               "a dot after a postcode or a flat/suite number before the next part is the comma printed there",
               ("address: Flat 4. Lindsey Lane, London", "address: Flat 4, Lindsey Lane, London")),
    _normalise("normalise.address.glued_words_spaced", ("address",),
               "the space OCR lost between a US state and its ZIP, inside a British postcode, after a town's prefix "
               "(\"NorthAnne\"), before \"Suite\"/\"Apt\", between a postcode and its town, before a Russian "
               "street abbreviation",
               ("address: 12 Main St, Annstad, NC80519", "address: 12 Main St, Annstad, NC 80519")),
    _normalise("normalise.address.flat_misread", ("address",),
               "\"Flat\" with its F misread (\"Ilat 32K\") before the flat's number",
               ("address: Ilat 32K, Mary Way, London", "address: Flat 32K, Mary Way, London")),
    _normalise("normalise.address.uk_postcode_misread", ("address",),
               "a British postcode where one stands with a letter/digit swap (\"SO 4AN\", \"BL2 1H5\") or a bar "
               "read after it; taken only when the code comes out well-formed",
               ("address: 5 High St, Leeds, M28 7HHI", "address: 5 High St, Leeds, M28 7HH")),
    _normalise("normalise.address.opening_hours_cut", ("address",),
               "opening hours printed under or above the address and read into it are no part of it",
               ("address: 12 Main St, Springfield, 8:30 17:30", "address: 12 Main St, Springfield")),
    _normalise("normalise.address.web_address_cut", ("address",),
               "the card's web address, or its top-level domain alone, read at an end of the postal address",
               ("address: 12 Main St, Springfield, acme.com", "address: 12 Main St, Springfield")),
    _normalise("normalise.address.junk_ends_cut", ("address",),
               "a part of at most three characters at an end that is no number and holds a mark or is a lone "
               "letter (in a Russian address, a short Latin one) is a speck",
               ("address: 12 Main St, Springfield, *1", "address: 12 Main St, Springfield")),
    # --- retag: the tagger's slips undone on the words (retag.py) ---------------------------
    Rule("retag.registration_number_line", "retag", ("address",), "retag", "format",
         "a registration-number line (\"ОКПО 78071338\") is no part of the address; one after a phone label is "
         "the phones", (),
         ((("OKNO/ADDRESS 78071338/O",), ("OKNO/O 78071338/O",)),
          (("Fones/POSITION 11/ADDRESS 2082-2399/2646-6123/ADDRESS",), ("Fones/POSITION 11/ADDRESS 2082-2399/2646-6123/ADDRESS",)))),
    Rule("retag.address_block_completed", "retag", ("address", "full_name"), "retag", "layout",
         "lines of a column of address lines are address lines (a street read as a name, the postcode line)", (),
         ((("Studio/ADDRESS 09s/ADDRESS", "Paula/FULL_NAME Run/FULL_NAME", "GU6/O 5UG/O"),
           ("Studio/ADDRESS 09s/ADDRESS", "Paula/ADDRESS Run/ADDRESS", "GU6/ADDRESS 5UG/ADDRESS")),)),
    Rule("retag.company_from_domain", "retag", ("company",), "retag", "card",
         "a line the card's e-mail or web domain spells is the company", (),
         ((("Lefebvre/ADDRESS", "c.marques@lefebvre.fr/EMAIL"), ("Lefebvre/COMPANY", "c.marques@lefebvre.fr/EMAIL")),
          (("©/O Kiseleva/O Group/O", "info@kiseleva-group.ru/EMAIL"),
           ("©/O Kiseleva/COMPANY Group/COMPANY", "info@kiseleva-group.ru/EMAIL")))),
    Rule("retag.company_named_at_a_line_start", "retag", ("company",), "retag", "card",
         "words opening a line (and going on at the start of the next) that spell the card's domain are the "
         "company, with the company words and legal forms right after them on their line", (),
         ((("Alerta/O Security/O Solutions/O", "rbeato@alertasecurity.com.br/EMAIL"),
           ("Alerta/COMPANY Security/COMPANY Solutions/COMPANY", "rbeato@alertasecurity.com.br/EMAIL")),
          (("Brunau/FULL_NAME", "Buffet/FULL_NAME eventos/FULL_NAME", "www.brunaubuffet.com.br/WEBSITE"),
           ("Brunau/COMPANY", "Buffet/COMPANY eventos/FULL_NAME", "www.brunaubuffet.com.br/WEBSITE")),
          (("Anna/FULL_NAME Weber/FULL_NAME", "Weber/O Consulting/O", "anna@weber.de/EMAIL"),
           ("Anna/FULL_NAME Weber/FULL_NAME", "Weber/COMPANY Consulting/COMPANY", "anna@weber.de/EMAIL")))),
    Rule("retag.tagline_under_the_domain_name", "retag", ("company",), "retag", "card",
         "when one company line is the name the card's domain spells, the other lines given the company, of two "
         "words or more, whose words the domain does not spell are a tagline (\"BELTIS\" over \"IT Solutions\", "
         "beltis.com.br)", (),
         ((("BELTIS/COMPANY", "IT/COMPANY Solutions/COMPANY", "www.beltis.com.br/WEBSITE"),
           ("BELTIS/COMPANY", "IT/O Solutions/O", "www.beltis.com.br/WEBSITE")),
          (("Brunau/COMPANY", "Buffet/COMPANY", "www.brunaubuffet.com.br/WEBSITE"),
           ("Brunau/COMPANY", "Buffet/COMPANY", "www.brunaubuffet.com.br/WEBSITE")),
          (("LUMEN/COMPANY ENERGY/COMPANY", "GROUP/COMPANY", "info@lumenenergy.com/EMAIL"),
           ("LUMEN/COMPANY ENERGY/COMPANY", "GROUP/COMPANY", "info@lumenenergy.com/EMAIL")),
          (("Nelson/COMPANY Auto/COMPANY", "Repair/COMPANY", "www.nelsonauto.com/WEBSITE"),
           ("Nelson/COMPANY Auto/COMPANY", "Repair/COMPANY", "www.nelsonauto.com/WEBSITE")),
          (("JOHNSON,/COMPANY ALLEN/COMPANY", "AND/COMPANY HARRISON/COMPANY", "info@johnson.org/EMAIL"),
           ("JOHNSON,/COMPANY ALLEN/COMPANY", "AND/COMPANY HARRISON/COMPANY", "info@johnson.org/EMAIL")))),
    Rule("retag.company_line_completed", "retag", ("company",), "retag", "layout",
         "a company name cut short after \"и\"/\"and\"/\"&\" takes the rest of its line, or the line closing its guillemet", (),
         ((("Smith/COMPANY &/COMPANY Sons/O",), ("Smith/COMPANY &/COMPANY Sons/COMPANY",)),)),
    Rule("retag.company_begun_above", "retag", ("company", "full_name"), "retag", "layout",
         "a company line starting with \"and\"/\"&\" continues the name-like line above it", (),
         ((("Davies,/FULL_NAME Green/FULL_NAME", "and/COMPANY Davies/COMPANY"),
           ("Davies,/COMPANY Green/COMPANY", "and/COMPANY Davies/COMPANY")),)),
    Rule("retag.title_begun_after_the_name", "retag", ("position", "full_name"), "retag", "layout",
         "a title begun after the name's comma, its first words read into the name, is the title", (),
         ((('ADAM/FULL_NAME HOWELL,/FULL_NAME ARMED/FULL_NAME FORCES/POSITION TECHNICAL/POSITION OFFICER/POSITION',), ('ADAM/FULL_NAME HOWELL,/FULL_NAME ARMED/POSITION FORCES/POSITION TECHNICAL/POSITION OFFICER/POSITION',)),)),
    Rule("retag.labels_untagged", "retag", _ANY_NAME + ("address",), "retag", "format",
         "a contact label (\"Эл. почта:\", garbled; a place naming a branch's number, \"Monnier-sur-Launay : 04 94 "
         "95 74 80\") is no part of the value before it", (),
         ((('3n./ADDRESS nota:/O ivan@x.ru/EMAIL',), ('3n./O nota:/O ivan@x.ru/EMAIL',)),
          (('Monnier-sur-Launay/ADDRESS :/O 04/PHONE 94/PHONE 95/PHONE', '62,/ADDRESS avenue/ADDRESS de/ADDRESS Delattre/ADDRESS'),
           ('Monnier-sur-Launay/O :/O 04/PHONE 94/PHONE 95/PHONE', '62,/ADDRESS avenue/ADDRESS de/ADDRESS Delattre/ADDRESS')))),
    Rule("retag.monogram_untagged", "retag", ("company", "address"), "retag", "card",
         "a line holding only the company's initials is its logo", (),
         ((("VG/ADDRESS", "Vector/COMPANY Group/COMPANY"), ("VG/O", "Vector/COMPANY Group/COMPANY")),)),
    Rule("retag.name_line_completed", "retag", ("full_name",), "retag", "layout",
         "a capitalised word or two the tagger left out of a line otherwise the name's belong to the name (not "
         "an affix such as \"Dr.\" or \"PhD\", not a label)", (),
         ((("Altair/O D'Auria/FULL_NAME Miranda/FULL_NAME",), ("Altair/FULL_NAME D'Auria/FULL_NAME Miranda/FULL_NAME",)),
          (("Dr./O Jane/FULL_NAME Roe/FULL_NAME",), ("Dr./O Jane/FULL_NAME Roe/FULL_NAME",)),
          (("Jane/FULL_NAME Roe/FULL_NAME sales/O",), ("Jane/FULL_NAME Roe/FULL_NAME sales/O",)))),
    Rule("retag.address_line_completed", "retag", ("address",), "retag", "layout",
         "words the tagger left out of a line otherwise the address's, fewer than its address words, belong to the "
         "address (not a contact label, a phone number, an e-mail or web address)", (),
         ((("Jd./O Samara/ADDRESS -/ADDRESS SP/ADDRESS",), ("Jd./ADDRESS Samara/ADDRESS -/ADDRESS SP/ADDRESS",)),
          (("Rua/ADDRESS Pinhal,/ADDRESS 283/ADDRESS Tel:/O",), ("Rua/ADDRESS Pinhal,/ADDRESS 283/ADDRESS Tel:/O",)))),
    Rule("retag.title_line_taken_back", "retag", ("position", "full_name", "company"), "retag", "layout",
         "a word or two of a title line given the name or the company, which the card prints on another line, "
         "belong to the title", (),
         ((("LOPA/FULL_NAME DIVAN/FULL_NAME", "Nutritional/FULL_NAME therapist/POSITION"),
           ("LOPA/FULL_NAME DIVAN/FULL_NAME", "Nutritional/POSITION therapist/POSITION")),
          (("PRIMARY/POSITION SCHOOL/POSITION TEACHER/COMPANY", "Brightside/COMPANY Group/COMPANY"),
           ("PRIMARY/POSITION SCHOOL/POSITION TEACHER/POSITION", "Brightside/COMPANY Group/COMPANY")),
          (("Jane/FULL_NAME Roe/FULL_NAME Director/POSITION",), ("Jane/FULL_NAME Roe/FULL_NAME Director/POSITION",)))),
    Rule("retag.title_line_completed", "retag", ("position",), "retag", "layout",
         "a plain word or two the tagger left out of a title line belong to the title (not where the line, so "
         "completed, would continue a title ending on the line above: a department under the title)", (),
         ((("TELEVISION/O PRODUCTION/POSITION ASSISTANT/POSITION",),
           ("TELEVISION/POSITION PRODUCTION/POSITION ASSISTANT/POSITION",)),
          (("Analista/POSITION de/POSITION Sistemas/POSITION", "Marketing/O e/O Comunicação/POSITION"),
           ("Analista/POSITION de/POSITION Sistemas/POSITION", "Marketing/O e/O Comunicação/POSITION")))),
    Rule("retag.title_words_inside_a_sentence", "retag", ("position",), "retag", "layout",
         "a word or two given the position inside a line of three or more words that are otherwise the tagger's "
         "nothing, and more of them, are no title: a title is a line or a separated part of one", (),
         ((("ASSISTÊNCIA/O TÉCNICA/O EM/O GERAL/POSITION",), ("ASSISTÊNCIA/O TÉCNICA/O EM/O GERAL/O",)),
          (("Head/O of/O Sales/POSITION",), ("Head/O of/O Sales/POSITION",)),
          (("Jane/O Roe,/O Director/POSITION",), ("Jane/O Roe,/O Director/POSITION",)))),
    Rule("retag.title_ended_above", "retag", ("position",), "retag", "wordlist",
         "a line below a title ending on a title word, holding none, is no part of the title (a slogan)", (),
         ((("Software/POSITION Developer/POSITION", "Robust/POSITION systematic/POSITION architecture/POSITION"),
           ("Software/POSITION Developer/POSITION", "Robust/O systematic/O architecture/O")),)),
    Rule("retag.domain_end_split_off", "retag", ("email", "website"), "retag", "format",
         "a top-level domain OCR split off an e-mail or web address at a space is its last word", (),
         ((("suvorova@inbox./EMAIL ru/O",), ("suvorova@inbox./EMAIL ru/EMAIL",)),)),
    # --- decode: values joined or left out (fields.py) --------------------------------------
    Rule("decode.address_parts_joined", "decode", ("address",), "join", "layout",
         "address lines decoded as separate values are one address where they are one block (on one row, or "
         "within two line heights with at most one other line between them in their column; a part on a line "
         "with its own phone only with the line read next to it); a block without a number beside one with a "
         "number is less sure; on a card printing several places, each address with its own phone on its "
         "line, the first place's", (),
         ((('address: 12 Main St', 'address: Springfield, IL 62701'), ('address: 12 Main St, Springfield, IL 62701',)),)),
    Rule("decode.wrapped_lines_joined", "decode", ("full_name", "position", "company"), "join", "layout",
         "a name, position or company wrapped onto the next line is one value (the next line's words are the "
         "value's alone: \"Solutions\" of \"IT Solutions\" under \"BELTIS\" continues nothing)", (),
         ((('position: Logistics and', 'position: Distribution Manager'), ('position: Logistics and Distribution Manager',)),)),
    Rule("decode.fragments_joined", "decode", ("email", "website", "phone", "full_name"), "join", "layout",
         "fragments of one value split by the tagger on one row are one value, unless a word is printed between "
         "them (\"(11) 99098-5170 | Fax 55 11 2154-5166\") or one is a phone number valid as read", ()),
    # --- card: moves between values before the checks (validator.py) ------------------------
    Rule("card.company_closed_in_address", "card", ("company", "address"), "move", "card",
         "the address's last part that closes the company's open guillemet is the company's", ("ru_RU",),
         ((("company: АО «ГОРДЕЕВА", "address: Москва, ул. Ленина 1, КАЛАШНИКОВ»"),
           ("company: АО «ГОРДЕЕВА КАЛАШНИКОВ»", "address: Москва, ул. Ленина 1")),)),
    Rule("card.surname_before_title", "card", ("full_name", "position"), "move", "layout",
         "a name lacking its surname takes the word before a dash at the start of the title", (),
         ((("full_name: Феоктист Анисимович", "position: Чернов — Гинеколог"),
           ("full_name: Феоктист Анисимович Чернов", "position: Гинеколог")),)),
    Rule("card.patronymic_joins_the_name", "card", ("full_name",), "move", "format",
         "a patronymic given to another field joins a two-word Russian name that has none", ("ru_RU",),
         ((("full_name: Баранов Кир", "position: Брониславович МАРКЕТОЛОГ"),
           ("full_name: Баранов Кир Брониславович", "position: МАРКЕТОЛОГ")),)),
    # --- split: one value holding two (validator.py) ----------------------------------------
    Rule("split.numbers_and_emails", "split", ("phone", "email"), "split", "format",
         "two phone numbers or e-mails tagged as one value are two", (),
         ((("email: a@x.com b@y.com",), ("email: a@x.com", "email: b@y.com")),)),
    Rule("split.phone_cut_from_address", "split", ("address", "phone"), "split", "format",
         "a phone number (or a long number) at an end of the address, or a local number ending one of its "
         "parts, is a phone; a postcode of some region (a Chilean \"9304680\") stays", (),
         ((("address: 12 Main St, Springfield, +1 415 555 0134",),
           ("address: 12 Main St, Springfield", "phone: +1 415 555 0134")),
          (("address: Av. Itaquera, 2994, Jd. Fernandes -SP 3569-6905, Próximo a Escola Astolfo",),
           ("address: Av. Itaquera, 2994, Jd. Fernandes -SP, Próximo a Escola Astolfo", "phone: 3569-6905")),
          (("address: 400 Oak Ave, Springfield, IL 62704-1234",),
           ("address: 400 Oak Ave, Springfield, IL 62704-1234",)),
          (("address: Av. Gabriela Mistral 6, Valdivia, 9304680",),
           ("address: Av. Gabriela Mistral 6, Valdivia, 9304680",)))),
    Rule("split.address_from_its_street", "split", ("address",), "drop", "format",
         "an address in a language that prints the street type first begins at the line opening with one: "
         "digitless lines the tagger ran in above it are no part of it", (),
         ((("address: Trabalhamos com todas as marcas, Av. Waldemar Carlos Pereira, 1325, Vila Talarico",),
           ("address: Av. Waldemar Carlos Pereira, 1325, Vila Talarico",)),
          (("address: Edificio 3, Rua Cruzeiro, 406",), ("address: Edificio 3, Rua Cruzeiro, 406",)),
          (("address: 12 Main Street, Springfield",), ("address: 12 Main Street, Springfield",)))),
    Rule("split.area_code_cut_from_address", "split", ("address", "phone"), "move", "format",
         "an area code ending the address, on the line where a phone begins or the line above, is that phone's "
         "when only the two together make a valid number", (),
         ((("address: 6811 Clintonville Road, Clarkston, MI, (248)", "phone: 343-5976"),
           ("address: 6811 Clintonville Road, Clarkston, MI", "phone: (248) 343-5976")),
          (("address: 6811 Clintonville Road, Clarkston, MI - (248)", "phone: 343-5976"),
           ("address: 6811 Clintonville Road, Clarkston, MI", "phone: (248) 343-5976")),
          (("address: 6811 Clintonville Road, Clarkston, MI 48348", "phone: 343-5976"),
           ("address: 6811 Clintonville Road, Clarkston, MI 48348", "phone: 343-5976")))),
    # --- check: inside the per-value check (validator._checked) -----------------------------
    Rule("check.known_russian_words", "check", ("address", "full_name", "position"), "repair", "wordlist",
         "a Russian town, given name or title word a letter off a known one: respelled where the word "
         "cannot be right as read, else proposed", ("ru_RU",)),
    # --- validate: card-level rules after the checks (validator.py) -------------------------
    Rule("validate.relabelled_by_cues", "validate", _ANY_NAME, "move", "wordlist",
         "a name/company/position whose cues (legal form, title word) say another of the three moves there; "
         "where the card fills that field, a legal form is flagged and a title word (a company may print one) "
         "noted; a name holding a trade or company word and no given name is the company of a card that has none", (),
         ((("full_name: Acme LLC",), ("company: Acme LLC",)),
          (("full_name: FRISEUR WIELOCH",), ("company: FRISEUR WIELOCH",)),
          (("full_name: Boulangerie Bonnet", "company: Bonnet SARL"), ("full_name: Boulangerie Bonnet", "company: Bonnet SARL")),
          (("company: Steiger Widmer & Partner", "position: Ophthalmologist"),
           ("company: Steiger Widmer & Partner", "position: Ophthalmologist")))),
    Rule("validate.person_like_company_flagged", "validate", ("company",), "flag", "wordlist",
         "a company that reads as a person's name (a Latin one starting with a given name) on a card with no "
         "name is flagged", (),
         ((('company: John Smith',), ('company!: John Smith',)),
          (('company: AUTO SOCORRO',), ('company: AUTO SOCORRO',)))),
    # recover.value: first match per value (recover.py)
    Rule("recover.website_read_as_email", "recover.value", ("website", "email"), "move", "card",
         "a website that is an e-mail at one of the card's or a free-mail domain, its \"@\" lost", (),
         ((("website: ebobrovarambler.ru", "full_name: Елена Боброва"), ("email: ebobrova@rambler.ru", "full_name: Елена Боброва")),)),
    Rule("recover.addresses_extracted", "recover.value", ("email", "website"), "repair", "format",
         "an invalid e-mail or website holding well-formed addresses is replaced by them", (),
         ((("email!: E-mail: ann@x.com",), ("email: ann@x.com",)),)),
    Rule("recover.website_tld_from_card", "recover.value", ("website",), "repair", "card",
         "a website that lost its top-level domain gets the card's domain of that name", (),
         ((('website!: www.alfakonsalting', 'email: info@alfakonsalting.ru'), ('website: www.alfakonsalting.ru', 'email: info@alfakonsalting.ru')),)),
    Rule("recover.email_from_domains", "recover.value", ("email",), "repair", "card",
         "an invalid e-mail that lost its \"@\" is rebuilt at the card's or a free-mail domain", (),
         ((("email!: n.sergeeva9bk.ru",), ("email: n.sergeeva@bk.ru",)),)),
    Rule("recover.phone_in_other_field", "recover.value", ("phone",), "move", "format",
         "an invalid value of another field shaped like a phone number is that number", (),
         ((('address!: -1219-853-1752',), ('phone: +12198531752',)),)),
    Rule("recover.phone_extracted", "recover.value", ("phone",), "repair", "format",
         "an invalid phone value holding a valid number is that number", (),
         ((('phone!: Tel 415-555-0134 ext',), ('phone: +14155550134',)),)),
    Rule("recover.missing_from_lines", "recover.lines", ("email", "website", "phone"), "add", "format",
         "e-mails, websites and phones on OCR lines that no valid value holds are added", (),
         ((('company!: Tel +1 415 555 0134',), ('company!: Tel +1 415 555 0134', 'phone: +14155550134')),)),
    Rule("recover.missing_name", "recover.lines", ("full_name",), "add", "wordlist",
         "a card without a name gets an unused line shaped like a name holding a known given name", (),
         ((('position!: Jane Smith',), ('position!: Jane Smith', 'full_name: Jane Smith')),)),
    # spelling: the card's own spellings (spelling.py)
    Rule("spelling.name_spaced_as_the_emails", "spelling", ("full_name",), "repair", "card",
         "a one-word Latin name that lost its space is spaced as an e-mail's local part spells it", (),
         ((("full_name!: ADAMJAMES", "email: a.james@x.com"), ("full_name: ADAM JAMES", "email: a.james@x.com")),)),
    Rule("spelling.domains_harmonised", "spelling", ("email", "website"), "repair", "card",
         "domains alike on one card are one domain, spelled as the card shows it most (the company's Latin name "
         "counting as one more print)", (),
         ((("email: ann@vosok.su", "website: vostok.su", "email: bob@vostok.su"),
           ("email: ann@vostok.su", "website: vostok.su", "email: bob@vostok.su")),
          (("company: ПАО «Ironbridge Энерго»", "email: polyakov@ironbridge.su", "email: info@ironbridgc.su",
            "website: ironbridgc.su"),
           ("company: ПАО «Ironbridge Энерго»", "email: polyakov@ironbridge.su", "email: info@ironbridge.su",
            "website: ironbridge.su")))),
    Rule("spelling.glued_email_label", "spelling", ("email",), "repair", "card",
         "an e-mail label glued to the local part is cut off where the name shows it", (),
         ((("full_name: Jennifer Johnson", "email: mailjohnson@x.com"), ("full_name: Jennifer Johnson", "email: johnson@x.com")),)),
    Rule("spelling.russian_words_spelled_as_the_addresses", "spelling", ("company", "full_name"), "repair", "card",
         "a Russian company word or surname a letter off is spelled as the card's addresses spell it", ("ru_RU",),
         ((("company: ГК «ГРОГРЕСС»", "website: progress.ru"),
           ("company: ГК «ПРОГРЕСС»", "website: progress.ru")),)),
    Rule("spelling.latin_brand_from_the_domain", "spelling", ("company",), "repair", "card",
         "a Latin brand read in Cyrillic look-alikes is Latin again where the card's domain spells it", ("ru_RU",),
         ((("company: ПАО «АРЕХ»", "website: apex.ru"), ("company: ПАО «APEX»", "website: apex.ru")),)),
    Rule("spelling.company_spaced_as_the_domain", "spelling", ("company",), "repair", "card",
         "letter-spaced capitals wrongly spaced are spaced as the card's domain spells the name", (),
         ((("company: HORI Z ON DESIGN", "website: horizon-design.co.uk"),
           ("company: HORIZON DESIGN", "website: horizon-design.co.uk")),)),
    # validate, after recovery
    Rule("validate.fax_by_label", "settle", ("phone", "fax"), "move", "format",
         "a number printed after a fax label (\"Fax:\", \"Факс\") is a fax", ()),
    Rule("validate.registration_number_flagged", "settle", ("phone",), "flag", "format",
         "a number printed after a registration or postcode label (\"ОКПО\", \"VAT\", \"CEP\") is flagged as no phone", ()),
    Rule("validate.proposals_settled", "settle", ("email", "website", "address", "full_name", "position"),
         "repair", "wordlist",
         "a proposed spelling is applied where OCR was unsure of the value's line, else kept as a note", ()),
    Rule("validate.name_line_cut_from_the_address", "settle", ("full_name", "address"), "split", "wordlist",
         "on a card with no name, an address whose first line is a name (a Latin one starting with a given "
         "name): that line is the name", ()),
    Rule("validate.missing_position", "settle", ("position",), "add", "wordlist",
         "a card without a position takes an unused line that reads as a job title", ()),
    Rule("validate.one_value_per_single_field", "settle", ("full_name", "position", "company", "address"), "flag",
         "format", "a second value of a single-value field is flagged; the most trusted is kept", (),
         ((("company: Acme Inc", "company: Other Inc"), ("company: Acme Inc", "company!: Other Inc")),)),
    Rule("validate.leftover_name_as_position", "settle", ("position", "full_name"), "move", "wordlist",
         "a second one-line name with no given name on a card without a position is the position", ()),
    Rule("validate.title_without_a_person_flagged", "settle", ("position",), "flag", "card",
         "a job title with no title word on a card that names no person is flagged (a slogan or a line of "
         "services); a QR code's title stays", (),
         ((("company: Eletrônica ADACHI Ltda.", "position: Assistência Técnica especializada"),
           ("company: Eletrônica ADACHI Ltda.", "position!: Assistência Técnica especializada")),
          (("full_name: Renan Beato", "position: Gerente de Negócios"),
           ("full_name: Renan Beato", "position: Gerente de Negócios")),
          (("company: Acme Ltd", "position: Senior Consultant"), ("company: Acme Ltd", "position: Senior Consultant")))),
    Rule("validate.unsure_readings_flagged", "settle", tuple(f for f in ("full_name", "position", "company", "email",
                                                                          "website", "address")), "flag", "format",
         "a value read from a line the OCR engine was unsure of is flagged; one spelled in Russian dictionary "
         "words is kept with a note", ()),
    Rule("validate.address_case_restored", "settle", ("address",), "repair", "format",
         "a capital read as its small form in an address (\"65 clarke Manors\") is put right", (),
         ((('address: 65 clarke Manors, Springfield, IL 62701',), ('address: 65 Clarke Manors, Springfield, IL 62701',)),)),
    Rule("validate.misread_shape_flagged", "settle", ("address", "company", "position", "full_name"), "flag", "format",
         "an address, company, title or name whose shape says OCR misread it is flagged (an address held to a "
         "region's patterns only where the card's evidence gave the region; a German title's gender star, "
         "\"Pyrotechniker*in\", is no misread)", (),
         ((('company: ООО "Вектор',), ('company!: ООО "Вектор',)),
          (('position: Pyrotechniker*in',), ('position: Pyrotechniker*in',)),
          (('address: 5010 lan Way, West Susanmouth, NV 35521',), ('address!: 5010 lan Way, West Susanmouth, NV 35521',)),
          (('address: Avenida Quindío 73, Etapa 2 apartamento 182, San Sebastián de Mariquita, DF 48065',),
           ('address: Avenida Quindío 73, Etapa 2 apartamento 182, San Sebastián de Mariquita, DF 48065',)))),
)

BY_ID: dict[str, Rule] = {r.id: r for r in RULES}

#: Rules deleted because they never paid: fired on the real development cards or the
#: browser-rendered ones but never made a value right there (``python -m ml_backend rules``), id ->
#: what was measured. Kept so that docs/rules.md says what went and why.
DELETED: dict[str, str] = {
    "retag.name_on_its_line": "a complete name on a line the tagger read part of a name on is the name: fired on 3 "
                              "real cards, made nothing right there or on the browser-rendered cards (1 value on "
                              "the PIL cards it was written on)",
    "retag.title_continued_below": "a line ending on \"and\"/\"of\" above a position line is its first line: "
                                   "fired on 3 real cards and 1 PIL card, never made a value right",
    "decode.strays_dropped": "a phone with fewer than three digits, a website without a dot dropped: fired on "
                             "15 cards, never changed a reported value (the validator flags them)",
    "check.web_email_swapped": "an invalid website that is an e-mail, or e-mail/address that is a web address, "
                               "changes field: fired on 3 generated cards, made one wrong website, nothing right",
    "spelling.respelled_by_name_company_or_word_list": "a domain close to a free-mail domain or the company, a "
                                                       "local part close to the name: proposed; fired on 6 cards, "
                                                       "never made a value right",
}

_IMPLEMENTATIONS: dict[str, Callable[..., Any]] = {}
_DISABLED: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("cardloop_rules_disabled", default=frozenset())
_LEDGER: contextvars.ContextVar[list["Firing"] | None] = contextvars.ContextVar("cardloop_rules_ledger", default=None)

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Firing:
    """One value a rule changed, added, flagged or dropped (``before``/``after`` None where the
    value did not exist before or does not after)."""

    rule: str
    field: str
    before: str | None
    after: str | None


def implements(rule_id: str) -> Callable[[F], F]:
    """Register the function behind the rule ``rule_id`` (which must be in ``RULES``)."""
    if rule_id not in BY_ID:
        raise KeyError(f"rule {rule_id!r} is not in the rule table (ml_backend.reading.rules.RULES)")

    def register(fn: F) -> F:
        if rule_id in _IMPLEMENTATIONS and _IMPLEMENTATIONS[rule_id] is not fn:
            raise ValueError(f"rule {rule_id!r} is implemented twice")
        _IMPLEMENTATIONS[rule_id] = fn
        return fn

    return register


def implementation(rule_id: str) -> Callable[..., Any]:
    """The function registered for ``rule_id``."""
    try:
        return _IMPLEMENTATIONS[rule_id]
    except KeyError:
        raise KeyError(f"rule {rule_id!r} has no implementation registered (is its stage module imported?)") from None


def stage_rules(stage: str) -> list[Rule]:
    """The rules of ``stage``, in table order."""
    if stage not in STAGES:
        raise ValueError(f"unknown rule stage {stage!r}; stages: {', '.join(STAGES)}")
    return [r for r in RULES if r.stage == stage]


def enabled(rule_id: str) -> bool:
    """Whether ``rule_id`` runs in the current context (``disabled`` switches rules off)."""
    if rule_id not in BY_ID:
        raise KeyError(f"rule {rule_id!r} is not in the rule table")
    return rule_id not in _DISABLED.get()


@contextmanager
def disabled(rule_ids: set[str] | frozenset[str] | list[str] | tuple[str, ...]) -> Iterator[None]:
    """Run the block with the rules ``rule_ids`` switched off (ablation); unknown ids raise."""
    unknown = [r for r in rule_ids if r not in BY_ID]
    if unknown:
        raise KeyError(f"unknown rule ids: {', '.join(sorted(unknown))}")
    token = _DISABLED.set(_DISABLED.get() | frozenset(rule_ids))
    try:
        yield
    finally:
        _DISABLED.reset(token)


@contextmanager
def ledger() -> Iterator[list[Firing]]:
    """Collect the firings of the block (one card's reading) into the list it yields."""
    firings: list[Firing] = []
    token = _LEDGER.set(firings)
    try:
        yield firings
    finally:
        _LEDGER.reset(token)


def record(rule_id: str, field_name: str, before: str | None, after: str | None) -> None:
    """Note one firing in the open ledger, if any."""
    firings = _LEDGER.get()
    if firings is not None:
        firings.append(Firing(rule_id, field_name, before, after))


def noted(v: FieldValue, rule_id: str) -> FieldValue:
    """``v`` with ``rule_id`` added to its ``applied`` (once)."""
    return v if rule_id in v.applied else replace(v, applied=[*v.applied, rule_id])


def _same(a: FieldValue, b: FieldValue) -> bool:
    """Equal but for ``applied`` (a rule that only passes a value on has not changed it)."""
    return a == replace(b, applied=a.applied)


def _ledgered(rule_id: str, before: list[FieldValue], after: list[FieldValue]) -> list[FieldValue]:
    """``after`` with the values ``rule_id`` changed or added named (``applied``, ledger), and
    the values it dropped in the ledger."""
    if len(before) == len(after) and all(a is b or _same(a, b) for a, b in zip(before, after)):
        return after
    out = []
    fired = False
    for v in after:
        if any(v is u or _same(v, u) for u in before):
            out.append(v)
            continue
        origin = next((u for u in before if u.line_indices == v.line_indices and u.field == v.field), None)
        record(rule_id, v.field, origin.value if origin is not None else None, v.value)
        out.append(noted(v, rule_id))
        fired = True
    for u in before:
        if not any(u is v or _same(u, v) for v in after) and not any(
                v.line_indices == u.line_indices and v.field == u.field for v in after):
            record(rule_id, u.field, u.value, None)
            fired = True
    if not fired:  # the same values, in another order (a single field's kept value first) or fewer duplicates
        record(rule_id, "", None, None)
    return out


def run_values(stage: str, values: list[FieldValue], *args: Any) -> list[FieldValue]:
    """Run the rules of a value stage in table order: each ``fn(values, *args) -> values``."""
    for rule in stage_rules(stage):
        if rule.id in _DISABLED.get():
            continue
        values = _ledgered(rule.id, values, implementation(rule.id)(values, *args))
    return values


def first_match(stage: str, v: FieldValue, *args: Any) -> list[FieldValue]:
    """Run the rules of a per-value stage in table order until one answers: each
    ``fn(v, *args) -> list | None`` (None: not its case). ``[v]`` when none answers."""
    for rule in stage_rules(stage):
        if rule.id in _DISABLED.get():
            continue
        found = implementation(rule.id)(v, *args)
        if found is not None:
            return _ledgered(rule.id, [v], found)
    return [v]


def run_words(stage: str, words: list[TaggedWord]) -> tuple[list[TaggedWord], list[tuple[str, ...]]]:
    """Run the rules of a word stage in table order: each ``fn(words) -> words`` (same length).
    Returns the words and, per word, the ids of the rules that changed its tag."""
    marks: list[tuple[str, ...]] = [() for _ in words]
    for rule in stage_rules(stage):
        if rule.id in _DISABLED.get():
            continue
        after = implementation(rule.id)(words)
        if len(after) != len(words):
            raise ValueError(f"rule {rule.id} changed the number of words ({len(words)} -> {len(after)})")
        changed = [i for i, (a, b) in enumerate(zip(words, after)) if a.tag != b.tag]
        for i in changed:
            marks[i] = (*marks[i], rule.id) if rule.id not in marks[i] else marks[i]
        if changed:
            record(rule.id, after[changed[0]].field or words[changed[0]].field or "",
                   " ".join(words[i].word.text for i in changed), " ".join(f"{after[i].word.text}/{after[i].tag}" for i in changed))
        words = after
    return words, marks


def check(rule_id: str) -> bool:
    """Whether the in-check rule ``rule_id`` (stage ``check``) runs now; for rules that live
    inside the per-value check and are gated rather than run by a stage runner."""
    return enabled(rule_id)


class Repairs:
    """The repair steps (stage ``normalise``) one normalisation of one value runs.

    A field normaliser passes its text through each step as ``fix(rule_id, text, step)``: the
    step runs unless the rule is switched off (then the text goes on as it was), and ``ids``
    keeps, in order, the rules whose step changed the text. The normaliser returns them in
    ``NormalisedValue.repairs``; the validator names them in the value's ``applied`` and the
    ledger. Steps live in the normalisers, not behind ``implements``: they run in the middle of
    one value's cleaning, in the order that cleaning needs, some at two places of it.
    """

    def __init__(self) -> None:
        self.ids: list[str] = []

    def __call__(self, rule_id: str, text: str, step: Callable[[str], str]) -> str:
        rule = BY_ID.get(rule_id)
        if rule is None or rule.stage != "normalise":
            raise KeyError(f"{rule_id!r} is no rule of the normalise stage")
        if rule_id in _DISABLED.get():
            return text
        repaired = step(text)
        if repaired != text and rule_id not in self.ids:
            self.ids.append(rule_id)
        return repaired

    def merged(self, more: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        """``ids`` followed by those of ``more`` not among them (a value read again, repaired further)."""
        return tuple(dict.fromkeys([*self.ids, *more]))


def unimplemented() -> list[str]:
    """Rule ids in the table with no registered function (their stage modules imported first);
    in-check and normalise rules run inside their code, gated by ``check`` and ``Repairs``."""
    return [r.id for r in RULES if r.stage not in ("check", "normalise") and r.id not in _IMPLEMENTATIONS]


__all__ = ["RULES", "BY_ID", "STAGES", "Rule", "Firing", "Repairs", "implements", "run_values", "run_words",
           "first_match", "enabled", "disabled", "ledger", "record", "noted", "stage_rules", "check", "unimplemented"]
