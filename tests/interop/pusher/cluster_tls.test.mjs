// tests/interop/pusher/cluster_tls.test.mjs
//
// The cluster over TLS (rediss://): a redis-server that listens with TLS only and asks for client
// certificates, its certificate signed by a test CA made with openssl in a temporary directory.
// Three nodes that trust that CA deliver across nodes, keep presence exact and clean up a node
// killed with -9; a node that trusts another CA stays out of the cluster and says why; a node
// told `?insecure=1` joins without verifying and warns that it does not.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { makeTempDir, serverTest } from '../lib/harness.mjs';
import {
    ClientPool, httpRequest, kApp, nextEvent, record, sdkFor, startAppServer, startHerald, subscribed, until,
} from './harness.mjs';
import { makeRedisPki, settle, startCluster, startRedis } from './cluster_harness.mjs';

const kLeaseMs = 1500;
const h = { pki: null, other: null, redis: null, nodes: [], extra: [], appServer: null, sdks: [], pools: [] };
const json = async (promise) => (await promise).json();
const memberEvents = (events) => events.filter((e) => e.event.startsWith('pusher:member_'))
    .map((e) => `${e.event === 'pusher:member_added' ? '+' : '-'}${e.data.id}`);
const userIds = (channel) => Object.keys(channel.members.members).sort();

// The TLS settings of a node that trusts `ca` and shows the test's client certificate.
const tlsTop = (ca = h.pki.ca) => ({
    redis_ca_file: ca, redis_cert_file: h.pki.client.cert, redis_key_file: h.pki.client.key,
});

function adminUrl(server) {
    const found = /admin on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(server.stderr + server.stdout);
    assert.ok(found, 'the admin listener\'s URL in the log');
    return `http://127.0.0.1:${found[1]}`;
}

before(async () => {
    const dir = makeTempDir('redis-tls');
    h.pki = makeRedisPki(dir, 'ca');
    h.other = makeRedisPki(dir, 'other');
    h.redis = await startRedis({ tls: h.pki });
    h.nodes = await startCluster(h.redis, 3, { leaseMs: kLeaseMs, top: tlsTop() });
    h.appServer = await startAppServer(h.nodes[0]);
    h.sdks = h.nodes.map((node) => sdkFor(node));
});
after(async () => {
    for (const pool of h.pools) pool.disconnectAll();
    await h.appServer?.close();
    for (const node of [...h.nodes, ...h.extra]) {
        if (!node.exit) await node.stopCleanly();
    }
    h.redis?.stop();
});

function t(name, fn) {
    const logs = { diagnostics: () => `--- pusher-js:\n${h.pools.flatMap((p) => p.logs).join('\n') || '(nothing)'}` };
    return serverTest(name, () => [...h.nodes, ...h.extra, logs], async () => {
        h.pools = h.nodes.map((node) => new ClientPool(node, h.appServer));
        try {
            await fn(h.pools);
        } finally {
            for (const pool of h.pools) pool.disconnectAll();
        }
    }, { timeout: 60_000 });
}

describe('cluster over rediss://', () => {
    t('events cross nodes and presence is exact over TLS', async (pools) => {
        const name = `tls-events-${process.pid}`;
        const channels = await Promise.all(pools.map(async (pool) => subscribed(await pool.connect(), name)));
        const arrived = channels.map((c, i) => nextEvent(c, 'greeting', `the event on node ${i}`));
        await h.sdks[0].trigger(name, 'greeting', { over: 'tls' });
        for (const { data } of await Promise.all(arrived)) assert.deepEqual(data, { over: 'tls' });

        const room = `presence-tls-${process.pid}`;
        const ann = await subscribed(await pools[0].connect({ params: { user_id: 'ann' } }), room);
        const events = record(ann);
        await subscribed(await pools[1].connect({ params: { user_id: 'bob' } }), room);
        const cid = await subscribed(await pools[2].connect({ params: { user_id: 'cid' } }), room);
        assert.deepEqual(userIds(cid), ['ann', 'bob', 'cid']);
        await until(() => memberEvents(events).length === 2, 'member_added for bob and cid on node 0');
        assert.deepEqual(memberEvents(events), ['+bob', '+cid']);
        for (const sdk of h.sdks) {
            await settle(() => json(sdk.get({ path: `/channels/${room}`, params: { info: 'user_count' } })),
                (v) => v.user_count === 3, 'three users on every node');
        }
    });

    t('a node killed with -9 is cleaned up by the others', async (pools) => {
        const room = `presence-tls-kill-${process.pid}`;
        const ann = await subscribed(await pools[0].connect({ params: { user_id: 'ann' } }), room);
        const events = record(ann);
        await subscribed(await pools[2].connect({ params: { user_id: 'doomed' } }), room);
        await until(() => memberEvents(events).length === 1, 'member_added for doomed');
        h.nodes[2].child.kill('SIGKILL');
        await until(() => memberEvents(events).length === 2, 'member_removed for doomed', kLeaseMs * 4);
        assert.deepEqual(memberEvents(events), ['+doomed', '-doomed']);
        await settle(() => json(h.sdks[1].get({ path: `/channels/${room}`, params: { info: 'user_count' } })),
            (v) => v.user_count === 1, 'one user left', kLeaseMs * 4);
    });

    serverTest('a node that trusts another CA is refused with a clear message and stays out',
        () => h.extra, async () => {
            const node = await startHerald({
                apps: [kApp], name: 'herald, wrong CA',
                top: { redis_url: h.redis.url, cluster_lease_ms: kLeaseMs, admin: { port: 0 }, ...tlsTop(h.other.ca) },
            });
            h.extra.push(node);
            await until(() => /cannot reach Redis at rediss:\/\/127\.0\.0\.1:\d+\/0 .*certificate verify failed/
                .test(node.stderr + node.stdout), 'the verification failure in the log');
            const ready = await httpRequest(`${adminUrl(node)}/readyz`);
            assert.deepEqual([ready.status, ready.body], [503, 'redis unreachable\n']);
        });

    serverTest('?insecure=1 joins without verifying and warns', () => h.extra, async () => {
        const node = await startHerald({
            apps: [kApp], name: 'herald, insecure',
            top: {
                redis_url: `${h.redis.url}?insecure=1`, cluster_lease_ms: kLeaseMs, admin: { port: 0 },
                redis_cert_file: h.pki.client.cert, redis_key_file: h.pki.client.key,
            },
        });
        h.extra.push(node);
        assert.match(node.stderr + node.stdout, /does not verify the server's certificate \(insecure=1\)/);
        await settle(() => httpRequest(`${adminUrl(node)}/readyz`), (r) => r.status === 200, 'the insecure node ready');
    });
});
