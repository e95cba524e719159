"""CLI command `brink sensitivity`: which assumptions drive the answer (Sobol, Morris, one at a time)."""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from brinkmanship.analysis.sensitivity_methods import METHODS as GLOBAL_METHODS
from brinkmanship.cli_common import (
    DEFAULT_SEED,
    DaysOption,
    ForceOption,
    JsonOption,
    SeedOption,
    WorkersOption,
    check_ensemble_flags,
    console,
    errors,
    goes_with,
    stderr_progress,
)
from brinkmanship.engine.atomic import ResultFolder, check_out_text
from brinkmanship.errors import UserError
from brinkmanship.wording import plural

# The model's libraries (NumPy, SciPy, SALib, matplotlib...) are imported in the functions that use them,
# so that `brink --help`, a command's help and a refused option do not wait seconds for them.
if TYPE_CHECKING:
    from brinkmanship.analysis import global_sensitivity as gsa
    from brinkmanship.analysis.sensitivity import Sensitivity
    from brinkmanship.scenario import ScenarioFile

DEFAULT_RUNS = 2_000
"""Paths per row (per ensemble for oat)."""
METHODS = (*GLOBAL_METHODS, "oat")
RESULT_FILES = ("sensitivity.json", "indices.csv", "rows.csv", "sensitivity.png")
"""The result set of `brink sensitivity --out`, written and replaced as a whole (engine.atomic); oat
writes sensitivity.json and sensitivity.png only."""


def parse_params(text: str | None) -> list[str] | None:
    """``--params a,b,c`` as a list of dotted paths (None when not given)."""
    if text is None:
        return None
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise UserError(f"--params: give dotted paths separated by commas (got {text!r})")
    return names


def check_method(method: str) -> str:
    if method not in METHODS:
        raise UserError(f"--method: unknown method {method!r} (known: {', '.join(METHODS)})")
    return method


def sensitivity(
    scenario: Annotated[str, typer.Argument(help="built-in name (see `brink scenarios`) or a scenario file")],
    method: Annotated[str, typer.Option("--method", "-m", help="sobol, morris or oat")] = "morris",
    n: Annotated[
        int | None,
        typer.Option(
            "--n", help="Sobol: base sample, a power of two (default 64); Morris: trajectories (default 10)"
        ),
    ] = None,
    outcome: Annotated[
        str, typer.Option("--outcome", help="war, nuclear_use, clash, agreement or deaths")
    ] = "war",
    params: Annotated[
        str | None,
        typer.Option("--params", help="comma-separated uncertain parameters (default: all but type priors)"),
    ] = None,
    policy: Annotated[
        list[str] | None,
        typer.Option(
            "--policy", "-p", help="levers applied in every row (default baseline); one, levers joined by +"
        ),
    ] = None,
    runs: Annotated[int, typer.Option("--runs", help="paths per row")] = DEFAULT_RUNS,
    days: DaysOption = None,
    seed: SeedOption = DEFAULT_SEED,
    workers: WorkersOption = 0,
    as_json: JsonOption = False,
    out: Annotated[
        str | None,
        typer.Option(
            "--out", "-o", help="folder for sensitivity.json, indices.csv, rows.csv, sensitivity.png"
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Which uncertain assumptions drive the answer: Sobol indices, Morris screening or one at a time.

    Rows share one seed and one burn-in (common random numbers): Sobol N(k+2) rows, Morris N(k+1), oat 1+2k.
    """
    check_method(method)
    goes_with("--force", "--out", out is not None, "it replaces the results of an earlier analysis there")
    from brinkmanship.analysis import global_sensitivity as gsa
    from brinkmanship.analysis.sensitivity import Sensitivity, oat_ensembles, one_at_a_time
    from brinkmanship.analysis.variants import check_outcome
    from brinkmanship.engine.ensemble import (
        MAX_DAYS,
        MAX_PATH_DAYS,
        MAX_RUNS,
        check_path_days,
        largest_within,
        prelude_days_of,
        prelude_work,
    )
    from brinkmanship.policies import Policy, catalogue_for
    from brinkmanship.scenario import load_scenario

    sc = load_scenario(scenario)
    check_outcome(outcome)
    horizon = sc.horizon_days if days is None else days
    check_ensemble_flags(runs, horizon, workers, seed, MAX_RUNS, MAX_DAYS)
    if policy and len(policy) > 1:
        raise UserError(
            f"--policy: give one policy (join levers with '+', e.g. {'+'.join(policy)}), not {len(policy)}"
        )
    chosen = catalogue_for([]).parse(policy[0]) if policy else Policy("baseline")
    names = parse_params(params)
    if method == "oat":
        _check_oat(sc, n, names, days, outcome)
        rows = oat_ensembles(sc)
        # --runs is the only size oat takes (no --n, --days), and one path per row always fits. Every row
        # burns in on the scenario as declared and the same seed: they share the prelude.
        prelude = prelude_days_of(sc)

        def work(paths: int) -> list[tuple[str, int]]:
            return [
                (
                    f"{plural(rows, 'row')} (one at a time) x --runs {paths:,} x {plural(horizon, 'day')}",
                    rows * paths * horizon,
                ),
                *prelude_work(prelude, [(plural(rows, "row"), rows, f"--runs {paths:,}", paths)]),
            ]

        fitting = largest_within(runs, lambda paths: sum(part for _, part in work(paths)) <= MAX_PATH_DAYS)
        check_path_days(work(runs), f"lower --runs to {fitting:,}")
    else:
        size = gsa.DEFAULT_N[method] if n is None else gsa.check_n(method, n)
        parameters, _ = gsa.choose_parameters(sc, names)
        gsa.check_size(
            method,
            size,
            len(parameters),
            runs,
            horizon,
            n_given=n is not None,
            days_given=days is not None,
            prelude_days=prelude_days_of(sc),
        )
    folder = None if out is None else check_out_text(out)
    show = not as_json and errors.is_terminal

    def compute() -> gsa.GlobalSensitivity | Sensitivity:
        if method == "oat":
            # One step per ensemble run: the base and both ends of each uncertainty measured (the type
            # priors are not run).
            with _rows_bar(oat_ensembles(sc), "one at a time", show) as advance:
                return one_at_a_time(
                    sc,
                    runs,
                    seed,
                    chosen,
                    outcome,
                    workers,
                    progress=lambda done, total, what: advance(1, done),
                )
        with _rows_bar(gsa.row_count(method, size, len(parameters)), f"{method} rows", show) as advance:
            return gsa.global_sensitivity(
                sc,
                method,
                n=size,
                outcome=outcome,
                names=names,
                policy=chosen,
                runs=runs,
                days=horizon,
                seed=seed,
                workers=workers,
                progress=lambda done, total: advance(1, done),
            )

    started = time.perf_counter()
    if folder is None:
        result = compute()
    else:
        # The folder is checked, locked and staged before anything is computed (engine.atomic).
        with ResultFolder(folder, RESULT_FILES, force=force) as results:
            result = compute()
            write_results(result, results.staging, time.perf_counter() - started)
            results.commit()
    seconds = time.perf_counter() - started
    if as_json:
        print(json.dumps(_as_dict(result, seconds)))
    elif isinstance(result, Sensitivity):
        _print_oat(result, seconds)
    else:
        _print_global(result)
    if folder is not None and not as_json:
        console.print(f"wrote {', '.join(str(folder / name) for name in _written(result))}")


def _check_oat(
    sc: ScenarioFile, n: int | None, names: list[str] | None, days: int | None, outcome: str
) -> None:
    """The one-at-a-time analysis runs every declared parameter over the scenario's horizon."""
    from brinkmanship.analysis.variants import PROBABILITY_OUTCOMES

    for flag, given in (("--n", n), ("--params", names), ("--days", days)):
        if given is not None:
            raise UserError(
                f"{flag}: not used by --method oat (it runs every declared uncertainty over the "
                "scenario's horizon); use --method sobol or morris"
            )
    if outcome not in PROBABILITY_OUTCOMES:
        raise UserError(
            f"--outcome {outcome}: --method oat measures probabilities "
            f"({', '.join(PROBABILITY_OUTCOMES)}); use --method sobol or morris for deaths"
        )
    if not sc.uncertainties:
        raise UserError(f"{sc.name}: the scenario declares no uncertain parameters")


def _as_dict(result: gsa.GlobalSensitivity | Sensitivity, seconds: float) -> dict[str, Any]:
    from brinkmanship.analysis import global_sensitivity as gsa

    if isinstance(result, gsa.GlobalSensitivity):
        return result.as_dict()
    return {"method": "oat", **result.as_dict(), "elapsed_s": round(seconds, 3)}  # as every command's JSON


def _written(result: gsa.GlobalSensitivity | Sensitivity) -> tuple[str, ...]:
    from brinkmanship.analysis import global_sensitivity as gsa

    return (
        RESULT_FILES if isinstance(result, gsa.GlobalSensitivity) else ("sensitivity.json", "sensitivity.png")
    )


def write_results(result: gsa.GlobalSensitivity | Sensitivity, folder: Path, seconds: float) -> None:
    """sensitivity.json, sensitivity.png and, for the global methods, indices.csv and rows.csv."""
    from brinkmanship.analysis.sensitivity import Sensitivity
    from brinkmanship.report import figures

    (folder / "sensitivity.json").write_text(
        json.dumps(_as_dict(result, seconds), indent=1), encoding="utf-8"
    )
    if isinstance(result, Sensitivity):
        (folder / "sensitivity.png").write_bytes(figures.tornado(result))
        return
    (folder / "sensitivity.png").write_bytes(figures.global_indices(result))
    indices = result.as_dict()["indices"]
    _write_csv(folder / "indices.csv", indices)
    _write_csv(folder / "rows.csv", result.table)


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else [])
        writer.writeheader()
        writer.writerows(rows)


def _value(value: float | None, conf: float | None = None) -> str:
    if value is None:
        return "-"
    text = f"{value:.3g}" if abs(value) >= 1e4 else f"{value:.3f}"
    if conf is None:
        return text
    return f"{text} ± {conf:.3g}" if abs(conf) >= 1e4 else f"{text} ± {conf:.3f}"


def _with_interval(value: float | None, conf: float | None) -> str:
    """A value with its 95% half-width; ``± n/a`` where the interval is undefined (null in JSON)."""
    return _value(value, conf) if conf is not None else f"{_value(value)} ± n/a"


def _print_global(result: gsa.GlobalSensitivity) -> None:
    data = result.as_dict()
    k = len(result.parameters)
    title = (
        f"{result.scenario} ({result.policy}): {result.method}, {k} parameter{'s' if k != 1 else ''}, "
        f"N = {result.n}, {plural(result.rows, 'row')} x {plural(result.runs_per_row, 'path')} x "
        f"{plural(result.days, 'day')}, "
        f"seed {result.seed}; outcome {result.outcome}"
    )
    table = Table(title=title, header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("parameter", no_wrap=True)
    columns: list[tuple[str, str, str | None]]
    if result.method == "sobol":
        columns = [("S1 (± 95%)", "S1", "S1_conf"), ("ST (± 95%)", "ST", "ST_conf")]
    else:
        columns = [
            ("mu_star (± 95%)", "mu_star", "mu_star_conf"),
            ("sigma", "sigma", None),
            ("mu", "mu", None),
        ]
    for header, _, _ in columns:
        table.add_column(header, justify="right")
    for entry in data["indices"]:
        cells = [
            _value(entry[key]) if conf is None else _with_interval(entry[key], entry[conf])
            for _, key, conf in columns
        ]
        table.add_row(str(entry["rank"]), entry["parameter"], *cells)
    console.print(table)
    for left_out in result.excluded:
        console.print(f"left out: {left_out['path']}: {left_out['reason']}", style="dim")
    console.print(f"{result.seconds:.1f} s", style="dim")
    if result.warning:
        print(f"warning: {result.warning}", file=sys.stderr)  # one line, whatever the terminal's width


def _print_oat(result: Sensitivity, seconds: float) -> None:
    table = Table(
        title=f"{result.scenario} ({result.policy}): one at a time, {plural(result.runs, 'path')} per end, "
        f"seed {result.seed}; P({result.outcome}) as set {100 * result.p_base:.1f}%",
        header_style="bold",
    )
    for header in ("parameter", "as set", "range", "at low", "at high", "swing"):
        table.add_column(header, justify="left" if header == "parameter" else "right")
    for row in result.rows:
        measured = row.measured
        table.add_row(
            row.path,
            f"{row.value:g}",
            f"{row.low:g} - {row.high:g}",
            f"{100 * row.p_low:.1f}%" if measured else "not measured",
            f"{100 * row.p_high:.1f}%" if measured else "not measured",
            f"{100 * row.swing:.1f} pts" if measured else "-",
        )
    console.print(table)
    console.print(f"{seconds:.1f} s", style="dim")


@contextmanager
def _rows_bar(total: int, label: str, enabled: bool) -> Iterator[Callable[[int, int], None]]:
    """A transient progress bar on stderr with rows done and time left; yields ``advance(step, done)``."""
    with stderr_progress(enabled, time_left=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda step, done: progress.update(task, advance=step)


def register(app: typer.Typer) -> None:
    """Attach `brink sensitivity` to the main app."""
    app.command("sensitivity")(sensitivity)
