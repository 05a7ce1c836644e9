"""What a synthetic card says: a contact drawn with Faker plus curated per-language lists.

The content is independent of where things are drawn (``layout``) and how (``render``). Values
are stored exactly as they will be printed; the layout only decides labels and arrangement.
Fax numbers are drawn as phones of ``kind="fax"`` (vCard stores them as ``TEL;TYPE=FAX``); the
layout labels their value FAX, and their printed "Fax:" label stays OTHER.
"""

from __future__ import annotations

import functools
import random
import re
import unicodedata
from dataclasses import dataclass, field

from faker import Faker

from active_learning.synth import vocab
from ml_backend.text.addresses import alternation
from ml_backend.text.lexicon import RUSSIAN_LEGAL_FORMS
from active_learning.synth.phones import NATIONAL_SHARE, Phone, random_phone


@dataclass
class PersonName:
    """A printed name and its parts (the parts feed the vCard ``N`` property of the QR code)."""

    printed: str
    first: str
    last: str
    middle: str = ""
    prefix: str = ""


@dataclass
class CardContent:
    """Everything one card prints, before layout. Missing fields are None / empty."""

    locale: str
    lang: str
    region: str
    name: PersonName | None
    position: str | None
    company: str | None
    emails: list[str] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    website: str | None = None
    address: list[str] = field(default_factory=list)  # printed lines, in reading order
    department: str | None = None  # distractor (OTHER)
    extras: list[str] = field(default_factory=list)  # slogans, memberships: distractors (OTHER)
    #: printed number -> its own label, for a branch office's or shop's number ("Filiale Hamburg:")
    phone_labels: dict[str, str] = field(default_factory=dict)
    #: a line under the company: what the business does ("Auto Peças", "óculos e lentes de contato"); OTHER
    tagline: str | None = None
    #: printed numbers that take WhatsApp messages (drawn with a WhatsApp mark or label)
    whatsapp: set[str] = field(default_factory=set)

    def text(self) -> str:
        """All printed characters, used to pick fonts that can render them."""
        parts = [self.name.printed if self.name else "", self.position or "", self.company or "",
                 self.website or "", self.department or "", self.tagline or "", *self.emails,
                 *(p.printed for p in self.phones), *self.address, *self.extras, *self.phone_labels.values()]
        return "".join(parts)


#: Share of a locale's towns drawn from its largest towns (``vocab.BIG_CITIES``) instead of Faker's.
BIG_CITY_SHARE = 0.45
_STATE_METHODS = ("state_abbr", "estado_sigla", "province_abbr")


#: Faker provider module -> its lists built from a set, whose order (and so what a seed draws)
#: changes with ``PYTHONHASHSEED``: sorted, so that a seed makes the same cards in every process.
_FAKER_LISTS_FROM_SETS: dict[str, tuple[str, ...]] = {"faker.providers.address.it_IT": ("cities",)}


@functools.lru_cache(maxsize=None)
def _faker(locale: str) -> Faker:
    """One Faker per locale per process (construction costs ~25 ms); reseeded for every card."""
    fk = Faker(locale)
    for provider in fk.providers:  # lists Faker builds from a set (it_IT's towns) take the order of
        for attribute in _FAKER_LISTS_FROM_SETS.get(type(provider).__module__, ()):  # the process's hash seed
            setattr(provider, attribute, sorted(getattr(provider, attribute)))
    if locale in vocab.BIG_CITIES:
        _use_big_cities(fk, vocab.BIG_CITIES[locale])
    return fk


def _use_big_cities(fk: Faker, cities: tuple[tuple[str, str | None], ...]) -> None:
    """Make ``fk.city()`` (and so its addresses) name one of ``cities`` ``BIG_CITY_SHARE`` of the
    time, with that town's state where the address format prints one right after it. Draws from
    Faker's own seeded random, so a card stays a function of its seed."""
    gen = fk._factories[0]  # the locale's Generator: address formats resolve "{{city}}" on it
    original = {name: getattr(gen, name) for name in ("city", *_STATE_METHODS) if hasattr(gen, name)}
    pending: dict[str, str | None] = {"state": None}

    def city() -> str:
        pending["state"] = None
        if gen.random.random() < BIG_CITY_SHARE:
            town, pending["state"] = gen.random.choice(cities)
            return town
        return original["city"]()

    def state_of(name: str):
        def state() -> str:
            value, pending["state"] = pending["state"], None
            return value or original[name]()
        return state

    gen.city = city
    for name in _STATE_METHODS:
        if name in original:
            setattr(gen, name, state_of(name))


def ascii_slug(text: str, sep: str = "") -> str:
    """Lowercase Latin slug of ``text`` for e-mail local parts and domains (transliterates Cyrillic)."""
    out = []
    for ch in text.lower():
        if ch in vocab.TRANSLIT:
            out.append(vocab.TRANSLIT[ch])
        else:
            out.append(unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode())
    words = re.findall(r"[a-z0-9]+", "".join(out))
    return sep.join(words)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _name(rng: random.Random, fk: Faker, lang: str) -> PersonName:
    female = rng.random() < 0.45
    first = fk.first_name_female() if female else fk.first_name_male()
    if lang in ("ru", "pl"):  # gendered surnames
        last = fk.last_name_female() if female else fk.last_name_male()
    else:
        last = fk.last_name()
    if lang == "ru":
        middle = fk.middle_name_female() if female else fk.middle_name_male()
        style = rng.random()
        if style < 0.35:
            printed = f"{last} {first} {middle}"
        elif style < 0.6:
            printed = f"{first} {middle} {last}"
        elif style < 0.9:
            printed = f"{first} {last}"
        else:
            printed = f"{first[0]}. {middle[0]}. {last}"
        return PersonName(_clean(printed), first, last, middle)
    middle = ""
    prefix = ""
    if lang == "en" and rng.random() < 0.15:
        middle = rng.choice("ABCDEFGHJKLMNPRSTW") + "."
    if rng.random() < 0.08:
        prefix = {"de": rng.choice(("Dr.", "Prof. Dr.", "Dipl.-Ing.", "Dr.-Ing.")), "fr": rng.choice(("Dr", "Me", "Pr"))}.get(
            lang, "Dr.")
    printed = " ".join(p for p in (prefix, first, middle, last) if p)
    if lang == "en" and not prefix and rng.random() < 0.05:
        printed += rng.choice((", MBA", ", PhD", ", CPA", " Jr.", ", CFA"))
    return PersonName(_clean(printed), first, last, middle, prefix)


def _position(rng: random.Random, fk: Faker, lang: str) -> str:
    title = fk.job() if rng.random() >= 0.6 and lang in ("en", "ru", "de", "fr") else ""
    if not title or "," in title or "/" in title:  # Faker's "Engineer, mining" style is not a card title
        title = rng.choice(vocab.TITLES[lang])
    title = title[0].upper() + title[1:]
    return _clean(title)


def _company(rng: random.Random, fk: Faker, locale: str, lang: str) -> tuple[str, str]:
    """(printed company, core word used for the web/e-mail domain)."""
    roll = rng.random()
    if roll < 0.35:
        printed = _clean(fk.company())
        core = re.sub(rf"^(?:{alternation(RUSSIAN_LEGAL_FORMS)})\s*", "", printed).strip("«»\"' ")
        return printed, core
    if lang == "ru" and rng.random() < 0.6:
        core = rng.choice(vocab.BRANDS_RU)
        if rng.random() < 0.4:
            core = core + rng.choice(vocab.INDUSTRIES["ru"]).lower()
    elif roll < 0.6:
        core = f"{rng.choice(vocab.BRANDS)} {rng.choice(vocab.INDUSTRIES[lang])}"
    elif roll < 0.8:
        core = f"{fk.last_name()} {rng.choice(vocab.INDUSTRIES[lang])}"
    else:
        core = rng.choice(vocab.BRANDS)
    printed = rng.choice(vocab.COMPANY_FORMS[locale]).format(core)
    return _clean(printed), core


_DOMAIN_STOPWORDS = frozenset({"and", "und", "et", "i", "e", "y", "en", "of", "the", "de", "la", "le", "van", "der"})


def _domain(rng: random.Random, core: str, tlds: tuple[str, ...]) -> str:
    words = [w for w in ascii_slug(core, " ").split() if w not in _DOMAIN_STOPWORDS][:2] or ["company"]
    base = rng.choice(["".join(words), "-".join(words), words[0]])
    return base + rng.choice(tlds)


def _nickname(rng: random.Random, first: str, last: str) -> str:
    """A mailbox that does not spell the name: a short form, initials with a number, or a made-up handle."""
    roll = rng.random()
    if roll < 0.35:
        return first[:rng.randint(2, 4)] + rng.choice(["", str(rng.randint(1, 99)), str(rng.randint(1960, 2005))])
    if roll < 0.6:
        return f"{first[0]}{last[0]}{rng.choice(['', '.'])}{rng.randint(1, 999)}"
    return rng.choice(vocab.NICK_WORDS) + rng.choice(["", ".", "_"]) + rng.choice(
        [first[:3], str(rng.randint(1, 99)), rng.choice(vocab.NICK_WORDS)])


def _shop_emails(rng: random.Random, core: str, domain: str, locale: str, lang: str) -> list[str]:
    """A shop's mailbox: its name at a free-mail host ("oticaplus2014@"), or a role at its domain."""
    if rng.random() < 0.55:
        slug = ascii_slug(core) or "loja"
        suffix = rng.choice(["", "", str(rng.randint(1, 99)), str(rng.randint(1995, 2024))])
        return [f"{slug}{suffix}@{rng.choice(vocab.freemail(locale))}"]
    return [f"{rng.choice(vocab.ROLE_MAILBOXES[lang])}@{domain}"]


def _emails(rng: random.Random, name: PersonName | None, domain: str, locale: str, lang: str) -> list[str]:
    """A personal mailbox (usually the name, sometimes a nickname), a role mailbox (``info@``,
    ``vendas@``), or both; ~12% of cards with a name print only a role mailbox."""
    emails: list[str] = []
    if name is not None and rng.random() < 0.9:
        first, last = ascii_slug(name.first) or "mail", ascii_slug(name.last) or "contact"
        if rng.random() < 0.12:  # the company's mailbox only, not the person's
            return [f"{rng.choice(vocab.ROLE_MAILBOXES[lang] + vocab.ROLE_MAILBOXES['en'])}@{domain}"]
        host = domain if rng.random() < 0.75 else rng.choice(vocab.freemail(locale))
        if rng.random() < (0.35 if host != domain else 0.1):  # nicknames are common on free-mail accounts
            local = _nickname(rng, first, last)
        else:
            local = rng.choice([f"{first}.{last}", f"{first[0]}.{last}", f"{first[0]}{last}", first, last,
                                f"{first}_{last}", f"{last}.{first[0]}", f"{first}{rng.randint(1, 99)}"])
        emails.append(f"{local}@{host}")
    if not emails or rng.random() < 0.25:
        emails.append(f"{rng.choice(vocab.ROLE_MAILBOXES[lang])}@{domain}")
    return emails


def _website(rng: random.Random, domain: str) -> str:
    style = rng.random()
    if style < 0.45:
        site = f"www.{domain}"
    elif style < 0.65:
        site = domain
    elif style < 0.8:
        site = f"https://{domain}"
    elif style < 0.88:
        site = f"https://www.{domain}"
    elif style < 0.93:
        site = f"http://www.{domain}/"
    else:
        site = f"{domain}/{rng.choice(('contact', 'en', 'team', 'about'))}"
    return site.upper() if rng.random() < 0.04 else site


def _address(rng: random.Random, fk: Faker, locale: str, lang: str) -> list[str]:
    if lang == "ru":
        city = rng.choice(("Москва", "Москва", "Санкт-Петербург", "Екатеринбург", "Новосибирск", "Казань")) \
            if rng.random() < 0.4 else fk.city_name()
        street = f"{fk.street_title()} {fk.street_suffix()}" if rng.random() < 0.3 else None
        if street is None:
            street = f"{fk.street_suffix()} {fk.street_title()}"
        house = f"д. {fk.building_number()}" if rng.random() < 0.7 else fk.building_number()
        office = rng.choice(["", "", f", офис {rng.randint(1, 950)}", f", оф. {rng.randint(1, 99)}", f", стр. {rng.randint(1, 9)}"])
        postcode = fk.postcode()
        line1 = f"{street}, {house}{office}"
        line2 = f"г. {city}" if rng.random() < 0.8 else city
        if rng.random() < 0.6:
            line2 = f"{postcode}, {line2}"
        lines = [line2, line1] if rng.random() < 0.6 else [line1, line2]
    else:
        raw = fk.address()
        lines = [_clean(x) for x in raw.split("\n") if x.strip()]
        if locale == "en_US" and any(x.startswith(("USNS", "USNV", "USS ", "USCGC", "PSC ", "Unit ")) for x in lines):
            lines = [_clean(fk.street_address()), _clean(f"{fk.city()}, {fk.state_abbr()} {fk.postcode()}")]
        if lang == "de" and rng.random() < 0.3:  # "Hauptstraße 5" is often printed "Hauptstr. 5"
            lines[0] = re.sub(r"([Ss])traße\b", r"\1tr.", lines[0])
        if lang == "fr" and rng.random() < 0.06:
            lines[-1] += " CEDEX"
        if locale == "en_GB" and len(lines) > 2 and rng.random() < 0.6:
            lines = [", ".join(lines[:-2]), f"{lines[-2]} {lines[-1]}"]
        if locale == "pt_BR":
            lines = _brazilian_address(rng, lines)
    if rng.random() < 0.15:
        lines.append(rng.choice(vocab.LOCALES[locale][3]))
    if len(lines) > 1 and rng.random() < 0.3:
        lines = [rng.choice([", ", ", ", " · ", " | ", " – "]).join(lines)]
    return [_clean(x).rstrip(",") for x in lines]


_BR_TOWN = re.compile(r"^(\d{5})-?(\d{3})\s+(.+?)\s*/\s*([A-Z]{2})$")


def _brazilian_address(rng: random.Random, lines: list[str]) -> list[str]:
    """Faker's "74833788 Gonçalves / BA" as Brazilian cards print it: the CEP with its dash,
    often labelled "CEP" ("CEP: 03637-000"), the town and state after a dash ("São Paulo - SP")."""
    match = _BR_TOWN.match(lines[-1])
    if not match:
        return lines
    cep = f"{match.group(1)}-{match.group(2)}"
    cep = rng.choice([cep, f"CEP {cep}", f"CEP: {cep}", f"Cep {cep}", f"CEP {cep}"])
    town = f"{match.group(3)} - {match.group(4)}" if rng.random() < 0.7 else f"{match.group(3)}/{match.group(4)}"
    if rng.random() < 0.5:
        return lines[:-1] + [f"{town} - {cep}" if rng.random() < 0.4 else f"{cep} - {town}"]
    return [" - ".join(lines[:-1] + [town]), cep] if rng.random() < 0.5 else lines[:-1] + [town, cep]


def _landmark(rng: random.Random, lang: str) -> str:
    return rng.choice(vocab.LANDMARKS[lang]).format(place=rng.choice(vocab.LANDMARK_PLACES[lang]))


def _street(rng: random.Random, fk: Faker, lang: str) -> str:
    """A street and house number of the card's country (a shop's branch)."""
    if lang == "ru":
        return f"{fk.street_suffix()} {fk.street_title()}, {fk.building_number()}"
    return _clean(fk.street_address())


def is_national(phone: Phone) -> bool:
    """The number is printed without its country code ("+55 11 ..." and "55 11 ..." carry it):
    only the card's region makes it a number."""
    return not phone.printed.lstrip().startswith("+") and re.sub(r"\D", "", phone.printed) != phone.e164.lstrip("+")


def _printed_domains(content: "CardContent") -> list[str]:
    hosts = [e.rpartition("@")[2].lower() for e in content.emails]
    if content.website:
        host = re.sub(r"^[a-z]+://", "", content.website.lower()).split("/")[0]
        hosts.append(host)
    return hosts


def region_evidence(content: "CardContent", locale: str) -> bool:
    """Does the card say which country it is from, as real cards do: an e-mail or web address
    under the country's own TLD, or an address (the locale's street, postcode and town, or the
    country's name)? A card printing national numbers needs it: they read right in no other region."""
    tlds = [t for t in vocab.LOCALES[locale][2] if t not in vocab.GENERIC_TLDS]
    if any(host.endswith(t) for host in _printed_domains(content) for t in tlds):
        return True
    return bool(content.address)


def _give_region_evidence(rng: random.Random, content: "CardContent", fk: Faker, locale: str, domain: str) -> None:
    """Make a card that prints national numbers say its country: move its own domain to the
    country's TLD where it prints one, else print the address."""
    tlds = [t for t in vocab.LOCALES[locale][2] if t not in vocab.GENERIC_TLDS]
    hosts = _printed_domains(content)
    if tlds and any(h == domain or h.endswith("." + domain) for h in hosts) and rng.random() < 0.6:
        base = domain[:-len(next(t for t in sorted(vocab.GENERIC_TLDS | set(vocab.LOCALES[locale][2]), key=len, reverse=True)
                                  if domain.endswith(t)))]
        home = base + rng.choice(tlds)
        content.emails = [re.sub(re.escape("@" + domain) + "$", "@" + home, e) for e in content.emails]
        if content.website:
            upper = content.website.isupper()
            content.website = re.sub(re.escape(domain), home, content.website, count=1, flags=re.IGNORECASE)
            content.website = content.website.upper() if upper else content.website
        return
    content.address = _address(rng, fk, locale, content.lang)


#: Share of cards that are a small business's (a shop, a workshop: often no person) by language.
SHOP_SHARE = {"pt": 0.35, "es": 0.2, "it": 0.12}
SHOP_SHARE_DEFAULT = 0.08
#: Share of mobile numbers with a WhatsApp mark, by language.
WHATSAPP_SHARE = {"pt": 0.45, "es": 0.3, "it": 0.15, "de": 0.05, "en": 0.05}


def generate_content(rng: random.Random, locale: str) -> CardContent:
    """Draw one card's contact (each field present with a realistic probability)."""
    lang, region, tlds, _countries = vocab.LOCALES[locale]
    fk = _faker(locale)
    fk.seed_instance(rng.getrandbits(32))
    shop = rng.random() < SHOP_SHARE.get(lang, SHOP_SHARE_DEFAULT)
    if shop:  # a shop's card: the business first; a person (often a first name only) on some
        name = _name(rng, fk, lang) if rng.random() < 0.35 else None
        if name is not None and rng.random() < 0.5:
            name = PersonName(name.first, name.first, "")
        position = None
        kind, services = rng.choice(vocab.SHOPS[lang])
        owner = fk.last_name() if rng.random() < 0.6 else rng.choice(vocab.BRANDS_RU if lang == "ru" else vocab.BRANDS)
        company_printed = kind.format(owner)
        core = owner + (" " + kind.replace("{}", "").strip("«» ") if rng.random() < 0.5 else "")
        company = company_printed
    else:
        name = _name(rng, fk, lang) if rng.random() < 0.97 else None
        position = _position(rng, fk, lang) if rng.random() < 0.85 else None
        company_printed, core = _company(rng, fk, locale, lang)
        company = company_printed if rng.random() < 0.9 else None
        services = ()
    domain = _domain(rng, core, tlds)
    if shop:
        emails = _shop_emails(rng, core, domain, locale, lang) if rng.random() < 0.7 else []
    else:
        emails = _emails(rng, name, domain, locale, lang) if rng.random() < 0.92 else []
    phones: list[Phone] = []
    if rng.random() < (0.99 if shop else 0.95):
        kinds = [rng.choice(["office", "mobile", "mobile"])]
        if rng.random() < (0.6 if shop else 0.4):
            kinds.append("mobile" if kinds[0] == "office" else "office")
        if shop and rng.random() < 0.25:
            kinds.append(rng.choice(["office", "mobile"]))
        if rng.random() < 0.08:
            kinds.append("fax")
        national = 0.85 if shop else NATIONAL_SHARE  # a shop's customers are local
        phones = [random_phone(rng, region, kind, foreign=(not shop and i > 0 and rng.random() < 0.12),
                               national_share=national) for i, kind in enumerate(kinds)]
        phones = [p for i, p in enumerate(phones) if all(p.e164 != q.e164 for q in phones[:i])]
    whatsapp = {p.printed for p in phones if p.kind == "mobile" and is_national(p)
                and rng.random() < WHATSAPP_SHARE.get(lang, 0.0)}
    phone_labels: dict[str, str] = {}
    if phones and rng.random() < (0.15 if shop else 0.06):  # several offices or shops, each with its own number
        for _ in range(rng.choice((1, 1, 2, 3) if shop else (1, 1, 2))):
            if shop and rng.random() < 0.6:  # "R. Pinhal, 283 - Tel/Fax:" a store's street before its number
                tel = rng.choice(vocab.labels_for(locale)["office"])
                label = f"{_street(rng, fk, lang)} - {tel}"
            else:
                city = _clean(fk.city_name() if lang == "ru" else fk.city())
                label = rng.choice(vocab.BRANCH_LABELS[lang]).format(city=city)
            branch = random_phone(rng, region, "office", national_share=0.85 if shop else NATIONAL_SHARE)
            if branch.printed not in phone_labels and all(p.e164 != branch.e164 for p in phones):
                phone_labels[branch.printed] = label
                phones.append(branch)
    website = _website(rng, domain) if rng.random() < (0.45 if shop else 0.7) else None
    address = _address(rng, fk, locale, lang) if rng.random() < (0.85 if shop else 0.6) else []
    if address and rng.random() < (0.35 if shop else 0.04):  # "(Próximo ao Metrô)"
        mark = _landmark(rng, lang)
        if rng.random() < 0.5:
            address.append(mark)
        else:
            address[-1] = f"{address[-1]} {mark}" if rng.random() < 0.5 else f"{address[-1]} - {mark}"
    department = rng.choice(vocab.DEPARTMENTS[lang]) if not shop and rng.random() < 0.15 else None
    tagline = None
    extras = []
    if services:
        roll = rng.random()
        if roll < 0.4:  # what the shop does, under its name
            tagline = rng.choice(services) if rng.random() < 0.5 else rng.choice([", ", " • ", " - ", " e " if lang == "pt" else " & "]).join(
                rng.sample(services, 2))
        elif roll < 0.8:  # a list of services
            listed = rng.sample(services, min(len(services), rng.randint(2, 4)))
            if rng.random() < 0.3:
                listed = [s.upper() for s in listed]
            bullet = rng.choice(["", "", "• ", "- ", "» "])
            extras += [bullet + s for s in listed]
    elif company and rng.random() < 0.06:  # a corporate tagline under the company
        tagline = rng.choice(vocab.SLOGANS[lang])
    if rng.random() < 0.25:
        extras.append(rng.choice(vocab.SLOGANS[lang] + ((fk.catch_phrase(),) if lang == "en" else ())))
    if not shop and rng.random() < 0.06:
        extras.append(rng.choice(vocab.MEMBERSHIPS[lang]).format(group=rng.choice(vocab.BRANDS)))
    if rng.random() < 0.12:
        pattern = rng.choice(vocab.REGISTRATIONS[locale])
        extras.append("".join(str(rng.randint(0, 9)) if ch == "#" else ch for ch in pattern))
    if rng.random() < (0.2 if shop else 0.05):
        extras.append(rng.choice(vocab.HOURS[lang]))
    if rng.random() < (0.2 if shop else 0.06):
        who = (name.first + " " + name.last) if name is not None and not shop else core
        user = ascii_slug(who, rng.choice([".", "_", ""])) or "user"
        extras.append(rng.choice(vocab.HANDLES).format(user=user))
    content = CardContent(locale=locale, lang=lang, region=region, name=name, position=position, company=company,
                          emails=emails, phones=phones, website=website, address=address, department=department,
                          extras=[_clean(e) for e in extras], phone_labels=phone_labels,
                          tagline=_clean(tagline) if tagline else None, whatsapp=whatsapp)
    if any(is_national(p) for p in phones) and not region_evidence(content, locale):
        _give_region_evidence(rng, content, fk, locale, domain)
    return content
