// tests/interop/pusher/metrics.test.mjs
//
// The admin listener of `herald serve` (docs/OPERATIONS.md): started with admin.port = 0, it logs
// the port it bound; after known traffic from raw clients (two connect, both subscribe, one pings,
// one closes with 1000, one REST event reaches the other) GET /metrics shows exactly those counts.
// Then channels by type, presence members (one per user), events published by source, a refused
// handshake and REST requests by status after known traffic from raw clients and the `pusher`
// SDK, and the REST histogram's count against the requests. The real `promtool check metrics`
// accepts the exposition, which has no app store families (the apps are the configuration's).
// /healthz and /readyz answer 200; other paths 404, other methods 405.
// A server with a webhook target counts its webhook requests by result (a receiver that answers
// 500 once, then refuses one channel for good), its dead letters, and shows an empty queue and
// spool once everything is settled.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe } from 'node:test';
import { makeTempDir, serverTest } from '../lib/harness.mjs';
import {
    httpRequest, kApp, kWaitMs, RawPool, rawTest, sdkFor, signChannel, sleep, startHerald, until,
} from './harness.mjs';
import { startHooked, startReceiver } from './webhook_receiver.mjs';

const h = { server: null, raw: null, admin: null };

before(async () => {
    h.server = await startHerald({ name: 'herald(admin)', top: { admin: { port: 0 } } });
    await until(() => /admin on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.test(h.server.stderr + h.server.stdout),
                'the admin listener\'s URL in the log');
    const port = /admin on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(h.server.stderr + h.server.stdout)[1];
    assert.notEqual(port, '0');
    h.admin = `http://127.0.0.1:${port}`;
});
after(async () => {
    await h.server?.stopCleanly();
});

function t(name, fn) {
    return rawTest(h, name, fn, { timeout: 60_000 });
}

// Every sample of the exposition, by its series as written ('name{labels}').
function samples(text) {
    const out = new Map();
    for (const line of text.split('\n')) {
        if (line === '' || line.startsWith('#')) continue;
        const at = line.lastIndexOf(' ');
        out.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
    return out;
}

function adminUrl(server) {
    const found = /admin on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(server.stderr + server.stdout);
    assert.ok(found, 'the admin listener\'s URL in the log');
    return `http://127.0.0.1:${found[1]}`;
}

async function scrape(admin = h.admin) {
    const r = await httpRequest(`${admin}/metrics`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    return r.body;
}

const app = `app="${kApp.id}"`;

// Scrapes until `done(samples)` holds (what the server does a moment after a client saw it), then
// returns the last samples either way.
async function scrapeUntil(done) {
    let now = samples(await scrape());
    for (const deadline = Date.now() + kWaitMs; !done(now) && Date.now() < deadline;) {
        await sleep(50);
        now = samples(await scrape());
    }
    return now;
}

// The sum of every sample of `name` whose labels include each of `labels` ('k="v"').
function sumOf(now, name, ...labels) {
    let sum = 0;
    for (const [series, value] of now) {
        if (series.startsWith(`${name}{`) && labels.every((l) => series.includes(l))) sum += value;
    }
    return sum;
}

// A REST failure's HTTP status (the SDK rejects with it).
async function statusOf(call) {
    try {
        await call;
    } catch (error) {
        return error.status;
    }
    return 200;
}

describe('the admin listener', () => {
    t('counts connections, messages and close codes per app, exactly', async () => {
        const before = samples(await scrape());
        assert.equal(before.get(`herald_connections{${app}}`), 0);
        assert.equal(before.get(`herald_connections_opened_total{${app}}`), 0);

        const a = await h.raw.connect(h.server.wsUrl(kApp.key));
        const b = await h.raw.connect(h.server.wsUrl(kApp.key));
        await a.subscribed('metrics-news');
        await b.subscribed('metrics-news');
        await b.roundTrip();  // a ping, answered by a pong
        a.ws.close(1000);
        await a.waitClose();
        await sdkFor(h.server).trigger('metrics-news', 'update', { n: 1 });
        await b.nextEvent('update', { channel: 'metrics-news' });

        // The close handshake ends on the server a moment after the client saw it.
        let now = samples(await scrape());
        for (const deadline = Date.now() + kWaitMs; now.get(`herald_connections{${app}}`) !== 1 && Date.now() < deadline;) {
            await sleep(50);
            now = samples(await scrape());
        }
        assert.equal(now.get(`herald_connections{${app}}`), 1);
        assert.equal(now.get(`herald_connections_opened_total{${app}}`), 2);
        assert.equal(now.get(`herald_connections_closed_total{${app},code="1000"}`), 1);
        assert.equal(now.get(`herald_messages_received_total{${app},kind="subscribe"}`), 2);
        assert.equal(now.get(`herald_messages_received_total{${app},kind="ping"}`), 1);
        for (const kind of ['unsubscribe', 'client_event', 'signin', 'other']) {
            assert.equal(now.get(`herald_messages_received_total{${app},kind="${kind}"}`), 0, kind);
        }
        // connection_established and subscription_succeeded to each, b's pong, the event to b.
        assert.equal(now.get(`herald_messages_sent_total{${app}}`), 6);
        assert.equal(now.get('herald_build_info{version="0.1.0"}'), 1);
        assert.ok(now.get('process_resident_memory_bytes') > 1e6);
        assert.ok(now.get('process_open_fds') > 3);
        assert.ok(now.get('process_cpu_seconds_total') > 0);
        assert.ok(Math.abs(now.get('process_start_time_seconds') - Date.now() / 1000) < 600);
        for (const series of now.keys()) {
            assert.ok(!series.includes('metrics-news') && !series.includes(b.socketId), series);
        }
    });

    t('counts channels, members, published events, refused handshakes and REST requests, exactly', async () => {
        // The clients of the test before are gone once the server has seen them close.
        const before = await scrapeUntil((now) => now.get(`herald_connections{${app}}`) === 0);
        assert.equal(before.get(`herald_connections{${app}}`), 0);
        for (const type of ['public', 'private', 'presence', 'encrypted', 'cache']) {
            assert.equal(before.get(`herald_channels{${app},type="${type}"}`), 0, type);
        }
        assert.equal(before.get(`herald_presence_members{${app}}`), 0);
        const counter = (now, series) => now.get(series) ?? 0;  // sparse series start absent

        const a = await h.raw.connect(h.server.wsUrl(kApp.key));
        const b = await h.raw.connect(h.server.wsUrl(kApp.key));
        const c = await h.raw.connect(h.server.wsUrl(kApp.key));
        await a.subscribed('metrics-public');
        await b.subscribed('metrics-public');
        const presence = 'presence-metrics';
        const ann = { user_id: 'ann', user_info: { name: 'Ann' } };
        await a.subscribed(presence, signChannel(h.server, a.socketId, presence, ann));
        await b.subscribed(presence, signChannel(h.server, b.socketId, presence, ann));  // ann again
        await c.subscribed(presence, signChannel(h.server, c.socketId, presence, { user_id: 'bob' }));

        await c.send({ event: 'client-note', channel: presence, data: { n: 1 } });
        await a.nextEvent('client-note', { channel: presence });
        await sdkFor(h.server).trigger('metrics-public', 'update', { n: 2 });
        await a.nextEvent('update', { channel: 'metrics-public' });
        const forged = sdkFor(h.server, kApp, { secret: 'not-the-secret' }).trigger('metrics-public', 'update', {});
        assert.equal(await statusOf(forged), 401);

        const stranger = await h.raw.open(h.server.wsUrl('no-such-key'));
        assert.equal((await stranger.waitClose()).code, 4001);

        const now = samples(await scrape());
        assert.equal(now.get(`herald_connections{${app}}`), 3);
        assert.equal(now.get(`herald_channels{${app},type="public"}`), 1);
        assert.equal(now.get(`herald_channels{${app},type="presence"}`), 1);
        for (const type of ['private', 'encrypted', 'cache']) {
            assert.equal(now.get(`herald_channels{${app},type="${type}"}`), 0, type);
        }
        assert.equal(now.get(`herald_presence_members{${app}}`), 2, 'ann (twice) and bob');
        for (const [source, added] of [['rest', 1], ['client', 1], ['cluster', 0]]) {
            const series = `herald_events_published_total{${app},source="${source}"}`;
            assert.equal(now.get(series), before.get(series) + added, series);
        }
        for (const reason of ['unknown_app', 'app_disabled', 'path', 'draining']) {
            const series = `herald_handshakes_refused_total{reason="${reason}"}`;
            assert.equal(now.get(series), before.get(series) + (reason === 'unknown_app' ? 1 : 0), series);
        }
        for (const [status, added] of [['200', 1], ['401', 1], ['404', 0]]) {
            const series = `herald_rest_requests_total{${app},route="events",status="${status}"}`;
            assert.equal(counter(now, series), counter(before, series) + added, series);
        }
        // Every REST request to POST /events, whatever its app and status, is in the histogram once.
        const events = sumOf(now, 'herald_rest_requests_total', 'route="events"');
        assert.equal(events, sumOf(before, 'herald_rest_requests_total', 'route="events"') + 2);
        assert.equal(now.get('herald_rest_request_duration_seconds_count{route="events"}'), events);
        assert.equal(now.get('herald_rest_request_duration_seconds_bucket{route="events",le="+Inf"}'), events);
        assert.ok(now.get('herald_rest_request_duration_seconds_sum{route="events"}') > 0);
        assert.ok(now.get('herald_rest_request_duration_seconds_sum{route="events"}') < events * 2.5, 'seconds');

        // The last subscriber of each channel leaves: both gauges go back to 0.
        for (const client of [a, b, c]) client.ws.close(1000);
        const after = await scrapeUntil((s) => s.get(`herald_connections{${app}}`) === 0);
        assert.equal(after.get(`herald_channels{${app},type="public"}`), 0);
        assert.equal(after.get(`herald_channels{${app},type="presence"}`), 0);
        assert.equal(after.get(`herald_presence_members{${app}}`), 0);
    });

    t('promtool check metrics accepts the exposition', async () => {
        const text = await scrape();
        const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
        assert.equal(check.error, undefined, `promtool did not run (Debian package prometheus): ${check.error}`);
        assert.equal(check.status, 0, `promtool check metrics:\n${check.stdout}${check.stderr}\n--- exposition:\n${text}`);
        assert.doesNotMatch(text, /herald_app_store_/, 'no app store, no app store families');
    });

    t('healthz and readyz answer 200, anything else 404 or 405', async () => {
        const health = await httpRequest(`${h.admin}/healthz`);
        assert.equal(health.status, 200);
        assert.equal(health.body, 'ok\n');
        const ready = await httpRequest(`${h.admin}/readyz`);
        assert.equal(ready.status, 200);
        assert.equal(ready.body, 'ready\n');
        assert.equal((await httpRequest(`${h.admin}/`)).status, 404);
        assert.equal((await httpRequest(`${h.admin}/app/${kApp.key}`)).status, 404);
        assert.equal((await httpRequest(`${h.admin}/apps/${kApp.id}/channels`)).status, 404);
        const post = await httpRequest(`${h.admin}/metrics`, { method: 'POST', body: 'x' });
        assert.equal(post.status, 405);
        assert.equal(post.headers.allow, 'GET');
        // The public port keeps its own paths: no metrics there.
        assert.equal((await httpRequest(h.server.url('http', '/metrics'))).status, 404);
    });
});

describe('webhook metrics', () => {
    const w = { server: null, receiver: null, raw: null };
    serverTest('count requests by result, dead letters, and an empty queue and spool once settled',
        () => [w.server].filter(Boolean), async () => {
            try {
                let first = true;
                w.receiver = await startReceiver({
                    respond: (entry) => {
                        if (entry.body.includes('metrics-refused')) return 500;
                        const status = first ? 500 : 200;
                        first = false;
                        return status;
                    },
                });
                w.server = await startHooked({
                    url: w.receiver.url(), dir: makeTempDir('metrics-hooks'),
                    hooks: { retry_window_ms: 1000 }, app: { subscription_count_events: false }, top: { admin: { port: 0 } }, name: 'herald(webhook metrics)',
                });
                const admin = adminUrl(w.server);
                const series = (result) => `herald_webhook_requests_total{${app},result="${result}"}`;
                const before = samples(await scrape(admin));
                for (const result of ['ok', 'retry', 'failed']) assert.equal(before.get(series(result)), 0, result);
                assert.equal(before.get(`herald_webhook_dead_letters_total{${app}}`), 0);
                assert.equal(before.get('herald_webhook_queue_events'), 0);
                assert.equal(before.get('herald_webhook_spool_bytes'), 0);

                // One request answered 500, then 200: one retry, one ok.
                await sdkFor(w.server).trigger('metrics-accepted', 'e', {});  // no subscriber: no webhook
                w.raw = new RawPool();
                const client = await w.raw.connect(w.server.wsUrl(kApp.key));
                await client.subscribed('metrics-accepted');
                await until(() => w.receiver.delivered.length === 1, 'the occupied webhook delivered', 10_000);
                let now = samples(await scrape(admin));
                assert.equal(now.get(series('ok')), 1);
                assert.equal(now.get(series('retry')), 1);
                assert.equal(now.get(series('failed')), 0);

                // A request refused until the retry window (1 s) passes: a dead letter.
                await client.subscribed('metrics-refused');
                await until(() => w.receiver.requests.filter((r) => r.body.includes('metrics-refused')).length >= 2,
                    'the refused webhook tried again', 10_000);
                now = samples(await scrape(admin));
                assert.ok(now.get('herald_webhook_queue_events') >= 1, 'the refused request waits');
                assert.ok(now.get('herald_webhook_spool_bytes') > 100, 'its record is in the spool');
                const deadline = Date.now() + 10_000;
                while (now.get(series('failed')) !== 1 && Date.now() < deadline) {
                    await sleep(100);
                    now = samples(await scrape(admin));
                }
                const refusedAttempts = w.receiver.requests.filter((r) => r.body.includes('metrics-refused')).length;
                assert.equal(now.get(series('failed')), 1);
                assert.equal(now.get(`herald_webhook_dead_letters_total{${app}}`), 1);
                assert.equal(now.get(series('ok')), 1);
                assert.equal(now.get(series('retry')), 1 + refusedAttempts);
                assert.equal(now.get('herald_webhook_queue_events'), 0);
                assert.equal(now.get('herald_webhook_spool_bytes'), 0);
                assert.equal(now.get('herald_cluster_redis_up'), undefined, 'no cluster families without Redis');

                const text = await scrape(admin);
                const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
                assert.equal(check.status, 0, `promtool check metrics:\n${check.stdout}${check.stderr}\n--- exposition:\n${text}`);
            } finally {
                w.raw?.terminateAll();
                await w.server?.stopCleanly();
                await w.receiver?.close();
            }
        }, { timeout: 60_000 });
});
