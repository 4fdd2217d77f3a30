// tests/interop/pusher/webhook_receiver.mjs
//
// A webhook receiver on 127.0.0.1 for the webhook suite: every request is checked with the
// official `pusher` Node SDK's `webhook({headers, rawBody}).isValid()` (key, HMAC-SHA256 of the
// raw body, content type exactly application/json: protocol.md §9.7). `respond(entry)` picks the
// status of each valid request (200 by default); `hang = true` accepts requests and never answers.
// Only requests answered with a 2xx count as delivered.
import http from 'node:http';
import { PusherSdk, kApp } from './harness.mjs';

export async function startReceiver({ app = kApp, port = 0, respond = () => 200 } = {}) {
    const sdk = new PusherSdk({ appId: app.id, key: app.key, secret: app.secret });
    const receiver = {
        requests: [], delivered: [], invalid: [], respond, hang: false, port: 0,
        // The events of the delivered requests, in the order they arrived.
        events: () => receiver.delivered.flatMap((entry) => entry.events),
        url: (suffix = '/hooks') => `http://127.0.0.1:${receiver.port}${suffix}`,
    };
    const server = http.createServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk) => { body += chunk; });
        req.on('end', () => {
            const hook = sdk.webhook({ headers: req.headers, rawBody: body });
            const entry = { method: req.method, url: req.url, headers: req.headers, body, at: Date.now() };
            entry.valid = hook.isValid();
            receiver.requests.push(entry);
            if (!entry.valid) {
                receiver.invalid.push(entry);
                res.writeHead(401);
                res.end();
                return;
            }
            if (receiver.hang) return;
            const status = receiver.respond(entry);
            if (status >= 200 && status < 300) {
                entry.events = hook.getEvents();
                entry.time = hook.getData().time_ms;  // getTime() is a Date
                receiver.delivered.push(entry);
            }
            res.writeHead(status);
            res.end();
        });
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
    });
    receiver.port = server.address().port;
    receiver.close = () => new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
    });
    return receiver;
}
