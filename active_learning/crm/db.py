"""PostgreSQL plumbing for the CRM export: connect (with backoff), create the database, migrate, lock.

The export job owns its schema: every run applies the versioned SQL files in ``migrations/``
under an advisory lock, so a fresh database, a half-upgraded one and two workers starting at
once all end in the same state without a separate deploy step.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

#: First key of every advisory lock the export takes (two-int form: namespace, object id),
#: so our locks never collide with another application's on a shared server.
LOCK_NAMESPACE = 0x43524D  # "CRM"
MIGRATION_LOCK_ID = 0  # second key while migrating; project locks use the project id (>= 1)


class CrmDatabaseUnavailable(RuntimeError):
    """PostgreSQL could not be reached (or dropped the connection) after every retry."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path


def connect(url: str, *, attempts: int = 3, backoff: float = 1.0, connect_timeout: int = 5) -> psycopg.Connection:
    """Open an autocommit connection, retrying with exponential backoff (1 s, 2 s, 4 s... by default).

    Autocommit so that every transaction is an explicit ``conn.transaction()`` block (one per
    batch) and session advisory locks are taken outside any transaction.

    A restarting server refuses connections for a few seconds; retrying here keeps a webhook
    job from failing on such a blip, while a server that stays down surfaces as
    ``CrmDatabaseUnavailable`` so RQ's own Retry takes over.
    """
    last: Exception | None = None
    for attempt in range(1, attempts + 1):
        try:
            return psycopg.connect(url, connect_timeout=connect_timeout, autocommit=True)
        except psycopg.OperationalError as exc:
            last = exc
            if attempt < attempts:
                delay = backoff * 2 ** (attempt - 1)
                log.warning("CRM database unreachable (attempt %d/%d), retrying in %.1f s: %s",
                            attempt, attempts, delay, _one_line(exc))
                time.sleep(delay)
    log.error("CRM database unreachable after %d attempts: %s", attempts, _one_line(last))
    raise CrmDatabaseUnavailable(f"CRM database unreachable after {attempts} attempts: {_one_line(last)}") from last


def ensure_database(url: str) -> bool:
    """Create the database named in ``url`` if it does not exist; True when it was created.

    Connects to the server's ``postgres`` maintenance database (CREATE DATABASE cannot run
    inside the target itself) and tolerates a concurrent creator.
    """
    params = conninfo_to_dict(url)
    dbname = params.get("dbname") or params.get("user") or "postgres"
    admin_url = make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone():
            return False
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        except psycopg.errors.DuplicateDatabase:
            return False
    log.info("created CRM database %s", dbname)
    return True


def available_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The SQL files of ``directory`` in version order; a misnamed or duplicate version is an error."""
    found: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise ValueError(f"migration file name must look like 0001_name.sql: {path.name}")
        version = int(match.group(1))
        if version in found:
            raise ValueError(f"two migrations with version {version}: {found[version].path.name}, {path.name}")
        found[version] = Migration(version, path.stem, path)
    return [found[v] for v in sorted(found)]


def migrate(conn: psycopg.Connection, directory: Path = MIGRATIONS_DIR) -> list[int]:
    """Apply the migrations not yet recorded in ``schema_migrations``; returns the versions applied.

    Runs under a session advisory lock so concurrent workers wait instead of racing on
    CREATE TABLE; each migration and its bookkeeping row commit in one transaction, so a crash
    leaves the schema at a clean version.
    """
    applied: list[int] = []
    with advisory_lock(conn, MIGRATION_LOCK_ID):
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations").fetchall()}
        for migration in available_migrations(directory):
            if migration.version in done:
                continue
            with conn.transaction():
                conn.execute(migration.path.read_text(encoding="utf-8"))
                conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                    (migration.version, migration.name),
                )
            log.info("applied CRM migration %s", migration.path.name)
            applied.append(migration.version)
    return applied


@contextmanager
def advisory_lock(conn: psycopg.Connection, lock_id: int) -> Iterator[None]:
    """Hold the session-level advisory lock (LOCK_NAMESPACE, lock_id) for the block.

    ``conn`` must be in autocommit mode (as ``connect`` returns it) so the lock is not tied to
    a transaction.

    Session-level (not transaction-level) so it spans the several batch transactions of one
    sync; if the connection dies the server releases it, so a crashed worker never leaves a
    project locked.
    """
    conn.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_NAMESPACE, lock_id))
    try:
        yield
    finally:
        if not conn.broken and not conn.closed:
            conn.execute("SELECT pg_advisory_unlock(%s, %s)", (LOCK_NAMESPACE, lock_id))


def _one_line(exc: BaseException | None) -> str:
    return " ".join(str(exc).split()) if exc else "unknown error"
