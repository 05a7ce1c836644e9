"""Session fixtures that start real servers once per test session.

Redis: a private ``redis-server`` on a free port (tests may flush it freely).
PostgreSQL: a fresh database on the server at 127.0.0.1:5432, or on a private cluster started
under the session's temp dir when none answers there; dropped at the end.
Label Studio: a real 1.23.2 from ``.venv-ls`` with SQLite, a known admin and token.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from scripts.services import LabelStudioServer, PostgresServer, RedisServer, free_port, port_open  # noqa: E402


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> RedisServer:
    server = RedisServer(data_dir=tmp_path_factory.mktemp("redis"), port=free_port())
    server.ensure_running(reuse=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_url(redis_server: RedisServer) -> str:
    return redis_server.url


@pytest.fixture
def redis_conn(redis_url: str):
    """A connection to the session's private Redis, emptied before each test."""
    import redis

    conn = redis.Redis.from_url(redis_url)
    conn.flushdb()
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def pg_server() -> PostgresServer:
    host_port = int(os.environ.get("CARDLOOP_TEST_PG_PORT", "5432"))
    # Not under pytest's tmp tree: that is root-only (0700), and a private cluster runs as `postgres`.
    data_dir = Path(tempfile.mkdtemp(prefix="cardloop-pg-"))
    server = PostgresServer(data_dir=data_dir, port=host_port)
    if not port_open(server.host, server.port):
        server.port = free_port()
    server.ensure_running()
    yield server
    if server.started:
        server.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_dsn(pg_server: PostgresServer) -> str:
    """DSN of a database created for this test session (dropped afterwards)."""
    name = f"cardloop_test_{os.getpid()}_{secrets.token_hex(3)}"
    dsn = pg_server.create_database(name)
    yield dsn
    pg_server.drop_database(name)


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> LabelStudioServer:
    """A real Label Studio with a known token; ``.client`` is an SDK client."""
    data_dir = tmp_path_factory.mktemp("label-studio")
    server = LabelStudioServer(
        data_dir=data_dir,
        token=secrets.token_hex(20),
        port=free_port(),
        document_root=data_dir / "files",
    )
    server.ensure_running(reuse=False)
    yield server
    server.stop()


# --- a tiny trained LayoutLMv3 (scripts/bootstrap_model.py --tiny), built once -------------------

_TINY_MODEL_SOURCES = (
    "ml_backend/schema.py",
    "ml_backend/reading/layout",
    "active_learning/training/examples.py",
    "active_learning/training/train.py",
    "ml_backend/registry.py",
    "active_learning/synth",
    "scripts/bootstrap_model.py",
)


def _tiny_model_key() -> str:
    """Hash of the code that shapes the tiny model, so a cached build is reused only while it is current."""
    import hashlib

    import tokenizers
    import torch
    import transformers

    digest = hashlib.sha256(f"{torch.__version__} {transformers.__version__} {tokenizers.__version__}".encode())
    for source in _TINY_MODEL_SOURCES:
        path = REPO_ROOT / source
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(REPO_ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def tiny_model_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory of a tiny LayoutLMv3 trained by the bootstrap's tiny preset (treat as read-only).

    Built once per session (~1 min); reused from ``.pytest_cache`` while the code that builds it
    is unchanged.  Built in a scratch dir and renamed into the cache, so a killed build is never
    mistaken for a finished one.
    """
    import shutil

    from ml_backend.registry import ModelRegistry
    from scripts.bootstrap_model import PRESETS, bootstrap

    try:
        cache = Path(request.config.cache.mkdir("cardloop-tiny-model"))
    except AttributeError:  # cache plugin disabled
        cache = tmp_path_factory.mktemp("tiny-model-cache")
    final = cache / _tiny_model_key()
    if not (final / "current").exists():
        for stale in cache.iterdir():  # builds of older code
            if stale.name != final.name and not stale.name.startswith(".build-"):
                shutil.rmtree(stale, ignore_errors=True)
        scratch = cache / f".build-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            bootstrap(PRESETS["tiny"], scratch)
            scratch.rename(final)
        except OSError:
            if not (final / "current").exists():  # not "another session finished the same build first"
                raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    version = ModelRegistry(final).current()
    assert version is not None, f"tiny model build in {final} has no current version"
    return version[1]
