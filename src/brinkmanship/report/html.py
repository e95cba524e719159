"""Render a briefing as one self-contained HTML file: inline CSS, figures as base64 data URIs.

Nothing is fetched when the page opens (no fonts, scripts or images from a network), so it works on an
air-gapped analyst's machine and can be mailed as a single attachment.
"""

from __future__ import annotations

import base64
import html
import re

from brinkmanship.report.document import Bullets, Document, Image, Paragraph, Table

STYLE = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 58rem; margin: 2rem auto; padding: 0 1rem;
       color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #bbb; padding-bottom: 0.2rem; margin-top: 2rem; }
.subtitle { color: #555; font-style: italic; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-family: Helvetica, Arial, sans-serif; font-size: 0.82rem;
        margin: 0.6rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.45rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
caption { caption-side: top; text-align: left; font-style: italic; color: #444; padding-bottom: 0.3rem; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: 0.85rem; color: #444; font-style: italic; }
strong { color: #000; }
@media print { h2 { page-break-after: avoid; } figure, table { page-break-inside: avoid; } }
"""

BOLD = re.compile(r"\*\*(.+?)\*\*")


def _text(text: str) -> str:
    return BOLD.sub(r"<strong>\1</strong>", html.escape(text))


def data_uri(png: bytes) -> str:
    """A PNG as a ``data:`` URI."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def to_html(document: Document) -> str:
    """The whole document as one HTML page with no external references."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(document.title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{_text(document.title)}</h1>",
        f'<p class="subtitle">{_text(document.subtitle)}</p>',
    ]
    for section in document.sections:
        parts.append(f"<section><h2>{_text(section.title)}</h2>")
        for block in section.blocks:
            if isinstance(block, Paragraph):
                parts.append(f"<p>{_text(block.text)}</p>")
            elif isinstance(block, Bullets):
                parts.append("<ul>" + "".join(f"<li>{_text(item)}</li>" for item in block.items) + "</ul>")
            elif isinstance(block, Table):
                caption = f"<caption>{_text(block.caption)}</caption>" if block.caption else ""
                head = "".join(f"<th>{_text(cell)}</th>" for cell in block.header)
                body = "".join(
                    "<tr>" + "".join(f"<td>{_text(cell)}</td>" for cell in row) + "</tr>"
                    for row in block.rows
                )
                parts.append(f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
            elif isinstance(block, Image):
                parts.append(
                    f'<figure><img alt="{html.escape(block.caption)}" src="{data_uri(block.png)}">'
                    f"<figcaption>{_text(block.caption)}</figcaption></figure>"
                )
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
