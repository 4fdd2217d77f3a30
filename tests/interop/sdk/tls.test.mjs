// tests/interop/sdk/tls.test.mjs
//
// herald::sdk (through sdk_driver) and the `herald` client commands against `herald serve` over
// TLS, with a throwaway self-signed certificate for 127.0.0.1. With verification on and no CA
// they refuse the server with an error that says what to do; with the certificate as CA file
// (Options::ca_file, `herald --ca-file`) or with verification turned off (verify_tls = false,
// `herald --insecure`) the trigger reaches pusher-js over wss://. Another CA, or a host name the
// certificate does not name, is still refused.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { binary, makeCertificate, makeTempDir, runToEnd, serverTest } from '../lib/harness.mjs';
import { ClientPool, kApp, nextEvent, startHerald, subscribed } from '../pusher/harness.mjs';
import { Driver } from './driver.mjs';

// pusher-js in this test process accepts the self-signed certificate; the C++ SDK and the
// `herald` command never read this variable, they are checked with and without a CA file.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
process.removeAllListeners('warning');  // ...without Node's warning about it on stderr

const h = { server: null, files: null, otherCa: null, pool: null, drivers: [] };
let serial = 0;
const unique = (prefix) => `${prefix}${process.pid}-${++serial}`;
const apiUrl = (host = '127.0.0.1') => `https://${kApp.key}:${kApp.secret}@${host}:${h.server.port}/apps/${kApp.id}`;
const kNotTrusted = /the server's TLS certificate is not trusted \(.+\): give the CA that signed it as ca_file/;

before(async () => {
    h.files = makeCertificate(makeTempDir('sdk-tls'));
    h.otherCa = makeCertificate(makeTempDir('sdk-tls-other')).cert;
    h.server = await startHerald({
        top: { tls: { certificate_chain: h.files.cert, private_key: h.files.key } }, name: 'herald(sdk tls)',
    });
});
after(async () => {
    await h.server?.stopCleanly();
});

function t(name, fn) {
    const logs = { diagnostics: () => `--- sdk_driver stderr:\n${h.drivers.map((d) => d.stderr).join('\n')}` };
    return serverTest(name, () => [h.server, logs], async () => {
        h.pool = new ClientPool(h.server, { url: () => 'http://127.0.0.1:1/unused' });
        h.drivers = [];
        try {
            await fn(h.pool);
            for (const driver of h.drivers) await driver.close();
        } finally {
            h.pool.disconnectAll();
        }
    }, { timeout: 30_000 });
}

// An sdk_driver for `url` with `flags`, closed (and checked) at the end of the test.
function driver(flags = [], url = apiUrl()) {
    const d = new Driver(url, flags);
    h.drivers.push(d);
    return d;
}

// A pusher-js client over wss:// subscribed to a fresh channel.
async function listener(pool) {
    const client = await pool.connect({ options: { forceTLS: true } });
    const name = unique('sdk-tls-');
    return { name, channel: await subscribed(client, name) };
}

async function expectDelivered(d, pool, mode) {
    const { name, channel } = await listener(pool);
    const got = nextEvent(channel, 'over-tls');
    const answer = await d.call({ op: 'trigger', mode, channels: [name], event: 'over-tls', data: { mode } });
    assert.ok(answer.ok, JSON.stringify(answer));
    assert.deepEqual((await got).data, { mode });
}

describe('herald::sdk over TLS', () => {
    t('verification on without a CA: a NetworkError that says how to trust the server', async () => {
        const d = driver();
        for (const mode of ['sync', 'future']) {
            const answer = await d.call({ op: 'trigger', mode, channels: ['c'], event: 'e', data: {} });
            assert.equal(answer.error, 'NetworkError', JSON.stringify(answer));
            assert.equal(answer.timed_out, false);
            assert.match(answer.message, /^POST \/apps\/4242\/events: no answer: /);
            assert.match(answer.message, kNotTrusted);
            assert.match(answer.message, /self[- ]signed/i);
        }
    });

    t('ca_file with the certificate: blocking and asynchronous triggers reach pusher-js over wss://', async (pool) => {
        const d = driver(['--ca-file', h.files.cert]);
        await expectDelivered(d, pool, 'sync');
        await expectDelivered(d, pool, 'future');
        assert.deepEqual(await d.ok({ op: 'channel_info', channel: unique('sdk-tls-empty-') }), { occupied: false });
    });

    t('another CA, or a host name the certificate does not name, is still refused', async () => {
        const other = await driver(['--ca-file', h.otherCa]).call({ op: 'channels' });
        assert.equal(other.error, 'NetworkError', JSON.stringify(other));
        assert.match(other.message, kNotTrusted);
        const byName = await driver(['--ca-file', h.files.cert], apiUrl('localhost')).call({ op: 'channels' });
        assert.equal(byName.error, 'NetworkError', JSON.stringify(byName));
        assert.match(byName.message, kNotTrusted);
        assert.match(byName.message, /localhost/);
    });

    t('verification turned off: the trigger is delivered', async (pool) => {
        await expectDelivered(driver(['--no-verify-tls']), pool, 'callback');
    });
});

describe('herald trigger over TLS', () => {
    const herald = (args) => runToEnd(binary('HERALD_SERVER'), ['trigger', ...args, '--url', apiUrl()],
        { env: { HERALD_URL: '', PUSHER_URL: '' } });

    t('refused without a CA (exit 1); delivered with --ca-file or --insecure; an unreadable CA file exits 2', async (pool) => {
        const refused = await herald(['c', 'e', '{}']);
        assert.equal(refused.code, 1, refused.stderr);
        assert.match(refused.stderr, /^herald trigger: POST \/apps\/4242\/events: no answer: /);
        assert.match(refused.stderr, kNotTrusted);
        assert.match(refused.stderr, /--ca-file/);

        for (const flags of [['--ca-file', h.files.cert], ['--insecure']]) {
            const { name, channel } = await listener(pool);
            const got = nextEvent(channel, 'from-cli');
            const sent = await herald([name, 'from-cli', JSON.stringify({ flags })].concat(flags));
            assert.equal(sent.code, 0, `${flags}: ${sent.stderr}`);
            assert.deepEqual((await got).data, { flags });
        }

        const missing = await herald(['c', 'e', '{}', '--ca-file', '/nonexistent/ca.pem']);
        assert.equal(missing.code, 2, missing.stderr);
        assert.match(missing.stderr, /ca_file '\/nonexistent\/ca.pem' cannot be read/);
    });
});
