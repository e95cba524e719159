"""Explosive yield from body-wave magnitude, with several published magnitude-yield relations.

All relations have the form mb = a + b log10(Y), Y in kilotons, for well-coupled (hard-rock)
underground explosions; each applies over a magnitude range and the answer is the spread over
the relations that apply, not one number.

* ``murphy1981``: a = 4.45, b = 0.75 — Murphy (1981) for hard-rock sites in stable regions with
  low upper-mantle attenuation (Semipalatinsk-like), the relation most often applied to
  North Korea's Punggye-ri site (e.g. Bowers & Selby, *Annu. Rev. Earth Planet. Sci.* 37, 2009).
* ``ringdal1992``: a = 4.262, b = 0.973 — Shagan River (Semipalatinsk) for smaller explosions
  (Ringdal, Marshall & Alewine, *Geophys. J. Int.* 109, 1992, as quoted by J. Lewis, Arms Control
  Wonk, Oct 2006). The slope near 1 holds around 10 kt; Marshall, Douglas & Hudson (granite at
  NTS and Algeria) find the slope falls from 1.0 near 10 kt to 0.8 near 100 kt, so it is used only
  for mb <= 5.5.
* ``kim_richards``: a = 4.425, b = 0.781 — least-squares line through the magnitudes and yields
  Kim & Richards (Lamont-Doherty) tabulated for the 2006, 2009 and 2013 tests (mb 4.3, 4.7, 5.1;
  0.7, 2.2, 7.4 kt).
* ``pabian2017``: a = 3.843, b = 0.941 — the relation implied by the two conversions 38 North
  (Pabian, Coblentz & Liu, 12 Sep 2017) published for the sixth test at the overburied Punggye-ri
  site: mb 5.8 gives about 120 kt and mb 6.1 about 250 kt. Used for mb >= 5.0.

A relation does not switch on or off at the edge of its range: its weight in the combination rises
linearly from 0 at an inner edge of its range to 1 at :data:`TAPER_MB` inside it (edges at the
accepted limits 3.0 and 7.0 have nothing beyond them and are not tapered). Switching relations on
and off made the answer jump (mb 3.49 gave a central 0.092 kt, mb 3.5 0.084 kt; mb 4.99 a high of
16.7 kt, mb 5.0 29.7 kt); with the taper the central value and both bounds rise with mb, and no
relation is read outside its stated range.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
from scipy.optimize import brentq
from scipy.special import ndtr

from brinkmanship.errors import UserError

MB_MIN = 3.0
MB_MAX = 7.0
"""Body-wave magnitudes accepted: the range the relations below cover (about 0.01 kt to 15 Mt)."""

TAPER_MB = 0.25
"""Width (mb) over which a relation's weight rises from 0 at an inner edge of its range to 1. About one
combined standard deviation of a single magnitude (:data:`SIGMA_MB`: 0.175 between agencies and three
0.1 terms, 0.25 in quadrature): the magnitude is not known more finely than this, so a relation should
not gain or lose its whole say over a smaller step. Wide enough that the central value and the bounds
never fall as mb rises (tested on a 0.005-mb grid); the relations' published ranges are kept."""


@dataclass(frozen=True)
class Relation:
    """mb = a + b log10(Y kt), valid for mb in [mb_min, mb_max]."""

    name: str
    a: float
    b: float
    mb_min: float
    mb_max: float
    source: str

    def yield_kt(self, mb: float) -> float:
        """Yield (kt) for a body-wave magnitude."""
        return float(10.0 ** ((mb - self.a) / self.b))

    def weight(self, mb: float) -> float:
        """Weight of this relation at ``mb``: 0 outside its range, 1 from :data:`TAPER_MB` inside
        an inner edge, linear between (no taper at the accepted limits MB_MIN and MB_MAX)."""
        w = 1.0
        if self.mb_min > MB_MIN:
            w = min(w, (mb - self.mb_min) / TAPER_MB)
        if self.mb_max < MB_MAX:
            w = min(w, (self.mb_max - mb) / TAPER_MB)
        return float(min(max(w, 0.0), 1.0))


RELATIONS: tuple[Relation, ...] = (
    Relation("murphy1981", 4.45, 0.75, 3.0, 7.0, "Murphy (1981), hard rock, stable region"),
    Relation("ringdal1992", 4.262, 0.973, 3.0, 5.5, "Ringdal, Marshall & Alewine (1992), Shagan River"),
    Relation("kim_richards", 4.425, 0.781, 3.5, 6.5, "fit to Kim & Richards (LDEO) table, NK 2006-2013"),
    Relation("pabian2017", 3.843, 0.941, 5.0, 7.0, "implied by 38 North (Pabian et al., Sep 2017)"),
)


def _agency_sigma() -> float:
    """Pooled standard deviation of the agencies' body-wave magnitudes per test (shipped table)."""
    text = resources.files("brinkmanship.intel").joinpath("data/nk_nuclear_tests.csv").read_text("utf-8")
    groups: dict[str, list[float]] = {}
    for row in csv.DictReader(text.splitlines()):
        if "(ML" not in row["source"]:
            groups.setdefault(row["test"], []).append(float(row["mb"]))
    squares = sum(float(np.sum((np.array(v) - np.mean(v)) ** 2)) for v in groups.values())
    dof = sum(len(v) - 1 for v in groups.values())
    return float(np.sqrt(squares / dof))


SIGMA_MB: dict[str, float] = {
    "agencies": _agency_sigma(),
    "scatter": 0.10,
    "site_bias": 0.10,
    "depth": 0.10,
}
"""One-sigma uncertainties in magnitude units (see the module docstring for each one's basis)."""

INTERVAL = 0.90
"""Probability covered by the low-high range (5 % to 95 %)."""

COVERS = (
    "90 % interval over the relations, each read with the spread between agencies' magnitudes, "
    "the relations' scatter, the site's magnitude bias and depth of burial"
)


@dataclass(frozen=True)
class YieldEstimate:
    """A yield range from one or more magnitudes and the relations that applied."""

    low: float
    central: float
    high: float
    by_relation: dict[str, float]
    weights: dict[str, float] = field(default_factory=dict)
    """Each relation's weight (1 inside its range, less within :data:`TAPER_MB` of an inner edge)."""
    sigma_mb: float = 0.0
    """Combined one-sigma magnitude uncertainty the range was read with."""
    birge_ratio: float = 1.0
    """Factor the agencies' term was widened by because the given magnitudes disagree more than it
    allows (:func:`birge_ratio`); 1 when they agree."""
    relations_span: tuple[float, float] = field(default=(0.0, 0.0))
    """Lowest and highest central value of the relations alone (the old, narrow range)."""

    def as_dict(self) -> dict[str, float]:
        """low/central/high rounded to 3 significant figures."""
        return {k: float(f"{getattr(self, k):.3g}") for k in ("low", "central", "high")}


def birge_ratio(magnitudes: list[float]) -> float:
    """How far several magnitudes of one event disagree beyond the agencies' usual spread (at least 1).

    The Birge ratio R = sqrt(chi^2 / (n - 1)), chi^2 = sum((mb - mean)^2) / sigma^2 with sigma the
    agencies' pooled standard deviation (:data:`SIGMA_MB`); when R > 1 the error of the mean is
    scaled by R (Birge, *Phys. Rev.* 40, 207, 1932; the Particle Data Group's scale factor S,
    *Review of Particle Physics*, Introduction, sec. 5.2.2). The error of the mean then follows the
    observed spread: magnitudes 6.3 and 4.0 no longer give a range narrower than either alone.
    """
    if len(magnitudes) < 2:
        return 1.0
    values = np.asarray(magnitudes, dtype=float)
    chi2 = float(np.sum((values - values.mean()) ** 2)) / SIGMA_MB["agencies"] ** 2
    return max(1.0, float(np.sqrt(chi2 / (len(values) - 1))))


def check_magnitude(mb: float, *, where: str = "--mb") -> None:
    """Raise :class:`UserError` for magnitudes outside what the relations cover."""
    if not np.isfinite(mb) or not MB_MIN <= mb <= MB_MAX:
        raise UserError(f"{where}: body-wave magnitude {mb} is outside {MB_MIN}-{MB_MAX}")


def _mixture_quantile(means: np.ndarray, sigmas: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Quantile of a weighted mixture of normals (log10 yield)."""
    share = weights / np.sum(weights)

    def cdf(x: float) -> float:
        return float(np.sum(share * ndtr((x - means) / sigmas))) - q

    lo = float(np.min(means - 8 * sigmas))
    hi = float(np.max(means + 8 * sigmas))
    return float(brentq(cdf, lo, hi, xtol=1e-9))


def yield_from_magnitudes(magnitudes: list[float]) -> YieldEstimate:
    """Yield range from body-wave magnitudes over every relation that applies.

    Several magnitudes (from several agencies) are averaged; the range is the 90 % interval of
    the mixture of the relations, each with its :meth:`Relation.weight`, read with the
    uncertainties of :data:`SIGMA_MB`; the central value is the weighted geometric mean of the
    relations' yields at the mean magnitude.

    Raises:
        UserError: No magnitude given, or one outside the accepted range.
    """
    if not magnitudes:
        raise UserError("--mb: give at least one body-wave magnitude")
    for mb in magnitudes:
        check_magnitude(mb)
    mb_mean = float(np.mean(magnitudes))
    used = [rel for rel in RELATIONS if rel.weight(mb_mean) > 0.0]
    if not used:
        raise UserError(f"--mb: no magnitude-yield relation here covers mb {magnitudes}")
    birge = birge_ratio(magnitudes)
    sigma = float(
        np.sqrt(
            (birge * SIGMA_MB["agencies"]) ** 2 / len(magnitudes)
            + sum(v**2 for k, v in SIGMA_MB.items() if k != "agencies")
        )
    )
    by_relation = {rel.name: rel.yield_kt(mb_mean) for rel in used}
    weights = np.array([rel.weight(mb_mean) for rel in used])
    means = np.array([np.log10(by_relation[rel.name]) for rel in used])
    sigmas = np.array([sigma / rel.b for rel in used])
    tail = (1.0 - INTERVAL) / 2.0
    values = np.array(list(by_relation.values()))
    return YieldEstimate(
        low=10.0 ** _mixture_quantile(means, sigmas, weights, tail),
        central=10.0 ** float(np.sum(weights * means) / np.sum(weights)),
        high=10.0 ** _mixture_quantile(means, sigmas, weights, 1.0 - tail),
        by_relation=by_relation,
        weights={rel.name: float(w) for rel, w in zip(used, weights, strict=True)},
        sigma_mb=sigma,
        birge_ratio=birge,
        relations_span=(float(values.min()), float(values.max())),
    )
