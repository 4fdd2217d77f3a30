#!/usr/bin/env bash
# bench/run_cluster.sh [BUILD_DIR]
#
# The cluster benchmark of docs/BENCHMARKS.md, in one run on this machine: the same N subscribers
# (channel "bench", events triggered through the REST API of one node, keeping --window events
# undelivered) against
#   1. one `herald serve` node, and
#   2. three nodes sharing one redis-server, the subscribers spread evenly over them,
# each RUNS times, interleaved; the median delivered messages per second of each. For the cluster
# it also reads Redis' INFO commandstats and stats between "all subscribed" and the end: commands
# per published event (PUBLISH, the script calls, heartbeats) and bytes Redis sent per event.
# With BENCH_COMPARE=tls the two sides are instead three nodes over plain TCP (redis://) and three
# nodes over TLS (rediss://, a CA and certificate made with openssl for the run), one Redis
# listening on both ports.
# Builds nothing (default build/release); 127.0.0.1 only; stops everything it started.
# Environment overrides: BENCH_COMPARE (single or tls), BENCH_CONNECTIONS (3000), BENCH_RUNS (3), BENCH_WARMUP (2),
# BENCH_DURATION (3), BENCH_MESSAGE_BYTES (100), BENCH_WINDOW (2), BENCH_THREADS (1 per node).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$ROOT/build/release}
BIN=$BUILD/bench
HERALD=$BUILD/bin/herald

CONNECTIONS=${BENCH_CONNECTIONS:-3000}
RUNS=${BENCH_RUNS:-3}
WARMUP=${BENCH_WARMUP:-2}
DURATION=${BENCH_DURATION:-3}
MESSAGE_BYTES=${BENCH_MESSAGE_BYTES:-100}
WINDOW=${BENCH_WINDOW:-2}
THREADS=${BENCH_THREADS:-1}
COMPARE=${BENCH_COMPARE:-single}
APP=(--app-id bench --app-key bench-key --app-secret bench-secret)

for program in "$BIN/bench_pusher_load" "$HERALD" "$(command -v redis-server)" "$(command -v redis-cli)"; do
    if [[ ! -x $program ]]; then
        echo "run_cluster.sh: $program is missing; build the release preset first and install" \
             "redis-server and redis-tools (scripts/install-deps.sh)" >&2
        exit 2
    fi
done

source "$ROOT/bench/common.sh"
raise_fd_limit $(( CONNECTIONS + 100 ))

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

REDIS_PORT=$(free_port)
TLS_ARGS=()
if [[ $COMPARE == tls ]]; then
    TLS_PORT=$(free_port)
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
        -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
        -keyout "$WORK/redis.key" -out "$WORK/redis.pem" 2>/dev/null
    TLS_ARGS=(--tls-port "$TLS_PORT" --tls-cert-file "$WORK/redis.pem" --tls-key-file "$WORK/redis.key"
              --tls-ca-cert-file "$WORK/redis.pem" --tls-auth-clients no)
fi
redis-server --port "$REDIS_PORT" "${TLS_ARGS[@]}" --bind 127.0.0.1 --save "" --appendonly no \
    --loglevel warning >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
until redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; do sleep 0.05; done
rcli() { redis-cli -p "$REDIS_PORT" "$@"; }

# start_node NAME [ARGS...]: herald serve on a port it picks; prints "PID PORT".
start_node() {
    local out=$WORK/$1.log
    : >"$out"
    # Each node keeps its state in the run's own directory, never in /var/lib or the home.
    "$HERALD" serve --host 127.0.0.1 --port 0 --threads "$THREADS" --state-dir "$WORK/$1.state" \
        "${APP[@]}" "${@:2}" >"$out" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    wait_for_line "$out" 'listening on ws://' 10
    echo "$pid $(sed -n 's|.*listening on ws://[^/]*:\([0-9]*\)/.*|\1|p' "$out" | head -1)"
}

# stat NAME: one number from INFO commandstats/stats (calls of a command, or a stats field).
stat() {
    rcli info all | tr -d '\r' | awk -F'[:,=]' -v k="$1" '
        $1 == "cmdstat_" k { print $3; found = 1 }
        $1 == k { print $2; found = 1 }
        END { if (!found) print 0 }'
}
total_calls() {
    rcli info commandstats | tr -d '\r' | awk -F'[:,=]' '/^cmdstat_/ && $1 != "cmdstat_info" { n += $3 } END { print n + 0 }'
}

# run KIND: one throughput run; appends "msgs_per_sec" (and for the cluster the Redis figures).
run() {
    local kind=$1 pids=() ports=() line
    if [[ $kind == single ]]; then
        read -r pid port < <(start_node single)
        pids=("$pid") ports=("$port")
    else
        rcli flushall >/dev/null
        local redis=(--redis-url "redis://127.0.0.1:$REDIS_PORT/0")
        if [[ $kind == cluster_tls ]]; then
            redis=(--redis-url "rediss://127.0.0.1:$TLS_PORT/0" --redis-ca-file "$WORK/redis.pem")
        fi
        for i in 0 1 2; do
            read -r pid port < <(start_node "node$i" "${redis[@]}")
            pids+=("$pid") ports+=("$port")
        done
    fi
    local spread
    spread=$(IFS=,; echo "${ports[*]}")
    local out=$WORK/client.out
    : >"$out"
    "$BIN/bench_pusher_load" --port "${ports[0]}" --subscriber-ports "$spread" \
        --connections "$CONNECTIONS" --warmup "$WARMUP" --duration "$DURATION" \
        --protocol pusher "${APP[@]}" --message-bytes "$MESSAGE_BYTES" --window "$WINDOW" \
        --mode count >"$out" &
    local client=$!
    PIDS+=("$client")
    wait_for_line "$out" '^ready ' 60
    # The Redis figures cover a slice inside the measured window, when the subscriptions' own
    # script calls have settled and before the subscribers disconnect (which Redis hears of too).
    local slice
    slice=$(awk -v d="$DURATION" 'BEGIN { print d - 0.25 }')
    sleep "$WARMUP"
    local calls0 publish0 eval0 bytes0
    calls0=$(total_calls) publish0=$(stat publish) eval0=$(stat evalsha) bytes0=$(stat total_net_output_bytes)
    sleep "$slice"
    local calls1 publish1 eval1 bytes1
    calls1=$(total_calls) publish1=$(stat publish) eval1=$(stat evalsha) bytes1=$(stat total_net_output_bytes)
    wait "$client"
    for pid in "${pids[@]}"; do stop_pid "$pid"; done
    line=$(grep '^msgs_per_sec ' "$out")
    local rate events
    rate=$(awk '{for (i = 1; i < NF; i += 2) if ($i == "msgs_per_sec") print $(i+1)}' <<<"$line")
    events=$(awk -v s="$slice" '{for (i = 1; i < NF; i += 2) f[$i] = $(i+1); printf "%.0f", f["events_per_sec"] * s}' <<<"$line")
    if [[ $kind == single ]]; then
        echo "$rate" >>"$WORK/single"
        printf '  run %d single node      %10.0f msgs/s\n' "$2" "$rate"
    else
        echo "$rate" >>"$WORK/$kind"
        local label="3 nodes + Redis"
        [[ $kind == cluster_tls ]] && label="3 nodes + TLS  "
        awk -v c=$((calls1 - calls0)) -v p=$((publish1 - publish0)) -v e=$((eval1 - eval0)) \
            -v b=$((bytes1 - bytes0)) -v n="$events" -v r="$rate" -v run="$2" -v label="$label" 'BEGIN {
            printf "  run %d %s  %10.0f msgs/s   ~%d events in the slice: Redis commands/event %.3f (PUBLISH %.3f, EVALSHA %.3f), Redis bytes out/event %.0f\n",
                   run, label, r, n, c / n, p / n, e / n, b / n }' | tee -a "$WORK/redis"
    fi
}

report_machine
echo "cluster: $CONNECTIONS subscribers, $MESSAGE_BYTES-byte messages, herald --threads $THREADS per node," \
     "$WINDOW event(s) kept undelivered, ${WARMUP} s warm-up, ${DURATION} s window, $RUNS runs"
: >"$WORK/single" && : >"$WORK/cluster" && : >"$WORK/cluster_tls"
for r in $(seq "$RUNS"); do
    if [[ $COMPARE == tls ]]; then
        run cluster "$r"
        run cluster_tls "$r"
    else
        run single "$r"
        run cluster "$r"
    fi
done
if [[ $COMPARE == tls ]]; then
    plain=$(median <"$WORK/cluster")
    tls=$(median <"$WORK/cluster_tls")
    awk -v p="$plain" -v t="$tls" 'BEGIN {
        printf "median: 3 nodes over redis:// %.0f msgs/s, over rediss:// %.0f msgs/s (%.0f %% of plain TCP)\n", p, t, 100 * t / p }'
    exit 0
fi
single=$(median <"$WORK/single")
cluster=$(median <"$WORK/cluster")
awk -v s="$single" -v c="$cluster" 'BEGIN {
    printf "median: single node %.0f msgs/s, 3 nodes + Redis %.0f msgs/s (%.0f %% of the single node)\n", s, c, 100 * c / s }'
