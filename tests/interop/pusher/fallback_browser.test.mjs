// tests/interop/pusher/fallback_browser.test.mjs
//
// Debian's Chromium, headless through playwright-core, runs pusher-js's unmodified browser build
// with WebSocket removed from the page before pusher-js loads (fallback_page.html, served by the
// test's own HTTP server on another origin than Herald's, so every request is cross-origin with
// its CORS preflight): pusher-js's default strategy falls back to xhr_streaming on its own,
// subscribes, and receives an event triggered with the `pusher` SDK.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { chromium } from 'playwright-core';
import { makeTempDir, serverTest } from '../lib/harness.mjs';
import { kApp, kSocketIdPattern, sdkFor, startAppServer, startHerald } from './harness.mjs';

const kChromium = process.env.HERALD_CHROMIUM || '/usr/bin/chromium';
const kArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const h = { server: null, appServer: null, logs: [] };

before(async () => {
    h.server = await startHerald({ name: 'herald(fallback browser suite)' });
    h.appServer = await startAppServer(h.server);
});
after(async () => {
    await h.appServer?.close();
    await h.server?.stopCleanly();
});

async function pageState(page) {
    return page.evaluate(() => JSON.parse(JSON.stringify(window.heraldResult ?? null))).catch((e) => `unavailable: ${e.message}`);
}

async function waitInPage(page, predicate, what, timeout = 20_000) {
    try {
        await page.waitForFunction(predicate, null, { timeout, polling: 50 });
    } catch (error) {
        throw new Error(`the page never had ${what}: ${error.message}\nwindow.heraldResult: ` +
            `${JSON.stringify(await pageState(page))}\n${h.logs.join('\n')}`);
    }
}

describe('Chromium without WebSocket: pusher-js falls back to HTTP', () => {
    const diagnostics = { diagnostics: () => `--- browser log:\n${h.logs.join('\n') || '(nothing)'}` };
    serverTest('the default strategy connects over xhr_streaming and receives an event', () => [h.server, diagnostics], async () => {
        const channelName = `fallback-browser-${process.pid}`;
        const profile = makeTempDir('chromium-fallback');
        const context = await chromium.launchPersistentContext(path.join(profile, 'user-data'), {
            executablePath: kChromium, headless: true, args: kArgs, timeout: 30_000,
        });
        try {
            const page = context.pages()[0] ?? await context.newPage();
            page.on('console', (m) => h.logs.push(`console.${m.type()}: ${m.text()}`));
            page.on('pageerror', (e) => h.logs.push(`page error: ${e.message}`));
            page.on('requestfailed', (r) => h.logs.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
            const query = new URLSearchParams({ port: String(h.server.port), key: kApp.key, channel: channelName });
            const url = h.appServer.url(`/static/pusher/fallback_page.html?${query}`);
            const response = await page.goto(url, { timeout: 15_000 });
            assert.equal(response.status(), 200, `GET ${url}`);
            assert.equal(await page.evaluate(() => typeof window.WebSocket), 'undefined');

            await waitInPage(page, () => window.heraldResult?.subscribed === true, 'a subscription');
            const state = await pageState(page);
            assert.match(state.socketId, kSocketIdPattern);
            assert.equal(state.transport, 'xhr_streaming');
            await sdkFor(h.server).trigger(channelName, 'news', { headline: 'fallback works' });
            await waitInPage(page, () => window.heraldResult.events.length > 0, 'the news event');
            assert.deepEqual((await pageState(page)).events, [{ headline: 'fallback works' }]);
            assert.deepEqual((await pageState(page)).errors, []);
        } finally {
            await context.close();
        }
    }, { timeout: 90_000 });
});
