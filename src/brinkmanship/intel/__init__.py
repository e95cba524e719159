"""Intelligence readings of the crisis's evidence: test yields, missile ranges, reach.

* :func:`yield_from_magnitudes` — yield range from body-wave magnitudes (several relations).
* :func:`nk_tests` — North Korea's six nuclear tests, agency magnitudes, yield ranges.
* :func:`estimate_range` — minimum-energy range from a lofted test, with a boost model.
* :func:`range_towards_km` — range towards a target with the Earth's rotation.
* :func:`cities_in_reach` — WGS-84 distances from a launch site.
"""

from brinkmanship.intel.magnitude import RELATIONS, YieldEstimate, yield_from_magnitudes
from brinkmanship.intel.missile import RangeEstimate, estimate_range
from brinkmanship.intel.nk_tests import NuclearTest, nk_tests
from brinkmanship.intel.reach import CityReach, cities_in_reach
from brinkmanship.intel.rotation import range_towards_km

__all__ = [
    "RELATIONS",
    "CityReach",
    "NuclearTest",
    "RangeEstimate",
    "YieldEstimate",
    "cities_in_reach",
    "estimate_range",
    "nk_tests",
    "range_towards_km",
    "yield_from_magnitudes",
]
