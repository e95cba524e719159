"""A disk cache of burned-in blocks: the prelude of a scenario is computed once per seed and block.

A block's start state depends only on the prelude world (the scenario before any lever), the seed, the
block's index and the model's code. Entries are keyed by a hash of all four, so a change to the model's
code never reuses an old entry. The folder is ``$BRINK_CACHE_DIR`` or ``~/.cache/brinkmanship``;
``BRINK_CACHE_DIR=off`` turns the cache off. Failures to read or write are ignored: the block is then
simply computed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tempfile
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
    """The cached block, or None."""
    path = _path(key)
    if path is None or not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            values: dict[str, Any] = {f.name: data[f.name] for f in dataclasses.fields(CrisisState)}
        values["day"] = int(values["day"])
        return CrisisState(**values)
    except (OSError, ValueError, KeyError):
        return None


def save(key: tuple[str, int, int], state: CrisisState) -> None:
    """Write the block atomically (a temporary file renamed into place); errors are ignored."""
    path = _path(key)
    if path is None:
        return
    arrays = {f.name: np.asarray(getattr(state, f.name)) for f in dataclasses.fields(CrisisState)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            np.savez(handle, **arrays)  # type: ignore[arg-type]  # stubs type **kwds as allow_pickle
            temporary = Path(handle.name)
        os.replace(temporary, path)
    except OSError:
        return
