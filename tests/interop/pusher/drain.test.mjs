// tests/interop/pusher/drain.test.mjs
//
// A SIGTERM with drain_seconds (docs/OPERATIONS.md, "Stopping"): /readyz answers 503 `draining`
// within 100 ms while a connected pusher-js client still gets events, REST is answered and a new
// connection is accepted; after the drain every connection gets 4200 and the process exits 0.
// Webhooks that could not be delivered (the receiver is down: batched, queued and in retry at the
// signal, plus the departures of the stop itself) are in the spool and arrive after a restart.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { makeTempDir, serverTest } from '../lib/harness.mjs';
import {
    ClientPool, freePort, httpRequest, kApp, nextEvent, RawPool, sdkFor, sleep, startAppServer, subscribed, until,
} from './harness.mjs';
import { startHooked, startReceiver } from './webhook_receiver.mjs';

const kHookWaitMs = 10_000;

function adminUrl(server) {
    const found = /admin on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(server.stderr + server.stdout);
    assert.ok(found, 'the admin listener\'s URL in the log');
    return `http://127.0.0.1:${found[1]}`;
}

describe('drain on SIGTERM', () => {
    const ctx = { servers: [], receiver: null, appServer: null, pool: null, raw: new RawPool() };
    const logs = { diagnostics: () => `--- pusher-js:\n${ctx.pool?.logs.join('\n') || '(nothing)'}` };

    serverTest('not ready at once, still serving for drain_seconds, then 4200, exit 0; webhooks kept for the next start',
        () => [...ctx.servers, ctx.raw, logs], async () => {
            try {
                await drainAndRestart(ctx);
            } finally {
                ctx.pool?.disconnectAll();
                ctx.raw.terminateAll();
                for (const server of ctx.servers) await server.stop();
                await ctx.appServer?.close();
                await ctx.receiver?.close();
            }
        }, { timeout: 60_000 });
});

async function drainAndRestart(ctx) {
    const port = await freePort();  // the receiver's, down until the restart
    const dir = makeTempDir('drain');
    const url = `http://127.0.0.1:${port}/hooks`;
    const first = await startHooked({ url, dir, top: { drain_seconds: 2, admin: { port: 0 } }, name: 'herald(draining)' });
    ctx.servers.push(first);
    const admin = adminUrl(first);
    assert.equal((await httpRequest(`${admin}/readyz`)).status, 200);

    ctx.appServer = await startAppServer(first);
    ctx.pool = new ClientPool(first, ctx.appServer);
    const ann = await ctx.pool.connect({ params: { user_id: 'ann' } });
    const presence = `presence-drain-${process.pid}`;
    const channel = await subscribed(ann, presence);
    const states = [];
    ann.connection.bind('state_change', (s) => states.push(s.current));
    const raw = await ctx.raw.connect(first.wsUrl(kApp.key));
    const open = `drain-${process.pid}`;
    await raw.subscribed(open);
    await sleep(300);  // the batches close; their requests fail and wait for a retry

    first.child.kill('SIGTERM');
    const signalled = Date.now();
    let ready;
    do {
        ready = await httpRequest(`${admin}/readyz`);
    } while (ready.status === 200 && Date.now() - signalled < 1000);
    const notReadyMs = Date.now() - signalled;
    assert.equal(ready.status, 503);
    assert.equal(ready.body, 'draining\n');
    assert.ok(notReadyMs <= 100, `/readyz answered 503 after ${notReadyMs} ms`);

    // Everything is still served: events to pusher-js and raw clients, REST, new connections.
    await sleep(500);
    const during = nextEvent(channel, 'during-drain');
    const rawDuring = raw.nextEvent('during-drain', { channel: open });
    const sdk = sdkFor(first);
    await sdk.trigger([presence, open], 'during-drain', { n: 1 });
    assert.deepEqual((await during).data, { n: 1 });
    await rawDuring;
    const late = await ctx.raw.connect(first.wsUrl(kApp.key));
    await late.subscribed(`${open}-late`);
    assert.deepEqual(states, [], 'pusher-js stayed connected');

    const closed = await raw.waitClose('the 4200 at the end of the drain', 5_000);
    const closedMs = Date.now() - signalled;
    assert.equal(closed.code, 4200);
    assert.equal((await late.waitClose('the late connection\'s 4200')).code, 4200);
    assert.ok(closedMs >= 1900 && closedMs <= 3500, `connections closed ${closedMs} ms after the signal`);
    await until(() => states.length > 0, 'pusher-js leaving `connected`');
    assert.notEqual(states[0], 'connected');
    const exit = await first.exited;
    assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null });

    const spool = path.join(dir, 'webhooks.spool');
    assert.ok(existsSync(spool) && statSync(spool).size > 0, 'the spool holds the undelivered webhooks');
    const receiver = ctx.receiver = await startReceiver({ port });
    const second = await startHooked({ url, dir, name: 'herald(after the drain)' });
    ctx.servers.push(second);
    const names = (ch) => receiver.events().filter((e) => e.channel === ch && e.name !== 'subscription_count')
        .map((e) => (e.user_id ? `${e.name} ${e.user_id}` : e.name));
    await until(() => names(presence).includes('channel_vacated') && names(open).includes('channel_vacated'),
        'the spooled webhooks delivered', kHookWaitMs);
    await sleep(300);
    assert.deepEqual(names(presence), ['channel_occupied', 'member_added ann', 'member_removed ann', 'channel_vacated']);
    assert.deepEqual(names(open), ['channel_occupied', 'channel_vacated']);
    assert.deepEqual(names(`${open}-late`), ['channel_occupied', 'channel_vacated']);
    assert.deepEqual(receiver.invalid, []);
    await second.stopCleanly();
    assert.equal(statSync(spool).size, 0, 'nothing left in the spool');
}
