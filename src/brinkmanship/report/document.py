"""A briefing as plain data (sections of paragraphs, tables, lists and figures), rendered twice.

The same document becomes the offline HTML page and its Markdown twin, so the two never disagree.
Text may mark emphasis with ``**bold**``; renderers escape everything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: list[str]


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass(frozen=True)
class Image:
    """A figure: ``name`` is its file name (``cumulative-risk.png``)."""

    name: str
    png: bytes
    caption: str


Block = Paragraph | Bullets | Table | Image


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    title: str
    subtitle: str
    sections: list[Section] = field(default_factory=list)

    def images(self) -> list[Image]:
        """Every figure, in order of appearance."""
        return [block for section in self.sections for block in section.blocks if isinstance(block, Image)]
