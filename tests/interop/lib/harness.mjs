// tests/interop/lib/harness.mjs
//
// Shared helpers of the interop suites: start and stop the Herald example binaries on port 0,
// unique temporary directories, a self-signed certificate made with the `openssl` command, and
// failures that carry the server's stderr. Every process started here is killed when the test
// process exits, whatever the outcome.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

export const kTestTimeoutMs = 30_000;
const kStartTimeoutMs = 15_000;
const kStopTimeoutMs = 5_000;
const kSanitizerReport = /(ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: \w+Sanitizer)/;

const running = new Set();
const killAll = () => {
    for (const child of running) child.kill('SIGKILL');
};
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
        killAll();
        process.exit(1);
    });
}

// The path of a binary given by the environment (set by tests/interop/CMakeLists.txt).
export function binary(variable) {
    const value = process.env[variable];
    if (!value) {
        throw new Error(`${variable} is not set: run this suite through ctest (label interop), ` +
            `or export ${variable}=/path/to/the/binary`);
    }
    return value;
}

export function makeTempDir(prefix) {
    const dir = mkdtempSync(path.join(tmpdir(), `herald-interop-${prefix}-`));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
}

// A self-signed certificate for 127.0.0.1 (the IP is in subjectAltName, so verifying against
// the certificate as CA also checks the host). Returns the file paths and the PEM text.
export function makeCertificate(dir) {
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
        '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'pipe' });
    return { cert, key, pem: readFileSync(cert, 'utf8') };
}

// Starts `file args...` and resolves once it printed `listening on HOST:PORT` on stdout.
// The returned handle keeps stdout/stderr, and stop() ends the process with SIGTERM (SIGKILL if
// it does not stop in time) and resolves to how it ended.
export function startListening(file, args, { name = path.basename(file), env = {} } = {}) {
    return new ServerHandle(name, file, args, spawnTracked(file, args, env)).ready();
}

// Spawns `file args...` with piped output; it is killed when the test process exits.
export function spawnTracked(file, args, env = {}) {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    running.add(child);
    return child;
}

// A process started by a suite: its output, how it ended, and a clean stop.
export class ProcessHandle {
    constructor(name, file, args, child, { stopTimeoutMs = kStopTimeoutMs } = {}) {
        this.name = name;
        this.command = [file, ...args].join(' ');
        this.child = child;
        this.stopTimeoutMs = stopTimeoutMs;
        this.stdout = '';
        this.stderr = '';
        this.exit = null;
        child.stdout.setEncoding('utf8');
        child.stderr.setEncoding('utf8');
        child.stdout.on('data', (chunk) => { this.stdout += chunk; });
        child.stderr.on('data', (chunk) => { this.stderr += chunk; });
        this.exited = new Promise((resolve) => {
            const done = (exit) => {
                running.delete(child);
                this.exit = exit;
                resolve(exit);
            };
            child.on('exit', (code, signal) => done({ code, signal }));
            child.on('error', (error) => done({ code: null, signal: null, error }));
        });
    }

    url(scheme = 'ws', suffix = '/') {
        return `${scheme}://${this.host}:${this.port}${suffix}`;
    }

    // `extra`: lines between the command and the exit (a config file, for example).
    diagnostics(extra = []) {
        const lines = [`--- ${this.name}: ${this.command}`, ...extra];
        if (this.exit) lines.push(`--- exit: ${describeExit(this.exit)}`);
        lines.push(`--- stdout:\n${tail(this.stdout)}`, `--- stderr:\n${tail(this.stderr)}`, '---');
        return lines.join('\n');
    }

    async stop() {
        if (!this.exit) {
            this.child.kill('SIGTERM');
            const timer = setTimeout(() => this.child.kill('SIGKILL'), this.stopTimeoutMs);
            await this.exited;
            clearTimeout(timer);
        }
        return this.exit;
    }

    // Stops the process and throws unless it was still running, exited with status 0 on SIGTERM
    // and printed no sanitizer report.
    async stopCleanly() {
        const killedByUs = !this.exit;
        const exit = await this.stop();
        const problems = [];
        if (!killedByUs) problems.push('it had already exited before the end of the suite');
        if (exit.code !== 0) problems.push(`it did not exit with status 0 on SIGTERM within ${this.stopTimeoutMs} ms`);
        if (kSanitizerReport.test(this.stderr)) problems.push('a sanitizer reported an error');
        if (problems.length) throw new Error(`${this.name}: ${problems.join('; ')}\n${this.diagnostics()}`);
    }
}

class ServerHandle extends ProcessHandle {
    ready() {
        return new Promise((resolve, reject) => {
            const fail = (why) => {
                clearTimeout(timer);
                this.child.kill('SIGKILL');
                reject(new Error(`${this.name} did not start (${why})\n${this.diagnostics()}`));
            };
            const timer = setTimeout(() => fail(`no "listening on" line after ${kStartTimeoutMs} ms`),
                kStartTimeoutMs);
            const onData = () => {
                const match = /^listening on (.+):(\d+)\r?\n/m.exec(this.stdout);
                if (!match) return;
                clearTimeout(timer);
                this.child.stdout.off('data', onData);
                this.host = match[1];
                this.port = Number(match[2]);
                resolve(this);
            };
            this.child.stdout.on('data', onData);
            this.exited.then((exit) => fail(`exited early: ${describeExit(exit)}`));
        });
    }
}

function tail(text, max = 20_000) {
    const trimmed = text.trimEnd();
    return trimmed.length > max ? `[... ${trimmed.length - max} characters cut ...]\n${trimmed.slice(-max)}` : trimmed;
}

export function describeExit(exit) {
    if (exit.error) return `spawn error: ${exit.error.message}`;
    return exit.signal ? `killed by ${exit.signal}` : `status ${exit.code}`;
}

// Declares a node:test test whose failure message ends with the diagnostics of `servers`
// (a list, or a function returning one, evaluated when the test fails).
export function serverTest(name, servers, fn, options = {}) {
    return test(name, { timeout: kTestTimeoutMs, ...options }, async (t) => {
        try {
            await fn(t);
        } catch (error) {
            const list = (typeof servers === "function" ? servers() : servers ?? []).filter(Boolean);
            const extra = list.map((s) => s.diagnostics()).join('\n');
            if (error && typeof error === 'object' && extra) {
                // The reporters print the stack, which already holds the old message.
                const { message, stack } = error;
                error.message = `${message}\n${extra}`;
                if (typeof stack === 'string') error.stack = stack.replace(message, error.message);
            }
            throw error;
        }
    });
}

// Runs `file args...` to completion; resolves to { code, signal, stdout, stderr }. Killed after
// `timeoutMs`.
export function runToEnd(file, args, { timeoutMs = 20_000, env = {} } = {}) {
    return new Promise((resolve) => {
        const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
        running.add(child);
        let stdout = '';
        let stderr = '';
        let timedOut = false;
        child.stdout.setEncoding('utf8');
        child.stderr.setEncoding('utf8');
        child.stdout.on('data', (chunk) => { stdout += chunk; });
        child.stderr.on('data', (chunk) => { stderr += chunk; });
        const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
        const finish = (code, signal, error) => {
            clearTimeout(timer);
            running.delete(child);
            resolve({ code, signal, stdout, stderr, timedOut, error, command: [file, ...args].join(' ') });
        };
        child.on('exit', (code, signal) => {
            // 'close' waits for the pipes to drain; 'exit' may come first.
            child.on('close', () => finish(code, signal));
        });
        child.on('error', (error) => finish(null, null, error));
    });
}

// Deterministic pseudo-random bytes, so a failure can be reproduced.
export function patternBytes(size, seed = 1) {
    const out = Buffer.alloc(size);
    let x = (seed * 2654435761) >>> 0 || 1;
    for (let i = 0; i < size; i++) {
        x ^= x << 13; x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5; x >>>= 0;
        out[i] = x & 0xff;
    }
    return out;
}

export function sha1hex(data) {
    return createHash('sha1').update(data).digest('hex');
}

export function writeFile(dir, name, content) {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
}

export { randomBytes };

// Resolves after `ms`, or rejects with `message` if `promise` has not settled by then.
export function within(ms, promise, message) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${message} (no result after ${ms} ms)`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
