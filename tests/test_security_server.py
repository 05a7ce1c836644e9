"""The backend as deployed (gunicorn, ``python -m ml_backend serve``) under the attacks of
scripts/probe_security.py, on loopback only: each probe is one test, each bounded in time.

The foreign host (127.0.0.2) must never be reached and the token must never reach the
allow-listed host (127.0.0.3), whatever the probe; the backend must answer /health after each.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.probe_security import PROBES, run_probes, start_lab, stop_lab, table

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lab(tiny_model_dir, tmp_path_factory):
    lab = start_lab(Path(tiny_model_dir), tmp_path_factory.mktemp("probe"))
    yield lab
    stop_lab(lab)


@pytest.mark.timeout(300)  # the first includes starting gunicorn; each probe ends in seconds
@pytest.mark.parametrize("probe", PROBES, ids=[name for name, _ in PROBES])
def test_probe(lab, probe):
    (row,) = run_probes(lab, [probe])
    assert not row.foreign_reached, table([row])
    assert row.alive, table([row])
    assert row.ok, table([row]) + "\n--- backend log tail ---\n" + "\n".join(lab.log_text().splitlines()[-20:])
