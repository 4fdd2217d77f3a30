#!/usr/bin/env bash
# Runs the real `herald` binary: `config check` on a good file (ok, exit 0) and a bad one (every
# problem as FILE:LINE:COL, exit 2), `config init` accepted by `config check`, `serve
# --log-format json` whose every stderr line parses as JSON, and a second `serve` with the same
# state directory and webhooks refused (exit 1) while the first runs. Loopback ports picked by
# the system; bounded: at most about 20 seconds.
set -u
herald="$1"
work="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; cat "$work/out" "$work/log" 2>/dev/null; exit 1; }

printf 'port = 7000\n[[apps]]\nid = "a"\nkey = "k"\nsecret = "s"\n' >"$work/good.toml"
"$herald" config check -C "$work/good.toml" >"$work/out" 2>&1
[ $? -eq 0 ] || fail "a good file exits with status 0"
[ "$(cat "$work/out")" = "ok" ] || fail "a good file prints ok"

printf 'prot = 1\nport = "x"\n[[apps]]\nid = "a"\nkey = "k"\nsecret = "s"\n[[apps]]\nid = "a"\nkey = "j"\nsecret = "s"\n' >"$work/bad.toml"
HERALD_CONFIG="$work/bad.toml" "$herald" config check >"$work/out" 2>&1
[ $? -eq 2 ] || fail "a bad file exits with status 2"
cat >"$work/expected" <<END
$work/bad.toml:1:1: unknown key "prot" (did you mean "port"?)
$work/bad.toml:2:8: port = "x": expected a port number (0-65535)
$work/bad.toml:8:6: apps[1].id = "a": expected an id that no other app uses (apps[0] has it)
END
diff "$work/expected" "$work/out" || fail "every problem of the bad file, in order"

"$herald" config init >"$work/init.toml" || fail "config init"
[ "$("$herald" config check -C "$work/init.toml")" = "ok" ] || fail "config check accepts config init"

"$herald" serve --port 0 --log-format json --state-dir "$work/state" \
    --webhook-url http://127.0.0.1:9/hooks 2>"$work/log" &
pids+=($!)
for _ in $(seq 1 100); do
    grep -q 'herald listening on' "$work/log" && break
    sleep 0.1
done
grep -q 'herald listening on' "$work/log" || fail "listening line"
[ -d "$work/state" ] || fail "the state directory is created"

"$herald" serve --port 0 --state-dir "$work/state" --webhook-url http://127.0.0.1:9/hooks \
    2>"$work/second"
[ $? -eq 1 ] || fail "a second server on the same state directory exits with status 1"
grep -q 'is in use by another process.*--state-dir' "$work/second" ||
    fail "the second server says why: $(cat "$work/second")"

kill -TERM "${pids[0]}"
wait "${pids[0]}" || fail "exit status after SIGTERM"
python3 - "$work/log" <<'PY' || fail "every log line is a JSON object"
import json, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert len(lines) >= 3, lines
for line in lines:
    entry = json.loads(line)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["time"]), entry
    assert entry["level"] in ("trace", "debug", "info", "warn", "error", "critical"), entry
    assert isinstance(entry["message"], str), entry
assert any(json.loads(l)["message"] == "state in " + sys.argv[1].rsplit("/", 1)[0] + "/state"
           for l in lines), lines
PY
echo "config smoke test: ok"
