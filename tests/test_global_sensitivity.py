"""Global sensitivity (Sobol, Morris) over a scenario's declared uncertainties: `brink sensitivity`.

Small runs (a few hundred paths, 60-90 days, N = 4-16): the checks are of the pipeline's wiring (common
random numbers, parameters set where they belong, SALib's keys, the warning rule, atomic output), not of
the indices' values, which need far larger runs.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from brinkmanship import cli_sensitivity, report
from brinkmanship.analysis import global_sensitivity as gsa
from brinkmanship.analysis import sensitivity as sensitivity_module
from brinkmanship.analysis.global_sensitivity import GlobalSensitivity, global_sensitivity
from brinkmanship.analysis.sensitivity import oat_ensembles, one_at_a_time
from brinkmanship.cli import main
from brinkmanship.engine.ensemble import MAX_PATH_DAYS
from brinkmanship.errors import UserError
from brinkmanship.policies import catalogue_for
from brinkmanship.scenario import load_scenario

SEED = 20171126  # the default seed: its burned-in paths are cached by the other tests' runs too
HAZARD = "war.nuclear_hazard"  # acts only once a war has started
CLASH = "escalation.clash_to_war"
HALF_LIFE = "tension.half_life_days"  # the strongest driver of P(war) in a Morris screening (18 then)
AGREE = "agreement.base_rate"
PARAMS = [CLASH, HAZARD, HALF_LIFE, AGREE]
SMALL = ["--runs", "200", "--days", "60"]


@pytest.fixture(scope="module")
def korea() -> Any:
    return load_scenario("korea-2017")


@pytest.fixture(scope="module")
def sobol(korea: Any) -> GlobalSensitivity:
    return global_sensitivity(korea, "sobol", n=16, names=PARAMS, runs=300, days=90, seed=SEED)


@pytest.fixture(scope="module")
def morris(korea: Any) -> GlobalSensitivity:
    return global_sensitivity(korea, "morris", n=6, names=PARAMS, runs=300, days=90, seed=SEED)


def _index(result: GlobalSensitivity, name: str) -> dict[str, Any]:
    return next(entry for entry in result.indices if entry["parameter"] == name)


def _json(capsys: pytest.CaptureFixture[str], args: list[str]) -> dict[str, Any]:
    code = main(["sensitivity", *args, "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    data: dict[str, Any] = json.loads(captured.out)
    return data


# --- shape -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "keys", "rows"),
    [
        ("sobol", {"S1", "S1_conf", "ST", "ST_conf"}, 8 * (3 + 2)),
        ("morris", {"mu_star", "mu_star_conf", "sigma"}, 4 * 4),
    ],
)
def test_json_has_salib_names_and_the_run_described(
    method: str, keys: set[str], rows: int, capsys: pytest.CaptureFixture[str]
) -> None:
    n = "8" if method == "sobol" else "4"
    data = _json(
        capsys, ["korea-2017", "--method", method, "--n", n, "--params", ",".join(PARAMS[:3]), *SMALL]
    )
    for field in ("method", "outcome", "n", "runs_per_row", "indices", "scenario", "policy", "seed", "days"):
        assert field in data
    for field in ("rows", "parameters", "excluded", "warning", "elapsed_s"):
        assert field in data
    assert "seconds" not in data  # elapsed_s, the key every other command's JSON uses
    assert (data["method"], data["outcome"], data["n"], data["runs_per_row"]) == (method, "war", int(n), 200)
    assert (data["scenario"], data["policy"], data["seed"], data["days"]) == (
        "korea-2017",
        "baseline",
        SEED,
        60,
    )
    assert data["rows"] == rows  # Sobol N (k + 2), Morris N (k + 1)
    assert [p["path"] for p in data["parameters"]] == PARAMS[:3]
    assert {"low", "high", "scale"} <= set(data["parameters"][0])
    assert sorted(entry["parameter"] for entry in data["indices"]) == sorted(PARAMS[:3])
    for entry in data["indices"]:
        assert keys <= set(entry)
    assert [entry["rank"] for entry in data["indices"]] == [1, 2, 3]


def test_out_writes_the_json_the_csvs_and_the_plot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sens"
    args = ["korea-2017", "--method", "sobol", "--n", "4", "--params", f"{CLASH},{HAZARD}", *SMALL]
    assert main(["sensitivity", *args, "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "indices.csv",
        "rows.csv",
        "sensitivity.json",
        "sensitivity.png",
    ]
    assert (out / "sensitivity.png").read_bytes()[:4] == b"\x89PNG"
    rows = (out / "rows.csv").read_text().splitlines()
    assert len(rows) == 1 + 4 * 4
    for column in (CLASH, HAZARD, "p_war", "p_nuclear_use", "p_clash", "p_agreement", "expected_deaths"):
        assert column in rows[0].split(",")
    assert json.loads((out / "sensitivity.json").read_text())["rows"] == 16
    assert main(["sensitivity", *args, "--out", str(out)]) == 2  # an earlier result: refused without --force
    capsys.readouterr()


def test_oat_as_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, ["cuba-1962", "--method", "oat", "--runs", "200"])
    assert data["method"] == "oat" and data["outcome"] == "war" and data["runs"] == 200
    assert len(data["rows"]) == len(load_scenario("cuba-1962").uncertainties)
    assert {"path", "p_low", "p_high", "p_base"} <= set(data["rows"][0])
    assert data["elapsed_s"] > 0 and "seconds" not in data  # the key every other command's JSON uses


class _Quiet:
    """Stub per-path outcomes: nothing happened on any path."""

    def __init__(self, runs: int) -> None:
        self.runs = runs

    def happened(self, outcome: str) -> np.ndarray:
        return np.zeros(self.runs, dtype=bool)


@pytest.mark.parametrize("contender", [None, "talks"])
def test_oat_reports_progress_once_per_ensemble(
    contender: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """one_at_a_time reported once per declared uncertainty (22 + a type prior for korea-2017) against a
    bar of 1 + 2k: the bar stopped about halfway. It now reports after each ensemble it runs, out of
    oat_ensembles (the contender's ensembles included), on stub ensembles here."""
    korea = load_scenario("korea-2017")
    ran: list[int] = []

    def stub(world: object, runs: int, *args: object, **kwargs: object) -> tuple[None, _Quiet]:
        ran.append(runs)
        return None, _Quiet(runs)

    monkeypatch.setattr(sensitivity_module, "simulate_paths", stub)
    calls: list[tuple[int, int, str]] = []
    chosen = None if contender is None else catalogue_for([]).parse(contender)
    one_at_a_time(korea, 10, seed=1, contender=chosen, progress=lambda *call: calls.append(call))
    total = oat_ensembles(korea, contender is not None)
    assert len(ran) == total == (45 if contender is None else 90)
    assert [done for done, _, _ in calls] == list(range(1, total + 1))
    assert {count for _, count, _ in calls} == {total}
    assert calls[0][2] == "base" and calls[1][2] == korea.uncertainties[0].path


def test_the_oat_progress_bar_ends_full(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`brink sensitivity --method oat`: the bar's total (it was 1 + 2k, type priors included) and its
    advances (once per uncertainty) now agree: one per ensemble run."""
    monkeypatch.setattr(
        sensitivity_module, "simulate_paths", lambda world, runs, *a, **k: (None, _Quiet(runs))
    )
    bars: list[dict[str, Any]] = []

    @contextmanager
    def recording_bar(total: int, label: str, enabled: bool) -> Iterator[Callable[[int, int], None]]:
        bar: dict[str, Any] = {"total": total, "count": 0}
        bars.append(bar)

        def advance(step: int, done: int) -> None:
            bar["count"] += step

        yield advance

    monkeypatch.setattr(cli_sensitivity, "_rows_bar", recording_bar)
    _json(capsys, ["korea-2017", "--method", "oat", "--runs", "10"])
    (bar,) = bars
    assert bar["count"] == bar["total"] == oat_ensembles(load_scenario("korea-2017")) == 45


# --- wiring: common random numbers, values set where they belong ----------------------------------------


def test_a_parameter_acting_only_after_war_cannot_move_the_risk_of_war(sobol: GlobalSensitivity) -> None:
    """P(war) is identical across rows that differ only in the nuclear hazard (common random numbers, shared
    prelude), so its ST for war is 0; for nuclear use it is clearly positive."""
    war = _index(sobol, HAZARD)
    assert abs(war["ST"]) < 1e-9 and abs(war["S1"]) < 1e-9 and war["ST_conf"] < 1e-9
    nuclear = _index(sobol.for_outcome("nuclear_use"), HAZARD)
    assert nuclear["ST"] > 0.02
    # the same from the rows, without SALib: in Saltelli's design row block A_B^j differs from A in
    # column j only; for the hazard's block P(war) equals A's row for row
    k = len(PARAMS)
    p_war = sobol.output("war").reshape(sobol.n, k + 2)
    column = 1 + PARAMS.index(HAZARD)  # the parameters are in declaration order, as is PARAMS
    assert np.array_equal(p_war[:, 0], p_war[:, column])
    assert not np.array_equal(p_war[:, 0], p_war[:, 1 + PARAMS.index(CLASH)])
    assert not np.array_equal(
        sobol.output("nuclear_use").reshape(sobol.n, k + 2)[:, 0],
        sobol.output("nuclear_use").reshape(sobol.n, k + 2)[:, column],
    )


def test_morris_gives_the_same_zero(morris: GlobalSensitivity) -> None:
    assert _index(morris, HAZARD)["mu_star"] == 0.0
    assert _index(morris, HAZARD)["sigma"] == 0.0
    assert _index(morris.for_outcome("nuclear_use"), HAZARD)["mu_star"] > 0.002


def test_the_dominant_parameter_ranks_first(sobol: GlobalSensitivity, morris: GlobalSensitivity) -> None:
    assert sobol.ranked()[0]["parameter"] == HALF_LIFE
    assert morris.ranked()[0]["parameter"] == HALF_LIFE
    assert sobol.ranked()[-1]["parameter"] == HAZARD
    agreement = sobol.for_outcome("agreement")
    assert agreement.ranked()[0]["parameter"] in (AGREE, HALF_LIFE)
    assert _index(agreement, AGREE)["ST"] > 0.1


def test_the_rows_hold_the_values_sampled_within_the_ranges(sobol: GlobalSensitivity, korea: Any) -> None:
    assert sobol.rows == 16 * (len(PARAMS) + 2) == len(sobol.table)
    for parameter, column in zip(sobol.parameters, sobol.values.T, strict=True):
        assert parameter.low <= column.min() and column.max() <= parameter.high
        assert [row[parameter.path] for row in sobol.table] == column.tolist()


def test_deaths_are_analysed_in_people(sobol: GlobalSensitivity) -> None:
    deaths = sobol.for_outcome("deaths")
    assert deaths.output("deaths").max() > 1_000  # people, not a probability
    assert _index(deaths, HAZARD)["ST"] > 0.0  # nuclear use costs far more lives


# --- reproducibility -------------------------------------------------------------------------------------


def test_same_seed_same_indices_and_the_order_of_params_changes_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def indices(params: list[str], seed: int) -> dict[str, dict[str, Any]]:
        data = _json(
            capsys,
            [
                "korea-2017",
                "--method",
                "sobol",
                "--n",
                "8",
                "--params",
                ",".join(params),
                "--seed",
                str(seed),
                *SMALL,
            ],
        )
        return {entry["parameter"]: entry for entry in data["indices"]}

    first = indices(PARAMS[:3], SEED)
    assert indices(PARAMS[:3], SEED) == first
    assert indices(list(reversed(PARAMS[:3])), SEED) == first


def test_the_bootstrap_is_seeded_from_the_seed(sobol: GlobalSensitivity) -> None:
    """Reproducible intervals: the same seed gives the same ``*_conf``, another seed other ones."""
    output = sobol.output("war")
    again, _ = gsa.analyse("sobol", sobol.parameters, sobol.values, output, sobol.n, sobol.seed, largest=64)
    assert again == sobol.indices
    other, _ = gsa.analyse(
        "sobol", sobol.parameters, sobol.values, output, sobol.n, sobol.seed + 1, largest=64
    )
    assert [e["ST_conf"] for e in other] != [e["ST_conf"] for e in sobol.indices]
    assert [e["ST"] for e in other] == [e["ST"] for e in sobol.indices]  # the estimates are the rows'


# --- the warning -----------------------------------------------------------------------------------------


def test_the_warning_fires_at_tiny_n_and_names_a_larger_power_of_two(sobol: GlobalSensitivity) -> None:
    assert sobol.warning is not None and "ST_conf" in sobol.warning
    needed = int(sobol.warning.split("--n ")[1].split()[0])
    assert needed > sobol.n and needed & (needed - 1) == 0
    widest = max(entry["ST_conf"] for entry in sobol.indices)
    assert needed == 2 ** math.ceil(math.log2(sobol.n * (widest / gsa.SOBOL_TOLERANCE) ** 2))


def test_the_warning_rule() -> None:
    def sobol(conf: float, n: int, largest: int = 1 << 16, flag: str = "--n") -> str | None:
        return gsa._warning("sobol", [{"ST_conf": conf}, {"ST_conf": conf / 2}], n, largest, flag)

    assert sobol(0.05, 64) is None
    assert sobol(0.1, 64) is not None and "--n 256" in (sobol(0.1, 64) or "")
    assert "--n 128" in (sobol(0.051, 64) or "")  # at least double
    morris = [{"mu_star": 0.2, "mu_star_conf": 0.04}, {"mu_star": 0.01, "mu_star_conf": 0.01}]
    assert "--n 40" in (gsa._warning("morris", morris, 10, 1000) or "")  # 10 x (0.04 / 0.02)^2
    assert gsa._warning("morris", [{"mu_star": 0.2, "mu_star_conf": 0.02}], 10, 1000) is None
    # The N advised is one the command accepts, named by the command's option.
    assert (sobol(0.1, 64, largest=256) or "").endswith("; about --n 256 would bring it within")
    assert (sobol(0.1, 64, flag="--sensitivity-n") or "").endswith(
        "; about --sensitivity-n 256 would bring it within"
    )


def test_the_warning_says_so_where_no_n_within_the_limits_would_do(sobol: GlobalSensitivity) -> None:
    """The warning advised "about --n X" without checking X against MAX_ROWS or the path-day cap (burn-in
    included), and always named --n. Where the N needed is past the limits it now says no N within them
    would do, with the largest that fits."""
    assert (sobol.largest_n, sobol.n_flag) == (gsa.largest_fitting_n("sobol", 4, 300, 90, 268), "--n")
    widest = max(entry["ST_conf"] for entry in sobol.indices)
    needed = max(2 ** math.ceil(math.log2(sobol.n * (widest / gsa.SOBOL_TOLERANCE) ** 2)), 2 * sobol.n)
    assert sobol.warning is not None and sobol.warning.endswith(f"; about --n {needed} would bring it within")
    squeezed = replace(sobol, largest_n=needed // 2).for_outcome("war").warning
    assert squeezed == (
        f"intervals too wide to rank the parameters: the widest ST_conf is {widest:.3f} (tolerance 0.05); "
        "no N within the request-size limits (200,000 rows, 5e+10 path-days) would bring it within: it would "
        f"take about --n {needed}, and at most --n {needed // 2} fits with these runs and days"
    )
    assert "at most --sensitivity-n" in (
        replace(sobol, largest_n=needed // 2, n_flag="--sensitivity-n").for_outcome("war").warning or ""
    )
    # The limits themselves: MAX_ROWS, and the path-days of the rows and of their shared burn-in.
    assert gsa.largest_fitting_n("morris", 4, 1, 1) == 40_000  # 200,000 rows / (4 + 1)
    assert gsa.largest_fitting_n("sobol", 4, 1_000_000, 365, 268) == 16  # 6 N x 3.65e8 + 2.68e8 <= 5e10
    assert gsa.largest_fitting_n("sobol", 4, 1_000_000, 365, 0) == 16
    assert gsa.largest_fitting_n("morris", 4, 1_000_000, 365, 0) == 27  # 5 N x 3.65e8 <= 5e10
    assert gsa.largest_fitting_n("morris", 4, 5_000_000, 2000, 268) == 0  # not even 2 trajectories


def test_too_few_trajectories_advise_only_an_n_that_fits(morris: GlobalSensitivity) -> None:
    """The Morris note "about --n 5 would give one" was not checked against the limits either."""
    few = replace(morris, n=2, largest_n=4).for_outcome("war").warning
    assert few is not None and few.startswith("too few trajectories for a confidence interval: with --n 2 ")
    assert few.endswith(
        "no N within the request-size limits (200,000 rows, 5e+10 path-days) would give one: it would take "
        "about --n 5, and at most --n 4 fits with these runs and days"
    )
    enough = replace(morris, n=2, largest_n=5, n_flag="--sensitivity-n").for_outcome("war").warning or ""
    assert "with --sensitivity-n 2 " in enough and enough.endswith("; about --sensitivity-n 5 would give one")


def test_the_warning_goes_to_stderr_in_table_mode(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["korea-2017", "--method", "sobol", "--n", "4", "--params", f"{CLASH},{HALF_LIFE}", *SMALL]
    assert main(["sensitivity", *args]) == 0
    captured = capsys.readouterr()
    assert "warning: intervals too wide" in captured.err and captured.err.count("\n") == 1
    assert HALF_LIFE in captured.out and "warning" not in captured.out


# --- type priors -----------------------------------------------------------------------------------------


def test_type_priors_are_left_out_and_listed(korea: Any) -> None:
    chosen, excluded = gsa.choose_parameters(korea)
    assert "actors.DPRK.p_greedy" not in [p.path for p in chosen]
    assert len(chosen) == len(korea.uncertainties) - 1
    assert [item["path"] for item in excluded] == ["actors.DPRK.p_greedy"]
    assert "brink sweep" in excluded[0]["reason"]


def test_a_chosen_subset_lists_nothing_as_left_out(korea: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """With --params the user chose the subset: no "left out" line about the priors they did not name."""
    assert gsa.choose_parameters(korea, [CLASH, HALF_LIFE])[1] == []
    args = ["korea-2017", "--method", "morris", "--n", "5", "--params", f"{CLASH},{HALF_LIFE}", *SMALL]
    assert main(["sensitivity", *args]) == 0
    assert "left out" not in capsys.readouterr().out


def test_naming_a_type_prior_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["sensitivity", "korea-2017", "--method", "sobol", "--params", f"{CLASH},actors.DPRK.p_greedy"]
    )
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "p_greedy" in err and "brink sweep" in err and "prelude" in err


# --- the briefing ----------------------------------------------------------------------------------------


def test_brief_with_sobol_shows_the_indices(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "brief"
    args = ["brief", "cuba-1962", "-n", "200", "-p", "baseline", "--indicator-runs", "0", "--out", str(out)]
    assert main([*args, "--sensitivity", "sobol", "--sensitivity-runs", "200", "--sensitivity-n", "4"]) == 0
    capsys.readouterr()
    data = json.loads((out / "briefing.json").read_text())["sensitivity"]
    assert data["method"] == "sobol" and data["n"] == 4 and data["rows"] == 4 * (7 + 2)
    markdown = (out / "briefing.md").read_text()
    assert "Sobol indices" in markdown and "| rank | parameter | range | S1 (95%) | ST (95%) |" in markdown
    for entry in data["indices"]:
        assert f"| {entry['rank']} | {entry['parameter']} |" in markdown
    assert "figures/sensitivity.png" in markdown and (out / "figures" / "sensitivity.png").exists()
    assert "tornado" not in markdown
    assert "ST (95%)" in (out / "briefing.html").read_text()
    # The briefing's option for N is --sensitivity-n: its warning names it (the JSON said --n).
    assert data["warning"] and "--sensitivity-n " in data["warning"] and "--n " not in data["warning"]
    assert "--sensitivity-n " in markdown and "--n " not in markdown


class _Stop(Exception):
    pass


def test_brief_advises_only_an_n_the_whole_briefing_fits_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In `brink brief` the sensitivity shares the path-day cap with the comparison (and its burn-in): the
    N its warning may advise is the largest with which the whole briefing still fits, 16 here, where the
    analysis alone would allow 32."""
    monkeypatch.setenv("BRINK_CACHE_DIR", str(tmp_path / "cache"))
    seen: list[Any] = []

    def recorded(*args: Any, **kwargs: Any) -> None:
        seen.append(args[-1])  # sensitivity_largest_n
        raise _Stop

    monkeypatch.setattr(report, "build_briefing", recorded)
    args = ["brief", "korea-2017", "-p", "baseline", "--runs", "40000000", "--indicator-runs", "0"]
    args += ["--sensitivity", "sobol", "--sensitivity-n", "16", "--sensitivity-runs", "100000"]
    with pytest.raises(_Stop):
        main([*args, "--out", str(tmp_path / "out")])
    k = len(gsa.choose_parameters(load_scenario("korea-2017"))[0])
    assert gsa.largest_fitting_n("sobol", k, 100_000, 365, 268) == 32
    # 40,000,000 x 365 + 268 x 40,000,512 (burn-in) + 16 x 24 x 100,000 x 365 = 3.93e10; N = 32: 5.34e10
    assert seen == [16]


# --- interruption ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("existing", [False, True])
def test_an_interruption_leaves_no_results(
    existing: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = gsa.run_variant
    calls = []

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(gsa, "run_variant", interrupted)
    out = tmp_path / "sens"
    if existing:
        out.mkdir()
        (out / "notes.txt").write_text("mine")
    args = ["sensitivity", "korea-2017", "--method", "morris", "--n", "2", "--params", f"{CLASH},{HAZARD}"]
    assert main([*args, *SMALL, "--out", str(out)]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert len(calls) == 3
    if existing:
        assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    else:
        assert not out.exists()


def test_too_few_morris_trajectories_give_no_interval_and_say_so(capsys: pytest.CaptureFixture[str]) -> None:
    """Two trajectories give each parameter two elementary effects: SALib's bootstrap of two values is no
    95% interval (exactly 0 when they are equal). The table says n/a and warns with the N needed; the JSON
    gives null, not 0."""
    args = ["korea-2017", "--method", "morris", "--n", "2", "--params", f"{CLASH},{HALF_LIFE}", *SMALL]
    assert main(["sensitivity", *args]) == 0
    captured = capsys.readouterr()
    assert "± n/a" in captured.out and "± 0.000" not in captured.out, captured.out
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: too few trajectories for a confidence interval")
    assert f"about --n {gsa.MORRIS_MIN_FOR_CONF} would give one" in lines[0]
    data = _json(capsys, args)
    assert all(entry["mu_star_conf"] is None for entry in data["indices"])
    assert data["warning"].startswith("too few trajectories")


ADVICE = re.compile(r"(--[a-z-]+) to ([\d,]+)")


def _suggested(message: str) -> dict[str, int]:
    """The options a refusal suggests lowering, each with its value: {"--runs": 595592, ...}."""
    advice = message.rsplit("; ", 1)[1]
    return {flag: int(value.replace(",", "")) for flag, value in ADVICE.findall(advice)}


def test_a_refusal_without_n_does_not_suggest_n(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The refusal read "230 rows (--n 10) x ... ; lower --n, --runs or --days" with no --n given: 10 is
    the default, and at 50,000,000 paths per row no N fits (Morris needs at least 2 trajectories). The
    rows' shared burn-in (korea-2017's 268-day prelude, in whole blocks of 1,024 paths) is counted, and
    the values advised leave room for it."""
    monkeypatch.setenv("BRINK_CACHE_DIR", str(tmp_path))  # on: the rows share one burn-in
    assert main(["sensitivity", "korea-2017", "--runs", "50000000"]) == 2
    assert capsys.readouterr().err == (
        "error: request too large: 230 rows (N = 10 by default) x --runs 50,000,000 x 365 days + 268 prelude "
        "days x 50,000,896 paths burned in (--runs 50,000,000 in whole blocks of 1,024) = 4.21e+12 path-days "
        "(at most 5e+10 path-days); lower --runs to 593,696 or --days to 3\n"
    )
    # One at a time takes no --n or --days, and counts the rows it runs (not the type prior's).
    assert main(["sensitivity", "korea-2017", "--method", "oat", "--runs", "50000000"]) == 2
    assert capsys.readouterr().err == (
        "error: request too large: 45 rows (one at a time) x --runs 50,000,000 x 365 days + 268 prelude days "
        "x 50,000,896 paths burned in (--runs 50,000,000 in whole blocks of 1,024) = 8.35e+11 path-days (at "
        "most 5e+10 path-days); lower --runs to 2,995,251\n"
    )
    assert 45 * 2_995_251 * 365 + 268 * 2_996_224 <= MAX_PATH_DAYS < 45 * 2_995_252 * 365 + 268 * 2_996_224
    # Where a smaller N would fit, the refusal names the largest that does (a power of two for Sobol).
    assert main(["sensitivity", "korea-2017", "--method", "sobol", "--runs", "1000000", "--days", "365"]) == 2
    err = capsys.readouterr().err
    assert "(N = 64 by default)" in err, err
    assert _suggested(err) == {"--runs": 89_140, "--days": 32, "--n": 4}


@pytest.mark.parametrize("method", ["sobol", "morris"])
@pytest.mark.parametrize(
    ("n", "runs", "days"),
    [
        (64, 50_000_000, 365),
        (2, 50_000_000, 3650),
        (1024, 2000, 3650),
        (4096, 100_000, 30),
        (128, 10_000_000, 30),
        (8192, 1_000_000, 3650),
        (65536, 2000, 365),
        (65536, 50_000_000, 3650),
        (1 << 20, 1, 1),
    ],
)
@pytest.mark.parametrize("prelude", [0, 268])
def test_each_suggested_value_fits_and_is_the_largest_that_does(
    method: str, n: int, runs: int, days: int, prelude: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Every option a refusal names brings the request within the limits when lowered alone to the value
    named (both, where it names two joined by "and"), and one step more would not: the advice is computed,
    not a constant that may itself be too large; with a prelude too (the rows' burn-in counts)."""
    monkeypatch.setenv("BRINK_CACHE_DIR", str(tmp_path))
    k = 22
    with pytest.raises(UserError) as refused:
        gsa.check_size(method, n, k, runs, days, prelude_days=prelude)
    message = str(refused.value)
    suggested = _suggested(message)
    assert suggested, message
    step = {"--n": (lambda v: 2 * v) if method == "sobol" else (lambda v: v + 1)}

    def fits(n: int, runs: int, days: int) -> bool:
        try:
            gsa.check_size(method, n, k, runs, days, prelude_days=prelude)
        except UserError:
            return False
        return True

    together = " and " in message.rsplit("; ", 1)[1]
    settings = {"--n": n, "--runs": runs, "--days": days}
    if together:
        assert fits(**{flag[2:]: suggested.get(flag, value) for flag, value in settings.items()}), message
        return
    for flag, value in suggested.items():
        assert value < settings[flag], message
        assert fits(**{name[2:]: value if name == flag else v for name, v in settings.items()}), message
        more = step.get(flag, lambda v: v + 1)(value)
        assert not fits(**{name[2:]: more if name == flag else v for name, v in settings.items()}), message
    for flag in set(settings) - set(suggested):  # an option left out would not fit however low
        lowest = 2 if flag == "--n" else 1
        assert not fits(**{name[2:]: lowest if name == flag else v for name, v in settings.items()}), message


def test_the_row_counts_the_docs_give_are_the_commands() -> None:
    """README and docs/sensitivity.md said korea-2017's Morris screening was 190 rows over 18 parameters
    after the scenario had grown to 23 declared uncertainties (22 varied: 230 rows): the figures they give
    now are computed here from the scenario and the code."""
    root = Path(__file__).resolve().parents[1]
    korea = load_scenario("korea-2017")
    varied, excluded = gsa.choose_parameters(korea)
    k = len(varied)
    morris = gsa.row_count("morris", gsa.DEFAULT_N["morris"], k)
    sobol = gsa.row_count("sobol", gsa.DEFAULT_N["sobol"], k)
    readme = (root / "README.md").read_text(encoding="utf-8")
    line = next(
        line for line in readme.splitlines() if "brink sensitivity korea-2017 --method morris " in line
    )
    assert f"({morris} rows)" in line
    docs = " ".join((root / "docs" / "sensitivity.md").read_text(encoding="utf-8").split())
    assert (
        f"korea-2017 declares {len(korea.uncertainties)} uncertain parameters and varies {k} of them "
        f"(`{excluded[0]['path']}` is left out" in docs
    )
    assert f"{morris:,} Morris rows ({gsa.DEFAULT_N['morris']} x {k + 1})" in docs
    assert f"{sobol:,} Sobol rows ({gsa.DEFAULT_N['sobol']} x {k + 2})" in docs
    assert f"and {oat_ensembles(korea)} one-at-a-time ensembles" in docs
    assert f"korea-2017 now declares {len(korea.uncertainties)} parameters" in docs
    assert f"varies {k} (the same command is now {morris} rows: 10 trajectories x {k + 1})" in docs


def test_force_removes_the_earlier_files_the_new_method_does_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--force` with oat after sobol left sobol's indices.csv and rows.csv beside oat's new results: stale
    numbers read as the new analysis's. The set's files the new run does not write go; a user's stay."""
    out = tmp_path / "sens"
    sobol = ["cuba-1962", "--method", "sobol", "--n", "4", "--params", f"{CLASH},{HAZARD}", *SMALL]
    assert main(["sensitivity", *sobol, "--out", str(out)]) == 0
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    oat = ["cuba-1962", "--method", "oat", "--runs", "200", "--out", str(out), "--force"]
    assert main(["sensitivity", *oat]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "sensitivity.json", "sensitivity.png"]
    assert json.loads((out / "sensitivity.json").read_text())["method"] == "oat"
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
