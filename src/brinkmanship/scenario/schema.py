"""The scenario file format, validated with pydantic at the boundary.

Every field carries its meaning; numbers from the literature are cited in the scenario files beside them
(``sources`` and ``note`` fields). ``brink schema`` prints this as JSON Schema.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from brinkmanship.model.ladder import ACTION_INDEX, THRESHOLD_NAMES

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0, le=10_000.0)]
Positive = Annotated[float, Field(gt=0.0, le=10_000.0)]
Signed = Annotated[float, Field(ge=-1_000.0, le=1_000.0)]


def check_action_names(names: Iterable[str]) -> None:
    """Raise ValueError naming the first unknown action, with the known ones."""
    for action in names:
        if action not in ACTION_INDEX:
            raise ValueError(f"unknown action {action!r} (known: {', '.join(ACTION_INDEX)})")


class Strict(BaseModel):
    """Base: unknown keys are errors, models are immutable, and every number is finite (no NaN or inf)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Voice(Strict):
    """One of a principal's voices (leader, foreign minister, UN ambassador, defence)."""

    name: str
    weight: Positive = 1.0
    hawkishness: Signed = Field(0.0, description="offset of this voice's tone from the leader's action")


class BetaPrior(Strict):
    """Beta(alpha, beta) prior, drawn once per path (Powell 1987: resolve is private)."""

    alpha: Positive
    beta: Positive


class UniformPrior(Strict):
    """Uniform prior on [low, high], drawn once per path."""

    low: NonNegative
    high: NonNegative

    @model_validator(mode="after")
    def _ordered(self) -> UniformPrior:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) is below low ({self.low})")
        return self


class InitialState(Strict):
    """Where a principal stands on day 0."""

    level: Annotated[float, Field(ge=1, le=44)] = Field(1.0, description="Kahn rung of its posture")
    audience_cost: NonNegative = Field(0.0, description="audience-cost stock already built (Fearon 1994)")
    belief_greedy: Probability = Field(
        0.5, gt=0.0, lt=1.0, description="belief that the other side is greedy (Kydd 2005)"
    )
    perceived_hostility: Signed = Field(
        0.0, description="how hostile the other side looks, on the action scale"
    )
    pressure: NonNegative = Field(0.0, description="economic pressure already borne")


class Principal(Strict):
    """A principal in the dyad: chooses actions each day by quantal response."""

    role: Literal["principal"]
    name: str
    voices: list[Voice] = Field(min_length=1)
    coordination: Probability = Field(description="1 = one voice (Kennedy); 0 = uncoordinated voices")
    resolve: BetaPrior = Field(description="risk tolerance (Powell 1987; Schelling 1966)")
    p_greedy: Probability = Field(description="prior probability of the greedy type (Kydd 1997)")
    audience_sensitivity: UniformPrior = Field(description="weight on audience costs (Fearon 1994)")
    repertoire: list[str] = Field(min_length=1, description="actions this principal may take")
    precision: Positive = Field(description="logit precision lambda (McKelvey & Palfrey 1995)")
    war_cost: Positive = Field(description="disutility of a war, in the utility units of the decision model")
    faces_defeat: bool = Field(False, description="conventionally inferior: war leaves it humiliating defeat")
    initial: InitialState = InitialState()

    @field_validator("repertoire")
    @classmethod
    def _known_actions(cls, repertoire: list[str]) -> list[str]:
        check_action_names(repertoire)
        if len(set(repertoire)) != len(repertoire):
            raise ValueError("an action is listed twice")
        return repertoire


class ThirdPartyAct(Strict):
    """Something a third party does on a day with probability ``rate``."""

    kind: Literal["sanctions", "restraint_call", "press_talks"]
    rate: Probability = Field(description="probability per day")
    strength: NonNegative
    target: str | None = Field(None, description="principal it acts on (sanctions); None = both")


class MediatedChannel(Strict):
    """The channel a mediator provides when active (shuttle diplomacy, UN good offices)."""

    noise: NonNegative = Field(description="std. dev. of misreading through the mediator")
    delay_days: Annotated[float, Field(ge=0.0, le=30.0)]
    trust: Probability = Field(description="weight the parties give to what arrives through it")
    face_saving: Probability = Field(0.0, description="share of audience cost a mediated concession escapes")


class ThirdParty(Strict):
    """ROK, Japan, China, Russia, the UN secretary-general, a mediator: they press, calm or mediate."""

    role: Literal["third_party", "mediator"]
    name: str
    active: bool = True
    acts: list[ThirdPartyAct] = []
    channel: MediatedChannel | None = None
    settlement_boost: NonNegative = Field(0.0, description="relative rise of settlement hazard while active")

    @model_validator(mode="after")
    def _mediator_has_channel(self) -> ThirdParty:
        if self.role == "mediator" and self.channel is None:
            raise ValueError("a mediator needs a 'channel'")
        return self


class PublicChannel(Strict):
    """Public statements and visible moves, read by everyone."""

    noise: NonNegative = Field(description="std. dev. of misreading a public signal (Jervis 1976)")


class DirectChannel(Strict):
    """A direct, private, high-level channel (hotline, leader letters, envoy)."""

    enabled: bool = False
    noise: NonNegative = 0.3
    delay_days: Annotated[float, Field(ge=0.0, le=30.0)] = 0.5
    verify: Probability = Field(0.5, description="chance an alarm or incident is checked with the other side")


class Channels(Strict):
    public: PublicChannel
    direct: DirectChannel = DirectChannel()


class Perception(Strict):
    """How signals become beliefs (Jervis 1976; Kydd 2005)."""

    hostile_bias: NonNegative = Field(description="added to the hostility of military moves as read")
    memory: Probability = Field(description="weight of today's reading in the perceived-hostility average")
    belief_rate: NonNegative = Field(
        description="log-odds change per unit of reading above the type midpoint"
    )
    type_midpoint: Signed = Field(description="reading that is equally likely from a greedy or secure type")
    reassurance_weight: NonNegative = Field(description="extra weight of costly conciliatory signals (Kydd)")
    imminence_threshold: Signed = Field(
        description="perceived hostility at which an attack looks 50% imminent"
    )
    imminence_scale: Positive = Field(description="spread of the imminence curve")


class Decision(Strict):
    """Weights of the one-step expected utility (see docs/model.md)."""

    coercion: NonNegative = Field(description="value of pressure, scaled by resolve (Schelling 1966)")
    risk_aversion: NonNegative = Field(description="weight of the added risk of losing control")
    risk_window_days: Positive = Field(description="days of elevated hazard an action commits to")
    reciprocity: NonNegative = Field(description="pull toward matching the other's perceived hostility")
    generosity: Probability = Field(description="share of hostility forgiven (Nowak & Sigmund 1992: ~1/3)")
    greed: NonNegative = Field(description="extra value of escalation for the greedy type (Kydd 2005)")
    preemption: NonNegative = Field(description="value of striking first when attack looks imminent")
    talks_value: NonNegative = Field(
        description="value of talks and concessions per unit of pressure and trust"
    )
    desperation: NonNegative = Field(description="value of provocation per unit of pressure, greedy type")
    stress: NonNegative = Field(description="precision falls as lambda / (1 + stress * tension)")
    activity_cost: NonNegative = Field(
        description="cost of doing anything but hold on a given day (attention, effort): sets the daily tempo"
    )
    action_costs: dict[str, Signed] = Field(
        default_factory=dict, description="overrides of the catalogue's per-action costs"
    )

    @field_validator("action_costs")
    @classmethod
    def _known_actions(cls, costs: dict[str, float]) -> dict[str, float]:
        check_action_names(costs)
        return costs


class AudienceCosts(Strict):
    """Audience costs (Fearon 1994) and their private escape (Kurizaki 2007)."""

    threat_gain: NonNegative = Field(description="stock added by a public threat")
    force_gain: NonNegative = Field(description="stock added by a public show of force or mobilisation")
    standing_gain: NonNegative = Field(description="added per day while standing at rung 4 or above")
    decay: Probability = Field(description="share of the stock kept from one day to the next")
    partial_backdown_share: Probability = Field(
        description="share of the stock paid for a public softening short of concession (talks, freeze)"
    )


class LossOfControl(Strict):
    """Per-day risk that events slip out of control (Schelling's 'threat that leaves something to chance')."""

    base: Probability = Field(description="daily probability of an armed incident at rung 1")
    growth: Positive = Field(description="factor per rung climbed")
    posture_decay: NonNegative = Field(description="rungs per day a posture falls back when not renewed")
    threshold_jump: dict[str, Positive] = Field(description="extra factor once a Kahn threshold is crossed")
    action_incident: dict[str, Probability] = Field(
        default_factory=dict,
        description="extra chance of an armed incident on the day an action is taken (tests gone astray, "
        "bomber flights near airspace; Sagan 1993)",
    )

    @field_validator("action_incident")
    @classmethod
    def _known_incident_actions(cls, risks: dict[str, float]) -> dict[str, float]:
        check_action_names(risks)
        return risks

    @field_validator("threshold_jump")
    @classmethod
    def _known_thresholds(cls, jumps: dict[str, float]) -> dict[str, float]:
        for name in jumps:
            if name not in THRESHOLD_NAMES:
                raise ValueError(f"unknown Kahn threshold {name!r} (known: {', '.join(THRESHOLD_NAMES)})")
        return jumps


class FalseAlarms(Strict):
    """False warnings passing an assessment chain (Barrett, Baum & Hostetler 2013; Hellman 2008)."""

    rate_per_day: NonNegative = Field(description="Poisson rate of false warnings per principal per day")
    crisis_multiplier: NonNegative = Field(description="extra rate per rung above 1")
    pass_through: list[Probability] = Field(min_length=1, description="pass probability of each stage")
    imminence_weight: NonNegative = Field(description="last stage's pass probability rises with imminence")


class Escalation(Strict):
    """From clash to war and from war to nuclear use."""

    clash_to_war: Probability = Field(description="base chance that an armed clash becomes war")
    tension_weight: NonNegative = Field(description="added chance per unit of tension")
    misread_weight: NonNegative = Field(description="added chance per unit of misperception (noise + bias)")
    audience_weight: NonNegative = Field(description="added chance per unit of audience-cost stock")
    war_to_nuclear: Probability = Field(description="base chance that a war sees nuclear use")
    defeat_multiplier: NonNegative = Field(
        description="multiplier when a side faces defeat (Kennedy's maxim)"
    )
    false_alarm_nuclear: Probability = Field(description="chance a war begun on a false alarm goes nuclear")
    nuclear_delay_days: NonNegative = Field(description="mean days from war to first nuclear use")
    clash_shock: NonNegative = Field(description="rise in perceived hostility after a contained clash")


class Settlement(Strict):
    """How a crisis ends by agreement."""

    base_rate: Probability = Field(description="daily settlement probability while talks are open")
    tension_damping: NonNegative = Field(description="settlement hazard falls as exp(-damping * tension)")
    concession_boost: NonNegative = Field(description="relative rise per recent concession by each side")
    talks_open: bool = Field(False, description="talks are open from day 0")
    talks_window_days: Positive = Field(30, description="both must propose within this window to open talks")


class FreezeTerms(Strict):
    """A freeze-for-freeze: named actions of each principal halted; a breach ends it."""

    active: bool = False
    terms: dict[str, list[str]] = {}
    breach_rate: Probability = Field(0.0, description="daily probability that a side breaches")

    @field_validator("terms")
    @classmethod
    def _known_actions(cls, terms: dict[str, list[str]]) -> dict[str, list[str]]:
        for actions in terms.values():
            check_action_names(actions)
        return terms


class StrikeSpec(Strict):
    """One detonation a nuclear use would bring (from the intelligence tables)."""

    target: str
    yield_kt: Annotated[float, Field(gt=0.0, le=100_000.0)]
    burst: Literal["air", "surface"] = "air"


class Consequences(Strict):
    """What a war and a nuclear use would strike: turned into deaths by ``brinkmanship.effects``."""

    theatre: str = "korea"
    nuclear_strikes: list[StrikeSpec] = []


class Uncertainty(Strict):
    """An uncertain parameter: a dotted path into this file and the range analysts argue over."""

    path: str
    low: float
    high: float
    note: str = ""


class ScenarioFile(Strict):
    """A whole crisis: actors, channels, mechanisms, chance, and the uncertain parameters."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    description: str = Field(description="one line")
    start_date: dt.date
    horizon_days: Annotated[int, Field(gt=0, le=3650)]
    principals: Annotated[list[str], Field(min_length=2, max_length=2)]
    actors: dict[str, Annotated[Principal | ThirdParty, Field(discriminator="role")]]
    channels: Channels
    perception: Perception
    decision: Decision
    audience_costs: AudienceCosts
    loss_of_control: LossOfControl
    false_alarms: FalseAlarms
    escalation: Escalation
    settlement: Settlement
    freeze: FreezeTerms = FreezeTerms()
    face_saving_exit: bool = Field(False, description="Kennedy's maxim honoured: no side faces only defeat")
    consequences: Consequences = Consequences()
    uncertainties: list[Uncertainty] = []
    sources: dict[str, str] = {}

    @model_validator(mode="after")
    def _consistent(self) -> ScenarioFile:
        for name in self.principals:
            actor = self.actors.get(name)
            if actor is None:
                raise ValueError(f"principal {name!r} is not among the actors")
            if not isinstance(actor, Principal):
                raise ValueError(f"principal {name!r} must have role 'principal'")
        for name, actor in self.actors.items():
            if isinstance(actor, Principal) and name not in self.principals:
                raise ValueError(f"actor {name!r} has role 'principal' but is not listed in 'principals'")
            if isinstance(actor, ThirdParty):
                for act in actor.acts:
                    if act.target is not None and act.target not in self.principals:
                        raise ValueError(f"actor {name!r}: act target {act.target!r} is not a principal")
        for principal in self.freeze.terms:
            if principal not in self.principals:
                raise ValueError(f"freeze terms name {principal!r}, which is not a principal")
        return self
