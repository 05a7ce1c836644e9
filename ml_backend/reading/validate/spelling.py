"""What a card prints twice, spelled one way: its domains, its e-mails against its people.

OCR misreads small print (an e-mail's domain, a local part) more often than the large print
the same words appear in elsewhere on the card: the holder's name, the company's name. But a
name, a company or a word list is no evidence of what a card printed: "kristina.k@" is Kristina
B.'s real address, "contato@" a Brazilian mailbox, "lfflertrommler.de" Löffler & Trommler's
domain. So two kinds of rules run after the per-value checks.

Rules whose evidence is the card itself change the value (named in ``FieldValue.applied``):

* domains alike on one card are one domain ("vosok.su" / "vostok.su"): the e-mail and the
  website show the spelling;
* an e-mail label glued to the local part ("E", "Email", "Почта" in look-alikes) is cut off
  where the name shows it: a printed label is no part of the address;
* a company name letter-spaced capitals left wrongly spaced ("HORI Z ON DESIGN") is spaced as
  the card's domain spells it (horizon-design.co.uk);
* a Russian company name or surname read by Tesseract with a letter wrong is spelled as the
  card's own addresses spell it ("ГРОГРЕСС" beside progress.ru);
* a Latin brand in a Russian company name that came back in Cyrillic look-alikes ("ПАО
  «АРЕХ»"), or in the Cyrillic letters Tesseract reads Latin capitals as ("МОУАТЕК"), is Latin
  again where the card's domain spells it (apex.ru, novatek.ru);
* a one-word Latin name that lost its space ("ADAMJAMES") is spaced as an e-mail's local part
  spells it (a.james).

A name, a company or a word list is no evidence of what a card printed: a rule with only such
evidence may propose a spelling (``proposed``: the value stays as read, the proposal goes to its
note, its confidence drops), which the validator applies only where OCR was unsure of the
value's line. (The e-mail and website respelling by the holder's name, the company and the
free-mail domains was such a rule; on the real and browser-rendered cards it never made a
value right, and it went: docs/rules.md.)

A QR code's values are exact and never respelled. Pure functions over ``FieldValue``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import replace

from ml_backend.text.cyrillic import LATIN_TWINS
from ml_backend.reading import rules
from ml_backend.schema import FieldValue
from ml_backend.text.lexicon import (
    COMMON_TLDS,
    COMPANY_LEGAL_FORMS,
    NAME_AFFIXES,
    is_legal_form,
)
from ml_backend.reading.values.normalise import normalise
from ml_backend.reading.values.result import NOTED_FACTOR
from ml_backend.text.letters import cased_like, has_cyrillic, transliterated, unaccented
from ml_backend.text import russian_spelling

#: Shared mailboxes: local parts that need no person's name. Their last letter is no misread
#: "@" ("hello" + "evergreen.net" lost the "@", it did not turn it into the "o").
ROLE_MAILBOXES = frozenset({
    "info", "hello", "hi", "contact", "contacts", "sales", "office", "support", "admin", "mail", "team", "hr",
    "jobs", "careers", "press", "media", "marketing", "enquiries", "enquiry", "inquiries", "help", "service",
    "booking", "bookings", "orders", "order", "accounts", "billing", "reception", "general", "post", "kontakt",
    "bureau", "buero", "zakaz", "priem", "sekretar", "welcome", "partners", "commercial", "accueil", "direction",
    "compta", "ventes", "vertrieb", "verkauf", "anfrage", "bestellung", "buchhaltung", "enquiry",
})
#: A local-part word this similar (difflib ratio) to a word of the card's name is that word
#: misread ("eliott" for "elliott").
_NAME_WORD_RATIO = 0.85
_MIN_NAME_WORD = 3


def name_words(name: str | None) -> frozenset[str]:
    """The words of the card holder's name, lower-cased, unaccented, Russian ones transliterated
    ("Фёдор Цветков" -> "fedor", "tsvetkov"): what e-mail local parts are built of. A local
    part transliterated another way just finds no evidence here."""
    if not name:
        return frozenset()
    words = (spelled for w in _name_parts(name) for spelled in _latin_spellings(w))
    return frozenset(w for w in words if len(w) >= _MIN_NAME_WORD and w.isascii() and w.isalpha())


def _name_parts(name: str) -> list[str]:
    """The words of a name as addresses use them: "O'Sullivan" is one ("osullivan"), a
    double-barrelled "Smith-Jones" two."""
    return [w for w in re.split(r"[\s.,\-]+", re.sub(r"['’]", "", name)) if w]


_GERMAN_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _latin(word: str, umlauts: bool = False) -> str:
    """``word`` lower-cased as an address spells it: Russian letters transliterated, accents
    dropped ("Bähr" -> "bahr") or, with ``umlauts``, German umlauts written out ("baehr")."""
    lower = transliterated(word)
    return unaccented(lower.translate(_GERMAN_UMLAUTS) if umlauts else lower)


def _latin_spellings(word: str) -> set[str]:
    return {_latin(word), _latin(word, umlauts=True)}


def local_evidence(local: str, names: frozenset[str]) -> int:
    """How clearly ``local`` is a local part as printed: a shared mailbox, or the number of its
    parts that are the card holder's name words ("tim.howard", "t.howard", "thoward", "fekla64")."""
    if local in ROLE_MAILBOXES:
        return 2
    hits = 0
    for part in _local_pieces(local):
        if any(part == w or part[1:] == w or len(part) >= 5 and difflib.SequenceMatcher(None, part, w).ratio()
               >= _NAME_WORD_RATIO for w in names):
            hits += 1
    return hits


def _local_pieces(local: str) -> list[str]:
    """A local part's pieces between dots, underscores and hyphens, without the digits people
    add after their name ("fekla64" -> "fekla")."""
    return [p.rstrip("0123456789") for p in re.split(r"[._\-]+", local)]


def exact_name_pieces(local: str, names: frozenset[str]) -> int:
    """How many pieces of ``local`` spell one of the holder's name words exactly, an initial
    before it allowed ("ebobrova" for Боброва), where ``local_evidence`` also takes near ones."""
    return sum(1 for piece in _local_pieces(local) if piece in names or piece[1:] in names)


def company_slugs(company: str | None) -> list[str]:
    """Domain labels a company's name makes ("Keystone Systems Ltd" -> "keystone-systems",
    "keystonesystems", "keystone", "keystonesystemsltd", "keystone-systems-ltd"; "ООО «Максимов Инвест»" ->
    "maksimov-invest"; "Bähr Technik" -> "bahr-technik", "baehr-technik"...), longest first."""
    if not company:
        return []
    tokens = re.findall(r"[^\W_]+", company)
    named = [w for w in tokens if not is_legal_form(w)]
    slugs: set[str] = set()
    for umlauts in (False, True):
        words = [w for w in (_latin(t, umlauts) for t in named) if w.isascii() and w != "co"]
        if words:
            slugs |= {"-".join(words), "".join(words)} | ({words[0]} if len(words[0]) >= 4 else set())
        whole = [_latin(t, umlauts) for t in tokens]
        if "".join(whole).isascii():  # "Johnson PLC" -> "johnsonplc" and "johnson-plc" too
            slugs |= {"".join(whole), "-".join(whole)}
    return sorted(slugs, key=len, reverse=True)


#: An e-mail label glued to the local part: "E. t.sweeney@x.co" read as one word, "Email" and
#: "E-mail" without their colon, "Почта" in Latin look-alikes ("noqra", "nouta").
_GLUED_E_LABEL = re.compile(r"^e\.?(?=[^\W_])", re.IGNORECASE)
_GLUED_WORD_LABEL = re.compile(r"^(?:e-?mail|mail|[nпi][oо][qчyu4ų]?[tтr][aа])[.:\-]?(?=[^\W_])", re.IGNORECASE)


def _without_glued_email_labels(values: list[FieldValue]) -> list[FieldValue]:
    """E-mails whose local part starts with the printed label, not the person's: a glued word
    label ("mailjohnson" on Jennifer Johnson's card) where what follows holds one of the
    name's words; a glued "e" where, besides, the name has no word starting with "e"
    ("e.t.sweeney" on Tom Sweeney's card -> "t.sweeney"; "e.weber" on Emil Weber's keeps its
    "e"). A Russian name counts in its Latin spellings ("Etamara.lazareva" for Тамара Лазарева)."""
    name = next((v.value for v in values if v.field == "full_name" and v.valid), None)
    if name is None:
        return values
    words = name_words(name)
    # no word or initial of the name starts with "e" ("Étienne", "Е. В. Медведева" too)
    e_label_possible = not any(_latin(p).startswith("e") for p in _name_parts(name))
    out = []
    for v in values:
        local, at, domain = v.value.partition("@")
        if v.field == "email" and v.valid and at and v.source != "qr":
            label = _GLUED_WORD_LABEL.match(local) or (_GLUED_E_LABEL.match(local) if e_label_possible else None)
            rest = local[label.end():] if label else ""
            printed = label.group().lower().rstrip(".:-") if label else ""
            # the "label" begins a name word ("mailer" on Mark Mailer's card): the person's own
            if label and any(w in rest for w in words) and not any(w.startswith(printed) for w in words):
                value = f"{rest}@{domain}"
                v = _changed(v, value, normalise("email", value).display, "spelling.glued_email_label")
        out.append(v)
    return out


def _changed(v: FieldValue, value: str, display: str, rule: str) -> FieldValue:
    """``v`` as ``rule`` changed it from what the card itself shows (its other addresses, its
    name as an address spells it): the rule is named in ``applied``."""
    return replace(v, value=value, display=display, source="rule", applied=[*v.applied, rule],
                   proposal=None, note=None if v.proposal else v.note)  # a stale proposal goes


def proposed(v: FieldValue, value: str, rule: str, why: str) -> FieldValue:
    """``v`` kept as read, with ``value`` proposed by ``rule`` for ``why`` (a name, a company or a
    word list is no evidence of what this card printed): the note tells the annotator, the
    confidence drops, and the validator applies the proposal only where OCR was unsure of the
    value's line (``Validator``'s proposals pass)."""
    note = f"{why}: {value!r}? ({rule})"
    return replace(v, proposal=value, note=note, confidence=v.confidence * NOTED_FACTOR)


def _domain_of(v: FieldValue) -> str:
    return v.value.rpartition("@")[2] if v.field == "email" else v.value.partition("/")[0].removeprefix("www.")


#: Domains many people share: two of them on a card are two addresses, not one misread.
FREE_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "outlook.com", "hotmail.com",
    "hotmail.co.uk", "live.com", "icloud.com", "me.com", "aol.com", "protonmail.com", "gmx.de",
    "gmx.net", "web.de", "t-online.de", "orange.fr", "free.fr", "laposte.net", "wanadoo.fr",
    "mail.ru", "bk.ru", "inbox.ru", "list.ru", "yandex.ru", "ya.ru", "rambler.ru", "btinternet.com",
    "msn.com", "live.co.uk", "sky.com", "virginmedia.com", "yahoo.fr", "yahoo.de", "hotmail.fr", "outlook.fr",
    "sfr.fr", "freenet.de",
})
#: Similarity (difflib ratio) above which two of a card's domains are one domain misread.
SAME_DOMAIN_RATIO = 0.8
_MIN_FUZZY_DOMAIN = 6
#: Letters OCR loses or adds in one domain: "shopacme.com" is no misreading of "acme.com".
_MAX_LENGTH_MISREAD = 2


#: Shortest company slug a domain label must start with to count as spelling the company.
_MIN_COMPANY_SLUG = 4


def _spells_company(domain: str, slugs: Iterable[str]) -> bool:
    """The domain's first label starts with the company's name as domains spell it
    ("mclean-sons.org.uk" for "MCLEAN AND SONS")."""
    label = domain.partition(".")[0].replace("-", "")
    return any(label.startswith(s.replace("-", "")) for s in slugs if len(s) >= _MIN_COMPANY_SLUG)


def named_by_the_domains(company: str, values: list[FieldValue]) -> bool:
    """Whether one of the card's own e-mail or web domains (not a free-mail one) spells ``company``
    ("Stephens Inc" on a card with abaker@stephens.com)."""
    slugs = company_slugs(company)
    domains = {_domain_of(v).lower() for v in values if v.field in ("email", "website") and v.valid}
    return any(_spells_company(d, slugs) for d in domains - FREE_MAIL_DOMAINS)


def _domain_spellings(domains: list[str], fixed: frozenset[str] = frozenset(),
                      slugs: Iterable[str] = ()) -> dict[str, str]:
    """Each domain of a card -> the spelling the card most likely printed.

    ``fixed`` domains (from the card's QR code, never misread) keep their spelling and win.

    Domains that differ only by dots are one domain whose dot OCR dropped (it rarely invents
    one): the dotted spelling wins ("stellarco.uk" / "stellar.co.uk"). Domains still alike
    (``SAME_DOMAIN_RATIO``: "vosok.su" / "vostok.su", "adamslewis.jo" / "adamslewis.io") are
    one misread too, unless a free-mail domain is among them: the spelling printed most often
    wins, the company's name counting as one more print of the spelling it spells (``slugs``:
    "mclean-sons.org.uk" over "tmclean-sons.org.uk", where OCR took a letter of "https://" into
    the name; "ironbridge.su" once in an e-mail and in "ПАО «Ironbridge Энерго»" over
    "ironbridgc.su" twice), then one that spells it, then one with a common TLD, then the longer
    (OCR loses letters more than it adds them).
    """
    spelling: dict[str, str] = {}
    for d in domains:
        key = d.replace(".", "")
        current = spelling.get(key)
        if current is None or current not in fixed and (d in fixed or d.count(".") > current.count(".")):
            spelling[key] = d
    dotted = [spelling[d.replace(".", "")] for d in domains]
    counts = {d: dotted.count(d) for d in dotted}

    def rank(d: str) -> tuple[bool, int, bool, bool, int]:
        named = _spells_company(d, slugs)
        return d in fixed, counts[d] + named, named, d.rpartition(".")[2] in COMMON_TLDS, len(d)

    chosen: dict[str, str] = {}
    for d in sorted(counts, key=rank, reverse=True):
        if d in chosen:
            continue
        chosen[d] = d
        if d in FREE_MAIL_DOMAINS or len(d) < _MIN_FUZZY_DOMAIN:
            continue
        for other in counts:
            if other not in chosen and other not in fixed and other not in FREE_MAIL_DOMAINS \
                    and len(other) >= _MIN_FUZZY_DOMAIN and abs(len(other) - len(d)) <= _MAX_LENGTH_MISREAD \
                    and difflib.SequenceMatcher(None, d, other).ratio() >= SAME_DOMAIN_RATIO:
                chosen[other] = d
    return {d: chosen[spelling[d.replace(".", "")]] for d in domains}


def _harmonise_domains(values: list[FieldValue], slugs: Iterable[str]) -> list[FieldValue]:
    """One spelling per domain on a card (``_domain_spellings``), in its e-mails and websites
    alike; a QR code's values are never changed. Duplicates this creates are dropped, and a
    website printed both with and without "www." is kept once, with it."""
    web = [v for v in values if v.valid and v.field in ("email", "website")]
    spelled = _domain_spellings([_domain_of(v) for v in web], frozenset(_domain_of(v) for v in web if v.source == "qr"),
                                slugs)
    out: list[FieldValue] = []
    seen: set[tuple[str, str]] = set()
    for v in values:
        if v in web:
            domain = _domain_of(v)
            right = spelled[domain]
            if right != domain:
                value = v.value[: len(v.value) - len(domain)] + right if v.field == "email" else v.value.replace(domain, right, 1)
                v = _changed(v, value, normalise(v.field, value).display, "spelling.domains_harmonised")
            if (v.field, v.value) in seen:
                continue
            seen.add((v.field, v.value))
        out.append(v)
    # "x.net" beside "www.x.net" is one site printed twice ("x.net/http://www.x.net" split): the "www." one stays
    return [v for v in out if not (v.valid and v.field == "website" and v.source != "qr" and not v.value.startswith("www.")
                                   and ("website", "www." + v.value) in seen)]


#: A misread word is respelled as the one known word (free-mail domain, company label, name
#: pattern) this similar to it (difflib ratio), by this margin over the next: one wrong letter
#: in seven is 0.857; shorter words are left alone.
RESPELL_RATIO = 0.85
_RESPELL_MARGIN = 0.05
_MIN_RESPELL_LENGTH = 5
_FREE_MAIL_DOTLESS = {d.replace(".", ""): d for d in FREE_MAIL_DOMAINS}


def name_locals(name: str | None) -> frozenset[str]:
    """Local parts people build of their name: "Nathan Butler" -> "nathan.butler", "nbutler",
    "n.butler", "butler.n", "nathan_butler", "butler"...; any two of a Russian name's words."""
    out: set[str] = set()
    parts = _name_parts(name or "")
    for umlauts in (False, True):
        spelled = [w for w in (_latin(p, umlauts) for p in parts) if w.isascii() and w.isalpha()]
        words = [w for w in spelled if len(w) >= 2]  # an initial ("Л.Р. Блохина") gives its letter only
        out |= {w for w in words if len(w) >= _MIN_NAME_WORD}
        for a in spelled:
            for b in words:
                if a != b:
                    for sep in ("", ".", "_", "-"):
                        out |= {f"{a[0]}{sep}{b}", f"{b}{sep}{a[0]}"} | ({f"{a}{sep}{b}"} if len(a) >= 2 else set())
    return frozenset(out)


#: A domain label this long that differs from the company's name in one letter only is it misread.
_MIN_ONE_LETTER_LABEL = 6


#: Letters a misread one is replaced by (not the signs "ъ"/"ь", which Latin spellings drop).
_RUSSIAN_LETTERS = "абвгдежзийклмнопрстуфхцчшщыэюя"
#: A Russian word of the company's name is respelled by the domain only when its Latin spelling
#: is at least this long: shorter ones are found inside a domain by chance, or are translated
#: rather than transliterated ("Лотос", lotus.ru).
_MIN_SPELLED_WORD = 7


def _word_spelled_by(word: str, labels: set[str], min_length: int = _MIN_SPELLED_WORD,
                     *, whole: bool = False) -> str | None:
    """The one spelling of the Russian ``word`` with a single letter changed whose Latin spelling
    a domain label holds (or, ``whole``, is) when the word's own does not ("ГРОГРЕСС" beside
    progress.ru -> "ПРОГРЕСС"), in the word's case; else None. A Russian word is never changed
    into a non-word: then the domain is what OCR misread."""
    lower = word.lower()

    def spelled(text: str) -> bool:
        latin = transliterated(text)
        return latin in labels if whole else any(latin in label for label in labels)

    if len(transliterated(lower)) < min_length or spelled(lower):
        return None
    found = {lower[:i] + letter + lower[i + 1:] for i in range(len(lower)) for letter in _RUSSIAN_LETTERS
             if letter != lower[i] and spelled(lower[:i] + letter + lower[i + 1:])}
    if len(found) != 1:
        return None
    respelled = found.pop()
    if russian_spelling.is_russian_word(lower) and russian_spelling.is_russian_word(respelled) is False:
        return None  # "НЕКРАСОВА" beside a misread nekmasova.ru: the domain is the misreading
    return cased_like(word, respelled)


#: A surname is never translated, only transliterated: shorter ones are respelled too ("avdeev").
_MIN_SPELLED_NAME = 6


def _card_addresses(values: list[FieldValue]) -> list[FieldValue]:
    """The card's valid e-mail and web addresses."""
    return [v for v in values if v.field in ("email", "website") and v.valid]


def _domain_labels(addresses: list[FieldValue]) -> set[str]:
    """The first labels of the addresses' own domains ("progress" of progress.ru); free-mail
    domains name the provider, not the card's company or holder."""
    return {_domain_of(v).partition(".")[0] for v in addresses if _domain_of(v) not in FREE_MAIL_DOMAINS}


def _russian_words_spelled_as_the_addresses(values: list[FieldValue]) -> list[FieldValue]:
    """A Russian company name or surname (read by Tesseract) with a misread letter put right
    where the card's own addresses (read by PP-OCR, surer of Latin) spell the word with one
    letter changed: "ГК «ГРОГРЕСС»" beside progress.ru, "ООО «ВЛАЛИМИРОВ КУДРЯШОВ»" beside
    vladimirov.ru, "МИНА АВЛЕЕВ" beside avdeev.m@inbox.ru."""
    # only addresses read cleanly to the end (a common TLD: not "granit.com-3.noa") spell anything
    clean = [v for v in _card_addresses(values) if _domain_of(v).rpartition(".")[2] in COMMON_TLDS]
    labels = _domain_labels(clean)
    # a surname is one piece of a local part ("avdeev" of "avdeev.m"), not any part of one:
    # "svetkov" inside "tsvetkov" must not count
    locals_ = {piece for v in clean if v.field == "email" for piece in re.split(r"[._\-\d]+", v.value.partition("@")[0])}
    targets = {"company": (labels - {""}, _MIN_SPELLED_WORD, False),
               "full_name": (locals_ - {""}, _MIN_SPELLED_NAME, True)}
    out = []
    for v in values:
        known, min_length, whole = targets.get(v.field, (set(), 0, False))
        if known and v.valid and v.source != "qr" and has_cyrillic(v.value):
            v = _cyrillic_words_respelled(
                v, lambda word: _word_spelled_by(word, known, min_length, whole=whole) or word,
                "spelling.russian_words_spelled_as_the_addresses")
        out.append(v)
    return out


_CYRILLIC_WORD = re.compile(r"[А-ЯЁа-яё]+")


def _cyrillic_words_respelled(v: FieldValue, respell: Callable[[str], str], rule: str) -> FieldValue:
    """``v`` with each Cyrillic word as ``respell`` spells it, ``rule``'s value where one changed."""
    value = _CYRILLIC_WORD.sub(lambda m: respell(m.group()), v.value)
    return v if value == v.value else _changed(v, value, value, rule)


def _spaced_as(text: str, parts: list[str]) -> str | None:
    """``text`` (a run of words) re-spaced at the boundaries of ``parts`` (a domain label's
    hyphen-separated parts), its letters and their case kept, when the two hold exactly the same
    letters and digits; else None."""
    letters = [c for c in text if c.isalnum()]
    if "".join(letters).lower() != "".join(parts) or len(letters) != len(text.replace(" ", "")):
        return None
    words, at = [], 0
    for part in parts:
        words.append("".join(letters[at: at + len(part)]))
        at += len(part)
    return " ".join(words)


def _company_spaced_as_the_domain(values: list[FieldValue]) -> list[FieldValue]:
    """A company name that letter-spaced capitals left wrongly spaced ("HORI Z ON DESIGN PLC",
    "POLARISENGINEERING GROUP") spaced as the card's hyphenated domain spells it
    (horizon-design.co.uk, polaris-engineering.com): a run of its words holding exactly the
    label's letters takes the label's word breaks. An unhyphenated label says nothing of where
    words break ("smithjones" may be "Smith Jones") and is not used."""
    labels = _domain_labels(_card_addresses(values))
    # only a hyphenated label says where words break: "smithjones" may be "Smith Jones"
    splits = [label.split("-") for label in labels if "-" in label and all(label.split("-"))]
    out = []
    for v in values:
        if v.field == "company" and v.valid and v.source != "qr" and not has_cyrillic(v.value):
            respaced = (_respaced_run(v.value.split(" "), splits) if splits else None) or _closed_up_at_hyphen(v.value, labels)
            if respaced is not None:
                v = _changed(v, respaced, respaced, "spelling.company_spaced_as_the_domain")
        out.append(v)
    return out


def _closed_up_at_hyphen(company: str, labels: set[str]) -> str | None:
    """A letter-spaced company name whose printed hyphen is its one word break ("PH I L LI PS -
    PET ERSO N" on phillipspeterson.com): closed up, when its letters are exactly the domain
    label's; None otherwise."""
    parts = re.split(r"\s*-\s*", company.strip())
    if len(parts) < 2 or not all(parts) or not any(len(w) <= 2 for p in parts for w in p.split()):
        return None  # no fragment a letter-spacing font leaves
    closed = "-".join(p.replace(" ", "") for p in parts)
    return closed if closed != company and closed.replace("-", "").lower() in labels else None


def _respaced_run(words: list[str], splits: list[list[str]]) -> str | None:
    """``words`` with the first run that a label's parts respace (``_spaced_as``) respaced."""
    for start in range(len(words)):
        for end in range(start + 1, len(words) + 1):
            run = " ".join(words[start:end])
            for parts in splits:
                spaced = _spaced_as(run, parts)
                if spaced is not None and spaced != run:
                    return " ".join(words[:start] + [spaced] + words[end:])
    return None


#: A brand shorter than this is found inside a domain label by chance.
_MIN_BRAND = 3


def _brand_in_labels(latin: str, labels: set[str]) -> bool:
    """Whether a domain label spells ``latin`` (lower case) as one of its hyphen-separated parts,
    or starts with it ("apexgrupp" for "APEX ГРУПП")."""
    return any(latin in label.split("-") or (len(latin) > _MIN_BRAND and label.startswith(latin)) for label in labels)


#: Cyrillic letters Tesseract's Russian model reads Latin capitals as, besides their look-alike
#: twins: "МОУАТЕК" for NOVATEK, "НАВВОВ" for HARBOR, "СВАМТЕ" for GRANITE, "Расоп" for Falcon.
_LATIN_READ_AS: dict[str, str] = {
    "а": "a", "в": "br", "с": "cg", "е": "e", "н": "hn", "к": "k", "м": "mn", "о": "o", "р": "pfr",
    "т": "t", "х": "x", "у": "yv", "п": "n", "и": "nu", "г": "l",
}
#: A Russian word is spelled in its domain by transliteration ("Метро" -> metro): one whose
#: transliteration is this close to the label is Russian, whatever its letters could also read.
_TRANSLITERATION_RATIO = 0.75


def _reads_as(word: str, part: str) -> bool:
    """Whether the Cyrillic ``word`` (lower case) is Tesseract's reading of the Latin ``part``,
    letter by letter (``_LATIN_READ_AS``), with at most one letter of ``part`` lost ("СВАМТЕ")."""
    if len(part) - len(word) not in (0, 1):
        return False
    skips = [None] if len(part) == len(word) else range(len(part))
    for skip in skips:
        letters = part if skip is None else part[:skip] + part[skip + 1:]
        if all(p in _LATIN_READ_AS.get(w, "") for w, p in zip(word, letters)):
            return True
    return False


def _brand_read_in_cyrillic(word: str, parts: set[str]) -> str | None:
    """The one of ``parts`` (the card's domain labels' hyphen-separated parts) that ``word`` (a
    Cyrillic word of a company name) is Tesseract's reading of, spelled as the domain does in
    ``word``'s case; None when none or several are, or when ``word`` is a Russian word its domain
    transliterates ("Метро")."""
    lower = word.lower()
    if len(lower) <= _MIN_BRAND or any(
        difflib.SequenceMatcher(None, transliterated(lower), part).ratio() >= _TRANSLITERATION_RATIO for part in parts
    ):
        return None
    found = {part for part in parts if _reads_as(lower, part)}
    return cased_like(word, found.pop()) if len(found) == 1 else None


def _latin_brands_spelled_by_the_domain(values: list[FieldValue]) -> list[FieldValue]:
    """A Latin brand inside a Russian company name that OCR returned in Cyrillic look-alikes
    ("ПАО «АРЕХ»", "ООО "Арех Девелопмент"") put back in Latin letters where the card's own
    domain spells it (apex.ru, apex-development.ru). A Russian word of look-alikes is spelled
    differently in a domain ("СОК" -> sok, not cok), so it stays; a legal form always does."""
    labels = _domain_labels(_card_addresses(values)) - {""}
    parts = {part for label in labels for part in label.split("-") if len(part) > _MIN_BRAND and part.isalpha()}
    forms = {f.upper() for f in COMPANY_LEGAL_FORMS}

    def relatinised(word: str) -> str:
        latin = word.translate(LATIN_TWINS)  # "АРЕХ": a card's "APEX" read on a Russian card
        if word.upper() in forms or len(word) < _MIN_BRAND:
            return word
        if not has_cyrillic(latin) and _brand_in_labels(latin.lower(), labels):
            return latin
        return _brand_read_in_cyrillic(word, parts) or word

    return [_cyrillic_words_respelled(v, relatinised, "spelling.latin_brand_from_the_domain")
            if labels and v.field == "company" and v.valid and v.source != "qr" and has_cyrillic(v.value) else v
            for v in values]


def _respaced_by_locals(name: str, locals_: set[str]) -> str | None:
    """``name``, one word that lost its space ("ADAMJAMES, PHD"), split where exactly one cut
    makes it the name an e-mail local part of the card is built of ("a.james"); else None."""
    words = name.split(" ")
    core = [i for i, w in enumerate(words) if w.strip(",.").lower() not in NAME_AFFIXES]
    if len(core) != 1:
        return None
    word = words[core[0]]
    letters = word.rstrip(",.")
    if not letters.isalpha() or len(letters) < 2 * _MIN_NAME_WORD:
        return None
    found = set()
    for cut in range(2, len(letters) - 1):
        spaced = words[: core[0]] + [letters[:cut], letters[cut:] + word[len(letters):]] + words[core[0] + 1:]
        if locals_ & name_locals(" ".join(spaced)):
            found.add(" ".join(spaced))
    return found.pop() if len(found) == 1 else None


def _name_spaced_as_the_emails(values: list[FieldValue]) -> list[FieldValue]:
    """A Latin name of one word besides titles, which OCR read with its space lost ("ADAMJAMES,
    PHD", "DYLANCOMBS"), spaced where an e-mail of the card shows its words (a.james@...);
    checked again as a name."""
    locals_ = {v.value.split("@")[0] for v in values if v.field == "email" and v.valid and "@" in v.value}
    out = []
    for v in values:
        if locals_ and v.field == "full_name" and v.source != "qr" and not has_cyrillic(v.value):
            respaced = _respaced_by_locals(v.value, locals_)
            norm = normalise("full_name", respaced) if respaced is not None else None
            if norm is not None and norm.valid:
                v = replace(_changed(v, norm.value, norm.display, "spelling.name_spaced_as_the_emails"),
                            valid=True, reason=None)
        out.append(v)
    return out


def consistent_spellings(values: list[FieldValue]) -> list[FieldValue]:
    """The holder's name spaced as the e-mails show it, the card's e-mails and websites spelled as
    its free-mail domains, company name and holder's name say (module docstring), then one
    spelling per domain, then glued e-mail labels cut off, Russian words and Latin brands
    spelled as the card's addresses, and a company spaced as its domain: the spelling stage's
    rules, in the rule table's order (``rules``)."""
    return rules.run_values("spelling", values)


def _card_slugs(values: list[FieldValue]) -> set[str]:
    """The company's name as a domain may spell it, from its Latin words only (Cyrillic ones were
    read by Tesseract, less surely than the Latin addresses): "ПАО «Ironbridge Энерго»" spells
    "ironbridge"."""
    company = next((v.value for v in values if v.field == "company" and v.valid), None)
    if company and has_cyrillic(company):
        company = " ".join(w for w in company.split() if not has_cyrillic(w))
    return set(company_slugs(company)) if company else set()


@rules.implements("spelling.domains_harmonised")
def _domains_harmonised(values: list[FieldValue]) -> list[FieldValue]:
    return _harmonise_domains(values, _card_slugs(values))


rules.implements("spelling.name_spaced_as_the_emails")(_name_spaced_as_the_emails)
rules.implements("spelling.glued_email_label")(_without_glued_email_labels)
rules.implements("spelling.russian_words_spelled_as_the_addresses")(_russian_words_spelled_as_the_addresses)
rules.implements("spelling.latin_brand_from_the_domain")(_latin_brands_spelled_by_the_domain)
rules.implements("spelling.company_spaced_as_the_domain")(_company_spaced_as_the_domain)
