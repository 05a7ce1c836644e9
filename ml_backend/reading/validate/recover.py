"""E-mails, websites and phones the tagger missed or garbled, recovered from the card's own text.

E-mail addresses, web addresses and labelled or international phone numbers have a shape no
other field has, and OCR damages them in
ways a token classifier cannot undo: it glues neighbours together ("a@x.com·x.com",
"ivan@x.ruwww:x.ru/about", "⊕www.x.com"), and a label or an icon read as letters ends up in
the tagged value ("cat:https//x.net", "0 +33 6 65 71 96 71" with an icon read as "0"), or
glues a label to a number the tagger then skips ("M+4917949357543"). A value that fails its
check therefore gets a second look:
the well-formed addresses *inside* it replace it. And a card with an address-shaped token that
no valid value holds (the tagger labelled it as something else, or not at all) gets it back from
the OCR line, marked ``source="rule"`` with a modest confidence so active learning still asks.

Pure functions over ``FieldValue`` and ``OcrLine``; the ``Validator`` calls ``recover`` after its
per-value checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from ml_backend.reading import rules
from ml_backend.schema import FieldValue, OcrLine, union_bbox
from ml_backend.text.addresses import BR_CEP, US_ZIP_PLUS_FOUR, alternation
from ml_backend.text.labels import NUMBER_LABELS
from ml_backend.text.lexicon import COMMON_TLDS, MISREAD_PLUS_SIGNS
from ml_backend.reading.values.normalise import normalise
from ml_backend.reading.values.plain import is_complete_name
from ml_backend.reading.values.result import NOTED_FACTOR
from ml_backend.reading.validate.spelling import (
    FREE_MAIL_DOMAINS,
    company_slugs,
    consistent_spellings,
    exact_name_pieces,
    local_evidence,
    name_words,
)

#: Confidence of an address found by these rules rather than the tagger: below what the
#: validator gives a clean tagger value, so the card still ranks as worth an annotator's look.
RECOVERED_CONFIDENCE = 0.6
#: Confidence kept from the tagger's value when a valid address is cut out of it.
EXTRACTED_FACTOR = 0.85

#: Where OCR glues two printed items together: a separator dot/bar/bullet, "www"/"http"
#: directly after a letter ("x.ruwww.x.ru"), or a slash printed between two items
#: ("a@x.com/www.x.com"), which never happens inside one address.
_GLUE = re.compile(
    r"[·•|;,]|(?<=[^\W\d_])(?=www[.,:])|(?<=[\w.])(?=https?[:/])|/(?=https?:|www[.,]|[\w.+\-]+@)", re.IGNORECASE
)
_EMAIL = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)+")
#: Scheme (OCR often drops the colon), optional "www", host labels, a TLD, an optional path.
_WEBSITE = re.compile(
    r"(?:h+t+p+s?\s*[:;.]?\s*/\s*/+)?(?:www[.,:]?)?[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}(?:/[\w\-./%~]*)?",
    re.IGNORECASE,
)
_EXPLICIT_WEB = re.compile(r"^(?:h+t+p+s?|www)", re.IGNORECASE)
_EXPLICIT_WEB_IN = re.compile(r"h+t+p+s?\s*[:/]|www", re.IGNORECASE)


#: A phone number on a line counts only with evidence that it is one: a country code or a label.
_PHONE_LABEL = re.compile(rf"(?:^|[^\w])(?:{alternation(NUMBER_LABELS)})\s*[.:]*\s*$", re.IGNORECASE)
#: Digits OCR reads for a label's letters ("Te1.", "Mobi1e:", "M0b."): a word of letters with
#: a "1" or "0" among them, right before the label's dot or colon.
_LABEL_DIGITS = str.maketrans("10", "lo")
_LABEL_WITH_DIGITS = re.compile(r"(?<!\w)(?=[a-z]*[10])[a-z10]*[a-z][a-z10]*(?=[.:])", re.IGNORECASE)


def _label_letters(match: re.Match[str]) -> str:
    """The label with its letters back where they spell a phone label, else the text as read."""
    letters = match.group().translate(_LABEL_DIGITS)
    return letters if _PHONE_LABEL.search(letters + ":") else match.group()


def find_phones(text: str, region: str, *, evidence: bool = True, region_known: bool = False) -> list[str]:
    """Valid phone numbers in ``text`` (E.164); with ``evidence``, only those written with a
    country code or after a phone label (free text holds other numbers: VAT, postcodes...).
    With ``region_known`` (the card's region is its evidence's), a number possible there but
    not known as assigned counts too where it is labelled or is the whole text ("2294-9484" on
    a line of its own on a São Paulo card): ``phone.normalise_phone``."""
    found: list[str] = []
    text = _LABEL_WITH_DIGITS.sub(_label_letters, _unglued(text))
    plus_restored = _MISREAD_PLUS.sub("+", text)
    leniency = Leniency.POSSIBLE if region_known else Leniency.VALID
    for reading in (text, plus_restored) if plus_restored != text else (text,):
        for match in PhoneNumberMatcher(reading, region, leniency=leniency):
            labelled = match.raw_string.startswith("+") or _PHONE_LABEL.search(reading[: match.start])
            alone = (not reading[: match.start].strip() and not reading[match.end:].strip()
                     and sum(c.isdigit() for c in match.raw_string) >= _MIN_ALONE_DIGITS)
            if evidence and not labelled and not (region_known and alone):
                continue
            norm = normalise("phone", match.raw_string, region, region_known=region_known)
            if norm.note and not (labelled or alone) or _POSTCODE_SHAPED.match(match.raw_string.strip()):
                continue  # a possible number in free text may be anything; a CEP or ZIP+4 is a postcode
            if norm.valid and norm.value not in found:
                found.append(norm.value)
    return found


#: Digits a number alone on its line needs to count as a phone without a label (a local number
#: of 8 digits, as São Paulo prints them; shorter ones are a number's wrapped last group).
_MIN_ALONE_DIGITS = 8
#: Postcodes a phone matcher takes for short numbers: a Brazilian CEP, a US ZIP+4.
_POSTCODE_SHAPED = re.compile(rf"^(?:{BR_CEP}|{US_ZIP_PLUS_FOUR})$")


#: A country code's "+" misread at the start of a number, not a dash between digits.
_MISREAD_PLUS = re.compile(rf"(?<![\w+])[{re.escape(MISREAD_PLUS_SIGNS)}](?=\d)")


#: What OCR makes of "@" when it does not drop it: letters of the same round shape, or symbols.
_AT_MISREADS = frozenset("aegfqcoß©®&69@ęéèêëàáâäåãą")


def _local_part(prefix: str, names: frozenset[str]) -> str:
    """The local part before a domain whose "@" OCR lost: without the last letter when that is a
    misread "@" ("hart" + "e" + "inova.co"), unless the whole prefix is what the card prints
    ("hello", a mailbox that ends in a round letter). With no evidence either way the letter
    goes: OCR substitutes the "@" more often than it drops it. Another letter goes only where
    the evidence says so ("info" + "p" + "impuls.net"); a name spelled exactly keeps its last
    letter ("ebobrova" + "rambler.ru", not "ebobrov")."""
    if len(prefix) > 1:
        stripped = prefix[:-1].rstrip("._-")
        kept, cut = _evidence(prefix, names), _evidence(stripped, names)
        if cut > kept or cut == kept and prefix[-1] in _AT_MISREADS:
            return stripped
    return prefix


def _evidence(local: str, names: frozenset[str]) -> tuple[int, int]:
    """``local_evidence``, then how many parts spell a name word exactly (with an initial before
    it or digits after it): "ebobrova" shows "Боброва" better than "ebobrov" does."""
    return local_evidence(local, names), exact_name_pieces(local, names)


#: Free-mail domains, longest first ("yahoo.co.uk" before "co.uk"-less ones), once per process.
_FREE_MAIL_LONGEST_FIRST = sorted(FREE_MAIL_DOMAINS, key=lambda d: (-len(d), d))


#: A local part shaped like a person's ("konstantin.smirnov", "ivan_petrov"): no host name
#: starts with two words joined by a dot or an underscore before the company's domain.
_PERSONAL_LOCAL = re.compile(r"[a-z]{2,}[._][a-z]{2,}|\w*_\w*")


def email_from_domains(text: str, domains: list[str], names: frozenset[str] = frozenset(),
                       slugs: list[str] = (), *, evidence: bool = False) -> str | None:
    """The e-mail ``text`` was printed as, using the card's own evidence where OCR lost the "@"
    or a dot: its domains (its website, its other e-mails: "h.schaafglumen-bau.de" +
    "lumen-bau.de" -> "h.schaaf@lumen-bau.de"; "leah@watson-energycom" + "watson-energy.com"
    -> "leah@watson-energy.com"), else its company's name as the domain's first label, where the
    holder's name or a shared mailbox shows where the local part ends ("eliottgkeystone-
    systems.org.uk" on Elliott Evans' card for Keystone Systems). None when nothing explains it.
    With ``evidence`` (``text`` reads as a valid website), the local part must show it too:
    "shopacme.com" beside "info@acme.com" is a website of its own."""
    s = re.sub(r"\s+", "", text).lower().strip(".,;:")
    for domain in domains:
        squashed = domain.replace(".", "")
        if "@" in s:
            local, _, dom = s.rpartition("@")
            candidate = f"{local}@{domain}" if dom.replace(".", "") == squashed else None
        else:
            tail = domain if s.endswith(domain) else squashed if s.endswith(squashed) else None
            if tail is None or len(s) == len(tail) or s[-len(tail) - 1] in ".-":  # a subdomain, a longer name
                continue
            local = _local_part(s[: -len(tail)], names)
            if evidence and local_evidence(local, names) == 0 and "_" not in local:
                continue
            candidate = f"{local}@{domain}"
        norm = normalise("email", candidate) if candidate else None
        if norm is not None and norm.valid:
            return norm.value
    if "@" in s:
        return None
    for slug in slugs:
        at = s.find(slug, 1)
        if at < 0 or s[at - 1] in ".-" or not s[at + len(slug):].startswith("."):
            continue
        local = _local_part(s[:at], names)
        if local_evidence(local, names) == 0 and not _PERSONAL_LOCAL.fullmatch(local):
            continue
        norm = normalise("email", f"{local}@{s[at:]}")
        if norm.valid:
            return norm.value
    return None


def _card_domains(values: list[FieldValue]) -> list[str]:
    """Domains the card prints: its websites' hosts (without "www.") and its e-mails' domains."""
    domains: list[str] = []
    for v in values:
        if not v.valid or v.field not in ("website", "email"):
            continue
        domain = v.value.partition("/")[0].removeprefix("www.") if v.field == "website" else v.value.rpartition("@")[2]
        if "." in domain and domain not in domains:
            domains.append(domain)
    return domains


def _with_the_cards_tld(website: str, domains: list[str]) -> str | None:
    """A website that lost its top-level domain ("www.alfakonsalting") completed with the one
    domain of the card whose name it is (info@alfakonsalting.ru), or None."""
    host, slash, path = website.partition("/")
    name = host.removeprefix("www.")
    found = {d for d in domains if d.partition(".")[0] == name}
    if "." in name or len(found) != 1:
        return None
    return host[: len(host) - len(name)] + found.pop() + slash + path


#: An international number with the next item glued on ("+33142685300ivan@x.ru").
_GLUED_NUMBER = re.compile(r"(\+\d{7,15})(?=[^\W\d_])")


#: An e-mail address with the web address glued on by an underscore OCR read for a bar or a
#: space ("contact@lumen.com_lumen.com"): no domain holds an "_".
_GLUED_BY_UNDERSCORE = re.compile(r"(@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,})_(?=[a-z0-9\-]+\.[a-z]{2,})", re.IGNORECASE)


def _unglued(text: str) -> str:
    return _GLUED_BY_UNDERSCORE.sub(r"\1 ", _GLUED_NUMBER.sub(r"\1 ", text))


def _pieces(text: str) -> list[str]:
    """``text`` cut where OCR glued separate items together, then on whitespace."""
    return [p for chunk in _GLUE.split(_unglued(text)) for p in chunk.split() if p]


def find_emails(text: str) -> list[str]:
    """Well-formed e-mail addresses in ``text`` (normalised, in order, without duplicates)."""
    found: list[str] = []
    for piece in _pieces(text):
        for match in _EMAIL.finditer(piece):
            norm = normalise("email", match.group())
            if norm.valid and norm.value not in found:
                found.append(norm.value)
    return found


def find_websites(text: str, *, explicit_only: bool = False) -> list[str]:
    """Well-formed web addresses in ``text`` that are not part of an e-mail address.

    A bare ``name.tld`` counts only with a common TLD; ``explicit_only`` keeps just those that
    start with a scheme or "www" (the safe choice for free text on a card).
    """
    found: list[str] = []
    for piece in _pieces(text):
        if "@" in piece:  # the domain of an e-mail address is not the card's website
            continue
        for match in _WEBSITE.finditer(piece):
            candidate = match.group()
            explicit = bool(_EXPLICIT_WEB.match(candidate))
            if explicit_only and not explicit:
                continue
            norm = normalise("website", candidate)
            if not norm.valid:
                continue
            tld = norm.value.partition("/")[0].rpartition(".")[2]
            if (explicit or tld in COMMON_TLDS) and norm.value not in found:
                found.append(norm.value)
    return found


#: A text is a phone number rather than a broken e-mail or web address when it holds this many
#: digits and at most ``_MAX_PHONE_LETTERS`` letters (a label: "M", "Tel").
_MIN_PHONE_SHAPED_DIGITS = 7
_MAX_PHONE_LETTERS = 3


def phone_shaped(text: str, min_digits: int = _MIN_PHONE_SHAPED_DIGITS) -> bool:
    """Whether ``text`` is shaped like a phone number: ``min_digits`` digits, a label's letters at most."""
    return sum(c.isdigit() for c in text) >= min_digits and sum(c.isalpha() for c in text) <= _MAX_PHONE_LETTERS


def _extracted(v: FieldValue, found: list[str]) -> list[FieldValue]:
    """The valid addresses cut out of the invalid value ``v`` (same box: they were inside it)."""
    return [
        replace(v, value=value, display=normalise(v.field, value).display, valid=True, reason=None,
                source="rule", confidence=v.confidence * EXTRACTED_FACTOR)
        for value in found
    ]


def _line_value(field: str, value: str, line: OcrLine, index: int) -> FieldValue:
    return FieldValue(
        field=field, value=value, raw=line.text, confidence=RECOVERED_CONFIDENCE, source="rule",
        display=normalise(field, value).display, bbox=union_bbox([line.bbox]), line_indices=[index],
    )


def recover(values: list[FieldValue], lines: list[OcrLine] | None = None, region: str = "US", *,
            region_known: bool = False) -> list[FieldValue]:
    """``values`` with garbled e-mails/websites/phones repaired and missed ones added from ``lines``.

    1. An invalid e-mail or website value that contains well-formed addresses is replaced by
       them (an invalid value with none is kept, flagged, as before). What an e-mail value holds
       beyond its addresses may be the card's website ("a@x.com·x.com") and the reverse.
    2. An address of either kind printed on an OCR line and held by no valid value is added.
       Websites come from lines only when the card has no valid website yet, or when they are
       written explicitly ("www.", "http"), so the domain of a company name does not slip in.
       An invalid e-mail with no address inside is rebuilt from the card's domains or a
       free-mail one when one explains it (``email_from_domains``: "n.sergeeva9bk.ru"); a
       website that lost its top-level domain gets the card's ("www.alfakonsalting").
    3. The same for phones (``region`` reads numbers without a country code), with evidence:
       a number inside an invalid phone value, or on a line with a "+" or a phone label. An
       invalid value of another field that is all digits is the phone number it holds.
    4. A card without a valid full name gets an unused line shaped like a name that holds a
       known given name.
    5. An "E" label glued to an e-mail's local part is cut off where the card's name shows it.
    """
    context = RecoverContext.of(values, region, region_known)
    out = [piece for v in values for piece in rules.first_match("recover.value", v, context)]
    if lines:
        out = rules.run_values("recover.lines", out, lines, context)
    return consistent_spellings(out)


@dataclass(frozen=True)
class RecoverContext:
    """What the recover stage's rules read off the whole card: its domains, its holder's name
    words and company slugs, whether its QR code gave an e-mail, the free-mail domains it does
    not use, and the phone region."""

    domains: list[str]
    names: frozenset[str]
    slugs: list[str]
    qr_email: bool
    other_free_mail: list[str]
    region: str
    region_known: bool = False

    @classmethod
    def of(cls, values: list[FieldValue], region: str, region_known: bool = False) -> "RecoverContext":
        domains = _card_domains(values)
        return cls(
            domains=domains,
            names=name_words(next((v.value for v in values if v.field == "full_name" and v.valid), None)),
            slugs=company_slugs(next((v.value for v in values if v.field == "company" and v.valid), None)),
            qr_email=any(v.field == "email" and v.source == "qr" for v in values),
            other_free_mail=[d for d in _FREE_MAIL_LONGEST_FIRST if d not in domains],
            region=region, region_known=region_known,
        )

    def read_from_email(self, website: str) -> str | None:
        """The e-mail a valid-looking website is, its "@" lost (``email_from_domains``): at one
        of the card's domains or a free-mail one ("ebobrovarambler.ru" on Елена Боброва's card)."""
        host = website.partition("/")[0]
        known = [d for d in self.domains if d != host] + self.other_free_mail
        return email_from_domains(host, known, self.names, self.slugs, evidence=True)


@rules.implements("recover.website_read_as_email")
def _website_read_as_email(v: FieldValue, card: RecoverContext) -> list[FieldValue] | None:
    if v.field == "website" and v.valid and v.source != "qr" and not _EXPLICIT_WEB_IN.search(v.raw or v.value):
        email = card.read_from_email(v.value)
        if email:  # with a QR code's e-mail on the card, this was its misreading
            return [] if card.qr_email else _extracted(replace(v, field="email"), [email])
    return None


@rules.implements("recover.addresses_extracted")
def _addresses_extracted(v: FieldValue, card: RecoverContext) -> list[FieldValue] | None:
    if v.field in ("email", "website") and not v.valid:
        text = v.raw or v.value
        emails, websites = find_emails(text), find_websites(text, explicit_only=v.field == "email")
        if emails or websites:  # an "e-mail" holding only a website moves, and the reverse
            return _extracted(replace(v, field="email"), emails) + _extracted(replace(v, field="website"), websites)
    return None


@rules.implements("recover.website_tld_from_card")
def _website_tld_from_card(v: FieldValue, card: RecoverContext) -> list[FieldValue] | None:
    # its top-level domain lost: the card's domain of that name (one with "_" is an e-mail's, below)
    if v.field == "website" and not v.valid and "_" not in (v.raw or v.value):
        guessed = _with_the_cards_tld(v.value, card.domains)
        if guessed:
            return _extracted(v, [guessed])
    return None


@rules.implements("recover.email_from_domains")
def _email_from_domains(v: FieldValue, card: RecoverContext) -> list[FieldValue] | None:
    if v.field not in ("email", "website") or v.valid:
        return None
    text = v.raw or v.value
    guessed = None
    if v.field == "email":  # its "@" lost: at one of the card's domains or a free-mail one
        guessed = email_from_domains(text, card.domains + card.other_free_mail, card.names, card.slugs)
    elif "_" in text:
        guessed = email_from_domains(text, card.domains, card.names, card.slugs)
    return _extracted(v, [guessed]) if guessed else None


@rules.implements("recover.phone_in_other_field")
def _phone_in_other_field(v: FieldValue, card: RecoverContext) -> list[FieldValue] | None:
    if not v.valid and v.field != "phone" and phone_shaped(v.raw or v.value):
        phones = find_phones(re.sub(r"[^\W\d_]", " ", v.raw or v.value), card.region, evidence=False)
        if phones:  # a number the tagger took for something else ("-1219-853-1752", "M8-911-449-37-83")
            return _extracted(replace(v, field="phone"), phones)
    return None


@rules.implements("recover.phone_extracted")
def _phone_extracted(v: FieldValue, card: RecoverContext) -> list[FieldValue] | None:
    if v.field == "phone" and not v.valid:
        phones = find_phones(v.raw or v.value, card.region, evidence=False)
        if phones:
            return _extracted(v, phones)
    return None


@rules.implements("recover.missing_from_lines")
def _rule_missing_from_lines(values: list[FieldValue], lines: list[OcrLine], card: RecoverContext) -> list[FieldValue]:
    return values + _missing_from_lines(values, lines, card.region, card.read_from_email, region_known=card.region_known)


@rules.implements("recover.missing_name")
def _rule_missing_name(values: list[FieldValue], lines: list[OcrLine], card: RecoverContext) -> list[FieldValue]:
    return values + _missing_name(values, lines)


def _missing_name(values: list[FieldValue], lines: list[OcrLine]) -> list[FieldValue]:
    """A card without a valid full name gets the first line no valid value was read from that
    is shaped like a name (2-4 name words) and holds a known given name."""
    if any(v.field == "full_name" and v.valid for v in values):
        return []
    used = {i for v in values if v.valid for i in v.line_indices}
    for index, line in enumerate(lines):
        text = line.text.strip()
        if index not in used and is_complete_name(text):
            return [_line_value("full_name", normalise("full_name", text).value, line, index)]
    return []


def _missing_from_lines(values: list[FieldValue], lines: list[OcrLine], region: str,
                        read_from_email: Callable[[str], str | None] = lambda _: None, *,
                        region_known: bool = False) -> list[FieldValue]:
    """Addresses on ``lines`` that no valid value holds. A line a valid value of the field was
    read from is skipped for that field: the tagger saw it, and a second reading of the same
    text (a longer or shorter cut) would only add a duplicate. Phones are different: a line often
    prints two ("T ... M ..."), so a number is skipped only when a valid phone holds its digits.
    A field the card's QR code filled takes nothing from the lines (their misreadings of it), and
    a "website" that is an e-mail read without its "@" (``read_from_email``) is not one."""
    have = {(v.field, v.value) for v in values if v.valid}
    seen = {(v.field, i) for v in values if v.valid for i in v.line_indices}
    from_qr = {v.field for v in values if v.source == "qr"}  # the QR code wins where it has a value
    has_website = any(v.field == "website" and v.valid for v in values)
    added: list[FieldValue] = []
    for index, line in enumerate(lines):
        candidates = [("email", e) for e in find_emails(line.text)]
        candidates += [("website", w) for w in find_websites(line.text, explicit_only=has_website)
                       if not read_from_email(w)]
        candidates += [("phone", p) for p in find_phones(line.text, region, region_known=region_known)
                       if not _held_phone(p, values)]
        for field, value in candidates:
            if field not in from_qr and (field, value) not in have and (field == "phone" or (field, index) not in seen):
                have.add((field, value))
                found = _line_value(field, value, line, index)
                doubt = normalise(field, value, region, region_known=region_known).note if field == "phone" else None
                if doubt:  # a number not known as assigned: kept, with a note and less trust
                    found = replace(found, note=doubt, confidence=found.confidence * NOTED_FACTOR)
                added.append(found)
    return added


def _held_phone(e164: str, values: list[FieldValue]) -> bool:
    """Whether a valid phone value already holds this number's national digits (printed with or
    without the country code or trunk prefix)."""
    try:  # a short local number's last 8 digits would hold its country code
        national = phonenumbers.national_significant_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        national = ""
    tail = e164[-8:] if len(national) >= 8 else national or e164[-8:]
    return any(v.field == "phone" and v.valid and tail in re.sub(r"\D", "", v.value) for v in values)
