// tests/interop/sdk/cli.test.mjs
//
// The `herald` client subcommands (trigger, channels, channel, users, auth) against a running
// `herald serve`, with pusher-js receiving: one or several channels, credentials from HERALD_URL
// or flags, JSON output and --pretty tables, and exit status 1 with the server's message when it
// refuses a request. TLS is in tls.test.mjs.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { binary, runToEnd } from '../lib/harness.mjs';
import {
    kApp, kMasterKeyBase64, nextEvent, poolTest, PusherSdk, RawPusher, startAppServer, startHerald, subscribed,
} from '../pusher/harness.mjs';

const h = { server: null, appServer: null, pool: null };
let serial = 0;
const unique = (prefix) => `${prefix}${process.pid}-${++serial}`;

before(async () => {
    h.server = await startHerald({ name: 'herald(cli suite)' });
    h.appServer = await startAppServer(h.server);
});
after(async () => {
    await h.appServer?.close();
    await h.server?.stopCleanly();
});

const heraldUrl = (secret = kApp.secret) => `http://${kApp.key}:${secret}@127.0.0.1:${h.server.port}/apps/${kApp.id}`;

// Runs `herald ARGS` with HERALD_URL pointing at the test server (unless env overrides it).
async function herald(args, env = { HERALD_URL: heraldUrl() }) {
    const result = await runToEnd(binary('HERALD_SERVER'), args, { env: { PUSHER_URL: '', ...env } });
    return { ...result, json: () => JSON.parse(result.stdout) };
}

function expectSuccess(result) {
    assert.equal(result.code, 0, `exit ${result.code}: ${result.stderr}`);
    return result;
}

const t = (name, fn) => poolTest(h, name, fn, { timeout: 60_000 });

describe('herald trigger', () => {
    t('delivers DATA to pusher-js; --socket-id excludes; --info returns counts as JSON or a table', async (pool) => {
        const name = unique('cli-');
        const client = await pool.connect();
        const channel = await subscribed(client, name);
        const got = nextEvent(channel, 'from-cli');
        const sent = expectSuccess(await herald(['trigger', name, 'from-cli', '{"hello":"world"}', '--info', 'subscription_count']));
        assert.deepEqual(sent.json(), { channels: { [name]: { subscription_count: 1 } } });
        assert.deepEqual((await got).data, { hello: 'world' });

        const pretty = expectSuccess(await herald(['trigger', name, 'again', '"x"', '--pretty', '--info', 'subscription_count']));
        assert.match(pretty.stdout, new RegExp(`^sent again to ${name}\\nCHANNEL +subscription_count\\n${name} +1\\n$`));

        const seen = [];
        channel.bind('skipped', () => seen.push('skipped'));
        expectSuccess(await herald(['trigger', name, 'skipped', '{}', '--socket-id', client.connection.socket_id]));
        const sentinel = nextEvent(channel, 'sentinel');
        expectSuccess(await herald(['trigger', name, 'sentinel', '{}']));
        await sentinel;
        assert.deepEqual(seen, []);
    });

    t('several channels before EVENT DATA: each delivers once; 101 channels exit 2 before sending', async (pool) => {
        const names = [unique('cli-many-a-'), unique('cli-many-b-'), unique('cli-many,c-')];  // a comma belongs to a name
        const client = await pool.connect();
        const channels = await Promise.all(names.map((name) => subscribed(client, name)));
        const got = channels.map((channel) => nextEvent(channel, 'fan-out'));
        const sent = expectSuccess(await herald(['trigger', ...names, 'fan-out', '{"n":3}', '--pretty']));
        assert.equal(sent.stdout, `sent fan-out to ${names.join(', ')}\n`);
        for (const event of await Promise.all(got)) assert.deepEqual(event.data, { n: 3 });
        const tooMany = await herald(['trigger', ...Array.from({ length: 101 }, (_, i) => `c${i}`), 'e', '{}']);
        assert.equal(tooMany.code, 2);
        assert.match(tooMany.stderr, /cannot trigger on 101 channels at once: the limit is 100/);
    });

    t('credentials from flags; an encrypted channel with --encryption-master-key is decrypted by pusher-js', async (pool) => {
        const name = unique('private-encrypted-cli-');
        const client = await pool.connect();
        const channel = await subscribed(client, name);
        const got = nextEvent(channel, 'sealed');
        expectSuccess(await herald(['trigger', name, 'sealed', '{"n":1}', '--app-id', kApp.id, '--key', kApp.key,
            '--secret', kApp.secret, '--host', '127.0.0.1', '--port', String(h.server.port), '--no-tls',
            '--encryption-master-key', kMasterKeyBase64], {}));
        assert.deepEqual((await got).data, { n: 1 });
    });

    t('a refused request exits 1 with the server\'s message; bad arguments exit 2', async () => {
        const refused = await herald(['trigger', 'c', 'e', '{}'], { HERALD_URL: heraldUrl('wrong-secret') });
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, /herald trigger: POST \/apps\/4242\/events: HTTP 401: .*Invalid signature/);
        assert.equal(refused.stdout, '');
        const bad = await herald(['trigger', 'bad channel', 'e', '{}']);
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /invalid channel name 'bad channel'/);
        const none = await herald(['channels'], {});
        assert.equal(none.code, 2);
        assert.match(none.stderr, /no app credentials/);
    });
});

describe('herald channels, channel, users, auth', () => {
    t('report what pusher-js subscribed to, as JSON and --pretty', async (pool) => {
        const presence = unique('presence-cli-');
        const alice = await pool.connect({ params: { user_id: 'alice' } });
        const bob = await pool.connect({ params: { user_id: 'bob' } });
        await subscribed(alice, presence);
        await subscribed(bob, presence);

        const listed = expectSuccess(await herald(['channels', '--prefix', presence, '--info', 'user_count'])).json();
        assert.deepEqual(listed, { channels: { [presence]: { user_count: 2 } } });
        const table = expectSuccess(await herald(['channels', '--prefix', presence, '--info', 'user_count', '--pretty'])).stdout;
        assert.match(table, new RegExp(`^CHANNEL +user_count\\n${presence} +2\\n$`));

        const info = expectSuccess(await herald(['channel', presence, '--info', 'user_count,subscription_count'])).json();
        assert.deepEqual(info, { occupied: true, user_count: 2, subscription_count: 2 });
        const infoPretty = expectSuccess(await herald(['channel', presence, '--pretty', '--info', 'user_count'])).stdout;
        assert.match(infoPretty, /^occupied +true\nuser_count +2\n$/);

        const users = expectSuccess(await herald(['users', presence])).json();
        assert.deepEqual(users.users.map((u) => u.id).sort(), ['alice', 'bob']);
        const usersPretty = expectSuccess(await herald(['users', presence, '--pretty'])).stdout;
        assert.deepEqual(usersPretty.trim().split('\n').sort(), ['alice', 'bob']);

        const notPresence = await herald(['users', unique('cli-public-')]);
        assert.equal(notPresence.code, 1);
        assert.match(notPresence.stderr, /HTTP 400/);
    });

    t('herald auth output is what the pusher Node SDK signs, and the server accepts it', async () => {
        const name = unique('presence-cli-auth-');
        const raw = await RawPusher.connect(h.server.wsUrl(kApp.key));
        try {
            const node = new PusherSdk({ appId: kApp.id, key: kApp.key, secret: kApp.secret });
            const member = { user_id: 'carol', user_info: { name: 'Carol' } };
            const ours = expectSuccess(await herald(['auth', name, raw.socketId, '--user-id', 'carol', '--user-info', '{"name":"Carol"}'])).json();
            assert.deepEqual(ours, node.authorizeChannel(raw.socketId, name, member));
            const joined = await raw.subscribed(name, ours);
            assert.deepEqual(JSON.parse(joined.data).presence.ids, ['carol']);
            const privateName = unique('private-cli-auth-');
            const privateAuth = expectSuccess(await herald(['auth', privateName, raw.socketId])).json();
            assert.deepEqual(privateAuth, node.authorizeChannel(raw.socketId, privateName));
            await raw.subscribed(privateName, privateAuth);
        } finally {
            raw.terminate();
        }
    });
});
