#!/bin/sh
# Regenerates src/keyservice/proto.rs from proto/keyservice.proto with protox (a .proto parser
# in Rust) and tonic-prost-build, so neither this script nor `cargo install` needs protoc.
# A unit test (keyservice::tests) fails when the committed file is older than the .proto, the
# generator (proto/generate/src/main.rs) or its Cargo.lock.
set -eu
cd "$(dirname "$0")/.."
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}/proto-generate" \
    cargo run --quiet --manifest-path proto/generate/Cargo.toml
cargo fmt -- src/keyservice/proto.rs 2>/dev/null || true
