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

Cuba 1962 (a US invasion, no nuclear use): the Joint Chiefs estimated 18,500 US casualties in the
first ten days of the invasion (Gen. M. Taylor's memorandum of 2 Nov 1962, National Security
Archive Electronic Briefing Book 397, W. Burr, 16 Oct 2012). Casualties count the wounded; battle
deaths were 30.3 % of US battle deaths plus wounded in the Second World War (291,557 and 670,846),
24.6 % in Korea (33,739 and 103,284) and 23.6 % in Vietnam (47,434 and 153,303) (US Department of
Defense figures). Low, central and high apply 23.6 %, 24.6 % and 30.3 % to 18,500. These are US
deaths only: Cuban and Soviet losses were not estimated in those documents, so the figures are a
floor for total deaths.
"""

from __future__ import annotations

from brinkmanship.errors import UserError

_ESTIMATES: dict[str, dict[str, float]] = {
    "korea": {"central": 64_000.0, "low": 30_000.0, "high": 300_000.0},
    "cuba": {"central": 18_500 * 0.246, "low": 18_500 * 0.236, "high": 18_500 * 0.303},
}


def conventional_war_deaths(theatre: str = "korea") -> dict[str, float]:
    """Deaths in the first days of a conventional war in ``theatre``.

    Args:
        theatre: ``"korea"`` or ``"cuba"`` (US deaths only, a floor).

    Returns:
        Mapping with ``central``, ``low`` and ``high`` numbers of deaths.

    Raises:
        UserError: Unknown theatre.
    """
    key = theatre.strip().lower()
    if key not in _ESTIMATES:
        known = ", ".join(sorted(_ESTIMATES))
        raise UserError(f"theatre: no conventional-war estimate for {theatre!r} (known: {known})")
    return dict(_ESTIMATES[key])
