#!/usr/bin/env bash
# bench/run_handshakes.sh [BUILD_DIR [BASELINE_BUILD_DIR]]
#
# Handshakes per second of `herald serve` (docs/BENCHMARKS.md): one client process on raw epoll
# (bench_pusher_load --mode handshakes, at most 256 handshakes in flight) opens BENCH_CONNECTIONS
# (10,000) WebSockets to /app/{key}?protocol=7 and counts each once pusher:connection_established
# arrives; the figure is connections / (last established - first connect). The server's CPU time
# over the same span gives the CPU microseconds per handshake. Each run starts a fresh server
# (--threads 1, pinned to one core, the client on the other). With a second build directory the
# two builds run interleaved and the ratio of their medians is printed. Builds nothing; on
# 127.0.0.1 only; it stops everything it started.
# Environment overrides: BENCH_CONNECTIONS (10000), BENCH_RUNS (5), BENCH_THREADS (1),
# BENCH_IN_FLIGHT (256, handshakes started and not yet answered),
# BENCH_KEYS_FILE (keys taken in turn; the server must know them), BENCH_SERVER_ARGS (extra
# arguments for herald serve).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$ROOT/build/release}
BASELINE=${2:-}
CONNECTIONS=${BENCH_CONNECTIONS:-10000}
RUNS=${BENCH_RUNS:-5}
THREADS=${BENCH_THREADS:-1}
APP=(--app-id bench --app-key bench-key --app-secret bench-secret)

source "$ROOT/bench/common.sh"
require_release_programs "$BUILD/bin/herald" "$BUILD/bench/bench_pusher_load"
[[ -z $BASELINE ]] || require_release_programs "$BASELINE/bin/herald"
raise_fd_limit $((CONNECTIONS + 100))

# one_run HERALD: sets RESULT to "handshakes_per_sec server_cpu_us_per_handshake".
one_run() {
    local out=$WORK/herald.log
    : >"$out"
    # shellcheck disable=SC2086
    "${SERVER_PIN[@]}" "$1" serve --host 127.0.0.1 --port 0 --threads "$THREADS" \
        --state-dir "$WORK/state" "${APP[@]}" ${BENCH_SERVER_ARGS:-} >"$out" 2>&1 &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    wait_for_line "$out" 'listening on ws://' 10
    SERVER_PORT=$(sed -n 's|.*listening on ws://[^/]*:\([0-9]*\)/.*|\1|p' "$out" | head -1)
    sleep 0.2
    local keys=()
    [[ -z ${BENCH_KEYS_FILE:-} ]] || keys=(--app-keys-file "$BENCH_KEYS_FILE")
    if ! timeout 120 "${CLIENT_PIN[@]}" "$BUILD/bench/bench_pusher_load" --port "$SERVER_PORT" \
             --protocol pusher "${APP[@]}" "${keys[@]}" --mode handshakes \
             --connections "$CONNECTIONS" --in-flight "${BENCH_IN_FLIGHT:-256}" \
             --server-pid "$SERVER_PID" >"$WORK/client.out"; then
        echo "$SCRIPT_NAME: the load program failed; the server said:" >&2
        tail -20 "$out" >&2
        return 1
    fi
    stop_pid "$SERVER_PID"
    RESULT=$(awk '/^handshakes_per_sec /{for (i = 1; i < NF; i += 2) f[$i] = $(i+1);
                  print f["handshakes_per_sec"], f["server_cpu_us_per_handshake"]}' "$WORK/client.out")
}

report_machine
echo "handshakes: $CONNECTIONS connections per run, herald --threads $THREADS, $RUNS runs"
builds=(current)
[[ -z $BASELINE ]] || builds=(baseline current)
for build in "${builds[@]}"; do : >"$WORK/$build"; done
for run in $(seq "$RUNS"); do
    for build in "${builds[@]}"; do
        program=$BUILD/bin/herald
        [[ $build == current ]] || program=$BASELINE/bin/herald
        one_run "$program"
        echo "$RESULT" >>"$WORK/$build"
        read -r rate cpu <<<"$RESULT"
        printf '  run %d %-8s %8.0f handshakes/s   %6.1f server CPU us per handshake\n' \
               "$run" "$build" "$rate" "$cpu"
    done
done
for build in "${builds[@]}"; do
    printf 'median %-8s %.0f handshakes/s, %.1f server CPU us per handshake\n' "$build" \
           "$(cut -d' ' -f1 "$WORK/$build" | median)" "$(cut -d' ' -f2 "$WORK/$build" | median)"
done
if [[ -n $BASELINE ]]; then
    awk -v c="$(cut -d' ' -f1 "$WORK/current" | median)" -v b="$(cut -d' ' -f1 "$WORK/baseline" | median)" \
        -v cc="$(cut -d' ' -f2 "$WORK/current" | median)" -v bc="$(cut -d' ' -f2 "$WORK/baseline" | median)" \
        'BEGIN {printf "current / baseline: %.2f x handshakes/s, %.2f x server CPU per handshake\n", c / b, cc / bc}'
fi
echo "CPU busy after the runs: $(cpu_busy_percent) %"
