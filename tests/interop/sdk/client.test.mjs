// tests/interop/sdk/client.test.mjs
//
// herald::client (through client_driver) against `herald serve`, next to the official peers:
// every channel type receives what the `pusher` Node SDK and `herald trigger` (herald::sdk) send,
// with encrypted channels opening what the Node SDK sealed and reporting a payload sealed with
// another key; client events go both ways between herald::client and pusher-js; a presence
// roster seen by herald::client equals pusher-js's through the same joins and leaves; and a
// signed-in herald::client receives the Node SDK's sendToUser and its watchlist's online and
// offline. Reconnection (4200 and a restart, a silent server, 4001) is in
// herald/client/client_test.cpp.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe } from 'node:test';
import { binary, runToEnd, within } from '../lib/harness.mjs';
import {
    kApp, kMasterKeyBase64, kWaitMs, nextEvent, poolTest, sdkFor, signedIn, sleep, startAppServer, startHerald,
    subscribed,
} from '../pusher/harness.mjs';

const h = { server: null, appServer: null, pool: null };
let serial = 0;
const unique = (prefix) => `${prefix}${process.pid}-${++serial}`;
const kSanitizerReport = /(ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: \w+Sanitizer)/;
const drivers = new Set();

before(async () => {
    h.server = await startHerald({ name: 'herald(client suite)' });
    h.appServer = await startAppServer(h.server);
});
after(async () => {
    for (const driver of drivers) driver.child.kill('SIGKILL');
    await h.appServer?.close();
    await h.server?.stopCleanly();
});

// One herald::client in client_driver: what it printed, in order, and commands to it.
class CppClient {
    constructor(params = {}) {
        const config = {
            host: h.server.host, port: h.server.port, key: kApp.key, params,
            auth_endpoint: h.appServer.url('/pusher/auth'), user_auth_endpoint: h.appServer.url('/pusher/user-auth'),
        };
        this.child = spawn(binary('HERALD_CLIENT_DRIVER'), [JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
        drivers.add(this);
        this.lines = [];
        this.stderr = '';
        this.waiters = new Set();
        let buffer = '';
        this.child.stdout.setEncoding('utf8');
        this.child.stdout.on('data', (chunk) => {
            buffer += chunk;
            for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
                this.lines.push(JSON.parse(buffer.slice(0, end)));
                buffer = buffer.slice(end + 1);
            }
            for (const check of [...this.waiters]) check();
        });
        this.child.stderr.setEncoding('utf8');
        this.child.stderr.on('data', (chunk) => { this.stderr += chunk; });
        this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
    }

    send(command) {
        this.child.stdin.write(`${JSON.stringify(command)}\n`);
    }

    // The first line at or after `from` that `match` accepts.
    waitFor(match, what, { from = 0, ms = kWaitMs } = {}) {
        let check;
        return within(ms, new Promise((resolve) => {
            check = () => {
                const found = this.lines.slice(from).find(match);
                if (found) resolve(found);
            };
            this.waiters.add(check);
            check();
        }), `herald::client: ${what}\n--- its lines:\n${this.lines.map((l) => JSON.stringify(l)).join('\n')}`)
            .finally(() => this.waiters.delete(check));
    }

    event(channel, event, what = `${event} on ${channel}`, options = {}) {
        return this.waitFor((l) => l.type === 'event' && l.channel === channel && l.event === event, what, options);
    }

    async connected() {
        return (await this.waitFor((l) => l.type === 'state' && l.state === 'connected', 'connected')).socket_id;
    }

    async subscribe(channel) {
        this.send({ op: 'subscribe', channel });
        await this.event(channel, 'pusher:subscription_succeeded');
    }

    async request(command) {
        const from = this.lines.length;
        this.send(command);
        return this.waitFor((l) => l.type === 'reply' && l.op === command.op, `the answer to ${command.op}`, { from });
    }

    async close() {
        this.child.stdin.end();
        const exit = await within(10_000, this.exited, 'client_driver exiting');
        drivers.delete(this);
        assert.equal(exit.code, 0, `client_driver ended with ${JSON.stringify(exit)}: ${this.stderr}`);
        assert.doesNotMatch(this.stderr, kSanitizerReport);
    }
}

// `herald trigger` (herald::sdk) with the app's credentials.
async function heraldTrigger(channel, event, data) {
    const url = `http://${kApp.key}:${kApp.secret}@127.0.0.1:${h.server.port}/apps/${kApp.id}`;
    const result = await runToEnd(binary('HERALD_SERVER'),
        ['trigger', channel, event, data, '--encryption-master-key', kMasterKeyBase64],
        { env: { HERALD_URL: url, PUSHER_URL: '' } });
    assert.equal(result.code, 0, `herald trigger: ${result.stderr}`);
}

const t = (name, fn) => poolTest(h, name, fn, { timeout: 60_000 });

describe('herald::client against herald serve', () => {
    t('every channel type receives the Node SDK\'s events and herald trigger\'s', async () => {
        const cpp = new CppClient({ user_id: 'cpp' });
        try {
            await cpp.connected();
            const names = ['public-', 'private-', 'presence-', 'private-encrypted-', 'cache-'].map(unique);
            for (const name of names) await cpp.subscribe(name);
            await cpp.event(names[4], 'pusher:cache_miss', 'the empty cache channel\'s pusher:cache_miss');
            const sdk = sdkFor(h.server);
            for (const name of names) {
                const from = cpp.lines.length;
                await sdk.trigger(name, 'from-node', { n: name });
                const node = await cpp.event(name, 'from-node', `the Node SDK's event on ${name}`, { from });
                assert.deepEqual(JSON.parse(node.data), { n: name });
                await heraldTrigger(name, 'from-cpp-sdk', JSON.stringify({ m: name }));
                const cli = await cpp.event(name, 'from-cpp-sdk', `herald trigger's event on ${name}`, { from });
                assert.deepEqual(JSON.parse(cli.data), { m: name });
            }
        } finally {
            await cpp.close();
        }
    });

    t('an encrypted event sealed with another key is reported, not delivered', async () => {
        const cpp = new CppClient();
        try {
            await cpp.connected();
            const name = unique('private-encrypted-tamper-');
            await cpp.subscribe(name);
            const asked = () => h.appServer.requests.filter((r) => r.form.channel_name === name).length;
            assert.equal(asked(), 1);
            const otherKey = Buffer.from('another-master-key-of-32-bytes!!').toString('base64');
            const from = cpp.lines.length;
            await sdkFor(h.server, kApp, { encryptionMasterKeyBase64: otherKey }).trigger(name, 'secret', { s: 1 });
            const report = await cpp.event(name, 'pusher:decryption_error', 'the decryption error', { from });
            assert.equal(JSON.parse(report.data).event, 'secret');
            assert.equal(asked(), 2, 'one new authorization, for a possibly rotated key');
            await sdkFor(h.server).trigger(name, 'fine', { f: 1 });
            await cpp.event(name, 'fine', 'the next good event', { from });
            assert.equal(cpp.lines.slice(from).filter((l) => l.event === 'secret').length, 0);
        } finally {
            await cpp.close();
        }
    });

    t('client events between herald::client and pusher-js, both ways', async (pool) => {
        const cpp = new CppClient({ user_id: 'cpp' });
        try {
            await cpp.connected();
            const js = await pool.connect({ params: { user_id: 'js' } });
            for (const name of [unique('private-chat-'), unique('presence-chat-')]) {
                const channel = await subscribed(js, name);
                await cpp.subscribe(name);
                const heard = nextEvent(channel, 'client-from-cpp', `client-from-cpp on ${name}`);
                const sent = await cpp.request({ op: 'trigger', channel: name, event: 'client-from-cpp', data: '{"c":1}' });
                assert.equal(sent.ok, true, sent.error);
                assert.deepEqual((await heard).data, { c: 1 });
                const from = cpp.lines.length;
                assert.ok(channel.trigger('client-from-js', { j: 2 }));
                const got = await cpp.event(name, 'client-from-js', `client-from-js on ${name}`, { from });
                assert.deepEqual(JSON.parse(got.data), { j: 2 });
                assert.equal(got.user_id, name.startsWith('presence-') ? 'js' : undefined);
            }
        } finally {
            await cpp.close();
        }
    });

    t('a presence roster and its changes equal pusher-js\'s through the same joins and leaves', async (pool) => {
        const name = unique('presence-roster-');
        const cpp = new CppClient({ user_id: 'observer-cpp' });
        try {
            await cpp.connected();
            await cpp.subscribe(name);
            const observer = await pool.connect({ params: { user_id: 'observer-js' } });
            const channel = await subscribed(observer, name);
            const seenByJs = [];
            channel.bind('pusher:member_added', (m) => seenByJs.push(`+${m.id}`));
            channel.bind('pusher:member_removed', (m) => seenByJs.push(`-${m.id}`));
            const joined = await cpp.waitFor((l) => l.event === 'pusher:member_added' && l.user_id === 'observer-js',
                'the js observer joining');
            const from = cpp.lines.indexOf(joined) + 1;
            const seenByCpp = () => cpp.lines.slice(from)
                .filter((l) => l.type === 'event' && l.channel === name && /^pusher:member_(added|removed)$/.test(l.event))
                .map((l) => `${l.event.endsWith('added') ? '+' : '-'}${l.user_id}`);
            const roster = async () => {
                const reply = await cpp.request({ op: 'members', channel: name });
                const js = [];
                channel.members.each((m) => js.push(m.id));
                return { cpp: { count: reply.count, ids: reply.ids, me: reply.me },
                         js: { count: channel.members.count, ids: js.sort(), me: channel.members.me.id } };
            };
            // a joins, b joins, a joins again (a second connection), b leaves, both a's leave.
            const join = async (id) => {
                const client = await pool.connect({ params: { user_id: id } });
                await subscribed(client, name);
                return client;
            };
            const steps = [];
            const settle = async (expected) => {
                await within(kWaitMs, (async () => {
                    while (seenByJs.length < expected || seenByCpp().length < expected) await sleep(20);
                })(), `both observers seeing ${expected} changes (js ${seenByJs}, cpp ${seenByCpp()})`);
                steps.push(await roster());
            };
            const a1 = await join('a');
            await settle(1);
            const b = await join('b');
            await settle(2);
            const a2 = await join('a');
            await sleep(200);  // no member_added for a second connection of a member
            steps.push(await roster());
            b.disconnect();
            await settle(3);
            a1.disconnect();
            await sleep(200);  // a is still there through a2
            steps.push(await roster());
            a2.disconnect();
            await settle(4);
            assert.deepEqual(seenByCpp(), seenByJs);
            assert.deepEqual(seenByJs, ['+a', '+b', '-b', '-a']);
            for (const step of steps) {
                assert.deepEqual({ count: step.cpp.count, ids: step.cpp.ids }, { count: step.js.count, ids: step.js.ids });
            }
            assert.deepEqual(steps.map((s) => s.cpp.ids.join(',')), [
                'a,observer-cpp,observer-js', 'a,b,observer-cpp,observer-js', 'a,b,observer-cpp,observer-js',
                'a,observer-cpp,observer-js', 'a,observer-cpp,observer-js', 'observer-cpp,observer-js',
            ]);
            assert.equal(steps[0].cpp.me, 'observer-cpp');
        } finally {
            await cpp.close();
        }
    });

    t('sign-in: the Node SDK\'s sendToUser arrives, and the watchlist\'s online and offline', async (pool) => {
        const user = unique('user-');
        const watched = unique('watched-');
        const cpp = new CppClient({ user_id: user, watchlist: watched });
        try {
            await cpp.connected();
            cpp.send({ op: 'signin' });
            const success = await cpp.waitFor((l) => l.type === 'user' && l.event === 'pusher:signin_success', 'signin_success');
            assert.equal(JSON.parse(success.data).id, user);
            const from = cpp.lines.length;
            await sleep(100);  // the #server-to-user- subscription follows the success
            await sdkFor(h.server).sendToUser(user, 'hello', { to: user });
            const hello = await cpp.waitFor((l) => l.type === 'user' && l.event === 'hello', 'the user event', { from });
            assert.deepEqual(JSON.parse(hello.data), { to: user });
            assert.equal(hello.channel, `#server-to-user-${user}`);

            const watchedClient = await pool.connect({ params: { user_id: watched } });
            await signedIn(watchedClient);
            const online = await cpp.waitFor((l) => l.type === 'watchlist' && l.event === 'online' &&
                JSON.parse(l.data).user_ids.includes(watched), 'online', { from });
            const after = cpp.lines.indexOf(online) + 1;
            watchedClient.disconnect();
            const offline = await cpp.waitFor((l) => l.type === 'watchlist' && l.event === 'offline' &&
                JSON.parse(l.data).user_ids.includes(watched), 'offline', { from: after, ms: 10_000 });
            assert.deepEqual(JSON.parse(offline.data), { name: 'offline', user_ids: [watched] });
        } finally {
            await cpp.close();
        }
    });
});
