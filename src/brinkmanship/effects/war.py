"""Deaths of a war as a scenario describes it: the conventional phase and any nuclear strikes.

A helper for the crisis engine: scenarios list a theatre and the strikes a nuclear use would bring
(target, yield, burst). Strikes may be :class:`~brinkmanship.effects.plan.Detonation` objects,
mappings, or any objects with those attributes (such as the scenario schema's strike entries).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from brinkmanship.effects.conventional import conventional_war_deaths
from brinkmanship.effects.plan import Bounds, Detonation, plan_consequences

_FIELDS = ("target", "lat", "lon", "yield_kt", "burst", "height_m")


@dataclass(frozen=True)
class WarDeaths:
    """Deaths of the conventional phase and prompt deaths of the nuclear strikes."""

    conventional: Bounds
    nuclear: Bounds
    nuclear_injuries: Bounds


def _as_detonation(strike: Any) -> Detonation:
    if isinstance(strike, Detonation):
        return strike
    get = strike.get if isinstance(strike, Mapping) else lambda k, d=None: getattr(strike, k, d)
    values = {k: get(k, None) for k in _FIELDS}
    return Detonation(
        yield_kt=float(values["yield_kt"]),
        burst=str(values["burst"] or "air"),
        target=None if values["target"] is None else str(values["target"]),
        lat=None if values["lat"] is None else float(values["lat"]),
        lon=None if values["lon"] is None else float(values["lon"]),
        height_m=None if values["height_m"] is None else float(values["height_m"]),
    )


def war_deaths(theatre: str, strikes: Iterable[Any]) -> WarDeaths:
    """Conventional deaths of ``theatre`` and the consequences of ``strikes``.

    Raises:
        UserError: Unknown theatre, bad strike entries or unknown targets.
    """
    conventional = conventional_war_deaths(theatre)
    result = plan_consequences([_as_detonation(s) for s in strikes])
    return WarDeaths(
        conventional=Bounds(conventional["central"], conventional["low"], conventional["high"]),
        nuclear=result.deaths,
        nuclear_injuries=result.injuries,
    )
