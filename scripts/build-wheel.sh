#!/usr/bin/env bash
# Builds the Python wheel that carries the sops-rs binary (pyproject.toml, maturin's `bin`
# bindings) into target/wheels/. Arguments go to `maturin build`; the default is an optimised
# build (`--release`); WHEEL_OUT names another output directory. The tests pass `--profile dev`
# to reuse their debug build.
#   ./scripts/build-wheel.sh                 # release wheel for this machine
#   pipx install target/wheels/sops_rs-*.whl
set -euo pipefail
cd "$(dirname "$0")/.."
maturin_version=1.16.0
venv=.tools/venv
if [ ! -x "$venv/bin/maturin" ] || [ "$("$venv/bin/maturin" --version)" != "maturin $maturin_version" ]; then
  echo "build-wheel: installing maturin $maturin_version into $venv" >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "maturin==$maturin_version"
fi
if [ "$#" -eq 0 ]; then
  set -- --release
fi
echo "build-wheel: maturin build $* (a release build compiles every dependency: minutes)" >&2
"$venv/bin/maturin" build --locked --out "${WHEEL_OUT:-target/wheels}" "$@"
