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
        """``n`` draws taken evenly through the list (the draws are already in random order of the chain),
        each a parameter row; n may not exceed the draws shipped."""
        if not 1 <= n <= len(self.draws):
            raise UserError(f"--draws: from 1 to {len(self.draws)} (the posterior's draws), not {n}")
        step = len(self.draws) / n
        return [self.draws[int(i * step)] for i in range(n)]


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
        document = json.loads(text)
    except ValueError as error:
        raise UserError(f"{where}: not JSON ({error})") from None
    if not isinstance(document, dict) or document.get("format") != POSTERIOR_FORMAT:
        raise UserError(f"{where}: not a brinkmanship posterior (format {POSTERIOR_FORMAT!r})")
    if document.get("version") != POSTERIOR_VERSION:
        raise UserError(
            f"{where}: posterior version {document.get('version')!r}; "
            f"this brink reads version {POSTERIOR_VERSION}"
        )
    try:
        paths = [str(p["path"]) for p in document["parameters"]]
        draws = tuple({path: float(row[path]) for path in paths} for row in document["draws"])
        weights = tuple(float(w) for w in document["weights"])
    except (KeyError, TypeError, ValueError) as error:
        raise UserError(f"{where}: malformed posterior ({error!r} in parameters, draws or weights)") from None
    if not draws or len(draws) > MAX_DRAWS or len(weights) != len(draws):
        raise UserError(f"{where}: needs 1 to {MAX_DRAWS} draws with one weight each")
    if not all(math.isfinite(v) for row in draws for v in row.values()) or not math.isclose(
        sum(weights), 1.0
    ):
        raise UserError(f"{where}: draws must be finite numbers and weights must sum to 1")
    return ShippedPosterior(where, document, draws, weights)
