#!/usr/bin/env bash
# Side-by-side timing of sops, rops and sops-rs (issue 8): encrypt and decrypt of the reference
# corpus (500 maps x (40 strings + 10 ints) = 25,000 leaves, one age recipient), decrypt of a
# 4-line file, and the sops-rs scaling series (1k, 10k, 100k, 1M leaves; ~100 MB with BIG=1).
#
# Wall time is hyperfine's median (RUNS runs for the corpus, default 5; SMALL_RUNS for the 4-line
# file, default 50; two warm-up runs each), CPU is hyperfine's mean user+system, peak RSS is the
# largest of three GNU time runs. Every command goes through `sh -c` (rops needs its input on
# stdin), and hyperfine subtracts the shell's own start-up. Ratios are sops-rs / other.
# The 4-line rows add "age-only" (examples/age_unwrap_floor.rs): a program that only unwraps the
# data key with the age crate, the floor under any age-based tool's small decrypt.
#
# Usage: scripts/compare.sh            (installs sops, rops, hyperfine and GNU time when missing)
#        RUNS=3 SKIP_SCALING=1 scripts/compare.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
runs=${RUNS:-5}
small_runs=${SMALL_RUNS:-50}
export SOPS_DISABLE_VERSION_CHECK=1

"$root/scripts/install-test-deps.sh" >/dev/null
need_apt=()
command -v hyperfine >/dev/null || need_apt+=(hyperfine)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if ! [ -x "$tools/bin/rops" ]; then
  echo "compare: installing rops-cli 0.1.7 into $tools (takes a few minutes)" >&2
  cargo install rops-cli --version 0.1.7 --locked --root "$tools"
fi
(cd "$root" && cargo build --release --quiet --bin sops-rs --example age_unwrap_floor)

sops="$tools/bin/sops"
rops="$tools/bin/rops"
rs="$root/target/release/sops-rs"
floor="$root/target/release/examples/age_unwrap_floor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

age-keygen -o "$work/key.txt" 2>/dev/null
recipient=$(grep -o 'age1[0-9a-z]*' "$work/key.txt" | head -1)
export SOPS_AGE_KEY_FILE="$work/key.txt"
export ROPS_AGE
ROPS_AGE=$(grep '^AGE-SECRET-KEY' "$work/key.txt")

python3 "$root/scripts/gen_corpus.py" 25000 > "$work/corpus.yaml"
printf 'db:\n    user: admin\n    password: hunter2\nport: 5432\n' > "$work/small.yaml"

# measure RUNS COMMAND: prints "median_wall_s mean_cpu_s max_rss_kib" for the shell COMMAND.
measure() {
  local n="$1" command="$2" json="$work/hyperfine.json" rss=0 m i
  hyperfine --shell sh --warmup 2 --runs "$n" --style none --export-json "$json" "$command" \
    >/dev/null
  for ((i = 0; i < 3; i++)); do
    /usr/bin/time -f '%M' -o "$work/rss" sh -c "exec $command" >/dev/null
    m=$(tail -1 "$work/rss")
    ((m > rss)) && rss=$m
  done
  python3 - "$json" "$rss" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"{r['median']:.5f} {r['user'] + r['system']:.5f} {sys.argv[2]}")
EOF
}

# Encrypted inputs for each tool.
"$sops" encrypt --age "$recipient" "$work/corpus.yaml" > "$work/corpus.sops.yaml"
"$rs" encrypt --age "$recipient" "$work/corpus.yaml" > "$work/corpus.rs.yaml"
"$rops" encrypt --age "$recipient" -f yaml < "$work/corpus.yaml" > "$work/corpus.rops.yaml"
"$sops" encrypt --age "$recipient" "$work/small.yaml" > "$work/small.sops.yaml"
"$rs" encrypt --age "$recipient" "$work/small.yaml" > "$work/small.rs.yaml"
"$rops" encrypt --age "$recipient" -f yaml < "$work/small.yaml" > "$work/small.rops.yaml"
# Each tool must read what it wrote, and sops-rs must read what sops wrote.
"$rs" decrypt "$work/corpus.sops.yaml" | cmp -s - <("$sops" decrypt "$work/corpus.sops.yaml") ||
  { echo "compare: sops-rs and sops disagree on the corpus" >&2; exit 1; }

declare -A result
result[sops,enc]=$(measure "$runs" "'$sops' encrypt --age $recipient '$work/corpus.yaml'")
result[rops,enc]=$(measure "$runs" "'$rops' encrypt --age $recipient -f yaml < '$work/corpus.yaml'")
result[rs,enc]=$(measure "$runs" "'$rs' encrypt --age $recipient '$work/corpus.yaml'")
result[sops,dec]=$(measure "$runs" "'$sops' decrypt '$work/corpus.sops.yaml'")
result[rops,dec]=$(measure "$runs" "'$rops' decrypt -f yaml < '$work/corpus.rops.yaml'")
result[rs,dec]=$(measure "$runs" "'$rs' decrypt '$work/corpus.rs.yaml'")
result[sops,small]=$(measure "$small_runs" "'$sops' decrypt '$work/small.sops.yaml'")
result[rops,small]=$(measure "$small_runs" "'$rops' decrypt -f yaml < '$work/small.rops.yaml'")
result[rs,small]=$(measure "$small_runs" "'$rs' decrypt '$work/small.rs.yaml'")
result[floor,small]=$(measure "$small_runs" "'$floor' '$work/small.rs.yaml'")

echo "# $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
  "$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), load:$(uptime | sed 's/.*load average://')"
echo "# corpus: $(wc -c < "$work/corpus.yaml") bytes, 25,000 leaves; median of $runs runs" \
  "($small_runs for the 4-line file); sops $("$sops" --version 2>/dev/null | head -1 | awk '{print $2}'),"\
  "rops $(grep -o 'rops-cli [0-9.]*' "$tools/.crates.toml" | awk '{print $2}'), sops-rs $("$rs" --version | awk '{print $2}')"
echo
printf '| %-15s | %-7s | %9s | %9s | %8s | %14s | %14s |\n' \
  operation tool "wall (ms)" "CPU (ms)" "peak MiB" "sops-rs/sops" "sops-rs/rops"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' ----------------- --------- ----------: ----------: \
  ---------: ---------------: ---------------:
for op in enc dec small; do
  case $op in
    enc) label="encrypt corpus" ;;
    dec) label="decrypt corpus" ;;
    small) label="decrypt 4 lines" ;;
  esac
  read -r sw _ _ <<< "${result[sops,$op]}"
  read -r ow _ _ <<< "${result[rops,$op]}"
  tools_in_row="sops rops rs"; [ $op = small ] && tools_in_row="sops rops rs floor"
  for tool in $tools_in_row; do
    read -r w c m <<< "${result[$tool,$op]}"
    name=$tool; [ "$tool" = rs ] && name=sops-rs; [ "$tool" = floor ] && name=age-only
    vs_sops=""; vs_rops=""
    if [ "$tool" = rs ] || [ "$tool" = floor ]; then
      read -r rw _ _ <<< "${result[$tool,$op]}"
      vs_sops=$(awk -v a="$rw" -v b="$sw" 'BEGIN { printf "%.3f (1/%.0f)", a / b, b / a }')
      vs_rops=$(awk -v a="$rw" -v b="$ow" 'BEGIN { printf "%.3f (1/%.1f)", a / b, b / a }')
    fi
    printf '| %-15s | %-7s | %9.1f | %9.1f | %8.1f | %14s | %14s |\n' "$label" "$name" \
      "$(awk -v s="$w" 'BEGIN { print s * 1000 }')" "$(awk -v s="$c" 'BEGIN { print s * 1000 }')" \
      "$(awk -v k="$m" 'BEGIN { print k / 1024 }')" "$vs_sops" "$vs_rops"
  done
done

[ -n "${SKIP_SCALING:-}" ] && exit 0
echo
echo "# sops-rs scaling: median of $runs; plain/encrypted file sizes; peak RSS against both"
printf '| %9s | %-7s | %10s | %10s | %9s | %8s | %8s | %9s | %9s | %11s |\n' leaves op \
  "plain MiB" "enc MiB" "wall (s)" "CPU (s)" "µs/leaf" "peak MiB" "/plain" "/encrypted"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' ----------: --------- -----------: -----------: \
  ----------: ---------: ---------: ----------: ----------: ------------:
sizes="1000 10000 100000 1000000"
[ -n "${BIG:-}" ] && sizes="$sizes 3300000"
for leaves in $sizes; do
  python3 "$root/scripts/gen_corpus.py" "$leaves" > "$work/scale.yaml"
  "$rs" encrypt --age "$recipient" "$work/scale.yaml" > "$work/scale.enc.yaml"
  plain=$(wc -c < "$work/scale.yaml")
  enc=$(wc -c < "$work/scale.enc.yaml")
  n=$runs; [ "$leaves" -ge 1000000 ] && n=3
  for op in encrypt decrypt; do
    if [ $op = encrypt ]; then
      read -r w c m <<< "$(measure "$n" "'$rs' encrypt --age $recipient '$work/scale.yaml'")"
    else
      read -r w c m <<< "$(measure "$n" "'$rs' decrypt '$work/scale.enc.yaml'")"
    fi
    awk -v l="$leaves" -v op=$op -v p="$plain" -v e="$enc" -v w="$w" -v c="$c" -v m="$m" 'BEGIN {
      mib = 1048576
      printf "| %9d | %-7s | %10.2f | %10.2f | %9.3f | %8.3f | %8.2f | %9.1f | %9.1f | %11.2f |\n",
        l, op, p / mib, e / mib, w, c, w * 1e6 / l, m / 1024, m * 1024 / p, m * 1024 / e }'
  done
done
