// tests/interop/pusher/ping_probe.mjs
//
// A well-behaved client in a process of its own, so that what it measures is the server's
// latency, not the test process's own event loop (busy flooding or parsing a large answer).
//   node ping_probe.mjs <ws url> <connections>
// Opens the connections, prints "ready", then on each sends pusher:ping as soon as the last
// pusher:pong came back (after 2 ms; a pong missing for 5 s counts as 5 s). On "stop" (stdin) it prints one JSON line
// {"count":n,"worstMs":x,"medianMs":y} and exits.
import readline from 'node:readline';
import WebSocket from 'ws';

const [url, connections = '1'] = process.argv.slice(2);
const latencies = [];
let stopping = false;

function open() {
    return new Promise((resolve, reject) => {
        const ws = new WebSocket(url);
        ws.once('error', reject);
        ws.once('message', () => resolve(ws));  // pusher:connection_established
    });
}

async function probe(ws) {
    while (!stopping) {
        const started = process.hrtime.bigint();
        const pong = new Promise((resolve) => {
            const onMessage = (data) => {
                if (JSON.parse(data.toString()).event === 'pusher:pong') {
                    ws.off('message', onMessage);
                    resolve();
                }
            };
            ws.on('message', onMessage);
        });
        ws.send('{"event":"pusher:ping","data":{}}');
        await Promise.race([pong, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        await new Promise((resolve) => setTimeout(resolve, 2));
    }
    ws.close();
}

const sockets = await Promise.all(Array.from({ length: Number(connections) }, open));
const running = sockets.map(probe);
console.log('ready');
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
    if (line.trim() === 'stop') break;
}
stopping = true;
await Promise.all(running);
latencies.sort((a, b) => a - b);
console.log(JSON.stringify({
    count: latencies.length,
    worstMs: latencies.at(-1) ?? 0,
    medianMs: latencies[Math.floor(latencies.length / 2)] ?? 0,
}));
process.exit(0);
