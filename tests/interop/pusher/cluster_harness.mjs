// tests/interop/pusher/cluster_harness.mjs
//
// A Herald cluster for the interop suites: a real redis-server (Debian's) on a free 127.0.0.1
// port with persistence off (plain TCP, or TLS only with a test CA made by openssl), and N
// `herald serve` nodes sharing it, each on its own port. The Redis process can be paused
// (SIGSTOP) and resumed; every process is killed when the test process exits.
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { makeTempDir } from '../lib/harness.mjs';
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

// A certificate authority in `dir` and, signed by it, a server certificate for 127.0.0.1 and
// localhost and a client certificate: the PEM file paths.
export function makeRedisPki(dir, name = 'ca') {
    const file = (base) => path.join(dir, `${name}-${base}`);
    const key = (out) => ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', out];
    execFileSync('openssl', ['req', '-x509', ...key(file('ca.key')), '-days', '2', '-subj', `/CN=Herald test ${name}`,
        '-out', file('ca.pem')], { stdio: 'pipe' });
    const issue = (base, subject, extensions) => {
        writeFileSync(file(`${base}.ext`), `${extensions}\n`);
        execFileSync('openssl', ['req', '-new', ...key(file(`${base}.key`)), '-subj', subject, '-out', file(`${base}.csr`)],
            { stdio: 'pipe' });
        execFileSync('openssl', ['x509', '-req', '-in', file(`${base}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
            '-CAcreateserial', '-days', '2', '-extfile', file(`${base}.ext`), '-out', file(`${base}.pem`)], { stdio: 'pipe' });
        return { cert: file(`${base}.pem`), key: file(`${base}.key`) };
    };
    const server = issue('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost');
    const client = issue('client', '/CN=herald', 'extendedKeyUsage=clientAuth');
    return { ca: file('ca.pem'), server, client };
}

// `port`: a port chosen beforehand (nodes started before Redis already point at it). `tls`: a
// makeRedisPki() result: Redis then listens with TLS only and asks for client certificates.
// `args`: more redis-server arguments (replicaof, ...).
export async function startRedis({ port: chosen, tls = null, args = [] } = {}) {
    const port = chosen ?? await freePort();
    const listen = tls
        ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.server.cert, '--tls-key-file', tls.server.key,
            '--tls-ca-cert-file', tls.ca, '--tls-auth-clients', 'yes', '--tls-replication', 'yes']
        : ['--port', String(port)];
    // A directory of its own: a replica writes the master's data to disk while it syncs.
    const child = spawn('redis-server', [...listen, '--bind', '127.0.0.1', '--save', '',
        '--appendonly', 'no', '--loglevel', 'warning', '--dir', makeTempDir('redis'), ...args],
    { stdio: ['ignore', 'ignore', 'pipe'] });
    redisProcesses.add(child);
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const cliTls = tls ? ['--tls', '--cacert', tls.ca, '--cert', tls.client.cert, '--key', tls.client.key] : [];
    // Runs one command through redis-cli; resolves to its output.
    const cli = (...command) => new Promise((resolve, reject) => {
        const run = spawn('redis-cli', ['-p', String(port), ...cliTls, ...command]);
        let out = '';
        run.stdout.on('data', (chunk) => { out += chunk; });
        run.on('error', reject);
        run.on('exit', () => resolve(out));
    });
    const deadline = Date.now() + 10_000;
    while (!(tls ? (await cli('PING')).startsWith('PONG') : await redisAnswers(port))) {
        if (Date.now() > deadline || child.exitCode !== null) {
            throw new Error(`redis-server did not start on ${port} (is it installed? scripts/install-deps.sh)\n${stderr}`);
        }
        await sleep(50);
    }
    return {
        port,
        child,
        url: `${tls ? 'rediss' : 'redis'}://127.0.0.1:${port}/0`,
        pause: () => child.kill('SIGSTOP'),
        resume: () => child.kill('SIGCONT'),
        cli,
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

// `count` sentinels (redis-server --sentinel) in `dir` watching the master at `masterPort` under
// `name`, with short timeouts so a failover takes seconds: down after 1 s, failover timeout 3 s.
// Each has `port` and `cli(...)`; stop() kills it.
export async function startSentinels(dir, masterPort, count, name = 'herald') {
    const sentinels = [];
    for (let i = 0; i < count; i++) {
        const port = await freePort();
        const conf = path.join(dir, `sentinel-${port}.conf`);  // Sentinel rewrites it as it learns
        writeFileSync(conf, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`,
            `sentinel monitor ${name} 127.0.0.1 ${masterPort} 2`,
            `sentinel down-after-milliseconds ${name} 1000`,
            `sentinel failover-timeout ${name} 3000`,
            `sentinel parallel-syncs ${name} 1`, ''].join('\n'));
        const child = spawn('redis-server', [conf, '--sentinel', '--loglevel', 'warning'],
            { stdio: ['ignore', 'ignore', 'pipe'] });
        redisProcesses.add(child);
        const cli = (...command) => new Promise((resolve, reject) => {
            const run = spawn('redis-cli', ['-p', String(port), ...command]);
            let out = '';
            run.stdout.on('data', (chunk) => { out += chunk; });
            run.on('error', reject);
            run.on('exit', () => resolve(out));
        });
        const deadline = Date.now() + 10_000;
        while (!(await redisAnswers(port))) {
            if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server --sentinel did not start on ${port}`);
            await sleep(50);
        }
        sentinels.push({
            port, cli,
            stop: () => {
                child.kill('SIGKILL');
                redisProcesses.delete(child);
            },
        });
    }
    return sentinels;
}

// A TCP proxy on 127.0.0.1 to `targetPort`, so that one node's link to Redis can be cut alone:
// cut() drops every connection through it and refuses new ones until restore().
export async function startTcpProxy(targetPort) {
    const sockets = new Set();
    let open = true;
    const server = net.createServer((client) => {
        if (!open) {
            client.destroy();
            return;
        }
        const upstream = net.connect(targetPort, '127.0.0.1');
        for (const [a, b] of [[client, upstream], [upstream, client]]) {
            sockets.add(a);
            a.pipe(b);
            a.on('error', () => b.destroy());
            a.on('close', () => {
                sockets.delete(a);
                b.destroy();
            });
        }
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
        port: server.address().port,
        cut: () => {
            open = false;
            for (const socket of sockets) socket.destroy();
        },
        restore: () => { open = true; },
        close: () => {
            open = false;
            for (const socket of sockets) socket.destroy();
            server.close();
        },
    };
}
