#!/usr/bin/env bash
# Creates .tools/venv inside the clone (never outside it) and installs the given PyPI requirements
# into it when missing. Idempotent: a second call with the same requirements does nothing.
# pip runs as `python -m pip`, so a venv copied from another clone (whose script shebangs name that
# clone's interpreter) still installs into this one.
# Usage: scripts/ensure-venv.sh 'moto[server]' cfn-lint
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.tools/venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
fi
missing=()
for req in "$@"; do
  name="${req%%[*}"; name="${name%%[<>=]*}"
  "$venv/bin/python" -m pip show --quiet "$name" >/dev/null 2>&1 || missing+=("$req")
done
if [ "${#missing[@]}" -gt 0 ]; then
  "$venv/bin/python" -m pip install --quiet "${missing[@]}"
fi
echo "$venv"
