// fuzz/pusher_client_message.cpp
//
// Client text frames -> pusher::parse_client_message. Properties: every failure is a documented
// fault answered with an ErrorCode (§5.4) and a message; every success serializes to text that
// parses back to the same message and serializes to the same bytes again (parse -> serialize ->
// parse is stable).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "herald/pusher/error_code.h"
#include "herald/pusher/message.h"

using herald::pusher::ErrorCode;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto first = herald::pusher::parse_client_message(text);
    if (!first) {
        if (herald::pusher::error_code(first.error()) != ErrorCode::NoCode ||
            herald::pusher::describe(first.error()).empty()) {
            std::abort();  // a failure without a code and a message for pusher:error
        }
        return 0;
    }
    const std::string wire = herald::pusher::serialize(*first);
    // Serializing may grow the text (added defaults, "1e2" written as 100.0): lift the size limit.
    herald::pusher::MessageParser roomy(4 * wire.size() + 1024);
    const auto second = roomy.parse(wire);
    if (!second || *second != *first || herald::pusher::serialize(*second) != wire) {
        std::abort();  // the round trip changed the message
    }
    return 0;
}
