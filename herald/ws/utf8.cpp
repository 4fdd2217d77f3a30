#include "herald/ws/utf8.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>

namespace herald::ws {
namespace {

// Byte classes: each class admits the same transitions in every state (RFC 3629 §4 table).
enum Class : std::uint8_t {
    kAscii,   // 00..7F
    kCont80,  // 80..8F
    kCont90,  // 90..9F
    kContA0,  // A0..BF
    kBad,     // C0, C1 (overlong leads), F5..FF (beyond U+10FFFF)
    kLead2,   // C2..DF
    kLeadE0,  // E0: second byte A0..BF (no overlongs)
    kLead3,   // E1..EC, EE, EF
    kLeadED,  // ED: second byte 80..9F (no surrogates)
    kLeadF0,  // F0: second byte 90..BF (no overlongs)
    kLead4,   // F1..F3
    kLeadF4,  // F4: second byte 80..8F (nothing past U+10FFFF)
    kClassCount
};

// States: accept, reject (final), and what must come next.
enum State : std::uint8_t {
    kOk = 0,
    kFail = 1,
    kNeed1,    // one continuation byte (80..BF)
    kNeed2,    // two continuation bytes
    kNeed3,    // three continuation bytes
    kAfterE0,  // A0..BF, then one more
    kAfterED,  // 80..9F, then one more
    kAfterF0,  // 90..BF, then two more
    kAfterF4,  // 80..8F, then two more
    kStateCount
};

constexpr std::array<std::uint8_t, 256> make_classes() {
    std::array<std::uint8_t, 256> c{};
    for (std::size_t b = 0; b < 256; ++b) {
        std::uint8_t k = kBad;
        if (b < 0x80) {
            k = kAscii;
        } else if (b < 0x90) {
            k = kCont80;
        } else if (b < 0xA0) {
            k = kCont90;
        } else if (b < 0xC0) {
            k = kContA0;
        } else if (b >= 0xC2 && b < 0xE0) {
            k = kLead2;
        } else if (b == 0xE0) {
            k = kLeadE0;
        } else if (b == 0xED) {
            k = kLeadED;
        } else if (b > 0xE0 && b < 0xF0) {
            k = kLead3;
        } else if (b == 0xF0) {
            k = kLeadF0;
        } else if (b > 0xF0 && b < 0xF4) {
            k = kLead4;
        } else if (b == 0xF4) {
            k = kLeadF4;
        }
        c[b] = k;
    }
    return c;
}

using Row = std::array<std::uint8_t, kClassCount>;

constexpr Row continuation_row(bool c80, bool c90, bool ca0, std::uint8_t next) {
    Row r{};
    r.fill(kFail);
    const std::uint8_t fail = kFail;
    r[kCont80] = c80 ? next : fail;
    r[kCont90] = c90 ? next : fail;
    r[kContA0] = ca0 ? next : fail;
    return r;
}

constexpr std::array<Row, kStateCount> make_transitions() {
    std::array<Row, kStateCount> t{};
    Row start{};
    start.fill(kFail);
    start[kAscii] = kOk;
    start[kLead2] = kNeed1;
    start[kLeadE0] = kAfterE0;
    start[kLead3] = kNeed2;
    start[kLeadED] = kAfterED;
    start[kLeadF0] = kAfterF0;
    start[kLead4] = kNeed3;
    start[kLeadF4] = kAfterF4;
    t[kOk] = start;
    t[kFail].fill(kFail);
    t[kNeed1] = continuation_row(true, true, true, kOk);
    t[kNeed2] = continuation_row(true, true, true, kNeed1);
    t[kNeed3] = continuation_row(true, true, true, kNeed2);
    t[kAfterE0] = continuation_row(false, false, true, kNeed1);
    t[kAfterED] = continuation_row(true, true, false, kNeed1);
    t[kAfterF0] = continuation_row(false, true, true, kNeed2);
    t[kAfterF4] = continuation_row(true, false, false, kNeed2);
    return t;
}

constexpr auto kClasses = make_classes();
constexpr auto kTransitions = make_transitions();

// The same automaton as one 64-bit row per input byte: the next state for current state s sits
// at bit s * kStateBits, and a state is kept as that offset. A step is then one load, one shift
// and one mask, with no table lookup on the state's critical path.
constexpr unsigned kStateBits = 6;
constexpr std::uint64_t kStateMask = (1U << kStateBits) - 1;
static_assert(kStateCount * kStateBits <= 64);

constexpr std::array<std::uint64_t, 256> make_rows() {
    std::array<std::uint64_t, 256> rows{};
    for (std::size_t b = 0; b < rows.size(); ++b) {
        for (std::size_t s = 0; s < kStateCount; ++s) {
            const std::uint64_t next = kTransitions[s][kClasses[b]] * kStateBits;
            rows[b] |= next << (s * kStateBits);
        }
    }
    return rows;
}

constexpr auto kRows = make_rows();
constexpr std::uint64_t kOkShift = kOk * kStateBits;
constexpr std::uint64_t kFailShift = kFail * kStateBits;

// Length of the run of ASCII bytes at the front of `bytes`, checked eight at a time.
std::size_t ascii_prefix(const unsigned char* data, std::size_t size) noexcept {
    constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, data + i, sizeof word);
        if ((word & kHighBits) != 0) {
            break;
        }
    }
    return i;
}

}  // namespace

bool Utf8Validator::feed(std::string_view bytes) noexcept {
    static_assert(kOkShift == kAccept && kFailShift == kReject, "utf8.h names these offsets");
    std::uint64_t state = state_;
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const auto* const end = p + bytes.size();
    while (p != end && state != kFailShift) {
        // Long ASCII runs go eight bytes at a time; the automaton takes everything else, a few
        // bytes per check for failure (which is final, so checking less often changes nothing).
        if (state == kOkShift && end - p >= 8) {
            p += ascii_prefix(p, static_cast<std::size_t>(end - p));
        }
        const auto* const stop = p + std::min<std::ptrdiff_t>(end - p, 16);
        while (p != stop) {
            state = (kRows[*p++] >> state) & kStateMask;
        }
    }
    state_ = static_cast<std::uint8_t>(state);
    return state != kFailShift;
}

bool is_valid_utf8(std::string_view bytes) noexcept {
    Utf8Validator validator;
    return validator.feed(bytes) && validator.complete();
}

}  // namespace herald::ws
