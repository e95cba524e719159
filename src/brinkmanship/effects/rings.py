"""Damage rings of one detonation: the distances reported to users, and input checks."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from brinkmanship.effects import blast, fireball, nukemap, radiation, thermal
from brinkmanship.errors import UserError

MAX_YIELD_KT = 100_000.0
"""Largest yield accepted (100 Mt, twice the largest device ever tested, Tsar Bomba's 50 Mt)."""

DEFAULT_OPTIMISED_PSI = 5.0
"""Air bursts without a height are set at the height that maximises the 5-psi ring, where most
buildings collapse (OTA 1979, p. 17) — the usual counter-city choice, as in NUKEMAP's default."""

BURSTS = ("air", "surface")

CONVENTIONS = ("default", "nukemap")
"""Ring conventions: ``default`` (heights and blast rings on Brode 1986, or ``--blast``) and
``nukemap`` (NUKEMAP's 5-psi optimum height and blast rings on its curves, :mod:`.nukemap`)."""


def check_convention(convention: str, *, where: str = "--convention") -> None:
    """Raise :class:`UserError` for an unknown ring convention."""
    if convention not in CONVENTIONS:
        raise UserError(f"{where}: convention must be one of {', '.join(CONVENTIONS)}, got {convention!r}")


def check_burst(yield_kt: float, burst: str, height_m: float | None, *, where: str) -> None:
    """Raise :class:`UserError` for a yield, burst kind or height no model here can take."""
    if not np.isfinite(yield_kt) or yield_kt <= 0:
        raise UserError(f"{where}: yield must be a positive number of kilotons, got {yield_kt}")
    if yield_kt > MAX_YIELD_KT:
        raise UserError(f"{where}: yield {yield_kt:g} kt is above the 100 Mt this model accepts")
    if burst not in BURSTS:
        raise UserError(f"{where}: burst must be 'air' or 'surface', got {burst!r}")
    if height_m is not None:
        if not np.isfinite(height_m) or height_m < 0:
            raise UserError(
                f"{where}: height of burst must be a finite number of metres, >= 0 (above ground), "
                f"got {height_m}"
            )
        if burst == "surface" and height_m > 0:
            raise UserError(f"{where}: a surface burst has height 0; use --burst air for {height_m:g} m")
        if burst == "air" and height_m == 0:
            # Blast at height 0 is a surface burst, but the thermal partition and fireball of an
            # air burst would be used: refuse rather than mix the two.
            raise UserError(f"{where}: an air burst at height 0 is a surface burst; use --burst surface")
        if height_m > 50_000:
            raise UserError(f"{where}: height {height_m:g} m is above 50 km, outside the airblast fits")


def burst_height_m(yield_kt: float, burst: str, height_m: float | None, convention: str = "default") -> float:
    """The height used: 0 for surface bursts, the given height, or the 5-psi optimum.

    The optimum is Brode's (1986) under the default convention and NUKEMAP's (on its own curves,
    :func:`.nukemap.optimum_height_m`) under ``convention="nukemap"``.
    """
    if burst == "surface":
        return 0.0
    if height_m is not None:
        return float(height_m)
    if convention == "nukemap":
        return nukemap.optimum_height_m(nukemap.DEFAULT_OPTIMISED_PSI, yield_kt)
    return blast.optimum_height_m(DEFAULT_OPTIMISED_PSI, yield_kt)


@dataclass(frozen=True)
class Rings:
    """Ground ranges (km) of the effects of one burst; None where an effect misses the ground."""

    fireball: float | None
    psi_20: float | None
    psi_5: float | None
    psi_1: float | None
    burn_3rd: float | None
    rem_500: float | None

    def as_dict(self) -> dict[str, float | None]:
        """Plain mapping for JSON output (rounded to metres)."""
        return {k: (None if v is None else round(v, 3)) for k, v in asdict(self).items()}


def _blast_ring_km(
    psi: float, yield_kt: float, height_m: float, blast_model: str, convention: str
) -> float | None:
    if convention == "nukemap":
        return nukemap.ground_range_km(psi, yield_kt, height_m)
    return blast.model_ground_range_km(psi, yield_kt, height_m, blast_model)


def compute_rings(
    yield_kt: float, burst: str, height_m: float, blast_model: str = "brode1986", convention: str = "default"
) -> Rings:
    """Damage rings of one burst at a resolved height (see :func:`burst_height_m`).

    ``blast_model`` picks the overpressure curves of the blast rings (:data:`blast.BLAST_MODELS`);
    it changes surface bursts only. ``convention="nukemap"`` draws the blast rings on NUKEMAP's
    curves instead (fireball, burns and radiation stay this package's models).
    """
    blast.check_blast_model(blast_model)
    check_convention(convention)
    r_fb = fireball.fireball_radius_km(yield_kt, burst)
    h_km = height_m / 1000.0
    fireball_ground = float(np.sqrt(r_fb**2 - h_km**2)) if h_km < r_fb else None
    return Rings(
        fireball=fireball_ground,
        psi_20=_blast_ring_km(20.0, yield_kt, height_m, blast_model, convention),
        psi_5=_blast_ring_km(5.0, yield_kt, height_m, blast_model, convention),
        psi_1=_blast_ring_km(1.0, yield_kt, height_m, blast_model, convention),
        burn_3rd=thermal.burn_radius_km(yield_kt, burst, height_m, degree=3),
        rem_500=radiation.dose_radius_km(500.0, yield_kt, height_m),
    )
