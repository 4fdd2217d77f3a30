# bench/common.sh: sourced by the bench/run*.sh scripts (not run on its own).
#
# What the benchmark scripts share: the programs they need, the work directory and the processes
# killed on exit, CPU pinning, the open-files limit, waiting for a line of output, starting
# `herald serve`, stopping a process, VmRSS, medians and how busy the machine is. Expects ROOT to
# be set.

SCRIPT_NAME=$(basename "$0")

# One core for the server, the other for the client, when there are two.
SERVER_PIN=() CLIENT_PIN=()
if command -v taskset >/dev/null && (( $(nproc) >= 2 )); then
    SERVER_PIN=(taskset -c 0) CLIENT_PIN=(taskset -c 1)
fi

# require_release_programs PROGRAM...: each must be there, built by the release preset.
require_release_programs() {
    local program
    for program in "$@"; do
        if [[ ! -x $program ]]; then
            echo "$SCRIPT_NAME: $program is missing; build the release preset first" \
                 "(cmake --preset release && cmake --build --preset release)" >&2
            exit 2
        fi
    done
}

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

# raise_fd_limit WANTED: each process holds one descriptor per connection plus a few; 20,000 is
# the most we ask for. Fails when fewer than WANTED are allowed.
raise_fd_limit() {
    local want=$(( $1 > 20000 ? 20000 : $1 ))
    ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
    if (( $(ulimit -n) < $1 )); then
        echo "$SCRIPT_NAME: need $1 open files, the limit is $(ulimit -n)" >&2
        exit 2
    fi
}

# wait_for_line FILE PATTERN SECONDS: until a line of FILE matches; fails on timeout.
wait_for_line() {
    local deadline=$((SECONDS + $3))
    until grep -q "$2" "$1" 2>/dev/null; do
        if (( SECONDS >= deadline )); then
            echo "$SCRIPT_NAME: no '$2' in $1 after $3 s:" >&2
            cat "$1" >&2
            return 1
        fi
        sleep 0.05
    done
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

# How busy the machine is without us: the share of CPU time not idle over one second.
cpu_busy_percent() {
    local a b
    a=($(head -1 /proc/stat)) && sleep 1 && b=($(head -1 /proc/stat))
    awk -v u="$((b[1] + b[2] + b[3] + b[6] + b[7] + b[8] - a[1] - a[2] - a[3] - a[6] - a[7] - a[8]))" \
        -v i="$((b[4] + b[5] - a[4] - a[5]))" 'BEGIN {printf "%.0f", 100 * u / (u + i)}'
}

# report_machine: the machine line and how busy it was before the runs.
report_machine() {
    echo "machine: $(nproc) cores, Linux $(uname -r)," \
         "$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
    local busy
    busy=$(cpu_busy_percent)
    echo "CPU busy before the runs: $busy %"
    if (( busy > 10 )); then
        echo "warning: something else is running; the figures will be low and noisy"
    fi
}

# start_bench_server PROGRAM ARGS...: a bench/ server on a free port; sets SERVER_PID and
# SERVER_PORT. (Functions that start processes run in this shell, never in $(...), so cleanup
# sees them.)
start_bench_server() {
    local out=$WORK/server.out
    : >"$out"
    "${SERVER_PIN[@]}" "$BIN/$1" --host 127.0.0.1 --port 0 "${@:2}" >"$out" 2>"$WORK/server.err" &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    wait_for_line "$out" '^listening ' 10
    SERVER_PORT=$(awk '/^listening /{print $2; exit}' "$out")
}

# fanout_throughput PROGRAM [ARGS...]: one run of the fan-out test of run.sh against a bench/
# server (bench_ceiling, bench_ceiling_uring, bench_broadcast_server) with $CONNECTIONS
# connections, $BURST, $MAX_UNSENT_BYTES, $WARMUP, $DURATION and $RCVLOWAT; sets RESULT to
# "msgs_per_sec server_cpu msgs_per_server_cpu_sec".
fanout_throughput() {
    start_bench_server "$1" --connections "$CONNECTIONS" --burst "$BURST" \
                 --max-unsent-bytes "$MAX_UNSENT_BYTES" --payload-bytes 100 "${@:2}"
    local client_out=$WORK/client.out
    if ! timeout 60 "${CLIENT_PIN[@]}" "$BIN/bench_load_client" --port "$SERVER_PORT" \
             --connections "$CONNECTIONS" --warmup "$WARMUP" --duration "$DURATION" \
             --rcvlowat "$RCVLOWAT" --server-pid "$SERVER_PID" >"$client_out"; then
        echo "$SCRIPT_NAME: the load client failed against $1" >&2
        cat "$WORK/server.err" >&2
        return 1
    fi
    stop_pid "$SERVER_PID"
    RESULT=$(awk '/^msgs_per_sec /{for (i = 1; i < NF; i += 2) f[$i] = $(i+1);
                  print f["msgs_per_sec"], f["server_cpu"], f["msgs_per_server_cpu_sec"]}' \
             "$client_out")
}

# Calls the script's idle_memory $IDLE_RUNS times (it sets RESULT to "bytes_per_connection
# before_kib after_kib"), prints each run on stderr and the median bytes per connection on stdout.
idle_memory_runs() {
    local run per_connection before after
    : >"$WORK/idle"
    for run in $(seq "$IDLE_RUNS"); do
        idle_memory
        read -r per_connection before after <<<"$RESULT"
        echo "$per_connection" >>"$WORK/idle"
        printf '  run %d  VmRSS %d KiB -> %d KiB: %d bytes per connection\n' \
               "$run" "$before" "$after" "$per_connection" >&2
    done
    median <"$WORK/idle"
}

# start_herald_pinned [ARGS...]: $HERALD serve with the app of "${APP[@]}" and $THREADS workers on
# a port it picks, pinned like the ceiling; sets SERVER_PID, SERVER_PORT and, with --admin-port,
# ADMIN_PORT (from "admin on http://127.0.0.1:PORT/metrics").
start_herald_pinned() {
    local out=$WORK/herald.log
    : >"$out"
    "${SERVER_PIN[@]}" "$HERALD" serve --host 127.0.0.1 --port 0 --threads "$THREADS" \
        --state-dir "$WORK/state" "${APP[@]}" "$@" >"$out" 2>&1 &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    wait_for_line "$out" 'listening on ws://' 10
    SERVER_PORT=$(sed -n 's|.*listening on ws://[^/]*:\([0-9]*\)/.*|\1|p' "$out" | head -1)
    ADMIN_PORT=
    if [[ " $* " == *" --admin-port "* ]]; then
        wait_for_line "$out" 'admin on http://' 10
        ADMIN_PORT=$(sed -n 's|.*admin on http://[^/]*:\([0-9]*\)/metrics.*|\1|p' "$out" | head -1)
    fi
}
