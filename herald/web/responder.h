// herald/web/responder.h
//
// Answering an HTTP request later, from another thread: for answers that take long to build
// (a listing that grows with the data), which must not hold up the other connections of the
// worker the request arrived on. The handler takes a Responder from the Deferral it is given and
// returns no response; the connection reads no further request until the answer comes, so
// answers stay in request order.
// Owner: a Responder may be copied and called from any thread. The first call answers; later
// calls do nothing. When every copy is gone unanswered, the client gets 503. Answer (or drop
// every copy) before the server's workers stop.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "herald/http/message.h"

namespace herald::web {

class Responder {
public:
    // Where the answer goes: the connection (request_session.cpp) or a test's recorder.
    class Target {
    public:
        virtual ~Target() = default;
        virtual void answer(http::Response response) = 0;
    };

    explicit Responder(std::shared_ptr<Target> target) : target_(std::move(target)) {}

    void operator()(http::Response response) const { target_->answer(std::move(response)); }

private:
    std::shared_ptr<Target> target_;
};

class Deferral {
public:
    // The request is answered through the result (call it once, from any thread).
    [[nodiscard]] virtual Responder defer() = 0;

    // The client's "address:port" (empty when unknown, as in tests): requests that belong to one
    // client (an HTTP session) are told apart by it.
    [[nodiscard]] virtual std::string peer_address() const { return {}; }

protected:
    ~Deferral() = default;
};

}  // namespace herald::web
