"""Leng's influence strategies: how a principal bargains, as changes to its own decision weights.

Leng (1993, *Interstate Crisis Behavior, 1816-1980: Realism vs. Reciprocity*, Cambridge UP; Leng &
Wheeler 1979, "Influence strategies, success, and war", Journal of Conflict Resolution 23) sorts crisis
bargaining into four strategies and finds that reciprocating ones end crises without war more often than
bullying ones, and that two bullies are the likeliest pair to go to war:

- **bullying**: coercion with threats and punishments, concessions only under duress;
- **reciprocating**: firm but fair, matching the other's moves (cooperation with cooperation, firmness
  with firmness), forgiving a share of hostility (generous tit-for-tat: Axelrod 1984; Nowak & Sigmund 1992,
  about one third forgiven);
- **trial-and-error**: varying between coercion and accommodation as the other responds, without a
  consistent line;
- **appeasing**: concessions and accommodation to avoid a confrontation.

A strategy scales the principal's own copy of the scenario's shared ``decision`` weights (each principal
keeps its own from here on: docs/model.md, section 1). The factors are judgements that translate Leng's
verbal definitions into this model's terms; they are not fitted. Trial and error is read as exploration:
choices less tied to expected utility (lower logit precision), the other weights as declared.
"""

from __future__ import annotations

from dataclasses import dataclass

STRATEGY_NAMES = ("bullying", "reciprocating", "trial_and_error", "appeasing")


@dataclass(frozen=True)
class Strategy:
    """Factors on a principal's decision weights; ``generosity`` replaces the share forgiven if set."""

    name: str
    description: str
    coercion: float = 1.0
    reciprocity: float = 1.0
    talks_value: float = 1.0
    precision: float = 1.0
    generosity: float | None = None


STRATEGIES: dict[str, Strategy] = {
    "bullying": Strategy(
        "bullying",
        "coerce with threats and punishments; concede only under duress (Leng 1993)",
        coercion=2.0,
        reciprocity=0.5,
        talks_value=0.5,
        generosity=0.0,
    ),
    "reciprocating": Strategy(
        "reciprocating",
        "firm but fair: match the other's moves, forgive about a third of its hostility (Leng 1993; "
        "Nowak & Sigmund 1992)",
        reciprocity=2.0,
        generosity=1.0 / 3.0,
    ),
    "trial_and_error": Strategy(
        "trial_and_error",
        "vary between coercion and accommodation without a consistent line (Leng 1993): read as "
        "exploration, choices half as tied to expected utility",
        precision=0.5,
    ),
    "appeasing": Strategy(
        "appeasing",
        "accommodate and concede to avoid a confrontation (Leng 1993)",
        coercion=0.25,
        reciprocity=0.5,
        talks_value=2.0,
        generosity=0.8,
    ),
}
