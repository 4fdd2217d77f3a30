// herald/server/delivery_inbox.h
//
// One worker's broadcasts waiting to be delivered. Any thread adds one; the first since the
// worker last drained asks for a drain to be posted, so what arrives while the worker is busy (a
// batch trigger, a run of cluster messages) is delivered in one pass, each connection's frames
// leaving in one gathered write at the end of the turn. A broadcast that arrives alone is written
// to each socket at once (Flush::Now), which skips the queue's round trip for every subscriber.
// Owner: the hub. add() from any thread; drain() on the worker's thread.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "herald/server/transport.h"
#include "herald/ws/broadcast.h"

namespace herald::server {

// A framed message for one app's channel; every worker that delivers it shares the parts.
struct Delivery {
    std::size_t app = 0;
    std::shared_ptr<const std::string> channel;
    ws::BroadcastPtr message;
    std::shared_ptr<const std::optional<std::string>> exclude;  // a socket_id left out
};

class DeliveryInbox {
public:
    // Returns true when the caller must post a drain: none is pending.
    [[nodiscard]] bool add(Delivery delivery) {
        const std::lock_guard lock(mutex_);
        pending_.push_back(std::move(delivery));
        return !std::exchange(drain_posted_, true);
    }

    // Calls fn(delivery, flush) for everything added, in order; an add() meanwhile asks for the
    // next drain. Not reentrant (the worker's own posts arrive in a later drain).
    template <class Fn>
    void drain(Fn&& fn) {
        taken_.clear();  // left over if the last drain threw
        {
            const std::lock_guard lock(mutex_);
            taken_.swap(pending_);
            drain_posted_ = false;
        }
        const auto flush = taken_.size() == 1 ? Flush::Now : Flush::EndOfTurn;
        for (const auto& delivery : taken_) {
            fn(delivery, flush);
        }
        taken_.clear();  // the frames' memory goes back now, not at the next drain
    }

private:
    std::mutex mutex_;
    std::vector<Delivery> pending_;
    bool drain_posted_ = false;
    std::vector<Delivery> taken_;  // the worker's; kept for its capacity
};

}  // namespace herald::server
