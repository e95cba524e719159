"""The briefing's figures as PNG bytes, drawn with Matplotlib's Agg canvas (no display, no pyplot state)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from brinkmanship.analysis.global_sensitivity import GlobalSensitivity
from brinkmanship.analysis.sensitivity import Sensitivity
from brinkmanship.engine.state import PATH_LABELS
from brinkmanship.history.replay_plot import risk_figure
from brinkmanship.report.briefing import HistoryCurve
from brinkmanship.wording import literal_text

DPI = 110
PATH_COLOURS = {
    "deliberate": "#7f3b08",
    "miscalculation": "#d95f02",
    "accident": "#1b9e77",
    "false_alarm": "#7570b3",
}
REFERENCE_COLOUR = "#222222"
POLICY_COLOURS = ("#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#ff7f0e")


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    literal_text(figure).savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return buffer.getvalue()


def _percent(axis: Any, which: str = "y") -> None:
    formatter = axis.yaxis if which == "y" else axis.xaxis
    formatter.set_major_formatter(lambda value, _: f"{100 * value:.0f}%")


def cumulative_risk(rows: Sequence[dict[str, Any]], days_from: str) -> bytes:
    """Cumulative P(war) by day, one line per policy; the reference (first row) in black. ``days_from``
    names the day the axis counts from ("days from 2017-09-26", "days after 2017-11-29")."""
    figure = Figure(figsize=(8.0, 4.5))
    axis = figure.add_subplot()
    for index, row in enumerate(rows):
        curve = np.asarray(row["cumulative_war"])
        colour = REFERENCE_COLOUR if index == 0 else POLICY_COLOURS[(index - 1) % len(POLICY_COLOURS)]
        style = "-" if index < 1 + len(POLICY_COLOURS) else "--"
        axis.plot(
            np.arange(1, curve.size + 1),
            curve,
            style,
            color=colour,
            lw=2.2 if index == 0 else 1.4,
            label=row["policy"],
        )
    axis.set_xlabel(days_from)
    axis.set_ylabel("probability of war so far")
    _percent(axis)
    axis.set_ylim(bottom=0.0)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=7, ncol=2, frameon=False)
    axis.set_title("Cumulative risk of war, by policy")
    return _png(figure)


def replay_curve(history: HistoryCurve) -> bytes:
    """The replayed P(war within 365 days) to the as-of date with the judgements of the time
    (:func:`~brinkmanship.history.replay_plot.risk_figure`, the drawing of `brink replay`)."""
    forecast = sorted(history.replay.days[0].p_war) if history.replay.days else []
    # The year's risk, the horizon most judgements were given for (or read as); the longest one otherwise.
    horizons = [365] if 365 in forecast else forecast[-1:]
    return _png(risk_figure(history.replay, history.judgements, horizons, history.as_of, size=(9.0, 4.8)))


def risk_differences(rows: Sequence[dict[str, Any]], outcome: str = "war") -> bytes:
    """Change in P(outcome) from the reference with its paired 95% interval, one line per policy."""
    others = sorted(rows[1:], key=lambda row: row["outcomes"][outcome]["vs_reference"]["diff"])
    figure = Figure(figsize=(8.0, 0.45 * max(len(others), 1) + 1.4))
    axis = figure.add_subplot()
    for position, row in enumerate(others):
        change = row["outcomes"][outcome]["vs_reference"]
        low, high = change["ci95"]
        colour = "#2ca02c" if high < 0 else "#d62728" if low > 0 else "#7f7f7f"
        axis.plot([low, high], [position, position], color=colour, lw=3, solid_capstyle="butt")
        axis.plot([change["diff"]], [position], "o", color=colour)
    axis.axvline(0.0, color=REFERENCE_COLOUR, lw=1)
    axis.set_yticks(range(len(others)), [row["policy"] for row in others], fontsize=8)
    axis.invert_yaxis()
    _percent(axis, "x")
    axis.xaxis.set_major_formatter(lambda value, _: f"{100 * value:+.1f}")
    axis.set_xlabel(
        f"change in P({outcome}) from {rows[0]['policy']}, percentage points (paired 95% interval)"
    )
    axis.grid(alpha=0.3, axis="x")
    axis.set_title("What each option does to the risk")
    return _png(figure)


def stacked_paths(rows: Sequence[dict[str, Any]]) -> bytes:
    """P(war) per policy split by path to war, stacked."""
    figure = Figure(figsize=(8.0, 0.45 * len(rows) + 1.6))
    axis = figure.add_subplot()
    positions = np.arange(len(rows))
    left = np.zeros(len(rows))
    for label in PATH_LABELS:
        widths = np.array([row["paths"][label]["p"] for row in rows])
        axis.barh(positions, widths, left=left, color=PATH_COLOURS[label], label=label.replace("_", " "))
        left += widths
    axis.set_yticks(positions, [row["policy"] for row in rows], fontsize=8)
    axis.invert_yaxis()
    _percent(axis, "x")
    axis.set_xlabel("probability of war within the horizon, by path", labelpad=2)
    axis.legend(fontsize=8, ncol=4, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    axis.grid(alpha=0.3, axis="x")
    axis.set_title("Paths to war under each policy")
    return _png(figure)


def tornado(sensitivity: Sensitivity) -> bytes:
    """One-at-a-time sensitivity: P(outcome) at the low and high end of each uncertain parameter."""
    rows = sensitivity.rows
    figure = Figure(figsize=(8.0, 0.5 * max(len(rows), 1) + 1.4))
    axis = figure.add_subplot()
    base = sensitivity.p_base
    for position, row in enumerate(rows):
        ends = [(row.p_low, "#4575b4"), (row.p_high, "#d73027")]
        ends.sort(key=lambda end: abs(end[0] - base), reverse=True)  # the longer bar first, under the other
        for p, colour in ends:
            axis.barh(position, p - base, left=base, color=colour, alpha=0.85, height=0.6)
    axis.axvline(base, color=REFERENCE_COLOUR, lw=1)
    labels = [f"{row.path}\n{row.low:g} to {row.high:g} (as set: {row.value:g})" for row in rows]
    axis.set_yticks(range(len(rows)), labels, fontsize=7)
    axis.invert_yaxis()
    _percent(axis, "x")
    axis.set_xlabel(
        f"P({sensitivity.outcome}) with the parameter at its low (blue) or high (red) end; line: as set"
    )
    axis.grid(alpha=0.3, axis="x")
    axis.set_title("Which assumptions drive the answer")
    return _png(figure)


def global_indices(result: GlobalSensitivity) -> bytes:
    """Global sensitivity as bars with their 95% bootstrap intervals, most influential parameter on top.

    Sobol: ``S1`` and ``ST`` side by side, sorted by ``ST``. Morris: ``mu_star`` with its interval and
    ``sigma`` beside it, sorted by ``mu_star``.
    """
    ranked = result.ranked()
    names = [entry["parameter"] for entry in ranked]
    sobol = result.method == "sobol"
    bars = (("S1", "#4575b4"), ("ST", "#d73027")) if sobol else (("mu_star", "#d73027"), ("sigma", "#999999"))
    figure = Figure(figsize=(8.0, 0.42 * max(len(names), 1) + 1.5))
    axis = figure.add_subplot()
    positions = np.arange(len(names))
    height = 0.38
    for offset, (key, colour) in zip((-height / 2, height / 2), bars, strict=True):
        widths = np.array([entry[key] for entry in ranked], dtype=float)
        conf = np.array([entry.get(f"{key}_conf", np.nan) for entry in ranked], dtype=float)
        axis.barh(
            positions + offset,
            np.nan_to_num(widths),
            height=height,
            color=colour,
            label=key,
            xerr=None if np.all(np.isnan(conf)) else np.nan_to_num(conf),
            error_kw={"ecolor": "#222222", "capsize": 2, "lw": 0.8},
        )
    axis.set_yticks(positions, names, fontsize=7)
    axis.invert_yaxis()
    axis.axvline(0.0, color=REFERENCE_COLOUR, lw=0.8)
    outcome = "expected deaths" if result.outcome == "deaths" else f"P({result.outcome})"
    size = f"{result.rows:,} rows of {result.runs_per_row:,} paths"
    if sobol:
        axis.set_xlabel(f"share of the variance of {outcome} (bars: 95% bootstrap interval)")
        title = f"Sobol indices, N = {result.n} ({size})"
    else:
        axis.set_xlabel(f"elementary effect on {outcome} over each range (bars: 95% bootstrap interval)")
        title = f"Morris screening, {result.n} trajectories ({size})"
    axis.legend(fontsize=8, frameon=False, loc="lower right")
    axis.grid(alpha=0.3, axis="x")
    axis.set_title(title)
    return _png(figure)
