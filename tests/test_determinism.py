"""Seeds: identical results whatever the chunk size or worker count; other seeds differ."""

import numpy as np

from brinkmanship.engine.ensemble import simulate


def fingerprint(tally):
    return (
        tally.clash,
        tally.war,
        tally.nuclear_use,
        tally.agreement,
        tally.breakdown,
        tally.war_by_day.tobytes(),
        tally.actions.tobytes(),
        tally.war_by_path.tobytes(),
        tally.audience_stock,
    )


def test_chunk_size_and_workers_do_not_change_results(korea):
    runs, days = 3000, 120
    serial = simulate(korea, runs, days, seed=42, chunk_blocks=16)
    small_chunks = simulate(korea, runs, days, seed=42, chunk_blocks=1)
    two_workers = simulate(korea, runs, days, seed=42, chunk_blocks=1, workers=2)
    assert fingerprint(serial) == fingerprint(small_chunks) == fingerprint(two_workers)


def test_another_seed_gives_another_sample(korea):
    a = simulate(korea, 2000, 100, seed=1)
    b = simulate(korea, 2000, 100, seed=2)
    assert fingerprint(a) != fingerprint(b)


def test_paths_are_independent_of_the_ensemble_size(korea):
    """Path k sees the same random numbers whether 1,500 or 3,000 paths are run."""
    tables_small, tables_large = [], []
    simulate(korea, 1500, 100, seed=7, keep_paths=True, on_paths=tables_small.append)
    simulate(korea, 3000, 100, seed=7, keep_paths=True, on_paths=tables_large.append)
    small = np.concatenate([t.war_day for t in tables_small])
    large = np.concatenate([t.war_day for t in tables_large])[:1500]
    assert np.array_equal(small, large)


def test_burned_in_blocks_from_the_caches_give_the_same_results(korea, tmp_path, monkeypatch):
    """The prelude's blocks, computed, from this process's cache, or from the disk cache, are one."""
    from brinkmanship.engine import ensemble

    monkeypatch.setenv("BRINK_CACHE_DIR", "off")
    ensemble.BURN_IN_CACHE.clear()
    computed = simulate(korea, 1500, 30, seed=77)
    in_memory = simulate(korea, 1500, 30, seed=77)
    monkeypatch.setenv("BRINK_CACHE_DIR", str(tmp_path))
    ensemble.BURN_IN_CACHE.clear()
    simulate(korea, 1500, 30, seed=77)  # fills the disk cache
    assert len(list((tmp_path / "burn-in").glob("*.npz"))) == 2
    ensemble.BURN_IN_CACHE.clear()
    from_disk = simulate(korea, 1500, 30, seed=77)
    assert fingerprint(computed) == fingerprint(in_memory) == fingerprint(from_disk)
