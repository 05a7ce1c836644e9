"""Start, reuse and stop the servers cardloop needs: Redis, PostgreSQL and Label Studio.

One implementation serves both the local stack (``scripts/stack.py``) and the pytest session
fixtures, so tests run against exactly what users run. Each server is reused when one already
answers at the configured address; otherwise a private instance is started under a data
directory and recorded in a pid file, so ``stop()`` stops exactly what was started.

A pid file holds the pid *and* the process's start time (``/proc/<pid>/stat``): after a reboot
or a crash the pid may belong to someone else by now, and ``stop`` must not signal a stranger's
process group. A private PostgreSQL cluster gets a random superuser password (scram-sha-256 over
TCP, peer auth on its socket), kept in a 0600 file beside it and carried in its DSN.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
#: Label Studio lives in its own virtual environment (it is a separate application).
LS_VENV = Path(os.environ.get("CARDLOOP_LS_VENV", REPO_ROOT / ".venv-ls"))
PG_BIN_CANDIDATES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


class ServiceError(RuntimeError):
    """A server could not be found or started; the message says what is missing."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for(check, timeout: float, what: str, proc: subprocess.Popen | None = None, log_path: Path | None = None) -> None:
    """Poll ``check()`` until true; fail early with the log tail if ``proc`` died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.3)
    tail = ""
    if log_path and log_path.exists():
        tail = "\n" + "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
    raise ServiceError(f"{what} did not come up within {timeout:.0f} s{tail}")


def process_start_time(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (clock ticks since boot), or None when it does not exist."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
    return stat.rpartition(")")[2].split()[19]


def write_pid_file(pid_file: Path, pid: int) -> None:
    """Record ``pid`` with its start time, so a later ``stop`` can tell it from a reused pid."""
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(f"{pid} {process_start_time(pid) or ''}".strip())


def read_pid_file(pid_file: Path) -> int | None:
    """The pid recorded in ``pid_file`` if that very process still runs (same start time), else None.

    A pid file without a start time (older format) is trusted only when the pid leads its own
    session, as every process ``spawn`` starts does.
    """
    try:
        pid_text, _, started = pid_file.read_text().strip().partition(" ")
        pid = int(pid_text)
    except (OSError, ValueError):
        return None
    if pid <= 1:
        return None
    now = process_start_time(pid)
    if now is None:
        return None
    if started:
        return pid if started == now else None
    try:
        return pid if os.getsid(pid) == pid else None
    except OSError:
        return None



def _running(pid: int) -> bool:
    """True while the process group leader ``pid`` lives; reaps it when it is our own child (a
    terminated child stays a zombie, and signal 0 keeps succeeding on zombies, until reaped)."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:  # not our child: someone else reaps it
        pass
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def pid_file_alive(pid_file: Path) -> bool:
    """True while the process recorded in ``pid_file`` (that very one, not a reused pid) runs."""
    pid = read_pid_file(pid_file)
    return pid is not None and _running(pid)


def stop_pid_file(pid_file: Path, timeout: float = 20) -> bool:
    """Stop the process group recorded in ``pid_file`` (TERM, then KILL); True if one was running.

    A stale file (the process is gone, or its pid now belongs to another process) is removed
    and nothing is signalled.
    """
    if not pid_file.exists():
        return False
    pid = read_pid_file(pid_file)
    if pid is None:
        log.warning("%s names no process of ours (stale); removing it", pid_file)
        pid_file.unlink(missing_ok=True)
        return False
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        pid_file.unlink(missing_ok=True)
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _running(pid):
            break
        time.sleep(0.2)
    else:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    pid_file.unlink(missing_ok=True)
    return True


def spawn(cmd: list[str], log_path: Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.Popen:
    """Start ``cmd`` in its own process group with output appended to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    out = open(log_path, "ab")
    return subprocess.Popen(
        cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env=env, cwd=cwd, start_new_session=True,
    )


def http_ok(url: str, timeout: float = 2) -> bool:
    """True when ``GET url`` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


# --- the ML backend -------------------------------------------------------------------------


@dataclass
class BackendProcess:
    """The ML backend (``python -m ml_backend serve``: gunicorn) as a child process on ``port``.

    ``env`` is the backend's whole environment (CARDLOOP_MODEL_DIR, REDIS_URL, ...).
    """

    port: int
    log_path: Path
    env: dict[str, str]
    python: str = sys.executable
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def healthy(self) -> bool:
        return http_ok(f"{self.url}/health")

    def start(self, timeout: float = 240) -> "BackendProcess":
        self.proc = spawn([self.python, "-m", "ml_backend", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                          self.log_path, env=self.env, cwd=REPO_ROOT)
        wait_for(self.healthy, timeout, "ML backend", self.proc, self.log_path)
        return self

    def stop(self, timeout: float = 30) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


# --- Redis ----------------------------------------------------------------------------------


@dataclass
class RedisServer:
    """A Redis at ``url``: the one already running there, or a private one started in ``data_dir``."""

    data_dir: Path
    port: int = 6379
    host: str = "127.0.0.1"
    started: bool = False

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "redis.pid"

    def ensure_running(self, reuse: bool = True) -> "RedisServer":
        if reuse and port_open(self.host, self.port):
            log.info("Redis already answers on %s:%s", self.host, self.port)
            return self
        binary = shutil.which("redis-server")
        if not binary:
            raise ServiceError("redis-server is not installed (Debian: apt-get install redis-server)")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.data_dir / "redis.log"
        proc = spawn(
            [binary, "--bind", self.host, "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.data_dir)],
            log_path,
        )
        write_pid_file(self.pid_file, proc.pid)
        wait_for(lambda: port_open(self.host, self.port), 15, "redis-server", proc, log_path)
        self.started = True
        return self

    def stop(self) -> bool:
        return stop_pid_file(self.pid_file)


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_bin(name: str) -> str:
    for d in PG_BIN_CANDIDATES:
        if (d / name).exists():
            return str(d / name)
    found = shutil.which(name)
    if not found:
        raise ServiceError(f"PostgreSQL's {name} is not installed (Debian: apt-get install postgresql)")
    return found


def _as_postgres_user(cmd: list[str]) -> list[str]:
    """initdb/postgres refuse to run as root: run them as the ``postgres`` OS user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + cmd
    return cmd


@dataclass
class PostgresServer:
    """A PostgreSQL server: the one answering on host:port, or a private cluster under ``data_dir``."""

    data_dir: Path
    port: int = 5432
    host: str = "127.0.0.1"
    user: str = "postgres"
    started: bool = False

    def dsn(self, dbname: str = "postgres") -> str:
        """The DSN of ``dbname``, with the private cluster's password when this one has one."""
        password = self.password
        auth = f"{self.user}:{password}" if password else self.user
        return f"postgresql://{auth}@{self.host}:{self.port}/{dbname}"

    @property
    def cluster_dir(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def password_file(self) -> Path:
        return self.data_dir / "superuser-password"

    @property
    def password(self) -> str | None:
        """The private cluster's superuser password (None for a server we did not initialise)."""
        try:
            return self.password_file.read_text().strip() or None
        except OSError:
            return None

    def _new_password_file(self) -> Path:
        """A fresh random password in a 0600 file that initdb (running as ``postgres``) can read."""
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(24))
        os.chmod(self.password_file, 0o600)
        if os.geteuid() == 0:
            shutil.chown(self.password_file, "postgres")
        return self.password_file

    def ensure_running(self, reuse: bool = True) -> "PostgresServer":
        if reuse and port_open(self.host, self.port):
            log.info("PostgreSQL already answers on %s:%s", self.host, self.port)
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.data_dir, "postgres")
        if not (self.cluster_dir / "PG_VERSION").exists():
            # no trust auth: anyone on the machine could connect as the superuser. Password
            # (scram-sha-256) over TCP, peer auth on the private socket directory.
            subprocess.run(
                _as_postgres_user([_pg_bin("initdb"), "-D", str(self.cluster_dir), "-U", self.user,
                                   "--auth-host=scram-sha-256", "--auth-local=peer",
                                   f"--pwfile={self._new_password_file()}", "-E", "UTF8", "--locale=C.UTF-8"]),
                check=True, capture_output=True,
            )
        log_path = self.data_dir / "postgres.log"
        if os.geteuid() == 0:
            log_path.touch()
            shutil.chown(log_path, "postgres")
        subprocess.run(
            _as_postgres_user([_pg_bin("pg_ctl"), "-D", str(self.cluster_dir), "-l", str(log_path), "-w",
                               "-o", f"-p {self.port} -k {self.data_dir} -c listen_addresses={self.host}", "start"]),
            check=True, capture_output=True,
        )
        wait_for(lambda: port_open(self.host, self.port), 30, "PostgreSQL", None, log_path)
        self.started = True
        return self

    def stop(self) -> bool:
        if not (self.cluster_dir / "postmaster.pid").exists():
            return False
        subprocess.run(
            _as_postgres_user([_pg_bin("pg_ctl"), "-D", str(self.cluster_dir), "-m", "fast", "-w", "stop"]),
            capture_output=True,
        )
        return True

    def create_database(self, name: str) -> str:
        """Create ``name`` if missing and return its DSN."""
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- Label Studio ---------------------------------------------------------------------------


@dataclass
class LabelStudioServer:
    """Label Studio 1.23 from its own venv, with a known admin and legacy API token.

    ``document_root`` is where Local Files storage may read images from (a subdirectory of it
    must be used for each storage: Label Studio refuses the root itself).
    """

    data_dir: Path
    token: str
    port: int = 8080
    host: str = "127.0.0.1"
    username: str = "admin@example.com"
    password: str = "cardloop-admin"
    document_root: Path | None = None
    database: dict[str, str] = field(default_factory=dict)  # POSTGRE_* settings; SQLite when empty
    started: bool = False

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "label-studio.pid"

    @property
    def binary(self) -> Path:
        return LS_VENV / "bin" / "label-studio"

    def healthy(self) -> bool:
        return http_ok(f"{self.url}/health")

    def token_works(self) -> bool:
        from ml_backend.studio.client import token_works

        return token_works(self.url, self.token)

    def environment(self) -> dict[str, str]:
        root = self.document_root or (self.data_dir / "files")
        root.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
        env.update(
            LABEL_STUDIO_USERNAME=self.username,
            LABEL_STUDIO_PASSWORD=self.password,
            LABEL_STUDIO_USER_TOKEN=self.token,
            LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED="true",
            LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT=str(root),
            # Label Studio and the backend talk over 127.0.0.1: without these it answers 403.
            SSRF_PROTECTION_ENABLED="false",
            ML_BLOCK_LOCAL_IP="false",
            LATEST_VERSION_CHECK="false",
            COLLECT_ANALYTICS="false",
            PATH=f"{LS_VENV / 'bin'}:{os.environ.get('PATH', '')}",
        )
        if self.database:
            env.update(DJANGO_DB="default", **self.database)
        return env

    def ensure_running(self, reuse: bool = True, timeout: float = 180) -> "LabelStudioServer":
        if reuse and self.healthy():
            if not self.token_works():
                raise ServiceError(f"Label Studio at {self.url} does not accept the configured token")
            log.info("Label Studio already answers at %s", self.url)
            return self
        if not self.binary.exists():
            raise ServiceError(f"Label Studio is not installed in {LS_VENV} (pip install label-studio==1.23.2 there)")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.data_dir / "label-studio.log"
        proc = spawn(
            [str(self.binary), "start", "--no-browser", "--internal-host", self.host, "--port", str(self.port),
             "--host", self.url, "--data-dir", str(self.data_dir / "ls-data"), "--enable-legacy-api-token"],
            log_path, env=self.environment(),
        )
        write_pid_file(self.pid_file, proc.pid)
        wait_for(self.healthy, timeout, "Label Studio", proc, log_path)
        wait_for(self.token_works, 30, "Label Studio token", proc, log_path)
        self.started = True
        return self

    @cached_property
    def client(self):
        """An SDK client logged in with the known token."""
        from ml_backend.studio.client import connect

        return connect(self.url, self.token)

    def stop(self) -> bool:
        return stop_pid_file(self.pid_file)

