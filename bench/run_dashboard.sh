#!/usr/bin/env bash
# bench/run_dashboard.sh [BUILD_DIR]
#
# What the dashboard's live console costs `herald serve` (docs/BENCHMARKS.md, "Dashboard").
# Builds nothing: it runs `herald serve` and bench_pusher_load of an existing release build
# (default build/release). On 127.0.0.1 only; it stops everything it started.
# The throughput test of run_server.sh (N subscribers on "bench", events triggered through the
# REST API, herald --threads 1 on CPU 0) in three variants, interleaved, 5 runs each:
#   off     no admin listener: no console can open (the baseline);
#   closed  the admin listener with the dashboard on, no console open;
#   open    the same with one console watching the app (a curl reading the Server-Sent Events
#           stream on CPU 1, as a browser elsewhere would), so every triggered event is built
#           into a console event and sent, up to 200 a second, the rest counted as skipped.
# Ratios of the medians against `off`, in delivered messages per second and per server
# CPU-second.
# Environment overrides: BENCH_CONNECTIONS, BENCH_RUNS, BENCH_WARMUP, BENCH_DURATION,
# BENCH_MESSAGE_BYTES, BENCH_WINDOW, BENCH_THREADS.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$ROOT/build/release}
BIN=$BUILD/bench
HERALD=$BUILD/bin/herald

CONNECTIONS=${BENCH_CONNECTIONS:-5000}
RUNS=${BENCH_RUNS:-5}
WARMUP=${BENCH_WARMUP:-1}
DURATION=${BENCH_DURATION:-3}
MESSAGE_BYTES=${BENCH_MESSAGE_BYTES:-100}
WINDOW=${BENCH_WINDOW:-2}
THREADS=${BENCH_THREADS:-1}
APP=(--app-id bench --app-key bench-key --app-secret bench-secret)
TARGET_CLOSED=99  # percent of `off` with the dashboard on and no console open
TARGET_OPEN=90    # percent of `off` with one console open

source "$ROOT/bench/common.sh"
require_release_programs "$BIN/bench_pusher_load" "$HERALD"
command -v curl >/dev/null || { echo "run_dashboard.sh: curl is missing" >&2; exit 2; }

raise_fd_limit $((CONNECTIONS + 100))

# open_console: a session (no token on loopback), then the app's console stream read by one
# curl on the client's CPU until killed; sets CONSOLE_PID.
open_console() {
    local base="http://127.0.0.1:$ADMIN_PORT"
    curl -s -c "$WORK/jar" "$base/api/admin/session" >/dev/null
    "${CLIENT_PIN[@]}" curl -sN -b "$WORK/jar" -H 'Accept: text/event-stream' \
        "$base/api/admin/stream?app=bench" >"$WORK/console.out" &
    CONSOLE_PID=$!
    PIDS+=("$CONSOLE_PID")
    wait_for_line "$WORK/console.out" 'herald console' 10
}

# throughput off|closed|open: one run; sets RESULT to "msgs_per_sec server_cpu per_cpu_sec
# console_events skipped".
throughput() {
    local events=0 skipped=0
    case $1 in
        off) start_herald_pinned ;;
        closed) start_herald_pinned --admin-port 0 ;;
        open) start_herald_pinned --admin-port 0 && open_console ;;
    esac
    if ! timeout 60 "${CLIENT_PIN[@]}" "$BIN/bench_pusher_load" --port "$SERVER_PORT" \
             --connections "$CONNECTIONS" --warmup "$WARMUP" --duration "$DURATION" \
             --server-pid "$SERVER_PID" --protocol pusher "${APP[@]}" \
             --message-bytes "$MESSAGE_BYTES" --window "$WINDOW" --mode count >"$WORK/client.out"; then
        echo "run_dashboard.sh: the load program failed; the server said:" >&2
        tail -20 "$WORK/herald.log" >&2
        return 1
    fi
    if [[ $1 == open ]]; then
        stop_pid "$CONSOLE_PID"
        events=$(grep -c '"kind":"api_message"' "$WORK/console.out" || true)
        skipped=$(sed -n 's/^data: {"count":\([0-9]*\)}$/\1/p' "$WORK/console.out" |
                  awk '{n += $1} END {print n + 0}')
        if (( events == 0 )); then
            echo "run_dashboard.sh: the console received no api_message event" >&2
            return 1
        fi
    fi
    stop_pid "$SERVER_PID"
    RESULT="$(awk '/^msgs_per_sec /{for (i = 1; i < NF; i += 2) f[$i] = $(i+1);
                   print f["msgs_per_sec"], f["server_cpu"], f["msgs_per_server_cpu_sec"]}' \
                  "$WORK/client.out") $events $skipped"
}

column_median() { cut -d' ' -f"$2" "$1" | median; }
percent() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", 100 * a / b}'; }

report_machine

echo "fan-out: $CONNECTIONS subscribers, $MESSAGE_BYTES-byte messages, herald --threads $THREADS," \
     "${WARMUP} s warm-up, ${DURATION} s window, $RUNS runs each, interleaved"
variants=(off closed open)
for v in "${variants[@]}"; do : >"$WORK/$v"; done
for run in $(seq "$RUNS"); do
    # Rotate which goes first, so that a drift of the machine favours none.
    shift_by=$(( (run - 1) % 3 ))
    order=("${variants[@]:shift_by}" "${variants[@]:0:shift_by}")
    for variant in "${order[@]}"; do
        throughput "$variant"
        echo "$RESULT" >>"$WORK/$variant"
        read -r rate cpu per_cpu events skipped <<<"$RESULT"
        printf '  run %d %-7s %10.0f msgs/s   server CPU %.2f   %10.0f msgs per server CPU-second' \
               "$run" "$variant" "$rate" "$cpu" "$per_cpu"
        [[ $variant == open ]] && printf '   console: %d events shown, %d skipped' "$events" "$skipped"
        printf '\n'
    done
done
# Each run's closed/off and open/off: neighbours in time, so the machine's drift between runs
# (larger here than what is measured) cancels out; their median is the figure to quote.
paired_median() {
    paste -d' ' "$WORK/$1" "$WORK/off" | awk -v c="$2" -v n="$3" '{printf "%.2f\n", 100 * $c / $(c + n)}' |
        median
}
off=$(column_median "$WORK/off" 1)
off_cpu=$(column_median "$WORK/off" 3)
status=0
for variant in closed open; do
    rate=$(column_median "$WORK/$variant" 1)
    per_cpu=$(column_median "$WORK/$variant" 3)
    ratio=$(percent "$rate" "$off")
    ratio_cpu=$(percent "$per_cpu" "$off_cpu")
    target=$TARGET_CLOSED
    [[ $variant == open ]] && target=$TARGET_OPEN
    fields=$(head -1 "$WORK/$variant" | wc -w)
    paired=$(paired_median "$variant" 1 "$fields")
    paired_cpu=$(paired_median "$variant" 3 "$fields")
    printf 'median %-6s %.0f msgs/s vs off %.0f: %s %%; per server CPU-second %s %%\n' \
           "$variant" "$rate" "$off" "$ratio" "$ratio_cpu"
    printf '  paired (each run against the off run beside it): median %s %% (target >= %d %%); per server CPU-second %s %%\n' \
           "$paired" "$target" "$paired_cpu"
    awk -v r="$paired" -v t="$target" 'BEGIN {exit !(r >= t)}' || {
        echo "MISSED: $variant at $paired % of off (target >= $target %)"
        status=1
    }
done
echo "CPU busy after the runs: $(cpu_busy_percent) %"
exit "$status"
