"""Annotated tasks -> examples: alignment of Label Studio regions with OCR words."""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from active_learning.training.dataset import (
    OcrCache,
    align,
    build_dataset,
    card_example,
    card_examples,
    containment,
    is_heldout,
)
from ml_backend.studio.regions import regions_from_result
from ml_backend.schema import ID2TAG, OcrLine, OcrResult

W, H = 1000, 600


def line(text: str, x0: float, y0: float, x1: float, y1: float) -> OcrLine:
    return OcrLine(text=text, box=[(x0, y0), (x1, y0), (x1, y1), (x0, y1)], confidence=0.9)


def region(rid: str, label: str, text: str, x0: float, y0: float, x1: float, y1: float,
           w: int = W, h: int = H) -> list[dict]:
    """Label Studio result items (rectangle + label, per-region text) of one region in pixels."""
    geometry = {"x": x0 / w * 100, "y": y0 / h * 100, "width": (x1 - x0) / w * 100, "height": (y1 - y0) / h * 100,
                "rotation": 0}
    common = {"id": rid, "to_name": "image", "original_width": w, "original_height": h, "image_rotation": 0}
    return [
        {**common, "from_name": "label", "type": "rectanglelabels", "value": {**geometry, "rectanglelabels": [label]}},
        {**common, "from_name": "transcription", "type": "textarea", "value": {**geometry, "text": [text]}},
    ]


def tags_of(example: dict) -> list[tuple[str, str]]:
    return [(w, ID2TAG[t]) for w, t in zip(example["words"], example["tags"])]


CARD_OCR = OcrResult(
    lines=[
        line("Jane Q Public", 100, 50, 500, 100),
        line("Head of Sales", 100, 110, 450, 150),
        line("Tel: +1 415 555 0100", 100, 300, 700, 340),
        line("jane@exarnple.com", 100, 360, 600, 400),  # OCR misread: rn for m
    ],
    width=W, height=H,
)


def card_task(task_id: int = 1, result: list | None = None) -> dict:
    result = result if result is not None else (
        region("a", "FULL_NAME", "Jane Q Public", 90, 45, 510, 105)
        + region("b", "PHONE", "+1 415 555 0100", 215, 295, 705, 345)
        + region("c", "EMAIL", "jane@example.com", 95, 355, 605, 405)
    )
    return {"id": task_id, "data": {"image": f"/data/upload/{task_id}.png"},
            "annotations": [{"id": 100 + task_id, "created_at": "2026-11-23T10:00:00Z", "result": result}]}


def test_containment():
    assert containment((0, 0, 10, 10), (0, 0, 20, 20)) == 1.0
    assert containment((0, 0, 10, 10), (5, 0, 20, 20)) == 0.5
    assert containment((0, 0, 0, 10), (0, 0, 20, 20)) == 0.0


def test_agreeing_regions_keep_ocr_words_and_corrections_win():
    card = card_example(card_task(), Image.new("RGB", (W, H)), CARD_OCR, heldout_fraction=0.0)
    tags = tags_of(card.example)
    assert tags[:3] == [("Jane", "B-FULL_NAME"), ("Q", "I-FULL_NAME"), ("Public", "I-FULL_NAME")]
    # unlabeled line -> O
    assert ("Head", "O") in tags and ("Sales", "O") in tags
    # "Tel:" lies outside the phone region: O; the number keeps the OCR's words
    assert ("Tel:", "O") in tags
    phone = [t for w, t in tags if w in {"+1", "415", "555", "0100"}]
    assert phone == ["B-PHONE", "I-PHONE", "I-PHONE", "I-PHONE"]
    # the misread e-mail is replaced by the annotator's text
    assert ("jane@example.com", "B-EMAIL") in tags
    assert all(w != "jane@exarnple.com" for w, _ in tags)
    assert card.corrected_regions == 1 and card.annotation_id == 101 and card.heldout is False


def test_text_the_ocr_missed_is_inserted_by_position():
    result = region("w", "WEBSITE", "example.com", 100, 200, 400, 240)
    aligned = align(CARD_OCR, regions_from_result(result), W, H)
    texts = [ln.text for ln in aligned.lines]
    assert texts.index("example.com") == 2  # between the position line (y 110) and the phone (y 300)
    assert aligned.spans[2] == [(0, len("example.com"), "website")]


def test_multiline_correction_gives_one_row_per_line():
    result = region("addr", "ADDRESS", "1 Main St\nSpringfield", 100, 450, 600, 560)
    card = card_example(card_task(result=result), Image.new("RGB", (W, H)), CARD_OCR, 0.0)
    tags = tags_of(card.example)
    assert ("1", "B-ADDRESS") in tags and ("Springfield", "B-ADDRESS") in tags
    boxes = dict(zip(card.example["words"], card.example["bboxes"]))
    assert boxes["Springfield"][1] > boxes["Main"][1], "second line below the first"


def test_regions_map_through_the_ocr_rotation():
    # The OCR turned a portrait photo 90 degrees clockwise: upright frame is 600 x 1000... here the
    # original is 600 wide, 1000 high and the upright (OCR) frame 1000 x 600.
    ocr = OcrResult(lines=[line("Jane Public", 100, 50, 500, 100)], width=1000, height=600, rotation=90)
    # In the original frame, upright (x, y) came from (y, 600 - x)... map the upright box back.
    from ml_backend.reading.geometry import to_original_frame

    pts = to_original_frame([(90, 45), (510, 45), (510, 105), (90, 105)], 90, 1000, 600)
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    result = region("n", "FULL_NAME", "Jane Public", min(xs), min(ys), max(xs), max(ys), w=600, h=1000)
    card = card_example(card_task(result=result), Image.new("RGB", (600, 1000)), ocr, 0.0)
    assert tags_of(card.example) == [("Jane", "B-FULL_NAME"), ("Public", "I-FULL_NAME")]


def test_other_and_qr_regions_do_not_label_words():
    result = region("o", "OTHER", "Head of Sales", 90, 105, 460, 155)
    qr = region("q", "EMAIL", "qr@example.com", 800, 400, 950, 550)
    for item in qr:
        item["meta"] = {"source": "qr", "placement": "qr"}
    card = card_example(card_task(result=result + qr), Image.new("RGB", (W, H)), CARD_OCR, 0.0)
    assert all(t == "O" for _, t in tags_of(card.example))
    assert "qr@example.com" not in card.example["words"]


def test_heldout_split_is_deterministic_and_near_the_fraction():
    ids = range(1, 2001)
    first = [i for i in ids if is_heldout(i, 0.2)]
    assert first == [i for i in ids if is_heldout(i, 0.2)]
    assert 0.17 < len(first) / 2000 < 0.23
    assert not any(is_heldout(i, 0.0) for i in ids)


def test_build_dataset_splits_caches_ocr_and_records_skips(tmp_path):
    reads = []

    def reader(image):
        reads.append(image.size)
        return CARD_OCR

    def loader(task):
        if task["id"] == 13:
            raise OSError("image gone")
        return Image.new("RGB", (W, H), color=(task["id"] % 250, 0, 0))

    tasks = [card_task(i) for i in range(1, 41)] + [{"id": 99, "data": {}, "annotations": []}]
    cache = OcrCache(tmp_path / "ocr", "test")
    built = build_dataset(tasks, loader, reader, heldout_fraction=0.25, cache=cache)
    assert built.skipped == {13: "OSError: image gone"}
    assert set(built.train_tasks).isdisjoint(built.heldout_tasks)
    assert set(built.heldout_tasks) == {i for i in range(1, 41) if i != 13 and is_heldout(i, 0.25)}
    assert len(built.train) == len(built.train_tasks) and len(built.heldout) == len(built.heldout_tasks)
    assert built.annotation_ids == {100 + i for i in range(1, 41) if i != 13}
    assert set(built.train.column_names) >= {"words", "bboxes", "tags"}
    n_reads = len(reads)
    build_dataset(tasks, loader, reader, heldout_fraction=0.25, cache=cache)
    assert len(reads) == n_reads, "second build reads OCR from the cache"


# --- images of several cards ------------------------------------------------------------------

SHEET_W, SHEET_H = 2000, 1000
CARD_W, CARD_H = 800, 480
#: (top-left corner, turn in degrees, colour, name, e-mail) of the two cards on the sheet
SHEET_CARDS = [((100.0, 100.0), 0.0, (250, 250, 250), "Anna Smith", "anna@northwind.com"),
               ((1100.0, 150.0), 8.0, (200, 220, 250), "Boris Becker", "boris@northwind.com")]
#: where the name and the e-mail are printed on a card, in the card's own pixels
NAME_BOX, EMAIL_BOX = (50, 40, 450, 100), (50, 300, 600, 350)


def on_sheet(corner, turn, u, v):
    a = math.radians(turn)
    return (corner[0] + u * math.cos(a) - v * math.sin(a), corner[1] + u * math.sin(a) + v * math.cos(a))


def turned_region(rid, label, text, corner, turn, box, parent=None, meta=None):
    """Label Studio items of a box given in a card's frame, drawn on the sheet turned with the card."""
    x, y = on_sheet(corner, turn, box[0], box[1])
    geometry = {"x": x / SHEET_W * 100, "y": y / SHEET_H * 100, "width": (box[2] - box[0]) / SHEET_W * 100,
                "height": (box[3] - box[1]) / SHEET_H * 100, "rotation": turn}
    common = {"id": rid, "to_name": "image", "original_width": SHEET_W, "original_height": SHEET_H}
    if parent:
        common["parentID"] = parent
    if meta:
        common["meta"] = meta
    return [
        {**common, "from_name": "label", "type": "rectanglelabels", "value": {**geometry, "rectanglelabels": [label]}},
        {**common, "from_name": "transcription", "type": "textarea", "value": {**geometry, "text": [text]}},
    ]


def sheet_task_and_image():
    image = Image.new("RGB", (SHEET_W, SHEET_H), (60, 60, 60))
    draw = ImageDraw.Draw(image)
    result = []
    for k, (corner, turn, colour, name, email) in enumerate(SHEET_CARDS, 1):
        draw.polygon([on_sheet(corner, turn, u, v) for u, v in ((0, 0), (CARD_W, 0), (CARD_W, CARD_H), (0, CARD_H))],
                     fill=colour)
        result += turned_region(f"c{k}", "OTHER", "", corner, turn, (0, 0, CARD_W, CARD_H),
                                meta={"placement": "card", "card": k})
        result += turned_region(f"c{k}-n", "FULL_NAME", name, corner, turn, NAME_BOX, parent=f"c{k}")
        # the e-mail region drawn by the annotator: no parent, found by where it lies
        result += turned_region(f"c{k}-e", "EMAIL", email, corner, turn, EMAIL_BOX)
    task = {"id": 5, "data": {"image": "/data/upload/sheet.png"},
            "annotations": [{"id": 500, "created_at": "2026-11-23T10:00:00Z", "result": result}]}
    return task, image


def crop_reader(seen):
    """An OCR of a flat card crop: the card's name and e-mail where they are printed, told apart by
    the card's colour (as a real OCR would read the card's own text)."""
    def read(image):
        seen.append(image.size)
        colour = image.getpixel((image.width // 2, image.height // 2))
        _, _, _, name, email = min(SHEET_CARDS, key=lambda c: sum(abs(a - b) for a, b in zip(c[2], colour)))
        return OcrResult(lines=[line(name, 55, 45, 440, 95), line(email, 55, 305, 590, 345)],
                         width=image.width, height=image.height)
    return read


def test_each_card_of_a_multi_card_annotation_is_one_example_read_from_its_flat_crop():
    task, image = sheet_task_and_image()
    seen: list[tuple[int, int]] = []
    cards = card_examples(task, image, crop_reader(seen), 0.0)
    assert [c.card for c in cards] == ["c1", "c2"]
    assert all(abs(w - CARD_W) <= 2 and abs(h - CARD_H) <= 2 for w, h in seen)  # read flat, card by card
    for card, (_, _, _, name, email) in zip(cards, SHEET_CARDS):
        assert card.corrected_regions == 0  # every region found its OCR words in the crop
        assert tags_of(card.example) == [(name.split()[0], "B-FULL_NAME"), (name.split()[1], "I-FULL_NAME"),
                                         (email, "B-EMAIL")]


def test_build_dataset_counts_each_card_of_a_sheet():
    task, image = sheet_task_and_image()
    built = build_dataset([task, card_task(6)], lambda t: image if t["id"] == 5 else Image.new("RGB", (W, H)),
                          lambda im: crop_reader([])(im) if im.size != (W, H) else CARD_OCR, 0.0)
    assert built.train_tasks == [5, 5, 6] and len(built.train) == 3 and built.skipped == {}
