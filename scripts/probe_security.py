"""Attack the ML backend the way a client on the loopback interface could, and print what happened.

    python -m scripts.probe_security [--model-dir DIR] [--keep-log PATH]

Starts, on loopback only: a stand-in Label Studio (127.0.0.1, serves a card only with the right
token, plus a trickling, a hanging and a redirecting endpoint), a *foreign* host (127.0.0.2) that
nobody may ever reach, an allow-listed image host (127.0.0.3) that may be fetched from but must
never see the token, and the real backend (``python -m ml_backend serve``: gunicorn) configured
with LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY and no basic auth (the worst case). Then runs each
probe and prints one row per probe: HTTP status, time, whether the backend still answers
/health, whether the foreign host was reached (or the token left Label Studio's host), and
whether the probe's expectation held. Exit code 1 when any expectation failed.

tests/test_security_server.py runs the same probes and asserts every row.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import secrets
import socket
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, urlsplit

import requests
from PIL import Image

from scripts.services import BackendProcess, free_port

#: Settings of the probed backend: short limits so that every probe ends in seconds.
FETCH_TIMEOUT = 3.0
PREDICT_DEADLINE = 8.0
MAX_TASKS = 100
FOREIGN_HOST = "127.0.0.2"
CDN_HOST = "127.0.0.3"


# --- the hosts around the backend -----------------------------------------------------------------


def _png(width: int, height: int, mode: str = "RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, (width, height), 255 if mode != "RGB" else (255, 255, 255)).save(buf, format="PNG")
    return buf.getvalue()


def card_png() -> bytes:
    """A small generated business card (text the OCR can find), as PNG."""
    from active_learning.synth import generate_card

    image, _ = generate_card(random.Random(7), photo=False, rotation=0, qr=False)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


class _Server:
    """A threaded HTTP server on ``host``:free port, running until ``close``."""

    def __init__(self, host: str, handler: type[BaseHTTPRequestHandler]):
        self.server = ThreadingHTTPServer((host, 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.server.server_address[0]}:{self.port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class RecordingHost(_Server):
    """A host that records every request (path, Authorization) and answers each with a PNG."""

    def __init__(self, host: str):
        self.requests: list[tuple[str, str | None]] = []
        outer = self
        png = _png(300, 200)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.requests.append((self.path, self.headers.get("Authorization")))
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(png)))
                self.end_headers()
                self.wfile.write(png)

        super().__init__(host, Handler)

    def saw_token(self, token: str) -> bool:
        return any(auth and token in auth for _, auth in self.requests)


class FakeLabelStudio(_Server):
    """Label Studio's file serving, with the hostile endpoints a compromised or hung one could have."""

    def __init__(self, token: str):
        self.token = token
        self.hits: dict[str, int] = {}
        self.files = {"/data/upload/1/card.png": card_png(),
                      "/data/upload/1/bomb.png": _png(7300, 5466, mode="1")}  # 39.9 MP in ~52 kB
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                path = urlsplit(self.path).path
                outer.hits[path] = outer.hits.get(path, 0) + 1
                try:
                    self._serve(path)
                except OSError:  # the backend hung up: expected for the slow endpoints
                    pass

            def _serve(self, path: str) -> None:
                if path == "/redirect":
                    target = parse_qs(urlsplit(self.path).query)["to"][0]
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif path == "/trickle.png":  # one byte every half second, for ever
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.send_header("Content-Length", "1000000")
                    self.end_headers()
                    for _ in range(600):
                        self.wfile.write(b"\x89")
                        self.wfile.flush()
                        time.sleep(0.5)
                elif path == "/hang.png":  # accepts, never answers
                    time.sleep(120)
                elif self.headers.get("Authorization") != f"Token {outer.token}":
                    self.send_response(401)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif path in outer.files:
                    body = outer.files[path]
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

        super().__init__("127.0.0.1", Handler)


# --- the probe run --------------------------------------------------------------------------------


@dataclass
class Row:
    probe: str
    status: str
    seconds: float
    alive: bool
    foreign_reached: bool
    ok: bool
    note: str = ""


@dataclass
class Lab:
    """The backend and the hosts around it, with helpers the probes share."""

    backend: BackendProcess
    ls: FakeLabelStudio
    foreign: RecordingHost
    cdn: RecordingHost
    token: str
    log_path: Path
    session: requests.Session = field(default_factory=requests.Session)

    @property
    def url(self) -> str:
        return self.backend.url

    def predict(self, *urls: str, ids: list | None = None, timeout: float = 60) -> requests.Response:
        tasks = [{"id": (ids[i] if ids else i + 1), "data": {"image": u}} for i, u in enumerate(urls)]
        return requests.post(f"{self.url}/predict", json={"tasks": tasks}, timeout=timeout)

    def failure_count(self, reason: str) -> float:
        text = requests.get(f"{self.url}/metrics", timeout=5).text
        found = re.search(rf'cardloop_predict_task_failures_total\{{reason="{reason}"\}} ([\d.]+)', text)
        return float(found.group(1)) if found else 0.0

    def health_seconds(self) -> float:
        started = time.monotonic()
        requests.get(f"{self.url}/health", timeout=10).raise_for_status()
        return time.monotonic() - started

    def alive(self) -> bool:
        try:
            return requests.get(f"{self.url}/health", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def backslash_url(self, path: str = "/data/upload/1/card.png") -> str:
        return f"http://{FOREIGN_HOST}:{self.foreign.port}\\@127.0.0.1:{self.ls.port}{path}"


#: A probe: (name, function(lab) -> (HTTP status text, ok, note)).
Probe = tuple[str, Callable[[Lab], tuple[str, bool, str]]]


def _empty_result(resp: requests.Response) -> bool:
    return resp.status_code == 200 and resp.json()["results"] == [[]]


def p_backslash_task(lab: Lab):
    before = lab.failure_count("bad_url")
    resp = lab.predict(lab.backslash_url())
    return str(resp.status_code), _empty_result(resp) and lab.failure_count("bad_url") == before + 1, "reason bad_url"


def p_backslash_redirect(lab: Lab):
    resp = lab.predict(f"/redirect?to={requests.utils.quote(lab.backslash_url('/x.png'), safe='')}")
    return str(resp.status_code), _empty_result(resp), "redirect target refused"


def p_redirect_to_allowlisted(lab: Lab):
    resp = lab.predict(f"/redirect?to={requests.utils.quote(lab.cdn.url + '/card.png', safe='')}")
    ok = resp.status_code == 200 and bool(lab.cdn.requests) and not lab.cdn.saw_token(lab.token)
    return str(resp.status_code), ok, "allow-listed host fetched without the token"


def p_setup_backslash_hostname(lab: Lab):
    resp = requests.post(f"{lab.url}/setup", json={"hostname": lab.backslash_url("")}, timeout=10)
    after = lab.predict("/data/upload/1/card.png")
    ok = resp.status_code == 400 and after.status_code == 200 and after.json()["results"][0] != []
    return str(resp.status_code), ok, "400; relative URLs still go to Label Studio"


def p_setup_moves_to_allowlisted(lab: Lab):
    resp = requests.post(f"{lab.url}/setup", json={"hostname": lab.cdn.url, "access_token": "attacker"}, timeout=10)
    seen = len(lab.cdn.requests)
    after = lab.predict("/data/upload/1/card.png")
    ok = (resp.status_code == 200 and after.json()["results"][0] != [] and len(lab.cdn.requests) == seen
          and not lab.cdn.saw_token(lab.token))
    return str(resp.status_code), ok, "hostname and token from /setup ignored"


def p_too_many_tasks(lab: Lab):
    resp = lab.predict(*(["/data/upload/1/missing.png"] * (MAX_TASKS + 1)))
    return str(resp.status_code), resp.status_code == 413 and "at most" in resp.json()["error"], f"{MAX_TASKS + 1} tasks"


def p_trickle(lab: Lab):
    started = time.monotonic()
    resp = lab.predict("/trickle.png")
    took = time.monotonic() - started
    return str(resp.status_code), _empty_result(resp) and took < FETCH_TIMEOUT + 1.5, f"fetch cut at {FETCH_TIMEOUT:g} s"


def p_hung_label_studio(lab: Lab):
    started = time.monotonic()
    resp = lab.predict(*(["/hang.png"] * 10))
    took = time.monotonic() - started
    ok = resp.status_code == 503 and "deadline" in resp.json()["error"] and took < PREDICT_DEADLINE + 1.5
    return str(resp.status_code), ok, f"10 hung images, deadline {PREDICT_DEADLINE:g} s"


def p_health_under_load(lab: Lab, clients: int = 20):
    statuses: list[int] = []

    def slow_predict() -> None:
        try:
            statuses.append(lab.predict("/trickle.png", timeout=30).status_code)
        except requests.RequestException:
            statuses.append(0)

    with ThreadPoolExecutor(clients) as pool:
        for _ in range(clients):
            pool.submit(slow_predict)
        time.sleep(0.5)
        worst = max(lab.health_seconds() for _ in range(8))
        metrics_s = time.monotonic()
        requests.get(f"{lab.url}/metrics", timeout=10).raise_for_status()
        metrics_s = time.monotonic() - metrics_s
    busy = statuses.count(503)
    ok = worst < 0.5 and metrics_s < 1.0 and busy > 0 and set(statuses) <= {200, 503}
    return f"{busy}x503", ok, f"{clients} clients: /health worst {worst:.2f} s, /metrics {metrics_s:.2f} s"


def p_health_while_predicting(lab: Lab, clients: int = 5):
    """Five clients whose cards keep the model busy (CPU, not waiting on a slow host)."""
    statuses: list[int] = []

    def predict_cards() -> None:
        try:
            statuses.append(lab.predict(*["/data/upload/1/card.png"] * 2, timeout=30).status_code)
        except requests.RequestException:
            statuses.append(0)

    with ThreadPoolExecutor(clients) as pool:
        for _ in range(clients):
            pool.submit(predict_cards)
        time.sleep(0.5)
        worst = max(lab.health_seconds() for _ in range(8))
    ok = worst < 0.5 and 200 in statuses and set(statuses) <= {200, 503}
    return "/".join(str(statuses.count(code)) + "x" + str(code) for code in sorted(set(statuses))), ok, \
        f"{clients} clients predicting cards: /health worst {worst:.2f} s"


def p_deep_json(lab: Lab):
    deep = "[" * 5000 + "]" * 5000
    codes = []
    for path, body in (("/predict", '{"tasks": %s}' % deep), ("/webhook", '{"action": "X", "a": %s}' % deep),
                       ("/setup", '{"hostname": %s}' % deep), ("/predict", deep)):
        codes.append(requests.post(f"{lab.url}{path}", data=body, headers={"Content-Type": "application/json"},
                                   timeout=10).status_code)
    return "/".join(map(str, codes)), codes == [400, 400, 400, 400], "5,000 levels on /predict, /webhook, /setup"


def p_log_forging(lab: Lab):
    resp = lab.predict("/data/upload/1/missing.png", ids=["7\nERROR FORGED-LINE admin logged in"])
    time.sleep(0.3)
    forged = any(line.startswith("ERROR FORGED-LINE") for line in lab.log_text().splitlines())
    return str(resp.status_code), resp.status_code == 200 and not forged, "newline in a task id escaped"


def p_data_url_logged(lab: Lab):
    payload = secrets.token_hex(200)
    resp = lab.predict(f"data:image/png;base64,{payload}")
    time.sleep(0.3)
    return str(resp.status_code), _empty_result(resp) and payload not in lab.log_text(), "data: URL not logged whole"


def p_local_files_nul_and_long(lab: Lab):
    before = lab.failure_count("bad_url"), lab.failure_count("pipeline_error")
    resp = lab.predict("/data/local-files/?d=cards/a%00b.png", "/data/local-files/?d=" + "a/" * 3000 + "x.png")
    after = lab.failure_count("bad_url"), lab.failure_count("pipeline_error")
    ok = resp.status_code == 200 and resp.json()["results"] == [[], []] and after == (before[0] + 2, before[1])
    return str(resp.status_code), ok, "NUL and 6,000-char ?d= are bad_url"


def p_chunked_too_large(lab: Lab):
    host, port = urlsplit(lab.url).hostname, urlsplit(lab.url).port
    started = time.monotonic()
    with socket.create_connection((host, port), timeout=20) as sock:
        sock.sendall(b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b'{"tasks": [' + b" " * (1024 * 1024 - 11)
        try:
            for _ in range(20):  # 20 MB against a 16 MB limit
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                chunk = b" " * (1024 * 1024)
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed before the end: fine
        answer = sock.recv(200).decode("latin-1")
    status = answer.split(" ", 2)[1] if answer.startswith("HTTP/") else "none"
    return status, status == "413", f"20 MB chunked body in {time.monotonic() - started:.1f} s"


def p_pixel_bomb(lab: Lab):
    started = time.monotonic()
    before = lab.failure_count("bad_image")
    resp = lab.predict("/data/upload/1/bomb.png")
    took = time.monotonic() - started
    ok = _empty_result(resp) and lab.failure_count("bad_image") == before + 1 and took < 2.0
    return str(resp.status_code), ok, "39.9 MP PNG of 52 kB refused from its header"


def p_client_gone(lab: Lab):
    hung_before = lab.ls.hits.get("/hang.png", 0)
    body = json.dumps({"tasks": [{"id": i, "data": {"image": "/hang.png"}} for i in range(10)]}).encode()
    host, port = urlsplit(lab.url).hostname, urlsplit(lab.url).port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        time.sleep(1.0)
    deadline = time.monotonic() + FETCH_TIMEOUT + 3
    while time.monotonic() < deadline and "client closed the connection" not in lab.log_text():
        time.sleep(0.2)
    stopped = "client closed the connection" in lab.log_text()
    fetched = lab.ls.hits.get("/hang.png", 0) - hung_before
    return "closed", stopped and fetched <= 2, f"work stopped after {fetched} of 10 images"


PROBES: list[Probe] = [
    ("backslash in a task URL", p_backslash_task),
    ("backslash URL through a redirect", p_backslash_redirect),
    ("redirect to an allow-listed host", p_redirect_to_allowlisted),
    ("/setup hostname with a backslash", p_setup_backslash_hostname),
    ("/setup moves URL and token", p_setup_moves_to_allowlisted),
    ("too many tasks", p_too_many_tasks),
    ("image trickled at 2 bytes/s", p_trickle),
    ("hung Label Studio, 10 tasks", p_hung_label_studio),
    ("/health under 20 /predict clients", p_health_under_load),
    ("/health while the model works", p_health_while_predicting),
    ("deeply nested JSON", p_deep_json),
    ("newline in a task id", p_log_forging),
    ("data: URL in the log", p_data_url_logged),
    ("NUL / over-long Local Files path", p_local_files_nul_and_long),
    ("chunked body over the limit", p_chunked_too_large),
    ("decompression bomb PNG", p_pixel_bomb),
    ("client hangs up mid-batch", p_client_gone),
]


def start_lab(model_dir: Path, work_dir: Path) -> Lab:
    """The hosts and the backend, all on loopback; call ``stop_lab`` afterwards."""
    token = secrets.token_hex(20)
    ls = FakeLabelStudio(token)
    foreign, cdn = RecordingHost(FOREIGN_HOST), RecordingHost(CDN_HOST)
    files = work_dir / "ls-files"
    (files / "cards").mkdir(parents=True, exist_ok=True)
    log_path = work_dir / "backend.log"
    env = dict(
        os.environ,
        CARDLOOP_MODEL_DIR=str(model_dir), CARDLOOP_REGISTRY_DIR=str(work_dir / "registry"),
        CARDLOOP_MODEL_POLL_SECONDS="60", CARDLOOP_WORKERS="1", REDIS_URL="redis://127.0.0.1:9/0",
        LABEL_STUDIO_URL=ls.url, LABEL_STUDIO_API_KEY=token, LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT=str(files),
        CARDLOOP_FETCH_ALLOWLIST=f"{CDN_HOST}:{cdn.port}", CARDLOOP_FETCH_TIMEOUT=str(FETCH_TIMEOUT),
        CARDLOOP_PREDICT_DEADLINE=str(PREDICT_DEADLINE), CARDLOOP_PREDICT_MAX_TASKS=str(MAX_TASKS),
        CARDLOOP_PREDICT_CONCURRENCY="1", CARDLOOP_PREDICT_QUEUE="2",
        BASIC_AUTH_USER="", BASIC_AUTH_PASS="", CARDLOOP_LOG_LEVEL="INFO",
    )
    backend = BackendProcess(port=free_port(), log_path=log_path, env=env)
    lab = Lab(backend=backend, ls=ls, foreign=foreign, cdn=cdn, token=token, log_path=log_path)
    try:
        backend.start(timeout=240)
    except Exception:
        stop_lab(lab)
        raise
    return lab


def stop_lab(lab: Lab) -> None:
    lab.backend.stop()
    for server in (lab.ls, lab.foreign, lab.cdn):
        server.close()


def run_probes(lab: Lab, probes: list[Probe] | None = None) -> list[Row]:
    rows = []
    for name, probe in probes or PROBES:
        foreign_before = len(lab.foreign.requests)
        started = time.monotonic()
        try:
            status, ok, note = probe(lab)
        except Exception as exc:  # noqa: BLE001 -- a probe that breaks is a failed row, not a crash
            status, ok, note = "error", False, f"{type(exc).__name__}: {exc}"
        took = time.monotonic() - started
        reached = len(lab.foreign.requests) > foreign_before or lab.cdn.saw_token(lab.token)
        alive = lab.alive()
        rows.append(Row(name, status, took, alive, reached, ok and alive and not reached, note))
    return rows


def table(rows: list[Row]) -> str:
    lines = [f"{'probe':36} {'HTTP':>15} {'time':>7} {'alive':>5} {'foreign':>7}  result",
             "-" * 110]
    for r in rows:
        lines.append(f"{r.probe:36} {r.status:>15} {r.seconds:6.2f}s {'yes' if r.alive else 'NO':>5} "
                     f"{'YES' if r.foreign_reached else 'never':>7}  {'ok' if r.ok else 'FAILED'}  {r.note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from ml_backend.config import load_settings

    parser = argparse.ArgumentParser(prog="python -m scripts.probe_security", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", default=load_settings().model_dir, help="model the backend serves")
    parser.add_argument("--keep-log", default=None, metavar="PATH", help="copy the backend's log here")
    args = parser.parse_args(argv)
    model_dir = Path(args.model_dir)
    if not model_dir.exists():
        print(f"error: model directory {model_dir} does not exist (--model-dir)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="cardloop-probe-") as work:
        print("starting the backend and the hosts around it (loopback only)...", flush=True)
        lab = start_lab(model_dir, Path(work))
        try:
            rows = run_probes(lab)
        finally:
            stop_lab(lab)
            if args.keep_log:
                Path(args.keep_log).write_text(lab.log_text())
    print(table(rows))
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
