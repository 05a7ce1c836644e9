"""Task image URL -> decoded card image, fetched only from where Label Studio keeps images.

A task's ``data.image`` is written by whoever imports tasks, so the backend treats it as hostile:
only ``http(s)`` URLs on Label Studio's own host or a host in ``CARDLOOP_FETCH_ALLOWLIST`` are
fetched (no SSRF into the cluster), redirects are followed by hand and only to allowed hosts,
the body is streamed and cut at ``max_image_bytes``, the whole download has a deadline, and the
bytes go through ``images.load_image`` (pixel limit, truncation, EXIF). The Label Studio token is
sent to Label Studio's host only, never to an allow-listed third party, and never logged.

URL forms Label Studio produces:
- ``/data/upload/<project>/<file>`` (uploads; relative: prefixed with Label Studio's URL)
- ``http://ls/data/local-files/?d=<dir>/<file>`` (Local Files storage; read straight from
  ``LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT`` when this process can see it, else over HTTP)
- any ``http(s)`` URL (cloud storage, presigned links) on an allowed host.

Every failure is a ``FetchError`` whose ``reason`` is a short code the server counts in /metrics.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from PIL import Image

from ml_backend.config import Settings
from ml_backend.images import ImageError, load_image

log = logging.getLogger(__name__)

LOCAL_FILES_PATH = "/data/local-files/"
MAX_REDIRECTS = 3
_CHUNK = 64 * 1024
#: Content types accepted besides image/*: storages often serve images as generic binaries.
_GENERIC_TYPES = {"application/octet-stream", "binary/octet-stream", ""}

#: FetchError reasons (the /metrics label values).
REASONS = (
    "no_image", "bad_url", "forbidden_host", "forbidden_path", "not_found", "http_status",
    "unreachable", "timeout", "too_large", "not_image", "bad_image",
)


class FetchError(Exception):
    """A task image could not be fetched or decoded; ``reason`` is one of ``REASONS``."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def redact(secret: str | None) -> str:
    """A token as it may appear in logs: its length and first characters only."""
    if not secret:
        return "<none>"
    return f"{secret[:4]}...({len(secret)} chars)"


def loggable_url(url: str) -> str:
    """A URL without credentials or query values other than Local Files' ``d`` (presigned
    links carry signatures in the query)."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = ""
    if parts.query:
        d = parse_qs(parts.query).get("d")
        query = f"?d={d[0]}" if d else "?..."
    return f"{parts.scheme + '://' if parts.scheme else ''}{netloc}{parts.path}{query}"


def task_image_url(task: Any, key: str = "image") -> str:
    """The image URL of a Label Studio task (``task["data"][key]``), or FetchError("no_image")."""
    if not isinstance(task, dict):
        raise FetchError("no_image", "task is not a JSON object")
    data = task.get("data")
    url = data.get(key) if isinstance(data, dict) else None
    if not isinstance(url, str) or not url.strip():
        raise FetchError("no_image", f"task {task.get('id')} has no data.{key} URL")
    return url.strip()


def _origin(url: str) -> tuple[str, int | None]:
    """(lower-case host, port with the scheme's default filled in)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError as exc:
        raise FetchError("bad_url", f"bad port in {loggable_url(url)}") from exc
    if port is None:
        port = {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.hostname or "").lower(), port


@dataclass
class ImageFetcher:
    """Fetches task images for one Label Studio (its URL and token from /setup or settings)."""

    settings: Settings
    label_studio_url: str
    token: str = ""
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.label_studio_url = self.label_studio_url.rstrip("/")
        if urlsplit(self.label_studio_url).scheme not in ("http", "https"):
            raise ValueError(f"Label Studio URL must start with http:// or https://, got {self.label_studio_url!r}")

    # --- policy ----------------------------------------------------------------------------

    def _is_label_studio(self, url: str) -> bool:
        return _origin(url) == _origin(self.label_studio_url)

    def _allowed(self, url: str) -> bool:
        if self._is_label_studio(url):
            return True
        host, port = _origin(url)
        for entry in self.settings.fetch_allowlist:
            entry = entry.lower()
            if ":" in entry:
                allowed_host, _, allowed_port = entry.rpartition(":")
                if host == allowed_host and str(port) == allowed_port:
                    return True
            elif host == entry:
                return True
        return False

    def resolve(self, url: str) -> str:
        """Absolute URL of a task image (relative Label Studio paths get its URL), checked."""
        if url.startswith("/") and not url.startswith("//"):
            url = self.label_studio_url + url
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError("bad_url", f"unsupported image URL {loggable_url(url)} (http(s) or /data/... only)")
        if not self._allowed(url):
            raise FetchError("forbidden_host", f"image host {parts.hostname} is neither Label Studio nor in CARDLOOP_FETCH_ALLOWLIST")
        return url

    def _local_file(self, url: str) -> Path | None:
        """The file behind a Local Files URL when the document root is mounted here, else None."""
        if not self.settings.local_files_root:
            return None
        parts = urlsplit(url)
        if parts.path != LOCAL_FILES_PATH or not self._is_label_studio(url):
            return None
        rel = (parse_qs(parts.query).get("d") or [""])[0]
        if not rel:
            raise FetchError("bad_url", "Local Files URL without ?d=")
        root = Path(self.settings.local_files_root).resolve()
        path = (root / rel).resolve()
        if not path.is_relative_to(root):
            raise FetchError("forbidden_path", f"{rel} lies outside the Local Files document root")
        if not path.is_file():
            raise FetchError("not_found", f"Local Files image {rel} does not exist")
        return path

    # --- fetching ---------------------------------------------------------------------------

    def fetch_bytes(self, url: str) -> bytes:
        """The raw image bytes of a task URL; FetchError on any policy or transport failure."""
        url = self.resolve(url)
        local = self._local_file(url)
        if local is not None:
            size = local.stat().st_size
            if size > self.settings.max_image_bytes:
                raise FetchError("too_large", f"image is {size} bytes (limit {self.settings.max_image_bytes})")
            return local.read_bytes()
        deadline = time.monotonic() + self.settings.fetch_timeout
        for _ in range(MAX_REDIRECTS + 1):
            response = self._get(url, deadline)
            with response:
                if response.is_redirect:
                    target = urljoin(url, response.headers.get("Location", ""))
                    url = self.resolve(target)  # a redirect to a foreign host is refused here
                    continue
                return self._read_body(url, response, deadline)
        raise FetchError("http_status", f"more than {MAX_REDIRECTS} redirects for {loggable_url(url)}")

    def _get(self, url: str, deadline: float) -> requests.Response:
        headers = {"Authorization": f"Token {self.token}"} if self.token and self._is_label_studio(url) else {}
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError("timeout", f"fetching {loggable_url(url)} took longer than {self.settings.fetch_timeout} s")
        try:
            return self.session.get(url, headers=headers, stream=True, allow_redirects=False,
                                    timeout=(min(remaining, 5.0), remaining))
        except requests.Timeout as exc:
            raise FetchError("timeout", f"{loggable_url(url)} did not answer within {self.settings.fetch_timeout} s") from exc
        except requests.RequestException as exc:
            raise FetchError("unreachable", f"cannot reach {loggable_url(url)}: {type(exc).__name__}") from exc

    def _read_body(self, url: str, response: requests.Response, deadline: float) -> bytes:
        if response.status_code != 200:
            reason = "not_found" if response.status_code == 404 else "http_status"
            raise FetchError(reason, f"{loggable_url(url)} answered HTTP {response.status_code}")
        ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not ctype.startswith("image/") and ctype not in _GENERIC_TYPES:
            raise FetchError("not_image", f"{loggable_url(url)} is {ctype}, not an image")
        limit = self.settings.max_image_bytes
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError("too_large", f"image is {declared} bytes (limit {limit})")
        body = bytearray()
        try:
            for chunk in response.iter_content(_CHUNK):
                body.extend(chunk)
                if len(body) > limit:
                    raise FetchError("too_large", f"image is over the {limit}-byte limit")
                if time.monotonic() > deadline:
                    raise FetchError("timeout", f"download of {loggable_url(url)} exceeded {self.settings.fetch_timeout} s")
        except requests.RequestException as exc:
            raise FetchError("unreachable", f"download of {loggable_url(url)} broke off: {type(exc).__name__}") from exc
        return bytes(body)

    def fetch_image(self, url: str) -> Image.Image:
        """The decoded, EXIF-transposed RGB image of a task URL."""
        data = self.fetch_bytes(url)
        try:
            return load_image(data, max_pixels=self.settings.max_pixels, max_bytes=self.settings.max_image_bytes)
        except ImageError as exc:
            raise FetchError("bad_image", str(exc)) from exc
