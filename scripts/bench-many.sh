#!/usr/bin/env bash
# Many files at once (issue 22): sops-rs over N files in one call against the real sops 3.12.2
# run once per file in a shell loop, side by side.
#
#  1. updatekeys and rotate over N age-encrypted files (default 1,000; each file 20 values).
#  2. decrypt of N files wrapped by 10 distinct AWS KMS keys (N/10 files per key, the files of a
#     key sharing its wrapped data key, as files made with `sops set` from one file do), on moto
#     behind scripts/delay-proxy.py adding DELAY_MS (default 50) per request.
#
# Wall time of the whole batch (one run each: a loop of 1,000 sops processes is its own
# average); the files are fresh copies for each tool. sops-rs runs with its default pool
# (SOPS_RS_JOBS, default 4 workers per core). Ratios are sops / sops-rs.
#
# Usage: scripts/bench-many.sh               (builds target/release/sops-rs when missing)
#        N=200 DELAY_MS=50 scripts/bench-many.sh
#        SOPS_RS=/path/to/sops-rs scripts/bench-many.sh
#        SKIP_KMS=1 scripts/bench-many.sh    (only the age part)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
n=${N:-1000}
delay=${DELAY_MS:-50}
keys=10
sops="$tools/bin/sops"
rs=${SOPS_RS:-$root/target/release/sops-rs}
export SOPS_DISABLE_VERSION_CHECK=1

for tool in "$sops" "$tools/venv/bin/moto_server" "$tools/venv/bin/python"; do
  [ -x "$tool" ] || { echo "bench-many: $tool is missing: run scripts/install-test-deps.sh" >&2; exit 1; }
done
command -v age-keygen >/dev/null || { echo "bench-many: age-keygen is missing: run scripts/install-test-deps.sh" >&2; exit 1; }
if [ -z "${SOPS_RS:-}" ]; then
  (cd "$root" && cargo build --release --quiet --bin sops-rs)
fi

work=$(mktemp -d)
cd "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }
# Waits (polling) until FILE contains TEXT, for at most 60 s.
wait_for_line() {
  local file=$1 text=$2 i
  for i in $(seq 600); do
    grep -q "$text" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench-many: gave up waiting for '$text' in $file" >&2
  cat "$file" >&2
  exit 1
}
row() { printf '| %-44s | %10s | %10s | %8s |\n' "$@"; }

# --- 1. age: updatekeys and rotate ------------------------------------------------------------
age-keygen -o "$work/key1.txt" 2>/dev/null
age-keygen -o "$work/key2.txt" 2>/dev/null
r1=$(grep -o 'age1[0-9a-z]*' "$work/key1.txt")
r2=$(grep -o 'age1[0-9a-z]*' "$work/key2.txt")
export SOPS_AGE_KEY_FILE="$work/key1.txt"
mkdir -p "$work/plain" "$work/age"
"$tools/venv/bin/python" - "$work/plain" "$n" <<'EOF'
import sys
out, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(f"{out}/s{i:04d}.yaml", "w") as f:
        for k in range(20):
            f.write(f"key{k}: value {i} {k} {'x' * 16}\n")
EOF
(cd "$work/plain" && "$rs" encrypt --age "$r1" --output-dir "$work/age" ./*.yaml 2>/dev/null)
printf 'creation_rules:\n  - path_regex: .*\\.yaml$\n    age: %s,%s\n' "$r1" "$r2" > "$work/sops.yaml"

fresh() { rm -rf "$work/run"; cp -r "$work/age" "$work/run"; }
files() { find "$work/run" -name '*.yaml' | sort; }

fresh
start=$(now)
for f in $(files); do "$sops" --config "$work/sops.yaml" updatekeys -y "$f" >/dev/null 2>&1; done
sops_updatekeys=$(elapsed "$start" "$(now)")
grep -q "$r2" "$(files | head -1)" || { echo "bench-many: sops updatekeys did not add the key" >&2; exit 1; }

fresh
start=$(now)
"$rs" --config "$work/sops.yaml" updatekeys -y $(files) >/dev/null 2>&1
rs_updatekeys=$(elapsed "$start" "$(now)")
[ "$(grep -l "$r2" $(files) | wc -l)" -eq "$n" ] || { echo "bench-many: sops-rs updatekeys missed files" >&2; exit 1; }

fresh
start=$(now)
for f in $(files); do "$sops" rotate -i "$f" >/dev/null 2>&1; done
sops_rotate=$(elapsed "$start" "$(now)")

fresh
before=$(sha256sum $(files) | sha256sum)
start=$(now)
"$rs" rotate -i $(files) 2>/dev/null
rs_rotate=$(elapsed "$start" "$(now)")
[ "$(sha256sum $(files) | sha256sum)" != "$before" ] || { echo "bench-many: sops-rs rotate changed nothing" >&2; exit 1; }

# --- 2. AWS KMS on moto behind the delay proxy: decrypt -----------------------------------------
kms_part() {
port=$("$tools/venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$tools/venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
pids+=($!)
wait_for_line "$work/moto.log" "Running on"
python3 "$root/scripts/delay-proxy.py" --listen 127.0.0.1:0 --upstream "127.0.0.1:$port" \
  --delay-ms "$delay" >"$work/proxy.log" 2>&1 &
pids+=($!)
wait_for_line "$work/proxy.log" "listening on"
proxy_port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$work/proxy.log")
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
  AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
unset SOPS_AGE_KEY_FILE
arns=$("$tools/venv/bin/python" - "http://127.0.0.1:$port" "$keys" <<'EOF'
import sys, boto3
kms = boto3.client("kms", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
for _ in range(int(sys.argv[2])):
    print(kms.create_key()["KeyMetadata"]["Arn"])
EOF
)
mkdir -p "$work/kms"
per_key=$(( n / keys ))
index=0
for arn in $arns; do
  base="$work/kms/k${index}-0000.enc.yaml"
  AWS_ENDPOINT_URL="http://127.0.0.1:$port" "$rs" encrypt --kms "$arn" \
    "$work/plain/s0000.yaml" > "$base"
  for i in $(seq 1 $(( per_key - 1 ))); do
    cp "$base" "$work/kms/k${index}-$(printf %04d "$i").enc.yaml"
  done
  index=$(( index + 1 ))
done
# Each copy gets a value of its own under the same data key (as `sops set` would).
AWS_ENDPOINT_URL="http://127.0.0.1:$port" "$tools/venv/bin/python" - "$rs" "$work/kms" <<'EOF'
import os, subprocess, sys
rs, directory = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(directory)):
    if not name.endswith("-0000.enc.yaml"):
        subprocess.run([rs, "set", os.path.join(directory, name), '["serial"]', f'"{name}"'],
                       check=True)
EOF
kms_files=$(find "$work/kms" -name '*.yaml' | sort)
export AWS_ENDPOINT_URL="http://127.0.0.1:$proxy_port"

start=$(now)
for f in $kms_files; do "$sops" decrypt "$f" >/dev/null; done
sops_decrypt=$(elapsed "$start" "$(now)")

start=$(now)
"$rs" decrypt $kms_files >/dev/null 2>"$work/rs-decrypt.log"
rs_decrypt=$(elapsed "$start" "$(now)")

start=$(now)
"$sops" decrypt "$(echo "$kms_files" | head -1)" >/dev/null
sops_one=$(elapsed "$start" "$(now)")
}
[ -n "${SKIP_KMS:-}" ] || kms_part

echo
echo "Many files: $n files, $(nproc) cores; real sops 3.12.2 once per file in a shell loop vs one sops-rs call"
echo
row "operation" "sops loop" "sops-rs" "speed-up"
row "--------------------------------------------" "----------" "----------" "--------"
row "updatekeys -y, $n age files" "${sops_updatekeys} s" "${rs_updatekeys} s" "$(ratio "$sops_updatekeys" "$rs_updatekeys")"
row "rotate -i, $n age files" "${sops_rotate} s" "${rs_rotate} s" "$(ratio "$sops_rotate" "$rs_rotate")"
if [ -z "${SKIP_KMS:-}" ]; then
  row "decrypt, $n files, $keys KMS keys, +${delay} ms" "${sops_decrypt} s" "${rs_decrypt} s" "$(ratio "$sops_decrypt" "$rs_decrypt")"
  echo
  echo "(one sops decrypt of one KMS file through the proxy: ${sops_one} s)"
fi
