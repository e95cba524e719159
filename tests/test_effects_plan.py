"""Strike plans from YAML: good files load, bad ones say what and where."""

from pathlib import Path

import pytest

from brinkmanship.effects import load_plan
from brinkmanship.errors import UserError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_plan_loads(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "detonations:\n"
        "  - {target: Seoul, yield_kt: 250, burst: air}\n"
        "  - {lat: 35.18, lon: 129.08, yield_kt: 15, burst: surface}\n",
    )
    dets = load_plan(path)
    assert [d.yield_kt for d in dets] == [250.0, 15.0]
    assert dets[1].height() == 0.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("detonations: [ {target: Seoul, yield_kt: 10", "malformed YAML"),
        ("detonations: []", "non-empty list"),
        ("detonations:\n  - {target: Seoul}\n", r"detonations\[0\]: missing yield_kt"),
        ("detonations:\n  - {target: Seoul, yield_kt: 10, colour: red}\n", "unknown key"),
        ("detonations:\n  - {target: Atlantiss, yield_kt: 10}\n", r"detonations\[0\].target: unknown place"),
        ("detonations:\n  - {target: Seoul, yield_kt: ten}\n", r"detonations\[0\]"),
        ("- 3\n", r"detonations\[0\]: expected a mapping"),
        ("wind_kmh: 5\ndetonations: [{target: Seoul, yield_kt: 15}]", "unknown top-level key.* wind_kmh"),
        ("burst: surface\ndetonations: [{target: Seoul, yield_kt: 15}]", "unknown top-level key.* burst"),
        ("detonations: [{target: Seoul, lat: 1, lon: 2, yield_kt: 15}]", r"detonations\[0\]: give target"),
        ("detonations:\n  - {target: Seoul, lat: 1, yield_kt: 15}\n", r"detonations\[0\]: give target"),
    ],
)
def test_bad_plans_raise_user_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        load_plan(write(tmp_path, text))


def test_missing_plan_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read"):
        load_plan(tmp_path / "nope.yaml")


def test_plan_size_is_capped_before_any_work(tmp_path: Path) -> None:
    """A plan over the cap is refused at once, before any entry is read (the bad last entry would
    otherwise be named first)."""
    from brinkmanship.effects.plan import MAX_DETONATIONS

    entries = "".join("  - {target: Seoul, yield_kt: 15}\n" for _ in range(MAX_DETONATIONS))
    with pytest.raises(UserError, match=f"at most {MAX_DETONATIONS:,}"):
        load_plan(write(tmp_path, "detonations:\n" + entries + "  - {target: Atlantiss, yield_kt: 15}\n"))
    assert len(load_plan(write(tmp_path, "detonations:\n" + entries))) == MAX_DETONATIONS
