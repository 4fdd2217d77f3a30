// herald/server/server.h
//
// `herald serve`: the Pusher-compatible server. Workers accept WebSocket connections on
// [prefix]/app/{key} and REST requests on /apps/{id}/... (on the same port, or on a separate API
// listener; metrics and health on an optional admin listener), the hub keeps channels, presence and
// cache state, and a triggered event is framed once and fanned out by the workers that hold its
// subscribers. Owner: the thread that creates it (start/stop/wait); everything else runs on the
// workers.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "herald/server/app_source.h"
#include "herald/server/config.h"
#include "herald/server/reload.h"

namespace herald::server {

class PusherServer {
public:
    // With `store`, apps come from it (an app store, config.app_store) instead of config.apps;
    // it must outlive the server.
    explicit PusherServer(ServerConfig config, std::shared_ptr<AppSource> store = nullptr);
    ~PusherServer();
    PusherServer(const PusherServer&) = delete;
    PusherServer& operator=(const PusherServer&) = delete;

    // Binds and starts; throws std::runtime_error with a precise message (address in use ...).
    void start();

    // Stops being ready: /readyz answers 503 `draining` from now on, while everything else is
    // served as before (new connections, REST, delivery), so that a load balancer moves traffic
    // away before stop() closes the connections. Any thread; idempotent.
    void begin_drain() noexcept;

    // Drains: refuses new connections, closes every connection with 4200 (clients reconnect at
    // once), answers REST with 503, then stops after at most `grace`. Idempotent.
    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

    // The WebSocket port (and REST, unless a separate API listener is configured).
    [[nodiscard]] std::uint16_t port() const noexcept;
    // The REST API's own port when api_listen is set.
    [[nodiscard]] std::optional<std::uint16_t> api_port() const noexcept;
    // The admin listener's port when admin.port is set.
    [[nodiscard]] std::optional<std::uint16_t> admin_port() const noexcept;

    // Applies what can change live of `next` (its apps: see reload.h) and reports what changed
    // and what needs a restart. Any thread but the workers'. When it fails, nothing changed.
    ReloadReport reload(const ServerConfig& next);
    // A reload whose configuration could not be read: counted, nothing else.
    void reload_failed() noexcept;

    // The configuration the server started with (apps: as they were then).
    [[nodiscard]] const ServerConfig& config() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace herald::server
