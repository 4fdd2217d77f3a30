// bench/fallback_load.mjs PORT TRANSPORT CLIENTS SECONDS
//
// The load client of bench/run_fallback.sh: CLIENTS clients of one transport (`ws`,
// `xhr_streaming` or `xhr_polling`, spoken as pusher-js speaks them) of the development app, all
// subscribed to one channel, while one publisher triggers events through the REST API with 4
// requests in flight for SECONDS. Each event carries the time it was triggered; prints one JSON
// line: delivered messages per second and the p50/p99 latency from trigger to delivery.
// 127.0.0.1 only; it stops by itself.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'interop', 'package.json'));
const WebSocket = require('ws');
const Pusher = require('pusher');

const [port, transport, clientCount, seconds] = [Number(process.argv[2]), process.argv[3],
    Number(process.argv[4]), Number(process.argv[5])];
const kKey = 'app-key';
const kChannel = 'bench-fallback';
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const latencies = [];
let delivered = 0;
let measuring = false;
let stopping = false;

const now = () => Number(process.hrtime.bigint()) / 1e6;

function onMessage(text) {
    const message = JSON.parse(text);
    if (message.event !== 'tick' || !measuring) return;
    delivered++;
    latencies.push(now() - JSON.parse(message.data).t);
}

function post(url, body = '') {
    return new Promise((resolve, reject) => {
        const req = http.request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => { text += chunk; });
            res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end(body);
    });
}

// Array frames of a receive answer, message by message.
function frames(text, each) {
    for (const line of text.split('\n')) {
        if (line.startsWith('a')) for (const m of JSON.parse(line.slice(1))) each(m);
    }
}

let serial = 0;
async function httpClient(streaming) {
    // Random like pusher-js's: sessions of an earlier run may still wait for their timeout.
    const session = `${serial++ % 1000}/${randomBytes(8).toString('hex')}`;
    const base = `http://127.0.0.1:${port}/pusher/app/${kKey}/${session}`;
    const subscribe = JSON.stringify([JSON.stringify({ event: 'pusher:subscribe', data: { channel: kChannel } })]);
    let subscribed;
    const ready = new Promise((resolve) => { subscribed = resolve; });
    const handle = (m) => {
        if (m.includes('subscription_succeeded')) subscribed();
        else onMessage(m);
    };
    if (streaming) {
        let buffer = '';
        let opened = false;
        http.request(`${base}/xhr_streaming?protocol=7&client=js`, { method: 'POST', agent: false }, (res) => {
            res.setEncoding('utf8');
            res.on('data', (chunk) => {
                buffer += chunk;
                const end = buffer.lastIndexOf('\n');
                if (end < 0) return;
                const complete = buffer.slice(0, end + 1);
                buffer = buffer.slice(end + 1);
                if (!opened && complete.startsWith('o')) {
                    opened = true;
                    post(`${base}/xhr_send`, subscribe);
                }
                frames(complete, handle);
            });
        }).on('error', () => {}).end();
    } else {
        const first = await post(`${base}/xhr?protocol=7&client=js`);
        frames(first, handle);
        await post(`${base}/xhr_send`, subscribe);
        (async () => {
            while (!stopping) frames(await post(`${base}/xhr`).catch(() => ''), handle);
        })();
    }
    return ready;
}

function wsClient() {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/app/${kKey}?protocol=7&client=js`, { perMessageDeflate: false });
    return new Promise((resolve) => {
        ws.on('message', (data) => {
            const text = data.toString();
            if (text.includes('connection_established')) {
                ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: kChannel } }));
            } else if (text.includes('subscription_succeeded')) {
                resolve();
            } else {
                onMessage(text);
            }
        });
        ws.on('error', () => {});
    });
}

const connects = [];
for (let i = 0; i < clientCount; i++) {
    connects.push(transport === 'ws' ? wsClient() : httpClient(transport === 'xhr_streaming'));
    if (i % 100 === 99) await Promise.all(connects.slice(i - 99));
}
await Promise.all(connects);

const publisher = new Pusher({ appId: 'app-id', key: kKey, secret: 'app-secret', host: '127.0.0.1', port: String(port), useTLS: false });
measuring = true;
const started = now();
const deadline = started + seconds * 1000;
await Promise.all(Array.from({ length: 4 }, async () => {
    while (now() < deadline) await publisher.trigger(kChannel, 'tick', { t: now() });
}));
await new Promise((resolve) => setTimeout(resolve, 500));  // what is in flight arrives
measuring = false;
stopping = true;
const elapsed = (now() - started) / 1000;
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
console.log(JSON.stringify({
    transport, clients: clientCount, delivered_per_second: Math.round(delivered / elapsed),
    p50_ms: Number(at(0.5).toFixed(2)), p99_ms: Number(at(0.99).toFixed(2)),
}));
process.exit(0);
