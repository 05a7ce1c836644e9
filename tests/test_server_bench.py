"""scripts/bench_predict: percentiles and the per-batch-size run against an in-process backend."""

from __future__ import annotations

import threading

import pytest
from backend_fakes import FakePipeline, test_settings, write_png
from werkzeug.serving import make_server

from ml_backend.serving.server import create_app
from scripts.bench_predict import format_table, percentile, run_batch_size
from scripts.services import free_port


def test_percentile_interpolates():
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([5.0], 0.95) == 5.0
    assert percentile([10, 0, 20], 0.0) == 0


@pytest.fixture
def backend(tmp_path):
    write_png(tmp_path / "b" / "ok.png")
    app = create_app(test_settings(local_files_root=str(tmp_path), model_dir=str(tmp_path)),
                     pipeline_loader=lambda d: FakePipeline("bench"), event_handler=lambda p: {}, queue_depth=lambda: {})
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


def test_run_counts_cards_and_empty_results(backend):
    urls = ["/data/local-files/?d=b/ok.png", "/data/local-files/?d=b/missing.png"]
    row = run_batch_size(backend, urls, batch=4, clients=2, per_client=3, auth=None, timeout=30)
    assert (row.requests, row.cards, row.errors) == (6, 24, 0)
    assert row.failed_tasks == 12  # every other task points at a missing file
    assert 0 < row.p50_ms <= row.p95_ms and row.cards_per_s > 0
    table = format_table([row])
    assert "cards/s" in table and table.splitlines()[-1].split()[:4] == ["4", "2", "6", "24"]


def test_unreachable_backend_counts_errors():
    row = run_batch_size(f"http://127.0.0.1:{free_port()}", ["/x.png"], batch=1, clients=2, per_client=2, auth=None, timeout=2)
    assert row.errors == 4 and row.requests == 0
