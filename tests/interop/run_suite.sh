#!/usr/bin/env bash
# tests/interop/run_suite.sh
#
# Runs one interop suite after checking what it needs, so that a missing dependency fails the
# test with a hint instead of passing or failing obscurely. Called by CMakeLists.txt:
#   run_suite.sh ECHO_SERVER ECHO_CLIENT node FILE.test.mjs
#   run_suite.sh ECHO_SERVER ECHO_CLIENT browser FILE.test.mjs
#   run_suite.sh ECHO_SERVER ECHO_CLIENT python FILE.py
#   run_suite.sh --herald HERALD node|browser pusher/FILE.test.mjs   (the Pusher suites)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
[ $# -eq 4 ] || { echo "usage: $0 ECHO_SERVER ECHO_CLIENT|--herald HERALD node|browser|python FILE" >&2; exit 2; }
if [ "$1" = "--herald" ]; then
    export HERALD_SERVER="$2"
    binaries=("$2")
else
    export HERALD_ECHO_SERVER="$1" HERALD_ECHO_CLIENT="$2"
    binaries=("$1" "$2")
fi
kind="$3"
suite="$4"

fail() {
    echo "interop: $*" >&2
    echo "interop: install what the tests need with scripts/install-deps.sh (from the repository root)" >&2
    exit 1
}

for bin in "${binaries[@]}"; do
    [ -x "$bin" ] || { echo "interop: $bin is not built (build the $(basename "$bin") target)" >&2; exit 1; }
done

run_node() {
    command -v node >/dev/null 2>&1 || fail "node is not installed"
    major="$(node -p 'process.versions.node.split(".")[0]')"
    [ "$major" -ge 20 ] || fail "node $(node --version) is too old: the suites need node 20 or newer"
    [ -d node_modules ] || fail "tests/interop/node_modules is missing (npm ci has not been run here)"
    node --input-type=module -e "for (const m of ['ws', 'playwright-core', 'pusher-js', 'pusher']) await import(m);" \
        2>/dev/null || fail "tests/interop/node_modules lacks ws, playwright-core, pusher-js or pusher (run npm ci here)"
    if [ -f node_modules/.herald-lock ] && ! cmp -s package-lock.json node_modules/.herald-lock; then
        fail "tests/interop/node_modules is older than package-lock.json"
    fi
    exec node --test --test-reporter=spec --test-force-exit "$suite"
}

case "$kind" in
node)
    run_node
    ;;
browser)
    chromium="${HERALD_CHROMIUM:-/usr/bin/chromium}"
    [ -x "$chromium" ] || fail "$chromium is missing (Debian package chromium)"
    run_node
    ;;
python)
    # Debian's interpreter on purpose: python3-websockets is installed for it, not for others on PATH.
    [ -x /usr/bin/python3 ] || fail "/usr/bin/python3 is missing"
    /usr/bin/python3 -c "import websockets" 2>/dev/null || fail "python3-websockets is not installed for /usr/bin/python3"
    exec /usr/bin/python3 "$suite"
    ;;
*)
    echo "interop: unknown suite kind $kind" >&2
    exit 2
    ;;
esac
