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
from typing import Any

import numpy as np
from pydantic import ValidationError

from brinkmanship.calibration.targets import ErrorModel
from brinkmanship.errors import UserError
from brinkmanship.safe_yaml import read_text

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
        document = json.loads(text, parse_constant=_no_constant)
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
        paths = [str(p["path"]) for p in document["parameters"]]
        for k, p in enumerate(document["parameters"]):
            for key in ("prior", "posterior", "shrinkage", "source"):
                if key not in p:
                    raise UserError(f"{where}: malformed posterior: parameters.{k} has no {key!r}")
        draws = tuple({path: _number(row[path]) for path in paths} for row in document["draws"])
        weights = tuple(_number(w) for w in document["weights"])
    except (KeyError, TypeError, ValueError) as error:
        raise UserError(f"{where}: malformed posterior ({error!r} in parameters, draws or weights)") from None
    if not paths:
        raise UserError(f"{where}: malformed posterior: no free parameters")
    if not draws or len(draws) > MAX_DRAWS or len(weights) != len(draws):
        raise UserError(f"{where}: needs 1 to {MAX_DRAWS} draws with one weight each")
    if not all(math.isfinite(v) for row in draws for v in row.values()):
        raise UserError(f"{where}: draws must be finite numbers")
    if any(w < 0 for w in weights) or not math.isclose(sum(weights), 1.0):
        raise UserError(f"{where}: weights must be at least 0 and sum to 1")
    _check_predictive(document["predictive"], where)
    return ShippedPosterior(where, document, draws, weights)


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
                if not isinstance(row[key], str):
                    raise ValueError(f"{key} is not text")
            for key in ("value", "z", "margin"):
                _number(row[key])
            if not isinstance(row["met"], bool):
                raise ValueError("met is not true or false")
            if row["band"] is not None:
                _, _ = (_number(x) for x in row["band"])
            for key in ("prior_predictive", "posterior_predictive"):
                for q in ("q05", "median", "q95"):
                    _number(row[key][q])
            ErrorModel.model_validate(row["error"])
            judgement = row["judgement"]
            if not (isinstance(judgement["who"], str) and isinstance(judgement["when"], str)):
                raise ValueError("judgement's who and when are not text")
        except ValidationError as error:
            raise UserError(f"{at}: its error model: {error.errors()[0]['msg']}") from None
        except (KeyError, TypeError, ValueError) as error:
            raise UserError(f"{at}: {error!r}") from None


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
