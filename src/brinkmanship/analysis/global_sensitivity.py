"""Global sensitivity analysis of a scenario's declared uncertainties: Sobol indices and Morris screening.

Where :mod:`brinkmanship.analysis.sensitivity` moves one parameter at a time, the global methods move all
of them together over their whole ranges, so interactions count:

- **Sobol** (variance-based): ``S1`` is the share of the outcome's variance over the ranges that one
  parameter explains alone, ``ST`` the share it explains with all its interactions (``ST >= S1``; a
  parameter with ``ST`` about 0 can be fixed anywhere in its range). Sampled with SALib's Sobol-sequence
  design (scrambled, seeded) for first and total order only: ``N (k + 2)`` model evaluations ("rows") for
  ``k`` parameters and base sample size ``N`` (a power of two), analysed with the Saltelli (2002/2010)
  estimator of ``S1`` and Jansen's (1999) estimator of ``ST`` as SALib implements them (Saltelli et al.
  2010, *Computer Physics Communications* 181: 259-270; Jansen 1999, *Computer Physics Communications*
  117: 35-43; Saltelli 2002, *Computer Physics Communications* 145: 280-297).
- **Morris** (elementary effects screening): ``N`` trajectories on a 4-level grid, ``N (k + 1)`` rows;
  ``mu_star`` is the mean absolute elementary effect (Campolongo, Cariboni & Saltelli 2007,
  *Environmental Modelling & Software* 22: 1509-1518), ``sigma`` their spread (non-linearity or
  interactions; Morris 1991, *Technometrics* 33: 161-174).

Both come from SALib (Herman & Usher 2017, *JOSS* 2(9): 97), with 95% bootstrap intervals (``*_conf``:
the half-width) seeded from the run's seed, so a result is reproduced exactly by its seed.

Every row runs on the same seed and from the same burned-in paths (``prelude="shared"``,
:mod:`brinkmanship.analysis.variants`): common random numbers, so the differences between rows are the
parameters' doing. A parameter that acts only through the private types drawn before the prelude
(:data:`~brinkmanship.analysis.sensitivity.TYPE_PRIOR`) cannot move the answer in this design and is left
out (listed in ``excluded``); ``brink sweep`` (own prelude per row) measures it.

Every outcome (``war``, ``nuclear_use``, ``clash``, ``agreement``: probabilities within the horizon;
``deaths``: expected deaths, people) is kept for each row; one is analysed
(:meth:`GlobalSensitivity.for_outcome` analyses another from the same rows).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from brinkmanship.analysis.lives import lives_model
from brinkmanship.analysis.parameters import UncertainParameter, salib_problem, uncertain_parameters
from brinkmanship.analysis.sensitivity import TYPE_PRIOR
from brinkmanship.analysis.sensitivity_methods import METHODS
from brinkmanship.analysis.variants import OUTCOMES, check_outcome, run_variant
from brinkmanship.engine.ensemble import (
    MAX_PATH_DAYS,
    check_path_days,
    largest_within,
    prelude_days_of,
    prelude_work,
)
from brinkmanship.errors import UserError
from brinkmanship.policies import Policy
from brinkmanship.scenario import ScenarioFile
from brinkmanship.wording import plural

DEFAULT_N = {"sobol": 64, "morris": 10}
"""Default ``N``: Sobol base sample (a power of two), Morris trajectories."""
MORRIS_LEVELS = 4
SOBOL_TOLERANCE = 0.05
"""Sobol: the widest ``ST_conf`` (95% half-width) above this cannot rank the parameters."""
MORRIS_TOLERANCE = 0.10
MORRIS_MIN_FOR_CONF = 5
"""Morris: fewer trajectories than this give no ``mu_star_conf``. SALib bootstraps each parameter's ``N``
elementary effects; ``N`` values have at most C(2N - 1, N) distinct resamples (3 at N = 2, 35 at 4, 126 at
5), and with two equal effects the interval is exactly 0: below about a hundred distinct resamples its
"95% interval" is an artefact of the few values (this project's judgement), so it is left undefined (null
in JSON) with a warning naming the N needed."""
"""Morris: the widest ``mu_star_conf`` above this fraction of the largest ``mu_star`` cannot rank them."""
MAX_ROWS = 200_000
"""At most this many model evaluations in one analysis."""
# At most rows x runs x days path-days in one analysis: the cap every simulating command shares (the
# issue's target run is 7.5e9).
BOOTSTRAP_RESAMPLES = 1000
EXCLUDED_REASON = (
    "acts only through the private types drawn before the prelude; every row shares the burned-in paths "
    "(prelude shared), so it cannot move the answer here: `brink sweep` (prelude own) measures it"
)
ROW_OUTCOMES = {
    "war": "p_war",
    "nuclear_use": "p_nuclear_use",
    "clash": "p_clash",
    "agreement": "p_agreement",
    "deaths": "expected_deaths",
}
"""Each outcome's column in the rows table (:meth:`brinkmanship.analysis.variants.VariantRun.summary`)."""


def check_method(method: str, where: str = "--method") -> str:
    """``method`` if it is a global method; a one-line UserError otherwise."""
    if method not in METHODS:
        raise UserError(f"{where}: unknown method {method!r} (known: {', '.join(METHODS)}, oat)")
    return method


def check_n(method: str, n: int, where: str = "--n") -> int:
    """``n`` if the method accepts it: Sobol a power of two >= 2, Morris at least 2 trajectories."""
    if method == "sobol" and (n < 2 or n & (n - 1)):
        raise UserError(f"{where}: Sobol's base sample must be a power of two, at least 2 (got {n:,})")
    if method == "morris" and n < 2:
        raise UserError(f"{where}: Morris needs at least 2 trajectories (got {n:,})")
    return n


def row_count(method: str, n: int, k: int) -> int:
    """Model evaluations: Sobol (first and total order) ``N (k + 2)``, Morris ``N (k + 1)``."""
    return n * (k + 2) if method == "sobol" else n * (k + 1)


def check_size(
    method: str,
    n: int,
    k: int,
    runs: int,
    days: int,
    flags: tuple[str, str, str] = ("--n", "--runs", "--days"),
    n_given: bool = True,
    days_given: bool = True,
    prelude_days: int = 0,
) -> int:
    """The row count, after checking it against :data:`MAX_ROWS` and rows x runs x days, with the burn-in
    the rows share (``prelude_days``: the scenario's; :func:`prelude_path_days`), against the shared
    :data:`~brinkmanship.engine.ensemble.MAX_PATH_DAYS` (a one-line UserError naming the figures by
    ``flags``: the options of N, runs and days, "" for one the user cannot set).

    ``n_given``, ``days_given``: whether the user typed N and days (else they are the defaults, named as
    such). The refusal's advice names only options that would bring the request within the limits, each
    with the largest value that does (:func:`_size_advice`)."""
    n_flag, runs_flag, days_flag = flags
    rows = row_count(method, n, k)
    n_text = f"{n_flag} {n:,}" if n_given else f"N = {n:,} by default"
    if rows > MAX_ROWS:
        raise UserError(
            f"request too large: {plural(rows, 'row')} ({n_text}, {plural(k, 'parameter')}; at most "
            f"{MAX_ROWS:,}); " + _rows_advice(method, k, runs, days, flags, prelude_days)
        )
    days_text = f"{days_flag} {days:,}" if days_flag and days_given else plural(days, "day")
    check_path_days(
        [
            (f"{plural(rows, 'row')} ({n_text}) x {runs_flag} {runs:,} x {days_text}", rows * runs * days),
            *_prelude_parts(rows, runs, prelude_days, runs_flag),
        ],
        _size_advice(method, n, k, runs, days, flags, prelude_days),
    )
    return rows


def _prelude_parts(
    rows: int, runs: int, prelude_days: int, runs_flag: str = "--runs"
) -> list[tuple[str, int]]:
    """The burn-in of the rows, for :func:`check_path_days`: every row burns in on the scenario as declared
    and the same seed (prelude shared), so the rows share it
    (:func:`~brinkmanship.engine.ensemble.prelude_work`)."""
    return prelude_work(prelude_days, [(plural(rows, "row"), rows, f"{runs_flag} {runs:,}", runs)])


def path_days(method: str, n: int, k: int, runs: int, days: int, prelude_days: int = 0) -> int:
    """The path-days of an analysis: rows x runs x days and the rows' burn-in (:func:`check_size`)."""
    rows = row_count(method, n, k)
    return rows * runs * days + sum(work for _, work in _prelude_parts(rows, runs, prelude_days))


def fits(method: str, n: int, k: int, runs: int, days: int, prelude_days: int = 0) -> bool:
    """Whether an analysis is within :data:`MAX_ROWS` and :data:`MAX_PATH_DAYS` (:func:`check_size`)."""
    if row_count(method, n, k) > MAX_ROWS:
        return False
    return path_days(method, n, k, runs, days, prelude_days) <= MAX_PATH_DAYS


def largest_n(method: str, k: int, rows: int) -> int:
    """The largest N the method accepts (Sobol a power of two) with at most ``rows`` rows for ``k``
    parameters; below 2 (:func:`check_n`'s least) where none fits."""
    n = rows // (k + 2 if method == "sobol" else k + 1)
    return 1 << (n.bit_length() - 1) if method == "sobol" and n >= 1 else n


def largest_n_where(method: str, k: int, allowed: Callable[[int], bool], below: int | None = None) -> int:
    """The largest N the method accepts (Sobol a power of two) within :data:`MAX_ROWS` for ``k``
    parameters, below ``below`` if given, that is ``allowed`` (true up to some N, false above it: a
    request's size against the path-day cap); 0 where none is."""
    upper = largest_n(method, k, MAX_ROWS)
    if below is not None:
        upper = min(upper, below - 1)
    if method == "sobol":
        n = 1 << (upper.bit_length() - 1) if upper >= 1 else 0
        while n >= 2 and not allowed(n):
            n //= 2
        return n if n >= 2 else 0
    found = largest_within(upper, allowed)
    return found if found >= 2 else 0


def largest_fitting_n(
    method: str, k: int, runs: int, days: int, prelude_days: int = 0, below: int | None = None
) -> int:
    """The largest N the method accepts, below ``below`` if given, with which an analysis of ``runs``
    paths x ``days`` days a row :func:`fits` the limits; 0 where none does."""
    return largest_n_where(method, k, lambda n: fits(method, n, k, runs, days, prelude_days), below)


def _size_advice(
    method: str, n: int, k: int, runs: int, days: int, flags: tuple[str, str, str], prelude_days: int = 0
) -> str:
    """What to lower for rows x runs x days and the burn-in to fit :data:`MAX_PATH_DAYS`: each option that
    alone would (days only where ``flags`` names an option for it), with the largest value that fits."""
    n_flag, runs_flag, days_flag = flags
    options = []
    fitting_runs = largest_within(runs - 1, lambda r: fits(method, n, k, r, days, prelude_days))
    if fitting_runs >= 1:
        options.append(f"{runs_flag} to {fitting_runs:,}")
    fitting_days = largest_within(days - 1, lambda d: fits(method, n, k, runs, d, prelude_days))
    if days_flag and fitting_days >= 1:
        options.append(f"{days_flag} to {fitting_days:,}")
    fitting_n = largest_fitting_n(method, k, runs, days, prelude_days, below=n)
    if fitting_n >= 2:
        options.append(f"{n_flag} to {fitting_n:,}")
    if not options:
        named = [flag for flag in flags if flag]
        return f"lower {', '.join(named[:-1])} and {named[-1]} together"
    return "lower " + (options[0] if len(options) == 1 else f"{', '.join(options[:-1])} or {options[-1]}")


def _rows_advice(
    method: str, k: int, runs: int, days: int, flags: tuple[str, str, str], prelude_days: int = 0
) -> str:
    """What to lower for the rows to fit :data:`MAX_ROWS`: N, to the largest value that also keeps the
    path-days within the cap, or with the runs that then fit; fewer parameters where no N fits."""
    n_flag, runs_flag, _ = flags
    by_rows = largest_n(method, k, MAX_ROWS)
    if by_rows < 2:
        return f"vary fewer parameters (at most {MAX_ROWS // 2 - (2 if method == 'sobol' else 1):,})"
    both = largest_fitting_n(method, k, runs, days, prelude_days)
    if both >= 2:
        return f"lower {n_flag} to {both:,}"
    fitting_runs = largest_within(runs, lambda r: fits(method, by_rows, k, r, days, prelude_days))
    return f"lower {n_flag} to {by_rows:,} and {runs_flag} to {fitting_runs:,}"


def choose_parameters(
    scenario: ScenarioFile, names: Sequence[str] | None = None
) -> tuple[list[UncertainParameter], list[dict[str, str]]]:
    """The parameters to analyse and those left out (``path``, ``reason``).

    By default every declared uncertainty except the type priors (left out, with the reason); ``names``
    picks a subset (none left out). Either way
    they come in the scenario's declaration order, so the order the user names them in changes nothing
    (the samplers give each column its own sequence).

    Raises:
        UserError: an unknown or repeated name (:func:`uncertain_parameters`), a type prior named, or no
            parameter left to vary.
    """
    declared = uncertain_parameters(scenario)
    excluded = [{"path": p.path, "reason": EXCLUDED_REASON} for p in declared if TYPE_PRIOR.match(p.path)]
    if names is not None:
        # The user chose the subset: nothing was left out of it on their behalf (a type prior named is
        # refused below with the reason), and listing the priors they did not name is noise.
        excluded = []
    if names is None:
        chosen = [p for p in declared if not TYPE_PRIOR.match(p.path)]
    else:
        picked = {p.path for p in uncertain_parameters(scenario, names)}
        for name in names:
            if TYPE_PRIOR.match(name):
                raise UserError(
                    f"--params: {name} acts only through the private types drawn before the prelude, which "
                    "every row shares (prelude shared), so it cannot move the answer here; `brink sweep` "
                    "(prelude own) measures it"
                )
        chosen = [p for p in declared if p.path in picked]
    if not chosen:
        raise UserError(f"{scenario.name}: no uncertain parameter left to vary")
    return chosen, excluded


def sample(method: str, parameters: Sequence[UncertainParameter], n: int, seed: int) -> np.ndarray:
    """The design: an array of shape ``(rows, k)`` of parameter values (in each parameter's units).

    Sobol: ``SALib.sample.sobol.sample`` with ``calc_second_order=False``, ``scramble=True``; Morris:
    ``SALib.sample.morris.sample`` with ``num_levels=4``. Both seeded from ``seed``.
    """
    problem = salib_problem(parameters)
    if method == "sobol":
        check_n(method, n)
        values = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=_seed(seed, 0))
    else:
        values = morris_sample.sample(problem, n, num_levels=MORRIS_LEVELS, seed=_seed(seed, 0))
    return np.asarray(values, dtype=float)


def _seed(seed: int, stream: int) -> int:
    """A non-zero seed for SALib's sampler (stream 0) or bootstrap (stream 1), derived from ``seed``.

    Non-zero because ``SALib.analyze.sobol`` ignores a seed of 0 (it tests ``if seed:``)."""
    word = int(np.random.SeedSequence([seed, stream]).generate_state(1, np.uint64)[0])
    return word % (2**63 - 1) + 1


@dataclass(frozen=True)
class GlobalSensitivity:
    """A global sensitivity analysis: the design, every row's outcomes, and the indices of one outcome.

    ``values`` has shape ``(rows, k)`` (parameter units), ``table`` one dict per row (the row's values and
    :meth:`~brinkmanship.analysis.variants.VariantRun.summary`), ``indices`` one dict per parameter in
    declaration order with SALib's keys (Sobol ``S1``, ``S1_conf``, ``ST``, ``ST_conf``; Morris
    ``mu_star``, ``mu_star_conf``, ``sigma``, ``mu``), each ``*_conf`` the half-width of a 95% bootstrap
    interval. Morris effects are in the outcome's units (probability, or people for ``deaths``) per unit
    of the parameter's range sampled on its scale (SALib scales the grid to [0, 1]).
    """

    method: str
    scenario: str
    policy: str
    outcome: str
    n: int
    runs_per_row: int
    days: int
    seed: int
    parameters: list[UncertainParameter]
    excluded: list[dict[str, str]]
    values: np.ndarray
    table: list[dict[str, Any]]
    indices: list[dict[str, Any]]
    warning: str | None
    seconds: float
    n_flag: str = "--n"
    """The option that sets N in the command that ran the analysis (``--sensitivity-n`` in `brink brief`),
    named by the warning."""
    largest_n: int | None = None
    """The largest N the command would accept with the same runs and days (the request-size limits), which
    the warning's advice keeps within; None: that of the analysis alone (:func:`largest_fitting_n`)."""

    @property
    def rows(self) -> int:
        return int(self.values.shape[0])

    @property
    def ranking_key(self) -> str:
        return "ST" if self.method == "sobol" else "mu_star"

    def ranked(self) -> list[dict[str, Any]]:
        """The indices, most influential first (by ``ST`` or ``mu_star``; ties by name)."""
        key = self.ranking_key
        return sorted(self.indices, key=lambda entry: (-_number(entry[key]), entry["parameter"]))

    def output(self, outcome: str) -> np.ndarray:
        """One outcome over the rows, shape ``(rows,)``: probability, or expected deaths (people)."""
        column = ROW_OUTCOMES[check_outcome(outcome)]
        return np.array([row[column] for row in self.table], dtype=float)

    def for_outcome(self, outcome: str) -> GlobalSensitivity:
        """The same rows analysed for another outcome (no simulation)."""
        largest = self.largest_n
        if largest is None:
            largest = largest_fitting_n(self.method, len(self.parameters), self.runs_per_row, self.days)
        indices, warning = analyse(
            self.method,
            self.parameters,
            self.values,
            self.output(outcome),
            self.n,
            self.seed,
            largest=largest,
            n_flag=self.n_flag,
        )
        return replace(self, outcome=outcome, indices=indices, warning=warning)

    def as_dict(self) -> dict[str, Any]:
        """What ``brink sensitivity --json`` prints (NaN as null)."""
        ranks = {entry["parameter"]: rank for rank, entry in enumerate(self.ranked(), start=1)}
        return _finite(
            {
                "method": self.method,
                "scenario": self.scenario,
                "policy": self.policy,
                "outcome": self.outcome,
                "n": self.n,
                "runs_per_row": self.runs_per_row,
                "days": self.days,
                "seed": self.seed,
                "rows": self.rows,
                "num_levels": MORRIS_LEVELS if self.method == "morris" else None,
                "prelude": "shared",
                "parameters": [p.as_dict() for p in self.parameters],
                "excluded": self.excluded,
                "indices": [
                    {"parameter": entry["parameter"], "rank": ranks[entry["parameter"]], **entry}
                    for entry in self.ranked()
                ],
                "warning": self.warning,
                "elapsed_s": round(self.seconds, 3),  # the key every command's JSON gives its time under
            }
        )


def _number(value: Any) -> float:
    value = float(value)
    return value if math.isfinite(value) else -math.inf


def _finite(value: Any) -> Any:
    """JSON-safe: NaN and infinities as None, NumPy scalars as Python numbers."""
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def analyse(
    method: str,
    parameters: Sequence[UncertainParameter],
    values: np.ndarray,
    output: np.ndarray,
    n: int,
    seed: int,
    *,
    largest: int,
    n_flag: str = "--n",
) -> tuple[list[dict[str, Any]], str | None]:
    """SALib's indices of ``output`` (shape ``(rows,)``) over the design ``values``, and the warning.

    An output that does not change across the rows gives every index 0 (nothing moves it) and a
    warning saying so. The warning rule (docs/sensitivity.md): Sobol, the widest ``ST_conf`` above
    :data:`SOBOL_TOLERANCE` -> the N needed is the next power of two of ``N (conf / 0.05)^2``; Morris, the
    widest ``mu_star_conf`` above :data:`MORRIS_TOLERANCE` x the largest ``mu_star`` -> ``N (conf /
    (0.1 max mu_star))^2`` trajectories, rounded up. The N it names is one the command accepts:
    ``largest`` is the largest N within the request-size limits (:data:`MAX_ROWS`, the path-day cap) with
    the same runs and days, and where the N needed is larger the warning says that no N within them
    would do. ``n_flag``: the command's option for N (``--n``; ``--sensitivity-n`` in `brink brief`).
    """
    problem = salib_problem(parameters)
    names = [p.path for p in parameters]
    output = np.asarray(output, dtype=float)
    constant = bool(np.ptp(output) == 0.0)
    if method == "sobol":
        keys = ("S1", "S1_conf", "ST", "ST_conf")
        if constant:
            found = {key: np.zeros(len(names)) for key in keys}
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                found = sobol_analyze.analyze(
                    problem,
                    output,
                    calc_second_order=False,
                    num_resamples=BOOTSTRAP_RESAMPLES,
                    conf_level=0.95,
                    seed=_seed(seed, 1),
                )
    else:
        keys = ("mu_star", "mu_star_conf", "sigma", "mu")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            found = morris_analyze.analyze(
                problem,
                values,
                output,
                num_resamples=BOOTSTRAP_RESAMPLES,
                conf_level=0.95,
                num_levels=MORRIS_LEVELS,
                seed=_seed(seed, 1),
            )
    indices = [
        {"parameter": name, **{key: float(np.asarray(found[key])[i]) for key in keys}}
        for i, name in enumerate(names)
    ]
    if constant:
        return indices, f"the outcome was {output[0]:.6g} in every row: no parameter moved it"
    if method == "morris" and n < MORRIS_MIN_FOR_CONF:
        for entry in indices:
            entry["mu_star_conf"] = math.nan  # undefined: null in JSON, no error bar, "± n/a" in the table
        return indices, (
            f"too few trajectories for a confidence interval: with {n_flag} {n} each parameter has {n} "
            "elementary effects, too few to bootstrap a 95% interval (mu_star_conf is undefined); "
            + _advice(MORRIS_MIN_FOR_CONF, largest, n, n_flag, "would give one")
        )
    return indices, _warning(method, indices, n, largest, n_flag)


def _warning(
    method: str, indices: list[dict[str, Any]], n: int, largest: int, n_flag: str = "--n"
) -> str | None:
    """The warning on intervals too wide to rank the parameters (:func:`analyse`), or None."""
    if method == "sobol":
        widest = max((_number(e["ST_conf"]) for e in indices), default=0.0)
        if widest <= SOBOL_TOLERANCE:
            return None
        needed = 2 ** math.ceil(math.log2(n * (widest / SOBOL_TOLERANCE) ** 2))
        needed = max(needed, 2 * n)
        return (
            f"intervals too wide to rank the parameters: the widest ST_conf is {widest:.3f} (tolerance "
            f"{SOBOL_TOLERANCE}); " + _advice(needed, largest, n, n_flag, "would bring it within")
        )
    largest_mu = max((_number(e["mu_star"]) for e in indices), default=0.0)
    widest = max((_number(e["mu_star_conf"]) for e in indices), default=0.0)
    tolerance = MORRIS_TOLERANCE * largest_mu
    if largest_mu <= 0.0 or widest <= tolerance:
        return None
    needed = max(math.ceil(n * (widest / tolerance) ** 2), n + 1)
    return (
        f"intervals too wide to rank the parameters: the widest mu_star_conf is {widest:.3g}, more than "
        f"{MORRIS_TOLERANCE:.0%} of the largest mu_star ({largest_mu:.3g}); "
        + _advice(needed, largest, n, n_flag, "would bring it within")
    )


def _advice(needed: int, largest: int, n: int, n_flag: str, does: str) -> str:
    """``about --n NEEDED <does>`` where the command would accept that N (``largest``: the largest within
    the request-size limits with the same runs and days); else that no N within them would."""
    if needed <= largest:
        return f"about {n_flag} {needed} {does}"
    allowed = f"at most {n_flag} {largest} fits" if largest >= 2 else "none fits"
    return (
        f"no N within the request-size limits ({MAX_ROWS:,} rows, {MAX_PATH_DAYS:.0e} path-days) {does}: it "
        f"would take about {n_flag} {needed}, and {allowed} with these runs and days"
    )


Progress = Callable[[int, int], None]
"""``progress(rows_done, rows_total)``, called after each row."""


def global_sensitivity(
    scenario: ScenarioFile,
    method: str,
    *,
    n: int | None = None,
    outcome: str = "war",
    names: Sequence[str] | None = None,
    policy: Policy | None = None,
    runs: int = 2000,
    days: int | None = None,
    seed: int = 0,
    workers: int = 1,
    progress: Progress | None = None,
    n_flag: str = "--n",
    largest_n: int | None = None,
) -> GlobalSensitivity:
    """Sample the declared uncertainties, run every row on common random numbers, analyse ``outcome``.

    Args:
        scenario: the crisis as declared (every row burns in here: prelude shared).
        method: ``sobol`` or ``morris``.
        n: Sobol base sample size (a power of two) or Morris trajectories; default :data:`DEFAULT_N`.
        outcome: one of :data:`~brinkmanship.analysis.variants.OUTCOMES`.
        names: the parameters to vary (dotted paths); default every declared one but the type priors.
        policy: levers applied in every row (default the baseline).
        runs, days, seed: paths per row, horizon (default the scenario's) and the seed of every row, of
            the sampler and of the bootstrap.
        workers: processes per row's ensemble (results do not depend on it).
        progress: called after each row.
        n_flag: the command's option for N, which the warning names (``--sensitivity-n`` in `brink brief`).
        largest_n: the largest N the command would accept with these runs and days, which the warning's
            advice keeps within (`brink brief` counts its other parts too); default that of the analysis
            alone (:func:`largest_fitting_n`: :data:`MAX_ROWS` and the path-day cap, burn-in included).

    Cost: :func:`row_count` rows of ``runs`` paths x ``days`` days.

    Raises:
        UserError: unknown method, outcome or parameter; a type prior named; a bad ``n``; a request over
            :data:`MAX_ROWS` or :data:`MAX_PATH_DAYS`; a value the file format refuses.
    """
    started = time.perf_counter()
    check_method(method)
    check_outcome(outcome)
    size = DEFAULT_N[method] if n is None else check_n(method, n)
    horizon = scenario.horizon_days if days is None else days
    parameters, excluded = choose_parameters(scenario, names)
    n_given, days_given = n is not None, days is not None
    total = check_size(
        method,
        size,
        len(parameters),
        runs,
        horizon,
        n_given=n_given,
        days_given=days_given,
        prelude_days=prelude_days_of(scenario),
    )
    chosen = policy or Policy("baseline")
    lives = lives_model(scenario)
    values = sample(method, parameters, size, seed)
    table = []
    for index, row in enumerate(values):
        setting = {p.path: float(value) for p, value in zip(parameters, row, strict=True)}
        run = run_variant(
            scenario,
            setting,
            chosen,
            runs,
            horizon,
            seed,
            prelude="shared",
            lives=lives,
            workers=workers,
            where=f"{scenario.name}: row {index}",
        )
        table.append({"row": index, **setting, **run.summary()})
        if progress is not None:
            progress(index + 1, total)
    if largest_n is None:
        largest_n = largest_fitting_n(method, len(parameters), runs, horizon, prelude_days_of(scenario))
    result = GlobalSensitivity(
        method=method,
        scenario=scenario.name,
        policy=chosen.name,
        outcome=outcome,
        n=size,
        runs_per_row=runs,
        days=horizon,
        seed=seed,
        parameters=parameters,
        excluded=excluded,
        values=values,
        table=table,
        indices=[],
        warning=None,
        seconds=0.0,
        n_flag=n_flag,
        largest_n=largest_n,
    )
    analysed = result.for_outcome(outcome)
    return replace(analysed, seconds=time.perf_counter() - started)


__all__ = [
    "DEFAULT_N",
    "MAX_PATH_DAYS",
    "MAX_ROWS",
    "METHODS",
    "OUTCOMES",
    "GlobalSensitivity",
    "analyse",
    "check_method",
    "check_n",
    "check_size",
    "choose_parameters",
    "global_sensitivity",
    "largest_fitting_n",
    "largest_n",
    "largest_n_where",
    "row_count",
    "sample",
]
