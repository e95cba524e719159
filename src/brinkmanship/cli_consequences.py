"""CLI commands for consequences and intelligence (`brink effects`, `brink intel ...`).

Thin wrappers over :mod:`brinkmanship.effects` and :mod:`brinkmanship.intel`; mistakes raise
:class:`~brinkmanship.errors.UserError`, which ``brink``'s ``main`` turns into one line and exit 2.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from brinkmanship.cli_common import BrinkTyper, check_number, given, goes_with
from brinkmanship.errors import UserError

intel_app = BrinkTyper(
    help="Read the crisis's evidence: test yields, missile ranges, reach.", no_args_is_help=True
)

DEFAULT_TARGETS = [
    "Anchorage",
    "Honolulu",
    "Seattle",
    "San Francisco",
    "Los Angeles",
    "Denver",
    "Chicago",
    "Washington",
    "New York",
    "Boston",
    "Guam",
]


BLAST_NAMES = {
    "brode1986": "Brode (1986) curves",
    "glasstone1977": "Glasstone & Dolan (1977) curves for surface bursts (Brode 1986 for air bursts)",
}
NUKEMAP_RINGS = (
    "NUKEMAP's convention: its height-of-burst curves (points of Glasstone & Dolan 1977's knee curves, "
    "nukeeffects.js) and its 5-psi optimum height; fireball, burns and radiation are this package's"
)
CASUALTY_RULES = (
    "OTA (1979) overpressure bands on the radii they were made with (Glasstone & Dolan 1977 for "
    "surface bursts; Brode 1986 for air bursts, within 3 % of them), plus flash burns and initial radiation"
)

BAND_COVERS = (
    "burn time 120-200 s, an operational payload 5 % of burnout mass heavier or lighter than the "
    "test's, and none to all of the lofted flight's extra gravity loss recovered on a flatter flight"
)


def _emit(data: dict[str, Any], as_json: bool, lines: list[str]) -> None:
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for line in lines:
            typer.echo(line)


AIM_MEANS = {
    "target": "launch azimuth corrected so that the warhead lands on the target's bearing",
    "bearing": "standard trajectory launched on the target's bearing, uncorrected: it lands off that bearing",
}
"""What each ``--aim`` convention reports (see :mod:`brinkmanship.intel.rotation`)."""


def _reach_text(row: dict[str, Any]) -> str:
    return "anywhere" if row["any_point_on_earth"] else f"{row['range_km']:,.0f} km"


MapForceOption = Annotated[
    bool, typer.Option("--force", help="replace an existing --map file (refused without it)")
]


def check_map_path(text: str, force: bool = False) -> str:
    """The --map file, checked before anything is computed; '' means no map.

    The name must end in .png: matplotlib picks the format from the extension and adds ``.png`` to a name
    without one, so the file written would not be the one reported. An existing file is replaced only
    with ``force``: the map has a default name in the current folder, so a second run there (or a user's
    own ``effects.png``) would otherwise lose the earlier file without a word.
    """
    goes_with("--force", "--map", bool(text), "it replaces an existing map file")
    if not text:
        return text
    path = Path(text)
    if path.suffix.lower() != ".png":
        raise UserError(f"--map {text}: the map is a PNG image; give a file name ending in .png")
    if path.exists() and not path.is_file():
        raise UserError(f"--map {text}: exists and is not a file")
    if path.exists() and not force:
        raise UserError(f"--map {text}: the file exists; choose another name, or add --force to replace it")
    if not path.parent.is_dir():
        raise UserError(f"--map {text}: no folder {path.parent}")
    # Checked now, not after seconds of computing (os.access cannot see every refusal, e.g. a full disk:
    # the commands print their results before drawing the map, so those are not lost either).
    if path.exists() and not os.access(path, os.W_OK):
        raise UserError(f"--map {text}: the file is not writable")
    if not path.exists() and not os.access(path.parent, os.W_OK | os.X_OK):
        raise UserError(f"--map {text}: the folder {path.parent} is not writable")
    return text


def daytime_areas() -> list[str]:
    """The urban areas with census commuter data, in the order of ``effects/data/daytime.csv``.

    Read with the csv module straight from the file, so that ``--help`` lists what the data hold
    without importing the effects package (numpy, scipy) when the CLI starts.
    """
    import csv

    path = Path(__file__).parent / "effects" / "data" / "daytime.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(dict.fromkeys(row["urban_area"] for row in csv.DictReader(handle)))


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} km"


def effects(
    yield_kt: Annotated[float | None, typer.Option("--yield-kt", help="Yield in kilotons.")] = None,
    burst: Annotated[str, typer.Option(help="air or surface.")] = "air",
    height_m: Annotated[
        float | None, typer.Option("--height-m", help="Height of burst (m); default: 5-psi optimum.")
    ] = None,
    target: Annotated[str | None, typer.Option(help="City or urban area.")] = None,
    lat: Annotated[float | None, typer.Option(help="Latitude of ground zero.")] = None,
    lon: Annotated[float | None, typer.Option(help="Longitude of ground zero.")] = None,
    plan: Annotated[str | None, typer.Option(help="YAML strike plan (list of detonations).")] = None,
    map_path: Annotated[
        str, typer.Option("--map", help="PNG map of the rings to write ('' for none).")
    ] = "effects.png",
    force: MapForceOption = False,
    wind_kmh: Annotated[
        float | None,
        typer.Option("--wind-kmh", help="EXPERIMENTAL: WSEG-10 fallout of surface bursts with this wind."),
    ] = None,
    wind_toward_deg: Annotated[
        float, typer.Option("--wind-toward-deg", help="Direction the wind blows towards (deg).")
    ] = 90.0,
    blast_model: Annotated[
        str,
        typer.Option(
            "--blast",
            help="Overpressure curves of the blast rings: brode1986 (default) or glasstone1977 "
            "(surface bursts, as OTA 1979). Casualties always use the radii OTA's rules were made with.",
        ),
    ] = "brode1986",
    population: Annotated[
        str,
        typer.Option(
            help="residential (census, default) or daytime (commuters moved into the employment cores "
            f"with census commuter data: {', '.join(daytime_areas())}; elsewhere residential).",
        ),
    ] = "residential",
    convention: Annotated[
        str,
        typer.Option(
            help="default (Brode 1986 heights and rings, or --blast) or nukemap (NUKEMAP's 5-psi optimum "
            "height and blast rings on its curves, to compare with NUKEMAP).",
        ),
    ] = "default",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Rings (km), deaths and injuries of one detonation or a strike plan."""
    from brinkmanship.effects import Detonation, load_plan, plan_consequences
    from brinkmanship.effects.blast import check_blast_model
    from brinkmanship.effects.places import find_place, namesakes_note
    from brinkmanship.effects.population import check_population
    from brinkmanship.effects.rings import check_convention

    check_blast_model(blast_model)
    check_population(population)
    check_convention(convention)
    if convention == "nukemap" and given("--blast"):
        raise UserError(
            f"--convention nukemap: draws the blast rings on NUKEMAP's curves; --blast {blast_model} "
            "cannot apply too (leave out --blast)"
        )

    # Every flag is checked before anything is computed.
    check_map_path(map_path, force)
    if wind_kmh is not None and not (0.0 < wind_kmh <= 300.0):
        raise UserError(f"--wind-kmh must be above 0 and at most 300 km/h (got {wind_kmh})")
    check_number("--wind-toward-deg", wind_toward_deg, -360.0, 360.0)
    goes_with("--wind-toward-deg", "--wind-kmh", wind_kmh is not None, "the fallout's wind")
    if plan is not None:
        # Each entry of a plan carries its own yield, place, burst and height: the options would be ignored.
        one = (yield_kt, target, lat, lon, height_m)
        if any(value is not None for value in one) or given("--burst"):
            raise UserError("--plan: give either a plan file or one detonation's options, not both")
        detonations = [dataclasses.replace(d, convention=convention) for d in load_plan(plan)]
    else:
        if yield_kt is None:
            raise UserError("--yield-kt: required (or give --plan)")
        if target is None and (lat is None or lon is None):
            raise UserError("--target or both --lat and --lon: say where the detonation is")
        if target is not None and (lat is not None or lon is not None):
            raise UserError(f"--target {target} and --lat/--lon: give one place, not both")
        detonations = [
            Detonation(
                yield_kt=yield_kt,
                burst=burst,
                target=target,
                lat=lat,
                lon=lon,
                height_m=height_m,
                convention=convention,
            )
        ]
    surface = sum(d.burst == "surface" for d in detonations)
    if wind_kmh is not None and not surface:
        # An air burst whose fireball stays off the ground makes no local fallout; a report of
        # "0 km2" would read as a computed result.
        where = "the plan has no surface burst" if plan is not None else "the burst is an air burst"
        raise UserError(
            f"--wind-kmh: fallout is modelled only for surface bursts and {where} (use --burst surface "
            "or leave out --wind-kmh)"
        )
    result = plan_consequences(detonations, population)
    rings = [d.rings(blast_model).as_dict() for d in detonations]
    places = [find_place(d.target, where="target") if d.target else None for d in detonations]
    per: list[dict[str, Any]] = [
        {
            "target": d.target,
            "place": None if place is None else place.label,
            "lat": round(d.location()[0], 5),
            "lon": round(d.location()[1], 5),
            "yield_kt": d.yield_kt,
            "burst": d.burst,
            "height_m": round(d.height(), 1),
            "height_basis": _height_basis(d),
            "radii_km": r,
            "population": result.population_of(k),
            "daytime_sources": list(result.daytime_by_detonation[k]),
        }
        for k, (d, r, place) in enumerate(zip(detonations, rings, places, strict=True))
    ]
    data: dict[str, Any] = {
        "radii_km": rings[0],
        "height_m": per[0]["height_m"],
        "deaths": result.deaths.as_dict(),
        "injuries": result.injuries.as_dict(),
        "blast_model": "nukemap" if convention == "nukemap" else blast_model,
        "convention": convention,
        "casualty_rules": CASUALTY_RULES,
        # What the counts are, not only what was asked: a daytime request where no commuter data exist
        # falls back to residential counts, and a plan can be "mixed" (each detonation says which).
        "population": result.population_used(),
        "population_requested": population,
        "daytime_sources": list(result.daytime_sources),
        "detonations": per,
    }
    if wind_kmh is not None:
        data["fallout"] = _fallout(detonations, wind_kmh, wind_toward_deg)
    lines = []
    choose = ", or give --lat and --lon" if plan is None else ", or give its lat and lon"
    for p, place in zip(per, places, strict=True):
        where = f"{p['lat']}, {p['lon']}"
        if place is not None:  # which place a name meant: several share a name (Springfield)
            named = f"{p['target']} ({place.label}; " if p["target"] != place.label else f"{place.label} ("
            where = f"{named}{place.lat:.4f}, {place.lon:.4f})"
        lines.append(f"{p['yield_kt']:g} kt {p['burst']} burst at {p['height_m']:.0f} m over {where}")
        note = namesakes_note(p["target"], place, otherwise=choose) if place is not None else None
        if note:
            lines.append(f"  place: {note}")
        lines.append(f"  height: {p['height_basis']}")
        lines += [f"  {k:9s} {_fmt(v)}" for k, v in p["radii_km"].items()]
        if population == "daytime" and len(per) > 1:
            lines.append(f"  population: {_population_text(population, tuple(p['daytime_sources']))}")
    d, i = result.deaths, result.injuries
    rings_text = NUKEMAP_RINGS if convention == "nukemap" else BLAST_NAMES[blast_model]
    lines.append(f"  blast rings on {rings_text}")
    lines.append(f"casualties: {CASUALTY_RULES}")
    if data["population"] == "mixed":
        used = sum(p["population"] == "daytime" for p in per)
        lines.append(
            f"population: mixed: daytime for {used} of {len(per)} detonations (commuter data where they "
            "exist), residential counts for the others; each detonation above says which"
        )
    else:
        lines.append(f"population: {_population_text(population, result.daytime_sources)}")
    lines.append(f"deaths   {d.central:,.0f}  (low {d.low:,.0f}, high {d.high:,.0f})")
    lines.append(f"injuries {i.central:,.0f}  (low {i.low:,.0f}, high {i.high:,.0f})")
    if "fallout" in data:
        fo = data["fallout"]
        of = f" from {surface} of {len(per)} detonations (surface bursts only)" if surface < len(per) else ""
        lines.append(
            f"fallout{of} (EXPERIMENTAL, WSEG-10, unsheltered 30-day dose): >=450 rem over "
            f"{fo['area_km2']['rem_450']:,.0f} km2 holding {fo['people']['rem_450']:,.0f} people"
        )

    def draw() -> str:
        from brinkmanship.intel.maps import rings_map

        centres = [
            (str(p["target"] or f"{p['lat']},{p['lon']}"), float(p["lat"]), float(p["lon"])) for p in per
        ]
        return str(rings_map(centres, rings, map_path, replace=force))

    _emit_with_map(data, as_json, lines, map_path, draw)


def _emit_with_map(
    data: dict[str, Any], as_json: bool, lines: list[str], map_path: str, draw: Callable[[], str]
) -> None:
    """Print the results with the map's name, or, if the map cannot be written, print them without it
    and then fail: seconds of computing are not lost to a map that could not be saved."""
    if not map_path:
        _emit(data, as_json, lines)
        return
    try:
        written = draw()
    except UserError:
        _emit(data, as_json, lines)
        raise
    data["map"] = written
    _emit(data, as_json, [*lines, f"map: {written}"])


def _population_text(population: str, sources: tuple[str, ...]) -> str:
    if population == "residential":
        return "residential (census night-time counts; --population daytime moves commuters)"
    if not sources:
        return "daytime requested, but no commuter data for this area: residential counts used"
    return "daytime, commuter inflow into " + "; ".join(_source_in_brief(s) for s in sources)


def _source_in_brief(source: str) -> str:
    """'core (publisher, table)' from a daytime source line 'core: publisher, table, ...'."""
    core, _, text = source.partition(": ")
    return f"{core} ({', '.join(text.split(', ')[:2])})" if text else core


def _height_basis(det: Any) -> str:
    """Say where the burst height comes from, and how touchy the 20-psi ring is to it."""
    from brinkmanship.effects import blast
    from brinkmanship.effects.rings import DEFAULT_OPTIMISED_PSI

    if det.burst == "surface":
        return "surface burst"
    if det.height_m is not None:
        return "given (--height-m)"
    if det.convention == "nukemap":
        return _nukemap_height_basis(float(det.yield_kt))
    w, h = float(det.yield_kt), det.height()
    at, lower = blast.ground_range_km(20.0, w, h), blast.ground_range_km(20.0, w, 0.9 * h)
    note = (
        f"maximises the {DEFAULT_OPTIMISED_PSI:g}-psi ring (Brode 1986); the 20-psi ring is "
        f"{_fmt(at)} here and {_fmt(lower)} 10 % lower, so compare rings above ~8 psi only at the same height"
    )
    return note


def _nukemap_height_basis(yield_kt: float) -> str:
    """NUKEMAP's default height, and the highest burst whose 20-psi ring still reaches the ground."""
    from brinkmanship.effects import nukemap

    top = nukemap.max_height_m(20.0, yield_kt)
    return (
        f"maximises the {nukemap.DEFAULT_OPTIMISED_PSI:g}-psi ring on NUKEMAP's curves (NUKEMAP's default); "
        f"its 20-psi ring reaches the ground only from bursts at {top:,.0f} m or lower"
    )


def _fallout(detonations: list[Any], wind_kmh: float, wind_toward_deg: float) -> dict[str, Any]:
    """EXPERIMENTAL WSEG-10 fallout summary of the surface bursts of a plan."""
    from brinkmanship.effects.fallout import default_fission_fraction, fallout_summary

    surface = [
        (*d.location(), float(d.yield_kt), default_fission_fraction(float(d.yield_kt)))
        for d in detonations
        if d.burst == "surface"
    ]
    result: dict[str, Any] = {
        "experimental": True,
        "model": "WSEG-10 (Hanifen 1980)",
        "wind_kmh": wind_kmh,
        "wind_toward_deg": wind_toward_deg,
    }
    if not surface:
        result.update(area_km2={"rem_100": 0.0, "rem_450": 0.0}, people={"rem_100": 0, "rem_450": 0})
        return result
    summary = fallout_summary(surface, wind_kmh, wind_toward_deg)
    result["area_km2"] = {k: round(v) for k, v in summary.area_km2.items()}
    result["people"] = {k: round(v) for k, v in summary.people.items()}
    return result


@intel_app.command("yield")
def intel_yield(
    mb: Annotated[list[float], typer.Option("--mb", help="Body-wave magnitude (repeat for several).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Yield range from body-wave magnitude with several published relations."""
    from brinkmanship.intel.magnitude import COVERS, RELATIONS, SIGMA_MB, yield_from_magnitudes

    est = yield_from_magnitudes(list(mb))
    used = [r for r in RELATIONS if r.name in est.by_relation]
    data: dict[str, Any] = {
        "mb": list(mb),
        "yield_kt": est.as_dict(),
        "range_covers": COVERS,
        "sigma_mb": {
            **{k: round(v, 3) for k, v in SIGMA_MB.items()},
            "birge_ratio": round(est.birge_ratio, 3),
            "combined": round(est.sigma_mb, 3),
        },
        "relations_span_kt": [float(f"{v:.3g}") for v in est.relations_span],
        "relations": [
            {
                "name": r.name,
                "a": r.a,
                "b": r.b,
                "yield_kt": float(f"{est.by_relation[r.name]:.3g}"),
                "weight": round(est.weights[r.name], 3),
                "source": r.source,
            }
            for r in used
        ],
    }
    lines = [
        f"yield {_kilotons(est.central)} kt (range {_kilotons(est.low)}-{_kilotons(est.high)} kt) "
        f"from mb {list(mb)}",
        f"  the range is a {COVERS} (combined {est.sigma_mb:.2f} mb);",
        *(
            [
                "  the magnitudes disagree beyond the agencies' usual spread "
                f"({SIGMA_MB['agencies']:.2f} mb): that term is widened {est.birge_ratio:.2g} times "
                "(Birge ratio) to their observed spread;"
            ]
            if est.birge_ratio > 1.0
            else []
        ),
        "  the relations' central values alone span "
        f"{est.relations_span[0]:.3g}-{est.relations_span[1]:.3g} kt",
    ]
    lines += [
        f"  {r['name']:12s} mb = {r['a']} + {r['b']} log Y -> {r['yield_kt']} kt"
        + (f", weight {r['weight']:g} (near the edge of its range)" if r["weight"] < 1 else "")
        + f"  ({r['source']})"
        for r in data["relations"]
    ]
    _emit(data, as_json, lines)


@intel_app.command("tests")
def intel_tests(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """North Korea's six nuclear tests: agency magnitudes and yield ranges."""
    from brinkmanship.intel.nk_tests import nk_tests

    rows = []
    for t in nk_tests():
        rows.append(
            {
                "test": t.number,
                "date": t.date,
                "magnitudes": t.magnitudes,
                "yield_kt": t.estimate.as_dict(),
                "published_kt": list(t.published_kt) if t.published_kt else None,
                "published_source": t.published_source,
            }
        )
    if as_json:
        _emit({"tests": rows}, as_json, [])
        return
    from rich.table import Table

    from brinkmanship.cli_common import console

    # A Rich table, as the other commands print: columns stay aligned however long a test's
    # list of agency magnitudes is (the last test has six).
    table = Table(title="North Korea's nuclear tests", header_style="bold")
    for name, justify in (
        ("#", "right"),
        ("date", "left"),
        ("magnitudes (mb)", "left"),
        ("yield kt", "right"),
        ("range kt", "right"),
        ("published kt", "right"),
    ):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for t in nk_tests():
        e = t.estimate
        table.add_row(
            str(t.number),
            t.date,
            ", ".join(f"{k} {v:g}" for k, v in t.magnitudes.items()),
            f"{e.central:.3g}",
            f"{e.low:.3g}-{e.high:.3g}",
            f"{t.published_kt[0]:g}-{t.published_kt[1]:g}" if t.published_kt else "—",
        )
    console.print(table)


@intel_app.command("range")
def intel_range(
    apogee_km: Annotated[float, typer.Option("--apogee-km", help="Apogee of the lofted test (km).")],
    ground_range_km: Annotated[
        float, typer.Option("--ground-range-km", help="Ground range of the test (km).")
    ],
    flight_time_min: Annotated[float, typer.Option("--flight-time-min", help="Flight time (minutes).")],
    launch: Annotated[str, typer.Option("--from", help="Launch site for named targets.")] = "Pyongyang",
    targets: Annotated[
        list[str] | None, typer.Option("--target", help="Named target (repeat); default: US cities, Guam.")
    ] = None,
    aim: Annotated[
        str,
        typer.Option(
            "--aim",
            help="Range towards a target with the Earth's rotation: target (default: the launch azimuth "
            "corrected so the warhead lands on the target's bearing) or bearing (the standard trajectory "
            "launched on the target's bearing, uncorrected: it lands off that bearing).",
        ),
    ] = "target",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Missile range from a lofted test on a minimum-energy trajectory, and towards named targets."""
    from brinkmanship.effects.places import find_place, namesakes_note
    from brinkmanship.intel.geodesy import wgs84_distance_km
    from brinkmanship.intel.missile import HALF_CIRCUMFERENCE_KM, estimate_range
    from brinkmanship.intel.rotation import AIMS, range_towards_km

    if aim not in AIMS:
        raise UserError(f"--aim must be one of {', '.join(AIMS)} (got {aim!r})")
    site = find_place(launch, where="--from")
    names = targets or DEFAULT_TARGETS
    places = [find_place(t, where="--target") for t in names]
    for place in places:
        if wgs84_distance_km(site.lat, site.lon, place.lat, place.lon) < 1.0:
            raise UserError(f"--target {place.name}: the launch site itself (--from {site.name}); no bearing")
    # Which place each name meant, as `effects` and `intel reach` say it: several places share a name
    # (Springfield). Only for names given: the default list's US cities are the urban-area table's rows.
    notes = [("--from", namesakes_note(launch, site))]
    if targets:
        notes += [("--target", namesakes_note(n, p)) for n, p in zip(names, places, strict=True)]
    shared = {p.name for p in places if any(q.name == p.name and q != p for q in places)}
    est = estimate_range(apogee_km, ground_range_km, flight_time_min)
    by_target = {}
    for place in places:
        reach = range_towards_km(est.boost, site.lat, site.lon, place.lat, place.lon, aim=aim)
        dist = wgs84_distance_km(site.lat, site.lon, place.lat, place.lon)
        anywhere = not math.isfinite(reach)
        # Two places of one name (--target Springfield --target 'Springfield, US-IL') are told apart by
        # their labels: under one name the second would silently replace the first.
        by_target[place.label if place.name in shared else place.name] = {
            "place": place.label,
            "range_km": round(HALF_CIRCUMFERENCE_KM if anywhere else reach, -1),
            "any_point_on_earth": anywhere,
            "distance_km": round(dist),
            "in_reach": anywhere or reach >= dist,
        }
    assert est.readings is not None
    readings = {
        r.label: {
            "range_km": round(r.capped_km, -1),
            "any_point_on_earth": r.anywhere,
            "burnout_altitude_km": round(r.burnout_alt_km),
            "burnout_speed_km_s": round(r.burnout_speed_km_s, 3),
            "circular_speed_km_s": round(r.circular_speed_km_s, 3),
        }
        for r in est.readings
    }
    data: dict[str, Any] = {
        "range_km": est.as_dict(),
        "any_point_on_earth": est.any_point(),
        "band_covers": BAND_COVERS,
        "readings": readings,
        "simple_range_km": round(min(est.simple_km, HALF_CIRCUMFERENCE_KM), -1),
        "ballistic_range_km": round(est.ballistic_km, -1),
        "boost": {
            "delta_v_km_s": round(est.boost.delta_v, 3),
            "burn_s": est.boost.burn_s,
            "burnout_speed_km_s": round(est.flight.burnout[1], 3),
        },
        "from": site.name,
        "from_place": site.label,
        "aim": aim,
        "aim_means": AIM_MEANS[aim],
        "range_km_by_target": by_target,
    }

    def say(label: str) -> str:
        rd = readings[label]
        if rd["any_point_on_earth"]:
            return (
                f"any point on Earth (burnout {rd['burnout_speed_km_s']:.2f} km/s, "
                f"circular speed {rd['circular_speed_km_s']:.2f} km/s at {rd['burnout_altitude_km']} km)"
            )
        return f"{rd['range_km']:,.0f} km"

    simple = (
        "any point on Earth" if not math.isfinite(est.simple_km) else f"{data['simple_range_km']:,.0f} km"
    )
    lines = list(dict.fromkeys(f"{option}: {note}" for option, note in notes if note))  # a name given twice
    lines += [
        f"minimum-energy range {say('central')}, no Earth rotation",
        f"  low  {say('low')}",
        f"  high {say('high')}",
        f"  the band covers {BAND_COVERS}",
        f"  same burnout speed, no gravity-loss credit (simple reading): {simple}; "
        f"burnout at the surface: {data['ballistic_range_km']:,.0f} km",
        f"with Earth rotation from {site.described} (central; --aim {aim}: {AIM_MEANS[aim]}):",
    ]
    lines += [
        f"  {k:28s} reach {_reach_text(v):>11s}  distance {v['distance_km']:8,.0f} km  "
        + ("IN REACH" if v["in_reach"] else "out of reach")
        for k, v in by_target.items()
    ]
    _emit(data, as_json, lines)


@intel_app.command("reach")
def intel_reach(
    range_km: Annotated[float, typer.Option("--range-km", help="Missile range (km).")],
    launch: Annotated[str, typer.Option("--from", help="Launch site.")] = "Pyongyang",
    map_path: Annotated[str, typer.Option("--map", help="PNG map to write ('' for none).")] = "reach.png",
    force: MapForceOption = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Which cities are within a range of a launch site (WGS-84), with a map image."""
    from brinkmanship.effects.places import namesakes_note
    from brinkmanship.intel.reach import cities_in_reach

    # Beyond half the Earth's circumference every place is in reach; larger numbers are typing mistakes.
    check_number("--range-km", range_km, 0.0, 40_000.0)
    check_map_path(map_path, force)
    site, rows = cities_in_reach(range_km, launch)
    data: dict[str, Any] = {
        "from": site.name,
        "from_place": site.label,
        "range_km": range_km,
        "cities": [
            {"name": r.name, "distance_km": round(r.distance_km), "in_reach": r.in_reach} for r in rows
        ],
    }
    lines = [f"from {site.described}, range {range_km:,.0f} km:"]
    note = namesakes_note(launch, site)
    if note:  # several places share the name (Springfield): say which was used and how to choose another
        lines.insert(0, f"--from: {note}")
    lines += [f"  {r.name:32s} {r.distance_km:8,.0f} km  {'IN REACH' if r.in_reach else '—'}" for r in rows]

    def draw() -> str:
        from brinkmanship.intel.maps import reach_map

        return str(reach_map(site, rows, range_km, map_path, replace=force))

    _emit_with_map(data, as_json, lines, map_path, draw)


def register(app: typer.Typer) -> None:
    """Attach the consequences and intelligence commands to the main app."""
    app.command("effects")(effects)
    app.add_typer(intel_app, name="intel")


def _kilotons(value: float) -> str:
    """A yield for a line of text: three significant figures, never in exponent notation (1,010, not
    1.01e+03)."""
    return f"{float(f'{value:.3g}'):,.0f}" if value >= 100 else f"{value:.3g}"
