"""The documentation carries no placeholder left for a figure or a section to be written."""

import re
from pathlib import Path

import pytest

DOCS = sorted((Path(__file__).resolve().parents[1] / "docs").glob("*.md"))


@pytest.mark.parametrize("page", DOCS, ids=lambda p: p.name)
def test_the_docs_have_no_placeholders(page):
    text = page.read_text(encoding="utf-8")
    left = re.findall(r"\b(?:SPEED|TODO|TBD|FIXME|XXX)\b", text)
    assert not left, f"{page.name}: placeholder {left[0]}"
