"""A small Chrome DevTools Protocol client for headless Chromium over ``--remote-debugging-pipe``.

Why a pipe and no library: the protocol is JSON messages separated by NUL bytes on file
descriptors 3 (commands in) and 4 (replies and events out), so a client needs nothing beyond the
standard library -- no websocket package, no selenium, no browser download. Debian's
``chromium`` package is used as installed; it runs offline.

One ``Browser`` is one Chromium process with one page; callers render many cards through it
(starting Chromium costs ~0.5 s, a card ~0.05 s).
"""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from PIL import Image

logger = logging.getLogger(__name__)

#: Executable names tried in order on PATH (Debian: chromium; other distributions: the others).
EXECUTABLES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class BrowserError(RuntimeError):
    """Chromium is missing, failed to start, died, or answered a command with an error."""


def chromium_path() -> str | None:
    """Path of a Chromium/Chrome executable on PATH, or None."""
    for name in EXECUTABLES:
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    """One headless Chromium process with one page, driven over the DevTools pipe.

    Use as a context manager; ``close`` ends the process (killed if it does not exit in 5 s).
    """

    def __init__(self, executable: str | None = None, *, width: int = 1400, height: int = 1400) -> None:
        exe = executable or chromium_path()
        if exe is None:
            raise BrowserError(f"no Chromium found on PATH (tried {', '.join(EXECUTABLES)}); "
                               "install Debian's 'chromium' package (scripts/install.sh does)")
        self._profile = tempfile.TemporaryDirectory(prefix="cardloop-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire_pipes() -> None:  # runs in the child: Chromium expects the pipe on fds 3 and 4
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [exe, "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--mute-audio",
                "--disable-background-networking", "--disable-sync", "--disable-dev-shm-usage",
                "--allow-file-access-from-files", "--font-render-hinting=none",
                f"--user-data-dir={self._profile.name}", "about:blank"]
        self._stderr = tempfile.TemporaryFile()
        try:
            self._proc = subprocess.Popen(args, preexec_fn=wire_pipes, close_fds=False, stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL, stderr=self._stderr)
        except OSError as exc:
            raise BrowserError(f"cannot start {exe}: {exc}") from exc
        finally:
            os.close(to_chrome_r)
            os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self.session: str | None = None
        self._pages = 0
        try:
            target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            self.call("Page.enable")
            self.set_viewport(width, height)
        except BrowserError:
            self.close()
            raise

    # --- protocol ---------------------------------------------------------------------------

    def _stderr_tail(self) -> str:
        self._stderr.seek(0)
        lines = [ln for ln in self._stderr.read().decode(errors="replace").splitlines()
                 if "dbus" not in ln and "unexpected operator" not in ln]
        return " | ".join(lines[-3:])

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send one command (to the page once attached) and wait for its reply; events are dropped."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if self.session and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self.session
        try:
            os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        except OSError as exc:
            raise BrowserError(f"Chromium is gone ({exc}); its last words: {self._stderr_tail()}") from exc
        while True:
            while b"\0" not in self._buffer:
                chunk = os.read(self._from_chrome, 1 << 20)
                if not chunk:
                    raise BrowserError(f"Chromium closed the pipe during {method}; its last words: {self._stderr_tail()}")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')} {reply['error'].get('data', '')}".strip())
                return reply.get("result", {})

    # --- page helpers -------------------------------------------------------------------------

    def set_viewport(self, width: int, height: int) -> None:
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": int(width), "height": int(height), "deviceScaleFactor": 1, "mobile": False})

    def load_html(self, html: str, directory: Path) -> None:
        """Show ``html`` as a new file in ``directory`` (so ``file://`` fonts and images load) and
        wait until that very document has loaded: a script call right after ``Page.navigate`` may
        still reach the previous document, so each page gets a token the wait checks for."""
        self._pages += 1
        token = f"{os.getpid()}-{self._pages}"
        path = directory / f"page-{token}.html"
        path.write_text(html.replace("</head>", f"<script>window.__cardloopPage = '{token}';</script></head>", 1),
                        encoding="utf-8")
        try:
            self.call("Page.navigate", {"url": path.as_uri()})
            for _ in range(2000):
                if self.evaluate(f"window.__cardloopPage === '{token}' && document.readyState === 'complete'"):
                    return
                time.sleep(0.005)
            raise BrowserError(f"page {path.name} did not load")
        finally:
            path.unlink(missing_ok=True)

    def evaluate(self, expression: str) -> Any:
        """Value of a JS expression (promises awaited); a thrown exception is a ``BrowserError``."""
        result = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"page script failed: {text}")
        return result.get("result", {}).get("value")

    def screenshot(self, x: float, y: float, width: int, height: int) -> Image.Image:
        """RGB pixels of the page rectangle (CSS px = image px; device scale 1)."""
        data = self.call("Page.captureScreenshot", {"format": "png", "clip": {"x": x, "y": y, "width": width,
                                                                             "height": height, "scale": 1}})["data"]
        return Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")

    def close(self) -> None:
        if getattr(self, "_proc", None) is not None and self._proc.poll() is None:
            try:
                self.call("Browser.close")
            except BrowserError:
                pass
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        for fd in (self._to_chrome, self._from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass
        self._to_chrome = self._from_chrome = -1
        self._stderr.close()
        self._profile.cleanup()

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
