#!/usr/bin/env bash
# `herald listen` against the real `herald serve` on an ephemeral loopback port: --count 2 gets
# two events sent with `herald trigger` and exits 0; --timeout 1 without events exits 1; a
# private channel signed with a wrong secret is refused (exit 3, the reason on stderr); a
# presence channel signed locally prints the member_added of a second listener; an encrypted
# channel signed locally decrypts what `herald trigger` sealed; --signin prints an event sent to
# the user; bad usage exits 2. Bounded: about 30 seconds at most.
set -u
herald="$1"
work="$(mktemp -d)"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    for f in "$work"/*.out "$work"/*.err "$work/log"; do
        [ -s "$f" ] && { echo "--- $f"; cat "$f"; }
    done
    exit 1
}

"$herald" serve --port 0 --app-id 1 --app-key key --app-secret secret --state-dir "$work/state" \
    2>"$work/log" &
server_pid=$!
for _ in $(seq 1 100); do
    grep -q 'herald listening on ws://127.0.0.1:[0-9]*/app/key' "$work/log" && break
    sleep 0.1
done
port="$(grep -o 'ws://127.0.0.1:[0-9]*/app/key' "$work/log" | head -1 | sed 's/.*:\([0-9]*\)\/app.*/\1/')"
[ -n "$port" ] || fail "the server's listening line"
export HERALD_URL="http://key:secret@127.0.0.1:$port/apps/1"

# Waits until the listener's output file shows it is subscribed (its first line may take a
# moment): here, until the server counts a subscriber on the channel.
wait_subscribed() {
    for _ in $(seq 1 50); do
        "$herald" channel "$1" --info subscription_count 2>/dev/null |
            grep -q "\"subscription_count\":$2" && return 0
        sleep 0.1
    done
    return 1
}

# --count 2: two events, then exit 0.
timeout 15 "$herald" listen news --count 2 >"$work/count.out" 2>"$work/count.err" &
listener=$!
wait_subscribed news 1 || fail "the listener subscribes to news"
"$herald" trigger news update '{"n":1}' >/dev/null || fail "trigger 1"
"$herald" trigger news update 'two' >/dev/null || fail "trigger 2"
wait "$listener"
[ $? -eq 0 ] || fail "--count 2 exits 0"
[ "$(sed -n 1p "$work/count.out")" = '{"channel":"news","event":"update","data":{"n":1}}' ] ||
    fail "the first line"
[ "$(sed -n 2p "$work/count.out")" = '{"channel":"news","event":"update","data":"two"}' ] ||
    fail "the second line"

# --timeout 1 with no events: exit 1.
timeout 10 "$herald" listen quiet --timeout 1 >"$work/timeout.out" 2>"$work/timeout.err"
[ $? -eq 1 ] || fail "--timeout 1 without events exits 1"

# A wrong secret in the URL: the server refuses the signature, exit 3 with the reason.
HERALD_URL="http://key:wrong@127.0.0.1:$port/apps/1" timeout 10 "$herald" listen private-a \
    --timeout 5 >"$work/refused.out" 2>"$work/refused.err"
[ $? -eq 3 ] || fail "a refused private subscription exits 3"
grep -q 'private-a' "$work/refused.err" || fail "the refusal names the channel"

# Presence, signed locally: the first listener sees the second join.
timeout 15 "$herald" listen presence-room --user-id ann --user-info '{"name":"Ann"}' --count 1 \
    >"$work/presence.out" 2>"$work/presence.err" &
first=$!
wait_subscribed presence-room 1 || fail "the first presence listener subscribes"
timeout 15 "$herald" listen presence-room --user-id bo --user-info '{"name":"Bo"}' --timeout 5 \
    >"$work/second.out" 2>"$work/second.err" &
second=$!
wait "$first"
[ $? -eq 0 ] || fail "the first presence listener exits 0 after the member_added"
kill "$second" 2>/dev/null
wait "$second" 2>/dev/null
[ "$(cat "$work/presence.out")" = \
  '{"channel":"presence-room","event":"pusher:member_added","user_id":"bo","user_info":{"name":"Bo"}}' ] ||
    fail "the member_added line"

# An encrypted channel signed locally with the master key: `herald trigger` (the SDK) seals the
# event, the listener opens it.
master="aGVyYWxkLWxpc3Rlbi1zbW9rZS1tYXN0ZXIta2V5MzI="
timeout 15 "$herald" listen private-encrypted-vault --encryption-master-key "$master" --count 1 \
    >"$work/encrypted.out" 2>"$work/encrypted.err" &
listener=$!
wait_subscribed private-encrypted-vault 1 || fail "the encrypted listener subscribes"
"$herald" trigger private-encrypted-vault opened '{"n":3}' --encryption-master-key "$master" \
    >/dev/null || fail "trigger on the encrypted channel"
wait "$listener"
[ $? -eq 0 ] || fail "the encrypted listener exits 0"
[ "$(cat "$work/encrypted.out")" = '{"channel":"private-encrypted-vault","event":"opened","data":{"n":3}}' ] ||
    fail "the decrypted line"

# --signin signed locally: an event sent to the user (sent again until the sign-in is through).
timeout 15 "$herald" listen --signin --user-id u7 --count 1 >"$work/signin.out" 2>"$work/signin.err" &
listener=$!
for _ in $(seq 1 50); do
    kill -0 "$listener" 2>/dev/null || break
    "$herald" trigger '#server-to-user-u7' hello '{"x":1}' >/dev/null 2>&1
    sleep 0.2
done
wait "$listener"
[ $? -eq 0 ] || fail "the signed-in listener exits 0 after the user's event"
[ "$(cat "$work/signin.out")" = '{"channel":"#server-to-user-u7","event":"hello","data":{"x":1}}' ] ||
    fail "the user event line"

# Bad usage: exit 2.
"$herald" listen --ws-url http://nowhere news >/dev/null 2>"$work/usage.err"
[ $? -eq 2 ] || fail "a bad --ws-url exits 2"
"$herald" listen >/dev/null 2>&1
[ $? -eq 2 ] || fail "no channel exits 2"

echo "listen smoke test: ok"
