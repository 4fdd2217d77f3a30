// tests/interop/pusher/prometheus.test.mjs
//
// A real Prometheus (Debian's `prometheus`) scrapes the admin listener of `herald serve` every
// second, both on 127.0.0.1 with a temporary TSDB; the test asks Prometheus' HTTP API, not Herald.
// With N pusher-js clients subscribed to one channel, herald_connections reaches N; after M events
// triggered with the `pusher` Node SDK (each delivered to every client, and nothing else sent),
// herald_messages_sent_total has grown by exactly N x M between a query before and one after.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { makeTempDir, ProcessHandle, serverTest, spawnTracked, within, writeFile } from '../lib/harness.mjs';
import {
    ClientPool, freePort, httpRequest, kApp, kWaitMs, sdkFor, sleep, startAppServer, startHerald, subscribed,
} from './harness.mjs';

const kClients = 5;   // N
const kEvents = 4;    // M
const kScrapeWaitMs = 20_000;  // a few scrape intervals on a busy machine
const app = `app="${kApp.id}"`;

const h = { server: null, appServer: null, pool: null, prometheus: null, admin: null };

// Polls the async `predicate` until it holds; fails with `what` after `ms`.
async function eventually(predicate, what, ms = kScrapeWaitMs) {
    const deadline = Date.now() + ms;
    while (!(await predicate())) {
        if (Date.now() > deadline) throw new Error(`${what} (not after ${ms} ms)`);
        await sleep(200);
    }
}

// Prometheus on a free port with a config that scrapes `target` every second.
async function startPrometheus(target) {
    const dir = makeTempDir('prometheus');
    const config = writeFile(dir, 'prometheus.yml', [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: herald',
        '    static_configs:',
        `      - targets: ["${target}"]`,
        '',
    ].join('\n'));
    const port = await freePort();
    const args = [
        `--config.file=${config}`, `--storage.tsdb.path=${dir}/data`, `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=1h', '--log.level=warn',
    ];
    const server = new ProcessHandle('prometheus', 'prometheus', args, spawnTracked('prometheus', args),
        { stopTimeoutMs: 10_000 });
    server.host = '127.0.0.1';
    server.port = port;
    await eventually(async () => {
        if (server.exit) {
            throw new Error('prometheus exited early (Debian package prometheus; scripts/install-deps.sh ' +
                `installs it)\n${server.diagnostics()}`);
        }
        return (await httpRequest(server.url('http', '/-/ready')).catch(() => ({ status: 0 }))).status === 200;
    }, 'prometheus answering /-/ready', 30_000);
    return server;
}

// The value of an instant query that returns at most one series, or undefined when it has none.
async function query(expr) {
    const r = await httpRequest(h.prometheus.url('http', `/api/v1/query?query=${encodeURIComponent(expr)}`));
    assert.equal(r.status, 200, `${expr}: ${r.body}`);
    const answer = JSON.parse(r.body);
    assert.equal(answer.status, 'success', r.body);
    assert.ok(answer.data.result.length <= 1, `${expr} matched several series: ${r.body}`);
    return answer.data.result.length ? Number(answer.data.result[0].value[1]) : undefined;
}

// Polls `expr` until it equals `wanted`; fails with the last value after kScrapeWaitMs.
async function queryUntil(expr, wanted) {
    let last;
    const deadline = Date.now() + kScrapeWaitMs;
    while (Date.now() < deadline) {
        last = await query(expr);
        if (last === wanted) return last;
        await sleep(200);
    }
    assert.fail(`${expr}: Prometheus returned ${last}, waited for ${wanted} during ${kScrapeWaitMs} ms`);
}

// Prometheus holds a scrape of Herald that started after `since` (ms since the epoch).
async function scrapedAfter(since) {
    await eventually(async () => (await query('timestamp(up{job="herald"})')) * 1000 > since,
        `a scrape after ${new Date(since).toISOString()}`);
}

before(async () => {
    h.server = await startHerald({ name: 'herald(admin)', top: { admin: { port: 0 } } });
    await eventually(() => /admin on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.test(h.server.stderr + h.server.stdout),
        'the admin listener\'s URL in the log');
    const port = /admin on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(h.server.stderr + h.server.stdout)[1];
    h.admin = `127.0.0.1:${port}`;
    h.appServer = await startAppServer(h.server);
    h.prometheus = await startPrometheus(h.admin);
});
after(async () => {
    await h.appServer?.close();
    await h.prometheus?.stop();
    await h.server?.stopCleanly();
});

// A test with a fresh pool of pusher-js clients, all disconnected at the end; a failure prints
// the output of Herald and of Prometheus.
function t(name, fn) {
    return serverTest(name, () => [h.server, h.prometheus], async () => {
        h.pool = new ClientPool(h.server, h.appServer);
        try {
            await fn(h.pool);
        } finally {
            h.pool.disconnectAll();
        }
    }, { timeout: 120_000 });
}

describe('Prometheus scraping the admin listener', () => {
    t('the target is up and its samples are Herald\'s', async () => {
        await queryUntil('up{job="herald"}', 1);
        assert.equal(await query('herald_build_info{job="herald",version="0.1.0"}'), 1);
        assert.equal(await query(`herald_connections{job="herald",${app}}`), 0);
    });

    t(`herald_connections reaches ${kClients}, herald_messages_sent_total grows by ${kClients} x ${kEvents}`,
        async (pool) => {
            const channel = 'prometheus-news';
            const clients = [];
            for (let i = 0; i < kClients; i++) clients.push(await pool.connect());
            const channels = await Promise.all(clients.map((c) => subscribed(c, channel)));
            await queryUntil(`herald_connections{job="herald",${app}}`, kClients);

            // Before the triggers: Prometheus holds a scrape taken after every subscription
            // succeeded, and it equals what Herald reports now (nothing else is being sent).
            const direct = await httpRequest(`http://${h.admin}/metrics`);
            const line = direct.body.split('\n').find((l) => l.startsWith(`herald_messages_sent_total{${app}}`));
            const sentNow = Number(line.split(' ').pop());
            // connection_established and subscription_succeeded to each client.
            assert.equal(sentNow, 2 * kClients);
            await scrapedAfter(Date.now());
            const sentBefore = await queryUntil(`herald_messages_sent_total{job="herald",${app}}`, sentNow);

            const sdk = sdkFor(h.server);
            const received = channels.map((c) => {
                let n = 0;
                return within(kWaitMs * 2, new Promise((resolve) => {
                    c.bind('tick', () => { if (++n === kEvents) resolve(); });
                }), `${kEvents} tick events`);
            });
            for (let i = 0; i < kEvents; i++) await sdk.trigger(channel, 'tick', { i });
            await Promise.all(received);

            const sentAfter = await queryUntil(`herald_messages_sent_total{job="herald",${app}}`,
                sentBefore + kClients * kEvents);
            // Exact, not just reached: two more scrapes later it has not moved on.
            const settled = Date.now();
            await scrapedAfter(settled + 1000);
            assert.equal(await query(`herald_messages_sent_total{job="herald",${app}}`), sentAfter);
            assert.equal(await query(`herald_connections{job="herald",${app}}`), kClients);
            assert.equal(sentAfter - sentBefore, kClients * kEvents);
        });
});
