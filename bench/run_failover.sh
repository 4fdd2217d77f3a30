#!/usr/bin/env bash
# bench/run_failover.sh [BUILD_DIR]
#
# How long a Sentinel failover interrupts the cluster (docs/BENCHMARKS.md): RUNS times, a fresh
# master, replica, three sentinels (down-after-milliseconds 1000) and three `herald serve` nodes
# with a pusher-js subscriber each while events are triggered every 20 ms; the master is killed
# with -9. Prints, per run and as medians, the time from the kill to the sentinels naming the new
# master, and to delivery across nodes resumed on every node (bench/failover.mjs). Uses the
# interop suites' harness and Node packages (tests/interop/node_modules); 127.0.0.1 only; stops
# everything it started. Environment: BENCH_RUNS (5).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$ROOT/build/release}
RUNS=${BENCH_RUNS:-5}
export HERALD_SERVER=$BUILD/bin/herald

for program in "$HERALD_SERVER" "$(command -v redis-server)" "$(command -v node)"; do
    if [[ ! -x $program ]]; then
        echo "run_failover.sh: $program is missing; build herald and install redis-server and" \
             "node (scripts/install-deps.sh)" >&2
        exit 2
    fi
done

source "$ROOT/bench/common.sh"

report_machine
: >"$WORK/promoted" && : >"$WORK/resumed"
for r in $(seq "$RUNS"); do
    read -r _ promoted _ resumed < <(node "$ROOT/bench/failover.mjs")
    echo "  run $r: master killed -> new master named ${promoted} ms -> delivery resumed on every node ${resumed} ms"
    echo "$promoted" >>"$WORK/promoted" && echo "$resumed" >>"$WORK/resumed"
done
echo "median over $RUNS runs: master killed -> new master named $(median <"$WORK/promoted") ms," \
     "-> delivery resumed on every node $(median <"$WORK/resumed") ms"
