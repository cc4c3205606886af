#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ (ignored by git) with seed inputs: the repository's fixtures, the
# shared sops vectors (../shared/vectors/sops, or $SOPS_RS_VECTORS) copied at run time, a few
# inline documents, and files encrypted by sops-rs to the fuzzing age recipient
# (sops_rs::fuzzing::FUZZ_AGE_RECIPIENT) so that the decrypt target reaches the MAC check.
#
# Usage: fuzz/seed.sh   (run from anywhere; builds target/debug/sops-rs when missing)
set -euo pipefail

fuzz_dir="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$fuzz_dir")"
vectors="${SOPS_RS_VECTORS:-$repo/../shared/vectors/sops}"
corpus="$fuzz_dir/corpus"
recipient="age1lk00ad6ajy4dstqd0xatnt0c4zqt50pwdem7vmxtj6gpluxg84qq2s546y"
bin="$repo/target/debug/sops-rs"
[ -x "$bin" ] || (cd "$repo" && cargo build --bin sops-rs)

targets=(parse_yaml parse_yaml_fast parse_json parse_toml parse_ini parse_dotenv enc_value metadata config decrypt)
for t in "${targets[@]}"; do mkdir -p "$corpus/$t"; done

# Copies files into a target's corpus under a name derived from their path.
add() {
    local target="$1"
    shift
    local f
    for f in "$@"; do
        [ -f "$f" ] || continue
        cp "$f" "$corpus/$target/$(echo "$f" | sed 's|.*/\(.*/.*\)$|\1|; s|/|_|g')"
    done
}

files() { find "$repo/fixtures" "$vectors" -type f -name "$1" 2>/dev/null || true; }

add parse_yaml $(files '*.yaml')
add parse_yaml_fast $(files '*.yaml')
add parse_json $(files '*.json' | grep -v '\.plain\.json$\|\.typed\.json$\|cases\.json$\|manifest\.json$' || true)
add parse_ini $(files '*.ini')
add parse_dotenv $(files '*.env')
add metadata $(files '*.yaml') $(files '*.json')
add config $(find "$vectors" "$repo/fixtures" -type f -name '*sops.yaml' 2>/dev/null || true)

cat > "$corpus/parse_toml/inline.toml" <<'EOF'
# a comment
title = "x" # inline
n = 1
f = 1.5e3
t = 1979-05-27T07:32:00Z
d = 1979-05-27
a = [1, [2, "three"], { x = true }]
[server]
host.name = 'h'
[[servers]]
ip = "10.0.0.1"
[[servers]]
ip = """multi
line"""
EOF
cat > "$corpus/config/rules.yaml" <<'EOF'
creation_rules:
  - path_regex: \.prod\.yaml$
    encrypted_regex: ^(data|stringData)$
    key_groups:
      - age:
          - age1lk00ad6ajy4dstqd0xatnt0c4zqt50pwdem7vmxtj6gpluxg84qq2s546y
        pgp:
          - FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4
    shamir_threshold: 1
  - age: age1lk00ad6ajy4dstqd0xatnt0c4zqt50pwdem7vmxtj6gpluxg84qq2s546y
    unencrypted_suffix: _clear
stores:
  yaml:
    indent: 2
  json:
    indent: 4
destination_rules:
  - s3_bucket: b
    path_regex: .*
EOF

# ENC values, one per file, with a tree path as additional data on the second line.
n=0
for v in $(grep -rhoa 'ENC\[AES256_GCM,[^]]*\]' "$vectors" 2>/dev/null | head -200 || true); do
    n=$((n + 1))
    printf '%s\nkey:' "$v" > "$corpus/enc_value/v$n"
done

# Encrypted to the fuzzing recipient; the first byte picks the format (see split_format).
encrypt() {
    local index="$1" src="$2" type="$3" name
    name="$(basename "$src")"
    if out="$(SOPS_DISABLE_VERSION_CHECK=1 "$bin" encrypt --age "$recipient" \
        --input-type "$type" --output-type "$type" "$src" 2>/dev/null)"; then
        { printf "\\x$(printf '%02x' "$index")"; printf '%s\n' "$out"; } > "$corpus/decrypt/$type-$name"
        cp "$corpus/decrypt/$type-$name" "$corpus/metadata/enc-$type-$name"
    fi
}
for f in $(files '*.yaml' | grep '/inputs/\|/plain/' || true); do encrypt 0 "$f" yaml; done
for f in "$corpus"/decrypt/yaml-*; do
    [ -f "$f" ] && tail -c +2 "$f" > "$corpus/parse_yaml_fast/$(basename "$f")"
done
for f in $(files '*.json' | grep '/plain/' || true) "$vectors/generated/sops-3.12.2/inputs/types.json"; do
    [ -f "$f" ] && encrypt 1 "$f" json
done
encrypt 2 "$corpus/parse_toml/inline.toml" toml
for f in $(files '*.ini' | grep '/inputs/' || true); do encrypt 3 "$f" ini; done
for f in $(files '*.env' | grep '/inputs/' || true); do encrypt 4 "$f" dotenv; done
for f in $(files '*.bin' | grep '/inputs/' || true); do encrypt 5 "$f" binary; done

for t in "${targets[@]}"; do
    echo "$t: $(find "$corpus/$t" -type f | wc -l) seeds"
done
