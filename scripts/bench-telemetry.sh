#!/usr/bin/env bash
# Start-up cost of telemetry: a plain decrypt of a 4-line age file by a sops-rs built without
# telemetry (BASE) and by this tree's (NEW), with no exporter configured, with the node_exporter
# textfile, and with OTLP traces and metrics sent to a local HTTP sink (a Python server that
# answers 200). Prints a markdown table of hyperfine's median, mean ± σ and min (two warm-up
# runs); the median and min are what to read on a busy machine. Every
# command runs through `env` (the exporters need variables), so all four pay the same exec.
#
# Usage: scripts/bench-telemetry.sh BASE_BINARY NEW_BINARY      (RUNS=n, default 100)
# Build both as release (`cargo build --release`, the same features); installs hyperfine when
# missing. Figures go to docs/observability.md ("Start-up cost").
set -euo pipefail
base=$(realpath "$1")
new=$(realpath "$2")
runs=${RUNS:-100}
command -v hyperfine >/dev/null || {
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y -qq hyperfine >/dev/null
}
work=$(mktemp -d)
sink_pid=""
cleanup() { [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
age-keygen -o key.txt 2>/dev/null
printf 'a: 1\nb: two\nc: [1, 2]\nd: {e: f}\n' > small.yaml
"$new" encrypt --age "$(age-keygen -y key.txt)" small.yaml > small.enc.yaml
export SOPS_AGE_KEY_FILE=$work/key.txt HOME=$work XDG_CONFIG_HOME=$work/.config
python3 - "$work/sink.port" <<'PY' &
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers()
        self.wfile.write(b"{}")
    def log_message(self, *args): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
open(sys.argv[1] + ".tmp", "w").write(str(server.server_address[1]))
__import__("os").rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
PY
sink_pid=$!
for _ in $(seq 200); do [ -s sink.port ] && break; python3 -c 'import time; time.sleep(0.05)'; done
port=$(cat sink.port)
otlp="OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:$port/v1/traces OTEL_EXPORTER_OTLP_METRICS_ENDPOINT=http://127.0.0.1:$port/v1/metrics"
hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/times.json" \
  -n "base, nothing configured" "env $base decrypt small.enc.yaml" \
  -n "new, nothing configured" "env $new decrypt small.enc.yaml" \
  -n "new, textfile" "env SOPS_RS_METRICS_TEXTFILE=$work/m.prom $new decrypt small.enc.yaml" \
  -n "new, OTLP traces + metrics" "env $otlp $new decrypt small.enc.yaml" >/dev/null
python3 - "$work/times.json" <<'PY'
import json, sys
print("| decrypt of a 4-line file | median | mean ± σ | min |")
print("|---|---:|---:|---:|")
for r in json.load(open(sys.argv[1]))["results"]:
    ms = lambda v: "%.1f ms" % (v * 1e3)
    print("| %s | %s | %s ± %.1f | %s |" % (r["command"], ms(r["median"]), ms(r["mean"]), r["stddev"] * 1e3, ms(r["min"])))
PY
