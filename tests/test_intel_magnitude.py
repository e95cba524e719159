"""Magnitude-yield relations and the shipped table of North Korea's tests."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brinkmanship.errors import UserError
from brinkmanship.intel import RELATIONS, nk_tests, yield_from_magnitudes


def test_murphy_relation() -> None:
    murphy = next(r for r in RELATIONS if r.name == "murphy1981")
    assert murphy.yield_kt(4.45) == pytest.approx(1.0)
    assert murphy.yield_kt(6.1) == pytest.approx(10 ** (1.65 / 0.75))


def test_pabian_relation_reproduces_38_north_pairs() -> None:
    pabian = next(r for r in RELATIONS if r.name == "pabian2017")
    assert pabian.yield_kt(5.8) == pytest.approx(120, rel=0.05)
    assert pabian.yield_kt(6.1) == pytest.approx(250, rel=0.05)


def test_2017_test_consistent_with_150_to_250_kt() -> None:
    sixth = nk_tests()[-1]
    assert sixth.date == "2017-09-03"
    est = sixth.estimate
    assert est.low <= 150 and est.high >= 250
    assert 150 <= est.central <= 250


def test_six_tests_with_several_agencies() -> None:
    tests = nk_tests()
    assert [t.number for t in tests] == [1, 2, 3, 4, 5, 6]
    assert all(len(t.magnitudes) >= 3 for t in tests)
    assert tests[-1].estimate.central > 10 * tests[-2].estimate.central


def test_ranges_overlap_published_yields() -> None:
    for t in nk_tests():
        if t.published_kt:
            low, high = t.published_kt
            assert t.estimate.low <= high and t.estimate.high >= low


def test_kigam_2013_inside_range_at_mb_4_9() -> None:
    # KIGAM (Korea Institute of Geoscience and Mineral Resources), Feb 2013: 7.7-7.8 kt for the
    # third test, KMA/CTBTO mb 4.9. The relations' central values alone (3.98-4.53 kt) miss it.
    est = yield_from_magnitudes([4.9])
    assert est.low <= 7.7 and est.high >= 7.8
    assert est.relations_span[1] < 7.7


def test_2017_published_yields_inside_range_at_mb_6_3() -> None:
    # USGS mb 6.3. Arms Control Today editorial (Nov 2017): 150-250 kt; Japan's Ministry of
    # Defense (Sep 2017): about 160 kt. The relations alone gave 252-408 kt.
    est = yield_from_magnitudes([6.3])
    assert est.low <= 150 and est.high >= 250
    assert est.low <= 160 <= est.high
    assert est.relations_span[0] > 160


def test_range_covers_the_stated_uncertainties() -> None:
    from brinkmanship.intel.magnitude import SIGMA_MB

    # The agencies' term comes from the shipped table: 0.12-0.22 mb per test.
    assert 0.12 <= SIGMA_MB["agencies"] <= 0.22
    one = yield_from_magnitudes([6.1])
    many = yield_from_magnitudes([6.1] * 4)
    assert many.sigma_mb < one.sigma_mb
    assert many.high / many.low < one.high / one.low
    # Wider than the spread of central values, but a factor of a few, not orders of magnitude.
    assert one.low < one.relations_span[0] and one.high > one.relations_span[1]
    assert one.high / one.low < 20


@pytest.mark.parametrize("mb", [1.0, 9.0, float("nan")])
def test_magnitude_out_of_range(mb: float) -> None:
    with pytest.raises(UserError, match="--mb"):
        yield_from_magnitudes([mb])


@settings(max_examples=40, deadline=None)
@given(st.floats(3.5, 6.9), st.floats(0.05, 0.5))
def test_yield_monotone_in_magnitude(mb: float, step: float) -> None:
    lo = yield_from_magnitudes([mb])
    hi = yield_from_magnitudes([min(mb + step, 7.0)])
    assert hi.central >= lo.central
    assert lo.low <= lo.central <= lo.high


def test_yield_never_falls_as_magnitude_rises_on_a_fine_grid() -> None:
    """Relations entering or leaving at the edges of their ranges made the answer jump back (mb 3.49:
    central 0.0919 kt, mb 3.5: 0.0835 kt); tapered weights keep the central value and both bounds
    rising over the whole accepted range."""
    import numpy as np

    grid = np.round(np.arange(3.0, 7.0 + 1e-9, 0.005), 3)
    estimates = [yield_from_magnitudes([float(mb)]) for mb in grid]
    for key in ("low", "central", "high"):
        values = np.array([getattr(e, key) for e in estimates])
        assert np.all(np.diff(values) > 0), key
    # No step between neighbouring magnitudes is a jump: 0.005 mb moves a yield by a few per cent.
    central = np.array([e.central for e in estimates])
    assert np.max(np.diff(np.log(central))) < 0.05


def test_relations_taper_inside_their_ranges() -> None:
    kim = next(r for r in RELATIONS if r.name == "kim_richards")
    assert kim.weight(3.5) == 0.0 and kim.weight(3.4) == 0.0 and kim.weight(3.75) == 1.0
    assert kim.weight(3.625) == pytest.approx(0.5) and kim.weight(6.5) == 0.0
    murphy = next(r for r in RELATIONS if r.name == "murphy1981")
    assert murphy.weight(3.0) == 1.0 and murphy.weight(7.0) == 1.0


def test_disagreeing_magnitudes_widen_the_range() -> None:
    """mb 6.3 and 4.0 cannot both be one event's magnitude within the agencies' 0.175 mb: their mean
    was read with a smaller error than either alone. The Birge ratio widens it to their spread."""
    both = yield_from_magnitudes([6.3, 4.0])
    alone = yield_from_magnitudes([6.3])
    assert both.birge_ratio > 5
    assert both.sigma_mb > alone.sigma_mb
    assert both.high / both.low > alone.high / alone.low
    assert both.low < yield_from_magnitudes([4.0]).high and both.high > alone.low
    agreeing = yield_from_magnitudes([6.1, 6.1, 6.2])
    assert agreeing.birge_ratio == 1.0 and agreeing.sigma_mb < alone.sigma_mb
