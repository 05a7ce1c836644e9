"""Session fixtures that start real servers once per test session.

Redis: a private ``redis-server`` on a free port (tests may flush it freely).
PostgreSQL: a fresh database on the server at 127.0.0.1:5432, or on a private cluster started
under the session's temp dir when none answers there; dropped at the end.
Label Studio: a real 1.23.2 from ``.venv-ls`` with SQLite, a known admin and token.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from scripts.services import LabelStudioServer, PostgresServer, RedisServer, free_port  # noqa: E402



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
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> PostgresServer:
    host_port = int(os.environ.get("CARDLOOP_TEST_PG_PORT", "5432"))
    server = PostgresServer(data_dir=tmp_path_factory.mktemp("pg"), port=host_port)
    from scripts.services import port_open

    if not port_open(server.host, server.port):
        server.port = free_port()
    server.ensure_running()
    yield server
    if server.started:
        server.stop()


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
