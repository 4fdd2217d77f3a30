#!/usr/bin/env bash
# Builds the `fuzz` preset (clang, libFuzzer, ASan/UBSan) and runs every fuzz_* target for N seconds
# (first argument, default 60) on a scratch copy of its corpus, with its dictionary, one target
# per core at a time.
# Exits non-zero when any target crashes, and says where the crashing input was saved: copy it
# into fuzz/corpus/<target>/regressions/ so the replay tests keep it forever.
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build/fuzz"

cd "$root"
# Only the fuzz targets and what they link: the rest of the tree is not needed here.
mapfile -t targets < <(sed -nE 's/^herald_fuzzer\(([a-z0-9_]+).*/fuzz_\1/p' fuzz/CMakeLists.txt)
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "${HERALD_JOBS:-2}" --target "${targets[@]}"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/herald-fuzz.XXXXXX")"
shopt -s nullglob

# fuzz_one NAME: one target on a scratch copy of its corpus; its output goes to its log, and a
# file `failed` beside the log says it crashed.
fuzz_one() {
    local name="$1"
    local binary="$build/fuzz/$name" target="${name#fuzz_}"
    local corpus="$scratch/$target/corpus" artifacts="$scratch/$target/artifacts/"
    mkdir -p "$corpus" "$artifacts"
    if [ -d "$root/fuzz/corpus/$target" ]; then
        find "$root/fuzz/corpus/$target" -type f ! -name .gitkeep -exec cp {} "$corpus/" \;
    fi
    local args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
                -artifact_prefix="$artifacts")
    local dict="$root/fuzz/dict/$target.dict"
    [ -f "$dict" ] && args+=(-dict="$dict")
    "$binary" "${args[@]}" "$corpus" >"$scratch/$target/log" 2>&1 || touch "$scratch/$target/failed"
}

# As many targets at once as there are cores (HERALD_JOBS), each for the full time: the same
# fuzzing per target in a fraction of the wall time.
jobs="${HERALD_JOBS:-$(nproc)}"
running=0
for name in "${targets[@]}"; do
    if (( running >= jobs )); then
        wait -n || true
        running=$((running - 1))
    fi
    echo "== ${name#fuzz_}: ${seconds}s"
    fuzz_one "$name" &
    running=$((running + 1))
done
wait || true

failed=()
for name in "${targets[@]}"; do
    target="${name#fuzz_}"
    if [ -f "$scratch/$target/failed" ]; then
        failed+=("$target")
        echo "!! $target:"
        tail -n 40 "$scratch/$target/log"
        for input in "$scratch/$target/artifacts/"*; do
            echo "!! $target crashed; input saved at $input"
        done
        continue
    fi
    echo "$target: $(grep -E '^stat::number_of_executed_units' "$scratch/$target/log" || echo 'no stats')"
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes in ${failed[*]} (logs and inputs under $scratch)"
    exit 1
fi
rm -rf "$scratch"
echo "fuzz: no crashes"
