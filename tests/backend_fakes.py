"""Test doubles for the ML backend tests: a stand-in pipeline and a stand-in Label Studio file host.

The fake pipeline answers with a Card whose boxes depend on the image size, so tests see real
coordinate conversion; the file host is a real HTTP server (threads, free port) that serves
uploads only with the right token, like Label Studio does, plus the hostile cases (redirects to
other hosts, HTML, endless bodies).
"""

from __future__ import annotations

import io
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image

from ml_backend.config import load_settings
from ml_backend.schema import Card, FieldValue, OcrResult


def png_bytes(width: int = 400, height: int = 200, color=(255, 255, 255), mode: str = "RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, (width, height), color if mode == "RGB" else 1).save(buf, format="PNG")
    return buf.getvalue()


class FakePipeline:
    """Reads every card as one name and one e-mail at fixed relative positions."""

    def __init__(self, version: str = "v-test", fail_on_width: int | None = None):
        self.model_version = version
        self.fail_on_width = fail_on_width
        self.calls = 0

    def predict(self, image: Image.Image) -> Card:
        self.calls += 1
        w, h = image.size
        if w == self.fail_on_width:
            raise RuntimeError("simulated pipeline crash")
        values = [
            FieldValue("full_name", "Jane Doe", "Jane Doe", 0.9, bbox=(0.1 * w, 0.1 * h, 0.5 * w, 0.2 * h)),
            FieldValue("email", "jane@doe.io", "jane@doe.io", 0.7, bbox=(0.1 * w, 0.5 * h, 0.6 * w, 0.6 * h)),
        ]
        return Card(values=values, confidence=0.7, ocr=OcrResult(lines=[], width=w, height=h),
                    model_version=self.model_version, timings={"ocr": 0.01, "total": 0.02})


def test_settings(**overrides):
    """Settings for a test app: no auth, no real registry unless given."""
    base = dict(basic_auth_user="", basic_auth_pass="", label_studio_api_key="", fetch_allowlist=(),
                local_files_root="", fetch_timeout=5.0)
    base.update(overrides)
    return replace(load_settings(), **base)


test_settings.__test__ = False  # not a pytest test despite the name


class FileHost:
    """A small HTTP server standing in for Label Studio's file serving."""

    def __init__(self, files: dict[str, bytes], token: str = "", content_types: dict[str, str] | None = None):
        self.files = files
        self.token = token
        self.content_types = content_types or {}
        self.requests: list[tuple[str, str | None]] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                auth = self.headers.get("Authorization")
                host.requests.append((self.path, auth))
                path = self.path
                if path.startswith("/redirect-to/"):
                    self.send_response(302)
                    self.send_header("Location", path[len("/redirect-to/"):].replace("__", "://", 1))
                    self.end_headers()
                    return
                if path == "/endless":
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.end_headers()
                    try:
                        for _ in range(10_000):
                            self.wfile.write(b"\0" * 65536)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                if path.startswith("/data/upload/") and host.token and auth != f"Token {host.token}":
                    self.send_response(401)
                    self.end_headers()
                    return
                body = host.files.get(path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    self.wfile.write(b"<h1>not found</h1>")
                    return
                self.send_response(200)
                self.send_header("Content-Type", host.content_types.get(path, "image/png"))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def write_png(path: Path, width: int = 400, height: int = 200) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png_bytes(width, height))
    return path
