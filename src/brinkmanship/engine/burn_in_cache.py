"""A disk cache of burned-in blocks: the prelude of a scenario is computed once per seed and block.

A block's start state depends only on the prelude world (the scenario before any lever), the seed, the
block's index and the model's code. Entries are keyed by a hash of all four, so a change to the model's
code never reuses an old entry. The folder is ``$BRINK_CACHE_DIR`` or ``~/.cache/brinkmanship``;
``BRINK_CACHE_DIR=off`` turns the cache off. Failures to read or write are ignored: the block is then
simply computed (a damaged entry, one cut short by a full disk or a copy, is read as a miss and written
again), and a write that fails or is interrupted leaves no temporary file behind.

The folder is kept under ``$BRINK_CACHE_MAX_MB`` megabytes (default :data:`DEFAULT_MAX_MB`): now and then
after a write the entries least recently used are removed until it fits, with any temporary file an
interrupted process left (a run of many seeds would otherwise fill the disk: one entry of 1,024 paths is
about 400 kB).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tempfile
import time
import zipfile
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from brinkmanship.engine.state import CrisisState

MODEL_SOURCES = (
    "engine/kernel.py",
    "engine/compiled_kernel.py",
    "engine/state.py",
    "engine/ensemble.py",
    "engine/randomness.py",
)


DEFAULT_MAX_MB = 2048
"""The cache's default size limit (``$BRINK_CACHE_MAX_MB`` overrides it; 0 keeps nothing)."""
PRUNE_EVERY = 32
"""Writes between two looks at the folder's size (the first write of a process looks too): listing a folder
of thousands of entries after every block would cost more than the cache saves."""
STALE_TEMPORARY_S = 3600.0
"""A temporary file older than this is an interrupted write's (a write takes well under a second)."""
_writes = 0


@cache
def code_hash() -> str:
    """Hash of the code a burned-in block depends on (the kernel, the state, the mechanisms)."""
    digest = hashlib.sha256()
    package = resources.files("brinkmanship")
    paths = [package / name for name in MODEL_SOURCES]
    model = package / "model"
    paths += sorted((p for p in model.iterdir() if p.name.endswith(".py")), key=lambda p: p.name)
    paths.append(package / "scenario" / "compiled.py")
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def folder(kind: str = "burn-in") -> Path | None:
    """The cache folder for ``kind`` (``$BRINK_CACHE_DIR/kind``), or None where caching is off."""
    setting = os.environ.get("BRINK_CACHE_DIR", "")
    if setting == "off":
        return None
    base = Path(setting) if setting else Path.home() / ".cache" / "brinkmanship"
    return base / kind


def _path(key: tuple[str, int, int]) -> Path | None:
    where = folder()
    if where is None:
        return None
    world, seed, block = key
    name = hashlib.sha256(f"{code_hash()}|{world}|{seed}|{block}".encode()).hexdigest()
    return where / f"{name}.npz"


def load(key: tuple[str, int, int]) -> CrisisState | None:
    """The cached block, or None (none cached, or an entry that cannot be read: damaged or cut short)."""
    path = _path(key)
    if path is None or not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            values: dict[str, Any] = {f.name: data[f.name] for f in dataclasses.fields(CrisisState)}
        values["day"] = int(values["day"])
        state = CrisisState(**values)
    except (OSError, ValueError, KeyError, EOFError, TypeError, zipfile.BadZipFile):
        return None
    try:
        os.utime(path)  # used now: the last entry the size limit removes
    except OSError:
        pass
    return state


def save(key: tuple[str, int, int], state: CrisisState) -> None:
    """Write the block atomically (a temporary file renamed into place); errors are ignored, and the
    temporary file is removed whatever stops the write (a full disk, Ctrl-C)."""
    global _writes
    path = _path(key)
    if path is None:
        return
    arrays = {f.name: np.asarray(getattr(state, f.name)) for f in dataclasses.fields(CrisisState)}
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            temporary = Path(handle.name)
            np.savez(handle, **arrays)  # type: ignore[arg-type]  # stubs type **kwds as allow_pickle
        os.replace(temporary, path)
        temporary = None
    except OSError:
        return
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    if _writes % PRUNE_EVERY == 0:
        prune(path.parent)
    _writes += 1


def max_bytes() -> int:
    """The size limit in bytes: ``$BRINK_CACHE_MAX_MB`` (a whole number of megabytes, at least 0), or
    :data:`DEFAULT_MAX_MB` where it is unset or not such a number (a cache setting never stops a run)."""
    setting = os.environ.get("BRINK_CACHE_MAX_MB", "")
    megabytes = int(setting) if setting.isdigit() else DEFAULT_MAX_MB
    return megabytes * 1024 * 1024


def prune(where: Path) -> None:
    """Remove the entries of ``where`` least recently used until the rest fit in :func:`max_bytes`, and the
    temporary files of interrupted writes. Errors are ignored (another process may prune at once)."""
    limit, now = max_bytes(), time.time()
    entries: list[tuple[float, int, Path]] = []
    try:
        with os.scandir(where) as listing:
            for item in listing:
                if not item.is_file(follow_symlinks=False):
                    continue
                stat = item.stat(follow_symlinks=False)
                if item.name.endswith(".tmp"):
                    if now - stat.st_mtime > STALE_TEMPORARY_S:
                        Path(item.path).unlink(missing_ok=True)
                elif item.name.endswith(".npz"):
                    entries.append((stat.st_mtime, stat.st_size, Path(item.path)))
    except OSError:
        return
    total = sum(size for _, size, _ in entries)
    for _, size, entry in sorted(entries):
        if total <= limit:
            break
        try:
            entry.unlink(missing_ok=True)
        except OSError:
            continue
        total -= size
