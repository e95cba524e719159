"""The built-in levers: the ways out of the crisis that the Arms Control Today editorial proposes
(November 2017, /work/shared/seed), the posture it criticises, and the counterfactual of 1962.

Each lever is a real change to the model's mechanics (see docs/policies.md for the analyst's account).
Numbers that are judgements are named constants with their reasoning beside them.
"""

from __future__ import annotations

from collections.abc import Callable

from brinkmanship.errors import UserError
from brinkmanship.model.strategies import STRATEGIES
from brinkmanship.policies.edits import Edits
from brinkmanship.policies.lever import Lever, Targets
from brinkmanship.scenario.schema import Principal, ScenarioFile, ThirdParty

EDITORIAL = "Arms Control Today, 'The North Korean Missile Crisis', editorial, November 2017"
KENNEDY_1963 = "J. F. Kennedy, commencement address at American University, 10 June 1963"
ALLISON = "G. Allison & P. Zelikow, Essence of Decision, 2nd ed. (1999)"
FURSENKO = "A. Fursenko & T. Naftali, One Hell of a Gamble (1997): the Robert Kennedy-Dobrynin back channel"
KURIZAKI = (
    "S. Kurizaki, 'Efficient secrecy: public versus private threats in crisis diplomacy', APSR 101 (2007)"
)
FEARON = (
    "J. Fearon, 'Domestic political audiences and the escalation of international disputes', APSR 88 (1994)"
)
KYDD_2005 = "A. Kydd, Trust and Mistrust in International Relations (2005): costly reassurance"
KYDD_2003 = "A. Kydd, 'Which side are you on? Bias, credibility, and mediation', AJPS 47 (2003)"
JERVIS = "R. Jervis, Perception and Misperception in International Politics (1976)"
BARRETT = "A. Barrett, S. Baum & K. Hostetler, Science & Global Security 21 (2013): false alarms"
SCHELLING = "T. Schelling, Arms and Influence (1966): compellence; the threat that leaves something to chance"
SLANTCHEV = "B. Slantchev, 'Military coercion in interstate crises', APSR 99 (2005): costly shows of force"
LENG = "R. Leng, Interstate Crisis Behavior 1816-1980 (1993): reciprocating strategies end crises peacefully"
BEARDSLEY = "K. Beardsley et al., 'Mediation style and crisis outcomes', J. Conflict Resolution 50 (2006)"
CHINA_2017 = "China-Russia joint statement, 4 July 2017: the 'suspension for suspension' (freeze-for-freeze)"
UNSC_2375 = "UN Security Council resolution 2375 (11 Sep 2017); China's halts of coal, iron, lead (Aug 2017)"
DREZNER = "D. Drezner, The Sanctions Paradox (1999): adversaries expecting conflict resist coercion"

PRIVATE_ACTIONS = frozenset({"private_message", "concession_private"})
"""Actions a private channel makes possible: letters and the Jupiter-style private trade (Kurizaki 2007)."""
PRESSURE_ACTIONS = frozenset({"sanctions", "public_threat", "show_of_force"})
"""The 2017 US posture: sanctions, threats and taunts, bomber flights and exercises (editorial)."""
RESTRAINED_ACTIONS = frozenset({"public_threat"})
"""What restraint gives up: public threats and taunts (the editorial: 'refrain from further threats')."""
ONE_VOICE = 1.0
"""Coordination of a government speaking with one voice (Kennedy's ExComm discipline; Allison & Zelikow)."""
ENVOY_DELAY_DAYS = 2.0
"""Judgement: a personal representative meets his counterpart every few days, not within hours as a
hotline or the 1962 cables (Fursenko & Naftali: the RFK-Dobrynin meetings of 23, 26 and 27 October)."""
ENVOY_VERIFY = 0.2
"""Judgement: an envoy cannot check an alarm or incident in the minutes a launch decision allows; the
same low value as the 1962 letters in cuba-1962 (no hotline until 1963)."""
SANCTIONS_FACTOR = 2.0
"""Judgement: the lever doubles how often third parties tighten sanctions on the target and how hard
each tightening bites (2017: coal, iron and lead halted in August; banking cut in September)."""


def _per_target(targets: Targets, actions: frozenset[str]) -> dict[str, frozenset[str]]:
    return {name: actions for name in targets}


def _principal(scenario: ScenarioFile, name: str) -> Principal:
    actor = scenario.actors[name]
    assert isinstance(actor, Principal)  # the schema guarantees principals have role 'principal'
    return actor


def _mediators(scenario: ScenarioFile) -> dict[str, ThirdParty]:
    return {k: a for k, a in scenario.actors.items() if isinstance(a, ThirdParty) and a.role == "mediator"}


def _is_un(key: str, actor: ThirdParty) -> bool:
    return key == "UNSG" or "secretary-general" in actor.name.lower()


def maximum_pressure(scenario: ScenarioFile, targets: Targets) -> Edits:
    """The pressing side keeps threats, shows of force and sanctions in its repertoire."""
    return Edits(add=_per_target(targets, PRESSURE_ACTIONS))


def restraint(scenario: ScenarioFile, targets: Targets) -> Edits:
    """No public threats; no voice of the restrained side adds a hawkish tone (taunts)."""
    overrides = {}
    for name in targets:
        voices = [v.model_dump(mode="json") for v in _principal(scenario, name).voices]
        if any(v["hawkishness"] > 0.0 for v in voices):
            for voice in voices:
                voice["hawkishness"] = min(voice["hawkishness"], 0.0)
            overrides[f"actors.{name}.voices"] = voices
    return Edits(set=overrides, forbid=_per_target(targets, RESTRAINED_ACTIONS))


def coordinated_signals(scenario: ScenarioFile, targets: Targets) -> Edits:
    """Coordination set to one voice: the voices' bias and spread no longer reach the other side."""
    return Edits(set={f"actors.{name}.coordination": ONE_VOICE for name in targets})


def direct_channel(scenario: ScenarioFile, targets: Targets) -> Edits:
    """Open the scenario's direct channel with its declared noise, delay and verification."""
    direct = scenario.channels.direct
    return Edits(
        set={
            "channels.direct.enabled": True,
            "channels.direct.noise": direct.noise,
            "channels.direct.delay_days": direct.delay_days,
            "channels.direct.verify": direct.verify,
        },
        add=_per_target(targets, PRIVATE_ACTIONS),
    )


def personal_envoy(scenario: ScenarioFile, targets: Targets) -> Edits:
    """A direct channel that is slower and cannot check an alarm in time."""
    direct = scenario.channels.direct
    return Edits(
        set={
            "channels.direct.enabled": True,
            "channels.direct.noise": direct.noise,
            "channels.direct.delay_days": max(direct.delay_days, ENVOY_DELAY_DAYS),
            "channels.direct.verify": min(direct.verify, ENVOY_VERIFY),
        },
        add=_per_target(targets, PRIVATE_ACTIONS),
    )


def freeze_for_freeze(scenario: ScenarioFile, targets: Targets) -> Edits:
    """Put the scenario's declared freeze in force from day 0, and let a freeze alone be enough for an
    agreement (the demander's floor falls to 0: freeze-for-freeze as the first step, not a concession)."""
    if not any(scenario.freeze.terms.values()):
        raise UserError(
            f"freeze-for-freeze: scenario {scenario.name} declares no freeze terms (freeze.terms is empty)"
        )
    return Edits(set={"freeze.active": True, "agreement.terms.floor": 0.0})


def talks(scenario: ScenarioFile, targets: Targets) -> Edits:
    """Talks are open from day 0: the chance of agreement runs without both sides first proposing."""
    return Edits(set={"agreement.talks_open": True})


def un_six_party(scenario: ScenarioFile, targets: Targets) -> Edits:
    """Activate the UN secretary-general's mediation: its channel, its pressing and its calls."""
    found = [key for key, actor in _mediators(scenario).items() if _is_un(key, actor)]
    if not found:
        raise UserError(
            f"un-six-party: scenario {scenario.name} has no UN secretary-general among its mediators "
            "(an actor with role 'mediator' keyed UNSG)"
        )
    return Edits(set={f"actors.{found[0]}.active": True}, add=_per_target(targets, PRIVATE_ACTIONS))


def shuttle_mediator(scenario: ScenarioFile, targets: Targets) -> Edits:
    """Activate the most trusted mediator other than the UN secretary-general."""
    others = {k: a for k, a in _mediators(scenario).items() if not _is_un(k, a)}
    if not others:
        raise UserError(
            f"shuttle-mediator: scenario {scenario.name} declares no trusted third-party mediator "
            "(an actor with role 'mediator' other than the UN secretary-general)"
        )
    trust = {k: a.channel.trust if a.channel is not None else 0.0 for k, a in others.items()}
    key = max(trust, key=lambda k: trust[k])
    return Edits(set={f"actors.{key}.active": True}, add=_per_target(targets, PRIVATE_ACTIONS))


def sanctions(scenario: ScenarioFile, targets: Targets) -> Edits:
    """Third parties sanctioning the target do so twice as often (unprompted and in response) and twice as
    hard."""
    overrides = {}
    for key, actor in scenario.actors.items():
        if not isinstance(actor, ThirdParty) or not actor.active:
            continue
        acts = [act.model_dump(mode="json") for act in actor.acts]
        hit = False
        for act in acts:
            if act["kind"] == "sanctions" and (act["target"] is None or act["target"] in targets):
                act["rate"] = min(1.0, act["rate"] * SANCTIONS_FACTOR)
                act["strength"] = act["strength"] * SANCTIONS_FACTOR
                for response in act["responses"]:
                    response["rate"] = min(1.0, response["rate"] * SANCTIONS_FACTOR)
                hit = True
        if hit:
            overrides[f"actors.{key}.acts"] = acts
    if not overrides:
        raise UserError(
            f"sanctions: no active third party in scenario {scenario.name} sanctions {', '.join(targets)}"
        )
    return Edits(set=overrides)


def face_saving_exit(scenario: ScenarioFile, targets: Targets) -> Edits:
    """Kennedy's maxim honoured: a way out that is not humiliation."""
    return Edits(set={"face_saving_exit": True})


def no_private_channel(scenario: ScenarioFile, targets: Targets) -> Edits:
    """Close the direct channel and every mediator: only public signals remain."""
    overrides: dict[str, object] = {"channels.direct.enabled": False}
    for key in _mediators(scenario):
        overrides[f"actors.{key}.active"] = False
    return Edits(set=overrides)


def _strategy(name: str) -> Callable[[ScenarioFile, Targets], Edits]:
    """A lever that gives the targeted principals Leng's strategy ``name`` (model/strategies.py)."""

    def build(scenario: ScenarioFile, targets: Targets) -> Edits:
        return Edits(set={f"actors.{target}.strategy": name for target in targets})

    return build


def _strategy_lever(name: str, summary: str, why: str) -> Lever:
    strategy = STRATEGIES[name]
    label = name.replace("_", "-")
    return Lever(
        name=label,
        summary=summary,
        changes=f"Gives the principal (default: the first; e.g. {label}:dprk) Leng's '{label}' strategy: "
        f"its own decision weights scaled (coercion x{strategy.coercion:g}, "
        f"reciprocity x{strategy.reciprocity:g}, way-out value x{strategy.talks_value:g}, precision "
        f"x{strategy.precision:g}"
        + ("" if strategy.generosity is None else f", generosity {strategy.generosity:.2g}")
        + ").",
        why=why,
        sources=(LENG,),
        build=_strategy(name),
        default_targets="first",
    )


STRATEGY_LEVERS: tuple[Lever, ...] = (
    _strategy_lever(
        "bullying",
        "Leng's bullying: coerce with threats and punishments, concede only under duress.",
        "Leng (1993): bullying strategies are the least successful at avoiding war, and two bullies the "
        "likeliest pair to fight.",
    ),
    _strategy_lever(
        "reciprocating",
        "Leng's reciprocating: firm but fair, match the other's moves, forgive a share of hostility.",
        "Leng (1993): reciprocating strategies end crises without war more often than any other, "
        "against bullies too; generous tit-for-tat (Nowak & Sigmund 1992).",
    ),
    _strategy_lever(
        "trial_and_error",
        "Leng's trial and error: vary between coercion and accommodation without a consistent line.",
        "Leng (1993): inconsistent strategies send mixed signals; read here as choices less tied to "
        "expected utility.",
    ),
    _strategy_lever(
        "appeasing",
        "Leng's appeasing: accommodate and concede to avoid a confrontation.",
        "Leng (1993): appeasement avoids war at the cost of the stakes and can invite exploitation.",
    ),
)
"""Leng's influence strategies as levers; not in the default comparison (they are ways of bargaining,
not the editorial's proposals): name them, e.g. ``-p reciprocating:us``."""


BUILTIN_LEVERS: tuple[Lever, ...] = (
    Lever(
        name="maximum-pressure",
        summary="The 2017 US posture: threats, bomber flights, exercises, sanctions (korea-2017's baseline).",
        changes="The pressing side (default: the first principal) keeps public_threat, show_of_force and "
        "sanctions in its repertoire. korea-2017 already encodes this posture, so there it equals the "
        "baseline; it is the reference the editorial's proposals are measured against.",
        why="Compellence by raising the shared risk (Schelling); shows of force sink costs and tie hands "
        "(Slantchev). The editorial argues this posture raised the risk of war by miscalculation.",
        sources=(EDITORIAL, SCHELLING, SLANTCHEV),
        build=maximum_pressure,
        default_targets="first",
    ),
    Lever(
        name="restraint",
        summary="Refrain from public threats and taunts (both sides, or one: restraint:us, restraint:dprk).",
        changes="Removes public_threat from the restrained side's repertoire and caps the hawkish tone of "
        "each of its voices at zero: no taunts reach the other side through uncoordinated voices.",
        why="Public threats build audience costs that lock leaders in (Fearon) and are read as hostile "
        "(Jervis); the editorial asks each side to 'refrain from further threats and taunts'.",
        sources=(EDITORIAL, FEARON, JERVIS),
        build=restraint,
        default_targets="both",
    ),
    Lever(
        name="coordinated-signals",
        summary="Kennedy's discipline: the government speaks with one voice.",
        changes="Sets coordination to 1: the bias and the noise that inconsistent voices add to every "
        "public signal disappear (per side with a qualifier: coordinated-signals:us).",
        why="In 1962 Kennedy coordinated every US signal so that intentions were clear (Allison & "
        "Zelikow); the editorial: 'the lack of discipline and coordination shown by the Trump "
        "administration greatly increases the risk factor'. Noisy signals breed misperception (Jervis).",
        sources=(EDITORIAL, ALLISON, JERVIS),
        build=coordinated_signals,
        default_targets="both",
    ),
    Lever(
        name="direct-channel",
        summary="A direct, private, high-level channel: fast, low-noise private messages.",
        changes="Enables channels.direct with the scenario's noise, delay and verification: private "
        "messages and private concessions (added to both repertoires) carry no audience cost; an alarm "
        "or an incident is checked with the other side before anyone acts (probability 'verify').",
        why="Private diplomacy lets sides concede without face costs and widens the peaceful outcomes "
        "(Kurizaki); checking a false warning with the other side cuts the false-alarm chain "
        "(Barrett et al.); the 1963 hotline was built for this. The editorial's first proposal.",
        sources=(EDITORIAL, KURIZAKI, BARRETT, FURSENKO),
        build=direct_channel,
    ),
    Lever(
        name="freeze-for-freeze",
        summary="North Korea halts nuclear and long-range missile tests; the US pauses attack rehearsals.",
        changes="Puts the scenario's freeze in force from day 0: the actions in freeze.terms are unavailable "
        "while it holds; each side breaches at freeze.breach_rate per day, a breach is public (the "
        "frozen action is taken and read by the other side) and ends the freeze; the sides may agree a "
        "new one by both proposing it. The demander accepts a freeze alone as an agreement "
        "(agreement.terms.floor 0), so a bargaining range exists whenever talks are open.",
        why="China's 2017 proposal, which the editorial calls 'a commonsense first step'; halting the "
        "moves most read as preparation for attack lowers the posture and the hostile readings "
        "(Jervis), and mutual restraint is costly reassurance (Kydd).",
        sources=(EDITORIAL, CHINA_2017, KYDD_2005, JERVIS),
        build=freeze_for_freeze,
    ),
    Lever(
        name="talks",
        summary="Dialogue without preconditions: a route to agreement opens from day 0.",
        changes="Sets agreement.talks_open: the daily chance of agreement runs from the start instead of "
        "waiting for both sides to propose talks within the talks window.",
        why="The editorial's 'direct U.S.-North Korean dialogue, without preconditions'; reciprocating, "
        "firm-but-flexible bargaining ends crises peacefully more often than bullying (Leng).",
        sources=(EDITORIAL, LENG),
        build=talks,
    ),
    Lever(
        name="un-six-party",
        summary="The UN secretary-general convenes the six-party members behind closed doors.",
        changes="Activates the scenario's UN mediator (UNSG): its mediated private channel (with the "
        "private actions added to both repertoires), its agreement boost, and its acts (pressing both "
        "sides toward talks, calling for restraint).",
        why="'Neither Kim nor Trump has ever been known to publicly back down': an outside intervention "
        "gives a face-saving route (editorial); mediators raise the chance of a negotiated end "
        "(Beardsley et al.) and private channels avoid face costs (Kurizaki).",
        sources=(EDITORIAL, BEARDSLEY, KURIZAKI),
        build=un_six_party,
    ),
    Lever(
        name="shuttle-mediator",
        summary="A trusted third party (e.g. the Vatican) carries messages between the leaders.",
        changes="Activates the most trusted non-UN mediator: a private channel slower than a direct one but "
        "more trusted than public statements, with the private actions added to both repertoires.",
        why="A mediator is credible when the parties trust it (Kydd 2003); the editorial names the "
        "Vatican's shuttle diplomacy.",
        sources=(EDITORIAL, KYDD_2003, KURIZAKI),
        build=shuttle_mediator,
    ),
    Lever(
        name="personal-envoy",
        summary="Leaders' personal representatives meet: a private high-level channel without a summit.",
        changes=f"Enables channels.direct, but with a delay of at least {ENVOY_DELAY_DAYS:g} days and a "
        f"chance of checking an alarm of at most {ENVOY_VERIFY:g}; private actions added to both sides.",
        why="The editorial's alternative: 'a personal representative to meet with a senior representative "
        "of Kim'; in 1962 Robert Kennedy and Dobrynin made the Jupiter trade this way (Fursenko & "
        "Naftali). Private, hence no face costs (Kurizaki).",
        sources=(EDITORIAL, FURSENKO, KURIZAKI),
        build=personal_envoy,
    ),
    Lever(
        name="sanctions",
        summary="Tighter third-party sanctions on the pressed side (default: the second principal).",
        changes=f"Every active third party that sanctions the target does so {SANCTIONS_FACTOR:g}x as often "
        f"and {SANCTIONS_FACTOR:g}x as hard: economic pressure rises, which makes talks and concessions "
        "more attractive, and makes a greedy type more provocative (desperation).",
        why="China's 2017 halts of coal, iron and lead imports and its banking cut-off; UN resolution 2375. "
        "Sanctions can push toward talks or toward desperation (Drezner).",
        sources=(EDITORIAL, UNSC_2375, DREZNER),
        build=sanctions,
        default_targets="second",
    ),
    Lever(
        name="face-saving-exit",
        summary="Kennedy's maxim: no side is left with only humiliating defeat or nuclear war.",
        changes="Sets face_saving_exit: the audience cost of backing down is halved, and the multiplier on "
        "nuclear use for a side facing defeat no longer applies.",
        why="'Nuclear powers must avert those confrontations which bring an adversary to the choice of "
        "either a humiliating defeat or a nuclear war' (Kennedy 1963, quoted by the editorial); the "
        "1962 Jupiter trade kept that exit open (Allison & Zelikow).",
        sources=(EDITORIAL, KENNEDY_1963, ALLISON),
        build=face_saving_exit,
    ),
    Lever(
        name="no-private-channel",
        summary="Counterfactual: no direct channel and no mediator; only public signals.",
        changes="Disables channels.direct and deactivates every mediator: private messages and private "
        "concessions become impossible and alarms cannot be checked with the other side.",
        why="What 1962 would have been without the letters and the RFK-Dobrynin channel (Fursenko & "
        "Naftali); private channels avoid face costs and widen peaceful outcomes (Kurizaki).",
        sources=(KURIZAKI, FURSENKO, ALLISON),
        build=no_private_channel,
    ),
)

PACKAGES: dict[str, tuple[str, str]] = {
    "editorial": (
        "restraint+coordinated-signals+direct-channel+freeze-for-freeze+un-six-party",
        "The editorial's package: restraint, one voice, a direct channel, a freeze, and the UN convening.",
    ),
}
"""Named compositions: name -> (levers joined by '+', one-line description)."""
