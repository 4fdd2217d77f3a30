// fuzz/ws_deflate.cpp
//
// Bytes -> Inflater as a compressed message payload. Input: a flags byte (window bits, context
// takeover, output limit, chunk size), then the payload, inflated twice as two messages through
// one Inflater. Properties: the output never passes the limit (no zip bombs), and whatever
// inflates fully survives deflate -> inflate unchanged.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "herald/ws/deflate.h"

namespace {

namespace ws = herald::ws;

void check(bool ok) {
    if (!ok) {
        std::abort();
    }
}

ws::InflateResult inflate(ws::Inflater& inflater, std::string_view payload, std::size_t chunk,
                          std::size_t limit, std::string& out) {
    for (std::size_t pos = 0; pos < payload.size(); pos += chunk) {
        const ws::InflateResult r = inflater.inflate(payload.substr(pos, chunk), out, limit);
        check(out.size() <= limit + (r == ws::InflateResult::TooBig ? 1 : 0));
        if (r != ws::InflateResult::Ok) {
            return r;
        }
    }
    const ws::InflateResult r = inflater.finish(out, limit);
    check(out.size() <= limit + (r == ws::InflateResult::TooBig ? 1 : 0));
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const int window = ws::kMinWindowBits + data[0] % 7;
    const bool no_context = (data[0] & 8U) != 0;
    const std::size_t limit = (data[0] & 16U) != 0 ? 100 : 64 * 1024;
    const std::size_t chunk = (data[0] & 32U) != 0 ? 1 : (data[0] & 64U) != 0 ? 7 : size;
    const std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
    ws::Inflater inflater(window, no_context);
    for (int message = 0; message < 2; ++message) {
        std::string out;
        if (inflate(inflater, payload, chunk, limit, out) == ws::InflateResult::Ok) {
            ws::Inflater fresh(ws::kMaxWindowBits, true);
            std::string again;
            const std::string packed = ws::deflate_message(out, window, 6);
            check(inflate(fresh, packed, packed.size() + 1, limit, again) == ws::InflateResult::Ok);
            check(again == out);
        }
    }
    return 0;
}
