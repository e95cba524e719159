"""Maximum fireball radius.

Glasstone & Dolan (1977) §2.03: a 1-Mt air burst's fireball reaches about 5,700 ft across at its
maximum; the maximum radius scales as W^0.4 (Glasstone & Dolan 1977 §2.12 and §7.82). Hence
R = 0.869 km (W / 1 Mt)^0.4 = 0.0548 km W^0.4 (W in kt). A contact surface burst behaves as an air
burst of twice the yield because the ground reflects the energy (Glasstone & Dolan 1977 §2.129,
§3.34), so its fireball is 2^0.4 = 1.32 times larger.
"""

from __future__ import annotations

FIREBALL_KM_PER_KT04 = 0.869 / 1000.0**0.4
SURFACE_FACTOR = 2.0**0.4


def fireball_radius_km(yield_kt: float, burst: str) -> float:
    """Maximum fireball radius (km) for an ``"air"`` or ``"surface"`` burst."""
    radius = FIREBALL_KM_PER_KT04 * float(yield_kt) ** 0.4
    return radius * SURFACE_FACTOR if burst == "surface" else radius
