"""Briefings a decision-maker can read: one offline HTML file, its Markdown twin, and the figures as PNG."""

from brinkmanship.report.briefing import Briefing, HistoryCurve, build_briefing
from brinkmanship.report.write import BRIEFING_FILES, FIGURE_FILES, FIGURES, BriefingFiles, write_briefing

__all__ = [
    "BRIEFING_FILES",
    "FIGURES",
    "FIGURE_FILES",
    "Briefing",
    "BriefingFiles",
    "HistoryCurve",
    "build_briefing",
    "write_briefing",
]
