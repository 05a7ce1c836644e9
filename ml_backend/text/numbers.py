"""The shape of a local phone number as cards print it, defined once.

A local number is a subscriber number printed without its country code and trunk prefix
("2294-9484" on a São Paulo shop's card, "228-6401" in the US, "345-67-89" in Moscow): digit
groups with a space, a dot or a hyphen between them. libphonenumber cannot tell one from any
other run of digits without the area code, so the reader recognises the printed shape: the
phone normaliser (a whole value of that shape is a local number of the card's region) and the
validator (one ending an address part is a phone run into the address) build their patterns
from these pieces.
"""

from __future__ import annotations

#: What separates the groups of a printed number.
_SEPARATOR = r"[\s.\-]"

#: The groups after the first: two to five digits each.
LOCAL_NUMBER_MIDDLE_GROUPS = rf"(?:{_SEPARATOR}\d{{2,5}})*"
#: A last group of four digits ("2294-9484", "228-6401"); a postcode's last group has three
#: ("13560-970").
LOCAL_NUMBER_LAST_FOUR = rf"{_SEPARATOR}\d{{4}}"
#: Or two pairs, as Russian and French numbers are grouped ("345-67-89").
LOCAL_NUMBER_LAST_PAIRS = rf"{_SEPARATOR}\d{{2}}{_SEPARATOR}\d{{2}}"

#: A local number as a whole value: a first group of one to five digits ("9.9679-9468"), ending
#: in four or in pairs.
LOCAL_NUMBER = rf"\d{{1,5}}{LOCAL_NUMBER_MIDDLE_GROUPS}(?:{LOCAL_NUMBER_LAST_FOUR}|{LOCAL_NUMBER_LAST_PAIRS})"
#: A local number after the words of an address part ("Jd. Fernandes -SP 3569-6905", "Justin, TX
#: 228-6401"): its first group of two to five digits, maybe bracketed (an area code), and only a
#: last group of four: a lone digit or pairs there are house, flat or office numbers ("д. 5",
#: "оф. 12-14"), which an address ends in.
LOCAL_NUMBER_ENDING_A_TEXT = rf"\(?\d{{2,5}}\)?{LOCAL_NUMBER_MIDDLE_GROUPS}{LOCAL_NUMBER_LAST_FOUR}"
