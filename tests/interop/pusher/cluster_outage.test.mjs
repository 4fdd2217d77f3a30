// tests/interop/pusher/cluster_outage.test.mjs
//
// One node's link to Redis cut alone (a TCP proxy in the test drops it and refuses new
// connections) while members join and leave on the other nodes and on the cut node itself: the
// cut node's pusher-js clients see each member_added / member_removed at most once per real
// change (a user they know through another node joining on their node is no change), and once
// the link returns their rosters are exact.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { serverTest } from '../lib/harness.mjs';
import {
    ClientPool, httpRequest, kApp, record, startAppServer, startHerald, subscribed, until,
} from './harness.mjs';
import { settle, startRedis, startTcpProxy } from './cluster_harness.mjs';

// Longer than the outage: the others do not reap the cut node meanwhile.
const kLeaseMs = 8000;
const h = { redis: null, proxy: null, nodes: [], admins: [], appServer: null, pools: [] };
const memberEvents = (events) => events.filter((e) => e.event.startsWith('pusher:member_'))
    .map((e) => `${e.event === 'pusher:member_added' ? '+' : '-'}${e.data.id}`);
const userIds = (channel) => Object.keys(channel.members.members).sort();

function adminUrl(server) {
    const found = /admin on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(server.stderr + server.stdout);
    assert.ok(found, 'the admin listener\'s URL in the log');
    return `http://127.0.0.1:${found[1]}`;
}

before(async () => {
    h.redis = await startRedis();
    h.proxy = await startTcpProxy(h.redis.port);
    for (let i = 0; i < 3; i++) {
        // Node 0 reaches Redis through the proxy; nodes 1 and 2 directly.
        const port = i === 0 ? h.proxy.port : h.redis.port;
        h.nodes.push(await startHerald({
            apps: [kApp], name: `herald node ${i}`,
            top: { redis_url: `redis://127.0.0.1:${port}/0`, cluster_lease_ms: kLeaseMs, admin: { port: 0 } },
        }));
    }
    h.admins = h.nodes.map(adminUrl);
    for (const admin of h.admins) {
        await settle(() => httpRequest(`${admin}/readyz`), (r) => r.status === 200, `${admin}/readyz 200`);
    }
    h.appServer = await startAppServer(h.nodes[0]);
});
after(async () => {
    for (const pool of h.pools) pool.disconnectAll();
    await h.appServer?.close();
    for (const node of h.nodes) {
        if (!node.exit) await node.stopCleanly();
    }
    h.proxy?.close();
    h.redis?.stop();
});

describe('cluster: one node cut from Redis', () => {
    const logs = { diagnostics: () => `--- pusher-js:\n${h.pools.flatMap((p) => p.logs).join('\n') || '(nothing)'}` };
    serverTest('no duplicate member events on the cut node, and exact rosters once it is back',
        () => [...h.nodes, logs], async () => {
            h.pools = h.nodes.map((node) => new ClientPool(node, h.appServer));
            const room = `presence-outage-${process.pid}`;
            let client;
            const join = async (node, user) => {
                client = await h.pools[node].connect({ params: { user_id: user } });
                return subscribed(client, room);
            };
            const watcher = await join(0, 'watcher');
            const events = record(watcher);
            await join(1, 'bob');
            const bob = client;
            await join(1, 'shared');
            await until(() => memberEvents(events).length === 2, 'bob and shared added on node 0');

            h.proxy.cut();
            await settle(() => httpRequest(`${h.admins[0]}/readyz`), (r) => r.status === 503, 'node 0 out of the cluster');
            // Meanwhile: on node 0 a user its clients know through node 1 joins, and one that is
            // new; on node 1 bob leaves and cid joins (node 0 misses both).
            await join(0, 'shared');
            await join(0, 'local');
            bob.disconnect();
            await join(2, 'cid');
            await until(() => memberEvents(events).length === 3, 'local added on node 0 during the cut');
            assert.deepEqual(memberEvents(events), ['+bob', '+shared', '+local'], 'shared is no news on node 0');

            h.proxy.restore();
            await settle(() => httpRequest(`${h.admins[0]}/readyz`), (r) => r.status === 200, 'node 0 back in the cluster', 15_000);
            await until(() => memberEvents(events).length === 5, 'what node 0 missed, after the cut', 10_000);
            const after = memberEvents(events).slice(3).sort();
            assert.deepEqual(after, ['+cid', '-bob']);
            const expected = ['cid', 'local', 'shared', 'watcher'];
            assert.deepEqual(userIds(watcher), expected, 'the watcher\'s roster');
            for (let i = 0; i < 3; i++) {
                const late = await join(i, `late${i}`);
                assert.deepEqual(userIds(late).filter((u) => !u.startsWith('late')), expected, `a new roster on node ${i}`);
            }
            // Quiet for a while: nothing is told twice.
            await new Promise((resolve) => setTimeout(resolve, 1000));
            const told = memberEvents(events).filter((e) => !e.slice(1).startsWith('late'));
            assert.equal(new Set(told).size, told.length, `a member event told twice: ${told}`);
        }, { timeout: 60_000 });
});
