"""`brink calibrate --show/--out`, `brink validate`, `run/compare --param-uncertainty`: outputs and refusals;
and the shipped posterior still meets its targets (fixed seed, seconds)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from brinkmanship.calibration.fit import predictive_row
from brinkmanship.calibration.posterior import load_posterior
from brinkmanship.calibration.simulator import Settings, scenarios_for, simulate_row
from brinkmanship.calibration.targets import load_targets
from brinkmanship.cli import main

POSTERIOR = load_posterior()
TARGETS, DIGEST = load_targets()


def _one_line_exit_2(args: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and "\n" not in err and "Traceback" not in err


def test_the_shipped_posterior_was_fitted_to_the_shipped_targets() -> None:
    assert POSTERIOR.document["targets_sha256"] == DIGEST
    assert POSTERIOR.paths == [p.path for p in TARGETS.parameters]
    for parameter in TARGETS.parameters:
        values = [draw[parameter.path] for draw in POSTERIOR.draws]
        assert parameter.prior.low <= min(values) and max(values) <= parameter.prior.high
    assert {row["name"] for row in POSTERIOR.document["predictive"]} == {t.name for t in TARGETS.targets}


def test_the_shipped_posterior_still_meets_its_targets() -> None:
    """The CI check: the model, run now at three posterior draws on the fit's seed with fewer paths, lands
    where the fit's posterior predictive check left each fitted target (within Monte Carlo tolerance on
    the error scale), and every target the fit met and did not only just meet is still met."""
    settings = Settings(
        runs=512, replay_runs=512, forecast_runs=256, seed=POSTERIOR.document["config"]["settings"]["seed"]
    )
    scenarios = scenarios_for(TARGETS)
    rows = [simulate_row(TARGETS.fitted, scenarios, values, settings) for values in POSTERIOR.pick(3)]
    shipped = {row["name"]: row for row in POSTERIOR.document["predictive"]}
    for target in TARGETS.fitted:
        now = predictive_row(target, rows, rows)
        then = shipped[target.name]
        if target.error.kind in ("logit_normal", "log_normal"):
            # A one-sided bound far from its edge has no meaningful z to compare (a probability near 0
            # read with fewer paths moves it a long way); its met is compared below.
            assert abs(now["z"] - then["z"]) < 1.0, (target.name, now["z"], then["z"])
        if abs(then["margin"]) > 0.5:
            assert now["met"] == then["met"], target.name


def test_show_prints_priors_posteriors_and_checks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calibrate", "--show", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["format"] == "brinkmanship-posterior" and document["version"] == 1
    for key in ("parameters", "draws", "weights", "diagnostics", "predictive", "tensions"):
        assert key in document
    assert main(["calibrate", "--show"]) == 0
    out = capsys.readouterr().out
    assert "tension.amplification" in out and "kennedy-odds" in out


RUN_SPLIT = [
    "run",
    "cuba-1962",
    "--runs",
    "200",
    "--param-uncertainty",
    "--draws",
    "3",
    "--runs-per-draw",
    "128",
]


def test_run_param_uncertainty_adds_the_three_intervals(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*RUN_SPLIT, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    for name in ("war", "clash", "nuclear_use", "agreement"):
        o = result["outcomes"][name]
        for key in ("ci95_total", "ci95_monte_carlo", "ci95_parameters"):
            low, high = o[key]
            assert 0 <= low <= high <= 1
        assert o["ci95_total"][0] <= o["p_posterior"] <= o["ci95_total"][1]
    assert result["param_uncertainty"]["draws"] == 3


def test_run_out_writes_its_results_only_once_the_draws_are_done(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run --out --param-uncertainty` wrote summary.json before the posterior's draws: Ctrl-C during them
    left a summary without the split looking like a result. Now the files appear only when all is done,
    the split in summary.json as in the JSON printed."""
    from brinkmanship.calibration import uncertainty

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    out = tmp_path / "run"
    with monkeypatch.context() as patch:
        patch.setattr(uncertainty, "run_split", interrupted)
        assert main([*RUN_SPLIT, "--out", str(out)]) == 130
    assert not out.exists()
    assert main([*RUN_SPLIT, "--out", str(out), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    written = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert written["param_uncertainty"] == printed["param_uncertainty"]
    assert written["elapsed_s"] == printed["elapsed_s"]


def test_param_uncertainty_as_of_replays_the_record_in_each_draw(capsys: pytest.CaptureFixture[str]) -> None:
    """With --as-of every draw replays 2017 in its own world and forecasts from there: the record of 2017
    puts the autumn's risk above what the scenario's start (conditioned only on no attack) gives."""
    args = [
        "run",
        "korea-2017",
        "--runs",
        "128",
        "--param-uncertainty",
        "--draws",
        "2",
        "--runs-per-draw",
        "256",
    ]
    assert main([*args, "--json"]) == 0
    plain = json.loads(capsys.readouterr().out)["param_uncertainty"]["outcomes"]["war"]["p"]
    assert main([*args, "--as-of", "2017-11-15", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    replayed = result["param_uncertainty"]["outcomes"]["war"]["p"]
    assert result["as_of"] == "2017-11-15" and replayed > plain


def test_compare_param_uncertainty_reports_rank_robustness(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["compare", "cuba-1962", "-p", "direct-channel", "--runs", "200", "--param-uncertainty"]
    assert main([*args, "--draws", "3", "--runs-per-draw", "128", "--json"]) == 0
    robust = json.loads(capsys.readouterr().out)["param_uncertainty"]
    assert set(robust["policies"]) == {"baseline", "direct-channel"}
    row = robust["policies"]["direct-channel"]
    assert 0 <= row["beats_reference_share"] <= 1
    assert sum(row["rank_shares"].values()) == pytest.approx(1.0)


def test_validate_lists_fitted_and_held_out_checks(capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "validate",
        "--draws",
        "2",
        "--runs",
        "256",
        "--replay-runs",
        "64",
        "--forecast-runs",
        "32",
        "--json",
    ]
    assert main(args) == 0  # a report: 0 whether or not checks fail
    checks = json.loads(capsys.readouterr().out)
    kinds = {c["kind"] for c in checks}
    assert kinds == {"fitted", "held_out"}
    names = {c["name"] for c in checks}
    assert {"leng-reciprocity", "peninsula-incidents-contained", "outcome-1962"} <= names
    for check in checks:
        assert {"name", "kind", "value", "band", "pass", "source"} <= set(check)
        assert isinstance(check["pass"], bool) and np.isfinite(check["value"])
        # The value shown is the value judged: it passes exactly when it lies within its band.
        low, high = check["band"]
        inside = (low is None or check["value"] >= low) and (high is None or check["value"] <= high)
        assert check["pass"] == inside, check["name"]
    # A target every draw put at 0 (1962 at 256 paths a draw) read as the logit's floor, 0.0001, as if the
    # model had said so: it is marked as below the floor now.
    for check in checks:
        if "value_90" in check and check["value_90"] == [0.0, 0.0]:
            assert check["floored"], check["name"]
        if check.get("floored"):
            assert check["median"] == 0.0 or check["value_90"][1] < 1e-4, check["name"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["calibrate"], "give one of"),
        (["calibrate", "korea-2017", "--show"], "give one of"),
        (["calibrate", "--out", "x", "--targets", "no-such.yaml"], "no-such.yaml"),
        (["calibrate", "--out", "x", "--design", "3"], "--design"),
        (["calibrate", "--show", "--posterior", "no-such.json"], "no-such.json"),
        (["run", "cuba-1962", "--posterior", "p.json"], "--posterior goes with --param-uncertainty"),
        (["run", "korea-2017", "--param-uncertainty", "--as-of", "2030-10-01"], "--as-of 2030-10-01"),
        (["run", "cuba-1962", "--param-uncertainty", "--draws", "100000"], "--draws"),
        (["run", "cuba-1962", "--param-uncertainty", "--runs-per-draw", "1"], "--runs-per-draw"),
        (["compare", "cuba-1962", "--param-uncertainty", "--draws", "1"], "--draws"),
        (["validate", "--targets", "no-such.yaml"], "no-such.yaml"),
        (["calibrate", "--show", "--targets", "t.yaml"], "--targets goes with --out"),
        (["calibrate", "--show", "--design", "3"], "--design goes with --out"),
        (["calibrate", "korea-2017", "--refine", "3"], "--refine goes with --out"),
        (["run", "cuba-1962", "--draws", "4"], "--draws goes with --param-uncertainty"),
        (["compare", "cuba-1962", "--runs-per-draw", "100"], "--runs-per-draw goes with --param-uncertainty"),
        (["validate", "--draws", "0"], "--draws"),
        (["validate", "--draws", "1"], "--draws: from 2 to"),  # as run's --draws: a spread needs two
        (["run", "cuba-1962", "--param-uncertainty", "--draws", "1"], "--draws: from 2 to"),
    ],
)
def test_bad_calibration_flags_exit_2_with_one_line(
    args: list[str],
    expected: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    _one_line_exit_2(args, expected, capsys)
    assert not (tmp_path / "x" / "posterior.json").exists()


def test_a_file_that_is_not_a_posterior_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "p.json"
    bad.write_text(json.dumps({"format": "something else"}))
    _one_line_exit_2(["calibrate", "--show", "--posterior", str(bad)], "not a brinkmanship posterior", capsys)
    bad.write_text(json.dumps({**POSTERIOR.document, "version": 99}))
    _one_line_exit_2(
        ["run", "cuba-1962", "--param-uncertainty", "--posterior", str(bad)], "version 99", capsys
    )
    document = dict(POSTERIOR.document)
    document["draws"] = [{**POSTERIOR.draws[0], "tension.amplification": "many"}]
    document["weights"] = [1.0]
    bad.write_text(json.dumps(document))
    _one_line_exit_2(["calibrate", "--show", "--posterior", str(bad)], "malformed posterior", capsys)
    bad.write_text("{")
    _one_line_exit_2(["calibrate", "--show", "--posterior", str(bad)], "not JSON", capsys)
    # A key given twice: Python's reader kept the last without a word.
    bad.write_text('{"simulations": 5, ' + json.dumps(POSTERIOR.document)[1:])
    _one_line_exit_2(
        ["calibrate", "--show", "--posterior", str(bad)],
        "malformed posterior: the key 'simulations' is given twice in one object",
        capsys,
    )
    for key in ("diagnostics", "predictive", "tensions"):
        bad.write_text(json.dumps({k: v for k, v in POSTERIOR.document.items() if k != key}))
        _one_line_exit_2(["calibrate", "--show", "--posterior", str(bad)], repr(key), capsys)
    n = len(POSTERIOR.draws)
    bad.write_text(json.dumps({**POSTERIOR.document, "weights": [2.0, -1.0] + [0.0] * (n - 2)}))
    _one_line_exit_2(["calibrate", "--show", "--posterior", str(bad)], "weights", capsys)
    bad.write_text(json.dumps({**POSTERIOR.document, "parameters": []}))
    _one_line_exit_2(
        ["run", "cuba-1962", "--param-uncertainty", "--posterior", str(bad)], "no free parameters", capsys
    )
    document = dict(POSTERIOR.document)
    document["draws"] = [{**POSTERIOR.draws[0], "tension.amplification": True}]
    document["weights"] = [1.0]
    bad.write_text(json.dumps(document))
    _one_line_exit_2(["calibrate", "--show", "--posterior", str(bad)], "not a number", capsys)
    # The per-target block --show prints: no NaN (not JSON), and error models the targets file allows.
    rows = [dict(row) for row in POSTERIOR.document["predictive"]]
    rows[0]["z"] = float("nan")
    bad.write_text(json.dumps({**POSTERIOR.document, "predictive": rows}))
    _one_line_exit_2(["calibrate", "--show", "--posterior", str(bad)], "NaN is not a JSON number", capsys)
    rows[0]["z"] = 0.5
    rows[0]["error"] = {"kind": "binomial", "events": "0", "trials": 0, "reason": "r"}
    bad.write_text(json.dumps({**POSTERIOR.document, "predictive": rows}))
    _one_line_exit_2(["calibrate", "--show", "--posterior", str(bad)], "predictive.0", capsys)


def test_show_and_validate_give_a_count_as_a_count(capsys: pytest.CaptureFixture[str]) -> None:
    """The record of incidents reads "0 of 26", and validate's JSON carries the count."""
    assert main(["calibrate", "--show"]) == 0
    assert "0 of 26" in capsys.readouterr().out


def test_a_pipe_is_refused_as_a_targets_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A named pipe would block the read for ever."""
    import os

    pipe = tmp_path / "targets.yaml"
    os.mkfifo(pipe)
    _one_line_exit_2(["validate", "--targets", str(pipe)], "not a regular file", capsys)


def test_weights_choose_the_draws() -> None:
    """A posterior's weights say which draws a forecast runs at: all weight on one draw picks only it."""
    from brinkmanship.calibration.posterior import ShippedPosterior

    n = len(POSTERIOR.draws)
    weights = tuple([0.0] * (n - 1) + [1.0])
    heavy = ShippedPosterior(POSTERIOR.where, POSTERIOR.document, POSTERIOR.draws, weights)
    assert heavy.pick(4) == [POSTERIOR.draws[-1]] * 4
    even = POSTERIOR.pick(4)
    assert len({json.dumps(d, sort_keys=True) for d in even}) == 4


def test_brief_param_uncertainty_shows_the_split_and_the_rank_robustness(tmp_path: Path) -> None:
    out = tmp_path / "brief"
    args = ["brief", "cuba-1962", "--out", str(out), "--runs", "200", "--sensitivity-runs", "0"]
    args += ["--indicator-runs", "0", "-p", "direct-channel", "--param-uncertainty", "--draws", "2"]
    assert main([*args, "--runs-per-draw", "64"]) == 0
    markdown = (out / "briefing.md").read_text(encoding="utf-8")
    section = markdown.split("## How sure: the options across the calibrated posterior")[1].split("## ")[0]
    assert (
        "Monte Carlo part" in section and "beats the baseline in" in section and "direct-channel" in section
    )
    data = json.loads((out / "briefing.json").read_text(encoding="utf-8"))
    assert set(data["param_uncertainty"]["policies"]) == {"baseline", "direct-channel"}
    # Without the flag there is no such section.
    assert main([*args[:-3], "--force"]) == 0
    assert "How sure" not in (out / "briefing.md").read_text(encoding="utf-8")
