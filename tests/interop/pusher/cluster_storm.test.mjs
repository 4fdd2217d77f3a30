// tests/interop/pusher/cluster_storm.test.mjs
//
// A reconnect storm on a three-node cluster: HERALD_STORM_CLIENTS raw WebSocket clients (default
// 2000; a fifth of them presence members, four connections per user) connect to node 0, then all
// drop at once and reconnect to nodes 1 and 2. REST counts on every node converge to the truth and
// a pusher-js watcher's roster has every member and no ghost; then a share of the users leave for
// good and the watcher sees member_removed exactly once for each. Raw `ws` clients that do not
// parse what they receive keep the machine's two cores for the servers.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import WebSocket from 'ws';
import { serverTest, within } from '../lib/harness.mjs';
import { ClientPool, kApp, nextEvent, record, sdkFor, startAppServer, subscribed, until } from './harness.mjs';
import { settle, startCluster, startRedis } from './cluster_harness.mjs';

const kClients = Number(process.env.HERALD_STORM_CLIENTS ?? 2000);
const kMembers = Math.floor(kClients / 5);   // presence connections
const kUsers = Math.max(1, Math.floor(kMembers / 4));
const kPresence = 'presence-storm';
const kPublic = 'storm-public';
const kBatch = 200;                           // connections opened at once
const kApp500 = { ...kApp, limits: { max_presence_members: 100000 } };
const h = { redis: null, nodes: [], sdk: null, appServer: null, pool: null };

before(async () => {
    h.redis = await startRedis();
    h.nodes = await startCluster(h.redis, 3, { app: kApp500, leaseMs: 2000 });
    h.sdk = sdkFor(h.nodes[0], kApp500);
    h.appServer = await startAppServer(h.nodes[0], kApp500);
});
after(async () => {
    h.pool?.disconnectAll();
    await h.appServer?.close();
    for (const node of h.nodes) await node.stopCleanly();
    h.redis?.stop();
});

// One light client: connects, subscribes to one channel, counts what arrives without parsing it.
function stormClient(node, index) {
    const member = index < kMembers;
    const channel = member ? kPresence : kPublic;
    const ws = new WebSocket(node.wsUrl(kApp500.key), { perMessageDeflate: false });
    ws.on('error', () => {});
    return within(20_000, new Promise((resolve, reject) => {
        let established = false;
        ws.on('message', (data) => {
            const text = data.toString();
            if (!established) {
                established = true;
                const socketId = JSON.parse(JSON.parse(text).data).socket_id;
                const payload = { channel, auth: '' };
                if (member) {
                    const user = { user_id: `u${index % kUsers}`, user_info: {} };
                    Object.assign(payload, sdkFor(node, kApp500).authorizeChannel(socketId, channel, user));
                }
                ws.send(JSON.stringify({ event: 'pusher:subscribe', data: payload }));
            } else if (text.includes('subscription_succeeded')) {
                resolve({ ws, index });
            } else if (text.includes('subscription_error') || text.includes('pusher:error')) {
                reject(new Error(`client ${index}: ${text}`));
            }
        });
        ws.on('close', () => reject(new Error(`client ${index} closed before subscribing`)));
    }), `storm client ${index} subscribing on ${node.name}`);
}

async function connectAll(pick) {
    const clients = [];
    for (let start = 0; start < kClients; start += kBatch) {
        const batch = [];
        for (let i = start; i < Math.min(kClients, start + kBatch); i++) batch.push(stormClient(pick(i), i));
        clients.push(...await Promise.all(batch));
    }
    return clients;
}

const info = (node, channel) => sdkFor(node, kApp500).get({
    path: `/channels/${channel}`, params: { info: channel.startsWith('presence-') ? 'user_count,subscription_count' : 'subscription_count' },
}).then((r) => r.json());

async function expectCounts(presenceSubs, users, publicSubs, what) {
    for (const node of h.nodes) {
        await settle(() => info(node, kPresence), (v) => v.subscription_count === presenceSubs && v.user_count === users,
            `${what}: ${kPresence} on ${node.name}`, 20_000);
        await settle(() => info(node, kPublic), (v) => v.subscription_count === publicSubs,
            `${what}: ${kPublic} on ${node.name}`, 20_000);
    }
}

describe('cluster: reconnect storm', () => {
    serverTest(`${kClients} clients drop and reconnect to other nodes at once; presence and counts converge`, () => h.nodes, async () => {
        h.pool = new ClientPool(h.nodes[0], h.appServer, kApp500);
        const watcherClient = await h.pool.connect({ params: { user_id: 'watcher' } });
        const watcher = await subscribed(watcherClient, kPresence);
        const events = record(watcher);
        let clients = await connectAll(() => h.nodes[0]);
        await expectCounts(kMembers + 1, kUsers + 1, kClients - kMembers, 'after connecting');

        for (const c of clients) c.ws.terminate();
        clients = await connectAll((i) => h.nodes[1 + (i % 2)]);
        await expectCounts(kMembers + 1, kUsers + 1, kClients - kMembers, 'after the storm');
        const late = await subscribed(await h.pool.connect({ params: { user_id: 'late' } }), kPresence);
        const roster = Object.keys(late.members.members).sort();
        const expected = [...Array(kUsers).keys()].map((i) => `u${i}`).concat(['late', 'watcher']).sort();
        assert.deepEqual(roster, expected, 'the roster after the storm');
        late.pusher.disconnect();

        // A share of the users leave for good: member_removed once each on the watcher.
        const leaving = Math.floor(kUsers / 2);
        const before = events.length;
        for (const c of clients) {
            if (c.index < kMembers && c.index % kUsers < leaving) c.ws.terminate();
        }
        await expectCounts(kMembers - leaving * 4 + 1, kUsers - leaving + 1, kClients - kMembers, 'after users left');
        const removed = () => events.slice(before).filter((e) => e.event === 'pusher:member_removed').map((e) => e.data.id);
        await until(() => removed().includes('late') && removed().length >= leaving + 1, 'member_removed for every user that left', 20_000);
        // Barrier: a sentinel from each node the users left reaches the watcher after every
        // transition those nodes had written to Redis.
        for (const node of h.nodes.slice(1)) {
            const arrived = nextEvent(watcher, 'sentinel', `the sentinel of ${node.name}`);
            await sdkFor(node, kApp500).trigger(kPresence, 'sentinel', {});
            await arrived;
        }
        const ids = removed().sort();
        const want = [...Array(leaving).keys()].map((i) => `u${i}`).concat(['late']).sort();
        assert.deepEqual(ids, want, 'member_removed exactly once per user that left');
        assert.equal(Object.keys(watcher.members.members).length, kUsers - leaving + 1);
        for (const c of clients) c.ws.terminate();
    }, { timeout: 120_000 });
});
