"""History as data: dated event files checked against a scenario, and dated judgements of the risk.

``events`` reads an event file (CSV, YAML or JSON; docs/history.md) into an :class:`EventFile` whose events
carry their day relative to the scenario's start; ``judgements`` reads the table of dated public judgements of
the risk of war. The built-in files live in ``history/data/``.
"""

from brinkmanship.history.events import (
    BOTH,
    CAPABILITY_EVENTS,
    CHANNEL_EVENTS,
    CHANNELS,
    EVENT_KINDS,
    FALSE_ALARM_EVENTS,
    NEGOTIATION_EVENTS,
    Event,
    EventFile,
    Terms,
    builtin_event_names,
    builtin_events_for,
    load_events,
    parse_events,
)
from brinkmanship.history.judgements import MEASURES, Judgement, load_judgements

__all__ = [
    "BOTH",
    "CAPABILITY_EVENTS",
    "CHANNELS",
    "CHANNEL_EVENTS",
    "EVENT_KINDS",
    "FALSE_ALARM_EVENTS",
    "MEASURES",
    "NEGOTIATION_EVENTS",
    "Event",
    "EventFile",
    "Judgement",
    "Terms",
    "builtin_event_names",
    "builtin_events_for",
    "load_events",
    "load_judgements",
    "parse_events",
]
