"""The action catalogue and Herman Kahn's escalation ladder.

Source: H. Kahn, *On Escalation: Metaphors and Scenarios* (1965), 44 rungs in 7 groups separated by
thresholds. Each action a principal can take is placed on a rung; the rung drives the hazard of losing
control (Schelling 1966) and ``hostility`` drives perception, beliefs and reciprocity (Jervis 1976;
Kydd 2005). The rung placement is this project's judgement, written next to each action.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["concession", "neutral", "diplomatic", "pressure", "rhetoric", "military", "test", "attack"]
Channel = Literal["public", "private"]


@dataclass(frozen=True)
class Action:
    """One entry of the catalogue.

    Attributes:
        name: identifier used in scenario and policy files.
        rung: Kahn rung the action stands on (1-44).
        hostility: signed intensity as a neutral observer would read it (negative = conciliatory).
        channel: ``public`` actions are seen by everyone; ``private`` ones need a private channel.
        kind: family, used by levers (e.g. a freeze names tests and military moves).
        cost: material or political cost of taking it once (Slantchev 2005: shows of force sink costs).
        description: what it stands for, with the rung's meaning.
    """

    name: str
    rung: int
    hostility: float
    channel: Channel
    kind: Kind
    cost: float
    description: str


ACTIONS: tuple[Action, ...] = (
    Action(
        "concession_public",
        1,
        -2.0,
        "public",
        "concession",
        0.0,
        "public concession (backing down in view of one's audience; Fearon 1994)",
    ),
    Action(
        "concession_private",
        1,
        -2.0,
        "private",
        "concession",
        0.0,
        "private concession, e.g. the 1962 Jupiter trade (no audience cost; Kurizaki 2007)",
    ),
    Action("hold", 1, 0.0, "public", "neutral", 0.0, "hold the current posture"),
    Action(
        "diplomatic_gesture",
        1,
        -1.0,
        "public",
        "diplomatic",
        0.0,
        "conciliatory statement or gesture (Kahn rung 1: ostensible crisis, talk only)",
    ),
    Action(
        "private_message",
        1,
        -1.0,
        "private",
        "diplomatic",
        0.0,
        "private message to the other leader (Kennedy-Khrushchev letters)",
    ),
    Action("propose_talks", 1, -1.0, "public", "diplomatic", 0.0, "propose or accept talks"),
    Action(
        "propose_freeze",
        1,
        -1.0,
        "public",
        "diplomatic",
        0.0,
        "propose or accept a freeze-for-freeze (China's 2017 proposal)",
    ),
    Action(
        "sanctions",
        2,
        1.0,
        "public",
        "pressure",
        0.1,
        "economic sanctions (Kahn rung 2: political, economic and diplomatic gestures)",
    ),
    Action(
        "private_threat",
        3,
        2.0,
        "private",
        "rhetoric",
        0.0,
        "private threat (Kurizaki 2007: carries no public face cost)",
    ),
    Action(
        "public_threat",
        3,
        2.0,
        "public",
        "rhetoric",
        0.0,
        "public threat or taunt (Kahn rung 3: solemn and formal declarations)",
    ),
    Action(
        "show_of_force",
        5,
        3.0,
        "public",
        "military",
        0.3,
        "exercise or bomber flight (Kahn rung 5: show of force)",
    ),
    Action(
        "missile_test",
        4,
        3.0,
        "public",
        "test",
        0.3,
        "ballistic missile test (Kahn rung 4: hardening of positions)",
    ),
    Action("nuclear_test", 5, 4.0, "public", "test", 0.6, "nuclear test (Kahn rung 5: show of force)"),
    Action(
        "mobilisation",
        11,
        5.0,
        "public",
        "military",
        1.0,
        "mobilisation or alert (Kahn rung 11: super-ready status; DEFCON 2 in 1962)",
    ),
    Action(
        "harassment",
        8,
        6.0,
        "public",
        "attack",
        1.0,
        "harassment, e.g. firing on aircraft (Kahn rung 8: harassing acts of violence) - an armed clash",
    ),
    Action(
        "limited_strike",
        9,
        8.0,
        "public",
        "attack",
        2.0,
        "limited strike (Kahn rung 9: dramatic military confrontation) - an armed clash",
    ),
    Action(
        "conventional_war",
        12,
        10.0,
        "public",
        "attack",
        4.0,
        "deliberate start of a large conventional war (Kahn rung 12)",
    ),
)
"""The catalogue. Order is fixed: the kernel indexes actions by position."""

ACTION_INDEX: dict[str, int] = {action.name: index for index, action in enumerate(ACTIONS)}
N_ACTIONS = len(ACTIONS)

CLASH_ACTIONS = ("harassment", "limited_strike")
"""Chosen actions that are themselves an armed clash."""
WAR_ACTIONS = ("conventional_war",)
"""Chosen actions that start a war at once."""
NUCLEAR_USE_RUNG = 21
"""Kahn rung 21 (local nuclear war) where a war's first nuclear use stands."""


@dataclass(frozen=True)
class Threshold:
    """A Kahn threshold: crossing it (standing on a rung above ``below_rung``) jumps the hazard."""

    name: str
    below_rung: int
    description: str


THRESHOLDS: tuple[Threshold, ...] = (
    Threshold("dont_rock_the_boat", 3, "between subcrisis manoeuvring (1-3) and traditional crises (4-9)"),
    Threshold("nuclear_war_is_unthinkable", 9, "between traditional crises and intense crises (10-20)"),
    Threshold("no_nuclear_use", 20, "between intense crises and bizarre crises (21-25)"),
    Threshold("central_sanctuary", 25, "between bizarre crises and exemplary central attacks (26-31)"),
    Threshold("central_war", 31, "between exemplary central attacks and military central wars (32-38)"),
    Threshold("city_targeting", 38, "between military central wars and civilian central wars (39-44)"),
)
THRESHOLD_NAMES = tuple(threshold.name for threshold in THRESHOLDS)


def action_names() -> list[str]:
    """All action names in catalogue order."""
    return [action.name for action in ACTIONS]
