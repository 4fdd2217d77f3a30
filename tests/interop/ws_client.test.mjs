// tests/interop/ws_client.test.mjs
//
// The Node `ws` client against Herald's echo_server: message types and sizes, fragmentation,
// ping/pong, permessage-deflate on and off, the close handshake both ways, TLS, and SIGTERM.
// Protocol violations sent through a raw socket are in ws_protocol.test.mjs.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { once } from 'node:events';
import { assertEcho, asciiText, repetitiveText } from './lib/checks.mjs';
import { binary, makeCertificate, makeTempDir, patternBytes, serverTest, startListening, within } from './lib/harness.mjs';
import { Client } from './lib/ws_peer.mjs';

const echoServer = binary('HERALD_ECHO_SERVER');
const kSizes = [125, 126, 127, 65535, 65536, 1 << 20];

function start(extra = [], name = 'echo_server') {
    return startListening(echoServer, ['--host', '127.0.0.1', '--port', '0', ...extra], { name });
}

// Starts a server for the enclosing describe() and stops it (checking a clean exit) after it.
function serverFor(extra, name) {
    const holder = { server: null };
    before(async () => { holder.server = await start(extra, name); });
    after(async () => { await holder.server?.stopCleanly(); });
    return holder;
}

async function withClient(url, options, fn) {
    const client = await Client.connect(url, options);
    try {
        return await fn(client);
    } finally {
        client.terminate();
    }
}

describe('plain echo_server', () => {
    const h = serverFor([], 'echo_server');
    const t = (name, fn) => serverTest(name, () => [h.server], fn);
    const connect = (fn, options = { perMessageDeflate: false }) => withClient(h.server.url(), options, fn);

    t('text messages come back as the same text', () => connect(async (c) => {
        for (const text of ['hello', 'héllo wörld ✓ 😀 日本語', ' ', '{"a":1}']) {
            assertEcho(await c.echo(text), text);
        }
    }));

    t('binary messages come back as the same binary', () => connect(async (c) => {
        const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        assertEcho(await c.echo(all, { binary: true }), all);
        const invalidUtf8 = Buffer.from([0xff, 0xfe, 0xc0, 0x80]);
        assertEcho(await c.echo(invalidUtf8, { binary: true }), invalidUtf8, { label: 'binary non-UTF-8 bytes' });
    }));

    t('empty text and empty binary messages keep their type', () => connect(async (c) => {
        assertEcho(await c.echo(''), '', { label: 'empty text' });
        assertEcho(await c.echo(Buffer.alloc(0), { binary: true }), Buffer.alloc(0), { label: 'empty binary' });
    }));

    t('payload lengths at the 7-, 16- and 64-bit boundaries and 1 MiB echo exactly', () => connect(async (c) => {
        for (const size of kSizes) {
            const bytes = patternBytes(size, size);
            assertEcho(await c.echo(bytes, { binary: true }), bytes, { label: `${size}-byte binary` });
            const text = asciiText(size, size);
            assertEcho(await c.echo(text), text, { label: `${size}-byte text` });
        }
        const wide = 'é✓😀'.repeat(40000);
        assertEcho(await c.echo(wide), wide, { label: 'multi-byte UTF-8 text' });
    }));

    t('a burst of 300 messages sent without waiting comes back in order', () => connect(async (c) => {
        const sent = Array.from({ length: 300 },
            (_, i) => (i % 3 === 0 ? patternBytes(i * 37, i) : `message ${i} ${'x'.repeat(i)}`));
        await Promise.all(sent.map((m) => c.send(m, { binary: Buffer.isBuffer(m) })));
        for (const [i, m] of sent.entries()) {
            assertEcho(await c.next(`echo ${i}`), m, { label: `burst message ${i}` });
        }
    }));

    t('fifty concurrent connections each get their own echoes', async () => {
        const clients = await Promise.all(Array.from({ length: 50 },
            () => Client.connect(h.server.url(), { perMessageDeflate: false })));
        try {
            await Promise.all(clients.map(async (c, i) => {
                for (let k = 0; k < 10; k++) {
                    const text = `client ${i} message ${k} ${'z'.repeat(i * k)}`;
                    assertEcho(await c.echo(text), text, { label: `client ${i} message ${k}` });
                }
                const bytes = patternBytes(20000 + i, i);
                assertEcho(await c.echo(bytes, { binary: true }), bytes, { label: `client ${i} binary` });
            }));
        } finally {
            clients.forEach((c) => c.terminate());
        }
    });

    t('fragmented text is reassembled, also with a UTF-8 character split across fragments', () => connect(async (c) => {
        await c.send('part one, ', { fin: false });
        await c.send('part two, ', { fin: false });
        await c.send('part three', { fin: true });
        assertEcho(await c.next(), 'part one, part two, part three');
        const bytes = Buffer.from('héllo → wörld');
        const cuts = [2, 7, 9];
        for (const [i, from] of [0, ...cuts].entries()) {
            const to = i < cuts.length ? cuts[i] : bytes.length;
            await c.send(bytes.subarray(from, to), { binary: false, fin: i === cuts.length });
        }
        assertEcho(await c.next(), bytes.toString('utf8'), { label: 'text split inside characters' });
        await c.send('', { fin: false });
        await c.send('abc', { fin: false });
        await c.send('', { fin: true });
        assertEcho(await c.next(), 'abc', { label: 'text with empty first and last fragments' });
    }));

    t('fragmented binary with a ping between its fragments', () => connect(async (c) => {
        const a = patternBytes(70000, 3);
        const b = patternBytes(5, 4);
        const pong = once(c.ws, 'pong');
        await c.send(a, { binary: true, fin: false });
        c.ws.ping(Buffer.from('between fragments'));
        await c.send(b, { binary: true, fin: true });
        const [payload] = await within(10_000, pong, 'the pong to a ping sent inside a fragmented message');
        assert.equal(payload.toString(), 'between fragments');
        assertEcho(await c.next(), Buffer.concat([a, b]), { label: 'fragmented binary' });
    }));

    t('a ping is answered by a pong with the same payload', () => connect(async (c) => {
        for (const payload of [Buffer.from('herald-ping'), Buffer.alloc(0), patternBytes(125, 9)]) {
            const pong = once(c.ws, 'pong');
            c.ws.ping(payload);
            const [got] = await within(10_000, pong, `the pong to a ${payload.length}-byte ping`);
            assert.deepEqual(Buffer.from(got), payload, `pong payload for a ${payload.length}-byte ping`);
        }
        assertEcho(await c.echo('still open'), 'still open');
    }));

    t('without --deflate the server declines permessage-deflate', () => connect(async (c) => {
        assert.equal(c.ws.extensions, '', 'negotiated extensions');
        const big = repetitiveText(200000);
        assertEcho(await c.echo(big), big);
    }, { perMessageDeflate: true }));

    t('client close 4000 "bye" is answered with 4000', () => connect(async (c) => {
        assertEcho(await c.echo('before close'), 'before close');
        const closed = await c.close(4000, 'bye');
        assert.equal(closed.code, 4000, 'close code the server answered with');
        assert.ok(['bye', ''].includes(closed.reason), `close reason the server answered with: "${closed.reason}"`);
    }));

    t('client close 1000 and close without a code are answered', async () => {
        await connect(async (c) => {
            assert.equal((await c.close(1000, 'done')).code, 1000);
        });
        await connect(async (c) => {
            c.ws.close();
            assert.equal((await c.waitClose()).code, 1005, 'a close frame without payload is answered without payload');
        });
    });

    t('a text message of invalid UTF-8 is closed with 1007', () => connect(async (c) => {
        assertEcho(await c.echo('valid first'), 'valid first');
        // "κόσμε" followed by an encoded UTF-16 surrogate (ED A0 80), which UTF-8 forbids.
        const bad = Buffer.concat([Buffer.from('κόσμε'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('edited')]);
        await c.send(bad, { binary: false });
        const closed = await c.waitClose('the close after an invalid UTF-8 text message');
        assert.equal(closed.code, 1007);
    }));
});

describe('echo_server --max-message-bytes 1024', () => {
    const h = serverFor(['--max-message-bytes', '1024'], 'echo_server(max 1024)');
    const t = (name, fn) => serverTest(name, () => [h.server], fn);
    const connect = (fn) => withClient(h.server.url(), { perMessageDeflate: false }, fn);

    t('a message of exactly the limit echoes', () => connect(async (c) => {
        const text = asciiText(1024);
        assertEcho(await c.echo(text), text);
    }));

    t('a message one byte over the limit is closed with 1009', () => connect(async (c) => {
        await c.send(asciiText(1025));
        assert.equal((await c.waitClose('the close after an oversize message')).code, 1009);
    }));

    t('fragments that add up to more than the limit are closed with 1009', () => connect(async (c) => {
        await c.send(patternBytes(600), { binary: true, fin: false });
        await c.send(patternBytes(600), { binary: true, fin: true });
        assert.equal((await c.waitClose('the close after oversize fragments')).code, 1009);
    }));
});

describe('echo_server --deflate', () => {
    const h = serverFor(['--deflate'], 'echo_server(deflate)');
    const t = (name, fn) => serverTest(name, () => [h.server], fn);
    const connect = (fn, perMessageDeflate = { threshold: 0 }) => withClient(h.server.url(), { perMessageDeflate }, fn);
    const negotiated = (c) => c.ws._extensions['permessage-deflate']?.params;

    t('permessage-deflate is negotiated and messages of every kind echo', () => connect(async (c) => {
        assert.equal(c.ws.extensions, 'permessage-deflate', 'negotiated extensions');
        for (const m of ['', 'a', 'hello compressed world', Buffer.alloc(0), patternBytes(300, 5)]) {
            assertEcho(await c.echo(m, { binary: Buffer.isBuffer(m) }), m);
        }
        for (const size of kSizes) {
            const bytes = patternBytes(size, size);
            assertEcho(await c.echo(bytes, { binary: true }), bytes, { label: `${size}-byte random binary` });
        }
    }));

    t('a large compressible message echoes and arrives compressed', () => connect(async (c) => {
        const text = repetitiveText(1 << 20);
        const before = c.ws._socket.bytesRead;
        assertEcho(await c.echo(text), text, { label: '1 MiB compressible text' });
        const wire = c.ws._socket.bytesRead - before;
        assert.ok(wire < 64 * 1024, `the server sent ${wire} bytes on the wire for 1 MiB of repetitive text`);
    }));

    t('a sequence of 100 similar compressed messages echoes', () => connect(async (c) => {
        for (let i = 0; i < 100; i++) {
            const m = `{"event":"update","seq":${i},"data":"${'abc'.repeat(i % 17)}"}`;
            assertEcho(await c.echo(m), m, { label: `message ${i}` });
        }
    }));

    t('fragmented compressed messages are reassembled', () => connect(async (c) => {
        const parts = [repetitiveText(5000), asciiText(3000), repetitiveText(70000)];
        for (const [i, p] of parts.entries()) await c.send(p, { fin: i === parts.length - 1, compress: true });
        assertEcho(await c.next(), parts.join(''), { label: 'compressed fragmented text' });
    }));

    for (const [label, options] of [
        ['no context takeover on both sides', { serverNoContextTakeover: true, clientNoContextTakeover: true }],
        ['client_max_window_bits offered', { clientMaxWindowBits: true }],
        ['server_max_window_bits=10 asked', { serverMaxWindowBits: 10 }],
        ['client_max_window_bits=9 and server_max_window_bits=9', { clientMaxWindowBits: 9, serverMaxWindowBits: 9 }],
    ]) {
        t(`offer with ${label}: accepted or declined, and messages echo`, () => connect(async (c) => {
            const params = negotiated(c);
            if (params) {
                // RFC 7692 §7.1.1.1 and §7.1.2.1: an accepted server parameter is answered.
                if (options.serverNoContextTakeover) {
                    assert.ok(params.server_no_context_takeover, 'server_no_context_takeover echoed');
                }
                if (options.serverMaxWindowBits) {
                    assert.ok(Number(params.server_max_window_bits) <= options.serverMaxWindowBits);
                }
            }
            for (let i = 0; i < 20; i++) {
                const m = repetitiveText(2000 + i * 300);
                assertEcho(await c.echo(m), m, { label: `message ${i} (${JSON.stringify(params)})` });
            }
            const big = patternBytes(1 << 18, 11);
            assertEcho(await c.echo(big, { binary: true }), big);
        }, { threshold: 0, ...options }));
    }

    t('the basic offer and no_context_takeover offer are accepted', async () => {
        await connect(async (c) => assert.ok(negotiated(c), 'basic offer accepted'));
        await connect(async (c) => assert.ok(negotiated(c), 'no_context_takeover offer accepted'),
            { serverNoContextTakeover: true, clientNoContextTakeover: true });
    });

    t('a client that does not offer deflate gets none and messages echo', () => connect(async (c) => {
        assert.equal(c.ws.extensions, '');
        const text = repetitiveText(100000);
        assertEcho(await c.echo(text), text);
    }, false));
});

describe('echo_server --deflate --max-message-bytes 4096', () => {
    const h = serverFor(['--deflate', '--max-message-bytes', '4096'], 'echo_server(deflate, max 4096)');

    serverTest('a message that inflates past the limit is closed with 1009', () => [h.server], () =>
        withClient(h.server.url(), { perMessageDeflate: { threshold: 0 } }, async (c) => {
            assert.equal(c.ws.extensions, 'permessage-deflate');
            const small = repetitiveText(4000);
            assertEcho(await c.echo(small), small);
            await c.send(Buffer.alloc(1 << 20), { binary: true });
            assert.equal((await c.waitClose('the close after a message inflating to 1 MiB')).code, 1009);
        }));
});

describe('echo_server over TLS', () => {
    const dir = makeTempDir('tls');
    const cert = makeCertificate(dir);
    const h = serverFor(['--tls-cert', cert.cert, '--tls-key', cert.key, '--deflate'], 'echo_server(tls)');
    const t = (name, fn) => serverTest(name, () => [h.server], fn);

    t('wss with the certificate as CA echoes text, binary and 1 MiB', () =>
        withClient(h.server.url('wss'), { ca: cert.pem, perMessageDeflate: false }, async (c) => {
            assertEcho(await c.echo('over tls'), 'over tls');
            const bytes = patternBytes(1 << 20, 21);
            assertEcho(await c.echo(bytes, { binary: true }), bytes);
            assert.equal((await c.close(4000, 'bye')).code, 4000);
        }));

    t('wss with rejectUnauthorized:false and deflate echoes', () =>
        withClient(h.server.url('wss'), { rejectUnauthorized: false, perMessageDeflate: { threshold: 0 } }, async (c) => {
            assert.equal(c.ws.extensions, 'permessage-deflate');
            const text = repetitiveText(300000);
            assertEcho(await c.echo(text), text);
            assertEcho(await c.echo(Buffer.from([1, 2, 3]), { binary: true }), Buffer.from([1, 2, 3]));
        }));

    t('a plain ws:// client on the TLS port fails instead of hanging', async () => {
        await assert.rejects(Client.connect(h.server.url('ws'), { perMessageDeflate: false, handshakeTimeout: 5000 }));
    });
});

describe('SIGTERM', () => {
    serverTest('a server with an open connection stops on SIGTERM and the client sees the end', null, async () => {
        const server = await start([], 'echo_server(sigterm)');
        try {
            const c = await Client.connect(server.url(), { perMessageDeflate: false });
            assertEcho(await c.echo('hi'), 'hi');
            const exit = await within(10_000, server.stop(), 'echo_server exiting after SIGTERM');
            await c.waitClose('the connection to end after SIGTERM');
            assert.equal(exit.code, 0, `exit after SIGTERM: ${JSON.stringify(exit)}\n${server.diagnostics()}`);
        } finally {
            await server.stop();
        }
    });
});
