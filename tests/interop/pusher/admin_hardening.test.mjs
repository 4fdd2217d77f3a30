// tests/interop/pusher/admin_hardening.test.mjs
//
// Bad input on the admin listener of `herald serve` (docs/OPERATIONS.md), over raw TCP so every
// byte is the test's: unknown paths 404, other methods 405 with `Allow: GET`, a request header
// over 8 KiB 431, a body over 1 KiB 413, every answer with `Connection: close` and the connection
// closed after it; and a slowloris client (a request trickled one byte at a time) cut off by the
// request timeout (5 s) while /healthz keeps answering at once. The listener parses with the
// shared http::RequestParser, which fuzz/http_request.cpp fuzzes; this suite checks what the
// admin listener does with the parser's verdicts on the real server.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe } from 'node:test';
import { serverTest } from '../lib/harness.mjs';
import { kWaitMs, sleep, startHerald } from './harness.mjs';

const kRequestTimeoutMs = 5_000;  // the admin listener's request timeout (server.cpp)
const kTickMs = 1_000;            // the workers check timeouts once per tick
const kPromptMs = 1_000;          // a prompt answer, even from a sanitizer build on a busy machine

const h = { server: null, port: 0 };

before(async () => {
    h.server = await startHerald({ name: 'herald(admin)', top: { admin: { port: 0 } } });
    const pattern = /admin on http:\/\/127\.0\.0\.1:(\d+)\/metrics/;
    for (const deadline = Date.now() + kWaitMs; !pattern.test(h.server.stderr + h.server.stdout);) {
        if (Date.now() > deadline) throw new Error(`no admin URL in the log\n${h.server.diagnostics()}`);
        await sleep(20);
    }
    h.port = Number(pattern.exec(h.server.stderr + h.server.stdout)[1]);
});
after(async () => {
    await h.server?.stopCleanly();
});

function t(name, fn, timeout = 60_000) {
    return serverTest(name, () => [h.server], fn, { timeout });
}

// Sends `bytes` on a new connection and collects what comes back until the server closes it
// (or `ms` pass, which fails). Resolves to { status, headers, body, ms } of the one answer.
function exchange(bytes, ms = kWaitMs) {
    return new Promise((resolve, reject) => {
        const started = Date.now();
        const socket = net.connect(h.port, '127.0.0.1');
        const chunks = [];
        const timer = setTimeout(() => {
            socket.destroy();
            reject(new Error(`the admin listener did not close the connection within ${ms} ms; ` +
                `received: ${JSON.stringify(Buffer.concat(chunks).toString('latin1'))}`));
        }, ms);
        socket.on('connect', () => socket.write(bytes));
        socket.on('data', (chunk) => chunks.push(chunk));
        socket.on('error', () => {});  // a reset after the answer still counts as closed
        socket.on('close', () => {
            clearTimeout(timer);
            resolve({ ...parse(Buffer.concat(chunks).toString('latin1')), ms: Date.now() - started });
        });
    });
}

function parse(text) {
    const end = text.indexOf('\r\n\r\n');
    const [statusLine, ...fields] = text.slice(0, end < 0 ? text.length : end).split('\r\n');
    const headers = {};
    for (const field of fields) {
        const colon = field.indexOf(':');
        headers[field.slice(0, colon).trim().toLowerCase()] = field.slice(colon + 1).trim();
    }
    return { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1] ?? 0), headers,
        body: end < 0 ? '' : text.slice(end + 4), raw: text };
}

function request(method, target, extra = '') {
    return `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\n${extra}\r\n`;
}

describe('the admin listener under bad input', () => {
    t('answers every request once, with Connection: close, and closes the connection', async () => {
        for (const path of ['/metrics', '/healthz', '/readyz']) {
            const r = await exchange(request('GET', path));
            assert.equal(r.status, 200, r.raw);
            assert.equal(r.headers.connection, 'close', r.raw);
        }
        // A client asking to keep the connection still gets one answer, then the close; the
        // second request on the same connection is never answered.
        const r = await exchange(request('GET', '/healthz', 'Connection: keep-alive\r\n') + request('GET', '/readyz'));
        assert.equal(r.status, 200, r.raw);
        assert.equal(r.headers.connection, 'close', r.raw);
        assert.equal(r.raw.match(/HTTP\/1\.1 /g).length, 1, r.raw);
    });

    t('unknown paths are 404, other methods 405 with Allow: GET', async () => {
        for (const path of ['/', '/metric', '/metrics/', '/healthz/x', '/app/interop-key', '/../metrics']) {
            const r = await exchange(request('GET', path));
            assert.equal(r.status, 404, `${path}: ${r.raw}`);
            assert.equal(r.headers.connection, 'close', r.raw);
        }
        for (const path of ['/metrics', '/healthz', '/readyz']) {
            for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
                const r = await exchange(request(method, path, 'Content-Length: 0\r\n'));
                assert.equal(r.status, 405, `${method} ${path}: ${r.raw}`);
                assert.equal(r.headers.allow, 'GET', r.raw);
                assert.equal(r.headers.connection, 'close', r.raw);
            }
        }
    });

    t('a request header over the limit is 431', async () => {
        const r = await exchange(request('GET', '/metrics', `X-Filler: ${'a'.repeat(16 * 1024)}\r\n`));
        assert.equal(r.status, 431, r.raw);
        assert.equal(r.headers.connection, 'close', r.raw);
        // Many small fields add up the same way.
        const many = Array.from({ length: 400 }, (_, i) => `X-Field-${i}: ${'b'.repeat(30)}\r\n`).join('');
        assert.equal((await exchange(request('GET', '/healthz', many))).status, 431);
        // A target over the limit too.
        assert.equal((await exchange(request('GET', `/metrics?${'q'.repeat(16 * 1024)}`))).status, 431);
    });

    t('a body over the limit is 413, answered before it is read', async () => {
        for (const method of ['GET', 'POST']) {
            // Only the header and a little of the announced megabytes are sent.
            const r = await exchange(`${request(method, '/metrics', 'Content-Length: 4000000\r\n')}${'x'.repeat(100)}`);
            assert.equal(r.status, 413, `${method}: ${r.raw}`);
            assert.equal(r.headers.connection, 'close', r.raw);
        }
        // The dashboard's event creator raises the limit to 256 KiB: a chunk announcing more is
        // refused before its bytes come.
        const chunked = await exchange(`${request('POST', '/metrics', 'Transfer-Encoding: chunked\r\n')}` +
            `${(300 * 1024).toString(16)}\r\n${'y'.repeat(4096)}`);
        assert.equal(chunked.status, 413, chunked.raw);
        // Within the limit, a body is read and the method still refused.
        const small = await exchange(`${request('POST', '/metrics', 'Content-Length: 5\r\n')}hello`);
        assert.equal(small.status, 405, small.raw);
    });

    t('a slowloris client is cut off by the request timeout and holds nothing else back', async () => {
        const slow = net.connect(h.port, '127.0.0.1');
        slow.on('error', () => {});
        await new Promise((resolve, reject) => {
            slow.once('connect', resolve);
            slow.once('error', reject);
        });
        const started = Date.now();
        let closedAt = 0;
        let received = '';
        slow.on('data', (chunk) => { received += chunk.toString('latin1'); });
        const closed = new Promise((resolve) => slow.on('close', () => { closedAt = Date.now(); resolve(); }));
        // A request that would stay under every size limit, one byte every 100 ms.
        const trickle = `${request('GET', '/metrics', `X-Slow: ${'z'.repeat(400)}\r\n`)}`;
        const writer = (async () => {
            for (const byte of trickle) {
                if (closedAt || slow.destroyed) return;
                slow.write(byte);
                await sleep(100);
            }
        })();

        // Meanwhile /healthz answers at once, every time, until the slow client is gone.
        const latencies = [];
        while (!closedAt && Date.now() - started < kRequestTimeoutMs + 3 * kTickMs) {
            const r = await exchange(request('GET', '/healthz'));
            assert.equal(r.status, 200, r.raw);
            latencies.push(r.ms);
            await sleep(200);
        }
        await Promise.race([closed, sleep(2_000)]);
        await writer;
        slow.destroy();
        assert.ok(closedAt, `the slow client was still connected after ${Date.now() - started} ms`);
        const heldMs = closedAt - started;
        assert.ok(heldMs >= kRequestTimeoutMs - 200 && heldMs <= kRequestTimeoutMs + 2 * kTickMs,
            `the slow client was cut off after ${heldMs} ms (the timeout is ${kRequestTimeoutMs} ms)`);
        assert.equal(received, '', 'a request never finished gets no answer');
        assert.ok(latencies.length >= 10, `only ${latencies.length} /healthz answers`);
        assert.ok(Math.max(...latencies) < kPromptMs, `/healthz took ${Math.max(...latencies)} ms: ${latencies}`);
    });
});
