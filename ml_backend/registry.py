"""Versioned model directories with an atomically switched ``current`` pointer.

Layout under ``root`` (``settings.registry_dir``)::

    staging/<random>/        a model being written; never listed as a version
    versions/v0003-20261123T214012/   complete, immutable model dirs (+ metadata.json)
    current -> versions/v0003-...     the served model (``settings.model_dir`` = root/current)

Every visible change is a single ``rename``: a staging dir becomes a version by renaming it into
``versions/`` (after its metadata is on disk), and promotion replaces the ``current`` symlink with
a temp symlink via ``os.replace``.  A process killed at any point leaves either the old state or
the new one, plus at most some leftovers in ``staging/`` or a stray temp link that
``clean_staging()`` removes.

The pointer is one for the registry (the backend serves one model), while training locks are
per project: two projects' jobs may train at once. ``promote(version, expected_current=...)``
therefore re-checks, under an exclusive file lock, that the champion the job started from is
still the one served just before switching; if another job promoted meanwhile it raises
``ChampionChanged`` instead of silently replacing that promotion.
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
from pathlib import Path
from typing import Any

from ml_backend.config import load_settings
from ml_backend.reading.layout.metadata import METADATA_FILE, read_metadata, write_metadata

log = logging.getLogger(__name__)

VERSION_RE = re.compile(r"^v(\d{4,})-(\d{8}T\d{6})$")
CURRENT = "current"


class RegistryError(RuntimeError):
    """A registry operation cannot be done (unknown version, incomplete staging dir...)."""


class ChampionChanged(RegistryError):
    """Another job promoted a version after this one read the champion: not switched."""

    def __init__(self, expected: str | None, found: str | None):
        super().__init__(f"the served model changed from {expected or 'none'} to {found or 'none'} meanwhile")
        self.expected, self.found = expected, found


#: ``promote``'s default: switch whatever is served now (no re-check).
ANY_CHAMPION = object()


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

    def promote(self, version: str, expected_current: str | None | object = ANY_CHAMPION) -> Path:
        """Make ``version`` the served model: atomic replace of the ``current`` symlink.

        With ``expected_current`` (a version name, or None for "nothing promoted yet") the switch
        happens only if that is still what is served; otherwise ``ChampionChanged``.
        """
        target = self.versions_dir / version
        if not VERSION_RE.match(version) or not (target / METADATA_FILE).is_file():
            raise RegistryError(f"unknown model version {version!r} in {self.root}")
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".promote.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes (or the process dies)
            if expected_current is not ANY_CHAMPION:
                served = self.current()
                if (served[0] if served else None) != expected_current:
                    raise ChampionChanged(expected_current, served[0] if served else None)  # type: ignore[arg-type]
            tmp = self.root / f".{CURRENT}.{uuid.uuid4().hex}"
            os.symlink(os.path.join("versions", version), tmp)
            os.replace(tmp, self.current_link)
            _fsync_dir(self.root)
        log.info("promoted model version %s", version)
        return target

    def clean_staging(self, older_than_s: float = 3600.0) -> list[Path]:
        """Remove staging dirs and temp links left by killed processes (older than ``older_than_s``)."""
        removed = []
        now = time.time()
        leftovers = list(self.staging_dir.glob("stage-*")) if self.staging_dir.is_dir() else []
        leftovers += list(self.root.glob(f".{CURRENT}.*"))
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

    def current(self) -> tuple[str, Path] | None:
        """``(version, directory)`` of the served model, None when nothing was promoted yet."""
        try:
            target = os.readlink(self.current_link)
        except FileNotFoundError:
            return None
        path = (self.root / target).resolve()
        return path.name, path

    def versions(self) -> list[dict[str, Any]]:
        """Metadata of every committed version, oldest first; ``current`` marks the served one."""
        if not self.versions_dir.is_dir():
            return []
        served = self.current()
        out = []
        for path in sorted(self.versions_dir.iterdir()):
            if not VERSION_RE.match(path.name):
                continue
            meta = read_metadata(path)
            meta.setdefault("version", path.name)
            meta["path"] = str(path)
            meta["current"] = served is not None and served[0] == path.name
            out.append(meta)
        return out

    def path(self, version: str) -> Path:
        """Directory of a committed version."""
        target = self.versions_dir / version
        if not VERSION_RE.match(version) or not target.is_dir():
            raise RegistryError(f"unknown model version {version!r} in {self.root}")
        return target

    # --- internals -------------------------------------------------------------------------

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


__all__ = ["ANY_CHAMPION", "ChampionChanged", "ModelRegistry", "RegistryError", "VERSION_RE"]
