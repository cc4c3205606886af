#!/usr/bin/env bash
# Regenerates the committed shell completions and man pages (sops-rs.1 and one page per
# subcommand) from the CLI definition.
# tests/it/generated.rs fails when the committed files drift from what this writes.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=${CARGO_TARGET_DIR:-target}/debug/sops-rs
mkdir -p completions docs/man
$bin completion bash > completions/sops-rs.bash
$bin completion zsh > completions/_sops-rs
$bin completion fish > completions/sops-rs.fish
$bin completion elvish > completions/sops-rs.elv
$bin completion powershell > completions/_sops-rs.ps1
rm -f docs/man/*.1
$bin man --dir docs/man
echo "generated completions/ and docs/man/"
