#!/usr/bin/env bash
# bench/run_client.sh [BUILD_DIR]
#
# The client benchmark of docs/BENCHMARKS.md. Builds nothing: it runs `herald serve` and
# bench_client_fleet of an existing release build (default build/release). On 127.0.0.1 only; it
# stops everything it started.
#   1. Memory: one process holding N herald::client connections (default 10,000) on one shared
#      client::Loop, all subscribed to one channel: (VmRSS once all are subscribed - VmRSS
#      before the first Client) / N, median of 3 runs. Target: at most 8 KiB. The same of the
#      server's process in the same runs: what the other end of each connection costs.
#   2. Delivery: in the same runs, the time from one REST trigger (herald::sdk) to the callback
#      of the last of the N connections, 5 events per run; the median of all rounds.
#   3. The baseline: Clients without Options::loop (one I/O thread each, as a Client starts by
#      default) with N/10 connections, median of 3 runs; the ratio of (1) to it.
# Environment overrides: BENCH_CLIENTS, BENCH_BASELINE_CLIENTS, BENCH_RUNS, BENCH_ROUNDS,
# BENCH_LOOPS, BENCH_THREADS.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$ROOT/build/release}
BIN=$BUILD/bench
HERALD=$BUILD/bin/herald

CLIENTS=${BENCH_CLIENTS:-10000}
BASELINE_CLIENTS=${BENCH_BASELINE_CLIENTS:-$((CLIENTS / 10))}
RUNS=${BENCH_RUNS:-3}
ROUNDS=${BENCH_ROUNDS:-5}
LOOPS=${BENCH_LOOPS:-1}
THREADS=${BENCH_THREADS:-1}
APP=(--app-id bench --app-key bench-key --app-secret bench-secret)
TARGET_BYTES=8192

source "$ROOT/bench/common.sh"
require_release_programs "$BIN/bench_client_fleet" "$HERALD"
raise_fd_limit $((CLIENTS + 100))

# fleet OUT N ARGS...: bench_client_fleet against a fresh herald serve, pinned to the other CPU.
fleet() {
    start_herald_pinned
    if ! timeout 300 "${CLIENT_PIN[@]}" "$BIN/bench_client_fleet" --port "$SERVER_PORT" \
             --key bench-key --app-id bench --secret bench-secret --connections "$2" \
             --rounds "$ROUNDS" --server-pid "$SERVER_PID" "${@:3}" >"$1"; then
        echo "run_client.sh: bench_client_fleet failed; the server said:" >&2
        tail -20 "$WORK/herald.log" >&2
        exit 1
    fi
    stop_pid "$SERVER_PID"
}

report_machine
echo "clients: $CLIENTS connections on $LOOPS client::Loop(s), herald --threads $THREADS," \
     "$ROUNDS events per run, $RUNS runs; baseline: $BASELINE_CLIENTS Clients with a thread each"
: >"$WORK/memory" && : >"$WORK/rounds" && : >"$WORK/baseline" && : >"$WORK/server"
for run in $(seq "$RUNS"); do
    fleet "$WORK/fleet.out" "$CLIENTS" --loops "$LOOPS"
    read -r _ _ before after per_connection < <(grep '^memory ' "$WORK/fleet.out")
    echo "$per_connection" >>"$WORK/memory"
    awk '/^round /{print $3}' "$WORK/fleet.out" >>"$WORK/rounds"
    read -r _ _ _ _ server_per_connection < <(grep '^server_memory ' "$WORK/fleet.out")
    echo "$server_per_connection" >>"$WORK/server"
    printf '  run %d  shared loop   VmRSS %d KiB -> %d KiB: %d bytes per connection (server: %d); deliveries (us): %s\n' \
           "$run" "$before" "$after" "$per_connection" "$server_per_connection" \
           "$(awk '/^round /{printf "%s ", $3}' "$WORK/fleet.out")"
    fleet "$WORK/baseline.out" "$BASELINE_CLIENTS" --own-threads 1
    read -r _ _ before after per_connection < <(grep '^memory ' "$WORK/baseline.out")
    echo "$per_connection" >>"$WORK/baseline"
    printf '  run %d  thread each   VmRSS %d KiB -> %d KiB: %d bytes per connection\n' \
           "$run" "$before" "$after" "$per_connection"
done

memory=$(median <"$WORK/memory")
baseline=$(median <"$WORK/baseline")
delivery=$(median <"$WORK/rounds")
server=$(median <"$WORK/server")
echo "memory per connection (median): $memory bytes on a shared loop, $baseline bytes with a" \
     "thread each: $(awk -v a="$memory" -v b="$baseline" 'BEGIN {printf "%.1f", 100 * a / b}') %;" \
     "herald serve's side of the same connections: $server bytes" \
     "($(awk -v a="$memory" -v b="$server" 'BEGIN {printf "%.2f", a / b}') x)"
echo "REST trigger to delivery on all $CLIENTS (median of $((RUNS * ROUNDS)) events): $delivery us"
if (( ${memory%.*} > TARGET_BYTES )); then
    echo "run_client.sh: $memory bytes per connection is over the target of $TARGET_BYTES" >&2
    exit 1
fi
