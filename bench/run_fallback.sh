#!/usr/bin/env bash
# bench/run_fallback.sh [BUILD_DIR]
#
# pusher-js's HTTP fallback transports against WebSockets, in one run of `herald serve` (one
# worker): CLIENTS clients of each transport (`ws`, `xhr_streaming`, `xhr_polling`, spoken by
# bench/fallback_load.mjs as pusher-js speaks them) subscribed to one channel while events are
# triggered through the REST API with 4 requests in flight. Delivered messages per second and the
# p99 latency from trigger to delivery, RUNS runs of each interleaved, their medians and the ratio
# of each HTTP transport to WebSockets. Needs node and tests/interop/node_modules (ws, pusher).
# Builds nothing; 127.0.0.1 only; it stops everything it started.
# Environment overrides: BENCH_CLIENTS (1000), BENCH_RUNS (3), BENCH_DURATION (5 s).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$ROOT/build/release}
HERALD=$BUILD/bin/herald
CLIENTS=${BENCH_CLIENTS:-1000}
RUNS=${BENCH_RUNS:-3}
DURATION=${BENCH_DURATION:-5}

if [[ ! -x $HERALD ]]; then
    echo "run_fallback.sh: $HERALD is missing; build the release preset first" >&2
    exit 2
fi
if [[ ! -d $ROOT/tests/interop/node_modules/ws ]]; then
    echo "run_fallback.sh: tests/interop/node_modules is missing; run scripts/install-deps.sh" >&2
    exit 2
fi

source "$ROOT/bench/common.sh"
raise_fd_limit $((CLIENTS * 3 + 100))
report_machine

THREADS=1
APP=()  # the development app (app-id, app-key, app-secret)
start_herald_pinned
PORT=$SERVER_PORT

declare -A RATES LATENCIES
for run in $(seq "$RUNS"); do
    for transport in ws xhr_streaming xhr_polling; do
        line=$("${CLIENT_PIN[@]}" node "$ROOT/bench/fallback_load.mjs" "$PORT" "$transport" \
               "$CLIENTS" "$DURATION")
        echo "run $run: $line"
        RATES[$transport]+="$(sed -n 's/.*"delivered_per_second":\([0-9]*\).*/\1/p' <<<"$line") "
        LATENCIES[$transport]+="$(sed -n 's/.*"p99_ms":\([0-9.]*\).*/\1/p' <<<"$line") "
        sleep 1  # the previous clients' sessions and sockets go away
    done
done

median_of() { tr ' ' '\n' <<<"$1" | grep -v '^$' | median; }
ws_rate=$(median_of "${RATES[ws]}")
ws_p99=$(median_of "${LATENCIES[ws]}")
echo
printf '%-14s %12s %8s %10s %10s\n' transport 'msg/s' 'vs ws' 'p99 ms' 'vs ws'
for transport in ws xhr_streaming xhr_polling; do
    rate=$(median_of "${RATES[$transport]}")
    p99=$(median_of "${LATENCIES[$transport]}")
    printf '%-14s %12s %8s %10s %10s\n' "$transport" "$rate" \
        "$(awk -v a="$rate" -v b="$ws_rate" 'BEGIN {printf "%.2f", a / b}')" "$p99" \
        "$(awk -v a="$p99" -v b="$ws_p99" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')"
done
