// tests/interop/sdk/sdk.test.mjs
//
// herald::sdk (through sdk_driver) against `herald serve`, checked from the receiving side with
// pusher-js: triggers (blocking, future, callback), batches, the per-channel form, users,
// terminations, channel queries, private/presence/encrypted authorization and sign-in produced by
// the C++ SDK and accepted by the server, encrypted events decrypted by pusher-js, error mapping,
// webhooks signed as the Node SDK signs them, a proxy and a timeout. First of all: the requests
// the C++ SDK sends are byte for byte those of the official `pusher` Node SDK.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { makeTempDir, serverTest } from '../lib/harness.mjs';
import {
    ClientPool, kApp, kMasterKeyBase64, nextEvent, PusherSdk, RawPusher, record, startHerald, subscribed,
    until, waitConnected,
} from '../pusher/harness.mjs';
import { startHooked, startReceiver } from '../pusher/webhook_receiver.mjs';
import { Driver, startCapture, startProxy, startSilentServer } from './driver.mjs';

const h = { server: null, driver: null, pool: null, extra: [] };
let serial = 0;
const unique = (prefix) => `${prefix}${process.pid}-${++serial}`;
const apiUrl = (server, app = kApp, secret = app.secret) =>
    `http://${app.key}:${secret}@127.0.0.1:${server.port}/apps/${app.id}`;

before(async () => {
    h.server = await startHerald({ name: 'herald(sdk suite)' });
    h.driver = new Driver(apiUrl(h.server), ['--master-key', kMasterKeyBase64]);
});
after(async () => {
    await h.driver?.close();
    await h.server?.stopCleanly();
});

function t(name, fn, timeout = 30_000) {
    const logs = {
        diagnostics: () => `--- pusher-js:\n${h.pool?.logs.join('\n') || '(nothing)'}\n--- sdk_driver stderr:\n${h.driver?.stderr}`,
    };
    // h.extra: what else a test started ({ diagnostics(), stop(), stopCleanly() }), stopped when
    // the test ends; its diagnostics go with a failure.
    return serverTest(name, () => [h.server, ...h.extra, logs], async () => {
        h.pool = new ClientPool(h.server, { url: () => 'http://127.0.0.1:1/unused' });
        h.extra = [];
        try {
            await fn(h.pool);
            for (const extra of h.extra) await extra.stopCleanly?.();
        } finally {
            h.pool.disconnectAll();
            for (const extra of h.extra) await extra.stop?.();
        }
    }, { timeout });
}

// A pusher-js client whose channel authorizations and sign-in come from the C++ SDK.
async function sdkAuthorizedClient(pool, { userId = 'anonymous', userInfo = { name: 'someone' } } = {}) {
    const relay = (command, callback) => h.driver.ok(command).then((r) => callback(null, r), (e) => callback(e, null));
    const client = pool.create({
        options: {
            channelAuthorization: {
                customHandler: ({ channelName, socketId }, callback) => {
                    const command = { op: 'authenticate', channel: channelName, socket_id: socketId };
                    if (channelName.startsWith('presence-')) Object.assign(command, { user_id: userId, user_info: userInfo });
                    relay(command, callback);
                },
            },
            userAuthentication: {
                customHandler: ({ socketId }, callback) => relay(
                    { op: 'authenticate_user', socket_id: socketId, user_data: { id: userId, user_info: userInfo } }, callback),
            },
        },
    });
    return waitConnected(client);
}

describe('herald::sdk signs exactly as the pusher Node SDK', () => {
    t('the same calls put the same method, URL, content type and body on the wire', async () => {
        const capture = await startCapture();
        const timestamp = 1700000000;
        const realNow = Date.now;
        const node = new PusherSdk({ appId: '77', key: 'the-key', secret: 'the-secret', host: '127.0.0.1', port: String(capture.port), useTLS: false });
        const driver = new Driver(`http://the-key:the-secret@127.0.0.1:${capture.port}/apps/77`, ['--clock', String(timestamp)]);
        try {
            Date.now = () => timestamp * 1000;
            await node.trigger('orders', 'shipped', { id: 42, carrier: 'DHL', tags: ['a', 'é'] });
            await node.trigger(['a', 'b-2', 'presence-x'], 'many', 'plain "text"', { socket_id: '123.456', info: 'user_count,subscription_count' });
            await node.triggerBatch([
                { channel: 'c1', name: 'e1', data: { hello: 'world' } },
                { channel: 'presence-c2', name: 'e2', data: 'text', socket_id: '1.2', info: 'user_count' },
            ]);
            await node.get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } });
            await node.get({ path: '/channels/presence-room', params: { info: 'user_count,subscription_count' } });
            await node.get({ path: '/channels/presence-room/users' });
            await node.sendToUser('user-7', 'note', { text: 'hi' });
            await node.terminateUserConnections('user-7');
            await node.post({ path: '/custom', body: { k: [1, null, true] } });
            Date.now = realNow;
            const nodeCount = capture.requests.length;

            await driver.ok({ op: 'trigger', channels: ['orders'], event: 'shipped', data: { id: 42, carrier: 'DHL', tags: ['a', 'é'] } });
            await driver.ok({ op: 'trigger', channels: ['a', 'b-2', 'presence-x'], event: 'many', data_text: 'plain "text"', socket_id: '123.456', info: 'user_count,subscription_count' });
            await driver.ok({
                op: 'batch', events: [
                    { channel: 'c1', name: 'e1', data: { hello: 'world' } },
                    { channel: 'presence-c2', name: 'e2', data_text: 'text', socket_id: '1.2', info: 'user_count' },
                ],
            });
            await driver.ok({ op: 'channels', filter_by_prefix: 'presence-', info: 'user_count' });
            await driver.ok({ op: 'channel_info', channel: 'presence-room', info: 'user_count,subscription_count' });
            await driver.ok({ op: 'channel_users', channel: 'presence-room' });
            await driver.ok({ op: 'send_to_user', user_id: 'user-7', event: 'note', data: { text: 'hi' } });
            await driver.ok({ op: 'terminate', user_id: 'user-7' });
            await driver.ok({ op: 'post', path: '/custom', body: { k: [1, null, true] } });

            const fromNode = capture.requests.slice(0, nodeCount);
            const fromCpp = capture.requests.slice(nodeCount);
            assert.equal(nodeCount, 9);
            assert.deepEqual(fromCpp, fromNode);
            assert.ok(fromNode.every((r) => r.url.includes('auth_timestamp=1700000000&')));
        } finally {
            Date.now = realNow;
            await driver.close();
            await capture.close();
        }
    });

    t('values that need escaping: same signature (the Node SDK sends them raw, herald::sdk escapes them)', async () => {
        const timestamp = 1353088179;
        const realNow = Date.now;
        const node = new PusherSdk({ appId: '3', key: 'k', secret: 's', host: '127.0.0.1', useTLS: false });
        const driver = new Driver('http://k:s@127.0.0.1:1/apps/3', ['--clock', String(timestamp)]);
        try {
            const params = { filter_by_prefix: 'a b&c=d/é', info: 'x+y' };
            Date.now = () => timestamp * 1000;
            const nodeQuery = node.createSignedQueryString({ method: 'GET', path: '/apps/3/channels', params });
            Date.now = realNow;
            const ours = await driver.ok({ op: 'signed', method: 'GET', path: '/channels', params });
            const signature = (q) => new URLSearchParams(q).get('auth_signature');
            assert.equal(signature(ours.query), signature(nodeQuery));
            assert.equal(new URLSearchParams(ours.query).get('filter_by_prefix'), params.filter_by_prefix);
        } finally {
            Date.now = realNow;
            await driver.close();
        }
    });
});

describe('herald::sdk triggers, received by pusher-js', () => {
    for (const mode of ['sync', 'future', 'callback']) {
        t(`trigger (${mode}): every subscriber but socket_id gets the data; info returns counts`, async (pool) => {
            const name = unique(`sdk-${mode}-`);
            const a = await pool.connect();
            const b = await pool.connect();
            const channelA = await subscribed(a, name);
            const channelB = await subscribed(b, name);
            const seenByA = record(channelA);
            const atB = nextEvent(channelB, 'hello');
            const answer = await h.driver.call({
                op: 'trigger', mode, channels: [name], event: 'hello', data: { n: 1, text: 'héllo' },
                socket_id: a.connection.socket_id, info: 'subscription_count',
            });
            assert.ok(answer.ok, JSON.stringify(answer));
            assert.deepEqual(answer.result, { channels: { [name]: { subscription_count: 2 } } });
            if (mode !== 'sync') assert.ok(answer.returned_ms < 1000, `the ${mode} call blocked for ${answer.returned_ms} ms`);
            assert.deepEqual((await atB).data, { n: 1, text: 'héllo' });
            const sentinel = nextEvent(channelA, 'sentinel');
            await h.driver.ok({ op: 'trigger', channels: [name], event: 'sentinel', data: {} });
            await sentinel;
            assert.ok(!seenByA.some((e) => e.event === 'hello'), 'the excluded socket received the event');
        });
    }

    t('a string data arrives as that string; several channels at once; channel(name).trigger', async (pool) => {
        const one = unique('sdk-multi-a-');
        const two = unique('sdk-multi-b-');
        const client = await pool.connect();
        const c1 = await subscribed(client, one);
        const c2 = await subscribed(client, two);
        const both = [nextEvent(c1, 'text'), nextEvent(c2, 'text')];
        await h.driver.ok({ op: 'trigger', channels: [one, two], event: 'text', data_text: 'not json at all' });
        for (const got of await Promise.all(both)) assert.equal(got.data, 'not json at all');
        const older = nextEvent(c1, 'older-form');
        await h.driver.ok({ op: 'channel_trigger', channel: one, event: 'older-form', data: [1, 2] });
        assert.deepEqual((await older).data, [1, 2]);
    });

    t('trigger_batch delivers each event; info gives one result per item', async (pool) => {
        const client = await sdkAuthorizedClient(pool, { userId: 'batcher' });
        const pub = unique('sdk-batch-');
        const presence = unique('presence-sdk-batch-');
        const pubChannel = await subscribed(client, pub);
        const presenceChannel = await subscribed(client, presence);
        const one = nextEvent(pubChannel, 'b1');
        const two = nextEvent(presenceChannel, 'b2');
        const result = await h.driver.ok({
            op: 'batch', events: [
                { channel: pub, name: 'b1', data: { i: 1 } },
                { channel: presence, name: 'b2', data: { i: 2 }, info: 'user_count' },
            ],
        });
        assert.deepEqual((await one).data, { i: 1 });
        assert.deepEqual((await two).data, { i: 2 });
        assert.deepEqual(result, { batch: [{}, { user_count: 1 }] });
    });

    t('generic post and get (future and callback) reach the API', async (pool) => {
        const name = unique('sdk-generic-');
        const client = await pool.connect();
        const channel = await subscribed(client, name);
        const got = nextEvent(channel, 'raw');
        const posted = await h.driver.call({ op: 'post', mode: 'callback', path: '/events', body: { name: 'raw', data: '{"x":1}', channels: [name] } });
        assert.ok(posted.ok, JSON.stringify(posted));
        assert.deepEqual((await got).data, { x: 1 });
        const info = await h.driver.call({ op: 'get', mode: 'future', path: `/channels/${name}`, params: { info: 'subscription_count' } });
        assert.deepEqual(info.result, { occupied: true, subscription_count: 1 });
    });
});

describe('herald::sdk authorization, accepted by the server and used by pusher-js', () => {
    t('private and presence channels; channel_info, channel_users and channels report them', async (pool) => {
        const priv = unique('private-sdk-');
        const presence = unique('presence-sdk-');
        const alice = await sdkAuthorizedClient(pool, { userId: 'alice', userInfo: { name: 'Alice' } });
        const bob = await sdkAuthorizedClient(pool, { userId: 'bob' });
        const privChannel = await subscribed(alice, priv);
        const presenceA = await subscribed(alice, presence);
        const joined = nextEvent(presenceA, 'pusher:member_added');
        const presenceB = await subscribed(bob, presence);
        assert.equal((await joined).data.id, 'bob');
        assert.deepEqual(presenceB.members.get('alice')?.info, { name: 'Alice' });
        const got = nextEvent(privChannel, 'secretish');
        await h.driver.ok({ op: 'trigger', channels: [priv], event: 'secretish', data: { ok: true } });
        assert.deepEqual((await got).data, { ok: true });

        assert.deepEqual(await h.driver.ok({ op: 'channel_info', channel: presence, info: 'user_count,subscription_count' }),
            { occupied: true, user_count: 2, subscription_count: 2 });
        const users = await h.driver.ok({ op: 'channel_users', channel: presence });
        assert.deepEqual(users.users.map((u) => u.id).sort(), ['alice', 'bob']);
        const listed = await h.driver.ok({ op: 'channels', filter_by_prefix: presence, info: 'user_count' });
        assert.deepEqual(listed, { channels: { [presence]: { user_count: 2 } } });
        const all = await h.driver.ok({ op: 'channels' });
        assert.deepEqual(all.channels[priv], {});
        assert.deepEqual(await h.driver.ok({ op: 'channel_info', channel: unique('sdk-empty-') }), { occupied: false });
    });

    t('encrypted channel: the SDK\'s shared secret and encryption; pusher-js decrypts, the wire holds ciphertext', async (pool) => {
        const name = unique('private-encrypted-sdk-');
        const client = await sdkAuthorizedClient(pool);
        const channel = await subscribed(client, name);
        const raw = await RawPusher.connect(h.server.wsUrl(kApp.key));
        try {
            const auth = await h.driver.ok({ op: 'authenticate', channel: name, socket_id: raw.socketId });
            await raw.subscribed(name, { auth: auth.auth });
            const decrypted = nextEvent(channel, 'sealed');
            await h.driver.ok({ op: 'trigger', channels: [name], event: 'sealed', data: { message: 'hello world', n: 7 } });
            assert.deepEqual((await decrypted).data, { message: 'hello world', n: 7 });
            const wire = await raw.nextEvent('sealed', { channel: name });
            assert.deepEqual(Object.keys(JSON.parse(wire.data)).sort(), ['ciphertext', 'nonce']);
            assert.ok(!wire.data.includes('hello world'), 'plaintext on the wire');
            const fromBatch = nextEvent(channel, 'sealed-batch');
            await h.driver.ok({ op: 'batch', events: [{ channel: name, name: 'sealed-batch', data_text: 'just text' }] });
            assert.equal((await fromBatch).data, 'just text');
        } finally {
            raw.terminate();
        }
    });

    t('sign-in with the SDK\'s user auth; send_to_user reaches that user, terminate disconnects them', async (pool) => {
        const user = unique('sdk-user-');
        const client = await sdkAuthorizedClient(pool, { userId: user, userInfo: { name: 'U' } });
        client.signin();
        await until(() => client.user.serverToUserChannel?.subscribed === true, 'pusher-js signed in through the SDK');
        assert.deepEqual(client.user.user_data, { id: user, user_info: { name: 'U' } });
        const note = nextEvent(client.user, 'note');
        assert.deepEqual(await h.driver.ok({ op: 'send_to_user', user_id: user, event: 'note', data: { text: 'hi' } }), {});
        assert.deepEqual((await note).data, { text: 'hi' });
        const gone = new Promise((resolve) => client.connection.bind('state_change', (s) => {
            if (s.current !== 'connected') resolve(s.current);
        }));
        assert.deepEqual(await h.driver.ok({ op: 'terminate', user_id: user }), {});
        assert.ok(['disconnected', 'unavailable', 'failed', 'connecting'].includes(await gone));
    });
});

describe('herald::sdk errors', () => {
    t('a wrong secret is an AuthenticationError 401 carrying the server\'s message', async () => {
        const wrong = new Driver(apiUrl(h.server, kApp, 'not-the-secret'));
        try {
            const answer = await wrong.call({ op: 'trigger', channels: ['x'], event: 'e', data: {} });
            assert.equal(answer.error, 'AuthenticationError', JSON.stringify(answer));
            assert.equal(answer.status, 401);
            assert.match(answer.message, /Invalid signature/);
            const future = await wrong.call({ op: 'get', mode: 'future', path: '/channels' });
            assert.equal(future.error, 'AuthenticationError');
        } finally {
            await wrong.close();
        }
    });

    t('a request the server refuses is an HttpError with status and body; bad input never leaves', async () => {
        const bad = await h.driver.call({ op: 'channel_users', channel: 'not-presence' });
        assert.equal(bad.error, 'HttpError', JSON.stringify(bad));
        assert.equal(bad.status, 400);
        assert.ok(bad.body.length > 0);
        const unknownApp = new Driver(`http://${kApp.key}:${kApp.secret}@127.0.0.1:${h.server.port}/apps/no-such-app`);
        try {
            const missing = await unknownApp.call({ op: 'channels' });
            assert.equal(missing.error, 'HttpError');
            assert.equal(missing.status, 404);
        } finally {
            await unknownApp.close();
        }
        const refused = await h.driver.call({ op: 'trigger', channels: ['bad name'], event: 'e', data: {} });
        assert.equal(refused.error, 'Error');
        assert.match(refused.message, /invalid channel name 'bad name'/);
    });
});

describe('herald::sdk webhooks', () => {
    t('bodies signed with the Node SDK\'s token verify; tampered ones, other keys and other types do not', async () => {
        const token = new PusherSdk.Token(kApp.key, kApp.secret);
        const body = JSON.stringify({
            time_ms: Date.now(),
            events: [
                { name: 'channel_occupied', channel: 'c' },
                { name: 'client_event', channel: 'presence-p', event: 'client-x', data: '{"a":1}', socket_id: '1.2', user_id: 'u' },
            ],
        });
        const headers = { 'content-type': 'application/json', 'x-pusher-key': kApp.key, 'x-pusher-signature': token.sign(body) };
        // The Node SDK agrees these are valid.
        assert.ok(new PusherSdk({ appId: kApp.id, key: kApp.key, secret: kApp.secret }).webhook({ headers, rawBody: body }).isValid());
        const good = await h.driver.ok({ op: 'webhook', headers, body });
        assert.equal(good.valid, true, good.problem);
        assert.deepEqual(good.events.map((e) => e.name), ['channel_occupied', 'client_event']);
        assert.equal(good.events[1].data, '{"a":1}');
        assert.equal(good.events[1].user_id, 'u');

        const tampered = body.replace('channel_occupied', 'channel_vacated');
        assert.notEqual(tampered, body);
        assert.equal((await h.driver.ok({ op: 'webhook', headers, body: tampered })).valid, false);
        const otherKey = { ...headers, 'x-pusher-key': 'someone-else' };
        assert.equal((await h.driver.ok({ op: 'webhook', headers: otherKey, body })).valid, false);
        const otherSecret = { ...headers, 'x-pusher-signature': new PusherSdk.Token(kApp.key, 'wrong').sign(body) };
        assert.equal((await h.driver.ok({ op: 'webhook', headers: otherSecret, body })).valid, false);
        const notJson = { ...headers, 'content-type': 'text/plain' };
        assert.equal((await h.driver.ok({ op: 'webhook', headers: notJson, body })).valid, false);
    });
});

// What the driver's `webhook` op says of a request the receiver got (headers as Node read them).
const sdkVerdict = async (driver, { headers, body }) => {
    const verdict = await driver.ok({ op: 'webhook', headers, body });
    return { valid: verdict.valid, problem: verdict.problem, events: verdict.events, time: verdict.time_ms };
};

describe('herald::sdk verifies the webhooks herald serve sends', () => {
    t('occupied, member_added and client_event are decoded; tampered copies, another key or secret are refused', async () => {
        const receiver = await startReceiver({ verify: (entry) => sdkVerdict(h.driver, entry) });
        const hooked = await startHooked({ url: receiver.url(), dir: makeTempDir('sdk-hooks'), name: 'herald(sdk webhooks)' });
        h.extra.push(hooked, {
            diagnostics: () => `--- receiver:\n${receiver.requests.map((r) => `${r.valid ? '' : `INVALID (${r.problem}) `}${r.body}`).join('\n')}`,
            stop: () => receiver.close(),
        });
        const client = await RawPusher.connect(hooked.wsUrl(kApp.key));
        try {
            const channel = unique('presence-sdk-hooks-');
            const auth = await h.driver.ok({ op: 'authenticate', channel, socket_id: client.socketId, user_id: '7', user_info: { n: 7 } });
            await client.subscribed(channel, auth);
            await client.send({ event: 'client-hi', channel, data: { text: 'héllo' } });
            await client.roundTrip();
            const named = (name) => receiver.events().filter((e) => e.name === name && e.channel === channel);
            await until(() => ['channel_occupied', 'member_added', 'client_event'].every((name) => named(name).length === 1),
                'the channel_occupied, member_added and client_event webhooks', 10_000);
            assert.deepEqual(receiver.invalid, [], 'herald::sdk refused a webhook Herald signed');

                        const [added] = named('member_added');
            assert.equal(added.user_id, '7');
            const [clientEvent] = named('client_event');
            assert.deepEqual({ ...clientEvent },
                { name: 'client_event', channel, event: 'client-hi', data: '{"text":"héllo"}', socket_id: client.socketId, user_id: '7' });
            for (const request of receiver.delivered) {
                assert.ok(Math.abs(request.time - request.at) < 5_000, `time_ms ${request.time} is now`);
            }

            // Each request Herald sent, changed in one way, is refused.
            const otherKey = new Driver(`http://other-key:${kApp.secret}@127.0.0.1:1/apps/${kApp.id}`);
            const otherSecret = new Driver(`http://${kApp.key}:not-the-secret@127.0.0.1:1/apps/${kApp.id}`);
            try {
                for (const request of receiver.delivered) {
                    const last = request.body.lastIndexOf(channel) + channel.length - 1;
                    const body = `${request.body.slice(0, last)}X${request.body.slice(last + 1)}`;  // one byte changed
                    assert.equal(body.length, request.body.length);
                    const tampered = await sdkVerdict(h.driver, { headers: request.headers, body });
                    assert.deepEqual([tampered.valid, tampered.problem], [false, 'X-Pusher-Signature does not match the body']);
                    const renamed = { ...request.headers, 'x-pusher-key': 'other-key' };
                    const wrongHeader = await sdkVerdict(h.driver, { headers: renamed, body: request.body });
                    assert.deepEqual([wrongHeader.valid, wrongHeader.problem], [false, "X-Pusher-Key is not this app's key"]);
                    const byOtherApp = await sdkVerdict(otherKey, request);
                    assert.deepEqual([byOtherApp.valid, byOtherApp.problem], [false, "X-Pusher-Key is not this app's key"]);
                    const bySecret = await sdkVerdict(otherSecret, request);
                    assert.deepEqual([bySecret.valid, bySecret.problem], [false, 'X-Pusher-Signature does not match the body']);
                    assert.equal((await sdkVerdict(h.driver, request)).valid, true, 'the untouched request still verifies');
                }
            } finally {
                await otherKey.close();
                await otherSecret.close();
            }
        } finally {
            client.terminate();
        }
    });
});

describe('herald::sdk transport', () => {
    for (const tunnel of [false, true]) {
        t(`through an HTTP proxy${tunnel ? ' (CONNECT tunnel)' : ''}: the event is delivered and the proxy saw the request`, async (pool) => {
            const proxy = await startProxy();
            const flags = ['--proxy', proxy.url, ...(tunnel ? ['--proxy-tunnel'] : [])];
            const proxied = new Driver(apiUrl(h.server), flags);
            try {
                const name = unique('sdk-proxied-');
                const client = await pool.connect();
                const channel = await subscribed(client, name);
                const got = nextEvent(channel, 'via-proxy');
                await proxied.ok({ op: 'trigger', channels: [name], event: 'via-proxy', data: { tunnel } });
                assert.deepEqual((await got).data, { tunnel });
                const expected = tunnel ? `CONNECT 127.0.0.1:${h.server.port}` : `POST http://127.0.0.1:${h.server.port}/apps/${kApp.id}/events?`;
                assert.ok(proxy.seen.some((line) => line.startsWith(expected)), `proxy saw: ${proxy.seen.join(' | ')}`);
            } finally {
                await proxied.close();
                await proxy.close();
            }
        });
    }

    t('a server that accepts and never answers: NetworkError (timed out) for sync, future and callback', async () => {
        const silent = await startSilentServer();
        const driver = new Driver(`http://k:s@127.0.0.1:${silent.port}/apps/1`, ['--timeout-ms', '300']);
        try {
            for (const mode of ['sync', 'future', 'callback']) {
                const start = Date.now();
                const answer = await driver.call({ op: 'trigger', mode, channels: ['c'], event: 'e', data: {} });
                const took = Date.now() - start;
                assert.equal(answer.error, 'NetworkError', JSON.stringify(answer));
                assert.equal(answer.timed_out, true);
                assert.ok(took >= 250 && took < 3000, `${mode} took ${took} ms`);
            }
        } finally {
            await driver.close();
            await silent.close();
        }
    });
});
