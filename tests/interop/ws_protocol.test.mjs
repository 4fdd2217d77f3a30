// tests/interop/ws_protocol.test.mjs
//
// Protocol violations written byte for byte to Herald's echo_server through a raw TCP socket
// (frames `ws` would refuse to produce), and malformed opening handshakes. Each violation must
// be answered by a close frame with the right code (RFC 6455 §7.4.1) and the end of the TCP
// connection.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe } from 'node:test';
import { binary, serverTest, startListening, within } from './lib/harness.mjs';
import { closeOf, closePayload, frame, RawClient } from './lib/ws_peer.mjs';

const echoServer = binary('HERALD_ECHO_SERVER');
const kText = 0x1;
const kBinary = 0x2;
const kContinuation = 0x0;
const kClose = 0x8;
const kPing = 0x9;

function serverFor(extra, name) {
    const holder = { server: null };
    before(async () => {
        holder.server = await startListening(echoServer, ['--host', '127.0.0.1', '--port', '0', ...extra], { name });
    });
    after(async () => { await holder.server?.stopCleanly(); });
    return holder;
}

// Sends `frames` on a fresh connection; expects a close frame with one of `codes`, then the end.
async function expectClose(server, frames, codes, { extraHeaders = [], what = 'the violation' } = {}) {
    const raw = await RawClient.connect(server.host, server.port, { extraHeaders });
    try {
        raw.write(...frames);
        const got = await raw.untilEnd(what);
        const close = closeOf(got);
        const seen = got.map((f) => `opcode ${f.opcode} (${f.payload.length} bytes)`).join(', ') || 'nothing';
        assert.ok(close, `${what}: no close frame before the connection ended; the server sent ${seen}`);
        assert.ok(codes.includes(close.code), `${what}: close code ${close.code} "${close.reason}", expected ${codes.join(' or ')}`);
        assert.ok(got.every((f) => !f.masked), `${what}: the server masked a frame`);
        return got;
    } finally {
        raw.destroy();
    }
}

const text = (payload, extra = {}) => frame({ opcode: kText, payload: Buffer.from(payload), ...extra });

const kViolations = [
    ['invalid UTF-8 in a text frame', [text(Buffer.from([0x68, 0x69, 0xff]))], [1007]],
    ['an overlong UTF-8 encoding', [text(Buffer.from([0xc0, 0xaf]))], [1007]],
    ['a code point above U+10FFFF', [text(Buffer.from([0xf4, 0x90, 0x80, 0x80]))], [1007]],
    ['invalid UTF-8 in the second fragment of a text message',
        [text('valid', { fin: false }), frame({ opcode: kContinuation, payload: Buffer.from([0xed, 0xbf, 0xbf]) })], [1007]],
    ['a text message ending inside a UTF-8 character', [text(Buffer.from([0x61, 0xe2, 0x82]))], [1007]],
    ['an unmasked client frame', [text('hello', { mask: false })], [1002]],
    ['reserved data opcode 3', [frame({ opcode: 0x3, payload: Buffer.from('x') })], [1002]],
    ['reserved control opcode 0xB', [frame({ opcode: 0xb })], [1002]],
    ['RSV1 without a negotiated extension', [text('x', { rsv: 4 })], [1002]],
    ['RSV2 set', [text('x', { rsv: 2 })], [1002]],
    ['RSV3 set', [text('x', { rsv: 1 })], [1002]],
    ['a ping with a 126-byte payload', [frame({ opcode: kPing, payload: Buffer.alloc(126, 0x61) })], [1002]],
    ['a fragmented ping', [frame({ opcode: kPing, fin: false, payload: Buffer.from('a') })], [1002]],
    ['a continuation frame with no message started', [frame({ opcode: kContinuation, payload: Buffer.from('x') })], [1002]],
    ['a new text frame inside a fragmented message',
        [text('first', { fin: false }), text('second')], [1002]],
    ['a new binary frame inside a fragmented text message',
        [text('first', { fin: false }), frame({ opcode: kBinary, payload: Buffer.from('b') })], [1002]],
    ['a close frame with a 1-byte payload', [frame({ opcode: kClose, payload: Buffer.from([0x03]) })], [1002]],
    ['close code 1005 on the wire', [frame({ opcode: kClose, payload: closePayload(1005) })], [1002]],
    ['close code 1006 on the wire', [frame({ opcode: kClose, payload: closePayload(1006) })], [1002]],
    ['close code 999', [frame({ opcode: kClose, payload: closePayload(999) })], [1002]],
    ['close code 1004', [frame({ opcode: kClose, payload: closePayload(1004) })], [1002]],
    ['close code 1015 on the wire', [frame({ opcode: kClose, payload: closePayload(1015) })], [1002]],
    ['close code 5000', [frame({ opcode: kClose, payload: closePayload(5000) })], [1002]],
    ['a close reason of invalid UTF-8',
        [frame({ opcode: kClose, payload: closePayload(1000, Buffer.from([0xce, 0xba, 0xff])) })], [1007, 1002]],
];

describe('raw protocol violations against echo_server', () => {
    const h = serverFor([], 'echo_server');

    for (const [what, frames, codes] of kViolations) {
        serverTest(`${what} is closed with ${codes.join('/')}`, () => [h.server],
            () => expectClose(h.server, frames, codes, { what }));
    }

    serverTest('a 64-bit length with the top bit set is refused', () => [h.server], async () => {
        const header = Buffer.from([0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4]);
        await expectClose(h.server, [header], [1002, 1009], { what: 'a 2^63-byte length' });
    });

    serverTest('valid close codes are echoed and the connection ends', () => [h.server], async () => {
        for (const code of [1000, 1001, 1003, 1011, 3000, 4999]) {
            await expectClose(h.server, [frame({ opcode: kClose, payload: closePayload(code, 'reason') })], [code],
                { what: `a close with ${code}` });
        }
    });

    serverTest('frames after a close are ignored', () => [h.server], async () => {
        const got = await expectClose(h.server,
            [frame({ opcode: kClose, payload: closePayload(1000) }), text('after close')], [1000],
            { what: 'a close then text' });
        assert.ok(!got.some((f) => f.opcode === kText), 'the server echoed a message sent after the close');
    });

    serverTest('a message split into 1-byte TCP writes echoes', () => [h.server], async () => {
        const raw = await RawClient.connect(h.server.host, h.server.port);
        try {
            const bytes = Buffer.concat([text('slow', { fin: false }), frame({ opcode: kPing, payload: Buffer.from('p') }),
                frame({ opcode: kContinuation, payload: Buffer.from(' drip') })]);
            for (const byte of bytes) {
                raw.write(Buffer.from([byte]));
                await new Promise((resolve) => setTimeout(resolve, 2));
            }
            await within(10_000, new Promise((resolve) => {
                const poll = setInterval(() => {
                    if (raw.frames.some((f) => f.opcode === kText)) {
                        clearInterval(poll);
                        resolve();
                    }
                }, 10);
            }), 'the echo of a message written one byte at a time');
            const pong = raw.frames.find((f) => f.opcode === 0xa);
            assert.ok(pong, 'no pong to the ping between the fragments');
            assert.equal(pong.payload.toString(), 'p');
            assert.equal(raw.frames.find((f) => f.opcode === kText).payload.toString(), 'slow drip');
        } finally {
            raw.destroy();
        }
    });
});

describe('raw violations with permessage-deflate negotiated', () => {
    const h = serverFor(['--deflate'], 'echo_server(deflate)');
    const extraHeaders = ['Sec-WebSocket-Extensions: permessage-deflate'];
    const cases = [
        ['RSV1 on a ping', [frame({ opcode: kPing, rsv: 4, payload: Buffer.from('x') })], [1002]],
        ['RSV1 on a continuation frame',
            [text('abc', { fin: false }),
                frame({ opcode: kContinuation, rsv: 4, payload: Buffer.from([0x4b, 0x04, 0x00]) })], [1002]],
        ['a compressed payload that is not deflate data',
            [text(Buffer.from([0xff, 0xff, 0xff, 0xff]), { rsv: 4 })], [1007, 1002]],
    ];
    for (const [what, frames, codes] of cases) {
        serverTest(`${what} is closed with ${codes.join('/')}`, () => [h.server],
            () => expectClose(h.server, frames, codes, { what, extraHeaders }));
    }

    serverTest('a hand-compressed text frame is inflated and echoed', () => [h.server], async () => {
        const raw = await RawClient.connect(h.server.host, h.server.port, { extraHeaders });
        try {
            // "Hello" compressed with an empty stored block removed (RFC 7692 §7.2.3.1 example).
            raw.write(text(Buffer.from([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]), { rsv: 4 }));
            raw.write(frame({ opcode: kClose, payload: closePayload(1000) }));
            const got = await raw.untilEnd('a compressed "Hello" then a close');
            assert.ok(got.some((f) => f.opcode === kText), `no echo; the server sent opcodes ${got.map((f) => f.opcode)}`);
        } finally {
            raw.destroy();
        }
    });
});

describe('echo_server --max-message-bytes 1024, raw', () => {
    const h = serverFor(['--max-message-bytes', '1024'], 'echo_server(max 1024)');
    serverTest('a frame header announcing 1 GiB is closed with 1009 before any payload', () => [h.server], async () => {
        const header = Buffer.from([0x82, 0xff, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4]);
        await expectClose(h.server, [header], [1009], { what: 'a 1 GiB frame header' });
    });
});

// Sends a raw HTTP request and returns the status line and headers.
async function httpHead(server, lines) {
    const socket = net.connect({ host: server.host, port: server.port });
    try {
        let data = '';
        socket.setEncoding('latin1');
        socket.on('data', (chunk) => { data += chunk; });
        socket.on('error', () => {});
        socket.write([...lines, '', ''].join('\r\n'));
        await within(10_000, new Promise((resolve) => {
            const poll = setInterval(() => { if (data.includes('\r\n\r\n')) { clearInterval(poll); resolve(); } }, 10);
            socket.on('close', () => { clearInterval(poll); resolve(); });
        }), 'the HTTP response');
        return data.split('\r\n\r\n')[0];
    } finally {
        socket.destroy();
    }
}

describe('opening handshake errors', () => {
    const h = serverFor([], 'echo_server');
    const upgrade = (headers) => ['GET / HTTP/1.1', `Host: 127.0.0.1:${h.server.port}`, ...headers];
    const kGood = ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='];

    serverTest('the RFC 6455 §1.3 sample key gets the sample accept value', () => [h.server], async () => {
        const head = await httpHead(h.server, upgrade([...kGood, 'Sec-WebSocket-Version: 13']));
        assert.match(head, /^HTTP\/1\.1 101 /);
        assert.match(head, /\r\nsec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=(\r\n|$)/i);
        assert.match(head, /\r\nupgrade: websocket(\r\n|$)/i);
    });

    // RFC 6455 §4.2.2: an error code "such as 426" and, a MUST, the versions the server speaks.
    serverTest('version 8 is refused with a 4xx and Sec-WebSocket-Version: 13', () => [h.server], async () => {
        const head = await httpHead(h.server, upgrade([...kGood, 'Sec-WebSocket-Version: 8']));
        assert.match(head, /^HTTP\/1\.1 4\d\d /, head);
        assert.match(head, /\r\nsec-websocket-version: 13(\r\n|$)/i, head);
    });

    serverTest('a missing or malformed key is refused with a 4xx', () => [h.server], async () => {
        const noKey = await httpHead(h.server, upgrade(['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13']));
        assert.match(noKey, /^HTTP\/1\.1 4\d\d /, noKey);
        const shortKey = await httpHead(h.server, upgrade(['Upgrade: websocket', 'Connection: Upgrade',
            'Sec-WebSocket-Key: c2hvcnQ=', 'Sec-WebSocket-Version: 13']));
        assert.match(shortKey, /^HTTP\/1\.1 4\d\d /, shortKey);
    });

    serverTest('an upgrade with POST is refused', () => [h.server], async () => {
        const head = await httpHead(h.server, ['POST / HTTP/1.1', `Host: 127.0.0.1:${h.server.port}`, ...kGood,
            'Sec-WebSocket-Version: 13', 'Content-Length: 0']);
        assert.doesNotMatch(head, /^HTTP\/1\.1 101 /, head);
    });
});
