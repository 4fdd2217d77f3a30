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

# Each process holds one descriptor per connection plus a few; 20,000 is the most we ask for.
WANT_FDS=$(( (IDLE_CONNECTIONS > CONNECTIONS ? IDLE_CONNECTIONS : CONNECTIONS) + 100 ))
(( WANT_FDS > 20000 )) && WANT_FDS=20000
ulimit -n "$WANT_FDS" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if (( $(ulimit -n) < IDLE_CONNECTIONS + 50 )); then
    echo "run.sh: need $((IDLE_CONNECTIONS + 50)) open files, the limit is $(ulimit -n)" >&2
    exit 2
fi

# One core for the server, the other for the client, when there are two.
SERVER_PIN=() CLIENT_PIN=()
if command -v taskset >/dev/null && (( $(nproc) >= 2 )); then
    SERVER_PIN=(taskset -c 0) CLIENT_PIN=(taskset -c 1)
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for_line FILE PATTERN SECONDS: until a line of FILE matches; fails on timeout.
wait_for_line() {
    local deadline=$((SECONDS + $3))
    until grep -q "$2" "$1" 2>/dev/null; do
        if (( SECONDS >= deadline )); then
            echo "run.sh: no '$2' in $1 after $3 s:" >&2
            cat "$1" >&2
            return 1
        fi
        sleep 0.05
    done
}

# start_server PROGRAM ARGS...: sets SERVER_PID and SERVER_PORT.
start_server() {
    local out=$WORK/server.out
    : >"$out"
    "${SERVER_PIN[@]}" "$BIN/$1" --host 127.0.0.1 --port 0 "${@:2}" >"$out" 2>"$WORK/server.err" &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    wait_for_line "$out" '^listening ' 10
    SERVER_PORT=$(awk '/^listening /{print $2; exit}' "$out")
}

stop_pid() {
    kill -TERM "$1" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

rss_kib() {
    awk '/^VmRSS:/{print $2}' "/proc/$1/status"
}

median() {
    sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'
}

# throughput PROGRAM: one run; sets RESULT to "msgs_per_sec server_cpu msgs_per_server_cpu_sec".
# (Functions that start processes run in this shell, never in $(...), so cleanup sees them.)
throughput() {
    start_server "$1" --connections "$CONNECTIONS" --burst "$BURST" \
                 --max-unsent-bytes "$MAX_UNSENT_BYTES" --payload-bytes 100
    local client_out=$WORK/client.out
    if ! timeout 60 "${CLIENT_PIN[@]}" "$BIN/bench_load_client" --port "$SERVER_PORT" \
             --connections "$CONNECTIONS" --warmup "$WARMUP" --duration "$DURATION" \
             --rcvlowat "$RCVLOWAT" --server-pid "$SERVER_PID" >"$client_out"; then
        echo "run.sh: the load client failed against $1" >&2
        cat "$WORK/server.err" >&2
        return 1
    fi
    stop_pid "$SERVER_PID"
    RESULT=$(awk '/^msgs_per_sec /{for (i = 1; i < NF; i += 2) f[$i] = $(i+1);
                  print f["msgs_per_sec"], f["server_cpu"], f["msgs_per_server_cpu_sec"]}' \
             "$client_out")
}

# idle_memory: one run; sets RESULT to "bytes_per_connection rss_before_kib rss_after_kib".
idle_memory() {
    start_server bench_broadcast_server --connections 0
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

echo "machine: $(nproc) cores, Linux $(uname -r), $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
# How busy the machine is without us: the share of CPU time not idle over one second.
cpu_busy_percent() {
    local a b
    a=($(head -1 /proc/stat)) && sleep 1 && b=($(head -1 /proc/stat))
    awk -v u="$((b[1] + b[2] + b[3] + b[6] + b[7] + b[8] - a[1] - a[2] - a[3] - a[6] - a[7] - a[8]))" \
        -v i="$((b[4] + b[5] - a[4] - a[5]))" 'BEGIN {printf "%.0f", 100 * u / (u + i)}'
}
busy=$(cpu_busy_percent)
echo "CPU busy before the runs: $busy %"
if (( busy > 10 )); then
    echo "warning: something else is running; the figures will be low and noisy"
fi
echo "fan-out: $CONNECTIONS connections, 100-byte text message, burst $BURST," \
     "max unsent $MAX_UNSENT_BYTES bytes, ${WARMUP} s warm-up, ${DURATION} s window, $RUNS runs"
: >"$WORK/ceiling" && : >"$WORK/herald"
for run in $(seq "$RUNS"); do
    for program in ceiling herald; do
        binary=bench_ceiling
        [[ $program == herald ]] && binary=bench_broadcast_server
        throughput "$binary"
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
: >"$WORK/idle"
for run in $(seq "$IDLE_RUNS"); do
    idle_memory
    read -r per_connection before after <<<"$RESULT"
    echo "$per_connection" >>"$WORK/idle"
    printf '  run %d  VmRSS %d KiB -> %d KiB: %d bytes per connection\n' \
           "$run" "$before" "$after" "$per_connection"
done
idle=$(median <"$WORK/idle")
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
