#!/usr/bin/env node
// tests/interop/ws_echo_server.mjs
//
// An echo server built on the Node `ws` library, the peer for Herald's echo_client. It prints
// `listening on 127.0.0.1:PORT`, then one JSON line per event (connection, message, pong,
// close) so a test can compare what the client sent with what it printed.
//
//   node ws_echo_server.mjs [--deflate] [--no-context-takeover] [--server-window-bits N]
//        [--tls-cert F --tls-key F] [--fragment] [--ping] [--close-after N --close-code C
//        --close-reason R]
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { WebSocketServer } from 'ws';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
    const at = argv.indexOf(name);
    return at < 0 ? fallback : argv[at + 1];
};

function deflateOptions() {
    if (!flag('--deflate')) return false;
    const options = { threshold: 0 };
    if (flag('--no-context-takeover')) {
        options.serverNoContextTakeover = true;
        options.clientNoContextTakeover = true;
    }
    const bits = option('--server-window-bits');
    if (bits) options.serverMaxWindowBits = Number(bits);
    return options;
}

const log = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const cert = option('--tls-cert');
const server = cert
    ? https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(option('--tls-key')) })
    : http.createServer();
server.on('request', (req, res) => res.writeHead(404).end());

const wss = new WebSocketServer({
    server,
    perMessageDeflate: deflateOptions(),
    handleProtocols: (protocols) => protocols.values().next().value ?? false,
});
let extensionsHeader = '';
wss.on('headers', (headers) => {
    extensionsHeader = headers.find((h) => /^sec-websocket-extensions:/i.test(h))?.replace(/^[^:]*:\s*/, '') ?? '';
});

function echo(ws, data, isBinary) {
    if (!flag('--fragment') || data.length < 3) {
        ws.send(data, { binary: isBinary });
        return;
    }
    const cut1 = Math.floor(data.length / 3);
    const cut2 = Math.floor((2 * data.length) / 3);
    ws.send(data.subarray(0, cut1), { binary: isBinary, fin: false });
    ws.send(data.subarray(cut1, cut2), { binary: isBinary, fin: false });
    ws.send(data.subarray(cut2), { binary: isBinary, fin: true });
}

wss.on('connection', (ws, req) => {
    log({
        event: 'connection', path: req.url, protocols: req.headers['sec-websocket-protocol'] ?? null,
        protocol: ws.protocol, offer: req.headers['sec-websocket-extensions'] ?? null, extensions: extensionsHeader,
    });
    let count = 0;
    const closeAfter = Number(option('--close-after', 0));
    ws.on('message', (data, isBinary) => {
        count += 1;
        log({
            event: 'message', type: isBinary ? 'binary' : 'text', size: data.length,
            sha1: createHash('sha1').update(data).digest('hex'), text: isBinary ? null : data.toString('utf8'),
        });
        if (flag('--ping')) ws.ping(Buffer.from(`server-ping-${count}`));
        echo(ws, data, isBinary);
        if (closeAfter && count === closeAfter) ws.close(Number(option('--close-code', 1000)), option('--close-reason', ''));
    });
    ws.on('pong', (payload) => log({ event: 'pong', payload: payload.toString('utf8') }));
    ws.on('close', (code, reason) => log({ event: 'close', code, reason: reason.toString('utf8') }));
    ws.on('error', (error) => log({ event: 'error', message: error.message }));
});

server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`listening on 127.0.0.1:${server.address().port}\n`);
});

process.on('SIGTERM', () => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
});
