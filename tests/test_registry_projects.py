"""One pointer per project: a project's promotion switches only its own pointer, projects without
one are served the default, and a racing promotion for the same project never overwrites the other."""

from __future__ import annotations

import json
import multiprocessing
import os

import pytest
from test_registry import _commit

from ml_backend.registry import ChampionChanged, ModelRegistry, RegistryError


@pytest.fixture
def reg(tmp_path):
    registry = ModelRegistry(tmp_path)
    default = _commit(registry, "default")
    registry.promote(default, expected_current=None)
    return registry


def _marker(path) -> str:
    return json.loads((path / "config.json").read_text())["marker"]


def test_a_project_without_a_pointer_is_served_the_default(reg):
    default = reg.current()
    assert reg.current(7) == default and not reg.has_own_model(7)
    assert reg.projects() == {}


def test_project_promotions_switch_only_their_own_pointer(reg, tmp_path):
    default = reg.current()[0]
    a, b = _commit(reg, "for-a", project=3), _commit(reg, "for-b", project=5)
    reg.promote(a, expected_current=default, project=3)
    reg.promote(b, expected_current=default, project=5)
    assert reg.current(3)[0] == a and _marker(reg.current(3)[1]) == "for-a"
    assert reg.current(5)[0] == b and reg.current()[0] == default and reg.current(9)[0] == default
    assert reg.projects() == {3: a, 5: b}
    # relative links: the registry can move as a whole
    assert os.readlink(tmp_path / "projects" / "3" / "current") == os.path.join("..", "..", "versions", a)
    listed = {m["version"]: m for m in reg.versions(3)}
    assert [v for v, m in listed.items() if m["current"]] == [a]
    assert listed[a]["served_projects"] == [3] and listed[b]["served_projects"] == [5]
    assert listed[default]["default"] and not listed[a]["default"]
    assert [m["version"] for m in reg.versions() if m["current"]] == [default]
    # a new default moves projects without a pointer, never those with one
    new_default = _commit(reg, "default-2")
    reg.promote(new_default)
    assert reg.current(9)[0] == new_default and reg.current(3)[0] == a and reg.current(5)[0] == b


def test_a_project_check_is_against_what_it_is_served(reg):
    default = reg.current()[0]
    a1, a2 = _commit(reg, "a1"), _commit(reg, "a2")
    reg.promote(a1, expected_current=default, project=3)
    with pytest.raises(ChampionChanged, match=f"project 3's served model changed from {default} to {a1}"):
        reg.promote(a2, expected_current=default, project=3)
    # another project's promotion is no change for project 3
    reg.promote(a2, expected_current=default, project=4)
    reg.promote(a2, expected_current=a1, project=3)
    assert reg.current(3)[0] == a2
    # a project served the default: the default moving meanwhile is a change of its champion
    reg.promote(a1)
    with pytest.raises(ChampionChanged, match=f"from {default} to {a1}"):
        reg.promote(a2, expected_current=default, project=8)
    assert not reg.has_own_model(8)


def test_follow_default_rolls_a_project_back_to_the_default(reg):
    default = reg.current()[0]
    a = _commit(reg, "a")
    reg.promote(a, project=3)
    with pytest.raises(ChampionChanged):
        reg.follow_default(3, expected_current=default)
    assert reg.follow_default(3, expected_current=a)
    assert reg.current(3)[0] == default and reg.projects() == {}
    assert not reg.follow_default(3)


@pytest.mark.parametrize("bad", [0, -1, True, "3", 3.0, None])
def test_bad_project_ids_are_refused(reg, bad):
    version = reg.current()[0]
    with pytest.raises(RegistryError, match="positive integer"):
        if bad is None:
            reg.follow_default(bad)  # type: ignore[arg-type]
        else:
            reg.promote(version, project=bad)  # type: ignore[arg-type]
    with pytest.raises(RegistryError, match="positive integer"):
        reg.pointer(-4)


def test_stray_temp_links_of_project_pointers_are_cleaned(reg, tmp_path):
    reg.promote(reg.current()[0], project=3)
    stray = tmp_path / "projects" / "3" / ".current.deadbeef"
    os.symlink("../../versions/nothing", stray)
    assert stray in reg.clean_staging(older_than_s=0) and not os.path.lexists(stray)
    assert reg.has_own_model(3)


def _promote_for(root: str, version: str, expected: str, project: int, barrier) -> bool:
    """One 'training job' promoting its challenger over the champion it started from."""
    barrier.wait()
    try:
        ModelRegistry(root).promote(version, expected_current=expected, project=project)
        return True
    except ChampionChanged:
        return False


def test_racing_promotions_one_winner_per_project_none_across_projects(reg, tmp_path):
    """Four processes per project promote over the same champion at once: in each project exactly
    one switches and the others are refused; one project's winner never replaces another's."""
    default = reg.current()[0]
    projects = (3, 4)
    challengers = {p: [_commit(reg, f"p{p}-{i}", project=p) for i in range(4)] for p in projects}
    calls = [(str(tmp_path), v, default, p) for p in projects for v in challengers[p]]
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Manager().Barrier(len(calls))
    with ctx.Pool(len(calls)) as pool:
        won = pool.starmap(_promote_for, [(*call, barrier) for call in calls])
    winners = {p: [c[1] for c, ok in zip(calls, won) if ok and c[3] == p] for p in projects}
    assert all(len(w) == 1 for w in winners.values()), winners
    assert reg.projects() == {p: winners[p][0] for p in projects}
    assert reg.current()[0] == default


def _models_cli(*args: str):
    import subprocess
    import sys

    from test_registry import REPO_ROOT

    return subprocess.run([sys.executable, "-m", "ml_backend", "models", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)


def test_models_cli_lists_promotes_and_rolls_back_per_project(reg, tmp_path):
    default = reg.current()[0]
    a1, a2 = _commit(reg, "a1", project=3), _commit(reg, "a2", project=3)
    root = str(tmp_path)
    out = _models_cli("--registry", root, "--project", "3", "--promote", a2)
    assert out.returncode == 0 and f"{a2} is served to project 3" in out.stdout, out.stderr
    out = _models_cli("--registry", root, "--project", "3", "--promote", a1)  # a rollback to the older one
    assert out.returncode == 0 and reg.projects() == {3: a1} and reg.current()[0] == default
    listing = _models_cli("--registry", root, "--project", "3").stdout.splitlines()
    assert listing[0].endswith("* = served to project 3")
    line = {ln[2:].split()[0]: ln for ln in listing[1:]}
    assert line[a1].startswith("*") and "served to: project 3" in line[a1] and "project 3" in line[a1]
    assert line[default].startswith(" ") and "served to: default" in line[default]
    assert "served to: nobody" in line[a2]
    as_json = json.loads(_models_cli("--registry", root, "--json").stdout)
    assert as_json["projects"] == {"3": a1} and [m["version"] for m in as_json["versions"] if m["current"]] == [default]
    out = _models_cli("--registry", root, "--project", "3", "--follow-default")
    assert out.returncode == 0 and f"project 3 follows the default model ({default})" in out.stdout
    assert reg.projects() == {}
    for bad, message in [(["--project", "0", "--promote", a1], "positive integer"),
                         (["--promote", "v9999-20260101T000000"], "unknown model version"),
                         (["--follow-default"], "needs --project")]:
        out = _models_cli("--registry", root, *bad)
        assert out.returncode == 2 and message in out.stderr and out.stderr.startswith("error: "), out.stderr
    assert reg.current()[0] == default
