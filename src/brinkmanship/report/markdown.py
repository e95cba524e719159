"""Render a briefing :class:`~brinkmanship.report.document.Document` as Markdown (figures as files)."""

from __future__ import annotations

from brinkmanship.report.document import Bullets, Document, Image, Paragraph, Table


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(document: Document, figure_folder: str = "figures") -> str:
    """The document as Markdown; figures are linked as ``figure_folder/name``."""
    lines = [f"# {document.title}", "", f"*{document.subtitle}*", ""]
    for section in document.sections:
        lines += [f"## {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                lines += [block.text, ""]
            elif isinstance(block, Bullets):
                lines += [f"- {item}" for item in block.items] + [""]
            elif isinstance(block, Table):
                if block.caption:
                    lines += [f"*{block.caption}*", ""]
                lines.append("| " + " | ".join(_cell(h) for h in block.header) + " |")
                lines.append("|" + "|".join("---" for _ in block.header) + "|")
                lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
                lines.append("")
            elif isinstance(block, Image):
                lines += [f"![{block.caption}]({figure_folder}/{block.name})", "", f"*{block.caption}*", ""]
    return "\n".join(lines).rstrip() + "\n"
