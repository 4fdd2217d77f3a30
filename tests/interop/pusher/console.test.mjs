// tests/interop/pusher/console.test.mjs
//
// The admin listener's live console (docs/OPERATIONS.md, "Admin API") read as Server-Sent Events
// by node:http, no browser (console_stream.mjs). One `herald serve` per describe, admin on port 0
// without a token (loopback: GET /api/admin/session opens a session).
// - A connection's life with the official pusher-js client and the `pusher` SDK: every console
//   kind with its fields (connection_opened, subscribed on private and presence channels,
//   client_event, signin, api_message with the excluded socket_id, error for a pusher:error and
//   for a subscription error, unsubscribed, connection_closed), and nothing of another app.
// - Webhooks: webhook_sent when a real receiver (webhook_receiver.mjs) accepts channel_occupied,
//   webhook_failed with the error when a receiver answers 500, then webhook_dead_lettered.
// - Sampling: 1,000 SDK triggers as fast as possible show at most 200 api_message events a second,
//   and `skipped` counts the rest exactly; `stats` arrive once a second and count the REST calls.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import WebSocket from 'ws';
import { makeTempDir, serverTest, within } from '../lib/harness.mjs';
import {
    ClientPool, kApp, kSocketIdPattern, kWaitMs, nextEvent, RawPusher, sdkFor, signedIn,
    startAppServer, startHerald, subscribed,
} from './harness.mjs';
import { adminBase, adminSession, consoleServerTest, ConsoleReader, kConsoleWaitMs } from './console_stream.mjs';
import { startReceiver } from './webhook_receiver.mjs';

// A second app on the same node: its events must never reach the first app's console.
const kOtherApp = { ...kApp, id: '4343', key: 'other-key', secret: 'other-secret' };

let serial = 0;
const unique = (prefix) => `${prefix}${process.pid}-${++serial}`;

// A test whose failure prints the server's output, the consoles' events and pusher-js's log.
function consoleTest(h, name, fn, timeout = 90_000) {
    return consoleServerTest(h, name, () => [h.server, ...h.readers], fn, timeout);
}

function newState() {
    return { server: null, admin: null, cookie: null, appServers: [], readers: [], pools: [] };
}

async function openConsole(h, app) {
    const reader = await ConsoleReader.open(h.admin, h.cookie, { app: app.id, name: `console of app ${app.id}` });
    h.readers.push(reader);
    return reader;
}

async function stopAll(h) {
    for (const pool of h.pools) pool.disconnectAll();
    for (const reader of h.readers) reader.close();
    for (const appServer of h.appServers) await appServer.close();
    await h.server?.stopCleanly();
}

// Resolves to the data of the next pusher:error pusher-js reports on `client`.
function nextPusherError(client, what) {
    let handler;
    return within(kWaitMs, new Promise((resolve) => {
        handler = (e) => {
            if (e?.type === 'PusherError') resolve(e.data);
        };
        client.connection.bind('error', handler);
    }), `pusher:error for ${what}`).finally(() => client.connection.unbind('error', handler));
}

function assertRecent(event) {
    assert.ok(Number.isInteger(event.time) && Math.abs(event.time - Date.now()) < 60_000,
        `time is a Unix time in ms: ${JSON.stringify(event)}`);
}

describe('the console of an app: a connection\'s life, kind by kind', () => {
    const h = newState();
    let appServer;
    let sdk;

    before(async () => {
        h.server = await startHerald({ name: 'herald(console)', apps: [kApp, kOtherApp], top: { admin: { port: 0 } } });
        h.admin = await adminBase(h.server);
        h.cookie = await adminSession(h.admin);
        appServer = await startAppServer(h.server);
        h.appServers.push(appServer, await startAppServer(h.server, kOtherApp));
        sdk = sdkFor(h.server);
    });
    after(() => stopAll(h));

    consoleTest(h, 'pusher-js and the SDK: opened, subscribed, client_event, signin, api_message, errors, unsubscribed, closed', async () => {
        const reader = await openConsole(h, kApp);
        const pool = new ClientPool(h.server, appServer);
        h.pools.push(pool);
        const find = (kind, fields, what) => reader.waitFor(
            (e) => e.kind === kind && Object.entries(fields).every(([k, v]) => e[k] === v),
            what ?? `${kind} ${JSON.stringify(fields)}`);

        // connection_opened
        const client = await pool.connect({ params: { user_id: 'console-ann', user_name: 'Ann' } });
        const socketId = client.connection.socket_id;
        assert.match(socketId, kSocketIdPattern);
        const opened = await find('connection_opened', { socket_id: socketId });
        assertRecent(opened);
        assert.equal(opened.client, 'js', `pusher-js sends client=js: ${JSON.stringify(opened)}`);
        assert.equal(opened.protocol, '7', JSON.stringify(opened));
        assert.match(opened.remote_address, /^127\.0\.0\.1:\d+$/, JSON.stringify(opened));
        assert.equal(typeof opened.user_agent, 'string', JSON.stringify(opened));

        // subscribed: private without a user id, presence with the member's
        const priv = unique('private-console-');
        const pres = unique('presence-console-');
        const pub = unique('console-public-');
        const privChannel = await subscribed(client, priv);
        const presChannel = await subscribed(client, pres);
        await subscribed(client, pub);
        const privSub = await find('subscribed', { socket_id: socketId, channel: priv });
        assert.equal('user_id' in privSub, false, `a private subscription has no user_id: ${JSON.stringify(privSub)}`);
        await find('subscribed', { socket_id: socketId, channel: pres, user_id: 'console-ann' });
        await find('subscribed', { socket_id: socketId, channel: pub });

        // client_event: with the user id on presence, without on private
        privChannel.trigger('client-typing', { typing: true });
        presChannel.trigger('client-wave', { hand: 'left' });
        const privEvent = await find('client_event', { socket_id: socketId, channel: priv, event: 'client-typing' });
        assert.deepEqual(JSON.parse(privEvent.data), { typing: true });
        assert.equal('user_id' in privEvent, false, JSON.stringify(privEvent));
        const presEvent = await find('client_event', { socket_id: socketId, channel: pres, event: 'client-wave' });
        assert.deepEqual(JSON.parse(presEvent.data), { hand: 'left' });
        assert.equal(presEvent.user_id, 'console-ann', JSON.stringify(presEvent));

        // signin through the app server's user authentication endpoint
        await signedIn(client);
        await find('signin', { socket_id: socketId, user_id: 'console-ann' });

        // api_message: channels, event, data and the excluded socket id
        await sdk.trigger([priv, pres], 'sdk-news', { n: 1 }, { socket_id: socketId });
        const news = await find('api_message', { event: 'sdk-news' });
        assert.deepEqual(news.channels, [priv, pres], JSON.stringify(news));
        assert.deepEqual(JSON.parse(news.data), { n: 1 });
        assert.equal(news.socket_id, socketId, JSON.stringify(news));
        await sdk.trigger(pub, 'sdk-plain', 'just text');
        const plain = await find('api_message', { event: 'sdk-plain' });
        assert.deepEqual(plain.channels, [pub]);
        assert.equal(plain.data, 'just text');
        assert.equal('socket_id' in plain, false, `no socket_id when none is excluded: ${JSON.stringify(plain)}`);

        // error: a pusher:error (a client event on a public channel), as pusher-js received it
        const wireError = nextPusherError(client, 'a client event on a public channel');
        client.send_event('client-not-here', { x: 1 }, pub);
        const wire = await wireError;
        const publicError = await find('error', { socket_id: socketId, channel: pub });
        assert.equal(publicError.message, wire.message, JSON.stringify(publicError));
        assert.equal(publicError.code, undefined, `a pusher:error without a code has none here: ${JSON.stringify(publicError)} (on the wire: ${JSON.stringify(wire)})`);
        assert.equal('status' in publicError, false, JSON.stringify(publicError));

        // error with a code: a sign-in signed with the wrong secret (pusher:error 4009)
        const mallory = await pool.connect({ params: { user_id: 'mallory', tamper: 'secret' } });
        const malloryError = nextPusherError(mallory, 'a bad sign-in');
        mallory.signin();
        const malloryWire = await malloryError;
        assert.equal(malloryWire.code, 4009);
        const signinError = await find('error', { socket_id: mallory.connection.socket_id, code: 4009 });
        assert.equal(signinError.message, malloryWire.message, JSON.stringify(signinError));

        // error with a status: a subscription refused for a bad signature
        const badPriv = unique('private-console-bad-');
        const refusal = nextEvent(mallory.subscribe(badPriv), 'pusher:subscription_error');
        const { data: refused } = await refusal;
        const subError = await find('error', { socket_id: mallory.connection.socket_id, channel: badPriv });
        assert.equal(subError.status, 401, JSON.stringify(subError));
        assert.equal(subError.status, refused.status, `pusher-js got ${JSON.stringify(refused)}`);
        assert.equal(typeof subError.message, 'string');
        assert.ok(subError.message.length > 0);
        assert.equal('code' in subError, false, JSON.stringify(subError));
        assert.equal(reader.console('subscribed').some((e) => e.channel === badPriv), false, 'a refused subscription shows as subscribed');

        // unsubscribed: private without, presence with the user id
        client.unsubscribe(priv);
        client.unsubscribe(pres);
        const privLeft = await find('unsubscribed', { socket_id: socketId, channel: priv });
        assert.equal('user_id' in privLeft, false, JSON.stringify(privLeft));
        await find('unsubscribed', { socket_id: socketId, channel: pres, user_id: 'console-ann' });

        // connection_closed after disconnect(), with the close code and reason Herald saw
        client.disconnect();
        const closed = await find('connection_closed', { socket_id: socketId });
        assert.equal(typeof closed.code, 'number', JSON.stringify(closed));
        assert.equal(closed.code, 1000, `pusher-js closes with 1000: ${JSON.stringify(closed)}`);
        assert.equal(typeof closed.reason, 'string', JSON.stringify(closed));
        assertRecent(closed);

        // A raw client with a User-Agent of its own chooses its close code and reason: the
        // console shows exactly those, and the client's own address.
        const ws = new WebSocket(h.server.wsUrl(kApp.key, 'protocol=7&client=console-test&version=1.0'),
            { perMessageDeflate: false, headers: { 'User-Agent': 'console-test/1.0' } });
        const raw = new RawPusher(ws, h.server.wsUrl(kApp.key));
        const established = await raw.nextEvent('pusher:connection_established');
        const rawId = JSON.parse(established.data).socket_id;
        const rawOpened = await find('connection_opened', { socket_id: rawId });
        assert.equal(rawOpened.user_agent, 'console-test/1.0', JSON.stringify(rawOpened));
        assert.equal(rawOpened.client, 'console-test', JSON.stringify(rawOpened));
        assert.equal(rawOpened.protocol, '7', JSON.stringify(rawOpened));
        assert.equal(rawOpened.remote_address, `127.0.0.1:${ws._socket.localPort}`, JSON.stringify(rawOpened));
        ws.close(4321, 'console test says bye');
        const rawClosed = await find('connection_closed', { socket_id: rawId });
        assert.equal(rawClosed.code, 4321, JSON.stringify(rawClosed));
        assert.equal(rawClosed.reason, 'console test says bye', JSON.stringify(rawClosed));

        // Every event of this console is of this app's connections or API calls.
        for (const e of reader.console()) assertRecent(e);
    });

    consoleTest(h, 'events of another app never appear in this app\'s console', async () => {
        const mine = await openConsole(h, kApp);
        const theirs = await openConsole(h, kOtherApp);
        const pool = new ClientPool(h.server, h.appServers[1], kOtherApp);
        h.pools.push(pool);
        const otherSdk = sdkFor(h.server, kOtherApp);

        const other = await pool.connect({ params: { user_id: 'other-user' } });
        const otherId = other.connection.socket_id;
        const otherPriv = unique('private-other-');
        const otherPres = unique('presence-other-');
        const presChannel = await subscribed(other, otherPriv).then(() => subscribed(other, otherPres));
        presChannel.trigger('client-other', { from: 'the other app' });
        await otherSdk.trigger(otherPriv, 'other-news', { n: 2 });
        other.disconnect();
        // The other app's console shows it all: the events exist, and go only there.
        for (const kind of ['connection_opened', 'subscribed', 'client_event', 'connection_closed']) {
            await theirs.waitFor((e) => e.kind === kind && e.socket_id === otherId, `${kind} of ${otherId} (the other app)`);
        }
        await theirs.waitFor((e) => e.kind === 'api_message' && e.event === 'other-news', 'the other app\'s api_message');

        // This app's console: a sentinel of its own arrives after everything above.
        await sdkFor(h.server).trigger(unique('console-sentinel-'), 'sentinel', {});
        await mine.waitFor((e) => e.kind === 'api_message' && e.event === 'sentinel', 'this app\'s sentinel');
        const leaked = mine.console().filter((e) => {
            const text = JSON.stringify(e);
            return e.socket_id === otherId || text.includes('-other-') || text.includes('other-news') || text.includes('other-user');
        });
        assert.deepEqual(leaked, [], 'events of the other app in this app\'s console');
        assert.equal(theirs.console('api_message').some((e) => e.event === 'sentinel'), false,
            'this app\'s event in the other app\'s console');
    });
});

describe('the console of an app: webhooks', () => {
    const h = newState();
    const receivers = { ok: null, failing: null };
    let hooked;
    let failing;

    before(async () => {
        const dir = makeTempDir('console-hooks');
        failing = { ...kOtherApp };
        receivers.ok = await startReceiver();
        receivers.failing = await startReceiver({ app: failing, respond: () => 500 });
        hooked = { ...kApp, webhooks: [{ url: receivers.ok.url() }] };
        failing.webhooks = [{ url: receivers.failing.url() }];
        // Short batches and retries; a failing webhook is dead-lettered after 1.5 s of retries.
        const webhooks = {
            batch_window_ms: 20, grace_ms: 300, retry_initial_ms: 50, retry_max_ms: 200, retry_window_ms: 1500,
            shutdown_flush_ms: 500, spool_path: path.join(dir, 'webhooks.spool'), dead_letter_path: path.join(dir, 'webhooks.dead'),
        };
        h.server = await startHerald({ name: 'herald(console webhooks)', apps: [hooked, failing], top: { admin: { port: 0 }, webhooks } });
        h.admin = await adminBase(h.server);
        h.cookie = await adminSession(h.admin);
    });
    after(async () => {
        await stopAll(h);
        await receivers.ok?.close();
        await receivers.failing?.close();
    });

    const receiverLog = (name) => ({
        diagnostics: () => `--- receiver ${name}:\n${(receivers[name]?.requests ?? []).map((r) => `${r.valid ? '' : 'INVALID '}${r.body}`).join('\n') || '(nothing)'}`,
    });
    const t = (name, fn) => serverTest(name, () => [h.server, ...h.readers, receiverLog('ok'), receiverLog('failing')], async () => {
        const raw = [];
        try {
            await fn(raw);
        } finally {
            for (const client of raw) client.terminate();
        }
    }, { timeout: 90_000 });

    t('channel_occupied delivered: the console shows webhook_sent with the url and the events', async (raw) => {
        const reader = await openConsole(h, hooked);
        const client = await RawPusher.connect(h.server.wsUrl(hooked.key));
        raw.push(client);
        const channel = unique('console-hooked-');
        await client.subscribed(channel);
        const sent = await reader.waitFor((e) => e.kind === 'webhook_sent' && e.events?.includes('channel_occupied'),
            'webhook_sent with channel_occupied');
        assert.equal(sent.url, receivers.ok.url(), JSON.stringify(sent));
        assert.ok(Array.isArray(sent.events) && sent.events.every((name) => typeof name === 'string'), JSON.stringify(sent));
        assert.equal('error' in sent, false, `a delivered webhook has no error: ${JSON.stringify(sent)}`);
        assertRecent(sent);
        // The receiver has it, checked by the pusher SDK.
        assert.ok(receivers.ok.events().some((e) => e.name === 'channel_occupied' && e.channel === channel),
            `the receiver got channel_occupied of ${channel}: ${JSON.stringify(receivers.ok.events())}`);
        assert.deepEqual(receivers.ok.invalid, []);
        assert.equal(reader.console().some((e) => e.kind === 'webhook_failed' || e.kind === 'webhook_dead_lettered'), false,
            'a failure of the other app\'s webhooks in this console');
    });

    t('a receiver answering 500: webhook_failed with the error, then webhook_dead_lettered', async (raw) => {
        const reader = await openConsole(h, failing);
        const client = await RawPusher.connect(h.server.wsUrl(failing.key));
        raw.push(client);
        await client.subscribed(unique('console-failing-'));
        const failed = await reader.waitFor((e) => e.kind === 'webhook_failed' && e.events?.includes('channel_occupied'),
            'webhook_failed with channel_occupied');
        assert.equal(failed.url, receivers.failing.url(), JSON.stringify(failed));
        assert.equal(typeof failed.error, 'string', JSON.stringify(failed));
        assert.match(failed.error, /500/, `the error names the status: ${JSON.stringify(failed)}`);
        assert.ok(receivers.failing.requests.length >= 1, 'the failing receiver was asked');
        const dead = await reader.waitFor((e) => e.kind === 'webhook_dead_lettered' && e.events?.includes('channel_occupied'),
            'webhook_dead_lettered after the 1.5 s retry window');
        assert.equal(dead.url, receivers.failing.url(), JSON.stringify(dead));
        assert.equal(reader.console().some((e) => e.kind === 'webhook_sent'), false, 'webhook_sent of the other app in this console');
    });
});

describe('the console of an app: sampling and stats', () => {
    const h = newState();
    const kTriggered = 1000;
    const kBatch = 10;
    const kInFlight = 8;
    const kMaxPerSecond = 200;  // DebugFeed::kMaxPerSecond

    before(async () => {
        h.server = await startHerald({ name: 'herald(console sampling)', top: { admin: { port: 0 } } });
        h.admin = await adminBase(h.server);
        h.cookie = await adminSession(h.admin);
    });
    after(() => stopAll(h));

    consoleTest(h, `${kTriggered} SDK triggers as fast as possible: at most ${kMaxPerSecond} shown a second, skipped counts the rest`, async () => {
        const reader = await openConsole(h, kApp);
        const sdk = sdkFor(h.server);
        const channel = unique('console-flood-');
        // The first stats event comes at once; a later one tells the REST rate before the flood.
        await reader.waitFor(() => true, 'a stats event', kConsoleWaitMs, { type: 'stats' });
        const statsBefore = reader.ofType('stats').length;

        const started = Date.now();
        const startedSecond = Math.floor(started / 1000);
        let next = 0;
        const worker = async () => {
            while (next < kTriggered) {
                const first = next;
                next += kBatch;
                const batch = [];
                for (let n = first; n < Math.min(first + kBatch, kTriggered); n++) {
                    batch.push({ channel, name: 'flood', data: String(n) });
                }
                const reply = await sdk.triggerBatch(batch);
                assert.equal(reply.status, 200);
            }
        };
        await Promise.all(Array.from({ length: kInFlight }, worker));
        const triggerMs = Date.now() - started;

        const shown = () => reader.console('api_message').filter((e) => e.event === 'flood');
        const skipped = () => reader.ofType('skipped').reduce((sum, s) => sum + s.count, 0);
        await reader.until(() => shown().length + skipped() >= kTriggered,
            `shown + skipped reaching ${kTriggered} (triggered in ${triggerMs} ms)`);
        // Anything counted twice would arrive with the next batch: wait for a later stats event.
        const statsNow = reader.ofType('stats').length;
        await reader.until(() => reader.ofType('stats').length >= statsNow + 2, 'two more stats events');
        assert.equal(shown().length + skipped(), kTriggered,
            `shown ${shown().length} + skipped ${skipped()} (triggered in ${triggerMs} ms)`);
        assert.ok(skipped() > 0, `nothing was skipped: ${shown().length} shown (triggered in ${triggerMs} ms)`);
        for (const s of reader.ofType('skipped')) assert.ok(Number.isInteger(s.count) && s.count > 0, JSON.stringify(s));
        assert.equal(reader.console().filter((e) => e.kind !== 'api_message').length, 0, 'no other console events');
        // Each shown event once, in the order triggered by each sender (distinct data).
        const data = shown().map((e) => Number(e.data));
        assert.equal(new Set(data).size, data.length, 'an event shown twice');

        // The rate: the feed counts in windows of one second, each starting with the first event
        // after the previous one ended, so n windows span at least n - 1 seconds. The events' own
        // times are taken a moment before the feed counts them: 50 ms of slack.
        const times = shown().map((e) => e.time);
        const span = times.length ? times.at(-1) - times[0] : 0;
        const perSecond = {};
        for (const time of times) {
            const second = Math.floor((time - times[0]) / 1000);
            perSecond[second] = (perSecond[second] ?? 0) + 1;
        }
        assert.ok(times.length <= kMaxPerSecond * (Math.floor((span + 50) / 1000) + 1),
            `${times.length} events shown over ${span} ms, by second from the first: ${JSON.stringify(perSecond)}`);

        // stats: about once a second, and `rest` counts the flood's requests.
        const busy = await reader.waitFor((s) => s.rest > 0 && s.time >= startedSecond, 'stats with rest > 0 after the triggers',
            kConsoleWaitMs, { type: 'stats' });
        for (const field of ['time', 'connections', 'sent', 'received', 'rest', 'webhook_queue']) {
            assert.equal(typeof busy[field], 'number', `stats.${field}: ${JSON.stringify(busy)}`);
        }
        assert.ok(reader.ofType('stats').length > statsBefore, 'stats kept coming during the flood');
    }, 120_000);

    consoleTest(h, 'stats events arrive about once a second, one per second of the server\'s clock', async () => {
        const reader = await openConsole(h, kApp);
        await reader.waitFor(() => true, 'a first stats event', kConsoleWaitMs, { type: 'stats' });
        const from = reader.events.length;
        const began = Date.now();
        await reader.until(() => reader.events.slice(from).filter((e) => e.type === 'stats').length >= 4, 'four more stats events', 20_000);
        const elapsed = Date.now() - began;
        const stats = reader.events.slice(from).filter((e) => e.type === 'stats');
        // Four samples take about three seconds and more (the first may come at once).
        assert.ok(elapsed >= 2_000, `four stats events in ${elapsed} ms: more than one a second`);
        const seconds = stats.map((e) => e.data.time);
        for (let i = 1; i < seconds.length; i++) {
            assert.ok(seconds[i] > seconds[i - 1], `stats times increase: ${JSON.stringify(seconds)}`);
        }
        assert.equal(reader.console().length, 0, 'console events without any activity');
    });
});
