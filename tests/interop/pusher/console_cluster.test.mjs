// tests/interop/pusher/console_cluster.test.mjs
//
// The admin API of a cluster (docs/OPERATIONS.md, "Admin API"): two `herald serve` nodes on one
// real redis-server (cluster_harness.mjs), each with its admin listener. GET /api/admin/node on
// node A lists both nodes with the connections each holds; the channel explorer of A counts the
// subscribers of both nodes; a console open on A shows node_joined when a third node starts and
// node_gone when it stops (the stream without an app too).
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { ClientPool, kApp, startAppServer, startHerald, subscribed } from './harness.mjs';
import { settle, startCluster, startRedis } from './cluster_harness.mjs';
import { adminBase, adminJson, adminSession, consoleServerTest, ConsoleReader } from './console_stream.mjs';

const kLeaseMs = 1500;        // the smallest lease the cluster suites use
const kSettleMs = 15_000;     // a few lease beats, on a sanitizer build on a busy machine
const h = { redis: null, nodes: [], admins: [], cookies: [], appServer: null, pools: [], readers: [], extra: null };
let serial = 0;
const unique = (prefix) => `${prefix}${process.pid}-${++serial}`;

before(async () => {
    h.redis = await startRedis();
    h.nodes = await startCluster(h.redis, 2, { leaseMs: kLeaseMs, top: { admin: { port: 0 } } });
    h.admins = await Promise.all(h.nodes.map(adminBase));
    h.cookies = await Promise.all(h.admins.map(adminSession));
    h.appServer = await startAppServer(h.nodes[0]);
});
after(async () => {
    for (const pool of h.pools) pool.disconnectAll();
    for (const reader of h.readers) reader.close();
    await h.appServer?.close();
    if (h.extra && !h.extra.exit) await h.extra.stop();
    for (const node of h.nodes) {
        if (!node.exit) await node.stopCleanly();
    }
    h.redis?.stop();
});

function t(name, fn, timeout = 90_000) {
    return consoleServerTest(h, name, () => [...h.nodes, h.extra, ...h.readers], fn, timeout);
}

const nodeOf = (i) => adminJson(h.admins[i], h.cookies[i], '/api/admin/node');

describe('the admin API of a cluster', () => {
    t('GET /api/admin/node lists both nodes with their connections; the explorer counts both nodes\' subscribers', async () => {
        h.pools = h.nodes.map((node) => new ClientPool(node, h.appServer));
        const [poolA, poolB] = h.pools;
        const a1 = await poolA.connect({ params: { user_id: 'ann' } });
        const a2 = await poolA.connect({ params: { user_id: 'ann' } });
        const b1 = await poolB.connect({ params: { user_id: 'bob' } });

        const selfB = (await nodeOf(1)).cluster;
        assert.ok(selfB && typeof selfB.node === 'string' && selfB.node.length > 0, `node B: ${JSON.stringify(selfB)}`);
        const expected = (node) => {
            const nodes = node.cluster?.nodes ?? [];
            const self = nodes.find((n) => n.self === true);
            const other = nodes.find((n) => n.self === false);
            return nodes.length === 2 && self?.connections === 2 && other?.id === selfB.node && other?.connections === 1;
        };
        const node = await settle(() => nodeOf(0), expected,
            'node A listing itself with 2 connections and node B with 1', kSettleMs);
        assert.equal(node.cluster.clustered, true, JSON.stringify(node));
        assert.equal(node.connections, 2, JSON.stringify(node));
        assert.equal(node.ready, true, JSON.stringify(node));
        const self = node.cluster.nodes.find((n) => n.self);
        assert.equal(self.id, node.cluster.node, `the self entry is node A: ${JSON.stringify(node.cluster)}`);
        assert.notEqual(self.id, selfB.node);
        assert.equal(node.cluster.nodes.filter((n) => n.self).length, 1, JSON.stringify(node.cluster));
        for (const n of node.cluster.nodes) {
            assert.equal(typeof n.lease_age_seconds, 'number', JSON.stringify(n));
            assert.ok(n.lease_age_seconds >= 0 && n.lease_age_seconds < 10 * kLeaseMs / 1000,
                `a live node renewed its lease lately: ${JSON.stringify(n)}`);
        }
        // Node B sees the same cluster from its side.
        await settle(() => nodeOf(1), (b) => {
            const nodes = b.cluster?.nodes ?? [];
            return nodes.length === 2 && nodes.find((n) => n.self)?.connections === 1 &&
                nodes.find((n) => !n.self)?.connections === 2;
        }, 'node B listing itself with 1 connection and node A with 2', kSettleMs);

        // The explorer of A: a public channel with subscribers on both nodes, a presence channel
        // with one user on each.
        const pub = unique('console-cluster-');
        const pres = unique('presence-console-cluster-');
        for (const client of [a1, a2, b1]) await subscribed(client, pub);
        await subscribed(a1, pres);
        await subscribed(b1, pres);
        const listing = await settle(() => adminJson(h.admins[0], h.cookies[0], `/api/admin/apps/${kApp.id}/channels`), (l) => {
            const p = l.channels.find((c) => c.name === pub);
            const q = l.channels.find((c) => c.name === pres);
            return p?.subscription_count === 3 && q?.subscription_count === 2 && q?.user_count === 2;
        }, `node A's explorer counting ${pub} (3) and ${pres} (2 users) across nodes`, kSettleMs);
        const pubRow = listing.channels.find((c) => c.name === pub);
        assert.equal(pubRow.type, 'public', JSON.stringify(pubRow));
        assert.equal('user_count' in pubRow, false, JSON.stringify(pubRow));
        assert.equal(listing.channels.find((c) => c.name === pres).type, 'presence');
        // The presence channel's members: both users with their info, B's from the cluster.
        const detail = await adminJson(h.admins[0], h.cookies[0], `/api/admin/apps/${kApp.id}/channels/${encodeURIComponent(pres)}`);
        assert.deepEqual(detail.members.map((m) => m.id).sort(), ['ann', 'bob'], JSON.stringify(detail));
        assert.deepEqual(detail.members.find((m) => m.id === 'ann').info, { name: 'user ann' }, JSON.stringify(detail));
        assert.deepEqual(detail.members.find((m) => m.id === 'bob').info, { name: 'user bob' }, JSON.stringify(detail));
        assert.equal(detail.user_count, 2, JSON.stringify(detail));

        // When B's client leaves, A's counts follow.
        b1.disconnect();
        await settle(() => nodeOf(0), (n) => n.cluster?.nodes.find((x) => !x.self)?.connections === 0,
            'node A seeing node B with 0 connections', kSettleMs);
        await settle(() => adminJson(h.admins[0], h.cookies[0], `/api/admin/apps/${kApp.id}/channels`),
            (l) => l.channels.find((c) => c.name === pub)?.subscription_count === 2,
            `node A's explorer counting 2 subscribers of ${pub}`, kSettleMs);
    });

    t('a console on node A shows node_joined when a third node starts and node_gone when it stops', async () => {
        const appConsole = await ConsoleReader.open(h.admins[0], h.cookies[0], { app: kApp.id, name: 'console of node A' });
        const nodeConsole = await ConsoleReader.open(h.admins[0], h.cookies[0], { name: 'console of node A without an app' });
        h.readers.push(appConsole, nodeConsole);
        assert.equal(appConsole.console().some((e) => e.kind === 'node_joined' || e.kind === 'node_gone'), false,
            'node events before a node joined or left');

        h.extra = await startHerald({
            apps: [kApp], name: 'herald node 2',
            top: { redis_url: h.redis.url, cluster_lease_ms: kLeaseMs, admin: { port: 0 } },
        });
        const extraAdmin = await adminBase(h.extra);
        const extraId = (await adminJson(extraAdmin, await adminSession(extraAdmin), '/api/admin/node')).cluster?.node;
        assert.ok(extraId, 'the third node\'s id');
        for (const reader of [appConsole, nodeConsole]) {
            const joined = await reader.waitFor((e) => e.kind === 'node_joined' && e.node === extraId, `node_joined of ${extraId}`);
            assert.ok(Number.isInteger(joined.time), JSON.stringify(joined));
        }
        await settle(() => nodeOf(0), (n) => n.cluster?.nodes.length === 3 && n.cluster.nodes.some((x) => x.id === extraId),
            'node A listing three nodes', kSettleMs);
        const known = [(await nodeOf(0)).cluster.node, (await nodeOf(1)).cluster.node];
        assert.equal(appConsole.console().some((e) => e.kind === 'node_joined' && known.includes(e.node)), false,
            'node_joined of a node that was there all along');

        await h.extra.stopCleanly();
        for (const reader of [appConsole, nodeConsole]) {
            await reader.waitFor((e) => e.kind === 'node_gone' && e.node === extraId, `node_gone of ${extraId}`);
        }
        await settle(() => nodeOf(0), (n) => n.cluster?.nodes.length === 2 && !n.cluster.nodes.some((x) => x.id === extraId),
            'node A listing two nodes again', kSettleMs);
        assert.equal(appConsole.console().some((e) => e.kind === 'node_gone' && known.includes(e.node)), false,
            'node_gone of a node still running');
        // The stream without an app carries node events and stats only.
        assert.deepEqual([...new Set(nodeConsole.console().map((e) => e.kind))].sort(), ['node_gone', 'node_joined']);
    });
});
