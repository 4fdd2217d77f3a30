// tests/interop/lib/checks.mjs
//
// Assertions on echoed messages that stay readable for megabyte payloads: the type, the length,
// and the first differing byte rather than a dump of both buffers.
import assert from 'node:assert/strict';

export function firstDifference(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
    return a.length === b.length ? -1 : n;
}

// `message` is { data: Buffer, isBinary }; `expected` a Buffer or a string (then text).
export function assertEcho(message, expected, { binary = !(typeof expected === 'string'), label = '' } = {}) {
    const want = Buffer.from(expected);
    const what = label || `${want.length}-byte ${binary ? 'binary' : 'text'} message`;
    assert.equal(message.isBinary, binary,
        `${what}: echoed as ${message.isBinary ? 'binary' : 'text'}, expected ${binary ? 'binary' : 'text'}`);
    const at = firstDifference(message.data, want);
    if (at >= 0) {
        const show = (buf) => buf.subarray(at, at + 16).toString('hex');
        assert.fail(`${what}: echo differs at byte ${at} (got ${message.data.length} bytes, ` +
            `expected ${want.length}; got ${show(message.data)}..., expected ${show(want)}...)`);
    }
}

// ASCII text of `size` bytes that does not repeat within short windows (not very compressible).
export function asciiText(size, seed = 7) {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:-_!?';
    let x = seed >>> 0 || 1;
    let out = '';
    for (let i = 0; i < size; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        out += alphabet[(x >>> 16) % alphabet.length];
    }
    return out;
}

// Highly compressible text of `size` bytes.
export function repetitiveText(size) {
    const unit = '{"event":"herald","channel":"interop","data":"hello"}\n';
    return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}
