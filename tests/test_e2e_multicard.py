"""End to end for an image of several business cards: a real Label Studio 1.23 gets one region
group per card from the real backend (gunicorn, tiny model), an annotator's validated annotation
of those groups goes back through Label Studio, and the CRM export (RQ job, real PostgreSQL)
files one contact per card -- and withdraws a card the annotator later removes.

The sheet is composed by the generator (``active_learning.synth.multicard``), so every card's true
outline and values are known; the annotator keeps the backend's card outlines and types each
card's values from the truth into regions tied to the outline (``parentID``), as an annotator
correcting the model would.
"""

from __future__ import annotations

import random
import secrets

import psycopg
import pytest
from rq import Queue, SimpleWorker

from active_learning.crm.db import ensure_database
from active_learning.loop import queue as al_queue
from active_learning.synth.multicard import compose_multicard
from ml_backend.config import load_settings
from ml_backend.reading.cards import quad_iou
from ml_backend.schema import FIELD_TO_LABEL, VALIDATED_CHOICE, VALIDATED_CHOICES_NAME
from ml_backend.studio.multicard_regions import card_groups
from scripts import ls_project
from test_e2e_label_studio import _predictions, backend  # noqa: F401 -- the backend fixture, shared

pytestmark = [pytest.mark.integration, pytest.mark.slow]

N_CARDS = 3
#: Fields the simulated annotator types in (one region per value).
TYPED_FIELDS = ("full_name", "position", "company", "email", "phone")


@pytest.fixture
def crm_env(pg_server, label_studio, redis_url, monkeypatch):
    """Settings pointing at the session's Label Studio and Redis and at a fresh CRM database."""
    name = f"cardloop_crm_multi_{secrets.token_hex(4)}"
    url = pg_server.dsn(name)
    assert ensure_database(url)
    for key, value in {"CRM_DATABASE_URL": url, "LABEL_STUDIO_URL": label_studio.url,
                       "LABEL_STUDIO_API_KEY": label_studio.token, "REDIS_URL": redis_url}.items():
        monkeypatch.setenv(key, value)
    yield url
    pg_server.drop_database(name)


def annotator_regions(card_id: str, truth_card: dict, width: int, height: int) -> list[dict]:
    """The regions an annotator draws for one card: each typed value over the first truth line
    printing that field, tied to the card's outline by ``parentID``."""
    items: list[dict] = []
    for field in TYPED_FIELDS:
        values = truth_card["fields"].get(field)
        values = [values] if isinstance(values, str) else list(values or [])
        line = next((ln for ln in truth_card["lines"] if any(s[2] == field for s in ln.get("spans") or [])), None)
        if not values or line is None:
            continue
        x0, y0, x1, y1 = line["bbox"]
        geometry = {"x": x0 / width * 100, "y": y0 / height * 100, "width": (x1 - x0) / width * 100,
                    "height": (y1 - y0) / height * 100, "rotation": 0}
        for k, value in enumerate(values):
            common = {"id": f"{card_id}-a-{field}-{k}", "parentID": card_id, "to_name": "image",
                      "original_width": width, "original_height": height, "image_rotation": 0}
            items += [
                {**common, "from_name": "label", "type": "rectanglelabels",
                 "value": {**geometry, "rectanglelabels": [FIELD_TO_LABEL[field]]}},
                {**common, "from_name": "transcription", "type": "textarea", "value": {**geometry, "text": [value]}},
            ]
    return items


def contacts(url: str) -> dict[str, dict]:
    with psycopg.connect(url, row_factory=psycopg.rows.dict_row) as conn:
        return {r["ls_card"]: r for r in conn.execute("SELECT * FROM contacts").fetchall()}


def test_a_multi_card_image_gets_a_region_group_per_card_and_a_contact_per_card(
        label_studio, backend, crm_env, redis_conn, tmp_path):  # noqa: F811 -- pytest injects the fixture
    backend_url, version = backend
    sheet, truth = compose_multicard(random.Random(2604), n_cards=N_CARDS, background="scanner")
    path = tmp_path / "sheet.jpg"
    sheet.save(path, quality=92)
    width, height = sheet.size
    done = ls_project.setup_project(label_studio, "cardloop multi-card e2e", backend_url, images=[path])
    assert done["imported"] == 1
    [task] = list(label_studio.client.tasks.list(project=done["project"], fields="all"))
    [prediction] = _predictions(task)
    assert prediction["model_version"] == version

    # the backend's prediction: one outline per card, each with its field regions tied to it
    groups = card_groups(prediction["result"])
    assert [g.key for g in groups] == [f"c{k}" for k in range(1, N_CARDS + 1)]
    truth_of: dict[str, dict] = {}
    for group in groups:
        outline = group.outline.pixel_corners(width, height)
        best = max(truth["cards"], key=lambda c: quad_iou(outline, c["outline"]))
        assert quad_iou(outline, best["outline"]) >= 0.8
        truth_of[group.key] = best
        assert group.regions and all(r.parent_id == group.key for r in group.regions)
    assert len({id(c) for c in truth_of.values()}) == N_CARDS  # no card found twice

    # the annotator keeps the outlines, replaces the model's regions by the card's true values, validates
    outlines = [item for item in prediction["result"] if item["id"] in truth_of]
    result = outlines + [item for key, card in truth_of.items() for item in annotator_regions(key, card, width, height)]
    result.append({"id": "status", "from_name": VALIDATED_CHOICES_NAME, "to_name": "image", "type": "choices",
                   "value": {"choices": [VALIDATED_CHOICE]}})
    annotation = label_studio.client.annotations.create(id=task.id, result=result)
    stored = label_studio.client.annotations.get(id=annotation.id)
    assert [g.key for g in card_groups(stored.result)] == list(truth_of)  # Label Studio kept the groups

    # the webhook path: an RQ worker runs the CRM export of the annotation
    settings = load_settings()
    al_queue.enqueue_crm_sync(redis_conn, settings, done["project"], task.id, annotation.id, "ANNOTATION_CREATED")
    SimpleWorker([Queue(settings.light_queue, connection=redis_conn)], connection=redis_conn).work(burst=True)
    found = contacts(crm_env)
    assert set(found) == set(truth_of), "one contact per card"
    for key, card in truth_of.items():
        row = found[key]
        assert row["ls_task_id"] == task.id and row["ls_annotation_id"] == annotation.id
        assert row["full_name"] == card["normalised"]["full_name"]
        assert row["emails"] == card["normalised"]["email"]
        assert sorted(row["phones"]) == sorted(card["normalised"]["phone"])
        assert row["withdrawn_at"] is None

    # the annotator removes the last card (a false find, say): its contact is withdrawn, the others stay
    last = list(truth_of)[-1]
    kept = [item for item in stored.result if item["id"] != last and item.get("parentID") != last]
    label_studio.client.annotations.update(id=annotation.id, result=kept)
    al_queue.enqueue_crm_sync(redis_conn, settings, done["project"], task.id, annotation.id, "ANNOTATION_UPDATED")
    SimpleWorker([Queue(settings.light_queue, connection=redis_conn)], connection=redis_conn).work(burst=True)
    after = contacts(crm_env)
    assert after[last]["withdrawn_reason"] == "card no longer in the task's annotation"
    assert all(after[k]["withdrawn_at"] is None for k in truth_of if k != last)
