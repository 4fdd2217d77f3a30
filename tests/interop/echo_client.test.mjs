// tests/interop/echo_client.test.mjs
//
// Herald's echo_client against an echo server built on the Node `ws` library
// (ws_echo_server.mjs): plain and compressed messages, subprotocols, fragmented echoes, server
// pings, a close started by the server, and TLS. The client's stdout is compared line for line,
// and what the server received (its JSON log) is compared with what the client was asked to send.
import assert from 'node:assert/strict';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe } from 'node:test';
import { binary, makeCertificate, makeTempDir, runToEnd, serverTest, sha1hex, startListening, within } from './lib/harness.mjs';

const echoClient = binary('HERALD_ECHO_CLIENT');
const peerScript = fileURLToPath(new URL('./ws_echo_server.mjs', import.meta.url));

async function withPeer(args, fn) {
    const peer = await startListening(process.execPath, [peerScript, ...args], { name: `ws_echo_server ${args.join(' ')}` });
    try {
        return await fn(peer);
    } finally {
        await peer.stop();
    }
}

// The JSON events the peer logged so far.
function events(peer) {
    return peer.stdout.split('\n').slice(1).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

// Waits until the peer logged an event that `match` accepts (a kind, or a predicate); the log
// reaches us through a pipe, so it may lag behind what the client printed.
async function waitEvent(peer, match, what = String(match)) {
    const accept = typeof match === 'function' ? match : (e) => e.event === match;
    return within(10_000, new Promise((resolve) => {
        const poll = setInterval(() => {
            const found = events(peer).find(accept);
            if (found) { clearInterval(poll); resolve(found); }
        }, 20);
    }), `the ws server logging ${what}`);
}

const binaryReceived = (peer) => waitEvent(peer, (e) => e.type === 'binary', 'a binary message');

async function textsReceived(peer, count) {
    await waitEvent(peer, () => events(peer).filter((e) => e.type === 'text').length >= count, `${count} text messages`);
    return events(peer).filter((e) => e.type === 'text').map((e) => e.text);
}

// Runs echo_client; returns its result after checking it exited 0 within its time.
async function runClient(args, { expectSuccess = true } = {}) {
    const result = await runToEnd(echoClient, args);
    const exit = result.timedOut ? 'killed after the timeout' : result.signal ?? result.code;
    const report = `\n--- ${result.command}\n--- exit: ${exit}` +
        `\n--- stdout:\n${result.stdout}--- stderr:\n${result.stderr}---`;
    result.report = report;
    if (expectSuccess) assert.equal(result.code, 0, `echo_client failed${report}`);
    return result;
}

function assertLines(result, expected) {
    assert.deepEqual(result.stdout.split('\n'), [...expected, ''], `echo_client stdout${result.report}`);
}

const closedLine = (code, reason = '') => `closed ${code} ${reason}`;
// What echo_client documents it sends for --binary-size N: byte i is i mod 256.
const documentedPattern = (size) => Buffer.from(Array.from({ length: size }, (_, i) => i & 0xff));
const binaryLine = (size, sha1) => `binary ${size} ${sha1}`;

// Declares a test against a ws peer started with `args`; `fn(peer)` runs the client.
function peerTest(name, args, fn) {
    let current = null;
    serverTest(name, () => [current], () => withPeer(args, (peer) => { current = peer; return fn(peer); }));
}

describe('echo_client against a ws echo server', () => {
    peerTest('text messages are echoed and printed in order, then a 1000 close', [], async (peer) => {
        const messages = ['hello', 'héllo wörld ✓ 😀', 'with  two spaces', ''];
        const result = await runClient([peer.url(), ...messages.flatMap((m) => ['--message', m])]);
        assertLines(result, [...messages.map((m) => `text ${m}`), closedLine(1000)]);
        assert.deepEqual(await textsReceived(peer, messages.length), messages, 'what the ws server received');
        const close = await waitEvent(peer, 'close');
        assert.equal(close.code, 1000, 'close code the ws server received');
    });

    for (const size of [0, 1, 125, 126, 65535, 65536, 1 << 20]) {
        peerTest(`a ${size}-byte binary message echoes with the same SHA-1`, [], async (peer) => {
            const result = await runClient([peer.url(), '--binary-size', String(size)]);
            const received = await binaryReceived(peer);
            assert.equal(received.size, size);
            assert.equal(received.sha1, sha1hex(documentedPattern(size)), 'the binary message is not bytes i mod 256');
            assertLines(result, [binaryLine(size, received.sha1), closedLine(1000)]);
        });
    }

    peerTest('a 100 000-character text message echoes', [], async (peer) => {
        const text = 'x'.repeat(50000) + 'é'.repeat(25000);
        const result = await runClient([peer.url(), '--message', text]);
        assertLines(result, [`text ${text}`, closedLine(1000)]);
    });

    peerTest('echoes the server sends in three fragments are reassembled', ['--fragment'], async (peer) => {
        const text = 'fragmented echo ✓ with enough text to split';
        const result = await runClient([peer.url(), '--message', text, '--binary-size', '70000']);
        const binaryMessage = await binaryReceived(peer);
        assertLines(result, [`text ${text}`, binaryLine(70000, binaryMessage.sha1), closedLine(1000)]);
    });

    peerTest('pings from the server are answered with their payload', ['--ping'], async (peer) => {
        const result = await runClient([peer.url(), '--message', 'one', '--message', 'two']);
        assertLines(result, ['text one', 'text two', closedLine(1000)]);
        await waitEvent(peer, 'close');
        const pongs = events(peer).filter((e) => e.event === 'pong').map((e) => e.payload);
        // RFC 6455 §5.5.3: a Pong may answer only the most recent of the Pings not yet answered.
        // The client does that when both arrive in one read (a busy machine), so the last ping
        // is always answered and an earlier one may be folded into it, never answered twice.
        const answered = pongs.length === 2 ? ['server-ping-1', 'server-ping-2'] : ['server-ping-2'];
        assert.deepEqual(pongs, answered, `pongs the ws server received${result.report}`);
    });

    peerTest('subprotocols are offered in order', [], async (peer) => {
        const result = await runClient([peer.url(), '--protocol', 'chat.v2', '--protocol', 'chat', '--message', 'hi']);
        assertLines(result, ['text hi', closedLine(1000)]);
        const connection = await waitEvent(peer, 'connection');
        assert.deepEqual(connection.protocols.split(/\s*,\s*/), ['chat.v2', 'chat']);
        assert.equal(connection.protocol, 'chat.v2');
    });

    const closeFirst = ['--close-after', '1', '--close-code', '4001', '--close-reason', 'go away'];
    peerTest('a close started by the server is printed with its code and reason', closeFirst, async (peer) => {
        const result = await runClient([peer.url(), '--message', 'only'], { expectSuccess: false });
        assert.ok(!result.timedOut, `echo_client did not finish${result.report}`);
        assertLines(result, ['text only', closedLine(4001, 'go away')]);
        assert.notEqual(result.code, 0, `a close other than 1000 is not a success${result.report}`);
    });
});

describe('echo_client --deflate against a ws echo server', () => {
    peerTest('without --deflate nothing is offered', ['--deflate'], async (peer) => {
        const result = await runClient([peer.url(), '--message', 'plain']);
        assertLines(result, ['text plain', closedLine(1000)]);
        const connection = await waitEvent(peer, 'connection');
        assert.equal(connection.offer, null, 'Sec-WebSocket-Extensions offered');
    });

    peerTest('permessage-deflate is negotiated; text and 1 MiB binary echo', ['--deflate'], async (peer) => {
        const text = '{"event":"herald","data":"compress me"}'.repeat(500);
        const result = await runClient([peer.url(), '--deflate', '--message', 'small', '--message', text, '--message', '',
            '--binary-size', String(1 << 20)]);
        const connection = await waitEvent(peer, 'connection');
        assert.match(connection.offer ?? '', /permessage-deflate/, 'the offer');
        assert.match(connection.extensions, /^permessage-deflate/, 'the ws server accepted');
        const binaryMessage = await binaryReceived(peer);
        assertLines(result, ['text small', `text ${text}`, 'text ', binaryLine(1 << 20, binaryMessage.sha1), closedLine(1000)]);
    });

    const strict = ['--deflate', '--no-context-takeover', '--server-window-bits', '10'];
    peerTest('no context takeover and server_max_window_bits=10 are honoured', strict, async (peer) => {
        const messages = Array.from({ length: 5 }, (_, i) => `message ${i} `.repeat(200 * (i + 1)));
        const result = await runClient([peer.url(), '--deflate', ...messages.flatMap((m) => ['--message', m]),
            '--binary-size', '300000']);
        const connection = await waitEvent(peer, 'connection');
        const binaryMessage = await binaryReceived(peer);
        assert.match(connection.extensions, /permessage-deflate/, 'negotiated');
        assert.match(connection.extensions, /server_no_context_takeover/, 'server_no_context_takeover in the response');
        assert.match(connection.extensions, /server_max_window_bits=10/, 'server_max_window_bits in the response');
        assertLines(result, [...messages.map((m) => `text ${m}`), binaryLine(300000, binaryMessage.sha1), closedLine(1000)]);
    });

    peerTest('--deflate against a server without deflate still echoes', [], async (peer) => {
        const result = await runClient([peer.url(), '--deflate', '--message', 'uncompressed']);
        assertLines(result, ['text uncompressed', closedLine(1000)]);
        assert.equal((await waitEvent(peer, 'connection')).extensions, '');
    });
});

describe('echo_client over TLS', () => {
    const dir = makeTempDir('client-tls');
    const cert = makeCertificate(dir);
    const tlsArgs = ['--tls-cert', cert.cert, '--tls-key', cert.key];

    peerTest('wss with --ca echoes', tlsArgs, async (peer) => {
        const result = await runClient([peer.url('wss'), '--ca', cert.cert, '--message', 'secure', '--binary-size', '65536']);
        const binaryMessage = await binaryReceived(peer);
        assertLines(result, ['text secure', binaryLine(65536, binaryMessage.sha1), closedLine(1000)]);
    });

    peerTest('wss with --insecure echoes', tlsArgs, async (peer) => {
        const result = await runClient([peer.url('wss'), '--insecure', '--message', 'insecure']);
        assertLines(result, ['text insecure', closedLine(1000)]);
    });

    peerTest('wss to a self-signed server without --ca or --insecure fails', tlsArgs, async (peer) => {
        const result = await runClient([peer.url('wss'), '--message', 'x'], { expectSuccess: false });
        assert.ok(!result.timedOut, `echo_client did not finish${result.report}`);
        assert.notEqual(result.code, 0, `echo_client accepted an unverified certificate${result.report}`);
        assert.ok(!events(peer).some((e) => e.event === 'message'), 'a message got through');
    });
});

serverTest('echo_client exits non-zero when nothing listens', null, async () => {
    const port = await new Promise((resolve) => {
        const probe = net.createServer().listen(0, '127.0.0.1', () => {
            const { port: free } = probe.address();
            probe.close(() => resolve(free));
        });
    });
    const result = await runClient([`ws://127.0.0.1:${port}/`, '--message', 'x'], { expectSuccess: false });
    assert.ok(!result.timedOut && result.code !== 0, `expected a quick failure${result.report}`);
});
