// herald/cluster/redis_script.h
//
// The one Lua script every node loads (docs/decisions/0004-cluster-over-redis.md). Redis runs a
// script atomically, so each cluster-wide decision (first/last member anywhere, occupied/vacated,
// reaping a dead node) is taken in exactly one place, once. Called as
//   EVALSHA sha 0 <command> <prefix> <node> args...
// with commands: count app channel n | member app channel user present info exclude |
// beat lease_ms reap(0|1) connections | sync lease_ms (c app channel n | m app channel user
// info)... | snap | nodes (Redis's time in ms, the lease set with scores, the connections hash) |
// bye. Messages it publishes use the wire format of wire.h. Owner: none (constant text).
#pragma once

#include <string_view>

namespace herald::cluster {

[[nodiscard]] std::string_view cluster_script();

}  // namespace herald::cluster
