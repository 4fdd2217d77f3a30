// herald/cluster/broker.cpp
#include "herald/cluster/broker.h"

#include <type_traits>

#include <spdlog/spdlog.h>

namespace herald::cluster {

Broker::Broker(std::string node_id, std::string prefix, ClusterLink& link, PresenceHandler presence)
    : node_id_(std::move(node_id)),
      prefix_(std::move(prefix)),
      link_(link),
      presence_(std::move(presence)) {}

std::vector<std::string> Broker::channels(std::string_view prefix,
                                          const std::vector<std::string>& app_ids) {
    std::vector<std::string> out{std::string(prefix) + "ctl"};
    for (const auto& app_id : app_ids) {
        out.push_back(std::string(prefix) + "a:" + app_id);
    }
    return out;
}

void Broker::attach(Node& node) noexcept {
    node_ = &node;
}

void Broker::publish(Event event) {
    send(event.app_id,
         EventMessage{node_id_, event.app_id, std::move(event.channel), event.exclude.value_or(""),
                      event.event.value_or(""), event.data.value_or(""), std::move(event.payload)});
}

void Broker::terminate_user(std::string app_id, std::string user_id) {
    send(app_id, TerminateMessage{node_id_, app_id, std::move(user_id)});
}

void Broker::send(const std::string& app_id, const WireMessage& message) {
    if (!link_.up()) {
        return;  // local delivery already happened; nothing is replayed later (Pusher)
    }
    link_.command({"PUBLISH", prefix_ + "a:" + app_id, encode(message)}, nullptr);
    sent_.fetch_add(1, std::memory_order_relaxed);
}

void Broker::receive(std::string_view channel, std::string_view payload) {
    auto message = decode(payload);
    if (!message) {
        spdlog::warn("cluster: ignored a malformed message on {}", channel);
        return;
    }
    std::visit(
            [this](auto& m) {
                using M = std::decay_t<decltype(m)>;
                if constexpr (std::is_same_v<M, EventMessage>) {
                    if (m.node == node_id_) {
                        return;  // the origin delivered locally already
                    }
                    received_.fetch_add(1, std::memory_order_relaxed);
                    Event event{std::move(m.app_id), std::move(m.channel), std::move(m.payload),
                                std::nullopt,        std::nullopt,         std::nullopt};
                    if (!m.exclude.empty()) {
                        event.exclude = std::move(m.exclude);
                    }
                    if (!m.event.empty()) {
                        event.event = std::move(m.event);
                        event.data = std::move(m.data);
                    }
                    node_->deliver(event);
                } else if constexpr (std::is_same_v<M, TerminateMessage>) {
                    if (m.node != node_id_) {
                        received_.fetch_add(1, std::memory_order_relaxed);
                        node_->terminate(m.app_id, m.user_id);
                    }
                } else {
                    presence_(PresenceMessage(std::move(m)));
                }
            },
            *message);
}

}  // namespace herald::cluster
