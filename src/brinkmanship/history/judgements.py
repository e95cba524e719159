"""Dated public judgements of the risk of war, quoted as their authors gave them (``data/judgements.csv``).

Each row: ``date`` (with ``date_precision``: exact, approximate, on or before), ``who``, ``role``,
``quantity`` (what it measured, in the author's words), ``measures`` (the project's reading of it: one of
:data:`MEASURES`), ``condition`` (empty unless the number was conditional, e.g. "if North Korea conducts a
seventh nuclear test"), ``horizon_days`` (the project's reading of the horizon; empty when unstated) and
``horizon`` (the author's words), ``probability_low`` and ``probability_high`` (the author's number or
range, never widened: a point is low = high; "more than 50/50" is low 0.5 with no high; both empty when
the judgement gave no number), ``source`` and ``note``. docs/history.md lists the rows and their sources.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from importlib import resources
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from brinkmanship.errors import UserError
from brinkmanship.scenario.loader import plain_message
from brinkmanship.scenario.schema import IsoDate, Strict

Measure = Literal["full_war", "armed_conflict", "deliberate_strike", "nuclear_use"]
MEASURES: tuple[str, ...] = ("full_war", "armed_conflict", "deliberate_strike", "nuclear_use")
"""What a judgement measured: a full war; any armed conflict (a clash, contained or not); a deliberate
first strike by one side (the "military option"); nuclear use."""
DATE_PRECISIONS: tuple[str, ...] = ("exact", "approximate", "on or before")
JUDGEMENT_COLUMNS: tuple[str, ...] = (
    "date",
    "date_precision",
    "who",
    "role",
    "quantity",
    "measures",
    "condition",
    "horizon_days",
    "horizon",
    "probability_low",
    "probability_high",
    "source",
    "note",
)

Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class Judgement(Strict):
    """One dated judgement of the risk, as its author gave it."""

    date: IsoDate
    date_precision: Literal["exact", "approximate", "on or before"]
    who: Annotated[str, Field(min_length=1)]
    role: str
    quantity: Annotated[str, Field(min_length=1, description="what it measured, in the author's words")]
    measures: Measure
    condition: str = Field("", description="the condition the number was given under; empty if none")
    horizon_days: Annotated[int, Field(ge=1, le=3650)] | None = Field(
        None, description="the project's reading of the horizon in days; None when unstated"
    )
    horizon: str = Field(description="the horizon in the author's words")
    probability_low: Probability | None = None
    probability_high: Probability | None = None
    source: Annotated[str, Field(min_length=1)]
    note: str = ""
    line: int = Field(0, description="line in the CSV file")

    @model_validator(mode="after")
    def _ordered(self) -> Judgement:
        if self.probability_high is not None and self.probability_low is None:
            raise ValueError("probability_high without probability_low")
        if (
            self.probability_low is not None
            and self.probability_high is not None
            and self.probability_high < self.probability_low
        ):
            raise ValueError(f"probability_high {self.probability_high} is below probability_low")
        return self

    @property
    def numeric(self) -> bool:
        """Whether the judgement gave a number (a few gave a ranking or words only)."""
        return self.probability_low is not None

    @property
    def conditional(self) -> bool:
        """Whether the number holds only under a condition (not a forecast of the crisis as it stood)."""
        return bool(self.condition)

    @property
    def bounds(self) -> tuple[float, float | None] | None:
        """(low, high) as given; high is None for an open "more than" judgement; None without a number."""
        if self.probability_low is None:
            return None
        return self.probability_low, self.probability_high

    def record(self) -> dict[str, object]:
        data = self.model_dump(mode="json")
        data.pop("line")
        return data


def load_judgements(text: str | None = None, where: str = "built-in judgements.csv") -> tuple[Judgement, ...]:
    """The shipped table (or ``text`` in its format), sorted by date; malformed rows name line and field."""
    if text is None:
        text = resources.files("brinkmanship.history").joinpath("data/judgements.csv").read_text("utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    header = list(reader.fieldnames or [])
    if header != list(JUDGEMENT_COLUMNS):
        raise UserError(f"{where} line 1: expected the columns {', '.join(JUDGEMENT_COLUMNS)}")
    rows: list[Judgement] = []
    try:
        for row in reader:
            line = reader.line_num
            if None in row:
                raise UserError(f"{where} line {line}: more values than columns")
            if any(value is None for value in row.values()):
                # DictReader fills a short row with None: say so, not "field ...: required".
                given = sum(value is not None for value in row.values())
                raise UserError(
                    f"{where} line {line}: too few values: {given} for {len(JUDGEMENT_COLUMNS)} columns"
                )
            data: dict[str, object] = {key: value.strip() for key, value in row.items() if value is not None}
            for key in ("horizon_days", "probability_low", "probability_high"):
                if data.get(key) == "":
                    data[key] = None
            try:
                rows.append(Judgement.model_validate({**data, "line": line}))
            except ValidationError as error:
                first = error.errors()[0]
                field = str(first["loc"][0]) if first["loc"] else "(row)"
                raise UserError(f'{where} line {line}, field "{field}": {plain_message(first)}') from None
    except csv.Error as error:
        raise UserError(f"{where} line {reader.line_num}: malformed CSV: {error}") from None
    return tuple(sorted(rows, key=lambda j: (j.date, j.line)))


def judgements_in_span(judgements: tuple[Judgement, ...], first: dt.date, last: dt.date) -> list[Judgement]:
    """The numeric, unconditional judgements dated within the replay's span."""
    return [j for j in judgements if j.numeric and not j.conditional and first <= j.date <= last]
