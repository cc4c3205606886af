#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what the tests need (age, gnupg, the real
# sops binary), then runs every test. Tests never skip: a missing tool fails them.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-test-deps.sh
cargo test --all-targets --locked "$@"
