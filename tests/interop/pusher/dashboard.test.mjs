// tests/interop/pusher/dashboard.test.mjs
//
// Debian's Chromium, headless through playwright-core, drives the dashboard that `herald serve`
// serves at /dashboard on its admin listener. One Chromium for the suite, one herald per describe.
// With an admin token: the login refuses a wrong token; a pusher-js client's connection and
// presence subscription show in the debug console and the channel explorer; an event triggered
// with the `pusher` SDK shows with its data; the event creator reaches the pusher-js client and
// shows the REST API's errors; HTML in event data stays text; Pause, Resume and the console's
// filters work; the live charts draw; the admin API refuses a POST without the CSRF token or from
// a foreign Origin. Without a token: a loopback admin listener opens straight to the apps, and a
// non-loopback one refuses to start.
// A screenshot of each view goes to $HERALD_ARTIFACT_DIR (set by CMake; else a temp directory).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { chromium } from 'playwright-core';
import { binary, makeTempDir, runToEnd, serverTest, writeFile } from '../lib/harness.mjs';
import {
    ClientPool, freePort, httpRequest, kApp, kSocketIdPattern, nextEvent, renderToml, sdkFor, sleep,
    startAppServer, startHerald, subscribed,
} from './harness.mjs';
import { adminBase } from './console_stream.mjs';

const kChromium = process.env.HERALD_CHROMIUM || '/usr/bin/chromium';
const kArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const kToken = 'dashboard-test-token';  // admin.token takes at least 16 characters
const kConsoleWaitMs = 2_000;  // the brief: a connection shows in the console within 2 s
const kPageWaitMs = 15_000;
const kViews = ['apps', 'console', 'channels', 'creator', 'charts', 'node'];
const kChartStroke = [31, 95, 168];  // kChartStroke of dashboard/app.js
const kXss = '<img src=x onerror=alert(1)>';

const kArtifacts = process.env.HERALD_ARTIFACT_DIR || mkdtempSync(path.join(tmpdir(), 'herald-dashboard-artifacts-'));
mkdirSync(kArtifacts, { recursive: true });

const shared = { browser: null };

before(async () => {
    shared.browser = await chromium.launch({ executablePath: kChromium, headless: true, args: kArgs, timeout: 30_000 });
});
after(async () => {
    await shared.browser?.close();
});


// A fresh browser context and page whose console, errors and dialogs land in `h`.
async function openPage(h) {
    const context = await shared.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    page.on('console', (m) => h.logs.push(`console.${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => h.logs.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => h.logs.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('dialog', (d) => {
        h.dialogs.push(d.message());
        d.dismiss().catch(() => {});
    });
    return { context, page };
}

function newState() {
    return { server: null, appServer: null, admin: null, context: null, page: null, logs: [], dialogs: [], pool: null };
}

function diagnosticsOf(h) {
    return { diagnostics: () => `--- browser log:\n${h.logs.join('\n') || '(nothing)'}` };
}

// The Content-Security-Policy violations Chromium reported on the console.
function cspViolations(h) {
    return h.logs.filter((line) => /Content Security Policy/i.test(line));
}

async function screenshot(page, id, name = id) {
    await page.locator(`#${id}`).screenshot({ path: path.join(kArtifacts, `${name}.png`) });
}

// Waits until the page holds a console row of `kind` whose parts (class -> text) are all
// present; resolves to the row's text.
async function consoleRow(page, kind, parts, timeout = kPageWaitMs) {
    const handle = await page.waitForFunction(({ kind, parts }) => {
        for (const row of document.querySelectorAll(`#console-rows > li[data-kind="${kind}"]`)) {
            const ok = Object.entries(parts).every(([cls, text]) =>
                [...row.querySelectorAll(`.${cls}`)].some((e) => e.textContent === text));
            if (ok) return row.textContent;
        }
        return false;
    }, { kind, parts }, { timeout, polling: 50 });
    return handle.jsonValue();
}

async function consoleText(page) {
    return page.locator('#console-rows').innerText().catch((e) => `unavailable: ${e.message}`);
}

describe('the dashboard with an admin token', () => {
    const h = newState();
    const channelName = `presence-dashboard-${process.pid}`;

    before(async () => {
        h.server = await startHerald({ name: 'herald(dashboard)', top: { admin: { port: 0, token: kToken } } });
        h.admin = await adminBase(h.server);
        h.appServer = await startAppServer(h.server);
        ({ context: h.context, page: h.page } = await openPage(h));
        h.pool = new ClientPool(h.server, h.appServer);
    });
    after(async () => {
        h.pool?.disconnectAll();
        await h.context?.close();
        await h.appServer?.close();
        await h.server?.stopCleanly();
    });

    const t = (name, fn, timeout = 60_000) => serverTest(name, () => [h.server, diagnosticsOf(h)], fn, { timeout });

    t('logs in with the token; a wrong token is refused and the page says so', async () => {
        const { page } = h;
        const response = await page.goto(`${h.admin}/dashboard`, { timeout: kPageWaitMs });
        assert.equal(response.status(), 200, `GET ${h.admin}/dashboard`);
        const csp = response.headers()['content-security-policy'] ?? '';
        assert.match(csp, /script-src 'self'/, `the page's Content-Security-Policy: ${csp}`);
        assert.match(csp, /frame-ancestors 'none'/, `the page's Content-Security-Policy: ${csp}`);

        await page.locator('#login').waitFor({ state: 'visible', timeout: kPageWaitMs });
        assert.equal(await page.locator('#apps').isVisible(), false, 'the apps show before the login');
        await screenshot(page, 'login');

        await page.getByLabel('Token').fill('not-the-token');
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.getByRole('alert').filter({ hasText: 'Wrong token' }).waitFor({ timeout: kPageWaitMs });
        assert.equal(await page.locator('#apps').isVisible(), false, 'a wrong token opened the apps');

        await page.getByLabel('Token').fill(kToken);
        await page.getByLabel('Token').press('Enter');  // the keyboard submits the form
        await page.locator('#apps').waitFor({ state: 'visible', timeout: kPageWaitMs });
        assert.equal(await page.locator('#login').isVisible(), false);
        assert.equal(await page.getByRole('button', { name: 'Log out' }).isVisible(), true);
        await page.locator('#apps-rows tr').first().waitFor({ timeout: kPageWaitMs });
        assert.equal(await page.getByLabel('App', { exact: true }).inputValue(), kApp.id);
        const row = await page.locator('#apps-rows tr').first().innerText();
        assert.match(row, new RegExp(`${kApp.id}\\s+${kApp.key}`));
        assert.doesNotMatch(await page.content(), new RegExp(kApp.secret), 'the page shows an app secret');
        assert.deepEqual(cspViolations(h), []);
    });

    t('a pusher-js client: its connection and presence subscription show in the console and the explorer', async () => {
        const { page } = h;
        await page.locator('#console-status', { hasText: `Live feed open for app ${kApp.id}` })
            .waitFor({ timeout: kPageWaitMs });
        const client = await h.pool.connect({ params: { user_id: 'dash-user', user_name: 'Dash' } });
        const socketId = client.connection.socket_id;
        assert.match(socketId, kSocketIdPattern);
        await subscribed(client, channelName);
        const subscribedAt = Date.now();
        try {
            await consoleRow(page, 'connection_opened', { 'socket-id': socketId }, kConsoleWaitMs);
            await consoleRow(page, 'subscribed', { 'socket-id': socketId, channel: channelName },
                Math.max(1, kConsoleWaitMs - (Date.now() - subscribedAt)));
        } catch (error) {
            throw new Error(`the console did not show the connection ${socketId} and its subscription to ` +
                `${channelName} within ${kConsoleWaitMs} ms: ${error.message}\nconsole:\n${await consoleText(page)}`);
        }

        const button = page.locator('#channels-rows button.channel', { hasText: channelName });
        await page.getByRole('button', { name: 'Refresh' }).click();
        await button.waitFor({ timeout: kPageWaitMs });
        const row = await page.locator('#channels-rows tr', {
            has: page.locator('button.channel', { hasText: channelName }),
        }).innerText();
        assert.match(row, /presence\s+1\s+1/, `the explorer's row: ${row}`);
        await button.focus();
        await page.keyboard.press('Enter');
        const member = page.locator('#channel-members .member', { has: page.locator('.user-id', { hasText: 'dash-user' }) });
        await member.waitFor({ timeout: kPageWaitMs });
        assert.deepEqual(JSON.parse(await member.locator('.user-info').innerText()), { name: 'Dash' });
        assert.equal(await page.locator('#channel-detail-title').innerText(), channelName);
    });

    t('the SDK\'s event shows in the console; the event creator reaches pusher-js and shows the REST API\'s errors', async () => {
        const { page } = h;
        const client = h.pool.clients.at(-1);
        assert.ok(client, 'the previous test\'s client');
        const channel = client.channel(channelName);

        const data = { headline: 'from the SDK', n: 42 };
        const triggered = await sdkFor(h.server).trigger(channelName, 'sdk-news', data);
        assert.equal(triggered.status, 200);
        const text = await consoleRow(page, 'api_message', { event: 'sdk-news', data: JSON.stringify(data) })
            .catch(async (e) => assert.fail(`${e.message}\nconsole:\n${await consoleText(page)}`));
        assert.match(text, new RegExp(channelName));

        const received = nextEvent(channel, 'dashboard-news', 'the event creator\'s event at pusher-js');
        await page.getByLabel('Channel', { exact: true }).fill(channelName);
        await page.getByLabel('Event', { exact: true }).fill('dashboard-news');
        await page.getByLabel('Data', { exact: true }).fill('{"from":"the dashboard"}');
        await page.getByRole('button', { name: 'Send' }).click();
        assert.deepEqual((await received).data, { from: 'the dashboard' });
        await page.locator('#creator-status', { hasText: 'Sent' }).waitFor({ timeout: kPageWaitMs });
        assert.equal(await page.locator('#creator-error').innerText(), '');

        // The REST API's own answers to the same mistakes, signed by the SDK (which would refuse
        // the bad channel name before sending it).
        const sdk = sdkFor(h.server);
        const cases = [
            { what: 'a channel name with a space', channel: 'bad channel', data: 'x' },
            { what: '11 KB of data', channel: channelName, data: 'x'.repeat(11 * 1024) },
        ];
        for (const c of cases) {
            const rest = await sdk.post({ path: '/events', body: { name: 'e', channels: [c.channel], data: c.data } })
                .then((r) => ({ status: r.status, body: '' }), (e) => ({ status: e.status, body: String(e.body ?? '') }));
            assert.ok(rest.status >= 400, `the REST API accepted ${c.what}: ${rest.status}`);
            await page.getByLabel('Channel', { exact: true }).fill(c.channel);
            await page.getByLabel('Event', { exact: true }).fill('e');
            await page.getByLabel('Data', { exact: true }).fill(c.data);
            await page.getByRole('button', { name: 'Send' }).click();
            const alert = page.locator('#creator-error');
            await page.waitForFunction(() => document.getElementById('creator-error').textContent !== '', null,
                { timeout: kPageWaitMs });
            assert.equal(await alert.getAttribute('role'), 'alert');
            assert.equal((await alert.innerText()).trim(), rest.body.trim(), `the page's error for ${c.what}`);
            assert.equal(await page.locator('#creator-status').innerText(), '', `"Sent" after ${c.what}`);
        }
    });

    t('HTML in event data is shown as text and runs nothing', async () => {
        const { page } = h;
        const triggered = await sdkFor(h.server).trigger(channelName, 'xss-test', kXss);
        assert.equal(triggered.status, 200);
        await consoleRow(page, 'api_message', { event: 'xss-test', data: kXss })
            .catch(async (e) => assert.fail(`${e.message}\nconsole:\n${await consoleText(page)}`));
        // The same text as a client event, from the pusher-js client.
        const client = h.pool.clients.at(-1);
        assert.equal(client.channel(channelName).trigger('client-xss', kXss), true);
        await consoleRow(page, 'client_event', { event: 'client-xss', data: kXss })
            .catch(async (e) => assert.fail(`${e.message}\nconsole:\n${await consoleText(page)}`));
        await sleep(500);  // time enough for an image's onerror to fire
        assert.equal(await page.locator('#console img').count(), 0, 'an <img> element in the console');
        assert.equal(await page.locator('img').count(), 0, 'an <img> element in the page');
        assert.deepEqual(h.dialogs, [], 'a dialog opened');
        assert.match(await consoleText(page), /<img src=x onerror=alert\(1\)>/);
    });

    t('Pause counts events and Resume shows them; the channel and kind filters hide rows', async () => {
        const { page } = h;
        const sdk = sdkFor(h.server);
        const otherChannel = `dashboard-other-${process.pid}`;
        await page.getByRole('button', { name: 'Pause' }).click();
        await sdk.trigger(channelName, 'while-paused', { n: 1 });
        await page.locator('#console-status', { hasText: 'Paused: 1 new event' }).waitFor({ timeout: kPageWaitMs });
        assert.equal(await page.locator('#console-rows .event', { hasText: 'while-paused' }).count(), 0,
            'a row shown while paused');
        await page.getByRole('button', { name: 'Resume' }).click();
        await consoleRow(page, 'api_message', { event: 'while-paused' });

        await sdk.trigger(otherChannel, 'elsewhere', { n: 2 });
        await consoleRow(page, 'api_message', { event: 'elsewhere', channel: otherChannel });
        const visible = (event) => page.locator('#console-rows > li:visible', {
            has: page.locator('.event', { hasText: event }),
        }).count();
        await page.getByLabel('Channel filter').fill(channelName);
        assert.equal(await visible('elsewhere'), 0, 'the channel filter kept another channel\'s row');
        assert.ok(await visible('while-paused') > 0, 'the channel filter hid a matching row');
        await page.getByLabel('Channel filter').fill('');
        await page.getByLabel('Kind', { exact: true }).selectOption('client_event');
        assert.equal(await visible('elsewhere'), 0, 'the kind filter kept an api_message row');
        assert.ok(await visible('client-xss') > 0, 'the kind filter hid a client_event row');
        await page.getByLabel('Kind', { exact: true }).selectOption('');
        assert.ok(await visible('elsewhere') > 0, 'no filter, yet a row is hidden');
    });

    t('the live charts draw, and a screenshot of each view is saved', async () => {
        const { page } = h;
        const sdk = sdkFor(h.server);
        for (let i = 0; i < 5; i++) {
            await sdk.trigger(channelName, 'traffic', { i });
            await sleep(400);
        }
        await page.locator('#charts canvas').first().waitFor({ timeout: kPageWaitMs });
        // Pixels of the series' stroke colour in each chart's canvas (uPlot draws the axes and
        // grid in other colours, so a chart without points has none).
        const counts = await page.evaluate(([r, g, b]) => [...document.querySelectorAll('#charts canvas')].map((canvas) => {
            const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
            let n = 0;
            for (let i = 0; i < data.length; i += 4) {
                if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) n++;
            }
            return n;
        }), kChartStroke);
        assert.equal(counts.length, 5, 'five chart canvases');
        for (const [i, n] of counts.entries()) assert.ok(n >= 20, `chart ${i} has ${n} stroke pixels (counts ${counts})`);
        for (const key of ['connections', 'sent', 'received', 'rest', 'webhook_queue']) {
            assert.equal(await page.locator(`#chart-${key} canvas`).count(), 1, `the ${key} chart`);
        }

        await page.locator('#node-facts dd').first().waitFor({ timeout: kPageWaitMs });
        assert.match(await page.locator('#node-facts').innerText(), /Ready\s+yes/);
        for (const id of kViews) await screenshot(page, id);
        assert.deepEqual(cspViolations(h), []);
        assert.deepEqual(h.dialogs, []);
    });

    t('a flood over 200 events a second: the console says how many it skipped and keeps 500 rows', async () => {
        const { page } = h;
        const sdk = sdkFor(h.server);
        const batch = Array.from({ length: 10 }, (_, i) => ({ channel: channelName, name: 'flood', data: String(i) }));
        // 800 API messages sent at once: far more than 200 reach the console in one second.
        const answers = await Promise.all(Array.from({ length: 80 }, () => sdk.triggerBatch(batch)));
        assert.ok(answers.every((r) => r.status === 200));
        const line = page.locator('#console-skipped');
        await line.waitFor({ state: 'visible', timeout: kPageWaitMs });
        const text = await line.innerText();
        const match = /^(\d+) events skipped \(over 200\/s\)$/.exec(text);
        assert.ok(match && Number(match[1]) > 0, `the skipped line: ${text}`);
        const rows = await page.locator('#console-rows > li').count();
        assert.ok(rows <= 500, `the console keeps ${rows} rows`);
        assert.ok(rows >= 200, `the console shows only ${rows} rows`);
    });

    t('the admin API refuses a POST without the CSRF token or from a foreign Origin', async () => {
        const origin = h.admin;
        const login = await httpRequest(`${h.admin}/api/admin/login`, {
            method: 'POST', body: `token=${kToken}`,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
        });
        assert.equal(login.status, 200, `login: ${login.body}`);
        const { csrf } = JSON.parse(login.body);
        assert.match(csrf, /^[0-9a-f]+$/);
        const cookie = [login.headers['set-cookie'] ?? []].flat().map((c) => c.split(';')[0])
            .find((c) => c.startsWith('herald_admin='));
        assert.ok(cookie, `no herald_admin cookie: ${JSON.stringify(login.headers['set-cookie'])}`);

        const url = `${h.admin}/api/admin/apps/${encodeURIComponent(kApp.id)}/events`;
        const body = JSON.stringify({ channel: channelName, event: 'csrf-test', data: 'x' });
        const post = (headers) => httpRequest(url, {
            method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers },
        });
        const noCsrf = await post({ Cookie: cookie, Origin: origin });
        assert.equal(noCsrf.status, 403, `without the CSRF token: ${noCsrf.status} ${noCsrf.body}`);
        const wrongCsrf = await post({ Cookie: cookie, Origin: origin, 'X-Herald-CSRF': `${csrf}0` });
        assert.equal(wrongCsrf.status, 403, `with a wrong CSRF token: ${wrongCsrf.status} ${wrongCsrf.body}`);
        const foreign = await post({ Cookie: cookie, Origin: 'http://evil.example', 'X-Herald-CSRF': csrf });
        assert.equal(foreign.status, 403, `from a foreign Origin: ${foreign.status} ${foreign.body}`);
        const noSession = await post({ Origin: origin, 'X-Herald-CSRF': csrf });
        assert.equal(noSession.status, 401, `without the session cookie: ${noSession.status} ${noSession.body}`);
        const right = await post({ Cookie: cookie, Origin: origin, 'X-Herald-CSRF': csrf });
        assert.equal(right.status, 200, `with both right: ${right.status} ${right.body}`);
        assert.deepEqual(JSON.parse(right.body), {});
    });

    t('Log out brings the login back', async () => {
        const { page } = h;
        await page.getByRole('button', { name: 'Log out' }).click();
        await page.locator('#login').waitFor({ state: 'visible', timeout: kPageWaitMs });
        await page.reload();
        await page.locator('#login').waitFor({ state: 'visible', timeout: kPageWaitMs });
        assert.equal(await page.locator('#apps').isVisible(), false);
    });
});

describe('the dashboard without an admin token', () => {
    const h = newState();

    before(async () => {
        h.server = await startHerald({ name: 'herald(dashboard, no token)', top: { admin: { port: 0 } } });
        h.admin = await adminBase(h.server);
        ({ context: h.context, page: h.page } = await openPage(h));
    });
    after(async () => {
        await h.context?.close();
        await h.server?.stopCleanly();
    });

    const t = (name, fn, timeout = 60_000) => serverTest(name, () => [h.server, diagnosticsOf(h)], fn, { timeout });

    t('on a loopback admin listener the page opens straight to the apps', async () => {
        const { page } = h;
        const response = await page.goto(`${h.admin}/dashboard`, { timeout: kPageWaitMs });
        assert.equal(response.status(), 200);
        await page.locator('#apps-rows tr').first().waitFor({ timeout: kPageWaitMs });
        assert.equal(await page.locator('#login').isVisible(), false, 'the login shows without a token');
        assert.equal(await page.getByRole('button', { name: 'Log out' }).isVisible(), false,
            'Log out shows without a token');
        assert.equal(await page.getByLabel('App', { exact: true }).inputValue(), kApp.id);
        assert.deepEqual(cspViolations(h), []);
    });

    t('on a non-loopback admin listener without a token, herald refuses to start', async () => {
        const dir = makeTempDir('dashboard-refuse');
        const port = await freePort();
        const config = writeFile(dir, 'herald.toml', renderToml({
            host: '127.0.0.1', port, threads: 1, state_dir: path.join(dir, 'state'), admin: { port: 0 },
        }, [kApp]));
        const run = await runToEnd(binary('HERALD_SERVER'), ['serve', '--config', config, '--admin-host', '0.0.0.0'],
            { timeoutMs: 20_000 });
        const output = `${run.command}\n--- exit: ${run.code ?? run.signal}\n--- stdout:\n${run.stdout}\n--- stderr:\n${run.stderr}`;
        assert.equal(run.timedOut, false, `herald started instead of refusing:\n${output}`);
        assert.notEqual(run.code, 0, output);
        assert.equal(run.signal, null, output);
        assert.match(run.stderr, /admin/i, output);
        assert.match(run.stderr, /token/i, output);
    }, 30_000);
});
