"""Places: urban-area table, aliases, GeoNames fallback, density model."""

import numpy as np
import pytest

from brinkmanship.effects.places import find_place, urban_areas
from brinkmanship.effects.population import LocalFrame, clark_parameters, density_grid
from brinkmanship.errors import UserError

REQUIRED = [
    "Seoul",
    "Busan",
    "Tokyo",
    "Osaka",
    "Pyongyang",
    "Guam",
    "Okinawa",
    "Honolulu",
    "Anchorage",
    "Seattle",
    "San Francisco",
    "Los Angeles",
    "Washington",
    "New York",
    "Beijing",
    "Moscow",
    "Havana",
    "Miami",
    "Andersen",
    "Kadena",
    "Hagatna",
    "Naha",
]


@pytest.mark.parametrize("name", REQUIRED)
def test_required_cities_are_in_the_urban_table(name: str) -> None:
    place = find_place(name)
    assert place in urban_areas()
    assert place.population > 10_000 and place.area_km2 > 10
    assert place.source


@pytest.mark.parametrize(("city", "area"), [("Incheon", "Seoul"), ("Yokohama", "Tokyo"), ("Kobe", "Osaka")])
def test_cities_inside_an_urban_area_are_aimed_at_their_own_centre(city: str, area: str) -> None:
    own, whole = find_place(city), find_place(area)
    assert own not in urban_areas() and own.country == whole.country
    assert 10 < np.hypot(own.lat - whole.lat, (own.lon - whole.lon) * 0.8) * 111 < 60


def test_lookup_ignores_case_accents_and_dashes() -> None:
    assert find_place("seoul-incheon") == find_place("SEOUL–INCHEON")
    assert find_place("Hagåtña") == find_place("hagatna")


def test_geonames_fallback() -> None:
    place = find_place("Lyon")
    assert place.country == "FR" and place.population > 400_000


def test_unknown_name_suggests_close_ones() -> None:
    with pytest.raises(UserError, match="Tokyo"):
        find_place("Tokio")


def test_clark_density_integrates_to_population() -> None:
    place = find_place("Seoul")
    rho0, _ = clark_parameters(place)
    assert 15_000 < rho0 < 40_000
    frame = LocalFrame(place.lat, place.lon)
    xs = np.arange(-150.0, 150.0, 0.5) + 0.25
    xx, yy = np.meshgrid(xs, xs)
    total = density_grid(frame, [place], xx, yy).sum() * 0.25
    assert total == pytest.approx(place.population, rel=0.01)


def test_dense_central_city_gets_a_core_component() -> None:
    from brinkmanship.effects.population import clark_components

    new_york = clark_components(find_place("New York"))
    assert len(new_york) == 2 and sum(rho for rho, _ in new_york) > 25_000
    assert len(clark_components(find_place("Seoul"))) == 1
    frame = LocalFrame(find_place("New York").lat, find_place("New York").lon)
    xs = np.arange(-200.0, 200.0, 0.5) + 0.25
    xx, yy = np.meshgrid(xs, xs)
    total = density_grid(frame, [find_place("New York")], xx, yy).sum() * 0.25
    assert total == pytest.approx(find_place("New York").population, rel=0.01)


@pytest.mark.parametrize("name", ["Washington", "New York", "Tokyo", "Osaka"])
def test_daytime_population_moves_people_but_keeps_the_total(name: str) -> None:
    from brinkmanship.effects.population import daytime_cores

    place = find_place(name)
    core = daytime_cores()[place.name][0]
    frame = LocalFrame(place.lat, place.lon)
    cell = 0.5
    xs = np.arange(-250.0, 250.0, cell) + cell / 2
    xx, yy = np.meshgrid(xs, xs)
    night = density_grid(frame, [place], xx, yy) * cell**2
    day = density_grid(frame, [place], xx, yy, "daytime") * cell**2
    assert day.sum() == pytest.approx(night.sum(), rel=1e-3)
    # The core holds more people by day than by night, by most of the census inflow.
    cx, cy = frame.to_xy(np.array(core.lat), np.array(core.lon))
    inside = np.hypot(xx - cx, yy - cy) <= np.sqrt(core.area_km2 / np.pi)
    gained = day[inside].sum() - night[inside].sum()
    assert 0.5 * core.inflow < gained < core.inflow


def test_daytime_table_has_sources_and_inflows() -> None:
    from brinkmanship.effects.population import daytime_cores

    cores = [c for group in daytime_cores().values() for c in group]
    assert {c.urban_area for c in cores} <= {p.name for p in urban_areas()}
    assert all(c.daytime > 0 and c.resident > 0 and "Census" in c.source for c in cores)
    # Only Detroit loses people by day (Census 2000: -0.1 %); every other core gains.
    assert [c.urban_area for c in cores if c.daytime <= c.resident] == ["Detroit"]


# US Census Bureau, Census 2000 PHC-T-40, "Estimated Daytime Population and Employment-Residence
# Ratios: 2000" (2005), places table: resident and daytime (commuter-adjusted) populations of the
# central city. Miami and Honolulu CDP: the table's gain (+135,066, 37.3 %; +93,305, 25.1 %) on
# the Census 2000 counts 362,470 and 371,657. Land areas: Census Bureau, as cited in daytime.csv.
CENSUS_2000_DAYTIME = [
    ("Los Angeles", 3_694_820, 3_822_697, 1214.9),
    ("Chicago", 2_896_016, 3_038_344, 588.3),
    ("Houston", 1_953_631, 2_356_944, 1500.6),
    ("Philadelphia", 1_517_550, 1_607_780, 347.3),
    ("San Diego", 1_223_400, 1_365_327, 840.1),
    ("Detroit", 951_270, 950_611, 359.4),
    ("San Francisco", 776_733, 945_480, 121.4),
    ("Boston", 589_141, 831_233, 125.4),
    ("Seattle", 563_374, 723_417, 217.4),
    ("Denver", 554_636, 710_122, 397.2),
    ("Atlanta", 416_474, 676_431, 341.2),
    ("Miami", 362_470, 497_536, 92.4),
    ("Honolulu", 371_657, 464_962, 221.9),
]


@pytest.mark.parametrize(("name", "resident", "daytime", "area_km2"), CENSUS_2000_DAYTIME)
def test_daytime_uses_the_census_2000_commuter_inflow(
    name: str, resident: int, daytime: int, area_km2: float
) -> None:
    from brinkmanship.effects.population import daytime_cores

    place = find_place(name)
    (core,) = daytime_cores()[place.name]
    assert (core.resident, core.daytime, core.area_km2) == (resident, daytime, area_km2)
    assert "PHC-T-40" in core.source and f"{resident:,}" in core.source
    assert core.inflow == daytime - resident
    # By day the core's equal-area circle gains the inflow component's own 70 % of the census
    # inflow (the commuters are drawn from outside it), and the urban area keeps its total.
    frame = LocalFrame(place.lat, place.lon)
    cell = 0.5
    xs = np.arange(-150.0, 150.0, cell) + cell / 2
    xx, yy = np.meshgrid(xs, xs)
    night = density_grid(frame, [place], xx, yy) * cell**2
    day = density_grid(frame, [place], xx, yy, "daytime") * cell**2
    assert day.sum() == pytest.approx(night.sum(), rel=1e-3)
    assert day.min() >= 0.0
    cx, cy = frame.to_xy(np.array(core.lat), np.array(core.lon))
    inside = np.hypot(xx - cx, yy - cy) <= np.sqrt(core.area_km2 / np.pi)
    gained = day[inside].sum() - night[inside].sum()
    assert gained == pytest.approx(0.70 * core.inflow, rel=0.03)


def test_daytime_osaka_matches_the_japanese_census() -> None:
    from brinkmanship.effects.population import daytime_cores

    # Osaka Prefecture, 2005 census commuting tabulation: Osaka city 3,581,675 by day against
    # 2,594,686 residents (day/night ratio 138.0), on 222.11 km2.
    (core,) = daytime_cores()[find_place("Osaka").name]
    assert core.core.startswith("Osaka city")
    assert (core.resident, core.daytime, core.area_km2) == (2_594_686, 3_581_675, 222.11)
    assert round(100 * core.daytime / core.resident, 1) == 138.0
    assert "2005 Population Census" in core.source and "3,581,675" in core.source


def test_unknown_population_kind() -> None:
    with pytest.raises(UserError, match="--population"):
        density_grid(LocalFrame(0.0, 0.0), [], np.zeros(1), np.zeros(1), "weekend")


def test_a_country_and_region_ending_chooses_among_namesakes() -> None:
    """Eight GeoNames cities are called Springfield; a plain name gives the largest, and
    'Springfield, US-IL' (or just the country for a name one country has) chooses another."""
    from brinkmanship.effects.places import namesakes, namesakes_note

    assert find_place("Springfield").label == "Springfield, US-MO"
    assert find_place("Springfield, US-IL").label == "Springfield, US-IL"
    assert find_place("Moscow, US").label == "Moscow, US-ID"
    assert find_place("Moscow, RU") == find_place("Moscow") and find_place("Moscow") in urban_areas()
    assert len(namesakes("Springfield")) == 8 and namesakes("Pyongyang") == (find_place("Pyongyang"),)
    assert namesakes_note("Pyongyang", find_place("Pyongyang")) is None
    note = namesakes_note("Moscow", find_place("Moscow"))
    assert note is not None and "used Moscow, RU (the urban-area table's)" in note and "Moscow, US-ID" in note
    with pytest.raises(UserError, match="no place 'Springfield' in US-ZZ"):
        find_place("Springfield, US-ZZ")
