#!/usr/bin/env bash
# Runs the real `herald` binary: --version, a configuration error (exit 2, nothing started), and
# a serve on an ephemeral loopback port that writes its pid file, logs where it listens and stops
# cleanly on SIGTERM (exit 0, pid file removed). Bounded: at most about 15 seconds.
set -u
herald="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; cat "$work/log" 2>/dev/null; exit 1; }

"$herald" --version | grep -q '^herald [0-9]' || fail "--version"
"$herald" serve --help | grep -q -- '--app_key' || fail "serve --help lists Slanger's flags"

"$herald" serve --port 70000 2>"$work/err"
[ $? -eq 2 ] || fail "a config error exits with status 2"
grep -q 'config error: --port = "70000"' "$work/err" || fail "the config error message"

"$herald" serve --port 0 --pid-file "$work/pid" --app-key k --app-secret s --state-dir "$work/state" \
    2>"$work/log" &
pid=$!
for _ in $(seq 1 100); do
    grep -q 'herald listening on ws://127.0.0.1:[0-9]*/app/k' "$work/log" && break
    sleep 0.1
done
grep -q 'herald listening on ws://127.0.0.1:[0-9]*/app/k' "$work/log" || fail "listening line"
grep -q 'DEVELOPMENT CREDENTIALS' "$work/log" && fail "no development warning with own app"
[ "$(cat "$work/pid")" = "$pid" ] || fail "pid file holds the server's pid"
kill -TERM "$pid"
for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; fail "still running 10 s after SIGTERM"; }
wait "$pid"
[ $? -eq 0 ] || fail "exit status after SIGTERM"
[ -e "$work/pid" ] && fail "pid file removed at exit"
echo "serve smoke test: ok"
