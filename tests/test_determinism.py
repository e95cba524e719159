"""Seeds: identical results whatever the chunk size or worker count; other seeds differ."""

import numpy as np

from brinkmanship.engine.ensemble import simulate


def fingerprint(tally):
    return (
        tally.clash,
        tally.war,
        tally.nuclear_use,
        tally.settlement,
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
