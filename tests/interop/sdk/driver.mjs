// tests/interop/sdk/driver.mjs
//
// The C++ SDK from Node: spawns sdk_driver (HERALD_SDK_DRIVER) with a client configuration and
// exchanges one JSON line per command. Also small loopback servers the SDK suite needs: a capture
// server that records requests, an HTTP/CONNECT proxy and a server that accepts and never answers.
// Every process and server started here ends with the test process.
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { binary, within } from '../lib/harness.mjs';

const kAnswerTimeoutMs = 15_000;
const kSanitizerReport = /(ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: \w+Sanitizer)/;
const running = new Set();
process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
});

export class Driver {
    // `url`: http://KEY:SECRET@HOST:PORT/apps/ID; `flags`: sdk_driver's other arguments.
    constructor(url, flags = []) {
        this.child = spawn(binary('HERALD_SDK_DRIVER'), [url, ...flags], { stdio: ['pipe', 'pipe', 'pipe'] });
        running.add(this.child);
        this.stderr = '';
        this.waiting = [];
        this.buffer = '';
        this.child.stderr.setEncoding('utf8');
        this.child.stderr.on('data', (chunk) => { this.stderr += chunk; });
        this.child.stdout.setEncoding('utf8');
        this.child.stdout.on('data', (chunk) => {
            this.buffer += chunk;
            for (let end = this.buffer.indexOf('\n'); end >= 0; end = this.buffer.indexOf('\n')) {
                const line = this.buffer.slice(0, end);
                this.buffer = this.buffer.slice(end + 1);
                this.waiting.shift()?.resolve(JSON.parse(line));
            }
        });
        this.exited = new Promise((resolve) => {
            this.child.on('exit', (code, signal) => {
                running.delete(this.child);
                for (const w of this.waiting.splice(0)) {
                    w.reject(new Error(`sdk_driver exited (${code ?? signal}): ${this.stderr}`));
                }
                resolve({ code, signal });
            });
        });
    }

    // Sends one command; resolves to the driver's answer object.
    call(command) {
        const answer = new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
        this.child.stdin.write(`${JSON.stringify(command)}\n`);
        return within(kAnswerTimeoutMs, answer, `sdk_driver answering ${JSON.stringify(command).slice(0, 200)}`);
    }

    // The result of a command that must succeed.
    async ok(command) {
        const answer = await this.call(command);
        if (!answer.ok) throw new Error(`sdk_driver ${command.op} failed: ${JSON.stringify(answer)}`);
        return answer.result;
    }

    // Closes stdin and checks the driver exited 0 without a sanitizer report.
    async close() {
        this.child.stdin.end();
        const exit = await within(10_000, this.exited, 'sdk_driver exiting');
        if (exit.code !== 0 || kSanitizerReport.test(this.stderr)) {
            throw new Error(`sdk_driver ended with ${JSON.stringify(exit)}: ${this.stderr}`);
        }
    }
}

function listen(server) {
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server.address().port));
    });
}

function closeServer(server) {
    server.closeAllConnections?.();
    return new Promise((resolve) => server.close(() => resolve()));
}

// Records every request (method, url, content-type, body) and answers 200 {}.
export async function startCapture() {
    const requests = [];
    const server = http.createServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk) => { body += chunk; });
        req.on('end', () => {
            requests.push({ method: req.method, url: req.url, contentType: req.headers['content-type'] ?? null, body });
            res.writeHead(200, { 'Content-Type': 'application/json' });
            res.end('{}');
        });
    });
    const port = await listen(server);
    return { port, requests, close: () => closeServer(server) };
}

// A forward proxy: absolute-URI requests are relayed, CONNECT opens a tunnel. `seen` lists
// "GET http://..." / "CONNECT host:port" lines.
export async function startProxy() {
    const seen = [];
    const sockets = new Set();
    const server = http.createServer((req, res) => {
        seen.push(`${req.method} ${req.url}`);
        const target = new URL(req.url);
        const upstream = http.request({
            host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`,
            method: req.method, headers: req.headers,
        }, (answer) => {
            res.writeHead(answer.statusCode, answer.headers);
            answer.pipe(res);
        });
        upstream.on('error', () => { res.writeHead(502); res.end(); });
        req.pipe(upstream);
    });
    server.on('connect', (req, client, head) => {
        seen.push(`CONNECT ${req.url}`);
        const [host, port] = req.url.split(':');
        const upstream = net.connect(Number(port), host, () => {
            client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
            upstream.write(head);
            upstream.pipe(client);
            client.pipe(upstream);
        });
        for (const s of [client, upstream]) {
            sockets.add(s);
            s.on('error', () => {});
            s.on('close', () => sockets.delete(s));
        }
    });
    const port = await listen(server);
    return {
        port, seen, url: `http://127.0.0.1:${port}`,
        close: () => {
            for (const s of sockets) s.destroy();
            return closeServer(server);
        },
    };
}

// Accepts TCP connections and reads, but never answers.
export async function startSilentServer() {
    const sockets = new Set();
    const server = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('data', () => {});
        socket.on('error', () => {});
    });
    const port = await listen(server);
    return {
        port,
        close: () => {
            for (const s of sockets) s.destroy();
            return new Promise((resolve) => server.close(() => resolve()));
        },
    };
}
