"""The posterior of the free parameters as a file: the one that ships (``data/posterior.json``, made by
``brink calibrate --out``: docs/calibration.md) or a user's own fit.

The document is versioned (``format``, ``version``): a reader refuses a document of another format or a
newer version in one line. Its ``draws`` are parameter rows (path -> value) with ``weights`` summing to 1;
:meth:`ShippedPosterior.pick` takes ``n`` of them evenly, so a run over the posterior is reproducible.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from brinkmanship.calibration.targets import ErrorModel, Prior
from brinkmanship.errors import UserError
from brinkmanship.policies.edits import check_override, parameter_type
from brinkmanship.safe_yaml import read_text
from brinkmanship.scenario.loader import format_validation_error, plain_message
from brinkmanship.scenario.schema import Count, IsoDate, Number, Strict

POSTERIOR_FORMAT = "brinkmanship-posterior"
POSTERIOR_VERSION = 1
BUILTIN = "built-in posterior.json"
MAX_DRAWS = 256


@dataclass(frozen=True)
class ShippedPosterior:
    """A posterior document, checked: its draws, weights and the whole document for reports."""

    where: str
    document: dict[str, Any]
    draws: tuple[dict[str, float], ...]
    weights: tuple[float, ...]

    @property
    def paths(self) -> list[str]:
        return [p["path"] for p in self.document["parameters"]]

    def pick(self, n: int) -> list[dict[str, float]]:
        """``n`` draws in proportion to their weights, by systematic resampling at fixed positions
        ``(i + 1/2) / n`` of the cumulative weights (deterministic, so a run over the posterior is
        reproducible; with equal weights, draws evenly spaced through the list); n may not exceed the
        draws shipped."""
        if not 1 <= n <= len(self.draws):
            raise UserError(f"--draws: from 1 to {len(self.draws)} (the posterior's draws), not {n}")
        cumulative = np.cumsum(self.weights)
        positions = (np.arange(n) + 0.5) / n * cumulative[-1]
        picked = np.minimum(np.searchsorted(cumulative, positions, side="right"), len(self.draws) - 1)
        return [self.draws[int(i)] for i in picked]


def load_posterior(path: str | Path | None = None) -> ShippedPosterior:
    """The shipped posterior (``path`` None) or a user's ``posterior.json``, checked.

    Raises:
        UserError: a missing shipped posterior, a file that is not a posterior document, another format or
            version, or draws that are not finite numbers for every parameter.
    """
    if path is None:
        where = BUILTIN
        try:
            text = (resources.files("brinkmanship.calibration") / "data" / "posterior.json").read_text(
                encoding="utf-8"
            )
        except FileNotFoundError:
            raise UserError(
                "no posterior ships with this installation: run `brink calibrate --out DIR`"
            ) from None
    else:
        where = str(path)
        text = read_text(Path(path))
    try:
        document = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_no_key_twice)
    except _KeyTwice as error:
        raise UserError(f"{where}: malformed posterior: {error}") from None
    except ValueError as error:
        raise UserError(f"{where}: not JSON ({error})") from None
    if not isinstance(document, dict) or document.get("format") != POSTERIOR_FORMAT:
        raise UserError(f"{where}: not a brinkmanship posterior (format {POSTERIOR_FORMAT!r})")
    if document.get("version") != POSTERIOR_VERSION:
        raise UserError(
            f"{where}: posterior version {document.get('version')!r}; "
            f"this brink reads version {POSTERIOR_VERSION}"
        )
    missing = [key for key in REQUIRED_KEYS if key not in document]
    if missing:
        raise UserError(f"{where}: malformed posterior: no {missing[0]!r}")
    try:
        record = PosteriorRecord.model_validate(document)
    except ValidationError as error:
        raise UserError(format_validation_error(error, f"{where}: malformed posterior")) from None
    if not record.parameters:
        raise UserError(f"{where}: malformed posterior: no free parameters")
    priors: dict[str, PriorRecord] = {}
    for k, parameter in enumerate(record.parameters):
        if parameter.path in priors:
            at = f"{where}: malformed posterior: parameters.{k}.path"
            raise UserError(f"{at}: {parameter.path!r} given twice")
        priors[parameter.path] = parameter.prior
    rows, weights_given = document["draws"], document["weights"]
    if not isinstance(rows, list) or not isinstance(weights_given, list):
        raise UserError(f"{where}: malformed posterior: draws and weights must be lists")
    if not rows or len(rows) > MAX_DRAWS or len(weights_given) != len(rows):
        raise UserError(f"{where}: needs 1 to {MAX_DRAWS} draws with one weight each")
    draws = tuple(_draw(row, k, priors, where) for k, row in enumerate(rows))
    try:
        weights = tuple(_number(w) for w in weights_given)
    except ValueError as error:
        raise UserError(f"{where}: malformed posterior: weights: {error}") from None
    if any(not math.isfinite(w) or w < 0 for w in weights) or not math.isclose(sum(weights), 1.0):
        raise UserError(f"{where}: weights must be at least 0 and sum to 1")
    _check_predictive(document["predictive"], where)
    return ShippedPosterior(where, document, draws, weights)


def _draw(row: object, k: int, priors: dict[str, PriorRecord], where: str) -> dict[str, float]:
    """Draw ``k``: a value for every free parameter and nothing else, each a finite number its field of
    the scenario format takes, within the parameter's prior (the fit draws nothing outside it)."""
    at = f"{where}: malformed posterior: draws.{k}"
    if not isinstance(row, dict):
        raise UserError(f"{at}: not a mapping of parameter values")
    unknown = [key for key in row if key not in priors]
    if unknown:
        raise UserError(f"{at}: {unknown[0]!r} is not a free parameter of the posterior")
    draw = {}
    for path, prior in priors.items():
        if path not in row:
            raise UserError(f"{at}: no value for {path!r}")
        try:
            value = _number(row[path])
            if not math.isfinite(value):
                raise ValueError(f"{value} is not a finite number")
            check_override(path, value)
        except ValueError as error:
            raise UserError(f"{at}.{path}: {error}") from None
        if not prior.holds(value):
            raise UserError(f"{at}.{path}: {value:g} is outside its prior, {prior.low:g} to {prior.high:g}")
        draw[path] = value
    return draw


class PriorRecord(Prior):
    """A free parameter's prior as a posterior records it: numbers as written."""

    low: Number
    high: Number

    def holds(self, value: float) -> bool:
        """Whether ``value`` lies in ``[low, high]``, give or take the rounding of a draw mapped from the
        unit interval (:meth:`Prior.from_unit`)."""
        slack = 1e-9 * max(abs(self.low), abs(self.high))
        return self.low - slack <= value <= self.high + slack


class Quantiles(Strict):
    """A free parameter's posterior: median and 90% interval."""

    median: Number
    q05: Number
    q95: Number

    @model_validator(mode="after")
    def _ordered(self) -> Quantiles:
        if not self.q05 <= self.median <= self.q95:
            raise ValueError(f"q05 {self.q05:g}, median {self.median:g}, q95 {self.q95:g} are out of order")
        return self


class ParameterRecord(Strict):
    """One free parameter of a posterior (``brink calibrate --show`` prints it; ``brink validate`` runs at
    its median)."""

    path: Annotated[str, Field(min_length=1, max_length=200)]
    prior: PriorRecord
    source: str
    posterior: Quantiles
    # 1 - posterior variance / prior variance in the unit cube: at most 1, at least 1 - 12 / 4.
    shrinkage: Annotated[Number, Field(ge=-2.0, le=1.0)]

    @field_validator("path")
    @classmethod
    def _a_parameter(cls, path: str) -> str:
        parameter_type(path)  # a path the scenario format has (its scenario is checked where it is run)
        return path

    @model_validator(mode="after")
    def _inside_the_prior(self) -> ParameterRecord:
        for name in ("q05", "median", "q95"):
            value = getattr(self.posterior, name)
            if not self.prior.holds(value):
                low, high = self.prior.low, self.prior.high
                raise ValueError(f"posterior {name} {value:g} is outside the prior, {low:g} to {high:g}")
        return self


class Diagnostics(BaseModel):
    """The sampler's diagnostics `brink calibrate --show` prints (the others are kept unread)."""

    model_config = ConfigDict(extra="allow", frozen=True, allow_inf_nan=False)

    mcmc_acceptance: Annotated[Number, Field(ge=0.0, le=1.0)]
    effective_sample_size: Annotated[Number, Field(ge=0.0)]


class Tension(Strict):
    """Two targets that pull against each other, and the correlation of their log-likelihoods."""

    targets: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=2, max_length=2)]
    correlation: Annotated[Number, Field(ge=-1.0, le=1.0)]


class PosteriorRecord(BaseModel):
    """The fields of a posterior document that are read, each checked (the draws, weights and predictive
    rows are checked by :func:`load_posterior`); other keys are kept unread."""

    model_config = ConfigDict(extra="allow", frozen=True, allow_inf_nan=False)

    parameters: list[ParameterRecord]
    diagnostics: Diagnostics
    tensions: list[Tension]
    simulations: Annotated[Count, Field(ge=0)]
    created: IsoDate
    method: Annotated[str, Field(min_length=1)]


class _KeyTwice(ValueError):
    """A key given twice in one JSON object."""


def _no_key_twice(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key given twice: Python's reader keeps the last without a word, where every
    other file a user gives is refused (README)."""
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise _KeyTwice(f"the key {key!r} is given twice in one object")
        document[key] = value
    return document


def _no_constant(name: str) -> float:
    """JSON has no NaN or Infinity; Python's reader would take them."""
    raise ValueError(f"{name} is not a JSON number")


def _check_predictive(rows: object, where: str) -> None:
    """The per-target block `--show` prints: each row's numbers are numbers and its error model is one the
    targets file allows (:class:`~brinkmanship.calibration.targets.ErrorModel`).

    Raises:
        UserError: naming the row and the field.
    """
    if not isinstance(rows, list):
        raise UserError(f"{where}: malformed posterior: predictive is not a list")
    for k, row in enumerate(rows):
        at = f"{where}: malformed posterior: predictive.{k}"
        if not isinstance(row, dict):
            raise UserError(f"{at} is not a mapping")
        try:
            for key in ("name", "use"):
                if not isinstance(_field(row, key), str):
                    raise ValueError(f"{key}: not text")
            for key in ("value", "z", "margin"):
                _named_number(row, key)
            if not isinstance(_field(row, "met"), bool):
                raise ValueError("met: not true or false")
            band = _field(row, "band")
            if band is not None:
                if not (isinstance(band, list) and len(band) == 2):
                    raise ValueError(f"band: not null or a pair of numbers ({band!r})")
                for end in band:
                    try:
                        _number(end)
                    except ValueError as error:
                        raise ValueError(f"band: {error}") from None
            for key in ("prior_predictive", "posterior_predictive"):
                quantiles = _mapping(row, key)
                for q in ("q05", "median", "q95"):
                    _named_number(quantiles, q, f"{key}.")
            ErrorModel.model_validate(_field(row, "error"))
            judgement = _mapping(row, "judgement")
            for key in ("who", "when"):
                if not isinstance(_field(judgement, key, "judgement."), str):
                    raise ValueError(f"judgement.{key}: not text")
        except ValidationError as error:
            raise UserError(f"{at}: its error model: {plain_message(error.errors()[0])}") from None
        except ValueError as error:
            raise UserError(f"{at}.{error}") from None


def _field(row: dict[str, Any], key: str, prefix: str = "") -> Any:
    """``row[key]``; a missing key is ValueError naming it."""
    if key not in row:
        raise ValueError(f"{prefix}{key}: missing")
    return row[key]


def _mapping(row: dict[str, Any], key: str) -> dict[str, Any]:
    """``row[key]``, a mapping; ValueError naming the key otherwise."""
    value = _field(row, key)
    if not isinstance(value, dict):
        raise ValueError(f"{key}: not a mapping ({value!r})")
    return value


def _named_number(row: dict[str, Any], key: str, prefix: str = "") -> float:
    """``row[key]`` as a number; ValueError naming the key otherwise."""
    value = _field(row, key, prefix)
    try:
        return _number(value)
    except ValueError as error:
        raise ValueError(f"{prefix}{key}: {error}") from None


REQUIRED_KEYS = (
    "parameters",
    "draws",
    "weights",
    "diagnostics",
    "predictive",
    "tensions",
    "simulations",
    "created",
    "method",
)
"""What a posterior document must hold for `brink calibrate --show` and the forecasts over it."""


def _number(value: object) -> float:
    """A JSON number as a float; a string, a boolean or anything else is refused (ValueError)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number")
    return float(value)
