// bench/app_store_handshakes.mjs URL KEYS_FILE SECONDS CONCURRENCY [once]
//
// Pusher handshakes per second against `herald serve`: CONCURRENCY loops, each opening a
// WebSocket to URL/app/KEY (KEY taken in turn from KEYS_FILE, one a line), waiting for
// pusher:connection_established (or the pusher:error of a refused key) and closing it, for
// SECONDS (with `once`: until each key was used once). Prints "handshakes N per_second R refused F".
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../tests/interop/package.json'));
const WebSocket = require('ws');

const [url, keysFile, seconds, concurrency, mode] = process.argv.slice(2);
const keys = readFileSync(keysFile, 'utf8').split('\n').filter(Boolean);
const deadline = Date.now() + Number(seconds) * 1000;
let next = 0;
let done = 0;
let refused = 0;

function once(key) {
    return new Promise((resolve) => {
        const ws = new WebSocket(`${url}/app/${key}?protocol=7&client=bench&version=1`, { perMessageDeflate: false });
        ws.on('message', (data) => {
            const event = JSON.parse(data.toString()).event;
            if (event === 'pusher:error') refused++;
            ws.terminate();
        });
        ws.on('error', () => {});
        ws.on('close', resolve);
    });
}

async function loop() {
    while (Date.now() < deadline && !(mode === 'once' && next >= keys.length)) {
        await once(keys[next++ % keys.length]);
        done++;
    }
}

const started = Date.now();
await Promise.all(Array.from({ length: Number(concurrency) }, loop));
const elapsed = (Date.now() - started) / 1000;
console.log(`handshakes ${done} per_second ${(done / elapsed).toFixed(0)} refused ${refused}`);
