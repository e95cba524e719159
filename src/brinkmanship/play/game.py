"""A crisis game: the user plays one principal day by day against the model, with an advice panel.

The world is one path of the model (path 0 of the seed's random stream, burned in like any other): each day
the player's move is imposed on their principal (as the replay imposes the record) and everything else -
the other principal's choice, third parties, signals and their misreading, incidents, clashes, false alarms,
escalation to war and to nuclear use - is the model's, drawn from the same stream as ``brink run``'s path 0.

The advice panel is a forecast for each move open to the player today: ``advice_runs`` branches of the
world, the move imposed today and the player's government following the model's own decision rule after it,
run ``horizon`` days (the same forecast as ``brink run --as-of``; every option uses the same branches and
random numbers, so the differences between options are not Monte Carlo noise of one against another).
The branches know only what the player knows of the other side: its private type (greedy or not, its
resolve, its sensitivity to audience costs) is drawn again in each branch from what its moves in the game
say of it (:mod:`brinkmanship.play.their_type`: the scenario's prior, or a replay's ensemble, weighed by
Bayes' rule over its moves), not copied from the world, where it stays hidden. Its perceptions and beliefs
about the player are taken as the world has them: the panel knows how the other side reads the player,
which a real government would know only roughly.

Levers (:mod:`brinkmanship.play.levers`): the panel forecasts each lever of the catalogue as if in force
from today, and :meth:`Game.pull` puts one in force. docs/play.md is the user's account of all this.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from brinkmanship.analysis.compare import PairedDifference, paired_difference
from brinkmanship.analysis.intervals import wilson_interval
from brinkmanship.analysis.lives import LivesModel
from brinkmanship.engine import randomness as rnd
from brinkmanship.engine.ensemble import Tally, advance, burned_in
from brinkmanship.engine.kernel import act_probabilities, available_actions
from brinkmanship.engine.state import ACTIVE, AT_WAR, NEVER, PATH_LABELS, WAR_OVER, CrisisState
from brinkmanship.errors import UserError
from brinkmanship.model import beliefs
from brinkmanship.model import tension as tension_model
from brinkmanship.model.ladder import ACTIONS, N_ACTIONS
from brinkmanship.play.levers import WayOut, way_for, ways_out, why_not, widest
from brinkmanship.play.their_type import TheirTypes
from brinkmanship.policies import Catalogue, Policy
from brinkmanship.policies.lever import resolve_actor
from brinkmanship.scenario.compiled import CompiledScenario, same_model
from brinkmanship.scenario.schema import ScenarioFile, ThirdParty

ACTION_NAMES = tuple(a.name for a in ACTIONS)
ADVICE_ID_OFFSET = 1 << 25
"""The advice's branches take path ids from here: their luck is not the world's (path 0), whose future
draws they would otherwise foretell, nor a replay's forecast's (``1 << 24``)."""
ADVICE_TYPES_TAG = 0x9A3E
"""Mixed into the seed of the draws of the other side's types in the branches."""
MAX_WAR_DAYS = 3650
"""A war is played out to its end (a ceasefire or nuclear use), at most this many days."""


@dataclass(frozen=True)
class Option:
    """The forecast for one move open to the player today (``horizon`` days, ``runs`` branches).

    ``p_war``: P(a war begins within the horizon), with its Wilson 95% interval; ``p_nuclear``: P(nuclear
    use within it); ``p_clash``: P(an armed clash); ``expected_deaths``: mean deaths over the branches
    (:mod:`brinkmanship.analysis.lives`), None without a lives model. ``vs_hold``: P(war) less P(war) if
    the player holds, branch by branch on the same random numbers, as ``brink compare`` pairs policies
    (McNemar's test, Tango's score interval: :func:`brinkmanship.analysis.compare.paired_difference`):
    much narrower than the two Wilson intervals side by side; None where holding is not open.
    """

    action: str
    p_war: float
    p_war_ci95: tuple[float, float]
    p_nuclear: float
    p_clash: float
    expected_deaths: float | None
    vs_hold: PairedDifference | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "p_war": self.p_war,
            "p_war_ci95": list(self.p_war_ci95),
            "p_nuclear_use": self.p_nuclear,
            "p_clash": self.p_clash,
            "expected_deaths": self.expected_deaths,
            "p_war_vs_hold": None if self.vs_hold is None else self.vs_hold.as_dict(),
        }


@dataclass(frozen=True)
class Turn:
    """One day of the game: who did what, and what happened."""

    day: int  # the game's day, 1 on its first (:attr:`Game.number`)
    date: dt.date
    yours: str
    theirs: str | None  # None on a day the other side did not move in crisis (a war running)
    clashes: int
    false_alarms: int
    war_began: bool
    nuclear_use: bool
    third_parties: tuple[str, ...] = ()  # the third parties' acts of the day ("China sanctions")

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day,
            "date": self.date.isoformat(),
            "yours": self.yours,
            "theirs": self.theirs,
            "clashes": self.clashes,
            "false_alarms": self.false_alarms,
            "war_began": self.war_began,
            "nuclear_use": self.nuclear_use,
            "third_parties": list(self.third_parties),
        }


ACT_WORDS = {
    "sanctions": "sanctions",
    "restraint_call": "calls for restraint",
    "press_talks": "presses for talks",
}
"""How a third-party act of each kind (compiled.THIRD_PARTY_ACT_KINDS) is told."""


def act_labels(model: CompiledScenario) -> list[str]:
    """One label per third-party act, in the order the compiled scenario flattens them (each third party's
    acts in the file's order, as :class:`~brinkmanship.scenario.compiled.ThirdPartyActs` rows)."""
    labels = [
        f"{actor.name} {ACT_WORDS.get(act.kind, act.kind)}"
        for actor in model.source.actors.values()
        if isinstance(actor, ThirdParty)
        for act in actor.acts
    ]
    if len(labels) != model.third_party_acts.rate.size:
        raise ValueError(
            f"{len(labels)} third-party acts in the file, {model.third_party_acts.rate.size} compiled"
        )
    return labels


def side_of(model: CompiledScenario, side: str) -> int:
    """The index of principal ``side`` (its key or its name, any case: 'dprk', 'United States').

    Raises:
        UserError: ``side`` is not one of the scenario's two principals.
    """
    return list(model.source.principals).index(resolve_actor(model.source, side, "--as"))


def repertoire_of(model: CompiledScenario, side: int) -> list[str]:
    """Every move of principal ``side``'s repertoire, in the ladder's order."""
    return [ACTION_NAMES[a] for a in range(N_ACTIONS) if model.repertoire[side, a]]


@dataclass
class Game:
    """The world (one path), the player's principal and the game's record.

    Use :meth:`start`; then :meth:`options`, :meth:`advise` and :meth:`move` until :attr:`over`.
    """

    model: CompiledScenario
    side: int
    seed: int
    world: CrisisState
    lives: LivesModel | None = None
    turns: list[Turn] = field(default_factory=list)
    first_day: int = 0
    """The model's day of the game's first move (:attr:`day` when it began; below 0 from a replayed date
    before the scenario's start date)."""
    scenario: ScenarioFile | None = None
    """The scenario file before any lever; None: no lever can be pulled (:meth:`pull`)."""
    policy: Policy = field(default_factory=lambda: Policy("baseline"))
    """The levers in force (``-p`` and those pulled)."""
    ways: dict[str, WayOut] = field(default_factory=dict)
    """The levers that can be pulled now, each composed with :attr:`policy` (:func:`levers.ways_out`)."""
    pulled: list[tuple[int, str]] = field(default_factory=list)
    """(game day, lever) of each lever pulled."""
    their_types: TheirTypes | None = None
    """What the other side's moves in this game say of its private type (:mod:`their_type`): the types the
    advice's branches draw from. None: the game gives no advice and keeps no such reading."""
    catalogue: Catalogue | None = None
    """The levers that can be pulled (None: the built-ins; with ``--policy-file`` a user's too)."""
    _held: tuple[tuple[int, str, int, int] | None, np.ndarray] = field(
        default_factory=lambda: (None, np.zeros(0, dtype=bool)), repr=False
    )
    """The last forecast of holding (:meth:`_board_key`, each branch's war), for :meth:`advise_levers`."""

    @classmethod
    def start(
        cls,
        model: CompiledScenario,
        side: str,
        seed: int,
        lives: LivesModel | None = None,
        world: CrisisState | None = None,
        scenario: ScenarioFile | None = None,
        policy: Policy | None = None,
        catalogue: Catalogue | None = None,
        read_their_moves: bool = True,
        their_types: TheirTypes | None = None,
    ) -> Game:
        """A game of ``model``, the player on principal ``side`` (key or name, any case): from ``world`` (one
        path, e.g. a path of the replayed record, :func:`brinkmanship.history.replay.replayed_start`, made
        with room for every way out's channels), else on the start date from path 0 of ``seed``'s
        burned-in paths. With ``scenario`` (the file before any lever) and ``policy`` (the levers that make
        ``model`` of it), the catalogue's other levers can be pulled during the game (:meth:`pull`). With
        ``read_their_moves`` (the default) the game reads the other side's type from its moves for the
        advice (:attr:`their_types`; about 16 ms a day), from ``their_types`` where given (a replay's
        ensemble: :meth:`TheirTypes.of_paths`), else from the scenario's prior; a game without advice may
        skip it.

        Raises:
            UserError: ``side`` is not one of the scenario's two principals.
        """
        index = side_of(model, side)
        policy = Policy("baseline") if policy is None else policy
        ways = {} if scenario is None else ways_out(scenario, policy, catalogue)
        if world is None:
            room = widest([model, *(way.model for way in ways.values())])
            world = burned_in(model, seed, np.zeros(1, dtype=np.int64), also_for=room)
        if world.n_paths != 1:
            raise ValueError(f"the world is one path, not {world.n_paths}")
        game = cls(
            model,
            index,
            seed,
            world,
            lives,
            first_day=world.day,
            scenario=scenario,
            policy=policy,
            catalogue=catalogue,
        )
        game.ways = game._fitting(ways)
        if read_their_moves and their_types is not None:
            game.their_types = their_types
        elif read_their_moves:
            rng = np.random.default_rng([seed, world.day + (1 << 20), ADVICE_TYPES_TAG])
            game.their_types = TheirTypes.from_prior(model, 1 - index, rng)
        return game

    def _fitting(self, ways: dict[str, WayOut]) -> dict[str, WayOut]:
        """The ways out whose private channels' delays the world's ring buffer of messages can carry."""
        room = self.world.inbox_value.shape[0]
        return {name: way for name, way in ways.items() if way.model.max_delay_days <= room}

    # -- what the player sees ------------------------------------------------------------------------

    @property
    def you(self) -> str:
        return self.model.principal_names[self.side]

    @property
    def them(self) -> str:
        return self.model.principal_names[1 - self.side]

    @property
    def day(self) -> int:
        """The day to be played next (0 = the scenario's start date)."""
        return self.world.day

    @property
    def number(self) -> int:
        """The game's day to be played next: 1 on its first, wherever the game began (the ``day`` that
        :meth:`position` and each :class:`Turn` report)."""
        return self.world.day - self.first_day + 1

    @property
    def date(self) -> dt.date:
        return self.model.source.start_date + dt.timedelta(days=self.world.day)

    @property
    def over(self) -> bool:
        """The crisis is over for the player: a war began (it is then played out to its end)."""
        return bool(self.world.status[0] != ACTIVE)

    @property
    def at_war(self) -> bool:
        """A war is being fought (begun and not yet ended by a ceasefire or nuclear use)."""
        return bool(self.world.status[0] == AT_WAR)

    def options(self) -> list[str]:
        """The moves open to the player today: the repertoire, less private moves without a private
        channel and moves an agreed freeze forbids (:func:`kernel.available_actions`)."""
        open_now = available_actions(self.model, self.world.freeze_on)[:, 0, self.side]
        return [ACTION_NAMES[a] for a in range(N_ACTIONS) if open_now[a]]

    def repertoire(self) -> list[str]:
        """Every move of the player's principal, open today or not (:meth:`options` are those open)."""
        return repertoire_of(self.model, self.side)

    def position(self) -> dict[str, Any]:
        """The board, as the player may read it: postures (Kahn's rungs), hostility as each side reads the
        other and as it is, audience costs, the player's belief about the other side's type, talks,
        freeze and agreement; what the other side's moves say of its type (``their_moves_say``, None in a
        game without advice). Keys name principals by their scenario names."""
        w, i, o = self.world, self.side, 1 - self.side
        return {
            "day": self.number,
            "date": self.date.isoformat(),
            # A rung decays by steps of 0.15 a day: rounded so that 4.7 does not read 4.699999999999999.
            "rung": {self.you: round(float(w.level[0, i]), 9), self.them: round(float(w.level[0, o]), 9)},
            "you_read_their_hostility": float(w.perceived[0, i]),
            "their_hostility_in_truth": float(w.true_hostility[0, i]),
            "they_read_your_hostility": float(w.perceived[0, o]),
            "your_hostility_in_truth": float(w.true_hostility[0, o]),
            "audience_costs": {self.you: float(w.audience[0, i]), self.them: float(w.audience[0, o])},
            "belief_they_are_greedy": float(beliefs.greed(w.posterior[0, i])),
            "belief_they_are_resolute": float(beliefs.resolve(w.posterior[0, i])),
            "their_moves_say": self._their_moves_say(),
            "talks_open": bool(w.talks_open[0]),
            "freeze_in_force": bool(w.freeze_on[0]),
            "agreement_in_force": bool(w.agreement_on[0]),
        }

    def _their_moves_say(self) -> dict[str, float] | None:
        """What the other side's moves in this game say of its type (:attr:`their_types`): P(greedy),
        P(resolute) and how many equally weighted types the filter's draws are worth; None without it."""
        types = self.their_types
        if types is None:
            return None
        return {
            "greedy": types.share_greedy(),
            "resolute": types.share_resolute(self.model, 1 - self.side),
            "effective_types": types.effective_size(),
        }

    # -- the advice panel ----------------------------------------------------------------------------

    def _branches(self, runs: int) -> CrisisState:
        """``runs`` copies of the world with the other side's private type drawn from what its moves in the
        game say of it (:attr:`their_types`: the scenario's prior weighed by the record, Bayes' rule; the
        prior itself before its first move, as `brink run` and `brink compare` draw it). Not from the
        player's belief on the board: in the model that belief is biased by misreadings (in korea-2017 the
        US holds the DPRK greedy at about 97% after the prelude, where a quarter of the DPRK's types are),
        and forecasts drawn from it overstated the risk about 2.5-fold (docs/play.md)."""
        branch = self.world.take(np.zeros(runs, dtype=np.int64)).counting_from_now()
        o = 1 - self.side
        rng = np.random.default_rng([self.seed, self.world.day + (1 << 20), ADVICE_TYPES_TAG])
        types = self.their_types
        if types is None:
            types = TheirTypes.from_prior(self.model, o, np.random.default_rng([self.seed, ADVICE_TYPES_TAG]))
        drawn = types.draw(rng, runs)
        branch.resolve[:, o] = types.resolve[drawn]
        branch.greedy[:, o] = types.greedy[drawn]
        branch.sensitivity[:, o] = types.sensitivity[drawn]
        branch.deaths_quantile = rng.random(runs)
        return branch

    def their_moves_today(self, runs: int = 2000) -> dict[str, float]:
        """What the other side may do today, as its moves so far have it: the share of ``runs`` branches
        (those of :meth:`advise`) in which it takes each move, largest first, moves no branch took left
        out. Both sides choose on the same day from the board as it stands at its start, so this does not
        depend on the player's own move today.

        Raises:
            RuntimeError: the game is over.
        """
        if self.over:
            raise RuntimeError("the game is over: the other side makes no more moves")
        branch = self._branches(runs)
        ids = ADVICE_ID_OFFSET + np.arange(runs, dtype=np.int64)
        tally = Tally(days=1, runs=runs)
        advance(self.model, branch, ids, rnd.seed_key(self.seed), 1, tally)
        counts = tally.actions[1 - self.side]
        order = np.argsort(-counts, kind="stable")
        return {ACTION_NAMES[a]: float(counts[a]) / runs for a in order if counts[a]}

    def _board_key(self, runs: int, horizon: int) -> tuple[int, str, int, int]:
        """What a forecast of holding depends on: the day (the world moves only with it), the policy in
        force, the branches and the horizon."""
        return (self.world.day, self.policy.name, runs, horizon)

    def _lay(self, state: CrisisState, model: CompiledScenario) -> None:
        """Lay over ``state`` the talks and the freeze that ``model`` declares and the model in force does
        not (a lever pulled today; a freeze in force earlier and breached since stays breached)."""
        state.talks_open = state.talks_open | (bool(model.talks_open) and not bool(self.model.talks_open))
        state.freeze_on = state.freeze_on | (bool(model.freeze_active) and not bool(self.model.freeze_active))

    def _forecast(
        self, model: CompiledScenario, base: CrisisState, action: str, name: str, horizon: int
    ) -> tuple[Option, np.ndarray]:
        """``base``'s branches run ``horizon`` days in ``model`` with ``action`` imposed on the player today:
        the forecast (labelled ``name``) and each branch's war within the horizon (for pairing)."""
        runs = base.n_paths
        branch = base.copy()
        self._lay(branch, model)
        forced = np.full((runs, 2), -1, dtype=np.int64)
        forced[:, self.side] = ACTION_NAMES.index(action)
        ids = ADVICE_ID_OFFSET + np.arange(runs, dtype=np.int64)
        started = base.day
        tally = Tally(days=horizon, runs=runs)
        advance(model, branch, ids, rnd.seed_key(self.seed), horizon, tally, forced={started: forced})

        def within(first_day: np.ndarray) -> np.ndarray:
            return (first_day != NEVER) & (first_day >= started) & (first_day < started + horizon)

        war, nuclear = within(branch.war_day), within(branch.nuclear_day)
        deaths = None
        if self.lives is not None:
            lost = np.where(war, self.lives.war.quantile(branch.deaths_quantile), 0.0)
            lost = np.where(nuclear, self.lives.nuclear_use.quantile(branch.deaths_quantile), lost)
            deaths = float(lost.mean())
        count = int(war.sum())
        option = Option(
            name,
            count / runs,
            wilson_interval(count, runs),
            float(nuclear.mean()),
            float(within(branch.clash_day).mean()),
            deaths,
        )
        return option, war

    def advise(self, runs: int = 2000, horizon: int = 90) -> list[Option]:
        """The forecast for each move in :meth:`options` (see the module's docstring), in that order.

        Raises:
            RuntimeError: the game is over (no move to advise on).
        """
        if self.over:
            raise RuntimeError("the game is over: no move to advise on")
        base = self._branches(runs)
        out = []
        wars: dict[str, np.ndarray] = {}
        for name in self.options():
            option, wars[name] = self._forecast(self.model, base, name, name, horizon)
            out.append(option)
        held = wars.get("hold")
        if held is not None:
            self._held = (self._board_key(runs, horizon), held)
        if held is None:
            return out
        # holding against itself is no comparison (0 with an interval): none
        return [
            dataclasses.replace(
                o, vs_hold=None if o.action == "hold" else paired_difference(wars[o.action], held)
            )
            for o in out
        ]

    def advise_levers(self, runs: int = 2000, horizon: int = 90) -> list[Option]:
        """For each way out that can be pulled now (:attr:`ways`), the forecast if it were in force from
        today and the player held today, paired against holding today without it (the same branches as
        :meth:`advise`): what `brink compare` measures, branched from the world on the game's day. Empty
        where holding is not open today or no lever can be pulled.

        Raises:
            RuntimeError: the game is over.
        """
        if self.over:
            raise RuntimeError("the game is over: no lever to advise on")
        if "hold" not in self.options() or not self.ways:
            return []
        base = self._branches(runs)
        key, held = self._held
        if key != self._board_key(runs, horizon):  # advise() ran holding on these branches already
            _, held = self._forecast(self.model, base, "hold", "hold", horizon)
        out = []
        for name, way in self.ways.items():
            option, war = self._forecast(way.model, base, "hold", name, horizon)
            out.append(dataclasses.replace(option, vs_hold=paired_difference(war, held)))
        return out

    def changes_nothing(self, lever: str) -> bool:
        """Whether the way out ``lever`` (a name of :attr:`ways`) would leave the model as it is in force."""
        return same_model(self.ways[lever].model, self.model)

    def pull(self, lever: str) -> None:
        """Put ``lever`` (a name of :attr:`ways`, or a lever on one principal: ``restraint:us``) in force
        from today: the world runs in the scenario with it added, its talks and freeze laid over the world
        as they are in a forecast branched from a date.

        Raises:
            UserError: ``lever`` cannot be pulled now (unknown, in force already, contradicting a lever in
                force, not applicable to the scenario, or changing nothing: the model with it is the one in
                force, :func:`~brinkmanship.scenario.compiled.same_model`).
            RuntimeError: the game is over.
        """
        if self.over:
            raise RuntimeError("the game is over: no lever to pull")
        way = self.ways.get(lever)
        if way is None and ":" in lever and self.scenario is not None:
            # One side only (the player restraining itself, not the other side too): composed here.
            try:
                one_side = way_for(self.scenario, self.policy, lever, self.catalogue)
                way = self._fitting({lever: one_side}).get(lever)
            except UserError:
                way = None
        if way is None:
            if self.scenario is None:
                why = "the game was started without its scenario file"
            else:
                why = why_not(self.scenario, self.policy, lever, self.catalogue)
            # Not the levers that would change nothing (the scenario is so already): pulling one is refused.
            can = ", ".join(name for name, w in self.ways.items() if not same_model(w.model, self.model))
            raise UserError(f"lever {lever!r} cannot be pulled now: {why}; can be pulled: {can or 'none'}")
        if same_model(way.model, self.model):
            # Nothing would change but the levers it contradicts, which it would block from then on.
            raise UserError(
                f"lever {lever!r} changes nothing in this game: the scenario is so already (its model, "
                "lever for lever, is the one in force); not pulled"
            )
        self._lay(self.world, way.model)
        self.model = way.model
        self.policy = way.policy
        self.pulled.append((self.number, lever))
        assert self.scenario is not None  # ways are empty without it
        self.ways = self._fitting(ways_out(self.scenario, self.policy, self.catalogue))

    # -- playing -------------------------------------------------------------------------------------

    def move(self, action: str) -> Turn:
        """Play ``action`` today: the world steps one day with it imposed on the player's principal.

        Raises:
            UserError: ``action`` is not a move open to the player today.
            RuntimeError: the game is over.
        """
        if self.over:
            raise RuntimeError("the game is over: no more moves")
        open_now = self.options()
        if action not in open_now:
            raise UserError(f"{action!r} is not a move open to {self.you} today; open: {', '.join(open_now)}")
        forced = np.full(2, -1, dtype=np.int64)
        forced[self.side] = ACTION_NAMES.index(action)
        return self._step({self.world.day: forced}, action)

    def play_out_the_war(self) -> list[Turn]:
        """Step a war that began to its end (a ceasefire or nuclear use), at most :data:`MAX_WAR_DAYS`."""
        turns: list[Turn] = []
        while self.at_war and len(turns) < MAX_WAR_DAYS:
            turns.append(self._step({}, "war"))
        return turns

    def _step(self, forced: dict[int, np.ndarray], yours: str) -> Turn:
        w = self.world
        day, date = self.number, self.date
        was_active, nuclear_before = w.status[0] == ACTIVE, w.nuclear_day[0] != NEVER
        fired = self._fired_today() if was_active else np.zeros(self.model.n_third_party_acts, dtype=bool)
        acts = tuple(label for label, now in zip(act_labels(self.model), fired, strict=True) if now)
        o = 1 - self.side
        reading = None
        if was_active and self.their_types is not None:
            reading = self.their_types.move_probabilities(self.model, w, o, fired)
        tally = Tally(days=1, runs=1)
        advance(self.model, w, np.zeros(1, dtype=np.int64), rnd.seed_key(self.seed), 1, tally, forced=forced)
        moved = np.flatnonzero(tally.actions[o])
        theirs = int(moved[0]) if was_active and moved.size else None
        if reading is not None and theirs is not None and self.their_types is not None:
            self.their_types.observe(reading, theirs)
        turn = Turn(
            day=day,
            date=date,
            yours=yours,
            theirs=None if theirs is None else ACTION_NAMES[theirs],
            clashes=int(tally.clash_events.sum()),
            false_alarms=int(tally.false_alarms),
            war_began=bool(was_active and w.war_day[0] != NEVER),
            nuclear_use=bool(not nuclear_before and w.nuclear_day[0] != NEVER),
            third_parties=acts,
        )
        self.turns.append(turn)
        return turn

    def _fired_today(self) -> np.ndarray:
        """The third parties' acts the kernel will draw for the world today, ``(n_acts,)`` bool: each act's
        chance from the board at the day's start (:func:`kernel.act_probabilities`, both kernels' rule)
        against the world's own uniform of that act (the stream's column ``U_FIXED + j`` for path 0 and
        today). The kernel keeps no record of them per path; they are read from the same numbers it uses."""
        w = self.world
        chance = act_probabilities(self.model, w, tension_model.tension(w.perceived))[0]
        key, path = rnd.seed_key(self.seed), np.zeros(1, dtype=np.int64)
        return np.array(
            [rnd.uniform(key, path, w.day, rnd.U_FIXED + j)[0] < chance[j] for j in range(chance.size)],
            dtype=bool,
        )

    def debrief(self) -> dict[str, Any]:
        """After the game, what was hidden during it: the other side's true type (greedy or not, its resolve
        and whether it is in the upper half of the resolve prior, its sensitivity to audience costs), beside
        what its moves said of it (:meth:`_their_moves_say`; None in a game without advice)."""
        o = 1 - self.side
        w = self.world
        return {
            "their_type": {
                "greedy": bool(w.greedy[0, o] == 1.0),
                "resolute": bool(w.resolve[0, o] >= self.model.resolve_median[o]),
                "resolve": float(w.resolve[0, o]),
                "sensitivity": float(w.sensitivity[0, o]),
            },
            "their_moves_said": self._their_moves_say(),
        }

    def outcome(self) -> dict[str, Any]:
        """How the game ended so far: war (its path and who began it), nuclear use, agreement."""
        w = self.world
        war = w.war_day[0] != NEVER
        initiator = int(w.war_initiator[0])
        return {
            "war": bool(war),
            "war_date": (self.model.source.start_date + dt.timedelta(days=int(w.war_day[0]))).isoformat()
            if war
            else None,
            "war_path": PATH_LABELS[int(w.war_path[0])] if war else None,
            "war_begun_by": self.model.principal_names[initiator] if war and initiator >= 0 else None,
            "war_ended": self.turns[-1].date.isoformat() if war and w.status[0] == WAR_OVER else None,
            "nuclear_use": bool(w.nuclear_day[0] != NEVER),
            "agreement_in_force": bool(w.agreement_on[0]),
            "days_played": sum(1 for t in self.turns if t.yours != "war"),
        }
