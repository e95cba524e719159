"""CLI commands `brink calibrate` (fit the free parameters, show the posterior, or set one scenario beside its
judgements) and `brink validate` (every fitted target and held-out check: value, band, pass or fail)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from brinkmanship import stopping
from brinkmanship.cli_common import (
    DEFAULT_SEED,
    ForceOption,
    JsonOption,
    SeedOption,
    console,
    given,
    goes_with,
    stderr_progress,
)
from brinkmanship.cli_engine import calibrate_scenario
from brinkmanship.engine.atomic import ResultFolder, check_out_text
from brinkmanship.errors import UserError
from brinkmanship.stopping import Terminated
from brinkmanship.wording import plural

# The model's libraries (NumPy, SciPy, scikit-learn, emcee...) are imported in the functions that use them,
# so that `brink --help`, a command's help and a refused option do not wait seconds for them.

DEFAULT_DESIGN, DEFAULT_REFINE, DEFAULT_CHECK_DRAWS = 96, 48, 16
DEFAULT_FIT_RUNS, DEFAULT_FORECAST_RUNS = 1024, 512
FIT_FILES = ("posterior.json",)
TargetsOption = Annotated[
    str | None, typer.Option("--targets", help="targets file (default: the shipped targets.yaml)")
]
ReplayRunsOption = Annotated[
    int, typer.Option("--replay-runs", help="paths in each replay (one per fit row or posterior draw)")
]
ForecastRunsOption = Annotated[int, typer.Option("--forecast-runs", help="paths per replay forecast")]
"""The result set of `brink calibrate --out`: written when the whole fit is done (the journal of simulated
rows, simulations.jsonl, and fit.json stay beside it so that an interrupted fit resumes)."""


def calibrate(
    scenario: Annotated[
        str | None, typer.Argument(help="a built-in scenario: set it beside its judgements (no fit)")
    ] = None,
    targets: TargetsOption = None,
    out: Annotated[
        str | None,
        typer.Option("--out", help="fit the free parameters; write posterior.json here (resumable)"),
    ] = None,
    show: Annotated[
        bool, typer.Option("--show", help="the shipped posterior: priors, posteriors, checks")
    ] = False,
    posterior: Annotated[
        str | None, typer.Option("--posterior", help="with --show: a posterior.json of your own fit")
    ] = None,
    design: Annotated[int, typer.Option("--design", help="rows in the first wave (over the prior)")] = 96,
    refine: Annotated[
        int, typer.Option("--refine", help="rows in the second wave (from the posterior)")
    ] = 48,
    check_draws: Annotated[int, typer.Option("--check-draws", help="model runs at posterior draws")] = 16,
    runs: Annotated[
        int | None,
        typer.Option(
            "--runs",
            "-n",
            help="paths per scenario run: in each row of a fit (1,024), or SCENARIO's (20,000)",
        ),
    ] = None,
    replay_runs: ReplayRunsOption = DEFAULT_FIT_RUNS,
    forecast_runs: ForecastRunsOption = DEFAULT_FORECAST_RUNS,
    seed: SeedOption = DEFAULT_SEED,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Calibrate by inference: fit the free parameters to the published judgements (--out), show the shipped
    posterior (--show), or set one scenario's simulated risks beside its judgements (SCENARIO)."""
    modes = sum([scenario is not None, out is not None, show])
    if modes != 1:
        raise UserError("calibrate: give one of SCENARIO, --out DIR (fit) or --show")
    # Each option of a fit is refused without --out, even at its default value: it was asked for.
    for flag in ("--targets", "--design", "--refine", "--check-draws", "--replay-runs", "--forecast-runs"):
        goes_with(flag, "--out", out is not None, "a fit")
    goes_with("--force", "--out", out is not None, "a fit")
    if show:
        for flag in ("--runs", "--seed"):
            if given(flag):
                raise UserError(f"{flag} goes with --out or SCENARIO, not --show")
        _show(posterior, as_json)
        return
    if posterior is not None:
        raise UserError("--posterior goes with --show")
    if scenario is not None:
        calibrate_scenario(scenario, 20_000 if runs is None else runs, seed, as_json)
        return
    # Imported here: the fit needs scikit-learn and emcee, which every other command can do without.
    from brinkmanship.calibration.fit import FitConfig, finish_forced, run_fit
    from brinkmanship.calibration.simulator import Settings
    from brinkmanship.calibration.targets import load_targets, targets_where

    folder = check_out_text(str(out))
    settings = Settings(1024 if runs is None else runs, replay_runs, forecast_runs, seed)
    config = FitConfig(design, refine, check_draws, settings).check()
    target_file, digest = load_targets(targets)
    with (
        ResultFolder(folder, FIT_FILES, force=force) as result,
        stderr_progress(not as_json, time_left=True) as bar,
    ):
        task = bar.add_task("calibrating", total=None)

        def report(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        try:
            document = run_fit(target_file, digest, folder, config, report, targets_where(targets), force)
        except (KeyboardInterrupt, Terminated):
            stopping.keeping(_journal_kept(folder))
            raise
        result.staged("posterior.json").write_text(json.dumps(document, indent=1), encoding="utf-8")
        result.commit()
        finish_forced(
            folder
        )  # a forced fit's rows and settings replace the earlier fit's, after its posterior
    if as_json:
        print(json.dumps(document))
    else:
        _print_posterior(document, str(folder / "posterior.json"))


def _journal_kept(folder: Path) -> str:
    """What an interrupted fit leaves for resuming it: its journal of simulated rows, if any."""
    from brinkmanship.calibration.fit import active_journal

    journal = active_journal(folder)
    try:
        with journal.open(encoding="utf-8") as lines:
            rows = sum(1 for line in lines if line.endswith("\n"))  # whole rows; a cut last one is redone
    except OSError:
        return ""
    if not rows:
        return ""
    verb = "is" if rows == 1 else "are"
    return f"the {plural(rows, 'model row')} simulated {verb} kept in {journal}; the same command resumes"


def _show(path: str | None, as_json: bool) -> None:
    from brinkmanship.calibration.posterior import load_posterior

    shipped = load_posterior(path)
    if as_json:
        print(json.dumps(shipped.document))
        return
    try:
        _print_posterior(shipped.document, shipped.where)
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise UserError(f"{shipped.where}: malformed posterior ({error!r} missing or wrong)") from None


def _fmt(value: float) -> str:
    return f"{value:.3g}"


def _published(
    value: float, band: list[float] | None, kind: str, count: tuple[int, int] | None = None
) -> str:
    """A target's published value as the author gave it: a bound reads "at most" / "at least", a count
    from the record "0 of 26"."""
    if kind == "binomial" and count is not None:
        return f"{count[0]} of {count[1]}"
    if kind == "at_most":
        return f"at most {_fmt(value)}"
    if kind == "at_least":
        return f"at least {_fmt(value)}"
    return _fmt(value) + (f" ({_fmt(band[0])}-{_fmt(band[1])})" if band else "")


def _print_posterior(document: dict[str, Any], where: str) -> None:
    diagnostics = document["diagnostics"]
    console.print(
        Text.assemble(
            (where, "bold"),
            f": {document['simulations']} model rows, created {document['created']}; "
            f"{document['method']}. MCMC acceptance {diagnostics['mcmc_acceptance']:.2f}, "
            f"effective sample size {diagnostics['effective_sample_size']:.0f}.",
        )
    )
    table = Table(
        title="free parameters: prior and posterior",
        caption="shrinkage: 1 - posterior variance / prior variance; near 0 or below: the targets do not "
        "pin it",
    )
    for column in ("parameter", "prior", "posterior median", "90% interval", "shrinkage"):
        table.add_column(column)
    for p in document["parameters"]:
        prior = p["prior"]
        post = p["posterior"]
        table.add_row(
            p["path"],
            f"{prior['dist']} {_fmt(prior['low'])} - {_fmt(prior['high'])}",
            _fmt(post["median"]),
            f"{_fmt(post['q05'])} - {_fmt(post['q95'])}",
            f"{p['shrinkage']:.2f}",
        )
    console.print(table)
    checks = Table(
        title="targets: published, before the fit (prior) and after (posterior predictive)",
        caption=(
            "met: the published value within 2 sd of the posterior predictive mean (its error model's sd and "
            "the spread across draws), or the mean on the right side of a bound; a count from the record "
            "(k of n): the mean inside the count's exact 95% interval, z its distance inside the nearer edge "
            "in spreads across draws; the author's band is shown, not enforced"
        ),
    )
    for column in (
        "target",
        "use",
        "published",
        "prior 90%",
        "posterior median (90%)",
        "z",
        "met",
        "who, when",
    ):
        checks.add_column(column)
    for row in document["predictive"]:
        band = row["band"]
        error = row["error"]
        count = (error["events"], error["trials"]) if error["kind"] == "binomial" else None
        published = _published(row["value"], band, error["kind"], count)
        prior, post = row["prior_predictive"], row["posterior_predictive"]
        checks.add_row(
            row["name"],
            row["use"],
            published,
            f"{_fmt(prior['q05'])} - {_fmt(prior['q95'])}",
            f"{_fmt(post['median'])} ({_fmt(post['q05'])} - {_fmt(post['q95'])})",
            f"{row['z']:+.1f}",
            "yes" if row["met"] else "no",
            f"{row['judgement']['who']}, {row['judgement']['when']}",
        )
    console.print(checks)
    for tension in document["tensions"]:
        a, b = tension["targets"]
        console.print(f"pull against each other: {a} and {b} (correlation {tension['correlation']:+.2f})")


def validate(
    targets: TargetsOption = None,
    posterior: Annotated[
        str | None, typer.Option("--posterior", help="a posterior.json (default: the shipped one)")
    ] = None,
    draws: Annotated[int, typer.Option("--draws", help="posterior draws the targets are run at")] = 8,
    runs: Annotated[
        int, typer.Option("--runs", help="paths per scenario run (and per held-out check)")
    ] = 1024,
    replay_runs: ReplayRunsOption = DEFAULT_FIT_RUNS,
    forecast_runs: ForecastRunsOption = DEFAULT_FORECAST_RUNS,
    seed: SeedOption = DEFAULT_SEED,
    as_json: JsonOption = False,
) -> None:
    """Every fitted target and held-out check: the calibrated model's value, the band it must lie in, pass or
    fail, and the source. Exits 0 whether or not checks fail (a malformed file exits 2)."""
    from brinkmanship.calibration.posterior import load_posterior
    from brinkmanship.calibration.simulator import PROBABILITY_FLOOR, Settings
    from brinkmanship.calibration.targets import load_targets, targets_where
    from brinkmanship.calibration.validate import literature_checks, target_checks

    target_file, _ = load_targets(targets)
    shipped = load_posterior(posterior)
    settings = Settings(runs, replay_runs, forecast_runs, seed).check()
    # At least two, as for --param-uncertainty: a target passes within the spread across draws, which one
    # draw does not have.
    if not 2 <= draws <= len(shipped.draws):
        raise UserError(f"--draws: from 2 to {len(shipped.draws)} (the posterior's draws), not {draws}")
    from brinkmanship.calibration.validate import check_validation_size

    check_validation_size(target_file, draws, settings, targets_where(targets))
    with stderr_progress(not as_json) as bar:
        task = bar.add_task("validating", total=draws + 2)

        def advance(what: str) -> None:
            bar.update(task, advance=1, description=what)

        checks = target_checks(target_file, shipped, draws, settings, advance, targets_where(targets))
        checks += literature_checks(shipped, runs, seed, advance)
    if as_json:
        print(json.dumps(checks))
        return
    table = Table(title=f"validation: {shipped.where}, {draws} posterior draws, seed {seed}")
    table.caption = (
        "model: the posterior draws' mean on the target's error scale (logit or log), the value judged "
        "(<0.0001: every draw below the floor that scale reads); "
        "passes within: two sd of the target's error model and the spread across draws about the published "
        "value (the project's band), or for a count from the record (k of n) its exact 95% interval; "
        "published: the author's own number or band"
    )
    for column in ("check", "kind", "model", "passes within", "published", "pass", "source"):
        table.add_column(column, overflow="fold")

    def number(x: float | None) -> str:
        return "-" if x is None else f"{x:.3g}"

    for check in checks:
        published = check.get("published")
        shown = (
            ""
            if published is None
            else _published(published["value"], published["band"], check["error"], published.get("count"))
        )
        table.add_row(
            check["name"],
            check["kind"],
            f"<{PROBABILITY_FLOOR:g}" if check.get("floored") else number(check["value"]),
            _within(check["band"]),
            shown or check.get("detail", ""),
            "pass" if check["pass"] else "FAIL",
            check["source"],
        )
    console.print(table)
    failed = [c["name"] for c in checks if not c["pass"]]
    console.print(
        f"{len(checks) - len(failed)} of {len(checks)} checks pass"
        + (f"; failing: {', '.join(failed)}" if failed else "")
    )


def _within(band: list[float | None]) -> str:
    low, high = band
    if low is None:
        return f"at most {high:.3g}"
    if high is None:
        return f"at least {low:.3g}"
    return f"{low:.3g} - {high:.3g}"


def register(app: typer.Typer) -> None:
    app.command("calibrate")(calibrate)
    app.command("validate")(validate)
