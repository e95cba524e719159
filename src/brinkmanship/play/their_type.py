"""What the game has shown of the other side's private type: a particle filter over its types.

The advice panel's branches must not know the other side's private type (greedy or not, its resolve, its
sensitivity to audience costs: :mod:`brinkmanship.model.beliefs`), but they may know what the player has
seen of it: its moves. The particles are types drawn from the scenario's prior, as `brink run` draws them;
on each day the other side chooses freely, each particle's weight is multiplied by the probability that a
government of that type, on the board of that morning, makes the move it made - the model's own choice
rule (:func:`brinkmanship.engine.kernel.choice_tables`), with a breach of a freeze in force and a strike
called off over a direct channel taken as the kernel takes them (docs/model.md, steps 1 and 2). This is
Bayes' rule over the types by importance sampling (the bootstrap filter of N. J. Gordon, D. J. Salmond and
A. F. M. Smith 1993, *IEE Proceedings F* 140(2), without its resampling step: the types do not move, so
the weights carry the whole record), as `brink replay` weighs its paths by the real record.

It is the player's reading, not the model's: the model's governments read the other side's moves through
the hostile attribution bias and the noise of public signals (their beliefs on the board), the filter
reads the move itself, which the game shows. Like the branches, it takes the other side's perceptions of
the player, its postures and its audience costs as the world has them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from brinkmanship.engine import kernel
from brinkmanship.engine.state import CrisisState
from brinkmanship.model import beliefs
from brinkmanship.scenario.compiled import CompiledScenario

PARTICLES = 4096
"""Types in the filter: a day's update costs about 16 ms at this size (on the development machine)."""
LIKELIHOOD_FLOOR = kernel.FORCED_FLOOR
"""A move no particle's type would make still leaves each particle this probability (the replay's floor),
so that the weights stay defined."""


@dataclass
class TheirTypes:
    """Weighted draws of the other side's private type: ``(k,)`` arrays, aligned."""

    greedy: np.ndarray
    """1.0 for a greedy type, 0.0 for a security-seeker (Kydd)."""
    resolve: np.ndarray
    """Resolve in [0, 1] (Powell; Fearon)."""
    sensitivity: np.ndarray
    """Sensitivity to audience costs."""
    log_weight: np.ndarray
    """Log of each draw's weight, up to a constant: the record's log-likelihood under that type."""

    @classmethod
    def from_prior(
        cls, model: CompiledScenario, other: int, rng: np.random.Generator, k: int = PARTICLES
    ) -> TheirTypes:
        """``k`` types of principal ``other`` drawn from the scenario's prior, weighted equally: greedy with
        the prior's probability, resolute (the upper half of the resolve prior, as :mod:`beliefs` splits
        it) with one half, sensitivity uniform on its declared range."""
        player = 1 - other
        prior = beliefs.prior(model.p_greedy, 1)[0, player]  # the player's belief before any move
        kind = rng.choice(beliefs.N_TYPES, size=k, p=prior / prior.sum())
        resolute = beliefs.RESOLUTE[kind] > 0.5
        half = rng.random(k) * 0.5 + np.where(resolute, 0.5, 0.0)
        return cls(
            greedy=beliefs.GREEDY[kind].astype(float),
            resolve=stats.beta.ppf(half, model.resolve_alpha[other], model.resolve_beta[other]),
            sensitivity=model.sensitivity_low[other]
            + rng.random(k) * (model.sensitivity_high[other] - model.sensitivity_low[other]),
            log_weight=np.zeros(k),
        )

    @classmethod
    def of_paths(cls, state: CrisisState, other: int) -> TheirTypes:
        """The types of principal ``other`` on the paths of ``state``, weighted equally: a replay's
        resampled ensemble (:func:`brinkmanship.history.replay.replayed_start`) gives the types the real
        record made likely, from which a game branched from a replayed date starts."""
        return cls(
            greedy=state.greedy[:, other].astype(float),
            resolve=state.resolve[:, other].astype(float),
            sensitivity=state.sensitivity[:, other].astype(float),
            log_weight=np.zeros(state.n_paths),
        )

    @property
    def weights(self) -> np.ndarray:
        """The normalised weights, ``(k,)``, summing to one."""
        shifted = np.exp(self.log_weight - self.log_weight.max())
        return shifted / shifted.sum()

    def effective_size(self) -> float:
        """Kish's effective sample size, 1 / sum(w^2), over the distinct types: how many equally weighted
        types the draws are worth. Copies of one type (a resampled replay ensemble holds many: 1,024 paths,
        112 distinct types on 31 Dec 2017) count once, with their weights summed."""
        types = np.stack([self.greedy, self.resolve, self.sensitivity], axis=1)
        _, distinct = np.unique(types, axis=0, return_inverse=True)
        w = np.bincount(distinct.reshape(-1), weights=self.weights)
        return float(1.0 / np.sum(w * w))

    def share_greedy(self) -> float:
        """The weighted share of greedy types: P(greedy | their moves so far)."""
        return float(np.sum(self.weights * self.greedy))

    def share_resolute(self, model: CompiledScenario, other: int) -> float:
        """The weighted share of types in the upper half of the resolve prior."""
        return float(np.sum(self.weights * (self.resolve >= model.resolve_median[other])))

    def move_probabilities(
        self, model: CompiledScenario, world: CrisisState, other: int, fired: np.ndarray
    ) -> np.ndarray:
        """``(k, N_ACTIONS)``: for each type, the probability that principal ``other`` of that type makes
        each move today, from the board of the day's start (``world``, one path) with the third parties' acts
        ``fired`` (``(n_acts,)`` bool: those that happen today, which press for talks).

        The kernel's rule (:mod:`brinkmanship.engine.kernel`, step 1 and the verification): the logit choice
        over the moves open today; under a freeze in force, a breach at the freeze's rate takes the most
        valued frozen move; a strike chosen while misreading the player is called off (a hold) over a direct
        channel with probability ``verify``.
        """
        k = self.greedy.size
        state = world.take(np.zeros(k, dtype=np.int64))
        state.greedy[:, other] = self.greedy
        state.resolve[:, other] = self.resolve
        state.sensitivity[:, other] = self.sensitivity
        inputs = kernel.decision_inputs(model, state, np.broadcast_to(fired, (k, fired.size)))
        tables = kernel.choice_tables(model, state, inputs)
        weights = tables.weights[:, :, other].T
        total = weights.sum(axis=1, keepdims=True)
        chosen = np.divide(weights, total, out=np.zeros_like(weights), where=total > 0.0)
        chosen[total[:, 0] == 0.0, kernel.HOLD] = 1.0  # no finite weight: the kernel holds
        if bool(world.freeze_on[0]) and bool(model.freeze_terms[other].any()):
            frozen = (model.freeze_terms & model.repertoire)[other]
            best = np.where(frozen[:, None], tables.utilities[:, :, other], -np.inf).argmax(axis=0)
            chosen *= 1.0 - model.freeze_breach_rate
            chosen[np.arange(k), best] += model.freeze_breach_rate
        verify = kernel.clarification(model)
        misreading = world.perceived[0, other] - world.true_hostility[0, other] > model.misread_margin
        if verify > 0.0 and misreading:
            attack = model.action_is_attack_clash | model.action_is_war
            called_off = verify * chosen[:, attack].sum(axis=1)
            chosen[:, attack] *= 1.0 - verify
            chosen[:, kernel.HOLD] += called_off
        return chosen

    def observe(self, probabilities: np.ndarray, move: int) -> None:
        """Bayes' rule: weigh each type by the probability (``probabilities``, from
        :meth:`move_probabilities` of the same day) that it made ``move`` (an action index)."""
        self.log_weight = self.log_weight + np.log(np.maximum(probabilities[:, move], LIKELIHOOD_FLOOR))

    def draw(self, rng: np.random.Generator, runs: int) -> np.ndarray:
        """``runs`` indices of types, drawn with replacement in proportion to their weights."""
        return rng.choice(self.greedy.size, size=runs, p=self.weights)
