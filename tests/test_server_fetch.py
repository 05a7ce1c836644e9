"""ImageFetcher: URL forms, host policy (SSRF), redirects, size/time limits, token handling."""

from __future__ import annotations

import pytest
from backend_fakes import FileHost, png_bytes, test_settings, write_png

from ml_backend.reading.fetch import FetchError, ImageFetcher, loggable_url, redact, task_image_url
from ml_backend.studio.client import auth_headers

TOKEN = "tok-123456"


@pytest.fixture(scope="module")
def ls_host():
    server = FileHost({"/data/upload/2/a.png": png_bytes(300, 150), "/other.png": png_bytes(50, 40)}, token=TOKEN)
    yield server
    server.close()


@pytest.fixture(scope="module")
def cdn():
    server = FileHost({"/img/card.png": png_bytes(120, 60)})
    yield server
    server.close()


def _fetcher(ls_host, **overrides) -> ImageFetcher:
    return ImageFetcher(test_settings(**overrides), ls_host.url, auth_headers(TOKEN))


def _reason(fn, *args) -> str:
    with pytest.raises(FetchError) as info:
        fn(*args)
    return info.value.reason


def test_relative_and_absolute_label_studio_urls(ls_host):
    f = _fetcher(ls_host)
    assert f.fetch_image("/data/upload/2/a.png").size == (300, 150)
    assert f.fetch_image(f"{ls_host.url}/data/upload/2/a.png").size == (300, 150)


def test_allowlisted_host_is_fetched_without_the_label_studio_token(ls_host, cdn):
    port = cdn.url.rsplit(":", 1)[1]
    f = _fetcher(ls_host, fetch_allowlist=(f"127.0.0.1:{port}",))
    # the allowlist names host:port, the Label Studio stand-in is the same host on another port
    assert f.fetch_image(f"{cdn.url}/img/card.png").size == (120, 60)
    assert cdn.requests[-1] == ("/img/card.png", None)


def test_hosts_outside_the_allowlist_are_refused(ls_host, cdn):
    f = _fetcher(ls_host)
    assert _reason(f.fetch_bytes, f"{cdn.url}/img/card.png") == "forbidden_host"
    assert _reason(f.fetch_bytes, "http://10.0.0.1/x.png") == "forbidden_host"
    assert _reason(f.fetch_bytes, "gopher://127.0.0.1/x") == "bad_url"
    assert _reason(f.fetch_bytes, "//evil.example/x.png") == "bad_url"
    assert _reason(f.fetch_bytes, "data:image/png;base64,AAAA") == "bad_url"


def test_redirects_to_foreign_hosts_are_refused(ls_host, cdn):
    f = _fetcher(ls_host)
    to_cdn = f"/redirect-to/{cdn.url.replace('://', '__')}/img/card.png"
    assert _reason(f.fetch_bytes, to_cdn) == "forbidden_host"
    to_self = f"/redirect-to/{ls_host.url.replace('://', '__')}/other.png"
    assert f.fetch_image(to_self).size == (50, 40)


def test_body_is_cut_at_the_size_limit(ls_host):
    f = _fetcher(ls_host, max_image_bytes=1_000_000)
    assert _reason(f.fetch_bytes, "/endless") == "too_large"
    small = _fetcher(ls_host, max_image_bytes=100)
    assert _reason(small.fetch_bytes, "/data/upload/2/a.png") == "too_large"  # declared Content-Length


def test_wrong_token_is_an_http_error(ls_host):
    f = ImageFetcher(test_settings(), ls_host.url, auth_headers("wrong"))
    assert _reason(f.fetch_bytes, "/data/upload/2/a.png") == "http_status"


def test_local_files_root(tmp_path, ls_host):
    write_png(tmp_path / "sub" / "c.png", 64, 32)
    (tmp_path.parent / "secret.png").write_bytes(png_bytes(10, 10))
    f = _fetcher(ls_host, local_files_root=str(tmp_path))
    assert f.fetch_image("/data/local-files/?d=sub/c.png").size == (64, 32)
    assert _reason(f.fetch_bytes, "/data/local-files/?d=sub/none.png") == "not_found"
    assert _reason(f.fetch_bytes, "/data/local-files/?d=../secret.png") == "forbidden_path"
    assert _reason(f.fetch_bytes, "/data/local-files/") == "bad_url"


def test_task_image_url():
    assert task_image_url({"id": 1, "data": {"image": " /data/x.png "}}) == "/data/x.png"
    for bad in ({"data": {}}, {"data": {"image": ""}}, {"data": {"image": 5}}, {"data": "x"}, None):
        with pytest.raises(FetchError) as info:
            task_image_url(bad)
        assert info.value.reason == "no_image"


def test_redaction():
    assert redact("abcdefghij") == "abcd...(10 chars)" and redact("") == "<none>"
    assert loggable_url("https://user:pw@s3.example/b/k.png?X-Amz-Signature=abc") == "https://s3.example/b/k.png?..."
    assert loggable_url("http://ls/data/local-files/?d=a/b.png") == "http://ls/data/local-files/?d=a/b.png"


def test_label_studio_url_must_be_http():
    with pytest.raises(ValueError):
        ImageFetcher(test_settings(), "ftp://x")
