"""Write a briefing to a folder: briefing.html (self-contained), briefing.md, figures/*.png, briefing.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from brinkmanship.errors import UserError
from brinkmanship.report.briefing import Briefing
from brinkmanship.report.content import build_document
from brinkmanship.report.html import to_html
from brinkmanship.report.markdown import to_markdown

FIGURES = "figures"
BRIEFING_FILES = ("briefing.html", "briefing.md", "briefing.json", FIGURES)
"""The result set of `brink brief`, written and replaced as a whole (:mod:`brinkmanship.engine.atomic`)."""
FIGURE_FILES = (
    "risk-differences.png",
    "cumulative-risk.png",
    "paths-stacked.png",
    "tornado.png",
    "sensitivity.png",
    "replay.png",
)
"""Every file a briefing may write in ``figures/``: the set's files there. ``--force`` replaces these (and
removes those the new briefing does not draw); other files a user keeps in ``figures/`` stay."""


@dataclass(frozen=True)
class BriefingFiles:
    html: Path
    markdown: Path
    data: Path
    figures: list[Path]


def write_briefing(briefing: Briefing, out: Path) -> BriefingFiles:
    """Render and write every file of the briefing into ``out`` (created if needed)."""
    try:
        (out / FIGURES).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"--out {out}: cannot create the folder: {error.strerror}") from None
    if not out.is_dir():
        raise UserError(f"--out {out}: not a folder")
    document = build_document(briefing)
    figures = []
    for image in document.images():
        if image.name not in FIGURE_FILES:  # --force would take it for a user's file and leave it stale
            raise RuntimeError(f"figure {image.name!r} is missing from FIGURE_FILES")
        path = out / FIGURES / image.name
        path.write_bytes(image.png)
        figures.append(path)
    html_path = out / "briefing.html"
    html_path.write_text(to_html(document), encoding="utf-8")
    markdown_path = out / "briefing.md"
    markdown_path.write_text(to_markdown(document, FIGURES), encoding="utf-8")
    data_path = out / "briefing.json"
    data_path.write_text(json.dumps(briefing.as_dict(), indent=1), encoding="utf-8")
    return BriefingFiles(html_path, markdown_path, data_path, figures)
