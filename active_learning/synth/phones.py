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
    "BR": ("11", "11", "21", "31", "41", "51"),
    "AU": ("2", "3", "7", "8"),
    "MX": ("55", "33", "81"),
    "AR": ("11",),
    "CA": ("416", "514", "604", "613"),
}

#: Share of numbers printed in the national form (no country code) when nothing asks otherwise:
#: on most real cards a domestic number is printed as it is dialled at home.
NATIONAL_SHARE = 0.5


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


def _national_style(rng: random.Random, number: phonenumbers.PhoneNumber, region: str, national: str) -> str:
    """The national form as cards of ``region`` print it (libphonenumber's layout or a local habit)."""
    styles = ["national", "national", "national_sep"]
    if region == "DE":
        styles.append("de_slash")
    if region == "BR":
        styles += ["br_bare", "br_bare", "br_split9"]
    if region == "IN":
        styles.append("nsn")
    style = rng.choice(styles)
    if style == "national":
        return national
    if style == "national_sep":
        return _regroup(national, rng.choice([" ", ".", "-"]))
    if style == "de_slash":  # 030/123456
        area, _, subscriber = national.partition(" ")
        sep = rng.choice(["/", " / ", "/"])
        return f"{area}{sep}{subscriber.replace(' ', '')}" if subscriber else national
    if style == "br_bare":  # "11 2076-5555": the area code without brackets
        return re.sub(r"^\((\d{2})\)\s*", r"\1 ", national)
    if style == "br_split9":  # "(11) 9 9374-0268" / "11 9.9374-0268": a mobile's leading 9 set apart
        match = re.match(r"^\((\d{2})\)\s*9(\d{4})-(\d{4})$", national)
        if not match:
            return national
        area = f"({match.group(1)})" if rng.random() < 0.5 else match.group(1)
        return f"{area} 9{rng.choice([' ', '.'])}{match.group(2)}-{match.group(3)}"
    # nsn: the national significant number without the trunk 0 ("98765 43210")
    nsn = phonenumbers.national_significant_number(number)
    return f"{nsn[:5]} {nsn[5:]}" if len(nsn) == 10 else nsn


def format_number(rng: random.Random, number: phonenumbers.PhoneNumber, region: str,
                  international_only: bool = False, national_share: float = NATIONAL_SHARE) -> str:
    """Print ``number`` in a random real-world style; falls back to INTERNATIONAL if unparseable.

    ``national_share`` of numbers are printed in a national form of ``region`` (no country code);
    ``international_only`` keeps the country code (a foreign number on a card must carry it).
    Every printed form parses back to the same number with ``region``."""
    intl = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    if not international_only and rng.random() < national_share:
        printed = _national_style(rng, number, region, national)
    else:
        styles = ["intl", "intl", "e164", "intl_sep", "intl_paren"]
        if region in _TRUNK_ZERO_REGIONS:
            styles += ["trunk0", "trunk0"]
        if region == "BR" and not international_only:
            styles.append("cc_bare")
        style = rng.choice(styles)
        cc, _, rest = intl.partition(" ")
        if style == "intl":
            printed = intl
        elif style == "e164":
            printed = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        elif style == "intl_sep":
            printed = cc + rng.choice([" ", ".", "-"]) + _regroup(rest, rng.choice([" ", ".", "-"]))
        elif style == "intl_paren":
            groups = re.split(r"[\s\-]+", rest, maxsplit=1)
            printed = f"{cc} ({groups[0]}) {groups[1]}" if len(groups) == 2 else intl
        elif style == "cc_bare":  # "55 11 3105-8655": the country code without its plus
            printed = f"{cc.lstrip('+')} {rest}"
        else:  # trunk0
            printed = f"{cc} (0){rest}" if rng.random() < 0.5 else f"{cc} (0) {rest}"
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


def random_phone(rng: random.Random, region: str, kind: str, foreign: bool = False,
                 national_share: float = NATIONAL_SHARE) -> Phone:
    """A phone of ``kind`` (office|mobile|fax) for ``region`` (or, if ``foreign``, another
    region, printed with its country code so that it parses the same from the card's region);
    ``national_share``: how likely a home number is printed without its country code."""
    number_region = rng.choice([r for r in FOREIGN_REGIONS if r != region]) if foreign else region
    number = random_number(rng, number_region, mobile=(kind == "mobile"))
    printed = format_number(rng, number, number_region, international_only=foreign, national_share=national_share)
    return Phone(printed=printed, e164=_e164(number), kind=kind)
