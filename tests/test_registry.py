"""Model registry: staging is invisible, commit/promote are single renames, crashes leave no half state."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ml_backend.registry import VERSION_RE, ModelRegistry, RegistryError

REPO_ROOT = Path(__file__).resolve().parent.parent


def _fake_model(staging: Path, marker: str) -> None:
    """The files a model dir has; the registry only needs config.json to accept it."""
    (staging / "config.json").write_text(json.dumps({"marker": marker}))
    (staging / "model.safetensors").write_bytes(os.urandom(64))
    (staging / "metadata.json").write_text(json.dumps({"metrics": {"f1": 0.5}, "parent": None}))


def _commit(reg: ModelRegistry, marker: str, **meta) -> str:
    staging = reg.create_staging()
    _fake_model(staging, marker)
    return reg.commit(staging, meta)


def test_staging_is_invisible_until_commit(tmp_path):
    reg = ModelRegistry(tmp_path)
    staging = reg.create_staging()
    _fake_model(staging, "a")
    assert reg.versions() == []
    assert reg.current() is None
    version = reg.commit(staging, {"data": {"train_examples": 3}})
    assert VERSION_RE.match(version)
    assert not staging.exists()
    [meta] = reg.versions()
    assert meta["version"] == version
    assert meta["data"] == {"train_examples": 3}
    assert meta["metrics"] == {"f1": 0.5}  # train_model's metadata is kept
    assert meta["current"] is False and meta["created_at"]


def test_versions_are_numbered_and_sortable(tmp_path):
    reg = ModelRegistry(tmp_path)
    names = [_commit(reg, str(i)) for i in range(3)]
    assert [n.split("-")[0] for n in names] == ["v0001", "v0002", "v0003"]
    assert [m["version"] for m in reg.versions()] == sorted(names) == names


def test_promote_switches_current_atomically(tmp_path):
    reg = ModelRegistry(tmp_path)
    v1, v2 = _commit(reg, "one"), _commit(reg, "two")
    reg.promote(v1)
    assert reg.current() == (v1, (tmp_path / "versions" / v1).resolve())
    assert json.loads((tmp_path / "current" / "config.json").read_text())["marker"] == "one"
    reg.promote(v2)
    version, path = reg.current()
    assert version == v2 and json.loads((path / "config.json").read_text())["marker"] == "two"
    assert os.readlink(tmp_path / "current") == os.path.join("versions", v2)  # relative: the tree can move
    assert [m["current"] for m in reg.versions()] == [False, True]
    assert not list(tmp_path.glob(".current.*"))


def test_bad_inputs_are_refused(tmp_path):
    reg = ModelRegistry(tmp_path)
    with pytest.raises(RegistryError, match="unknown model version"):
        reg.promote("v0009-20260101T000000")
    empty = reg.create_staging()
    with pytest.raises(RegistryError, match="config.json"):
        reg.commit(empty)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    with pytest.raises(RegistryError, match="not a staging dir"):
        reg.commit(outside)


_CRASH_SCRIPT = textwrap.dedent(
    """
    import json, os, signal, sys
    from pathlib import Path
    from ml_backend.registry import ModelRegistry
    root, point = sys.argv[1], sys.argv[2]
    reg = ModelRegistry(root)
    staging = reg.create_staging()
    (staging / "config.json").write_text(json.dumps({"marker": "crashed"}))
    if point == "while_writing":
        os.kill(os.getpid(), signal.SIGKILL)
    real_rename, real_replace = os.rename, os.replace
    def rename(src, dst):
        if point == "before_commit_rename" and Path(dst).parent.name == "versions":
            os.kill(os.getpid(), signal.SIGKILL)
        return real_rename(src, dst)
    def replace(src, dst):
        if point == "before_promote_replace" and Path(dst).name == "current":
            os.kill(os.getpid(), signal.SIGKILL)
        return real_replace(src, dst)
    os.rename, os.replace = rename, replace
    version = reg.commit(staging, {})
    reg.promote(version)
    """
)


@pytest.mark.parametrize("point", ["while_writing", "before_commit_rename", "before_promote_replace"])
def test_sigkill_at_any_step_leaves_old_state(tmp_path, point):
    reg = ModelRegistry(tmp_path)
    old = _commit(reg, "old")
    reg.promote(old)
    proc = subprocess.run(
        [sys.executable, "-c", _CRASH_SCRIPT, str(tmp_path), point],
        cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, capture_output=True, text=True,
    )
    assert proc.returncode == -9, proc.stderr
    assert reg.current()[0] == old
    assert json.loads((tmp_path / "current" / "config.json").read_text())["marker"] == "old"
    committed = [m["version"] for m in reg.versions()]
    if point == "before_promote_replace":
        assert len(committed) == 2  # the new version is complete, just not served
        assert len(list(tmp_path.glob(".current.*"))) == 1  # the stray temp link
    else:
        assert committed == [old]
    # leftovers are cleaned once they are old enough, and the next run works
    assert reg.clean_staging(older_than_s=0)
    assert not list((tmp_path / "staging").iterdir()) and not list(tmp_path.glob(".current.*"))
    new = _commit(reg, "new")
    reg.promote(new)
    assert reg.current()[0] == new


def _promote_if_still(root: str, version: str, expected: str, barrier) -> bool:
    """One 'training job' promoting its challenger over the champion it started from."""
    from ml_backend.registry import ChampionChanged

    barrier.wait()
    try:
        ModelRegistry(root).promote(version, expected_current=expected)
        return True
    except ChampionChanged:
        return False


def test_a_promotion_re_checks_the_champion_so_concurrent_jobs_never_overwrite_each_other(tmp_path):
    """Training locks are per project, the pointer is one: of several jobs that started from the
    same champion, exactly one switches; the others are told instead of overwriting it."""
    import multiprocessing

    from ml_backend.registry import ChampionChanged

    reg = ModelRegistry(tmp_path)
    champion = _commit(reg, "champion")
    reg.promote(champion, expected_current=None)
    challengers = [_commit(reg, f"project-{i}") for i in range(4)]
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Manager().Barrier(len(challengers))
    with ctx.Pool(len(challengers)) as pool:
        won = pool.starmap(_promote_if_still, [(str(tmp_path), v, champion, barrier) for v in challengers])
    assert sum(won) == 1
    assert reg.current()[0] == challengers[won.index(True)]
    with pytest.raises(ChampionChanged, match=f"from {champion} to {challengers[won.index(True)]}"):
        reg.promote(challengers[0], expected_current=champion)
    with pytest.raises(ChampionChanged, match="from none to"):
        reg.promote(challengers[0], expected_current=None)
