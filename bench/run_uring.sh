#!/usr/bin/env bash
# bench/run_uring.sh [BUILD_DIR]
#
# The io_uring experiment (docs/decisions/0008-io-uring-for-fan-out.md): the epoll ceiling
# (bench_ceiling, writev per socket) against the same ceiling written through io_uring
# (bench_ceiling_uring: one io_uring_enter per fan-out round), each fanning a 100-byte message out
# to $CONNECTIONS connections, interleaved runs, medians. Each io_uring variant (--op send,
# write-fixed, send-zc) is one column. Reports delivered messages per second and per server
# CPU-second, and each variant's share of the epoll ceiling. Runs the programs of an existing
# release build (default build/release), on 127.0.0.1 only.
# Environment overrides: BENCH_CONNECTIONS (5000), BENCH_RUNS (5), BENCH_WARMUP, BENCH_DURATION,
# BENCH_BURST, BENCH_MAX_UNSENT_BYTES, BENCH_RCVLOWAT, BENCH_URING_OPS ("send write-fixed send-zc").
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$ROOT/build/release}
BIN=$BUILD/bench

CONNECTIONS=${BENCH_CONNECTIONS:-5000}
RUNS=${BENCH_RUNS:-5}
WARMUP=${BENCH_WARMUP:-1}
DURATION=${BENCH_DURATION:-3}
BURST=${BENCH_BURST:-1}
MAX_UNSENT_BYTES=${BENCH_MAX_UNSENT_BYTES:-0}
RCVLOWAT=${BENCH_RCVLOWAT:-1}
read -r -a OPS <<<"${BENCH_URING_OPS:-send write-fixed send-zc}"

source "$ROOT/bench/common.sh"
require_release_programs "$BIN/bench_ceiling" "$BIN/bench_ceiling_uring" "$BIN/bench_load_client"
raise_fd_limit $(( CONNECTIONS + 100 ))

report_machine
echo "fan-out: $CONNECTIONS connections, 100-byte text message, burst $BURST," \
     "max unsent $MAX_UNSENT_BYTES bytes, ${WARMUP} s warm-up, ${DURATION} s window, $RUNS runs"
variants=(epoll "${OPS[@]}")
for variant in "${variants[@]}"; do : >"$WORK/$variant"; done
for run in $(seq "$RUNS"); do
    for variant in "${variants[@]}"; do
        if [[ $variant == epoll ]]; then
            fanout_throughput bench_ceiling
        else
            fanout_throughput bench_ceiling_uring --op "$variant"
        fi
        echo "$RESULT" >>"$WORK/$variant"
        read -r rate cpu per_cpu <<<"$RESULT"
        printf '  run %d %-12s %10.0f msgs/s   server CPU %.2f   %10.0f msgs per server CPU-second\n' \
               "$run" "$variant" "$rate" "$cpu" "$per_cpu"
    done
done

epoll_rate=$(cut -d' ' -f1 "$WORK/epoll" | median)
epoll_cpu=$(cut -d' ' -f3 "$WORK/epoll" | median)
printf 'median epoll ceiling: %.0f msgs/s, %.0f msgs per server CPU-second\n' "$epoll_rate" "$epoll_cpu"
for variant in "${OPS[@]}"; do
    rate=$(cut -d' ' -f1 "$WORK/$variant" | median)
    per_cpu=$(cut -d' ' -f3 "$WORK/$variant" | median)
    # The ratio of each run to the epoll run just before it, then the median of those.
    pair=$(paste -d' ' "$WORK/epoll" "$WORK/$variant" | awk '{print $4 / $1, $6 / $3}')
    pair_rate=$(cut -d' ' -f1 <<<"$pair" | median)
    pair_cpu=$(cut -d' ' -f2 <<<"$pair" | median)
    printf 'median io_uring %-12s %.0f msgs/s (%.2fx epoll, paired %.2fx), %.0f per server CPU-second (%.2fx, paired %.2fx)\n' \
           "$variant:" "$rate" "$(awk -v a="$rate" -v b="$epoll_rate" 'BEGIN {print a / b}')" "$pair_rate" \
           "$per_cpu" "$(awk -v a="$per_cpu" -v b="$epoll_cpu" 'BEGIN {print a / b}')" "$pair_cpu"
done
