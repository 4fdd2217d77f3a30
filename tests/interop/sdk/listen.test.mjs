// tests/interop/sdk/listen.test.mjs
//
// `herald listen` with an HTTP auth endpoint, next to pusher-js: the endpoint receives from
// herald::client the request pusher-js sends for the same channel (the same form body but for
// the socket id, the same content type, the extra header); the presence channel it authorizes
// delivers a member_added to pusher-js and an event to `herald listen`; an endpoint answering
// 403 makes `herald listen` exit 3 with the status in its reason. The other exit statuses are in
// herald/cli/listen_smoke_test.sh.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe } from 'node:test';
import { binary, runToEnd } from '../lib/harness.mjs';
import {
    kApp, nextEvent, PusherClient, poolTest, sdkFor, startAppServer, startHerald, subscribed, waitConnected,
} from '../pusher/harness.mjs';

const h = { server: null, appServer: null, pool: null };
let serial = 0;
const unique = (prefix) => `${prefix}${process.pid}-${++serial}`;

before(async () => {
    h.server = await startHerald({ name: 'herald(listen suite)' });
    h.appServer = await startAppServer(h.server);
});
after(async () => {
    await h.appServer?.close();
    await h.server?.stopCleanly();
});

// An auth endpoint that records each request as received (raw body, headers) and signs with
// the app's secret (user_id from the form for presence), or answers `status` when it is set.
async function recordingEndpoint(status = 0) {
    const sdk = sdkFor(h.server);
    const requests = [];
    const server = http.createServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk) => { body += chunk; });
        req.on('end', () => {
            requests.push({ method: req.method, headers: req.headers, body });
            if (status) {
                res.writeHead(status, { 'Content-Type': 'text/plain' });
                res.end('refused by the test');
                return;
            }
            const form = Object.fromEntries(new URLSearchParams(body));
            const presence = form.channel_name.startsWith('presence-');
            const auth = sdk.authorizeChannel(form.socket_id, form.channel_name,
                presence ? { user_id: form.user_id, user_info: { name: `user ${form.user_id}` } } : undefined);
            res.writeHead(200, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify(auth));
        });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
        requests,
        url: `http://127.0.0.1:${server.address().port}/pusher/auth`,
        close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
    };
}

const wsUrl = () => `ws://127.0.0.1:${h.server.port}/app/${kApp.key}`;

function listen(args) {
    return runToEnd(binary('HERALD_SERVER'), ['listen', '--ws-url', wsUrl(), ...args],
        { env: { HERALD_URL: '', PUSHER_URL: '' }, timeoutMs: 20_000 });
}

const t = (name, fn) => poolTest(h, name, fn, { timeout: 60_000 });

describe('herald listen --auth-endpoint', () => {
    t('sends the request pusher-js sends; presence through the endpoint works both ways', async (pool) => {
        const endpoint = await recordingEndpoint();
        try {
            const name = unique('presence-listen-');
            const js = new PusherClient(kApp.key, {
                cluster: 'mt1', wsHost: h.server.host, wsPort: h.server.port, forceTLS: false,
                enabledTransports: ['ws'], disableStats: true,
                channelAuthorization: {
                    endpoint: endpoint.url, transport: 'ajax', params: { user_id: 'js' }, headers: { 'X-Token': 't 1' },
                },
            });
            pool.clients.push(js);
            await waitConnected(js);
            const channel = await subscribed(js, name);
            const joined = nextEvent(channel, 'pusher:member_added');

            const listener = listen([name, '--auth-endpoint', endpoint.url, '--auth-header', 'X-Token: t 1',
                '--user-id', 'cpp', '--event', 'news', '--count', '1']);
            const member = await joined;
            assert.equal(member.data.id, 'cpp');
            await sdkFor(h.server).trigger(name, 'news', { n: 1 });
            const result = await listener;
            assert.equal(result.code, 0, `exit ${result.code}: ${result.stderr}`);
            assert.equal(result.stdout, `{"channel":"${name}","event":"news","data":{"n":1}}\n`);

            assert.equal(endpoint.requests.length, 2);
            const [fromJs, fromCpp] = endpoint.requests;
            const jsSocket = js.connection.socket_id;
            const cppSocket = /^socket_id=([0-9.]+)&/.exec(fromCpp.body)?.[1];
            assert.ok(cppSocket, fromCpp.body);
            assert.equal(fromJs.body, `socket_id=${jsSocket}&channel_name=${encodeURIComponent(name)}&user_id=js`);
            assert.equal(fromCpp.body, fromJs.body.replace(jsSocket, cppSocket).replace('user_id=js', 'user_id=cpp'));
            assert.equal(fromCpp.method, fromJs.method);
            assert.equal(fromCpp.headers['content-type'], fromJs.headers['content-type']);
            assert.equal(fromCpp.headers['x-token'], fromJs.headers['x-token']);
        } finally {
            await endpoint.close();
        }
    });

    t('an endpoint answering 403: exit 3 with the status in the reason', async () => {
        const endpoint = await recordingEndpoint(403);
        try {
            const result = await listen([unique('private-listen-'), '--auth-endpoint', endpoint.url, '--timeout', '10']);
            assert.equal(result.code, 3, `exit ${result.code}: ${result.stderr}`);
            assert.match(result.stderr, /"status":403/);
            assert.equal(result.stdout, '');
        } finally {
            await endpoint.close();
        }
    });
});
