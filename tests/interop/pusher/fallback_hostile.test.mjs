// tests/interop/pusher/fallback_hostile.test.mjs
//
// Hostile input to the HTTP fallback sessions (docs/HTTP_FALLBACK.md), spoken as raw HTTP:
// unknown session ids and another address's id get the transport's answers (404 for a send, the
// close frame for a receive request), replayed and out-of-order posts are applied as they come
// without doubling delivery, a 1 MB post is refused or answered with pusher:error and the
// session lives on, a streaming client that never reads is dropped as a slow consumer, and 1,000
// abandoned polling sessions are closed after the activity timeout with the server's memory back
// near where it was.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe } from 'node:test';
import { serverTest, within } from '../lib/harness.mjs';
import { kApp, kWaitMs, sdkFor, sleep, startHerald } from './harness.mjs';

const kSlowApp = { ...kApp, id: '6102', key: 'fallback-slow', secret: 'fallback-slow-secret' };
const kSlowMaxQueuedBytes = 256 * 1024;
const kActivityTimeoutSeconds = 2;
const h = { server: null };
let serial = 0;
const sessionId = () => `${(++serial % 1000)}/${process.pid.toString(32)}x${serial.toString(32).padStart(6, '0')}`;

before(async () => {
    // Under AddressSanitizer freed memory stays resident in its quarantine: measure what is live.
    process.env.ASAN_OPTIONS = [process.env.ASAN_OPTIONS, 'quarantine_size_mb=0',
                                'thread_local_quarantine_size_kb=0'].filter(Boolean).join(':');
    h.server = await startHerald({
        apps: [kApp, { ...kSlowApp, limits: { max_queued_bytes: kSlowMaxQueuedBytes } }],
        top: { activity_timeout: kActivityTimeoutSeconds },
        name: 'herald(fallback hostile)',
    });
});
after(async () => {
    await h.server?.stopCleanly();
});

const t = (name, fn, timeout = 60_000) => serverTest(name, () => [h.server], fn, { timeout });

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

// POSTs `body` to the session URL `id/route` of `key`; resolves to { status, body }.
function post(id, route, body = '', { key = kApp.key, localAddress, query = '' } = {}) {
    const path = `/pusher/app/${key}/${id}/${route}${query}`;
    return within(kWaitMs, new Promise((resolve, reject) => {
        const req = http.request({
            host: h.server.host, port: h.server.port, path, method: 'POST', agent: localAddress ? false : agent,
            localAddress, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => { text += chunk; });
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
        });
        req.on('error', reject);
        req.end(body);
    }), `POST ${path}`);
}

// The frames of a receive answer: [{ type, payload }].
function frames(text) {
    return text.split('\n').filter(Boolean).map((line) => ({
        type: line[0], payload: line.length > 1 ? JSON.parse(line.slice(1)) : null,
    }));
}

// The Pusher messages in `text`'s array frames.
function messages(text) {
    return frames(text).filter((f) => f.type === 'a').flatMap((f) => f.payload.map((m) => JSON.parse(m)));
}

const send = (id, ...events) => post(id, 'xhr_send', JSON.stringify(events.map((e) => JSON.stringify(e))));

// Polls `id` until a message with `event` arrives; returns every message read.
async function pollFor(id, event, seen = []) {
    const deadline = Date.now() + kWaitMs;
    while (!seen.some((m) => m.event === event)) {
        assert.ok(Date.now() < deadline, `${event} in the polls of ${id}; read ${JSON.stringify(seen)}`);
        const answer = await post(id, 'xhr');
        assert.equal(answer.status, 200);
        seen.push(...messages(answer.body));
    }
    return seen;
}

// Opens a polling session: its socket_id.
async function openPolling(id) {
    const first = await post(id, 'xhr');
    assert.equal(first.status, 200);
    assert.equal(frames(first.body)[0].type, 'o', first.body);
    const seen = await pollFor(id, 'pusher:connection_established', messages(first.body));
    return JSON.parse(seen.find((m) => m.event === 'pusher:connection_established').data).socket_id;
}

function rssBytes(pid) {
    return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
}

describe('HTTP fallback: unknown and foreign sessions', () => {
    t('a send to an unknown id is 404, a receive request opens a session, an unknown app gets 4001', async () => {
        assert.equal((await send(sessionId(), { event: 'pusher:ping', data: {} })).status, 404);
        const refused = await post(sessionId(), 'xhr', '', { key: 'no-such-key' });
        assert.equal(refused.status, 200);
        assert.deepEqual(frames(refused.body).map((f) => f.type), ['o', 'a', 'c'], refused.body);
        assert.equal(frames(refused.body)[2].payload[0], 4001);
        assert.equal(messages(refused.body)[0].event, 'pusher:error');
        const notASession = await post('1/short', 'xhr');
        assert.equal(notASession.status, 404, 'a session id of fewer than 8 characters is no session URL');
        const get = await new Promise((resolve, reject) => {
            http.get(`http://${h.server.host}:${h.server.port}/pusher/app/${kApp.key}/${sessionId()}/xhr`,
                (res) => { res.resume(); resolve(res.statusCode); }).on('error', reject);
        });
        assert.equal(get, 405);
    });

    t('another address cannot read or write a session: its requests get the close frame and 404', async () => {
        const id = sessionId();
        const socketId = await openPolling(id);
        const stranger = await post(id, 'xhr', '', { localAddress: '127.0.0.2' });
        assert.equal(stranger.status, 200);
        const [close] = frames(stranger.body);
        assert.equal(close.type, 'c', stranger.body);
        assert.equal(close.payload[0], 4200);
        const strangerSend = await post(id, 'xhr_send', JSON.stringify([JSON.stringify({
            event: 'pusher:subscribe', data: { channel: 'stolen' } })]), { localAddress: '127.0.0.2' });
        assert.equal(strangerSend.status, 404);
        assert.equal((await send(id, { event: 'pusher:ping', data: {} })).status, 204);
        const seen = await pollFor(id, 'pusher:pong');
        assert.ok(!seen.some((m) => m.channel === 'stolen'), 'the stranger subscribed the session');
        assert.match(socketId, /^\d+\.\d+$/);
    });
});

describe('HTTP fallback: replayed, out-of-order and large posts', () => {
    t('replayed and out-of-order posts apply as they come; each event arrives once', async () => {
        const id = sessionId();
        await openPolling(id);
        const channel = `fallback-replay-${process.pid}`;
        const subscribe = JSON.stringify([JSON.stringify({ event: 'pusher:subscribe', data: { channel } })]);
        const unsubscribeFirst = JSON.stringify([JSON.stringify({ event: 'pusher:unsubscribe', data: { channel: `${channel}-b` } }),
                                                 JSON.stringify({ event: 'pusher:subscribe', data: { channel: `${channel}-b` } })]);
        for (const body of [subscribe, subscribe, unsubscribeFirst, subscribe]) {
            assert.equal((await post(id, 'xhr_send', body, { query: '?t=1&n=1' })).status, 204);
        }
        const seen = await pollFor(id, 'pusher_internal:subscription_succeeded');
        await sleep(200);
        await sdkFor(h.server).trigger([channel, `${channel}-b`], 'once', { n: 1 });
        const events = await pollFor(id, 'once', seen);
        await sleep(300);
        const more = messages((await post(id, 'xhr')).body);
        const onces = [...events, ...more].filter((m) => m.event === 'once');
        assert.deepEqual(onces.map((m) => m.channel).sort(), [channel, `${channel}-b`]);
    });

    t('a 1 MB post is answered with pusher:error, a 2 MB one with 413; the session lives on', async () => {
        const id = sessionId();
        await openPolling(id);
        const big = JSON.stringify(['x'.repeat(1_000_000)]);
        assert.equal((await post(id, 'xhr_send', big)).status, 204);
        const seen = await pollFor(id, 'pusher:error');
        assert.match(seen.find((m) => m.event === 'pusher:error').data.message, /exceeds the limit/);
        assert.equal((await post(id, 'xhr_send', JSON.stringify(['y'.repeat(2_000_000)]))).status, 413);
        assert.equal((await post(id, 'xhr_send', 'not json')).status, 400);
        assert.equal((await send(id, { event: 'pusher:ping', data: {} })).status, 204);
        await pollFor(id, 'pusher:pong');
    });
});

describe('HTTP fallback: bounded memory', () => {
    t('a streaming client that never reads is dropped as a slow consumer', async () => {
        const id = sessionId();
        const channel = `fallback-slow-${process.pid}`;
        const socket = net.connect(h.server.port, h.server.host);
        await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
        socket.write(`POST /pusher/app/${kSlowApp.key}/${id}/xhr_streaming HTTP/1.1\r\nHost: x\r\n` +
                     'Content-Length: 0\r\n\r\n');
        socket.pause();  // never reads: the kernel's buffers fill, then Herald's queue
        try {
            const sdk = sdkFor(h.server, kSlowApp);
            let subscribed = false;
            const deadline = Date.now() + kWaitMs;
            while (!subscribed) {
                assert.ok(Date.now() < deadline, 'the session opened');
                const r = await post(id, 'xhr_send', JSON.stringify([JSON.stringify({ event: 'pusher:subscribe', data: { channel } })]),
                    { key: kSlowApp.key });
                subscribed = r.status === 204;
                if (!subscribed) await sleep(50);
            }
            const occupied = async () => (await (await sdk.get({ path: `/channels/${channel}` })).json()).occupied;
            while (!(await occupied())) {
                assert.ok(Date.now() < deadline, 'the slow session subscribed');
                await sleep(50);
            }
            const data = 'z'.repeat(9_000);
            let sent = 0;
            while (await occupied()) {
                assert.ok(sent < 64 * 1024 * 1024, `still subscribed after ${sent} bytes`);
                const batch = Array.from({ length: 10 }, () => ({ channel, name: 'flood', data }));
                await sdk.triggerBatch(batch);
                sent += 10 * data.length;
            }
            console.log(`# dropped after ${sent} bytes were triggered`);
        } finally {
            socket.destroy();
        }
    });

    t('1,000 abandoned polling sessions are closed after the activity timeout; RSS returns', async () => {
        const pid = h.server.child.pid;
        const before = rssBytes(pid);
        const ids = Array.from({ length: 1000 }, sessionId);
        for (let i = 0; i < ids.length; i += 50) {
            await Promise.all(ids.slice(i, i + 50).map((id) => post(id, 'xhr')));
        }
        const peak = rssBytes(pid);
        // Each is closed after the activity timeout with no request: its close frame waits for
        // one more activity timeout, then the session is forgotten.
        await sleep((2 * kActivityTimeoutSeconds + 2) * 1000);
        const gone = await send(ids[0], { event: 'pusher:ping', data: {} });
        assert.equal(gone.status, 404, 'the first abandoned session is forgotten');
        let last = rssBytes(pid);
        const deadline = Date.now() + 10_000;
        while (last - before > 8 * 1024 * 1024 && Date.now() < deadline) {
            await sleep(500);
            last = rssBytes(pid);
        }
        console.log(`# RSS before ${before}, with 1,000 sessions ${peak}, after ${last}`);
        assert.ok(last - before <= 8 * 1024 * 1024, `RSS ${last} is ${last - before} bytes above ${before}`);
    });
});
