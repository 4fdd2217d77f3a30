// fuzz/ws_frame.cpp
//
// Bytes -> FrameDecoder as server or client, with or without permessage-deflate. Input: a flags
// byte, eight chunk sizes, the wire bytes. Properties: events respect the limits, and the same
// bytes in one chunk give the same events (decode(encode(m)) == m is left to the unit tests).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "herald/ws/decoder.h"

namespace {

namespace ws = herald::ws;
using Kind = ws::DecodeEvent::Kind;
using Seen = std::tuple<Kind, ws::Opcode, std::uint16_t, std::string>;  // no reason for Fail

void check(bool ok) {
    if (!ok) {
        std::abort();
    }
}

// Decodes one chunk; false once the decoder has failed.
bool feed(ws::FrameDecoder& d, std::span<char> chunk, std::size_t max, std::vector<Seen>& seen) {
    for (ws::DecodeEvent e = d.decode(chunk); e.kind != Kind::NeedMore; e = d.decode(chunk)) {
        const std::size_t limit = e.kind == Kind::Message ? max : ws::kMaxControlPayload;
        check(e.used_bytes <= chunk.size() && e.payload.size() <= limit);
        chunk = chunk.subspan(e.used_bytes);
        seen.emplace_back(e.kind, e.opcode, e.code, e.kind == Kind::Fail ? "" : e.payload);
        if (e.kind == Kind::Fail) {
            return false;
        }
    }
    return true;
}

std::vector<Seen> run(const ws::DecoderOptions& o, std::string wire,
                      std::span<const std::uint8_t> cuts) {
    ws::FrameDecoder decoder(o);
    std::vector<Seen> seen;
    for (std::size_t pos = 0, i = 0, n = 0; pos < wire.size(); pos += n, ++i) {
        n = std::min(cuts.empty() ? wire.size() : 1U + cuts[i % cuts.size()], wire.size() - pos);
        if (!feed(decoder, {wire.data() + pos, n}, o.max_message_bytes, seen)) {
            break;
        }
    }
    return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 9) {
        return 0;
    }
    ws::DecoderOptions o;
    o.role = (data[0] & 1U) != 0 ? ws::Role::Client : ws::Role::Server;
    o.max_message_bytes = 4096;
    if ((data[0] & 2U) != 0) {
        o.deflate = ws::DeflateParams{(data[0] & 4U) != 0, (data[0] & 8U) != 0};
    }
    const std::string wire(reinterpret_cast<const char*>(data) + 9, size - 9);
    check(run(o, wire, {}) == run(o, wire, std::span(data + 1, 8)));
    return 0;
}
