// tests/interop/pusher/timeouts.test.mjs
//
// The timers of a connection, shortened so they run in seconds: the server's pusher:ping after
// activity_timeout of silence and the 4201 close when nothing answers it within pong_timeout
// (§4.2, §2.4); pusher-js answering those pings and staying connected; the 4009 close of a
// connection that does not sign in to an app requiring user authentication (§4.11, §6.10); and
// the 4200 close every connection gets when the server is stopped (§11.5).
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { serverTest } from '../lib/harness.mjs';
import {
    ClientPool, kApp, nextEvent, RawPool, sdkFor, signedIn, sleep, startAppServer, startHerald, subscribed,
} from './harness.mjs';

const kSeconds = 1;  // activity_timeout, pong_timeout and user_authentication_timeout
const kSignInApp = {
    ...kApp, id: '6001', key: 'interop-signin', secret: 'interop-signin-secret', user_authentication_required: true,
};
const h = { server: null, appServer: null, raw: null, pool: null };

before(async () => {
    h.server = await startHerald({
        apps: [kApp, kSignInApp],
        top: { activity_timeout: kSeconds, pong_timeout: kSeconds, user_authentication_timeout: kSeconds },
        name: 'herald(timeouts)',
    });
    h.appServer = await startAppServer(h.server);
});
after(async () => {
    await h.appServer?.close();
    await h.server?.stopCleanly();
});

function t(name, fn) {
    return serverTest(name, () => [h.server, h.raw], async () => {
        h.raw = new RawPool();
        h.pool = new ClientPool(h.server, h.appServer);
        try {
            await fn(h.raw, h.pool);
        } finally {
            h.raw.terminateAll();
            h.pool.disconnectAll();
        }
    }, { timeout: 30_000 });
}

describe('connection timers', () => {
    t('connection_established announces the configured activity timeout', async (raw) => {
        const client = await raw.connect(h.server.wsUrl(kApp.key));
        assert.equal(JSON.parse(client.established.data).activity_timeout, kSeconds);
    });

    t('a silent connection gets pusher:ping, then 4201 when it does not answer', async (raw) => {
        const client = await raw.connect(h.server.wsUrl(kApp.key));
        const started = Date.now();
        const ping = await client.nextEvent('pusher:ping', { ms: 5_000 });
        assert.equal(ping.event, 'pusher:ping');
        const closed = await client.waitClose('the 4201 close', 6_000);
        assert.equal(closed.code, 4201, JSON.stringify(closed));
        // Not before the server waited at least activity + pong timeout (less a tick of slack).
        assert.ok(Date.now() - started >= 1_500, `closed after ${Date.now() - started} ms`);
    });

    t('a connection that answers every ping stays open and keeps receiving', async (raw) => {
        const client = await raw.connect(h.server.wsUrl(kApp.key));
        await client.subscribed('timers-answering');
        let pings = 0;
        client.ws.on('message', (data) => {
            if (JSON.parse(data.toString()).event === 'pusher:ping') {
                pings += 1;
                client.send({ event: 'pusher:pong', data: {} });
            }
        });
        await sleep(4 * kSeconds * 1000);
        assert.ok(pings >= 1, 'the server never pinged');
        assert.equal(client.closeInfo, undefined, `closed: ${JSON.stringify(client.closeInfo)}`);
        await sdkFor(h.server).trigger('timers-answering', 'still-here', {});
        assert.equal((await client.nextEvent('still-here', { channel: 'timers-answering' })).event, 'still-here');
    });

    t('pusher-js answers the server and stays connected', async (_raw, pool) => {
        const client = await pool.connect();
        const channel = await subscribed(client, 'timers-pusher-js');
        const states = [];
        client.connection.bind('state_change', (s) => states.push(s.current));
        await sleep(4 * kSeconds * 1000);
        assert.equal(client.connection.state, 'connected');
        assert.deepEqual(states, [], 'pusher-js changed state while idle');
        const arrived = nextEvent(channel, 'still-here');
        await sdkFor(h.server).trigger('timers-pusher-js', 'still-here', { ok: true });
        assert.deepEqual((await arrived).data, { ok: true });
    });
});

describe('user authentication required', () => {
    t('a connection that does not sign in is closed with 4009', async (raw) => {
        const client = await raw.connect(h.server.wsUrl(kSignInApp.key));
        const closed = await client.waitClose('the 4009 close', 5_000);
        assert.equal(closed.code, 4009, JSON.stringify(closed));
    });

    t('a connection that signs in in time stays open', async (raw) => {
        const client = await raw.connect(h.server.wsUrl(kSignInApp.key));
        const auth = sdkFor(h.server, kSignInApp).authenticateUser(client.socketId, { id: 'timer-user' });
        await client.send({ event: 'pusher:signin', data: auth });
        await client.nextEvent('pusher:signin_success');
        await sleep(2.5 * kSeconds * 1000);
        assert.equal(client.closeInfo, undefined, `closed: ${JSON.stringify(client.closeInfo)}`);
    });

    t('pusher-js signs in and stays connected', async () => {
        const signInPool = new ClientPool(h.server, await startAppServer(h.server, kSignInApp), kSignInApp);
        try {
            const client = await signInPool.connect({ params: { user_id: 'pusher-js-user' } });
            await signedIn(client);
            await sleep(2.5 * kSeconds * 1000);
            assert.equal(client.connection.state, 'connected');
        } finally {
            signInPool.disconnectAll();
            await signInPool.appServer.close();
        }
    });
});

describe('stopping the server', () => {
    t('every open connection is closed with 4200 and the server exits with status 0', async (raw) => {
        const server = await startHerald({ name: 'herald(drain)' });
        try {
            const clients = await Promise.all([1, 2, 3].map(() => raw.connect(server.wsUrl(kApp.key))));
            await clients[0].subscribed('draining');
            await server.stopCleanly();
            for (const client of clients) {
                const closed = await client.waitClose('the 4200 close');
                assert.equal(closed.code, 4200, JSON.stringify(closed));
            }
        } finally {
            await server.stop();
        }
    });
});
