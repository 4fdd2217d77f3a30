// herald/util/byte_queue.h
//
// An outgoing queue of shared, immutable byte strings: appending a frame stores a reference, never
// a copy. The transport gathers the front of the queue into one vectored write and then reports
// how many bytes left, which may end in the middle of an element.
// Owner: one connection on one thread.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "herald/util/shared_bytes.h"

namespace herald::util {

class ByteQueue {
public:
    void push(SharedBytes bytes);

    // Fills `out` with views of the unsent bytes, front first; returns how many views were set.
    // The views stay valid until the next consume() or clear().
    std::size_t gather(std::span<std::string_view> out) const;

    // Drops the first `n` unsent bytes (n <= size_bytes()).
    void consume(std::size_t n);

    void clear();

    // True when the last item is queued and none of it is written yet.
    [[nodiscard]] bool back_unsent() const noexcept {
        return items_.size() > head_ && (items_.size() - 1 > head_ || offset_ == 0);
    }

    // Replaces the last item; only while back_unsent().
    void replace_back(SharedBytes bytes);

    [[nodiscard]] std::size_t size_bytes() const noexcept { return bytes_; }

    // What the unsent items cost in memory, bytes plus kItemOverheadBytes each: a queue of a
    // million two-byte pongs is 2 MB on the wire but about 80 MB in memory, and a limit must
    // count the latter. Shared frames are counted whole for each queue that holds them.
    [[nodiscard]] std::size_t footprint_bytes() const noexcept {
        return bytes_ + (items_.size() - head_) * kItemOverheadBytes;
    }

    // One item's bookkeeping: the queue's slot and a make_shared string's control block and header.
    static constexpr std::size_t kItemOverheadBytes = sizeof(SharedBytes) + 64;

    [[nodiscard]] bool empty() const noexcept { return bytes_ == 0; }

private:
    std::vector<SharedBytes> items_;
    std::size_t head_ = 0;    // index of the first unsent element
    std::size_t offset_ = 0;  // bytes of items_[head_] already sent
    std::size_t bytes_ = 0;   // unsent bytes in all
};

}  // namespace herald::util
