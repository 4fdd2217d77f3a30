// herald/client/loop.h
//
// An I/O thread that many Clients share (Options::loop). A Client without one starts a thread of
// its own; a program holding hundreds or thousands of connections gives them one Loop (or a few)
// instead, so that each connection costs its socket and its state, not a thread and a read
// buffer. Every Client on a Loop runs its callbacks on the Loop's thread, one at a time.
// Owner: shared (std::shared_ptr) by the application and the Clients made with it; the thread
// stops when the last of them lets it go.
#pragma once

#include <memory>

namespace herald::net {
class Worker;
}  // namespace herald::net

namespace herald::client {

class Loop {
public:
    Loop();   // starts the thread
    ~Loop();  // stops and joins it; not from the thread itself (a callback of its Clients)
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    // The event loop the Clients' WebSockets, timers and callbacks run on.
    [[nodiscard]] net::Worker& worker() noexcept { return *worker_; }

private:
    std::unique_ptr<net::Worker> worker_;
};

}  // namespace herald::client
