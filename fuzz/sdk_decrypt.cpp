// fuzz/sdk_decrypt.cpp
//
// Bytes as an encrypted event payload ({"nonce","ciphertext"}, protocol.md §7.8). Properties:
// opening never throws or crashes, whatever the JSON, base64 or lengths; nothing opens under a
// key it was not sealed with; and sealing the input as plaintext always opens back to it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "herald/sdk/encryption.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::string key(32, 'k');
    static_cast<void>(herald::sdk::open(key, input));
    const std::string sealed = herald::sdk::seal(key, input);
    const auto opened = herald::sdk::open(key, sealed);
    if (!opened || *opened != input || herald::sdk::open(std::string(32, 'x'), sealed)) {
        std::abort();  // a round trip failed, or another key opened it
    }
    return 0;
}
