// tests/interop/pusher/tls.test.mjs
//
// `herald serve` with a certificate and key: pusher-js connects over wss:// (forceTLS) and over
// its HTTP fallback transports on https://, the official `pusher` SDK triggers over https://, a
// presence subscription is authorized, and a plain ws:// client gets no WebSocket from the TLS
// port. The certificate is a throwaway
// self-signed one, accepted by turning off verification in this test process only.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import WebSocket from 'ws';
import { makeCertificate, makeTempDir, within } from '../lib/harness.mjs';
import {
    kApp, kWaitMs, nextEvent, poolTest, sdkFor, startAppServer, startHerald, subscribed,
} from './harness.mjs';

process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';  // the self-signed certificate of this suite
process.removeAllListeners('warning');           // ...without Node's warning about it on stderr

const kTlsApp = { ...kApp, tls_only: true };  // plain ws:// would be refused by the app too
const h = { server: null, appServer: null, sdk: null, pool: null };

before(async () => {
    const files = makeCertificate(makeTempDir('tls'));
    h.server = await startHerald({
        apps: [kTlsApp], top: { tls: { certificate_chain: files.cert, private_key: files.key } },
        name: 'herald(tls)',
    });
    h.appServer = await startAppServer(h.server, kTlsApp);
    h.sdk = sdkFor(h.server, kTlsApp, { useTLS: true });
});
after(async () => {
    await h.appServer?.close();
    await h.server?.stopCleanly();
});

const t = (name, fn) => poolTest(h, name, fn, { app: kTlsApp });

const tlsClient = (pool, params) =>
    pool.connect({ params, options: { forceTLS: true } });  // pusher-js calls its wss:// transport 'ws' too

describe('herald serve over TLS', () => {
    t('logs wss:// and https:// URLs', async () => {
        assert.match(h.server.stdout + h.server.stderr, /wss:\/\/127\.0\.0\.1:\d+\/app\//);
        assert.match(h.server.stdout + h.server.stderr, /https:\/\/127\.0\.0\.1:\d+\/apps\//);
    });

    t('pusher-js over wss:// receives an event the SDK triggered over https://', async (pool) => {
        const client = await tlsClient(pool);
        const channel = await subscribed(client, 'tls-public');
        const arrived = nextEvent(channel, 'greeting');
        await h.sdk.trigger('tls-public', 'greeting', { over: 'tls' });
        assert.deepEqual((await arrived).data, { over: 'tls' });
    });

    for (const transport of ['xhr_streaming', 'xhr_polling']) {
        t(`pusher-js's HTTP fallback ${transport} over https:// receives an event`, async (pool) => {
            const client = await pool.connect({ options: {
                forceTLS: true, enabledTransports: [transport], httpHost: h.server.host, httpsPort: h.server.port,
            } });
            assert.equal(client.connection.connection?.transport?.name, transport);
            const name = `tls-${transport}`;
            const channel = await subscribed(client, name);
            const arrived = nextEvent(channel, 'greeting');
            await h.sdk.trigger(name, 'greeting', { over: transport });
            assert.deepEqual((await arrived).data, { over: transport });
        });
    }

    t('presence over wss:// lists both members and the REST API answers over https://', async (pool) => {
        const alice = await tlsClient(pool, { user_id: 'alice' });
        await subscribed(alice, 'presence-tls');
        const bob = await tlsClient(pool, { user_id: 'bob' });
        const added = nextEvent(alice.channel('presence-tls'), 'pusher:member_added');
        const channel = await subscribed(bob, 'presence-tls');
        assert.equal(channel.members.count, 2);
        assert.equal((await added).data.id, 'bob');
        const users = await (await h.sdk.get({ path: '/channels/presence-tls/users' })).json();
        assert.deepEqual(users.users.map((u) => u.id).sort(), ['alice', 'bob']);
    });

    t('a plain ws:// client gets no WebSocket from the TLS port', async () => {
        const socket = new WebSocket(h.server.wsUrl(kTlsApp.key));
        const outcome = await within(kWaitMs, new Promise((resolve) => {
            socket.on('open', () => resolve('open'));
            socket.on('error', (error) => resolve(`error: ${error.message}`));
            socket.on('close', () => resolve('closed'));
        }), 'the plain client to fail');
        socket.terminate();
        assert.notEqual(outcome, 'open');
    });
});
