// tests/interop/pusher/fallback_split.test.mjs
//
// pusher-js's HTTP fallback transports when the REST API has its own port (`api_port`,
// docs/HTTP_FALLBACK.md "Where they are served"): pusher-js (Node build, unmodified) with
// `enabledTransports: ['xhr_streaming']` and, separately, `['xhr_polling']`, its httpPort the
// main port or the API port, connects, subscribes to a public channel and receives the events the
// `pusher` SDK triggers at the API port. REST on the main port answers 404, also to the SDK.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
    freePort, httpRequest, kApp, kSocketIdPattern, nextEvent, poolTest, sdkFor, startAppServer,
    startHerald, subscribed,
} from './harness.mjs';

const h = { server: null, appServer: null, sdk: null, pool: null };
let serial = 0;
const unique = (prefix) => `${prefix}${process.pid}-${++serial}`;

before(async () => {
    const apiPort = await freePort();
    h.server = await startHerald({ name: 'herald(split API port)', top: { api_port: apiPort } });
    assert.notEqual(h.server.apiPort, h.server.port);
    h.appServer = await startAppServer(h.server);
    h.sdk = sdkFor(h.server);  // at the API port
});
after(async () => {
    await h.appServer?.close();
    await h.server?.stopCleanly();
});

// pusher-js options for one HTTP transport to `port` of the server (httpPath left at /pusher).
function over(transport, port) {
    return { enabledTransports: [transport], httpHost: h.server.host, httpPort: port, httpsPort: port, forceTLS: false };
}

const transportOf = (client) => client.connection.connection?.transport?.name;

describe('REST with its own port', () => {
    test('the REST API answers on the API port and 404 on the main port, to the SDK too', async () => {
        const path = `/apps/${kApp.id}/channels`;
        assert.equal((await httpRequest(`http://${h.server.host}:${h.server.apiPort}/up`)).status, 200);
        const main = await httpRequest(`http://${h.server.host}:${h.server.port}${path}`);
        assert.equal(main.status, 404);
        assert.match(main.body, /own listener/);
        const atMain = sdkFor(h.server, kApp, { port: String(h.server.port) });
        await assert.rejects(atMain.trigger(unique('split-rest-'), 'nope', {}), (error) => error.status === 404);
        await assert.rejects(atMain.get({ path: '/channels' }), (error) => error.status === 404);
        const channels = await h.sdk.get({ path: '/channels' });
        assert.equal(channels.status, 200);
    });
});

for (const [which, portOf] of [['main port', () => h.server.port], ['API port', () => h.server.apiPort]]) {
    for (const transport of ['xhr_streaming', 'xhr_polling']) {
        describe(`pusher-js over ${transport} on the ${which}`, () => {
            poolTest(h, 'connects, subscribes to a public channel and receives events triggered at the API port', async (pool) => {
                const client = await pool.connect({ options: over(transport, portOf()) });
                assert.equal(transportOf(client), transport);
                assert.match(client.connection.socket_id, kSocketIdPattern);
                const name = unique('split-public-');
                const channel = await subscribed(client, name);
                for (let i = 0; i < 3; i++) {
                    const arrived = nextEvent(channel, 'greeting', `greeting ${i}`);
                    await h.sdk.trigger(name, 'greeting', { i, over: transport });
                    assert.deepEqual((await arrived).data, { i, over: transport });
                }
            });
        });
    }
}
