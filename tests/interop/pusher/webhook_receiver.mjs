// tests/interop/pusher/webhook_receiver.mjs
//
// A webhook receiver on 127.0.0.1 for the webhook suites: every request is checked by `verify`,
// by default the official `pusher` Node SDK's `webhook({headers, rawBody}).isValid()` (key,
// HMAC-SHA256 of the raw body, content type exactly application/json: protocol.md §9.7); the SDK
// suite verifies with herald::sdk instead. `respond(entry)` picks the status of each valid
// request (200 by default); `hang = true` accepts requests and never answers. Only requests
// answered with a 2xx count as delivered. `startHooked` runs `herald serve` sending every webhook
// of its app to a receiver, with test-sized timings.
import http from 'node:http';
import path from 'node:path';
import { PusherSdk, kApp, startHerald } from './harness.mjs';

// verify({ headers, body }) for the Node SDK: resolves to { valid, events, time }.
function nodeSdkVerifier(app) {
    const sdk = new PusherSdk({ appId: app.id, key: app.key, secret: app.secret });
    return async ({ headers, body }) => {
        const hook = sdk.webhook({ headers, rawBody: body });
        if (!hook.isValid()) return { valid: false };
        return { valid: true, events: hook.getEvents(), time: hook.getData().time_ms };  // getTime() is a Date
    };
}

export async function startReceiver({ app = kApp, port = 0, respond = () => 200, verify = nodeSdkVerifier(app) } = {}) {
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
        req.on('end', async () => {
            const entry = { method: req.method, url: req.url, headers: req.headers, body, at: Date.now() };
            receiver.requests.push(entry);
            let verdict;
            try {
                verdict = await verify(entry);
            } catch (error) {
                verdict = { valid: false, problem: `the check failed: ${error.message}` };
            }
            entry.valid = verdict.valid;
            entry.problem = verdict.problem;
            if (!entry.valid) {
                receiver.invalid.push(entry);
                res.writeHead(401);
                res.end();
                return;
            }
            if (receiver.hang) return;
            const status = receiver.respond(entry);
            if (status >= 200 && status < 300) {
                entry.events = verdict.events;
                entry.time = verdict.time;
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

// `herald serve` whose app sends every webhook to `url`, with test-sized timings; `top`: more
// top-level settings.
export function startHooked({ url, dir, hooks = {}, app = {}, top = {}, name = 'herald(webhooks)' }) {
    const hooked = {
        ...kApp, subscription_count_events: true, limits: { max_client_events_per_second: 100000 },
        webhooks: [{ url }], ...app,
    };
    const webhooks = {
        batch_window_ms: 20, grace_ms: 300, retry_initial_ms: 50, retry_max_ms: 200, shutdown_flush_ms: 500,
        spool_path: path.join(dir, 'webhooks.spool'), dead_letter_path: path.join(dir, 'webhooks.dead'), ...hooks,
    };
    return startHerald({ apps: [hooked], top: { ...top, webhooks }, name });
}
