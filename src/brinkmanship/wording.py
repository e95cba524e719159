"""Counts in messages: "1 policy", "2 policies", with thousands separators."""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    """``count`` and the noun that agrees with it: ``one`` for exactly 1, else ``many`` (default ``one``
    + "s"); the count with thousands separators ("1,024 rows")."""
    return f"{count:,} {one if count == 1 else (many if many is not None else one + 's')}"
