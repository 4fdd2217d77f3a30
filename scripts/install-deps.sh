#!/usr/bin/env bash
# Installs every Debian package Herald needs to build, test, fuzz and benchmark, and the Node
# packages of the interop tests (from their lock file). Idempotent, and quiet when all is present.
set -euo pipefail

packages=(
    build-essential cmake ninja-build ccache pkg-config clang libclang-rt-14-dev clang-format
    libboost-dev libssl-dev zlib1g-dev libfmt-dev libspdlog-dev
    libsimdjson-dev libhiredis-dev libcurl4-openssl-dev libsodium-dev libtomlplusplus-dev
    libyaml-cpp-dev libcli11-dev prometheus-cpp-dev
    libgtest-dev libgmock-dev libbenchmark-dev
    python3 python3-websockets chromium redis-server openssl procps wrk
    prometheus  # for promtool: the metrics tests check the exposition with `promtool check metrics`
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "install-deps: installing nodejs and npm"
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq nodejs npm >/dev/null
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -f "$here/tests/interop/package-lock.json" ]; then
    lock="$here/tests/interop/package-lock.json"
    stamp="$here/tests/interop/node_modules/.herald-lock"
    if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
        echo "install-deps: npm ci in tests/interop"
        (cd "$here/tests/interop" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
        cp "$lock" "$stamp"
    fi
fi
