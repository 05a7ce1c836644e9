"""Re-read with Tesseract the lines PP-OCR cannot read: Cyrillic.

The PP-OCR recognisers that install offline have no Cyrillic characters: a Russian name comes
back empty, as a few spaces, or with only the punctuation and digits ("г. Москва, д. 12" ->
". , . 12"). The detector still finds those lines, so a line whose PP-OCR text is missing,
low-scored or far shorter than its box is wide is cropped and read again by Tesseract
(``rus+eng``, single-line mode). Tesseract's text replaces PP-OCR's only when it is mostly
Cyrillic, so Latin lines keep PP-OCR's (better) reading.

PP-OCR also reads some Cyrillic lines *confidently* in Latin look-alikes ("Москва" ->
"Mockaa", "ООО Nordwind Групп" -> "ООО Nordwind Γpyn"), which no per-line test can tell from
Latin text. So once a card has shown Cyrillic, its remaining word lines get a second look
(``worth_second_look``/``prefer_second_look``); cards without Cyrillic never do, so German
and French diacritics cannot set it off (measured: company recall on Russian cards 0.81 ->
0.95 at the OCR level, no change on de/fr/GB cards).
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

from PIL import Image

from ml_backend.config import Settings

log = logging.getLogger(__name__)

#: PP-OCR lines scoring below this are re-read.
REREAD_BELOW_SCORE = 0.9
#: Letters and digits PP-OCR found per unit of box aspect (width / height). Latin lines on
#: rendered and photographed cards give 1.8-3.5; a Cyrillic line read by PP-OCR gives 0-0.7.
MIN_ALNUM_PER_ASPECT = 1.2
#: Share of Tesseract's letters that must be Cyrillic for its reading to be taken.
MIN_CYRILLIC_SHARE = 0.5
#: Tesseract's mean word confidence (0..1) below which its reading is ignored. Its scale is
#: harsher than PP-OCR's: correct Cyrillic lines in bold italic fonts came back at 0.35-0.4.
MIN_TESSERACT_CONFIDENCE = 0.3


def is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def cyrillic_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(map(is_cyrillic, letters)) / len(letters) if letters else 0.0


def alnum_count(text: str) -> int:
    return sum(c.isalnum() for c in text)


#: Traces of Cyrillic read with look-alikes from other scripts: upper case inside a word
#: ("CeBepHbIV"), a digit starting a word ("4epenoe" for "Череповец"), Greek letters and
#: math symbols ("∂." for "д.", "κ." for "к."), CJK punctuation ("《" for "«").
_LOOK_ALIKE_TRACES = re.compile(r"[a-z][A-Z]|\b\d[a-z]{3,}|[\u0370-\u03ff\u2200-\u22ff]|[\u3000-\u9fff\uff00-\uffef]")


def looks_transliterated(text: str) -> bool:
    """Cyrillic read as look-alikes ("ООО «Северный»" -> "OOO 《CeBepHbI》"), which Latin card
    text almost never resembles."""
    return bool(_LOOK_ALIKE_TRACES.search(text))


def needs_reread(text: str, score: float, crop_w: int, crop_h: int) -> bool:
    """True when PP-OCR's reading of a crop looks like it missed characters it has no glyphs for.

    Cheap to get wrong in the generous direction: a Latin line re-read by mistake costs ~15 ms
    and keeps PP-OCR's text, because ``prefer_reread`` wants a mostly Cyrillic reading.
    """
    if not text.strip() or score < REREAD_BELOW_SCORE or looks_transliterated(text):
        return True
    aspect = crop_w / max(crop_h, 1)
    return alnum_count(text) < MIN_ALNUM_PER_ASPECT * aspect


def prefer_reread(pp_text: str, pp_score: float, tess_text: str, tess_confidence: float) -> bool:
    """Take Tesseract's text when it is mostly Cyrillic and confident, and PP-OCR's reading is
    shorter, unsure or made of Latin look-alikes."""
    if tess_confidence < MIN_TESSERACT_CONFIDENCE or cyrillic_share(tess_text) < MIN_CYRILLIC_SHARE:
        return False
    if alnum_count(tess_text) < alnum_count(pp_text) and tess_confidence < MIN_CARD_LINE_CONFIDENCE:
        return False  # Tesseract lost characters PP-OCR read, and hesitates: "Flat 7" -> "© Пл?"
    return (
        alnum_count(tess_text) > alnum_count(pp_text)
        or pp_score < REREAD_BELOW_SCORE
        or looks_transliterated(pp_text)
    )


#: On a Cyrillic card, share of Tesseract's letters that must be Cyrillic for its reading of a
#: line PP-OCR read confidently to be taken: a mixed line ("ООО Nordwind Групп") is half Latin.
MIN_CARD_LINE_CYRILLIC_SHARE = 0.25
#: ... and the confidence Tesseract must have in it (a line PP-OCR found readable is seldom
#: unreadable to Tesseract: a low score here means it hesitates between the scripts).
MIN_CARD_LINE_CONFIDENCE = 0.6
#: Lines holding an e-mail, a web address, or only a number: PP-OCR reads these better than
#: Tesseract, and Russian cards print them in Latin letters and digits too.
_NOT_WORDS = re.compile(r"@|www|https?:|\.[a-z]{2,4}\b|^[\d\s()+\-.,:/]*$", re.IGNORECASE)
#: A number of this many digits is a phone number (a postcode has at most 6): its digits
#: matter more than its label, and Tesseract misreads digits that PP-OCR got right.
_NUMBER_DIGITS = 7
#: One printed number: digits joined by the spaces, brackets, dashes and dots phones use. A
#: postcode and a house number ("423032, г. Кузнецк, 7") are two numbers, not a phone.
_PRINTED_NUMBER = re.compile(r"\d[\d\s()\-.]*\d")


def _holds_phone_number(text: str) -> bool:
    return any(sum(c.isdigit() for c in m.group()) >= _NUMBER_DIGITS for m in _PRINTED_NUMBER.finditer(text))


def _is_word_line(text: str) -> bool:
    return not _NOT_WORDS.search(text) and not _holds_phone_number(text)


#: Where a phone number starts in a line: its "+", an opening bracket or its first digit.
_NUMBER_START = re.compile(r"[+(\d]")
#: A number part holds at most this many letters (an extension's "ext", a misread digit).
_MAX_NUMBER_LETTERS = 3


def with_number_read_by(pp_text: str, tess_text: str) -> str:
    """Tesseract's reading of a phone line with PP-OCR's number in it: "Мобильный: " from
    Tesseract, "+7 (914) 110-60-24" from PP-OCR, which read "Mo6unbhbm" for the label but
    gets digits right where Tesseract reads "+` (S14)". Lines that are not a label and a
    number keep Tesseract's text."""
    number, label = _number_part(pp_text), _number_part(tess_text)
    if number is None or label is None:
        return tess_text
    return tess_text[: len(tess_text) - len(label)] + number


_SLASHED_NUMBER = re.compile(r"(?<![\d/])(\d+)/(\d+)(?![\d/])")


def with_slashes_read_by(pp_text: str, tess_text: str) -> str:
    """Tesseract's reading with the slash of a house number that PP-OCR read and Tesseract lost
    put back: "д. 5/6" (a corner building, common in Russian addresses) comes back from Tesseract
    as "д.56", while PP-OCR, which cannot read the Russian words around it, reads ". 5/6,". Only
    where Tesseract has the joined digits exactly once and not the slashed number already."""
    for match in _SLASHED_NUMBER.finditer(pp_text):
        if match.group() in tess_text:
            continue
        joined = list(re.finditer(rf"(?<![\d/]){match.group(1)}{match.group(2)}(?![\d/])", tess_text))
        if len(joined) == 1:
            at = joined[0]
            tess_text = f"{tess_text[:at.start()]}{match.group()}{tess_text[at.end():]}"
    return tess_text


def _number_part(text: str) -> str | None:
    """The phone number a line ends with (from its first "+", bracket or digit on, at least
    seven digits and at most a few letters), or None."""
    for start in _NUMBER_START.finditer(text):
        rest = text[start.start():]
        if sum(c.isalpha() for c in rest) <= _MAX_NUMBER_LETTERS:
            return rest if sum(c.isdigit() for c in rest) >= _NUMBER_DIGITS else None
    return None


def word_lines(texts: list[str]) -> list[str]:
    """The texts that are words, not e-mails, web addresses or numbers: what tells a card's
    script (a Russian card prints its e-mails in Latin letters too)."""
    return [t for t in texts if _is_word_line(t)]


def worth_second_look(text: str) -> bool:
    """A line PP-OCR read confidently that may still be Cyrillic it spelled in Latin
    ("Mockaa" for "Москва"): it has Latin letters and is not an address or a number."""
    return bool(re.search(r"[A-Za-z]", text)) and _is_word_line(text)


def prefer_second_look(pp_text: str, tess_text: str, tess_confidence: float) -> bool:
    """On a Cyrillic card, take Tesseract's reading of a confidently read Latin line when it
    finds Cyrillic in it with confidence."""
    return (
        tess_confidence >= MIN_CARD_LINE_CONFIDENCE
        and cyrillic_share(tess_text) >= MIN_CARD_LINE_CYRILLIC_SHARE
        and cyrillic_share(tess_text) > cyrillic_share(pp_text)
    )


@dataclass(frozen=True)
class Reading:
    text: str
    confidence: float  # 0..1


#: A reading this confident is taken without asking the other readings (on Russian line crops
#: of clean cards, 18% of lines need a second reading).
SURE_READING = 0.9


#: A letter of neither the Russian nor the basic Latin alphabet (Ukrainian "і", Kazakh "ғ"...).
_FOREIGN_LETTER = re.compile(r"[^\W\d_A-Za-zА-яЁё]")


def _may_replace(first: str, other: str) -> bool:
    """Whether another reading of a Cyrillic line may replace the first one: it is Cyrillic too,
    in Russian and Latin letters only (the ``Cyrillic`` model knows every Cyrillic alphabet:
    "Сосіва" for "Сосьва"), has the same number of digits, and at most one letter or digit
    fewer. A surer reading that lost characters ("ор" for "Историк", "стр. +" for "стр. 4")
    is a worse one whatever its confidence."""
    return (
        cyrillic_share(other) >= MIN_CYRILLIC_SHARE
        and not _FOREIGN_LETTER.search(other)
        and sum(c.isdigit() for c in other) == sum(c.isdigit() for c in first)
        and alnum_count(other) >= alnum_count(first) - 1
    )


@dataclass(frozen=True)
class ReadingSpec:
    """One way of reading a line: Tesseract languages, and the height the crop is scaled to."""

    langs: str
    height: int

    @classmethod
    def parse(cls, text: str) -> "ReadingSpec":
        """``"rus+eng:64"`` -> ReadingSpec("rus+eng", 64); ValueError on anything else."""
        langs, sep, height = text.partition(":")
        if not sep or not langs.strip() or not height.strip().isdigit() or not 16 <= int(height) <= 256:
            raise ValueError(f"bad Tesseract reading {text!r}: expected languages:height, e.g. rus+eng:64")
        return cls(langs.strip(), int(height))


class TesseractReader:
    """Reads a line crop with Tesseract in one or more ways (languages, crop height) and keeps
    the most confident reading.

    Tesseract's errors on Russian lines depend on the scale it reads at and on the model: the
    ``rus`` model and the script-level ``Cyrillic`` model misread different letters, and so do
    48 and 64 px crops, while its confidence tells the better reading more often than not. On
    1,512 Russian line crops of clean cards (four generated sets), the share read exactly went
    from 79.6% (one reading at 64 px) to 81.9% with three, for ~12 ms per extra reading; on
    photographed ones from 60% to 62%.

    One Tesseract API per language set, loaded once; calls are serialised because a
    ``PyTessBaseAPI`` holds per-image state and is not thread-safe."""

    def __init__(self, tessdata: str, specs: list[ReadingSpec]) -> None:
        import tesserocr  # optional at run time: the engine works without it

        if not specs:
            raise ValueError("no Tesseract readings configured")
        self._apis: dict[str, Any] = {}
        self.specs: list[ReadingSpec] = []
        for i, spec in enumerate(specs):
            if spec.langs not in self._apis:
                try:
                    self._apis[spec.langs] = tesserocr.PyTessBaseAPI(
                        path=tessdata, lang=spec.langs, psm=tesserocr.PSM.SINGLE_LINE)
                except RuntimeError:
                    if i == 0:
                        raise  # the main reading is required; the others are a bonus
                    log.warning("Tesseract languages %r are not in %s: reading %s:%d skipped",
                                spec.langs, tessdata, spec.langs, spec.height)
                    continue
            self.specs.append(spec)
        self._lock = threading.Lock()

    def read_line(self, crop: Image.Image) -> Reading:
        """The most confident reading of a single-line crop. The first reading decides whether
        the line is Cyrillic at all; only a Cyrillic line it is not sure of (``SURE_READING``)
        is read the other ways, and another reading replaces it only where ``_may_replace``."""
        gray = crop.convert("L")
        with self._lock:
            first = best = self._read(gray, self.specs[0])
            if first.confidence >= SURE_READING or cyrillic_share(first.text) < MIN_CYRILLIC_SHARE:
                return first
            for spec in self.specs[1:]:
                reading = self._read(gray, spec)
                if reading.confidence > best.confidence and _may_replace(first.text, reading.text):
                    best = reading
                if best.confidence >= SURE_READING:
                    break
        return best

    def _read(self, gray: Image.Image, spec: ReadingSpec) -> Reading:
        scale = spec.height / max(gray.height, 1)
        scaled = gray.resize((max(1, round(gray.width * scale)), spec.height), Image.Resampling.LANCZOS)
        api = self._apis[spec.langs]
        api.SetImage(scaled)
        text = api.GetUTF8Text()
        return Reading(" ".join(text.split()), max(api.MeanTextConf(), 0) / 100.0)


def create_reader(settings: Settings) -> TesseractReader | None:
    """The Tesseract reader the settings ask for, or None (with one warning) when unavailable.
    A malformed ``CARDLOOP_TESSERACT_READINGS`` is a configuration error and raises ValueError."""
    if settings.tesseract.strip().lower() == "off":
        log.info("Tesseract re-reading is off (CARDLOOP_TESSERACT=off): Cyrillic lines will be missed")
        return None
    specs = [ReadingSpec.parse(text) for text in settings.tesseract_readings]
    try:
        return TesseractReader(settings.tessdata, specs)
    except ImportError:
        log.warning("tesserocr is not installed: Cyrillic lines will not be re-read")
    except RuntimeError as exc:  # tesserocr raises RuntimeError when tessdata/langs cannot load
        log.warning(
            "Tesseract could not load languages %r from %s (%s): Cyrillic lines will not be re-read",
            specs[0].langs, settings.tessdata, exc,
        )
    return None
