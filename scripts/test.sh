#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what the tests need (age, gnupg, the real
# sops binary), then runs every test. Tests never skip: a missing tool fails them.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-test-deps.sh
# The suite's vectors are the fixture tiers in fixtures/ (written by sops 3.12.2 and 3.11.0); the
# older upstream files beside the clone are an extra tier that runs whenever it is there.
upstream="${SOPS_RS_VECTORS:-../shared/vectors/sops}"
if [ -f "$upstream/manifest.json" ]; then
  echo "upstream vector tier: $upstream (runs)"
else
  echo "upstream vector tier: $upstream is not there; the fixture tiers run, the upstream tier does not"
fi
# The wheel test installs the wheel this builds. It is built before the tests run, not by a test:
# maturin relinks target/debug/sops-rs, which other tests are running at the same time.
./scripts/build-wheel.sh --profile dev
# Every target but the examples: they are measuring sticks with no tests (clippy checks them), and
# an empty harness run would be the last result line printed.
cargo test --lib --bins --tests --benches --locked "$@"
