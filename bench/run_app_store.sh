#!/usr/bin/env bash
# bench/run_app_store.sh [BUILD_DIR]
#
# The app-store benchmark of docs/BENCHMARKS.md, on 127.0.0.1 only, with a PostgreSQL started in
# a temporary directory (initdb; as the postgres user when run as root). Builds nothing: it runs
# `herald serve` of an existing release build (default build/release).
#   1. Handshakes per second with 1,000 apps, keys taken in turn (bench_pusher_load --mode
#      handshakes: BENCH_CONNECTIONS connections, 256 in flight): the apps in PostgreSQL (cache
#      warmed by one pass over every key first) against the same apps in the configuration file.
#      BENCH_RUNS runs each, interleaved; the medians and their ratio.
#   2. 10,000 distinct unknown keys, each connecting once: the rate, the queries the database
#      ran for them (pg_stat_database's committed transactions of the database), and what
#      Herald's VmRSS grew by.
# Environment overrides: BENCH_RUNS (5), BENCH_CONNECTIONS (10000), BENCH_CONCURRENCY (32, the
# Node clients of part 2), BENCH_THREADS (1).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$ROOT/build/release}
HERALD=$BUILD/bin/herald
RUNS=${BENCH_RUNS:-5}
CONNECTIONS=${BENCH_CONNECTIONS:-10000}
CONCURRENCY=${BENCH_CONCURRENCY:-32}
THREADS=${BENCH_THREADS:-1}
APPS=1000
UNKNOWN=10000

source "$ROOT/bench/common.sh"
require_release_programs "$HERALD" "$BUILD/bench/bench_pusher_load"
raise_fd_limit $((CONNECTIONS + 100))
report_machine

# PostgreSQL in $WORK/pg, on a free port.
PG=$WORK/pg
mkdir -p "$PG"
AS=()
if [[ $(id -u) -eq 0 ]]; then
    chown postgres "$WORK" "$PG"
    AS=(runuser -u postgres --)
fi
"${AS[@]}" initdb -D "$PG/data" -A trust -U herald --no-sync >/dev/null
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${AS[@]}" postgres -D "$PG/data" -p "$PG_PORT" -k "$PG" -c listen_addresses=127.0.0.1 \
    -c fsync=off >"$WORK/pg.log" 2>&1 &
PIDS+=("$!")
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U herald -qAt -v ON_ERROR_STOP=1)
for _ in $(seq 100); do "${PSQL[@]}" -d postgres -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.1; done
"${PSQL[@]}" -d postgres -c 'CREATE DATABASE herald'
"${PSQL[@]}" -d herald -c "CREATE TABLE apps (id varchar(255) PRIMARY KEY, key varchar(255) NOT NULL,
    secret varchar(255) NOT NULL, enabled smallint NOT NULL DEFAULT 1,
    enable_client_messages smallint NOT NULL DEFAULT 0);
    INSERT INTO apps (id, key, secret) SELECT 'app-' || n, 'key-' || n, 'secret-' || n
    FROM generate_series(1, $APPS) AS n"
STORE=postgresql://herald@127.0.0.1:$PG_PORT/herald

seq 1 "$APPS" | sed 's/^/key-/' >"$WORK/keys"
: >"$WORK/apps.toml"
for n in $(seq 1 "$APPS"); do
    printf '[[apps]]\nid = "app-%d"\nkey = "key-%d"\nsecret = "secret-%d"\n\n' "$n" "$n" "$n" >>"$WORK/apps.toml"
done
awk -v n="$UNKNOWN" 'BEGIN { srand(7); for (i = 0; i < n; i++) printf "unknown-%d-%06d\n", i, int(rand() * 1000000) }' \
    >"$WORK/unknown"

# start_herald ARGS...: herald serve on a free port; sets SERVER_PID and SERVER_PORT.
start_herald() {
    local out=$WORK/herald.log
    : >"$out"
    "${SERVER_PIN[@]}" "$HERALD" serve --host 127.0.0.1 --port 0 --threads "$THREADS" \
        --state-dir "$WORK/state" "$@" >"$out" 2>&1 &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    wait_for_line "$out" "listening on ws://" 20
    SERVER_PORT=$(sed -n 's|.*listening on ws://[^/]*:\([0-9]*\)/.*|\1|p' "$out" | head -1)
}

handshakes() {  # CONNECTIONS: prints the handshakes per second, keys of $WORK/keys in turn
    "${CLIENT_PIN[@]}" "$BUILD/bench/bench_pusher_load" --port "$SERVER_PORT" --protocol pusher \
        --app-key unused --app-keys-file "$WORK/keys" --mode handshakes --connections "$1" |
        awk '/^handshakes_per_sec /{print $2}'
}

: >"$WORK/file" ; : >"$WORK/store"
for run in $(seq "$RUNS"); do
    start_herald --config "$WORK/apps.toml"
    echo "$(handshakes "$CONNECTIONS")" >>"$WORK/file"
    stop_pid "$SERVER_PID"
    start_herald --app-store "$STORE" --app-cache-ttl 600
    handshakes "$APPS" >/dev/null  # every key once: the cache is warm
    echo "$(handshakes "$CONNECTIONS")" >>"$WORK/store"
    stop_pid "$SERVER_PID"
    printf '  run %d: config file %s/s, PostgreSQL store %s/s\n' "$run" \
        "$(tail -1 "$WORK/file")" "$(tail -1 "$WORK/store")"
done
FILE=$(median <"$WORK/file")
STORE_RATE=$(median <"$WORK/store")
echo "handshakes/s with $APPS apps (median of $RUNS): config file $FILE, PostgreSQL store (warm) $STORE_RATE," \
     "ratio $(awk -v a="$STORE_RATE" -v b="$FILE" 'BEGIN {printf "%.2f", a / b}')"

# 10,000 distinct unknown keys, once each.
start_herald --app-store "$STORE" --app-cache-ttl 600
commits() { "${PSQL[@]}" -d herald -c "SELECT xact_commit FROM pg_stat_database WHERE datname = 'herald'"; }
BEFORE_RSS=$(rss_kib "$SERVER_PID")
sleep 2  # the statistics of the queries at start are flushed
BEFORE_TX=$(commits)
STARTED=$(date +%s.%N)
"${CLIENT_PIN[@]}" node "$ROOT/bench/app_store_handshakes.mjs" "ws://127.0.0.1:$SERVER_PORT" "$WORK/unknown" 600 \
    "$CONCURRENCY" once >"$WORK/unknown.out"
ENDED=$(date +%s.%N)
sleep 2
AFTER_TX=$(commits)
AFTER_RSS=$(rss_kib "$SERVER_PID")
# Minus one: the transaction of the first count itself.
awk -v n="$UNKNOWN" -v s="$STARTED" -v e="$ENDED" -v q="$((AFTER_TX - BEFORE_TX - 1))" \
    -v m="$((AFTER_RSS - BEFORE_RSS))" -v r="$(awk '{print $6}' "$WORK/unknown.out")" 'BEGIN {
    printf "%d distinct unknown keys (%d refused): %.0f connects/s, %d database queries (%.2f per key), VmRSS +%d KiB (%.0f bytes per key)\n",
           n, r, n / (e - s), q, q / n, m, m * 1024 / n }'
stop_pid "$SERVER_PID"
