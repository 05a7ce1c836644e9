"""Each Label Studio project is served its own model: the backend app over a real registry on disk.

Versions are committed and promoted by ``ModelRegistry`` as the training job does; the pipeline
loader is the test double (a FakePipeline named after the version's metadata), so what is checked
is which model answers which project, that promotions are followed per project, that the number
of project models held stays within ``CARDLOOP_MAX_PROJECT_MODELS``, and that bad project ids
are refused.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from backend_fakes import FakePipeline, FileHost, png_bytes, test_settings

from ml_backend.registry import ModelRegistry
from ml_backend.serving.server import create_app, request_project, state
from ml_backend.serving.server import RequestError

IMAGE = "/data/upload/1/c.png"


class VersionLoader:
    """Loads a FakePipeline named after the model dir's registry version; counts loads, can be slow."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.loads: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, model_dir: str) -> FakePipeline:
        with self.lock:
            self.loads.append(Path(model_dir).name)
        time.sleep(self.delay)
        return FakePipeline(json.loads((Path(model_dir) / "metadata.json").read_text())["version"])


def commit(registry: ModelRegistry, project: int | None = None) -> str:
    staging = registry.create_staging()
    (staging / "config.json").write_text("{}")
    return registry.commit(staging, {"project": project} if project else {})


@pytest.fixture
def world(tmp_path):
    registry = ModelRegistry(tmp_path / "models")
    default = commit(registry)
    registry.promote(default)
    host = FileHost({IMAGE: png_bytes(200, 100)})
    yield registry, default, host
    host.close()


def make_app(registry: ModelRegistry, host: FileHost, loader: VersionLoader, **overrides):
    settings = test_settings(label_studio_url=host.url, model_dir=str(registry.current_link),
                             registry_dir=str(registry.root), **overrides)
    return create_app(settings, pipeline_loader=loader, event_handler=lambda p: {}, queue_depth=lambda: {})


def predict(client, project=None, expect: int = 200) -> str | None:
    body = {"tasks": [{"id": 1, "data": {"image": IMAGE}}]}
    if project is not None:
        body["project"] = project
    resp = client.post("/predict", json=body)
    assert resp.status_code == expect, resp.get_json()
    if expect != 200:
        return resp.get_json()["error"]
    answer = resp.get_json()
    assert {r["model_version"] for r in answer["results"]} == {answer["model_version"]}
    return answer["model_version"]


def test_each_project_is_served_its_own_model_and_the_rest_the_default(world):
    registry, default, host = world
    loader = VersionLoader()
    app = make_app(registry, host, loader)
    client = app.test_client()
    own = commit(registry, project=3)
    registry.promote(own, expected_current=default, project=3)

    assert predict(client, "3.1733418000") == own  # Label Studio's "<id>.<created timestamp>"
    assert predict(client, 3) == own and predict(client, "3") == own
    assert predict(client, "4.1733418000") == default and predict(client) == default
    assert client.post("/setup", json={"project": "3.1733418000"}).get_json() == {"model_version": own}
    assert client.post("/setup", json={"project": "4.1733418000"}).get_json() == {"model_version": default}
    assert client.post("/setup", json={}).get_json() == {"model_version": default}
    assert loader.loads.count(own) == 1, "a project's model is loaded once and kept"

    versions = client.get("/versions?project=3").get_json()
    assert versions == {"versions": [default, own], "current": own, "project": 3}
    other = commit(registry, project=5)  # another project's version is not offered to project 3
    assert client.get("/versions?project=3").get_json()["versions"] == [default, own]
    assert client.get("/versions?project=4").get_json() == {"versions": [default], "current": default, "project": 4}
    assert client.get("/versions").get_json() == {"versions": [default, own, other], "current": default}
    health = client.get("/health").get_json()
    assert health["model_version"] == default and health["project_models"] == {"3": own}
    metrics = client.get("/metrics").get_data(as_text=True)
    assert f'cardloop_project_model_info{{project="3",version="{own}"}} 1.0' in metrics


def test_a_project_promotion_is_followed_and_other_projects_keep_theirs(world):
    registry, default, host = world
    app = make_app(registry, host, VersionLoader())
    client = app.test_client()
    a1, b1 = commit(registry, 3), commit(registry, 4)
    registry.promote(a1, project=3)
    registry.promote(b1, project=4)
    assert (predict(client, "3.1"), predict(client, "4.1")) == (a1, b1)

    a2 = commit(registry, 3)
    registry.promote(a2, expected_current=a1, project=3)
    # /setup loads the new version in the background and answers with the one served meanwhile
    assert client.post("/setup", json={"project": "3.1"}).get_json()["model_version"] in (a1, a2)
    deadline = time.monotonic() + 5
    while predict(client, "3.1") != a2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert predict(client, "3.1") == a2
    assert client.post("/setup", json={"project": "3.1"}).get_json() == {"model_version": a2}
    assert predict(client, "4.1") == b1 and predict(client) == default

    # the watcher follows a promotion without any /setup
    state(app).models.poll_seconds = 0.05
    state(app).models.start_watching()
    try:
        b2 = commit(registry, 4)
        registry.promote(b2, expected_current=b1, project=4)
        deadline = time.monotonic() + 5
        while state(app).models.held()[4] != b2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert state(app).models.held()[4] == b2
        assert predict(client, "4.1") == b2 and predict(client, "3.1") == a2

        # rolled back to the default: served the default again, its model dropped
        assert registry.follow_default(4, expected_current=b2)
        assert predict(client, "4.1") == default
        assert 4 not in state(app).models.held()
        assert "project=\"4\"" not in client.get("/metrics").get_data(as_text=True)
    finally:
        state(app).stop_watching()


def test_project_models_held_stay_within_the_bound_least_recently_used_dropped(world):
    registry, default, host = world
    loader = VersionLoader()
    app = make_app(registry, host, loader, max_project_models=2)
    client = app.test_client()
    own = {}
    for project in (1, 2, 3):
        own[project] = commit(registry, project)
        registry.promote(own[project], project=project)
    assert predict(client, 1) == own[1] and predict(client, 2) == own[2]
    assert predict(client, 1) == own[1]  # 1 used last: 2 is the least recently used
    assert predict(client, 3) == own[3]
    assert list(state(app).models.held()) == [1, 3]
    assert predict(client, 2) == own[2]  # loaded again; now 1 is the oldest and goes
    assert list(state(app).models.held()) == [3, 2]
    assert loader.loads.count(own[2]) == 2 and loader.loads.count(own[1]) == 1
    metrics = client.get("/metrics").get_data(as_text=True)
    assert "cardloop_project_model_evictions_total 2.0" in metrics
    assert f'project="1",version="{own[1]}"' not in metrics and f'project="2",version="{own[2]}"' in metrics
    for project in range(1, 4):  # many requests for few held models never grow the set
        predict(client, project)
    assert len(state(app).models.held()) == 2


def test_setup_answers_at_once_while_a_project_model_loads(world):
    """Label Studio gives /setup 3 s: a project's first /setup starts the load and answers with
    the version the project's pointer names; /predict waits for that model, never serves another."""
    registry, default, host = world
    loader = VersionLoader(delay=1.5)
    app = make_app(registry, host, loader)
    client = app.test_client()
    own = commit(registry, 3)
    registry.promote(own, project=3)
    started = time.monotonic()
    assert client.post("/setup", json={"project": "3.1733"}).get_json() == {"model_version": own}
    assert time.monotonic() - started < 1.0, "/setup waited for the model load"
    assert predict(client, "3.1733") == own
    assert loader.loads.count(own) == 1, "/predict waited for the load /setup started instead of loading again"


def test_a_project_model_that_cannot_load_is_a_503_not_another_model(world):
    registry, default, host = world
    app = make_app(registry, host, VersionLoader())
    client = app.test_client()
    broken = commit(registry, 3)
    (registry.path(broken) / "metadata.json").write_text("{}")  # the loader finds no version in it
    registry.promote(broken, project=3)
    error = predict(client, "3.1", expect=503)
    assert error.startswith("no model loaded: cannot load model from") and broken in error
    assert predict(client, "4.1") == default


@pytest.mark.parametrize("bad", ["abc", "3.x", "-3", "0", "0.1733", "3.1.2", " ", True, 3.5, [3], {"id": 3}, -1, 0])
def test_bad_project_ids_are_a_clear_400(world, bad):
    registry, default, host = world
    client = make_app(registry, host, VersionLoader()).test_client()
    for path in ("/predict", "/setup"):
        resp = client.post(path, json={"tasks": [], "project": bad})
        assert resp.status_code == 400, (path, resp.get_json())
        assert "'project' must be a Label Studio project id" in resp.get_json()["error"]
    if isinstance(bad, str):
        resp = client.get("/versions", query_string={"project": bad})
        assert resp.status_code == 400 and "project id" in resp.get_json()["error"]


def test_request_project_reads_label_studio_s_format():
    assert request_project("12.1733418000") == 12
    assert request_project(12) == 12 and request_project("12") == 12
    assert request_project(None) is None and request_project("") is None
    with pytest.raises(RequestError):
        request_project("12.")


def test_the_bound_must_be_at_least_one(world):
    registry, default, host = world
    with pytest.raises(ValueError, match="CARDLOOP_MAX_PROJECT_MODELS must be at least 1, got 0"):
        make_app(registry, host, VersionLoader(), max_project_models=0)


def test_ls_project_asks_for_the_version_the_project_is_served(world):
    """``scripts/ls_project`` sets a project's model_version to what the backend serves that project."""
    from werkzeug.serving import make_server

    from scripts.ls_project import served_version

    registry, default, host = world
    app = make_app(registry, host, VersionLoader())
    own = commit(registry, 3)
    registry.promote(own, project=3)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        assert served_version(url, project=3) == own
        assert served_version(url, project=4) == default and served_version(url) == default
    finally:
        server.shutdown()
        thread.join(timeout=5)
