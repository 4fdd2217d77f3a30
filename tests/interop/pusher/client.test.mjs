// tests/interop/pusher/client.test.mjs
//
// The official pusher-js client (Node build, unmodified) against `herald serve`: connection and
// socket_id, public, private, presence, encrypted and cache channels, client events, user sign-in
// with server-to-user events, and unsubscribing. Private, presence and sign-in authorizations come
// from a local auth endpoint that signs with the official `pusher` SDK (protocol.md §7.6).
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { serverTest, within } from '../lib/harness.mjs';
import {
    ClientPool, kApp, kSocketIdPattern, kWaitMs, nextEvent, poolTest, RawPusher, record, sdkFor, signChannel,
    sleep, signedIn, startAppServer, startHerald, subscribed, until,
} from './harness.mjs';

const h = { server: null, appServer: null, sdk: null, pool: null };
let serial = 0;
const unique = (prefix) => `${prefix}${process.pid}-${++serial}`;

before(async () => {
    h.server = await startHerald({ name: 'herald(pusher-js suite)' });
    h.appServer = await startAppServer(h.server);
    h.sdk = sdkFor(h.server);
});
after(async () => {
    await h.appServer?.close();
    await h.server?.stopCleanly();
});

// A test with a fresh pool of pusher-js clients, all disconnected at the end; a failure prints
// the server's output and the clients' state changes and errors.
function t(name, fn, timeout = 30_000) {
    return poolTest(h, name, fn, { timeout });
}

// Proves that `channel` (already subscribed on `client`) received everything sent before: a
// sentinel event triggered through the API arrives after whatever came before it.
async function flush(channel) {
    const arrived = nextEvent(channel, 'sentinel', `the sentinel event on ${channel.name}`);
    await h.sdk.trigger(channel.name, 'sentinel', {});
    await arrived;
}

describe('pusher-js: connection', () => {
    t('connects over ws and gets a socket_id of the form digits.digits', async (pool) => {
        const a = await pool.connect();
        const b = await pool.connect();
        assert.equal(a.connection.state, 'connected');
        assert.match(a.connection.socket_id, kSocketIdPattern);
        assert.match(b.connection.socket_id, kSocketIdPattern);
        assert.notEqual(a.connection.socket_id, b.connection.socket_id, 'two connections got the same socket_id');
    });
});

describe('pusher-js: public channels', () => {
    t('subscribes and receives an event triggered with the SDK, JSON and plain-string data', async (pool) => {
        const client = await pool.connect();
        const name = unique('interop-public-');
        const channel = await subscribed(client, name);
        assert.equal(channel.subscribed, true);
        const json = nextEvent(channel, 'greeting');
        const response = await h.sdk.trigger(name, 'greeting', { hello: 'world', n: 1, text: 'héllo ✓' });
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), {});
        assert.deepEqual((await json).data, { hello: 'world', n: 1, text: 'héllo ✓' });
        const plain = nextEvent(channel, 'plain');
        await h.sdk.trigger(name, 'plain', 'not json at all');
        assert.equal((await plain).data, 'not json at all');
    });

    t('an event for another channel is not delivered', async (pool) => {
        const client = await pool.connect();
        const channel = await subscribed(client, unique('interop-mine-'));
        const seen = record(channel);
        const all = [];
        client.bind_global((event, data) => all.push({ event, data }));
        await h.sdk.trigger(unique('interop-other-'), 'elsewhere', { x: 1 });
        await flush(channel);
        assert.deepEqual(all.filter((e) => e.event === 'elsewhere'), [], 'an event of an unsubscribed channel arrived');
        assert.deepEqual(seen.map((e) => e.event), ['sentinel']);
    });
});

describe('pusher-js: private channels', () => {
    t('subscribes through the auth endpoint and receives events', async (pool) => {
        const client = await pool.connect();
        const name = unique('private-interop-');
        const channel = await subscribed(client, name);
        const asked = h.appServer.requests.filter((r) => r.form.channel_name === name);
        assert.equal(asked.length, 1, 'pusher-js asked the auth endpoint once');
        assert.equal(asked[0].form.socket_id, client.connection.socket_id);
        const got = nextEvent(channel, 'order-shipped');
        await h.sdk.trigger(name, 'order-shipped', { id: 42 });
        assert.deepEqual((await got).data, { id: 42 });
    });

    for (const tamper of ['secret', 'key']) {
        t(`a signature made with the wrong ${tamper} gets pusher:subscription_error with status 401`, async (pool) => {
            const client = await pool.connect({ params: { tamper } });
            const name = unique('private-interop-bad-');
            const channel = client.subscribe(name);
            const { data } = await nextEvent(channel, 'pusher:subscription_error');
            assert.equal(typeof data, 'object', `subscription_error data: ${JSON.stringify(data)}`);
            assert.equal(data.type, 'AuthError', `subscription_error data: ${JSON.stringify(data)}`);
            assert.equal(data.status, 401, `subscription_error data: ${JSON.stringify(data)}`);
            assert.equal(channel.subscribed, false);
            // The refusal keeps the connection (§4.5) and the channel was not joined.
            const all = [];
            client.bind_global((event) => all.push(event));
            const other = await subscribed(client, unique('interop-after-refusal-'));
            await h.sdk.trigger(name, 'must-not-arrive', {});
            await flush(other);
            assert.equal(client.connection.state, 'connected');
            assert.ok(!all.includes('must-not-arrive'), `events seen: ${all.join(', ')}`);
        });
    }
});

describe('pusher-js: presence channels', () => {
    t('two users see each other: members, me, member_added and member_removed', async (pool) => {
        const name = unique('presence-interop-');
        const alice = await pool.connect({ params: { user_id: 'alice', user_name: 'Alice' } });
        const bob = await pool.connect({ params: { user_id: 'bob', user_name: 'Bob' } });
        const aliceChannel = await subscribed(alice, name);
        assert.equal(aliceChannel.members.count, 1);
        assert.deepEqual(aliceChannel.members.me, { id: 'alice', info: { name: 'Alice' } });

        const added = nextEvent(aliceChannel, 'pusher:member_added', 'member_added for bob at alice');
        const bobChannel = await subscribed(bob, name);
        assert.equal(bobChannel.members.count, 2);
        assert.deepEqual(bobChannel.members.me, { id: 'bob', info: { name: 'Bob' } });
        assert.deepEqual(bobChannel.members.get('alice'), { id: 'alice', info: { name: 'Alice' } });
        const ids = [];
        bobChannel.members.each((m) => ids.push(m.id));
        assert.deepEqual(ids.sort(), ['alice', 'bob']);
        assert.deepEqual((await added).data, { id: 'bob', info: { name: 'Bob' } });
        assert.equal(aliceChannel.members.count, 2);

        const removed = nextEvent(aliceChannel, 'pusher:member_removed', 'member_removed for bob at alice');
        bob.disconnect();
        assert.deepEqual((await removed).data, { id: 'bob', info: { name: 'Bob' } });
        assert.equal(aliceChannel.members.count, 1);
    });

    t('a second connection of the same user adds no member and its leaving removes none', async (pool) => {
        const name = unique('presence-interop-tabs-');
        const alice = await pool.connect({ params: { user_id: 'alice', user_name: 'Alice' } });
        const bob = await pool.connect({ params: { user_id: 'bob', user_name: 'Bob' } });
        const bobChannel = await subscribed(bob, name);
        const seen = record(bobChannel);
        await subscribed(alice, name);
        const aliceTab2 = await pool.connect({ params: { user_id: 'alice', user_name: 'Alice' } });
        const tabChannel = await subscribed(aliceTab2, name);
        assert.equal(tabChannel.members.count, 2, 'distinct users in the roster');
        aliceTab2.disconnect();
        await sleep(300);
        await flush(bobChannel);
        assert.deepEqual(seen.map((e) => e.event), ['pusher:member_added', 'sentinel'],
            `bob's events: ${JSON.stringify(seen)}`);
        assert.equal(bobChannel.members.count, 2);
    });
});

describe('pusher-js: client events', () => {
    t('on a private channel: delivered to the other member, not echoed to the sender', async (pool) => {
        const name = unique('private-interop-chat-');
        const a = await pool.connect();
        const b = await pool.connect();
        const aChannel = await subscribed(a, name);
        const bChannel = await subscribed(b, name);
        const aSeen = record(aChannel);
        const atB = nextEvent(bChannel, 'client-typing');
        assert.equal(aChannel.trigger('client-typing', { typing: true, text: 'é✓' }), true);
        const { data, metadata } = await atB;
        assert.deepEqual(data, { typing: true, text: 'é✓' });
        assert.equal(metadata?.user_id, undefined, 'no user_id on a private channel');
        const atA = nextEvent(aChannel, 'client-reply');
        bChannel.trigger('client-reply', { ok: 1 });
        assert.deepEqual((await atA).data, { ok: 1 });
        await flush(aChannel);
        assert.deepEqual(aSeen.map((e) => e.event), ['client-reply', 'sentinel'], 'the sender got its own event back');
    });

    t('on a presence channel: carries the sender\'s user_id and is not echoed', async (pool) => {
        const name = unique('presence-interop-chat-');
        const alice = await pool.connect({ params: { user_id: 'alice' } });
        const bob = await pool.connect({ params: { user_id: 'bob' } });
        const aliceChannel = await subscribed(alice, name);
        const bobChannel = await subscribed(bob, name);
        const aliceSeen = record(aliceChannel);
        const atBob = nextEvent(bobChannel, 'client-wave');
        aliceChannel.trigger('client-wave', { hi: 'bob' });
        const { data, metadata } = await atBob;
        assert.deepEqual(data, { hi: 'bob' });
        assert.deepEqual(metadata, { user_id: 'alice' });
        await flush(aliceChannel);
        assert.ok(!aliceSeen.some((e) => e.event === 'client-wave'), `alice's events: ${JSON.stringify(aliceSeen)}`);
    });
});

describe('pusher-js: encrypted channels', () => {
    t('decrypts an event the SDK encrypted; the server forwards only ciphertext', async (pool) => {
        const name = unique('private-encrypted-interop-');
        const client = await pool.connect();
        const channel = await subscribed(client, name);
        // A raw subscriber sees what the server actually sent.
        const raw = await RawPusher.connect(h.server.wsUrl(kApp.key));
        try {
            await raw.subscribed(name, { auth: signChannel(h.server, raw.socketId, name).auth });
            const decrypted = nextEvent(channel, 'secret');
            await h.sdk.trigger(name, 'secret', { message: 'hello world', n: 7 });
            assert.deepEqual((await decrypted).data, { message: 'hello world', n: 7 });
            const wire = await raw.nextEvent('secret', { channel: name });
            assert.equal(typeof wire.data, 'string');
            const payload = JSON.parse(wire.data);
            assert.deepEqual(Object.keys(payload).sort(), ['ciphertext', 'nonce']);
            assert.ok(!wire.data.includes('hello world'), 'plaintext on the wire');
        } finally {
            raw.terminate();
        }
    });
});

describe('pusher-js: cache channels', () => {
    for (const prefix of ['cache-', 'private-cache-', 'presence-cache-']) {
        t(`${prefix}: pusher:cache_miss when empty, then the last event is replayed to a new subscriber`, async (pool) => {
            const name = unique(`${prefix}interop-`);
            const first = await pool.connect({ params: { user_id: 'first' } });
            const firstChannel = first.subscribe(name);
            const miss = nextEvent(firstChannel, 'pusher:cache_miss');
            const ok = nextEvent(firstChannel, 'pusher:subscription_succeeded');
            await ok;
            await miss;
            // The last event published is what gets cached, so no sentinel here.
            const firstSeen = record(firstChannel);
            await h.sdk.trigger(name, 'location', { v: 1 });
            await h.sdk.trigger(name, 'location', { v: 2 });
            await until(() => firstSeen.filter((e) => e.event === 'location').length === 2, 'both events at the first subscriber');

            const late = await pool.connect({ params: { user_id: 'second' } });
            const secondChannel = late.subscribe(name);
            const seen = record(secondChannel);
            const replay = nextEvent(secondChannel, 'location', 'the cached event');
            assert.deepEqual((await replay).data, { v: 2 });
            await flush(secondChannel);
            const names = seen.map((e) => e.event);
            assert.ok(!names.includes('pusher:cache_miss'), `cache_miss despite a cached event: ${names.join(', ')}`);
            assert.equal(names.filter((n) => n === 'location').length, 1, `events: ${names.join(', ')}`);
        });
    }
});

describe('pusher-js: user sign-in', () => {
    t('signin() succeeds and sendToUser reaches every connection of that user only', async (pool) => {
        const carol = await pool.connect({ params: { user_id: 'carol', user_name: 'Carol' } });
        const carol2 = await pool.connect({ params: { user_id: 'carol', user_name: 'Carol' } });
        const dave = await pool.connect({ params: { user_id: 'dave' } });
        const user = await signedIn(carol);
        assert.deepEqual(user.user_data, { id: 'carol', user_info: { name: 'Carol' } });
        await signedIn(carol2);
        await signedIn(dave);
        const daveGot = [];
        dave.user.bind('note', (data) => daveGot.push(data));
        const one = nextEvent(carol.user, 'note', 'the note at carol 1');
        const two = nextEvent(carol2.user, 'note', 'the note at carol 2');
        const response = await h.sdk.sendToUser('carol', 'note', { text: 'hi carol' });
        assert.equal(response.status, 200);
        assert.deepEqual((await one).data, { text: 'hi carol' });
        assert.deepEqual((await two).data, { text: 'hi carol' });
        const daveSentinel = nextEvent(dave.user, 'sentinel');
        await h.sdk.sendToUser('dave', 'sentinel', {});
        await daveSentinel;
        assert.deepEqual(daveGot, [], 'dave received carol\'s event');
    });

    t('a sign-in signed with the wrong secret gets pusher:error 4009 and the connection stays', async (pool) => {
        const client = await pool.connect({ params: { user_id: 'mallory', tamper: 'secret' } });
        const error = within(kWaitMs, new Promise((resolve) => {
            client.connection.bind('error', (e) => resolve(e));
        }), 'an error event after the bad sign-in');
        client.signin();
        const e = await error;
        assert.equal(e?.data?.code, 4009, `error: ${JSON.stringify(e)}`);
        assert.equal(typeof e.data.message, 'string');
        await sleep(300);
        assert.equal(client.connection.state, 'connected');
        assert.equal(client.user.user_data, null);
        await subscribed(client, unique('interop-still-open-'));
    });
});

describe('pusher-js: unsubscribe', () => {
    t('after unsubscribe no more events arrive and the channel becomes unoccupied', async (pool) => {
        const client = await pool.connect();
        const name = unique('interop-leave-');
        const keep = await subscribed(client, unique('interop-keep-'));
        await subscribed(client, name);
        const all = [];
        client.bind_global((event) => all.push(event));
        client.unsubscribe(name);
        const deadline = Date.now() + kWaitMs;
        for (;;) {
            const info = await (await h.sdk.get({ path: `/channels/${name}` })).json();
            if (info.occupied === false) break;
            if (Date.now() > deadline) assert.fail(`${name} still occupied after unsubscribe: ${JSON.stringify(info)}`);
            await sleep(50);
        }
        await h.sdk.trigger(name, 'after-leaving', {});
        await flush(keep);
        assert.ok(!all.includes('after-leaving'), `events after unsubscribing: ${all.join(', ')}`);
    });

    t('leaving a presence channel sends member_removed to the others', async (pool) => {
        const name = unique('presence-interop-leave-');
        const alice = await pool.connect({ params: { user_id: 'alice' } });
        const bob = await pool.connect({ params: { user_id: 'bob' } });
        const aliceChannel = await subscribed(alice, name);
        await subscribed(bob, name);
        const removed = nextEvent(aliceChannel, 'pusher:member_removed');
        bob.unsubscribe(name);
        assert.equal((await removed).data.id, 'bob');
        const users = await (await h.sdk.get({ path: `/channels/${name}/users` })).json();
        assert.deepEqual(users, { users: [{ id: 'alice' }] });
        assert.equal(bob.connection.state, 'connected');
    });
});

describe('pusher-js: wsPath against a server with path_prefix (§2.1)', () => {
    const p = { server: null, appServer: null };
    before(async () => {
        p.server = await startHerald({ top: { path_prefix: '/ws' }, name: 'herald(path_prefix /ws)' });
        p.appServer = await startAppServer(p.server);
    });
    after(async () => {
        await p.appServer?.close();
        await p.server?.stopCleanly();
    });
    serverTest('connects with wsPath "/ws", subscribes and receives an event', () => [p.server], async () => {
        const pool = new ClientPool(p.server, p.appServer);
        try {
            const client = await pool.connect({ options: { wsPath: '/ws' } });
            const name = unique('interop-prefixed-');
            const channel = await subscribed(client, name);
            const got = nextEvent(channel, 'hello');
            await sdkFor(p.server).trigger(name, 'hello', { via: '/ws' });
            assert.deepEqual((await got).data, { via: '/ws' });
        } finally {
            pool.disconnectAll();
        }
    });
});
