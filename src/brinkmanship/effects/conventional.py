"""Deaths in the first days of a conventional war, from published estimates.

Korea (artillery, rockets and short-range missiles on Seoul and its environs, no nuclear use):

* Congressional Research Service, *The North Korean Nuclear Challenge: Military Options and Issues
  for Congress*, R44994 (K. J. McInnis et al., 27 Oct / 6 Nov 2017), p. 18: "estimates range from
  between 30,000 and 300,000 dead in the first days of fighting" even if North Korea uses only
  conventional munitions. These are the low and high values.
* R. Cavazos, "Mind the Gap Between Rhetoric and Reality", Nautilus Institute NAPSNet Special
  Report (26 Jun 2012): a counter-value barrage on Seoul from the artillery actually in range
  would kill about 64,000 people on the first day, most in the first three hours. This is the
  central value; it lies near the geometric mean of the CRS range (about 95,000).
"""

from __future__ import annotations

from brinkmanship.errors import UserError

_ESTIMATES: dict[str, dict[str, float]] = {
    "korea": {"central": 64_000.0, "low": 30_000.0, "high": 300_000.0},
}


def conventional_war_deaths(theatre: str = "korea") -> dict[str, float]:
    """Deaths in the first days of a conventional war in ``theatre``.

    Args:
        theatre: Only ``"korea"`` has published estimates here.

    Returns:
        Mapping with ``central``, ``low`` and ``high`` numbers of deaths.

    Raises:
        UserError: Unknown theatre.
    """
    key = theatre.strip().lower()
    if key not in _ESTIMATES:
        raise UserError(f"theatre: no conventional-war estimate for {theatre!r} (known: korea)")
    return dict(_ESTIMATES[key])
