"""How the engine treats floating-point trouble: saturation is fine, undefined values stop the run.

The model's logistic and exponential curves legitimately overflow or underflow at extreme (but allowed)
parameter values: ``exp(1000)`` becomes ``inf`` and ``1 / (1 + inf)`` the correct limit 0. Those are
silenced, since a NumPy warning means nothing to a user. An *invalid* operation (``inf - inf``,
``0 * inf``) or a division by zero means the numbers have lost their meaning; it stops the run with one
line instead of producing silent nonsense such as every outcome at 0%.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from brinkmanship.errors import UserError


@contextmanager
def checked_arithmetic() -> Iterator[None]:
    """Silence overflow and underflow; turn invalid results and division by zero into a UserError."""
    with np.errstate(over="ignore", under="ignore", invalid="raise", divide="raise"):
        try:
            yield
        except FloatingPointError as error:
            raise UserError(
                f"the simulation's arithmetic broke down ({error}); a scenario or lever parameter is "
                "extreme for the model (see the bounds in `brink schema`)"
            ) from None
