"""Calibration by inference: the targets file, the likelihoods, the emulator and sampler against an
independent oracle, the resumable fit, the split of intervals, and the refusals."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats

from brinkmanship.calibration import fit as fit_module
from brinkmanship.calibration import inference
from brinkmanship.calibration.fit import FitConfig, run_fit
from brinkmanship.calibration.inference import Emulator, sample_posterior, sobol_design, target_log_likelihood
from brinkmanship.calibration.simulator import Settings, scenarios_for, simulate_row
from brinkmanship.calibration.targets import Target, TargetsFile, load_targets
from brinkmanship.calibration.uncertainty import rank_robustness, split_interval
from brinkmanship.cli import Terminated
from brinkmanship.errors import UserError

SHIPPED = load_targets()[0]


def _target(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "name": "t",
        "quantity": {"kind": "probability", "scenario": "cuba-1962", "outcome": "war", "horizon_days": 30},
        "value": 0.2,
        "error": {"kind": "logit_normal", "sd": 0.5, "reason": "test"},
        "judgement": {"who": "w", "when": "then", "question": "q", "horizon": "h", "source": "s"},
    }
    base.update(changes)
    return base


def _file(
    tmp_path: Path, targets: list[dict[str, object]], parameters: list[dict[str, object]] | None = None
) -> Path:
    import yaml

    data = {
        "version": 1,
        "parameters": parameters
        or [
            {
                "path": "escalation.clash_to_war",
                "prior": {"dist": "uniform", "low": 0.01, "high": 0.09},
                "source": "s",
            }
        ],
        "targets": targets,
    }
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_shipped_targets_load_and_fit_the_scenarios() -> None:
    assert len(SHIPPED.parameters) == 8
    assert {t.name for t in SHIPPED.fitted} >= {
        "calm-year-war",
        "stavridis-war",
        "kennedy-odds",
        "fitzpatrick-war",
    }
    assert SHIPPED.held_out, "held-out targets are what validate reports beside the fitted ones"
    scenarios = scenarios_for(SHIPPED)
    assert set(scenarios) == {"korea-2017", "korea-calm", "cuba-1962"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"value": 1.5}, "must lie in (0, 1)"),
        ({"band": [0.3, 0.5]}, "must hold the value"),
        ({"band": [0.05, 5.0]}, "a probability's band must lie within [0, 1]"),
        ({"error": {"kind": "log_normal", "sd": 0.5, "reason": "r"}}, "not log_normal"),
        (
            {"quantity": {"kind": "ratio", "scenario": "korea-2017", "outcome": "war", "horizon_days": 365}},
            "as_of",
        ),
        (
            {"quantity": {"kind": "tempo", "scenario": "korea-2017", "actor": "US", "action": "fly"}},
            "unknown action",
        ),
        ({"surprise": 1}, "surprise"),
        ({"error": {"kind": "logit_normal", "sd": -1, "reason": "r"}}, "sd"),
        ({"error": {"kind": "binomial", "events": 0, "trials": 26, "reason": "r"}}, "escalation"),
        (
            {
                "quantity": {"kind": "escalation", "scenario": "korea-calm"},
                "value": 0.0,
                "error": {"kind": "binomial", "events": 3, "trials": 2, "reason": "r"},
            },
            "exceed trials",
        ),
        (
            {
                "quantity": {"kind": "escalation", "scenario": "korea-calm"},
                "value": 0.1,
                "error": {"kind": "binomial", "events": 0, "trials": 26, "reason": "r"},
            },
            "events / trials",
        ),
        (
            {
                "quantity": {"kind": "escalation", "scenario": "korea-calm"},
                "value": 0.0,
                "error": {"kind": "binomial", "events": 0, "trials": 26, "sd": 0.5, "reason": "r"},
            },
            "takes no sd",
        ),
        (
            {
                "quantity": {"kind": "escalation", "scenario": "korea-calm", "outcome": "war"},
                "value": 0.0,
                "error": {"kind": "binomial", "events": 0, "trials": 26, "reason": "r"},
            },
            "takes no outcome",
        ),
        ({"error": {"kind": "logit_normal", "reason": "r"}}, "needs an sd"),
        ({"value": 0.0}, "above 0"),
        ({"value": "0.2"}, "value"),
        (
            {
                "quantity": {"kind": "escalation", "scenario": "korea-calm"},
                "value": 0.0,
                "error": {"kind": "binomial", "events": False, "trials": 26, "reason": "r"},
            },
            "events",
        ),
        (
            {
                "quantity": {"kind": "escalation", "scenario": "korea-calm"},
                "value": 0.0,
                "error": {"kind": "binomial", "events": "0", "trials": 26, "reason": "r"},
            },
            "events",
        ),
        (
            {
                "quantity": {"kind": "escalation", "scenario": "korea-calm"},
                "value": 1.0,
                "error": {"kind": "binomial", "events": 26, "trials": True, "reason": "r"},
            },
            "trials",
        ),
        (
            {
                "quantity": {"kind": "escalation", "scenario": "korea-calm"},
                "value": 0.2,
                "error": {"kind": "logit_normal", "sd": 0.5, "reason": "r"},
            },
            "an escalation (a count of clashes) takes a binomial error model",
        ),
        (
            {
                "quantity": {"kind": "escalation", "scenario": "korea-calm", "relative_to": "2017-01-01"},
                "value": 0.0,
                "error": {"kind": "binomial", "events": 0, "trials": 26, "reason": "r"},
            },
            "not an escalation",
        ),
    ],
)
def test_a_malformed_target_is_one_line_naming_the_file(tmp_path: Path, change: dict, message: str) -> None:
    path = _file(tmp_path, [_target(**change)])
    with pytest.raises(UserError) as caught:
        load_targets(path)
    text = str(caught.value)
    assert str(path) in text and message in text and "\n" not in text


def test_a_prior_the_scenarios_refuse_is_caught_before_the_fit(tmp_path: Path) -> None:
    negative = [
        {
            "path": "tension.half_life_days",
            "prior": {"dist": "uniform", "low": -10, "high": 60},
            "source": "s",
        }
    ]
    path = _file(tmp_path, [_target()], negative)
    targets, _ = load_targets(path)
    with pytest.raises(UserError, match=r"parameters\.0\.prior: tension\.half_life_days = -10") as caught:
        scenarios_for(targets, str(path))
    assert str(path) in str(caught.value)


def test_an_unknown_scenario_names_the_file_and_field(tmp_path: Path) -> None:
    quantity = {"kind": "probability", "scenario": "mars-2030", "outcome": "war", "horizon_days": 30}
    path = _file(tmp_path, [_target(quantity=quantity)])
    targets, _ = load_targets(path)
    with pytest.raises(UserError, match=r"targets\.0\.quantity\.scenario: unknown scenario 'mars-2030'"):
        scenarios_for(targets, str(path))


@pytest.mark.parametrize(
    ("quantity", "said"),
    [
        # After the record's last event (10 Dec 2018): `--as-of` refuses it, a target took it.
        (
            {
                "kind": "probability",
                "scenario": "korea-2017",
                "outcome": "war",
                "horizon_days": 90,
                "as_of": "2019-06-01",
            },
            "2019-06-01 lies outside the replay of korea-2017, from its calm state on 2017-01-01 to the "
            "record's last event on 2018-12-10",
        ),
        # The US never tests a warhead: its rate is 0 in every row, a target no fit can meet.
        (
            {"kind": "tempo", "scenario": "korea-2017", "actor": "US", "action": "nuclear_test"},
            "'nuclear_test' is not in US's repertoire in korea-2017",
        ),
    ],
)
def test_a_target_the_scenario_cannot_produce_is_refused_before_the_fit(
    tmp_path: Path, quantity: dict, said: str
) -> None:
    tempo = quantity["kind"] == "tempo"
    error = {"kind": "log_normal", "sd": 0.7, "reason": "r"} if tempo else None
    change = {"quantity": quantity, "value": 1.0 if tempo else 0.1, **({"error": error} if error else {})}
    path = _file(tmp_path, [_target(**change)])
    targets, _ = load_targets(path)
    with pytest.raises(UserError) as caught:
        scenarios_for(targets, str(path))
    assert said in str(caught.value) and str(path) in str(caught.value)


def test_a_boolean_value_is_not_a_number(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="expected a number"):
        load_targets(_file(tmp_path, [_target(value=True)]))


def test_names_and_scenario_paths_are_checked(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="given twice"):
        load_targets(_file(tmp_path, [_target(), _target()]))
    unknown = [
        {"path": "escalation.no_such", "prior": {"dist": "uniform", "low": 0, "high": 1}, "source": "s"}
    ]
    targets, _ = load_targets(_file(tmp_path, [_target()], unknown))
    with pytest.raises(UserError, match="no_such"):
        scenarios_for(targets)
    targets, _ = load_targets(
        _file(
            tmp_path,
            [
                _target(
                    quantity={
                        "kind": "tempo",
                        "scenario": "cuba-1962",
                        "actor": "DPRK",
                        "action": "missile_test",
                    },
                    value=1.0,
                    error={"kind": "log_normal", "sd": 0.5, "reason": "r"},
                )
            ],
        )
    )
    with pytest.raises(UserError, match="not a principal"):
        scenarios_for(targets)


def _synthetic(value: float, kind: str, sd: float = 0.5) -> Target:
    return Target.model_validate(_target(value=value, error={"kind": kind, "sd": sd, "reason": "test"}))


def test_error_models_point_the_right_way() -> None:
    point = _synthetic(0.2, "logit_normal")
    z = math.log(0.2 / 0.8)
    means = np.array([z - 1, z, z + 1])
    ll = target_log_likelihood(point, means, np.zeros(3))
    assert ll[1] > ll[0] and ll[1] > ll[2]
    # at_most: the quantity should lie below the value; at_least: above.
    below, above = np.array([z - 2]), np.array([z + 2])
    at_most = _synthetic(0.2, "at_most")
    at_least = _synthetic(0.2, "at_least")
    assert target_log_likelihood(at_most, below, np.zeros(1)) > target_log_likelihood(
        at_most, above, np.zeros(1)
    )
    assert target_log_likelihood(at_least, above, np.zeros(1)) > target_log_likelihood(
        at_least, below, np.zeros(1)
    )
    # The emulator's own uncertainty widens the likelihood: far from the value it costs less.
    assert target_log_likelihood(point, np.array([z + 3]), np.array([1.0])) > target_log_likelihood(
        point, np.array([z + 3]), np.array([0.0])
    )


def _record(events: int, trials: int) -> Target:
    return Target.model_validate(
        _target(
            quantity={"kind": "escalation", "scenario": "korea-calm"},
            value=events / trials,
            error={"kind": "binomial", "events": events, "trials": trials, "reason": "test"},
        )
    )


def test_a_count_from_the_record_is_a_binomial_likelihood() -> None:
    """0 of 26 incidents became war: the likelihood is (1 - q)^26 at a known q (independent: written out
    here), its average over the emulator's normal matches adaptive quadrature (scipy), and it falls as the
    model's escalation rises."""
    record = _record(0, 26)
    q = np.array([0.01, 0.05, 0.2])
    ll = target_log_likelihood(record, np.log(q / (1 - q)), np.zeros(3))
    np.testing.assert_allclose(ll, 26 * np.log1p(-q), rtol=1e-12)
    assert ll[0] > ll[1] > ll[2]
    some = _record(3, 26)
    np.testing.assert_allclose(
        target_log_likelihood(some, np.log(q / (1 - q)), np.zeros(3)),
        3 * np.log(q) + 23 * np.log1p(-q),
        rtol=1e-12,
    )
    mean, sd = math.log(0.08 / 0.92), 0.7

    def integrand(z: float) -> float:
        return float((1 - 1 / (1 + math.exp(-z))) ** 26 * stats.norm.pdf(z, mean, sd))

    exact = math.log(integrate.quad(integrand, mean - 12 * sd, mean + 12 * sd)[0])
    got = float(target_log_likelihood(record, np.array([mean]), np.array([sd]))[0])
    assert got == pytest.approx(exact, abs=1e-9)


def test_a_count_may_be_any_share_of_its_trials_to_three_decimals() -> None:
    """All 26 became war (value 1) is a count like none did; 1 of 3 may be written 0.333."""
    assert _record(26, 26).value == 1.0
    third = Target.model_validate(
        _target(
            quantity={"kind": "escalation", "scenario": "korea-calm"},
            value=0.333,
            error={"kind": "binomial", "events": 1, "trials": 3, "reason": "test"},
        )
    )
    assert third.error.events == 1


def test_an_escalation_without_clashes_is_undefined_not_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    """No clash in the run: the share is undefined, and the fit says so in one line (0 would read as the
    record's "none became war")."""
    from brinkmanship.calibration import simulator
    from brinkmanship.engine.ensemble import Tally

    assert math.isnan(simulator.escalation_share(Tally(days=1, runs=1)))
    # Force the empty case (a run with no clash at all).
    monkeypatch.setattr(simulator, "escalation_share", lambda tally: math.nan)
    targets = [t for t in SHIPPED.targets if t.name == "peninsula-incidents-contained"]
    with pytest.raises(UserError, match="no armed clash in 16 paths"):
        simulate_row(targets, scenarios_for(SHIPPED), {}, Settings(runs=16, seed=1))


def test_a_count_is_met_inside_its_exact_interval() -> None:
    """The record's 0 of 26 is met when the model's escalation lies in the Clopper-Pearson 95% interval
    (0 to 1 - 0.025^(1/26) = 0.132), not otherwise."""
    record = _record(0, 26)
    assert fit_module.count_interval(record) == pytest.approx((0.0, 1 - 0.025 ** (1 / 26)))
    inside_rows, outside_rows = [{"t": 0.05}, {"t": 0.07}], [{"t": 0.18}, {"t": 0.2}]
    inside = fit_module.predictive_row(record, inside_rows, inside_rows)
    outside = fit_module.predictive_row(record, outside_rows, outside_rows)
    assert inside["met"] and inside["margin"] > 0
    assert not outside["met"] and outside["margin"] < 0


def test_the_escalation_quantity_counts_clashes_that_became_war() -> None:
    """korea-calm's escalation share is the kernel's wars begun by a clash over its clashes, and rises
    with P(war | clash) on the same paths."""
    targets = [t for t in SHIPPED.targets if t.name == "peninsula-incidents-contained"]
    assert targets and targets[0].use == "fit"
    scenarios = scenarios_for(SHIPPED)
    settings = Settings(runs=2048, seed=5)
    low = simulate_row(targets, scenarios, {"escalation.clash_to_war": 0.01}, settings)
    high = simulate_row(targets, scenarios, {"escalation.clash_to_war": 0.09}, settings)
    share_low = low["peninsula-incidents-contained"]
    assert 0.0 < share_low < high["peninsula-incidents-contained"] < 1.0


def test_emulator_and_sampler_recover_a_posterior_known_by_quadrature() -> None:
    """An independent oracle: a one-parameter 'model' whose quantity is logit^-1(-3 + 4u) plus known noise;
    the exact posterior under the uniform prior is computed by quadrature (scipy) and must match the
    emulator-and-emcee posterior's median and 90% interval."""
    target = _synthetic(0.2, "logit_normal", sd=0.4)
    rng = np.random.default_rng(1)
    x = sobol_design(48, 1, seed=3)
    rows = [{"t": float(1 / (1 + np.exp(-(-3 + 4 * u[0] + 0.05 * rng.standard_normal()))))} for u in x]
    emulator = Emulator.fit([target], x, rows, seed=5)
    posterior = sample_posterior(emulator, [target], 1, seed=7)
    observed = math.log(0.2 / 0.8)

    def density(u: float) -> float:
        return float(stats.norm.pdf(observed, loc=-3 + 4 * u, scale=0.4))

    total = integrate.quad(density, 0, 1)[0]

    def quantile(q: float) -> float:
        grid = np.linspace(0, 1, 4001)
        cdf = np.array([integrate.quad(density, 0, g)[0] / total for g in grid[::20]])
        return float(np.interp(q, cdf, grid[::20]))

    draws = posterior.draws[:, 0]
    assert abs(np.median(draws) - quantile(0.5)) < 0.03
    assert abs(np.quantile(draws, 0.05) - quantile(0.05)) < 0.04
    assert abs(np.quantile(draws, 0.95) - quantile(0.95)) < 0.04


def test_common_random_numbers_make_a_row_reproducible() -> None:
    targets = [t for t in SHIPPED.targets if t.quantity.scenario == "cuba-1962"]
    scenarios = scenarios_for(SHIPPED)
    settings = Settings(runs=128, replay_runs=64, forecast_runs=32, seed=11)
    values = {"escalation.clash_to_war": 0.05}
    assert simulate_row(targets, scenarios, values, settings) == simulate_row(
        targets, scenarios, values, settings
    )


def test_clash_to_war_raises_the_fitted_war_quantity_on_paired_paths() -> None:
    """The fit can only pull a parameter toward a target if the quantity answers to it: with every other
    value fixed and the same paths, a higher P(war | clash) gives more wars in korea-2017."""
    targets = [t for t in SHIPPED.targets if t.name == "stavridis-war"]
    scenarios = scenarios_for(SHIPPED)
    settings = Settings(runs=512, seed=5)
    low = simulate_row(targets, scenarios, {"escalation.clash_to_war": 0.01}, settings)["stavridis-war"]
    high = simulate_row(targets, scenarios, {"escalation.clash_to_war": 0.09}, settings)["stavridis-war"]
    assert high > low


def _tiny(tmp_path: Path) -> tuple[TargetsFile, str]:
    return load_targets(_file(tmp_path, [_target(value=0.05)]))


@pytest.fixture
def quick_mcmc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inference, "MCMC_STEPS", 500)
    monkeypatch.setattr(inference, "MCMC_BURN_IN", 200)


def _comparable(document: dict) -> dict:
    return {k: v for k, v in document.items() if k not in ("fit_seconds", "rows_simulated_this_session")}


def test_an_interrupted_fit_resumes_to_the_same_posterior(tmp_path: Path, quick_mcmc: None) -> None:
    targets, digest = _tiny(tmp_path)
    config = FitConfig(
        wave1=16, wave2=8, check_draws=4, settings=Settings(runs=64, replay_runs=32, forecast_runs=16)
    )
    (tmp_path / "whole").mkdir()
    whole = run_fit(targets, digest, tmp_path / "whole", config)

    (tmp_path / "cut").mkdir()
    seen = 0

    def interrupt(stage: str, done: int, total: int) -> None:
        nonlocal seen
        seen += 1
        if seen == 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_fit(targets, digest, tmp_path / "cut", config, interrupt)
    journal = (tmp_path / "cut" / fit_module.JOURNAL).read_text().splitlines()
    assert len(journal) == 10
    resumed = run_fit(targets, digest, tmp_path / "cut", config)
    assert resumed["rows_simulated_this_session"] == 16 + 8 + 4 - 10
    assert json.dumps(_comparable(resumed), sort_keys=True) == json.dumps(_comparable(whole), sort_keys=True)
    # Another targets file or other settings in the same folder are refused, not mixed in.
    with pytest.raises(UserError, match="other targets"):
        run_fit(targets, "0" * 64, tmp_path / "cut", config)


@pytest.mark.parametrize("content", [b"\x93NUMPY garbage", None])
def test_saved_wave_1_draws_that_are_not_draws_are_one_line(
    tmp_path: Path, quick_mcmc: None, content: bytes | None
) -> None:
    """A wave1-posterior.npy that is not the draws (not a .npy file, or an array of another shape) stopped a
    resumed fit with a ValueError traceback (NumPy's, or numpy.random's)."""
    targets, digest = _tiny(tmp_path)
    config = FitConfig(wave1=16, wave2=8, check_draws=2, settings=Settings(runs=32))
    folder = tmp_path / "fit"
    folder.mkdir()
    saved = folder / fit_module.WAVE1_DRAWS
    if content is None:
        np.save(saved, np.zeros((3, 5)))
    else:
        saved.write_bytes(content)
    with pytest.raises(UserError, match=r"wave1-posterior\.npy: not the wave-1 posterior's draws"):
        run_fit(targets, digest, folder, config)


@pytest.mark.parametrize("stop", [KeyboardInterrupt, Terminated])
@pytest.mark.parametrize("when", ["early", "in the last step"])
def test_a_signal_while_sampling_stops_without_emcee_printing(
    stop: type[BaseException], when: str, capsys: pytest.CaptureFixture[str], quick_mcmc: None
) -> None:
    """emcee's wrapper prints a traceback and the walkers to stdout when the likelihood raises; a Ctrl-C
    (KeyboardInterrupt) or a SIGTERM (the command line's Terminated, which the sampler let through to
    emcee's printing) in the emulator must reach the caller with nothing printed, in the last step too
    (where the sampler swallowed it and returned a posterior)."""
    target = _synthetic(0.2, "logit_normal")
    x = sobol_design(16, 1, seed=3)
    emulator = Emulator.fit([target], x, [{"t": 0.1 + 0.2 * float(u[0])} for u in x], seed=5)
    calls = 0
    predict = emulator.predict

    def counted(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        nonlocal calls
        calls += 1
        return predict(u)

    emulator.predict = counted  # type: ignore[method-assign]
    sample_posterior(emulator, [target], 1, seed=7)
    last = calls - 1  # the sampler's last call; after it, one more predicts the draws kept
    at = 5 if when == "early" else last
    calls = 0

    def interrupted(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        nonlocal calls
        calls += 1
        if calls == at:
            raise stop
        return predict(u)

    emulator.predict = interrupted  # type: ignore[method-assign]
    with pytest.raises(stop):
        sample_posterior(emulator, [target], 1, seed=7)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


PHASES = ["design rows", "emulator", "MCMC", "posterior predictive check"]


@pytest.mark.parametrize(
    ("stop", "code", "said"), [(KeyboardInterrupt, 130, "interrupted"), (Terminated, 143, "terminated")]
)
@pytest.mark.parametrize("phase", PHASES)
def test_calibrate_stops_on_a_signal_with_one_line_in_every_phase(
    phase: str,
    stop: type[BaseException],
    code: int,
    said: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    quick_mcmc: None,
) -> None:
    """`brink calibrate --out` on Ctrl-C (or SIGTERM): the project's one line and exit code 130 (143) in
    each phase of the fit, nothing on standard output and no posterior written."""
    from brinkmanship.cli import main

    design = 16
    rows = 0
    real_row = fit_module.simulate_row

    def row(*args: object, **kwargs: object) -> dict[str, float]:
        nonlocal rows
        rows += 1
        if (phase == "design rows" and rows == 1) or (
            phase == "posterior predictive check" and rows > design
        ):
            raise stop
        return real_row(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fit_module, "simulate_row", row)
    if phase == "emulator":

        def emulator_fit(*args: object, **kwargs: object) -> Emulator:
            raise stop

        monkeypatch.setattr(fit_module.Emulator, "fit", emulator_fit)
    real_sample = fit_module.sample_posterior

    def sample(emulator: Emulator, *args: object, **kwargs: object) -> object:
        if phase == "MCMC":
            predict, calls = emulator.predict, []

            def interrupted(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
                calls.append(1)
                if len(calls) == 50:
                    raise stop
                return predict(u)

            emulator.predict = interrupted  # type: ignore[method-assign]
        return real_sample(emulator, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fit_module, "sample_posterior", sample)
    targets = _file(tmp_path, [_target(value=0.05)])
    out = tmp_path / "fit"
    sizes = ["--design", str(design), "--refine", "0", "--check-draws", "2", "--runs", "64"]
    sizes += ["--replay-runs", "32", "--forecast-runs", "16"]
    assert main(["calibrate", "--targets", str(targets), "--out", str(out), *sizes]) == code
    captured = capsys.readouterr()
    assert captured.out == ""
    # what a resumed fit needs is kept, and the line says so: rows were simulated in every phase but the first
    journal = out / fit_module.JOURNAL
    kept = "" if phase == "design rows" else f"; the {design} model rows simulated are kept in {journal}"
    assert captured.err == f"error: {said}; stopped without writing results{kept}" + (
        "; the same command resumes\n" if kept else "\n"
    )
    assert not (out / "posterior.json").exists()


def test_a_row_cut_short_is_dropped_and_the_fit_resumes_on_a_fresh_line(tmp_path: Path) -> None:
    """A process killed mid-write leaves a partial last line: the next run drops it and appends whole rows
    after it, so the journal stays readable."""
    _, digest = _tiny(tmp_path)
    config = FitConfig(wave1=16, wave2=0, check_draws=2, settings=Settings(runs=64))
    folder = tmp_path / "fit"
    folder.mkdir()
    journal = fit_module.Journal(folder, digest, config)
    for row in range(3):
        journal.add(1, row, np.zeros(1), {"t": 0.1 * row})
    path = folder / fit_module.JOURNAL
    path.write_text(path.read_text()[:-40])
    resumed = fit_module.Journal(folder, digest, config)
    assert set(resumed.rows) == {(1, 0), (1, 1)}
    resumed.add(1, 2, np.zeros(1), {"t": 0.2})
    again = fit_module.Journal(folder, digest, config)
    assert set(again.rows) == {(1, 0), (1, 1), (1, 2)}


def test_a_journal_that_is_not_rows_is_one_line(tmp_path: Path) -> None:
    """simulations.jsonl that is not UTF-8 stopped the fit with a UnicodeDecodeError traceback; a row with
    JSON's NaN, or quantities that are not a mapping, were read as rows (or a traceback)."""
    _, digest = _tiny(tmp_path)
    config = FitConfig(wave1=16, wave2=0, check_draws=2, settings=Settings(runs=64))
    folder = tmp_path / "fit"
    folder.mkdir()
    fit_module.Journal(folder, digest, config)
    path = folder / fit_module.JOURNAL
    path.write_bytes(b"\xf8\x01binary")
    with pytest.raises(UserError, match="not the fit's simulated rows \\(not UTF-8 text\\)"):
        fit_module.Journal(folder, digest, config)
    for row in (
        '{"wave": 1, "row": 0, "quantities": {"t": NaN}}',
        '{"wave": 1, "row": 0, "quantities": [1]}',
    ):
        path.write_text(row + "\n" + '{"wave": 1, "row": 1, "quantities": {"t": 0.1}}\n')
        with pytest.raises(UserError, match="line 1: not a simulated row"):
            fit_module.Journal(folder, digest, config)


def test_force_keeps_the_earlier_fit_until_the_new_one_is_done(tmp_path: Path) -> None:
    """Without --force a fit of other targets (or an unreadable manifest) is refused and the message offers
    --force. With it the fit starts afresh in a subfolder, and the earlier fit's rows, draws and settings
    stay as they were until the new fit is done: a tester's Ctrl-C during a forced fit left the earlier fit's
    112 s of rows replaced by the new fit's five and its wave-1 draws deleted."""
    _, digest = _tiny(tmp_path)
    config = FitConfig(wave1=16, wave2=0, check_draws=2, settings=Settings(runs=64))
    folder = tmp_path / "fit"
    folder.mkdir()
    fit_module.Journal(folder, "0" * 64, config).add(1, 0, np.zeros(1), {"t": 0.1})
    np.save(folder / fit_module.WAVE1_DRAWS, np.zeros((3, 1)))
    names = (fit_module.JOURNAL, fit_module.MANIFEST, fit_module.WAVE1_DRAWS)
    before = {name: (folder / name).read_bytes() for name in names}
    with pytest.raises(UserError, match="add --force"):
        fit_module.Journal(folder, digest, config)
    forced = fit_module.Journal(folder, digest, config, force=True)
    assert forced.rows == {}
    forced.add(1, 0, np.zeros(1), {"t": 0.5})
    # Interrupted here: the earlier fit is whole, and the same command resumes the forced one.
    assert {name: (folder / name).read_bytes() for name in names} == before
    assert fit_module.active_journal(folder) == folder / fit_module.FORCED / fit_module.JOURNAL
    resumed = fit_module.Journal(folder, digest, config, force=True)
    assert resumed.rows == {(1, 0): {"t": 0.5}}
    resumed.finish()  # the fit is done (its posterior written): its files take the earlier fit's place
    assert not (folder / fit_module.FORCED).exists() and not (folder / fit_module.WAVE1_DRAWS).exists()
    assert json.loads((folder / fit_module.MANIFEST).read_text())["targets_sha256"] == digest
    assert fit_module.Journal(folder, digest, config).rows == {(1, 0): {"t": 0.5}}  # no --force needed now
    (folder / fit_module.MANIFEST).write_text("{")
    with pytest.raises(UserError, match="cannot read"):
        fit_module.Journal(folder, digest, config)
    assert fit_module.Journal(folder, digest, config, force=True).rows == {}
    # A file of the user's in the forced fit's folder (a tester's notes, removed with it) is refused, kept.
    (folder / fit_module.MANIFEST).write_text("{")
    mine = folder / fit_module.FORCED / "notes.txt"
    mine.write_text("mine")
    with pytest.raises(UserError, match=r"holds files that are not a fit's \(notes\.txt\)"):
        fit_module.Journal(folder, "1" * 64, config, force=True)
    assert mine.read_text() == "mine"


def test_split_takes_the_monte_carlo_noise_out_of_the_parameter_part() -> None:
    runs = 1000
    # Draws that differ by binomial noise alone: most of their spread is taken out of the parameter part
    # (not all: the variance of 64 draws is itself noisy, and only the expected noise is removed).
    rng = np.random.default_rng(0)
    noise_only = rng.binomial(runs, 0.1, size=64) / runs
    split = split_interval(noise_only, runs)
    raw = np.quantile(noise_only, 0.975) - np.quantile(noise_only, 0.025)
    assert split.parameters[1] - split.parameters[0] < 0.6 * raw
    # Draws spread far wider than the noise: the parameter part is about their own quantiles.
    wide = np.linspace(0.05, 0.35, 64)
    split = split_interval(wide, runs)
    assert split.parameters[0] == pytest.approx(np.quantile(wide, 0.025), abs=0.01)
    assert split.parameters[1] == pytest.approx(np.quantile(wide, 0.975), abs=0.01)
    assert split.total[0] <= min(split.parameters[0], split.monte_carlo[0])
    assert split.total[1] >= max(split.parameters[1], split.monte_carlo[1])


def test_rank_robustness_counts_draw_by_draw() -> None:
    by_policy = {
        "baseline": [{"war": 0.10}, {"war": 0.10}, {"war": 0.10}, {"war": 0.10}],
        "a": [{"war": 0.05}, {"war": 0.05}, {"war": 0.12}, {"war": 0.05}],
        "b": [{"war": 0.20}, {"war": 0.01}, {"war": 0.20}, {"war": 0.20}],
    }
    robust = rank_robustness(by_policy, "baseline")
    assert robust["a"]["beats_reference_share"] == 0.75
    assert robust["b"]["beats_reference_share"] == 0.25
    assert robust["a"]["rank_shares"] == {"1": 0.5, "2": 0.5}
    assert robust["b"]["rank_shares"] == {"1": 0.25, "3": 0.75}
    assert sum(robust["baseline"]["rank_shares"].values()) == pytest.approx(1.0)
