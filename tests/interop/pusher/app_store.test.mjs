// tests/interop/pusher/app_store.test.mjs
//
// `herald serve --app-store` against a real database started by the suite (HERALD_APP_STORE_DB:
// postgresql or mysql; the same file runs for both), in soketi's table with soketi's columns
// only: pusher-js connects with a key from the table and receives an event the `pusher` Node SDK
// triggers with the table's secret; a disabled row is refused with 4003 and an unknown key with
// 4001; the row's client-message switch, connection limit, payload limit and webhooks (with their
// extra headers; one that would replace Herald's own headers is skipped) apply; a changed secret
// is used after the cache TTL; with the database stopped, a connected client keeps receiving, a
// known app's REST calls work and an unknown key gets 4001 at once, and once it is back a new
// row works; hostile keys and ids never reach the database inside a statement; and
// `herald apps` adds, lists, shows, updates and removes rows. The admin listener's /metrics
// counts the lookups by result and the queries (promtool accepts it); during the outage it shows
// apps served stale and herald_app_store_up 0, the outage is logged once, and once the database
// is back herald_app_store_up is 1 again.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe } from 'node:test';
import { binary, runToEnd, serverTest } from '../lib/harness.mjs';
import { insertApp, kSoketiTable, startDatabase } from './app_store_db.mjs';
import {
    httpRequest, nextEvent, PusherClient, RawPusher, sdkFor, sleep, startHerald, subscribed, until,
    waitConnected,
} from './harness.mjs';
import { startReceiver } from './webhook_receiver.mjs';

const kTtlSeconds = 2;
const kApp = { id: 'store-1', key: 'store-key-1', secret: 'store-secret-1' };
const kHooked = { id: 'store-hooked', key: 'store-key-hooked', secret: 'store-secret-hooked' };
const kHookHeaders = { Authorization: 'Bearer store-hook-token', 'X-Soketi-Env': 'interop' };
const h = { db: null, server: null, clients: [], receiver: null, admin: null };

function client(key) {
    const c = new PusherClient(key, {
        cluster: 'mt1', wsHost: h.server.host, wsPort: h.server.port, forceTLS: false,
        enabledTransports: ['ws'], disableStats: true,
    });
    h.clients.push(c);
    return c;
}

// The samples of GET /metrics on the admin listener, by series as written ('name{labels}'), and
// the text itself.
async function scrape() {
    const r = await httpRequest(`${h.admin}/metrics`);
    assert.equal(r.status, 200);
    const samples = new Map();
    for (const line of r.body.split('\n')) {
        if (line === '' || line.startsWith('#')) continue;
        const at = line.lastIndexOf(' ');
        samples.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
    return { samples, text: r.body };
}

const lookups = (samples, result) => samples.get(`herald_app_store_lookups_total{result="${result}"}`);

// The close code a raw connection to `key` ends with (after pusher:error).
async function refusal(key) {
    const raw = await RawPusher.open(h.server.wsUrl(key));
    const closed = await raw.waitClose(`the refusal of ${JSON.stringify(key).slice(0, 40)}`);
    return closed.code;
}

function t(name, fn) {
    return serverTest(name, () => [h.server], fn, { timeout: 60_000 });
}

before(async () => {
    h.db = await startDatabase();
    h.db.sql(kSoketiTable[h.db.kind]);
    h.db.sql('CREATE TABLE canary (id integer)');
    h.receiver = await startReceiver({ app: kHooked });
    insertApp(h.db, { ...kApp, enable_client_messages: 1 });
    insertApp(h.db, { id: 'store-off', key: 'store-key-off', secret: 's', enabled: 0 });
    insertApp(h.db, { id: 'store-small', key: 'store-key-small', secret: 's', max_connections: 1,
                      max_event_payload_in_kb: 1, enable_client_messages: 0 });
    // soketi's `headers` go with every request to their URL; a webhook whose headers would
    // replace Herald's own is left out (logged), not the app.
    insertApp(h.db, { ...kHooked,
                      webhooks: JSON.stringify([
                          { url: h.receiver.url(), event_types: ['channel_occupied'], headers: kHookHeaders },
                          { url: h.receiver.url('/forged'), headers: { 'X-Pusher-Signature': 'forged' } },
                      ]) });
    h.server = await startHerald({
        name: `herald(app store, ${h.db.kind})`, apps: [],
        top: { app_store: { url: h.db.url, cache_ttl: kTtlSeconds }, webhooks: { batch_window_ms: 0 },
               admin: { port: 0 } },
    });
    await until(() => /admin on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.test(h.server.stderr + h.server.stdout),
                'the admin listener\'s URL in the log');
    h.admin = `http://127.0.0.1:${/admin on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(h.server.stderr + h.server.stdout)[1]}`;
});
after(async () => {
    for (const c of h.clients) c.disconnect();
    await h.server?.stopCleanly();
    await h.receiver?.close?.();
    await h.db?.stop();
});

describe(`app store in ${process.env.HERALD_APP_STORE_DB ?? 'postgresql'}`, () => {
    t('pusher-js connects with a key of the table and receives an event signed with its secret', async () => {
        const c = client(kApp.key);
        await waitConnected(c);
        const channel = await subscribed(c, 'store-news');
        const got = nextEvent(channel, 'hello');
        await sdkFor(h.server, kApp).trigger('store-news', 'hello', { n: 1 });
        assert.deepEqual((await got).data, { n: 1 });
        const wrong = await sdkFor(h.server, kApp, { secret: 'not-the-secret' })
            .trigger('store-news', 'hello', {}).catch((e) => e);
        assert.equal(wrong.status, 401);
    });

    t('a disabled row is refused with 4003, an unknown key with 4001', async () => {
        assert.equal(await refusal('store-key-off'), 4003);
        assert.equal(await refusal('no-such-key'), 4001);
        const r = await httpRequest(h.server.url('http', '/apps/no-such-id/events'), { method: 'POST', body: '{}' });
        assert.equal(r.status, 404);
    });

    t("the row's client messages, connection limit and payload limit apply", async () => {
        const raw = await RawPusher.connect(h.server.wsUrl('store-key-small'));
        assert.equal(await refusal('store-key-small'), 4004);  // max_connections = 1
        await raw.send({ event: 'client-x', channel: 'private-a', data: {} });
        const error = await raw.nextEvent('pusher:error');
        assert.match(error.data.message, /[Cc]lient events are not enabled/);
        raw.terminate();
        const small = { id: 'store-small', key: 'store-key-small', secret: 's' };
        const big = await sdkFor(h.server, small).trigger('c', 'e', 'x'.repeat(2000)).catch((e) => e);
        assert.equal(big.status, 413);
        await sdkFor(h.server, small).trigger('c', 'e', 'x'.repeat(500));
    });

    t("the row's webhooks are delivered with the row's headers; one with a forbidden header is skipped", async () => {
        const c = client(kHooked.key);
        await waitConnected(c);
        await subscribed(c, 'hooked-room');
        await until(() => h.receiver.events().some((e) => e.name === 'channel_occupied' && e.channel === 'hooked-room'),
            'channel_occupied at the receiver', 10_000);
        const hooked = h.receiver.delivered.filter((entry) => entry.url === '/hooks');
        assert.ok(hooked.length > 0);
        for (const entry of hooked) {
            assert.equal(entry.headers.authorization, kHookHeaders.Authorization);
            assert.equal(entry.headers['x-soketi-env'], kHookHeaders['X-Soketi-Env']);
        }
        await sleep(300);  // the other lane would have sent by now
        assert.deepEqual(h.receiver.requests.filter((entry) => entry.url === '/forged'), []);
        assert.match(h.server.stderr + h.server.stdout,
            /store-key-hooked'?: webhook http:\/\/127\.0\.0\.1:\d+\/forged is skipped: header X-Pusher-Signature is set by Herald/);
    });

    t('a changed secret is used after the TTL, the old one refused', async () => {
        const app = { id: 'store-rotate', key: 'store-key-rotate', secret: 'old-secret' };
        insertApp(h.db, app);
        await sdkFor(h.server, app).trigger('c', 'e', {});
        h.db.sql("UPDATE apps SET secret = 'new-secret' WHERE id = 'store-rotate'");
        await sleep(kTtlSeconds * 1000 + 200);
        await sdkFor(h.server, { ...app, secret: 'new-secret' }).trigger('c', 'e', {});
        const old = await sdkFor(h.server, app).trigger('c', 'e', {}).catch((e) => e);
        assert.equal(old.status, 401);
    });

    t('hostile keys and ids never reach the database inside a statement', async () => {
        const hostile = ["x'OR'1'='1", "k';DROP/**/TABLE/**/canary;--", '%', '%25%27%22', '\0', 'a\u0000b',
                         'k'.repeat(10 * 1024), '";DELETE/**/FROM/**/apps;--', "x' OR '1'='1"];
        for (const key of hostile) {
            // 10 KB in the request line may be refused before the upgrade: no database either.
            const code = await refusal(encodeURIComponent(key)).catch(() => 'refused as HTTP');
            assert.ok(code === 4001 || (key.length > 4096 && code === 'refused as HTTP'),
                      `key ${JSON.stringify(key).slice(0, 40)}: ${code}`);
            const r = await httpRequest(h.server.url('http', `/apps/${encodeURIComponent(key)}/events`),
                { method: 'POST', body: '{}' }).catch((e) => ({ status: String(e) }));
            assert.ok([404, 413, 414, 431].includes(r.status) || /socket|hang|reset/.test(r.status), `id ${JSON.stringify(key).slice(0, 40)}: ${r.status}`);
        }
        assert.equal(h.db.sql('SELECT count(*) FROM canary').trim(), '0');
        assert.ok(Number(h.db.sql('SELECT count(*) FROM apps').trim()) >= 4);
        const statements = h.db.kind === 'mysql' ? h.db.statements : h.db.log;
        for (const marker of ['DROP/**/TABLE/**/canary', 'DELETE/**/FROM/**/apps', "OR'1'='1"]) {
            const lines = statements.split('\n').filter((l) => l.includes(marker) && !/parameters:|DETAIL/.test(l));
            // MariaDB's log shows a prepared statement's execution with its values in place, once
            // as "Prepare" (with ?) and once as "Execute": the text is a value of the parameter.
            for (const line of lines) assert.match(line, /Execute|= '.*'/, line.slice(0, 200));
        }
    });

    t("/metrics counts the store's lookups and queries", async () => {
        assert.equal(await refusal(encodeURIComponent('not a key')), 4001);  // invalid: a space
        const { samples, text } = await scrape();
        for (const result of ['found', 'not_found', 'invalid']) {
            assert.ok(lookups(samples, result) > 0, `lookups ${result}: ${lookups(samples, result)}`);
        }
        assert.equal(lookups(samples, 'stale'), 0);
        assert.equal(lookups(samples, 'unavailable'), 0);
        assert.equal(samples.get('herald_app_store_up'), 1);
        assert.equal(samples.get('herald_app_store_queries_total{result="error"}'), 0);
        const answered = samples.get('herald_app_store_queries_total{result="ok"}');
        assert.ok(answered > 0, `queries answered: ${answered}`);
        assert.equal(samples.get('herald_app_store_query_duration_seconds_count'), answered);
        assert.ok(samples.get('herald_app_store_query_duration_seconds_sum') < answered * 3, 'seconds');
        assert.ok(samples.get('herald_app_store_cached_apps') >= 4, `cached apps: ${samples.get('herald_app_store_cached_apps')}`);
        assert.ok(samples.get('herald_app_store_negative_cache_entries') >= 1);
        assert.equal(samples.get('herald_app_store_queries_waiting'), 0);
        // A known key twice: the second within the TTL is a cache hit, not a query.
        for (let i = 0; i < 2; i++) (await RawPusher.connect(h.server.wsUrl(kApp.key))).terminate();
        const later = (await scrape()).samples;
        assert.ok(lookups(later, 'cache_hit') > lookups(samples, 'cache_hit'), 'a cache hit');
        const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
        assert.equal(check.error, undefined, `promtool did not run (Debian package prometheus): ${check.error}`);
        assert.equal(check.status, 0, `promtool check metrics:\n${check.stdout}${check.stderr}`);
    });

    t('with the database stopped, known apps keep working and unknown keys get 4001 at once', async () => {
        const c = client(kApp.key);
        await waitConnected(c);
        const channel = await subscribed(c, 'outage-news');
        await h.db.stop();
        await sleep(kTtlSeconds * 1000 + 200);  // the cached rows are stale now
        const got = nextEvent(channel, 'still-here');
        await sdkFor(h.server, kApp).trigger('outage-news', 'still-here', { ok: true });
        assert.deepEqual((await got).data, { ok: true });
        const started = Date.now();
        assert.equal(await refusal('unknown-during-outage'), 4001);
        assert.ok(Date.now() - started < 4_000, `refused after ${Date.now() - started} ms`);
        const again = client(kApp.key);
        await waitConnected(again);
        assert.match(h.server.stderr + h.server.stdout, /unreachable/);
        const down = (await scrape()).samples;
        assert.ok(lookups(down, 'stale') > 0, `stale lookups: ${lookups(down, 'stale')}`);
        assert.ok(lookups(down, 'unavailable') > 0, `unavailable lookups: ${lookups(down, 'unavailable')}`);
        assert.equal(down.get('herald_app_store_up'), 0);
        assert.ok(down.get('herald_app_store_queries_total{result="error"}') > 0);
        const outages = (h.server.stderr + h.server.stdout).match(/known apps are served from the cache/g);
        assert.equal(outages?.length, 1, 'the outage is logged once');
        await h.db.start();
        insertApp(h.db, { id: 'store-new', key: 'store-key-new', secret: 'new' });
        await until(async () => {
            const fresh = client('store-key-new');
            try {
                await waitConnected(fresh, 1_500);
                return true;
            } catch {
                fresh.disconnect();
                return false;
            }
        }, 'a new row working after the database came back', 20_000);
        const back = (await scrape()).samples;
        assert.equal(back.get('herald_app_store_up'), 1);
        assert.ok(lookups(back, 'found') > lookups(down, 'found'));
        assert.match(h.server.stderr + h.server.stdout, /is reachable again/);
    });

    t('herald apps: add, list, show, update (webhook headers too), remove', async () => {
        const herald = binary('HERALD_SERVER');
        const env = { HERALD_APP_STORE: h.db.url };
        const run = async (...args) => {
            const r = await runToEnd(herald, ['apps', ...args], { env });
            assert.equal(r.code, 0, `herald apps ${args.join(' ')}: ${r.stderr}`);
            return r.stdout;
        };
        const added = JSON.parse(await run('add', '--id', 'cli-1', '--client-events', '--max-connections', '5', '--json'));
        assert.equal(added.id, 'cli-1');
        assert.match(added.key, /^[0-9a-f]{20}$/);
        assert.ok(JSON.parse(await run('list', '--json')).some((a) => a.id === 'cli-1'));
        const shown = JSON.parse(await run('show', 'cli-1', '--json'));
        assert.equal(shown.secret, added.secret);
        assert.equal(shown.client_events, true);
        assert.equal(shown.max_connections, 5);
        await run('update', 'cli-1', '--secret', 'rotated', '--disable');
        const updated = JSON.parse(await run('show', 'cli-1', '--json'));
        assert.equal(updated.secret, 'rotated');
        assert.equal(updated.enabled, false);
        const hook = { url: 'http://127.0.0.1:9/h', event_types: [], headers: { Authorization: 'Bearer cli' } };
        await run('update', 'cli-1', '--webhooks', JSON.stringify([hook]));
        assert.deepEqual(JSON.parse(await run('show', 'cli-1', '--json')).webhooks, [hook]);
        const forged = await runToEnd(herald, ['apps', 'update', 'cli-1', '--webhooks',
            JSON.stringify([{ url: 'http://127.0.0.1:9/h', headers: { Host: 'elsewhere' } }])], { env });
        assert.notEqual(forged.code, 0);
        assert.match(forged.stderr, /webhook http:\/\/127\.0\.0\.1:9\/h is skipped: header Host is set by Herald/);
        await run('remove', 'cli-1');
        const gone = await runToEnd(herald, ['apps', 'show', 'cli-1'], { env });
        assert.equal(gone.code, 1);
        assert.match(gone.stderr, /no app/);
    });
});
