"""label_config/card.xml agrees with the schema and with the names ls_format writes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import label_config
from ml_backend.studio import regions as ls_format
from ml_backend.schema import LS_LABELS, VALIDATED_CHOICE


def _root() -> ET.Element:
    return ET.fromstring(label_config.load())


def _single(tag: str) -> ET.Element:
    found = _root().findall(f".//{tag}")
    assert len(found) == 1, f"expected one <{tag}>, found {len(found)}"
    return found[0]


def test_rectangle_labels_are_the_schema_labels_in_order():
    rect = _single("RectangleLabels")
    assert rect.get("name") == ls_format.LABEL_NAME
    assert rect.get("toName") == ls_format.IMAGE_NAME
    assert tuple(label.get("value") for label in rect.findall("Label")) == LS_LABELS


def test_image_reads_the_image_data_key():
    image = _single("Image")
    assert image.get("name") == ls_format.IMAGE_NAME
    assert image.get("value") == f"${ls_format.IMAGE_NAME}"


def test_transcription_is_an_editable_per_region_textarea():
    area = _single("TextArea")
    assert area.get("name") == ls_format.TEXT_NAME
    assert area.get("toName") == ls_format.IMAGE_NAME
    assert area.get("perRegion") == "true"
    assert area.get("editable") == "true"


def test_card_status_choices_offer_validated():
    choices = _single("Choices")
    assert choices.get("name") == ls_format.STATUS_NAME
    assert choices.get("toName") == ls_format.IMAGE_NAME
    values = tuple(c.get("value") for c in choices.findall("Choice"))
    assert values == ls_format.STATUS_CHOICES
    assert VALIDATED_CHOICE in values


def test_load_reads_a_given_path(tmp_path):
    other = tmp_path / "x.xml"
    other.write_text("<View/>")
    assert label_config.load(other) == "<View/>"
