"""Random numbers as a function of where they are used: (seed, path, day, column) -> one number.

The engine's random numbers are *counter-based* (Salmon, Moraes, Dror & Shaw 2011, "Parallel random
numbers: as easy as 1, 2, 3", SC'11): the uniform that path ``p`` uses in column ``c`` on day ``d`` is
the output of SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators",
OOPSLA; the generator Java's ``SplittableRandom`` uses, which passes BigCrush) at the counter
``index(p, d, c)`` of the stream seeded by ``seed``. Consequences:

- **Common random numbers.** Every policy run on the same seed sees the same number in the same place:
  the same accidents, alarms and dice on the same path and day. Paired comparisons rest on this.
- **Independence from chunking, workers and threads.** A number depends on the global path id, not on
  which chunk, process or thread simulated the path, so a seed gives the same result in any layout.
- **Nothing drawn that is not used.** The compiled kernel computes only the numbers a path needs on a
  day (a path past its war draws nothing; a private move's delay is drawn only when one is sent). The NumPy
  kernel computes every column for the live paths; both read the same numbers.

Normals come from pairs of uniforms by the Box-Muller transform (Box & Muller 1958). Every function here
has a scalar twin in :mod:`brinkmanship.engine.compiled_kernel` that must give the same bits; a test
checks them against each other.
"""

from __future__ import annotations

import numpy as np

BLOCK_SIZE = 1024
"""Paths per block: the unit of chunking and of the prelude's resampling (each block is resampled on
its own, so a path's start state does not depend on the ensemble size)."""

# Uniform columns, per path and day.
U_CHOICE = (0, 1)
U_INCIDENT = 2
U_ALARM = (3, 4)
U_ALARM_PASS = (5, 6)
U_WAR = 7
U_NUCLEAR = 8
"""Nuclear use: at the start of a war begun on a false alarm, then on each day of a war."""
U_CEASEFIRE = 9
U_AGREEMENT = 10
U_DELAY = (11, 12)
U_BREACH = (13, 14)
U_CHECK = (15, 16)
"""A strike on the belief that the other is about to attack may be checked over a direct channel."""
U_BREAKDOWN = 17
"""An agreement in force may break down (docs/model.md, section 7)."""
U_FIXED = 18
"""First column of the third-party acts (one column each)."""
MAX_THIRD_PARTY_ACTS = 1024
"""Third-party acts a scenario may have (each needs its own column)."""

# Normal columns, per path and day: normal j comes from the uniform columns NORMAL_BASE + 2 * (j // 2)
# and the next one (cosine for even j, sine for odd j), so that the pairs (0, 1) and (2, 3) share one
# transform.
Z_PUBLIC = (0, 1)
Z_PRIVATE = (2, 3)
Z_WAR = 4
N_NORMALS = 5
NORMAL_BASE = 2048

# Columns of the once-per-path type draw, per principal: column TYPE_BASE + 4 * principal + t.
T_RESOLVE, T_GREEDY, T_SENSITIVITY, T_DEATHS = 0, 1, 2, 3
N_TYPE_COLUMNS = 4
TYPE_BASE = 3072

# The counter: path id (26 bits), day + DAY_OFFSET (15 bits), column (12 bits).
DAY_OFFSET = 1 << 14
"""Days run from -DAY_OFFSET + 2 (a prelude of at most ten years lies well inside) to DAY_OFFSET - 1."""
TYPE_DAY = -DAY_OFFSET
"""The day slot of the once-per-path type draws."""
RESAMPLE_DAY = -DAY_OFFSET + 1
"""The day slot of the prelude's resampling: 'path' is the block index, column 0."""
COLUMN_BITS = 12
DAY_BITS = 15
MAX_PATHS = 1 << 26

GOLDEN_GAMMA = np.uint64(0x9E3779B97F4A7C15)
"""SplitMix64's increment: the odd integer nearest 2**64 / golden ratio."""
MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
MIX_2 = np.uint64(0x94D049BB133111EB)
"""SplitMix64's finaliser constants (Stafford's 'Mix13' variant of MurmurHash3's finaliser)."""
TO_UNIT = 2.0**-53
MASK_64 = (1 << 64) - 1


def mix64(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on ``uint64`` values (wrapping arithmetic)."""
    z = (z ^ (z >> np.uint64(30))) * MIX_1
    z = (z ^ (z >> np.uint64(27))) * MIX_2
    return z ^ (z >> np.uint64(31))


def seed_key(seed: int) -> int:
    """The stream's key: the seed scrambled once, so that nearby seeds give unrelated streams."""
    if not 0 <= seed <= MASK_64:
        raise ValueError(f"seed {seed} is outside 0 .. 2**64 - 1")
    return int(mix64(np.array([seed], dtype=np.uint64))[0])


def counter(path: np.ndarray, day: int, column: int) -> np.ndarray:
    """The counter of (path, day, column), ``uint64`` of ``path``'s shape."""
    if not -DAY_OFFSET <= day < DAY_OFFSET:
        raise ValueError(f"day {day} is outside the random stream's range")
    high = (np.asarray(path, dtype=np.uint64) << np.uint64(DAY_BITS)) | np.uint64(day + DAY_OFFSET)
    return (high << np.uint64(COLUMN_BITS)) | np.uint64(column)


def uniform(key: int, path: np.ndarray, day: int, column: int) -> np.ndarray:
    """Uniforms in [0, 1): the SplitMix64 output at ``counter + 1`` of the stream keyed ``key``."""
    z = np.uint64(key) + (counter(path, day, column) + np.uint64(1)) * GOLDEN_GAMMA
    return (mix64(z) >> np.uint64(11)).astype(np.float64) * TO_UNIT


def normal_pair(key: int, path: np.ndarray, day: int, first_column: int) -> tuple[np.ndarray, np.ndarray]:
    """Two independent standard normals by Box-Muller from the uniform columns ``first_column`` and the
    next (``1 - u`` is in (0, 1], so the logarithm is finite)."""
    radius = np.sqrt(-2.0 * np.log(1.0 - uniform(key, path, day, first_column)))
    angle = 2.0 * np.pi * uniform(key, path, day, first_column + 1)
    return radius * np.cos(angle), radius * np.sin(angle)


def day_draws(key: int, path: np.ndarray, day: int, n_third_party_acts: int) -> tuple[np.ndarray, np.ndarray]:
    """Every column of one day for the paths ``path``: uniforms ``(n, n_uniforms)``, normals
    ``(n, N_NORMALS)`` (the NumPy kernel's way; the compiled kernel draws only what it uses)."""
    uniforms = np.stack([uniform(key, path, day, c) for c in range(n_uniforms(n_third_party_acts))], axis=-1)
    normals: list[np.ndarray] = []
    for first in range(0, N_NORMALS, 2):
        normals.extend(normal_pair(key, path, day, NORMAL_BASE + first))
    return uniforms, np.stack(normals[:N_NORMALS], axis=-1)


def type_draws(key: int, path: np.ndarray) -> np.ndarray:
    """Once-per-path uniforms for private types, ``(n, 2, N_TYPE_COLUMNS)``."""
    columns = [
        [uniform(key, path, TYPE_DAY, TYPE_BASE + N_TYPE_COLUMNS * i + t) for t in range(N_TYPE_COLUMNS)]
        for i in range(2)
    ]
    return np.stack([np.stack(c, axis=-1) for c in columns], axis=1)


def resample_draw(key: int, block: int) -> float:
    """The one uniform block ``block`` uses for its systematic resampling."""
    return float(uniform(key, np.array([block]), RESAMPLE_DAY, 0)[0])


def n_uniforms(n_third_party_acts: int) -> int:
    """Uniform columns per path per day."""
    return U_FIXED + n_third_party_acts


def check_capacity(n_paths: int, n_third_party_acts: int) -> None:
    """Refuse an ensemble or scenario the counter layout cannot address (one number per place)."""
    if n_paths > MAX_PATHS:
        raise ValueError(f"{n_paths} paths: the random stream addresses at most {MAX_PATHS}")
    if n_third_party_acts > MAX_THIRD_PARTY_ACTS:
        raise ValueError(f"{n_third_party_acts} third-party acts: at most {MAX_THIRD_PARTY_ACTS}")
