"""/health, /setup, /predict, /versions with Flask's test client: the protocol and every bad input."""

from __future__ import annotations

import base64
import io

import pytest
from backend_fakes import FakePipeline, FileHost, png_bytes, test_settings, write_png
from PIL import Image

from ml_backend.serving.server import create_app, state

TOKEN = "ls-secret-token-0123456789"


@pytest.fixture(scope="module")
def host():
    good = png_bytes(400, 200)
    files = {
        "/data/upload/1/card.png": good,
        "/data/upload/1/page.html": b"<html>hello</html>",
        "/data/upload/1/truncated.png": png_bytes(600, 300, color=(10, 200, 30))[:200],
        "/data/upload/1/text.bin": b"this is not an image at all",
        "/data/upload/1/crash.png": png_bytes(333, 100),
    }
    # 100 megapixels that compress to a few kB: refused from the header, never decoded
    buf = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buf, format="PNG")
    files["/data/upload/1/huge.png"] = buf.getvalue()
    server = FileHost(files, token=TOKEN, content_types={"/data/upload/1/page.html": "text/html",
                                                         "/data/upload/1/text.bin": "application/octet-stream"})
    yield server
    server.close()


@pytest.fixture
def pipeline():
    return FakePipeline("v-test", fail_on_width=333)


@pytest.fixture
def app(host, pipeline, tmp_path):
    root = tmp_path / "ls-files"
    write_png(root / "cards" / "local.png", 800, 400)
    settings = test_settings(label_studio_url=host.url, label_studio_api_key=TOKEN, local_files_root=str(root),
                             model_dir=str(tmp_path / "model"), registry_dir=str(tmp_path / "registry"))
    return create_app(settings, pipeline_loader=lambda d: pipeline, event_handler=lambda p: {"status": "ignored"},
                      queue_depth=lambda: {})


@pytest.fixture
def client(app):
    return app.test_client()


def _task(url, task_id=1):
    return {"id": task_id, "data": {"image": url}}


def test_health_and_setup_report_the_model(client, host):
    assert client.get("/health").get_json() == {"status": "UP", "model_loaded": True, "model_version": "v-test"}
    resp = client.post("/setup", json={"project": "1.1700000000", "schema": "<View/>", "hostname": host.url,
                                       "access_token": TOKEN, "extra_params": None})
    assert resp.status_code == 200 and resp.get_json() == {"model_version": "v-test"}


def test_predict_relative_upload_url_with_token(client, host):
    resp = client.post("/predict", json={"tasks": [_task("/data/upload/1/card.png")], "project": "1.1"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert len(body["results"]) == 1
    pred = body["results"][0]
    assert pred["model_version"] == "v-test" and pred["score"] == 0.7
    rect = pred["result"][0]
    assert rect["original_width"] == 400 and rect["original_height"] == 200
    assert rect["value"]["x"] == pytest.approx(10.0) and rect["value"]["width"] == pytest.approx(40.0)
    assert ("/data/upload/1/card.png", f"Token {TOKEN}") in host.requests


def test_predict_local_files_read_from_the_document_root(client, host):
    before = len(host.requests)
    url = f"{host.url}/data/local-files/?d=cards/local.png"
    pred = client.post("/predict", json={"tasks": [_task(url)]}).get_json()["results"][0]
    assert pred["result"][0]["original_width"] == 800
    assert len(host.requests) == before  # no HTTP round trip


def test_setup_token_replaces_the_configured_one(host, pipeline, tmp_path):
    app = create_app(test_settings(label_studio_url=host.url, model_dir=str(tmp_path)),
                     pipeline_loader=lambda d: pipeline, event_handler=lambda p: {}, queue_depth=lambda: {})
    client = app.test_client()
    no_token = client.post("/predict", json={"tasks": [_task("/data/upload/1/card.png")]}).get_json()
    assert no_token["results"] == [[]]  # 401: no prediction
    client.post("/setup", json={"hostname": host.url, "access_token": TOKEN})
    with_token = client.post("/predict", json={"tasks": [_task("/data/upload/1/card.png")]}).get_json()
    assert len(with_token["results"][0]["result"]) == 4


def test_setup_hostname_of_a_foreign_host_is_not_adopted(client, app, host):
    client.post("/setup", json={"hostname": "http://169.254.169.254", "access_token": TOKEN})
    assert state(app).label_studio_url == host.url
    pred = client.post("/predict", json={"tasks": [_task("/data/upload/1/card.png")]}).get_json()["results"][0]
    assert pred["result"]


BAD_TASKS = [
    ("no data", {"id": 10}, "no_image"),
    ("no image key", {"id": 11, "data": {"text": "x"}}, "no_image"),
    ("not an object", "just a string", "no_image"),
    ("foreign host", _task("http://example.com/card.png"), "forbidden_host"),
    ("file scheme", _task("file:///etc/passwd"), "bad_url"),
    ("404", _task("/data/upload/1/missing.png"), "not_found"),
    ("html", _task("/data/upload/1/page.html"), "not_image"),
    ("octet-stream that is not an image", _task("/data/upload/1/text.bin"), "bad_image"),
    ("truncated", _task("/data/upload/1/truncated.png"), "bad_image"),
    ("100 megapixels", _task("/data/upload/1/huge.png"), "bad_image"),
    ("pipeline crash", _task("/data/upload/1/crash.png"), "pipeline_error"),
    ("path escape", _task("/data/local-files/?d=../../etc/passwd"), "forbidden_path"),
]


@pytest.mark.parametrize("name, bad, reason", BAD_TASKS, ids=[b[0] for b in BAD_TASKS])
def test_a_bad_task_gets_an_empty_result_in_its_place(client, name, bad, reason):
    good = _task("/data/upload/1/card.png")
    resp = client.post("/predict", json={"tasks": [good, bad, good]})
    assert resp.status_code == 200
    results = resp.get_json()["results"]
    assert len(results) == 3
    assert results[0]["result"] and results[2]["result"]
    assert results[1] == []  # no prediction: Label Studio stores none and asks again later
    metrics = client.get("/metrics").get_data(as_text=True)
    assert f'cardloop_predict_task_failures_total{{reason="{reason}"}} 1.0' in metrics
    assert client.get("/health").status_code == 200  # still serving


def test_unreachable_host_is_an_empty_result(host, pipeline, tmp_path):
    dead = "http://127.0.0.1:9"  # discard port: nothing listens
    app = create_app(test_settings(label_studio_url=dead, fetch_timeout=2.0, model_dir=str(tmp_path)),
                     pipeline_loader=lambda d: pipeline, event_handler=lambda p: {}, queue_depth=lambda: {})
    client = app.test_client()
    results = client.post("/predict", json={"tasks": [_task("/data/upload/1/card.png")]}).get_json()["results"]
    assert results == [[]]
    assert 'reason="unreachable"' in client.get("/metrics").get_data(as_text=True)


@pytest.mark.parametrize("body, content_type, message", [
    (b"", "application/json", "empty"),
    (b"{not json", "application/json", "not valid JSON"),
    (b"[1, 2]", "application/json", "JSON object"),
    (b'{"project": "1.1"}', "application/json", "missing 'tasks'"),
    (b'{"tasks": {"id": 1}}', "application/json", "must be a list"),
])
def test_request_errors_are_4xx_json(client, body, content_type, message):
    resp = client.post("/predict", data=body, content_type=content_type)
    assert resp.status_code == 400
    assert message in resp.get_json()["error"]


def test_empty_task_list_is_an_empty_answer(client):
    assert client.post("/predict", json={"tasks": []}).get_json()["results"] == []


def test_unknown_route_and_method_are_json(client):
    assert client.get("/nope").status_code == 404 and "error" in client.get("/nope").get_json()
    resp = client.get("/predict")
    assert resp.status_code == 405 and "error" in resp.get_json()


def test_setup_validates_its_fields(client):
    assert client.post("/setup", json={"hostname": "ftp://x"}).status_code == 400
    assert client.post("/setup", json={"access_token": 5}).status_code == 400
    assert client.post("/setup", data=b"nope", content_type="application/json").status_code == 400


def test_versions_lists_the_registry_and_the_served_version(app, client, tmp_path):
    for name in ("v0001-20260101T000000", "v0002-20260102T000000", "not-a-version"):
        (tmp_path / "registry" / "versions" / name).mkdir(parents=True)
    body = client.get("/versions").get_json()
    assert body["versions"][:2] == ["v0001-20260101T000000", "v0002-20260102T000000"] and "v-test" in body["versions"]
    assert "not-a-version" not in body["versions"] and body["current"] == "v-test"


def test_without_a_model_health_is_down_and_predict_503(tmp_path):
    def broken(model_dir):
        raise FileNotFoundError(f"model directory {model_dir} does not exist")

    app = create_app(test_settings(model_dir=str(tmp_path / "none")), pipeline_loader=broken,
                     event_handler=lambda p: {}, queue_depth=lambda: {})
    client = app.test_client()
    health = client.get("/health")
    assert health.status_code == 503 and health.get_json()["status"] == "DOWN"
    assert "does not exist" in health.get_json()["error"]
    resp = client.post("/predict", json={"tasks": [_task("/x.png")]})
    assert resp.status_code == 503 and "no model" in resp.get_json()["error"]
    assert client.post("/setup", json={}).status_code == 503
    assert "cardloop_model_load_failures_total 1.0" in client.get("/metrics").get_data(as_text=True)


def _basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_basic_auth_guards_every_endpoint(pipeline, tmp_path):
    app = create_app(test_settings(basic_auth_user="ls", basic_auth_pass="s3cret", model_dir=str(tmp_path)),
                     pipeline_loader=lambda d: pipeline, event_handler=lambda p: {"status": "ignored"},
                     queue_depth=lambda: {})
    client = app.test_client()
    for method, path in [("get", "/health"), ("post", "/setup"), ("post", "/predict"), ("post", "/webhook"),
                         ("get", "/versions"), ("get", "/metrics")]:
        resp = getattr(client, method)(path, json={})
        assert resp.status_code == 401, path
        assert resp.get_json() == {"error": "authentication required"}
        assert resp.headers["WWW-Authenticate"].startswith("Basic")
    assert client.get("/health", headers=_basic("ls", "wrong")).status_code == 401
    assert client.get("/health", headers=_basic("other", "s3cret")).status_code == 401
    assert client.get("/health", headers={"Authorization": "Basic %%%"}).status_code == 401
    assert client.get("/health", headers=_basic("ls", "s3cret")).status_code == 200
    assert client.post("/webhook", json={"action": "X"}, headers=_basic("ls", "s3cret")).status_code == 200


def test_tokens_never_reach_the_log(client, host, caplog):
    caplog.set_level("DEBUG")
    client.post("/setup", json={"hostname": host.url, "access_token": "brand-new-token-abcdef"})
    client.post("/predict", json={"tasks": [_task("/data/upload/1/missing.png")]})
    assert "brand-new-token-abcdef" not in caplog.text
    assert "bran...(22 chars)" in caplog.text
