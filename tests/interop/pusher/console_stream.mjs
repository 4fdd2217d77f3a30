// tests/interop/pusher/console_stream.mjs
//
// A reader of the admin listener's live console (docs/OPERATIONS.md, "Admin API"): a session
// cookie from GET /api/admin/session (an admin listener without a token on loopback opens one),
// then GET /api/admin/stream?app=ID with `Accept: text/event-stream` over node:http, parsed into
// `event:`/`data:` blocks whose JSON data is collected in order. waitFor() polls what arrived and
// fails with the events seen so far.
import http from 'node:http';
import { serverTest, within } from '../lib/harness.mjs';
import { httpRequest, kWaitMs, sleep } from './harness.mjs';

export const kConsoleWaitMs = 15_000;  // a sanitizer build on a busy machine

// The admin listener's base URL, from the line "admin on http://127.0.0.1:PORT/metrics".
export async function adminBase(server) {
    const pattern = /admin on (http:\/\/127\.0\.0\.1:\d+)\/metrics/;
    const deadline = Date.now() + 10_000;
    while (!pattern.test(server.stderr + server.stdout)) {
        if (Date.now() > deadline) throw new Error(`no "admin on http://..." line\n${server.diagnostics()}`);
        await sleep(50);
    }
    return pattern.exec(server.stderr + server.stdout)[1];
}

// A session without a token: GET /api/admin/session answers with a new `herald_admin` cookie.
// Resolves to the `Cookie` header value.
export async function adminSession(admin) {
    const reply = await httpRequest(`${admin}/api/admin/session`);
    if (reply.status !== 200) throw new Error(`GET ${admin}/api/admin/session: ${reply.status} ${reply.body}`);
    const body = JSON.parse(reply.body);
    if (body.authenticated !== true || body.token_required !== false) {
        throw new Error(`GET ${admin}/api/admin/session: ${reply.body}`);
    }
    const cookie = [reply.headers['set-cookie'] ?? []].flat().map((c) => c.split(';')[0])
        .find((c) => c.startsWith('herald_admin='));
    if (!cookie) throw new Error(`no herald_admin cookie: ${JSON.stringify(reply.headers['set-cookie'])}`);
    return cookie;
}

// GET `path` of the admin API with the session cookie; resolves to the parsed JSON (status 200).
export async function adminJson(admin, cookie, path) {
    const reply = await httpRequest(`${admin}${path}`, { headers: { Cookie: cookie } });
    if (reply.status !== 200) throw new Error(`GET ${admin}${path}: ${reply.status} ${reply.body}`);
    return JSON.parse(reply.body);
}

export class ConsoleReader {
    // Opens the stream of `app` (none: stats and node events only) and resolves once the server's
    // first comment arrived: the console is then registered and sees everything that follows.
    static async open(admin, cookie, { app, name = `console${app ? ` of app ${app}` : ''}` } = {}) {
        const reader = new ConsoleReader(name);
        const url = `${admin}/api/admin/stream${app ? `?app=${encodeURIComponent(app)}` : ''}`;
        await within(kWaitMs, new Promise((resolve, reject) => {
            const req = http.get(url, { agent: false, headers: { Accept: 'text/event-stream', Cookie: cookie } }, (res) => {
                reader.response = res;
                if (res.statusCode !== 200 || !/^text\/event-stream/.test(res.headers['content-type'] ?? '')) {
                    let body = '';
                    res.setEncoding('utf8');
                    res.on('data', (chunk) => { body += chunk; });
                    res.on('end', () => reject(new Error(`GET ${url}: ${res.statusCode} ${res.headers['content-type']} ${body}`)));
                    return;
                }
                res.setEncoding('utf8');
                res.on('data', (chunk) => {
                    reader.feed(chunk);
                    if (reader.comments.length) resolve();
                });
                res.on('end', () => { reader.ended = true; });
                res.on('error', () => { reader.ended = true; });
            });
            req.on('error', reject);
            reader.request = req;
        }), `opening ${url}`);
        return reader;
    }

    constructor(name) {
        this.name = name;
        this.buffer = '';
        this.events = [];    // { type, data (parsed JSON, or the text), at (Date.now()) }, in order
        this.comments = [];
        this.pending = null;  // the event whose lines are being read
        this.ended = false;
    }

    // Line by line, as the HTML standard's event-stream parser: `event:` and `data:` lines add
    // to the pending event (`data:` lines joined with \n), a blank line dispatches it, lines
    // starting with ':' are comments (a comment is a line of its own, without a blank line).
    feed(chunk) {
        this.buffer += chunk;
        for (let end = this.buffer.search(/\r\n|\r|\n/); end >= 0; end = this.buffer.search(/\r\n|\r|\n/)) {
            // A lone \r at the end of a chunk may be the first half of \r\n: wait for more.
            if (this.buffer[end] === '\r' && end === this.buffer.length - 1) break;
            const line = this.buffer.slice(0, end);
            this.buffer = this.buffer.slice(end + (this.buffer.startsWith('\r\n', end) ? 2 : 1));
            this.line(line);
        }
    }

    line(line) {
        this.pending ??= { type: '', data: [] };
        if (line === '') {
            const { type, data } = this.pending;
            this.pending = null;
            if (!data.length) return;
            const text = data.join('\n');
            let parsed;
            try {
                parsed = JSON.parse(text);
            } catch {
                parsed = text;
            }
            this.events.push({ type: type || 'message', data: parsed, at: Date.now() });
            return;
        }
        if (line.startsWith(':')) {
            this.comments.push(line.slice(1).trim());
            return;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') this.pending.type = value;
        else if (field === 'data') this.pending.data.push(value);
    }

    // The data of the `console` events (of `kind`, if given).
    console(kind) {
        return this.events.filter((e) => e.type === 'console' && (kind === undefined || e.data.kind === kind))
            .map((e) => e.data);
    }

    // The data of the events of `type` (stats, skipped, console).
    ofType(type) {
        return this.events.filter((e) => e.type === type).map((e) => e.data);
    }

    // Polls until a console event (data) satisfies `predicate`; resolves to it. `from`: the index
    // in `events` to search from.
    async waitFor(predicate, what, ms = kConsoleWaitMs, { type = 'console', from = 0 } = {}) {
        const deadline = Date.now() + ms;
        for (;;) {
            for (let i = from; i < this.events.length; i++) {
                const e = this.events[i];
                if (e.type === type && predicate(e.data)) return e.data;
            }
            if (Date.now() > deadline) {
                throw new Error(`${this.name}: no ${what} within ${ms} ms${this.ended ? ' (the stream ended)' : ''}; ` +
                    `seen so far:\n${this.describe()}`);
            }
            await sleep(20);
        }
    }

    // Polls until `check()` holds, failing with `what` and the events seen so far.
    async until(check, what, ms = kConsoleWaitMs) {
        const deadline = Date.now() + ms;
        while (!check()) {
            if (Date.now() > deadline) {
                throw new Error(`${this.name}: ${what} (not within ${ms} ms); seen so far:\n${this.describe()}`);
            }
            await sleep(20);
        }
    }

    describe(max = 80) {
        const lines = this.events.map((e) => `  ${e.type} ${JSON.stringify(e.data)}`);
        const cut = lines.length > max ? [`  [... ${lines.length - max} earlier events ...]`, ...lines.slice(-max)] : lines;
        return cut.join('\n') || '  (nothing)';
    }

    diagnostics() {
        return `--- ${this.name}:\n${this.describe()}`;
    }

    close() {
        this.request?.destroy();
        this.response?.destroy();
    }
}

// A test whose failure prints `servers()` (the servers and console readers to describe) and
// pusher-js's log of every pool in `h.pools`, which are disconnected after it.
export function consoleServerTest(h, name, servers, fn, timeout = 90_000) {
    const logs = { diagnostics: () => `--- pusher-js:\n${h.pools.flatMap((p) => p.logs).join('\n') || '(nothing)'}` };
    return serverTest(name, () => [...servers(), logs], async () => {
        try {
            await fn();
        } finally {
            for (const pool of h.pools) pool.disconnectAll();
            h.pools = [];
        }
    }, { timeout });
}
