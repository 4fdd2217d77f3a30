// herald/ws/broadcast.h
//
// A message framed once for many connections. The plain server frame is built at construction;
// the compressed frame for each window size is built on first use and then shared by every
// connection that negotiated server_no_context_takeover with that window (RFC 7692 §7.1.1.1):
// a broadcast to N such connections costs one compression, not N.
// Owner: immutable after construction (the lazy frames are built under std::call_once), any thread.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "herald/util/shared_bytes.h"
#include "herald/ws/deflate.h"
#include "herald/ws/frame.h"

namespace herald::ws {

class Broadcast {
public:
    Broadcast(Opcode opcode, std::string payload, int deflate_level = 6);

    [[nodiscard]] static std::shared_ptr<const Broadcast> text(std::string payload);
    [[nodiscard]] static std::shared_ptr<const Broadcast> binary(std::string payload);

    [[nodiscard]] Opcode opcode() const noexcept { return opcode_; }

    [[nodiscard]] std::string_view payload() const noexcept { return payload_; }

    // The unmasked, uncompressed frame.
    [[nodiscard]] const util::SharedBytes& frame() const noexcept { return frame_; }

    // The frame compressed with a fresh context and a window of `window_bits` (9..15), RSV1 set.
    [[nodiscard]] const util::SharedBytes& compressed_frame(int window_bits) const;

private:
    static constexpr std::size_t kWindowSlots = kMaxWindowBits - kMinWindowBits + 1;

    Opcode opcode_;
    std::string payload_;
    int level_;
    util::SharedBytes frame_;
    mutable std::array<std::once_flag, kWindowSlots> once_;
    mutable std::array<util::SharedBytes, kWindowSlots> compressed_;
};

using BroadcastPtr = std::shared_ptr<const Broadcast>;

}  // namespace herald::ws
