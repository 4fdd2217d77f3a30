// herald/cluster/sentinel_watch.cpp
#include "herald/cluster/sentinel_watch.h"

#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "herald/cluster/redis_link.h"

namespace herald::cluster {

SentinelWatch::SentinelWatch(net::Worker& loop, RedisEndpoint endpoint, net::TlsContextPtr tls,
                             std::function<void(const std::string& master)> switched)
    : endpoint_(std::move(endpoint)),
      tls_(std::move(tls)),
      switched_(std::move(switched)),
      connection_(loop, RespConnection::Handlers{nullptr,
                                                 [this](const std::string& why) {
                                                     spdlog::debug("cluster: sentinel watch: {}",
                                                                   why);
                                                     watching_ = false;
                                                 },
                                                 [this](const RedisValue& v) {
                                                     on_push(v);
                                                 }}) {}

void SentinelWatch::keep() {
    if (watching_ || endpoint_.sentinels.empty()) {
        return;
    }
    watching_ = true;
    const auto& sentinel = endpoint_.sentinels[next_++ % endpoint_.sentinels.size()];
    connection_.open(resp_address(sentinel, tls_));
    if (const auto auth = auth_command(std::nullopt, endpoint_.sentinel_password)) {
        connection_.command(*auth, [this](std::optional<RedisValue> reply) {
            if (reply && reply->is_error()) {
                spdlog::warn("cluster: a sentinel refused AUTH: {}", reply->text);
                connection_.close();
                watching_ = false;
            }
        });
    }
    connection_.subscribe({"+switch-master"});
}

void SentinelWatch::stop() {
    connection_.close();
    watching_ = false;
}

// ["message", "+switch-master", "<name> <old ip> <old port> <new ip> <new port>"]
void SentinelWatch::on_push(const RedisValue& value) {
    if (value.elements.size() != 3 || value.elements[0].text != "message") {
        return;
    }
    std::vector<std::string> words;
    std::string_view text = value.elements[2].text;
    while (!text.empty()) {
        const auto space = text.find(' ');
        words.emplace_back(text.substr(0, space));
        text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
    }
    if (words.size() == 5 && words[0] == endpoint_.master_name && switched_) {
        switched_(words[3] + ":" + words[4]);
    }
}

}  // namespace herald::cluster
