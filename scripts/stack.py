"""The local stack without Docker: ``python -m scripts.stack {start,stop,status}``.

``start`` brings up, reusing whatever already runs: Redis, PostgreSQL (a private cluster under
the stack dir when none answers), the CRM database, the default model (trained once if the
registry serves none), Label Studio (known admin and token), the ML backend (gunicorn) and one RQ
worker per queue (a CRM export never waits behind a training run); then creates the Label Studio project, connects the backend, imports
generated sample cards, pre-annotates them, creates the "Next batch" view and prints the URLs.
``stop`` stops exactly what ``start`` started (pid files under the stack dir). It mirrors
docker-compose.yml service for service.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from scripts.services import (
    REPO_ROOT,
    BackendProcess,
    LabelStudioServer,
    PostgresServer,
    RedisServer,
    ServiceError,
    http_ok,
    pid_file_alive,
    port_open,
    read_pid_file,
    spawn,
    stop_pid_file,
    write_pid_file,
)

from ml_backend.config import load_settings
from scripts.ls_project import ProjectSetupError, setup_project

VENV_BIN = REPO_ROOT / ".venv" / "bin"
PROJECT_TITLE = "Business cards"


class Stack:
    """Paths and servers of one local stack rooted at ``CARDLOOP_STACK_DIR``."""

    def __init__(self) -> None:
        self.settings = settings = load_settings()
        self.root = root = (REPO_ROOT / settings.stack_dir).resolve()
        self.logs = root / "log"
        self.state_file = root / "stack.json"
        self.state = json.loads(self.state_file.read_text()) if self.state_file.exists() else {}
        redis_url = urlsplit(settings.redis_url)
        self.redis = RedisServer(data_dir=root / "redis", host=redis_url.hostname or "127.0.0.1", port=redis_url.port or 6379)
        self.postgres = PostgresServer(data_dir=root / "postgres", port=settings.pg_port)
        self.label_studio = LabelStudioServer(
            data_dir=root / "label-studio", token=self._token(), port=settings.ls_port,
            document_root=root / "label-studio" / "files",
        )
        # absolute, so the backend and the workers find them whatever their working directory; the
        # model dir is NOT resolved: it is the registry's `current` symlink the backend watches
        self.registry_dir = (REPO_ROOT / settings.registry_dir).resolve()
        self.model_dir = Path(os.path.abspath(REPO_ROOT / settings.model_dir))
        self.backend_pid = root / "backend.pid"
        # one worker per queue: training may run for CARDLOOP_TRAIN_TIMEOUT, exports and scoring must not wait
        self.worker_pids = {"train": root / "train-worker.pid", "light": root / "light-worker.pid"}

    def _token(self) -> str:
        """The admin's API token: chosen once, kept in stack.json (Label Studio stores it at first start)."""
        if "token" not in self.state:
            self.state["token"] = self.settings.label_studio_api_key or secrets.token_hex(20)
            self.save()
        return self.state["token"]

    def save(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        # it holds the admin's API token: readable by its owner only
        fd = os.open(self.state_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(json.dumps(self.state, indent=2))

    @property
    def backend_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    @property
    def samples_dir(self) -> Path:
        return self.label_studio.document_root / "samples"

    def service_env(self) -> dict[str, str]:
        """Environment of the backend and the worker (the same variables docker-compose sets)."""
        env = dict(os.environ)
        env.update(
            CARDLOOP_MODEL_DIR=str(self.model_dir),
            CARDLOOP_REGISTRY_DIR=str(self.registry_dir),
            REDIS_URL=self.redis.url,
            CRM_DATABASE_URL=self.postgres.dsn("cardloop_crm"),
            LABEL_STUDIO_URL=self.label_studio.url,
            LABEL_STUDIO_API_KEY=self.label_studio.token,
            LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT=str(self.label_studio.document_root),
            OMP_NUM_THREADS="1",
            OMP_WAIT_POLICY="PASSIVE",
        )
        return env


def _alive(pid_file: Path) -> bool:
    return pid_file_alive(pid_file)  # the recorded process itself, not whoever has its pid now


def _step(message: str) -> None:
    print(f"[stack] {message}", flush=True)


def ensure_model(stack: Stack) -> None:
    if stack.model_dir.exists():
        return
    log_path = stack.logs / "bootstrap.log"
    _step(f"no model yet: training the default LayoutLMv3 from scratch (once, 12-20 min on 2 cores; "
          f"full log {log_path}); then Label Studio, the ML backend, the workers and the sample cards")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    # on the person's terminal: the bootstrap shows its steps and progress bars there, and logs to the file
    rc = subprocess.call([str(VENV_BIN / "python"), "scripts/bootstrap_model.py", "--if-missing",
                          "--log-file", str(log_path)], cwd=REPO_ROOT, env=stack.service_env())
    if rc != 0:
        raise ServiceError(f"model bootstrap failed (exit {rc}); see {log_path}")


def ensure_backend(stack: Stack) -> None:
    if http_ok(f"{stack.backend_url}/health"):
        return
    port = stack.settings.port
    if port_open("127.0.0.1", port):
        raise ServiceError(f"port {port} is taken by something that is not the cardloop backend")
    backend = BackendProcess(port=port, log_path=stack.logs / "backend.log", env=stack.service_env(),
                             python=str(VENV_BIN / "python"))
    try:
        backend.start(timeout=180)
    finally:  # recorded even when it failed to come up, so `stop` can clean it away
        if backend.proc is not None:
            write_pid_file(stack.backend_pid, backend.proc.pid)


def ensure_workers(stack: Stack) -> None:
    """One RQ worker for the train queue and one for the light queue (CRM exports, scoring)."""
    queues = {"train": stack.settings.train_queue, "light": stack.settings.light_queue}
    for role, pid_file in stack.worker_pids.items():
        if _alive(pid_file):
            continue
        # -c: RQ imports the job modules once, before forking a work horse per job (see the module)
        proc = spawn([str(VENV_BIN / "rq"), "worker", "--url", stack.redis.url, "--with-scheduler",
                      "-c", "active_learning.loop.worker_preload", queues[role]],
                     stack.logs / f"{role}-worker.log", env=stack.service_env(), cwd=REPO_ROOT)
        write_pid_file(pid_file, proc.pid)


def ensure_samples(stack: Stack) -> None:
    existing = list(stack.samples_dir.rglob("*.png")) + list(stack.samples_dir.rglob("*.jpg"))
    wanted = stack.settings.sample_cards
    if len(existing) >= wanted:
        return
    from active_learning.synth import generate_dataset

    _step(f"generating {wanted} sample cards in {stack.samples_dir}")
    generate_dataset(stack.samples_dir, wanted, seed=2026)


def start() -> int:
    stack = Stack()
    stack.logs.mkdir(parents=True, exist_ok=True)
    _step("Redis")
    stack.redis.ensure_running()
    _step("PostgreSQL")
    stack.postgres.ensure_running()
    from active_learning.crm.db import ensure_database

    ensure_database(stack.postgres.dsn("cardloop_crm"))
    ensure_model(stack)
    _step("Label Studio (first start runs its migrations: ~1 min)")
    stack.label_studio.ensure_running()
    _step("ML backend")
    ensure_backend(stack)
    _step("RQ workers (one per queue)")
    ensure_workers(stack)
    ensure_samples(stack)

    from active_learning.loop.batch import ensure_next_batch_view

    _step("Label Studio project: connect the backend, import sample cards, pre-annotate")
    done = setup_project(stack.label_studio, PROJECT_TITLE, stack.backend_url,
                         local_folder=stack.samples_dir, document_root=stack.label_studio.document_root)
    ensure_next_batch_view(stack.label_studio.client, done["project"])
    from active_learning.loop.queue import connect, enqueue_reconcile

    # catch up with annotations whose webhooks were lost while the stack (or Redis) was down
    enqueue_reconcile(connect(stack.redis.url), stack.settings, done["project"])
    # what command-line tools run beside the stack read when their environment is empty (ml_backend/local_stack.py)
    stack.state.update(project=done["project"], label_studio_url=stack.label_studio.url, backend_url=stack.backend_url,
                       crm_database_url=stack.postgres.dsn("cardloop_crm"), redis_url=stack.redis.url,
                       registry_dir=str(stack.registry_dir), model_dir=str(stack.model_dir))
    stack.save()
    print(
        "\ncardloop is running\n"
        f"  Label Studio   {stack.label_studio.url}/projects/{done['project']}  "
        f"(login {stack.label_studio.username} / {stack.label_studio.password})\n"
        f"  API token      {stack.label_studio.token}\n"
        f"  ML backend     {stack.backend_url}  (model {done['model_version']}; /metrics for Prometheus)\n"
        f"  Redis          {stack.redis.url}\n"
        f"  CRM database   {stack.postgres.dsn('cardloop_crm')}\n"
        f"  logs           {stack.logs}\n"
        "  stop with      bash scripts/stack.sh stop",
        flush=True,
    )
    return 0


def stop() -> int:
    stack = Stack()
    pid_files = [(f"RQ {role} worker", pid_file) for role, pid_file in stack.worker_pids.items()]
    pid_files.append(("RQ worker", stack.root / "worker.pid"))  # the one worker for both queues of older stacks
    stopped = [name for name, pid_file in (*pid_files, ("ML backend", stack.backend_pid)) if stop_pid_file(pid_file)]
    if stack.label_studio.stop():
        stopped.append("Label Studio")
    if stack.postgres.stop():
        stopped.append("PostgreSQL")
    if stack.redis.stop():
        stopped.append("Redis")
    _step("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
    return 0


def _served_model(backend_url: str) -> str:
    """"model <version>" as the backend's /health reports it, or why there is none."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{backend_url}/health", timeout=2) as resp:
            return f"model {json.loads(resp.read()).get('model_version') or 'none loaded'}"
    except urllib.error.HTTPError as exc:
        return f"no model served: /health answered {exc.code}"
    except (urllib.error.URLError, OSError, ValueError):
        return "backend not answering"


def _postgres_pid(stack: Stack) -> int | None:
    try:
        return int((stack.postgres.cluster_dir / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def status() -> int:
    """Where everything is (URLs, login, token, served model) and each service's state, pid and log."""
    stack = Stack()
    state = stack.state
    project = f"/projects/{state['project']}" if state.get("project") else ""
    ls = stack.label_studio
    started = "" if state.get("project") else "  (never started here: bash scripts/stack.sh start)"
    print(
        f"cardloop stack in {stack.root}{started}\n"
        f"  Label Studio   {ls.url}{project}  (login {ls.username} / {ls.password})\n"
        f"  API token      {ls.token}\n"
        f"  ML backend     {stack.backend_url}  ({_served_model(stack.backend_url)})\n"
        f"  Redis          {stack.redis.url}\n"
        f"  CRM database   {stack.postgres.dsn('cardloop_crm')}\n"
        f"  settings       {stack.state_file}  (read by scripts/crm_sync.py and python -m active_learning)\n"
    )
    rows = [
        ("Redis", port_open(stack.redis.host, stack.redis.port), read_pid_file(stack.redis.pid_file),
         stack.redis.data_dir / "redis.log"),
        ("PostgreSQL", port_open(stack.postgres.host, stack.postgres.port), _postgres_pid(stack),
         stack.postgres.data_dir / "postgres.log"),
        ("Label Studio", ls.healthy(), read_pid_file(ls.pid_file), ls.data_dir / "label-studio.log"),
        ("ML backend", http_ok(f"{stack.backend_url}/health"), read_pid_file(stack.backend_pid),
         stack.logs / "backend.log"),
        *[(f"RQ {role} worker", _alive(pid_file), read_pid_file(pid_file), stack.logs / f"{role}-worker.log")
          for role, pid_file in stack.worker_pids.items()],
        ("model bootstrap", None, None, stack.logs / "bootstrap.log"),
    ]
    print(f"  {'service':17} {'state':6} {'pid':>8}  log")
    for name, up, pid, log_path in rows:
        if up is None and not log_path.exists():
            continue
        state_text = "-" if up is None else ("up" if up else "down")
        shown = log_path if log_path.exists() else f"{log_path} (none yet)"
        print(f"  {name:17} {state_text:6} {pid or '-':>8}  {shown}")
    return 0 if all(up for _, up, _, _ in rows if up is not None) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bash scripts/stack.sh", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("start", "stop", "status"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return {"start": start, "stop": stop, "status": status}[args.command]()
    except (ServiceError, ProjectSetupError) as exc:
        print(f"[stack] error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
