"""Parameter sweeps: parameter sets x policies x replicates, run anywhere, stored as resumable Parquet.

- :mod:`brinkmanship.sweep.grid`: the grid file (what to vary, policies, runs, days, seed);
- :mod:`brinkmanship.sweep.units`: the units and their seeds (common random numbers within a replicate);
- :mod:`brinkmanship.sweep.store`: the partitioned Parquet dataset, its manifest, and ``--resume``;
- :mod:`brinkmanship.sweep.execute`: serial, local processes or Dask.

The command is ``brink sweep`` (cli_sweep.py); the format and the guarantees are in docs/sweeps.md.
"""

from brinkmanship.sweep.grid import MAX_UNITS, Grid, grid_from_mapping, load_grid
from brinkmanship.sweep.units import Unit, enumerate_units, replicate_seeds

__all__ = [
    "MAX_UNITS",
    "Grid",
    "Unit",
    "enumerate_units",
    "grid_from_mapping",
    "load_grid",
    "replicate_seeds",
]
