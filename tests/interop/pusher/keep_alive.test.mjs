// tests/interop/pusher/keep_alive.test.mjs
//
// The REST API on persistent connections: 100 signed triggers pipelined on one connection are
// answered in order and each delivered to a subscriber; the official `pusher` Node SDK with a
// keep-alive agent sends 1,000 triggers over a single connection.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe } from 'node:test';
import { kApp, rawTest, sdkFor, startHerald, until } from './harness.mjs';

const h = { server: null, raw: null };

before(async () => {
    h.server = await startHerald({ name: 'herald(keep-alive)' });
});
after(async () => {
    await h.server?.stopCleanly();
});

function t(name, fn, timeout = 60_000) {
    return rawTest(h, name, fn, { timeout });
}

// A trigger request signed as §8.2 says, ready to write on a socket.
function signedTrigger(channel, event, data) {
    const body = JSON.stringify({ name: event, channel, data: JSON.stringify(data) });
    const path = `/apps/${kApp.id}/events`;
    const params = {
        auth_key: kApp.key,
        auth_timestamp: String(Math.floor(Date.now() / 1000)),
        auth_version: '1.0',
        body_md5: createHash('md5').update(body).digest('hex'),
    };
    const query = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join('&');
    const signature = createHmac('sha256', kApp.secret).update(`POST\n${path}\n${query}`).digest('hex');
    return `POST ${path}?${query}&auth_signature=${signature} HTTP/1.1\r\nHost: x\r\n` +
           `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

// Reads `count` HTTP responses (each with a Content-Length) from `socket`, in order.
function readResponses(socket, count) {
    return new Promise((resolve, reject) => {
        let buffer = Buffer.alloc(0);
        const responses = [];
        const timer = setTimeout(() => reject(new Error(`only ${responses.length} of ${count} answers`)), 20_000);
        socket.on('data', (chunk) => {
            buffer = Buffer.concat([buffer, chunk]);
            for (;;) {
                const end = buffer.indexOf('\r\n\r\n');
                if (end < 0) break;
                const head = buffer.subarray(0, end).toString('latin1');
                const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
                if (buffer.length < end + 4 + length) break;
                responses.push({ head, body: buffer.subarray(end + 4, end + 4 + length).toString() });
                buffer = buffer.subarray(end + 4 + length);
            }
            if (responses.length >= count) {
                clearTimeout(timer);
                resolve(responses);
            }
        });
        socket.on('error', reject);
    });
}

describe('REST on persistent connections', () => {
    t('100 pipelined signed triggers: 100 answers in order and 100 deliveries', async (raw) => {
        const channel = `keep-alive-${process.pid}`;
        const subscriber = await raw.connect(h.server.wsUrl(kApp.key));
        await subscriber.subscribed(channel);
        const socket = net.connect({ host: h.server.host, port: h.server.port });
        await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
        const answers = readResponses(socket, 100);
        let batch = '';
        for (let i = 0; i < 100; i++) batch += signedTrigger(channel, 'numbered', { i });
        socket.write(batch);
        const responses = await answers;
        socket.destroy();
        responses.forEach((r, i) => {
            assert.match(r.head, /^HTTP\/1\.1 200/, `answer ${i}: ${r.head}`);
            assert.match(r.head, /connection: keep-alive/i, `answer ${i}`);
        });
        await until(() => subscriber.frames.filter((f) => f.json?.event === 'numbered').length === 100,
                    '100 deliveries');
        const order = subscriber.frames.filter((f) => f.json?.event === 'numbered')
            .map((f) => JSON.parse(f.json.data).i);
        assert.deepEqual(order, Array.from({ length: 100 }, (_, i) => i));
    });

    t('the pusher SDK with a keep-alive agent sends 1,000 triggers over one connection', async (raw) => {
        const channel = `keep-alive-sdk-${process.pid}`;
        const subscriber = await raw.connect(h.server.wsUrl(kApp.key));
        await subscriber.subscribed(channel);
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        const sockets = new Set();
        const createConnection = agent.createConnection.bind(agent);
        agent.createConnection = (...args) => {
            const socket = createConnection(...args);
            sockets.add(socket);
            return socket;
        };
        const sdk = sdkFor(h.server, kApp, { agent });
        for (let i = 0; i < 1000; i += 50) {
            const calls = Array.from({ length: 50 }, (_, k) => sdk.trigger(channel, 'sdk', { i: i + k }));
            for (const response of await Promise.all(calls)) assert.equal(response.status, 200);
        }
        agent.destroy();
        assert.equal(sockets.size, 1, `the agent opened ${sockets.size} connections`);
        await until(() => subscriber.frames.filter((f) => f.json?.event === 'sdk').length === 1000,
                    '1,000 deliveries', 10_000);
    });
});
