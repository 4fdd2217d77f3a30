// tests/interop/pusher/cluster_webhooks.test.mjs
//
// Webhooks from a two-node cluster sharing one real redis-server, to one receiver that checks
// every request with the official `pusher` SDK: a channel with subscribers on both nodes is
// occupied once and vacated once, and a user connected to a presence channel through both nodes
// is added once and removed once (protocol.md §9.3; the cluster decides each transition once);
// a node killed with SIGKILL has its share retracted once, by the lease clean-up, and not again by
// itself when it restarts with the same spool (a cluster node keeps no occupancy journal). With a
// third node, subscription_count webhooks go out once per change, from the node that made it,
// with the cluster-wide count.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { makeTempDir, serverTest } from '../lib/harness.mjs';
import { kApp, RawPool, sdkFor, signChannel, sleep, startHerald, until } from './harness.mjs';
import { settle, startRedis } from './cluster_harness.mjs';
import { startReceiver } from './webhook_receiver.mjs';

const kHookWaitMs = 10_000;
const kQuietMs = 1_500;  // after the first webhook, time for a duplicate to show up (grace 300 ms)
const kLeaseMs = 1_500;
const h = { redis: null, receiver: null, nodes: [], extra: [], pool: null, app: null };  // extra: one test's own nodes
let serial = 0;
const unique = (prefix) => `${prefix}${process.pid}-${++serial}`;

// A node of the cluster whose spool and dead-letter file are `<dir>/<file>.spool` and `.dead`.
function startNode(name, dir, file) {
    const webhooks = {
        batch_window_ms: 20, grace_ms: 300, shutdown_flush_ms: 500,
        spool_path: path.join(dir, `${file}.spool`), dead_letter_path: path.join(dir, `${file}.dead`),
    };
    return startHerald({ apps: [h.app], name, top: { redis_url: h.redis.url, cluster_lease_ms: kLeaseMs, webhooks } });
}

before(async () => {
    h.redis = await startRedis();
    h.receiver = await startReceiver();
    const dir = makeTempDir('cluster-webhooks');
    h.app = { ...kApp, subscription_count_events: true, webhooks: [{ url: h.receiver.url() }] };
    for (const i of [0, 1]) h.nodes.push(await startNode(`herald node ${i}`, dir, `node-${i}`));
});
after(async () => {
    for (const node of h.nodes) await node.stopCleanly();
    await h.receiver?.close();
    h.redis?.stop();
});

function t(name, fn) {
    const log = {
        diagnostics: () => `--- receiver: ${h.receiver.requests.map((r) => `${r.valid ? '' : 'INVALID '}${r.body}`).join('\n')}`,
    };
    return serverTest(name, () => [...h.nodes, ...h.extra, log], async () => {
        h.pool = new RawPool();
        try {
            await fn(h.pool);
        } finally {
            h.pool.terminateAll();
        }
    }, { timeout: 60_000 });
}

const named = (name, channel) => h.receiver.events().filter((e) => e.name === name && e.channel === channel);

// Waits for the first `name` webhook on `channel`, then a while for a duplicate; returns them all.
async function settled(name, channel) {
    await until(() => named(name, channel).length > 0, `${name} for ${channel}`, kHookWaitMs);
    await sleep(kQuietMs);
    return named(name, channel);
}

describe('cluster webhooks', () => {
    t('subscribers on two nodes: channel_occupied once, channel_vacated once', async (pool) => {
        const channel = unique('cluster-hook-');
        const one = await pool.connect(h.nodes[0].wsUrl(kApp.key));
        await one.subscribed(channel);
        const two = await pool.connect(h.nodes[1].wsUrl(kApp.key));
        await two.subscribed(channel);
        assert.equal((await settled('channel_occupied', channel)).length, 1);
        one.terminate();
        two.terminate();
        assert.equal((await settled('channel_vacated', channel)).length, 1);
        assert.deepEqual(h.receiver.invalid, [], 'a webhook failed the SDK check');
    });

    t('one user through both nodes: member_added once, member_removed once', async (pool) => {
        const channel = unique('presence-cluster-hook-');
        const member = { user_id: 'both-nodes', user_info: { n: 1 } };
        const clients = [];
        for (const node of h.nodes) {
            const client = await pool.connect(node.wsUrl(kApp.key));
            await client.subscribed(channel, signChannel(node, client.socketId, channel, member));
            clients.push(client);
        }
        const added = await settled('member_added', channel);
        assert.deepEqual(added.map((e) => e.user_id), ['both-nodes']);
        clients[0].terminate();
        await sleep(kQuietMs);
        assert.equal(named('member_removed', channel).length, 0, 'removed while still on the other node');
        clients[1].terminate();
        const removed = await settled('member_removed', channel);
        assert.deepEqual(removed.map((e) => e.user_id), ['both-nodes']);
    });

    t('a node killed with SIGKILL: its share is retracted once, by the lease clean-up, not again when it restarts', async (pool) => {
        const dir = makeTempDir('cluster-crash');
        h.extra = [];
        let restarted = null;
        try {
            const doomed = await startNode('herald node 2 (killed)', dir, 'node-2');
            h.extra.push(doomed);
            const channel = unique('cluster-crash-');
            const presence = unique('presence-cluster-crash-');
            const client = await pool.connect(doomed.wsUrl(kApp.key));
            await client.subscribed(channel);
            await client.subscribed(presence, signChannel(doomed, client.socketId, presence, { user_id: 'eve' }));
            await until(() => named('channel_occupied', channel).length === 1 && named('member_added', presence).length === 1,
                'channel_occupied and member_added from the doomed node', kHookWaitMs);
            doomed.child.kill('SIGKILL');
            await doomed.exited;
            // Restarted at once with the same spool: a journal would retract the channel a second time.
            restarted = await startNode('herald node 2 (restarted)', dir, 'node-2');
            h.extra.push(restarted);
            const vacated = await settled('channel_vacated', channel);
            assert.equal(vacated.length, 1, 'channel_vacated once');
            await sleep(kLeaseMs);  // the restarted node's retractions would have come by now
            assert.equal(named('channel_vacated', channel).length, 1, 'channel_vacated once');
            assert.deepEqual(named('member_removed', presence).map((e) => e.user_id), ['eve'], 'member_removed once');
            assert.equal(named('channel_vacated', presence).length, 1, 'the presence channel vacated once');
            assert.deepEqual(h.receiver.invalid, []);
            await restarted.stopCleanly();
        } finally {
            for (const node of h.extra) await node.stop();
        }
    });

    t('subscription_count: one webhook per change, from the node that made it, with the cluster-wide count', async (pool) => {
        const dir = makeTempDir('cluster-count');
        h.extra = [await startNode('herald node 2', dir, 'node-2')];
        try {
            const nodes = [...h.nodes, ...h.extra];
            const channel = unique('cluster-count-');
            const counts = () => named('subscription_count', channel).map((e) => e.subscription_count);
            const clients = [];
            for (const [i, node] of nodes.entries()) {
                // The node counts the others' subscriptions before its own joins.
                await settle(() => sdkFor(node, h.app).get({ path: `/channels/${channel}`, params: { info: 'subscription_count' } })
                    .then((r) => r.json()), (v) => (v.subscription_count ?? 0) === i, `node ${i} counting ${i}`);
                const client = await pool.connect(node.wsUrl(kApp.key));
                await client.subscribed(channel);
                clients.push(client);
                await until(() => counts().length === i + 1, `subscription_count webhook ${i + 1}`, kHookWaitMs);
            }
            clients[1].terminate();  // node 1 has no subscriber left: its webhook still goes out
            await until(() => counts().length === 4, 'the webhook of the departure', kHookWaitMs);
            await sleep(kQuietMs);
            assert.deepEqual(counts(), [1, 2, 3, 2]);
            assert.deepEqual(h.receiver.invalid, []);
        } finally {
            for (const node of h.extra) await node.stop();
            h.extra = [];
        }
    });
});
