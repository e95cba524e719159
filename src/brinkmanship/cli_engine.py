"""CLI commands for the crisis engine: `brink scenarios`, `show`, `run`, `schema`."""

from __future__ import annotations

import json
import time
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from brinkmanship.cli_common import (
    DEFAULT_DRAWS,
    DEFAULT_RUNS_PER_DRAW,
    DEFAULT_SEED,
    DaysOption,
    DrawsOption,
    ForceOption,
    JsonOption,
    ParamUncertaintyOption,
    PosteriorOption,
    RunsOption,
    RunsPerDrawOption,
    SeedOption,
    WorkersOption,
    check_ensemble_flags,
    check_range,
    console,
    goes_with,
    param_uncertainty_options,
    progress_bar,
)
from brinkmanship.cli_history import AsOfOption, as_of_start, as_of_work, posterior_as_of
from brinkmanship.engine.atomic import ResultFolder, check_out_text
from brinkmanship.errors import UserError
from brinkmanship.wording import plural

# The model's libraries (NumPy, SciPy, Numba, pyarrow...) are imported in the commands that use them, so
# that `brink --help`, a command's help and a refused option do not wait seconds for them.
if TYPE_CHECKING:
    from brinkmanship.analysis.lives import DeathsTally
    from brinkmanship.engine.ensemble import PathTable
    from brinkmanship.engine.output import PathWriter
    from brinkmanship.engine.state import CrisisState
    from brinkmanship.scenario import CompiledScenario
    from brinkmanship.scenario.schema import ScenarioFile

DEFAULT_RUNS = 10_000
NOT_APPLICABLE = "n/a"
"""A share of nothing (of no wars, of no agreements): undefined, printed so and null in JSON."""


def scenarios() -> None:
    """List the built-in scenarios with one-line descriptions."""
    from brinkmanship.scenario.loader import builtin_mapping, builtin_names

    table = Table(show_header=True, header_style="bold")
    table.add_column("scenario")
    table.add_column("horizon")
    table.add_column("description")
    for name in builtin_names():
        data = builtin_mapping(name)
        table.add_row(name, f"{data['horizon_days']} days", data["description"])
    console.print(table)


def show(scenario: Annotated[str, typer.Argument(help="built-in name or path to a scenario file")]) -> None:
    """Actors, channels, levers, uncertain parameters and sources of a scenario."""
    from brinkmanship.policies import Catalogue
    from brinkmanship.scenario import load_scenario
    from brinkmanship.scenario.schema import Principal, ThirdParty

    sc = load_scenario(scenario)
    console.print(
        Text.assemble(
            (sc.title, "bold"), f" ({sc.name}) - start {sc.start_date}, horizon {sc.horizon_days} days"
        )
    )
    console.print(sc.description)
    actors = Table(title="Actors", header_style="bold")
    for column in ("actor", "role", "voices / acts", "coordination", "repertoire / channel"):
        actors.add_column(column)
    for key, actor in sc.actors.items():
        if isinstance(actor, Principal):
            voices = ", ".join(f"{v.name} ({v.hawkishness:+.1f})" for v in actor.voices)
            actors.add_row(
                f"{key}: {actor.name}",
                "principal",
                voices,
                f"{actor.coordination:.2f}",
                ", ".join(actor.repertoire),
            )
        else:
            assert isinstance(actor, ThirdParty)
            acts = ", ".join(f"{a.kind} {a.rate:.2f}/day" for a in actor.acts) or "-"
            channel = "-"
            if actor.channel:
                c = actor.channel
                channel = f"mediated: noise {c.noise}, delay {c.delay_days} d, trust {c.trust}"
            state = "" if actor.active else " (inactive: a lever activates it)"
            actors.add_row(f"{key}: {actor.name}", actor.role + state, acts, "-", channel)
    console.print(actors)
    direct = sc.channels.direct
    console.print(
        f"Channels: public (noise {sc.channels.public.noise}); direct private channel "
        + (
            f"open (noise {direct.noise}, delay {direct.delay_days} d, verify {direct.verify})"
            if direct.enabled
            else "closed"
        )
    )
    console.print(
        f"Talks open: {sc.agreement.talks_open}; freeze in force: {sc.freeze.active}; "
        f"face-saving exit: {sc.face_saving_exit}"
    )
    policies, notes = Catalogue.builtin().default_policies(sc)
    console.print(
        "Levers that apply here (`brink policies` says what each changes): "
        + ", ".join(policy.name for policy in policies)
    )
    for note in notes:
        console.print(f"  {note}", style="dim")
    if sc.uncertainties:
        table = Table(title="Uncertain parameters", header_style="bold")
        for column in ("parameter", "low", "high", "note"):
            table.add_column(column)
        for u in sc.uncertainties:
            table.add_row(u.path, f"{u.low:g}", f"{u.high:g}", u.note)
        console.print(table)
    if sc.sources:
        console.print("Sources", style="bold")
        for key, text in sc.sources.items():
            console.print(f"  {key}: {text}")


def schema() -> None:
    """Print the JSON Schema of the scenario file format."""
    from brinkmanship.scenario.schema import scenario_json_schema

    print(json.dumps(scenario_json_schema(), indent=2))


def run_ensemble(
    sc: ScenarioFile,
    runs: int,
    days: int,
    seed: int,
    workers: int,
    results: ResultFolder | None,
    show_progress: bool,
    start: CrisisState | None = None,
    as_of: str | None = None,
    started: float | None = None,
) -> dict[str, Any]:
    """Run and return the summary dictionary, streaming the paths into ``results``' staging folder (its
    paths.parquet) when given; the caller writes the summary and commits once all its work is done.
    ``start``: branch from this state (``runs`` paths; the replayed date ``as_of``) instead of the start
    date. ``started``: when the command's work began (``time.perf_counter()``; the replay to ``as_of``
    comes before this run), from which ``elapsed_s`` counts; default: when this run begins."""
    from brinkmanship.analysis.lives import DeathsTally, lives_model
    from brinkmanship.engine.output import PathWriter
    from brinkmanship.scenario import compile_scenario

    model = compile_scenario(sc)
    lives = DeathsTally(lives_model(sc), days)
    writer = None if results is None else PathWriter(results.staging, days)
    result = _simulate(sc, model, lives, runs, days, seed, workers, writer, show_progress, start, started)
    if writer is not None:
        writer.close()
    return _with_as_of(result, as_of)


def _with_as_of(result: dict[str, Any], as_of: str | None) -> dict[str, Any]:
    """Say in the summary that the run starts from the replayed crisis of ``as_of`` (days count from the
    next day)."""
    if as_of is not None:
        result["as_of"] = as_of
    return result


def _simulate(
    sc: ScenarioFile,
    model: CompiledScenario,
    lives: DeathsTally,
    runs: int,
    days: int,
    seed: int,
    workers: int,
    writer: PathWriter | None,
    show_progress: bool,
    start: CrisisState | None = None,
    started: float | None = None,
) -> dict[str, Any]:
    from brinkmanship.engine.ensemble import simulate
    from brinkmanship.engine.results import agreement_terms_text, summary

    started = time.perf_counter() if started is None else started
    with progress_bar(runs, f"{sc.name}: paths", show_progress) as advance:

        def keep(paths: PathTable) -> None:
            deaths = lives.add(paths)
            if writer is not None:
                writer.write(paths, deaths)

        tally = simulate(
            model,
            runs,
            days,
            seed,
            workers=workers,
            keep_paths=True,
            on_chunk=lambda done: advance(done, None),
            on_paths=keep,
            start=start,
        )
    elapsed = time.perf_counter() - started
    # A forecast from a replayed date may begin with an agreement in force (the Jupiter trade, Singapore):
    # it counts agreements newly reached, and says how many paths began with one.
    in_force = 0 if start is None else start.agreements_in_force(runs)
    result = summary(tally, sc.name, seed, model.principal_names, elapsed, agreement_terms_text(sc), in_force)
    result["deaths"] = lives.summary()
    return result


def print_table(result: dict[str, Any]) -> None:
    """The outcome and path tables a person reads."""
    from brinkmanship.engine.results import OUTCOMES

    title = (
        f"{result['scenario']}: {plural(result['runs'], 'path')} x {plural(result['days'], 'day')} "
        f"(seed {result['seed']})"
    )
    if "as_of" in result:
        title += f", from the replayed crisis at the end of {result['as_of']}"
    table = Table(title=title, header_style="bold")
    table.add_column("outcome within horizon")
    table.add_column("probability", justify="right")
    table.add_column("95% interval", justify="right")
    for name in OUTCOMES:
        o = result["outcomes"][name]
        table.add_row(name.replace("_", " "), f"{o['p']:.1%}", f"{o['ci95'][0]:.1%} - {o['ci95'][1]:.1%}")
    console.print(table)
    wars = result["outcomes"]["war"]["count"]
    paths = Table(
        title="Paths to war (share of wars)",
        caption=None if wars else "n/a: no path reached war, and a share of no wars is undefined",
        header_style="bold",
    )
    paths.add_column("path")
    paths.add_column("share", justify="right")
    paths.add_column("95% interval", justify="right")
    paths.add_column("P(war by this path)", justify="right")
    for name, p in result["paths"].items():
        paths.add_row(
            name.replace("_", " "),
            NOT_APPLICABLE if p["share"] is None else f"{p['share']:.0%}",
            NOT_APPLICABLE if p["ci95"] is None else f"{p['ci95'][0]:.0%} - {p['ci95'][1]:.0%}",
            f"{p['p']:.1%}",
        )
    console.print(paths)
    a = result["agreements"]
    at_start = a["in_force_at_start"]["count"]
    if a["reached"]["count"] or at_start:
        terms = a["terms"]
        parts = []
        if at_start:
            parts.append(f"in force at the start on {a['in_force_at_start']['p']:.1%} of paths")
        reached = (
            f"newly reached on {a['reached']['p']:.1%} of paths"
            if at_start
            else (f"reached on {a['reached']['p']:.1%} of paths")
        )
        if a["reached"]["count"]:
            reached += f", mean depth {a['mean_depth']:.2f}"
        parts.append(reached)
        if a["broke_down_share"]["p"] is not None:
            parts.append(
                f"the first broke down within the horizon on {a['broke_down_share']['p']:.0%} of them"
            )
        else:
            parts.append(f"one broke down within the horizon on {a['broke_down']['p']:.1%} of paths")
        parts.append(f"in force on {a['in_force_share_of_days']:.1%} of path-days in crisis")
        console.print(
            f"Agreement ({terms.get('issue', 'terms')}): {'; '.join(parts)}. Paths stay at risk after an "
            "agreement."
        )
    if "deaths" in result:
        d = result["deaths"]
        low, high = d["mean_ci90"]
        war, nuclear = d["per_outcome"]["war"]["central"], d["per_outcome"]["nuclear_use"]["central"]
        # The worst 5% of paths: a statement about deaths only where at least 5% of paths reach war.
        tail = (
            f"in the worst 5% of paths at least {d['p95']:,.0f}"
            if d["p95"] > 0
            else "more than 95% of paths end without war"
        )
        console.print(
            f"Expected deaths: {d['mean']:,.0f} (90% interval {low:,.0f} - {high:,.0f}); {tail}. "
            f"A war costs {war:,.0f} lives (central), a war with nuclear use {nuclear:,.0f}."
        )
    if "param_uncertainty" in result:
        print_split(result)
    console.print(f"{result['elapsed_s']:.1f} s", style="dim")


def print_split(result: dict[str, Any]) -> None:
    """The table of ``--param-uncertainty``: over the posterior, each outcome's three intervals."""
    split = result["param_uncertainty"]
    table = Table(
        title=(
            f"Over the calibrated posterior ({split['draws']} draws x {split['runs_per_draw']:,} paths, "
            f"{split['posterior']})"
        ),
        header_style="bold",
    )
    for column in (
        "outcome within horizon",
        "probability",
        "95% total",
        "Monte Carlo part",
        "parameter part",
    ):
        table.add_column(column, justify="right" if column != "outcome within horizon" else "left")

    def span(interval: list[float]) -> str:
        return f"{interval[0]:.1%} - {interval[1]:.1%}"

    for name, part in split["outcomes"].items():
        table.add_row(
            name.replace("_", " "),
            f"{part['p']:.1%}",
            span(part["ci95_total"]),
            span(part["ci95_monte_carlo"]),
            span(part["ci95_parameters"]),
        )
    console.print(table)


def run(
    scenario: Annotated[str, typer.Argument(help="built-in name (see `brink scenarios`) or a scenario file")],
    runs: RunsOption = DEFAULT_RUNS,
    days: DaysOption = None,
    seed: SeedOption = DEFAULT_SEED,
    workers: WorkersOption = 0,
    as_json: JsonOption = False,
    out: Annotated[
        str | None, typer.Option(help="folder for summary.json, survival.csv, paths.parquet")
    ] = None,
    force: ForceOption = False,
    as_of: AsOfOption = None,
    param_uncertainty: ParamUncertaintyOption = False,
    draws: DrawsOption = DEFAULT_DRAWS,
    runs_per_draw: RunsPerDrawOption = DEFAULT_RUNS_PER_DRAW,
    posterior: PosteriorOption = None,
) -> None:
    """Simulate a crisis: probabilities of clash, war, nuclear use and agreement, paths to war.

    With `--param-uncertainty` it also runs the scenario over draws of the calibrated posterior and
    splits each outcome's 95% interval into its Monte Carlo and parameter parts (docs/calibration.md).

    With `--as-of DATE` the paths start from the crisis as the real history left it at the end of that
    date (`brink replay`'s particle filter), and days count from the next day.
    """
    param_uncertainty_options(param_uncertainty)
    goes_with("--force", "--out", out is not None, "it replaces the results of an earlier run there")
    from brinkmanship.calibration.uncertainty import checked_posterior, run_split
    from brinkmanship.engine.ensemble import (
        MAX_DAYS,
        MAX_RUNS,
        check_path_days,
        prelude_days_of,
        prelude_work,
    )
    from brinkmanship.engine.output import RESULT_FILES, write_summary
    from brinkmanship.scenario import load_scenario

    started = time.perf_counter()  # elapsed_s: the whole command's work, an --as-of replay included
    sc = load_scenario(scenario)
    horizon = sc.horizon_days if days is None else days
    check_ensemble_flags(runs, horizon, workers, seed, MAX_RUNS, MAX_DAYS)
    folder = None if out is None else check_out_text(out)
    shipped = checked_posterior(sc, param_uncertainty, posterior, draws, runs_per_draw)
    prelude = prelude_days_of(sc) if as_of is None else 0  # --as-of branches from the replay: no burn-in
    work = [(f"--runs {runs:,} x --days {horizon:,}", runs * horizon)]
    work += prelude_work(prelude, [("", 1, f"--runs {runs:,}", runs)])
    if shipped is not None:
        work.append(
            (
                f"--draws {draws:,} x --runs-per-draw {runs_per_draw:,} x {plural(horizon, 'day')}",
                draws * runs_per_draw * horizon,
            )
        )
        # each draw burns in its own paths, in the scenario with the draw's values
        per_draw = [("", 1, f"--runs-per-draw {runs_per_draw:,}", runs_per_draw)]
        work += prelude_work(prelude, per_draw, (f"--draws {draws:,}", draws))
    # --as-of first replays the record to the date with its own ensemble: counted with the forecast.
    work += as_of_work(sc, as_of, runs, None if shipped is None else (draws, runs_per_draw))
    check_path_days(work, "lower --runs or --days" + (" (or --draws, --runs-per-draw)" if shipped else ""))
    # The folder is checked, locked and staged before anything is computed, the --as-of replay included,
    # and the results appear only when all is done, the posterior's draws included (engine.atomic).
    folder_or_none: AbstractContextManager[ResultFolder | None] = (
        nullcontext() if folder is None else ResultFolder(folder, RESULT_FILES, force=force)
    )
    with folder_or_none as results:
        start = None if as_of is None else as_of_start(sc, as_of, runs, seed, show=not as_json)
        result = run_ensemble(
            sc,
            runs,
            horizon,
            seed,
            workers,
            results,
            show_progress=not as_json,
            start=start,
            as_of=as_of,
            started=started,
        )
        if shipped is not None:
            with progress_bar(draws * runs_per_draw, "over the posterior", not as_json) as advance:
                split = run_split(
                    sc,
                    shipped,
                    draws,
                    runs_per_draw,
                    horizon,
                    seed,
                    lambda done: advance(done, None),
                    posterior_as_of(sc, as_of),
                )
            result["param_uncertainty"] = split
            for name, part in split["outcomes"].items():
                o = result["outcomes"][name]
                o["p_posterior"] = part["p"]
                for key in ("ci95_total", "ci95_monte_carlo", "ci95_parameters"):
                    o[key] = part[key]
        result["elapsed_s"] = time.perf_counter() - started
        if results is not None:
            write_summary(results.staging, result)
            results.commit()
    if as_json:
        print(json.dumps(result))
    else:
        print_table(result)


def calibrate_scenario(scenario: str, runs: int, seed: int, as_json: bool) -> None:
    """`brink calibrate SCENARIO`: the simulated risks beside the published judgements, each quoted as its
    author gave it."""
    from brinkmanship.analysis.calibration import calibration_report
    from brinkmanship.engine.ensemble import MAX_RUNS, check_path_days, prelude_days_of, prelude_work
    from brinkmanship.scenario import load_scenario

    sc = load_scenario(scenario)
    check_range("--runs", runs, 100, MAX_RUNS)
    check_path_days(
        [
            (f"--runs {runs:,} x {plural(sc.horizon_days, 'day')}", runs * sc.horizon_days),
            *prelude_work(prelude_days_of(sc), [("", 1, f"--runs {runs:,}", runs)]),
        ],
        "lower --runs",
    )
    rows = calibration_report(sc, runs, seed)
    if not rows:
        raise UserError(f"no published judgements are shipped for scenario {sc.name!r}")
    if as_json:
        print(json.dumps({"scenario": sc.name, "runs": runs, "seed": seed, "judgements": rows}))
        return
    table = Table(title=f"{sc.name}: model vs published judgements ({runs:,} paths, seed {seed})")
    for column in (
        "outcome",
        "model",
        "95% interval",
        "published",
        "test band",
        "inside",
        "who, when, question",
    ):
        table.add_column(column)

    def span(low: float, high: float) -> str:
        return f"{low:.0%}" if low == high else f"{low:.0%} - {high:.0%}"

    for row in rows:
        measured = row["p"] is not None
        table.add_row(
            row["outcome"],
            f"{row['p']:.1%}" if measured else "no clash in the run",
            f"{row['ci95'][0]:.1%} - {row['ci95'][1]:.1%}" if measured else "-",
            span(*row["published"]),
            span(*row["band"]) + (" (tolerance)" if row["band_is_tolerance"] else ""),
            "yes" if row["inside"] else "no",
            f"{row['who']}, {row['when']}: {row['question']} ({row['horizon']})",
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Attach the engine commands to the main app."""
    app.command("scenarios")(scenarios)
    app.command("show")(show)
    app.command("run")(run)
    app.command("schema")(schema)
