#!/usr/bin/env bash
# bench/run_metrics.sh [BUILD_DIR]
#
# What metrics cost `herald serve` (docs/BENCHMARKS.md, "Metrics"). Builds nothing: it runs
# `herald serve` and bench_pusher_load of an existing release build (default build/release). On
# 127.0.0.1 only; it stops everything it started.
#   1. Fan-out with and without metrics: the throughput test of run_server.sh (N subscribers on
#      "bench", events triggered through the REST API, herald --threads 1 on CPU 0), once with the
#      admin listener on and scraped every second (curl on CPU 1, like a Prometheus elsewhere),
#      once without the admin listener. 5 runs each, interleaved; the ratio of the medians.
#   2. One scrape with many connections: herald serve with the admin listener, 10,000 idle
#      connections subscribed to 1,000 channels (10 each), then GET /metrics over loopback,
#      one after the other, SCRAPES times (each on a new connection: the admin listener closes
#      after every answer). curl's timings: the whole request (connect to last byte) and the
#      server's part (request sent to first byte of the answer); median and p99. And the server's
#      CPU time over all the scrapes divided by their number, which a busy machine does not
#      inflate the way it delays answers. A GET /healthz follows each scrape as the control.
#      And what the server reports itself: each scrape's herald_scrape_duration_seconds (how long
#      the scrape before it took to build its text, in the admin route); median and p99.
# Environment overrides: BENCH_CONNECTIONS, BENCH_RUNS, BENCH_WARMUP, BENCH_DURATION,
# BENCH_MESSAGE_BYTES, BENCH_WINDOW, BENCH_THREADS, BENCH_SCRAPE_CONNECTIONS,
# BENCH_SCRAPE_CHANNELS, BENCH_SCRAPES.
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
SCRAPE_CONNECTIONS=${BENCH_SCRAPE_CONNECTIONS:-10000}
SCRAPE_CHANNELS=${BENCH_SCRAPE_CHANNELS:-1000}
SCRAPES=${BENCH_SCRAPES:-2000}
APP=(--app-id bench --app-key bench-key --app-secret bench-secret)
TARGET_RATIO=97          # percent: with metrics scraped, at least this share of the rate without
TARGET_SCRAPE_P99_US=5000
TARGET_SCRAPE_SERVER_P99_US=5000  # herald_scrape_duration_seconds

source "$ROOT/bench/common.sh"
require_release_programs "$BIN/bench_pusher_load" "$HERALD"
command -v curl >/dev/null || { echo "run_metrics.sh: curl is missing" >&2; exit 2; }

raise_fd_limit $(( (SCRAPE_CONNECTIONS > CONNECTIONS ? SCRAPE_CONNECTIONS : CONNECTIONS) + 100 ))

# scrape_every_second: GET /metrics once a second on the client's CPU until killed, from one
# long-lived curl (like a Prometheus: no process started per scrape); sets SCRAPER_PID. Each
# scrape's status goes to $WORK/scrapes.
scrape_every_second() {
    local _
    for _ in $(seq 600); do
        printf 'url = "http://127.0.0.1:%s/metrics"\noutput = "/dev/null"\n' "$ADMIN_PORT"
    done >"$WORK/scraper.conf"
    "${CLIENT_PIN[@]}" stdbuf -oL curl -s --rate 1/s -K "$WORK/scraper.conf" -w '%{http_code}\n' \
        >"$WORK/scrapes" &
    SCRAPER_PID=$!
    PIDS+=("$SCRAPER_PID")
}

# throughput with|without: one run; sets RESULT to "msgs_per_sec server_cpu per_cpu_sec scrapes".
throughput() {
    local scrapes=0
    if [[ $1 == with ]]; then
        start_herald_pinned --admin-port 0
        scrape_every_second
    else
        start_herald_pinned
    fi
    if ! timeout 60 "${CLIENT_PIN[@]}" "$BIN/bench_pusher_load" --port "$SERVER_PORT" \
             --connections "$CONNECTIONS" --warmup "$WARMUP" --duration "$DURATION" \
             --server-pid "$SERVER_PID" --protocol pusher "${APP[@]}" \
             --message-bytes "$MESSAGE_BYTES" --window "$WINDOW" --mode count >"$WORK/client.out"; then
        echo "run_metrics.sh: the load program failed; the server said:" >&2
        tail -20 "$WORK/herald.log" >&2
        return 1
    fi
    if [[ $1 == with ]]; then
        stop_pid "$SCRAPER_PID"
        scrapes=$(grep -c '^200$' "$WORK/scrapes" || true)
    fi
    stop_pid "$SERVER_PID"
    RESULT="$(awk '/^msgs_per_sec /{for (i = 1; i < NF; i += 2) f[$i] = $(i+1);
                   print f["msgs_per_sec"], f["server_cpu"], f["msgs_per_server_cpu_sec"]}' \
                  "$WORK/client.out") $scrapes"
}

column_median() { cut -d' ' -f"$2" "$1" | median; }

# cpu_ticks PID: user + system CPU time of PID so far, in clock ticks (proc(5) fields 14 and 15).
cpu_ticks() {
    sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

# percentile P FILE: the P-th percentile (nearest rank) of the numbers in FILE.
percentile() {
    sort -g "$2" | awk -v p="$1" '{v[NR] = $1} END {r = int(p / 100 * NR + 0.999999); if (r < 1) r = 1; print v[r]}'
}

report_machine

echo "fan-out: $CONNECTIONS subscribers, $MESSAGE_BYTES-byte messages, herald --threads $THREADS," \
     "${WARMUP} s warm-up, ${DURATION} s window, $RUNS runs each, interleaved; with: the admin" \
     "listener on and GET /metrics every second"
: >"$WORK/with" && : >"$WORK/without"
for run in $(seq "$RUNS"); do
    # Alternate which goes first, so that a drift of the machine favours neither.
    order=(without with)
    (( run % 2 == 0 )) && order=(with without)
    for variant in "${order[@]}"; do
        throughput "$variant"
        echo "$RESULT" >>"$WORK/$variant"
        read -r rate cpu per_cpu scrapes <<<"$RESULT"
        printf '  run %d %-8s %10.0f msgs/s   server CPU %.2f   %10.0f msgs per server CPU-second' \
               "$run" "$variant" "$rate" "$cpu" "$per_cpu"
        [[ $variant == with ]] && printf '   %d scrapes' "$scrapes"
        printf '\n'
    done
done
with=$(column_median "$WORK/with" 1)
without=$(column_median "$WORK/without" 1)
with_cpu=$(column_median "$WORK/with" 3)
without_cpu=$(column_median "$WORK/without" 3)
ratio=$(awk -v a="$with" -v b="$without" 'BEGIN {printf "%.1f", 100 * a / b}')
ratio_cpu=$(awk -v a="$with_cpu" -v b="$without_cpu" 'BEGIN {printf "%.1f", 100 * a / b}')
printf 'median without %.0f msgs/s, with %.0f msgs/s: with/without %s %% (target >= %d %%)\n' \
       "$without" "$with" "$ratio" "$TARGET_RATIO"
printf 'per server CPU-second: without %.0f, with %.0f: %s %%\n' "$without_cpu" "$with_cpu" "$ratio_cpu"

echo "scrape: $SCRAPE_CONNECTIONS idle connections in $SCRAPE_CHANNELS channels," \
     "$SCRAPES scrapes of GET /metrics one after the other"
start_herald_pinned --admin-port 0
"${CLIENT_PIN[@]}" "$BIN/bench_pusher_load" --port "$SERVER_PORT" --protocol pusher "${APP[@]}" \
    --mode idle --connections "$SCRAPE_CONNECTIONS" --channels "$SCRAPE_CHANNELS" --hold 600 \
    >"$WORK/idle.out" &
client_pid=$!
PIDS+=("$client_pid")
wait_for_line "$WORK/idle.out" '^ready ' 120
sleep 1
metrics_url="http://127.0.0.1:$ADMIN_PORT/metrics"
curl -s "$metrics_url" >"$WORK/scrape.txt"
open=$(awk '$1 ~ /^herald_connections[{]/ {n += $2} END {print n + 0}' "$WORK/scrape.txt")
echo "  herald_connections $open, $(grep -vc '^#' "$WORK/scrape.txt") samples," \
     "$(wc -c <"$WORK/scrape.txt") bytes per scrape"
if (( open != SCRAPE_CONNECTIONS )); then
    echo "run_metrics.sh: the scrape reports $open connections, $SCRAPE_CONNECTIONS expected" >&2
    exit 1
fi
# Each scrape is followed by a GET /healthz on its own connection: the same path through the
# kernel and the server without the exposition, so what /metrics adds shows against the noise.
# Each scrape's body is kept for the figure the server reports in it.
mkdir -p "$WORK/bodies"
for i in $(seq "$SCRAPES"); do
    printf 'url = "%s"\noutput = "%s"\nurl = "%s"\noutput = "/dev/null"\n' \
           "$metrics_url" "$WORK/bodies/$i" "${metrics_url%/metrics}/healthz"
done >"$WORK/curl.conf"
cpu_before=$(cpu_ticks "$SERVER_PID")
"${CLIENT_PIN[@]}" curl -s -K "$WORK/curl.conf" \
    -w '%{http_code} %{time_total} %{time_pretransfer} %{time_starttransfer} %{url_effective}\n' \
    >"$WORK/times"
cpu_after=$(cpu_ticks "$SERVER_PID")
stop_pid "$client_pid"
stop_pid "$SERVER_PID"
ok=$(awk '$1 == 200' "$WORK/times" | wc -l)
if (( ok != 2 * SCRAPES )); then
    echo "run_metrics.sh: $ok of $((2 * SCRAPES)) requests answered 200" >&2
    exit 1
fi
ms_of() { awk -v v="$1" 'BEGIN {printf "%.3f", v / 1000}'; }
for path in metrics healthz; do
    awk -v p="/$path" '$5 ~ p "$" {printf "%.0f\n", $2 * 1e6}' "$WORK/times" >"$WORK/total_$path"
    awk -v p="/$path" '$5 ~ p "$" {printf "%.0f\n", ($4 - $3) * 1e6}' "$WORK/times" >"$WORK/server_$path"
    printf '  GET /%-8s whole request (connect to last byte) p50 %s ms, p99 %s ms;' "$path" \
           "$(ms_of "$(median <"$WORK/total_$path")")" "$(ms_of "$(percentile 99 "$WORK/total_$path")")"
    printf ' server (request sent to first byte) p50 %s ms, p99 %s ms\n' \
           "$(ms_of "$(median <"$WORK/server_$path")")" "$(ms_of "$(percentile 99 "$WORK/server_$path")")"
done
# Scrape i reports how long scrape i-1 took; the first reports the check above, left out.
for i in $(seq 2 "$SCRAPES"); do
    awk '$1 == "herald_scrape_duration_seconds" {printf "%.0f\n", $2 * 1e9}' "$WORK/bodies/$i"
done >"$WORK/built_ns"
if (( $(wc -l <"$WORK/built_ns") != SCRAPES - 1 )); then
    echo "run_metrics.sh: herald_scrape_duration_seconds missing from some scrapes" >&2
    exit 1
fi
us_of_ns() { awk -v v="$1" 'BEGIN {printf "%.1f", v / 1000}'; }
server_p99_ns=$(percentile 99 "$WORK/built_ns")
printf '  herald_scrape_duration_seconds (building the text, as the server reports it) over %d' \
       "$((SCRAPES - 1))"
printf ' scrapes: p50 %s us, p99 %s us, max %s us\n' "$(us_of_ns "$(median <"$WORK/built_ns")")" \
       "$(us_of_ns "$server_p99_ns")" "$(us_of_ns "$(sort -g "$WORK/built_ns" | tail -1)")"
total_p99=$(percentile 99 "$WORK/total_metrics")
printf '  server CPU per request pair (two connections, one scrape, one /healthz): %.3f ms\n' \
       "$(awk -v t="$((cpu_after - cpu_before))" -v hz="$(getconf CLK_TCK)" -v n="$SCRAPES" \
              'BEGIN {print 1000 * t / hz / n}')"
printf 'scrape p99 %s ms with %d connections (target < %d ms)\n' \
       "$(ms_of "$total_p99")" "$SCRAPE_CONNECTIONS" "$((TARGET_SCRAPE_P99_US / 1000))"
printf 'scrape server time p99 %s ms (target < %d ms)\n' \
       "$(awk -v v="$server_p99_ns" 'BEGIN {printf "%.3f", v / 1e6}')" \
       "$((TARGET_SCRAPE_SERVER_P99_US / 1000))"
echo "CPU busy after the runs: $(cpu_busy_percent) %"

status=0
awk -v r="$ratio" -v t="$TARGET_RATIO" 'BEGIN {exit !(r >= t)}' || {
    echo "MISSED: with metrics scraped every second, $ratio % of the fan-out without (target >= $TARGET_RATIO %)"
    status=1
}
(( total_p99 < TARGET_SCRAPE_P99_US )) || {
    echo "MISSED: scrape p99 $total_p99 us >= $TARGET_SCRAPE_P99_US us with $SCRAPE_CONNECTIONS connections"
    status=1
}
(( server_p99_ns < TARGET_SCRAPE_SERVER_P99_US * 1000 )) || {
    echo "MISSED: herald_scrape_duration_seconds p99 $server_p99_ns ns >= $TARGET_SCRAPE_SERVER_P99_US us"
    status=1
}
exit "$status"
