"""The targets file: the free parameters with their priors, and the quantities the model is fitted to.

A targets file (YAML; ``data/targets.yaml`` ships the project's) has two lists:

``parameters``: each free parameter, a dotted ``path`` into the scenario file (the same in every scenario
it is set in: the built-in scenarios share every mechanism parameter, docs/calibration.md), a ``prior``
(``uniform`` or ``loguniform`` on ``[low, high]``) and the ``source`` of its range. Every other number keeps
the value and source its scenario file gives it.

``targets``: each a quantity the model computes, the published ``value`` (and the author's ``band``, never
widened), an error model saying how far from it the quantity may lie, and the judgement quoted as its author
gave it (``who``, ``when``, ``question``, ``horizon``, ``source``). A quantity is one of:

- ``probability``: P(``outcome`` within ``horizon_days``) in ``scenario``; with ``as_of`` a date, the
  forecast as of that date on the replay of the scenario's record (:mod:`brinkmanship.history.replay`),
  without it the scenario's own run from its start date (what ``brink run`` reports);
- ``ratio``: the replay's forecast P(outcome within horizon) as of ``as_of`` over the same as of
  ``relative_to`` (how much the risk rose or fell between two dates);
- ``tempo``: how often ``actor`` takes ``action`` per 30 days in crisis, in the scenario's own run;
- ``escalation``: the share of armed clashes (uncontrolled incidents and chosen clashes, each counted on its
  day) that become war on that day, in the scenario's own run: the model's own P(war | clash) per clash, the
  quantity a record of incidents counts (kernel.DayLog's ``war_triggers`` over ``clash_events``).

Error models (the likelihood of the published value given the model's quantity ``q``; ``sd`` is the
project's reading of how precise the judgement is, declared with its ``reason``):

- ``logit_normal``: ``logit(value) ~ Normal(logit(q), sd)`` (probabilities);
- ``log_normal``: ``log(value) ~ Normal(log(q), sd)`` (rates and ratios);
- ``at_most`` / ``at_least``: the judgement says only that ``q`` lies below / above ``value``; the
  likelihood is ``Phi((log value - log q) / sd)`` (or its mirror), a soft edge of width ``sd`` in log units;
- ``binomial``: a count from the record, ``events`` of ``trials`` (0 of 26 incidents became war): the
  likelihood is ``q**events * (1 - q)**(trials - events)``, no judgement's ``sd`` (the record is a count,
  not an opinion); ``value`` is the observed share ``events / trials``.

``use: held_out`` keeps a target out of the fit: ``brink validate`` reports it as a check on what was not
fitted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from brinkmanship.errors import UserError
from brinkmanship.model.ladder import ACTION_INDEX
from brinkmanship.safe_yaml import parse_yaml, read_text
from brinkmanship.scenario.loader import format_validation_error
from brinkmanship.scenario.schema import Strict, WholeNumber

Outcome = Literal["war", "clash", "contained_clash", "nuclear_use", "agreement"]
OUTCOMES: tuple[str, ...] = ("war", "clash", "contained_clash", "nuclear_use", "agreement")
"""Outcomes a probability target may name: war; any armed clash (one that became war included); a clash
that did not become war within the horizon; nuclear use; an agreement reached."""
REPLAY_OUTCOMES: tuple[str, ...] = ("war", "clash", "contained_clash", "nuclear_use")
"""Outcomes the replay's forecasts report."""
MAX_PARAMETERS = 20
MAX_TARGETS = 200
Text = Annotated[str, Field(min_length=1, max_length=2000)]


SHARE_TOLERANCE = 5e-4
"""How far a binomial target's ``value`` may lie from ``events / trials`` (the share to three decimals)."""


def _a(noun: str) -> str:
    """The noun with its indefinite article ("a ratio", "an escalation")."""
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


class Prior(Strict):
    """A prior on ``[low, high]``: ``uniform``, or ``loguniform`` (uniform in the logarithm; low > 0)."""

    dist: Literal["uniform", "loguniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Prior:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.dist == "loguniform" and self.low <= 0:
            raise ValueError(f"a loguniform prior needs low > 0, not {self.low}")
        return self

    def to_unit(self, value: float) -> float:
        """The value's place in the prior's range on its own scale: 0 at ``low``, 1 at ``high``."""
        if self.dist == "loguniform":
            return (math.log(value) - math.log(self.low)) / (math.log(self.high) - math.log(self.low))
        return (value - self.low) / (self.high - self.low)

    def from_unit(self, u: float) -> float:
        """Inverse of :meth:`to_unit`."""
        if self.dist == "loguniform":
            return math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        return self.low + u * (self.high - self.low)


class FreeParameter(Strict):
    """One free parameter: where it is set, its prior and why that range."""

    path: Annotated[str, Field(min_length=1, max_length=200)]
    prior: Prior
    source: Text


class Quantity(Strict):
    """What the model computes for a target (module docstring)."""

    kind: Literal["probability", "ratio", "tempo", "escalation"]
    scenario: Annotated[str, Field(min_length=1, max_length=200)]
    outcome: Outcome | None = None
    horizon_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    as_of: dt.date | None = None
    relative_to: dt.date | None = None
    actor: str | None = None
    action: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> Quantity:
        if self.kind in ("probability", "ratio"):
            if self.outcome is None or self.horizon_days is None:
                raise ValueError(f"a {self.kind} needs an outcome and horizon_days")
            if self.actor is not None or self.action is not None:
                raise ValueError(f"a {self.kind} takes no actor or action (those are for a tempo)")
        if self.kind == "ratio":
            if self.as_of is None or self.relative_to is None:
                raise ValueError("a ratio needs as_of and relative_to (two dates on the replay)")
            if self.as_of == self.relative_to:
                raise ValueError("a ratio's as_of and relative_to are the same date")
        elif self.relative_to is not None:
            raise ValueError(f"relative_to is only for a ratio, not {_a(self.kind)}")
        if self.as_of is not None and self.outcome is not None and self.outcome not in REPLAY_OUTCOMES:
            raise ValueError(
                f"the replay forecasts {', '.join(REPLAY_OUTCOMES)}, not {self.outcome!r}; drop as_of"
            )
        if self.kind == "tempo":
            if self.actor is None or self.action is None:
                raise ValueError("a tempo needs an actor and an action")
            if self.action not in ACTION_INDEX:
                raise ValueError(f"unknown action {self.action!r} (known: {', '.join(ACTION_INDEX)})")
            if self.outcome is not None or self.as_of is not None or self.horizon_days is not None:
                raise ValueError("a tempo takes no outcome, as_of or horizon_days (it counts in the run)")
        if self.kind == "escalation" and any(
            v is not None for v in (self.outcome, self.as_of, self.horizon_days, self.actor, self.action)
        ):
            raise ValueError(
                "an escalation takes no outcome, as_of, horizon_days, actor or action (it counts clashes "
                "in the run)"
            )
        return self


class ErrorModel(Strict):
    """How far the model's quantity may lie from the published value (module docstring)."""

    kind: Literal["logit_normal", "log_normal", "at_most", "at_least", "binomial"]
    sd: Annotated[float, Field(gt=0.0, le=10.0)] | None = None
    # strict: a count is an integer as written, not a boolean (YAML's true) or a quoted "0".
    events: Annotated[WholeNumber, Field(ge=0, le=1_000_000, strict=True)] | None = None
    trials: Annotated[WholeNumber, Field(ge=1, le=1_000_000, strict=True)] | None = None
    reason: Text

    @model_validator(mode="after")
    def _fields_of_kind(self) -> ErrorModel:
        if self.kind == "binomial":
            if self.events is None or self.trials is None:
                raise ValueError("a binomial error model needs events and trials (the record's count)")
            if self.events > self.trials:
                raise ValueError(f"events ({self.events}) exceed trials ({self.trials})")
            if self.sd is not None:
                raise ValueError("a binomial error model takes no sd (the count is its precision)")
        else:
            if self.sd is None:
                raise ValueError(f"{_a(self.kind)} error model needs an sd")
            if self.events is not None or self.trials is not None:
                raise ValueError(f"events and trials are for a binomial error model, not {self.kind}")
        return self

    @property
    def spread(self) -> float:
        """The judgement's sd on its error scale (0 for a count from the record)."""
        return 0.0 if self.sd is None else self.sd


class Judgement(Strict):
    """The judgement a target quotes, as its author gave it."""

    who: Text
    when: Text
    question: Text
    horizon: Text
    source: Text


class Target(Strict):
    """One target: a quantity, the published value, its error model and the judgement behind it."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
    use: Literal["fit", "held_out"] = "fit"
    quantity: Quantity
    value: Annotated[float, Field(ge=0.0, strict=True)]  # a number as written, not a quoted "0.1"
    band: tuple[float, float] | None = Field(None, description="the author's own range, never widened")
    error: ErrorModel
    judgement: Judgement

    @field_validator("value", mode="before")
    @classmethod
    def _not_a_boolean(cls, value: object) -> object:
        # YAML reads `true` as a boolean, which pydantic would take as 1.0.
        if isinstance(value, bool):
            raise ValueError(f"expected a number, not {value!r}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        kind = self.quantity.kind
        probability = kind in ("probability", "escalation")
        binomial = self.error.kind == "binomial"
        if kind == "escalation" and not binomial:
            raise ValueError(
                f"an escalation (a count of clashes) takes a binomial error model, not {self.error.kind}"
            )
        if binomial and kind != "escalation":
            raise ValueError(
                f"a binomial error model is for an escalation (a count of clashes), not {_a(kind)}"
            )
        if binomial:
            share = (self.error.events or 0) / (self.error.trials or 1)
            # The value is the record's share: to three decimals is enough (0.333 for 1 of 3).
            if not math.isclose(self.value, share, abs_tol=SHARE_TOLERANCE):
                raise ValueError(
                    f"value {self.value} must be the record's share, events / trials = {share:.4f}"
                )
            if self.band is not None:
                raise ValueError("a binomial target takes no band (its interval comes from the count)")
            return self
        if not self.value > 0.0:
            raise ValueError(f"value {self.value} must be above 0")
        if probability and not self.value < 1.0:
            raise ValueError(f"value {self.value} is a probability: it must lie in (0, 1)")
        if probability and self.error.kind == "log_normal":
            raise ValueError("a probability takes logit_normal, at_most or at_least, not log_normal")
        if not probability and self.error.kind == "logit_normal":
            raise ValueError(
                f"{_a(self.quantity.kind)} takes log_normal, at_most or at_least, not logit_normal"
            )
        if self.band is not None:
            low, high = self.band
            if not 0 <= low <= self.value <= high:
                raise ValueError(f"band {list(self.band)} must hold the value {self.value}")
            if probability and high > 1.0:
                raise ValueError(f"band {list(self.band)}: a probability's band must lie within [0, 1]")
        return self


class TargetsFile(Strict):
    """A whole targets file."""

    version: Literal[1]
    parameters: Annotated[list[FreeParameter], Field(min_length=1, max_length=MAX_PARAMETERS)]
    targets: Annotated[list[Target], Field(min_length=1, max_length=MAX_TARGETS)]

    @model_validator(mode="after")
    def _unique(self) -> TargetsFile:
        seen: set[str] = set()
        for k, parameter in enumerate(self.parameters):
            if parameter.path in seen:
                raise ValueError(f"parameters.{k}: {parameter.path!r} is given twice")
            seen.add(parameter.path)
        names: set[str] = set()
        for k, target in enumerate(self.targets):
            if target.name in names:
                raise ValueError(f"targets.{k}: the name {target.name!r} is given twice")
            names.add(target.name)
        if not any(t.use == "fit" for t in self.targets):
            raise ValueError("no target has use: fit; there is nothing to fit")
        return self

    @property
    def fitted(self) -> list[Target]:
        return [t for t in self.targets if t.use == "fit"]

    @property
    def held_out(self) -> list[Target]:
        return [t for t in self.targets if t.use == "held_out"]


BUILTIN = "built-in targets.yaml"


def builtin_text() -> str:
    return (resources.files("brinkmanship.calibration") / "data" / "targets.yaml").read_text(encoding="utf-8")


def targets_where(path: str | Path | None) -> str:
    """How error messages name a targets file."""
    return BUILTIN if path is None else str(path)


def load_targets(path: str | Path | None = None) -> tuple[TargetsFile, str]:
    """The shipped targets (``path`` None) or a user's file, validated; with the text's SHA-256 (a fit
    records it, so a resumed fit refuses a changed file).

    Raises:
        UserError: one line naming the file and the field for anything malformed, unknown or out of range;
            scenarios, parameter paths and actors are checked against the scenarios when the fit starts
            (:func:`brinkmanship.calibration.simulator.check_against_scenarios`).
    """
    if path is None:
        text, where = builtin_text(), BUILTIN
    else:
        where = str(path)
        text = read_text(Path(path))
    data = parse_yaml(text, where)
    if not isinstance(data, dict):
        raise UserError(f"{where}: expected a mapping with version, parameters and targets")
    try:
        targets = TargetsFile.model_validate(data)
    except ValidationError as error:
        raise UserError(format_validation_error(error, where)) from None
    return targets, hashlib.sha256(text.encode("utf-8")).hexdigest()
