"""The result folder (engine.atomic): --force replaces the command's whole set of files, no more."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from brinkmanship.engine.atomic import ResultFolder
from brinkmanship.errors import UserError

NAMES = ("result.json", "rows.csv", "figures")
FIGURES = {"figures": {"one.png", "two.png"}}


def _write(folder: Path, files: list[str], force: bool = False) -> None:
    with ResultFolder(folder, NAMES, folders=FIGURES, force=force) as results:
        for name in files:
            path = results.staged(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("new", encoding="utf-8")
        results.commit()


def test_force_removes_the_sets_files_the_new_run_does_not_write(tmp_path: Path) -> None:
    """`sensitivity --method oat --force` after a Sobol analysis left its indices.csv beside the new
    results: a file of the set the new run does not write, at the top or in a folder of the set, goes;
    a user's own files stay."""
    out = tmp_path / "out"
    _write(out, ["result.json", "rows.csv", "figures/one.png", "figures/two.png"])
    (out / "mine.txt").write_text("mine", encoding="utf-8")
    (out / "figures" / "mine.png").write_text("mine", encoding="utf-8")
    with pytest.raises(UserError, match="from an earlier run"):
        _write(out, ["result.json"])
    _write(out, ["result.json"], force=True)
    assert sorted(os.listdir(out)) == ["figures", "mine.txt", "result.json"]
    assert os.listdir(out / "figures") == ["mine.png"]
    assert (out / "result.json").read_text(encoding="utf-8") == "new"
    _write(out, ["result.json", "figures/two.png"], force=True)
    assert sorted(os.listdir(out / "figures")) == ["mine.png", "two.png"]
