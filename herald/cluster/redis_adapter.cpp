// herald/cluster/redis_adapter.cpp
#include "herald/cluster/redis_adapter.h"

// <utility> first: Boost 1.74 headers rely on it under GCC 12 in C++20 mode.
#include <future>
#include <stdexcept>
#include <utility>

#include <spdlog/spdlog.h>

#include "herald/cluster/broker.h"
#include "herald/cluster/link_supervisor.h"
#include "herald/cluster/presence_store.h"
#include "herald/net/worker.h"
#include "herald/util/digest.h"
#include "herald/util/random.h"

namespace herald::cluster {

namespace {

constexpr std::chrono::milliseconds kStartTimeout{2000};
constexpr std::chrono::milliseconds kByeTimeout{1000};

std::string random_node_id() {
    util::FastRandom random;
    std::string raw(8, '\0');
    const auto value = random.next();
    for (std::size_t i = 0; i < raw.size(); ++i) {
        raw[i] = static_cast<char>((value >> (8U * i)) & 0xFFU);
    }
    return util::to_hex(raw);
}

std::vector<std::string> app_ids(const RedisOptions& options) {
    std::vector<std::string> out;
    for (const auto& app : options.apps) {
        out.push_back(app.id);
    }
    return out;
}

// When Redis answers at start, apps that differ from the cluster's stop the start at once; when it
// does not, the node starts alone and the link checks them on its first connection.
void check_credentials(const RedisOptions& options, const net::TlsContextPtr& tls) {
    const auto apps = fingerprints(options.apps);
    std::vector<RedisValue> replies;
    try {
        replies = run_blocking(options.endpoint, check_commands(options.prefix, apps),
                               kStartTimeout, tls);
    } catch (const std::runtime_error& e) {
        spdlog::warn(
                "cluster: {}; starting alone (own clients only, /readyz answers 503) and joining "
                "the cluster when Redis answers",
                e.what());
        return;
    }
    if (const auto why = credentials_mismatch(options.prefix, options.endpoint, apps, replies)) {
        throw std::runtime_error(*why);
    }
}

}  // namespace

// The three parts on one thread: the supervisor keeps the connection and tells the store when to
// register and the broker what arrived; the store and the broker send through the supervisor.
struct RedisAdapter::Impl {
    explicit Impl(RedisOptions o)
        : options(std::move(o)),
          node_id(options.node_id.empty() ? random_node_id() : options.node_id),
          tls(redis_tls_context(options.endpoint, options.tls_files)),
          link(loop,
               LinkSupervisor::Options{options.endpoint, options.prefix, node_id, options.lease,
                                       Broker::channels(options.prefix, app_ids(options)),
                                       fingerprints(options.apps), tls},
               LinkSupervisor::Hooks{[this] { store.sync(); },
                                     [this](bool was_up) { store.lost(was_up); },
                                     [this](std::string_view channel, std::string_view payload) {
                                         broker.receive(channel, payload);
                                     },
                                     options.connections, options.on_node_change}),
          store(node_id, options.lease, link),
          broker(node_id, options.prefix, link,
                 [this](const PresenceMessage& message) { store.receive(message); }) {}

    RedisOptions options;
    std::string node_id;
    net::TlsContextPtr tls;
    net::Worker loop{0};
    LinkSupervisor link;
    PresenceStore store;
    Broker broker;
};

RedisAdapter::RedisAdapter(RedisOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

RedisAdapter::~RedisAdapter() {
    stop();
}

void RedisAdapter::start(Node& node) {
    auto& impl = *impl_;
    check_credentials(impl.options, impl.tls);
    impl.store.attach(node);
    impl.broker.attach(node);
    impl.loop.start();
    impl.loop.post([&impl] { impl.link.start(); });
}

void RedisAdapter::stop() {
    auto& impl = *impl_;
    if (!impl.loop.running()) {
        return;
    }
    std::promise<void> done;
    auto finished = done.get_future();
    impl.loop.post([&impl, &done] {
        impl.link.leave();
        if (!impl.link.up()) {
            done.set_value();
            return;
        }
        impl.store.withdraw([&done] { done.set_value(); });
    });
    if (finished.wait_for(kByeTimeout) != std::future_status::ready) {
        spdlog::warn(
                "cluster: Redis did not confirm this node's departure; the others will reap "
                "it when its lease expires");
    }
    abandon();
}

void RedisAdapter::abandon() {
    auto& impl = *impl_;
    if (!impl.loop.running()) {
        return;
    }
    std::promise<void> closed;
    impl.loop.post([&impl, &closed] {
        impl.link.shutdown();  // replies still on their way are dropped from here on
        closed.set_value();
    });
    closed.get_future().wait();
    impl.loop.stop();
}

void RedisAdapter::publish(Event event) {
    impl_->loop.post([&impl = *impl_, event = std::move(event)]() mutable {
        impl.broker.publish(std::move(event));
    });
}

void RedisAdapter::terminate_user(std::string_view app_id, std::string_view user_id) {
    impl_->loop.post(
            [&impl = *impl_, app = std::string(app_id), user = std::string(user_id)]() mutable {
                impl.broker.terminate_user(std::move(app), std::move(user));
            });
}

void RedisAdapter::touch(std::string_view app_id, std::string_view channel,
                         std::optional<std::string_view> user_id, std::string_view exclude,
                         bool told) {
    impl_->loop.post([&impl = *impl_, app = std::string(app_id), channel = std::string(channel),
                      user = user_id ? std::optional<std::string>(*user_id) : std::nullopt,
                      exclude = std::string(exclude), told]() mutable {
        impl.store.touch(std::move(app), std::move(channel), std::move(user), std::move(exclude),
                         told);
    });
}

bool RedisAdapter::member_elsewhere(std::string_view app_id, std::string_view channel,
                                    std::string_view user_id) const {
    return impl_->store.member_elsewhere(app_id, channel, user_id);
}

bool RedisAdapter::clustered() const noexcept {
    return impl_->link.clustered();
}

const View& RedisAdapter::view() const noexcept {
    return impl_->store.view();
}

const std::string& RedisAdapter::node_id() const noexcept {
    return impl_->node_id;
}

std::optional<std::string> RedisAdapter::refusal() const {
    return impl_->link.refusal();
}

std::size_t RedisAdapter::nodes() const noexcept {
    return impl_->link.nodes();
}

std::vector<NodeStatus> RedisAdapter::node_statuses() const {
    return impl_->link.node_statuses();
}

RedisAdapter::Traffic RedisAdapter::traffic() const noexcept {
    return Traffic{impl_->broker.received(), impl_->broker.sent()};
}

}  // namespace herald::cluster
