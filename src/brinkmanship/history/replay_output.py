"""Writing a replay: ``replay.json``, ``replay.parquet`` (one row per reporting date), ``risk.png`` (the
curve with its intervals, the events marked and the dated judgements drawn as points) and a
self-contained ``replay.html`` (the figure embedded, no script or font fetched)."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from brinkmanship.history.judgements import Judgement, judgements_in_span
from brinkmanship.history.replay import Replay
from brinkmanship.history.replay_plot import judgement_number, risk_figure
from brinkmanship.wording import literal_text

__all__ = ["RESULT_FILES", "judgements_in_span", "write_replay"]

RESULT_FILES = ("replay.json", "replay.parquet", "risk.png", "replay.html")
"""The result set of `brink replay --out`, written and replaced as a whole (engine.atomic)."""


def write_replay(result: Replay, judgements: list[Judgement], folder: Path) -> list[Path]:
    """Write the four files into ``folder`` (a staging folder: see engine.atomic); return their paths."""
    record = result.as_dict()
    record["judgements"] = [j.record() for j in judgements]
    paths = [folder / name for name in RESULT_FILES]
    paths[0].write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    columns: dict[str, list[object]] = {"date": [], "day": [], "ess": [], "low_ess": [], "events": []}
    for h in sorted(result.days[0].p_war) if result.days else ():
        for suffix in ("", "_low", "_high"):
            columns[f"p_war_{h}{suffix}"] = []
    for day in result.days:
        columns["date"].append(day.date)
        columns["day"].append(day.day)
        columns["ess"].append(day.ess)
        columns["low_ess"].append(result.low_ess(day))
        columns["events"].append("; ".join(f"{e['actor']} {e['event']}" for e in day.events))
        for h, (p, (low, high)) in day.p_war.items():
            columns[f"p_war_{h}"].append(p)
            columns[f"p_war_{h}_low"].append(low)
            columns[f"p_war_{h}_high"].append(high)
    pq.write_table(pa.table(columns), paths[1])
    _plot(result, judgements, paths[2])
    image = base64.b64encode(paths[2].read_bytes()).decode("ascii")
    paths[3].write_text(_html(result, judgements, image), encoding="utf-8")
    return paths


def _plot(result: Replay, judgements: list[Judgement], path: Path) -> None:
    literal_text(risk_figure(result, judgements)).savefig(path)


def _html(result: Replay, judgements: list[Judgement], image: str) -> str:
    rows = []
    for d in result.days:
        cells = "".join(
            f"<td>{p:.1%} ({low:.1%}-{high:.1%})</td>" for _, (p, (low, high)) in sorted(d.p_war.items())
        )
        events = html.escape("; ".join(f"{e['actor']} {e['event']}" for e in d.events))
        low = " (low)" if result.low_ess(d) else ""
        rows.append(f"<tr><td>{d.date}</td>{cells}<td>{d.ess:,.0f}{low}</td><td>{events}</td></tr>")
    heads = (
        "".join(f"<th>P(war within {h} d)</th>" for h in sorted(result.days[0].p_war)) if result.days else ""
    )
    quoted = "".join(
        f"<li>{html.escape(str(j.date))}: {html.escape(j.who)} - {html.escape(j.quantity)} "
        f"({html.escape(j.horizon or 'horizon unstated')}): {html.escape(judgement_number(j.bounds))}; "
        f"{html.escape(j.source)}</li>"
        for j in judgements
    )
    judged = (
        f"<ul>{quoted}</ul>"
        if quoted
        else f"<p>None: no dated judgement of the time on {html.escape(result.scenario)} falls in "
        f"{result.first} to {result.last}.</p>"
    )
    method = html.escape(result.as_dict()["method"])
    note = result.ess_note()
    warning = (
        "" if note is None else f"<p><strong>{html.escape(note.replace('low_ess', '(low)'))}</strong></p>\n"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(result.scenario)} replay</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:2em auto}}td,th{{padding:2px 8px;font-size:90%}}
tr:nth-child(even){{background:#f4f4f4}}</style></head><body>
<h1>{html.escape(result.scenario)}: the crisis replayed, {result.first} to {result.last}</h1>
<p>{result.runs:,} paths, seed {result.seed}; {method}; {result.resamplings} resamplings. Each date's
forecast runs {result.forecast_runs:,} paths of the ensemble on with chance (docs/replay.md).</p>
{warning}<img alt="risk of war as of each date" src="data:image/png;base64,{image}" style="width:100%">
<h2>Judgements at the time</h2>{judged}
<h2>By date</h2><table><tr><th>date</th>{heads}<th>effective sample size</th><th>events</th></tr>
{"".join(rows)}</table></body></html>
"""
