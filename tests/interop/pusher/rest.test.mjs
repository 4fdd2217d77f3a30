// tests/interop/pusher/rest.test.mjs
//
// The official `pusher` Node SDK (unmodified) against Herald's REST API (protocol.md §8): trigger
// to one and several channels with socket_id exclusion and info attributes, batch triggers,
// channel listings and channel info, presence users, terminate_connections and sendToUser, each
// checked both in the response and at pusher-js subscribers; then the error statuses (401, 404,
// 400, 413), with hand-signed requests where the SDK cannot produce the fault.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe } from 'node:test';
import { within } from '../lib/harness.mjs';
import {
    httpRequest, kApp, kWaitMs, nextEvent, poolTest, RawPusher, record, sdkFor, signedIn, sleep,
    startAppServer, startHerald, subscribed,
} from './harness.mjs';

const kOtherApp = { ...kApp, id: '4343', key: 'interop-other-key', secret: 'interop-other-secret' };
const h = { server: null, appServer: null, sdk: null, pool: null };
let serial = 0;
const unique = (prefix) => `${prefix}${process.pid}-${++serial}`;

before(async () => {
    h.server = await startHerald({ apps: [kApp, kOtherApp], name: 'herald(REST suite)' });
    h.appServer = await startAppServer(h.server);
    h.sdk = sdkFor(h.server);
});
after(async () => {
    await h.appServer?.close();
    await h.server?.stopCleanly();
});

function t(name, fn, timeout = 30_000) {
    return poolTest(h, name, fn, { timeout });
}

// Awaits an SDK call that must fail with HTTP `status`; returns the error's body.
async function expectStatus(call, status, what) {
    let error = null;
    try {
        const response = await call;
        const body = await response.text();
        assert.fail(`${what}: expected HTTP ${status}, got ${response.status} ${body}`);
    } catch (e) {
        if (e?.code === 'ERR_ASSERTION') throw e;
        error = e;
    }
    assert.equal(error?.status, status, `${what}: expected HTTP ${status}, got ${error?.status} ` +
        `(${error?.message}; body ${JSON.stringify(error?.body)}; cause ${error?.error?.message})`);
    return error.body;
}

async function json(call) {
    const response = await call;
    assert.equal(response.status, 200);
    return response.json();
}

async function flush(channel) {
    const arrived = nextEvent(channel, 'sentinel', `the sentinel on ${channel.name}`);
    await h.sdk.trigger(channel.name, 'sentinel', {});
    await arrived;
}

// Signs a request by hand (§8.2) so that single parts can be wrong; returns the full URL.
function signedUrl(method, path, { params = {}, body, app = kApp, timestamp, bodyMd5, version = '1.0', secret } = {}) {
    const query = {
        auth_key: app.key,
        auth_timestamp: String(timestamp ?? Math.floor(Date.now() / 1000)),
        auth_version: version,
        ...params,
    };
    if (bodyMd5 !== undefined) query.body_md5 = bodyMd5;
    else if (body) query.body_md5 = createHash('md5').update(body).digest('hex');
    const signed = Object.keys(query).sort().map((k) => `${k}=${query[k]}`).join('&');
    const signature = createHmac('sha256', secret ?? app.secret).update(`${method}\n${path}\n${signed}`).digest('hex');
    const encoded = Object.keys(query).sort().map((k) => `${k}=${encodeURIComponent(query[k])}`).join('&');
    return h.server.url('http', `${path}?${encoded}&auth_signature=${signature}`);
}

function rawRequest(method, path, options = {}) {
    const body = options.body;
    return httpRequest(signedUrl(method, path, options), {
        method, body, headers: body ? { 'Content-Type': 'application/json' } : {},
    });
}

describe('REST: trigger', () => {
    t('one channel: 200 {} and the event reaches the subscriber', async (pool) => {
        const client = await pool.connect();
        const name = unique('rest-one-');
        const channel = await subscribed(client, name);
        const got = nextEvent(channel, 'my-event');
        assert.deepEqual(await json(h.sdk.trigger(name, 'my-event', { message: 'hello world' })), {});
        assert.deepEqual((await got).data, { message: 'hello world' });
    });

    t('several channels: one copy per channel, each with its own channel name', async (pool) => {
        const a = await pool.connect();
        const b = await pool.connect();
        const [one, two, three] = [unique('rest-multi-'), unique('rest-multi-'), unique('rest-multi-')];
        const a1 = await subscribed(a, one);
        const a2 = await subscribed(a, two);
        const b2 = await subscribed(b, two);
        const seenA1 = record(a1);
        const seenA2 = record(a2);
        const seenB2 = record(b2);
        assert.deepEqual(await json(h.sdk.trigger([one, two, three], 'fan-out', { n: 3 })), {});
        await flush(a1);
        await flush(a2);
        await flush(b2);
        const fanOut = (seen) => seen.filter((e) => e.event === 'fan-out').map((e) => e.data);
        assert.deepEqual(fanOut(seenA1), [{ n: 3 }], `a on ${one}`);
        assert.deepEqual(fanOut(seenA2), [{ n: 3 }], `a on ${two}`);
        assert.deepEqual(fanOut(seenB2), [{ n: 3 }], `b on ${two}`);
    });

    t('socket_id excludes that connection on every channel of the request', async (pool) => {
        const a = await pool.connect();
        const b = await pool.connect();
        const [one, two] = [unique('rest-exclude-'), unique('rest-exclude-')];
        const channels = {};
        for (const [who, client] of [['a', a], ['b', b]]) {
            for (const name of [one, two]) {
                const channel = await subscribed(client, name);
                channels[`${who}:${name}`] = { channel, seen: record(channel) };
            }
        }
        await json(h.sdk.trigger([one, two], 'not-for-a', { x: 1 }, { socket_id: a.connection.socket_id }));
        for (const { channel } of Object.values(channels)) await flush(channel);
        for (const [label, { seen }] of Object.entries(channels)) {
            const count = seen.filter((e) => e.event === 'not-for-a').length;
            assert.equal(count, label.startsWith('a:') ? 0 : 1, `${label}: ${JSON.stringify(seen)}`);
        }
    });

    t('info=user_count,subscription_count returns the counts per channel', async (pool) => {
        const presence = unique('presence-rest-info-');
        const pub = unique('rest-info-');
        for (const user of ['alice', 'bob', 'alice']) {
            const client = await pool.connect({ params: { user_id: user } });
            await subscribed(client, presence);
            await subscribed(client, pub);
        }
        const body = await json(h.sdk.trigger([presence, pub], 'counted', {}, { info: 'user_count,subscription_count' }));
        assert.deepEqual(body, {
            channels: {
                [presence]: { user_count: 2, subscription_count: 3 },
                [pub]: { subscription_count: 3 },
            },
        });
        const only = await json(h.sdk.trigger(presence, 'counted', {}, { info: 'user_count' }));
        assert.deepEqual(only, { channels: { [presence]: { user_count: 2 } } });
    });

    t('encrypted channels: the SDK encrypts, the subscriber decrypts', async (pool) => {
        const client = await pool.connect();
        const name = unique('private-encrypted-rest-');
        const channel = await subscribed(client, name);
        const got = nextEvent(channel, 'sealed');
        assert.deepEqual(await json(h.sdk.trigger(name, 'sealed', { secret: 42 })), {});
        assert.deepEqual((await got).data, { secret: 42 });
    });
});

describe('REST: batch trigger', () => {
    t('delivers every event; info gives one result per item', async (pool) => {
        const client = await pool.connect({ params: { user_id: 'alice' } });
        const pub = unique('rest-batch-');
        const presence = unique('presence-rest-batch-');
        const pubChannel = await subscribed(client, pub);
        const presenceChannel = await subscribed(client, presence);
        const one = nextEvent(pubChannel, 'batch-1');
        const two = nextEvent(presenceChannel, 'batch-2');
        const body = await json(h.sdk.triggerBatch([
            { channel: pub, name: 'batch-1', data: { hello: 'world' } },
            { channel: presence, name: 'batch-2', data: { myname: 'bob' }, info: 'user_count' },
        ]));
        assert.deepEqual((await one).data, { hello: 'world' });
        assert.deepEqual((await two).data, { myname: 'bob' });
        assert.deepEqual(body, { batch: [{}, { user_count: 1 }] });
        const plain = await json(h.sdk.triggerBatch([{ channel: pub, name: 'batch-3', data: {} }]));
        assert.deepEqual(plain, {});
    });

    t('more than 10 events, or one invalid item, is a 400 and nothing is delivered', async (pool) => {
        const client = await pool.connect();
        const pub = unique('rest-batch-bad-');
        const channel = await subscribed(client, pub);
        const seen = record(channel);
        const eleven = Array.from({ length: 11 }, (_, i) => ({ channel: pub, name: `n${i}`, data: {} }));
        await expectStatus(h.sdk.triggerBatch(eleven), 400, 'a batch of 11');
        await expectStatus(h.sdk.triggerBatch([
            { channel: pub, name: 'valid-first', data: {} },
            { channel: pub, name: 'pusher:reserved', data: {} },
        ]), 400, 'a batch with a reserved event name');
        await flush(channel);
        assert.deepEqual(seen.map((e) => e.event), ['sentinel'], 'events delivered from refused batches');
    });
});

describe('REST: channel queries', () => {
    t('GET /channels lists occupied channels, filters by prefix, gives user_count for presence', async (pool) => {
        const prefix = unique('rest-list-');
        const a = await pool.connect({ params: { user_id: 'alice' } });
        const b = await pool.connect({ params: { user_id: 'bob' } });
        await subscribed(a, `${prefix}-x`);
        await subscribed(b, `${prefix}-y`);
        await subscribed(a, `presence-${prefix}`);
        await subscribed(b, `presence-${prefix}`);
        await signedIn(a);
        const all = await json(h.sdk.get({ path: '/channels' }));
        assert.equal(typeof all.channels, 'object');
        assert.ok(!Array.isArray(all.channels), 'channels must be an object');
        for (const name of [`${prefix}-x`, `${prefix}-y`, `presence-${prefix}`]) {
            assert.deepEqual(all.channels[name], {}, `${name} in ${JSON.stringify(all)}`);
        }
        const internal = Object.keys(all.channels).filter((n) => n.startsWith('#'));
        assert.deepEqual(internal, [], '#server-to-user- channels must not be listed');

        const filtered = await json(h.sdk.get({ path: '/channels', params: { filter_by_prefix: prefix } }));
        assert.deepEqual(filtered, { channels: { [`${prefix}-x`]: {}, [`${prefix}-y`]: {} } });
        const presence = await json(h.sdk.get({
            path: '/channels', params: { filter_by_prefix: `presence-${prefix}`, info: 'user_count' },
        }));
        assert.deepEqual(presence, { channels: { [`presence-${prefix}`]: { user_count: 2 } } });
        const none = await json(h.sdk.get({ path: '/channels', params: { filter_by_prefix: unique('nothing-') } }));
        assert.deepEqual(none, { channels: {} });
        await expectStatus(h.sdk.get({ path: '/channels', params: { info: 'user_count' } }), 400,
            'info=user_count without a presence- prefix');
    });

    t('GET /channels/{name}: occupied, counts, cache; unoccupied; user_count on a public channel is 400', async (pool) => {
        const pub = unique('rest-info-one-');
        const presence = unique('presence-rest-info-one-');
        const cache = unique('cache-rest-info-');
        for (const user of ['alice', 'bob']) {
            const client = await pool.connect({ params: { user_id: user } });
            await subscribed(client, pub);
            await subscribed(client, presence);
            await subscribed(client, cache);
        }
        assert.deepEqual(await json(h.sdk.get({ path: `/channels/${pub}`, params: { info: 'subscription_count' } })),
            { occupied: true, subscription_count: 2 });
        assert.deepEqual(await json(h.sdk.get({
            path: `/channels/${presence}`, params: { info: 'user_count,subscription_count' },
        })), { occupied: true, user_count: 2, subscription_count: 2 });
        assert.deepEqual(await json(h.sdk.get({ path: `/channels/${pub}` })), { occupied: true });
        assert.deepEqual(await json(h.sdk.get({ path: `/channels/${unique('rest-empty-')}` })), { occupied: false });
        await expectStatus(h.sdk.get({ path: `/channels/${pub}`, params: { info: 'user_count' } }), 400,
            'user_count for a public channel');

        await h.sdk.trigger(cache, 'where', { lat: 51.5 });
        const cached = await json(h.sdk.get({ path: `/channels/${cache}`, params: { info: 'cache' } }));
        assert.equal(cached.occupied, true);
        assert.equal(cached.cache?.data, JSON.stringify({ lat: 51.5 }), JSON.stringify(cached));
        assert.ok(Number.isInteger(cached.cache.ttl) && cached.cache.ttl > 0 && cached.cache.ttl <= 1800,
            `ttl ${cached.cache.ttl}`);
    });

    t('GET /channels/{presence}/users lists distinct user ids as strings; 400 for other channels', async (pool) => {
        const presence = unique('presence-rest-users-');
        for (const user of ['alice', 'bob', 'alice']) {
            const client = await pool.connect({ params: { user_id: user } });
            await subscribed(client, presence);
        }
        const body = await json(h.sdk.get({ path: `/channels/${presence}/users` }));
        assert.deepEqual(body.users.map((u) => u.id).sort(), ['alice', 'bob'], JSON.stringify(body));
        assert.ok(body.users.every((u) => typeof u.id === 'string'));
        assert.deepEqual(await json(h.sdk.get({ path: `/channels/${unique('presence-rest-nobody-')}/users` })), { users: [] });
        await expectStatus(h.sdk.get({ path: `/channels/${unique('rest-public-')}/users` }), 400,
            'users of a public channel');
    });
});

describe('REST: users', () => {
    t('terminateUserConnections closes that user\'s signed-in connections with 4009, others stay', async (pool) => {
        const erin = await pool.connect({ params: { user_id: 'erin' } });
        const frank = await pool.connect({ params: { user_id: 'frank' } });
        const erinPresenceOnly = await pool.connect({ params: { user_id: 'erin' } });
        await signedIn(erin);
        await signedIn(frank);
        await subscribed(erinPresenceOnly, unique('presence-rest-terminate-'));
        const raw = await RawPusher.connect(h.server.wsUrl(kApp.key));
        try {
            const signin = h.sdk.authenticateUser(raw.socketId, { id: 'erin' });
            await raw.send({ event: 'pusher:signin', data: signin });
            await raw.nextEvent('pusher:signin_success');
            const disconnected = within(kWaitMs, new Promise((resolve) => {
                erin.connection.bind('disconnected', resolve);
            }), 'pusher-js of erin reaching "disconnected"');
            assert.deepEqual(await json(h.sdk.terminateUserConnections('erin')), {});
            await disconnected;
            const close = await raw.waitClose('the close of erin\'s raw connection');
            assert.equal(close.code, 4009, `close ${JSON.stringify(close)}; frames: ${raw.describe()}`);
            const error = raw.frames.map((f) => f.json).find((m) => m?.event === 'pusher:error');
            assert.equal(error?.data?.code, 4009, `frames: ${raw.describe()}`);
            await sleep(300);
            assert.equal(frank.connection.state, 'connected');
            assert.equal(erinPresenceOnly.connection.state, 'connected', 'a connection that never signed in was closed');
            assert.deepEqual(await json(h.sdk.terminateUserConnections('nobody-at-all')), {});
        } finally {
            raw.terminate();
        }
    });

    t('sendToUser delivers to the signed-in user', async (pool) => {
        const client = await pool.connect({ params: { user_id: 'grace' } });
        await signedIn(client);
        const got = nextEvent(client.user, 'direct');
        assert.deepEqual(await json(h.sdk.sendToUser('grace', 'direct', { message: 'hello world' })), {});
        assert.deepEqual((await got).data, { message: 'hello world' });
    });
});

describe('REST: errors', () => {
    t('authentication failures are 401: wrong secret, unknown key, another app\'s key', async () => {
        const wrongSecret = sdkFor(h.server, kApp, { secret: 'not-the-secret' });
        await expectStatus(wrongSecret.trigger('rest-401', 'e', {}), 401, 'trigger with a wrong secret');
        await expectStatus(wrongSecret.get({ path: '/channels' }), 401, 'GET /channels with a wrong secret');
        const unknownKey = sdkFor(h.server, { ...kApp, key: 'no-such-key' });
        await expectStatus(unknownKey.trigger('rest-401', 'e', {}), 401, 'trigger with an unknown key');
        const otherAppsKey = sdkFor(h.server, { ...kApp, key: kOtherApp.key, secret: kOtherApp.secret });
        await expectStatus(otherAppsKey.trigger('rest-401', 'e', {}), 401, 'app 4242 with the key of app 4343');
        // The other app works with its own credentials.
        assert.deepEqual(await json(sdkFor(h.server, kOtherApp).trigger('rest-ok', 'e', {})), {});
    });

    t('an unknown app id is 404', async () => {
        const sdk = sdkFor(h.server, { ...kApp, id: '999999' });
        await expectStatus(sdk.trigger('rest-404', 'e', {}), 404, 'trigger on app 999999');
    });

    t('hand-signed faults are 401: stale timestamp, body_md5 mismatch, auth_version, no signature', async () => {
        const body = JSON.stringify({ name: 'e', channels: ['rest-raw'], data: '{}' });
        const stale = await rawRequest('POST', `/apps/${kApp.id}/events`, { body, timestamp: Math.floor(Date.now() / 1000) - 700 });
        assert.equal(stale.status, 401, `stale timestamp: ${stale.status} ${stale.body}`);
        const md5 = await rawRequest('POST', `/apps/${kApp.id}/events`, { body, bodyMd5: 'd41d8cd98f00b204e9800998ecf8427e' });
        assert.equal(md5.status, 401, `body_md5 mismatch: ${md5.status} ${md5.body}`);
        const version = await rawRequest('POST', `/apps/${kApp.id}/events`, { body, version: '2.0' });
        assert.equal(version.status, 401, `auth_version 2.0: ${version.status} ${version.body}`);
        const unsigned = await httpRequest(h.server.url('http', `/apps/${kApp.id}/channels?auth_key=${kApp.key}` +
            `&auth_timestamp=${Math.floor(Date.now() / 1000)}&auth_version=1.0`));
        assert.equal(unsigned.status, 401, `no auth_signature: ${unsigned.status} ${unsigned.body}`);
        const good = await rawRequest('POST', `/apps/${kApp.id}/events`, { body });
        assert.equal(good.status, 200, `the same request signed correctly: ${good.status} ${good.body}`);
    });

    t('a GET with the empty-body body_md5 (as the Python SDK sends) is accepted', async () => {
        const response = await rawRequest('GET', `/apps/${kApp.id}/channels`, { bodyMd5: 'd41d8cd98f00b204e9800998ecf8427e' });
        assert.equal(response.status, 200, `${response.status} ${response.body}`);
        assert.equal(typeof JSON.parse(response.body).channels, 'object');
    });

    t('invalid triggers are 400 and too much data is 413', async () => {
        await expectStatus(h.sdk.trigger('rest-400', 'pusher:reserved', {}), 400, 'a pusher: event name');
        await expectStatus(h.sdk.trigger('rest-400', 'pusher_internal:reserved', {}), 400, 'a pusher_internal: event name');
        await expectStatus(h.sdk.trigger('rest-413', 'big', 'x'.repeat(10 * 1024 + 1)), 413, '10 KB + 1 of data');
        assert.deepEqual(await json(h.sdk.trigger('rest-10k', 'big', 'x'.repeat(10 * 1024))), {}, 'exactly 10 KB');
        const post = (body) => h.sdk.post({ path: '/events', body });
        await expectStatus(post({ name: 'e', data: '{}', channels: ['bad channel!'] }), 400, 'an invalid channel name');
        await expectStatus(post({ name: 'e', data: '{}', channels: Array.from({ length: 101 }, (_, i) => `c${i}`) }),
            400, '101 channels');
        await expectStatus(post({ name: 'e', data: '{}', channels: ['private-encrypted-a', 'b'] }), 400,
            'an encrypted channel among several');
        await expectStatus(post({ name: 'e', data: '{}', channels: ['a'], socket_id: '1.1:' }), 400, 'a malformed socket_id');
        await expectStatus(post({ data: '{}', channels: ['a'] }), 400, 'no event name');
        await expectStatus(post({ name: 'e', channels: ['a'] }), 400, 'no data');
        await expectStatus(post({ name: 'e', data: '{}' }), 400, 'no channel');
        assert.deepEqual(await json(post({ name: 'e', data: '{}', channel: 'single-channel-field' })), {},
            'the single `channel` field (PHP SDK)');
        const garbage = await rawRequest('POST', `/apps/${kApp.id}/events`, { body: '{"name":' });
        assert.equal(garbage.status, 400, `malformed JSON: ${garbage.status} ${garbage.body}`);
    });
});
