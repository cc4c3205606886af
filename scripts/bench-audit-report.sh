#!/usr/bin/env bash
# Times `sops-rs audit report` on a generated audit log of RECORDS records (default 1,000,000,
# about 0.9 GB) next to what only reading the same bytes costs (`wc -l`, `jq`), and prints one
# table: median wall and CPU time of RUNS runs (default 3), records per second, peak RSS.
#
#   scripts/bench-audit-report.sh
#   RECORDS=200000 RUNS=5 scripts/bench-audit-report.sh
#   SOPS_RS=target/release/sops-rs scripts/bench-audit-report.sh   # skip the build
#
# The log comes from scripts/gen-audit-log.py (kept in a temporary directory, removed at the end).
# Needs python3, GNU time (/usr/bin/time) and, for its row, jq.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
records=${RECORDS:-1000000}
runs=${RUNS:-3}
if [ -z "${SOPS_RS:-}" ]; then
  (cd "$root" && cargo build --release --quiet --no-default-features --features lean --bin sops-rs)
  SOPS_RS="${CARGO_TARGET_DIR:-$root/target}/release/sops-rs"
fi
[ -x /usr/bin/time ] || { echo "bench-audit-report: needs GNU time (/usr/bin/time)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/audit.jsonl"
python3 "$root/scripts/gen-audit-log.py" --records "$records" --out "$log"
bytes=$(stat -c %s "$log")
since=$(sed -n "$((records / 2))p" "$log" | sed 's/.*"ts":"\([^"]*\)".*/\1/')

# One row: label, then the command. Medians of the wall and CPU (user + system) times; the
# largest peak RSS. On a busy machine the CPU time is the steadier figure.
row() {
  local label=$1; shift
  local walls=() cpus=() rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" > /dev/null 2> "$work/stderr" \
      || { echo "bench-audit-report: $label failed:" >&2; cat "$work/stderr" >&2; exit 1; }
    read -r wall kb user sys < "$work/time"
    walls+=("$wall")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')")
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  local middle=$(( (runs + 1) / 2 )) wall cpu
  wall=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "${middle}p")
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "${middle}p")
  awk -v l="$label" -v t="$wall" -v c="$cpu" -v n="$records" -v r="$rss" \
    'BEGIN { rate = (t > 0) ? sprintf("%.0f", n / t) : "-";
             printf "| %-44s | %7.2f | %6.2f | %10s | %7.0f |\n", l, t, c, rate, r / 1024 }'
}

echo "audit log: $records records, $((bytes / 1000000)) MB; $(nproc) CPUs; median of $runs runs;" \
  "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| command                                      |  wall s |  CPU s |  records/s | RSS MiB |"
echo "|----------------------------------------------|---------|--------|------------|---------|"
row "wc -l (reading the bytes)" wc -l "$log"
row "sops-rs audit report (table)" "$SOPS_RS" audit report "$log"
row "sops-rs audit report --json" "$SOPS_RS" audit report --json "$log"
row "sops-rs audit report --since (half the log)" "$SOPS_RS" audit report --since "$since" "$log"
row "sops-rs audit report - (standard input)" sh -c '"$0" audit report - < "$1"' "$SOPS_RS" "$log"
if command -v jq > /dev/null; then
  row "jq: count decrypt.finish (one field)" \
    jq -c 'select(.event == "decrypt.finish") | .actor.user' "$log"
fi
