"""The local stack's secrets and processes: stack.json is private, a private PostgreSQL cluster
asks for a password, and ``stop`` signals only a process it started (not a reused pid)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from scripts.services import (
    PostgresServer,
    free_port,
    pid_file_alive,
    process_start_time,
    spawn,
    stop_pid_file,
    write_pid_file,
)


def _sleeper(tmp_path: Path) -> subprocess.Popen:
    return spawn([sys.executable, "-c", "import time; time.sleep(60)"], tmp_path / "sleeper.log")


def test_stop_refuses_a_pid_file_whose_process_is_someone_else(tmp_path):
    stranger = _sleeper(tmp_path)  # stands for whatever process got the recorded pid after a reboot
    try:
        pid_file = tmp_path / "backend.pid"
        pid_file.write_text(f"{stranger.pid} 12345")  # the start time of the process we once started
        assert not pid_file_alive(pid_file)
        assert stop_pid_file(pid_file, timeout=5) is False
        assert stranger.poll() is None, "stop signalled a process it did not start"
        assert not pid_file.exists()  # the stale file is cleared
    finally:
        stranger.kill()
        stranger.wait()


def test_stop_stops_the_process_it_recorded(tmp_path):
    ours = _sleeper(tmp_path)
    pid_file = tmp_path / "backend.pid"
    write_pid_file(pid_file, ours.pid)
    assert pid_file.read_text() == f"{ours.pid} {process_start_time(ours.pid)}"
    assert pid_file_alive(pid_file)
    assert stop_pid_file(pid_file, timeout=5) is True
    assert ours.wait(timeout=5) is not None
    assert not pid_file.exists()


def test_old_pid_files_are_trusted_only_for_a_session_leader(tmp_path):
    pid_file = tmp_path / "worker.pid"
    pid_file.write_text(str(os.getpid()))  # pytest itself: alive, but not a session leader we spawned
    if os.getsid(0) != os.getpid():
        assert stop_pid_file(pid_file, timeout=1) is False
    leader = _sleeper(tmp_path)  # spawn starts a new session, as the stack does
    try:
        pid_file.write_text(str(leader.pid))
        assert pid_file_alive(pid_file)
    finally:
        leader.kill()
        leader.wait()


def test_stack_state_file_holding_the_token_is_private(tmp_path, monkeypatch):
    from scripts.stack import Stack

    monkeypatch.setenv("CARDLOOP_STACK_DIR", str(tmp_path / "stack"))
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    state_file = tmp_path / "stack" / "stack.json"
    state_file.parent.mkdir()
    state_file.write_text("{}")
    state_file.chmod(0o644)  # as older versions left it
    stack = Stack()
    assert len(stack.state["token"]) == 40
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    stack.save()
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600


@pytest.mark.slow
def test_private_postgres_cluster_needs_its_password():
    import psycopg

    # not under pytest's tmp tree: that is root-only, and the cluster runs as `postgres`
    data_dir = Path(tempfile.mkdtemp(prefix="cardloop-pg-auth-"))
    server = PostgresServer(data_dir=data_dir, port=free_port())
    try:
        server.ensure_running(reuse=False)
        assert server.password and server.password in server.dsn()
        assert stat.S_IMODE(server.password_file.stat().st_mode) == 0o600
        hba = (server.cluster_dir / "pg_hba.conf").read_text()
        rules = [line.split() for line in hba.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        assert rules and all(rule[-1] != "trust" for rule in rules), hba
        with psycopg.connect(server.dsn(), connect_timeout=5) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        for wrong in (f"postgresql://postgres@{server.host}:{server.port}/postgres",
                      f"postgresql://postgres:wrong@{server.host}:{server.port}/postgres"):
            with pytest.raises(psycopg.OperationalError, match="password"):
                psycopg.connect(wrong, connect_timeout=5, passfile="/dev/null", password=None).close()
        name = f"cardloop_auth_{int(time.time())}"
        assert server.password in server.create_database(name)
        server.drop_database(name)
    finally:
        server.stop()
        subprocess.run(["rm", "-rf", str(data_dir)], check=False)


def test_compose_requires_basic_auth_and_keeps_the_backend_on_loopback():
    import yaml

    compose = yaml.safe_load((Path(__file__).resolve().parent.parent / "docker-compose.yml").read_text())
    backend = compose["services"]["ml-backend"]
    for var in ("BASIC_AUTH_USER", "BASIC_AUTH_PASS"):
        assert ":?" in backend["environment"][var], f"{var} must be required, not defaulted to empty"
    assert all(str(port).startswith("127.0.0.1:") for port in backend["ports"]), backend["ports"]
