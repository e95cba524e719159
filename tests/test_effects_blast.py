"""Blast: Brode (1986) overpressure fit against OTA (1979) ranges and cube-root scaling."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brinkmanship.effects import blast

MILE_KM = 1.609344

# OTA (1979) The Effects of Nuclear War, ch. II: 1-Mt surface burst on Detroit.
OTA_1MT_SURFACE_MI = {12.0: 1.7, 5.0: 2.7}


@pytest.mark.parametrize("yield_kt", [1.0, 15.0, 100.0, 1000.0])
@pytest.mark.parametrize(("psi", "ota_mi"), sorted(OTA_1MT_SURFACE_MI.items()))
def test_surface_burst_matches_ota_within_10_percent(yield_kt: float, psi: float, ota_mi: float) -> None:
    # OTA's 1-Mt values carried to other yields by cube-root scaling (Glasstone & Dolan 1977, ch. III).
    expected = ota_mi * MILE_KM * (yield_kt / 1000.0) ** (1 / 3)
    got = blast.ground_range_km(psi, yield_kt, 0.0)
    assert got == pytest.approx(expected, rel=0.10)


def test_25_mt_air_burst_one_psi_matches_ota() -> None:
    # OTA (1979): 25 Mt at 17,500 ft over Detroit, 1-psi ring at 30.4 miles.
    got = blast.ground_range_km(1.0, 25_000.0, 17_500 * 0.3048)
    assert got == pytest.approx(30.4 * MILE_KM, rel=0.10)


def test_surface_overpressure_falls_with_distance() -> None:
    p = blast.overpressure_psi([0.2, 0.5, 1.0, 2.0, 5.0], 20.0, 0.0)
    assert all(np.diff(p) < 0)


def test_optimum_height_beats_neighbouring_heights() -> None:
    h = blast.optimum_height_m(5.0, 100.0)
    best = blast.ground_range_km(5.0, 100.0, h)
    assert best is not None
    for factor in (0.0, 0.7, 1.4):
        other = blast.ground_range_km(5.0, 100.0, h * factor) or 0.0
        assert other < best


def test_air_burst_at_optimum_reaches_further_than_surface_burst() -> None:
    h = blast.optimum_height_m(5.0, 250.0)
    assert blast.ground_range_km(5.0, 250.0, h) > 1.3 * blast.ground_range_km(5.0, 250.0, 0.0)


def test_high_pressure_does_not_reach_ground_from_high_burst() -> None:
    assert blast.ground_range_km(20.0, 15.0, 3000.0) is None


@settings(max_examples=30, deadline=None)
@given(st.floats(1.0, 1000.0), st.floats(1.01, 3.0))
def test_surface_radius_monotone_in_yield_and_cube_root_scaled(w: float, factor: float) -> None:
    r1 = blast.ground_range_km(5.0, w, 0.0)
    r2 = blast.ground_range_km(5.0, w * factor, 0.0)
    assert r2 > r1
    assert r2 / r1 == pytest.approx(factor ** (1 / 3), rel=1e-3)


# OTA (1979), ch. II, Detroit 1-Mt surface burst, all four rings (read from Glasstone & Dolan 1977).
OTA_1MT_SURFACE_ALL_MI = {12.0: 1.7, 5.0: 2.7, 2.0: 4.7, 1.0: 7.4}


@pytest.mark.parametrize("yield_kt", [1.0, 1000.0, 9000.0])
@pytest.mark.parametrize(("psi", "ota_mi"), sorted(OTA_1MT_SURFACE_ALL_MI.items()))
def test_glasstone1977_surface_matches_ota_table(yield_kt: float, psi: float, ota_mi: float) -> None:
    expected = ota_mi * MILE_KM * (yield_kt / 1000.0) ** (1 / 3)
    got = blast.model_ground_range_km(psi, yield_kt, 0.0, "glasstone1977")
    assert got == pytest.approx(expected, rel=0.01)
    # The overpressure curve and the range inverse agree.
    back = blast.gd1977_surface_overpressure_psi(got, yield_kt)
    assert float(back) == pytest.approx(psi, rel=0.01)


def test_brode_and_glasstone_differ_at_low_overpressure_only() -> None:
    # Issue 13: 1 Mt surface, 1 psi: Brode 14.26 km against OTA's 7.4 mi (11.9 km).
    brode = blast.model_ground_range_km(1.0, 1000.0, 0.0, "brode1986")
    gd = blast.model_ground_range_km(1.0, 1000.0, 0.0, "glasstone1977")
    assert brode is not None and gd is not None
    assert brode / gd == pytest.approx(1.20, abs=0.03)
    hi_b = blast.model_ground_range_km(12.0, 1000.0, 0.0, "brode1986")
    hi_g = blast.model_ground_range_km(12.0, 1000.0, 0.0, "glasstone1977")
    assert hi_b is not None and hi_g is not None
    assert hi_b / hi_g == pytest.approx(1.0, abs=0.05)
    # Air bursts are the same under both names (Brode stands for the 1977 air-burst curves).
    h = 1800.0
    assert blast.model_ground_range_km(1.0, 1000.0, h, "glasstone1977") == blast.ground_range_km(
        1.0, 1000.0, h
    )


def test_glasstone1977_curve_falls_with_distance() -> None:
    p = blast.gd1977_surface_overpressure_psi(np.geomspace(0.05, 50.0, 200), 100.0)
    assert np.all(np.diff(p) < 0)


def test_unknown_blast_model() -> None:
    from brinkmanship.errors import UserError

    with pytest.raises(UserError, match="--blast"):
        blast.check_blast_model("nukemap")


def test_twenty_psi_ring_sensitivity_and_nukemap_15_kt() -> None:
    # NUKEMAP's published 15-kt air burst (Austin): 20-psi ring 0.335 km. At Little Boy's burst
    # height over Hiroshima (1,968 ft = 600 m; NUKEMAP's "Little Boy" preset, presets.js) the fit
    # gives it within 5 %; at the 5-psi optimum the contour barely touches the ground.
    assert blast.ground_range_km(20.0, 15.0, 600.0) == pytest.approx(0.335, rel=0.05)
    h = blast.optimum_height_m(5.0, 15.0)
    at_opt = blast.ground_range_km(20.0, 15.0, h)
    assert at_opt is not None and at_opt < 0.1
    lower = blast.ground_range_km(20.0, 15.0, 0.9 * h)
    assert lower is not None and lower > 3 * at_opt
    # The 5-psi ring hardly moves over the same change of height.
    assert blast.ground_range_km(5.0, 15.0, 0.9 * h) == pytest.approx(
        blast.ground_range_km(5.0, 15.0, h), rel=0.02
    )
