// tests/interop/browser.test.mjs
//
// Debian's Chromium, headless through playwright-core, loads examples/echo_page.html from
// Herald's echo_server. The page checks WebSocket echoes (text, binary, Blob, close 4000) and
// Server-Sent Events from the browser and publishes the outcome in window.heraldResult. The
// tests run it against a plain, a --deflate and a TLS server, and check /events and its
// Last-Event-ID handling from Node.
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { chromium } from 'playwright-core';
import { binary, makeCertificate, makeTempDir, serverTest, startListening, within } from './lib/harness.mjs';

const echoServer = binary('HERALD_ECHO_SERVER');
const kChromium = process.env.HERALD_CHROMIUM || '/usr/bin/chromium';
const kArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function serverFor(extra, name) {
    const holder = { server: null };
    before(async () => {
        holder.server = await startListening(echoServer, ['--host', '127.0.0.1', '--port', '0', ...extra], { name });
    });
    after(async () => { await holder.server?.stopCleanly(); });
    return holder;
}

// Loads `url` in a fresh headless Chromium profile and returns window.heraldResult, the visible
// status and what the page logged.
async function runPage(url, { ignoreHTTPSErrors = false } = {}) {
    const profile = makeTempDir('chromium');
    const context = await chromium.launchPersistentContext(path.join(profile, 'user-data'), {
        executablePath: kChromium, headless: true, args: kArgs, ignoreHTTPSErrors, timeout: 30_000,
    });
    const logs = [];
    try {
        const page = context.pages()[0] ?? await context.newPage();
        page.on('console', (m) => logs.push(`console.${m.type()}: ${m.text()}`));
        page.on('pageerror', (e) => logs.push(`page error: ${e.message}`));
        page.on('requestfailed', (r) => logs.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
        const response = await page.goto(url, { timeout: 15_000 });
        assert.equal(response.status(), 200, `GET ${url}`);
        assert.match(response.headers()['content-type'] ?? '', /^text\/html/, 'content-type of the page');
        await page.waitForFunction(() => window.heraldResult?.done === true, null, { timeout: 25_000 }).catch(async (error) => {
            const partial = await page.evaluate(() => JSON.stringify(window.heraldResult)).catch(() => 'unavailable');
            throw new Error(`the page did not finish: ${error.message}\nwindow.heraldResult: ${partial}\n${logs.join('\n')}`);
        });
        const result = await page.evaluate(() => window.heraldResult);
        const status = (await page.textContent('#status')).trim();
        return { result, status, logs };
    } finally {
        await context.close();
    }
}

function assertPagePassed({ result, status, logs }) {
    const failed = result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
    const report = `\nchecks:\n${result.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name} ${c.detail}`).join('\n')}` +
        `\n${logs.join('\n')}`;
    assert.deepEqual(failed, [], `checks that failed in the page${report}`);
    assert.equal(result.ok, true, report);
    assert.equal(status, 'PASS', `visible status${report}`);
    const names = result.checks.map((c) => c.name);
    for (const expected of ['WebSocket opened', 'close 4000 "bye" answered', 'two Server-Sent Events received']) {
        assert.ok(names.includes(expected), `the page did not run "${expected}"${report}`);
    }
    assert.ok(names.filter((n) => n.startsWith('binary echo')).length >= 3, `binary checks missing${report}`);
}

// Reads Server-Sent Events from `url` until `count` arrived; returns them as { id, event, data }.
function readEvents(url, count, headers = {}) {
    return new Promise((resolve, reject) => {
        const events = [];
        const req = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
            if (res.statusCode !== 200 || !/^text\/event-stream/.test(res.headers['content-type'] ?? '')) {
                req.destroy();
                reject(new Error(`GET ${url}: ${res.statusCode} ${res.headers['content-type']}`));
                return;
            }
            let buffer = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => {
                buffer += chunk.replace(/\r\n?/g, '\n');
                let end;
                while ((end = buffer.indexOf('\n\n')) >= 0) {
                    const block = buffer.slice(0, end);
                    buffer = buffer.slice(end + 2);
                    const event = { id: null, event: 'message', data: [] };
                    for (const line of block.split('\n')) {
                        const [, field, value] = /^([^:]*):? ?(.*)$/.exec(line);
                        if (field === 'id') event.id = value;
                        else if (field === 'event') event.event = value;
                        else if (field === 'data') event.data.push(value);
                    }
                    if (event.data.length === 0) continue;  // comments and keep-alives
                    events.push({ ...event, data: event.data.join('\n') });
                    if (events.length === count) {
                        req.destroy();
                        resolve(events);
                    }
                }
            });
        });
        req.on('error', (error) => { if (events.length < count) reject(error); });
    });
}

describe('Chromium against echo_server', () => {
    const h = serverFor([], 'echo_server');
    const t = (name, fn, timeout = 90_000) => serverTest(name, () => [h.server], fn, { timeout });

    t('the echo page passes its WebSocket and EventSource checks', async () => {
        const outcome = await runPage(h.server.url('http'));
        assertPagePassed(outcome);
        assert.equal(outcome.result.extensions, '', 'no extension without --deflate');
    });

    t('/events sends events about once a second with consecutive ids', async () => {
        const started = Date.now();
        const events = await within(10_000, readEvents(h.server.url('http', '/events'), 3), 'three events');
        const elapsed = Date.now() - started;
        const ids = events.map((e) => Number(e.id));
        assert.ok(ids.every(Number.isInteger), `ids: ${JSON.stringify(events)}`);
        assert.deepEqual(ids, [ids[0], ids[0] + 1, ids[0] + 2], `consecutive ids: ${JSON.stringify(events)}`);
        assert.ok(elapsed >= 1500 && elapsed < 6000, `three events took ${elapsed} ms`);
    });

    t('/events resumes after the Last-Event-ID it is given', async () => {
        const events = await within(10_000, readEvents(h.server.url('http', '/events'), 2, { 'Last-Event-ID': '41' }),
            'two events after Last-Event-ID 41');
        assert.deepEqual(events.map((e) => Number(e.id)), [42, 43], JSON.stringify(events));
    });
});

describe('Chromium against echo_server --deflate', () => {
    const h = serverFor(['--deflate'], 'echo_server(deflate)');
    serverTest('the echo page passes with permessage-deflate negotiated', () => [h.server], async () => {
        const outcome = await runPage(h.server.url('http'));
        assertPagePassed(outcome);
        assert.match(outcome.result.extensions, /^permessage-deflate(;|$)/, 'the extension Chromium negotiated');
    }, { timeout: 90_000 });
});

describe('Chromium against echo_server over TLS', () => {
    const dir = makeTempDir('browser-tls');
    const cert = makeCertificate(dir);
    const h = serverFor(['--tls-cert', cert.cert, '--tls-key', cert.key], 'echo_server(tls)');
    serverTest('the echo page passes over https and wss', () => [h.server], async () => {
        assertPagePassed(await runPage(h.server.url('https'), { ignoreHTTPSErrors: true }));
    }, { timeout: 90_000 });
});
