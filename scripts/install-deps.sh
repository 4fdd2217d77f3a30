#!/usr/bin/env bash
# Installs every Debian package Herald needs to build, test, fuzz and benchmark, and the Node
# packages of the interop tests and of the dashboard (from their lock files). Idempotent, and
# quiet when all is present.
set -euo pipefail

packages=(
    build-essential cmake ninja-build ccache pkg-config clang libclang-rt-14-dev clang-format
    libboost-dev libssl-dev zlib1g-dev libfmt-dev libspdlog-dev
    libsimdjson-dev libhiredis-dev libcurl4-openssl-dev libsodium-dev libtomlplusplus-dev
    libyaml-cpp-dev libcli11-dev prometheus-cpp-dev libpq-dev libmariadb-dev
    libgtest-dev libgmock-dev libbenchmark-dev
    python3 python3-websockets chromium redis-server openssl procps wrk
    liburing-dev  # bench_ceiling_uring, the io_uring fan-out experiment (bench/)
    postgresql mariadb-server  # the app-store tests start their own database servers
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

# npm ci in DIR (relative to the repository) unless node_modules already matches package-lock.json:
# a copy of the lock file in node_modules/.herald-lock records what was installed.
npm_ci() {
    local dir="$here/$1"
    [ -f "$dir/package-lock.json" ] || return 0
    local lock="$dir/package-lock.json" stamp="$dir/node_modules/.herald-lock"
    if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
        echo "install-deps: npm ci in $1"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
        cp "$lock" "$stamp"
    fi
}

npm_ci tests/interop  # the interop suites: ws, playwright-core, pusher-js, pusher
npm_ci dashboard      # uPlot, compiled into the binary (herald/server/dashboard_assets.h)
