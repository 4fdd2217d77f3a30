#!/usr/bin/env bash
# Builds the `fuzz` preset (clang, libFuzzer, ASan/UBSan) and runs every fuzz_* target for N seconds
# (first argument, default 60) on a scratch copy of its corpus, with its dictionary.
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
failed=()
shopt -s nullglob
for name in "${targets[@]}"; do
    binary="$build/fuzz/$name"
    target="${name#fuzz_}"
    corpus="$scratch/$target/corpus"
    artifacts="$scratch/$target/artifacts/"
    mkdir -p "$corpus" "$artifacts"
    if [ -d "$root/fuzz/corpus/$target" ]; then
        find "$root/fuzz/corpus/$target" -type f ! -name .gitkeep -exec cp {} "$corpus/" \;
    fi
    args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
          -artifact_prefix="$artifacts")
    dict="$root/fuzz/dict/$target.dict"
    [ -f "$dict" ] && args+=(-dict="$dict")
    echo "== $target: ${seconds}s"
    if ! "$binary" "${args[@]}" "$corpus" >"$scratch/$target/log" 2>&1; then
        failed+=("$target")
        tail -n 40 "$scratch/$target/log"
        for input in "$artifacts"*; do
            echo "!! $target crashed; input saved at $input"
        done
        continue
    fi
    grep -E '^stat::number_of_executed_units|^Done ' "$scratch/$target/log" || true
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes in ${failed[*]} (logs and inputs under $scratch)"
    exit 1
fi
rm -rf "$scratch"
echo "fuzz: no crashes"
