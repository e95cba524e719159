"""The scenario file format, validated with pydantic at the boundary.

Every field carries its meaning; numbers from the literature are cited in the scenario files beside them
(``sources`` and ``note`` fields). ``brink schema`` prints this as JSON Schema.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from brinkmanship.model.ladder import ACTION_INDEX, CLASH_ACTIONS, THRESHOLD_NAMES, WAR_ACTIONS


def _number_as_written(value: object) -> object:
    """A number as the file wrote it. Pydantic (lax) would read YAML's ``true`` as 1 and the text ``"0.5"``
    as 0.5; in a file either is more likely a slip than the number meant."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()}")
    if isinstance(value, str):
        shown = repr(value) if len(value) <= 40 else repr(value[:37] + "...")
        if _number_once_plain(value):
            raise ValueError(f"expected a number, got the text {shown} (write it plainly: no '_', no quotes)")
        raise ValueError(f"expected a number, got the text {shown} (write a number without quotes)")
    return value


def _number_once_plain(text: str) -> bool:
    """Whether ``text`` is a number written with digit separators (``1_5e-2``), which YAML reads as text."""
    if "_" not in text:
        return False
    try:
        float(text.replace("_", ""))
    except ValueError:
        return False
    return True


def _whole_number(value: object) -> object:
    """A count as a file writes it: a whole number, in exponent notation too (``2e1`` is 20, as JSON and
    YAML 1.2 read it); a fraction (``2.5``) is left for the integer check to refuse."""
    value = _number_as_written(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
"""A count of a file read strictly (a sweep grid's runs, a target's events): a whole number, ``2e1``
included; not a fraction, a boolean or quoted text."""
Number = Annotated[float, BeforeValidator(_number_as_written)]
"""A number field of a file: a YAML or JSON number, not a boolean or quoted text."""
Count = Annotated[int, BeforeValidator(_number_as_written)]
"""A whole-number field of a file, as :data:`Number`."""


def _flag_as_written(value: object) -> object:
    """A yes/no as the file wrote it: true or false, in the words of :func:`_number_as_written`."""
    if not isinstance(value, bool):
        shown = repr(value) if not isinstance(value, str) or len(value) <= 40 else repr(value[:37] + "...")
        raise ValueError(f"expected true or false, got {shown}")
    return value


Flag = Annotated[bool, BeforeValidator(_flag_as_written), Field(strict=True)]
"""A yes/no field of a file: true or false, not 1, "yes" or "on" (which pydantic would read as true)."""
Probability = Annotated[Number, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[Number, Field(ge=0.0, le=10_000.0)]
Positive = Annotated[Number, Field(gt=0.0, le=10_000.0)]
Signed = Annotated[Number, Field(ge=-1_000.0, le=1_000.0)]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date(text: str) -> dt.date:
    """A calendar date written YYYY-MM-DD, and only so.

    Python's ``date.fromisoformat`` also reads ``20171231`` and the ISO week date ``2017-W52-7`` (3.11);
    a date in another spelling is more likely a typing mistake than a choice, so both are refused.

    Raises:
        ValueError: not written YYYY-MM-DD, or no such day (2017-02-30).
    """
    shown = repr(text) if len(text) <= 40 else repr(text[:37] + "...")
    if not _ISO_DATE.match(text):
        raise ValueError(f"not an ISO date (YYYY-MM-DD): {shown}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a calendar date: {shown}") from None


def _date_as_written(value: object) -> object:
    """A date YAML already parsed, or text written YYYY-MM-DD; not a date and time, nor any other
    spelling pydantic would take (``2017-12-31T00:00:00``)."""
    if isinstance(value, dt.datetime):
        raise ValueError(f"expected a date (YYYY-MM-DD), got a date and time: {value.isoformat()}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool) or not isinstance(value, str):
        # a number (2017e1 is read as 20170.0): say what the file's text became, not only its value
        kind = "a number" if isinstance(value, int | float) and not isinstance(value, bool) else "not text"
        raise ValueError(f"not an ISO date (YYYY-MM-DD): got {kind}, {value!r}")
    return iso_date(value.strip())


IsoDate = Annotated[dt.date, BeforeValidator(_date_as_written)]
"""A date field of a file: YYYY-MM-DD (:func:`iso_date`)."""


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
    """What a principal carries into the start date that the model does not build itself.

    Postures, perceived hostility, audience costs, capability and beliefs come from the model's own
    dynamics over the scenario's ``prelude`` (docs/model.md, "No start-up transient"); only what the
    model has no mechanism for is declared here.
    """

    pressure: NonNegative = Field(
        0.0, le=100.0, description="economic pressure borne on the start date (sanctions already in force)"
    )


class Capability(Strict):
    """An emerging capability the other side fears, as it has been demonstrated (0 = none, 1 = complete).

    For North Korea in 2017: ``reach`` is the demonstrated missile reach toward the other side's homeland,
    ``warhead`` the demonstrated weapon yield; tests raise both (docs/model.md, "Capability"). A principal
    whose capability is not in question (the United States) has none to stop: leave both at 0.
    """

    reach: Probability = Field(0.0, description="demonstrated missile reach toward the other's homeland")
    warhead: Probability = Field(0.0, description="demonstrated weapon yield")


class Principal(Strict):
    """A principal in the dyad: chooses actions each day by quantal response."""

    role: Literal["principal"]
    name: str
    voices: list[Voice] = Field(min_length=1)
    coordination: Probability = Field(description="1 = one voice (Kennedy); 0 = uncoordinated voices")
    resolve: BetaPrior = Field(description="risk tolerance (Powell 1987; Schelling 1966)")
    p_greedy: Probability = Field(description="prior probability of the greedy type (Kydd 1997)")
    audience_sensitivity: UniformPrior = Field(description="weight on audience costs (Fearon 1994)")
    repertoire: list[str] = Field(
        min_length=1,
        description="actions this principal may take",
        json_schema_extra={"items": {"enum": list(ACTION_INDEX)}, "uniqueItems": True},
    )
    precision: Positive = Field(description="logit precision lambda (McKelvey & Palfrey 1995)")
    war_cost: Positive = Field(description="disutility of a war, in the utility units of the decision model")
    military_strength: Positive = Field(
        1.0, le=100.0, description="conventional strength in the theatre, relative to the other principal's"
    )
    capability: Capability = Capability()
    initial: InitialState = InitialState()
    strategy: Literal["bullying", "reciprocating", "trial_and_error", "appeasing"] | None = Field(
        None,
        description="Leng's influence strategy (Leng 1993): scales this principal's own decision weights "
        "(model/strategies.py); None = the shared weights as declared",
    )

    @field_validator("strategy", mode="before")
    @classmethod
    def _strategy_spelling(cls, value: object) -> object:
        """``trial-and-error`` as the lever spells it is ``trial_and_error``."""
        return value.replace("-", "_") if isinstance(value, str) else value

    @field_validator("repertoire")
    @classmethod
    def _known_actions(cls, repertoire: list[str]) -> list[str]:
        check_action_names(repertoire)
        if len(set(repertoire)) != len(repertoire):
            raise ValueError("an action is listed twice")
        return repertoire


class Response(Strict):
    """A response rule: while its condition holds, the act may also happen at ``rate`` a day.

    Exactly one condition: ``after`` a principal's test (``by`` that principal, or either if None) within
    the last ``within_days`` days; ``tension_above`` (the crisis's tension, the mean of the two perceived
    hostility stocks above zero, exceeds it); or ``locked_in_above`` (both principals' audience-cost
    stocks exceed it: neither can back down in public). docs/model.md, section 4.
    """

    after: Literal["missile_test", "nuclear_test"] | None = None
    by: str | None = Field(None, description="the principal whose test triggers it; None = either")
    within_days: Annotated[Count, Field(ge=1, le=365)] = 30
    tension_above: Annotated[Number, Field(ge=0.0, le=100.0)] | None = None
    locked_in_above: Annotated[Number, Field(ge=0.0, le=100.0)] | None = None
    rate: Probability = Field(description="probability per day while the condition holds")
    note: str = ""

    @model_validator(mode="after")
    def _one_condition(self) -> Response:
        conditions = (self.after, self.tension_above, self.locked_in_above)
        if sum(condition is not None for condition in conditions) != 1:
            raise ValueError("a response needs exactly one of 'after', 'tension_above', 'locked_in_above'")
        if self.by is not None and self.after is None:
            raise ValueError("'by' names whose test triggers the response: it needs 'after'")
        return self


class ThirdPartyAct(Strict):
    """Something a third party does on a day: with probability ``rate``, and more often while one of its
    ``responses`` holds (independent chances: p = 1 - (1 - rate) * prod(1 - response rate))."""

    kind: Literal["sanctions", "restraint_call", "press_talks"]
    rate: Probability = Field(description="probability per day, whatever the state")
    strength: NonNegative
    target: str | None = Field(None, description="principal it acts on (sanctions); None = both")
    responses: list[Response] = []


class MediatedChannel(Strict):
    """The channel a mediator provides when active (shuttle diplomacy, UN good offices)."""

    noise: NonNegative = Field(description="std. dev. of misreading through the mediator")
    delay_days: Annotated[Number, Field(ge=0.0, le=30.0)]
    trust: Probability = Field(description="weight the parties give to what arrives through it")
    face_saving: Probability = Field(0.0, description="share of audience cost a mediated concession escapes")


class ThirdParty(Strict):
    """ROK, Japan, China, Russia, the UN secretary-general, a mediator: they press, calm or mediate."""

    role: Literal["third_party", "mediator"]
    name: str
    active: Flag = True
    acts: list[ThirdPartyAct] = []
    channel: MediatedChannel | None = None
    agreement_boost: NonNegative = Field(
        0.0, description="relative rise of the chance of agreement while active"
    )

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

    enabled: Flag = False
    noise: NonNegative = 0.3
    delay_days: Annotated[Number, Field(ge=0.0, le=30.0)] = 0.5
    verify: Probability = Field(0.5, description="chance an alarm or incident is checked with the other side")


class Channels(Strict):
    public: PublicChannel
    direct: DirectChannel = DirectChannel()


class Perception(Strict):
    """How signals are read (Jervis 1976)."""

    hostile_bias: NonNegative = Field(description="added to the hostility of military moves as read")
    misread_margin: Positive = Field(
        1.0, description="perceived hostility above the truth, on the action scale, that makes a misreading"
    )
    imminence_threshold: Signed = Field(
        description="perceived hostility at which an attack by a surely greedy side looks 50% imminent"
    )
    imminence_scale: Positive = Field(description="spread of the imminence curve")


class Tension(Strict):
    """The crisis's memory: each side's perceived hostility of the other, a stock driven by events.

    ``S <- calm + decay * (S - calm) + (1 - decay) * amplification * reading`` with
    ``decay = 0.5 ** (1 / half_life_days)``; a day with nothing read lets it fall back toward ``calm``.
    """

    calm: Signed = Field(description="perceived hostility of the relationship in an ordinary year")
    half_life_days: Positive = Field(le=3650.0, description="days for the excess over calm to halve")
    amplification: Positive = Field(
        description="steady level reached per unit of hostility read every day (a sum of events, not a mean)"
    )


class CapabilityGrowth(Strict):
    """How tests raise a demonstrated capability: each closes a share of the remaining gap to 1."""

    missile_test: Probability = Field(description="share of the reach gap one missile test closes")
    nuclear_test: Probability = Field(description="share of the yield gap one nuclear test closes")


class Beliefs(Strict):
    """Bayes' rule over the other side's type (Kydd 2005) and resolve (Powell 1990; Fearon 1994)."""

    tremble: Annotated[Number, Field(ge=0.0, le=0.05)] = Field(
        0.001, description="weight of a type never falls below this: nobody is ever certain"
    )


class Decision(Strict):
    """Weights of the one-step expected utility (see docs/model.md)."""

    coercion: NonNegative = Field(description="value of pressure, scaled by resolve (Schelling 1966)")
    risk_aversion: NonNegative = Field(description="weight of the added risk of losing control")
    risk_window_days: Positive = Field(description="days of elevated hazard an action commits to")
    reciprocity: NonNegative = Field(description="pull toward matching the other's perceived hostility")
    generosity: Probability = Field(description="share of hostility forgiven (Nowak & Sigmund 1992: ~1/3)")
    greed: NonNegative = Field(description="extra value of escalation for the greedy type (Kydd 2005)")
    preemption: NonNegative = Field(description="value of striking first when attack looks imminent")
    preventive: NonNegative = Field(
        description="value of striking to stop a feared capability, per unit of capability and of belief "
        "in greed"
    )
    credibility: NonNegative = Field(
        description="value of a way out per unit of belief that the other side is resolute (Powell 1990)"
    )
    commitment: NonNegative = Field(
        description="anticipated share of a public commitment's audience cost a timid type expects to pay "
        "(Fearon 1994): public threats are costly for the irresolute"
    )
    talks_value: NonNegative = Field(
        description="value of talks and concessions per unit of pressure and trust"
    )
    desperation: NonNegative = Field(description="value of provocation per unit of pressure, greedy type")
    stress: NonNegative = Field(description="precision falls as lambda / (1 + stress * tension)")
    activity_cost: NonNegative = Field(
        description="cost of doing anything but hold on a given day (attention, effort): sets the daily tempo"
    )
    action_costs: dict[str, Signed] = Field(
        default_factory=dict,
        description="overrides of the catalogue's per-action costs",
        json_schema_extra={"propertyNames": {"enum": list(ACTION_INDEX)}},
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

    base: Probability = Field(description="daily probability of an armed incident at rung 1 and zero tension")
    growth: Positive = Field(le=10.0, description="factor per rung climbed")
    tension_growth: NonNegative = Field(le=10.0, description="log-factor per unit of tension")
    posture_decay: NonNegative = Field(description="rungs per day a posture falls back when not renewed")
    threshold_jump: dict[str, Positive] = Field(
        description="extra factor once a Kahn threshold is crossed",
        json_schema_extra={"propertyNames": {"enum": list(THRESHOLD_NAMES)}},
    )
    action_incident: dict[str, Probability] = Field(
        default_factory=dict,
        json_schema_extra={"propertyNames": {"enum": list(ACTION_INDEX)}},
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
    """From clash to war."""

    clash_to_war: Probability = Field(description="chance that an armed clash becomes war at zero tension")
    tension_weight: NonNegative = Field(description="added chance per unit of tension")
    audience_weight: NonNegative = Field(description="added chance per unit of audience-cost stock")
    clash_shock: NonNegative = Field(
        le=20.0, description="rise in both sides' tension after a contained clash"
    )


class War(Strict):
    """A war's course over its days: the balance, Kennedy's maxim, nuclear use, a ceasefire."""

    balance_rate: NonNegative = Field(
        le=1.0, description="daily drift of the balance per unit of strength advantage (share of the total)"
    )
    balance_noise: NonNegative = Field(le=1.0, description="daily std. dev. of the balance")
    defeat_threshold: Positive = Field(le=10.0, description="balance below which a side is losing")
    nuclear_hazard: Probability = Field(description="daily chance of nuclear use while a war goes on")
    defeat_multiplier: NonNegative = Field(
        le=100.0, description="extra nuclear hazard while a side is losing without an exit (Kennedy's maxim)"
    )
    ceasefire_rate: Probability = Field(description="daily chance that a war ends without nuclear use")
    false_alarm_nuclear: Probability = Field(description="chance a war begun on a false alarm goes nuclear")


class Ceiling(Strict):
    """The conceding side's reservation point: the deepest terms it would accept today (Fearon 1995).

    ``clip(base + pressure * its economic pressure - capability * its demonstrated reach x yield, 0, 1)``:
    pressure pushes it toward concessions (the coercive bet of sanctions), a demonstrated ability to
    strike the other's homeland makes its weapons worth more to it and the other's demands dearer
    (Powell 2006 on shifting power).
    """

    base: Annotated[Number, Field(ge=-1.0, le=1.0)] = Field(
        description="ceiling with no pressure or capability"
    )
    pressure: NonNegative = Field(0.0, description="rise of the ceiling per unit of economic pressure")
    capability: NonNegative = Field(0.0, description="fall of the ceiling per unit of reach x yield")


class AgreementTerms(Strict):
    """What an agreement is about: one issue dimension, its ``depth`` from 0 (a freeze only) to 1.

    Every agreement puts the scenario's freeze in force (its ``freeze.terms``: the first step of every
    US-DPRK package since 1994); ``depth`` measures the conceder's steps beyond it and the demander's
    guarantees and relief against them. A bargaining range exists while the conceder's ceiling is at or
    above the demander's floor; the terms split the range (Nash 1950, equal bargaining power).
    """

    issue: str = Field(min_length=1, description="the issue dimension, in words")
    conceder: str = Field(description="the principal whose steps `depth` measures")
    conceder_gives: str = Field(min_length=1, description="what the conceder gives, in words")
    demander_gives: str = Field(min_length=1, description="what the other principal gives, in words")
    floor: Probability = Field(description="the demander's reservation point: the least depth it accepts")
    ceiling: Ceiling
    relief: Probability = Field(
        0.0,
        description="share of the conceder's economic pressure lifted per unit of depth (sanctions relief)",
    )


class Agreement(Strict):
    """How talks reach an agreement, what it does while in force, and how it breaks down.

    An agreement does not end the crisis: paths stay at risk after it (issue 8; the Agreed Framework of
    1994 collapsed in 2002, the Singapore statement of June 2018 at Hanoi in February 2019).
    """

    base_rate: Probability = Field(
        description="daily chance of agreement while talks are open and a range exists"
    )
    tension_damping: NonNegative = Field(description="the chance falls as exp(-damping * tension)")
    concession_boost: NonNegative = Field(description="relative rise per recent concession by each side")
    talks_open: Flag = Field(False, description="talks are open from day 0")
    talks_window_days: Positive = Field(30, description="both must propose within this window to open talks")
    breakdown_rate: Probability = Field(description="daily chance that an agreement in force breaks down")
    calm: Annotated[Number, Field(ge=0.0, le=1.0)] = Field(
        0.0, description="daily fall of each side's tension stocks while an agreement is in force"
    )
    terms: AgreementTerms


class FreezeTerms(Strict):
    """A freeze-for-freeze: named actions of each principal halted; a breach ends it."""

    active: Flag = False
    terms: dict[str, list[str]] = Field(
        default_factory=dict,
        json_schema_extra={"additionalProperties": {"items": {"enum": list(ACTION_INDEX)}}},
    )
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
    yield_kt: Annotated[Number, Field(gt=0.0, le=100_000.0)]
    burst: Literal["air", "surface"] = "air"


class Consequences(Strict):
    """What a war and a nuclear use would strike: turned into deaths by ``brinkmanship.effects``."""

    theatre: str = "korea"
    nuclear_strikes: list[StrikeSpec] = []


class PreludeEvent(Strict):
    """A principal's real action on a date before the start: imposed during the burn-in."""

    date: IsoDate
    actor: str
    action: str = Field(
        json_schema_extra={
            "enum": [a for a in ACTION_INDEX if a not in CLASH_ACTIONS and a not in WAR_ACTIONS]
        }
    )
    note: str = ""
    source: str = ""
    reveals: Capability | None = Field(
        None, description="the actor's capability as the other side learns it that day (e.g. U-2 photographs)"
    )

    @field_validator("action")
    @classmethod
    def _known_action(cls, action: str) -> str:
        check_action_names([action])
        if action in CLASH_ACTIONS or action in WAR_ACTIONS:
            # The burn-in runs without chance: nothing absorbing happens in it, so an imposed attack would
            # be a clash or war that never escalates or ends (docs/model.md, "No start-up transient").
            raise ValueError(
                f"{action!r} is an attack: the prelude runs the relationship short of any clash or war "
                "(start the scenario on or before its date instead)"
            )
        return action


class Prelude(Strict):
    """The burn-in: the model runs from the relationship's calm state through these events to the start.

    During the prelude nothing absorbing happens (no clash, war or agreement: history says none did);
    each principal's recorded actions are imposed on their dates and it chooses freely on other days,
    short of attack. The start state is then one the model's own dynamics produce.
    """

    start_date: IsoDate
    events: list[PreludeEvent] = []


class Uncertainty(Strict):
    """An uncertain parameter: a dotted path into this file and the range analysts argue over.

    ``scale`` says how a global analysis samples the range: ``linear`` (uniform on [low, high]) or
    ``log`` (log-uniform, for a quantity known only to a factor, such as a rate nobody has measured:
    "a factor of 3 either way" is the range [x/3, 3x] on a log scale).
    """

    path: str
    low: Number
    high: Number
    scale: Literal["linear", "log"] = "linear"
    note: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Uncertainty:
        if not self.low < self.high:
            raise ValueError(f"{self.path}: low ({self.low}) must be below high ({self.high})")
        if self.scale == "log" and self.low <= 0.0:
            raise ValueError(f"{self.path}: a log scale needs a positive low end (got {self.low})")
        return self


class ScenarioFile(Strict):
    """A whole crisis: actors, channels, mechanisms, chance, and the uncertain parameters."""

    # Lengths: a name heads every run and names saved results; a 100,000-character one was printed whole.
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    title: str = Field(max_length=200)
    description: str = Field(description="one line", max_length=1000)
    start_date: IsoDate
    horizon_days: Annotated[Count, Field(gt=0, le=3650)]
    principals: Annotated[list[str], Field(min_length=2, max_length=2)]
    actors: dict[str, Annotated[Principal | ThirdParty, Field(discriminator="role")]]
    channels: Channels
    perception: Perception
    decision: Decision
    audience_costs: AudienceCosts
    loss_of_control: LossOfControl
    false_alarms: FalseAlarms
    tension: Tension
    capability_growth: CapabilityGrowth
    beliefs: Beliefs = Beliefs()
    escalation: Escalation
    war: War
    agreement: Agreement
    freeze: FreezeTerms = FreezeTerms()
    face_saving_exit: Flag = Field(False, description="Kennedy's maxim honoured: no side faces only defeat")
    consequences: Consequences = Consequences()
    prelude: Prelude | None = None
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
                for k, act in enumerate(actor.acts):
                    if act.target is not None and act.target not in self.principals:
                        raise ValueError(f"actor {name!r}: act target {act.target!r} is not a principal")
                    for r, response in enumerate(act.responses):
                        if response.by is not None and response.by not in self.principals:
                            raise ValueError(
                                f"actors.{name}.acts.{k}.responses.{r}.by: {response.by!r} is not a principal"
                            )
        if self.agreement.terms.conceder not in self.principals:
            raise ValueError(
                f"agreement.terms.conceder: {self.agreement.terms.conceder!r} is not a principal"
            )
        if self.prelude is not None:
            if self.prelude.start_date >= self.start_date:
                raise ValueError(
                    f"prelude.start_date {self.prelude.start_date} must come before "
                    f"start_date {self.start_date}"
                )
            if (self.start_date - self.prelude.start_date).days > 3650:
                raise ValueError("the prelude is longer than ten years")
            for k, event in enumerate(self.prelude.events):
                if event.actor not in self.principals:
                    raise ValueError(f"prelude.events.{k}: actor {event.actor!r} is not a principal")
                if not self.prelude.start_date <= event.date < self.start_date:
                    raise ValueError(f"prelude.events.{k}: date {event.date} is outside the prelude")
        for principal in self.freeze.terms:
            if principal not in self.principals:
                raise ValueError(f"freeze terms name {principal!r}, which is not a principal")
        return self


JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}
"""Pydantic's names of a field's bounds and JSON Schema's. Pydantic writes a bound it cannot push into
the field's core schema (a number field checked first by :func:`_number_as_written`) under its own name,
``ge``, which a JSON Schema validator or an editor ignores."""


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the scenario file format: pydantic's, with every field's bounds
    under JSON Schema's keywords (``minimum``, ``maximum``, ``exclusiveMinimum``, ``exclusiveMaximum``), so
    that a validator or an editor enforces the ranges `brink` enforces."""

    def standard(node: Any) -> Any:
        if isinstance(node, list):
            return [standard(item) for item in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            bound = _BOUNDS.get(key)
            # A "ge" is a bound only beside a type (a property named "ge" is a key of "properties").
            out[bound if bound and "type" in node and not isinstance(value, dict) else key] = standard(value)
        return out

    return {"$schema": JSON_SCHEMA_DIALECT, **standard(ScenarioFile.model_json_schema())}
