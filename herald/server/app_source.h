// herald/server/app_source.h
//
// Where apps come from when they are not all in the configuration: an app store (a database)
// that the server asks by key at a WebSocket handshake and by id for a REST request. The answer
// comes at once when the source has it (a cache) or later, from a thread of the source's own,
// so that an event loop never waits for a database.
// Owner: the process that creates it (`herald serve`); it outlives the server that asks it.
// Every method is thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "herald/server/app.h"
#include "herald/server/app_store_counters.h"

namespace herald::server {

enum class AppLookup : std::uint8_t {
    ByKey,
    ById
};

// What a source knows of one key or id.
struct AppAnswer {
    AppPtr app;             // null: no such app (or none known while the store is down)
    bool reachable = true;  // false: the store could not be asked; `app` may be a stale copy
};

class AppSource {
public:
    using Callback = std::function<void(AppAnswer)>;

    virtual ~AppSource() = default;

    // The answer now, when the source has a current one; otherwise nullopt, and `later` is called
    // once with the answer, on a thread of the source (never the caller's, never inside find()).
    [[nodiscard]] virtual std::optional<AppAnswer> find(AppLookup by, std::string_view value,
                                                        Callback later) = 0;

    // What the source is, for the log ("postgresql://db.internal/herald, table apps").
    [[nodiscard]] virtual std::string describe() const = 0;

    // What the source has counted since it started: the herald_app_store_* metrics.
    [[nodiscard]] virtual const AppStoreCounters& counters() const noexcept = 0;
};

}  // namespace herald::server
