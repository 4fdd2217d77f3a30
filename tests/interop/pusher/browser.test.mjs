// tests/interop/pusher/browser.test.mjs
//
// Debian's Chromium, headless through playwright-core, runs pusher-js's unmodified browser build
// against `herald serve`. The page (presence_page.html, served with pusher-js by the test's own
// HTTP server on 127.0.0.1, which also signs authorizations with the `pusher` SDK) joins a
// presence channel; a Node pusher-js client joins the same channel; the page must see the
// member_added, an event triggered with the SDK and the Node client's client event, and the Node
// client must see the browser's client event and its leaving.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { chromium } from 'playwright-core';
import { makeTempDir, serverTest } from '../lib/harness.mjs';
import {
    ClientPool, kApp, kSocketIdPattern, nextEvent, sdkFor, startAppServer, startHerald, subscribed,
} from './harness.mjs';

const kChromium = process.env.HERALD_CHROMIUM || '/usr/bin/chromium';
const kArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const h = { server: null, appServer: null, pool: null, logs: [] };

before(async () => {
    h.server = await startHerald({ name: 'herald(browser suite)' });
    h.appServer = await startAppServer(h.server);
});
after(async () => {
    h.pool?.disconnectAll();
    await h.appServer?.close();
    await h.server?.stopCleanly();
});

async function pageState(page) {
    return page.evaluate(() => JSON.parse(JSON.stringify(window.heraldResult ?? null))).catch((e) => `unavailable: ${e.message}`);
}

// Waits until `predicate(window.heraldResult)` holds in the page (the predicate runs in the page).
async function waitInPage(page, predicate, what, timeout = 15_000) {
    try {
        await page.waitForFunction(predicate, null, { timeout, polling: 50 });
    } catch (error) {
        throw new Error(`the page never had ${what}: ${error.message}\nwindow.heraldResult: ` +
            `${JSON.stringify(await pageState(page))}\n${h.logs.join('\n')}`);
    }
}

describe('Chromium with pusher-js (browser build) against herald', () => {
    const diagnostics = { diagnostics: () => `--- browser and pusher-js log:\n${h.logs.join('\n') || '(nothing)'}` };
    serverTest('presence: member_added, a triggered event and client events both ways', () => [h.server, diagnostics], async () => {
        const channelName = `presence-browser-${process.pid}`;
        const profile = makeTempDir('chromium-pusher');
        const context = await chromium.launchPersistentContext(path.join(profile, 'user-data'), {
            executablePath: kChromium, headless: true, args: kArgs, timeout: 30_000,
        });
        h.pool = new ClientPool(h.server, h.appServer);
        try {
            const page = context.pages()[0] ?? await context.newPage();
            page.on('console', (m) => h.logs.push(`console.${m.type()}: ${m.text()}`));
            page.on('pageerror', (e) => h.logs.push(`page error: ${e.message}`));
            page.on('requestfailed', (r) => h.logs.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
            const query = new URLSearchParams({ port: String(h.server.port), key: kApp.key, channel: channelName, user: 'browser-user' });
            const url = h.appServer.url(`/static/pusher/presence_page.html?${query}`);
            const response = await page.goto(url, { timeout: 15_000 });
            assert.equal(response.status(), 200, `GET ${url}`);

            await waitInPage(page, () => window.heraldResult?.subscribed === true, 'a presence subscription');
            let state = await pageState(page);
            assert.match(state.socketId, kSocketIdPattern);
            assert.deepEqual(state.me, { id: 'browser-user', info: { name: 'Browser' } });
            assert.deepEqual(state.members, [{ id: 'browser-user', info: { name: 'Browser' } }]);
            assert.deepEqual(state.errors, []);

            const node = await h.pool.connect({ params: { user_id: 'node-user', user_name: 'Node' } });
            const nodeChannel = await subscribed(node, channelName);
            assert.equal(nodeChannel.members.count, 2);
            assert.deepEqual(nodeChannel.members.get('browser-user'), { id: 'browser-user', info: { name: 'Browser' } });
            await waitInPage(page, () => window.heraldResult.events.some((e) => e.event === 'member_added'), 'member_added');
            state = await pageState(page);
            assert.deepEqual(state.events.filter((e) => e.event === 'member_added'),
                [{ event: 'member_added', id: 'node-user', info: { name: 'Node' } }]);
            assert.equal(state.members.length, 2);

            const response2 = await sdkFor(h.server).trigger(channelName, 'news', { headline: 'Herald speaks Pusher', n: 1 });
            assert.equal(response2.status, 200);
            await waitInPage(page, () => window.heraldResult.events.some((e) => e.event === 'news'), 'the news event');
            state = await pageState(page);
            assert.deepEqual(state.events.find((e) => e.event === 'news').data, { headline: 'Herald speaks Pusher', n: 1 });

            assert.equal(nodeChannel.trigger('client-hello', { from: 'node' }), true);
            await waitInPage(page, () => window.heraldResult.events.some((e) => e.event === 'client-hello'), 'the client event from Node');
            state = await pageState(page);
            assert.deepEqual(state.events.find((e) => e.event === 'client-hello'),
                { event: 'client-hello', data: { from: 'node' }, metadata: { user_id: 'node-user' } });

            const atNode = nextEvent(nodeChannel, 'client-hello', 'the client event from the browser');
            assert.equal(await page.evaluate(() => window.heraldWhisper({ from: 'browser' })), true);
            const whisper = await atNode;
            assert.deepEqual(whisper.data, { from: 'browser' });
            assert.deepEqual(whisper.metadata, { user_id: 'browser-user' });

            const left = nextEvent(nodeChannel, 'pusher:member_removed', 'member_removed when the page closes');
            await page.close();
            assert.equal((await left).data.id, 'browser-user');
        } finally {
            await context.close();
            h.pool.disconnectAll();
        }
    }, { timeout: 90_000 });
});
