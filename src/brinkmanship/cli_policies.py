"""CLI commands for levers and their comparison (`brink policies`, `brink compare`, `brink brief`)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from brinkmanship.cli_common import (
    DEFAULT_DRAWS,
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
    errors,
    given,
    param_uncertainty_options,
    progress_bar,
)
from brinkmanship.cli_history import (
    MAX_CURVE_RUNS,
    AsOfOption,
    as_of_curve,
    as_of_curve_work,
    as_of_date,
    as_of_start,
    as_of_work,
    check_curve_runs,
    posterior_as_of,
)
from brinkmanship.engine.atomic import ResultFolder, check_out_text
from brinkmanship.errors import UserError
from brinkmanship.wording import plural

# The model's libraries (NumPy, SciPy, SALib, matplotlib...) are imported in the functions that use them,
# so that `brink --help`, a command's help and a refused option do not wait seconds for them.
if TYPE_CHECKING:
    from brinkmanship.analysis.compare import Comparison
    from brinkmanship.engine.state import CrisisState
    from brinkmanship.policies import Catalogue, Policy
    from brinkmanship.scenario import ScenarioFile

DEFAULT_RUNS = 10_000
DEFAULT_SENSITIVITY_RUNS = 2_000
"""Paths per ensemble of the briefing's sensitivity: 1 + 2k ensembles over the whole horizon."""
DEFAULT_CURVE_RUNS = 512
"""Paths per forecast of the briefing's replayed curve (``--as-of``); its filter has four times as many.
About 50 forecasts of a year each: smaller than the comparison so the curve adds well under a minute."""
DEFAULT_INDICATOR_RUNS = 5_000
"""Paths per ensemble of the indicators: 1 + e ensembles of 90 days, so more paths for the same time
(at 5,000 paired paths a change of about 0.2 points in P(war within 90 days) is detectable)."""


PolicyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--policy",
        "-p",
        help="a lever, a package (editorial) or levers joined by '+' (restraint:us+direct-channel); repeat",
    ),
]
PolicyFileOption = Annotated[
    list[Path] | None, typer.Option("--policy-file", help="YAML file of user-defined levers; repeat")
]


def _policies(
    catalogue: Catalogue, scenario: ScenarioFile, texts: list[str] | None, files: list[Path] | None
) -> tuple[list[Policy], list[str]]:
    """Policies named with -p; else the levers of the policy files; else every applicable built-in."""
    if texts:
        chosen = [catalogue.parse(text) for text in texts]
        names = [policy.name for policy in chosen]
        twice = next((name for k, name in enumerate(names) if name in names[:k]), None)
        if twice is not None:  # it ran twice, the second as '(= it)'
            raise UserError(f"-p/--policy {twice}: given more than once; give it once")
        return chosen, []
    if files:
        return [
            catalogue.parse(name) for name, lever in catalogue.levers.items() if lever.origin != "built-in"
        ], []
    return catalogue.default_policies(scenario)


def policies(
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", "-s", help="also show what each lever changes in this scenario"),
    ] = None,
    policy_file: PolicyFileOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the levers: what each changes in the model, why, and its sources in the literature."""
    from brinkmanship.policies import catalogue_for, check_policy
    from brinkmanship.scenario import load_scenario

    catalogue = catalogue_for([str(p) for p in policy_file or []])
    sc = load_scenario(scenario) if scenario else None
    entries = []
    for name in [*catalogue.levers, *catalogue.packages]:
        lever = catalogue.levers.get(name)
        entry: dict[str, Any] = {"name": name}
        if lever is not None:
            entry |= {
                "summary": lever.summary,
                "changes": lever.changes,
                "why": lever.why,
                "sources": list(lever.sources),
                "actor_qualifier": lever.qualifiable,
                "origin": lever.origin,
            }
        else:
            expansion, description = catalogue.packages[name]
            entry |= {"summary": description, "package": expansion}
        if sc is not None:
            try:
                entry["in_scenario"] = check_policy(sc, catalogue.parse(name)) or ["no change (already so)"]
            except UserError as error:
                if lever is not None and lever.origin != "built-in":
                    # A lever of the user's file that cannot apply is a mistake in the file, refused as
                    # `compare` and `brief` refuse it; a built-in one is merely not for this scenario.
                    raise
                entry["in_scenario"] = [f"not applicable: {error}"]
        entries.append(entry)
    if as_json:
        print(json.dumps({"levers": entries, "scenario": sc.name if sc else None}))
        return
    table = Table(
        title="Levers (compose with '+'; per-actor ones take ':actor', e.g. restraint:us)", show_lines=True
    )
    table.add_column("lever", style="bold", no_wrap=True)
    table.add_column("what it changes")
    table.add_column("why / sources")
    if sc is not None:
        table.add_column(f"in {sc.name}")
    for entry in entries:
        if "package" in entry:
            row = [entry["name"], f"{entry['summary']}\n= {entry['package']}", ""]
        else:
            row = [
                entry["name"] + (" [:actor]" if entry["actor_qualifier"] else ""),
                f"{entry['summary']}\n{entry['changes']}",
                _why_and_sources(entry),
            ]
        if sc is not None:
            row.append("\n".join(entry["in_scenario"]))
        table.add_row(*row)
    console.print(table)


def _why_and_sources(entry: dict[str, Any]) -> str:
    """A lever's reason and sources, one a line; a user's lever may give neither ('-')."""
    lines = [entry["why"]] if entry["why"].strip() else []
    return "\n".join([*lines, *(f"- {source}" for source in entry["sources"])]) or "-"


COMPARE_RUNS_PER_DRAW = 512
"""Paths per option in each posterior draw of `compare --param-uncertainty` (every option runs in every
draw, so this is half of `run`'s)."""


def _print_comparison(comparison: Comparison, rank_by: str) -> None:
    from brinkmanship.analysis.compare import split_text

    rows = comparison.summaries(rank_by)
    title = (
        f"{comparison.scenario.name}: {plural(comparison.runs, 'path')} x {plural(comparison.days, 'day')} "
        "per policy, "
        f"seed {comparison.seed}, common random numbers"
    )
    table = Table(title=title, header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("policy", no_wrap=True, overflow="fold")
    for column in ("P(war) (95%)", "change (paired 95%)", "P(nuclear)", "P(agreement)", "median war day"):
        table.add_column(column, justify="right")
    table.add_column("days at risk / hazard", justify="right")
    table.add_column("largest path shift", no_wrap=True)
    for row in sorted(rows, key=lambda r: r["rank"]):
        war = row["outcomes"]["war"]
        change = war["vs_reference"]
        median = row["median_war_day"]["median"]
        if row is rows[0]:
            versus = "reference"
        elif row["same_as"] == rows[0]["policy"]:
            versus = "0 (same scenario)"  # identical paths by construction: no interval to show
        else:
            low, high = change["ci95"]
            star = "*" if change["significant"] else ""
            versus = f"{100 * change['diff']:+.1f} ({100 * low:+.1f}, {100 * high:+.1f}){star}"
        table.add_row(
            str(row["rank"]),
            row["policy"] + (f" (= {row['same_as']})" if row["same_as"] else ""),
            f"{100 * war['p']:.1f}% ({100 * war['ci95'][0]:.1f}-{100 * war['ci95'][1]:.1f})",
            versus,
            f"{row['outcomes']['nuclear_use']['p']:.1%}",
            f"{row['outcomes']['agreement']['p']:.0%}",
            "-" if median is None else f"{median:.0f}",
            split_text(row, row is rows[0] or row["same_as"] == rows[0]["policy"]),
            "" if row is rows[0] else _largest_shift(row),
        )
    console.print(table)
    console.print(
        "changes in percentage points; * = significant: McNemar's p < 0.05, the same as the paired 95% "
        "interval excluding zero"
    )
    console.print(
        "days at risk / hazard: the change in days spent in crisis and in wars per day in crisis "
        "(reference: days per path / wars per 1,000 days); wars = days x hazard"
    )
    at_start = rows[0]["agreements"]["in_force_at_start"]
    if at_start["count"]:
        # As `brink run` says it: after a recorded agreement P(agreement) alone would read as none in force.
        console.print(
            f"An agreement was in force at the start on {at_start['p']:.1%} of paths (the same replayed "
            "paths for every policy); P(agreement) counts agreements newly reached."
        )
    for row in rows:
        if row["expansion"]:
            console.print(f"{row['policy']} = {row['expansion']}")
    for note in comparison.notes:
        console.print(f"note: {note}", style="dim")
    console.print(f"{comparison.elapsed_s:.1f} s", style="dim")


def _largest_shift(row: dict[str, Any]) -> str:
    label, info = max(row["paths"].items(), key=lambda item: abs(item[1]["vs_reference"]["diff"]))
    diff = info["vs_reference"]["diff"]
    return f"{label.replace('_', ' ')} {100 * diff:+.1f}" if diff else ""


def compare(
    scenario: Annotated[str, typer.Argument(help="built-in name (see `brink scenarios`) or a scenario file")],
    policy: PolicyOption = None,
    policy_file: PolicyFileOption = None,
    runs: RunsOption = DEFAULT_RUNS,
    days: DaysOption = None,
    seed: SeedOption = DEFAULT_SEED,
    workers: WorkersOption = 0,
    rank_by: Annotated[str, typer.Option(help="outcome that ranks the policies")] = "war",
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
    param_uncertainty: ParamUncertaintyOption = False,
    draws: DrawsOption = DEFAULT_DRAWS,
    runs_per_draw: RunsPerDrawOption = COMPARE_RUNS_PER_DRAW,
    posterior: PosteriorOption = None,
) -> None:
    """Compare the baseline with levers and packages on common random numbers, with paired intervals.

    With `--param-uncertainty` every option also runs over draws of the calibrated posterior: how often it
    beats the reference and how often it takes each rank, draw by draw (docs/calibration.md).

    With `--as-of DATE` every policy starts from the crisis as the real history left it at the end of
    that date (the same replayed paths for all: the differences stay paired)."""
    param_uncertainty_options(param_uncertainty)
    from brinkmanship.analysis.compare import run_comparison
    from brinkmanship.calibration.uncertainty import checked_posterior, compare_robustness
    from brinkmanship.engine.ensemble import MAX_DAYS, MAX_RUNS, check_path_days, prelude_days_of
    from brinkmanship.engine.results import OUTCOMES
    from brinkmanship.policies import catalogue_for
    from brinkmanship.scenario import load_scenario

    started = time.perf_counter()  # elapsed_s: the whole command's work, an --as-of replay included
    sc = load_scenario(scenario)
    horizon = sc.horizon_days if days is None else days
    check_ensemble_flags(runs, horizon, workers, seed, MAX_RUNS, MAX_DAYS)
    if rank_by not in OUTCOMES:
        raise UserError(f"--rank-by: unknown outcome {rank_by!r} (known: {', '.join(OUTCOMES)})")
    catalogue = catalogue_for([str(p) for p in policy_file or []])
    chosen, notes = _policies(catalogue, sc, policy, policy_file)
    total = runs * (1 + len([p for p in chosen if not p.is_baseline]))
    show = not as_json and sys.stderr.isatty()
    shipped = checked_posterior(sc, param_uncertainty, posterior, draws, runs_per_draw)
    # --as-of branches every policy (and each draw) from the replayed record: nothing burns in then.
    prelude = prelude_days_of(sc) if as_of is None else 0
    check_path_days(
        _comparison_work(chosen, runs, horizon, shipped is not None, draws, runs_per_draw, "--days ", prelude)
        + as_of_work(sc, as_of, runs, None if shipped is None else (draws, runs_per_draw)),
        "lower --runs or --days" + (", or compare fewer policies" if _option_count(chosen) > 1 else ""),
    )
    start = _replayed(sc, chosen, as_of, runs, seed, show)
    if as_of is not None:
        notes = [
            *notes,
            f"as of {as_of}: every policy starts from the replayed crisis at the end of that date",
        ]
    with progress_bar(total, "comparing", show) as advance:
        comparison = run_comparison(
            sc, chosen, runs, seed, horizon, workers, lambda name, done: advance(done, name), notes, start
        )
    robustness = None
    if shipped is not None:
        with progress_bar(
            draws * runs_per_draw * (len(chosen) + (0 if chosen and chosen[0].is_baseline else 1)),
            "over the posterior",
            show,
        ) as advance:
            robustness = compare_robustness(
                sc,
                chosen,
                shipped,
                draws,
                runs_per_draw,
                horizon,
                seed,
                rank_by,
                lambda d: advance(d, None),
                posterior_as_of(sc, as_of),
            )
    comparison.elapsed_s = time.perf_counter() - started
    if as_json:
        record = comparison.as_dict(rank_by)
        if as_of is not None:
            record["as_of"] = as_of
        if robustness is not None:
            record["param_uncertainty"] = robustness
        print(json.dumps(record))
    else:
        _print_comparison(comparison, rank_by)
        if robustness is not None:
            _print_robustness(robustness)


def _print_robustness(robustness: dict[str, Any]) -> None:
    """How each option fares across the posterior's draws."""
    rank_by = robustness["rank_by"]
    table = Table(
        title=(
            f"Across the calibrated posterior: {robustness['draws']} draws x {robustness['runs_per_draw']:,} "
            f"paths per option ({robustness['posterior']})"
        ),
        header_style="bold",
    )
    for column in ("policy", f"P({rank_by}) over the posterior (95% total)", "beats the reference", "ranks"):
        table.add_column(column)
    for name, row in robustness["policies"].items():
        split = row[rank_by]
        ranks = ", ".join(f"#{rank} {share:.0%}" for rank, share in row["rank_shares"].items())
        beats = (
            "(reference)"
            if name == robustness["reference"]
            else f"{row['beats_reference_share']:.0%} of draws"
        )
        table.add_row(
            name,
            f"{split['p']:.1%} ({split['ci95_total'][0]:.1%} - {split['ci95_total'][1]:.1%})",
            beats,
            ranks,
        )
    console.print(table)


def _option_count(chosen: Sequence[Policy]) -> int:
    """The options a comparison runs (run_comparison): the chosen policies, the baseline first."""
    return len(chosen) if chosen and chosen[0].is_baseline else 1 + sum(not p.is_baseline for p in chosen)


def _comparison_work(
    chosen: Sequence[Policy],
    runs: int,
    days: int,
    posterior: bool,
    draws: int,
    runs_per_draw: int,
    days_flag: str = "",
    prelude_days: int = 0,
) -> list[tuple[str, int]]:
    """The path-days of a comparison (the baseline and each option) and, with ``posterior``, of its runs
    over the posterior's draws, in the options' terms (for :func:`check_path_days`); each with its burn-in
    (:func:`~brinkmanship.engine.ensemble.prelude_work`) given the scenario's ``prelude_days`` (0 where
    the comparison branches from a replayed date)."""
    from brinkmanship.engine.ensemble import prelude_work

    options = _option_count(chosen)
    counted = plural(options, "policy", "policies")
    work = [
        (
            f"--runs {runs:,} x {counted} x "
            + (f"{days_flag}{days:,}" if days_flag else plural(days, "day")),
            runs * options * days,
        ),
        *prelude_work(prelude_days, [(counted, options, f"--runs {runs:,}", runs)]),
    ]
    if posterior:
        work += _posterior_work(chosen, days, draws, runs_per_draw, prelude_days)
    return work


def _posterior_work(
    chosen: Sequence[Policy], days: int, draws: int, runs_per_draw: int, prelude_days: int
) -> list[tuple[str, int]]:
    """The path-days of every option's runs over the posterior's draws (compare_robustness), with the
    burn-in of each draw's world (all its options share it) given ``prelude_days`` (0 where every draw
    replays the record to an --as-of date instead)."""
    from brinkmanship.engine.ensemble import prelude_work

    options = _option_count(chosen)
    counted = plural(options, "policy", "policies")
    return [
        (
            f"--draws {draws:,} x --runs-per-draw {runs_per_draw:,} x {counted} x {plural(days, 'day')}",
            draws * runs_per_draw * options * days,
        ),
        *prelude_work(
            prelude_days,
            [(counted, options, f"--runs-per-draw {runs_per_draw:,}", runs_per_draw)],
            (f"--draws {draws:,}", draws),
        ),
    ]


def _replayed(
    sc: ScenarioFile, chosen: Sequence[Policy], as_of: str | None, runs: int, seed: int, show: bool
) -> CrisisState | None:
    """The replayed start of ``--as-of`` (sized for every policy's world), or None without it."""
    from brinkmanship.policies import apply_policy

    if as_of is None:
        return None
    worlds = tuple(apply_policy(sc, policy) for policy in chosen)
    return as_of_start(sc, as_of, runs, seed, worlds, show)


def brief(
    scenario: Annotated[str, typer.Argument(help="built-in name (see `brink scenarios`) or a scenario file")],
    out: Annotated[
        str, typer.Option("--out", "-o", help="folder for briefing.html, briefing.md, figures/")
    ] = "brief",
    policy: PolicyOption = None,
    policy_file: PolicyFileOption = None,
    runs: RunsOption = DEFAULT_RUNS,
    seed: SeedOption = DEFAULT_SEED,
    sensitivity_runs: Annotated[
        int, typer.Option(help="paths per ensemble of the one-at-a-time sensitivity (0 skips it)")
    ] = DEFAULT_SENSITIVITY_RUNS,
    indicator_runs: Annotated[
        int, typer.Option(help="paths per ensemble of the indicators to watch (0 skips them)")
    ] = DEFAULT_INDICATOR_RUNS,
    workers: WorkersOption = 0,
    force: ForceOption = False,
    sensitivity: Annotated[
        str, typer.Option("--sensitivity", help="oat (one at a time, the tornado), sobol or morris")
    ] = "oat",
    sensitivity_n: Annotated[
        int | None,
        typer.Option(
            help="N of a global sensitivity: Sobol base sample (power of two) or Morris trajectories"
        ),
    ] = None,
    as_of: AsOfOption = None,
    curve_runs: Annotated[
        int | None,
        typer.Option(
            help="with --as-of: paths per forecast of the replayed curve drawn to that date (its replay has "
            f"4x as many; default {DEFAULT_CURVE_RUNS}, at most {MAX_CURVE_RUNS:,}; 0 skips the curve)"
        ),
    ] = None,
    param_uncertainty: ParamUncertaintyOption = False,
    draws: DrawsOption = DEFAULT_DRAWS,
    runs_per_draw: RunsPerDrawOption = COMPARE_RUNS_PER_DRAW,
    posterior: PosteriorOption = None,
) -> None:
    """Write a briefing: one offline HTML file, its Markdown twin, the figures as PNG, the numbers as JSON.

    With `--as-of DATE` the comparison starts from the crisis as the real history left it at the end of
    that date, and the briefing draws the replayed risk of war up to that date with the judgements of the
    time; the sensitivity and the indicators stay at the scenario's start date (said in the notes)."""
    param_uncertainty_options(param_uncertainty)
    for option in ("--sensitivity", "--sensitivity-n"):
        if sensitivity_runs == 0 and given(option):
            raise UserError(
                f"{option}: not used with --sensitivity-runs 0, which skips the sensitivity; leave out one"
            )
    from brinkmanship.analysis import global_sensitivity as gsa
    from brinkmanship.calibration.uncertainty import checked_posterior, compare_robustness
    from brinkmanship.engine.ensemble import MAX_PATH_DAYS, MAX_RUNS, check_path_days, prelude_days_of
    from brinkmanship.policies import catalogue_for
    from brinkmanship.report import BRIEFING_FILES, FIGURE_FILES, FIGURES, build_briefing, write_briefing
    from brinkmanship.scenario import load_scenario

    started = time.perf_counter()  # elapsed_s: the whole briefing's work, an --as-of replay included
    sc = load_scenario(scenario)
    if curve_runs is not None and as_of is None:
        raise UserError("--curve-runs: only with --as-of (without it the briefing draws no replayed curve)")
    if curve_runs is not None:
        check_curve_runs(curve_runs)
    check_range("--runs", runs, 1, MAX_RUNS)
    check_range("--sensitivity-runs", sensitivity_runs, 0, MAX_RUNS)
    check_range("--indicator-runs", indicator_runs, 0, MAX_RUNS)
    _check_sensitivity(sc, sensitivity, sensitivity_n, sensitivity_runs)
    shipped = checked_posterior(sc, param_uncertainty, posterior, draws, runs_per_draw)
    folder = check_out_text(out)
    catalogue = catalogue_for([str(p) for p in policy_file or []])
    chosen, notes = _policies(catalogue, sc, policy, policy_file)
    curve = as_of is not None and curve_runs != 0
    # What the briefing runs besides its comparison, sensitivity and indicators: the same whatever the
    # sensitivity's N.
    besides = (
        (
            []
            if shipped is None
            else _posterior_work(
                chosen, sc.horizon_days, draws, runs_per_draw, prelude_days_of(sc) if as_of is None else 0
            )
        )
        + as_of_work(sc, as_of, runs, None if shipped is None else (draws, runs_per_draw))
        + (
            as_of_curve_work(sc, as_of, curve_runs or DEFAULT_CURVE_RUNS)
            if as_of is not None and curve
            else []
        )
    )

    def work(n: int | None) -> list[tuple[str, int]]:
        parts = _briefing_work(
            sc, chosen, runs, sensitivity_runs, indicator_runs, sensitivity, n, as_of is not None
        )
        return parts + besides

    largest_n = None
    if sensitivity != "oat" and sensitivity_runs > 0 and sc.uncertainties:
        # The N the sensitivity's warning may advise: the largest with which the whole briefing still fits.
        k = len(gsa.choose_parameters(sc)[0])
        largest_n = gsa.largest_n_where(
            sensitivity, k, lambda n: sum(part for _, part in work(n)) <= MAX_PATH_DAYS
        )
    check_path_days(
        work(sensitivity_n),
        "lower --runs, --sensitivity-runs"
        + (", --indicator-runs or --curve-runs" if curve else " or --indicator-runs")
        + (", or compare fewer policies" if _option_count(chosen) > 1 else ""),
    )
    if as_of is not None:
        notes = [
            *notes,
            f"as of {as_of}: the comparison starts from the replayed crisis at the end of that date; the "
            "sensitivity and the indicators are those of the scenario's start date",
        ]
    # The folder is checked, locked and staged before anything is computed (engine.atomic).
    with (
        ResultFolder(folder, BRIEFING_FILES, folders={FIGURES: FIGURE_FILES}, force=force) as results,
        _status(sys.stderr.isatty()) as say,
    ):
        replaying = time.perf_counter()
        start = _replayed(sc, chosen, as_of, runs, seed, False)
        replayed_s = time.perf_counter() - replaying
        history = None
        if as_of is not None and curve:
            history = as_of_curve(sc, as_of, curve_runs or DEFAULT_CURVE_RUNS, seed, say)
        briefing = build_briefing(
            sc,
            chosen,
            runs,
            seed,
            sensitivity_runs,
            indicator_runs,
            workers,
            notes,
            say,
            sensitivity,
            sensitivity_n,
            start,
            None if start is None else as_of_date(as_of),
            history,
            largest_n,
        )
        if shipped is not None:
            say("over the calibrated posterior")
            briefing.param_uncertainty = compare_robustness(
                sc,
                chosen,
                shipped,
                draws,
                runs_per_draw,
                briefing.comparison.days,
                seed,
                as_of=posterior_as_of(sc, as_of),
            )
        # The comparison's time counts the replay it branched from; the briefing's, everything before the
        # files are written.
        briefing.comparison.elapsed_s += replayed_s
        briefing.elapsed_s = time.perf_counter() - started
        staged = write_briefing(briefing, results.staging)
        files = [results.final(path.relative_to(results.staging).as_posix()) for path in staged.figures]
        html, markdown, data = (results.final(p.name) for p in (staged.html, staged.markdown, staged.data))
        results.commit()
    console.print(f"wrote {html} (self-contained), {markdown}, {data}")
    console.print("figures: " + ", ".join(str(path) for path in files))
    console.print(f"{time.perf_counter() - started:.1f} s", style="dim")


def _briefing_work(
    sc: ScenarioFile,
    chosen: Sequence[Policy],
    runs: int,
    sensitivity_runs: int,
    indicator_runs: int,
    method: str,
    n: int | None,
    replayed: bool = False,
) -> list[tuple[str, int]]:
    """The path-days of a briefing's comparison, sensitivity and indicators (build_briefing), in the
    options' terms (for :func:`check_path_days`), and of their burn-in: all three burn in on the scenario
    as declared and the same seed, so they share it (:func:`~brinkmanship.engine.ensemble.prelude_work`);
    ``replayed``: the comparison branches from an --as-of date and burns in nothing (the sensitivity and
    the indicators still do)."""
    from brinkmanship.analysis import global_sensitivity as gsa
    from brinkmanship.analysis.sensitivity import oat_ensembles
    from brinkmanship.engine.ensemble import prelude_days_of, prelude_work
    from brinkmanship.report.indicators import DEFAULT_WINDOW_DAYS as INDICATOR_WINDOW_DAYS
    from brinkmanship.report.indicators import observable_events

    days = sc.horizon_days
    work = _comparison_work(chosen, runs, days, False, 0, 0)
    options = _option_count(chosen)
    burning_in = (
        [] if replayed else [(plural(options, "policy", "policies"), options, f"--runs {runs:,}", runs)]
    )
    if sensitivity_runs > 0 and sc.uncertainties:
        if method == "oat":
            # One at a time under the baseline, and once more for the best option when the comparison has
            # one besides the reference (build_briefing: best_option, which may yet find none).
            rows = oat_ensembles(sc, contender=options > 1)
        else:
            parameters, _ = gsa.choose_parameters(sc)
            rows = gsa.row_count(method, gsa.DEFAULT_N[method] if n is None else n, len(parameters))
        work.append(
            (
                f"{plural(rows, 'sensitivity row')} x --sensitivity-runs {sensitivity_runs:,} x "
                f"{plural(days, 'day')}",
                rows * sensitivity_runs * days,
            )
        )
        burning_in.append(
            (
                plural(rows, "sensitivity row"),
                rows,
                f"--sensitivity-runs {sensitivity_runs:,}",
                sensitivity_runs,
            )
        )
    if indicator_runs > 0:
        ensembles = 1 + len(observable_events(sc))
        window = min(INDICATOR_WINDOW_DAYS, days)
        work.append(
            (
                f"{plural(ensembles, 'indicator ensemble')} x --indicator-runs {indicator_runs:,} x "
                f"{plural(window, 'day')}",
                ensembles * indicator_runs * window,
            )
        )
        burning_in.append(
            (
                plural(ensembles, "indicator ensemble"),
                ensembles,
                f"--indicator-runs {indicator_runs:,}",
                indicator_runs,
            )
        )
    return work + prelude_work(prelude_days_of(sc), burning_in)


def _check_sensitivity(sc: ScenarioFile, method: str, n: int | None, runs: int) -> None:
    """The briefing's sensitivity method and size, checked before anything is computed."""
    from brinkmanship.analysis import global_sensitivity as gsa
    from brinkmanship.engine.ensemble import prelude_days_of

    if method == "oat":
        if n is not None:
            raise UserError("--sensitivity-n: only for --sensitivity sobol or morris")
        return
    gsa.check_method(method, "--sensitivity")
    size = gsa.DEFAULT_N[method] if n is None else gsa.check_n(method, n, "--sensitivity-n")
    if runs > 0 and sc.uncertainties:
        parameters, _ = gsa.choose_parameters(sc)
        gsa.check_size(
            method,
            size,
            len(parameters),
            runs,
            sc.horizon_days,
            ("--sensitivity-n", "--sensitivity-runs", ""),
            n_given=n is not None,
            prelude_days=prelude_days_of(sc),
        )


@contextmanager
def _status(enabled: bool) -> Iterator[Any]:
    """A spinner on stderr with the step under way (silent when stderr is not a terminal)."""
    if not enabled:
        yield lambda text: None
        return
    with errors.status("briefing", spinner="dots") as status:
        yield lambda text: status.update(f"briefing: {text}")


def register(app: typer.Typer) -> None:
    """Attach the policy commands to the main app."""
    app.command("policies")(policies)
    app.command("compare")(compare)
    app.command("brief")(brief)
