// herald/server/store_apps.h
//
// The server's apps when they come from an app store (AppSource): a lookup by key (handshake)
// or id (REST) is answered on the worker that asked, at once when the source has a current
// answer, otherwise posted back to that worker when the source's thread has it. Each answer is
// settled in the registry first: a found app is adopted (added, or replacing the app of its id),
// an id the store no longer has is retired, and `changed` is told, so that connections follow
// their app's new settings as after a reload. After close() no answer is posted any more (the
// server is stopping).
// Owner: the server; find() and close() from any thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "herald/net/worker.h"
#include "herald/server/app.h"
#include "herald/server/app_source.h"
#include "herald/util/throttle.h"

namespace herald::server {

class StoreApps {
public:
    // `app` null: no such app (or the store is down); `later`: answered after find() returned.
    using Done = std::function<void(AppPtr app, bool later)>;

    StoreApps(AppSource& source, AppRegistry& apps, std::function<void()> changed);

    ~StoreApps() { close(); }

    StoreApps(const StoreApps&) = delete;
    StoreApps& operator=(const StoreApps&) = delete;

    // Calls `done` on `worker`: inside this call when the answer is at hand, else later.
    void find(AppLookup by, std::string_view value, net::Worker& worker, Done done);

    void close();

private:
    struct Gate {
        std::mutex mutex;
        bool open = true;
    };

    AppPtr settle(AppLookup by, std::string_view value, const AppAnswer& answer);

    AppSource& source_;
    AppRegistry& apps_;
    std::function<void()> changed_;
    std::shared_ptr<Gate> gate_ = std::make_shared<Gate>();
    util::Throttle refused_log_;
    util::Throttle full_log_;
};

}  // namespace herald::server
