"""E-mails, websites and phones the tagger garbled, recovered from the value's own text and the
card's other values.

E-mail addresses, web addresses and labelled or international phone numbers have a shape no
other field has, and OCR damages them in ways a token classifier cannot undo: it glues
neighbours together ("a@x.com·x.com", "ivan@x.ruwww:x.ru/about"), and a label or an icon read
as letters ends up in the tagged value ("cat:https//x.net", "0 +33 6 65 71 96 71" with an icon
read as "0"). A value that fails its check therefore gets a second look: the well-formed
addresses *inside* it replace it (``values.found``), or the card's own domains rebuild it. Values
the tagger missed altogether come from the line evidence (``reading.lines``).

Pure functions over ``FieldValue``; ``Validator.check`` ends with ``recover_values``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ml_backend.reading import rules
from ml_backend.reading.lines import LineEvidence, merge_lines
from ml_backend.reading.values.found import find_emails, find_phones, find_websites
from ml_backend.reading.values.normalise import normalise
from ml_backend.schema import FieldValue
from ml_backend.reading.validate.spelling import (
    FREE_MAIL_DOMAINS,
    company_slugs,
    consistent_spellings,
    exact_name_pieces,
    local_evidence,
    name_words,
)

#: Confidence kept from the tagger's value when a valid address is cut out of it.
EXTRACTED_FACTOR = 0.85

_EXPLICIT_WEB_IN = re.compile(r"h+t+p+s?\s*[:/]|www", re.IGNORECASE)


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


def recover(values: list[FieldValue], evidence: LineEvidence | None = None, region: str = "US", *,
            region_known: bool = False) -> list[FieldValue]:
    """``values`` with garbled e-mails/websites/phones repaired, missed ones added from the line
    ``evidence`` (``lines.merge_lines``), then spelled as the card spells them: the stages
    ``Validator.check`` ends with, ``merge_lines`` and the spelling stage, in the pipeline's order.

    1. An invalid e-mail or website value that contains well-formed addresses is replaced by
       them (an invalid value with none is kept, flagged, as before). What an e-mail value holds
       beyond its addresses may be the card's website ("a@x.com·x.com") and the reverse.
       An invalid e-mail with no address inside is rebuilt from the card's domains or a
       free-mail one when one explains it (``email_from_domains``: "n.sergeeva9bk.ru"); a
       website that lost its top-level domain gets the card's ("www.alfakonsalting").
    2. The same for phones (``region`` reads numbers without a country code): a number inside
       an invalid phone value; an invalid value of another field that is all digits is the
       phone number it holds.
    3. Addresses and names on the lines that no valid value holds (``lines.merge_lines``).
    4. An "E" label glued to an e-mail's local part is cut off where the card's name shows it.
    """
    out, context = recover_values(values, region, region_known=region_known)
    if evidence is not None:
        out = merge_lines(out, evidence, context.read_from_email)
    return consistent_spellings(out)


def recover_values(values: list[FieldValue], region: str, *, region_known: bool = False
                   ) -> tuple[list[FieldValue], "RecoverContext"]:
    """``values`` with each invalid or misplaced e-mail, website or phone replaced by what it
    holds (the ``recover.value`` rules, first match per value), and what they read off the card
    (``RecoverContext``, which ``lines.merge_lines`` needs to tell a website from an e-mail)."""
    context = RecoverContext.of(values, region, region_known)
    return [piece for v in values for piece in rules.first_match("recover.value", v, context)], context


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
