// bench/failover.mjs: one measurement of bench/run_failover.sh (run through it).
//
// A Sentinel-watched master and replica, three sentinels (down after 1 s), three `herald serve`
// nodes with one pusher-js subscriber each, and events triggered every 20 ms on the nodes in
// turn. The master is killed with -9; prints one line: "promoted_ms N resumed_ms M", the time
// from the kill to the sentinels naming the replica, and to the moment every node has received
// an event published on another node after the kill.
import { makeTempDir } from '../tests/interop/lib/harness.mjs';
import {
    ClientPool, kApp, sdkFor, sleep, startAppServer, startHerald, subscribed,
} from '../tests/interop/pusher/harness.mjs';
import { settle, startRedis, startSentinels } from '../tests/interop/pusher/cluster_harness.mjs';

const master = await startRedis();
const replica = await startRedis({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
await settle(() => replica.cli('INFO', 'replication'), (out) => /master_link_status:up/.test(out), 'replica in sync');
const sentinels = await startSentinels(makeTempDir('failover'), master.port, 3);
for (const s of sentinels) {
    await settle(() => s.cli('SENTINEL', 'master', 'herald'),
        (out) => /num-other-sentinels\n2\n/.test(out) && /num-slaves\n1\n/.test(out), 'sentinels ready', 20_000);
}
const hosts = sentinels.map((s) => `127.0.0.1:${s.port}`).join(',');
const nodes = [];
for (let i = 0; i < 3; i++) {
    nodes.push(await startHerald({ name: `node ${i}`, top: { redis_url: `redis+sentinel://${hosts}/herald/0`, cluster_lease_ms: 1500 } }));
}
const appServer = await startAppServer(nodes[0]);
const sdks = nodes.map((node) => sdkFor(node));
const pools = nodes.map((node) => new ClientPool(node, appServer));
const channels = await Promise.all(pools.map(async (pool) => subscribed(await pool.connect(), 'failover')));

let killedAt = Infinity;
const resumed = channels.map(() => 0);
channels.forEach((channel, i) => channel.bind('tick', ({ from, at }) => {
    if (from !== i && at > killedAt && resumed[i] === 0) resumed[i] = Date.now();
}));
let running = true;
const traffic = (async () => {
    for (let n = 0; running; n++) {
        await sdks[n % 3].trigger('failover', 'tick', { from: n % 3, at: Date.now() }).catch(() => {});
        await sleep(20);
    }
})();
await sleep(1000);
killedAt = Date.now();
master.stop();
const masterPort = async () => Number((await sentinels[0].cli('SENTINEL', 'get-master-addr-by-name', 'herald')).split('\n')[1]);
await settle(masterPort, (port) => port === replica.port, 'promotion', 30_000);
const promotedAt = Date.now();
const deadline = Date.now() + 30_000;
while (resumed.some((t) => t === 0) && Date.now() < deadline) await sleep(10);
running = false;
await traffic;
if (resumed.some((t) => t === 0)) {
    console.log(`failed: delivery did not resume on every node (${resumed.join(',')})`);
    process.exit(1);
}
console.log(`promoted_ms ${promotedAt - killedAt} resumed_ms ${Math.max(...resumed) - killedAt}`);
for (const pool of pools) pool.disconnectAll();
await appServer.close();
process.exit(0);
