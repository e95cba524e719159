"""North Korea's six nuclear tests: magnitudes reported by several agencies, yield ranges."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from brinkmanship.intel.magnitude import YieldEstimate, yield_from_magnitudes


@dataclass(frozen=True)
class NuclearTest:
    """One test with its agency magnitudes, our yield range and any published yield range."""

    number: int
    date: str
    magnitudes: dict[str, float]
    estimate: YieldEstimate
    published_kt: tuple[float, float] | None
    published_source: str | None


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("brinkmanship.intel").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def nk_tests() -> tuple[NuclearTest, ...]:
    """The shipped table (data/nk_nuclear_tests.csv, data/nk_published_yields.csv)."""
    rows = _read("nk_nuclear_tests.csv")
    published = {int(r["test"]): r for r in _read("nk_published_yields.csv")}
    tests = []
    for number in sorted({int(r["test"]) for r in rows}):
        mine = [r for r in rows if int(r["test"]) == number]
        # Local magnitudes (ML) are not body-wave magnitudes; they are shown but not converted.
        mags = {r["agency"]: float(r["mb"]) for r in mine}
        mb_only = [float(r["mb"]) for r in mine if "(ML" not in r["source"]]
        pub = published.get(number)
        tests.append(
            NuclearTest(
                number=number,
                date=mine[0]["date"],
                magnitudes=mags,
                estimate=yield_from_magnitudes(mb_only),
                published_kt=(float(pub["low_kt"]), float(pub["high_kt"])) if pub else None,
                published_source=pub["source"] if pub else None,
            )
        )
    return tuple(tests)
