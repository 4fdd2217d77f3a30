// herald/cluster/sentinel_watch.h
//
// Follows failovers: one connection to a sentinel, subscribed to `+switch-master`. When the
// sentinels move the endpoint's master, the owner hears the new address at once instead of
// waiting for its links to notice. A lost connection moves on to the next sentinel on the next
// keep(); a failover missed meanwhile is still caught by the links (the old master is gone or
// answers ROLE as a replica).
// Owner: the loop's thread; every method is called there.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "herald/cluster/redis_url.h"
#include "herald/cluster/resp_connection.h"
#include "herald/net/tls.h"
#include "herald/net/worker.h"

namespace herald::cluster {

class SentinelWatch {
public:
    // `switched` gets the new master's "host:port".
    SentinelWatch(net::Worker& loop, RedisEndpoint endpoint, net::TlsContextPtr tls,
                  std::function<void(const std::string& master)> switched);

    // Connects to a sentinel when not connected (the next one after a failure); call it often.
    void keep();
    void stop();

private:
    void on_push(const RedisValue& value);

    RedisEndpoint endpoint_;
    net::TlsContextPtr tls_;
    std::function<void(const std::string&)> switched_;
    RespConnection connection_;
    std::size_t next_ = 0;  // the sentinel to try next
    bool watching_ = false;
};

}  // namespace herald::cluster
