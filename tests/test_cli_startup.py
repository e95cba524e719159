"""`brink --help`, a command's help, `brink scenarios` and a refused option start without the model's heavy
libraries: importing them all took about 3 s of CPU before the first line of help. The commands import
them when they run (brinkmanship.cli_engine and the other command modules)."""

import json
import subprocess
import sys

HEAVY = ("scipy", "pandas", "SALib", "matplotlib", "emcee", "numba", "pyarrow", "dask", "sklearn")

# In a fresh interpreter (the test session has imported everything already): each request in turn, and the
# heavy modules in sys.modules after it; the first request that imported one is the culprit.
PROBE = """
import contextlib, io, json, sys

import typer

from brinkmanship.cli import app, main

heavy = json.loads(sys.argv[1])
# (arguments, exit code): help, the list of scenarios, an option refused while parsing and one refused
# before the command loads anything
requests = [
    (["--help"], 0),
    (["scenarios"], 0),
    (["run", "korea-2017", "--runs", "abc"], 2),
    (["run", "korea-2017", "--force"], 2),
]


def walk(command, prefix):
    for name, sub in getattr(command, "commands", {}).items():
        requests.append(([*prefix, name, "--help"], 0))
        walk(sub, [*prefix, name])


walk(typer.main.get_command(app), [])
report = []
for request, expected in requests:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(request)
    report.append([request, code, expected, [name for name in heavy if name in sys.modules]])
print(json.dumps(report))
"""


def test_help_scenarios_and_refusals_import_no_heavy_library() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(HEAVY)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert len(report) > 15  # every command's help was asked for
    for request, code, expected, imported in report:
        assert code == expected, (request, code)
        assert imported == [], f"brink {' '.join(request)} imported {', '.join(imported)}"
