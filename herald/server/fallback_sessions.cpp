#include "herald/server/fallback_sessions.h"

#include <algorithm>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "herald/pusher/fallback.h"
#include "herald/pusher/limits.h"
#include "herald/pusher/rest_signature.h"
#include "herald/pusher/server_message.h"
#include "herald/server/connection.h"
#include "herald/server/upgrade_gate.h"

namespace herald::server {

namespace {

constexpr std::chrono::milliseconds kHeartbeat{25000};
constexpr std::string_view kStreamContentType = "application/javascript; charset=UTF-8";

// The page that asked may read the answer: the gate has checked its Origin against the app's.
std::string allow_origin(const http::Request& request) {
    return std::string(request.fields.get("Origin").value_or("*"));
}

http::Response with_cors(http::Response response, const http::Request& request) {
    response.fields.set("Access-Control-Allow-Origin", allow_origin(request));
    response.fields.set("Vary", "Origin");
    return response;
}

http::Response preflight(const http::Request& request) {
    http::Response response;
    response.status = 204;
    response.fields.add("Access-Control-Allow-Methods", "POST, OPTIONS");
    response.fields.add(
            "Access-Control-Allow-Headers",
            std::string(
                    request.fields.get("Access-Control-Request-Headers").value_or("Content-Type")));
    response.fields.add("Access-Control-Max-Age", "86400");
    return with_cors(std::move(response), request);
}

http::Response frames_answer(std::string body, const http::Request& request) {
    http::Response response;
    response.fields.add("Content-Type", std::string(kStreamContentType));
    response.fields.add("Cache-Control", "no-store");
    response.body = std::move(body);
    return with_cors(std::move(response), request);
}

// What a refused client reads, as a WebSocket would: the open, pusher:error, then the close.
std::string refusal_frames(pusher::ErrorCode code, std::string_view message) {
    std::string frames(pusher::open_frame());
    const std::string error = pusher::pusher_error(code, message);
    frames += pusher::array_frame(std::span<const std::string>(&error, 1));
    frames += pusher::close_frame(pusher::to_int(code),
                                  message.substr(0, pusher::kMaxCloseReasonBytes));
    return frames;
}

std::string query_parameter(std::string_view query, std::string_view key) {
    for (const auto& p : pusher::parse_query(query)) {
        if (p.key == key) {
            return p.value;
        }
    }
    return {};
}

// To a request for another client's session id: as if the session had ended, so that pusher-js
// opens a new one under an id of its own.
std::string taken_frame() {
    return pusher::close_frame(pusher::to_int(pusher::ErrorCode::ReconnectImmediately),
                               "This session belongs to another client");
}

}  // namespace

FallbackSessions::FallbackSessions(ServerContext& context, AddressLimit& addresses,
                                   net::WorkerPool& pool)
    : context_(context), addresses_(addresses), pool_(pool) {}

bool FallbackSessions::handles(const http::Request& request) const {
    return pusher::parse_fallback_path(request.path(), context_.config.path_prefix).has_value();
}

bool FallbackSessions::streams(const http::Request& request) const {
    const auto parsed = pusher::parse_fallback_path(request.path(), context_.config.path_prefix);
    return request.method == "POST" && parsed && parsed->route == pusher::FallbackRoute::Streaming;
}

FallbackSessions::Lookup FallbackSessions::find(const std::string& id,
                                                std::string_view host) const {
    const std::lock_guard lock(mutex_);
    const auto found = sessions_.find(id);
    if (found == sessions_.end()) {
        return {};
    }
    if (found->second.host != host) {
        return {std::nullopt, true};
    }
    return {found->second, false};
}

std::size_t FallbackSessions::size() const {
    const std::lock_guard lock(mutex_);
    return sessions_.size();
}

void FallbackSessions::forget(const std::string& id, const FallbackSession* session) {
    const std::lock_guard lock(mutex_);
    const auto found = sessions_.find(id);
    if (found != sessions_.end() && found->second.id == session) {
        sessions_.erase(found);
    }
}

std::shared_ptr<FallbackSession> FallbackSessions::open_session(const std::string& id,
                                                                const http::Request& request,
                                                                std::string_view peer,
                                                                net::Worker& worker,
                                                                std::string& refusal) {
    const auto parsed = pusher::parse_fallback_path(request.path(), context_.config.path_prefix);
    const std::string gate_path = context_.config.path_prefix + "/app/" + parsed->key;
    const UpgradeRequest upgrade{gate_path, request.query(), request.fields.get("Origin"),
                                 context_.config.tls.has_value()};
    auto verdict =
            check_upgrade(upgrade, context_.apps,
                          GatePolicy{context_.config.path_prefix, context_.config.strict_protocol});
    if (!verdict) {
        context_.metrics.refused(refusal_reason(verdict.error().code));
        refusal = refusal_frames(verdict.error().code, verdict.error().message);
        return nullptr;
    }
    AddressLimit::Slot slot;  // held by the session while it lasts
    if (context_.config.max_connections_per_ip > 0) {
        slot = addresses_.acquire(peer);
        if (!slot) {
            context_.metrics.refused(RefusalReason::AddressLimit);
            refusal = refusal_frames(
                    pusher::ErrorCode::OverCapacity,
                    "Too many connections from this address (at most " +
                            std::to_string(context_.config.max_connections_per_ip) + ")");
            return nullptr;
        }
    }
    auto app = std::move(verdict).value();
    FallbackSessionLimits limits;
    limits.detached_limit = context_.config.activity_timeout;
    limits.heartbeat =
            std::min<std::chrono::milliseconds>(kHeartbeat, context_.config.activity_timeout);
    limits.max_pending_bytes = app->limits.max_queued_bytes;
    PeerInfo info{std::string(peer), std::string(request.fields.get("User-Agent").value_or("")),
                  query_parameter(request.query(), "client"),
                  query_parameter(request.query(), "protocol")};
    const std::string host(host_of(peer));
    // The table forgets the session when it ends; the address slot goes with the callback.
    auto session = std::make_shared<FallbackSession>(
            worker, std::move(info), limits,
            [this, id, slot = std::move(slot)](const FallbackSession* ended) {
                forget(id, ended);
            });
    {
        const std::lock_guard lock(mutex_);
        const auto [it, inserted] =
                sessions_.try_emplace(id, Entry{session, session.get(), &worker, host});
        if (!inserted) {
            refusal = taken_frame();
            return nullptr;
        }
    }
    auto connection =
            std::make_shared<Connection>(context_, std::move(app), worker, session->transport());
    worker.post([session, connection = std::move(connection)]() mutable {
        session->start(std::move(connection));
    });
    return session;
}

void FallbackSessions::open_stream(const web::ResponseStreamPtr& stream,
                                   const http::Request& request) {
    stream->set_header("Content-Type", std::string(kStreamContentType));
    stream->set_header("Cache-Control", "no-store");
    stream->set_header("Access-Control-Allow-Origin", allow_origin(request));
    stream->set_header("Vary", "Origin");
    stream->set_header("X-Accel-Buffering", "no");  // nginx passes each frame on at once
    const auto parsed = pusher::parse_fallback_path(request.path(), context_.config.path_prefix);
    const std::string id = parsed->key + '/' + parsed->session;
    const std::string peer = stream->remote_address();
    auto lookup = find(id, host_of(peer));
    std::string refusal;
    if (lookup.taken) {
        refusal = taken_frame();
    } else if (!lookup.entry) {
        auto session = open_session(id, request, peer, stream->worker(), refusal);
        if (session) {
            lookup.entry = Entry{session, session.get(), &stream->worker(), {}};
        }
    }
    if (!lookup.entry) {
        // After start(), which queues the head.
        stream->post([refusal = std::move(refusal)](web::ResponseStream& s) {
            s.write(refusal);
            s.close();
        });
        return;
    }
    auto& stream_worker = stream->worker();
    const void* stream_id = stream.get();
    std::weak_ptr<web::ResponseStream> weak_stream = stream;
    auto session = lookup.entry->session;
    auto* session_worker = lookup.entry->worker;
    stream->on_close([raw = stream.get(), session, session_worker] {
        session_worker->post([session, stream_id = static_cast<const void*>(raw),
                              overflowed = raw->overflowed()] {
            if (const auto open = session.lock()) {
                open->stream_ended(stream_id, overflowed);
            }
        });
    });
    session_worker->post(
            [session, &stream_worker, weak_stream = std::move(weak_stream), stream_id] {
                if (const auto open = session.lock()) {
                    open->attach(stream_worker, weak_stream, stream_id);
                }
            });
}

std::optional<http::Response> FallbackSessions::answer(const http::Request& request,
                                                       web::Deferral& later) {
    if (request.method == "OPTIONS") {
        return preflight(request);
    }
    if (request.method != "POST") {
        auto refused = http::text_response(405, "Use POST: this is a Pusher HTTP session URL\n");
        refused.fields.set("Allow", "POST, OPTIONS");
        return with_cors(std::move(refused), request);
    }
    const auto parsed = pusher::parse_fallback_path(request.path(), context_.config.path_prefix);
    const std::string id = parsed->key + '/' + parsed->session;
    const std::string peer = later.peer_address();
    auto lookup = find(id, host_of(peer));
    if (parsed->route == pusher::FallbackRoute::Send) {
        if (!lookup.entry) {
            return with_cors(http::text_response(404, "No such session: open one first\n"),
                             request);
        }
        auto messages = pusher::parse_send_body(request.body);
        if (!messages) {
            return with_cors(http::text_response(400, messages.error() + "\n"), request);
        }
        lookup.entry->worker->post(
                [session = lookup.entry->session, messages = std::move(messages).value()] {
                    if (const auto open = session.lock()) {
                        open->receive(messages);
                    }
                });
        http::Response accepted;
        accepted.status = 204;
        return with_cors(std::move(accepted), request);
    }
    std::string refusal;
    if (lookup.taken) {
        refusal = taken_frame();
    } else if (!lookup.entry) {
        auto& worker = pool_.worker(std::hash<std::string>{}(id) % pool_.size());
        auto session = open_session(id, request, peer, worker, refusal);
        if (session) {
            lookup.entry = Entry{session, session.get(), &worker, {}};
        }
    }
    if (!lookup.entry) {
        return frames_answer(std::move(refusal), request);
    }
    lookup.entry->worker->post([session = lookup.entry->session, poll = later.defer(),
                                origin = allow_origin(request)]() mutable {
        if (const auto open = session.lock()) {
            open->attach(std::move(poll), std::move(origin));
        }
    });
    return std::nullopt;
}

void FallbackSessions::end_all(std::chrono::milliseconds limit) {
    // A polling client asks again as soon as it was answered: its close frame goes out then.
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (size() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::vector<Entry> entries;
    {
        const std::lock_guard lock(mutex_);
        for (const auto& [id, entry] : sessions_) {
            entries.push_back(entry);
        }
    }
    for (const auto& entry : entries) {
        entry.worker->post([session = entry.session] {
            if (const auto open = session.lock()) {
                open->end();
            }
        });
    }
}

}  // namespace herald::server
