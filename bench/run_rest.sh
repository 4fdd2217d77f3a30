#!/usr/bin/env bash
# bench/run_rest.sh [BUILD_DIR]
#
# REST triggers per second of `herald serve` (one worker) for three kinds of publisher, in one
# run: a new connection per request (`Connection: close`), persistent connections (HTTP/1.1
# keep-alive, one request at a time), and persistent connections with 16 requests pipelined.
# wrk (Debian's `wrk`) drives 16 connections with the same signed trigger to a channel without
# subscribers, so the figure is the REST path itself: parsing, the signature, publishing.
# 3 runs of each, interleaved; the medians and their ratio to close-per-request. Builds nothing;
# 127.0.0.1 only; it stops everything it started.
# Environment overrides: BENCH_RUNS (3), BENCH_DURATION (3 s), BENCH_CONNECTIONS (16),
# BENCH_PIPELINE (16).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$ROOT/build/release}
HERALD=$BUILD/bin/herald
RUNS=${BENCH_RUNS:-3}
DURATION=${BENCH_DURATION:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
PIPELINE=${BENCH_PIPELINE:-16}

if [[ ! -x $HERALD ]]; then
    echo "run_rest.sh: $HERALD is missing; build the release preset first" >&2
    exit 2
fi
if ! command -v wrk >/dev/null; then
    echo "run_rest.sh: wrk is missing; install it (apt-get install wrk)" >&2
    exit 2
fi

source "$ROOT/bench/common.sh"
raise_fd_limit 1000
report_machine

out=$WORK/herald.log
"${SERVER_PIN[@]}" "$HERALD" serve --host 127.0.0.1 --port 0 --threads 1 --state-dir "$WORK/state" \
    >"$out" 2>&1 &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
wait_for_line "$out" 'listening on ws://' 10
PORT=$(sed -n 's|.*listening on ws://[^/]*:\([0-9]*\)/.*|\1|p' "$out" | head -1)

# sign CONNECTION_FIELD: writes a signed trigger for the development app (protocol.md §8.2).
sign() {
    python3 - "$PORT" "$1" <<'PY'
import hashlib, hmac, json, sys, time
port, connection = sys.argv[1], sys.argv[2]
body = json.dumps({"name": "bench", "channel": "bench-rest", "data": "{}"}, separators=(",", ":"))
path = "/apps/app-id/events"
params = {"auth_key": "app-key", "auth_timestamp": str(int(time.time())), "auth_version": "1.0",
          "body_md5": hashlib.md5(body.encode()).hexdigest()}
query = "&".join(f"{k}={params[k]}" for k in sorted(params))
signature = hmac.new(b"app-secret", f"POST\n{path}\n{query}".encode(), hashlib.sha256).hexdigest()
fields = f"Host: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
if connection:
    fields += f"Connection: {connection}\r\n"
sys.stdout.write(f"POST {path}?{query}&auth_signature={signature} HTTP/1.1\r\n{fields}"
                 f"Content-Length: {len(body)}\r\n\r\n{body}")
PY
}
sign close >"$WORK/close.http"
sign "" >"$WORK/keep.http"

# run FILE DEPTH: one wrk run; prints requests per second (non-2xx answers make it fail).
run() {
    local report
    report=$(HERALD_REQUEST=$1 HERALD_PIPELINE=$2 "${CLIENT_PIN[@]}" wrk -t1 -c"$CONNECTIONS" \
             -d"${DURATION}s" -s "$ROOT/bench/rest_trigger.lua" "http://127.0.0.1:$PORT/" 2>&1)
    if grep -q "Non-2xx" <<<"$report"; then
        echo "run_rest.sh: some answers were not 2xx:" >&2
        echo "$report" >&2
        exit 1
    fi
    awk '/^Requests\/sec:/{printf "%.0f\n", $2}' <<<"$report"
}

echo "REST triggers: herald --threads 1, $CONNECTIONS connections, ${DURATION} s per run, $RUNS runs"
: >"$WORK/close" ; : >"$WORK/keep" ; : >"$WORK/pipe"
for r in $(seq "$RUNS"); do
    close=$(run "$WORK/close.http" 1); echo "$close" >>"$WORK/close"
    keep=$(run "$WORK/keep.http" 1); echo "$keep" >>"$WORK/keep"
    pipe=$(run "$WORK/keep.http" "$PIPELINE"); echo "$pipe" >>"$WORK/pipe"
    printf '  run %d  close-per-request %8d/s  keep-alive %8d/s  pipelined x%d %8d/s\n' \
           "$r" "$close" "$keep" "$PIPELINE" "$pipe"
done
c=$(median <"$WORK/close") k=$(median <"$WORK/keep") p=$(median <"$WORK/pipe")
awk -v c="$c" -v k="$k" -v p="$p" -v d="$PIPELINE" 'BEGIN {
    printf "median: close-per-request %d/s, keep-alive %d/s (%.2f x), pipelined x%d %d/s (%.2f x)\n",
           c, k, k / c, d, p, p / c }'
echo "CPU busy after the runs: $(cpu_busy_percent) %"
