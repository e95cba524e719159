"""A whole calibration: the design in two waves, the emulator, the posterior, the posterior predictive check,
and the posterior document that ships with the package (:mod:`brinkmanship.calibration.posterior`).

Resumable: every simulated row is appended to ``simulations.jsonl`` in the output folder as soon as it is
done (with the targets file's SHA-256 and the settings in ``fit.json``). Run again with the same folder and
the rows already there are read back, not simulated again; the waves' designs are reproduced from the seed,
so the resumed fit is the one the uninterrupted fit would have been. The posterior is written only when the
whole fit is done.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from brinkmanship import __version__
from brinkmanship.calibration.inference import (
    MCMC_BURN_IN,
    MCMC_STEPS,
    Emulator,
    Posterior,
    sample_posterior,
    sobol_design,
    tensions,
)
from brinkmanship.calibration.posterior import POSTERIOR_FORMAT, POSTERIOR_VERSION
from brinkmanship.calibration.simulator import (
    Settings,
    row_path_days,
    scenarios_for,
    simulate_row,
    transform,
    untransform,
)
from brinkmanship.calibration.targets import Target, TargetsFile
from brinkmanship.engine.ensemble import check_path_days
from brinkmanship.errors import UserError
from brinkmanship.wording import plural

JOURNAL = "simulations.jsonl"
WAVE1_DRAWS = "wave1-posterior.npy"
MANIFEST = "fit.json"
FORCED = ".brink-forced-fit"
"""The subfolder in which a fit started with ``--force`` over a fit of other settings works until it is
done (the earlier fit's files stay in place until then). Hidden, and named for brink, so that it is not a
folder of the user's; one holding anything but a fit's files is refused, not removed."""
FIT_WORK_FILES = (JOURNAL, WAVE1_DRAWS, MANIFEST)
"""What a fit writes beside its posterior, and all that :data:`FORCED` may hold."""
SHIPPED_DRAWS = 256


@dataclass(frozen=True)
class FitConfig:
    """The sizes of a fit: rows in each wave, model runs at posterior draws for the check, the settings of
    every row's runs, and the seed of everything."""

    wave1: int = 96
    wave2: int = 48
    check_draws: int = 16
    settings: Settings = field(default_factory=Settings)

    def check(self) -> FitConfig:
        if not 16 <= self.wave1 <= 4096:
            raise UserError(f"--design: from 16 to 4,096 rows, not {self.wave1}")
        if not 0 <= self.wave2 <= 4096:
            raise UserError(f"--refine: from 0 to 4,096 rows, not {self.wave2}")
        if not 2 <= self.check_draws <= 256:
            raise UserError(f"--check-draws: from 2 to 256, not {self.check_draws}")
        self.settings.check()
        return self

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["settings"] = asdict(self.settings)
        return out


Report = Callable[[str, int, int], None]
"""Called with a stage's name, rows done and rows in all."""


def unit_to_values(targets: TargetsFile, u: np.ndarray) -> dict[str, float]:
    """A unit-cube row as parameter values (path -> value), each on its prior's scale."""
    return {p.path: p.prior.from_unit(float(x)) for p, x in zip(targets.parameters, u, strict=True)}


def _saved_draws(path: Path, k: int, wave2: int) -> np.ndarray:
    """The wave-1 posterior's draws kept in ``path``: at least ``wave2`` rows of ``k`` finite coordinates.

    Raises:
        UserError: the file holds something else (it stopped the fit with NumPy's traceback).
    """
    try:
        draws = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):  # not a NumPy array file (or one of objects)
        draws = None
    if not (
        isinstance(draws, np.ndarray)
        and draws.ndim == 2
        and draws.shape[1] == k
        and len(draws) >= wave2
        and np.issubdtype(draws.dtype, np.floating)
        and np.isfinite(draws).all()
    ):
        raise UserError(
            f"{path}: not the wave-1 posterior's draws ({wave2} or more of {k} parameters, as NumPy's .npy); "
            f"move it out of {path.parent} and the fit samples them again"
        )
    return draws


class Journal:
    """The rows simulated so far, read back from and appended to ``simulations.jsonl``."""

    def __init__(self, folder: Path, digest: str, config: FitConfig, force: bool = False) -> None:
        """Resume the fit in ``folder``, or start one there. A folder holding a fit of other targets or
        settings (or one whose settings cannot be read) is refused, unless ``force``: then this fit starts
        afresh in the folder's :data:`FORCED` subfolder (or resumes there, if an interrupted forced fit of
        these settings left it), and the earlier fit's files stay as they are until this one is done and
        its posterior written (:func:`finish_forced` then puts this one's in their place): an interrupted
        ``--force`` loses nothing."""
        self.home = folder
        self.folder = folder
        wanted = {"targets_sha256": digest, "config": config.as_dict()}
        problem = _settings_problem(folder / MANIFEST, wanted)
        if problem is not None and not force:
            raise UserError(
                f"{folder}: {problem} ({MANIFEST}); resume it with the same targets and settings, "
                "choose another --out folder, or add --force to discard it and start afresh"
            )
        if problem is not None:
            self.folder = folder / FORCED
            if self.folder.exists() and not self.folder.is_dir():
                raise UserError(f"{self.folder}: not a folder; move it out of {folder} to force a new fit")
            strangers = sorted(
                p.name for p in self.folder.glob("*") if self.folder.is_dir() and p.name not in FIT_WORK_FILES
            )
            if strangers:
                raise UserError(
                    f"{self.folder}: holds files that are not a fit's ({', '.join(strangers[:3])}); "
                    "move them out to force a new fit"
                )
            if _settings_problem(self.folder / MANIFEST, wanted) is not None:
                for name in FIT_WORK_FILES:  # a forced fit of yet other settings
                    (self.folder / name).unlink(missing_ok=True)
            self.folder.mkdir(exist_ok=True)
        self.path = self.folder / JOURNAL
        manifest = self.folder / MANIFEST
        if not manifest.exists():
            manifest.write_text(json.dumps(wanted, indent=1), encoding="utf-8")
        self.rows: dict[tuple[int, int], dict[str, float]] = {}
        if not self.path.exists():
            return
        try:
            text = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise UserError(
                f"{self.path}: not the fit's simulated rows (not UTF-8 text); move it out of {folder}, or "
                "choose another --out folder"
            ) from None
        lines = text.splitlines(keepends=True)
        kept = 0  # characters of complete rows
        for number, line in enumerate(lines, 1):
            try:
                row = json.loads(line)
                quantities = {str(k): float(v) for k, v in row["quantities"].items()}
                if not all(math.isfinite(v) for v in quantities.values()):  # JSON's NaN, 1e999
                    raise ValueError("not a finite number")
                self.rows[(int(row["wave"]), int(row["row"]))] = quantities
            except (ValueError, KeyError, TypeError, AttributeError):
                if number < len(lines):
                    raise UserError(f"{self.path}, line {number}: not a simulated row") from None
                # The last line cut short by an interruption: dropped, so that the next row starts on a
                # line of its own; that row is simulated again.
                with self.path.open("r+b") as handle:
                    handle.truncate(len(text[:kept].encode("utf-8")))
                break
            kept += len(line)
            if not line.endswith("\n"):  # a complete last row without its newline
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write("\n")

    def get(self, wave: int, row: int) -> dict[str, float] | None:
        return self.rows.get((wave, row))

    def add(self, wave: int, row: int, unit: np.ndarray, quantities: dict[str, float]) -> None:
        self.rows[(wave, row)] = quantities
        line = json.dumps(
            {"wave": wave, "row": row, "unit": [float(x) for x in unit], "quantities": quantities}
        )
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def finish(self) -> None:
        """The fit is done and its posterior written: :func:`finish_forced`."""
        finish_forced(self.home)


def finish_forced(folder: Path) -> None:
    """A forced fit in ``folder`` is done and its posterior written: its files (rows, wave-1 draws,
    settings) replace the earlier fit's, and its subfolder (:data:`FORCED`) goes. Nothing where no forced
    fit worked."""
    work = folder / FORCED
    if not (work / MANIFEST).exists():
        return
    for name in (JOURNAL, WAVE1_DRAWS):
        source, target = work / name, folder / name
        if source.exists():
            os.replace(source, target)
        else:
            target.unlink(missing_ok=True)
    os.replace(work / MANIFEST, folder / MANIFEST)  # last: until then the forced fit is the one to resume
    work.rmdir()


def _settings_problem(manifest: Path, wanted: dict[str, Any]) -> str | None:
    """What keeps the fit whose settings are ``manifest`` from being resumed as ``wanted``; None where it
    can be (or where there is none)."""
    if not manifest.exists():
        return None
    try:
        found = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return f"cannot read the earlier fit's settings ({error})"
    return None if found == wanted else "holds a fit of other targets or settings"


def active_journal(folder: Path) -> Path:
    """The journal an interrupted fit in ``folder`` left: a forced fit's (in :data:`FORCED`) where there is
    one, else the folder's own."""
    forced = folder / FORCED / JOURNAL
    return forced if forced.exists() else folder / JOURNAL


def run_fit(
    targets: TargetsFile,
    digest: str,
    folder: Path,
    config: FitConfig,
    report: Report | None = None,
    where: str = "targets",
    force: bool = False,
) -> dict[str, Any]:
    """Fit the free parameters of ``targets`` (``where`` names its file in messages); returns the posterior
    document (see module docstring). ``force``: discard a fit of other targets or settings found in
    ``folder`` (:class:`Journal`).

    Raises:
        UserError: a targets file that does not fit the scenarios, a folder holding another fit.
    """
    config.check()
    started = time.monotonic()
    scenarios = scenarios_for(targets, where)
    all_rows = config.wave1 + config.wave2 + config.check_draws
    per_row = row_path_days(targets.targets, scenarios, config.settings)
    check_path_days(
        [
            (
                f"{plural(all_rows, 'row')} (--design {config.wave1:,} + --refine {config.wave2:,} + "
                f"--check-draws {config.check_draws:,}) x {plural(per_row, 'path-day')} "
                f"a row (--runs {config.settings.runs:,}, --replay-runs "
                f"{config.settings.replay_runs:,}, --forecast-runs {config.settings.forecast_runs:,})",
                all_rows * per_row,
            )
        ],
        "lower --design, --refine, --runs, --replay-runs or --forecast-runs",
    )
    fitted = targets.fitted
    every = targets.targets
    k = len(targets.parameters)
    seed = config.settings.seed
    journal = Journal(folder, digest, config, force)
    simulated = 0

    def simulate(wave: int, design: np.ndarray, stage: str) -> list[dict[str, float]]:
        nonlocal simulated
        out = []
        for i, u in enumerate(design):
            row = journal.get(wave, i)
            if row is None:
                row = simulate_row(every, scenarios, unit_to_values(targets, u), config.settings)
                journal.add(wave, i, u, row)
                simulated += 1
            out.append(row)
            if report is not None:
                report(stage, i + 1, len(design))
        return out

    def mcmc(stage: str) -> Callable[[int, int], None] | None:
        if report is None:
            return None
        return lambda done, total: report(stage, done, total)

    design1 = sobol_design(config.wave1, k, seed)
    rows1 = simulate(1, design1, "wave 1 (prior design)")
    emulator = Emulator.fit(fitted, design1, rows1, seed)
    # The wave-1 posterior's draws are kept beside the journal: a fit resumed in wave 2 does not sample
    # them again (they fix wave 2's design, so they must be the same ones).
    saved = journal.folder / WAVE1_DRAWS
    if config.wave2 and saved.exists():
        draws = _saved_draws(saved, k, config.wave2)
        posterior = Posterior(draws, np.zeros((0, len(fitted))), math.nan, math.nan, math.nan)
    else:
        posterior = sample_posterior(
            emulator, fitted, k, seed, progress=mcmc("posterior after wave 1 (MCMC steps)")
        )
        if config.wave2:
            np.save(saved, posterior.draws)
    holdout: dict[str, float] = {}
    x, rows = design1, rows1
    if config.wave2:
        rng = np.random.default_rng(seed + 2)
        design2 = posterior.draws[rng.choice(len(posterior.draws), config.wave2, replace=False)]
        rows2 = simulate(2, design2, "wave 2 (refocused on the posterior)")
        holdout = emulator.holdout_error(design2, rows2, fitted)
        x, rows = np.vstack([design1, design2]), rows1 + rows2
        emulator = Emulator.fit(fitted, x, rows, seed)
        posterior = sample_posterior(emulator, fitted, k, seed + 1, progress=mcmc("posterior (MCMC steps)"))
    check_pick = np.linspace(0, len(posterior.draws) - 1, config.check_draws).astype(int)
    check_rows = simulate(3, posterior.draws[check_pick], "posterior predictive check")
    seconds = time.monotonic() - started
    document = posterior_document(
        targets, digest, config, posterior, emulator, holdout, rows1, check_rows, len(rows) + len(check_rows)
    )
    if not config.wave2:
        document["method"] = (
            "Bayesian calibration on a Gaussian-process emulator (Kennedy & O'Hagan 2001), one wave over the "
            "prior (--refine 0); posterior sampled with emcee (Foreman-Mackey et al. 2013)"
        )
    document["fit_seconds"] = round(seconds, 1)
    document["rows_simulated_this_session"] = simulated
    return document


def _quantiles(values: list[float]) -> dict[str, float]:
    a = np.asarray(values, dtype=float)
    return {
        "median": float(np.median(a)),
        "q05": float(np.quantile(a, 0.05)),
        "q95": float(np.quantile(a, 0.95)),
    }


def count_interval(target: Target) -> tuple[float, float]:
    """The exact (Clopper-Pearson) 95% interval of a binomial target's share: for 0 of 26, 0 to 0.132."""
    k, n = int(target.error.events or 0), int(target.error.trials or 1)
    low = float(stats.beta.ppf(0.025, k, n - k + 1)) if k > 0 else 0.0
    high = float(stats.beta.ppf(0.975, k + 1, n - k)) if k < n else 1.0
    return low, high


def predictive_row(
    target: Target, prior_rows: list[dict[str, float]], check_rows: list[dict[str, float]]
) -> dict[str, Any]:
    """One target set beside the model before and after the fit. ``z`` is the published value's distance
    from the posterior predictive mean in standard deviations (its error model's and the check's spread
    together), on the error scale. ``met``: for a value with an error model, ``|z| <= 2``; for a one-sided
    bound, the posterior predictive mean on its side of the bound. ``margin``: how far from failing, in
    those standard deviations."""
    z_sim = np.array([transform(target, row[target.name]) for row in check_rows])
    z_obs = transform(target, target.value)
    if target.error.kind == "binomial":
        # A count from the record: met when the posterior predictive mean lies inside the count's exact
        # (Clopper-Pearson) 95% interval; z and margin: the distance inside the nearer edge, on the logit
        # scale, in units of the spread across draws (at least 0.1).
        low, high = count_interval(target)
        spread = max(math.sqrt(float(np.var(z_sim))), 0.1)
        inside_high = (transform(target, high) - float(z_sim.mean())) / spread
        inside_low = (float(z_sim.mean()) - transform(target, low)) / spread if low > 0 else math.inf
        margin = z = min(inside_high, inside_low)
    else:
        scale = math.sqrt(target.error.spread**2 + float(np.var(z_sim)))
        z = (z_obs - float(z_sim.mean())) / scale
        if target.error.kind == "at_most":
            margin = z  # the posterior predictive mean must lie at or below the bound
        elif target.error.kind == "at_least":
            margin = -z
        else:
            margin = 2.0 - abs(z)
    met = margin >= 0
    return {
        "name": target.name,
        "use": target.use,
        "quantity": target.quantity.model_dump(mode="json", exclude_none=True),
        "value": target.value,
        "band": list(target.band) if target.band is not None else None,
        "error": target.error.model_dump(mode="json"),
        "judgement": target.judgement.model_dump(mode="json"),
        "prior_predictive": _quantiles([row[target.name] for row in prior_rows]),
        "posterior_predictive": {
            **_quantiles([row[target.name] for row in check_rows]),
            "mean_on_error_scale": untransform(target, float(z_sim.mean())),
            "draws": len(check_rows),
        },
        "z": z,
        "met": bool(met),
        "margin": margin,
    }


def posterior_document(
    targets: TargetsFile,
    digest: str,
    config: FitConfig,
    posterior: Posterior,
    emulator: Emulator,
    holdout: dict[str, float],
    prior_rows: list[dict[str, float]],
    check_rows: list[dict[str, float]],
    simulations: int,
) -> dict[str, Any]:
    """The posterior as the JSON document that ships (format and version first)."""
    pick = np.linspace(0, len(posterior.draws) - 1, min(SHIPPED_DRAWS, len(posterior.draws))).astype(int)
    shipped = posterior.draws[pick]
    parameters = []
    for j, p in enumerate(targets.parameters):
        u = posterior.draws[:, j]
        values = [p.prior.from_unit(float(x)) for x in u]
        parameters.append(
            {
                "path": p.path,
                "prior": p.prior.model_dump(mode="json"),
                "source": p.source,
                "posterior": _quantiles(values),
                # 1 - posterior variance / prior variance, both in the unit cube (the prior's is 1/12).
                "shrinkage": float(1 - np.var(u) * 12),
            }
        )
    names = [t.name for t in targets.fitted]
    return {
        "format": POSTERIOR_FORMAT,
        "version": POSTERIOR_VERSION,
        "created": dt.date.today().isoformat(),
        "package_version": __version__,
        "targets_sha256": digest,
        "method": (
            "Bayesian calibration on a Gaussian-process emulator (Kennedy & O'Hagan 2001) refocused in two "
            "waves (Vernon, Goldstein & Bower 2010); posterior sampled with emcee (Foreman-Mackey et al. "
            "2013)"
        ),
        "config": config.as_dict(),
        "simulations": simulations,
        "parameters": parameters,
        "draws": [unit_to_values(targets, u) for u in shipped],
        "weights": [1.0 / len(shipped)] * len(shipped),
        "diagnostics": {
            "mcmc_acceptance": posterior.acceptance,
            "mcmc_autocorrelation_steps": posterior.autocorrelation_steps,
            # emcee's rule of thumb asks for 50; the effective sample size below is what counts here.
            "mcmc_chain_in_autocorrelation_times": (MCMC_STEPS - MCMC_BURN_IN)
            / posterior.autocorrelation_steps,
            "effective_sample_size": posterior.effective_sample_size,
            "emulator_noise_sd": emulator.noise_sd(),
            "emulator_holdout_rmse": holdout,
        },
        "predictive": [predictive_row(t, prior_rows, check_rows) for t in targets.targets],
        "tensions": tensions(posterior, names),
    }
