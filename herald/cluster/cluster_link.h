// herald/cluster/cluster_link.h
//
// What the broker and the presence store need of the cluster's Redis connection, and nothing
// more: commands whose replies come back on the cluster thread, calls of the cluster script,
// deferred work, and the registration handshake with the link supervisor (which decides when
// this node registers; the store knows how). LinkSupervisor implements it; tests use a fake.
// Owner: the cluster thread; every method is called there.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/cluster/redis_link.h"

namespace herald::cluster {

class ClusterLink {
public:
    // Runs with a successful reply of the connection the command went out on, never later: a
    // refused command or a lost connection is the link's to handle (it reconnects).
    using Done = std::function<void(const RedisValue&)>;

    virtual ~ClusterLink() = default;

    virtual void command(std::vector<std::string> args, Done done) = 0;
    // EVALSHA of the cluster script (redis_script.h) with this node's prefix and id, then `args`.
    virtual void script(std::string_view what, std::vector<std::string> args, Done done) = 0;
    // Runs `work` later on the cluster thread.
    virtual void defer(std::function<void()> work) = 0;

    // Redis no longer holds this node's registration: register again (the link calls back the
    // store's sync()).
    virtual void resync() = 0;
    // The registration asked for is done and the snapshot of the others applied: the node is in
    // the cluster.
    virtual void synced() = 0;
    // Redis answered something this node cannot use: drop the connection and start again.
    virtual void fail(const std::string& why) = 0;

    // True once registered and until the connection is lost.
    [[nodiscard]] virtual bool up() const noexcept = 0;
};

}  // namespace herald::cluster
