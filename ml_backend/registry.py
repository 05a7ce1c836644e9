"""Versioned model directories, a default ``current`` pointer and one pointer per project.

Layout under ``root`` (``settings.registry_dir``)::

    staging/<random>/        a model being written; never listed as a version
    versions/v0003-20261123T214012/   complete, immutable model dirs (+ metadata.json)
    current -> versions/v0003-...     the default model (``settings.model_dir`` = root/current)
    projects/7/current -> ../../versions/v0005-...   what Label Studio project 7 is served

Versions are shared and never change; pointers say who is served what. A project that has never
promoted a model of its own has no ``projects/<id>/`` pointer and is served the default. A
project's training job fine-tunes the model its project is served (``current(project)``) and
promotion switches that project's pointer only, so two projects' models never replace each
other, whichever finishes first. The default moves only when asked (``promote(v)`` without a
project: the bootstrap, an operator).

Every visible change is a single ``rename``: a staging dir becomes a version by renaming it into
``versions/`` (after its metadata is on disk), and promotion replaces a pointer symlink with a
temp symlink via ``os.replace``.  A process killed at any point leaves either the old state or
the new one, plus at most some leftovers in ``staging/`` or a stray temp link that
``clean_staging()`` removes.

Training locks are per project, and an operator may roll a project back while it trains, so
``promote(version, expected_current=..., project=...)`` re-checks, under an exclusive file lock
of that project, that the champion the job started from is still the one the project is served
just before switching; if something else promoted meanwhile it raises ``ChampionChanged`` instead
of silently replacing that promotion. Projects lock separately (their promotions never wait for
each other); a project promotion also holds the default's lock shared, and a default promotion
holds it exclusively, so a champion read through the default cannot move between check and switch.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import tempfile
import time
import uuid
from datetime import datetime, timezone
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Iterator

from ml_backend.config import load_settings
from ml_backend.reading.layout.metadata import METADATA_FILE, read_metadata, write_metadata

log = logging.getLogger(__name__)

VERSION_RE = re.compile(r"^v(\d{4,})-(\d{8}T\d{6})$")
CURRENT = "current"
PROJECTS = "projects"
LOCK_FILE = ".promote.lock"


class RegistryError(RuntimeError):
    """A registry operation cannot be done (unknown version, incomplete staging dir...)."""


class ChampionChanged(RegistryError):
    """Another job promoted a version after this one read the champion: not switched."""

    def __init__(self, expected: str | None, found: str | None, project: int | None = None):
        whose = f"project {project}'s" if project is not None else "the default"
        super().__init__(f"{whose} served model changed from {expected or 'none'} to {found or 'none'} meanwhile")
        self.expected, self.found, self.project = expected, found, project


#: ``promote``'s default: switch whatever is served now (no re-check).
ANY_CHAMPION = object()


def check_project(project: Any) -> int:
    """A Label Studio project id (a positive integer) or ``RegistryError``: it names a directory."""
    if isinstance(project, bool) or not isinstance(project, int) or project <= 0:
        raise RegistryError(f"a project id is a positive integer, not {project!r}")
    return project


@contextmanager
def _locked(path: Path, mode: int) -> Iterator[None]:
    """``flock`` on ``path`` (created if missing), released when the file closes or the process dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as lock:
        fcntl.flock(lock, mode)
        yield


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ModelRegistry:
    """Model versions under ``root``; see the module docstring for the on-disk layout."""

    def __init__(self, root: str | os.PathLike[str] | None = None):
        self.root = Path(root if root is not None else load_settings().registry_dir)
        self.versions_dir = self.root / "versions"
        self.staging_dir = self.root / "staging"
        self.current_link = self.root / CURRENT

    # --- writing ---------------------------------------------------------------------------

    def create_staging(self) -> Path:
        """A fresh empty directory to write a model into; invisible until ``commit``."""
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="stage-", dir=self.staging_dir))

    def commit(self, staging: str | os.PathLike[str], metadata: dict[str, Any] | None = None) -> str:
        """Turn a complete staging dir into a new version (one rename) and return its name.

        ``metadata`` is merged over the staging dir's own ``metadata.json`` (written by
        ``train_model``); ``version`` and ``created_at`` are set here.
        """
        staging = Path(staging)
        if staging.resolve().parent != self.staging_dir.resolve():
            raise RegistryError(f"{staging} is not a staging dir of {self.root}")
        if not (staging / "config.json").is_file():
            raise RegistryError(f"{staging} holds no model (config.json missing)")
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        meta = {**read_metadata(staging), **(metadata or {})}
        for _ in range(100):
            version = self._next_name()
            meta.update(version=version, created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
            write_metadata(staging, meta)
            self._fsync_tree(staging)
            try:
                os.rename(staging, self.versions_dir / version)
            except OSError:  # another process committed the same name first: take the next one
                if (self.versions_dir / version).exists():
                    continue
                raise
            _fsync_dir(self.versions_dir)
            log.info("committed model version %s", version)
            return version
        raise RegistryError("could not find a free version name")

    def promote(self, version: str, expected_current: str | None | object = ANY_CHAMPION,
                project: int | None = None) -> Path:
        """Make ``version`` the served model of ``project`` (or the default): atomic replace of the pointer.

        With ``expected_current`` (a version name, or None for "nothing served yet") the switch
        happens only if that is still what the project is served (its own pointer, else the
        default); otherwise ``ChampionChanged``.
        """
        target = self.versions_dir / version
        if not VERSION_RE.match(version) or not (target / METADATA_FILE).is_file():
            raise RegistryError(f"unknown model version {version!r} in {self.root}")
        if project is not None:
            check_project(project)
        self.root.mkdir(parents=True, exist_ok=True)
        with self._promotion_lock(project):
            if expected_current is not ANY_CHAMPION:
                served = self.current(project)
                if (served[0] if served else None) != expected_current:
                    raise ChampionChanged(expected_current, served[0] if served else None, project)  # type: ignore[arg-type]
            link = self.pointer(project)
            link.parent.mkdir(parents=True, exist_ok=True)
            tmp = link.parent / f".{CURRENT}.{uuid.uuid4().hex}"
            os.symlink(os.path.relpath(target, link.parent), tmp)
            os.replace(tmp, link)
            _fsync_dir(link.parent)
        log.info("promoted model version %s for %s", version, f"project {project}" if project is not None else "the default")
        return target

    def follow_default(self, project: int, expected_current: str | None | object = ANY_CHAMPION) -> bool:
        """Remove ``project``'s own pointer, so it is served the default again (a rollback past its
        first promotion); True if it had one. ``expected_current`` as in ``promote``."""
        check_project(project)
        with self._promotion_lock(project):
            if expected_current is not ANY_CHAMPION:
                served = self.current(project)
                if (served[0] if served else None) != expected_current:
                    raise ChampionChanged(expected_current, served[0] if served else None, project)  # type: ignore[arg-type]
            try:
                self.pointer(project).unlink()
            except FileNotFoundError:
                return False
            _fsync_dir(self.pointer(project).parent)
        log.info("project %s follows the default model again", project)
        return True

    def _promotion_lock(self, project: int | None) -> ExitStack:
        """The default's lock alone (exclusive) for the default; for a project its own lock
        (exclusive) then the default's (shared): projects never wait for one another, and the
        default cannot move while a project promotion re-checks a champion read through it."""
        stack = ExitStack()
        try:
            if project is not None:
                stack.enter_context(_locked(self.pointer(project).parent / LOCK_FILE, fcntl.LOCK_EX))
            stack.enter_context(_locked(self.root / LOCK_FILE, fcntl.LOCK_SH if project is not None else fcntl.LOCK_EX))
        except BaseException:
            stack.close()
            raise
        return stack

    def clean_staging(self, older_than_s: float = 3600.0) -> list[Path]:
        """Remove staging dirs and temp links left by killed processes (older than ``older_than_s``)."""
        removed = []
        now = time.time()
        leftovers = list(self.staging_dir.glob("stage-*")) if self.staging_dir.is_dir() else []
        leftovers += list(self.root.glob(f".{CURRENT}.*")) + list(self.root.glob(f"{PROJECTS}/*/.{CURRENT}.*"))
        for path in leftovers:
            if now - path.lstat().st_mtime < older_than_s:
                continue
            if path.is_symlink() or path.is_file():
                path.unlink()
            else:
                shutil.rmtree(path)
            removed.append(path)
        return removed

    # --- reading ---------------------------------------------------------------------------

    def pointer(self, project: int | None = None) -> Path:
        """The symlink naming what ``project`` (None: the default) is served; it may not exist."""
        if project is None:
            return self.current_link
        return self.root / PROJECTS / str(check_project(project)) / CURRENT

    def has_own_model(self, project: int) -> bool:
        """Whether ``project`` promoted a model of its own (else it is served the default)."""
        return os.path.lexists(self.pointer(project))

    def current(self, project: int | None = None) -> tuple[str, Path] | None:
        """``(version, directory)`` that ``project`` is served: its own pointer's, else the
        default's; None when nothing was promoted yet."""
        if project is not None:
            own = self._read_pointer(self.pointer(project))
            if own is not None:
                return own
        return self._read_pointer(self.current_link)

    def projects(self) -> dict[int, str]:
        """Projects with a model of their own -> the version they are served."""
        out: dict[int, str] = {}
        folder = self.root / PROJECTS
        if not folder.is_dir():
            return out
        for path in folder.iterdir():
            if not path.name.isdigit() or int(path.name) <= 0:
                continue
            served = self._read_pointer(path / CURRENT)
            if served is not None:
                out[int(path.name)] = served[0]
        return dict(sorted(out.items()))

    def versions(self, project: int | None = None) -> list[dict[str, Any]]:
        """Metadata of every committed version, oldest first. ``current`` marks the one
        ``project`` (None: the default) is served, ``default`` the default's and
        ``served_projects`` the projects whose own pointer names it."""
        if not self.versions_dir.is_dir():
            return []
        served = self.current(project)
        default = self.current()
        by_version: dict[str, list[int]] = {}
        for pid, version in self.projects().items():
            by_version.setdefault(version, []).append(pid)
        out = []
        for path in sorted(self.versions_dir.iterdir()):
            if not VERSION_RE.match(path.name):
                continue
            meta = read_metadata(path)
            meta.setdefault("version", path.name)
            meta["path"] = str(path)
            meta["current"] = served is not None and served[0] == path.name
            meta["default"] = default is not None and default[0] == path.name
            meta["served_projects"] = by_version.get(path.name, [])
            out.append(meta)
        return out

    def path(self, version: str) -> Path:
        """Directory of a committed version."""
        target = self.versions_dir / version
        if not VERSION_RE.match(version) or not target.is_dir():
            raise RegistryError(f"unknown model version {version!r} in {self.root}")
        return target

    # --- internals -------------------------------------------------------------------------

    def _read_pointer(self, link: Path) -> tuple[str, Path] | None:
        try:
            target = os.readlink(link)
        except FileNotFoundError:
            return None
        path = (link.parent / target).resolve()
        return path.name, path

    def _next_name(self) -> str:
        numbers = [int(m.group(1)) for p in self.versions_dir.iterdir() if (m := VERSION_RE.match(p.name))]
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        return f"v{max(numbers, default=0) + 1:04d}-{stamp}"

    @staticmethod
    def _fsync_tree(path: Path) -> None:
        """Flush a model dir's files before it becomes visible, so a crash cannot expose empty files."""
        for file in path.rglob("*"):
            if file.is_file():
                with open(file, "rb") as fh:
                    os.fsync(fh.fileno())
        _fsync_dir(path)


__all__ = ["ANY_CHAMPION", "ChampionChanged", "ModelRegistry", "RegistryError", "VERSION_RE", "check_project"]
