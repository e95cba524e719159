"""The replay's curve as a Matplotlib figure: P(war within h days as of each date) with its 95% intervals,
the imposed events marked, the dated judgements of the time drawn as points marked with what each
measured and labelled with its horizon, and optionally the ``--as-of`` date.

One drawing for `brink replay` (``risk.png``) and the briefing (``figures/replay.png``), so the two never
disagree. Agg canvas only: no display, no pyplot state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

from brinkmanship.history.judgements import Judgement
from brinkmanship.history.replay import Replay

MARKERS = {"full_war": "o", "armed_conflict": "s", "deliberate_strike": "^", "nuclear_use": "D"}
"""A judgement's marker by what it measured."""
MARKER_NAMES = {"o": "circle", "s": "square", "^": "triangle", "D": "diamond"}
HORIZON_COLOURS = {30: "#1b9e77", 90: "#d95f02", 365: "#7570b3"}
OTHER_COLOURS = ("#e7298a", "#66a61e", "#e6ab02")
LABEL_POINTS = 6.0
"""Font size of a judgement's label, in points."""


def judgement_label(j: Judgement) -> str:
    """Who, what it measured and over what horizon: "Brennan: armed conflict, horizon unstated"."""
    name = j.who.split(" (")[0]
    return f"{name}: {j.measures.replace('_', ' ')}, {j.horizon or 'horizon unstated'}"


def judgement_number(bounds: tuple[float, float | None] | None) -> str:
    """A judgement's number as given: "40%", "20%-25%", "more than 50%", "no number"."""
    if bounds is None:
        return "no number"
    low, high = bounds
    if high is None:
        return f"more than {low:.0%}"
    return f"{low:.0%}" if low == high else f"{low:.0%}-{high:.0%}"


def risk_figure(
    result: Replay,
    judgements: Sequence[Judgement],
    horizons: Sequence[int] | None = None,
    as_of: dt.date | None = None,
    size: tuple[float, float] = (11.0, 5.5),
    dpi: float = 110,
) -> Figure:
    """The curve of each of ``horizons`` (default: every horizon the replay forecast), the events since
    the first date as faint vertical lines, each judgement as a black point (its range as an error bar)
    and, given ``as_of``, a dashed line on that date. Judgements without a number are left out."""
    figure = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(figure)
    axis = figure.add_subplot()
    days = result.days
    shown = sorted(days[0].p_war) if horizons is None and days else list(horizons or ())
    dates = mdates.date2num([d.date for d in days])
    for index, h in enumerate(shown):
        colour = HORIZON_COLOURS.get(h, OTHER_COLOURS[index % len(OTHER_COLOURS)])
        axis.plot(dates, [d.p_war[h][0] for d in days], color=colour, label=f"P(war within {h} days), model")
        axis.fill_between(
            dates,
            [d.p_war[h][1][0] for d in days],
            [d.p_war[h][1][1] for d in days],
            color=colour,
            alpha=0.2,
            linewidth=0,
            label="95% interval" if index == len(shown) - 1 else None,
        )
    event_dates = sorted({e["date"] for d in days for e in d.events})
    for when in event_dates:
        axis.axvline(mdates.date2num(dt.date.fromisoformat(when)), color="grey", alpha=0.15, linewidth=0.8)
    points = [j for j in judgements if j.bounds is not None]
    for j in points:
        bottom, given_top = j.bounds or (0.0, None)
        top = given_top if given_top is not None else bottom
        axis.errorbar(
            [mdates.date2num(j.date)],
            [(bottom + top) / 2],
            yerr=[[(top - bottom) / 2], [(top - bottom) / 2]],
            fmt=MARKERS.get(j.measures, "o"),
            color="black",
            capsize=3,
            markersize=5,
        )
    if as_of is not None:
        axis.axvline(mdates.date2num(as_of), color="#b2182b", linestyle="--", linewidth=1.2)
        axis.annotate(
            f"as of {as_of}",
            (mdates.date2num(as_of), 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(-3, -3),
            textcoords="offset points",
            ha="right",
            va="top",
            fontsize=7,
            color="#b2182b",
        )
    highest = [d.p_war[h][1][1] for d in days for h in shown] + [
        (j.bounds[1] if j.bounds[1] is not None else j.bounds[0]) for j in points if j.bounds is not None
    ]
    # Head room above the highest point for the judgements' labels, which stack upwards when they crowd.
    axis.set_ylim(0, min(1.0, max(0.05, 1.25 * max(highest, default=0.0))))
    if days:
        left = min([days[0].date, *(j.date for j in points)])
        right = max([days[-1].date, *(j.date for j in points), *([as_of] if as_of else [])])
        pad = max(2.0, 0.02 * (right - left).days)
        axis.set_xlim(mdates.date2num(left) - pad, mdates.date2num(right) + pad)
    axis.yaxis.set_major_formatter(lambda value, _: f"{100 * value:.0f}%")
    axis.set_ylabel("probability of war, as of the date")
    axis.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    axis.grid(alpha=0.25)
    figure.autofmt_xdate()
    handles, labels = axis.get_legend_handles_labels()
    for measure in sorted({j.measures for j in points}):
        marker = MARKERS.get(measure, "o")
        handles.append(Line2D([], [], marker=marker, color="black", linestyle="none", markersize=5))
        labels.append(f"judgement of the time: {measure.replace('_', ' ')} ({MARKER_NAMES[marker]})")
    if event_dates:
        handles.append(Line2D([], [], color="grey", alpha=0.4, linewidth=0.8))
        labels.append("an imposed event")
    axis.legend(handles, labels, loc="upper left", fontsize=7, frameon=False)
    axis.set_title(
        f"{result.scenario}: the forecast as of each date, given the record so far "
        f"({result.runs:,} paths, {result.forecast_runs:,} per forecast, seed {result.seed})",
        fontsize=9,
    )
    figure.tight_layout()
    _place_labels(figure, axis, points)
    return figure


def _place_labels(figure: Figure, axis: Axes, points: Sequence[Judgement]) -> None:
    """Label each judgement beside its point without two labels overlapping.

    Judgements cluster (seven in Nov-Dec 2017), so a fixed offset writes labels over each other. Each label,
    in date order, takes the first of a ladder of offsets (beside the point, then one line higher or lower
    at a time) whose box overlaps no label placed before it and stays inside the axes; a label moved away
    from its point gets a thin leader line. A label on the right third of the axes goes to the point's
    left, so it does not run off the figure."""
    canvas = figure.canvas
    assert isinstance(canvas, FigureCanvasAgg)  # risk_figure draws on Agg
    renderer = canvas.get_renderer()
    frame = axis.get_window_extent(renderer)
    # Obstacles: the legend and every judgement's point with its error bar, so a label covers no point.
    placed: list[Bbox] = []
    legend = axis.get_legend()
    if legend is not None:
        placed.append(legend.get_window_extent(renderer))
    pad = 4.0 * figure.dpi / 72
    for j in points:
        bottom, given_top = j.bounds or (0.0, None)
        top = given_top if given_top is not None else bottom
        x = float(mdates.date2num(j.date))
        (x0, y0), (x1, y1) = axis.transData.transform([(x, bottom), (x, top)])
        placed.append(Bbox([[x0 - pad, y0 - pad], [x1 + pad, y1 + pad]]))
    for j in points:
        bottom, given_top = j.bounds or (0.0, None)
        y = given_top if given_top is not None else bottom
        x = float(mdates.date2num(j.date))
        anchor = axis.transData.transform((x, y))
        leftward = anchor[0] > frame.x0 + 2 * frame.width / 3
        side = -4.0 if leftward else 4.0
        style: dict[str, Any] = {
            "fontsize": LABEL_POINTS,
            "ha": "right" if leftward else "left",
            "va": "bottom",
            "parse_math": False,  # measured here, before wording.literal_text runs at saving
        }
        probe: Annotation = axis.annotate(
            judgement_label(j), (x, y), xytext=(side, 3.0), textcoords="offset points", **style
        )
        step_points = LABEL_POINTS + 1.5  # one label's height, in points
        chosen, best = 0, None
        for step in range(60):
            rise = (step + 1) // 2 * (1 if step % 2 else -1)  # 0, +1, -1, +2, -2, ...
            probe.set_position((side, 3.0 + rise * step_points))
            box = probe.get_window_extent(renderer)
            inside = box.y0 >= frame.y0 and box.y1 <= frame.y1 and box.x0 >= frame.x0 and box.x1 <= frame.x1
            if inside and not any(box.overlaps(other) for other in placed):
                chosen, best = rise, box
                break
        probe.remove()
        if best is None:  # nowhere free: beside its point rather than dropped
            chosen = 0
        # A label moved off its point gets a thin leader line back to it (offsets in points, so the
        # drawing is the same at any resolution).
        label: Annotation = axis.annotate(
            judgement_label(j),
            (x, y),
            xytext=(side, 3.0 + chosen * step_points),
            textcoords="offset points",
            arrowprops=(
                {
                    "arrowstyle": "-",
                    "color": "#888888",
                    "lw": 0.5,
                    "shrinkA": 0,
                    "shrinkB": 3,
                    # from the label's corner nearest the point, not its middle (through other labels)
                    "relpos": (1.0 if leftward else 0.0, 0.0 if chosen > 0 else 1.0),
                }
                if abs(chosen) > 1
                else None
            ),
            **style,
        )
        # The text's own box: an Annotation's box would include its leader line.
        label.update_positions(renderer)
        best = Text.get_window_extent(label, renderer)
        placed.append(best)
