"""The "Next batch" refresh against a real Label Studio 1.23 and the tiny model's real pipeline.

- a card that cannot be read gets no prediction and sorts *last* (Label Studio orders NULL
  scores last), never first with a made-up score of 0;
- an empty score-0 prediction a transient failure left for the served version is deleted and the
  task scored again;
- refreshing the view rewrites its filter and ordering only: the annotator's hidden columns stay.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

import label_config
from active_learning.loop.batch import VIEW_TITLE, Scorer, ensure_next_batch_view, refresh_next_batch
from ml_backend.config import load_settings
from ml_backend.reading.fetch import ImageFetcher, task_image_url
from ml_backend.studio.client import auth_headers
from scripts import ls_project

pytestmark = pytest.mark.integration

HIDDEN = {"explore": ["tasks:inner_id", "tasks:annotators"], "labeling": ["tasks:data.image"]}


@pytest.fixture(scope="module")
def scorer(tiny_model_dir, label_studio):
    from ml_backend.reading.pipeline import CardPipeline

    settings = replace(load_settings(), local_files_root=str(label_studio.document_root),
                       label_studio_url=label_studio.url, label_studio_api_key=label_studio.token)
    pipeline = CardPipeline.load(settings, model_dir=tiny_model_dir)
    fetcher = ImageFetcher(settings, label_studio.url, auth_headers(label_studio.token))
    return settings, Scorer(pipeline.predict, pipeline.model_version, lambda t: fetcher.fetch_image(task_image_url(t)))


def _plain(item) -> dict:
    return item if isinstance(item, dict) else item.model_dump(mode="json")


def test_unreadable_cards_sort_last_stale_empty_predictions_are_rescored_and_view_settings_stay(label_studio, scorer):
    from active_learning.synth import generate_card

    settings, served = scorer
    client = label_studio.client
    project = client.projects.create(title="Next batch view", label_config=label_config.load()).id
    folder = Path(label_studio.document_root) / f"batch-view-{project}"
    folder.mkdir(parents=True)
    for i in range(3):
        generate_card(random.Random(900 + i), photo=False, rotation=0, qr=False)[0].save(folder / f"card{i}.png")
    ls_project.import_local_folder(label_studio, project, folder, label_studio.document_root)
    tasks = sorted(client.tasks.list(project=project, fields="all"), key=lambda t: int(t.id))
    stale = int(tasks[0].id)
    # a card whose image is gone: its read fails every time
    missing = client.projects.import_tasks(
        id=project, request=[{"image": f"/data/local-files/?d={folder.name}/gone.png"}], return_task_ids=True,
    ).task_ids[0]
    # what an old backend left after a transient fetch failure: an empty prediction, score 0
    client.predictions.create(task=stale, result=[], score=0.0, model_version=served.model_version)

    view_id = ensure_next_batch_view(client, project)
    view = _plain(client.views.get(id=str(view_id)))
    client.views.update(str(view_id), project=project, data={**view["data"], "hiddenColumns": HIDDEN})

    summary = refresh_next_batch(project, replace(settings, next_batch_size=10), client=client, scorer=served)
    assert summary["scored"] == 3 and set(summary["failed"]) == {missing}
    assert summary["view_id"] == view_id

    by_id = {int(t.id): t for t in client.tasks.list(project=project, fields="all")}
    stale_predictions = [_plain(p) for p in by_id[stale].predictions or []]
    assert len(stale_predictions) == 1 and stale_predictions[0]["result"], "the empty prediction was kept"
    assert not by_id[missing].predictions, "an unreadable card got a prediction"

    listed = [int(t.id) for t in client.tasks.list(project=project, view=view_id, fields="all")]
    assert listed[-1] == missing, f"the unreadable card is not last: {listed}"
    scores = {int(t.id): float(_plain(t.predictions[0])["score"]) for t in by_id.values() if t.predictions}
    assert [scores[t] for t in listed[:-1]] == sorted(scores.values()), "least confident first"

    data = _plain(client.views.get(id=str(view_id)))["data"]
    assert data["hiddenColumns"] == HIDDEN, "the refresh wiped the annotator's columns"
    assert data["title"] == VIEW_TITLE and data["ordering"] == ["tasks:predictions_score"]
    assert [v for v in client.views.list(project=project) if (_plain(v)["data"] or {}).get("title") == VIEW_TITLE]
