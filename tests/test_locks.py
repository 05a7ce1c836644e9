"""The lock files pin both virtual environments, and what is installed is what they pin.

A fresh machine must get the set of packages that was tested: label-studio 1.23.2 leaves most of
its dependencies open, and a release published later (sentry-sdk 3) stopped it from starting.
"""

from __future__ import annotations

import re
import subprocess
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;#]+)$")


def _name(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _lines(path: Path) -> list[str]:
    return [line.split("#", 1)[0].strip() for line in path.read_text().splitlines()
            if line.split("#", 1)[0].strip()]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in _lines(path):
        match = PIN.match(line)
        assert match, f"{path.name}: {line!r} is not an exact pin (name==version)"
        pins[_name(match.group(1))] = match.group(3)
    return pins


def _same_version(installed: str, pinned: str) -> bool:
    # The CPU build of torch installs as 2.13.0+cpu; '==2.13.0' matches it (PEP 440 local versions).
    return installed == pinned or installed.split("+", 1)[0] == pinned


@pytest.mark.parametrize("requirements, lock", [
    ("requirements.txt", "requirements.lock"),
    ("requirements-ls.txt", "requirements-ls.lock"),
])
def test_lock_pins_every_package_and_agrees_with_the_requirements(requirements: str, lock: str) -> None:
    pins = _pins(REPO / lock)
    assert len(pins) > 50, f"{lock} holds only {len(pins)} packages: not a whole environment"
    for line in _lines(REPO / requirements):
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(==|<|>=|~=)?\s*([^\s;#]*)", line)
        assert match, line
        name, op, version = _name(match.group(1)), match.group(3), match.group(4)
        assert name in pins, f"{requirements} asks for {name}, which {lock} does not pin"
        if op == "==":
            assert pins[name] == version, f"{name}: {requirements} says {version}, {lock} says {pins[name]}"


def test_label_studio_lock_keeps_the_versions_it_starts_with() -> None:
    pins = _pins(REPO / "requirements-ls.lock")
    assert pins["label-studio"] == "1.23.2"
    assert int(pins["sentry-sdk"].split(".")[0]) < 3, "sentry-sdk 3 breaks label-studio 1.23.2 at start"


def test_install_script_installs_from_the_locks() -> None:
    script = (REPO / "scripts" / "install.sh").read_text()
    assert "-c requirements.lock" in script
    assert "-c requirements-ls.lock" in script


def test_project_environment_is_the_locked_one() -> None:
    """The interpreter running the tests (.venv, as installed by scripts/install.sh) matches the lock."""
    pins = _pins(REPO / "requirements.lock")
    wrong = {}
    for name, version in pins.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong[name] = ("missing", version)
            continue
        if not _same_version(installed, version):
            wrong[name] = (installed, version)
    assert not wrong, f"installed != locked (installed, locked): {wrong}"


def test_label_studio_environment_is_the_locked_one() -> None:
    python = REPO / ".venv-ls" / "bin" / "python"
    if not python.exists():
        pytest.skip(".venv-ls is not installed (scripts/install.sh creates it)")
    frozen = subprocess.run([str(python), "-m", "pip", "freeze", "--disable-pip-version-check"],
                            capture_output=True, text=True, check=True, timeout=120).stdout
    installed = {}
    for line in frozen.splitlines():
        match = PIN.match(line.strip())
        if match:
            installed[_name(match.group(1))] = match.group(3)
    pins = _pins(REPO / "requirements-ls.lock")
    wrong = {name: (installed.get(name, "missing"), v) for name, v in pins.items()
             if not _same_version(installed.get(name, "missing"), v)}
    assert not wrong, f"installed != locked (installed, locked): {wrong}"
