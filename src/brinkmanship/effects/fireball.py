"""Maximum fireball radius.

Glasstone & Dolan (1977) §2.51 (Fig. 2.51a): the maximum fireball diameter of an air burst is
about 1,550 ft for 20 kt and 7,200 ft for 1 Mt; the maximum radius scales as W^0.4 (the two values
agree with that exponent within 3 %). Hence R = 3,600 ft (W / 1 Mt)^0.4 = 0.0692 km W^0.4 (W in kt).
A contact surface burst behaves as an air burst of twice the yield because the ground reflects the
energy (Glasstone & Dolan 1977 ch. III), so its fireball is 2^0.4 = 1.32 times larger.
"""

from __future__ import annotations

FIREBALL_KM_PER_KT04 = 3600.0 * 0.0003048 / 1000.0**0.4
SURFACE_FACTOR = 2.0**0.4


def fireball_radius_km(yield_kt: float, burst: str) -> float:
    """Maximum fireball radius (km) for an ``"air"`` or ``"surface"`` burst."""
    radius = FIREBALL_KM_PER_KT04 * float(yield_kt) ** 0.4
    return radius * SURFACE_FACTOR if burst == "surface" else radius
