"""Capability: what a principal has demonstrated, as the other side sees it (the 2017 preventive-war debate).

North Korea's two Hwasong-14 tests (July 2017) and its sixth nuclear test (3 Sep 2017) demonstrated missile
reach toward the US mainland and a thermonuclear-class yield; US officials argued for striking before the
capability was complete (the "bloody nose" debate, reported Dec 2017 - Jan 2018; Cha, Washington Post,
30 Jan 2018). Each test closes a share of the remaining gap to a complete capability (0 = none, 1 =
complete); the threat a preventive strike would stop is reach times warhead (both are needed to strike
a homeland).
"""

from __future__ import annotations

import numpy as np


def demonstrate(
    reach: np.ndarray,
    warhead: np.ndarray,
    missile_test: np.ndarray,
    nuclear_test: np.ndarray,
    missile_gain: float,
    nuclear_gain: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Reach and warhead after today's tests (``(n, 2)`` each; the test masks are boolean ``(n, 2)``)."""
    return (
        reach + missile_gain * missile_test * (1.0 - reach),
        warhead + nuclear_gain * nuclear_test * (1.0 - warhead),
    )


def threat(reach: np.ndarray, warhead: np.ndarray) -> np.ndarray:
    """The capability a preventive strike would stop: reach x warhead, in [0, 1]."""
    return reach * warhead
