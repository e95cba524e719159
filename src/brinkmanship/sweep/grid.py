"""The sweep grid file: what to vary, under which policies, how many paths, and the root seed.

A grid file is YAML (read by :mod:`brinkmanship.safe_yaml`, so its limits apply) validated by a strict
pydantic model: unknown keys, wrong types, numbers that are not finite and empty lists are errors that
name the file and the field, e.g. ``sweep.yaml: parameters.escalation.clash_to_war.2: 0.5 is outside the
declared range [0.01, 0.09]``. The format (``docs/sweeps.md``)::

    runs: 2000                # paths per unit (1 to the engine's MAX_RUNS)
    days: 90                  # horizon in days; default: the scenario's
    seed: 20171126            # root seed of the whole sweep (0 to 2**63-1)
    replicates: 1             # independent repetitions of every parameter set x policy
    prelude: own              # own | shared: where each parameter set burns in (analysis/variants.py)
    parameters:               # a full-factorial grid: a declared uncertainty -> the values it takes
      escalation.clash_to_war: [0.02, 0.05, 0.08]
      tension.half_life_days: [20, 40]
    # or a sample within the declared ranges, on the declared scale (linear or log):
    # parameters:
    #   sample: {method: lhs, n: 16, parameters: [escalation.clash_to_war, loss_of_control.base], seed: 7}
    policies: [baseline, direct-channel, restraint+direct-channel]

Every parameter must be one of the scenario's declared ``uncertainties`` and every grid value must lie
in its declared range; policies are parsed with the built-in catalogue and applied to the scenario once
before anything runs. A sweep has at most :data:`MAX_UNITS` units (parameter sets x policies x replicates).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from brinkmanship.analysis.parameters import UncertainParameter, uncertain_parameters
from brinkmanship.analysis.sensitivity import TYPE_PRIOR
from brinkmanship.engine.ensemble import MAX_DAYS, MAX_RUNS, check_path_days, prelude_days_of, prelude_work
from brinkmanship.errors import UserError
from brinkmanship.policies import Catalogue, check_policy
from brinkmanship.scenario import ScenarioFile
from brinkmanship.scenario.loader import format_validation_error, read_mapping
from brinkmanship.scenario.schema import WholeNumber
from brinkmanship.wording import plural

MAX_UNITS = 10_000
"""Most units in one sweep (parameter sets x policies x replicates): one Parquet file each."""
MAX_REPLICATES = 1_000
MAX_SEED = 2**63 - 1
SAMPLE_METHODS = ("lhs", "sobol", "uniform")

Finite = Annotated[float, Field(strict=True, allow_inf_nan=False)]
"""A finite number; an integer is accepted (``30`` for a half-life), a string or a boolean is not."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class SampleSpec(_Strict):
    """``sample:``: ``n`` points within the declared ranges of ``parameters``.

    ``lhs`` is a Latin hypercube (scipy.stats.qmc.LatinHypercube), ``sobol`` a scrambled Sobol' sequence
    (scipy.stats.qmc.Sobol; balanced when ``n`` is a power of two), ``uniform`` independent uniform draws
    (numpy.random.default_rng). Each coordinate is mapped onto the declared range on its declared scale
    (log-uniform for ``scale: log``). ``seed`` defaults to the grid's root seed.
    """

    method: Literal["lhs", "sobol", "uniform"]
    n: Annotated[WholeNumber, Field(ge=1, le=MAX_UNITS)]
    parameters: Annotated[list[str], Field(min_length=1)]
    seed: Annotated[WholeNumber, Field(ge=0, le=MAX_SEED)] | None = None


class SampleBlock(_Strict):
    sample: SampleSpec


class GridFile(_Strict):
    """The file as written; :func:`load_grid` checks it against the scenario."""

    runs: Annotated[WholeNumber, Field(ge=1, le=MAX_RUNS)] = 1_000
    days: Annotated[WholeNumber, Field(ge=1, le=MAX_DAYS)] | None = None
    seed: Annotated[WholeNumber, Field(ge=0, le=MAX_SEED)] = 20171126
    replicates: Annotated[WholeNumber, Field(ge=1, le=MAX_REPLICATES)] = 1
    prelude: Literal["own", "shared"] = "own"
    parameters: Annotated[dict[str, Any], Field(min_length=1)]
    policies: Annotated[list[str], Field(min_length=1)] = ["baseline"]


_GRID_VALUES = TypeAdapter(dict[str, Annotated[list[Finite], Field(min_length=1)]])


@dataclass(frozen=True)
class Grid:
    """A checked grid: the parameter sets (in order: set id = index), policies, and run settings.

    ``sets[i]`` maps each parameter path to its value in set ``i``; ``days`` is resolved (the scenario's
    horizon when the file gives none); ``spec`` is the file's content, normalised, which the manifest
    stores and :attr:`digest` hashes (with the scenario) so that ``--resume`` can recognise the sweep.
    """

    parameters: tuple[UncertainParameter, ...]
    sets: tuple[dict[str, float], ...]
    policies: tuple[str, ...]
    runs: int
    days: int
    seed: int
    replicates: int
    prelude: Literal["own", "shared"]
    spec: dict[str, Any]
    source: str

    @property
    def units(self) -> int:
        """Parameter sets x policies x replicates."""
        return len(self.sets) * len(self.policies) * self.replicates

    def digest(self, scenario: ScenarioFile) -> str:
        """SHA-256 of the normalised grid and the scenario's full content (hex)."""
        text = json.dumps(
            {"grid": self.spec, "scenario": scenario.model_dump(mode="json")}, sort_keys=True, default=str
        )
        return hashlib.sha256(text.encode()).hexdigest()


def load_grid(path: str | Path, scenario: ScenarioFile, catalogue: Catalogue | None = None) -> Grid:
    """Read and check a grid file against ``scenario``.

    Raises:
        UserError: one line naming the file and the field, for a malformed file, a parameter that is not
            a declared uncertainty, a value outside its declared range, a duplicate, a policy that is
            unknown or does not apply, or more than :data:`MAX_UNITS` units.
    """
    where = str(path)
    return grid_from_mapping(read_mapping(Path(path)), scenario, where, catalogue)


def grid_from_mapping(
    data: dict[str, Any], scenario: ScenarioFile, where: str, catalogue: Catalogue | None = None
) -> Grid:
    """:func:`load_grid` on an already parsed mapping; ``where`` names it in errors."""
    try:
        grid = GridFile.model_validate(data)
    except ValidationError as error:
        raise UserError(format_validation_error(error, where)) from None
    declared = {p.path: p for p in uncertain_parameters(scenario)}
    days = scenario.horizon_days if grid.days is None else grid.days
    if "sample" in grid.parameters:
        parameters, sets, parameter_spec = _sampled(grid, declared, scenario, where)
    else:
        parameters, sets, parameter_spec = _factorial(grid, declared, scenario, where)
    if grid.prelude == "shared":
        for parameter in parameters:
            if TYPE_PRIOR.match(parameter.path):
                # Every unit would start from the same burned-in paths, types already drawn: the rows
                # would be identical whatever the value.
                raise UserError(
                    f"{where}: parameters: {parameter.path} acts only through the private types drawn "
                    "before the prelude, which 'prelude: shared' burns in once for every unit; use "
                    "'prelude: own' to vary it"
                )
    policies = _policies(grid.policies, scenario, catalogue or Catalogue.builtin(), where)
    units = len(sets) * len(policies) * grid.replicates
    if units > MAX_UNITS:
        raise UserError(
            f"{where}: {plural(len(sets), 'parameter set')} x {plural(len(policies), 'policy', 'policies')} "
            f"x {plural(grid.replicates, 'replicate')} = {plural(units, 'unit')}; at most {MAX_UNITS:,} in "
            "one sweep"
        )
    try:
        check_path_days(
            [
                (
                    f"{plural(units, 'unit')} x runs: {grid.runs:,} x days: {days:,}",
                    units * grid.runs * days,
                ),
                *_prelude_work(scenario, grid, len(sets), len(policies)),
            ],
            "lower runs or days, or split the sweep",
        )
    except UserError as error:
        raise UserError(f"{where}: {error}") from None
    spec = {
        "runs": grid.runs,
        "days": days,
        "seed": grid.seed,
        "replicates": grid.replicates,
        "prelude": grid.prelude,
        "parameters": parameter_spec,
        "policies": list(policies),
    }
    return Grid(
        tuple(parameters),
        tuple(sets),
        tuple(policies),
        grid.runs,
        days,
        grid.seed,
        grid.replicates,
        grid.prelude,
        spec,
        where,
    )


def _declared(
    name: str, declared: dict[str, UncertainParameter], scenario: ScenarioFile, where: str, field: str
) -> UncertainParameter:
    if name not in declared:
        raise UserError(
            f"{where}: {field}: {name!r} is not a declared uncertain parameter of {scenario.name} "
            f"(declared: {', '.join(declared)})"
        )
    return declared[name]


def _prelude_work(scenario: ScenarioFile, grid: GridFile, sets: int, policies: int) -> list[tuple[str, int]]:
    """The burn-in of a sweep's units, for :func:`check_path_days`
    (:func:`~brinkmanship.engine.ensemble.prelude_work`): each replicate has its own seed, and with
    ``prelude: own`` each parameter set its own world, so each burns in its own paths, which the units on
    it (its policies; with ``prelude: shared`` every set's too) share."""
    replicates = grid.replicates
    if grid.prelude == "own":
        worlds, sharing = sets * replicates, policies
        counts = [(sets, "parameter set"), (replicates, "replicate")]
    else:
        worlds, sharing = replicates, sets * policies
        counts = [(replicates, "replicate")]
    named = [plural(count, noun) for count, noun in counts if count > 1]
    return prelude_work(
        prelude_days_of(scenario),
        [(plural(sharing, "unit"), sharing, f"runs: {grid.runs:,}", grid.runs)],
        (" x ".join(named), worlds),
    )


def _factorial(
    grid: GridFile, declared: dict[str, UncertainParameter], scenario: ScenarioFile, where: str
) -> tuple[list[UncertainParameter], list[dict[str, float]], dict[str, Any]]:
    try:
        values = _GRID_VALUES.validate_python(grid.parameters, strict=True)
    except ValidationError as error:
        raise UserError(format_validation_error(error, where, "parameters")) from None
    parameters = []
    for name, column in values.items():
        parameter = _declared(name, declared, scenario, where, f"parameters.{name}")
        for index, value in enumerate(column):
            if not parameter.contains(value):
                raise UserError(
                    f"{where}: parameters.{name}.{index}: {value:g} is outside the declared range "
                    f"[{parameter.low:g}, {parameter.high:g}]"
                )
            if value in column[:index]:
                raise UserError(f"{where}: parameters.{name}.{index}: {value:g} is given twice")
        parameters.append(parameter)
    names = list(values)
    sets = [
        dict(zip(names, (float(v) for v in row), strict=True)) for row in itertools.product(*values.values())
    ]
    if len(sets) > MAX_UNITS:  # checked before policies: the product of a few long lists grows fast
        raise UserError(
            f"{where}: parameters: {plural(len(sets), 'parameter set')}; at most {MAX_UNITS:,} units"
        )
    return parameters, sets, {"grid": {k: [float(v) for v in col] for k, col in values.items()}}


def _sampled(
    grid: GridFile, declared: dict[str, UncertainParameter], scenario: ScenarioFile, where: str
) -> tuple[list[UncertainParameter], list[dict[str, float]], dict[str, Any]]:
    try:
        block = SampleBlock.model_validate(grid.parameters)
    except ValidationError as error:
        raise UserError(format_validation_error(error, where, "parameters")) from None
    sample = block.sample
    parameters: list[UncertainParameter] = []
    for index, name in enumerate(sample.parameters):
        parameter = _declared(name, declared, scenario, where, f"parameters.sample.parameters.{index}")
        if parameter in parameters:
            raise UserError(f"{where}: parameters.sample.parameters.{index}: {name!r} is named twice")
        parameters.append(parameter)
    seed = grid.seed if sample.seed is None else sample.seed
    unit = unit_sample(sample.method, sample.n, len(parameters), seed)
    matrix = scale_to_ranges(unit, parameters)
    sets = [{p.path: float(row[j]) for j, p in enumerate(parameters)} for row in matrix]
    spec = {
        "sample": {
            "method": sample.method,
            "n": sample.n,
            "parameters": list(sample.parameters),
            "seed": seed,
        }
    }
    return parameters, sets, spec


def unit_sample(method: str, n: int, d: int, seed: int) -> np.ndarray:
    """``(n, d)`` points in the unit cube [0, 1)^d: a Latin hypercube, scrambled Sobol' or uniform draws.

    Source: scipy.stats.qmc (Roy et al. 2023, "Quasi-Monte Carlo methods in Python", JOSS 8(84)).
    """
    from scipy.stats import qmc  # imported here: only sampled grids need it

    if method in ("lhs", "sobol"):
        engine = qmc.LatinHypercube if method == "lhs" else qmc.Sobol
        options = {"scramble": True} if method == "sobol" else {}
        with warnings.catch_warnings():  # Sobol' with n not a power of two loses balance: documented
            warnings.simplefilter("ignore", UserWarning)
            try:  # SciPy >= 1.15 takes a Generator as ``rng``; older ones take it as ``seed``
                sampler = engine(d=d, rng=np.random.default_rng(seed), **options)
            except TypeError:  # pragma: no cover - SciPy < 1.15
                sampler = engine(d=d, seed=np.random.default_rng(seed), **options)
            return np.asarray(sampler.random(n))
    if method == "uniform":
        return np.random.default_rng(seed).random((n, d))
    raise UserError(f"unknown sampling method {method!r} (known: {', '.join(SAMPLE_METHODS)})")


def scale_to_ranges(unit: np.ndarray, parameters: list[UncertainParameter]) -> np.ndarray:
    """Map unit-cube points onto each parameter's declared range: uniform, or log-uniform for ``log``."""
    out = np.empty_like(unit, dtype=float)
    for j, p in enumerate(parameters):
        if p.scale == "log":
            lo, hi = math.log(p.low), math.log(p.high)
            out[:, j] = np.exp(lo + unit[:, j] * (hi - lo))
        else:
            out[:, j] = p.low + unit[:, j] * (p.high - p.low)
        out[:, j] = np.clip(out[:, j], p.low, p.high)  # rounding in exp() must not leave the range
    return out


def _policies(texts: list[str], scenario: ScenarioFile, catalogue: Catalogue, where: str) -> list[str]:
    names: list[str] = []
    # A policy is the set of its levers, each with the principals it acts on: levers combine in any order
    # (apply_policy refuses two that set one parameter differently, so their edits commute, and the
    # repertoire is a set of actions in the compiled model), so 'a+b', 'b+a' and a package spelled out as
    # its levers are one policy, run twice under two names.
    seen: dict[frozenset[tuple[str, tuple[str, ...]]], tuple[int, str]] = {}
    for index, text in enumerate(texts):
        field = f"policies.{index}"
        try:
            policy = catalogue.parse(text)
            check_policy(scenario, policy)
        except UserError as error:
            raise UserError(f"{where}: {field}: {error}") from None
        if policy.name in names:
            raise UserError(f"{where}: {field}: policy {policy.name!r} is given twice")
        levers = frozenset((choice.lever.name, choice.targets(scenario)) for choice in policy.choices)
        if levers in seen:
            first, name = seen[levers]
            raise UserError(
                f"{where}: {field}: policy {policy.name!r} is the same as policies.{first} ({name!r}): the "
                "same levers, and levers combine in any order"
            )
        seen[levers] = (index, policy.name)
        names.append(policy.name)
    return names
