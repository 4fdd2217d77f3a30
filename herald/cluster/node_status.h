// herald/cluster/node_status.h
//
// One node of the cluster as this node last saw it in Redis (for the dashboard): its id, the
// connections it last reported, and how long ago it last renewed its lease.
// Owner: none (a plain value).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace herald::cluster {

struct NodeStatus {
    std::string id;
    std::uint64_t connections = 0;  // open connections, as the node reported at its last beat
    // Since the node's last beat, by Redis's clock (the one that scores the leases), assuming
    // the node runs with this node's lease; 0 at the least.
    std::chrono::milliseconds lease_age{0};
    bool self = false;  // this node
};

}  // namespace herald::cluster
