"""What the briefing says: the analyses turned into sections a principal can read in five minutes."""

from __future__ import annotations

from typing import Any

from brinkmanship.analysis.compare import split_text
from brinkmanship.analysis.global_sensitivity import GlobalSensitivity
from brinkmanship.analysis.sensitivity import Sensitivity
from brinkmanship.engine.state import PATH_LABELS
from brinkmanship.history.replay_plot import judgement_number
from brinkmanship.policies import Lever, Policy
from brinkmanship.report import figures
from brinkmanship.report.briefing import Briefing, HistoryCurve
from brinkmanship.report.document import Block, Bullets, Document, Image, Paragraph, Section, Table
from brinkmanship.report.indicators import Indicators
from brinkmanship.wording import plural

PATH_MEANING = {
    "deliberate": "a side chose to attack, not on a false belief that the other was about to strike",
    "miscalculation": "a side struck first on a false belief that an attack was coming, or a clash escalated "
    "because signals were read as more hostile than meant",
    "accident": "an incident nobody chose (a test gone astray, a clash at sea or in the air) escalated",
    "false_alarm": "a false warning passed every stage of assessment and was acted on",
}
SHOWN_INDICATORS = 10


def pct(p: float) -> str:
    """A probability as a percentage with sensible precision."""
    value = 100.0 * p
    return f"{value:.1f}%" if abs(value) < 10 else f"{value:.0f}%"


def interval(ci: list[float] | tuple[float, float]) -> str:
    """A 95% interval of probabilities."""
    return f"{100 * ci[0]:.1f}-{100 * ci[1]:.1f}%"


def points(diff: float) -> str:
    """A difference of probabilities in percentage points, signed."""
    return f"{100 * diff:+.1f} pts"


def points_interval(ci: list[float] | tuple[float, float]) -> str:
    return f"{100 * ci[0]:+.1f} to {100 * ci[1]:+.1f}"


def deaths_text(value: float) -> str:
    """A number of deaths, rounded as estimates of this kind deserve."""
    if abs(value) >= 1e6:
        return f"{value / 1e6:.1f} million"
    return f"{value:,.0f}" if abs(value) < 1e4 else f"{round(value, -3):,.0f}"


def deaths_interval(ci: list[float]) -> str:
    return f"{deaths_text(ci[0])} to {deaths_text(ci[1])}"


def _label(row: dict[str, Any]) -> str:
    return f"{row['policy']} ({row['expansion']})" if row["expansion"] else row["policy"]


def what_it_buys(row: dict[str, Any]) -> str:
    """One phrase: the change in war risk and where it comes from; nuclear use, agreement and deaths
    where their changes are significant."""
    change = row["outcomes"]["war"]["vs_reference"]
    if row["same_as"] is not None:
        return f"same scenario as {row['same_as']}"
    if not change["significant"]:
        text = "no significant change in the risk of war"
    else:
        direction = "fewer" if change["diff"] < 0 else "more"
        text = f"{direction} wars{_shares_of_change(row)}"
    nuclear = row["outcomes"]["nuclear_use"]["vs_reference"]
    if nuclear["significant"]:
        text += f"; nuclear use {points(nuclear['diff'])}"
    agreed = row["outcomes"]["agreement"]["vs_reference"]
    if agreed["significant"]:
        text += f"; agreement {points(agreed['diff'])}"
    deaths = row["deaths"]
    if deaths is not None:
        low, high = deaths["vs_reference"]["ci90"]
        if low > 0.0 or high < 0.0:
            sign = "+" if low > 0 else "-"
            text += f"; expected deaths {sign}{deaths_text(abs(deaths['vs_reference']['diff']))}"
    return text


SHARE_SHOWN = 0.1
"""A war path's share of the change in war risk is named from this size up (either sign); the smaller ones
are summed as ``other paths``."""


def _shares_of_change(row: dict[str, Any]) -> str:
    """`` (accident 75%, deliberate 62%, miscalculation -37% of the change; a negative share went the other
    way)``: each path's share of the change in war risk, offsetting (negative) ones included, so the shares
    named add up to 100% (the paths each war came by divide it); empty with no change."""
    shares = [
        (label.replace("_", " "), info["share_of_change"])
        for label, info in row["paths"].items()
        if info["share_of_change"] is not None
    ]
    shown = [(label, share) for label, share in shares if abs(share) >= SHARE_SHOWN]
    if not shown:
        return ""
    shown.sort(key=lambda item: item[1], reverse=True)
    rest = sum(share for _, share in shares) - sum(share for _, share in shown)
    if round(100 * rest) != 0:
        shown.append(("other paths", rest))
    sources = ", ".join(f"{label} {100 * share:.0f}%" for label, share in shown)
    offset = "; a negative share went the other way" if any(share < 0 for _, share in shown) else ""
    return f" ({sources} of the change{offset})"


def _newly(briefing: Briefing) -> str:
    """'newly reached ' where the forecast began with an agreement in force on some paths."""
    return "newly reached " if briefing.agreement_in_force_at_start else ""


def _in_force(briefing: Briefing) -> str:
    """Where the forecast from a replayed date began with an agreement in force, how often."""
    share = briefing.agreement_in_force_at_start
    if not share:
        return ""
    return f"; one was in force at the start on {pct(share)} of paths"


def _headline(briefing: Briefing, rows: list[dict[str, Any]]) -> Section:
    reference = rows[0]
    o = reference["outcomes"]
    days = briefing.comparison.days
    section = Section("Bottom line")
    section.blocks.append(
        Paragraph(
            f"{_opening(briefing)} the current posture ({reference['policy']}), the model puts the "
            f"probability of **war within {days} days{_counted(briefing)} at {pct(o['war']['p'])}** (95% "
            f"interval {interval(o['war']['ci95'])}); "
            f"nuclear use {pct(o['nuclear_use']['p'])} ({interval(o['nuclear_use']['ci95'])}); an armed "
            f"clash {pct(o['clash']['p'])} ({interval(o['clash']['ci95'])}); an agreement "
            f"{_newly(briefing)}{pct(o['agreement']['p'])} ({interval(o['agreement']['ci95'])})"
            f"{_in_force(briefing)}."
            + (
                ""
                if reference["deaths"] is None
                else f" Expected deaths: {deaths_text(reference['deaths']['expected'])} (90% interval "
                f"{deaths_interval(reference['deaths']['ci90'])}); the consequences model counts deaths on "
                "the paths that reach war, more where nuclear weapons are used."
            )
        )
    )
    others = [row for row in rows[1:] if row["same_as"] is None]
    lower = [
        row
        for row in others
        if row["outcomes"]["war"]["vs_reference"]["significant"]
        and row["outcomes"]["war"]["vs_reference"]["diff"] < 0
    ]
    higher = [
        row
        for row in others
        if row["outcomes"]["war"]["vs_reference"]["significant"]
        and row["outcomes"]["war"]["vs_reference"]["diff"] > 0
    ]
    if lower:
        best = min(lower, key=lambda row: row["outcomes"]["war"]["p"])
        change = best["outcomes"]["war"]["vs_reference"]
        section.blocks.append(
            Paragraph(
                f"The option that lowers it most, **{_label(best)}**, brings it to "
                f"**{pct(best['outcomes']['war']['p'])}** ({interval(best['outcomes']['war']['ci95'])}): "
                f"{points(change['diff'])} (paired 95% interval {points_interval(change['ci95'])} points)."
            )
        )
    same = len(rows) - 1 - len(others)
    counted = (
        f"Of {_options_counted(len(others), same)}, {len(lower)} "
        f"{'lowers' if len(lower) == 1 else 'lower'} the risk of war significantly and {len(higher)} "
        f"{'raises' if len(higher) == 1 else 'raise'} it."
        if others
        else "No option but the baseline was compared"
        + (f" ({_label(rows[1])} is the same scenario here)" if same == 1 else "")
        + (f" ({plural(same, 'option')} are the same scenario here)" if same > 1 else "")
        + "."
    )
    section.blocks.append(
        Paragraph(
            f"{counted} These are model estimates from parameters that are partly judgement, "
            "not measurements: trust the differences between options, which share their random numbers, "
            "more than the levels; the assumptions section shows how far the levels move."
        )
    )
    return section


def _paths(rows: list[dict[str, Any]]) -> Section:
    reference = rows[0]
    table = Table(
        ["path to war", "what it means", "share of wars (95%)", "probability (95%)"],
        [
            [
                label.replace("_", " "),
                PATH_MEANING[label],
                "n/a (no war)"
                if info["share_of_wars"] is None
                else f"{pct(info['share_of_wars'])} ({interval(info['share_ci95'])})",
                f"{pct(info['p'])} ({interval(info['ci95'])})",
            ]
            for label, info in ((label, reference["paths"][label]) for label in PATH_LABELS)
        ],
        caption=f"Under {reference['policy']}",
    )
    return Section("Paths to war", [table])


def _options(briefing: Briefing, rows: list[dict[str, Any]]) -> Section:
    deaths = any(row["deaths"] is not None for row in rows)
    header = [
        "rank",
        "option",
        "P(war) (95%)",
        "change (paired 95%)",
        "P(nuclear use)",
        "median day of war",
        "days at risk / hazard",
        "what it buys",
    ]
    if deaths:
        header.insert(5, "expected deaths (90%)")
    table_rows = []
    for row in sorted(rows, key=lambda r: r["rank"]):
        war = row["outcomes"]["war"]
        is_reference = row is rows[0]
        change = war["vs_reference"]
        median = row["median_war_day"]
        cells = [
            str(row["rank"]),
            _label(row) + (" [reference]" if is_reference else ""),
            f"{pct(war['p'])} ({interval(war['ci95'])})",
            "-"
            if is_reference
            else f"{points(change['diff'])} ({points_interval(change['ci95'])})"
            + (" *" if change["significant"] else ""),
            pct(row["outcomes"]["nuclear_use"]["p"]),
            "-" if median["median"] is None else f"{median['median']:.0f}",
            split_text(row, is_reference or row["same_as"] == rows[0]["policy"]),
            "-" if is_reference else what_it_buys(row),
        ]
        if deaths:
            d = row["deaths"]
            cells.insert(
                5,
                "-" if d is None else f"{deaths_text(d['expected'])} ({deaths_interval(d['ci90'])})",
            )
        table_rows.append(cells)
    comparison = briefing.comparison
    distinct = [row for row in rows if row["same_as"] is None]  # the figures skip runs of the same scenario
    section = Section(
        "Options ranked",
        [
            Paragraph(
                f"All options ran on the same {comparison.runs:,} paths (seed {comparison.seed}): path i "
                "meets the same accidents, alarms and dice under every option, so each change is measured "
                "on paired paths. * = significant: McNemar's p < 0.05, the same as the paired 95% interval "
                "excluding zero. Median day of war counts "
                f"{_day_count(briefing)}, among paths that reach war. Days at risk / hazard splits the "
                "change: wars = days in crisis x wars per day in crisis; the reference row gives its days in "
                "crisis per path and wars per 1,000 such days, the others the change in each (* = its 95% "
                "interval excludes no change)."
            ),
            Table(header, table_rows, caption=f"Ranked by P(war within {comparison.days} days)"),
            Image(
                "risk-differences.png",
                figures.risk_differences(distinct),
                "Change in the risk of war from the reference, with paired 95% intervals "
                "(green: significantly lower; red: significantly higher).",
            ),
            Image(
                "cumulative-risk.png",
                figures.cumulative_risk(distinct, _axis_days(briefing)),
                "Cumulative probability of war over the horizon under each option.",
            ),
            Image(
                "paths-stacked.png",
                figures.stacked_paths(distinct),
                "Probability of war under each option, split by the path that led to it.",
            ),
        ],
    )
    notes = _lever_notes(briefing)
    if notes:  # none where only the baseline was compared
        section.blocks.append(Paragraph("What each option changes in the model:"))
        section.blocks.append(Bullets(notes))
    return section


def _lever_notes(briefing: Briefing) -> list[str]:
    seen: dict[str, Lever] = {}
    packages: list[Policy] = []
    for run in briefing.comparison.results:
        if run.policy.expansion:
            packages.append(run.policy)
        for choice in run.policy.choices:
            seen.setdefault(choice.lever.name, choice.lever)
    items = [f"**{lever.name}**: {lever_note(lever)}" for lever in seen.values()]
    items += [f"**{policy.name}** = {policy.expansion}" for policy in packages]
    return items


def lever_note(lever: Lever) -> str:
    """What a lever is, what it changes and why, as sentences; the why is left out where none was given
    (a user's lever from a --policy-file may give none)."""
    parts = [sentence(lever.summary), sentence(lever.changes)]
    if lever.why.strip():
        parts.append(f"Why: {sentence(lever.why)}")
    return " ".join(part for part in parts if part)


def sentence(text: str) -> str:
    """``text`` stripped and ending with a full stop (unless it ends with other closing punctuation)."""
    text = text.strip()
    return text if not text or text[-1] in ".!?" else f"{text}."


def _indicators(result: Indicators, briefing: Briefing) -> Section:
    rows = []
    for row in result.rows[:SHOWN_INDICATORS]:
        change = row.change
        if not change.significant:
            reading = "no measurable effect"
        else:
            reading = "warning sign" if change.diff > 0 else "hopeful sign"
        rows.append(
            [
                f"{row.actor}: {row.action.replace('_', ' ')}",
                pct(row.p_with),
                f"{points(change.diff)} ({points_interval(change.ci95)})",
                reading,
            ]
        )
    return Section(
        "Indicators to watch",
        [
            Paragraph(
                f"If this event happened {_indicator_day(briefing)}, how would the probability of war within "
                f"{result.window_days} days move (from {pct(result.p_free)} when the day is left free)? Each "
                f"event was imposed on day 0 of {result.runs:,} paired paths. Armed clashes top the list by "
                "construction; the signals below them are what to watch for."
            ),
            Table(
                ["event", f"P(war within {result.window_days} days)", "change (paired 95%)", "reading"], rows
            ),
        ],
    )


def _assumptions(result: Sensitivity, briefing: Briefing) -> Section:
    rows = []
    for row in result.rows:
        flag = " (scenario's value lies outside this range)" if row.value_outside_range else ""
        at_low = f"{pct(row.p_low)} ({points(row.change_low.diff)})" if row.measured else "not measured"
        at_high = f"{pct(row.p_high)} ({points(row.change_high.diff)})" if row.measured else "not measured"
        rows.append(
            [
                row.path,
                f"{row.value:g}",
                f"{row.low:g} - {row.high:g}",
                at_low,
                at_high,
                (row.note + flag).strip(),
            ]
        )
    return Section(
        "Assumptions that drive the answer",
        [
            Paragraph(
                f"Each uncertain parameter declared by {briefing.scenario.name} was set to the low and the "
                f"high end of its range, one at a time, on {result.runs:,} paired paths under "
                f"{result.policy} (P({result.outcome}) {pct(result.p_base)} as set"
                + (
                    f"; {than(result.runs, briefing.comparison.runs)}, so this base value differs from the "
                    "headline's within Monte Carlo noise"
                    if result.runs != briefing.comparison.runs
                    else ""
                )
                + "). One-at-a-time screening misses interactions between parameters."
                + _start_date_note(briefing)
            ),
            Image("tornado.png", figures.tornado(result), "One-at-a-time sensitivity of the risk of war."),
            Table(["parameter", "as set", "range", f"P({result.outcome}) at low", "at high", "note"], rows),
            *_robustness(result),
        ],
    )


def _global_assumptions(result: GlobalSensitivity, briefing: Briefing) -> Section:
    """The global analysis in place of the tornado: the indices table and their bar plot."""
    sobol = result.method == "sobol"
    data = result.as_dict()
    if sobol:
        header = ["rank", "parameter", "range", "S1 (95%)", "ST (95%)"]
        keys = [("S1", "S1_conf"), ("ST", "ST_conf")]
        reading = (
            "S1 is the share of the variance of the risk that a parameter explains alone, ST the share with "
            "all its interactions; a parameter with ST near 0 could be fixed anywhere in its range."
        )
    else:
        header = ["rank", "parameter", "range", "mu_star (95%)", "sigma"]
        keys = [("mu_star", "mu_star_conf"), ("sigma", "")]
        reading = (
            "mu_star is the mean absolute change in the probability when the parameter steps across its "
            "range (Morris screening: it ranks, it does not apportion variance); sigma large beside mu_star "
            "means interactions or a non-linear effect."
        )
    ranges = {
        p.path: f"{p.low:g} - {p.high:g}" + (" (log)" if p.scale == "log" else "") for p in result.parameters
    }
    rows = []
    for entry in data["indices"]:
        cells = []
        for key, conf in keys:
            value = entry[key]
            text = "-" if value is None else f"{value:.3f}"
            if conf and entry[conf] is not None:
                text += f" (± {entry[conf]:.3f})"
            cells.append(text)
        rows.append([str(entry["rank"]), entry["parameter"], ranges[entry["parameter"]], *cells])
    method = "Sobol indices" if sobol else "Morris elementary effects"
    blocks: list[Block] = [
        Paragraph(
            f"{method} of P({result.outcome}) over the uncertain parameters declared by "
            f"{briefing.scenario.name}, all varied together over their ranges: {result.rows:,} variants "
            f"(N = {result.n}) of {result.runs_per_row:,} paths x {result.days} days under {result.policy}, "
            f"every variant on the same random numbers and burned-in paths (seed {result.seed}). {reading}"
            + _start_date_note(briefing)
        ),
        Image(
            "sensitivity.png",
            figures.global_indices(result),
            f"{method} of the risk of {result.outcome}, with 95% bootstrap intervals.",
        ),
        Table(header, rows, caption=f"Ranked by {result.ranking_key}; ± the 95% bootstrap half-width"),
    ]
    notes = []
    if result.warning:
        notes.append(f"**Caution**: {result.warning}.")  # it names the briefing's option, --sensitivity-n
    notes += [f"Left out: {item['path']}: {item['reason']}." for item in result.excluded]
    if notes:
        blocks.append(Bullets(notes))
    return Section("Assumptions that drive the answer", blocks)


def _robustness(result: Sensitivity) -> list[Block]:
    """Does the best option keep its advantage at both ends of every range?"""
    if result.contender is None or result.effect_base is None:
        return []
    rows = []
    fragile = []
    for row in result.rows:
        if row.effect_low is None or row.effect_high is None:
            continue
        rows.append(
            [
                row.path,
                f"{points(row.effect_low.diff)} ({points_interval(row.effect_low.ci95)})",
                f"{points(row.effect_high.diff)} ({points_interval(row.effect_high.ci95)})",
            ]
        )
        if not row.robust:
            fragile.append(row.path)
    unmeasured = [row.path for row in result.rows if not row.measured]
    verdict = (
        "It lowers the risk significantly at both ends of every range measured."
        if not fragile
        else f"Its advantage is not significant at one end of: {', '.join(fragile)}."
    )
    if unmeasured:
        verdict += f" Not measured (priors over types): {', '.join(unmeasured)}."
    return [
        Paragraph(
            f"Does the best option hold? **{result.contender}** changes P({result.outcome}) by "
            f"{points(result.effect_base.diff)} from {result.policy} as the parameters are set. {verdict}"
        ),
        Table(["parameter", "change at the low end (paired 95%)", "change at the high end"], rows),
    ]


def _behaviour(rows: list[dict[str, Any]]) -> Section:
    table_rows = []
    for row in rows:
        b = row["behaviour"]
        threats = " / ".join(
            f"{rates.get('public_threat', 0.0):.3f}" for rates in b["actions_per_day"].values()
        )
        table_rows.append(
            [
                row["policy"],
                threats,
                f"{b['mean_audience_cost_stock']:.2f}",
                f"{b['audience_cost_lock_in']:.2f}",
                f"{100 * b['misreading_share']:.1f}%",
                f"{b['false_alarms_per_day']:.4f}",
                f"{b['freeze_days']:,}",
            ]
        )
    actors = " / ".join(next(iter(rows))["behaviour"]["actions_per_day"])
    return Section(
        "How the options work",
        [
            Paragraph("Behaviour per active path-day: the mechanisms through which each option acts."),
            Table(
                [
                    "option",
                    f"public threats per day ({actors})",
                    "audience-cost stock",
                    "lock-in (cost of backing down)",
                    "signals misread",
                    "false alarms per day",
                    "freeze days",
                ],
                table_rows,
            ),
        ],
    )


def _method(briefing: Briefing) -> Section:
    comparison = briefing.comparison
    items = [
        f"Scenario {briefing.scenario.name}: {briefing.scenario.description}.",
        f"{comparison.runs:,} paths per option over {comparison.days} days{_counted(briefing)}, seed "
        f"{comparison.seed}; the same random numbers for every option (common random numbers).",
        "Probabilities: Wilson 95% intervals. Differences between options: McNemar's test on the paths "
        "where the options disagree and the score interval that inverts it (Tango 1998), so a difference "
        "is significant (p < 0.05) exactly when its paired 95% interval excludes zero.",
        "Levers are documented with their sources in docs/policies.md and by `brink policies`.",
        *comparison.notes,
    ]
    sources = [f"{key}: {text}" for key, text in briefing.scenario.sources.items()]
    blocks: list[Any] = [Bullets(items)]
    if sources:
        blocks += [Paragraph("Scenario sources:"), Bullets(sources)]
    return Section("Method and caveats", blocks)


def build_document(briefing: Briefing) -> Document:
    """The briefing's text, tables and figures."""
    rows = briefing.comparison.summaries()
    scenario = briefing.scenario
    if briefing.as_of is None:
        when = f"Start {scenario.start_date}"
    else:
        when = (
            f"As of {briefing.as_of}: the forecast starts on {briefing.first_day} from the crisis as the "
            "record left it"
        )
    document = Document(
        title=f"Briefing: {scenario.title}",
        subtitle=f"{scenario.description}. {when}, "
        f"horizon {briefing.comparison.days} days; generated by brinkmanship on {briefing.generated}.",
    )
    document.sections.append(_headline(briefing, rows))
    if briefing.history is not None:
        document.sections.append(_history(briefing.history, briefing))
    document.sections.append(_paths(rows))
    document.sections.append(_options(briefing, rows))
    if briefing.param_uncertainty is not None:
        document.sections.append(_parameter_uncertainty(briefing.param_uncertainty))
    if briefing.indicators is not None:
        document.sections.append(_indicators(briefing.indicators, briefing))
    if isinstance(briefing.sensitivity, GlobalSensitivity):
        document.sections.append(_global_assumptions(briefing.sensitivity, briefing))
    elif briefing.sensitivity is not None and briefing.sensitivity.rows:
        document.sections.append(_assumptions(briefing.sensitivity, briefing))
    document.sections.append(_behaviour(rows))
    document.sections.append(_method(briefing))
    return document


def _parameter_uncertainty(robust: dict[str, Any]) -> Section:
    """Every option across the calibrated posterior: its P(war) with the interval split, how often it
    beats the baseline and its ranks (docs/calibration.md)."""
    rank_by = robust["rank_by"]
    rows = []
    for name, row in robust["policies"].items():
        split = row[rank_by]
        ranks = sorted(row["rank_shares"].items(), key=lambda item: -item[1])
        rows.append(
            [
                name,
                f"{pct(split['p'])} ({interval(split['ci95_total'])})",
                interval(split["ci95_monte_carlo"]),
                interval(split["ci95_parameters"]),
                "reference" if name == robust["reference"] else f"{row['beats_reference_share']:.0%}",
                ", ".join(f"#{rank}: {share:.0%}" for rank, share in ranks[:3]),
            ]
        )
    return Section(
        "How sure: the options across the calibrated posterior",
        [
            Paragraph(
                f"Each option run again at {robust['draws']} draws of the calibrated posterior of the "
                f"free parameters ({robust['runs_per_draw']:,} paths per option and draw, the same paths "
                "for every option within a draw; `brink calibrate --show` lists the parameters and "
                f"docs/calibration.md the fit). P({rank_by.replace('_', ' ')}) is averaged over the "
                "draws; its 95% interval is split into the simulation's noise (Monte Carlo) and what the "
                "parameters' uncertainty adds. An option that beats the baseline in nearly every draw is "
                "robust to what the judgements leave open; one that beats it in about half is not."
            ),
            Table(
                [
                    "option",
                    f"P({rank_by.replace('_', ' ')}), 95% total",
                    "Monte Carlo part",
                    "parameter part",
                    "beats the baseline in",
                    "most frequent ranks",
                ],
                rows,
                caption=f"Across {robust['draws']} posterior draws ({robust['posterior']})",
            ),
        ],
    )


def _options_counted(distinct: int, duplicates: int) -> str:
    """'11 options compared' and, where the table repeats some, how many rows are the same as another."""
    text = f"the {plural(distinct, 'distinct option')} compared"
    if duplicates:
        rows = "row is" if duplicates == 1 else "rows are"
        text += f" ({duplicates} more {rows} the same as another option)"
    return text


def _opening(briefing: Briefing) -> str:
    """The bottom line's first words: from when the forecast runs."""
    if briefing.as_of is None:
        return "Under"
    return f"As of {briefing.as_of}, with the crisis as the record left it, under"


def _counted(briefing: Briefing) -> str:
    """Where the forecast's days start, for a sentence: " from 2017-11-30" (the day after ``--as-of``)."""
    return f" from {briefing.first_day}" if briefing.as_of is not None else ""


def _day_count(briefing: Briefing) -> str:
    """What day 1 of the comparison is, in words."""
    if briefing.as_of is None:
        return f"from the start date ({briefing.scenario.start_date})"
    return f"the days after {briefing.as_of} (day 1 is {briefing.first_day})"


def _axis_days(briefing: Briefing) -> str:
    """The time axis of the cumulative risk."""
    if briefing.as_of is None:
        return f"days from {briefing.scenario.start_date}"
    return f"days after {briefing.as_of} (the as-of date)"


def _indicator_day(briefing: Briefing) -> str:
    """When the indicators are imposed: today, or (under ``--as-of``) the scenario's start date, since they
    are computed from the scenario's own start, not the replayed crisis."""
    if briefing.as_of is None:
        return "today"
    return (
        f"on the scenario's start date ({briefing.scenario.start_date}, not the as-of date {briefing.as_of})"
    )


def _start_date_note(briefing: Briefing) -> str:
    if briefing.as_of is None:
        return ""
    return (
        f" These paths start from the scenario's start date ({briefing.scenario.start_date}), not from the "
        f"replayed crisis of {briefing.as_of}."
    )


def than(runs: int, other: int) -> str:
    """``fewer paths than the comparison's 2,048``, ``more paths than ...`` or ``as many paths as ...``:
    ``runs`` against the comparison's ``other``, compared as numbers."""
    if runs == other:
        return f"as many paths as the comparison's {other:,}"
    return f"{'fewer' if runs < other else 'more'} paths than the comparison's {other:,}"


def curve_paths(runs: int, forecast_runs: int, comparison_runs: int) -> str:
    """The sentence on the briefing curve's own replay: its paths and forecast paths against the
    comparison's, each compared as numbers."""
    smaller = runs < comparison_runs and forecast_runs < comparison_runs
    return (
        f"The curve has its own replay of {runs:,} paths ({than(runs, comparison_runs)}) and "
        f"{forecast_runs:,} forecast paths per date ({than(forecast_runs, comparison_runs)})"
        + ("; fewer to keep the briefing quick" if smaller else "")
        + "; `brink brief --curve-runs` sets them."
    )


def _history(history: HistoryCurve, briefing: Briefing) -> Section:
    """The replayed record to the as-of date: the curve, and the judgements of the time beside it."""
    result = history.replay
    days = result.days
    h = 365 if days and 365 in days[0].p_war else max(days[0].p_war) if days else 365
    imposed = sum(len(day.events) for day in days)
    blocks: list[Block] = [
        Paragraph(
            f"The record of {result.scenario} replayed from {result.first} to {history.as_of} (as "
            f"`brink replay` does; docs/replay.md): on each date, every {result.every} days, the model's "
            f"probability of war within {h} days given everything recorded so far, with its 95% interval; "
            f"grey lines mark the {imposed} imposed events, the dashed line the as-of date, black points the "
            "judgements made at the time, marked with what each measured and labelled with its horizon. "
            + curve_paths(result.runs, result.forecast_runs, briefing.comparison.runs)
        )
    ]
    if days:
        last = days[-1]
        p, ci = last.p_war[h]
        blocks.append(
            Paragraph(
                f"On {last.date} the curve gives **{pct(p)}** ({interval(ci)}) for war within {h} days; the "
                f"comparison's baseline, on its own {briefing.comparison.runs:,} replayed paths, gives "
                f"{pct(briefing.comparison.summaries()[0]['outcomes']['war']['p'])} within "
                f"{briefing.comparison.days} days: the two differ by the noise of their paths"
                + ("" if briefing.comparison.days == h else " and by their horizons")
                + "."
            )
        )
    blocks.append(
        Image(
            "replay.png",
            figures.replay_curve(history),
            f"Replayed P(war within {h} days) as of each date to {history.as_of}, with 95% intervals; "
            "imposed events in grey; the judgements of the time as black points (circle: full war, square: "
            "armed conflict, triangle: a deliberate strike, diamond: nuclear use).",
        )
    )
    if history.judgements:
        rows = []
        for j in history.judgements:
            on = [day for day in days if day.date <= j.date]
            model = "-" if not on else f"{pct(on[-1].p_war[h][0])} (as of {on[-1].date})"
            rows.append(
                [
                    str(j.date),
                    j.who,
                    j.measures.replace("_", " "),
                    j.horizon or "unstated",
                    judgement_number(j.bounds),
                    model,
                ]
            )
        blocks.append(
            Table(
                ["date", "who", "measured", "horizon", "their number", f"model, war within {h} days"],
                rows,
                caption=f"The dated judgements of the risk up to {history.as_of} (docs/history.md), beside "
                "the curve on the last reported date before each",
            )
        )
    else:
        blocks.append(
            Paragraph(f"No dated judgement with a number falls between {result.first} and {history.as_of}.")
        )
    return Section(f"How the crisis got here: the record replayed to {history.as_of}", blocks)
