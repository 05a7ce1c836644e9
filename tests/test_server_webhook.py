"""/webhook and /metrics against a real Redis: events reach the RQ queue in milliseconds, Redis
outages are 503 (never 500), queue depth is reported (or -1) and /metrics never fails."""

from __future__ import annotations

import time

import pytest
from backend_fakes import FakePipeline, test_settings
from rq import Queue

from ml_backend import wiring
from ml_backend.serving.server import create_app

DEAD_REDIS = "redis://127.0.0.1:9/0"  # nothing listens on the discard port


def _app(redis_url, tmp_path, **overrides):
    settings = test_settings(redis_url=redis_url, model_dir=str(tmp_path), retrain_after=2,
                             train_queue="t-train", light_queue="t-light", **overrides)
    return wiring.app(settings, pipeline_loader=lambda d: FakePipeline("v-hook"))


def _annotation(ann_id, project=3, action="ANNOTATION_CREATED"):
    return {"action": action, "annotation": {"id": ann_id, "task": 50 + ann_id, "result": []},
            "task": {"id": 50 + ann_id, "project": project}, "project": {"id": project}}


def test_annotation_events_are_queued_fast(redis_url, redis_conn, tmp_path):
    client = _app(redis_url, tmp_path).test_client()
    started = time.perf_counter()
    first = client.post("/webhook", json=_annotation(1))
    elapsed = time.perf_counter() - started
    assert first.status_code == 200, first.get_json()
    assert elapsed < 0.1, f"webhook took {elapsed * 1000:.0f} ms"
    assert first.get_json()["training"] == "waiting"
    second = client.post("/webhook", json=_annotation(2)).get_json()
    assert second["training"] == "queued"
    assert Queue("t-train", connection=redis_conn).count == 1
    assert Queue("t-light", connection=redis_conn).count == 2  # one CRM sync per annotation
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'cardloop_queue_depth{queue="t-train"} 1.0' in metrics
    assert 'cardloop_queue_depth{queue="t-light"} 2.0' in metrics
    assert 'cardloop_webhook_events_total{action="ANNOTATION_CREATED",status="ok"} 2.0' in metrics


def test_start_training_is_queued_even_below_the_threshold(redis_url, redis_conn, tmp_path):
    client = _app(redis_url, tmp_path).test_client()
    body = client.post("/webhook", json={"action": "START_TRAINING", "project": {"id": 9}}).get_json()
    assert body["training"] == "queued"


def test_unknown_events_are_acknowledged_and_ignored(redis_url, redis_conn, tmp_path):
    client = _app(redis_url, tmp_path).test_client()
    resp = client.post("/webhook", json={"action": "PROJECT_UPDATED", "project": {"id": 1}})
    assert resp.status_code == 200 and resp.get_json()["status"] == "ignored"
    assert redis_conn.dbsize() == 0


@pytest.mark.parametrize("payload, status", [
    (b"not json", 400),
    (b"[]", 400),
    (b'{"project": {"id": 1}}', 400),
    (b'{"action": 5}', 400),
    (b'{"action": "ANNOTATION_CREATED"}', 400),          # names no project
    (b'{"action": "ANNOTATION_CREATED", "project": {"id": 1}}', 400),  # carries no annotation
])
def test_malformed_events_are_400_json(redis_url, tmp_path, payload, status):
    client = _app(redis_url, tmp_path).test_client()
    resp = client.post("/webhook", data=payload, content_type="application/json")
    assert resp.status_code == status
    assert resp.get_json()["error"]


def test_redis_down_is_503_and_metrics_still_answer(tmp_path):
    client = _app(DEAD_REDIS, tmp_path).test_client()
    started = time.perf_counter()
    resp = client.post("/webhook", json=_annotation(1))
    assert resp.status_code == 503
    assert "queue unavailable" in resp.get_json()["error"]
    assert time.perf_counter() - started < 3
    ignored = client.post("/webhook", json={"action": "PROJECT_UPDATED"})
    assert ignored.status_code == 200  # ignored events never touch Redis
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    text = metrics.get_data(as_text=True)
    assert 'cardloop_queue_depth{queue="t-train"} -1.0' in text
    assert 'cardloop_http_requests_total{endpoint="/webhook",method="POST",status="503"} 1.0' in text


def test_an_app_without_an_event_queue_refuses_events_with_503(tmp_path):
    """``create_app`` alone has no queue (serving never imports the loop): events are refused as
    undeliverable, never acknowledged and dropped; ``wiring.app`` is what wires the RQ queue in."""
    app = create_app(test_settings(model_dir=str(tmp_path)), pipeline_loader=lambda d: FakePipeline("v-bare"))
    client = app.test_client()
    resp = client.post("/webhook", json=_annotation(1))
    assert resp.status_code == 503
    assert "no event queue is wired" in resp.get_json()["error"]
    text = client.get("/metrics").get_data(as_text=True)
    assert 'cardloop_webhook_events_total{action="ANNOTATION_CREATED",status="unavailable"} 1.0' in text
    assert "cardloop_queue_depth" not in text


def test_metrics_expose_requests_latency_and_model(redis_url, tmp_path):
    client = _app(redis_url, tmp_path).test_client()
    client.get("/health")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'cardloop_model_info{version="v-hook"} 1.0' in text
    assert 'cardloop_http_requests_total{endpoint="/health",method="GET",status="200"} 1.0' in text
    assert 'cardloop_http_request_seconds_bucket{endpoint="/health",le="0.005"}' in text
    assert "cardloop_model_swaps_total 1.0" in text


def test_unknown_action_names_do_not_grow_the_metric_labels(redis_url, tmp_path):
    client = _app(redis_url, tmp_path).test_client()
    for i in range(3):
        client.post("/webhook", json={"action": f"MADE_UP_{i}"})
    text = client.get("/metrics").get_data(as_text=True)
    assert 'cardloop_webhook_events_total{action="other",status="ignored"} 3.0' in text
    assert "MADE_UP" not in text


def test_metrics_show_training_progress_a_job_reported(redis_url, redis_conn, tmp_path):
    from active_learning.loop.queue import report_progress

    client = _app(redis_url, tmp_path).test_client()
    client.post("/webhook", json=_annotation(1, project=7))  # registers project 7, one pending annotation
    report_progress(redis_conn, 7, step=120, epoch=2.5, loss=0.31)
    text = client.get("/metrics").get_data(as_text=True)
    assert 'cardloop_training_step{project="7"} 120.0' in text
    assert 'cardloop_training_epoch{project="7"} 2.5' in text
    assert 'cardloop_training_loss{project="7"} 0.31' in text
    assert 'cardloop_training_pending_annotations{project="7"} 1.0' in text
    assert 'cardloop_training_state{project="7",state="idle"} 1.0' in text
