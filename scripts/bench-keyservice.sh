#!/usr/bin/env bash
# The caching key agent against direct decrypts (issue 21's targets), side by side:
#  (a) one Vault-Transit-wrapped file (real OpenBao) decrypted N_VAULT times (default 100):
#      sops-rs directly vs sops-rs through a warm agent (`sops-rs keyservice --cache-ttl`);
#  (b) 50 ms added in front of AWS KMS (moto behind scripts/delay-proxy.py): KMS_ROUNDS rounds
#      (default 10) over KMS_FILES distinct files (default 20), i.e. 200 decrypts: the real
#      sops 3.12.2 directly vs sops-rs through the agent, twice: cold (the agent starts empty
#      and the first round fills its cache: 20 provider calls) and warm (the same 200 decrypts
#      again within the cache's TTL, as a second job or stage served by a long-running agent
#      would run them: no provider call); sops-rs directly is shown too;
#  (c) an age-only file decrypted N_AGE times (default 200): sops-rs with the age key vs sops-rs
#      through a warm agent holding it; the difference per decrypt is the agent's overhead.
# Every decrypt is one process, run one after the other; times are wall clock around each loop,
# whose environment is cleared once (see time_clean), the median of REPEAT loops (default 3).
# Clients going through the agent have no provider credentials and run with
# --enable-local-keyservice=false, as a CI job using the agent would.
#
# Usage: scripts/bench-keyservice.sh        (builds target/release/sops-rs)
#        SOPS_RS=path/to/sops-rs N_VAULT=20 scripts/bench-keyservice.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
n_vault=${N_VAULT:-100}
kms_files=${KMS_FILES:-20}
kms_rounds=${KMS_ROUNDS:-10}
n_age=${N_AGE:-200}
repeat=${REPEAT:-3}
delay_ms=${DELAY_MS:-50}
export SOPS_DISABLE_VERSION_CHECK=1

"$root/scripts/install-test-deps.sh" >/dev/null
if [ -z "${SOPS_RS:-}" ]; then
  (cd "$root" && cargo build --release --quiet --bin sops-rs)
  SOPS_RS="$root/target/release/sops-rs"
fi
rs=$SOPS_RS
sops="$tools/bin/sops"
bao="$tools/venv/bin/bao"
python="$tools/venv/bin/python"

work=$(mktemp -d)
# The agents' audit logs: on tmpfs, so that the fsync of each provider call's record (on the
# request's path) does not weigh on the timing; the request records are written off the path.
logs=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${KEEP_WORK:-}" ]; then
    echo "bench-keyservice: kept $work and $logs" >&2
  else
    rm -rf "$work" "$logs"
  fi
}
trap cleanup EXIT

free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_for WHAT TEST...: polls the test command until it succeeds (30 s at most).
wait_for() {
  local what="$1" i
  shift
  for ((i = 0; i < 600; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "bench-keyservice: $what did not become ready" >&2
  exit 1
}

now_ns() { date +%s%N; }

# time_clean ROUNDS [VAR=VALUE...] -- COMMAND... -- [FILE...]: for ROUNDS rounds, runs
# COMMAND FILE for each FILE in turn (COMMAND alone when no FILE is given; output discarded,
# failures fatal) in an environment holding only PATH, HOME and the VARs, and prints the wall
# time of the whole loop in seconds: the median of TIMES such loops (default $repeat). The
# environment is cleared once per loop (one `env -i bash`), so that no `env` process per
# decrypt is timed with the tool.
time_clean() {
  local rounds="$1" vars=() command=() start end times=() k
  shift
  while [ "$1" != "--" ]; do vars+=("$1"); shift; done
  shift
  while [ "$1" != "--" ]; do command+=("$1"); shift; done
  shift
  for ((k = 0; k < ${TIMES:-$repeat}; k++)); do
    start=$(now_ns)
    env -i PATH="$PATH" HOME="$work" "${vars[@]}" bash -c '
      rounds=$1 words=$2
      shift 2
      command=("${@:1:words}")
      files=("${@:words+1}")
      for ((r = 0; r < rounds; r++)); do
        if [ "${#files[@]}" -eq 0 ]; then "${command[@]}" >/dev/null || exit 1; fi
        for f in "${files[@]}"; do "${command[@]}" "$f" >/dev/null || exit 1; done
      done' _ "$rounds" "${#command[@]}" "${command[@]}" "$@"
    end=$(now_ns)
    times+=("$(echo "scale=3; ($end - $start) / 1000000000" | bc)")
  done
  median "${times[@]}"
}

# median NUMBER...: the middle one (the lower middle of an even count).
median() {
  printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"
}

# start_agent NAME ENV...: starts `sops-rs keyservice` with a cache on a unix socket in
# $work/NAME with the environment ENV (and nothing else) and waits for its socket.
start_agent() {
  local name="$1"
  shift
  mkdir -m 700 "$work/$name"
  env -i PATH="$PATH" HOME="$work" "$@" "$rs" keyservice --network unix \
    --address "$work/$name/agent.sock" --cache-ttl 10m \
    --audit-log "$logs/$name.log" 2>"$work/$name/stderr" &
  pids+=($!)
  wait_for "the $name agent" test -S "$work/$name/agent.sock"
}

# via NAME: the client flags for the agent NAME (local key service off); its clients run with
# no credentials.
via() {
  echo --enable-local-keyservice=false --keyservice "unix://$work/$1/agent.sock"
}

# through NAME: the client side of the agent NAME (no credentials, local key service off).
through() {
  local name="$1"
  shift
  # shellcheck disable=SC2046 # the flags are words without spaces
  env -i PATH="$PATH" HOME="$work" "$rs" decrypt $(via "$name") "$@"
}

rows=()
# row LABEL BASELINE_NAME BASELINE_S AGENT_S TARGET
row() {
  local ratio
  ratio=$(echo "scale=1; $3 / $4" | bc)
  rows+=("$(printf '| %s | %s %s s | %s s | %sx | %s |' "$1" "$2" "$3" "$4" "$ratio" "$5")")
}

# --- (a) Vault Transit on OpenBao ----------------------------------------------------------
bao_port=$(free_port)
"$bao" server -dev -dev-no-store-token -dev-root-token-id=root \
  -dev-listen-address="127.0.0.1:$bao_port" >"$work/bao.out" 2>&1 &
pids+=($!)
export BAO_ADDR="http://127.0.0.1:$bao_port" BAO_TOKEN=root
wait_for OpenBao "$bao" status
"$bao" secrets enable transit >/dev/null
"$bao" write -f transit/keys/bench >/dev/null
vault_uri="$BAO_ADDR/v1/transit/keys/bench"
printf 'db:\n    user: admin\n    password: hunter2\nport: 5432\n' >"$work/plain.yaml"
VAULT_TOKEN=root "$rs" encrypt --hc-vault-transit "$vault_uri" "$work/plain.yaml" \
  >"$work/vault.yaml"

start_agent vault VAULT_TOKEN=root
through vault "$work/vault.yaml" >/dev/null # warm: the one provider call
TIMES=1 time_clean 1 VAULT_TOKEN=root -- "$rs" decrypt -- "$work/vault.yaml" >/dev/null # warm-up
direct_s=$(time_clean "$n_vault" VAULT_TOKEN=root -- "$rs" decrypt -- "$work/vault.yaml")
sops_vault_s=$(time_clean "$n_vault" VAULT_TOKEN=root -- "$sops" decrypt -- "$work/vault.yaml")
# shellcheck disable=SC2046 # the flags are words without spaces
agent_s=$(time_clean "$n_vault" -- "$rs" decrypt $(via vault) -- "$work/vault.yaml")
row "(a) Vault Transit, $n_vault decrypts of one file" "sops-rs direct" "$direct_s" "$agent_s" "≥ 5x"
row "(a') same, against the real sops" "real sops 3.12.2" "$sops_vault_s" "$agent_s" "-"
# What starting sops-rs costs at all (it prints its version and exits): no client of any agent
# can decrypt in fewer processes, so this bounds (a)'s speed-up.
start_s=$(time_clean "$n_vault" -- "$rs" --version --)

# (a'') the same Vault one round trip away: a second file whose key names OpenBao through a
# delay proxy, decrypted directly and through the same warm agent (filled once before timing).
vault_proxy_port=$(free_port)
"$python" "$root/scripts/delay-proxy.py" --listen "127.0.0.1:$vault_proxy_port" \
  --upstream "127.0.0.1:$bao_port" --delay-ms "$delay_ms" >"$work/vault-proxy.out" 2>&1 &
pids+=($!)
wait_for "the Vault delay proxy" grep -q "listening on" "$work/vault-proxy.out"
VAULT_TOKEN=root "$rs" encrypt --hc-vault-transit \
  "http://127.0.0.1:$vault_proxy_port/v1/transit/keys/bench" "$work/plain.yaml" \
  >"$work/vault-remote.yaml"
through vault "$work/vault-remote.yaml" >/dev/null # fills the cache for this file
remote_direct_s=$(time_clean "$n_vault" VAULT_TOKEN=root -- "$rs" decrypt -- "$work/vault-remote.yaml")
# shellcheck disable=SC2046
remote_agent_s=$(time_clean "$n_vault" -- "$rs" decrypt $(via vault) -- "$work/vault-remote.yaml")
row "(a'') same, Vault +${delay_ms} ms away" "sops-rs direct" "$remote_direct_s" "$remote_agent_s" "-"
# The real sops as the agent's client (it speaks the same protocol), Vault +50 ms away.
remote_sops_s=$(time_clean "$n_vault" VAULT_TOKEN=root -- "$sops" decrypt -- "$work/vault-remote.yaml")
# shellcheck disable=SC2046
remote_sops_agent_s=$(time_clean "$n_vault" -- "$sops" decrypt $(via vault) -- "$work/vault-remote.yaml")
row "(a''') the real sops through the agent, Vault +${delay_ms} ms away" "real sops 3.12.2 direct" \
  "$remote_sops_s" "$remote_sops_agent_s" "-"

# --- (b) AWS KMS (moto) behind a 50 ms delay ----------------------------------------------
moto_port=$(free_port)
"$tools/venv/bin/moto_server" -p "$moto_port" >"$work/moto.log" 2>&1 &
pids+=($!)
wait_for moto curl -sf "http://127.0.0.1:$moto_port/moto-api/"
proxy_port=$(free_port)
"$python" "$root/scripts/delay-proxy.py" --listen "127.0.0.1:$proxy_port" \
  --upstream "127.0.0.1:$moto_port" --delay-ms "$delay_ms" >"$work/proxy.out" 2>&1 &
pids+=($!)
wait_for "the delay proxy" grep -q "listening on" "$work/proxy.out"
aws_env=(AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1)
arn=$(env "${aws_env[@]}" "$python" -c "
import boto3
kms = boto3.client('kms', region_name='us-east-1', endpoint_url='http://127.0.0.1:$moto_port')
print(kms.create_key()['KeyMetadata']['Arn'])")
kms_list=()
for ((i = 0; i < kms_files; i++)); do
  printf 'service: s%d\npassword: secret-%d\n' "$i" "$i" >"$work/kms-plain-$i.yaml"
  env "${aws_env[@]}" AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port" \
    "$rs" encrypt --kms "$arn" "$work/kms-plain-$i.yaml" >"$work/kms-$i.yaml"
  kms_list+=("$work/kms-$i.yaml")
done
kms_via_proxy=("${aws_env[@]}" AWS_ENDPOINT_URL="http://127.0.0.1:$proxy_port")
n_kms=$((kms_files * kms_rounds))
sops_s=$(time_clean "$kms_rounds" "${kms_via_proxy[@]}" -- "$sops" decrypt -- "${kms_list[@]}")
rs_s=$(time_clean "$kms_rounds" "${kms_via_proxy[@]}" -- "$rs" decrypt -- "${kms_list[@]}")
# Cold: a new agent for each of the $repeat runs, timed once as it fills; warm: the same
# agent right after, timed as the other rows are.
cold_runs=()
warm_runs=()
for ((k = 1; k <= repeat; k++)); do
  start_agent "kms$k" "${aws_env[@]}" AWS_ENDPOINT_URL="http://127.0.0.1:$proxy_port"
  # shellcheck disable=SC2046
  cold_runs+=("$(TIMES=1 time_clean "$kms_rounds" -- "$rs" decrypt $(via "kms$k") -- "${kms_list[@]}")")
  # shellcheck disable=SC2046
  warm_runs+=("$(time_clean "$kms_rounds" -- "$rs" decrypt $(via "kms$k") -- "${kms_list[@]}")")
done
agent_kms_s=$(median "${cold_runs[@]}")
warm_kms_s=$(median "${warm_runs[@]}")
row "(b) AWS KMS +${delay_ms} ms, $n_kms decrypts of $kms_files files, cold agent" "real sops 3.12.2" "$sops_s" "$agent_kms_s" "≥ 20x"
row "(b) same, warm agent" "real sops 3.12.2" "$sops_s" "$warm_kms_s" "≥ 20x"
row "(b') cold agent, against sops-rs direct" "sops-rs direct" "$rs_s" "$agent_kms_s" "-"
# count SOURCE LOG: how many keyservice.request records of LOG have that source.
count() {
  "$python" -c 'import json, sys
print(sum(1 for line in open(sys.argv[2])
          if (r := json.loads(line)).get("event") == "keyservice.request" and r["source"] == sys.argv[1]))' "$1" "$2"
}
provider_calls=$(count provider "$logs/kms1.log")
cache_hits=$(count cache "$logs/kms1.log")

# --- (c) age only: the agent's own overhead -------------------------------------------------
age-keygen -o "$work/age.txt" 2>/dev/null
recipient=$(grep -o 'age1[0-9a-z]*' "$work/age.txt" | head -1)
"$rs" encrypt --age "$recipient" "$work/plain.yaml" >"$work/age.yaml"
start_agent age SOPS_AGE_KEY_FILE="$work/age.txt"
through age "$work/age.yaml" >/dev/null
TIMES=1 time_clean 1 SOPS_AGE_KEY_FILE="$work/age.txt" -- "$rs" decrypt -- "$work/age.yaml" >/dev/null
age_direct_s=$(time_clean "$n_age" SOPS_AGE_KEY_FILE="$work/age.txt" -- "$rs" decrypt -- "$work/age.yaml")
# shellcheck disable=SC2046
age_agent_s=$(time_clean "$n_age" -- "$rs" decrypt $(via age) -- "$work/age.yaml")
overhead_ms=$(echo "scale=3; ($age_agent_s - $age_direct_s) * 1000 / $n_age" | bc)

echo
echo "| scenario | without the agent | through the agent | speed-up | target |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
printf '| (c) age only, %d decrypts | sops-rs direct %s s | %s s | overhead %s ms per decrypt | < 1 ms |\n' \
  "$n_age" "$age_direct_s" "$age_agent_s" "$overhead_ms"
echo
echo "(b) the first agent's request log (one cold run, then $repeat warm ones): $provider_calls provider calls, $cache_hits cache answers"
echo "(b) cold runs: ${cold_runs[*]} s; warm runs (medians of $repeat): ${warm_runs[*]} s"
# A cold agent must make one provider call per distinct data key, each at least the added
# delay, one after the other in this loop: that floor bounds the cold speed-up.
floor_s=$(echo "scale=3; $kms_files * $delay_ms / 1000" | bc)
echo "(b) cold floor: $kms_files provider calls x $delay_ms ms = $floor_s s, so a cold agent's speed-up over real sops is at most $(echo "scale=1; $sops_s / $floor_s" | bc)x"
echo "(a) floor: $n_vault starts of sops-rs (\`sops-rs --version\`) = $start_s s, so a sops-rs client of any agent is at most $(echo "scale=1; $direct_s / $start_s" | bc)x faster than sops-rs direct"
echo "machine: $(nproc) cores, $(uname -sr); sops-rs $("$rs" --version | head -1)"
