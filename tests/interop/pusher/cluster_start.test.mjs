// tests/interop/pusher/cluster_start.test.mjs
//
// Two cluster nodes started while their Redis is down (docs/CLUSTER.md, "When things fail"): both
// start, serve their own pusher-js clients, and answer /readyz 503 `redis unreachable` with
// herald_cluster_redis_up 0; once redis-server starts, both become ready and presence is exact
// across them: each client gets the other node's member, a later subscriber sees both, and the
// REST API of either node lists every user.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { serverTest } from '../lib/harness.mjs';
import {
    ClientPool, freePort, httpRequest, nextEvent, sdkFor, startAppServer, subscribed,
} from './harness.mjs';
import { settle, startCluster, startRedis } from './cluster_harness.mjs';

const h = { redis: null, port: 0, nodes: [], admins: [], appServer: null, pools: [] };

function adminUrl(server) {
    const found = /admin on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(server.stderr + server.stdout);
    assert.ok(found, 'the admin listener\'s URL in the log');
    return `http://127.0.0.1:${found[1]}`;
}

// Every sample of the exposition, by its series as written ('name{labels}').
async function samples(admin) {
    const out = new Map();
    for (const line of (await httpRequest(`${admin}/metrics`)).body.split('\n')) {
        if (line === '' || line.startsWith('#')) continue;
        const at = line.lastIndexOf(' ');
        out.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
    return out;
}

before(async () => {
    h.port = await freePort();
    h.nodes = await startCluster({ url: `redis://127.0.0.1:${h.port}/0` }, 2, { leaseMs: 1500, top: { admin: { port: 0 } } });
    h.admins = h.nodes.map(adminUrl);
    h.appServer = await startAppServer(h.nodes[0]);
});
after(async () => {
    for (const pool of h.pools) pool.disconnectAll();
    await h.appServer?.close();
    for (const node of h.nodes) {
        if (!node.exit) await node.stopCleanly();
    }
    h.redis?.stop();
});

const userIds = (channel) => Object.keys(channel.members.members).sort();

describe('cluster: nodes started before their Redis', () => {
    const logs = { diagnostics: () => `--- pusher-js:\n${h.pools.flatMap((p) => p.logs).join('\n') || '(nothing)'}` };
    serverTest('serve alone and unready, then join when Redis starts, with exact presence across nodes',
        () => [...h.nodes, logs], async () => {
            for (const admin of h.admins) {
                const ready = await httpRequest(`${admin}/readyz`);
                assert.deepEqual([ready.status, ready.body], [503, 'redis unreachable\n']);
                const now = await samples(admin);
                assert.equal(now.get('herald_cluster_redis_up'), 0);
                assert.equal(now.get('herald_cluster_nodes'), 0);
            }
            for (const node of h.nodes) {
                assert.match(node.stderr + node.stdout, /cannot reach Redis/);
                assert.doesNotMatch(node.stderr + node.stdout, /cannot start/);
            }

            // Each node serves its own clients meanwhile, as during an outage.
            h.pools = h.nodes.map((node) => new ClientPool(node, h.appServer));
            const name = `presence-late-redis-${process.pid}`;
            const ann = await subscribed(await h.pools[0].connect({ params: { user_id: 'ann' } }), name);
            const bob = await subscribed(await h.pools[1].connect({ params: { user_id: 'bob' } }), name);
            assert.deepEqual(userIds(ann), ['ann']);
            assert.deepEqual(userIds(bob), ['bob']);
            const annSeesBob = nextEvent(ann, 'pusher:member_added', 'bob added on node 0', 15_000);
            const bobSeesAnn = nextEvent(bob, 'pusher:member_added', 'ann added on node 1', 15_000);

            h.redis = await startRedis({ port: h.port });
            for (const admin of h.admins) {
                await settle(() => httpRequest(`${admin}/readyz`), (r) => r.status === 200, `${admin}/readyz 200`, 15_000);
            }
            assert.equal((await annSeesBob).data.id, 'bob');
            assert.equal((await bobSeesAnn).data.id, 'ann');
            assert.deepEqual(userIds(ann), ['ann', 'bob']);
            assert.deepEqual(userIds(bob), ['ann', 'bob']);

            // A later subscriber on either node gets the whole roster at once.
            const carl = await subscribed(await h.pools[1].connect({ params: { user_id: 'carl' } }), name);
            assert.deepEqual(userIds(carl), ['ann', 'bob', 'carl']);
            for (const node of h.nodes) {
                await settle(async () => (await (await sdkFor(node).get({ path: `/channels/${name}/users` })).json()).users.map((u) => u.id).sort(),
                    (ids) => JSON.stringify(ids) === JSON.stringify(['ann', 'bob', 'carl']), `the users of ${name} on port ${node.port}`);
            }
            for (const admin of h.admins) {
                const now = await settle(() => samples(admin), (m) => m.get('herald_cluster_nodes') === 2,
                    `herald_cluster_nodes 2 at ${admin}`);
                assert.equal(now.get('herald_cluster_redis_up'), 1);
            }
        }, { timeout: 90_000 });
});
