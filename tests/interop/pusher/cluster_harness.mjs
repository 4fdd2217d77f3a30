// tests/interop/pusher/cluster_harness.mjs
//
// A Herald cluster for the interop suites: a real redis-server (Debian's) on a free 127.0.0.1
// port with persistence off, and N `herald serve` nodes sharing it, each on its own port. The
// Redis process can be paused (SIGSTOP) and resumed; every process is killed when the test
// process exits.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { freePort, kApp, sleep, startHerald } from './harness.mjs';

const redisProcesses = new Set();
process.on('exit', () => {
    for (const child of redisProcesses) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
    }
});

function redisAnswers(port) {
    return new Promise((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        const done = (ok) => {
            socket.destroy();
            resolve(ok);
        };
        socket.setTimeout(1_000, () => done(false));
        socket.on('error', () => done(false));
        socket.on('connect', () => socket.write('PING\r\n'));
        socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
    });
}

// `port`: a port chosen beforehand (nodes started before Redis already point at it).
export async function startRedis({ port: chosen } = {}) {
    const port = chosen ?? await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
        '--appendonly', 'no', '--loglevel', 'warning'], { stdio: ['ignore', 'ignore', 'pipe'] });
    redisProcesses.add(child);
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const deadline = Date.now() + 10_000;
    while (!(await redisAnswers(port))) {
        if (Date.now() > deadline || child.exitCode !== null) {
            throw new Error(`redis-server did not start on ${port} (is it installed? scripts/install-deps.sh)\n${stderr}`);
        }
        await sleep(50);
    }
    return {
        port,
        url: `redis://127.0.0.1:${port}/0`,
        pause: () => child.kill('SIGSTOP'),
        resume: () => child.kill('SIGCONT'),
        // Runs one command through redis-cli; resolves to its output.
        cli: (...args) => new Promise((resolve, reject) => {
            const cli = spawn('redis-cli', ['-p', String(port), ...args]);
            let out = '';
            cli.stdout.on('data', (chunk) => { out += chunk; });
            cli.on('error', reject);
            cli.on('exit', () => resolve(out));
        }),
        stop: () => {
            child.kill('SIGCONT');
            child.kill('SIGKILL');
            redisProcesses.delete(child);
        },
    };
}

// `count` nodes sharing `redis`, started one after the other.
export async function startCluster(redis, count, { app = kApp, leaseMs = 1500, top = {} } = {}) {
    const nodes = [];
    for (let i = 0; i < count; i++) {
        nodes.push(await startHerald({
            apps: [app], name: `herald node ${i}`,
            top: { redis_url: redis.url, cluster_lease_ms: leaseMs, ...top },
        }));
    }
    return nodes;
}

// Polls the async `probe` until `check(value)` holds; returns the value, or throws with the last.
export async function settle(probe, check, what, ms = 10_000) {
    const deadline = Date.now() + ms;
    let last;
    for (;;) {
        last = await probe();
        if (check(last)) return last;
        if (Date.now() > deadline) throw new Error(`${what}: not after ${ms} ms (last: ${JSON.stringify(last)})`);
        await sleep(50);
    }
}
