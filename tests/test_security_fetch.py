"""ImageFetcher under attack, in process: URLs two parsers read differently, the connection
guard behind the URL check, whole-fetch deadlines, log escaping and pixel limits.

The hosts are real HTTP servers on loopback (127.0.0.1 stands for Label Studio, 127.0.0.2 for a
foreign host that must never be reached, 127.0.0.3 for an allow-listed image host).
"""

from __future__ import annotations

import io
import time

import pytest
from backend_fakes import png_bytes, test_settings
from PIL import Image

from ml_backend.config import load_settings
from ml_backend.reading.fetch import CheckedURL, FetchError, ImageFetcher, check_url, loggable_url, printable
from ml_backend.studio.client import auth_headers
from ml_backend.reading.images import ImageError, load_image
from scripts.probe_security import CDN_HOST, FOREIGN_HOST, FakeLabelStudio, RecordingHost

TOKEN = "ls-token-0123456789abcdef"


@pytest.fixture(scope="module")
def ls():
    server = FakeLabelStudio(TOKEN)
    yield server
    server.close()


@pytest.fixture(scope="module")
def foreign():
    server = RecordingHost(FOREIGN_HOST)
    yield server
    server.close()


@pytest.fixture(scope="module")
def cdn():
    server = RecordingHost(CDN_HOST)
    yield server
    server.close()


@pytest.fixture
def fetcher(ls, cdn):
    return ImageFetcher(test_settings(fetch_allowlist=(f"{CDN_HOST}:{cdn.port}",), fetch_timeout=2.0), ls.url, auth_headers(TOKEN))


def _reason(fn, *args, **kwargs) -> str:
    with pytest.raises(FetchError) as info:
        fn(*args, **kwargs)
    return info.value.reason


def test_the_card_is_fetched_with_the_token(fetcher):
    assert fetcher.fetch_image("/data/upload/1/card.png").width > 100


@pytest.mark.parametrize("template", [
    "http://{foreign}\\@{ls}/data/upload/1/card.png",       # urllib3: foreign host; urlsplit: Label Studio
    "http://{foreign}\\\\@{ls}/data/upload/1/card.png",
    "http://{ls}\\.{foreign}/data/upload/1/card.png",
    "http://{foreign}/data/upload/1/card.png?x=@{ls}",
    "http://{ls} /data/upload/1/card.png",
    "http://{ls}/data/upload/1/card.png\r\nX-Injected: 1",
    "http://{ls}\t/data/upload/1/card.png",
    "http://user:pw@{ls}/data/upload/1/card.png",
    "http://{foreign}#@{ls}/data/upload/1/card.png",
    "http://{foreign}%2f@{ls}/data/upload/1/card.png",
    "http:\\\\{foreign}/data/upload/1/card.png",
    "http:/{foreign}/x.png",
])
def test_urls_that_parsers_read_differently_never_reach_the_foreign_host(fetcher, ls, foreign, template):
    url = template.format(foreign=f"{FOREIGN_HOST}:{foreign.port}", ls=f"127.0.0.1:{ls.port}")
    before = len(foreign.requests)
    assert _reason(fetcher.fetch_bytes, url) in ("bad_url", "forbidden_host")
    assert len(foreign.requests) == before


def test_backslash_url_behind_a_redirect_is_refused(fetcher, ls, foreign):
    target = f"http://{FOREIGN_HOST}:{foreign.port}\\@127.0.0.1:{ls.port}/data/upload/1/card.png"
    before = len(foreign.requests)
    assert _reason(fetcher.fetch_bytes, "/redirect?to=" + target.replace("\\", "%5C")) == "bad_url"
    assert len(foreign.requests) == before


def test_redirect_to_the_allowlisted_host_carries_no_token(fetcher, cdn):
    assert fetcher.fetch_image(f"/redirect?to={cdn.url}/card.png").size == (300, 200)
    assert cdn.requests[-1] == ("/card.png", None)


def test_the_connection_guard_stops_what_the_url_check_let_through(fetcher, ls, foreign, monkeypatch):
    """Defence in depth: were the URL check ever fooled into approving Label Studio's origin for
    a URL the HTTP client sends elsewhere, the socket-level guard refuses before any header."""
    approved = check_url(f"{ls.url}/data/upload/1/card.png").origin
    smuggled = CheckedURL(f"http://{FOREIGN_HOST}:{foreign.port}/data/upload/1/card.png", approved,
                          "/data/upload/1/card.png", "")
    monkeypatch.setattr(fetcher, "resolve", lambda url: smuggled)
    before = len(foreign.requests)
    assert _reason(fetcher.fetch_bytes, "/data/upload/1/card.png") == "forbidden_host"
    assert len(foreign.requests) == before


def test_parse_once_with_urllib3(ls):
    checked = check_url(f"HTTP://LocalHost:{ls.port}/a b/c.png?d=1")
    assert checked.origin == ("http", "localhost", ls.port)
    assert checked.url == f"http://localhost:{ls.port}/a%20b/c.png?d=1"
    assert check_url("https://[::1]/x.png").origin == ("https", "::1", 443)
    for bad in ("ftp://x/y", "http:///x", "http://h:99999/x", "http://h%00/x", "http://" + "a" * 9000, 5):
        with pytest.raises(FetchError) as info:
            check_url(bad)
        assert info.value.reason == "bad_url"


def test_a_trickling_server_is_cut_at_the_fetch_timeout(fetcher):
    started = time.monotonic()
    assert _reason(fetcher.fetch_bytes, "/trickle.png") == "timeout"
    assert time.monotonic() - started < 3.0  # fetch_timeout 2 s, though bytes keep coming


def test_a_request_deadline_shortens_the_fetch(fetcher):
    started = time.monotonic()
    assert _reason(fetcher.fetch_bytes, "/hang.png", deadline=time.monotonic() + 0.5) == "timeout"
    assert time.monotonic() - started < 1.5
    assert _reason(fetcher.fetch_bytes, "/hang.png", deadline=time.monotonic() - 1) == "timeout"


def test_local_files_paths_with_nul_or_too_long_are_bad_urls(tmp_path, ls):
    f = ImageFetcher(test_settings(local_files_root=str(tmp_path)), ls.url, auth_headers(TOKEN))
    assert _reason(f.fetch_bytes, "/data/local-files/?d=a%00b.png") == "bad_url"
    assert _reason(f.fetch_bytes, "/data/local-files/?d=" + "a/" * 3000 + "x.png") == "bad_url"
    assert _reason(f.fetch_bytes, "/data/local-files/?d=" + "n" * 300 + ".png") == "bad_url"  # name over NAME_MAX
    (tmp_path / "link.png").symlink_to("/etc/passwd")
    assert _reason(f.fetch_bytes, "/data/local-files/?d=link.png") == "forbidden_path"


def test_what_reaches_the_log_is_one_line_and_short():
    assert printable("7\nERROR forged") == "7\\nERROR forged"
    assert "\n" not in printable("a\r\n\x1b[31m\u2028b") and len(printable("x" * 1000)) < 150
    payload = "A" * 5000
    assert loggable_url(f"data:image/png;base64,{payload}") == "data:...(5022 chars)"
    assert payload not in loggable_url(f"data:image/png;base64,{payload}")
    assert "\n" not in loggable_url("http://h/a\nb.png")
    assert loggable_url("javascript:alert(1)") == "javascript:...(19 chars)"


def test_setup_cannot_take_the_configured_token_or_origin(ls, cdn):
    from backend_fakes import FakePipeline

    from ml_backend.serving.server import create_app, state

    settings = test_settings(label_studio_url=ls.url, label_studio_api_key=TOKEN,
                             fetch_allowlist=(f"{CDN_HOST}:{cdn.port}",))
    app = create_app(settings, pipeline_loader=lambda d: FakePipeline(), event_handler=lambda p: {},
                     queue_depth=lambda: {})
    client = app.test_client()
    assert client.post("/setup", json={"hostname": cdn.url, "access_token": "attacker"}).status_code == 200
    assert (state(app).label_studio_url, state(app).token) == (ls.url, TOKEN)
    same_origin = ls.url.replace("127.0.0.1", "127.0.0.1") + "/"
    client.post("/setup", json={"hostname": same_origin})
    assert state(app).label_studio_url == ls.url
    assert client.post("/setup", json={"hostname": f"http://{FOREIGN_HOST}:1\\@127.0.0.1:{ls.port}"}).status_code == 400


def test_default_pixel_limit_fits_a_phone_photo_and_refuses_a_bomb():
    settings = load_settings()
    assert settings.max_pixels == 24_000_000
    buf = io.BytesIO()
    Image.new("1", (7300, 5466)).save(buf, format="PNG")  # 39.9 MP in tens of kB
    started = time.monotonic()
    with pytest.raises(ImageError, match="too many pixels"):
        load_image(buf.getvalue(), max_pixels=settings.max_pixels, max_bytes=settings.max_image_bytes)
    assert time.monotonic() - started < 0.5


def test_big_images_are_scaled_down_as_they_are_decoded():
    jpeg = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: the upright picture is portrait
    Image.new("RGB", (6000, 4000), (250, 250, 250)).save(jpeg, format="JPEG", exif=exif.tobytes())
    img = load_image(jpeg.getvalue(), max_pixels=24_000_000, max_bytes=10**8, max_side=4096)
    assert img.size == (2731, 4096) and img.mode == "RGB"
    small = load_image(png_bytes(800, 400), max_pixels=24_000_000, max_bytes=10**8, max_side=4096)
    assert small.size == (800, 400)
