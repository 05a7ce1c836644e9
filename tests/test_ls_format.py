"""Card -> Label Studio prediction JSON and back (regions_from_result), incl. rotations and QR values."""

from __future__ import annotations

import pytest

from ml_backend.studio import regions as ls_format
from ml_backend.studio.regions import (
    AnnotatedRegion,
    card_to_prediction,
    empty_prediction,
    is_validated,
    percent_box,
    regions_from_result,
    validated_choices,
)
from ml_backend.schema import Card, FieldValue, OcrResult


def _card(values, width=1000, height=500, rotation=0, qr_box=None, confidence=0.8) -> Card:
    return Card(values=values, confidence=confidence, ocr=OcrResult(lines=[], width=width, height=height, rotation=rotation),
                qr_box=qr_box, model_version="v7")


def _items(prediction, region_id):
    return [item for item in prediction["result"] if item["id"] == region_id]


def test_one_region_per_value_with_rectangle_and_text_sharing_an_id():
    card = _card([
        FieldValue("full_name", "Jane Doe", "Jane Doe", 0.9, bbox=(100, 50, 400, 100)),
        FieldValue("phone", "+4930123456", "Tel: 030 123456", 0.6, bbox=(100, 300, 500, 340), display="+49 30 123456"),
    ])
    pred = card_to_prediction(card, 1000, 500)
    assert pred["model_version"] == "v7"
    assert pred["score"] == 0.8
    assert len(pred["result"]) == 4
    ids = {item["id"] for item in pred["result"]}
    assert len(ids) == 2
    rect, text = _items(pred, "v0-full_name")
    assert rect["from_name"] == "label" and rect["type"] == "rectanglelabels" and rect["to_name"] == "image"
    assert rect["value"] == {"x": 10.0, "y": 10.0, "width": 30.0, "height": 10.0, "rotation": 0,
                             "rectanglelabels": ["FULL_NAME"]}
    assert text["from_name"] == "transcription" and text["type"] == "textarea"
    assert text["value"]["text"] == ["Jane Doe"]
    assert {k: text["value"][k] for k in ("x", "y", "width", "height")} == {"x": 10.0, "y": 10.0, "width": 30.0, "height": 10.0}
    for item in pred["result"]:
        assert item["original_width"] == 1000 and item["original_height"] == 500 and item["image_rotation"] == 0
    assert rect["score"] == 0.9
    # the display form (international phone format) is what the annotator edits
    assert _items(pred, "v1-phone")[1]["value"]["text"] == ["+49 30 123456"]
    assert "meta" not in rect
    # ... and the E.164 form the CRM stores rides along in the region's meta
    assert all(item["meta"] == {"e164": "+4930123456"} for item in _items(pred, "v1-phone"))


def test_unconfirmed_phone_has_no_e164_in_meta():
    card = _card([FieldValue("phone", "12345", "12345", 0.4, bbox=(0, 0, 10, 10), valid=False, reason="too short")])
    rect, _text = card_to_prediction(card, 1000, 500)["result"]
    assert rect["meta"] == {"text": ["check: too short"]}


@pytest.mark.parametrize("rotation, expected", [
    # the upright 1000x500 box (100,50)-(400,100) seen in the original the OCR turned upright
    (0, (10.0, 10.0, 30.0, 10.0)),
    (180, (60.0, 80.0, 30.0, 10.0)),   # (x, y) -> (1000 - x, 500 - y)
    (90, (10.0, 60.0, 10.0, 30.0)),    # original 500x1000: (x, y) -> (y, 1000 - x)
    (270, (80.0, 10.0, 10.0, 30.0)),   # original 500x1000: (x, y) -> (500 - y, x)
])
def test_boxes_are_mapped_from_the_upright_frame_to_the_original(rotation, expected):
    up_w, up_h = 1000, 500
    orig_w, orig_h = (up_w, up_h) if rotation in (0, 180) else (up_h, up_w)
    assert percent_box((100, 50, 400, 100), rotation, up_w, up_h, orig_w, orig_h) == pytest.approx(expected)


def test_boxes_spilling_over_the_edge_are_clamped():
    assert percent_box((-10, -5, 1100, 250), 0, 1000, 500, 1000, 500) == (0.0, 0.0, 100.0, 50.0)


def test_qr_only_values_sit_on_the_qr_code_and_are_marked():
    card = _card([FieldValue("email", "a@b.de", "a@b.de", 1.0, source="qr")], qr_box=(800, 300, 950, 450))
    rect, text = card_to_prediction(card, 1000, 500)["result"]
    assert rect["value"]["x"] == 80.0 and rect["value"]["y"] == 60.0
    assert rect["value"]["width"] == 15.0 and rect["value"]["height"] == 30.0
    assert rect["meta"]["source"] == "qr" and rect["meta"]["placement"] == "qr"
    assert text["value"]["text"] == ["a@b.de"]
    region, = regions_from_result(card_to_prediction(card, 1000, 500)["result"])
    assert region.source == "qr" and region.placement == "qr" and region.field == "email"


def test_qr_value_with_a_text_box_keeps_the_text_box():
    card = _card([FieldValue("email", "a@b.de", "a@b.de", 1.0, source="qr", bbox=(0, 0, 100, 50))], qr_box=(800, 300, 950, 450))
    rect = card_to_prediction(card, 1000, 500)["result"][0]
    assert rect["value"]["x"] == 0.0 and rect["meta"] == {"source": "qr", "text": ["read from the card's QR code"]}


def test_a_value_with_no_box_at_all_covers_the_card_and_says_so():
    card = _card([FieldValue("website", "https://x.io", "x.io", 0.7, source="rule")])
    rect = card_to_prediction(card, 1000, 500)["result"][0]
    assert (rect["value"]["x"], rect["value"]["y"], rect["value"]["width"], rect["value"]["height"]) == (0.0, 0.0, 100.0, 100.0)
    assert rect["meta"]["placement"] == "card" and rect["meta"]["source"] == "rule"


def test_a_value_the_validator_emptied_shows_the_raw_text():
    card = _card([FieldValue("email", "", "jane at doe", 0.2, valid=False, reason="no @", bbox=(0, 0, 10, 10))])
    assert card_to_prediction(card, 100, 100)["result"][1]["value"]["text"] == ["jane at doe"]


def test_invalid_values_carry_the_reason_for_the_annotator():
    card = _card([FieldValue("email", "a@b", "a@b", 0.4, valid=False, reason="no top-level domain", bbox=(0, 0, 10, 10))])
    rect = card_to_prediction(card, 1000, 500)["result"][0]
    assert rect["meta"]["text"] == ["check: no top-level domain"]


def test_empty_card_and_empty_prediction():
    assert card_to_prediction(_card([], confidence=0.0), 10, 10) == {"model_version": "v7", "score": 0.0, "result": []}
    assert empty_prediction("v1") == {"model_version": "v1", "score": 0.0, "result": []}
    assert card_to_prediction(_card([]), 10, 10, model_version="other")["model_version"] == "other"


def test_bad_original_size_is_refused():
    with pytest.raises(ValueError):
        card_to_prediction(_card([FieldValue("email", "a@b.de", "a@b.de", 1.0, bbox=(0, 0, 1, 1))]), 0, 10)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_round_trip_card_to_regions(rotation):
    up_w, up_h = 1200, 700
    orig_w, orig_h = (up_w, up_h) if rotation in (0, 180) else (up_h, up_w)
    values = [
        FieldValue("full_name", "Jane Doe", "Jane Doe", 0.91, bbox=(120, 70, 480, 140)),
        FieldValue("email", "jane@doe.io", "jane@doe.io", 0.55, bbox=(120, 400, 600, 450)),
        FieldValue("phone", "+15551234567", "555 123 4567", 0.75, bbox=(120, 500, 600, 560)),
    ]
    card = _card(values, width=up_w, height=up_h, rotation=rotation)
    regions = regions_from_result(card_to_prediction(card, orig_w, orig_h)["result"])
    assert [r.field for r in regions] == ["full_name", "email", "phone"]
    assert [r.label for r in regions] == ["FULL_NAME", "EMAIL", "PHONE"]
    assert [r.text for r in regions] == ["Jane Doe", "jane@doe.io", "+15551234567"]
    assert [r.score for r in regions] == [0.91, 0.55, 0.75]
    from ml_backend.reading.geometry import to_upright_frame

    for region, value in zip(regions, values):
        assert (region.original_width, region.original_height) == (orig_w, orig_h)
        x0, y0, x1, y1 = region.pixel_bbox()
        pts = to_upright_frame([(x0, y0), (x1, y1)], rotation, orig_w, orig_h)
        xs, ys = sorted(p[0] for p in pts), sorted(p[1] for p in pts)
        assert (xs[0], ys[0], xs[1], ys[1]) == pytest.approx(value.bbox, abs=0.1)


def _annotation_result():
    """What Label Studio stores for an annotator's work: labels, texts, a choice, another tool."""
    geo = {"x": 10, "y": 20, "width": 30, "height": 5, "rotation": 0}
    return [
        {"id": "a1", "from_name": "label", "to_name": "image", "type": "rectanglelabels",
         "original_width": 800, "original_height": 400, "image_rotation": 0,
         "value": {**geo, "rectanglelabels": ["EMAIL"]}},
        {"id": "a1", "from_name": "transcription", "to_name": "image", "type": "textarea",
         "original_width": 800, "original_height": 400, "value": {**geo, "text": ["x@y.com"]}},
        {"id": "b2", "from_name": "label", "to_name": "image", "type": "rectanglelabels",
         "original_width": 800, "original_height": 400, "value": {**geo, "y": 50, "rectanglelabels": ["OTHER"]}},
        {"id": "c3", "from_name": "label", "to_name": "image", "type": "rectanglelabels",
         "value": {**geo, "rotation": 90, "rectanglelabels": ["ADDRESS"]}},
        {"id": "c3", "from_name": "transcription", "to_name": "image", "type": "textarea",
         "value": {**geo, "text": ["Main St 1", "Berlin"]}},
        {"id": "ch", "from_name": "validated", "to_name": "image", "type": "choices", "value": {"choices": ["validated"]}},
        {"id": "t9", "from_name": "transcription", "to_name": "image", "type": "textarea", "value": {"text": ["floating"]}},
    ]


def test_regions_from_result_merges_items_by_id():
    regions = regions_from_result(_annotation_result())
    assert [r.id for r in regions] == ["a1", "b2", "c3"]
    email, other, address = regions
    assert email == AnnotatedRegion(id="a1", label="EMAIL", field="email", text="x@y.com", x=10.0, y=20.0, width=30.0,
                                    height=5.0, rotation=0.0, original_width=800, original_height=400)
    assert other.field is None and other.label == "OTHER" and other.text == ""
    assert address.text == "Main St 1\nBerlin" and address.rotation == 90.0
    assert email.pixel_bbox() == (80.0, 80.0, 320.0, 100.0)
    with pytest.raises(ValueError):
        address.pixel_bbox()
    # rotated 90° clockwise around its top-left corner: the box hangs down-left of (x, y)
    x0, y0, x1, y1 = address.pixel_bbox(800, 400)
    assert (x0, y0, x1, y1) == pytest.approx((80 - 20, 80, 80, 80 + 240))


def test_unknown_labels_are_kept_not_relabelled():
    item = {"id": "z", "from_name": "label", "type": "rectanglelabels",
            "value": {"x": 1, "y": 1, "width": 1, "height": 1, "rectanglelabels": ["PAGER"]}}
    region, = regions_from_result([item, "junk", {"type": "rectanglelabels"}])
    assert region.label == "PAGER" and region.field is None


def test_validated_choice_reader():
    result = _annotation_result()
    assert validated_choices(result) == ["validated"]
    assert is_validated(result)
    assert not is_validated([r for r in result if r["type"] != "choices"])
    both = [{"from_name": "validated", "type": "choices", "value": {"choices": ["validated", "needs_review"]}}]
    assert not is_validated(both)
    review = [{"from_name": "validated", "type": "choices", "value": {"choices": ["needs_review"]}}]
    assert not is_validated(review) and validated_choices(review) == ["needs_review"]


def test_names_are_the_label_config_names():
    assert (ls_format.IMAGE_NAME, ls_format.LABEL_NAME, ls_format.TEXT_NAME, ls_format.STATUS_NAME) == (
        "image", "label", "transcription", "validated")
