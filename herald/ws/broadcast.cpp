#include "herald/ws/broadcast.h"

#include <algorithm>

namespace herald::ws {

Broadcast::Broadcast(Opcode opcode, std::string payload, int deflate_level)
    : opcode_(opcode),
      payload_(std::move(payload)),
      level_(deflate_level),
      frame_(util::make_shared_bytes(encode_frame(opcode_, payload_))) {}

std::shared_ptr<const Broadcast> Broadcast::text(std::string payload) {
    return std::make_shared<const Broadcast>(Opcode::Text, std::move(payload));
}

std::shared_ptr<const Broadcast> Broadcast::binary(std::string payload) {
    return std::make_shared<const Broadcast>(Opcode::Binary, std::move(payload));
}

const util::SharedBytes& Broadcast::compressed_frame(int window_bits) const {
    const int bits = std::clamp(window_bits, kMinWindowBits, kMaxWindowBits);
    const auto slot = static_cast<std::size_t>(bits - kMinWindowBits);
    // Built once, by whichever connection asks first; later callers share it (RFC 7692 §7.1.1.1:
    // without server context takeover every message stands alone, so one frame fits them all).
    std::call_once(once_[slot], [this, bits, slot] {
        compressed_[slot] = util::make_shared_bytes(
                encode_frame(opcode_, deflate_message(payload_, bits, level_), true, true));
    });
    return compressed_[slot];
}

}  // namespace herald::ws
