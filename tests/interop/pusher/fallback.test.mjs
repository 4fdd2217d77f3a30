// tests/interop/pusher/fallback.test.mjs
//
// pusher-js (Node build, unmodified) over its HTTP fallback transports against `herald serve`
// (docs/HTTP_FALLBACK.md): with `enabledTransports: ['xhr_streaming']` and, separately,
// `['xhr_polling']`, it connects on the main port under /pusher, subscribes to public, private and
// presence channels, receives events triggered with the `pusher` SDK, exchanges client events and
// presence member events with a WebSocket client, signs in and receives sendToUser, is closed by
// terminateUserConnections (4009), and after the 4200 of a server stop reconnects to the next
// server on the same port.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { serverTest } from '../lib/harness.mjs';
import {
    ClientPool, kSocketIdPattern, kWaitMs, nextEvent, poolTest, sdkFor, signedIn, startAppServer,
    startHerald, subscribed, until, waitConnected,
} from './harness.mjs';

const h = { server: null, appServer: null, sdk: null, pool: null };
let serial = 0;
const unique = (prefix) => `${prefix}${process.pid}-${++serial}`;

// A short activity timeout: a polling client that leaves without a word (pusher-js sends none)
// is closed after it, so its member_removed comes within the test's wait.
const kActivityTimeoutSeconds = 3;

before(async () => {
    h.server = await startHerald({ name: 'herald(fallback suite)', top: { activity_timeout: kActivityTimeoutSeconds } });
    h.appServer = await startAppServer(h.server);
    h.sdk = sdkFor(h.server);
});
after(async () => {
    await h.appServer?.close();
    await h.server?.stopCleanly();
});

// pusher-js options for one HTTP transport to `server` (httpPath left at its default, /pusher).
function over(transport, server = h.server) {
    return {
        enabledTransports: [transport], httpHost: server.host, httpPort: server.port, httpsPort: server.port,
        forceTLS: false,
    };
}

const transportOf = (client) => client.connection.connection?.transport?.name;

// The next pusher:error pusher-js reports on its connection (its code).
function nextError(client, what) {
    return nextEvent(client.connection, 'error', what).then(({ data }) => data?.data?.code ?? data?.error?.data?.code);
}

for (const transport of ['xhr_streaming', 'xhr_polling']) {
    describe(`pusher-js over ${transport}`, () => {
        const t = (name, fn, timeout = 30_000) => poolTest(h, name, fn, { timeout });
        const connect = (pool, params = {}) => pool.connect({ params, options: over(transport) });

        t('connects with a socket_id and receives public events triggered with the SDK', async (pool) => {
            const client = await connect(pool);
            assert.equal(transportOf(client), transport);
            assert.match(client.connection.socket_id, kSocketIdPattern);
            const name = unique('fallback-public-');
            const channel = await subscribed(client, name);
            for (let i = 0; i < 3; i++) {
                const arrived = nextEvent(channel, 'greeting', `greeting ${i}`);
                await h.sdk.trigger(name, 'greeting', { i, text: 'héllo "quoted"\n' });
                assert.deepEqual((await arrived).data, { i, text: 'héllo "quoted"\n' });
            }
        });

        t('private channel: client events both ways with a WebSocket client', async (pool) => {
            const http = await connect(pool);
            const ws = await pool.connect();
            const name = unique('private-fallback-');
            const [a, b] = [await subscribed(http, name), await subscribed(ws, name)];
            const toWs = nextEvent(b, 'client-ping', 'the HTTP client\'s event at the WebSocket client');
            assert.equal(a.trigger('client-ping', { from: transport }), true);
            assert.deepEqual((await toWs).data, { from: transport });
            const toHttp = nextEvent(a, 'client-pong', 'the WebSocket client\'s event at the HTTP client');
            assert.equal(b.trigger('client-pong', { from: 'ws' }), true);
            assert.deepEqual((await toHttp).data, { from: 'ws' });
        });

        t('presence: member_added and member_removed across a WebSocket and an HTTP client', async (pool) => {
            const name = unique('presence-fallback-');
            const ws = await pool.connect({ params: { user_id: 'ws-user' } });
            const wsChannel = await subscribed(ws, name);
            const added = nextEvent(wsChannel, 'pusher:member_added', 'member_added of the HTTP user');
            const http = await connect(pool, { user_id: 'http-user' });
            const httpChannel = await subscribed(http, name);
            assert.equal((await added).data.id, 'http-user');
            assert.equal(httpChannel.members.count, 2);
            assert.ok(httpChannel.members.get('ws-user'), 'the roster has the WebSocket user');
            const wsAdded = nextEvent(httpChannel, 'pusher:member_added', 'member_added at the HTTP client');
            const other = await pool.connect({ params: { user_id: 'ws-user-2' } });
            await subscribed(other, name);
            assert.equal((await wsAdded).data.id, 'ws-user-2');
            // A stream's end is seen at once (then a few seconds' grace for pusher-js to reopen
            // it); a poll is not: the session waits for the next one for the activity timeout.
            const removed = nextEvent(wsChannel, 'pusher:member_removed', 'member_removed of the HTTP user',
                (3 * kActivityTimeoutSeconds + 7) * 1000);
            http.disconnect();
            assert.equal((await removed).data.id, 'http-user');
        });

        t('signs in, receives sendToUser, and terminateUserConnections closes it with 4009', async (pool) => {
            const user = unique('fallback-user-');
            const client = await connect(pool, { user_id: user });
            await signedIn(client);
            const delivered = nextEvent(client.user, 'note', 'the sendToUser event');
            await h.sdk.sendToUser(user, 'note', { hello: user });
            assert.deepEqual((await delivered).data, { hello: user });
            const code = nextError(client, 'the pusher:error of the termination');
            await h.sdk.terminateUserConnections(user);
            assert.equal(await code, 4009);
            await until(() => client.connection.state !== 'connected', 'pusher-js leaving `connected`');
        });
    });
}

describe('pusher-js over HTTP: server stop', () => {
    const ctx = { servers: [], pool: null };
    const logs = { diagnostics: () => `--- pusher-js:\n${ctx.pool?.logs.join('\n') || '(nothing)'}` };
    serverTest('4200 on stop, then both transports reconnect to the next server on the same port',
        () => [...ctx.servers, logs], async () => {
            try {
                const first = await startHerald({ name: 'herald(stopping)' });
                ctx.servers.push(first);
                const appServer = await startAppServer(first);
                ctx.pool = new ClientPool(first, appServer);
                const clients = [];
                for (const transport of ['xhr_streaming', 'xhr_polling']) {
                    clients.push(await ctx.pool.connect({ options: over(transport, first) }));
                }
                const codes = clients.map((c) => nextError(c, 'the 4200 of the stop'));
                const stopped = first.stopCleanly();
                assert.deepEqual(await Promise.all(codes), [4200, 4200]);
                await stopped;
                const second = await startHerald({ name: 'herald(after the stop)', top: { port: first.port } });
                ctx.servers.push(second);
                // pusher-js backs off after failed attempts: up to its 15 s retry.
                for (const client of clients) await waitConnected(client, 40_000);
                const name = unique('fallback-after-stop-');
                const channels = await Promise.all(clients.map((c) => subscribed(c, name)));
                const arrived = channels.map((c) => nextEvent(c, 'back', 'an event after the reconnect', kWaitMs));
                await sdkFor(second).trigger(name, 'back', { ok: true });
                for (const event of await Promise.all(arrived)) assert.deepEqual(event.data, { ok: true });
                await appServer.close();
            } finally {
                ctx.pool?.disconnectAll();
                for (const server of ctx.servers) await server.stop();
            }
        }, { timeout: 90_000 });
});
