// tests/interop/pusher/cluster.test.mjs
//
// Three `herald serve` nodes sharing one real redis-server, pusher-js clients spread across them:
// everything that crosses connections behaves as on one node (public and batch triggers, socket_id
// exclusion, client events, presence rosters and member events once per user, cache channels,
// send-to-user, terminate, REST queries, watchlist online/offline across nodes). Then the faults: kill -9 of a node holding presence
// members (the survivors' clients get member_removed once, REST counts settle within the lease,
// watchers hear its signed-in users go offline),
// and Redis stopped (SIGSTOP) under traffic: local delivery goes on, the cluster comes back.
// HERALD_CLUSTER_OUTAGE_MS sets the outage (default 20 s, as a production drill; shorter while
// iterating).
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { serverTest, within } from '../lib/harness.mjs';
import {
    ClientPool, kApp, kWaitMs, nextEvent, record, RawPusher, sdkFor, signedIn, sleep, startAppServer,
    subscribed, until,
} from './harness.mjs';
import { settle, startCluster, startRedis } from './cluster_harness.mjs';

const kLeaseMs = 1500;
const kClusterApp = { ...kApp, subscription_count_events: true };
const kOutageMs = Number(process.env.HERALD_CLUSTER_OUTAGE_MS ?? 20000);
const h = { redis: null, nodes: [], appServer: null, sdks: [], pools: [] };
let serial = 0;
const unique = (prefix) => `${prefix}${process.pid}-${++serial}`;
const json = async (promise) => (await promise).json();
const kQuietMs = 500;  // time for an event that should not come to show up

// A signed-in client of `pool` watching `user`: its watchlist events as "+id" / "-id", in order.
async function watching(pool, user) {
    const client = await pool.connect({ params: { user_id: unique('watcher-'), watchlist: user } });
    const statuses = [];
    client.user.watchlist.bind('online', (e) => statuses.push(...e.user_ids.map((id) => `+${id}`)));
    client.user.watchlist.bind('offline', (e) => statuses.push(...e.user_ids.map((id) => `-${id}`)));
    await signedIn(client);
    await until(() => statuses.length > 0, 'the watchlist\'s first events');
    return { client, statuses };
}

before(async () => {
    h.redis = await startRedis();
    h.nodes = await startCluster(h.redis, 3, { app: kClusterApp, leaseMs: kLeaseMs });
    h.appServer = await startAppServer(h.nodes[0], kClusterApp);
    h.sdks = h.nodes.map((node) => sdkFor(node, kClusterApp));
});
after(async () => {
    await h.appServer?.close();
    for (const node of h.nodes) {
        if (!node.exit) await node.stopCleanly();
    }
    h.redis?.stop();
});

// A test with one pool of pusher-js clients per node, all disconnected at the end.
function t(name, fn, timeout = 60_000) {
    const logs = { diagnostics: () => `--- pusher-js:\n${h.pools.flatMap((p) => p.logs).join('\n') || '(nothing)'}` };
    return serverTest(name, () => [...h.nodes, logs], async () => {
        h.pools = h.nodes.map((node) => new ClientPool(node, h.appServer, kClusterApp));
        try {
            await fn(h.pools);
        } finally {
            for (const pool of h.pools) pool.disconnectAll();
        }
    }, { timeout });
}

// Every event triggered before a sentinel has arrived once the sentinel has (one origin node
// publishes in order, and each node delivers in order).
async function flush(channel, sdk = h.sdks[0]) {
    const arrived = nextEvent(channel, 'sentinel', `the sentinel event on ${channel.name}`);
    await sdk.trigger(channel.name, 'sentinel', {});
    await arrived;
}

const memberEvents = (events) => events.filter((e) => e.event.startsWith('pusher:member_'))
    .map((e) => `${e.event === 'pusher:member_added' ? '+' : '-'}${e.data.id}`);

describe('cluster: delivery across nodes', () => {
    t('a REST trigger on one node reaches the subscribers of every node once', async (pools) => {
        const name = unique('cluster-public-');
        const channels = await Promise.all(pools.map(async (pool) => subscribed(await pool.connect(), name)));
        const logs = channels.map(record);
        await h.sdks[1].trigger(name, 'greeting', { n: 1 });
        await h.sdks[2].triggerBatch([{ channel: name, name: 'batched', data: 'two' }]);
        for (const channel of channels) await flush(channel);
        for (const log of logs) {
            const events = log.map((e) => e.event).filter((e) => e !== 'sentinel' && e !== 'pusher:subscription_count');
            assert.deepEqual(events, ['greeting', 'batched']);
        }
    });

    t('socket_id exclusion works wherever the excluded connection lives', async (pools) => {
        const name = unique('cluster-exclude-');
        const clients = await Promise.all(pools.map((pool) => pool.connect()));
        const channels = await Promise.all(clients.map((client) => subscribed(client, name)));
        const logs = channels.map(record);
        await h.sdks[0].trigger(name, 'not-for-2', {}, { socket_id: clients[2].connection.socket_id });
        for (const channel of channels) await flush(channel);
        assert.deepEqual(logs.map((log) => log.some((e) => e.event === 'not-for-2')), [true, true, false]);
    });

    t('client events cross nodes and skip their sender', async (pools) => {
        const name = unique('private-cluster-client-');
        const sender = await pools[0].connect();
        const channels = [await subscribed(sender, name)];
        for (const pool of pools.slice(1)) channels.push(await subscribed(await pool.connect(), name));
        const logs = channels.map(record);
        const arrived = Promise.all(channels.slice(1).map((c) => nextEvent(c, 'client-hello')));
        // The sender's node knows of the other nodes' subscriptions through Redis.
        await settle(() => json(h.sdks[0].get({ path: `/channels/${name}`, params: { info: 'subscription_count' } })),
            (v) => v.subscription_count === 3, 'the subscriptions of every node on node 0');
        channels[0].trigger('client-hello', { from: 0 });
        const got = await arrived;
        assert.deepEqual(got.map((g) => g.data), [{ from: 0 }, { from: 0 }]);
        await flush(channels[0]);
        assert.equal(logs[0].filter((e) => e.event === 'client-hello').length, 0);
    });

    t('subscription_count events count the subscribers of every node', async (pools) => {
        const name = unique('cluster-count-');
        const first = await subscribed(await pools[0].connect(), name);
        const counts = [];
        first.bind('pusher:subscription_count', (data) => counts.push(data.subscription_count));
        await subscribed(await pools[1].connect(), name);
        await until(() => counts.at(-1) === 2, `subscription_count 2 on node 0 (got ${counts})`);
        await subscribed(await pools[2].connect(), name);
        await until(() => counts.at(-1) === 3, `subscription_count 3 on node 0 (got ${counts})`);
        pools[1].disconnectAll();
        await until(() => counts.at(-1) === 2, `subscription_count 2 after a leave (got ${counts})`);
    });

    t('a cache channel\'s last event is served by every node', async (pools) => {
        const name = unique('cache-cluster-');
        await h.sdks[0].trigger(name, 'last', { v: 2 });
        await sleep(200);
        const client = await pools[2].connect();
        const cached = nextEvent(client.subscribe(name), 'last', 'the cached event on another node');
        assert.deepEqual((await cached).data, { v: 2 });
    });

    t('send-to-user and terminate reach the user on another node', async (pools) => {
        const user = unique('cluster-user-');
        const client = await pools[2].connect({ params: { user_id: user } });
        await signedIn(client);
        const note = nextEvent(client.user, 'note', 'the event sent to the user');
        await h.sdks[0].sendToUser(user, 'note', { hi: 1 });
        assert.deepEqual((await note).data, { hi: 1 });
        const raw = await RawPusher.connect(h.nodes[1].wsUrl(kApp.key));
        try {
            await raw.send({ event: 'pusher:signin', data: h.sdks[1].authenticateUser(raw.socketId, { id: user }) });
            await raw.nextEvent('pusher:signin_success');
            const disconnected = within(kWaitMs, new Promise((resolve) => client.connection.bind('disconnected', resolve)),
                'pusher-js of the terminated user reaching "disconnected"');
            assert.deepEqual(await json(h.sdks[0].terminateUserConnections(user)), {});
            await disconnected;
            assert.equal((await raw.waitClose('the terminated raw connection')).code, 4009);
        } finally {
            raw.terminate();
        }
    });
});

describe('cluster: presence and REST', () => {
    t('rosters, member events and REST answers are cluster-wide; one user on two nodes is one member', async (pools) => {
        const name = unique('presence-cluster-');
        const watcher = await subscribed(await pools[0].connect({ params: { user_id: 'watcher' } }), name);
        const events = record(watcher);
        await subscribed(await pools[1].connect({ params: { user_id: 'ann' } }), name);
        const annAgain = await pools[2].connect({ params: { user_id: 'ann' } });
        await subscribed(annAgain, name);
        const bob = await subscribed(await pools[2].connect({ params: { user_id: 'bob' } }), name);
        assert.deepEqual(Object.keys(bob.members.members).sort(), ['ann', 'bob', 'watcher']);
        await until(() => memberEvents(events).length === 2, 'member_added for ann and bob on node 0');
        for (const sdk of h.sdks) {
            const info = await settle(() => json(sdk.get({ path: `/channels/${name}`, params: { info: 'user_count,subscription_count' } })),
                (v) => v.subscription_count === 4 && v.user_count === 3, 'channel info on every node');
            assert.equal(info.occupied, true);
            const users = await json(sdk.get({ path: `/channels/${name}/users` }));
            assert.deepEqual(users.users.map((u) => u.id).sort(), ['ann', 'bob', 'watcher']);
            const list = await json(sdk.get({ path: '/channels', params: { filter_by_prefix: name, info: 'user_count' } }));
            assert.deepEqual(list.channels, { [name]: { user_count: 3 } });
        }
        annAgain.disconnect();
        // Barrier: once node 0 counts three subscriptions, node 2 has written ann's departure to
        // Redis; a sentinel node 2 publishes after that reaches the watcher after anything it
        // caused.
        await settle(() => json(h.sdks[0].get({ path: `/channels/${name}`, params: { info: 'subscription_count' } })),
            (v) => v.subscription_count === 3, 'node 0 counting ann\'s departure from node 2');
        await flush(watcher, h.sdks[2]);
        assert.deepEqual(memberEvents(events), ['+ann', '+bob'], 'ann still has a connection on node 1');
        pools[1].disconnectAll();
        await until(() => memberEvents(events).length === 3, 'member_removed for ann');
        assert.deepEqual(memberEvents(events), ['+ann', '+bob', '-ann']);
        await settle(() => json(h.sdks[1].get({ path: `/channels/${name}`, params: { info: 'user_count,subscription_count' } })),
            (v) => v.subscription_count === 2 && v.user_count === 2, 'counts after ann left');
    });
});

describe('cluster: watchlist', () => {
    t('a watched user is online while it has a connection on any node, offline after its last', async (pools) => {
        const watched = unique('watched-');
        const { statuses } = await watching(pools[0], watched);
        const first = await pools[1].connect({ params: { user_id: watched } });
        await signedIn(first);
        await until(() => statuses.length === 2, `${watched} online on node 1`);
        const second = await pools[2].connect({ params: { user_id: watched } });
        await signedIn(second);
        await sleep(kQuietMs);  // node 2's registration of the user reached Redis first
        first.disconnect();
        await sleep(kQuietMs);
        assert.deepEqual(statuses, [`-${watched}`, `+${watched}`], 'still online through node 2');
        second.disconnect();
        await until(() => statuses.length === 3, `${watched} offline`);
        assert.deepEqual(statuses, [`-${watched}`, `+${watched}`, `-${watched}`]);
        // A watcher signing in now on a node without the user hears it offline; with it elsewhere, online.
        const again = await pools[2].connect({ params: { user_id: watched } });
        await signedIn(again);
        await until(() => statuses.length === 4, `${watched} online again`);
        const late = await watching(pools[1], watched);
        assert.deepEqual(late.statuses, [`+${watched}`], 'a late watcher on another node');
    });
});

describe('cluster: faults', () => {
    t('Redis stopped under traffic: local delivery goes on, then the cluster comes back', async (pools) => {
        const name = unique('cluster-outage-');
        const local = await subscribed(await pools[0].connect(), name);
        const remote = await subscribed(await pools[1].connect(), name);
        const localLog = record(local);
        h.redis.pause();
        try {
            const deadline = Date.now() + kOutageMs;
            let sent = 0;
            while (Date.now() < deadline) {
                await h.sdks[0].trigger(name, 'during', { n: ++sent });
                await sleep(100);
            }
            await flush(local);
            assert.equal(localLog.filter((e) => e.event === 'during').length, sent, 'local delivery stopped during the outage');
        } finally {
            h.redis.resume();
        }
        await settle(async () => {
            const arrived = nextEvent(remote, 'after', 'an event across nodes after the outage', 500).then(() => true, () => false);
            await h.sdks[0].trigger(name, 'after', {});
            return arrived;
        }, (ok) => ok, 'cross-node delivery after Redis came back', 15_000);
        await settle(() => json(h.sdks[2].get({ path: `/channels/${name}`, params: { info: 'subscription_count' } })),
            (v) => v.subscription_count === 2, 'counts after the outage');
        for (const node of h.nodes) assert.equal(node.exit, null, `${node.name} exited`);
    });

    t('kill -9 of a node: survivors get member_removed once and REST counts settle within the lease', async (pools) => {
        const name = unique('presence-cluster-kill-');
        const watcher = await subscribed(await pools[0].connect({ params: { user_id: 'w' } }), name);
        const events = record(watcher);
        await subscribed(await pools[2].connect({ params: { user_id: 'doomed' } }), name);
        await subscribed(await pools[2].connect({ params: { user_id: 'both' } }), name);
        await subscribed(await pools[1].connect({ params: { user_id: 'both' } }), name);
        const watchedDoomed = unique('signed-in-doomed-');
        const { statuses } = await watching(pools[0], watchedDoomed);
        await signedIn(await pools[2].connect({ params: { user_id: watchedDoomed } }));
        await until(() => statuses.length === 2, `${watchedDoomed} online on node 2`);
        await until(() => memberEvents(events).length === 2, 'member_added for doomed and both');
        await settle(() => json(h.sdks[0].get({ path: `/channels/${name}`, params: { info: 'user_count,subscription_count' } })),
            (v) => v.subscription_count === 4, 'four subscriptions before the kill');
        const killedAt = Date.now();
        h.nodes[2].child.kill('SIGKILL');
        await until(() => memberEvents(events).length === 3, 'member_removed for doomed', kLeaseMs * 4);
        const info = await settle(() => json(h.sdks[1].get({ path: `/channels/${name}`, params: { info: 'user_count,subscription_count' } })),
            (v) => v.subscription_count === 2 && v.user_count === 2, 'REST counts after the kill', kLeaseMs * 4);
        const took = Date.now() - killedAt;
        assert.ok(took <= kLeaseMs * 2 + 1000, `settled after ${took} ms, beyond the lease bound`);
        // Barrier: the reap published every transition at once and removed the node, so none can
        // follow; a sentinel a survivor publishes now arrives after all of them.
        await flush(watcher, h.sdks[1]);
        assert.deepEqual(memberEvents(events), ['+doomed', '+both', '-doomed']);
        assert.equal(info.occupied, true);
        await until(() => statuses.length === 3, `${watchedDoomed} offline with its node`, kLeaseMs * 4);
        assert.deepEqual(statuses, [`-${watchedDoomed}`, `+${watchedDoomed}`, `-${watchedDoomed}`]);
    });
});
