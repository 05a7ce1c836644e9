"""docker-compose.yml is valid (checked by docker-compose itself, no engine needed) and wires the
services with the variables the code actually reads."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ml_backend.config import documented_variables

REPO = Path(__file__).resolve().parent.parent
SERVICES = {"redis", "postgres", "label-studio", "model-bootstrap", "ml-backend", "rq-worker-train", "rq-worker-light", "minio"}
#: Variables of other programs (Label Studio's own settings) that may appear in our services' env.
FOREIGN_OK = {"LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT"}


def _compose_command() -> list[str]:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    pytest.skip("neither docker-compose nor the docker compose plugin is installed (scripts/install.sh installs it)")


@pytest.fixture(scope="module")
def compose_config() -> dict:
    cmd = _compose_command() + ["--env-file", ".env.example", "--profile", "s3", "config"]
    out = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return yaml.safe_load(out.stdout)


def test_all_services_present_with_healthchecks(compose_config):
    services = compose_config["services"]
    assert set(services) == SERVICES
    for name in ("redis", "postgres", "label-studio", "ml-backend", "minio"):
        assert "healthcheck" in services[name], name
    assert services["label-studio"]["image"].startswith("heartexlabs/label-studio:1.23")
    assert services["minio"].get("profiles") == ["s3"]


def test_our_services_set_only_variables_the_code_reads(compose_config):
    known = {v["name"] for v in documented_variables()} | FOREIGN_OK
    for name in ("ml-backend", "rq-worker-train", "rq-worker-light", "model-bootstrap"):
        env = compose_config["services"][name]["environment"]
        unknown = set(env) - known
        assert not unknown, f"{name} sets variables no code reads: {unknown}"
        for required in ("REDIS_URL", "CRM_DATABASE_URL", "LABEL_STUDIO_URL", "LABEL_STUDIO_API_KEY", "CARDLOOP_MODEL_DIR"):
            assert env.get(required), f"{name} lacks {required}"
    # workers and the backend must agree on where models and Redis are
    backend = compose_config["services"]["ml-backend"]["environment"]
    for name in ("rq-worker-train", "rq-worker-light"):
        worker = compose_config["services"][name]["environment"]
        for var in ("REDIS_URL", "CARDLOOP_MODEL_DIR", "CARDLOOP_REGISTRY_DIR", "CRM_DATABASE_URL"):
            assert backend[var] == worker[var], (name, var)


def test_one_worker_per_queue(compose_config):
    """CRM exports and scoring must not wait behind a training job: each queue has its own worker."""
    from ml_backend.config import Settings

    defaults = Settings()
    train = compose_config["services"]["rq-worker-train"]["command"]
    light = compose_config["services"]["rq-worker-light"]["command"]
    assert defaults.train_queue in train and defaults.light_queue not in train
    assert defaults.light_queue in light and defaults.train_queue not in light
    for command in (train, light):  # job modules loaded once per worker, not once per job
        assert command[command.index("-c") + 1] == "active_learning.loop.worker_preload"
    import importlib

    importlib.import_module("active_learning.loop.worker_preload")
