#!/usr/bin/env bash
# Side-by-side timing of sops, rops and sops-rs (issue 8): encrypt and decrypt of the reference
# corpus (500 maps x (40 strings + 10 ints) = 25,000 leaves, one age recipient), decrypt of a
# 4-line file, and the sops-rs scaling series (1k, 10k, 100k, 1M leaves; 100 MB with BIG=1).
# Wall time is the median of RUNS runs (default 5); CPU is user+system of the median run;
# peak RSS is the largest of the runs, all from GNU time. Ratios are sops-rs / other.
#
# Usage: scripts/compare.sh            (installs sops and rops into .tools/ when missing)
#        RUNS=3 SKIP_SCALING=1 scripts/compare.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
runs=${RUNS:-5}
export SOPS_DISABLE_VERSION_CHECK=1

"$root/scripts/install-test-deps.sh" >/dev/null
command -v age-keygen >/dev/null || { echo "compare: age-keygen missing" >&2; exit 1; }
if ! [ -x /usr/bin/time ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y -qq time >/dev/null
fi
if ! [ -x "$tools/bin/rops" ]; then
  echo "compare: installing rops-cli into $tools (takes a few minutes)" >&2
  cargo install rops-cli --locked --root "$tools"
fi
(cd "$root" && cargo build --release --quiet)

sops="$tools/bin/sops"
rops="$tools/bin/rops"
rs="$root/target/release/sops-rs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

age-keygen -o "$work/key.txt" 2>/dev/null
recipient=$(grep -o 'age1[0-9a-z]*' "$work/key.txt" | head -1)
export SOPS_AGE_KEY_FILE="$work/key.txt"
export ROPS_AGE
ROPS_AGE=$(grep '^AGE-SECRET-KEY' "$work/key.txt")

python3 "$root/scripts/gen_corpus.py" 25000 > "$work/corpus.yaml"
printf 'db:\n    user: admin\n    password: hunter2\nport: 5432\n' > "$work/small.yaml"

# measure NAME CMD...: runs CMD $runs times (stdout discarded) and prints
# "median_wall cpu_of_median_run max_rss_kib".
measure() {
  local out="$work/times" i
  : > "$out"
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f '%e %U %S %M' -a -o "$out" "$@" >/dev/null
  done
  sort -n -k1,1 "$out" | awk -v n="$runs" '
    { w[NR] = $1; c[NR] = $2 + $3; if ($4 > m) m = $4 }
    END { k = int((n + 1) / 2); printf "%.3f %.3f %d\n", w[k], c[k], m }'
}

# Encrypted inputs for each tool.
"$sops" encrypt --age "$recipient" "$work/corpus.yaml" > "$work/corpus.sops.yaml"
"$rs" encrypt --age "$recipient" "$work/corpus.yaml" > "$work/corpus.rs.yaml"
"$rops" encrypt --age "$recipient" -f yaml < "$work/corpus.yaml" > "$work/corpus.rops.yaml"
"$sops" encrypt --age "$recipient" "$work/small.yaml" > "$work/small.sops.yaml"
"$rs" encrypt --age "$recipient" "$work/small.yaml" > "$work/small.rs.yaml"
"$rops" encrypt --age "$recipient" -f yaml < "$work/small.yaml" > "$work/small.rops.yaml"

# The rops runs go through a shell for the stdin redirection (rops needs a TTY for a path).
declare -A result
result[sops,enc]=$(measure "$sops" encrypt --age "$recipient" "$work/corpus.yaml")
result[rops,enc]=$(measure sh -c "'$rops' encrypt --age '$recipient' -f yaml < '$work/corpus.yaml'")
result[rs,enc]=$(measure "$rs" encrypt --age "$recipient" "$work/corpus.yaml")
result[sops,dec]=$(measure "$sops" decrypt "$work/corpus.sops.yaml")
result[rops,dec]=$(measure sh -c "'$rops' decrypt -f yaml < '$work/corpus.rops.yaml'")
result[rs,dec]=$(measure "$rs" decrypt "$work/corpus.rs.yaml")
result[sops,small]=$(measure "$sops" decrypt "$work/small.sops.yaml")
result[rops,small]=$(measure sh -c "'$rops' decrypt -f yaml < '$work/small.rops.yaml'")
result[rs,small]=$(measure "$rs" decrypt "$work/small.rs.yaml")

echo "# $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
  "$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), load:$(uptime | sed 's/.*load average://')"
echo "# corpus: $(wc -c < "$work/corpus.yaml") bytes, 25,000 leaves; $runs runs each"
echo
printf '| %-16s | %-7s | %9s | %9s | %10s | %13s | %13s |\n' \
  operation tool "wall (s)" "CPU (s)" "peak MiB" "sops-rs/sops" "sops-rs/rops"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' ------------------ --------- ----------- ----------- \
  ------------ --------------- ---------------
for op in enc dec small; do
  case $op in
    enc) label="encrypt corpus" ;;
    dec) label="decrypt corpus" ;;
    small) label="decrypt 4 lines" ;;
  esac
  read -r rw _ _ <<< "${result[rs,$op]}"
  read -r sw _ _ <<< "${result[sops,$op]}"
  read -r ow _ _ <<< "${result[rops,$op]}"
  for tool in sops rops rs; do
    read -r w c m <<< "${result[$tool,$op]}"
    name=$tool; [ "$tool" = rs ] && name=sops-rs
    vs_sops=""; vs_rops=""
    if [ "$tool" = rs ]; then
      vs_sops=$(awk -v a="$rw" -v b="$sw" 'BEGIN { printf "%.3f (1/%.0f)", a / b, b / a }')
      vs_rops=$(awk -v a="$rw" -v b="$ow" 'BEGIN { printf "%.3f (1/%.1f)", a / b, b / a }')
    fi
    printf '| %-16s | %-7s | %9s | %9s | %10.1f | %13s | %13s |\n' \
      "$label" "$name" "$w" "$c" "$(awk -v k="$m" 'BEGIN { print k / 1024 }')" "$vs_sops" "$vs_rops"
  done
done

[ -n "${SKIP_SCALING:-}" ] && exit 0
echo
echo "# sops-rs scaling (median of $runs; file MiB, wall s, CPU s, peak MiB, peak/file)"
printf '| %9s | %9s | %-8s | %9s | %9s | %9s | %9s |\n' leaves "file MiB" op "wall (s)" "CPU (s)" "peak MiB" "peak/file"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' ----------- ----------- ---------- ----------- ----------- ----------- -----------
sizes="1000 10000 100000 1000000"
[ -n "${BIG:-}" ] && sizes="$sizes 3300000"
for leaves in $sizes; do
  python3 "$root/scripts/gen_corpus.py" "$leaves" > "$work/scale.yaml"
  "$rs" encrypt --age "$recipient" "$work/scale.yaml" > "$work/scale.enc.yaml"
  mib=$(awk -v b="$(wc -c < "$work/scale.yaml")" 'BEGIN { printf "%.2f", b / 1048576 }')
  for op in encrypt decrypt; do
    if [ $op = encrypt ]; then
      read -r w c m <<< "$(measure "$rs" encrypt --age "$recipient" "$work/scale.yaml")"
    else
      read -r w c m <<< "$(measure "$rs" decrypt "$work/scale.enc.yaml")"
    fi
    # Peak against the file the command reads (the encrypted one for decrypt).
    [ $op = decrypt ] && mib_in=$(awk -v b="$(wc -c < "$work/scale.enc.yaml")" 'BEGIN { printf "%.2f", b / 1048576 }') || mib_in=$mib
    printf '| %9s | %9s | %-8s | %9s | %9s | %9.1f | %9.2f |\n' "$leaves" "$mib_in" $op "$w" "$c" \
      "$(awk -v k="$m" 'BEGIN { print k / 1024 }')" "$(awk -v k="$m" -v f="$mib_in" 'BEGIN { print k / 1024 / f }')"
  done
done
