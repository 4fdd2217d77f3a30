#include "herald/server/hub.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "herald/pusher/channel.h"
#include "herald/pusher/message.h"
#include "herald/pusher/server_message.h"
#include "herald/server/connection.h"

namespace herald::server {

Hub::Hub(const AppRegistry& apps, net::WorkerPool& pool)
    : apps_(apps), pool_(pool), table_(pool.size()), users_(apps.apps().size()) {
    locals_.reserve(pool.size());
    for (std::size_t i = 0; i < pool.size(); ++i) {
        locals_.push_back(std::make_unique<LocalChannels>(apps.apps().size()));
    }
}

void Hub::publish(const App& app, const Publication& publication) {
    const auto index = apps_.index_of(app);
    if (pusher::is_cache(pusher::classify_channel(publication.channel))) {
        table_.remember(index, publication.channel,
                        CachedEvent{publication.event, publication.data},
                        SteadyClock::now() + pusher::kCacheTtl);
    }
    const auto user_id = publication.user_id ? std::optional<std::string_view>(*publication.user_id)
                                             : std::nullopt;
    broadcast(index, publication.channel,
              pusher::channel_event(publication.event, publication.channel,
                                    pusher::EventData::string(publication.data), user_id),
              publication.exclude);
}

void Hub::broadcast(std::size_t app, std::string_view channel, std::string message,
                    std::optional<std::string> exclude) {
    auto mask = table_.workers_with(app, channel);
    if (mask == 0) {
        return;
    }
    // Framed once here; every worker queues the same bytes on each of its subscribers.
    auto frame = ws::Broadcast::text(std::move(message));
    auto shared_channel = std::make_shared<const std::string>(channel);
    auto shared_exclude = std::make_shared<const std::optional<std::string>>(std::move(exclude));
    for (std::size_t worker = 0; mask != 0; ++worker, mask >>= 1U) {
        if ((mask & 1U) == 0) {
            continue;
        }
        pool_.worker(worker).post([this, worker, app, frame, shared_channel, shared_exclude] {
            deliver(worker, app, *shared_channel, frame, *shared_exclude);
        });
    }
}

void Hub::deliver(std::size_t worker, std::size_t app, const std::string& channel,
                  const std::shared_ptr<const ws::Broadcast>& message,
                  const std::optional<std::string>& exclude) {
    locals_[worker]->for_each(app, channel, [&](Subscription& subscription) {
        auto& connection = *subscription.connection;
        if (!exclude || connection.socket_id() != *exclude) {
            connection.send(*message);
        }
    });
}

void Hub::count_subscriptions(std::size_t app, const std::string& channel) {
    const auto decision = table_.decide_count(app, channel, SteadyClock::now(),
                                              pusher::kSubscriptionCountThrottleAbove,
                                              pusher::kSubscriptionCountInterval);
    if (decision.send_now) {
        if (events_ != nullptr) {
            events_->subscription_count(app, channel, decision.count);
        }
        broadcast(app, channel, pusher::subscription_count(channel, decision.count));
    } else if (decision.deferred) {
        const std::lock_guard lock(counts_mutex_);
        pending_counts_.push_back(PendingCount{app, channel, decision.due});
    }
}

void Hub::flush_counts(SteadyClock::time_point now) {
    std::vector<PendingCount> due;
    {
        const std::lock_guard lock(counts_mutex_);
        if (pending_counts_.empty()) {
            return;
        }
        const auto split = std::partition(pending_counts_.begin(), pending_counts_.end(),
                                          [&](const PendingCount& p) { return p.due > now; });
        due.assign(std::make_move_iterator(split), std::make_move_iterator(pending_counts_.end()));
        pending_counts_.erase(split, pending_counts_.end());
    }
    for (const auto& pending : due) {
        if (const auto count = table_.release_count(pending.app, pending.channel, now)) {
            if (events_ != nullptr) {
                events_->subscription_count(pending.app, pending.channel, *count);
            }
            broadcast(pending.app, pending.channel,
                      pusher::subscription_count(pending.channel, *count));
        }
    }
}

void Hub::post_to(const ConnectionRef& ref, std::function<void(Connection&)> fn) {
    pool_.worker(ref.worker).post([weak = ref.connection, fn = std::move(fn)] {
        if (auto connection = weak.lock(); connection && connection->is_open()) {
            fn(*connection);
        }
    });
}

ChannelState Hub::channel(const App& app, std::string_view name) {
    return table_.state(apps_.index_of(app), name);
}

std::vector<ChannelSummary> Hub::channels(const App& app, std::string_view prefix) {
    auto all = table_.occupied(apps_.index_of(app), prefix);
    // §4.12: a user's delivery channel is not a channel of the app's.
    std::erase_if(all, [](const ChannelSummary& summary) {
        return summary.name.starts_with(pusher::kServerToUserPrefix);
    });
    return all;
}

std::vector<std::string> Hub::presence_users(const App& app, std::string_view channel) {
    return table_.members(apps_.index_of(app), channel);
}

void Hub::terminate_user(const App& app, std::string_view user_id) {
    for (const auto& ref : users_.connections(apps_.index_of(app), user_id)) {
        post_to(ref, [](Connection& connection) {
            connection.close(pusher::ErrorCode::ConnectionUnauthorized,
                             "Connection terminated by the application");
        });
    }
}

}  // namespace herald::server
