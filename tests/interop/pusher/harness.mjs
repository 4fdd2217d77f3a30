// tests/interop/pusher/harness.mjs
//
// Shared helpers of the Pusher interop suites: start `herald serve` with a generated TOML config
// on a free 127.0.0.1 port, a small "application server" on 127.0.0.1 that signs channel and user
// authorizations with the official `pusher` SDK (and serves static files to the browser test),
// pusher-js clients that are always disconnected at the end, and a raw `ws` client that speaks
// the JSON envelope. Every process started here is killed when the test process exits.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import PusherClient from 'pusher-js';
import PusherSdk from 'pusher';
import WebSocket from 'ws';
import {
    binary, describeExit, makeTempDir, ProcessHandle, serverTest, spawnTracked, within, writeFile,
} from '../lib/harness.mjs';

export { PusherClient, PusherSdk };

const here = path.dirname(fileURLToPath(import.meta.url));
export const kInteropDir = path.resolve(here, '..');

const kStartTimeoutMs = 30_000;  // a sanitizer build starts slowly on a busy machine
const kStopTimeoutMs = 10_000;
export const kWaitMs = 5_000;
export const kSocketIdPattern = /^\d+\.\d+$/;

// The main test app: client events on, default limits. Others are added per suite.
export const kApp = {
    id: '4242', key: 'interop-key', secret: 'interop-secret', enabled: true, client_events: true,
    user_authentication_required: false, subscription_count_events: false, limits: {},
};
// 32 bytes, base64: the master key the SDK derives encrypted-channel keys from (§7.4).
export const kMasterKeyBase64 = Buffer.from('herald-interop-master-key-32byte').toString('base64');

// A port that was free a moment ago on 127.0.0.1 (bound to port 0, then closed).
export function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.unref();
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

function tomlValue(value) {
    if (typeof value === 'string') return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map(tomlValue).join(', ')}]`;
    if (typeof value === 'object' && value !== null) {
        return `{ ${Object.entries(value).map(([k, v]) => `${k} = ${tomlValue(v)}`).join(', ')} }`;
    }
    return String(value);
}

const isTable = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

// Top-level objects become [tables]; an app's `limits` becomes [apps.limits] and its `webhooks`
// (an array of objects) [[apps.webhooks]] entries.
export function renderToml(top, apps) {
    const entries = Object.entries(top);
    const lines = entries.filter(([, v]) => !isTable(v)).map(([k, v]) => `${k} = ${tomlValue(v)}`);
    for (const [name, table] of entries.filter(([, v]) => isTable(v))) {
        lines.push('', `[${name}]`);
        for (const [k, v] of Object.entries(table)) lines.push(`${k} = ${tomlValue(v)}`);
    }
    for (const app of apps) {
        lines.push('', '[[apps]]');
        for (const [k, v] of Object.entries(app)) {
            if (k !== 'limits' && k !== 'webhooks') lines.push(`${k} = ${tomlValue(v)}`);
        }
        const limits = Object.entries(app.limits ?? {});
        if (limits.length) {
            lines.push('', '[apps.limits]');
            for (const [k, v] of limits) lines.push(`${k} = ${tomlValue(v)}`);
        }
        for (const hook of app.webhooks ?? []) {
            lines.push('', '[[apps.webhooks]]');
            for (const [k, v] of Object.entries(hook)) lines.push(`${k} = ${tomlValue(v)}`);
        }
    }
    return `${lines.join('\n')}\n`;
}

// Starts `herald serve --config FILE` with `apps` and top-level settings `top`; resolves once it
// logged a line containing "listening" and GET /up answered 200 (on `top.api_port` when the REST
// API has its own port). On `top.port` when given (a restart on the same port), else on a free
// one.
export async function startHerald({ apps = [kApp], top = {}, name = 'herald' } = {}) {
    const file = binary('HERALD_SERVER');
    const dir = makeTempDir('herald');
    let lastError;
    for (let attempt = 1; attempt <= 3; attempt++) {
        const port = top.port ?? await freePort();  // a suite may restart on the same port
        // The state directory is the test's own: a test never writes to /var/lib/herald or the home.
        const config = renderToml({
            host: '127.0.0.1', port, threads: 2, activity_timeout: 120, state_dir: path.join(dir, 'state'), ...top,
        }, apps);
        const configFile = writeFile(dir, `herald-${attempt}.toml`, config);
        const args = ['serve', '--config', configFile];
        const server = new HeraldHandle(name, file, args, spawnTracked(file, args), port, config, apps);
        server.configFile = configFile;  // a suite may rewrite it and send SIGHUP
        server.top = { host: '127.0.0.1', port, threads: 2, activity_timeout: 120, ...top };
        server.apiPort = top.api_port ?? null;  // the REST API's own port, when it has one
        try {
            return await server.ready();
        } catch (error) {
            lastError = error;
            // Someone took the port between our probe and the server's bind: try another one.
            if (!/address already in use|EADDRINUSE/i.test(server.stderr + server.stdout)) throw error;
        }
    }
    throw lastError;
}

class HeraldHandle extends ProcessHandle {
    constructor(name, file, args, child, port, config, apps) {
        super(name, file, args, child, { stopTimeoutMs: kStopTimeoutMs });
        this.host = '127.0.0.1';
        this.port = port;
        this.tls = /^\[tls\]$/m.test(config);  // then every URL is wss:// or https://
        this.config = config;
        this.apps = apps;
    }

    async ready() {
        const deadline = Date.now() + kStartTimeoutMs;
        const fail = (why) => {
            this.child.kill('SIGKILL');
            return new Error(`${this.name} did not start (${why})\n${this.diagnostics()}`);
        };
        while (!/listening/i.test(this.stdout + this.stderr)) {
            if (this.exit) throw fail(`exited early: ${describeExit(this.exit)}`);
            if (Date.now() > deadline) throw fail(`no line containing "listening" after ${kStartTimeoutMs} ms`);
            await sleep(50);
        }
        for (;;) {
            if (this.exit) throw fail(`exited early: ${describeExit(this.exit)}`);
            const status = await httpStatus(this.apiUrl(this.tls ? 'https' : 'http', '/up')).catch(() => 0);
            if (status === 200) return this;
            if (Date.now() > deadline) throw fail(`GET /up did not answer 200 (last: ${status || 'no answer'})`);
            await sleep(100);
        }
    }

    // A URL of the REST API: on its own port when it has one, else on the main port.
    apiUrl(scheme, suffix) {
        return `${scheme}://${this.host}:${this.apiPort ?? this.port}${suffix}`;
    }

    // The WebSocket URL pusher-js would use for `key` (§2.1), with `query` replacing its query.
    wsUrl(key, query = 'protocol=7&client=js&version=8.6.0&flash=false') {
        return this.url('ws', `/app/${key}${query === null ? '' : `?${query}`}`);
    }

    diagnostics() {
        return super.diagnostics([`--- config:\n${this.config.trimEnd()}`]);
    }
}

export function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

// https:// URLs accept the suites' self-signed certificates.
function httpStatus(url) {
    const client = url.startsWith('https:') ? https : http;
    return new Promise((resolve, reject) => {
        const req = client.get(url, { timeout: 2_000, rejectUnauthorized: false }, (res) => {
            res.resume();
            resolve(res.statusCode);
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
    });
}

// A plain HTTP request to 127.0.0.1; resolves to { status, headers, body }.
export function httpRequest(url, { method = 'GET', headers = {}, body } = {}) {
    return within(kWaitMs, new Promise((resolve, reject) => {
        const req = http.request(url, { method, headers }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => { text += chunk; });
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
        });
        req.on('error', reject);
        if (body !== undefined) req.write(body);
        req.end();
    }), `${method} ${url}`);
}

// The official server SDK pointed at `server`'s REST API for `app` (overrides: e.g. a wrong
// secret, or another port).
export function sdkFor(server, app = kApp, overrides = {}) {
    return new PusherSdk({
        appId: app.id, key: app.key, secret: app.secret, host: server.host, port: String(server.apiPort ?? server.port),
        useTLS: false, timeout: kWaitMs, encryptionMasterKeyBase64: kMasterKeyBase64, ...overrides,
    });
}

// ---------------------------------------------------------------------------------------------
// Application server: the auth endpoints of §7.6 on 127.0.0.1, signing with the SDK.
//   POST /pusher/auth       socket_id, channel_name [+ user_id, user_name, tamper]
//   POST /pusher/user-auth  socket_id [+ user_id, user_name, watchlist (ids, comma-separated), tamper]
//   GET  /static/...        files under tests/interop (the browser test's page and pusher-js)
// `tamper=secret` signs with a wrong secret; `tamper=key` with a wrong key; `deny=1` answers 403.

export async function startAppServer(server, app = kApp) {
    const sdk = sdkFor(server, app);
    const wrongSecret = sdkFor(server, app, { secret: `${app.secret}-wrong` });
    const wrongKey = sdkFor(server, app, { key: `${app.key}-wrong` });
    const requests = [];
    const httpServer = http.createServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk) => { body += chunk; });
        req.on('end', () => {
            try {
                handleAppRequest(req, res, body, { sdk, wrongSecret, wrongKey, requests });
            } catch (error) {
                reply(res, 500, 'text/plain', String(error?.stack ?? error));
            }
        });
    });
    await new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(0, '127.0.0.1', resolve);
    });
    const { port } = httpServer.address();
    return {
        port,
        requests,
        url: (suffix) => `http://127.0.0.1:${port}${suffix}`,
        close: () => new Promise((resolve) => {
            httpServer.closeAllConnections?.();
            httpServer.close(() => resolve());
        }),
    };
}

function reply(res, status, type, body) {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(body);
}

const kStaticTypes = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.map': 'application/json' };

function handleAppRequest(req, res, body, { sdk, wrongSecret, wrongKey, requests }) {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname.startsWith('/static/')) {
        const file = path.resolve(kInteropDir, `.${url.pathname.slice('/static'.length)}`);
        const type = kStaticTypes[path.extname(file)];
        if (!file.startsWith(`${kInteropDir}${path.sep}`) || !type) return reply(res, 404, 'text/plain', 'not found');
        let content;
        try {
            content = readFileSync(file);
        } catch {
            return reply(res, 404, 'text/plain', 'not found');
        }
        return reply(res, 200, type, content);
    }
    if (req.method !== 'POST') return reply(res, 404, 'text/plain', 'not found');
    const form = Object.fromEntries(new URLSearchParams(body));
    requests.push({ path: url.pathname, form });
    if (form.deny === '1') return reply(res, 403, 'text/plain', 'denied by the test');
    const signer = form.tamper === 'secret' ? wrongSecret : form.tamper === 'key' ? wrongKey : sdk;
    const userId = form.user_id || 'anonymous';
    const userInfo = { name: form.user_name || `user ${userId}` };
    let result;
    if (url.pathname === '/pusher/auth') {
        const presence = form.channel_name.startsWith('presence-');
        result = signer.authorizeChannel(form.socket_id, form.channel_name,
            presence ? { user_id: userId, user_info: userInfo } : undefined);
    } else if (url.pathname === '/pusher/user-auth') {
        // `watchlist`: comma-separated user ids (§4.13).
        const watchlist = form.watchlist ? { watchlist: form.watchlist.split(',') } : {};
        result = signer.authenticateUser(form.socket_id, { id: userId, user_info: userInfo, ...watchlist });
    } else {
        return reply(res, 404, 'text/plain', 'not found');
    }
    return reply(res, 200, 'application/json', JSON.stringify(result));
}

// ---------------------------------------------------------------------------------------------
// pusher-js clients (the Node build, which includes the NaCl code for encrypted channels).

// Collects pusher-js clients made during one test and disconnects them all at the end.
export class ClientPool {
    constructor(server, appServer, app = kApp) {
        this.server = server;
        this.appServer = appServer;
        this.app = app;
        this.clients = [];
        this.logs = [];
    }

    // A new pusher-js client; `params` go to the auth endpoints (user_id, user_name, tamper...).
    create({ params = {}, options = {} } = {}) {
        const client = new PusherClient(this.app.key, {
            cluster: 'mt1', wsHost: this.server.host, wsPort: this.server.port, wssPort: this.server.port,
            forceTLS: false, enabledTransports: ['ws'], disableStats: true,
            channelAuthorization: { endpoint: this.appServer.url('/pusher/auth'), transport: 'ajax', params },
            userAuthentication: { endpoint: this.appServer.url('/pusher/user-auth'), transport: 'ajax', params },
            ...options,
        });
        const index = this.clients.length;
        client.connection.bind('state_change', (s) => this.logs.push(`client ${index}: ${s.previous} -> ${s.current}`));
        client.connection.bind('error', (e) => this.logs.push(`client ${index}: error ${JSON.stringify(e)}`));
        this.clients.push(client);
        return client;
    }

    // A new client that reached `connected`.
    async connect(args = {}) {
        const client = this.create(args);
        await waitConnected(client);
        return client;
    }

    disconnectAll() {
        for (const client of this.clients) client.disconnect();
    }
}

PusherClient.log = () => {};

// A test with a fresh pool of pusher-js clients of `app` on `h.server` (authorized by
// `h.appServer`), kept in `h.pool` and all disconnected at the end; a failure prints the server's
// output and the clients' state changes and errors.
export function poolTest(h, name, fn, { timeout = 30_000, app = kApp } = {}) {
    const logs = { diagnostics: () => `--- pusher-js:\n${h.pool?.logs.join('\n') || '(nothing)'}` };
    return serverTest(name, () => [h.server, logs], async () => {
        h.pool = new ClientPool(h.server, h.appServer, app);
        try {
            await fn(h.pool);
        } finally {
            h.pool.disconnectAll();
        }
    }, { timeout });
}

// A test against `h.server` with raw WebSocket clients (RawPusher) kept in `h.raw` and all
// terminated at the end; a failure prints the server's output and what each client received.
export function rawTest(h, name, fn, { timeout = 30_000 } = {}) {
    return serverTest(name, () => [h.server, h.raw], async () => {
        h.raw = new RawPool();
        try {
            await fn(h.raw);
        } finally {
            h.raw.terminateAll();
        }
    }, { timeout });
}

export function waitConnected(client, ms = kWaitMs) {
    if (client.connection.state === 'connected') return Promise.resolve(client);
    return within(ms, new Promise((resolve) => {
        client.connection.bind('connected', () => resolve(client));
    }), `pusher-js reaching "connected" (state ${client.connection.state})`);
}

// Resolves to { data, metadata } at the next `event` on `target` (a channel, a client or
// client.user); rejects after `ms`.
export function nextEvent(target, event, what = event, ms = kWaitMs) {
    let handler;
    return within(ms, new Promise((resolve) => {
        handler = (data, metadata) => resolve({ data, metadata });
        target.bind(event, handler);
    }), `waiting for ${what}`).finally(() => target.unbind(event, handler));
}

// Subscribes `client` to `name`; resolves to the channel once pusher:subscription_succeeded
// fired, rejects with the subscription error otherwise.
export async function subscribed(client, name, ms = kWaitMs) {
    const channel = client.subscribe(name);
    if (channel.subscribed) return channel;
    let onSuccess;
    let onError;
    try {
        await within(ms, new Promise((resolve, reject) => {
            onSuccess = () => resolve();
            onError = (e) => reject(new Error(`pusher:subscription_error on ${name}: ${JSON.stringify(e)}`));
            channel.bind('pusher:subscription_succeeded', onSuccess);
            channel.bind('pusher:subscription_error', onError);
        }), `pusher:subscription_succeeded on ${name}`);
    } finally {
        channel.unbind('pusher:subscription_succeeded', onSuccess);
        channel.unbind('pusher:subscription_error', onError);
    }
    return channel;
}

// Records every event a channel emits (name, data) in order.
export function record(channel) {
    const events = [];
    channel.bind_global((event, data) => events.push({ event, data }));
    return events;
}

// ---------------------------------------------------------------------------------------------
// Raw `ws` client speaking the Pusher JSON envelope.

export class RawPusher {
    // Opens a WebSocket to `url` (no sub-protocol, no compression) and waits for it to open.
    static async open(url) {
        const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: kWaitMs });
        const client = new RawPusher(ws, url);
        await within(kWaitMs, new Promise((resolve, reject) => {
            ws.once('open', resolve);
            ws.once('error', reject);
            ws.once('unexpected-response', (req, res) => {
                reject(new Error(`unexpected HTTP ${res.statusCode} to the upgrade of ${url}`));
            });
        }), `opening ${url}`);
        return client;
    }

    // Opens and reads pusher:connection_established; sets socketId.
    static async connect(url) {
        const client = await RawPusher.open(url);
        const first = await client.next(`pusher:connection_established from ${url}`);
        if (first.json?.event !== 'pusher:connection_established') {
            client.terminate();
            throw new Error(`first frame from ${url} is not pusher:connection_established: ${first.text}`);
        }
        client.established = first.json;
        client.socketId = JSON.parse(first.json.data).socket_id;
        return client;
    }

    constructor(ws, url) {
        this.ws = ws;
        this.url = url;
        this.frames = [];  // every message received, in order: { text, json, isBinary }
        this.queue = [];
        this.waiters = [];
        ws.on('message', (data, isBinary) => {
            const text = Buffer.from(data).toString('utf8');
            let json = null;
            try {
                json = JSON.parse(text);
            } catch {
                json = null;
            }
            const message = { text, json, isBinary };
            this.frames.push(message);
            const waiter = this.waiters.shift();
            if (waiter) waiter(message); else this.queue.push(message);
        });
        ws.on('error', () => {});
        this.closed = new Promise((resolve) => {
            ws.on('close', (code, reason) => {
                this.closeInfo = { code, reason: reason.toString('utf8') };
                resolve(this.closeInfo);
            });
        });
    }

    next(what = 'the next message', ms = kWaitMs) {
        const queued = this.queue.shift();
        if (queued) return Promise.resolve(queued);
        let waiter;
        const promise = new Promise((resolve) => {
            waiter = resolve;
            this.waiters.push(resolve);
        });
        return within(ms, promise, `waiting for ${what} (received so far: ${this.describe()})`)
            .catch((error) => {
                this.waiters = this.waiters.filter((w) => w !== waiter);
                throw error;
            });
    }

    // The next message whose event is `event` (and, if given, channel is `channel`); messages
    // before it are skipped but stay in `frames`.
    async nextEvent(event, { channel, ms = kWaitMs } = {}) {
        const deadline = Date.now() + ms;
        for (;;) {
            const left = deadline - Date.now();
            if (left <= 0) throw new Error(`no ${event}${channel ? ` on ${channel}` : ''} within ${ms} ms (received: ${this.describe()})`);
            const message = await this.next(`${event}${channel ? ` on ${channel}` : ''}`, left);
            if (message.json?.event === event && (channel === undefined || message.json.channel === channel)) return message.json;
        }
    }

    send(value) {
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        return new Promise((resolve, reject) => this.ws.send(text, (error) => (error ? reject(error) : resolve())));
    }

    subscribe(channel, extra = {}) {
        return this.send({ event: 'pusher:subscribe', data: { channel, auth: '', ...extra } });
    }

    // Subscribes and returns the pusher_internal:subscription_succeeded message (or throws with
    // what arrived instead).
    async subscribed(channel, extra = {}) {
        await this.subscribe(channel, extra);
        const deadline = Date.now() + kWaitMs;
        for (;;) {
            const message = await this.next(`the subscription to ${channel}`, Math.max(1, deadline - Date.now()));
            const json = message.json;
            if (json?.channel !== channel && json?.event !== 'pusher:error') continue;
            if (json.event === 'pusher_internal:subscription_succeeded') return json;
            throw new Error(`subscribing to ${channel}: got ${message.text}`);
        }
    }

    // Resolves after a round trip: a ping answered by a pong proves the server has processed
    // everything sent before it (one connection is handled in order).
    async roundTrip() {
        await this.send({ event: 'pusher:ping', data: {} });
        return this.nextEvent('pusher:pong');
    }

    waitClose(what = 'the close', ms = kWaitMs) {
        return within(ms, this.closed, `waiting for ${what} (received: ${this.describe()})`);
    }

    describe() {
        const texts = this.frames.map((f) => (f.text.length > 300 ? `${f.text.slice(0, 300)}...` : f.text));
        return texts.length ? texts.join(' | ') : 'nothing';
    }

    terminate() {
        this.ws.terminate();
    }
}

// Connects raw clients for one test and terminates them at the end.
export class RawPool {
    constructor() {
        this.clients = [];
    }

    async connect(url) {
        const client = await RawPusher.connect(url);
        this.clients.push(client);
        return client;
    }

    async open(url) {
        const client = await RawPusher.open(url);
        this.clients.push(client);
        return client;
    }

    terminateAll() {
        for (const client of this.clients) client.terminate();
    }

    // What each client received, for a failing test's report (serverTest's diagnostics).
    diagnostics() {
        const lines = this.clients.map((c, i) => `  [${i}] ${c.url}\n      ${c.describe()}` +
                                                 (c.closeInfo ? `\n      close ${JSON.stringify(c.closeInfo)}` : ''));
        return `--- frames received by each raw client:\n${lines.join('\n') || '(none)'}`;
    }
}

// `auth` for `channel` on `socketId`, signed by the SDK for `app` (presence: with `member`).
export function signChannel(server, socketId, channel, member, app = kApp) {
    return sdkFor(server, app).authorizeChannel(socketId, channel, member);
}

// Waits until `predicate()` is true (polling), or fails with `what`. The predicate may be async:
// its promise is awaited (a promise itself is always truthy).
export async function until(predicate, what, ms = kWaitMs) {
    const deadline = Date.now() + ms;
    while (!(await predicate())) {
        if (Date.now() > deadline) throw new Error(`${what} (not after ${ms} ms)`);
        await sleep(20);
    }
}

// Signs `client` in (pusher.signin()) and waits until pusher-js got pusher:signin_success and
// its #server-to-user- subscription succeeded.
export async function signedIn(client) {
    client.signin();
    await until(() => client.user.serverToUserChannel?.subscribed === true,
        'pusher-js signed in and subscribed to its #server-to-user- channel');
    return client.user;
}
