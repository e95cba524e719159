"""Casualties: OTA rules, counting each person once, and the 38 North (2017) comparison."""

import numpy as np
import pytest

from brinkmanship.effects import Detonation, conventional_war_deaths, plan_consequences
from brinkmanship.effects.casualties import RULES, blast_probabilities, combine
from brinkmanship.errors import UserError

# Zagurek, 38 North (4 Oct 2017): one 250-kt air burst over the centre of each city; together
# "almost 1.5 million" deaths (Asia Times summary); per city about 0.78 M (Seoul) and 0.69 M (Tokyo).
ZAGUREK_250KT = {"Seoul": 783_000, "Tokyo": 695_000}


def test_ota_bands() -> None:
    psi = np.array([20.0, 8.0, 3.0, 1.5, 0.5])
    dead, hurt = blast_probabilities(psi, RULES["central"])
    assert dead.tolist() == [0.98, 0.50, 0.05, 0.0, 0.0]
    assert hurt.tolist() == [0.02, 0.40, 0.45, 0.25, 0.0]


def test_combine_counts_each_person_once() -> None:
    one = (np.array([0.5]), np.array([0.4]))
    dead, hurt = combine(one, one)
    assert dead[0] == pytest.approx(0.75)
    assert dead[0] + hurt[0] <= 1.0


@pytest.mark.parametrize("city", sorted(ZAGUREK_250KT))
def test_central_deaths_within_factor_1_5_of_38_north(city: str) -> None:
    result = plan_consequences([Detonation(yield_kt=250.0, burst="air", target=city)])
    ratio = result.deaths.central / ZAGUREK_250KT[city]
    assert 1 / 1.5 <= ratio <= 1.5
    assert result.deaths.low < result.deaths.central < result.deaths.high
    assert result.injuries.central > result.deaths.central


def test_combined_seoul_tokyo_near_1_5_million() -> None:
    result = plan_consequences([Detonation(250.0, "air", "Seoul"), Detonation(250.0, "air", "Tokyo")])
    assert result.deaths.central == pytest.approx(1_478_000, rel=0.5)


def test_two_bursts_on_one_point_do_not_double_count() -> None:
    one = plan_consequences([Detonation(20.0, "air", "Busan")])
    two = plan_consequences([Detonation(20.0, "air", "Busan"), Detonation(20.0, "air", "Busan")])
    assert one.deaths.central < two.deaths.central < 2 * one.deaths.central


def test_bigger_yield_kills_more_and_ocean_kills_nobody() -> None:
    small = plan_consequences([Detonation(15.0, "air", "Pyongyang")])
    big = plan_consequences([Detonation(150.0, "air", "Pyongyang")])
    assert big.deaths.central > small.deaths.central > 1000
    ocean = plan_consequences([Detonation(100.0, "air", lat=30.0, lon=-140.0)])
    assert ocean.deaths.central == 0.0


def test_empty_plan_is_zero() -> None:
    assert plan_consequences([]).deaths.central == 0.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"yield_kt": -1.0, "target": "Seoul"}, "positive"),
        ({"yield_kt": 200_000.0, "target": "Seoul"}, "100 Mt"),
        ({"yield_kt": 10.0, "target": "Seoul", "height_m": -5.0}, "height"),
        ({"yield_kt": 10.0, "target": "Seoul", "burst": "underwater"}, "burst"),
        ({"yield_kt": 10.0, "lat": 10.0}, "lat and lon"),
    ],
)
def test_bad_detonations_raise_user_error(kwargs: dict, message: str) -> None:
    with pytest.raises(UserError, match=message):
        Detonation(**kwargs)


def test_unknown_target_suggests_names() -> None:
    with pytest.raises(UserError, match="Seoul"):
        plan_consequences([Detonation(10.0, "air", "Seuol")])


def test_conventional_war_deaths_korea() -> None:
    est = conventional_war_deaths()
    assert est["low"] == 30_000 and est["high"] == 300_000
    assert est["low"] < est["central"] < est["high"]
    cuba = conventional_war_deaths("Cuba")
    assert cuba["low"] < cuba["central"] < cuba["high"] < 18_500
    with pytest.raises(UserError, match="korea"):
        conventional_war_deaths("mars")


@pytest.mark.parametrize("yield_kt", [0.5, 50_000.0])
def test_bounds_are_ordered_for_deaths_and_injuries(yield_kt: float) -> None:
    result = plan_consequences([Detonation(yield_kt, "air", "Osaka")])
    for bounds in (result.deaths, result.injuries):
        assert bounds.low <= bounds.central <= bounds.high


@pytest.mark.parametrize(
    ("yield_kt", "burst", "target"),
    [(1000.0, "surface", "Detroit"), (15.0, "air", "Austin"), (250.0, "air", "Seoul")],
)
def test_injury_bounds_are_not_the_central_value(yield_kt: float, burst: str, target: str) -> None:
    # Issue 13: the high injury bound equalled the central value (1 Mt surface on Detroit), because
    # the rules that kill most leave fewer injured; injuries have their own bracketing rule sets.
    result = plan_consequences([Detonation(yield_kt, burst, target)])
    assert result.injuries.low < result.injuries.central < result.injuries.high
    assert result.deaths.low < result.deaths.central < result.deaths.high


def test_air_burst_at_height_zero_is_refused() -> None:
    with pytest.raises(UserError, match="surface burst"):
        Detonation(15.0, "air", "Austin", height_m=0.0)


def test_an_infinite_height_is_refused_as_not_finite() -> None:
    """It said 'must be >= 0 m, got inf', which infinity is (a tester)."""
    with pytest.raises(UserError, match="must be a finite number of metres"):
        Detonation(15.0, "air", "Austin", height_m=float("inf"))


def test_far_apart_targets_are_computed_separately_and_added() -> None:
    apart = [Detonation(1000.0, "air", "Washington"), Detonation(1000.0, "air", "Moscow")]
    together = plan_consequences(apart).deaths.central
    alone = sum(plan_consequences([d]).deaths.central for d in apart)
    assert together == pytest.approx(alone, rel=1e-9)


def test_bounds_quantile_passes_through_low_central_high() -> None:
    from brinkmanship.effects import Bounds

    b = Bounds(central=100.0, low=50.0, high=400.0)
    got = b.quantile([0.05, 0.5, 0.95])
    assert got == pytest.approx([50.0, 100.0, 400.0], rel=1e-6)
    assert np.all(np.diff(b.quantile(np.linspace(0.01, 0.99, 50))) > 0)
    assert Bounds(0.0, 0.0, 0.0).quantile([0.3]).tolist() == [0.0]


def test_war_deaths_takes_scenario_like_strikes() -> None:
    from types import SimpleNamespace

    from brinkmanship.effects import war_deaths

    strikes = [
        SimpleNamespace(target="Seoul", yield_kt=15.0, burst="air"),
        {"target": "Tokyo", "yield_kt": 15},
    ]
    result = war_deaths("korea", strikes)
    assert result.conventional.central == 64_000
    expected = plan_consequences([Detonation(15.0, "air", "Seoul"), Detonation(15.0, "air", "Tokyo")])
    assert result.nuclear == expected.deaths
    assert war_deaths("cuba", []).nuclear.central == 0.0


def test_ota_detroit_one_megaton_surface_burst(monkeypatch: pytest.MonkeyPatch) -> None:
    # OTA (1979), ch. II, fig. 6: 1 Mt surface burst on Detroit, about 220,000 killed and 420,000
    # injured (1970 population; the table here has the 2010 urbanized area, 3.73 M).
    from brinkmanship.effects import plan

    det = [Detonation(1000.0, "surface", "Detroit")]
    result = plan_consequences(det)
    assert result.deaths.low <= 220_000 <= result.deaths.high
    assert result.injuries.low <= 420_000 <= result.injuries.high
    assert 1 / 1.5 <= result.deaths.central / 220_000 <= 1.5
    assert 1 / 1.5 <= result.injuries.central / 420_000 <= 1.5
    # The bands are applied to the 1977 radii they were made with; Brode's wider low-pressure
    # rings would injure more people.
    plan._consequences.cache_clear()
    monkeypatch.setattr(plan, "CASUALTY_BLAST_MODEL", "brode1986")
    brode = plan_consequences(det)
    plan._consequences.cache_clear()
    assert brode.injuries.central > 1.1 * result.injuries.central


def test_nukemap_washington_and_midtown_with_daytime_population() -> None:
    # NUKEMAP-based figures for a 15-kt air burst (Business Insider, Aug 2015): Washington about
    # 126,000 deaths and over 190,000 injuries; Midtown Manhattan about 445,000 deaths. NUKEMAP
    # spreads LandScan's ambient (daytime) population; residential counts fall far short.
    dc = [Detonation(15.0, "air", "Washington")]
    night = plan_consequences(dc)
    day = plan_consequences(dc, "daytime")
    assert day.population == "daytime" and day.daytime_sources and not night.daytime_sources
    assert day.deaths.central > 2 * night.deaths.central
    assert 126_000 / 2 <= day.deaths.central <= 126_000 * 2
    assert night.deaths.central < 126_000 / 2
    assert 190_000 / 2 <= day.injuries.central <= 190_000 * 2
    midtown = [Detonation(15.0, "air", lat=40.7549, lon=-73.9840)]
    assert plan_consequences(midtown, "daytime").deaths.central == pytest.approx(445_000, rel=0.25)


def test_daytime_request_without_commuter_data_says_so() -> None:
    result = plan_consequences([Detonation(15.0, "air", "Pyongyang")], "daytime")
    assert result.population == "daytime" and result.daytime_sources == ()
    assert result.deaths == plan_consequences([Detonation(15.0, "air", "Pyongyang")]).deaths


def test_daytime_population_for_osaka_uses_the_japanese_census() -> None:
    det = [Detonation(15.0, "air", "Osaka")]
    day = plan_consequences(det, "daytime")
    assert day.population == "daytime" and len(day.daytime_sources) == 1
    assert day.daytime_sources[0].startswith("Osaka city") and "3,581,675" in day.daytime_sources[0]
    assert day.deaths.central > plan_consequences(det).deaths.central


def test_daytime_population_for_seoul_uses_the_korean_census_index() -> None:
    """Statistics Korea, 2010 census: Seoul's daytime population index 108.6 (9.63 M residents)."""
    det = [Detonation(15.0, "air", "Seoul")]
    day = plan_consequences(det, "daytime")
    assert day.population == "daytime" and len(day.daytime_sources) == 1
    source = day.daytime_sources[0]
    assert source.startswith("Seoul (25 districts)") and "108.6" in source and "Statistics Korea" in source
    assert day.deaths.central > plan_consequences(det).deaths.central
