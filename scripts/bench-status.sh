#!/usr/bin/env bash
# `sops-rs status` over a generated repository of 10,000 files (issue 22's target: under 2 s on
# 2 cores). The repository mixes what a real one holds: encrypted YAML, JSON and dotenv files
# of a few sizes under secrets/ (some with drifted recipients, some with an overdue data key,
# some with a value pasted in clear), plain files a rule covers (leaks), source files no rule
# covers, and a gitignored build directory that the walk must skip.
#
# Each run is timed with bash's `time`; the script prints the median and fastest wall time and
# the median CPU time (user + system) of RUNS runs (default 7, after one warm-up run that also
# checks what was found), the files reported, the core count and the load average at the end
# (the wall time depends on what else runs; the CPU time much less).
#
# Usage: scripts/bench-status.sh                 (builds target/release/sops-rs first)
#        SOPS_RS=path/to/sops-rs FILES=10000 RUNS=7 scripts/bench-status.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
files=${FILES:-10000}
runs=${RUNS:-7}
if [ -z "${SOPS_RS:-}" ]; then
  (cd "$root" && cargo build --release --quiet --bin sops-rs)
  SOPS_RS="$root/target/release/sops-rs"
fi
command -v age-keygen >/dev/null || {
  echo "bench-status: age-keygen is missing; run scripts/install-test-deps.sh" >&2
  exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
age-keygen -o a.txt 2>/dev/null
age-keygen -o b.txt 2>/dev/null
ka=$(age-keygen -y a.txt)
kb=$(age-keygen -y b.txt)

# Templates, encrypted once by sops-rs; the repository is made of copies (status reads each
# file, it does not care that two files hold the same ciphertext).
mkdir templates
python3 - "$work/templates" <<'EOF'
import json, sys
out = sys.argv[1]
for size in (5, 40, 200):
    with open(f"{out}/t{size}.yaml", "w") as f:
        for i in range(size):
            f.write(f"service_{i}:\n    password: pw-{i}-xxxxxxxxxxxxxxxx\n    port: {1000 + i}\n")
    with open(f"{out}/t{size}.json", "w") as f:
        json.dump({f"key_{i}": f"value-{i}-yyyyyyyy" for i in range(size)}, f, indent=2)
    with open(f"{out}/t{size}.env", "w") as f:
        for i in range(size):
            f.write(f"KEY_{i}=value-{i}-zzzzzzzz\n")
EOF
cp templates/t40.yaml templates/drift.yaml
for t in templates/t*; do
  "$SOPS_RS" --config /dev/null encrypt -i --age "$ka,$kb" "$t"
done
"$SOPS_RS" --config /dev/null encrypt -i --age "$ka" templates/drift.yaml
sed 's/^    lastmodified: .*/    lastmodified: "2024-01-01T00:00:00Z"/' templates/t40.yaml \
  > templates/overdue.yaml
sed '0,/^    port: /s//    pasted: in-clear\n    port: /' templates/t40.yaml > templates/pasted.yaml

cat > .sops.yaml <<EOF
rotation: {max_age: 90d}
creation_rules:
  - path_regex: ^secrets/
    age: $ka,$kb
EOF
echo "build/" > .gitignore

python3 - "$work" "$files" <<'EOF'
import os, shutil, sys
work, total = sys.argv[1], int(sys.argv[2])
t = os.path.join(work, "templates")
encrypted = [f"t{s}.{e}" for s in (5, 40, 200) for e in ("yaml", "json", "env")]
counts = {"encrypted": int(total * 0.80), "drift": total // 50, "overdue": total // 50,
          "pasted": total // 100, "leak": total // 100}
counts["source"] = total - sum(counts.values()) - total // 20
counts["ignored"] = total // 20
def put(path, source=None, text=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if source:
        shutil.copyfile(source, path)
    else:
        with open(path, "w") as f:
            f.write(text)
for i in range(counts["encrypted"]):
    name = encrypted[i % len(encrypted)]
    ext = name.split(".")[1]
    put(f"{work}/secrets/team{i % 40}/app{i}.{ext}", os.path.join(t, name))
for kind in ("drift", "overdue", "pasted"):
    for i in range(counts[kind]):
        put(f"{work}/secrets/{kind}/f{i}.yaml", os.path.join(t, f"{kind}.yaml"))
for i in range(counts["leak"]):
    put(f"{work}/secrets/leaked/f{i}.yaml", text=f"password: leaked-{i}\n")
for i in range(counts["source"]):
    put(f"{work}/src/mod{i % 50}/file{i}.py", text="def f():\n    return 1\n" * 20)
for i in range(counts["ignored"]):
    put(f"{work}/build/out{i}.yaml", text=f"password: build-{i}\n")
walked = sum(v for k, v in counts.items() if k != "ignored")
print(f"generated {walked + counts['ignored']} files ({walked} walked, {counts['ignored']} gitignored)")
EOF
rm -rf templates a.txt b.txt

# The warm-up run, checked: every state is found and the gitignored files are not.
set +e
"$SOPS_RS" status --json > status.jsonl
code=$?
set -e
[ "$code" -eq 1 ] || { echo "bench-status: expected exit 1 (findings), got $code" >&2; exit 1; }
tail -n 1 status.jsonl
for state in leak drift overdue plaintext_value ok; do
  grep -q "\"state\":\"$state\"" status.jsonl || { echo "bench-status: no $state file" >&2; exit 1; }
done
if grep -q '"file":"build/' status.jsonl; then
  echo "bench-status: a gitignored file was reported" >&2
  exit 1
fi

# bash's `time`: wall, user and system seconds of each run.
TIMEFORMAT='%R %U %S'
: > times.txt
for _ in $(seq "$runs"); do
  { time "$SOPS_RS" status > /dev/null || true; } 2>> times.txt
done
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%d", v[int((NR + 1) / 2)] * 1000 }'; }
wall=$(awk '{ print $1 }' times.txt | median)
fastest=$(awk '{ print $1 }' times.txt | sort -n | head -n 1 | awk '{ printf "%d", $1 * 1000 }')
cpu=$(awk '{ print $2 + $3 }' times.txt | median)
load=$(cut -d ' ' -f 1 /proc/loadavg)
printf '\n| files in tree | reported | cores | load (1 min) | runs | wall median (ms) | wall fastest (ms) | CPU median (ms) | target (ms) |\n'
printf '|--------------:|---------:|------:|-------------:|-----:|-----------------:|------------------:|----------------:|------------:|\n'
printf '| %13s | %8s | %5s | %12s | %4s | %16s | %17s | %15s | %11s |\n' \
  "$files" "$(($(wc -l < status.jsonl) - 1))" "$(nproc)" "$load" "$runs" "$wall" "$fastest" "$cpu" 2000
