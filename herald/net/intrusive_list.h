// herald/net/intrusive_list.h
//
// A doubly linked list threaded through its elements: O(1) push and remove, no allocation, so a
// worker can keep every connection on its tick, flush and registry lists for free. Iteration with
// for_each() tolerates the callback removing any element (itself included) or adding new ones.
// An element may sit on several lists at once through hooks with different tags.
// Owner: the list's owner thread (one worker); elements must be removed before they die.
#pragma once

#include <cstddef>

#include "herald/util/assert.h"

namespace herald::net {

template <class Tag>
class ListHook {
public:
    ListHook() = default;
    ListHook(const ListHook&) = delete;
    ListHook& operator=(const ListHook&) = delete;

    // A hook that died linked would leave its neighbours pointing at freed memory.
    ~ListHook() { HERALD_ASSERT(!linked()); }

    [[nodiscard]] bool linked() const noexcept { return next_ != nullptr; }

private:
    template <class, class>
    friend class IntrusiveList;

    ListHook* prev_ = nullptr;
    ListHook* next_ = nullptr;
};

// `T` derives from ListHook<Tag>.
template <class T, class Tag>
class IntrusiveList {
public:
    using Hook = ListHook<Tag>;

    IntrusiveList() { head_.prev_ = head_.next_ = &head_; }

    IntrusiveList(const IntrusiveList&) = delete;
    IntrusiveList& operator=(const IntrusiveList&) = delete;

    ~IntrusiveList() {
        clear();
        head_.prev_ = head_.next_ = nullptr;  // the sentinel's own hook dies unlinked
    }

    [[nodiscard]] bool empty() const noexcept { return head_.next_ == &head_; }

    [[nodiscard]] std::size_t size() const noexcept { return size_; }

    // Appends `item` unless it is already linked (on this list: hooks are per tag).
    void push_back(T& item) noexcept {
        Hook& hook = item;
        if (hook.linked()) {
            return;
        }
        hook.prev_ = head_.prev_;
        hook.next_ = &head_;
        head_.prev_->next_ = &hook;
        head_.prev_ = &hook;
        if (cursor_ == &head_) {
            cursor_ = &hook;  // a running for_each() was at its end: it visits `item` too
        }
        ++size_;
    }

    // Unlinks `item` if it is linked; safe during for_each().
    void remove(T& item) noexcept {
        Hook& hook = item;
        if (!hook.linked()) {
            return;
        }
        if (cursor_ == &hook) {
            cursor_ = hook.next_;
        }
        // Neighbours that do not point back: a hook overwritten, or freed while linked.
        HERALD_ASSERT(size_ > 0 && hook.prev_->next_ == &hook && hook.next_->prev_ == &hook);
        hook.prev_->next_ = hook.next_;
        hook.next_->prev_ = hook.prev_;
        hook.prev_ = hook.next_ = nullptr;
        --size_;
    }

    // Unlinks and returns the first element, or nullptr when empty.
    T* pop_front() noexcept {
        if (empty()) {
            return nullptr;
        }
        T& first = static_cast<T&>(*head_.next_);
        remove(first);
        return &first;
    }

    // Calls fn(T&) for each element, front to back, including elements appended meanwhile.
    // Not reentrant: `fn` must not start another for_each() on the same list.
    template <class Fn>
    void for_each(Fn&& fn) {
        for_each_prefetching<0>(fn, [](std::size_t, T&) {});
    }

    // for_each(fn) for a walk bound by memory latency (a broadcast to thousands of connections).
    // Before fn visits an element, ahead(k, element) is called for each of the next `Depth`
    // elements, k = 1 for the next one, all still linked, so that each stage k can prefetch what
    // stage k + 1 made arrive an element earlier; the list prefetches the element after them (the
    // next one when Depth is 0).
    template <std::size_t Depth, class Fn, class Ahead>
    void for_each_prefetching(Fn&& fn, Ahead&& ahead) {
        HERALD_ASSERT(cursor_ == nullptr);  // not reentrant

        // The walk is over when `fn` throws too.
        struct EndWalk {
            Hook*& cursor;

            ~EndWalk() { cursor = nullptr; }
        } end_walk{cursor_};

        Hook* hook = head_.next_;
        while (hook != &head_) {
            cursor_ = hook->next_;
            Hook* next = cursor_;
            for (std::size_t k = 1; k <= Depth && next != &head_; ++k, next = next->next_) {
                ahead(k, static_cast<T&>(*next));
            }
            __builtin_prefetch(next);  // the sentinel at the end: harmless
            fn(static_cast<T&>(*hook));
            hook = cursor_;
        }
    }

    void clear() noexcept {
        while (pop_front() != nullptr) {
        }
    }

private:
    Hook head_;               // the sentinel: linked to itself, never an element
    Hook* cursor_ = nullptr;  // the next element of a running for_each()
    std::size_t size_ = 0;
};

}  // namespace herald::net
