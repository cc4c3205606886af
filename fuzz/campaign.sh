#!/usr/bin/env bash
# Runs every cargo-fuzz target for a time budget and prints one Markdown row per target:
# executions, libFuzzer's final coverage (`cov:` edges, `ft:` features), corpus size and
# crashes. The figures in docs/fuzzing.md come from this script.
#
# Usage: fuzz/campaign.sh [SECONDS_PER_TARGET] [PARALLEL_TARGETS]     (defaults: 300, 2)
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); seeds the corpora with fuzz/seed.sh.
set -euo pipefail
fuzz_dir="$(cd "$(dirname "$0")" && pwd)"
budget="${1:-300}"
parallel="${2:-2}"
targets=(parse_yaml parse_yaml_fast parse_json parse_toml parse_ini parse_dotenv enc_value metadata config decrypt)
logs="$fuzz_dir/logs"
mkdir -p "$logs"

"$fuzz_dir/seed.sh" >/dev/null
cd "$fuzz_dir"
# The stable toolchain needs RUSTC_BOOTSTRAP for the sanitizer flags cargo-fuzz passes.
export RUSTC_BOOTSTRAP=1
if ! cargo fuzz build -O > "$logs/build.log" 2>&1; then
  tail -20 "$logs/build.log" >&2
  echo "campaign: cargo fuzz build failed (whole log: $logs/build.log)" >&2
  exit 1
fi

run_one() {
  local t="$1"
  mkdir -p "artifacts/$t"
  cargo fuzz run -O "$t" "corpus/$t" -- -max_total_time="$budget" -rss_limit_mb=4096 \
    -timeout=10 -print_final_stats=1 > "$logs/$t.log" 2>&1 || true
}

running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

echo "| target | seconds | executions | exec/s | cov (edges) | ft (features) | corpus | crashes |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for t in "${targets[@]}"; do
  log="$logs/$t.log"
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*' || echo "?")
  ft=$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*' || echo "?")
  corpus=$(ls "corpus/$t" | wc -l)
  crashes=$(ls "artifacts/$t" 2>/dev/null | wc -l)
  echo "| $t | $budget | $execs | $rate | $cov | $ft | $corpus | $crashes |"
done
