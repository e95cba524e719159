"""The disk cache of burned-in blocks: a damaged entry is a miss, a failed write leaves nothing, the folder
keeps to its size limit (engine/burn_in_cache.py)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
import pytest

from brinkmanship.cli import main
from brinkmanship.engine import burn_in_cache, ensemble
from brinkmanship.engine.state import CrisisState, initial_state
from brinkmanship.scenario import compile_scenario, load_scenario

RUN = ["run", "korea-2017", "--runs", "200", "--days", "30", "--json"]


def _results(out: str) -> dict[str, object]:
    """A run's JSON without its timing."""
    results = json.loads(out)
    results.pop("elapsed_s", None)
    return results


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "burn-in").glob("*.npz"))


@pytest.mark.parametrize("damage", ["cut short", "garbage"])
def test_a_damaged_entry_is_computed_again(
    damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cache file cut short (a full disk, a half-finished copy) made every later run on its seed fail with
    a traceback (zipfile.BadZipFile) until the cache was deleted by hand: it is a miss now, the run gives
    the same answer as before, and the entry is written again whole."""
    monkeypatch.setenv("BRINK_CACHE_DIR", str(tmp_path))
    ensemble.BURN_IN_CACHE.clear()  # computed here, not taken from memory
    assert main(RUN) == 0
    first = _results(capsys.readouterr().out)
    (entry,) = _entries(tmp_path)
    whole = entry.stat().st_size
    if damage == "cut short":
        with entry.open("r+b") as handle:
            handle.truncate(whole // 2)
    else:
        entry.write_bytes(b"not a cache entry" * 100)
    ensemble.BURN_IN_CACHE.clear()  # the in-memory copy: the next run reads the disk
    assert main(RUN) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and _results(captured.out) == first
    assert entry.stat().st_size == whole


def _state() -> CrisisState:
    model = compile_scenario(load_scenario("korea-calm"))
    return initial_state(model, np.random.default_rng(1).random((4, 2, 4)))


@pytest.mark.parametrize("failure", [OSError("No space left on device"), KeyboardInterrupt()])
def test_a_write_that_fails_leaves_no_temporary_file(
    failure: BaseException, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk or a Ctrl-C in the middle of a write left a `tmp*.tmp` file in the folder for good."""
    monkeypatch.setenv("BRINK_CACHE_DIR", str(tmp_path))

    def fail(*args: object, **kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(np, "savez", fail)
    if isinstance(failure, KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            burn_in_cache.save(("world", 1, 0), _state())
    else:
        burn_in_cache.save(("world", 1, 0), _state())  # ignored: the block is simply not cached
    assert list((tmp_path / "burn-in").iterdir()) == []


def test_the_folder_keeps_to_its_size_limit_least_recently_used_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing ever left the cache (5.3 GB in a day of tests): past $BRINK_CACHE_MAX_MB the entries used
    longest ago go first, and a temporary file an interrupted process left behind goes too."""
    where = tmp_path / "burn-in"
    where.mkdir()
    now = time.time()
    for k in range(6):
        entry = where / f"{k}.npz"
        entry.write_bytes(b"x" * 400_000)
        os.utime(entry, (now - 600 + k, now - 600 + k))  # entry 0 used longest ago
    os.utime(where / "1.npz", (now, now))  # used just now: kept, though written early
    stale, fresh = where / "tmpold.tmp", where / "tmpnew.tmp"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"x")
    os.utime(stale, (now - 2 * burn_in_cache.STALE_TEMPORARY_S,) * 2)
    monkeypatch.setenv("BRINK_CACHE_MAX_MB", "1")  # 1,048,576 bytes: two entries of 400,000 fit
    burn_in_cache.prune(where)
    assert sorted(p.name for p in where.iterdir()) == ["1.npz", "5.npz", "tmpnew.tmp"]


def test_reading_an_entry_counts_as_using_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRINK_CACHE_DIR", str(tmp_path))
    key = ("world", 7, 0)
    burn_in_cache.save(key, _state())
    (entry,) = _entries(tmp_path)
    os.utime(entry, (1.0, 1.0))
    assert burn_in_cache.load(key) is not None
    assert entry.stat().st_mtime > 1.0


@pytest.mark.parametrize(("setting", "megabytes"), [("", 2048), ("0", 0), ("512", 512), ("lots", 2048)])
def test_the_size_limit_setting(setting: str, megabytes: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRINK_CACHE_MAX_MB", setting)
    assert burn_in_cache.max_bytes() == megabytes * 1024 * 1024
