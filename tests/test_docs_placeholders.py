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


def test_the_files_a_fit_keeps_for_resuming_are_documented():
    """simulations.jsonl, fit.json and wave1-posterior.npy stay in a finished fit's folder on purpose."""
    from brinkmanship.calibration.fit import JOURNAL, MANIFEST, WAVE1_DRAWS

    text = (Path(__file__).resolve().parents[1] / "docs" / "calibration.md").read_text(encoding="utf-8")
    for name in (JOURNAL, MANIFEST, WAVE1_DRAWS):
        assert f"`{name}`" in text, name
