"""The layout of each day's random numbers, and per-block seeding.

Every path consumes the same columns every day whatever the policy, so two policies run on the same
seed face the same accidents, alarms and dice (common random numbers). Paths are grouped in blocks of
``BLOCK_SIZE``; block ``k`` draws from ``SeedSequence(seed).spawn(...)[k]``, so results do not depend on
chunk size, worker count or executor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BLOCK_SIZE = 1024
"""Paths per seeding block. Changing it changes the random stream (and every seeded result)."""

# Uniform columns drawn every day, per path.
U_CHOICE = (0, 1)
U_INCIDENT = 2
U_ALARM = (3, 4)
U_ALARM_PASS = (5, 6)
U_WAR = 7
U_NUCLEAR = 8
"""Nuclear use: at the start of a war begun on a false alarm, then on each day of a war."""
U_CEASEFIRE = 9
U_SETTLE = 10
U_DELAY = (11, 12)
U_BREACH = (13, 14)
U_CHECK = (15, 16)
"""A strike on the belief that the other is about to attack may be checked over a direct channel."""
U_FIXED = 17
"""First column of the third-party acts (one column each)."""

# Normal columns drawn every day, per path.
Z_PUBLIC = (0, 1)
Z_PRIVATE = (2, 3)
Z_WAR = 4
N_NORMALS = 5

# Columns of the once-per-path type draw, per principal.
T_RESOLVE, T_GREEDY, T_SENSITIVITY, T_DEATHS = 0, 1, 2, 3
N_TYPE_COLUMNS = 4


def n_uniforms(n_third_party_acts: int) -> int:
    """Uniform columns per path per day."""
    return U_FIXED + n_third_party_acts


@dataclass
class BlockStream:
    """The random stream of one block of paths."""

    generator: np.random.Generator
    n_paths: int

    # A block always draws for BLOCK_SIZE paths and keeps the first n_paths, so that path k sees the
    # same numbers whatever the ensemble size.

    def types(self) -> np.ndarray:
        """Once-per-path uniforms for private types, shape ``(n, 2, N_TYPE_COLUMNS)``."""
        return self.generator.random((BLOCK_SIZE, 2, N_TYPE_COLUMNS))[: self.n_paths]

    def day(self, n_third_party_acts: int) -> tuple[np.ndarray, np.ndarray]:
        """One day's uniforms ``(n, n_uniforms)`` and normals ``(n, N_NORMALS)``."""
        uniforms = self.generator.random((BLOCK_SIZE, n_uniforms(n_third_party_acts)))[: self.n_paths]
        normals = self.generator.standard_normal((BLOCK_SIZE, N_NORMALS))[: self.n_paths]
        return uniforms, normals


def block_streams(
    seed: int, n_paths: int, first_block: int = 0, n_blocks: int | None = None
) -> list[BlockStream]:
    """Streams for blocks ``first_block ..`` covering ``n_paths`` paths in all."""
    total_blocks = -(-n_paths // BLOCK_SIZE)
    last = total_blocks if n_blocks is None else min(total_blocks, first_block + n_blocks)
    children = np.random.SeedSequence(seed).spawn(total_blocks)
    streams = []
    for block in range(first_block, last):
        size = min(BLOCK_SIZE, n_paths - block * BLOCK_SIZE)
        streams.append(BlockStream(np.random.Generator(np.random.PCG64(children[block])), size))
    return streams
