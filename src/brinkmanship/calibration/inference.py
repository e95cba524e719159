"""Bayesian calibration on an emulator: simulate a design of parameter rows, fit a Gaussian-process
emulator of every target's quantity, and sample the posterior of the free parameters with MCMC.

The method (Kennedy & O'Hagan 2001, "Bayesian calibration of computer models", JRSS B 63: 425-464, without
their model-discrepancy term; in the history-matching form of Vernon, Goldstein & Bower 2010, Bayesian
Analysis 5: 619-670, of refocusing the design in waves):

1. **Design.** Wave 1 is a scrambled Sobol sequence over the prior (the unit cube: each parameter's place in
   its prior range, on a log scale for a ``loguniform`` prior; scipy's ``qmc.Sobol``). Each row runs the
   model (:func:`brinkmanship.calibration.simulator.simulate_row`) on the same seed: common random numbers.
2. **Emulator.** For each fitted target, a Gaussian process (scikit-learn's ``GaussianProcessRegressor``:
   a constant times an anisotropic RBF kernel plus a white-noise kernel for the Monte Carlo noise) of the
   target's quantity on its error model's scale (logit or log) over the unit cube.
3. **Posterior.** ``log p(theta | targets) = sum_t log L_t(theta) + const`` under the uniform prior on the
   cube, where ``L_t`` is the target's error model with the emulator's own variance added to the target's
   (module :mod:`~brinkmanship.calibration.targets`); sampled with the affine-invariant ensemble sampler
   ``emcee`` (Foreman-Mackey et al. 2013, PASP 125: 306-312; Goodman & Weare 2010).
4. **Refocus.** Wave 2 draws rows from the wave-1 posterior, so the emulator is sharpest where the
   posterior lies; the emulator is refitted on both waves and the posterior sampled again.
5. **Check.** A posterior predictive check runs the model itself (not the emulator) at posterior draws.

Everything is seeded: the Sobol scramble, the GP optimiser's restarts, the sampler's state.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import emcee
import numpy as np
from scipy import special, stats
from scipy.stats import qmc
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
from threadpoolctl import threadpool_limits

from brinkmanship.calibration.simulator import transform
from brinkmanship.calibration.targets import Target

WALKERS_PER_DIMENSION = 4
MCMC_STEPS = 4000
MCMC_BURN_IN = 1500


def sobol_design(n: int, k: int, seed: int) -> np.ndarray:
    """``n`` rows of a scrambled Sobol sequence in the unit cube, shape (n, k)."""
    sampler = qmc.Sobol(d=k, scramble=True, seed=np.random.default_rng(seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # n need not be a power of two for a design
        return np.asarray(sampler.random(n))


@dataclass
class Emulator:
    """One Gaussian process per fitted target, on that target's error scale, over the unit cube."""

    names: list[str]
    processes: list[GaussianProcessRegressor]

    @classmethod
    def fit(
        cls, targets: Sequence[Target], x: np.ndarray, quantities: Sequence[dict[str, float]], seed: int
    ) -> Emulator:
        """Fit to rows ``x`` (n, k) and each row's simulated quantities (target name -> value)."""
        k = x.shape[1]
        processes = []
        for target in targets:
            y = np.array([transform(target, row[target.name]) for row in quantities])
            kernel = ConstantKernel(1.0, (1e-3, 1e3)) * RBF(np.full(k, 0.5), (0.05, 20.0)) + WhiteKernel(
                0.05, (1e-6, 1.0)
            )
            gp = GaussianProcessRegressor(kernel, normalize_y=True, n_restarts_optimizer=2, random_state=seed)
            with warnings.catch_warnings(), threadpool_limits(1):
                warnings.simplefilter("ignore", ConvergenceWarning)
                gp.fit(x, y)
            processes.append(gp)
        return cls([t.name for t in targets], processes)

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard deviation of every target's emulated quantity at rows ``x`` (m, k): two
        arrays of shape (m, targets). The white-noise part (the Monte Carlo noise of one row) is left out
        of the deviation: the emulator predicts the quantity, not one noisy run of it."""
        means, sds = [], []
        for gp in self.processes:
            mean, sd = gp.predict(np.atleast_2d(x), return_std=True)
            noise = _white_noise(gp)
            means.append(mean)
            sds.append(np.sqrt(np.maximum(sd**2 - noise, 1e-12)))
        return np.stack(means, axis=1), np.stack(sds, axis=1)

    def noise_sd(self) -> dict[str, float]:
        """Each target's fitted Monte Carlo noise of one row, on its error scale."""
        return {
            name: math.sqrt(_white_noise(gp)) for name, gp in zip(self.names, self.processes, strict=True)
        }

    def holdout_error(
        self, x: np.ndarray, quantities: Sequence[dict[str, float]], targets: Sequence[Target]
    ) -> dict[str, float]:
        """Root-mean-square error of the emulator's mean on rows it was not fitted on (its own scale)."""
        mean, _ = self.predict(x)
        out = {}
        for j, target in enumerate(targets):
            y = np.array([transform(target, row[target.name]) for row in quantities])
            out[target.name] = float(np.sqrt(np.mean((mean[:, j] - y) ** 2)))
        return out


def _white_noise(gp: GaussianProcessRegressor) -> float:
    """The fitted white-noise variance, on the target's scale (normalize_y rescales it)."""
    kernel = gp.kernel_
    white = kernel.k2.noise_level if isinstance(kernel.k2, WhiteKernel) else 0.0
    return float(white * float(np.asarray(gp._y_train_std)) ** 2)


HERMITE_NODES = 24
"""Gauss-Hermite nodes for a count's likelihood averaged over the emulator's normal (exact to the 47th
degree of a polynomial; the integrand is smooth in the logit)."""


def binomial_log_likelihood(events: int, trials: int, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """log E[q**events * (1 - q)**(trials - events)] with ``logit(q) ~ Normal(mean, sd)`` (the emulator's
    prediction and its own uncertainty), by Gauss-Hermite quadrature (probabilists' weights); any shape.
    With ``sd`` 0 it is the binomial log-likelihood of the count at ``q = sigmoid(mean)`` (without the
    constant binomial coefficient)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(HERMITE_NODES)
    z = np.asarray(mean)[..., None] + np.asarray(sd)[..., None] * nodes
    # log q = -log(1 + e^-z), log(1 - q) = -log(1 + e^z), both without overflow.
    log_terms = -events * np.logaddexp(0.0, -z) - (trials - events) * np.logaddexp(0.0, z)
    return special.logsumexp(log_terms, b=weights / weights.sum(), axis=-1)


def target_log_likelihood(target: Target, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """log L of the published value given the quantity's emulated mean and sd on the error scale (any
    shape); the emulator's variance adds to the target's own."""
    kind = target.error.kind
    if kind == "binomial":
        return binomial_log_likelihood(int(target.error.events or 0), int(target.error.trials or 1), mean, sd)
    observed = transform(target, target.value)
    scale = np.sqrt(target.error.spread**2 + sd**2)
    if kind in ("logit_normal", "log_normal"):
        return stats.norm.logpdf(observed, loc=mean, scale=scale)
    if kind == "at_most":
        return stats.norm.logcdf((observed - mean) / scale)
    return stats.norm.logcdf((mean - observed) / scale)


@dataclass
class Posterior:
    """MCMC draws in the unit cube with their diagnostics."""

    draws: np.ndarray  # (n, k)
    log_likelihoods: np.ndarray  # (n, targets): each target's log L at each draw
    acceptance: float
    autocorrelation_steps: float
    effective_sample_size: float


def sample_posterior(
    emulator: Emulator,
    targets: Sequence[Target],
    k: int,
    seed: int,
    keep: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> Posterior:
    """Sample the posterior of the unit-cube parameters with emcee; keep ``keep`` draws thinned evenly
    from the chains after burn-in. ``progress`` is called with (steps done, steps in all) every 100 steps.
    """

    stopped: BaseException | None = None

    def log_probability(u: np.ndarray) -> np.ndarray:
        # Vectorised over walkers (emcee's vectorize=True): one emulator call per step, not per walker.
        nonlocal stopped
        out = np.full(u.shape[0], -np.inf)
        try:
            inside = np.all((u >= 0) & (u <= 1), axis=1)
            if inside.any():
                mean, sd = emulator.predict(u[inside])
                out[inside] = sum(
                    target_log_likelihood(t, mean[:, j], sd[:, j]) for j, t in enumerate(targets)
                )
        except BaseException as error:
            # emcee's wrapper would print a traceback and the walkers' positions to stdout before passing
            # the exception on: a Ctrl-C (KeyboardInterrupt), a SIGTERM (the command line's Terminated, a
            # BaseException too) or a failure. Note it here and raise it from the sampling loop instead,
            # with nothing printed, so that the command says its one line.
            stopped = error
        return out

    walkers = max(WALKERS_PER_DIMENSION * k, 16)
    rng = np.random.default_rng(seed)
    start = np.clip(0.5 + 0.1 * rng.standard_normal((walkers, k)), 0.01, 0.99)
    sampler = emcee.EnsembleSampler(walkers, k, log_probability, vectorize=True)
    # Call the function itself, not through emcee's printing wrapper (emcee 3: the attribute it calls), so
    # that a signal arriving between the wrapper's lines and the function's is not printed either.
    if hasattr(sampler, "log_prob_fn"):
        sampler.log_prob_fn = log_probability
    sampler.random_state = np.random.RandomState(seed % 2**32).get_state()
    # One BLAS thread: the emulator's small triangular solves run about three times faster than with the
    # threads fighting over them (measured: 10 ms against 26-30 ms a step on this 2-core machine).
    with threadpool_limits(1):
        for step, _ in enumerate(sampler.sample(start, iterations=MCMC_STEPS), 1):
            if stopped is not None:
                raise stopped
            if progress is not None and (step % 100 == 0 or step == MCMC_STEPS):
                progress(step, MCMC_STEPS)
    if stopped is not None:  # in the last step: the loop ended without looking again
        raise stopped
    chain = sampler.get_chain(discard=MCMC_BURN_IN, flat=True)
    # emcee logs a warning when the chains are shorter than 50 autocorrelation times; the posterior
    # document reports the chain's length in those times instead (diagnostics), so the log is silenced.
    autocorr_log = logging.getLogger("emcee.autocorr")
    level = autocorr_log.level
    autocorr_log.setLevel(logging.ERROR)
    try:
        tau = float(np.max(sampler.get_autocorr_time(discard=MCMC_BURN_IN, quiet=True)))
    finally:
        autocorr_log.setLevel(level)
    pick = np.linspace(0, len(chain) - 1, min(keep, len(chain))).astype(int)
    draws = chain[pick]
    mean, sd = emulator.predict(draws)
    log_l = np.stack([target_log_likelihood(t, mean[:, j], sd[:, j]) for j, t in enumerate(targets)], axis=1)
    ess = len(chain) / max(tau, 1.0)
    return Posterior(draws, log_l, float(np.mean(sampler.acceptance_fraction)), tau, float(ess))


def tensions(posterior: Posterior, names: Sequence[str], threshold: float = -0.3) -> list[dict[str, object]]:
    """Pairs of targets that pull against each other: the correlation over the posterior draws of their
    log-likelihoods is below ``threshold`` (where one fits better, the other fits worse)."""
    ll = posterior.log_likelihoods
    out = []
    for i in range(ll.shape[1]):
        for j in range(i + 1, ll.shape[1]):
            if np.std(ll[:, i]) < 1e-9 or np.std(ll[:, j]) < 1e-9:
                continue
            r = float(np.corrcoef(ll[:, i], ll[:, j])[0, 1])
            if r < threshold:
                out.append({"targets": [names[i], names[j]], "correlation": r})
    return sorted(out, key=lambda row: float(row["correlation"]))  # type: ignore[arg-type]
