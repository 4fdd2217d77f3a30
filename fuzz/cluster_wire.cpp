// fuzz/cluster_wire.cpp
//
// Bytes as a node-to-node message read from Redis (herald/cluster/wire.h). Properties: decoding
// never trusts a length (no crash, no read past the input); whatever decodes re-encodes to bytes
// that decode to the same message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "herald/cluster/wire.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const auto message = herald::cluster::decode(bytes);
    if (!message) {
        return 0;
    }
    const auto again = herald::cluster::decode(herald::cluster::encode(*message));
    if (!again || !(*again == *message)) {
        std::abort();
    }
    return 0;
}
