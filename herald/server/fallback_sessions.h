// herald/server/fallback_sessions.h
//
// pusher-js's HTTP fallback transports on the server (docs/HTTP_FALLBACK.md): the table of open
// sessions and the three requests. A receive request (xhr_streaming, xhr) for an id not in the
// table passes the same checks as a WebSocket upgrade and opens a session, with its Connection,
// on the worker that read it; later requests for the id, on whichever worker reads them, are
// posted to that worker. A session id is the client's random id under the app key, and belongs
// to the address that opened it: from any other address it is unknown.
// Owner: the server. The table takes one short lock per request; sessions live on their worker.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "herald/http/message.h"
#include "herald/net/worker.h"
#include "herald/net/worker_pool.h"
#include "herald/server/address_limit.h"
#include "herald/server/context.h"
#include "herald/server/fallback_session.h"
#include "herald/web/responder.h"
#include "herald/web/response_stream.h"

namespace herald::server {

class FallbackSessions {
public:
    // New sessions of polling clients go to the workers of `pool`, spread by id.
    FallbackSessions(ServerContext& context, AddressLimit& addresses, net::WorkerPool& pool);

    // A request for a session URL under the server's path prefix (any method).
    [[nodiscard]] bool handles(const http::Request& request) const;
    // A request to be answered by a streaming response (a POST to .../xhr_streaming).
    [[nodiscard]] bool streams(const http::Request& request) const;

    // xhr_streaming, on the worker that read it: `stream` has not started yet.
    void open_stream(const web::ResponseStreamPtr& stream, const http::Request& request);
    // xhr (a poll, answered later), xhr_send and the CORS preflight of both.
    [[nodiscard]] std::optional<http::Response> answer(const http::Request& request,
                                                       web::Deferral& later);

    // Waits (at most `limit`) until every session has handed its close frame to the client's
    // next receive request, then ends those that are left (on their workers). Call once the
    // connections were closed; any thread but the workers'.
    void end_all(std::chrono::milliseconds limit);

    // Sessions in the table (any thread; a snapshot).
    [[nodiscard]] std::size_t size() const;

private:
    struct Entry {
        std::weak_ptr<FallbackSession> session;
        const FallbackSession* id = nullptr;  // which session, once it is gone too
        net::Worker* worker = nullptr;
        std::string host;  // the address that opened it
    };

    struct Lookup {
        std::optional<Entry> entry;  // the session of this client
        bool taken = false;          // the id is another address's
    };

    [[nodiscard]] Lookup find(const std::string& id, std::string_view host) const;
    // Checks the request as an upgrade and opens a session on `worker`; nothing and
    // `refusal` set (the frames to answer) when it is refused.
    std::shared_ptr<FallbackSession> open_session(const std::string& id,
                                                  const http::Request& request,
                                                  std::string_view peer, net::Worker& worker,
                                                  std::string& refusal);
    void forget(const std::string& id, const FallbackSession* session);

    ServerContext& context_;
    AddressLimit& addresses_;
    net::WorkerPool& pool_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> sessions_;  // by "{key}/{server}/{session}"
};

}  // namespace herald::server
