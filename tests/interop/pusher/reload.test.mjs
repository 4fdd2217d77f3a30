// tests/interop/pusher/reload.test.mjs
//
// SIGHUP reloads the configuration file of `herald serve` (docs/OPERATIONS.md, "Reload"): an app
// added to the file accepts connections while an open connection of another app keeps receiving;
// a changed secret signs the next REST request (the old one gets 401); a removed app's
// connections are closed with 4003; a file that does not parse changes nothing and is counted
// as a failed reload, its error logged with file:line. Settings that cannot change live are
// reported as needing a restart and left as they were.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe } from 'node:test';
import {
    ClientPool, httpRequest, kApp, nextEvent, rawTest, renderToml, sdkFor, startAppServer,
    startHerald, subscribed, until,
} from './harness.mjs';

const kAppB = { ...kApp, id: '4343', key: 'reload-key-b', secret: 'reload-secret-b' };
const h = { server: null, raw: null, admin: null, appServer: null, a: null, pool: null };

before(async () => {
    h.server = await startHerald({ name: 'herald(reload)', top: { admin: { port: 0 } } });
    const log = () => h.server.stderr + h.server.stdout;
    await until(() => /admin on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.test(log()), 'the admin URL in the log');
    h.admin = `http://127.0.0.1:${/admin on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(log())[1]}`;
    h.appServer = await startAppServer(h.server);
    h.pool = new ClientPool(h.server, h.appServer, kApp);
    h.a = await h.pool.connect();
    await subscribed(h.a, 'reload-news');
});
after(async () => {
    h.pool?.disconnectAll();
    await h.appServer?.close();
    await h.server?.stopCleanly();
});

async function reloads(result) {
    const r = await httpRequest(`${h.admin}/metrics`);
    const m = new RegExp(`^herald_config_reloads_total\\{result="${result}"\\} (\\d+)$`, 'm').exec(r.body);
    return m ? Number(m[1]) : -1;
}

// Writes `text` (or the file of `apps` and `top`) over the config file, sends SIGHUP and waits
// until the server counted the reload as `result` and logged its outcome.
async function reload({ apps, top = {}, text, result = 'ok' }) {
    const before = await reloads(result);
    const outcomes = () => (h.server.stderr.match(/reloaded: |reload failed/g) ?? []).length;
    const logged = outcomes();
    writeFileSync(h.server.configFile, text ?? renderToml({ ...h.server.top, ...top }, apps));
    h.server.child.kill('SIGHUP');
    await until(async () => (await reloads(result)) === before + 1, `a reload counted as ${result}`);
    await until(() => outcomes() === logged + 1, 'the reload\'s outcome in the log');
}

// The next event `name` on `channel` of client A.
function eventOnA(name) {
    return nextEvent(h.a.channel('reload-news'), name);
}

function t(name, fn) {
    return rawTest(h, name, fn, { timeout: 60_000 });
}

describe('SIGHUP reloads the apps', () => {
    t('an app added to the file connects; the open connection of the other app keeps receiving', async (raw) => {
        const refused = await raw.open(h.server.wsUrl(kAppB.key));
        const error = await refused.nextEvent('pusher:error');
        assert.equal(error.data.code, 4001);

        await reload({ apps: [kApp, kAppB] });
        assert.match(h.server.stderr + h.server.stdout, /reloaded: apps added: 4343; changed: none; removed: none/);
        const b = await raw.connect(h.server.wsUrl(kAppB.key));
        await b.subscribed('reload-b');
        const onA = eventOnA('after-add');
        await sdkFor(h.server, kApp).trigger('reload-news', 'after-add', { n: 1 });
        assert.deepEqual((await onA).data, { n: 1 });
        const onB = b.nextEvent('to-b', { channel: 'reload-b' });
        await sdkFor(h.server, kAppB).trigger('reload-b', 'to-b', { n: 2 });
        assert.equal(JSON.parse((await onB).data).n, 2);
    });

    t('a changed secret signs the next request; the old one is refused', async () => {
        const rotated = { ...kApp, secret: 'rotated-secret' };
        await reload({ apps: [rotated, kAppB] });
        await assert.rejects(sdkFor(h.server, kApp).trigger('reload-news', 'old-secret', {}),
                             (e) => e.status === 401);
        const onA = eventOnA('new-secret');
        await sdkFor(h.server, rotated).trigger('reload-news', 'new-secret', { n: 3 });
        assert.deepEqual((await onA).data, { n: 3 });
        h.rotated = rotated;
    });

    t('a removed app\'s connections are closed with 4003; the other app is untouched', async (raw) => {
        const b = await raw.connect(h.server.wsUrl(kAppB.key));
        await reload({ apps: [h.rotated] });
        const error = await b.nextEvent('pusher:error');
        assert.equal(error.data.code, 4003);
        assert.equal((await b.closed).code, 4003);
        const refused = await raw.open(h.server.wsUrl(kAppB.key));
        assert.equal((await refused.nextEvent('pusher:error')).data.code, 4001);
        assert.equal(h.a.connection.state, 'connected');
        const onA = eventOnA('after-remove');
        await sdkFor(h.server, h.rotated).trigger('reload-news', 'after-remove', { n: 4 });
        assert.deepEqual((await onA).data, { n: 4 });
    });

    t('a disabled app\'s connections are closed with 4003 too', async (raw) => {
        await reload({ apps: [h.rotated, kAppB] });
        const b = await raw.connect(h.server.wsUrl(kAppB.key));
        await reload({ apps: [h.rotated, { ...kAppB, enabled: false }] });
        assert.equal((await b.nextEvent('pusher:error')).data.code, 4003);
        assert.equal((await b.closed).code, 4003);
    });

    t('a file that does not parse changes nothing', async () => {
        await reload({ text: '[[apps]]\nid = "4242"\nkey = \n', result: 'failed' });
        assert.match(h.server.stderr + h.server.stdout, /reload failed, nothing changed: .*herald-1\.toml:3/);
        const onA = eventOnA('after-failure');
        await sdkFor(h.server, h.rotated).trigger('reload-news', 'after-failure', { n: 5 });
        assert.deepEqual((await onA).data, { n: 5 });
    });

    t('a setting that cannot change live is reported and left as it was', async () => {
        await reload({ apps: [h.rotated], top: { activity_timeout: 60, admin: { port: 1 } } });
        const log = h.server.stderr + h.server.stdout;
        assert.match(log, /reload: activity_timeout changed in the configuration: needs a restart/);
        assert.match(log, /reload: admin changed in the configuration: needs a restart/);
        assert.equal((await httpRequest(`${h.admin}/healthz`)).status, 200);
        assert.equal(h.a.connection.state, 'connected');
    });
});
