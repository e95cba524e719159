"""Thermal burns, initial radiation and fireball against published ranges."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brinkmanship.effects import fireball, radiation, thermal


@pytest.mark.parametrize(
    ("yield_kt", "radius_km"),
    # Third-degree burn ranges, Glasstone & Dolan (1977) ch. 12 via ASU EEE460 notes.
    [(20.0, 2.7), (1000.0, 12.0), (20000.0, 39.0)],
)
def test_third_degree_burn_radius_within_20_percent(yield_kt: float, radius_km: float) -> None:
    assert thermal.burn_radius_km(yield_kt, "air", 0.0, degree=3) == pytest.approx(radius_km, rel=0.20)


@pytest.mark.parametrize(
    ("degree", "yield_kt", "radius_km"),
    # First- and second-degree ranges of the same table; the transmittance was fitted to the
    # third-degree column only, so these are out-of-sample checks.
    [
        (1, 20.0, 4.3),
        (1, 1000.0, 18.0),
        (1, 20000.0, 52.0),
        (2, 20.0, 3.2),
        (2, 1000.0, 14.4),
        (2, 20000.0, 45.0),
    ],
)
def test_first_and_second_degree_radii_out_of_sample(degree: int, yield_kt: float, radius_km: float) -> None:
    assert thermal.burn_radius_km(yield_kt, "air", 0.0, degree=degree) == pytest.approx(radius_km, rel=0.20)


def test_burn_thresholds_rise_with_yield() -> None:
    assert thermal.burn_threshold_cal_cm2(20.0, 3) == pytest.approx(8.0)
    assert thermal.burn_threshold_cal_cm2(1000.0, 3) == pytest.approx(10.0)
    assert 8.0 < thermal.burn_threshold_cal_cm2(150.0, 3) < 10.0
    assert thermal.burn_threshold_cal_cm2(1.0, 2) == pytest.approx(5.0)  # clamped below 20 kt


def test_surface_burst_burns_less_far_than_air_burst() -> None:
    assert thermal.burn_radius_km(100.0, "surface", 0.0) < thermal.burn_radius_km(100.0, "air", 0.0)


@settings(max_examples=30, deadline=None)
@given(st.floats(1.0, 1000.0), st.floats(1.05, 3.0))
def test_burn_radius_monotone_in_yield(w: float, factor: float) -> None:
    assert thermal.burn_radius_km(w * factor, "air", 0.0) > thermal.burn_radius_km(w, "air", 0.0)


@pytest.mark.parametrize(("yield_kt", "radius_km"), [(15.0, 1.2), (1000.0, 2.7)])
def test_500_rem_slant_range_within_20_percent(yield_kt: float, radius_km: float) -> None:
    # NUKEMAP / Sublette NWFAQ 5.1 500-rem ranges.
    assert radiation.dose_radius_km(500.0, yield_kt, 0.0) == pytest.approx(radius_km, rel=0.20)


def test_radiation_does_not_reach_ground_from_high_burst() -> None:
    assert radiation.dose_radius_km(500.0, 1000.0, 3000.0) is None


@settings(max_examples=30, deadline=None)
@given(st.floats(0.1, 5.0), st.floats(1.05, 3.0))
def test_dose_falls_with_distance(r: float, factor: float) -> None:
    assert radiation.dose_rem(r * factor, 100.0) < radiation.dose_rem(r, 100.0)


@pytest.mark.parametrize(("yield_kt", "diameter_ft"), [(20.0, 1550.0), (1000.0, 7200.0)])
def test_fireball_maximum_size(yield_kt: float, diameter_ft: float) -> None:
    # Glasstone & Dolan (1977) Fig. 2.51a: maximum fireball diameters.
    radius_km = diameter_ft / 2 * 0.0003048
    assert fireball.fireball_radius_km(yield_kt, "air") == pytest.approx(radius_km, rel=0.10)
    assert fireball.fireball_radius_km(1000.0, "surface") > fireball.fireball_radius_km(1000.0, "air")
