// tests/interop/pusher/hardening.test.mjs
//
// What one abusive client can take from `herald serve`: memory and other clients' latency. Floods
// of empty WebSocket pings from a connection that never reads, and of pusher:ping from a hundred
// such connections, must leave the server's RSS within 2 x max_queued_bytes per flooding
// connection, while a well-behaved client's pusher:ping is answered within 50 ms throughout.
// A channel listing over 100,000 channels is built off the workers, so probes on every worker
// keep their 50 ms. Also: socket ids of 1,000 connections are unique and carry no order.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { after, before, describe } from 'node:test';
import { kApp, RawPusher, rawTest, sdkFor, sleep, startHerald, until } from './harness.mjs';

// One flooding connection gets a budget large enough that the sanitizer's own bookkeeping in the
// dev build is noise; a hundred share the smaller one, which makes their bound tight.
const kMaxQueuedBytes = 1024 * 1024;
const kFloodApp = { ...kApp, id: '6002', key: 'hardening-flood', secret: 'hardening-flood-secret' };
// An app allowed many channels per connection, to hold 100,000 channels with a few connections.
const kManyChannels = 25_000;
const kBigApp = { ...kApp, id: '6003', key: 'hardening-big', secret: 'hardening-big-secret' };
const kFloodMaxQueuedBytes = 256 * 1024;
const h = { server: null, raw: null };

before(async () => {
    // Under AddressSanitizer freed memory stays resident in its quarantine, so every reply ever
    // written would count as growth: measure what is live, as a release build would.
    process.env.ASAN_OPTIONS = [process.env.ASAN_OPTIONS, 'quarantine_size_mb=0',
                                'thread_local_quarantine_size_kb=0'].filter(Boolean).join(':');
    h.server = await startHerald({
        apps: [{ ...kApp, limits: { max_queued_bytes: kMaxQueuedBytes } },
               { ...kFloodApp, limits: { max_queued_bytes: kFloodMaxQueuedBytes } },
               { ...kBigApp, limits: { max_channels_per_connection: kManyChannels } }],
        name: 'herald(hardening)',
    });
});
after(async () => {
    await h.server?.stopCleanly();
});

function t(name, fn, timeout = 90_000) {
    return rawTest(h, name, fn, { timeout });
}

function rssBytes(pid) {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

// A masked client frame (RFC 6455 §5.3) with a fixed key: the server unmasks whatever key.
function clientFrame(opcode, payload = Buffer.alloc(0)) {
    assert.ok(payload.length < 126);
    const mask = Buffer.from([1, 2, 3, 4]);
    const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
    return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, masked]);
}

// A raw TCP WebSocket to the app that, once upgraded, never reads again (its receive window
// closes, so everything the server answers stays queued on the server's side).
async function silentSocket(server, app = kApp) {
    const socket = net.connect({ host: server.host, port: server.port });
    socket.setNoDelay(true);
    await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
    const key = crypto.randomBytes(16).toString('base64');
    socket.write(`GET /app/${app.key}?protocol=7&client=js&version=8.6.0 HTTP/1.1\r\nHost: x\r\n` +
                 `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\n` +
                 'Sec-WebSocket-Version: 13\r\n\r\n');
    await new Promise((resolve, reject) => {
        let head = '';
        const onData = (chunk) => {
            head += chunk.toString('latin1');
            if (head.includes('\r\n\r\n')) {
                socket.off('data', onData);
                if (!head.startsWith('HTTP/1.1 101')) reject(new Error(`upgrade refused: ${head}`));
                socket.pause();  // from here on nothing is read
                resolve();
            }
        };
        socket.on('data', onData);
        socket.once('error', reject);
    });
    socket.on('error', () => {});  // the server may drop it: that is one of the allowed outcomes
    return socket;
}

// Writes `count` copies of `frame` in batches, waiting for 'drain' (the server reading) at most
// `stallMs` each time; returns how many went out before the server stopped reading or closed.
async function flood(socket, frame, count, { batch = 10_000, stallMs = 2_000 } = {}) {
    const chunk = Buffer.concat(Array(batch).fill(frame));
    let sent = 0;
    while (sent < count && !socket.destroyed) {
        if (!socket.write(chunk)) {
            const drained = await Promise.race([
                new Promise((resolve) => socket.once('drain', () => resolve(true))),
                new Promise((resolve) => socket.once('close', () => resolve(false))),
                sleep(stallMs).then(() => false),
            ]);
            if (!drained) break;
        }
        sent += batch;
    }
    return sent;
}

// A well-behaved client (ping_probe.mjs) in a process of its own with `connections` connections
// to the app `key`, pinging back to back; stop() resolves to {count, worstMs, medianMs}.
async function startProbe(key, connections = 1) {
    const child = spawn(process.execPath, [new URL('./ping_probe.mjs', import.meta.url).pathname,
                                           h.server.wsUrl(key), String(connections)],
                        { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: child.stdout });
    const iterator = lines[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.value, 'ready', 'the probe process started');
    return {
        async stop() {
            child.stdin.write('stop\n');
            const result = await iterator.next();
            return JSON.parse(result.value);
        },
    };
}

// Runs `work` while a fresh client in another process pings (probes) and the server's RSS is
// sampled; returns the worst pong latency and the largest RSS growth seen.
async function watch(raw, work) {
    const pid = h.server.child.pid;
    const before = rssBytes(pid);
    const probe = await startProbe(kApp.key);
    let peak = before;
    let done = false;
    const sampling = (async () => {
        while (!done) {
            peak = Math.max(peak, rssBytes(pid));
            await sleep(100);
        }
    })();
    let stats;
    try {
        await work();
        await sleep(500);  // what was queued last is now counted too
        peak = Math.max(peak, rssBytes(pid));
    } finally {
        done = true;
        await sampling;
        stats = await probe.stop();
    }
    return { worstMs: stats.worstMs, medianMs: stats.medianMs, growth: peak - before };
}

// Client c of `clients` asks for channels `${prefix}-${c}-0` ... `${prefix}-${c}-${count - 1}`,
// a thousand at a time; resolves once each client has an answer to every one.
async function subscribeMany(clients, prefix, count) {
    await Promise.all(clients.map(async (client, c) => {
        for (let i = 0; i < count; i += 1000) {
            const sends = [];
            for (let k = i; k < i + 1000; k++) {
                sends.push(client.send({ event: 'pusher:subscribe', data: { channel: `${prefix}-${c}-${k}` } }));
            }
            await Promise.all(sends);
        }
    }));
    await Promise.all(clients.map((client) => until(() => client.frames.length >= count + 1,
                                                    'an answer to every subscription', 60_000)));
}

describe('memory bounds under floods', () => {
    t('one connection that never reads and sends 4 million empty pings', async (raw) => {
        const socket = await silentSocket(h.server);
        let sent = 0;
        const { worstMs, medianMs, growth } = await watch(raw, async () => {
            sent = await flood(socket, clientFrame(0x9), 4_000_000);
        });
        socket.destroy();
        console.log(`# sent ${sent} pings; RSS grew ${growth} bytes; worst pong ${worstMs.toFixed(1)} ms, median ${medianMs.toFixed(1)} ms`);
        assert.ok(growth <= 2 * kMaxQueuedBytes, `RSS grew ${growth} bytes (> 2 x ${kMaxQueuedBytes})`);
        assert.ok(worstMs <= 50, `a fresh client's pusher:ping took ${worstMs} ms`);
    });

    t('100 connections that never read flood pusher:ping', async (raw) => {
        const sockets = [];
        for (let i = 0; i < 100; i++) sockets.push(await silentSocket(h.server, kFloodApp));
        const frame = clientFrame(0x1, Buffer.from('{"event":"pusher:ping","data":{}}'));
        let sent = 0;
        const { worstMs, medianMs, growth } = await watch(raw, async () => {
            const counts = await Promise.all(sockets.map((s) => flood(s, frame, 200_000, { batch: 2_000 })));
            sent = counts.reduce((a, b) => a + b, 0);
        });
        for (const s of sockets) s.destroy();
        console.log(`# sent ${sent} pusher:ping; RSS grew ${growth} bytes; worst pong ${worstMs.toFixed(1)} ms, median ${medianMs.toFixed(1)} ms`);
        assert.ok(growth <= 100 * 2 * kFloodMaxQueuedBytes,
                  `RSS grew ${growth} bytes (> 100 x 2 x ${kFloodMaxQueuedBytes})`);
        // Each turn handles a bounded number of a connection's frames, so the probe waits for one
        // round of small batches, not for a whole read of every flooding connection.
        assert.ok(worstMs <= 50, `a fresh client's pusher:ping took ${worstMs} ms`);
    });
});

describe('default limits', () => {
    t('5 connections trying 100,000 subscriptions each are refused past the default', async (raw) => {
        const pid = h.server.child.pid;
        const before = rssBytes(pid);
        const clients = await Promise.all(Array.from({ length: 5 }, () => raw.connect(h.server.wsUrl(kApp.key))));
        const tries = 100_000;
        // Every try is answered: 1,000 subscriptions, then LimitReached for each of the others.
        await subscribeMany(clients, 'many', tries);
        const growth = rssBytes(pid) - before;
        for (const client of clients) {
            const events = client.frames.map((f) => f.json?.event);
            assert.equal(events.filter((e) => e === 'pusher_internal:subscription_succeeded').length, 1000);
            const refusals = client.frames.filter((f) => f.json?.event === 'pusher:subscription_error');
            assert.equal(refusals.length, tries - 1000);
            const data = typeof refusals[0].json.data === 'string' ? JSON.parse(refusals[0].json.data)
                                                                  : refusals[0].json.data;
            assert.equal(data.type, 'LimitReached', JSON.stringify(data));
            assert.match(data.error, /at most 1000 channels/);
        }
        console.log(`# 5 x ${tries} subscriptions tried; RSS grew ${growth} bytes`);
        assert.ok(growth < 64 * 1024 * 1024, `RSS grew ${growth} bytes`);
    }, 180_000);
});

describe('a channel listing that grows with the app', () => {
    t('GET /channels over 100,000 channels does not hold up other connections\' pings', async (raw) => {
        const clients = await Promise.all(Array.from({ length: 4 }, () => raw.connect(h.server.wsUrl(kBigApp.key))));
        await subscribeMany(clients, 'big', kManyChannels);
        // Probes on every worker (connections are spread over them), pinging back to back from a
        // process of their own.
        const probe = await startProbe(kApp.key, 4);
        const sdk = sdkFor(h.server, kBigApp);
        const timings = [];
        let stats;
        try {
            for (let round = 0; round < 3; round++) {
                const started = process.hrtime.bigint();
                const response = await sdk.get({ path: '/channels', params: { info: 'subscription_count' } });
                const body = await response.json();
                timings.push(Number(process.hrtime.bigint() - started) / 1e6);
                const names = Object.keys(body.channels);
                assert.equal(names.length, 4 * kManyChannels);
                assert.deepEqual(body.channels['big-3-24999'], { subscription_count: 1 });
            }
        } finally {
            stats = await probe.stop();
        }
        const worstMs = stats.worstMs;
        console.log(`# GET /channels over ${4 * kManyChannels} channels took ${timings.map((t) => t.toFixed(0)).join(', ')} ms; ` +
                    `worst probe pong ${worstMs.toFixed(1)} ms, median ${stats.medianMs.toFixed(1)} ms over ${stats.count}`);
        assert.ok(worstMs <= 50, `a probe's pong took ${worstMs.toFixed(1)} ms while the listing was built`);
    }, 180_000);
});

describe('connections per address', () => {
    t('max_connections_per_ip refuses the next connection with 4100 until one closes', async (raw) => {
        const limited = await startHerald({ top: { max_connections_per_ip: 3 }, name: 'herald(per-ip)' });
        try {
            const open = [];
            for (let i = 0; i < 3; i++) open.push(await raw.connect(limited.wsUrl(kApp.key)));
            const refused = await RawPusher.open(limited.wsUrl(kApp.key));
            const first = await refused.next('the refusal');
            assert.equal(first.json?.event, 'pusher:error', first.text);
            assert.equal(first.json.data.code, 4100, first.text);
            assert.match(first.json.data.message, /at most 3/);
            const closed = await refused.waitClose('the 4100 close');
            assert.equal(closed.code, 4100);
            open[0].terminate();
            let again = null;
            for (let attempt = 0; attempt < 50 && !again; attempt++) {
                const client = await RawPusher.open(limited.wsUrl(kApp.key));
                const frame = await client.next('the first frame');
                if (frame.json?.event === 'pusher:connection_established') again = client;
                else await sleep(20);  // the server has not seen the first one go yet
            }
            assert.ok(again, 'a slot came back after a connection closed');
            again.terminate();
        } finally {
            await limited.stopCleanly();
        }
    });
});

describe('socket ids', () => {
    t('1,000 connections get unique ids that carry no order', async (raw) => {
        const ids = [];
        for (let i = 0; i < 1000; i += 50) {
            const batch = await Promise.all(Array.from({ length: 50 }, () => raw.connect(h.server.wsUrl(kApp.key))));
            ids.push(...batch.map((c) => c.socketId));
            for (const c of batch) c.terminate();
        }
        assert.equal(new Set(ids).size, 1000);
        // Per worker prefix, the random parts in connection order: sequential ids would rise by 1.
        const byPrefix = new Map();
        for (const id of ids) {
            const [prefix, rest] = id.split('.');
            if (!byPrefix.has(prefix)) byPrefix.set(prefix, []);
            byPrefix.get(prefix).push(BigInt(rest));
        }
        let steps = 0;
        let small = 0;
        for (const parts of byPrefix.values()) {
            for (let i = 1; i < parts.length; i++) {
                const gap = parts[i] > parts[i - 1] ? parts[i] - parts[i - 1] : parts[i - 1] - parts[i];
                steps += 1;
                if (gap < 1_000_000n) small += 1;
            }
        }
        assert.ok(steps > 900);
        assert.equal(small, 0, `${small} of ${steps} consecutive ids are within 10^6 of each other`);
    }, 60_000);
});
