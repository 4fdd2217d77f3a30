// tests/interop/lib/ws_peer.mjs
//
// A `ws` client wrapped for tests: connect with a deadline, await the next message or the
// close, and always terminate at the end. Also a raw TCP client that performs the opening
// handshake by hand and then writes frames exactly as given, for protocol violations `ws`
// would refuse to send.
import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { within } from './harness.mjs';

const kWaitMs = 10_000;
const kGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export class Client {
    static async connect(url, { protocols = [], ...options } = {}) {
        const ws = new WebSocket(url, protocols, { handshakeTimeout: kWaitMs, ...options });
        const client = new Client(ws);
        await within(kWaitMs, new Promise((resolve, reject) => {
            ws.once('open', resolve);
            ws.once('error', reject);
            ws.once('unexpected-response', (req, res) => {
                reject(new Error(`unexpected HTTP ${res.statusCode} to the upgrade of ${url}`));
            });
        }), `connecting to ${url}`);
        return client;
    }

    constructor(ws) {
        this.ws = ws;
        this.messages = [];
        this.waiters = [];
        this.errors = [];
        ws.on('message', (data, isBinary) => {
            const message = { data: Buffer.from(data), isBinary };
            const waiter = this.waiters.shift();
            if (waiter) waiter(message); else this.messages.push(message);
        });
        ws.on('error', (error) => this.errors.push(error));
        this.closed = new Promise((resolve) => {
            ws.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
        });
    }

    next(what = 'the next message') {
        const queued = this.messages.shift();
        if (queued) return Promise.resolve(queued);
        return within(kWaitMs, new Promise((resolve) => this.waiters.push(resolve)), `waiting for ${what}`);
    }

    // Sends and awaits the write callback, so a send error surfaces here.
    send(data, options = {}) {
        return new Promise((resolve, reject) => {
            this.ws.send(data, options, (error) => (error ? reject(error) : resolve()));
        });
    }

    async echo(data, options = {}) {
        await this.send(data, options);
        return this.next(`the echo of a ${data.length}-byte message`);
    }

    waitClose(what = 'the close') {
        return within(kWaitMs, this.closed, `waiting for ${what}`);
    }

    async close(code = 1000, reason = '') {
        if (this.ws.readyState === WebSocket.OPEN) this.ws.close(code, reason);
        return this.waitClose();
    }

    terminate() {
        this.ws.terminate();
    }
}

// Frame bytes exactly as asked: { fin, rsv, opcode, payload, mask (true, false or a 4-byte
// Buffer), length (override the encoded length) }.
export function frame({ fin = true, rsv = 0, opcode, payload = Buffer.alloc(0), mask = true }) {
    const body = Buffer.from(payload);
    const head = [(fin ? 0x80 : 0) | (rsv << 4) | opcode];
    const maskBit = mask ? 0x80 : 0;
    if (body.length < 126) {
        head.push(maskBit | body.length);
    } else if (body.length < 65536) {
        head.push(maskBit | 126, body.length >> 8, body.length & 0xff);
    } else {
        const len = Buffer.alloc(8);
        len.writeBigUInt64BE(BigInt(body.length));
        head.push(maskBit | 127, ...len);
    }
    if (!mask) return Buffer.concat([Buffer.from(head), body]);
    const key = Buffer.isBuffer(mask) ? mask : randomBytes(4);
    const masked = Buffer.from(body.map((b, i) => b ^ key[i % 4]));
    return Buffer.concat([Buffer.from(head), key, masked]);
}

export function closePayload(code, reason = Buffer.alloc(0)) {
    const out = Buffer.alloc(2);
    out.writeUInt16BE(code);
    return Buffer.concat([out, Buffer.from(reason)]);
}

// Parses unmasked server frames from `bytes`; returns { frames, rest }.
export function parseFrames(bytes) {
    const frames = [];
    let at = 0;
    for (;;) {
        if (bytes.length - at < 2) break;
        const b0 = bytes[at];
        const b1 = bytes[at + 1];
        let len = b1 & 0x7f;
        let header = 2;
        if (len === 126) {
            if (bytes.length - at < 4) break;
            len = bytes.readUInt16BE(at + 2);
            header = 4;
        } else if (len === 127) {
            if (bytes.length - at < 10) break;
            len = Number(bytes.readBigUInt64BE(at + 2));
            header = 10;
        }
        const masked = (b1 & 0x80) !== 0;
        if (masked) header += 4;
        if (bytes.length - at < header + len) break;
        frames.push({
            fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 7, opcode: b0 & 0x0f, masked,
            payload: bytes.subarray(at + header, at + header + len),
        });
        at += header + len;
    }
    return { frames, rest: bytes.subarray(at) };
}

// A TCP connection that did the opening handshake itself. `frames` collects what the server
// sends; `ended` resolves when the server closes the TCP connection.
export class RawClient {
    static async connect(host, port, { path = '/', extraHeaders = [] } = {}) {
        const socket = net.connect({ host, port });
        const raw = new RawClient(socket);
        await within(kWaitMs, new Promise((resolve, reject) => {
            socket.once('connect', resolve);
            socket.once('error', reject);
        }), `TCP connect to ${host}:${port}`);
        const key = randomBytes(16).toString('base64');
        socket.write([`GET ${path} HTTP/1.1`, `Host: ${host}:${port}`, 'Upgrade: websocket',
            'Connection: Upgrade', `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13',
            ...extraHeaders, '', ''].join('\r\n'));
        const head = await within(kWaitMs, raw.responseHead(), 'the handshake response');
        const accept = createHash('sha1').update(key + kGuid).digest('base64');
        if (!/^HTTP\/1\.1 101 /.test(head) || !head.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`)) {
            socket.destroy();
            throw new Error(`bad handshake response:\n${head}`);
        }
        return raw;
    }

    constructor(socket) {
        this.socket = socket;
        this.buffer = Buffer.alloc(0);
        this.frames = [];
        this.headDone = false;
        this.listeners = [];
        socket.on('data', (chunk) => {
            this.buffer = Buffer.concat([this.buffer, chunk]);
            if (this.headDone) this.parse();
            this.listeners.forEach((f) => f());
        });
        socket.on('error', () => {});
        this.ended = new Promise((resolve) => socket.on('close', resolve));
    }

    responseHead() {
        return new Promise((resolve, reject) => {
            const check = () => {
                const end = this.buffer.indexOf('\r\n\r\n');
                if (end < 0) return false;
                const head = this.buffer.subarray(0, end).toString('latin1');
                this.buffer = this.buffer.subarray(end + 4);
                this.headDone = true;
                this.parse();
                resolve(head);
                return true;
            };
            if (check()) return;
            const listener = () => { if (check()) this.listeners = this.listeners.filter((f) => f !== listener); };
            this.listeners.push(listener);
            this.ended.then(() => reject(new Error('connection closed during the handshake')));
        });
    }

    parse() {
        const { frames, rest } = parseFrames(this.buffer);
        this.frames.push(...frames);
        this.buffer = rest;
    }

    write(...frames) {
        this.socket.write(Buffer.concat(frames));
    }

    // Waits for the server to close the TCP connection; returns every frame it sent.
    async untilEnd(what) {
        await within(kWaitMs, this.ended, `waiting for the server to close the connection after ${what}`);
        return this.frames;
    }

    destroy() {
        this.socket.destroy();
    }
}

// The close frame among `frames`, as { code, reason } (code 1005 when it had no payload).
export function closeOf(frames) {
    const close = frames.find((f) => f.opcode === 8);
    if (!close) return null;
    if (close.payload.length < 2) return { code: 1005, reason: '' };
    return { code: close.payload.readUInt16BE(0), reason: close.payload.subarray(2).toString('utf8') };
}
