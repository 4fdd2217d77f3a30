#include "herald/util/byte_queue.h"

#include "herald/util/assert.h"

namespace herald::util {

void ByteQueue::push(SharedBytes bytes) {
    if (!bytes || bytes->empty()) {
        return;
    }
    bytes_ += bytes->size();
    items_.push_back(std::move(bytes));
}

std::size_t ByteQueue::gather(std::span<std::string_view> out) const {
    std::size_t n = 0;
    for (std::size_t i = head_; i < items_.size() && n < out.size(); ++i, ++n) {
        std::string_view view = *items_[i];
        if (i == head_) {
            view.remove_prefix(offset_);
        }
        out[n] = view;
    }
    return n;
}

void ByteQueue::consume(std::size_t n) {
    bytes_ -= n;
    while (n > 0) {
        const std::size_t left = items_[head_]->size() - offset_;
        if (n < left) {
            offset_ += n;
            return;
        }
        n -= left;
        items_[head_].reset();
        ++head_;
        offset_ = 0;
    }
    if (head_ == items_.size()) {
        // Everything sent: keep the capacity, drop the references.
        items_.clear();
        head_ = 0;
    }
}

void ByteQueue::replace_back(SharedBytes bytes) {
    HERALD_ASSERT(back_unsent() && bytes);
    bytes_ = bytes_ - items_.back()->size() + bytes->size();
    items_.back() = std::move(bytes);
}

void ByteQueue::clear() {
    items_.clear();
    head_ = 0;
    offset_ = 0;
    bytes_ = 0;
}

}  // namespace herald::util
