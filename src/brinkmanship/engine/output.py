"""Writing a run's results to a folder: summary JSON, survival CSV, per-path Parquet (streamed)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from brinkmanship.engine.ensemble import PathTable
from brinkmanship.engine.state import NEVER, PATH_LABELS

OUTCOME_LABELS = ("unresolved", "agreement", "clash", "war", "nuclear_use")
RESULT_FILES = ("summary.json", "survival.csv", "paths.parquet")
"""The result set of `brink run --out`, written and replaced as a whole (:mod:`engine.atomic`)."""
PATH_SCHEMA = pa.schema(
    [
        ("path_id", pa.int64()),
        ("outcome", pa.dictionary(pa.int8(), pa.string())),
        ("first_event_day", pa.int32()),
        ("clash_day", pa.int32()),
        ("war_day", pa.int32()),
        ("nuclear_day", pa.int32()),
        ("agreement_day", pa.int32()),
        ("breakdown_day", pa.int32()),
        ("agreement_depth", pa.float64()),
        ("war_path", pa.dictionary(pa.int8(), pa.string())),
        ("deaths", pa.float64()),
    ]
)


def outcome_codes(paths: PathTable, days: int) -> np.ndarray:
    """Most severe outcome within the horizon per path, as an index into :data:`OUTCOME_LABELS`."""

    def within(day: np.ndarray) -> np.ndarray:
        return (day != NEVER) & (day < days)

    code = np.zeros(paths.path_id.shape[0], dtype=np.int8)
    code[within(paths.agreement_day)] = 1
    code[within(paths.clash_day)] = 2
    code[within(paths.war_day)] = 3
    code[within(paths.nuclear_day)] = 4
    return code


class PathWriter:
    """Streams per-path tables into ``paths.parquet`` chunk by chunk (memory stays flat)."""

    def __init__(self, folder: Path, days: int) -> None:
        self.final = folder / "paths.parquet"
        self.partial = folder / ".paths.parquet.partial"
        self.days = days
        self.writer = pq.ParquetWriter(self.partial, PATH_SCHEMA)

    def write(self, paths: PathTable, deaths: np.ndarray) -> None:
        code = outcome_codes(paths, self.days)
        # The first of a clash and an agreement (a path may reach an agreement and clash later).
        big = np.iinfo(np.int32).max
        first = np.minimum(
            np.where(paths.clash_day != NEVER, paths.clash_day, big),
            np.where(paths.agreement_day != NEVER, paths.agreement_day, big),
        )
        first = np.where(first == big, NEVER, first)
        first = np.where((first != NEVER) & (first < self.days), first, NEVER)
        path_code = np.where(paths.war_path >= 0, paths.war_path, len(PATH_LABELS)).astype(np.int8)
        war_path = pa.DictionaryArray.from_arrays(pa.array(path_code), pa.array([*PATH_LABELS, "none"]))
        table = pa.table(
            {
                "path_id": pa.array(paths.path_id),
                "outcome": pa.DictionaryArray.from_arrays(pa.array(code), pa.array(list(OUTCOME_LABELS))),
                "first_event_day": pa.array(first.astype(np.int32)),
                "clash_day": pa.array(paths.clash_day.astype(np.int32)),
                "war_day": pa.array(paths.war_day.astype(np.int32)),
                "nuclear_day": pa.array(paths.nuclear_day.astype(np.int32)),
                "agreement_day": pa.array(paths.agreement_day.astype(np.int32)),
                "breakdown_day": pa.array(paths.breakdown_day.astype(np.int32)),
                "agreement_depth": pa.array(paths.agreement_depth.astype(np.float64)),
                "war_path": war_path,
                "deaths": pa.array(deaths),
            },
            schema=PATH_SCHEMA,
        )
        self.writer.write_table(table)

    def close(self) -> Path:
        """Finish the file and move it into place (a crash never leaves a half-written paths.parquet)."""
        self.writer.close()
        os.replace(self.partial, self.final)
        return self.final


def write_summary(folder: Path, result: dict[str, Any]) -> list[Path]:
    """Write ``summary.json`` and ``survival.csv``; return the paths written."""
    summary_path = folder / "summary.json"
    summary_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    survival_path = folder / "survival.csv"
    lines = ["day,p_no_war"] + [f"{day},{p:.6f}" for day, p in enumerate(result["survival"])]
    survival_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [summary_path, survival_path]
