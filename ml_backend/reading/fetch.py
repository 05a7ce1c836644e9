"""Task image URL -> decoded card image, fetched only from where Label Studio keeps images.

A task's ``data.image`` is written by whoever imports tasks, so the backend treats it as hostile:
only ``http(s)`` URLs on Label Studio's own host or a host in ``CARDLOOP_FETCH_ALLOWLIST`` are
fetched (no SSRF into the cluster), redirects are followed by hand and only to allowed hosts,
the body is streamed and cut at ``max_image_bytes``, and the bytes go through
``images.load_image`` (pixel limit, truncation, EXIF). Label Studio's authentication (the
headers ``studio.client.auth_headers`` makes of its token, passed in by whoever builds the
fetcher: this stage knows no Label Studio API) is sent to Label Studio's origin only, never to an
allow-listed third party, and never logged.

Two parsers must never disagree about where a request goes. ``urlsplit`` reads
``http://a\\@b/`` as host ``b``; urllib3 (which requests uses to connect) reads it as host
``a``. So a URL is parsed once, with urllib3's own ``parse_url``, and refused (``bad_url``)
when it holds a backslash, control characters, whitespace before the path, credentials, or
when ``urlsplit`` reads another scheme, host or port from it. And the policy is checked again
where the socket is opened: every connection a fetch makes goes through
``_GuardedConnectionMixin``, which refuses to connect to any host/port other than the one the
policy approved for that request (and, for an IP literal, to any other peer address), before a
single header is sent.

Time is bounded in total, not per socket read: a watchdog shuts the fetch's sockets down when
its deadline passes, so a server trickling one byte a second cannot hold a request longer than
``CARDLOOP_FETCH_TIMEOUT`` (or the /predict request's own deadline, whichever comes first).

URL forms Label Studio produces:
- ``/data/upload/<project>/<file>`` (uploads; relative: prefixed with Label Studio's URL)
- ``http://ls/data/local-files/?d=<dir>/<file>`` (Local Files storage; read straight from
  ``LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT`` when this process can see it, else over HTTP)
- any ``http(s)`` URL (cloud storage, presigned links) on an allowed host.

Every failure is a ``FetchError`` whose ``reason`` is a short code the server counts in /metrics.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from PIL import Image
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from ml_backend.config import Settings
from ml_backend.reading.images import ImageError, load_image

log = logging.getLogger(__name__)

LOCAL_FILES_PATH = "/data/local-files/"
MAX_REDIRECTS = 3
#: Longest task URL and Local Files ``?d=`` path accepted (Linux PATH_MAX is 4096).
MAX_URL_CHARS = 8192
MAX_LOCAL_PATH_CHARS = 1024
_CHUNK = 64 * 1024
#: Content types accepted besides image/*: storages often serve images as generic binaries.
_GENERIC_TYPES = {"application/octet-stream", "binary/octet-stream", ""}
#: Characters no URL we fetch may hold: urllib3 and urlsplit disagree on them, or they end lines.
_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x1f\x7f\\]")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_DEFAULT_PORTS = {"http": 80, "https": 443}

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


# --- what may be logged ---------------------------------------------------------------------------


def printable(value: Any, limit: int = 120) -> str:
    """``value`` as one log-safe line: control characters (newlines!) escaped, cut at ``limit``.

    Anything a request carries (task ids, URLs, hostnames) goes through here before it is logged,
    so a task id of ``"1\\nERROR forged line"`` cannot forge a log line.
    """
    text = value if isinstance(value, str) else repr(value)
    text = _CONTROL_CHARS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return text if len(text) <= limit else f"{text[:limit]}...({len(text)} chars)"


def redact(secret: str | None) -> str:
    """A token as it may appear in logs: its length and first characters only."""
    if not secret:
        return "<none>"
    return f"{secret[:4]}...({len(secret)} chars)"


def loggable_url(url: str) -> str:
    """A URL as it may be logged: no credentials, no query values other than Local Files' ``d``
    (presigned links carry signatures in the query), no inline ``data:`` payloads, one line."""
    if not isinstance(url, str):
        return printable(url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", ""):
        return f"{printable(parts.scheme, 16)}:...({len(url)} chars)"
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = ""
    if parts.query:
        d = parse_qs(parts.query).get("d")
        query = f"?d={d[0]}" if d else "?..."
    return printable(f"{parts.scheme + '://' if parts.scheme else ''}{netloc}{parts.path}{query}", 200)


# --- URLs: parsed once, the way the HTTP client will connect ---------------------------------------


class Origin(NamedTuple):
    """Where a request goes: scheme, lower-case host (IPv6 without brackets), port."""

    scheme: str
    host: str
    port: int


@dataclass(frozen=True)
class CheckedURL:
    """A URL both parsers read the same way; ``url`` is urllib3's normal form, the one requested."""

    url: str
    origin: Origin
    path: str
    query: str


def check_url(url: str) -> CheckedURL:
    """Parse an absolute http(s) URL as urllib3 will, or raise FetchError("bad_url").

    Refused: backslashes and control characters anywhere, whitespace in the scheme or host
    part (a space in a file name is percent-encoded, as urllib3 does), over-long URLs,
    credentials, a missing host, a host with ``%``, and any URL from which ``urlsplit`` reads a
    different scheme, host or port than urllib3 (the confusion behind ``http://a\\@b/``).
    """
    if not isinstance(url, str):
        raise FetchError("bad_url", "image URL is not a string")
    if len(url) > MAX_URL_CHARS:
        raise FetchError("bad_url", f"image URL is {len(url)} characters long (limit {MAX_URL_CHARS})")
    if _UNSAFE_URL_CHARS.search(url):
        raise FetchError("bad_url", f"image URL holds a backslash or control character: {loggable_url(url)}")
    if any(ch.isspace() for ch in "/".join(url.split("/", 3)[:3])):  # a space in a path is just a file name
        raise FetchError("bad_url", f"image URL holds whitespace before its path: {loggable_url(url)}")
    try:
        parsed = parse_url(url)
        split = urlsplit(url)
        split_port = split.port
    except (LocationParseError, ValueError) as exc:
        raise FetchError("bad_url", f"unparseable image URL {loggable_url(url)}") from exc
    scheme = (parsed.scheme or "").lower()
    if scheme not in _DEFAULT_PORTS:
        raise FetchError("bad_url", f"unsupported image URL {loggable_url(url)} (http(s) or /data/... only)")
    if parsed.auth is not None or "@" in split.netloc:
        raise FetchError("bad_url", f"image URL carries credentials: {loggable_url(url)}")
    host = (parsed.host or "").lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host or "%" in host:
        raise FetchError("bad_url", f"image URL has no usable host: {loggable_url(url)}")
    if (split.scheme.lower(), split.hostname, split_port) != (scheme, host, parsed.port):
        raise FetchError("bad_url", f"image URL reads differently to different parsers: {loggable_url(url)}")
    port = parsed.port or _DEFAULT_PORTS[scheme]
    return CheckedURL(parsed.url, Origin(scheme, host, port), parsed.path or "/", parsed.query or "")


def task_image_url(task: Any, key: str = "image") -> str:
    """The image URL of a Label Studio task (``task["data"][key]``), or FetchError("no_image")."""
    if not isinstance(task, dict):
        raise FetchError("no_image", "task is not a JSON object")
    data = task.get("data")
    url = data.get(key) if isinstance(data, dict) else None
    if not isinstance(url, str) or not url.strip():
        raise FetchError("no_image", f"task {printable(task.get('id'), 40)} has no data.{key} URL")
    return url.strip()


# --- the connection guard: the policy checked where the socket is opened ---------------------------


class _Guard:
    """One fetch's connection policy and deadline, consulted by every socket the fetch opens.

    ``expect`` names the only origin the next request may connect to; a watchdog shuts the
    fetch's sockets down at ``deadline`` so that no read, however slow, outlives it.
    """

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.expected: Origin | None = None
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "_Guard":
        _active.guard = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _active.guard = None

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def check_target(self, host: str, port: int) -> None:
        expected = self.expected
        host = host.lower().strip("[]")
        if expected is None or (host, port) != (expected.host, expected.port):
            raise _ForeignConnection(f"connection to {printable(host, 80)}:{port} is not the approved "
                                     f"{expected.host if expected else '<none>'}:{expected.port if expected else ''}")

    def check_peer(self, sock: socket.socket) -> None:
        expected = self.expected
        try:
            wanted = ipaddress.ip_address(expected.host) if expected else None
        except ValueError:  # a DNS name: its addresses are whatever the resolver says
            wanted = None
        peer = ipaddress.ip_address(sock.getpeername()[0].split("%", 1)[0])
        if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped:
            peer = peer.ipv4_mapped
        if wanted is not None and peer != wanted:
            raise _ForeignConnection(f"connected to {peer}, not the approved {wanted}")

    def register(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                sock.shutdown(socket.SHUT_RDWR)


class _ForeignConnection(ConnectionError):
    """The HTTP client was about to talk to a host the fetch policy did not approve."""


_active = threading.local()


class _GuardedConnectionMixin:
    """urllib3 connection that opens its socket only to the origin the active ``_Guard`` approved."""

    def _new_conn(self) -> socket.socket:
        guard: _Guard | None = getattr(_active, "guard", None)
        if guard is None:
            raise _ForeignConnection("image fetch connection opened outside a guarded fetch")
        guard.check_target(self._dns_host.rstrip("."), self.port)  # type: ignore[attr-defined]
        sock = super()._new_conn()  # type: ignore[misc]
        try:
            guard.check_peer(sock)
            guard.register(sock)
        except BaseException:
            sock.close()
            raise
        return sock


class _GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    """requests transport whose connections are all ``_GuardedConnection``s; no proxies, no retries."""

    def __init__(self) -> None:
        super().__init__(max_retries=0, pool_connections=1, pool_maxsize=1)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        raise _ForeignConnection("image fetches never go through a proxy")


def _session() -> requests.Session:
    """A fresh session for one fetch: guarded transport, no proxies, .netrc or env credentials."""
    session = requests.Session()
    session.trust_env = False
    adapter = _GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# --- the fetcher --------------------------------------------------------------------------------------


class ImageFetcher:
    """Fetches task images for one Label Studio (its URL, and the ``auth`` headers its own files
are fetched with: ``studio.client.auth_headers`` of the token from settings or /setup).

    Holds no per-request state (each fetch has its own session and guard), so one instance
    serves every request thread.
    """

    def __init__(self, settings: Settings, label_studio_url: str, auth: Mapping[str, str] | None = None):
        self.settings = settings
        self.auth = dict(auth or {})
        if not isinstance(label_studio_url, str) or urlsplit(label_studio_url).scheme not in _DEFAULT_PORTS:
            raise ValueError(f"Label Studio URL must start with http:// or https://, got {label_studio_url!r}")
        self.label_studio_url = label_studio_url.rstrip("/")
        try:
            self.label_studio = check_url(self.label_studio_url + "/").origin
        except FetchError as exc:
            raise ValueError(f"unusable Label Studio URL: {exc}") from exc

    # --- policy ----------------------------------------------------------------------------

    def _allowed(self, origin: Origin) -> bool:
        if origin == self.label_studio:
            return True
        for entry in self.settings.fetch_allowlist:
            entry = entry.lower()
            host, sep, port = entry.rpartition(":")
            if sep and port.isdigit() and not host.endswith(":"):
                if (origin.host, origin.port) == (host.strip("[]"), int(port)):
                    return True
            elif origin.host == entry.strip("[]"):
                return True
        return False

    def resolve(self, url: str) -> CheckedURL:
        """The checked absolute URL of a task image (relative Label Studio paths get its URL)."""
        if isinstance(url, str) and url.startswith("/") and not url.startswith("//"):
            url = self.label_studio_url + url
        checked = check_url(url)
        if not self._allowed(checked.origin):
            raise FetchError("forbidden_host", f"image host {printable(checked.origin.host, 80)} is neither "
                                               "Label Studio nor in CARDLOOP_FETCH_ALLOWLIST")
        return checked

    def _local_file(self, checked: CheckedURL) -> Path | None:
        """The file behind a Local Files URL when the document root is mounted here, else None."""
        if not self.settings.local_files_root:
            return None
        if checked.path != LOCAL_FILES_PATH or checked.origin != self.label_studio:
            return None
        rel = (parse_qs(checked.query).get("d") or [""])[0]
        if not rel:
            raise FetchError("bad_url", "Local Files URL without ?d=")
        if len(rel) > MAX_LOCAL_PATH_CHARS or _CONTROL_CHARS.search(rel):
            raise FetchError("bad_url", f"Local Files path is over {MAX_LOCAL_PATH_CHARS} characters or holds control "
                                        f"characters: {printable(rel, 80)}")
        try:
            root = Path(self.settings.local_files_root).resolve()
            path = (root / rel).resolve()
            if not path.is_relative_to(root):
                raise FetchError("forbidden_path", f"{printable(rel, 200)} lies outside the Local Files document root")
            if not path.is_file():
                raise FetchError("not_found", f"Local Files image {printable(rel, 200)} does not exist")
        except OSError as exc:  # name too long, too many symlink levels, ...
            raise FetchError("bad_url", f"Local Files path {printable(rel, 80)} is unusable: {exc.strerror}") from exc
        return path

    # --- fetching ---------------------------------------------------------------------------

    def fetch_bytes(self, url: str, deadline: float | None = None) -> bytes:
        """The raw image bytes of a task URL; FetchError on any policy or transport failure.

        The whole fetch (redirects, connects, headers, body) ends by ``CARDLOOP_FETCH_TIMEOUT``
        from now, or by ``deadline`` (a ``time.monotonic()`` value) when that comes first.
        """
        checked = self.resolve(url)
        local = self._local_file(checked)
        if local is not None:
            size = local.stat().st_size
            if size > self.settings.max_image_bytes:
                raise FetchError("too_large", f"image is {size} bytes (limit {self.settings.max_image_bytes})")
            return local.read_bytes()
        limit = time.monotonic() + self.settings.fetch_timeout
        deadline = limit if deadline is None else min(limit, deadline)
        with _Guard(deadline) as guard, _session() as session:
            for _ in range(MAX_REDIRECTS + 1):
                response = self._get(session, guard, checked)
                with response:
                    if response.is_redirect:
                        target = urljoin(checked.url, response.headers.get("Location", ""))
                        checked = self.resolve(target)  # a redirect to a foreign host is refused here
                        continue
                    return self._read_body(guard, checked, response)
        raise FetchError("http_status", f"more than {MAX_REDIRECTS} redirects for {loggable_url(checked.url)}")

    def _timeout(self, guard: _Guard, checked: CheckedURL) -> FetchError:
        return FetchError("timeout", f"fetching {loggable_url(checked.url)} took longer than its "
                                     f"{self.settings.fetch_timeout:g} s limit or the request's deadline")

    def _get(self, session: requests.Session, guard: _Guard, checked: CheckedURL) -> requests.Response:
        remaining = guard.deadline - time.monotonic()
        if remaining <= 0 or guard.expired:
            raise self._timeout(guard, checked)
        # The authentication goes only to Label Studio's origin; the guard makes sure that is where the socket goes.
        headers = {"Accept-Encoding": "identity"}
        if checked.origin == self.label_studio:
            headers.update(self.auth)
        guard.expected = checked.origin
        try:
            return session.get(checked.url, headers=headers, stream=True, allow_redirects=False,
                               timeout=(min(remaining, 5.0), remaining))
        except requests.RequestException as exc:
            if guard.expired or isinstance(exc, requests.Timeout):
                raise self._timeout(guard, checked) from exc
            if _caused_by(exc, _ForeignConnection):
                log.error("refused a connection the fetch policy did not approve: %s", printable(exc, 300))
                raise FetchError("forbidden_host", f"connection for {loggable_url(checked.url)} refused by policy") from exc
            raise FetchError("unreachable", f"cannot reach {loggable_url(checked.url)}: {type(exc).__name__}") from exc

    def _read_body(self, guard: _Guard, checked: CheckedURL, response: requests.Response) -> bytes:
        url = checked.url
        if response.status_code != 200:
            reason = "not_found" if response.status_code == 404 else "http_status"
            raise FetchError(reason, f"{loggable_url(url)} answered HTTP {response.status_code}")
        ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not ctype.startswith("image/") and ctype not in _GENERIC_TYPES:
            raise FetchError("not_image", f"{loggable_url(url)} is {printable(ctype, 60)}, not an image")
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
                if guard.expired:
                    break
        except requests.RequestException as exc:
            if guard.expired:
                raise self._timeout(guard, checked) from exc
            raise FetchError("unreachable", f"download of {loggable_url(url)} broke off: {type(exc).__name__}") from exc
        if guard.expired:  # the watchdog cut the socket: whatever arrived is incomplete
            raise self._timeout(guard, checked)
        return bytes(body)

    def fetch_image(self, url: str, deadline: float | None = None) -> Image.Image:
        """The decoded, EXIF-transposed RGB image of a task URL."""
        data = self.fetch_bytes(url, deadline)
        try:
            return load_image(data, max_pixels=self.settings.max_pixels, max_bytes=self.settings.max_image_bytes,
                              max_side=self.settings.max_image_side)
        except ImageError as exc:
            raise FetchError("bad_image", str(exc)) from exc


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """True when ``kind`` is anywhere in ``exc``'s cause/context chain or its args (urllib3 wraps)."""
    seen: set[int] = set()
    todo: list[Any] = [exc]
    while todo:
        current = todo.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return True
        todo.extend([current.__cause__, current.__context__, getattr(current, "reason", None), *current.args])
    return False
