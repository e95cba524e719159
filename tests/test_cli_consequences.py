"""`brink effects` and `brink intel ...` through the real entry point."""

import json
from pathlib import Path

import pytest

from brinkmanship.cli import main

RING_KEYS = {"fireball", "psi_20", "psi_5", "psi_1", "burn_3rd", "rem_500"}
BOUND_KEYS = {"central", "low", "high"}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Default map files land in a temporary directory, not the checkout."""
    monkeypatch.chdir(tmp_path)


def run_json(capsys: pytest.CaptureFixture[str], args: list[str]) -> dict:
    assert main(args) == 0
    return json.loads(capsys.readouterr().out)


def fail(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("error")
    return err


def test_effects_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = run_json(
        capsys,
        [
            "effects",
            "--yield-kt",
            "250",
            "--burst",
            "air",
            "--target",
            "Seoul",
            "--json",
            "--map",
            str(tmp_path / "rings.png"),
        ],
    )
    assert set(out["radii_km"]) == RING_KEYS
    assert out["radii_km"]["fireball"] is None  # the optimum-height fireball stays off the ground
    assert out["radii_km"]["psi_1"] > out["radii_km"]["psi_5"] > 0
    assert out["height_m"] > 1000
    assert set(out["deaths"]) == BOUND_KEYS and set(out["injuries"]) == BOUND_KEYS
    assert out["deaths"]["low"] < out["deaths"]["central"] < out["deaths"]["high"]
    assert (tmp_path / "rings.png").stat().st_size > 1000


def test_effects_surface_by_coordinates(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(
        capsys,
        ["effects", "--yield-kt", "15", "--burst", "surface", "--lat", "37.57", "--lon", "126.98", "--json"],
    )
    assert out["height_m"] == 0
    assert out["radii_km"]["fireball"] > 0
    assert out["deaths"]["central"] > 10_000


def test_effects_plan(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    plan = tmp_path / "strikes.yaml"
    plan.write_text("detonations:\n  - {target: Tokyo, yield_kt: 100}\n  - {target: Osaka, yield_kt: 100}\n")
    out = run_json(capsys, ["effects", "--plan", str(plan), "--json"])
    assert len(out["detonations"]) == 2
    assert out["deaths"]["central"] > 100_000


def test_effects_text_writes_default_map(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["effects", "--yield-kt", "20", "--target", "Havana"]) == 0
    text = capsys.readouterr().out
    assert "deaths" in text and "psi_5" in text
    assert (tmp_path / "effects.png").exists()
    assert main(["effects", "--yield-kt", "20", "--target", "Miami", "--map", "", "--json"]) == 0
    assert "map" not in json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["effects", "--yield-kt", "-3", "--target", "Seoul"], "positive"),
        (["effects", "--yield-kt", "150000", "--target", "Seoul"], "100 Mt"),
        (["effects", "--yield-kt", "10", "--target", "Seoul", "--height-m", "-100"], "height"),
        (["effects", "--yield-kt", "10", "--target", "Seuol"], "did you mean"),
        (["effects", "--yield-kt", "15", "--target", "Austin", "--height-m", "0"], "surface burst"),
        (["effects", "--yield-kt", "15", "--target", "Austin", "--blast", "nukemap"], "--blast"),
        (["effects", "--yield-kt", "15", "--target", "Austin", "--population", "weekend"], "--population"),
        (["effects", "--yield-kt", "15", "--target", "Austin", "--convention", "nukemp"], "--convention"),
        (
            [
                "effects",
                "--yield-kt",
                "15",
                "--target",
                "Austin",
                "--convention",
                "nukemap",
                "--blast",
                "glasstone1977",
            ],
            "--convention nukemap",
        ),
        (["effects", "--yield-kt", "10"], "--target"),
        (["intel", "yield", "--mb", "11"], "--mb"),
        (
            ["intel", "range", "--apogee-km", "100", "--ground-range-km", "5000", "--flight-time-min", "10"],
            "missile data",
        ),
        (["intel", "reach", "--range-km", "5000", "--from", "Qqxzville"], "--from"),
    ],
)
def test_user_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    assert needle in fail(capsys, args)


def test_malformed_plan(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    plan = tmp_path / "bad.yaml"
    plan.write_text("detonations: [ {target: Seoul")
    assert "malformed YAML" in fail(capsys, ["effects", "--plan", str(plan)])


def test_intel_yield(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(capsys, ["intel", "yield", "--mb", "6.1", "--json"])
    assert set(out["yield_kt"]) == {"low", "central", "high"}
    assert out["yield_kt"]["low"] <= 250 and out["yield_kt"]["high"] >= 150
    assert {r["name"] for r in out["relations"]} >= {"murphy1981", "pabian2017"}
    assert "depth of burial" in out["range_covers"] and out["sigma_mb"]["combined"] > 0.2


def test_intel_yield_text_writes_a_large_yield_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    """mb 6.3's range ends above 1,000 kt: it read '93-1.01e+03 kt' (a tester)."""
    assert main(["intel", "yield", "--mb", "6.3"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "e+" not in first and "1,0" in first


def test_intel_tests(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(capsys, ["intel", "tests", "--json"])
    assert len(out["tests"]) == 6
    assert main(["intel", "tests"]) == 0
    assert "2017-09-03" in capsys.readouterr().out


def test_intel_tests_table_is_aligned(capsys: pytest.CaptureFixture[str]) -> None:
    """Every row's columns start where the header's do (the yield and published columns drifted with
    the length of each test's list of magnitudes)."""
    assert main(["intel", "tests"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if "date" in line and "published" in line)
    rows = [line for line in lines if line.lstrip("│ ")[:1].isdigit() and "-" in line]
    assert len(rows) == 6

    def bars(line: str) -> list[int]:
        return [i for i, c in enumerate(line) if c in "│┃"]

    assert len(bars(header)) == 7
    assert all(bars(row) == bars(header) for row in rows)


def test_intel_range(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(
        capsys,
        [
            "intel",
            "range",
            "--apogee-km",
            "3725",
            "--ground-range-km",
            "998",
            "--flight-time-min",
            "47",
            "--target",
            "Los Angeles",
            "--target",
            "New York",
            "--json",
        ],
    )
    assert set(out["range_km"]) == {"low", "central", "high"}
    assert out["range_km"]["central"] == pytest.approx(10_400, rel=0.10)
    by = out["range_km_by_target"]
    assert by["Los Angeles"]["in_reach"] and by["Los Angeles"]["range_km"] > out["range_km"]["central"]


def test_intel_range_aim_convention(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["intel", "range", "--apogee-km", "3725", "--ground-range-km", "998", "--flight-time-min", "47.2"]
    args += ["--target", "Boston", "--json"]
    aimed = run_json(capsys, args)
    unaimed = run_json(capsys, [*args, "--aim", "bearing"])
    assert aimed["aim"] == "target" and "lands on the target's bearing" in aimed["aim_means"]
    assert unaimed["aim"] == "bearing"
    # The uncorrected shot is credited with the range of a bearing 8-9 degrees further east.
    assert (
        unaimed["range_km_by_target"]["Boston"]["range_km"]
        > aimed["range_km_by_target"]["Boston"]["range_km"]
    )
    err = fail(capsys, [*args, "--aim", "north"])
    assert "--aim" in err


def test_intel_range_refuses_the_launch_site_as_its_own_target(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["intel", "range", "--apogee-km", "3725", "--ground-range-km", "998", "--flight-time-min", "47.2"]
    err = fail(capsys, [*args, "--from", "Pyongyang", "--target", "Pyongyang"])
    assert "the launch site itself" in err and "no bearing" in err


def test_intel_range_default_targets_include_the_east_coast(capsys: pytest.CaptureFixture[str]) -> None:
    """Wright's 28 Jul 2017 table names Boston, New York and Washington."""
    args = ["intel", "range", "--apogee-km", "3725", "--ground-range-km", "998", "--flight-time-min", "47.2"]
    out = run_json(capsys, [*args, "--json"])
    assert {"Boston", "New York", "Washington"} <= set(out["range_km_by_target"])


def test_intel_reach(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    png = tmp_path / "reach.png"
    out = run_json(
        capsys, ["intel", "reach", "--range-km", "10400", "--from", "Pyongyang", "--map", str(png), "--json"]
    )
    names = {c["name"]: c for c in out["cities"]}
    assert names["Anchorage"]["in_reach"] and not names["New York"]["in_reach"]
    assert png.stat().st_size > 1000


def test_effects_fallout_is_marked_experimental(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(
        capsys,
        [
            "effects",
            "--yield-kt",
            "100",
            "--burst",
            "surface",
            "--target",
            "Busan",
            "--wind-kmh",
            "25",
            "--json",
        ],
    )
    assert out["fallout"]["experimental"] is True
    assert out["fallout"]["area_km2"]["rem_450"] > 0


def test_intel_range_near_orbital_speed(capsys: pytest.CaptureFixture[str]) -> None:
    # Hwasong-17, 24 Mar 2022 (Japan MoD: can exceed 15,000 km depending on the warhead).
    args = [
        "intel",
        "range",
        "--apogee-km",
        "6248.5",
        "--ground-range-km",
        "1090",
        "--flight-time-min",
        "67.5",
    ]
    out = run_json(capsys, [*args, "--target", "New York", "--json"])
    assert max(out["range_km"].values()) <= 20_020
    assert out["any_point_on_earth"]["high"] and not out["any_point_on_earth"]["low"]
    assert out["range_km"]["low"] <= 15_000
    assert out["simple_range_km"] == pytest.approx(15_000, rel=0.06)
    high = out["readings"]["high"]
    assert high["burnout_speed_km_s"] > high["circular_speed_km_s"]
    assert main([*args, "--target", "New York"]) == 0
    text = capsys.readouterr().out
    assert "any point on Earth" in text and "km/s" in text and "the band covers" in text


def test_effects_blast_models(capsys: pytest.CaptureFixture[str]) -> None:
    # OTA (1979): 1-Mt surface burst, 1 psi at 7.4 mi (11.9 km) on Glasstone & Dolan's curves.
    args = ["effects", "--yield-kt", "1000", "--burst", "surface", "--target", "Detroit", "--map", ""]
    gd = run_json(capsys, [*args, "--blast", "glasstone1977", "--json"])
    brode = run_json(capsys, [*args, "--json"])
    assert gd["radii_km"]["psi_1"] == pytest.approx(11.9, abs=0.1)
    assert brode["radii_km"]["psi_1"] > 1.15 * gd["radii_km"]["psi_1"]
    assert brode["blast_model"] == "brode1986" and "Glasstone" in brode["casualty_rules"]
    # Casualties do not depend on the model the rings are drawn with.
    assert gd["deaths"] == brode["deaths"] and gd["injuries"] == brode["injuries"]


def test_effects_says_which_population(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["effects", "--yield-kt", "15", "--target", "Washington", "--map", ""]
    day = run_json(capsys, [*args, "--population", "daytime", "--json"])
    night = run_json(capsys, [*args, "--json"])
    assert day["population"] == "daytime" and "Commuter-Adjusted" in day["daytime_sources"][0]
    assert night["population"] == "residential" and night["daytime_sources"] == []
    assert day["deaths"]["central"] > night["deaths"]["central"]
    assert main([*args, "--population", "daytime"]) == 0
    assert "population: daytime" in capsys.readouterr().out


def test_a_daytime_request_without_commuter_data_says_residential_in_json_and_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """JSON's population is what the counts are; what was asked is beside it."""
    args = ["effects", "--yield-kt", "15", "--target", "Busan", "--map", "", "--population", "daytime"]
    out = run_json(capsys, [*args, "--json"])
    assert out["population"] == "residential" and out["population_requested"] == "daytime"
    assert out["daytime_sources"] == []
    assert main(args) == 0
    assert "no commuter data for this area: residential counts used" in capsys.readouterr().out


def test_the_daytime_text_names_its_census(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["effects", "--yield-kt", "15", "--target", "Seoul", "--map", "", "--population", "daytime"]
    assert main(args) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("population:"))
    assert "Seoul (25 districts)" in line and "(Statistics Korea, 2010 Population and Housing Census" in line


def test_effects_daytime_osaka_names_the_japanese_census(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["effects", "--yield-kt", "15", "--target", "Osaka", "--map", "", "--population", "daytime"]
    day = run_json(capsys, [*args, "--json"])
    assert day["population"] == "daytime" and "2005 Population Census" in day["daytime_sources"][0]
    assert main(args) == 0
    assert "population: daytime, commuter inflow into Osaka city" in capsys.readouterr().out


def test_effects_says_where_the_height_comes_from(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["effects", "--yield-kt", "15", "--target", "Austin", "--map", "", "--json"]
    default = run_json(capsys, args)["detonations"][0]
    given = run_json(capsys, [*args, "--height-m", "600"])["detonations"][0]
    assert "maximises the 5-psi ring" in default["height_basis"] and "20-psi" in default["height_basis"]
    assert given["height_basis"].startswith("given")


def test_effects_nukemap_convention(capsys: pytest.CaptureFixture[str]) -> None:
    # NUKEMAP's 5-psi optimum for 15 kt is 2,527 ft (770 m) on its curves; its 20-psi contour does
    # not reach the ground there, and the published 0.335 km is from Little Boy's 1,968 ft (600 m).
    args = [
        "effects",
        "--yield-kt",
        "15",
        "--target",
        "Austin",
        "--map",
        "",
        "--json",
        "--convention",
        "nukemap",
    ]
    default = run_json(capsys, args)
    assert default["convention"] == "nukemap" and default["blast_model"] == "nukemap"
    assert default["height_m"] == pytest.approx(770.2, abs=0.5)
    assert default["radii_km"]["psi_20"] is None
    assert "NUKEMAP" in default["detonations"][0]["height_basis"]
    little_boy = run_json(capsys, [*args, "--height-m", "600"])
    assert little_boy["radii_km"]["psi_20"] == pytest.approx(0.335, rel=0.02)


@pytest.mark.parametrize(
    ("target", "core", "resident"),
    [
        # US Census Bureau, Census 2000 PHC-T-40, Estimated Daytime Population and
        # Employment-Residence Ratios: 2000 (2005): the central city's residents.
        ("Los Angeles", "Los Angeles city", "3,694,820"),
        ("Chicago", "Chicago city", "2,896,016"),
        ("Houston", "Houston city", "1,953,631"),
        ("Philadelphia", "Philadelphia city", "1,517,550"),
        ("San Diego", "San Diego city", "1,223,400"),
        ("Detroit", "Detroit city", "951,270"),
        ("San Francisco", "San Francisco city", "776,733"),
        ("Boston", "Boston city", "589,141"),
        ("Seattle", "Seattle city", "563,374"),
        ("Denver", "Denver city", "554,636"),
        ("Atlanta", "Atlanta city", "416,474"),
        ("Miami", "Miami city", "362,470"),
        ("Honolulu", "Honolulu CDP", "371,657"),
    ],
)
def test_effects_daytime_names_the_census_2000_estimate(
    capsys: pytest.CaptureFixture[str], target: str, core: str, resident: str
) -> None:
    args = ["effects", "--yield-kt", "15", "--target", target, "--map", "", "--population", "daytime"]
    day = run_json(capsys, [*args, "--json"])
    assert day["population"] == "daytime" and len(day["daytime_sources"]) == 1
    assert day["daytime_sources"][0].startswith(core)
    assert "PHC-T-40" in day["daytime_sources"][0] and resident in day["daytime_sources"][0]


def test_effects_unwritable_map_folder_refused_before_computing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder the map cannot be written to is refused before seconds of computing (root passes
    os.access everywhere, so the refusal is simulated)."""
    import brinkmanship.cli_consequences as cc
    import brinkmanship.effects as effects

    folder = tmp_path / "locked"
    folder.mkdir()
    monkeypatch.setattr(cc.os, "access", lambda path, mode: Path(path) != folder)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed before checking the map's folder")

    monkeypatch.setattr(effects, "plan_consequences", never)
    err = fail(capsys, ["effects", "--yield-kt", "15", "--target", "Seoul", "--map", str(folder / "x.png")])
    assert "--map" in err and "not writable" in err


def test_effects_results_printed_when_the_map_fails(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A map that fails only when written (a full disk, a refusal os.access cannot see) loses nothing:
    the results are printed, then the one-line error."""
    import brinkmanship.intel.maps as maps
    from brinkmanship.errors import UserError

    def refuse(*args: object, **kwargs: object) -> None:
        raise UserError("--map: cannot write x.png (No space left on device)")

    monkeypatch.setattr(maps, "rings_map", refuse)
    assert main(["effects", "--yield-kt", "15", "--target", "Seoul", "--map", str(tmp_path / "x.png")]) == 2
    captured = capsys.readouterr()
    assert "deaths" in captured.out and "map:" not in captured.out
    assert captured.err.strip().count("\n") == 0 and "No space left" in captured.err


@pytest.mark.parametrize(
    ("args", "default"),
    [
        (["effects", "--yield-kt", "15", "--target", "Seoul"], "effects.png"),
        (["intel", "reach", "--range-km", "1000"], "reach.png"),
    ],
)
def test_an_existing_map_is_replaced_only_with_force(
    args: list[str],
    default: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The map's default name lands in the current folder: a file of that name (an earlier map, or a
    user's own) is refused before anything is computed and left as it was; --force replaces it."""
    import brinkmanship.effects as effects
    import brinkmanship.intel.reach as reach

    mine = tmp_path / default
    mine.write_bytes(b"a user's own file")

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed before checking the map file")

    with monkeypatch.context() as patched:
        patched.setattr(effects, "plan_consequences", never)
        patched.setattr(reach, "cities_in_reach", never)
        err = fail(capsys, args)
        assert (
            err
            == f"error: --map {default}: the file exists; choose another name, or add --force to replace it"
        )
        assert fail(capsys, [*args, "--map", str(mine)]).endswith("add --force to replace it")
    assert mine.read_bytes() == b"a user's own file"
    assert main([*args, "--force"]) == 0
    assert f"map: {default}" in capsys.readouterr().out
    assert mine.read_bytes().startswith(b"\x89PNG")
    err = fail(capsys, [*args, "--map", "", "--force"])
    assert err == "error: --force goes with --map (it replaces an existing map file)"


def test_effects_population_help_lists_the_daytime_data(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--population's help names every urban area of data/daytime.csv (Seoul was missing)."""
    from brinkmanship.cli_consequences import daytime_areas
    from brinkmanship.effects.population import daytime_cores

    assert daytime_areas() == list(daytime_cores())
    assert "Seoul–Incheon" in daytime_areas()
    monkeypatch.setenv("COLUMNS", "2000")
    try:
        main(["effects", "--help"])
    except SystemExit:
        pass
    out = " ".join(capsys.readouterr().out.split())
    assert all(area in out for area in daytime_areas())


def test_effects_mixed_plan_says_which_population_each_detonation_used(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Seoul has commuter data and Pyongyang none: the plan is 'mixed', not 'daytime' for both."""
    plan = tmp_path / "pm.yaml"
    plan.write_text("detonations: [{target: Seoul, yield_kt: 15}, {target: Pyongyang, yield_kt: 15}]")
    args = ["effects", "--plan", str(plan), "--population", "daytime", "--map", ""]
    out = run_json(capsys, [*args, "--json"])
    assert out["population"] == "mixed"
    seoul, pyongyang = out["detonations"]
    assert seoul["population"] == "daytime" and seoul["daytime_sources"][0].startswith("Seoul (25 districts)")
    assert pyongyang["population"] == "residential" and pyongyang["daytime_sources"] == []
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "population: mixed: daytime for 1 of 2 detonations" in text
    assert "  population: daytime requested, but no commuter data for this area" in text


def test_effects_wind_with_only_air_bursts_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Fallout is modelled for surface bursts only: '0 km2 holding 0 people' for an air burst read as
    a result. Refused before computing; a mixed plan says how many surface bursts the fallout covers."""
    err = fail(capsys, ["effects", "--yield-kt", "15", "--target", "Seoul", "--wind-kmh", "30", "--map", ""])
    assert "--wind-kmh" in err and "only for surface bursts" in err
    plan = tmp_path / "p.yaml"
    plan.write_text(
        "detonations: [{target: Seoul, yield_kt: 15}, {target: Busan, yield_kt: 15, burst: surface}]"
    )
    assert main(["effects", "--plan", str(plan), "--wind-kmh", "30", "--map", ""]) == 0
    assert "fallout from 1 of 2 detonations (surface bursts only)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("stop", "code"), [(OSError(28, "No space left on device"), 2), (KeyboardInterrupt(), 130)]
)
def test_a_map_that_fails_while_saving_leaves_no_half_written_png(
    stop: BaseException,
    code: int,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--map was saved straight into its file: a full disk or Ctrl-C while saving left a truncated PNG in
    place of the earlier map. It is drawn into a hidden file and renamed into place."""
    from matplotlib.figure import Figure

    png = tmp_path / "reach.png"
    png.write_bytes(b"earlier map")

    def half_then_fail(self: Figure, where: object, **kwargs: object) -> None:
        Path(str(where)).write_bytes(b"\x89PNG half")
        raise stop

    monkeypatch.setattr(Figure, "savefig", half_then_fail)
    args = ["intel", "reach", "--range-km", "10400", "--from", "Pyongyang", "--map", str(png), "--force"]
    assert main([*args, "--json"]) == code
    err = capsys.readouterr().err
    assert code == 130 or "cannot write" in err, err  # the save failed, not a refusal of the earlier map
    assert png.read_bytes() == b"earlier map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reach.png"]


def test_a_name_several_places_share_says_which_was_used_and_how_to_choose(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--target Springfield` and `intel reach --from Springfield` silently picked one of eight
    Springfields. The text now names the place used with its country, region and coordinates, says the
    name matched several places and how to choose another ('Springfield, US-IL'), which then works; the
    JSON keeps its fields and adds the place's label."""
    assert main(["effects", "--yield-kt", "15", "--target", "Springfield", "--map", ""]) == 0
    out = capsys.readouterr().out
    assert "over Springfield (Springfield, US-MO; 37.2153, -93.2982)" in out
    assert "'Springfield' names 8 places; used Springfield, US-MO (the largest)" in out
    assert "Springfield, US-IL" in out and "or give --lat and --lon" in out

    assert main(["effects", "--yield-kt", "15", "--target", "Springfield, US-IL", "--map", ""]) == 0
    out = capsys.readouterr().out
    assert "over Springfield, US-IL (39.8017, -89.6437)" in out and "names 8 places" not in out
    detonation = run_json(
        capsys, ["effects", "--yield-kt", "15", "--target", "springfield, us-il", "--map", "", "--json"]
    )["detonations"][0]
    assert detonation["target"] == "springfield, us-il" and detonation["place"] == "Springfield, US-IL"
    assert (round(detonation["lat"], 2), round(detonation["lon"], 2)) == (39.8, -89.64)
    err = fail(capsys, ["effects", "--yield-kt", "15", "--target", "Springfield, FR", "--map", ""])
    assert "no place 'Springfield' in FR; the places of that name: Springfield, US-MO;" in err

    assert main(["intel", "reach", "--range-km", "10000", "--from", "Springfield", "--map", ""]) == 0
    out = capsys.readouterr().out
    assert "from Springfield, US-MO (37.2153, -93.2982), range 10,000 km:" in out
    assert "--from: 'Springfield' names 8 places" in out
    reach = run_json(
        capsys,
        ["intel", "reach", "--range-km", "10000", "--from", "Springfield, US-MA", "--map", "", "--json"],
    )
    assert reach["from"] == "Springfield" and reach["from_place"] == "Springfield, US-MA"
    # A name one place has gets no note.
    assert main(["intel", "reach", "--range-km", "1000", "--from", "Pyongyang", "--map", ""]) == 0
    assert "names" not in capsys.readouterr().out


def test_intel_range_says_which_place_a_name_meant(capsys: pytest.CaptureFixture[str]) -> None:
    """`intel range --target Springfield` picked one of eight Springfields without a word, and `--from
    Atlantis` was reported without its country. It now says so as `effects` and `intel reach` do: the
    same note for each name given, the launch site with its label and coordinates; two places of one
    name are two rows, not one replacing the other."""
    args = ["intel", "range", "--apogee-km", "3725", "--ground-range-km", "998", "--flight-time-min", "47"]
    assert main([*args, "--target", "Springfield", "--from", "Atlantis"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("--target: 'Springfield' names 8 places; used Springfield, US-MO (the largest); ")
    assert "choose one as 'Springfield, US-MA'\n" in out
    assert "with Earth rotation from Atlantis, ZA-11 (-33.5667, 18.4834) (central;" in out

    assert main([*args, "--target", "Seoul", "--from", "Springfield"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("--from: 'Springfield' names 8 places; used Springfield, US-MO (the largest); ")
    assert "from Springfield, US-MO (37.2153, -93.2982) (central;" in out

    both = ["--target", "Springfield", "--target", "Springfield, US-IL", "--json"]
    data = run_json(capsys, [*args, *both])
    assert data["from"] == "Pyongyang" and data["from_place"] == "Pyongyang, KP"
    by_target = data["range_km_by_target"]
    assert list(by_target) == ["Springfield, US-MO", "Springfield, US-IL"]
    assert by_target["Springfield, US-IL"]["place"] == "Springfield, US-IL"

    # A name one place has gets no note, and neither does the default list (the urban-area table's rows).
    assert main([*args, "--target", "Seoul"]) == 0
    assert "names" not in capsys.readouterr().out
    assert main(args) == 0
    assert "names" not in capsys.readouterr().out


def test_a_map_file_that_appears_while_the_map_is_drawn_is_kept(tmp_path: Path) -> None:
    """The file was checked before the computing and replaced without a word if it appeared meanwhile:
    without --force it is kept now, and the map is not written (one line saying why)."""
    import matplotlib.pyplot as plt

    from brinkmanship.errors import UserError
    from brinkmanship.intel.maps import _save

    target = tmp_path / "effects.png"
    fig = plt.figure()
    target.write_bytes(b"written while the map was drawn")
    with pytest.raises(UserError, match="appeared while the map was drawn; kept"):
        _save(fig, target, replace=False)
    assert target.read_bytes() == b"written while the map was drawn"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["effects.png"]  # no partial file left
    _save(plt.figure(), tmp_path / "new.png", replace=False)
    assert (tmp_path / "new.png").read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["effects.png", "new.png"]
    _save(plt.figure(), target, replace=True)
    assert target.read_bytes().startswith(b"\x89PNG")
