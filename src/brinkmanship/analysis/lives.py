"""Lives: the cost in deaths of each path's outcome, from the consequences model.

A war costs the deaths of the first days of a conventional war in the scenario's theatre
(:func:`brinkmanship.effects.conventional_war_deaths`, from published estimates); a war with nuclear use
adds the prompt deaths of the scenario's named strikes (:func:`brinkmanship.effects.plan_consequences`,
from physics and population data). Each is known as low / central / high. A path's deaths are drawn from a
two-piece log-normal whose 5th, 50th and 95th percentiles are low, central and high, using the path's own
uniform (so policies compared on one seed are paired in lives too).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from brinkmanship.analysis.intervals import wilson_interval
from brinkmanship.effects import Detonation, conventional_war_deaths, plan_consequences
from brinkmanship.engine import burn_in_cache
from brinkmanship.engine.ensemble import PathTable
from brinkmanship.engine.state import NEVER
from brinkmanship.errors import UserError
from brinkmanship.scenario.schema import ScenarioFile

Z95 = float(stats.norm.ppf(0.95))
HISTOGRAM_EDGES = np.concatenate(([0.0], np.geomspace(1.0, 1e10, 401)))
"""Log-spaced bins of deaths for streaming quantiles (resolution about 6% of the value)."""


@dataclass(frozen=True)
class DeathBounds:
    """Low, central and high deaths of one outcome (read as 5th, 50th and 95th percentiles)."""

    low: float
    central: float
    high: float

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """Deaths at quantiles ``u`` of a two-piece log-normal through (low, central, high)."""
        if self.central <= 0.0:
            return np.zeros_like(u, dtype=float)
        z = stats.norm.ppf(np.clip(u, 1e-12, 1 - 1e-12))
        up = np.log(max(self.high, self.central) / self.central) / Z95
        down = np.log(self.central / max(min(self.low, self.central), 1e-9)) / Z95
        return self.central * np.exp(np.where(z >= 0.0, z * up, z * down))

    def as_dict(self) -> dict[str, float]:
        return {"low": self.low, "central": self.central, "high": self.high}


@dataclass(frozen=True)
class LivesModel:
    """Deaths of a war without nuclear use, and of a war with nuclear use, in one scenario."""

    war: DeathBounds
    nuclear_use: DeathBounds
    theatre: str
    strikes: tuple[str, ...]


def lives_model(scenario: ScenarioFile) -> LivesModel:
    """The deaths each outcome costs in ``scenario`` (strikes on different cities computed apart).

    Computing them takes seconds (blast rings over population grids), so the result is kept in memory
    and on disk (``$BRINK_CACHE_DIR/lives``, keyed by the strikes and a hash of the consequences code
    and data; ``BRINK_CACHE_DIR=off`` turns it off), like the burned-in blocks.
    """
    strikes = tuple((s.target, s.yield_kt, s.burst) for s in scenario.consequences.nuclear_strikes)
    return _lives_model(scenario.consequences.theatre, strikes)


@lru_cache(maxsize=32)
def _lives_model(theatre: str, strikes: tuple[tuple[str, float, str], ...]) -> LivesModel:
    where = _cache_file(theatre, strikes)
    if where is not None:
        try:
            data = json.loads(where.read_text())
            return LivesModel(
                war=DeathBounds(**data["war"]),
                nuclear_use=DeathBounds(**data["nuclear_use"]),
                theatre=data["theatre"],
                strikes=tuple(data["strikes"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            pass  # absent or unreadable: computed below
    model = _compute_lives_model(theatre, strikes)
    if where is not None:
        entry = {
            "war": model.war.as_dict(),
            "nuclear_use": model.nuclear_use.as_dict(),
            "theatre": model.theatre,
            "strikes": list(model.strikes),
        }
        temporary: Path | None = None
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=where.parent, suffix=".tmp", delete=False) as handle:
                temporary = Path(handle.name)
                json.dump(entry, handle)
            os.replace(temporary, where)
            temporary = None
        except OSError:
            pass  # a cache that cannot be written is no cache
        finally:
            if temporary is not None:  # a full disk or Ctrl-C: no temporary file left behind
                temporary.unlink(missing_ok=True)
    return model


@cache
def _consequences_code_hash() -> str:
    """Hash of the code and data the deaths depend on: a change to either never reuses an old entry."""
    digest = hashlib.sha256()
    package = resources.files("brinkmanship")
    effects = package / "effects"
    paths = sorted((p for p in effects.iterdir() if p.name.endswith(".py")), key=lambda p: p.name)
    paths += sorted((p for p in (effects / "data").iterdir() if p.is_file()), key=lambda p: p.name)
    paths.append(package / "analysis" / "lives.py")
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _cache_file(theatre: str, strikes: tuple[tuple[str, float, str], ...]) -> Path | None:
    where = burn_in_cache.folder("lives")
    if where is None:
        return None
    key = json.dumps([_consequences_code_hash(), theatre, [list(s) for s in strikes]])
    return where / f"{hashlib.sha256(key.encode()).hexdigest()}.json"


def _compute_lives_model(theatre: str, strikes: tuple[tuple[str, float, str], ...]) -> LivesModel:
    try:
        conventional = conventional_war_deaths(theatre)
        war = DeathBounds(conventional["low"], conventional["central"], conventional["high"])
    except UserError:
        war = DeathBounds(0.0, 0.0, 0.0)  # no published estimate for this theatre: counted as unknown
    by_target: dict[str, list[Detonation]] = {}
    for target, yield_kt, burst in strikes:
        by_target.setdefault(target, []).append(Detonation(yield_kt=yield_kt, burst=burst, target=target))
    # Cities far apart are computed one by one: one grid over a whole ocean would blur every city.
    low = central = high = 0.0
    for detonations in by_target.values():
        deaths = plan_consequences(detonations).deaths
        low, central, high = low + deaths.low, central + deaths.central, high + deaths.high
    nuclear = DeathBounds(war.low + low, war.central + central, war.high + high)
    labels = tuple(f"{t} {y:g} kt {b}" for t, y, b in strikes)
    return LivesModel(war=war, nuclear_use=nuclear, theatre=theatre, strikes=labels)


def deaths_per_path(model: LivesModel, paths: PathTable, days: int) -> np.ndarray:
    """Deaths of each path within the horizon: 0 without war; war or nuclear-war deaths otherwise."""
    war = (paths.war_day != NEVER) & (paths.war_day < days)
    nuclear = war & (paths.nuclear_day != NEVER) & (paths.nuclear_day < days)
    deaths = np.zeros(paths.path_id.shape[0])
    deaths[war] = model.war.quantile(paths.deaths_quantile[war])
    deaths[nuclear] = model.nuclear_use.quantile(paths.deaths_quantile[nuclear])
    return deaths


def expected_deaths_interval(
    n: int, total: float, total_sq: float, paths_with_deaths: int, war_central: float
) -> tuple[float, float]:
    """90% interval of expected deaths (people) over ``n`` paths whose deaths sum to ``total`` (squares:
    ``total_sq``), ``paths_with_deaths`` of them above zero: the normal interval of the mean, widened to
    hold the same mean with the share of paths that cost lives at the ends of its Wilson 90% interval.

    The normal one alone has no width where no path or one path reached war (0 - 0 beside a P(war) whose
    interval reaches 28%); with no death at all, a death costs ``war_central`` (the scenario's central
    conventional war, :attr:`LivesModel.war`: the least a war here costs). Used by `run` and `compare`."""
    n = max(n, 1)
    mean = total / n
    variance = max(total_sq / n - mean * mean, 0.0)
    half = Z95 * np.sqrt(variance / n)
    per_path = total / paths_with_deaths if paths_with_deaths else war_central
    low, high = wilson_interval(paths_with_deaths, n, confidence=0.90)
    return max(0.0, min(mean - half, low * per_path)), max(mean + half, high * per_path)


class DeathsTally:
    """Streaming summary of deaths over paths: sum, sum of squares and a log-binned histogram."""

    def __init__(self, model: LivesModel, days: int) -> None:
        self.model = model
        self.days = days
        self.n = 0
        self.total = 0.0
        self.total_sq = 0.0
        self.any = 0
        self.histogram = np.zeros(HISTOGRAM_EDGES.size - 1, dtype=np.int64)

    def add(self, paths: PathTable) -> np.ndarray:
        deaths = deaths_per_path(self.model, paths, self.days)
        self.n += deaths.size
        self.total += float(deaths.sum())
        self.total_sq += float((deaths**2).sum())
        self.any += int((deaths > 0).sum())
        self.histogram += np.histogram(deaths, HISTOGRAM_EDGES)[0]
        return deaths

    def quantile(self, q: float) -> float:
        """Quantile ``q`` of deaths over paths, from below: the lower edge of the histogram bin holding it, so
        at most it and within a bin's width (about 6%) of it ("the worst 5% of paths: at least this"). The
        upper edge overstated it: one path of 1,155,397 deaths gave 1,188,502."""
        cumulative = np.cumsum(self.histogram)
        index = int(np.searchsorted(cumulative, q * self.n, side="left"))
        return float(HISTOGRAM_EDGES[min(index, HISTOGRAM_EDGES.size - 1)])

    def mean_interval(self) -> tuple[float, float]:
        """90% interval of expected deaths (people): :func:`expected_deaths_interval` of these paths."""
        return expected_deaths_interval(self.n, self.total, self.total_sq, self.any, self.model.war.central)

    def summary(self) -> dict[str, Any]:
        """Expected deaths with a 90% interval of that expectation (:meth:`mean_interval`), the spread over
        paths (``p05``, ``p50``, ``p95``: :meth:`quantile`, from below), the inputs."""
        n = max(self.n, 1)
        mean = self.total / n
        return {
            "mean": mean,
            "mean_ci90": list(self.mean_interval()),
            "p_any": self.any / n,
            "p05": self.quantile(0.05),
            "p50": self.quantile(0.50),
            "p95": self.quantile(0.95),
            "per_outcome": {"war": self.model.war.as_dict(), "nuclear_use": self.model.nuclear_use.as_dict()},
            "theatre": self.model.theatre,
            "nuclear_strikes": list(self.model.strikes),
        }
