"""Words shown to users: counts that agree ("1 policy", "2 policies"), text drawn as written."""

from __future__ import annotations

from typing import Any


def plural(count: int, one: str, many: str | None = None) -> str:
    """``count`` and the noun that agrees with it: ``one`` for exactly 1, else ``many`` (default ``one``
    + "s"); the count with thousands separators ("1,024 rows")."""
    return f"{count:,} {one if count == 1 else (many if many is not None else one + 's')}"


def literal_text(figure: Any) -> Any:
    """Draw every text of a Matplotlib ``figure`` as written, and return the figure.

    Matplotlib reads the part of a text between two '$' as mathematics: an event of a user's history
    ("sanctions of $2 billion after $1 billion") came out garbled, and a name such as ``$\\x$`` stopped the
    figure with a parser's traceback. Names, events and labels here are never mathematics. Called on
    each figure just before it is saved.
    """
    for artist in figure.findobj(lambda artist: hasattr(artist, "set_parse_math")):
        artist.set_parse_math(False)
    return figure
