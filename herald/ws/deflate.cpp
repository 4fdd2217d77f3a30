#include "herald/ws/deflate.h"

#define ZLIB_CONST
#include <algorithm>
#include <array>
#include <climits>
#include <new>

#include <zlib.h>

namespace herald::ws {
namespace {

// RFC 7692 §7.2.1: the tail a sync flush leaves, removed by the sender and put back by the
// receiver.
constexpr std::array<unsigned char, 4> kTail{0x00, 0x00, 0xFF, 0xFF};
constexpr std::size_t kOutputStep = 16 * 1024;
constexpr std::size_t kMinOutputStep = 1024;
constexpr std::size_t kMaxZlibChunk = UINT_MAX;

// zlib cannot write raw deflate with an 8-bit window, and a window of 9 reads everything an 8-bit
// one writes; anything outside the RFC 7692 range is treated as the nearest valid value.
int clamp_window(int window_bits) noexcept {
    return std::clamp(window_bits, kMinWindowBits, kMaxWindowBits);
}

uInt zlib_size(std::size_t n) noexcept {
    return static_cast<uInt>(std::min(n, kMaxZlibChunk));
}

}  // namespace

struct Inflater::Impl {
    z_stream stream{};
    bool no_context_takeover = false;
    bool ended = false;  // the message held a final block; ignore what follows (RFC 7692 §7.2.3.4)
    bool fed = false;    // the current message has had compressed bytes

    Impl(int window_bits, bool no_context) : no_context_takeover(no_context) {
        if (inflateInit2(&stream, -clamp_window(window_bits)) != Z_OK) {
            throw std::bad_alloc();
        }
    }

    ~Impl() { inflateEnd(&stream); }

    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    void reset() noexcept {
        inflateReset(&stream);
        ended = false;
        fed = false;
    }

    InflateResult run(const unsigned char* data, std::size_t size, std::string& out,
                      std::size_t max_out_bytes);
    InflateResult step(std::string& out, std::size_t max_out_bytes);
};

// One inflate() call into new space at the end of `out`. The output may reach one byte past the
// limit: that byte proves the message is too big, so the buffer never holds more than
// max_out_bytes + 1 bytes however much the input would expand.
InflateResult Inflater::Impl::step(std::string& out, std::size_t max_out_bytes) {
    const std::size_t cap = max_out_bytes == SIZE_MAX ? SIZE_MAX : max_out_bytes + 1;
    const std::size_t old = out.size();
    // Use spare capacity first; grow in bounded steps so zero-filling stays proportional.
    const std::size_t spare = std::max(out.capacity() - old, kMinOutputStep);
    const std::size_t room = std::min({kOutputStep, spare, cap - std::min(cap, old)});
    out.resize(old + room);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + old);
    stream.avail_out = zlib_size(room);
    const int rc = ::inflate(&stream, Z_SYNC_FLUSH);
    out.resize(old + room - stream.avail_out);
    if (out.size() > max_out_bytes) {
        return InflateResult::TooBig;
    }
    if (rc == Z_STREAM_END) {
        ended = true;
        return InflateResult::Ok;
    }
    const bool stuck = rc == Z_BUF_ERROR && stream.avail_in > 0 && stream.avail_out > 0;
    if ((rc != Z_OK && rc != Z_BUF_ERROR) || stuck) {
        return InflateResult::Corrupt;
    }
    return InflateResult::Ok;
}

InflateResult Inflater::Impl::run(const unsigned char* data, std::size_t size, std::string& out,
                                  std::size_t max_out_bytes) {
    std::size_t left = size;
    while (!ended) {
        if (stream.avail_in == 0 && left > 0) {
            stream.next_in = data + (size - left);
            stream.avail_in = zlib_size(left);
            left -= stream.avail_in;
        }
        const InflateResult r = step(out, max_out_bytes);
        if (r != InflateResult::Ok) {
            return r;
        }
        // Output space left over means zlib has written all it can from the input it was given.
        if (stream.avail_in == 0 && left == 0 && stream.avail_out > 0) {
            return InflateResult::Ok;
        }
    }
    stream.avail_in = 0;
    return InflateResult::Ok;
}

Inflater::Inflater(int window_bits, bool no_context_takeover)
    : impl_(std::make_unique<Impl>(window_bits, no_context_takeover)) {}

Inflater::~Inflater() = default;

InflateResult Inflater::inflate(std::string_view in, std::string& out, std::size_t max_out_bytes) {
    impl_->fed = impl_->fed || !in.empty();
    const InflateResult r = impl_->run(reinterpret_cast<const unsigned char*>(in.data()), in.size(),
                                       out, max_out_bytes);
    if (r != InflateResult::Ok) {
        impl_->reset();
    }
    return r;
}

InflateResult Inflater::finish(std::string& out, std::size_t max_out_bytes) {
    InflateResult r = InflateResult::Ok;
    // An empty payload is an empty message; its tail alone would leave the stream mid-block.
    if (impl_->fed && !impl_->ended) {
        r = impl_->run(kTail.data(), kTail.size(), out, max_out_bytes);
    }
    // A stream that ended in a final block cannot continue; the next message starts afresh.
    if (impl_->no_context_takeover || impl_->ended || r != InflateResult::Ok) {
        impl_->reset();
    }
    impl_->fed = false;
    return r;
}

struct Deflater::Impl {
    z_stream stream{};
    bool no_context_takeover = false;

    Impl(int window_bits, bool no_context, int level) : no_context_takeover(no_context) {
        const int rc = deflateInit2(&stream, std::clamp(level, 1, 9), Z_DEFLATED,
                                    -clamp_window(window_bits), 8, Z_DEFAULT_STRATEGY);
        if (rc != Z_OK) {
            throw std::bad_alloc();
        }
    }

    ~Impl() { deflateEnd(&stream); }

    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
};

Deflater::Deflater(int window_bits, bool no_context_takeover, int level)
    : impl_(std::make_unique<Impl>(window_bits, no_context_takeover, level)) {}

Deflater::~Deflater() = default;

std::string Deflater::compress(std::string_view message) {
    z_stream& z = impl_->stream;
    std::string out;
    out.resize(deflateBound(&z, message.size()) + kTail.size() + 8);
    std::size_t written = 0;
    std::size_t left = message.size();
    // Z_SYNC_FLUSH ends the data on a byte boundary with an empty stored block (RFC 7692 §7.2.1).
    // zlib is done when a call leaves output space unused and all input was given to it.
    while (true) {
        if (z.avail_in == 0 && left > 0) {
            z.next_in = reinterpret_cast<const Bytef*>(message.data() + (message.size() - left));
            z.avail_in = zlib_size(left);
            left -= z.avail_in;
        }
        if (written == out.size()) {
            out.resize(out.size() * 2);
        }
        z.next_out = reinterpret_cast<Bytef*>(out.data() + written);
        z.avail_out = zlib_size(out.size() - written);
        const uInt offered = z.avail_out;
        ::deflate(&z, Z_SYNC_FLUSH);
        written += offered - z.avail_out;
        if (z.avail_out != 0 && z.avail_in == 0 && left == 0) {
            break;
        }
    }
    if (written < kTail.size()) {
        // With context takeover zlib emits nothing for an empty message right after a flush; an
        // empty stored block header byte keeps the receiver's stream aligned (RFC 7692 §7.2.3.6).
        out.assign(1, '\0');
    } else {
        out.resize(written - kTail.size());
    }
    if (impl_->no_context_takeover) {
        deflateReset(&z);
    }
    return out;
}

std::string deflate_message(std::string_view message, int window_bits, int level) {
    // Broadcasts compress on whichever worker publishes; one reusable context per thread saves
    // the allocation and initialisation of a fresh zlib state per message.
    struct Cached {
        int window_bits = 0;
        int level = 0;
        std::unique_ptr<Deflater> deflater;
    };

    thread_local Cached cached;
    if (!cached.deflater || cached.window_bits != window_bits || cached.level != level) {
        cached.deflater = std::make_unique<Deflater>(window_bits, true, level);
        cached.window_bits = window_bits;
        cached.level = level;
    }
    return cached.deflater->compress(message);
}

}  // namespace herald::ws
