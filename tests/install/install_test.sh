#!/usr/bin/env bash
# tests/install/install_test.sh BUILD_DIR HERALD SANITIZE_FLAGS
#
# Installs the build into a temporary prefix, then builds examples/sdk_quickstart.cpp and
# examples/client_quickstart.cpp outside the repository twice, through find_package(herald
# COMPONENTS sdk client) and through pkg-config (herald-sdk, herald-client), and runs them against
# a `herald serve` (the development app on a free port): the installed SDK and client link and
# work alone.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 BUILD_DIR HERALD SANITIZE_FLAGS" >&2; exit 2; }
build="$1"
herald="$2"
sanitize="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_file="$here/../../examples/sdk_quickstart.cpp"
client_source="$here/../../examples/client_quickstart.cpp"
work="$(mktemp -d "${TMPDIR:-/tmp}/herald-install-XXXXXX")"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
for f in include/herald/sdk/client.h include/herald/pusher/rest_signature.h \
         include/herald/client/client.h lib/libherald_client.a lib/libherald_web.a \
         lib/cmake/herald/heraldConfig.cmake lib/pkgconfig/herald-sdk.pc \
         lib/pkgconfig/herald-client.pc bin/herald; do
    [ -e "$work/prefix/$f" ] || { echo "install: $f is missing from the prefix" >&2; exit 1; }
done
if ls "$work/prefix/include/herald/sdk" "$work/prefix/include/herald/client" |
        grep -qE '_test|_fixture|herald_server|client_state'; then
    echo "install: test or internal headers were installed" >&2
    exit 1
fi

echo "== find_package(herald COMPONENTS sdk client)"
cmake -S "$here/consumer" -B "$work/cmake-build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_PREFIX_PATH="$work/prefix" -DQUICKSTART_SOURCE="$source_file" \
      -DCLIENT_QUICKSTART_SOURCE="$client_source" \
      -DCMAKE_CXX_FLAGS="$sanitize" -DCMAKE_EXE_LINKER_FLAGS="$sanitize" >/dev/null
cmake --build "$work/cmake-build" -j2 >/dev/null

echo "== pkg-config herald-sdk, herald-client"
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
# shellcheck disable=SC2046,SC2086
c++ -std=c++20 $sanitize "$source_file" -o "$work/pkg-quickstart" $(pkg-config --cflags --libs herald-sdk)
# shellcheck disable=SC2046,SC2086
c++ -std=c++20 $sanitize "$client_source" -o "$work/pkg-client-quickstart" \
    $(pkg-config --cflags --libs herald-client)

echo "== both against herald serve"
"$herald" serve --port 0 --state-dir "$work/state" >"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 200); do
    port="$(sed -n 's|.*REST API on http://127.0.0.1:\([0-9]*\)/apps/app-id.*|\1|p' "$work/server.log")"
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || { echo "install: herald serve did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
export HERALD_URL="http://app-key:app-secret@127.0.0.1:$port/apps/app-id"
for program in "$work/cmake-build/quickstart" "$work/pkg-quickstart"; do
    output="$("$program" install-check)"
    echo "$output"
    grep -q '^auth: {"auth":"app-key:' <<<"$output" || { echo "install: no auth line" >&2; exit 1; }
    grep -q '^channels: {"channels":{' <<<"$output" || { echo "install: no channels line" >&2; exit 1; }
done
for program in "$work/cmake-build/client_quickstart" "$work/pkg-client-quickstart"; do
    output="$("$program" 1 "$port")"
    echo "$output"
    grep -q '^state: connecting -> connected' <<<"$output" || { echo "install: not connected" >&2; exit 1; }
    grep -q '^in the room as quickstart' <<<"$output" || { echo "install: no presence" >&2; exit 1; }
done
echo "install: ok"
