"""Two Label Studio projects train and promote through the real training job: neither replaces
the other's model, and a promotion for the same project made meanwhile stands.

Real Label Studio 1.23 (two projects of generated cards, annotated through the SDK), a private
Redis (training locks, pending annotations), the tiny model in a private copy of its registry.
``train_project`` runs in this process, exactly the function an RQ worker runs (the queue
mechanics around it: test_queue, test_e2e_active_learning). Phases, in order:

(a) project A's job promotes A1 over the default: only A's pointer moves;
(b) project B's job, started from the default like A's, promotes B1: with one global pointer it
    would have found A1 there and been refused (or, unchecked, replaced A1); now A keeps A1;
(c) the scoring job of project B predicts B's unlabeled tasks with B1 and sets B's model_version;
(d) a rollback of A made while A's next job trains stands: the job ends "superseded".
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from test_e2e_active_learning import image_name, truth_result

from active_learning.loop import queue as q
from active_learning.training.dataset import is_heldout
from ml_backend.registry import ModelRegistry
from scripts import ls_project

pytestmark = [pytest.mark.integration, pytest.mark.slow]

HELDOUT = 0.5
N_TRAIN, N_HELDOUT, N_UNLABELED = 4, 2, 2


@pytest.fixture(scope="module")
def env(label_studio, tiny_model_dir, redis_url, tmp_path_factory):
    """The settings a training worker has, set in this process's environment for the module."""
    registry = tmp_path_factory.mktemp("project-promotions") / "registry"
    shutil.copytree(Path(tiny_model_dir).parent.parent, registry, symlinks=True)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in dict(
            REDIS_URL=redis_url,
            LABEL_STUDIO_URL=label_studio.url,
            LABEL_STUDIO_API_KEY=label_studio.token,
            LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT=str(label_studio.document_root),
            CARDLOOP_REGISTRY_DIR=str(registry),
            CARDLOOP_MODEL_DIR=str(registry / "current"),
            CARDLOOP_HELDOUT_FRACTION=str(HELDOUT),
            # this test is about whose pointer moves, not the tiny model's quality: a tie on the
            # held-out cards promotes (the rule itself: test_jobs)
            CARDLOOP_MIN_HELDOUT_FOR_TIE="1",
            CARDLOOP_TRAIN_EPOCHS="2",
            CARDLOOP_REPLAY_RATIO="0.5",
            CARDLOOP_RETRAIN_AFTER="1000",
            CARDLOOP_TRAIN_QUEUE="projects-train",
            CARDLOOP_LIGHT_QUEUE="projects-light",
        ).items():
            mp.setenv(name, value)
        yield {"registry": ModelRegistry(registry), "redis": q.connect(redis_url)}


def _project(label_studio, title: str, seed: int) -> dict:
    """A project of generated cards: ids of its held-out, training and unlabeled tasks, and truths."""
    from active_learning.synth import generate_card

    folder = Path(label_studio.document_root) / title.replace(" ", "-")
    folder.mkdir(parents=True, exist_ok=True)
    project = ls_project.ensure_project(label_studio, title)
    by_name: dict = {}
    # the held-out side is drawn from the task id, and ids depend on what the server held before:
    # cards are added until both sides have enough
    while len(by_name) < 64:
        for i in range(len(by_name), len(by_name) + 8):
            image, by_name[f"card{i:02d}.png"] = generate_card(random.Random(seed + i), photo=False, rotation=0, qr=False)
            image.save(folder / f"card{i:02d}.png")
        ls_project.import_local_folder(label_studio, project, folder, label_studio.document_root)
        truths = {int(task.id): by_name[image_name(str(task.data["image"]))]
                  for task in label_studio.client.tasks.list(project=project, fields="all")}
        ids = sorted(truths)
        held = [t for t in ids if is_heldout(t, HELDOUT)]
        train = [t for t in ids if not is_heldout(t, HELDOUT)]
        if len(held) >= N_HELDOUT + 1 and len(train) >= N_TRAIN + N_UNLABELED:
            break
    assert len(held) >= N_HELDOUT + 1 and len(train) >= N_TRAIN + N_UNLABELED, "not enough tasks on one side"
    return {"id": project, "truths": truths, "held": held, "train": train}


def _annotate(label_studio, env, project: dict, task_ids: list[int]) -> None:
    """Annotations as an annotator makes them, recorded as pending as the webhooks would."""
    made = [int(label_studio.client.annotations.create(id=t, result=truth_result(project["truths"][t])).id)
            for t in task_ids]
    q.add_untrained(env["redis"], project["id"], made)


@pytest.fixture(scope="module")
def projects(label_studio, env):
    a = _project(label_studio, "cardloop project A", 8100)
    b = _project(label_studio, "cardloop project B", 8300)
    for p in (a, b):
        _annotate(label_studio, env, p, p["held"][:N_HELDOUT] + p["train"][:N_TRAIN])
    return a, b


def _train(project: int) -> dict:
    from active_learning.loop.jobs import train_project

    return train_project(project)


def test_a_project_promotion_moves_only_its_own_pointer(env, projects):
    registry = env["registry"]
    a, b = projects
    default = registry.current()[0]
    outcome = _train(a["id"])
    assert outcome["status"] == "promoted", outcome
    a1 = outcome["version"]
    assert outcome["parent"] == default
    assert registry.projects() == {a["id"]: a1}
    assert registry.current(a["id"])[0] == a1
    assert registry.current()[0] == default and registry.current(b["id"])[0] == default
    assert next(m for m in registry.versions() if m["version"] == a1)["project"] == a["id"]


def test_another_project_s_promotion_never_replaces_it(env, projects):
    registry = env["registry"]
    a, b = projects
    default, a1 = registry.current()[0], registry.current(a["id"])[0]
    outcome = _train(b["id"])
    assert outcome["status"] == "promoted", outcome
    b1 = outcome["version"]
    assert outcome["parent"] == default, "project B trains from what B is served, not A's model"
    assert b1 != a1
    assert registry.projects() == {a["id"]: a1, b["id"]: b1}
    assert registry.current()[0] == default
    served = {m["version"]: m["served_projects"] for m in registry.versions()}
    assert served[a1] == [a["id"]] and served[b1] == [b["id"]] and served[default] == []


def test_the_scoring_job_uses_the_project_s_model(label_studio, env, projects):
    from active_learning.loop.jobs import score_project

    registry = env["registry"]
    _, b = projects
    b1 = registry.current(b["id"])[0]
    summary = score_project(b["id"])
    assert summary["model_version"] == b1 and summary["scored"] >= N_UNLABELED, summary
    assert label_studio.client.projects.get(id=b["id"]).model_version == b1
    unlabeled = [t for t in label_studio.client.tasks.list(project=b["id"], fields="all") if not t.annotations]
    assert unlabeled and all(
        {(p if isinstance(p, dict) else p.model_dump())["model_version"] for p in t.predictions or []} == {b1}
        for t in unlabeled
    )


def test_a_rollback_made_while_the_project_trains_stands(label_studio, env, projects, monkeypatch):
    """The job re-checks the project's champion under the project's lock just before switching."""
    registry = env["registry"]
    a, b = projects
    default, a1, b1 = registry.current()[0], registry.current(a["id"])[0], registry.current(b["id"])[0]
    _annotate(label_studio, env, a, [a["train"][N_TRAIN]])  # something new to learn from
    real_commit = ModelRegistry.commit

    def commit_then_roll_back(self, staging, metadata=None):
        version = real_commit(self, staging, metadata)
        # what an operator does while the job evaluates: project A back on the default
        assert ModelRegistry(self.root).follow_default(a["id"], expected_current=a1)
        return version

    monkeypatch.setattr(ModelRegistry, "commit", commit_then_roll_back)
    outcome = _train(a["id"])
    assert outcome["status"] == "superseded", outcome
    assert f"project {a['id']}'s served model changed from {a1} to {default}" in outcome["reason"]
    assert outcome["version"] in [m["version"] for m in registry.versions()], "the challenger stays in the registry"
    assert registry.projects() == {b["id"]: b1}
    assert registry.current(a["id"])[0] == default
