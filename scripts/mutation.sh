#!/usr/bin/env bash
# Mutation testing of src/brinkmanship/model/ and the scenario compilation with mutmut (configured in
# pyproject.toml, [tool.mutmut]). Not part of CI: it takes tens of minutes on two cores.
# Writes the summary to mutants/summary.txt; docs/mutation.md records the last run and every survivor.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pip install --quiet "mutmut>=3.3"
rm -rf mutants
.venv/bin/mutmut run --max-children "${MUTMUT_CHILDREN:-2}" || true
.venv/bin/mutmut results --all true > mutants/summary.txt || true
grep -c ": killed" mutants/summary.txt | xargs echo killed:
grep -v ": killed" mutants/summary.txt | sed 's/^/  /'
