"""Weapons effects and casualties: blast, heat and initial radiation on real cities.

Public API (used by the crisis engine):

* :class:`Detonation` — one burst on a named place or coordinates.
* :func:`plan_consequences` — deaths and injuries (low/central/high) of a list of detonations.
* :func:`conventional_war_deaths` — published estimates for the early days of a conventional war.
* :func:`compute_rings` / :class:`Rings` — damage radii of one burst.
* :func:`war_deaths` — both of the above for a scenario's theatre and strike list;
  :meth:`Bounds.quantile` turns a uniform draw into deaths (low/high read as 5th/95th percentiles).

Sources of every equation and number are in the module docstrings and docs/effects.md.
"""

from brinkmanship.effects.conventional import conventional_war_deaths
from brinkmanship.effects.plan import (
    Bounds,
    Consequences,
    Detonation,
    detonations_from_data,
    load_plan,
    plan_consequences,
)
from brinkmanship.effects.rings import Rings, compute_rings
from brinkmanship.effects.war import WarDeaths, war_deaths

__all__ = [
    "Bounds",
    "Consequences",
    "Detonation",
    "Rings",
    "WarDeaths",
    "compute_rings",
    "conventional_war_deaths",
    "detonations_from_data",
    "load_plan",
    "plan_consequences",
    "war_deaths",
]
