#!/usr/bin/env bash
# bench/run.sh [BUILD_DIR]
#
# The fan-out benchmark of docs/BENCHMARKS.md. Builds nothing: it runs the programs of an existing
# release build (default build/release). On 127.0.0.1 only; it stops everything it started.
#   1. Broadcast throughput: the library-free ceiling and Herald's ws::Server, each fanning a
#      100-byte text message out to 5,000 connections, 5 runs each, interleaved. Reports the median
#      delivered messages per second and Herald's share of the ceiling.
#   2. Idle memory: Herald's server holding 10,000 idle WebSocket connections; RSS per connection
#      = (VmRSS with them - VmRSS before) / 10,000, median of 3 runs.
# Environment overrides: BENCH_CONNECTIONS, BENCH_RUNS, BENCH_IDLE_CONNECTIONS, BENCH_IDLE_RUNS,
# BENCH_WARMUP, BENCH_DURATION, BENCH_BURST, BENCH_MAX_UNSENT_BYTES, BENCH_RCVLOWAT.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$ROOT/build/release}
BIN=$BUILD/bench

CONNECTIONS=${BENCH_CONNECTIONS:-5000}
RUNS=${BENCH_RUNS:-5}
IDLE_CONNECTIONS=${BENCH_IDLE_CONNECTIONS:-10000}
IDLE_RUNS=${BENCH_IDLE_RUNS:-3}
WARMUP=${BENCH_WARMUP:-1}
DURATION=${BENCH_DURATION:-3}
BURST=${BENCH_BURST:-1}
MAX_UNSENT_BYTES=${BENCH_MAX_UNSENT_BYTES:-0}
RCVLOWAT=${BENCH_RCVLOWAT:-1}
TARGET_RATIO=70     # percent of the ceiling
TARGET_IDLE_BYTES=3072

for program in bench_ceiling bench_broadcast_server bench_load_client; do
    if [[ ! -x $BIN/$program ]]; then
        echo "run.sh: $BIN/$program is missing; build the release preset first" \
             "(cmake --preset release && cmake --build --preset release)" >&2
        exit 2
    fi
done

source "$ROOT/bench/common.sh"
raise_fd_limit $(( (IDLE_CONNECTIONS > CONNECTIONS ? IDLE_CONNECTIONS : CONNECTIONS) + 100 ))

# idle_memory: one run; sets RESULT to "bytes_per_connection rss_before_kib rss_after_kib".
idle_memory() {
    start_bench_server bench_broadcast_server --connections 0
    local before after client client_out=$WORK/client.out
    before=$(rss_kib "$SERVER_PID")
    : >"$client_out"
    "${CLIENT_PIN[@]}" "$BIN/bench_load_client" --port "$SERVER_PORT" --mode idle \
        --connections "$IDLE_CONNECTIONS" --hold 60 >"$client_out" &
    client=$!
    PIDS+=("$client")
    wait_for_line "$client_out" '^ready ' 60
    sleep 0.5  # let the last handshakes finish on the server's side
    after=$(rss_kib "$SERVER_PID")
    stop_pid "$client"
    stop_pid "$SERVER_PID"
    RESULT="$(( (after - before) * 1024 / IDLE_CONNECTIONS )) $before $after"
}

report_machine
echo "fan-out: $CONNECTIONS connections, 100-byte text message, burst $BURST," \
     "max unsent $MAX_UNSENT_BYTES bytes, ${WARMUP} s warm-up, ${DURATION} s window, $RUNS runs"
: >"$WORK/ceiling" && : >"$WORK/herald"
for run in $(seq "$RUNS"); do
    for program in ceiling herald; do
        binary=bench_ceiling
        [[ $program == herald ]] && binary=bench_broadcast_server
        fanout_throughput "$binary"
        echo "$RESULT" >>"$WORK/$program"
        read -r rate cpu per_cpu <<<"$RESULT"
        printf '  run %d %-8s %10.0f msgs/s   server CPU %.2f   %10.0f msgs per server CPU-second\n' \
               "$run" "$program" "$rate" "$cpu" "$per_cpu"
    done
done

ceiling=$(cut -d' ' -f1 "$WORK/ceiling" | median)
herald=$(cut -d' ' -f1 "$WORK/herald" | median)
ceiling_cpu=$(cut -d' ' -f3 "$WORK/ceiling" | median)
herald_cpu=$(cut -d' ' -f3 "$WORK/herald" | median)
ratio=$(awk -v h="$herald" -v c="$ceiling" 'BEGIN {printf "%.1f", 100 * h / c}')
pair_ratio=$(paste -d' ' "$WORK/ceiling" "$WORK/herald" | awk '{print 100 * $4 / $1}' | median)
ratio_cpu=$(awk -v h="$herald_cpu" -v c="$ceiling_cpu" 'BEGIN {printf "%.1f", 100 * h / c}')
printf 'median ceiling %.0f msgs/s, herald %.0f msgs/s: herald/ceiling %s %% (target >= %d %%)\n' \
       "$ceiling" "$herald" "$ratio" "$TARGET_RATIO"
printf 'per server CPU-second: ceiling %.0f, herald %.0f: %s %%\n' \
       "$ceiling_cpu" "$herald_cpu" "$ratio_cpu"
printf 'median of the per-run ratios (each herald run over the ceiling run just before it): %.1f %%\n' \
       "$pair_ratio"

echo "idle memory: $IDLE_CONNECTIONS idle WebSocket connections, $IDLE_RUNS runs"
idle=$(idle_memory_runs)
printf 'median RSS per idle connection: %.0f bytes (target <= %d)\n' "$idle" "$TARGET_IDLE_BYTES"

status=0
awk -v r="$ratio" -v t="$TARGET_RATIO" 'BEGIN {exit !(r >= t)}' || {
    echo "MISSED: herald/ceiling $ratio % < $TARGET_RATIO %"
    status=1
}
awk -v b="$idle" -v t="$TARGET_IDLE_BYTES" 'BEGIN {exit !(b <= t)}' || {
    echo "MISSED: $idle bytes per idle connection > $TARGET_IDLE_BYTES"
    status=1
}
exit "$status"
