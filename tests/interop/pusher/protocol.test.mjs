// tests/interop/pusher/protocol.test.mjs
//
// The Pusher wire protocol seen through a raw `ws` client, where pusher-js would hide the
// details: the connection-time errors and close codes of protocol.md §2.3/§5 (4001, 4003, 4004,
// 4005, 4007), the exact forms of §3.2, ping/pong, malformed and oversized input (§5.4, §2.6),
// subscription refusals (§4.5, §7.7), presence limits (§6.5.3), client-event rules and the 4301
// rate limit (§4.9), sign-in (§4.11, §4.12) and subscription_count (§4.15).
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import {
    kApp, kSocketIdPattern, rawTest, sdkFor, signChannel, sleep, startHerald, until,
} from './harness.mjs';

const kActivityTimeout = 90;
const app = (id, key, extra = {}) => ({ ...kApp, id, key, secret: `${key}-secret`, ...extra });
const kQuiet = app('5001', 'interop-quiet', { client_events: false });
const kDisabled = app('5002', 'interop-disabled', { enabled: false });
const kQuota = app('5003', 'interop-quota', { limits: { max_connections: 2 } });
const kLimited = app('5004', 'interop-limited', {
    limits: {
        max_message_bytes: 4096, max_event_data_bytes: 1024, max_presence_members: 2,
        max_user_info_bytes: 64, max_client_events_per_second: 5,
    },
});
const kCounting = app('5005', 'interop-count', { subscription_count_events: true });
const kSlowConsumers = app('5006', 'interop-slow', { limits: { max_queued_bytes: 256 * 1024 } });

const h = { server: null, pool: null };
let serial = 0;
const unique = (prefix) => `${prefix}${process.pid}-${++serial}`;

before(async () => {
    h.server = await startHerald({
        apps: [kApp, kQuiet, kDisabled, kQuota, kLimited, kCounting, kSlowConsumers],
        top: { activity_timeout: kActivityTimeout },
        name: 'herald(protocol suite)',
    });
});
after(async () => { await h.server?.stopCleanly(); });

function t(name, fn, timeout = 30_000) {
    return rawTest(h, name, fn, { timeout });
}

const url = (a = kApp, query) => h.server.wsUrl(a.key, query);
const sign = (client, channel, member, a = kApp) => signChannel(h.server, client.socketId, channel, member, a);

// The connection-time refusal of §2.3: a pusher:error with `code` as the first frame, then a
// close with the same code.
async function expectRefused(pool, target, code, what) {
    const client = await pool.open(target);
    const close = await client.waitClose(what);
    const first = client.frames[0]?.json;
    assert.equal(first?.event, 'pusher:error', `${what}: first frame ${client.frames[0]?.text ?? '(none)'}`);
    assert.equal(typeof first.data, 'object', `${what}: pusher:error data must be an object: ${client.frames[0].text}`);
    assert.equal(first.data.code, code, `${what}: pusher:error ${client.frames[0].text}`);
    assert.equal(typeof first.data.message, 'string', `${what}: ${client.frames[0].text}`);
    assert.equal(client.frames.length, 1, `${what}: frames ${client.describe()}`);
    assert.equal(close.code, code, `${what}: close ${JSON.stringify(close)}`);
    assert.ok(Buffer.byteLength(close.reason) <= 123, `${what}: close reason too long`);
}

// Two connections subscribed to `channel` of app `a`; presence members are u1 and u2.
async function pair(pool, channel, a = kApp) {
    const one = await pool.connect(url(a));
    const two = await pool.connect(url(a));
    for (const [client, user] of [[one, 'u1'], [two, 'u2']]) {
        const member = channel.startsWith('presence-') ? { user_id: user, user_info: { name: user } } : undefined;
        const auth = channel.startsWith('private-') || channel.startsWith('presence-') ? sign(client, channel, member, a) : {};
        await client.subscribed(channel, auth);
    }
    await one.roundTrip();
    return [one, two];
}

// Every pusher:error the client received, as data objects.
const errorsOf = (client) => client.frames.map((f) => f.json).filter((m) => m?.event === 'pusher:error').map((m) => m.data);
const eventsOf = (client, name) => client.frames.map((f) => f.json).filter((m) => m?.event === name);

describe('connection', () => {
    t('the first frame is pusher:connection_established with a string data, socket_id and activity_timeout', async (pool) => {
        const client = await pool.open(url());
        const first = await client.next('the first frame');
        assert.equal(first.json?.event, 'pusher:connection_established', first.text);
        assert.equal(first.json.channel, undefined, 'no channel field on a connection event');
        assert.equal(typeof first.json.data, 'string', `data must be a JSON string: ${first.text}`);
        const data = JSON.parse(first.json.data);
        assert.match(data.socket_id, kSocketIdPattern);
        assert.equal(data.activity_timeout, kActivityTimeout, 'activity_timeout from the configuration');
    });

    t('socket ids are distinct across connections', async (pool) => {
        const ids = new Set();
        for (let i = 0; i < 6; i++) ids.add((await pool.connect(url())).socketId);
        assert.equal(ids.size, 6);
    });

    t('protocol 5, 6 and 7 are accepted; a missing protocol is accepted by default (§2.2, D9)', async (pool) => {
        for (const query of ['protocol=5', 'protocol=6', 'protocol=7&client=js&version=8.6.0&flash=false',
            'client=js&version=8.6.0', null]) {
            const client = await pool.connect(url(kApp, query));
            await client.roundTrip();
        }
    });

    for (const protocol of ['4', '8', '1', 'abc', '']) {
        t(`protocol=${protocol || '(empty)'} is refused with 4007`, (pool) =>
            expectRefused(pool, url(kApp, `protocol=${protocol}&client=js`), 4007, `protocol=${protocol}`));
    }

    t('an unknown app key is refused with 4001', (pool) =>
        expectRefused(pool, url({ key: 'no-such-key' }), 4001, 'unknown key'));

    t('a disabled app is refused with 4003', (pool) => expectRefused(pool, url(kDisabled), 4003, 'disabled app'));

    for (const path of ['/nope/interop-key', `/app/${kApp.key}/extra`, '/application/interop-key']) {
        t(`a WebSocket on ${path} is refused with 4005`, (pool) =>
            expectRefused(pool, h.server.url('ws', `${path}?protocol=7`), 4005, `path ${path}`));
    }

    t('an ordinary HTTP request to an unknown path is a 404', async () => {
        const response = await fetch(h.server.url('http', '/definitely/not/here'));
        assert.equal(response.status, 404);
    });

    t('the app\'s connection quota refuses the next connection with 4004', async (pool) => {
        const one = await pool.connect(url(kQuota));
        await pool.connect(url(kQuota));
        await expectRefused(pool, url(kQuota), 4004, 'third connection of a 2-connection app');
        one.terminate();
        await one.waitClose();
        let admitted = null;
        for (let i = 0; i < 20 && !admitted; i++) {
            await sleep(100);
            const client = await pool.open(url(kQuota));
            const first = await client.next('the first frame');
            if (first.json?.event === 'pusher:connection_established') admitted = client;
        }
        assert.ok(admitted, 'a connection was admitted again after one left');
    });
});

describe('messages', () => {
    t('pusher:ping is answered by pusher:pong', async (pool) => {
        const client = await pool.connect(url());
        await client.send({ event: 'pusher:ping', data: {} });
        const pong = await client.next('pusher:pong');
        assert.equal(pong.json?.event, 'pusher:pong', pong.text);
        assert.equal(pong.json.channel, undefined);
        await client.send('{"event":"pusher:ping"}');
        assert.equal((await client.next('pusher:pong to a ping without data')).json?.event, 'pusher:pong');
    });

    for (const [label, text] of [['invalid JSON', '{"event":"pusher:ping",'], ['a JSON array', '[1,2,3]'],
        ['JSON without event', '{"data":{}}'], ['a non-string event', '{"event":42,"data":{}}']]) {
        t(`${label} gets pusher:error and the connection stays open`, async (pool) => {
            const client = await pool.connect(url());
            await client.send(text);
            const reply = await client.next(`the reply to ${label}`);
            assert.equal(reply.json?.event, 'pusher:error', reply.text);
            assert.equal(typeof reply.json.data, 'object', reply.text);
            assert.equal(reply.json.data.code, null, `malformed input is not fatal (code null, §5.4): ${reply.text}`);
            assert.equal(typeof reply.json.data.message, 'string');
            await client.roundTrip();
        });
    }

    t('an unknown pusher: event and a binary frame are not fatal', async (pool) => {
        const client = await pool.connect(url());
        await client.send({ event: 'pusher:something_new', data: {} });
        await new Promise((resolve, reject) => client.ws.send(Buffer.from([1, 2, 3]), { binary: true },
            (e) => (e ? reject(e) : resolve())));
        const pong = await client.roundTrip();
        assert.equal(pong.event, 'pusher:pong');
        assert.equal(client.closeInfo, undefined);
    });

    t('a message over max_message_bytes is rejected (pusher:error or close 1009) and not relayed', async (pool) => {
        const channel = unique('private-proto-big-');
        const [one, two] = await pair(pool, channel, kLimited);
        const fits = { event: 'client-fits', channel, data: { pad: 'x'.repeat(900) } };
        await one.send(fits);
        assert.deepEqual((await two.nextEvent('client-fits')).data, fits.data, 'a message under the limits is relayed');
        await one.send({ event: 'client-big', channel, data: { pad: 'x'.repeat(6000) } });
        // §2.6: rejected either way; a pusher:error that keeps the connection is preferred.
        const reply = await Promise.race([one.next('the reply to the oversized message'), one.closed.then(() => null)]);
        if (reply) assert.equal(reply.json?.event, 'pusher:error', reply.text);
        await sleep(200);
        if (one.closeInfo) assert.equal(one.closeInfo.code, 1009, `closed with ${JSON.stringify(one.closeInfo)}`);
        else await one.roundTrip();
        await two.roundTrip();
        assert.deepEqual(eventsOf(two, 'client-big'), [], 'the oversized message was relayed');
    });
});

describe('wire forms (§3.2)', () => {
    t('subscription_succeeded data is the string "{}"; REST data is forwarded byte for byte', async (pool) => {
        const client = await pool.connect(url());
        const channel = unique('proto-forms-');
        const ok = await client.subscribed(channel);
        assert.equal(ok.data, '{}', JSON.stringify(ok));
        const data = '{ "spaced" :  1 ,"text":"h\\u00e9llo é ✓", "n": 1.50 }';
        await sdkFor(h.server).trigger(channel, 'verbatim', data);
        const event = await client.nextEvent('verbatim');
        assert.deepEqual(event, { event: 'verbatim', channel, data });
    });

    t('presence: roster, member_added and member_removed are JSON strings; user ids are strings', async (pool) => {
        const channel = unique('presence-proto-forms-');
        const one = await pool.connect(url());
        const two = await pool.connect(url());
        const first = await one.subscribed(channel, sign(one, channel, { user_id: 10, user_info: { name: 'Ten' } }));
        assert.equal(typeof first.data, 'string', JSON.stringify(first));
        assert.deepEqual(JSON.parse(first.data), { presence: { ids: ['10'], hash: { 10: { name: 'Ten' } }, count: 1 } });
        const second = await two.subscribed(channel, sign(two, channel, { user_id: 'eleven', user_info: { name: 'Eleven' } }));
        const roster = JSON.parse(second.data).presence;
        assert.deepEqual([...roster.ids].sort(), ['10', 'eleven']);
        assert.deepEqual(roster.hash, { 10: { name: 'Ten' }, eleven: { name: 'Eleven' } });
        assert.equal(roster.count, 2);
        const added = await one.nextEvent('pusher_internal:member_added', { channel });
        assert.equal(typeof added.data, 'string', JSON.stringify(added));
        assert.deepEqual(JSON.parse(added.data), { user_id: 'eleven', user_info: { name: 'Eleven' } });
        await one.send({ event: 'pusher:unsubscribe', data: { channel } });
        const removed = await two.nextEvent('pusher_internal:member_removed', { channel });
        assert.equal(typeof removed.data, 'string', JSON.stringify(removed));
        assert.deepEqual(JSON.parse(removed.data), { user_id: '10' });
        await one.roundTrip();
        assert.deepEqual(eventsOf(two, 'pusher_internal:member_added'), [], 'member events to the one who caused them');
    });

    t('a duplicate subscribe succeeds again; unsubscribing an unknown channel is silent', async (pool) => {
        const client = await pool.connect(url());
        const channel = unique('proto-dup-');
        await client.subscribed(channel);
        await client.subscribed(channel);
        await client.send({ event: 'pusher:unsubscribe', data: { channel: unique('proto-never-') } });
        const next = await client.roundTrip();
        assert.equal(next.event, 'pusher:pong');
        assert.equal(client.frames.at(-1).json.event, 'pusher:pong', `frames: ${client.describe()}`);
    });
});

describe('subscription refusals (§4.5, §7.7)', () => {
    // Each case: what to send for `channel` on `client`; expect AuthError/401.
    const authCases = {
        'a signature made with the wrong secret': (client, channel) => ({
            auth: sdkFor(h.server, kApp, { secret: 'wrong' }).authorizeChannel(client.socketId, channel).auth,
        }),
        'a wrong key prefix': (client, channel) => ({
            auth: sign(client, channel).auth.replace(/^[^:]*/, 'other-key'),
        }),
        'no auth at all': () => ({}),
        'an empty auth': () => ({ auth: '' }),
        'a signature for another channel': (client, channel) => ({ auth: sign(client, `${channel}-other`).auth }),
        'a signature for another socket_id': (client, channel) => ({
            auth: signChannel(h.server, '1.2', channel).auth,
        }),
        'upper-case hex': (client, channel) => {
            const auth = sign(client, channel).auth;
            const [key, hex] = auth.split(':');
            return { auth: `${key}:${hex.toUpperCase()}` };
        },
    };
    for (const [label, make] of Object.entries(authCases)) {
        t(`private channel, ${label}: pusher:subscription_error AuthError 401, connection kept`, async (pool) => {
            const client = await pool.connect(url());
            const channel = unique('private-proto-refused-');
            await client.subscribe(channel, make(client, channel));
            const error = await client.nextEvent('pusher:subscription_error', { channel });
            assert.equal(typeof error.data, 'object', JSON.stringify(error));
            assert.equal(error.data.type, 'AuthError', JSON.stringify(error));
            assert.equal(error.data.status, 401, JSON.stringify(error));
            assert.equal(typeof error.data.error, 'string', JSON.stringify(error));
            await client.roundTrip();
            await sdkFor(h.server).trigger(channel, 'must-not-arrive', {});
            await sleep(200);
            await client.roundTrip();
            assert.deepEqual(eventsOf(client, 'must-not-arrive'), [], 'events of a refused channel arrived');
            assert.deepEqual(eventsOf(client, 'pusher_internal:subscription_succeeded'), []);
        });
    }

    t('presence: channel_data changed after signing is refused with 401', async (pool) => {
        const client = await pool.connect(url());
        const channel = unique('presence-proto-tampered-');
        const signed = sign(client, channel, { user_id: 'u1', user_info: {} });
        await client.subscribe(channel, { ...signed, channel_data: signed.channel_data.replace('u1', 'u2') });
        const error = await client.nextEvent('pusher:subscription_error', { channel });
        assert.equal(error.data.status, 401, JSON.stringify(error));
    });

    for (const [label, channelData] of [['without user_id', '{"user_info":{}}'], ['that is not JSON', 'not json'],
        ['with an empty user_id', '{"user_id":""}'], ['with an object user_id', '{"user_id":{"a":1}}']]) {
        t(`presence: channel_data ${label} is refused`, async (pool) => {
            const client = await pool.connect(url());
            const channel = unique('presence-proto-bad-data-');
            const hmac = sdkFor(h.server).config.token.sign(`${client.socketId}:${channel}:${channelData}`);
            await client.subscribe(channel, { auth: `${kApp.key}:${hmac}`, channel_data: channelData });
            await client.nextEvent('pusher:subscription_error', { channel });
            await client.roundTrip();
        });
    }

    for (const [label, channel] of [['invalid characters', 'bad channel!'], ['201 characters', `c${'x'.repeat(200)}`],
        ['a # prefix', '#internal']]) {
        t(`a channel name with ${label} is refused with pusher:subscription_error`, async (pool) => {
            const client = await pool.connect(url());
            await client.subscribe(channel);
            const reply = await client.next(`the reply to subscribing to ${label}`);
            assert.equal(reply.json?.event, 'pusher:subscription_error', reply.text);
            await client.roundTrip();
        });
    }

    t('presence: the member limit refuses a new user (LimitReached), not another connection of a member', async (pool) => {
        const channel = unique('presence-proto-full-');
        const member = (id) => ({ user_id: id, user_info: {} });
        for (const id of ['u1', 'u2']) {
            const client = await pool.connect(url(kLimited));
            await client.subscribed(channel, sign(client, channel, member(id), kLimited));
        }
        const third = await pool.connect(url(kLimited));
        await third.subscribe(channel, sign(third, channel, member('u3'), kLimited));
        const error = await third.nextEvent('pusher:subscription_error', { channel });
        assert.equal(error.data.type, 'LimitReached', JSON.stringify(error));
        const secondTab = await pool.connect(url(kLimited));
        await secondTab.subscribed(channel, sign(secondTab, channel, member('u1'), kLimited));
    });

    t('presence: user_info over max_user_info_bytes is refused (LimitReached)', async (pool) => {
        const client = await pool.connect(url(kLimited));
        const channel = unique('presence-proto-big-info-');
        await client.subscribe(channel, sign(client, channel, { user_id: 'u1', user_info: { bio: 'x'.repeat(100) } }, kLimited));
        const error = await client.nextEvent('pusher:subscription_error', { channel });
        assert.equal(error.data.type, 'LimitReached', JSON.stringify(error));
        const small = await pool.connect(url(kLimited));
        await small.subscribed(channel, sign(small, channel, { user_id: 'u1', user_info: { bio: 'short' } }, kLimited));
    });
});

describe('client events (§4.9)', () => {
    t('relayed on presence with the sender\'s user_id and only event/channel/data; not echoed', async (pool) => {
        const channel = unique('presence-proto-client-');
        const [one, two] = await pair(pool, channel);
        await one.send({ event: 'client-hi', channel, data: { a: [1, 'é'] }, user_id: 'spoofed', extra: 'dropped' });
        const got = await two.nextEvent('client-hi');
        assert.deepEqual(got, { event: 'client-hi', channel, data: { a: [1, 'é'] }, user_id: 'u1' });
        await two.send({ event: 'client-str', channel, data: 'a plain string' });
        assert.deepEqual(await one.nextEvent('client-str'), { event: 'client-str', channel, data: 'a plain string', user_id: 'u2' });
        await one.roundTrip();
        assert.deepEqual(eventsOf(one, 'client-hi'), [], 'echoed to the sender');
    });

    t('relayed on private without user_id', async (pool) => {
        const channel = unique('private-proto-client-');
        const [one, two] = await pair(pool, channel);
        await one.send({ event: 'client-hi', channel, data: { x: 1 } });
        assert.deepEqual(await two.nextEvent('client-hi'), { event: 'client-hi', channel, data: { x: 1 } });
    });

    // Each case sends from `one`; `two` must receive nothing and `one` must get a pusher:error
    // (code null: only the rate limit uses 4301, §14 D6).
    const refusals = [
        ['client events disabled for the app', 'private-proto-quiet-', kQuiet, (channel) => ({ event: 'client-x', channel, data: {} })],
        ['a public channel', 'proto-public-client-', kApp, (channel) => ({ event: 'client-x', channel, data: {} })],
        ['a channel the sender is not subscribed to', 'private-proto-client-', kApp,
            () => ({ event: 'client-x', channel: unique('private-proto-elsewhere-'), data: {} })],
        ['data over max_event_data_bytes', 'private-proto-client-big-', kLimited,
            (channel) => ({ event: 'client-x', channel, data: { pad: 'x'.repeat(1500) } })],
        ['an event name over 200 characters', 'private-proto-client-name-', kApp,
            (channel) => ({ event: `client-${'x'.repeat(200)}`, channel, data: {} })],
    ];
    for (const [label, prefix, a, make] of refusals) {
        t(`refused with pusher:error (code null) for ${label}`, async (pool) => {
            const channel = unique(prefix);
            const [one, two] = await pair(pool, channel, a);
            const message = make(channel);
            await one.send(message);
            const error = await one.nextEvent('pusher:error');
            assert.equal(error.data.code, null, JSON.stringify(error));
            assert.equal(typeof error.data.message, 'string');
            await one.roundTrip();
            await two.roundTrip();
            assert.deepEqual(eventsOf(two, message.event), [], `relayed despite ${label}`);
            assert.equal(one.closeInfo, undefined, 'the connection was closed');
        });
    }

    t('an event without the client- prefix from a client is not relayed', async (pool) => {
        const channel = unique('private-proto-noprefix-');
        const [one, two] = await pair(pool, channel);
        await one.send({ event: 'not-a-client-event', channel, data: {} });
        await one.roundTrip();
        await sleep(100);
        await two.roundTrip();
        assert.deepEqual(eventsOf(two, 'not-a-client-event'), []);
    });

    t('over max_client_events_per_second: pusher:error 4301, the connection stays, the rate recovers', async (pool) => {
        const channel = unique('private-proto-rate-');
        const [one, two] = await pair(pool, channel, kLimited);
        const kSent = 12;
        for (let i = 0; i < kSent; i++) await one.send({ event: 'client-burst', channel, data: { i } });
        await one.roundTrip();
        await sleep(200);
        await two.roundTrip();
        const delivered = eventsOf(two, 'client-burst').length;
        const limited = errorsOf(one).filter((e) => e.code === 4301);
        assert.ok(limited.length >= 1, `no 4301 error; errors: ${JSON.stringify(errorsOf(one))}`);
        assert.ok(delivered >= 1 && delivered <= 5, `${delivered} of ${kSent} delivered with a limit of 5/s`);
        assert.equal(delivered + limited.length, kSent, `${delivered} delivered + ${limited.length} refused != ${kSent}`);
        assert.equal(one.closeInfo, undefined, '4301 must not close the connection');
        await sleep(1200);
        await one.send({ event: 'client-later', channel, data: {} });
        await two.nextEvent('client-later');
    });
});

describe('user sign-in (§4.11, §4.12)', () => {
    t('pusher:signin_success echoes user_data; #server-to-user- only for the signed-in user', async (pool) => {
        const client = await pool.connect(url());
        const signin = sdkFor(h.server).authenticateUser(client.socketId, { id: 'ann', user_info: { name: 'Ann' } });
        await client.send({ event: 'pusher:signin', data: signin });
        const success = await client.nextEvent('pusher:signin_success');
        assert.equal(typeof success.data, 'object', JSON.stringify(success));
        assert.equal(success.data.user_data, signin.user_data);
        const own = await client.subscribed('#server-to-user-ann');
        assert.equal(own.channel, '#server-to-user-ann');
        await client.subscribe('#server-to-user-bob');
        await client.nextEvent('pusher:subscription_error', { channel: '#server-to-user-bob' });
        const anonymous = await pool.connect(url());
        await anonymous.subscribe('#server-to-user-ann');
        await anonymous.nextEvent('pusher:subscription_error', { channel: '#server-to-user-ann' });
        await sdkFor(h.server).sendToUser('ann', 'hello', { to: 'ann' });
        const event = await client.nextEvent('hello');
        assert.deepEqual(event, { event: 'hello', channel: '#server-to-user-ann', data: '{"to":"ann"}' });
        await anonymous.roundTrip();
        assert.deepEqual(eventsOf(anonymous, 'hello'), []);
    });

    t('a bad sign-in gets pusher:error 4009 and the connection stays open', async (pool) => {
        const client = await pool.connect(url());
        const signin = sdkFor(h.server, kApp, { secret: 'wrong' }).authenticateUser(client.socketId, { id: 'ann' });
        await client.send({ event: 'pusher:signin', data: signin });
        const error = await client.nextEvent('pusher:error');
        assert.equal(error.data.code, 4009, JSON.stringify(error));
        await client.roundTrip();
        assert.equal(client.closeInfo, undefined);
        assert.deepEqual(eventsOf(client, 'pusher:signin_success'), []);
    });

    t('presence without channel_data uses the signed-in user (§6.5.4); refused when not signed in', async (pool) => {
        const channel = unique('presence-proto-signed-');
        const client = await pool.connect(url());
        const signin = sdkFor(h.server).authenticateUser(client.socketId, { id: 'ann', user_info: { name: 'Ann' } });
        await client.send({ event: 'pusher:signin', data: signin });
        await client.nextEvent('pusher:signin_success');
        const ok = await client.subscribed(channel, { auth: sign(client, channel).auth });
        assert.deepEqual(JSON.parse(ok.data), { presence: { ids: ['ann'], hash: { ann: { name: 'Ann' } }, count: 1 } });
        const stranger = await pool.connect(url());
        await stranger.subscribe(channel, { auth: sign(stranger, channel).auth });
        await stranger.nextEvent('pusher:subscription_error', { channel });
    });
});

describe('subscription_count (§4.15)', () => {
    t('an app with subscription_count_events broadcasts the count on a public channel', async (pool) => {
        const channel = unique('proto-count-');
        const one = await pool.connect(url(kCounting));
        await one.subscribed(channel);
        const two = await pool.connect(url(kCounting));
        await two.subscribed(channel);
        let count;
        for (;;) {
            count = await one.nextEvent('pusher_internal:subscription_count', { channel });
            if (count.data?.subscription_count === 2) break;
        }
        assert.deepEqual(count.data, { subscription_count: 2 });
    });
});

describe('slow consumers (§11.4)', () => {
    // The server drops it at once (its queue is freed, no close frame can pass the full buffers):
    // the client sees 1006, which pusher-js answers like 4100, a retry after 1 s (§5.2).
    t('a subscriber that stops reading is dropped at the app\'s cap while the others get every event', async (pool) => {
        const channel = unique('proto-slow-');
        const slow = await pool.connect(url(kSlowConsumers));
        await slow.subscribed(channel);
        const fast = await pool.connect(url(kSlowConsumers));
        await fast.subscribed(channel);
        let received = 0;
        fast.ws.on('message', (data) => {
            if (JSON.parse(data.toString()).event === 'bulk') received += 1;
        });
        slow.ws.pause();  // the kernel buffers fill, then the server's queue for it passes the cap
        // About 5.4 MB in 9 KB events, paced by the fast subscriber: more than the kernel's socket
        // buffers on loopback (at most 4 MB send + the receiver's window) and the app's 256 KiB
        // cap together, less than those buffers and the server-wide 4 MiB default.
        const sdk = sdkFor(h.server, kSlowConsumers);
        const data = 'x'.repeat(9 * 1024);
        const kBatches = 60;
        for (let i = 0; i < kBatches; i++) {
            await sdk.triggerBatch(Array.from({ length: 10 }, () => ({ channel, name: 'bulk', data })));
            await until(() => received >= (i + 1) * 10, `the fast subscriber's batch ${i}`, 10_000);
        }
        slow.ws.resume();
        const closed = await slow.waitClose('the slow subscriber to be dropped', 10_000);
        assert.equal(closed.code, 1006, JSON.stringify(closed));
        assert.ok(slow.frames.length < kBatches * 10, `the slow subscriber got all ${slow.frames.length} frames`);
        assert.equal(received, kBatches * 10);
        assert.equal(fast.closeInfo, undefined);
    }, 120_000);
});

describe('strict protocol and a path prefix (§2.1, §2.2)', () => {
    const strict = { server: null };
    before(async () => {
        strict.server = await startHerald({ top: { strict_protocol: true, path_prefix: '/ws' }, name: 'herald(strict, /ws)' });
    });
    after(async () => { await strict.server?.stopCleanly(); });
    const ts = (name, fn) => rawTest(strict, name, fn);
    const at = (suffix) => strict.server.url('ws', suffix);

    ts('under the prefix, protocol 7 is accepted', async (pool) => {
        const client = await pool.connect(at(`/ws/app/${kApp.key}?protocol=7&client=js&version=8.6.0&flash=false`));
        await client.roundTrip();
    });

    ts('a missing protocol is refused with 4008 in strict mode', (pool) =>
        expectRefused(pool, at(`/ws/app/${kApp.key}?client=js&version=8.6.0`), 4008, 'no protocol, strict'));

    ts('without the prefix the path is not found (4005)', (pool) =>
        expectRefused(pool, at(`/app/${kApp.key}?protocol=7`), 4005, 'no prefix'));
});
