"""Valid, locale-formatted phone numbers for synthetic cards.

Faker's phone numbers are often not valid numbers (``+1-636-208-3778x35337``), and a model trained
on them would learn shapes the validator later rejects. Here a number is drawn by mutating the
digits of ``phonenumbers``' example number for the region and type until libphonenumber accepts
it, then printed in one of the styles seen on real cards. Every printed form is parsed back and
must give the same E.164 number, so the ground truth's normalised value is always right.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

#: Regions whose numbers are commonly printed as ``+CC (0)AREA ...`` (trunk prefix in brackets).
_TRUNK_ZERO_REGIONS = frozenset({"GB", "DE", "FR", "NL", "AT", "CH", "BE"})


#: Area codes of the largest cities (national significant number prefixes) for office numbers.
_BIG_CITY_CODES: dict[str, tuple[str, ...]] = {
    "RU": ("495", "499", "812", "343", "383"),
    "DE": ("30", "40", "89", "69", "221"),
    "FR": ("1", "4"),
    "GB": ("20", "161", "121", "131"),
    "US": ("212", "415", "312", "617", "646", "213"),
}


@dataclass(frozen=True)
class Phone:
    """One phone number as printed on a card plus its E.164 normal form."""

    printed: str
    e164: str
    kind: str  # office | mobile | fax


def random_number(rng: random.Random, region: str, mobile: bool) -> phonenumbers.PhoneNumber:
    """A random number libphonenumber considers valid for ``region`` (mobile or fixed line)."""
    wanted = PhoneNumberType.MOBILE if mobile else PhoneNumberType.FIXED_LINE
    example = phonenumbers.example_number_for_type(region, wanted)
    if example is None:  # regions without a separate mobile plan
        example = phonenumbers.example_number(region)
    nsn = phonenumbers.national_significant_number(example)
    prefix = "+" + str(example.country_code)
    start = ""
    if not mobile and region in _BIG_CITY_CODES and rng.random() < 0.4:  # most offices are in the big cities
        start = rng.choice(_BIG_CITY_CODES[region])
    for _ in range(80):
        keep = rng.randint(0, min(2, len(nsn) - 4))  # 0: any area code / operator prefix the plan allows
        head = start or nsn[:keep]
        digits = head + "".join(rng.choice("0123456789") for _ in range(len(nsn) - len(head)))
        candidate = phonenumbers.parse(prefix + digits)
        if phonenumbers.is_valid_number(candidate):
            kind = phonenumbers.number_type(candidate)
            if kind in (wanted, PhoneNumberType.FIXED_LINE_OR_MOBILE):
                return candidate
    return example


def _regroup(text: str, sep: str) -> str:
    """Replace the separators between digit groups of ``text`` by ``sep``."""
    return sep.join(g for g in re.split(r"[\s\-./()]+", text) if g)


def format_number(rng: random.Random, number: phonenumbers.PhoneNumber, region: str,
                  international_only: bool = False) -> str:
    """Print ``number`` in a random real-world style; falls back to INTERNATIONAL if unparseable.

    ``international_only`` keeps the country code (a foreign number on a card must carry it)."""
    intl = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    styles = ["intl", "intl", "national", "national", "e164", "intl_sep", "intl_paren", "national_sep"]
    if international_only:
        styles = ["intl", "intl", "e164", "intl_sep", "intl_paren"]
    if region in _TRUNK_ZERO_REGIONS:
        styles += ["trunk0", "trunk0"]
    if region == "DE" and not international_only:
        styles.append("de_slash")
    style = rng.choice(styles)
    cc, _, rest = intl.partition(" ")
    if style == "intl":
        printed = intl
    elif style == "national":
        printed = national
    elif style == "e164":
        printed = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    elif style == "intl_sep":
        printed = cc + rng.choice([" ", ".", "-"]) + _regroup(rest, rng.choice([" ", ".", "-"]))
    elif style == "intl_paren":
        groups = re.split(r"[\s\-]+", rest, maxsplit=1)
        printed = f"{cc} ({groups[0]}) {groups[1]}" if len(groups) == 2 else intl
    elif style == "national_sep":
        printed = _regroup(national, rng.choice([" ", ".", "-"]))
    elif style == "trunk0":
        printed = f"{cc} (0){rest}" if rng.random() < 0.5 else f"{cc} (0) {rest}"
    else:  # de_slash: 030/123456
        area, _, subscriber = national.partition(" ")
        sep = rng.choice(["/", " / ", "/"])
        printed = f"{area}{sep}{subscriber.replace(' ', '')}" if subscriber else national
    try:
        parsed = phonenumbers.parse(printed, region)
        if _e164(parsed) == _e164(number):
            return printed
    except phonenumbers.NumberParseException:
        pass
    return intl


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


#: Regions a card's second number sometimes comes from (branch office abroad, roaming mobile).
FOREIGN_REGIONS = ("US", "GB", "DE", "FR", "RU", "CH", "AT", "BE", "ES", "IT", "NL", "PL", "IE", "CA")


def random_phone(rng: random.Random, region: str, kind: str, foreign: bool = False) -> Phone:
    """A phone of ``kind`` (office|mobile|fax) for ``region`` (or, if ``foreign``, another
    region, printed with its country code so that it parses the same from the card's region)."""
    number_region = rng.choice([r for r in FOREIGN_REGIONS if r != region]) if foreign else region
    number = random_number(rng, number_region, mobile=(kind == "mobile"))
    printed = format_number(rng, number, number_region, international_only=foreign)
    return Phone(printed=printed, e164=_e164(number), kind=kind)
