"""Which tasks become contacts, rejections or nothing, and what the contact holds (no database)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from active_learning.crm.assemble import ContactRecord, NotExported, Rejection, TaskCards, assemble_task
from ml_backend.studio.multicard_regions import card_groups
from ml_backend.studio.client import changed_since, latest_annotation
from crm_tasks import annotation, card_result, multi_card_result, person, region, stamp, task, validated_choice


def test_validated_card_becomes_a_normalised_contact():
    result = card_result({
        "full_name": "Anna Smith",
        "company": "Northwind Traders",
        "email": ["Anna.Smith@Northwind.COM", "sales@northwind.com"],
        "phone": ["+1 (212) 555-0100", "tel: +1 212 555 0199"],
        "website": "https://www.Northwind.com/",
    }, extra=region(None, "Since 1999", y=90.0))
    out = assemble_task(task(7, [annotation(result, 3, annotation_id=70)]))
    assert isinstance(out, ContactRecord)
    assert out.source.task_id == 7 and out.source.annotation_id == 70
    assert out.source.annotation_updated_at == datetime.fromisoformat(stamp(3))
    assert out.fields["full_name"] == "Anna Smith"
    assert out.fields["email"] == ["anna.smith@northwind.com", "sales@northwind.com"]
    assert out.fields["phone"] == ["+12125550100", "+12125550199"]
    assert out.fields["website"] == ["www.northwind.com"]
    assert out.fields["position"] is None and out.fields["address"] is None
    assert set(out.field_confidence) == {"full_name", "company", "email", "phone", "website"}


def test_single_value_field_split_over_regions_is_joined_in_reading_order():
    result = (region("address", "New York, NY 10118", y=60) + region("address", "350 Fifth Avenue", y=50)
              + region("full_name", "Smith", y=10, x=40) + region("full_name", "Anna", y=10, x=5)
              + region("email", "anna@northwind.com", y=30) + [validated_choice()])
    out = assemble_task(task(1, [annotation(result, 0)]))
    assert isinstance(out, ContactRecord)
    assert out.fields["full_name"] == "Anna Smith"
    assert out.fields["address"] == "350 Fifth Avenue, New York, NY 10118"


def test_phone_without_country_code_is_read_in_the_cards_country():
    result = card_result({"full_name": "Ivan Petrov", "phone": "8 (912) 345-67-89",
                          "address": "ул. Тверская, 7, Москва, 125009"})
    out = assemble_task(task(1, [annotation(result, 0)]))
    assert isinstance(out, ContactRecord)
    assert out.fields["phone"] == ["+79123456789"]


@pytest.mark.parametrize("annotations, reason", [
    ([], "no annotation"),
    ([annotation(card_result(person(1)), 0, cancelled=True)], "latest annotation cancelled"),
    ([annotation(card_result(person(1), validated=False), 0)], "latest annotation not validated"),
    # the newest annotation decides, even when an older one was validated
    ([annotation(card_result(person(1)), 0), annotation(card_result(person(1), validated=False), 5)],
     "latest annotation not validated"),
])
def test_tasks_that_are_not_validated_cards_are_not_exported(annotations, reason):
    assert assemble_task(task(3, annotations)) == NotExported(3, reason)


def test_latest_annotation_is_the_most_recently_updated():
    old, new = annotation([], 1, annotation_id=11), annotation([], 9, annotation_id=10)
    assert latest_annotation(task(1, [new, old]))["id"] == 10
    assert latest_annotation(task(1, [old, new]))["id"] == 10


def test_invalid_email_rejects_the_card_with_the_reason():
    fields = {**person(1), "email": "anna.smith@northwind"}
    out = assemble_task(task(4, [annotation(card_result(fields), 0)]))
    assert isinstance(out, Rejection)
    assert [r["field"] for r in out.reasons] == ["email"]
    assert out.reasons[0]["value"] == "anna.smith@northwind" and out.reasons[0]["reason"]
    assert out.fields["full_name"] == fields["full_name"]  # the rest of the card is kept for review


def test_card_with_no_name_email_or_phone_is_rejected():
    out = assemble_task(task(5, [annotation(card_result({"company": "Northwind Traders",
                                                         "website": "northwind.com"}), 0)]))
    assert isinstance(out, Rejection)
    assert out.reasons == [{"field": None, "value": None, "reason": "no full_name, email or phone"}]


def test_email_only_card_is_a_contact():
    out = assemble_task(task(6, [annotation(card_result({"email": "info@northwind.com"}), 0)]))
    assert isinstance(out, ContactRecord)


def test_model_version_and_confidence_come_from_the_pre_annotation():
    kept = region("full_name", "Anna Smith", y=10, region_id="a", score=0.62)
    predicted_email = region("email", "anna@northwnd.com", y=20, region_id="b", score=0.55)
    prediction = {"id": 31, "model_version": "v7", "score": 0.5, "created_at": stamp(0),
                  "result": kept + predicted_email}
    older = {"id": 30, "model_version": "v6", "score": 0.9, "created_at": stamp(-5), "result": []}
    corrected_email = region("email", "anna@northwind.com", y=20, region_id="b")
    result = kept + corrected_email + [validated_choice()]
    out = assemble_task(task(8, [annotation(result, 2, parent_prediction=31)], predictions=[prediction, older]))
    assert isinstance(out, ContactRecord)
    assert out.source.model_version == "v7"
    assert out.field_confidence == {"full_name": 0.62, "email": 1.0}  # kept: model's score; corrected: 1.0


def test_without_parent_prediction_the_newest_prediction_is_the_pre_annotation():
    predictions = [{"id": 1, "model_version": "v1", "created_at": stamp(0), "result": []},
                   {"id": 2, "model_version": "v2", "created_at": stamp(1), "result": []}]
    out = assemble_task(task(9, [annotation(card_result(person(9)), 5)], predictions=predictions))
    assert out.source.model_version == "v2"
    assert assemble_task(task(9, [annotation(card_result(person(9)), 5)])).source.model_version is None


def test_changed_since_keeps_tasks_at_or_after_the_watermark():
    tasks = [task(1, [annotation([], 1)]), task(2, [annotation([], 5)]), task(3, []),
             task(4, [annotation([], 0), annotation([], 7)])]
    watermark = datetime.fromisoformat(stamp(5))
    assert [t["id"] for t in changed_since(tasks, watermark)] == [2, 4]
    assert [t["id"] for t in changed_since(tasks, None)] == [1, 2, 4]
    assert watermark.tzinfo == timezone.utc


# --- several cards in one task ---------------------------------------------------------------


def test_each_card_group_of_a_multi_card_annotation_is_its_own_contact():
    out = assemble_task(task(20, [annotation(multi_card_result([person(1), person(2), person(3)]), 4)]))
    assert isinstance(out, TaskCards) and out.task_id == 20
    assert [c.source.card for c in out.cards] == ["c1", "c2", "c3"]
    assert all(isinstance(c, ContactRecord) for c in out.cards)
    assert [c.fields["email"] for c in out.cards] == [["contact.1@northwind.com"], ["contact.2@northwind.com"],
                                                      ["contact.3@northwind.com"]]
    assert [c.fields["full_name"] for c in out.cards] == ["Boris Becker", "Clara Martin", "David Jones"]


def test_regions_drawn_without_a_parent_go_to_the_card_they_lie_on():
    result = multi_card_result([person(1), person(2)], with_parents=False)
    out = assemble_task(task(21, [annotation(result, 0)]))
    assert isinstance(out, TaskCards)
    assert [c.fields["phone"] for c in out.cards] == [["+12125550001"], ["+12125550002"]]


def test_one_bad_card_is_rejected_alone():
    out = assemble_task(task(22, [annotation(multi_card_result([person(1), {**person(2), "email": "x@northwind"}]), 0)]))
    assert isinstance(out, TaskCards)
    good, bad = out.cards
    assert isinstance(good, ContactRecord) and isinstance(bad, Rejection)
    assert bad.source.card == "c2" and [r["field"] for r in bad.reasons] == ["email"]


def test_card_groups_follow_parent_ids_over_geometry():
    result = multi_card_result([person(1), person(2)])
    # move card 2's name region onto card 1: its parentID still says card 2
    moved = [item for item in result if item.get("parentID") == "c2" and item["type"] == "rectanglelabels"
             and item["value"]["rectanglelabels"] == ["FULL_NAME"]]
    assert len(moved) == 1
    moved[0]["value"]["x"] = 6.0
    groups = card_groups(result)
    assert [g.key for g in groups] == ["c1", "c2"]
    names = [[r.text for r in g.regions if r.field == "full_name"] for g in groups]
    assert names == [["Boris Becker"], ["Clara Martin"]]


def test_a_single_card_annotation_keeps_the_empty_card_key():
    out = assemble_task(task(23, [annotation(card_result(person(1)), 0)]))
    assert isinstance(out, ContactRecord) and out.source.card == ""
