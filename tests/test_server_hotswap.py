"""Hot swap: the registry pointer moves, the server loads the new model beside the old one and
swaps one reference; requests in flight never see a half-loaded model or a mixed batch."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from backend_fakes import FakePipeline, FileHost, png_bytes, test_settings

from ml_backend.serving.model_holder import ModelHolder, ModelUnavailable
from ml_backend.serving.server import create_app


V1, V2 = "v0001-20260101T000000", "v0002-20260102T000000"


def make_version(registry: Path, name: str) -> Path:
    path = registry / "versions" / name
    path.mkdir(parents=True)
    (path / "VERSION").write_text(name)
    return path


def point_current(registry: Path, name: str) -> None:
    """Switch ``current`` atomically, as the registry does (symlink + rename)."""
    tmp = registry / f".current-{name}"
    os.symlink(Path("versions") / name, tmp)
    os.replace(tmp, registry / "current")


class SlowLoader:
    """Loads a FakePipeline named after the directory's VERSION file, slowly, counting loads."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.loads: list[str] = []

    def __call__(self, model_dir: str) -> FakePipeline:
        self.loads.append(model_dir)
        time.sleep(self.delay)
        return FakePipeline(Path(model_dir, "VERSION").read_text())


@pytest.fixture
def registry(tmp_path):
    reg = tmp_path / "models"
    make_version(reg, V1)
    make_version(reg, V2)
    point_current(reg, V1)
    return reg


def test_holder_swaps_only_when_the_pointer_moves(registry):
    loader = SlowLoader()
    holder = ModelHolder(loader, registry / "current")
    assert not holder.loaded
    with pytest.raises(ModelUnavailable):
        holder.get()
    assert holder.refresh() and holder.version == V1
    assert not holder.refresh()
    assert len(loader.loads) == 1
    point_current(registry, V2)
    assert holder.refresh() and holder.version == V2
    assert loader.loads[-1] == str((registry / "versions" / V2).resolve())


def test_failed_load_keeps_the_old_model_until_the_pointer_moves(registry):
    (registry / "versions" / "broken").mkdir()
    failures = []
    holder = ModelHolder(SlowLoader(), registry / "current", on_failure=lambda: failures.append(1))
    holder.refresh()
    point_current(registry, "broken")
    assert not holder.refresh() and holder.version == V1
    assert not holder.refresh() and len(failures) == 1  # not retried on every poll
    assert "broken" in holder.last_error
    point_current(registry, V2)
    assert holder.refresh() and holder.version == V2 and holder.last_error is None


def test_watcher_thread_picks_up_a_promotion(registry):
    holder = ModelHolder(SlowLoader(), registry / "current", poll_seconds=0.05)
    holder.refresh()
    holder.start_watching()
    try:
        point_current(registry, V2)
        deadline = time.monotonic() + 5
        while holder.version != V2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert holder.version == V2
    finally:
        holder.stop_watching()


def test_requests_during_a_swap_see_one_whole_model(registry, tmp_path):
    host = FileHost({"/data/upload/1/c.png": png_bytes(200, 100)})
    loader = SlowLoader(delay=0.3)
    settings = test_settings(label_studio_url=host.url, model_dir=str(registry / "current"),
                             registry_dir=str(registry), model_poll_seconds=0.05)
    app = create_app(settings, pipeline_loader=loader, event_handler=lambda p: {}, queue_depth=lambda: {}, watch=True)
    from ml_backend.serving.server import state

    try:
        client_batch = {"tasks": [{"id": i, "data": {"image": "/data/upload/1/c.png"}} for i in range(3)]}
        stop = threading.Event()
        seen: list[tuple[int, set[str], str]] = []

        def hammer():
            client = app.test_client()
            while not stop.is_set():
                resp = client.post("/predict", json=client_batch)
                body = resp.get_json()
                seen.append((resp.status_code, {r["model_version"] for r in body["results"]}, body["model_version"]))

        with ThreadPoolExecutor(3) as pool:
            for _ in range(3):
                pool.submit(hammer)
            time.sleep(0.2)
            point_current(registry, V2)
            deadline = time.monotonic() + 5
            while state(app).holder.version != V2 and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(0.2)
            stop.set()
        assert state(app).holder.version == V2
        assert all(status == 200 for status, _, _ in seen)
        assert all(len(versions) == 1 and versions == {batch} for _, versions, batch in seen)
        served = [batch for _, _, batch in seen]
        assert V1 in served and V2 in served
        assert served.index(V2) > 0 and V1 not in served[served.index(V2) + 6:]
        setup = app.test_client().post("/setup", json={}).get_json()
        assert setup == {"model_version": V2}
        metrics = app.test_client().get("/metrics").get_data(as_text=True)
        assert f'cardloop_model_info{{version="{V2}"}} 1.0' in metrics and V1 not in metrics
    finally:
        state(app).holder.stop_watching()
        host.close()


def test_setup_answers_at_once_and_loads_a_promotion_in_the_background(registry):
    """Label Studio gives /setup 3 s; a model load takes longer, so /setup must not wait for it."""
    loader = SlowLoader(delay=4.0)
    settings = test_settings(model_dir=str(registry / "current"), registry_dir=str(registry))
    app = create_app(settings, pipeline_loader=loader, event_handler=lambda p: {}, queue_depth=lambda: {})
    from ml_backend.serving.server import state

    client = app.test_client()
    assert client.post("/setup", json={}).get_json() == {"model_version": V1}
    point_current(registry, V2)
    started = time.monotonic()
    answers = [client.post("/setup", json={}).get_json() for _ in range(3)]
    assert time.monotonic() - started < 1.0, "/setup waited for the model load"
    assert answers == [{"model_version": V1}] * 3  # the version served while V2 loads
    deadline = time.monotonic() + 10
    while state(app).holder.version != V2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.post("/setup", json={}).get_json() == {"model_version": V2}
    assert len(loader.loads) == 2, "three /setup calls during one load started one load"
    assert client.get("/versions").get_json() == {"versions": [V1, V2], "current": V2}


def test_a_plain_folder_is_served_but_never_swapped(registry, caplog):
    """A resolved version folder (what the stack used to pass) never moves: the holder says so."""
    import logging

    with caplog.at_level(logging.INFO, logger="ml_backend.serving.model_holder"):
        holder = ModelHolder(SlowLoader(), (registry / "current").resolve())
    assert "promotions will not be followed" in caplog.text
    holder.refresh()
    point_current(registry, V2)
    assert not holder.refresh() and holder.version == V1
