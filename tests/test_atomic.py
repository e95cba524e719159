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


@pytest.mark.parametrize("force", [False, True])
def test_a_file_where_a_result_folder_belongs_says_remove_it_with_or_without_force(
    tmp_path: Path, force: bool
) -> None:
    """A file named `figures` in the folder was reported as figures "from an earlier run; add --force",
    and --force then said it was a file where a result folder belongs: --force cannot help, so the first
    answer already says what can (remove it), and nothing is hinted about --force."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "figures").write_text("x", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        _write(out, ["result.json", "figures/one.png"], force=force)
    message = str(caught.value)
    assert "figures is a file where a result folder belongs; remove it first" in message
    assert "--force" not in message and "earlier run" not in message
    assert (out / "figures").read_text(encoding="utf-8") == "x"
    assert sorted(os.listdir(out)) == ["figures"]
