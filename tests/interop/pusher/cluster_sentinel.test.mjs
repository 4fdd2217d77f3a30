// tests/interop/pusher/cluster_sentinel.test.mjs
//
// The cluster through Sentinel: one master, one replica, three sentinels (redis-server
// --sentinel, down after 1 s), three nodes (two given a redis+sentinel:// URL, one the
// redis_sentinels and redis_master_name settings) with pusher-js clients on each. The master is
// killed with -9 while events flow: the sentinels promote the replica, every node follows within
// the failover time plus 2 s, events published after that reach every node, presence rosters
// and GET /channels counts are exact again. Then the old master returns, is made a replica by
// the sentinels, and no node uses it.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { makeTempDir, serverTest } from '../lib/harness.mjs';
import {
    ClientPool, httpRequest, kApp, nextEvent, sdkFor, sleep, startAppServer, startHerald, subscribed,
} from './harness.mjs';
import { settle, startRedis, startSentinels } from './cluster_harness.mjs';

const kLeaseMs = 1500;
const kMaster = 'herald';
const h = { master: null, replica: null, sentinels: [], nodes: [], admins: [], appServer: null, sdks: [], pools: [] };
const json = async (promise) => (await promise).json();
const userIds = (channel) => Object.keys(channel.members.members).sort();

function adminUrl(server) {
    const found = /admin on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(server.stderr + server.stdout);
    assert.ok(found, 'the admin listener\'s URL in the log');
    return `http://127.0.0.1:${found[1]}`;
}

// The master's port as the first sentinel names it.
async function masterPort() {
    const out = (await h.sentinels[0].cli('SENTINEL', 'get-master-addr-by-name', kMaster)).trim().split('\n');
    return Number(out[1]);
}

before(async () => {
    const dir = makeTempDir('sentinel');
    h.master = await startRedis();
    h.replica = await startRedis({ args: ['--replicaof', '127.0.0.1', String(h.master.port)] });
    await settle(() => h.replica.cli('INFO', 'replication'), (out) => /master_link_status:up/.test(out), 'the replica in sync');
    h.sentinels = await startSentinels(dir, h.master.port, 3, kMaster);
    // Every sentinel knows the replica and the other sentinels before anything fails.
    for (const sentinel of h.sentinels) {
        await settle(() => sentinel.cli('SENTINEL', 'master', kMaster), (out) => /num-other-sentinels\n2\n/.test(out)
            && /num-slaves\n1\n/.test(out), `sentinel ${sentinel.port} sees the replica and its peers`, 20_000);
    }
    const hosts = h.sentinels.map((s) => `127.0.0.1:${s.port}`).join(',');
    const common = { cluster_lease_ms: kLeaseMs, admin: { port: 0 } };
    for (let i = 0; i < 3; i++) {
        const top = i < 2
            ? { redis_url: `redis+sentinel://${hosts}/${kMaster}/0`, ...common }
            : { redis_sentinels: hosts, redis_master_name: kMaster, ...common };
        h.nodes.push(await startHerald({ apps: [kApp], name: `herald node ${i}`, top }));
    }
    h.admins = h.nodes.map(adminUrl);
    for (const admin of h.admins) {
        await settle(() => httpRequest(`${admin}/readyz`), (r) => r.status === 200, `${admin}/readyz 200`);
    }
    h.appServer = await startAppServer(h.nodes[0]);
    h.sdks = h.nodes.map((node) => sdkFor(node));
});
after(async () => {
    for (const pool of h.pools) pool.disconnectAll();
    await h.appServer?.close();
    for (const node of h.nodes) {
        if (!node.exit) await node.stopCleanly();
    }
    for (const s of h.sentinels) s.stop();
    h.replica?.stop();
    h.master?.stop();
});

// One event from each node reaches a subscriber on every node.
async function deliveredEverywhere(channels, round) {
    for (let from = 0; from < h.sdks.length; from++) {
        const arrived = channels.map((c, i) => nextEvent(c, `round-${round}-${from}`, `node ${from}'s event on node ${i}`));
        await h.sdks[from].trigger(channels[0].name, `round-${round}-${from}`, { from });
        await Promise.all(arrived);
    }
}

describe('cluster through Sentinel', () => {
    const logs = { diagnostics: () => `--- pusher-js:\n${h.pools.flatMap((p) => p.logs).join('\n') || '(nothing)'}` };
    serverTest('a failover under traffic: every node follows the new master, and presence is exact again',
        () => [...h.nodes, logs], async () => {
            h.pools = h.nodes.map((node) => new ClientPool(node, h.appServer));
            const name = `sentinel-events-${process.pid}`;
            const room = `presence-sentinel-${process.pid}`;
            const users = ['ann', 'bob', 'cid'];
            const channels = await Promise.all(h.pools.map(async (pool) => subscribed(await pool.connect(), name)));
            for (let i = 0; i < 3; i++) {
                await subscribed(await h.pools[i].connect({ params: { user_id: users[i] } }), room);
            }
            await deliveredEverywhere(channels, 'before');
            const oldPort = h.master.port;
            assert.equal(await masterPort(), oldPort);

            // Events keep flowing from every node while the master dies.
            let flowing = true;
            const traffic = (async () => {
                for (let n = 0; flowing; n++) {
                    await h.sdks[n % 3].trigger(name, 'during', { n }).catch(() => {});
                    await sleep(50);
                }
            })();
            const killedAt = Date.now();
            h.master.stop();
            const promoted = await settle(masterPort, (port) => port === h.replica.port, 'the sentinels promoting the replica', 20_000);
            const switchedAt = Date.now();
            assert.equal(promoted, h.replica.port);
            const followed = await Promise.all(h.admins.map(async (admin) => {
                await settle(() => httpRequest(`${admin}/readyz`), (r) => r.status === 200, `${admin} ready again`, 10_000);
                return Date.now();
            }));
            flowing = false;
            await traffic;
            for (const [i, at] of followed.entries()) {
                assert.ok(at - switchedAt <= 2_000, `node ${i} followed ${at - switchedAt} ms after the failover (killed ${switchedAt - killedAt} ms before it)`);
            }
            assert.equal(await h.replica.cli('ROLE').then((r) => r.split('\n')[0]), 'master');

            await deliveredEverywhere(channels, 'after');
            for (let i = 0; i < 3; i++) {
                const late = await subscribed(await h.pools[i].connect({ params: { user_id: `late${i}` } }), room);
                assert.deepEqual(userIds(late).filter((u) => !u.startsWith('late')), users, `the roster on node ${i}`);
            }
            for (const sdk of h.sdks) {
                await settle(() => json(sdk.get({ path: '/channels', params: { filter_by_prefix: room, info: 'user_count' } })),
                    (v) => v.channels?.[room]?.user_count === 6, 'GET /channels counts six users on every node');
                await settle(() => json(sdk.get({ path: `/channels/${name}`, params: { info: 'subscription_count' } })),
                    (v) => v.subscription_count === 3, 'three subscriptions to the event channel');
            }
            for (const node of h.nodes) assert.equal(node.exit, null, `${node.name} still running`);

            // The old master returns; the sentinels make it a replica of the new one.
            h.master = await startRedis({ port: oldPort });
            await settle(() => h.master.cli('ROLE'), (r) => r.startsWith('slave'), 'the old master demoted to a replica', 30_000);
            await deliveredEverywhere(channels, 'returned');
            const numsub = async (redis) => Number((await redis.cli('PUBSUB', 'NUMSUB', `herald:a:${kApp.id}`)).trim().split('\n')[1]);
            assert.equal(await numsub(h.master), 0, 'no node subscribed on the old master');
            assert.equal(await numsub(h.replica), 3, 'every node subscribed on the new master');
        }, { timeout: 90_000 });
});
