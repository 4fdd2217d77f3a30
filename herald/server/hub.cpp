#include "herald/server/hub.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <utility>

#include "herald/pusher/channel.h"
#include "herald/pusher/message.h"
#include "herald/pusher/server_message.h"
#include "herald/server/connection.h"

namespace herald::server {

Hub::Hub(const AppRegistry& apps, net::WorkerPool& pool)
    : apps_(apps),
      pool_(pool),
      table_(pool.size()),
      users_(apps.capacity()),
      occupied_(apps.capacity() * kChannelTypes),
      members_(apps.capacity()),
      published_(apps.capacity() * kEventSources) {
    locals_.reserve(pool.size());
    for (std::size_t i = 0; i < pool.size(); ++i) {
        locals_.push_back(std::make_unique<LocalChannels>(apps.capacity()));
        inboxes_.push_back(std::make_unique<DeliveryInbox>());
    }
}

void Hub::publish_everywhere(const App& app, const Publication& publication) {
    const auto index = apps_.index_of(app);
    published_.add(index * kEventSources + static_cast<std::size_t>(EventSource::Rest));
    const bool cache = pusher::is_cache(pusher::classify_channel(publication.channel));
    if (cache) {
        table_.remember(index, publication.channel,
                        CachedEvent{publication.event, publication.data},
                        SteadyClock::now() + pusher::kCacheTtl);
    }
    const auto user_id = publication.user_id ? std::optional<std::string_view>(*publication.user_id)
                                             : std::nullopt;
    auto message = pusher::channel_event(publication.event, publication.channel,
                                         pusher::EventData::string(publication.data), user_id);
    if (cluster_->clustered()) {
        // Other nodes remember a cache channel's last event too: it travels with the frame.
        cluster_->publish(cluster::Event{
                app_id(index), publication.channel, message, publication.exclude,
                cache ? std::optional<std::string>(publication.event) : std::nullopt,
                cache ? std::optional<std::string>(publication.data) : std::nullopt});
    }
    deliver_on_this_node(index, publication.channel, std::move(message), publication.exclude);
}

void Hub::send_everywhere(std::size_t app, std::string_view channel, std::string message,
                          std::optional<std::string> exclude) {
    if (cluster_->clustered()) {
        cluster_->publish(cluster::Event{app_id(app), std::string(channel), message, exclude,
                                         std::nullopt, std::nullopt});
    }
    deliver_on_this_node(app, channel, std::move(message), std::move(exclude));
}

void Hub::deliver_from_cluster(const cluster::Event& event) {
    const auto slot = apps_.slot_of(event.app_id);
    if (!slot || !apps_.at(*slot)) {
        return;
    }
    const auto index = *slot;
    published_.add(index * kEventSources + static_cast<std::size_t>(EventSource::Cluster));
    if (event.event && event.data) {
        table_.remember(index, event.channel, CachedEvent{*event.event, *event.data},
                        SteadyClock::now() + pusher::kCacheTtl);
    }
    deliver_on_this_node(index, event.channel, event.payload, event.exclude);
}

SubscribeOutcome Hub::subscribe(std::size_t app, std::size_t worker, Subscription& subscription,
                                const pusher::Member* member) {
    const auto& channel = subscription.channel;
    const auto kind = pusher::classify_channel(channel);
    auto joined = table_.join(JoinRequest{app, channel, worker, member, max_presence_members(app)});
    SubscribeOutcome outcome;
    if (joined.refused) {
        outcome.refused = true;
        return outcome;
    }
    outcome.member_added = joined.member_added;
    outcome.subscriptions = joined.subscriptions;
    outcome.cache = std::move(joined.cache);
    if (member != nullptr) {
        subscription.user_id = member->user_id;
    }
    locals_[worker]->add(app, subscription);
    const auto type = channel_type(kind);
    if (joined.subscriptions == 1 && type) {
        occupied_[app * kChannelTypes + static_cast<std::size_t>(*type)].fetch_add(
                1, std::memory_order_relaxed);
    }
    if (joined.member_added) {
        members_[app].fetch_add(1, std::memory_order_relaxed);
        member_joined(app, channel, *member, subscription.connection->socket_id());
    }
    subscriptions_changed(app, channel);
    if (member != nullptr) {
        outcome.roster = roster(app, channel, std::move(joined.roster));
    }
    if (pusher::is_cache(kind) && !outcome.cache && events_ != nullptr) {
        events_->cache_miss(app, channel);
    }
    count_subscriptions(app, channel);
    return outcome;
}

UnsubscribeOutcome Hub::unsubscribe(std::size_t app, std::size_t worker,
                                    Subscription& subscription) {
    const auto& channel = subscription.channel;
    locals_[worker]->remove(app, subscription);
    const auto* user_id = subscription.user_id ? &*subscription.user_id : nullptr;
    const auto left = table_.leave(app, channel, worker, user_id);
    const auto type = channel_type(pusher::classify_channel(channel));
    if (left.subscriptions == 0 && type) {
        occupied_[app * kChannelTypes + static_cast<std::size_t>(*type)].fetch_sub(
                1, std::memory_order_relaxed);
    }
    if (left.member_removed) {
        members_[app].fetch_sub(1, std::memory_order_relaxed);
        member_left(app, channel, *user_id);
    }
    subscriptions_changed(app, channel);
    // In a cluster the others' subscribers still count: the webhook of this change is this
    // node's to send even when none is left here.
    if (left.subscriptions > 0 || cluster_->clustered()) {
        count_subscriptions(app, channel);
    }
    return UnsubscribeOutcome{left.member_removed, left.subscriptions};
}

SignInOutcome Hub::sign_in(std::size_t app, const ConnectionRef& ref, Subscription& user_channel,
                           const pusher::User& user) {
    subscribe(app, ref.worker, user_channel);
    auto signed_in = users_.sign_in(app, user.id, ref, user.watchlist);
    if (signed_in.first) {
        online_changed(app, user.id, true, signed_in.watchers);
    }
    if (cluster_->clustered() && !signed_in.offline.empty()) {
        // Online on another node is online.
        std::set<std::string> elsewhere;
        for (auto& member : cluster_->view().members(app_id(app), kOnlineChannel)) {
            elsewhere.insert(std::move(member.user_id));
        }
        std::erase_if(signed_in.offline, [&](const std::string& id) {
            if (!elsewhere.contains(id)) {
                return false;
            }
            signed_in.online.push_back(id);
            return true;
        });
    }
    return SignInOutcome{signed_in.first, std::move(signed_in.online),
                         std::move(signed_in.offline)};
}

SignOutOutcome Hub::sign_out(std::size_t app, const void* connection, const pusher::User& user) {
    const auto signed_out = users_.sign_out(app, user.id, connection, user.watchlist);
    if (signed_out.last) {
        online_changed(app, user.id, false, signed_out.watchers);
    }
    return SignOutOutcome{signed_out.last};
}

// As for a presence member (member_joined): in the cluster its decision is told to every node's
// watchers; out of it this node tells its own, unless they know the user online elsewhere.
void Hub::online_changed(std::size_t app, const std::string& user_id, bool online,
                         const std::vector<ConnectionRef>& watchers) {
    const bool clustered = cluster_->clustered();
    const auto id = app_id(app);
    cluster_->touch(id, kOnlineChannel, user_id, {}, !clustered);
    if (!clustered && !cluster_->member_elsewhere(id, kOnlineChannel, user_id)) {
        notify_watchers(
                watchers, user_id,
                online ? pusher::WatchlistStatus::Online : pusher::WatchlistStatus::Offline);
    }
}

void Hub::watched_user_changed(std::size_t app, const std::string& user_id, bool online) {
    notify_watchers(users_.watchers(app, user_id), user_id,
                    online ? pusher::WatchlistStatus::Online : pusher::WatchlistStatus::Offline);
}

std::vector<std::string> Hub::users_on_this_node(std::size_t app) {
    return users_.signed_in(app);
}

bool Hub::signed_in_on_this_node(std::size_t app, std::string_view user_id) {
    return !users_.connections(app, user_id).empty();
}

void Hub::notify_watchers(const std::vector<ConnectionRef>& watchers, const std::string& user_id,
                          pusher::WatchlistStatus status) {
    if (watchers.empty()) {
        return;
    }
    const std::vector<pusher::WatchlistEvent> events{{status, {user_id}}};
    auto message = std::make_shared<const std::string>(pusher::watchlist_events(events));
    for (const auto& watcher : watchers) {
        post_to(watcher, [message](Connection& c) { c.send(*message); });
    }
}

void Hub::relay_client_event(std::size_t app, const pusher::ClientEvent& event,
                             const std::string& socket_id,
                             const std::optional<std::string>& user_id) {
    published_.add(app * kEventSources + static_cast<std::size_t>(EventSource::Client));
    if (events_ != nullptr) {
        events_->client_event(app, event.channel, event.event, event.data.text, socket_id,
                              user_id ? std::string_view(*user_id) : std::string_view{});
    }
    send_everywhere(app, event.channel,
                    pusher::channel_event(
                            event.event, event.channel, event.data,
                            user_id ? std::optional<std::string_view>(*user_id) : std::nullopt),
                    socket_id);
}

// Out of the cluster (alone, or Redis lost) the node decides its own presence changes; a user
// its subscribers last knew through another node joining or leaving here changes nothing for
// them. Either way the cluster's later transition for the change is not told here again.
void Hub::member_joined(std::size_t app, const std::string& channel, const pusher::Member& member,
                        const std::string& exclude) {
    const bool clustered = cluster_->clustered();
    const auto id = app_id(app);
    cluster_->touch(id, channel, member.user_id, exclude, !clustered);
    if (!clustered && !cluster_->member_elsewhere(id, channel, member.user_id)) {
        deliver_on_this_node(app, channel, pusher::member_added(channel, member), exclude);
    }
}

void Hub::member_left(std::size_t app, const std::string& channel, const std::string& user_id) {
    const bool clustered = cluster_->clustered();
    const auto id = app_id(app);
    cluster_->touch(id, channel, user_id, {}, !clustered);
    if (!clustered && !cluster_->member_elsewhere(id, channel, user_id)) {
        deliver_on_this_node(app, channel, pusher::member_removed(channel, user_id));
    }
}

void Hub::subscriptions_changed(std::size_t app, const std::string& channel) {
    if (!channel.starts_with(pusher::kServerToUserPrefix)) {
        cluster_->touch(app_id(app), channel);
    }
}

std::vector<pusher::Member> Hub::roster(std::size_t app, const std::string& channel,
                                        std::vector<pusher::Member> local) {
    auto remote = cluster_->view().members(app_id(app), channel);
    if (remote.empty()) {
        return local;
    }
    std::map<std::string, std::string> all;
    for (auto* list : {&remote, &local}) {
        for (auto& member : *list) {
            all[std::move(member.user_id)] = std::move(member.user_info);
        }
    }
    std::vector<pusher::Member> out;
    out.reserve(all.size());
    for (auto& [id, info] : all) {
        out.push_back(pusher::Member{id, std::move(info)});
    }
    return out;
}

void Hub::deliver_on_this_node(std::size_t app, std::string_view channel, std::string message,
                               std::optional<std::string> exclude) {
    auto mask = table_.workers_with(app, channel);
    if (mask == 0) {
        return;
    }
    // Framed once here; every worker sends the same bytes to each of its subscribers.
    const Delivery delivery{app, std::make_shared<const std::string>(channel),
                            ws::Broadcast::text(std::move(message)),
                            std::make_shared<const std::optional<std::string>>(std::move(exclude))};
    for (std::size_t worker = 0; mask != 0; ++worker, mask >>= 1U) {
        if ((mask & 1U) != 0 && inboxes_[worker]->add(delivery)) {
            pool_.worker(worker).post([this, worker] { drain(worker); });
        }
    }
}

void Hub::drain(std::size_t worker) {
    inboxes_[worker]->drain([&](const Delivery& delivery, Flush flush) {
        deliver_on_worker(worker, delivery, flush);
    });
}

void Hub::deliver_on_worker(std::size_t worker, const Delivery& delivery, Flush flush) {
    const auto& exclude = *delivery.exclude;
    // Each subscriber's send reads a chain of objects spread over memory (its Connection, the
    // transport, the WebSocket, its stream): the walk asks for them a few subscribers ahead, one
    // link per step, so they arrive during the sends in between instead of stalling each send.
    locals_[worker]->for_each_prefetching<Connection::kPrefetchStages>(
            delivery.app, *delivery.channel,
            [&](Subscription& subscription) {
                auto& connection = *subscription.connection;
                if (!exclude || connection.socket_id() != *exclude) {
                    connection.send(*delivery.message, flush);
                }
            },
            [](std::size_t stage, const Subscription& ahead) {
                ahead.connection->prefetch(stage);
            });
}

void Hub::count_subscriptions(std::size_t app, const std::string& channel, bool decided_here) {
    const auto kind = pusher::classify_channel(channel);
    // §4.15: presence channels have member events instead; a user's channel is not counted.
    const auto settings = apps_.at(app);
    if (!settings || !settings->subscription_count_events || pusher::is_presence(kind) ||
        kind == pusher::ChannelKind::ServerToUser) {
        return;
    }
    const auto elsewhere = cluster_->view().subscriptions(app_id(app), channel);
    const auto decision = table_.decide_count(app, channel, SteadyClock::now(),
                                              pusher::kSubscriptionCountThrottleAbove,
                                              pusher::kSubscriptionCountInterval, elsewhere);
    if (decision.send_now) {
        if (events_ != nullptr && decided_here) {
            events_->subscription_count(app, channel, decision.count);
        }
        deliver_on_this_node(app, channel, pusher::subscription_count(channel, decision.count));
    } else if (decision.deferred) {
        const std::lock_guard lock(counts_mutex_);
        pending_counts_.push_back(PendingCount{app, channel, decision.due, decided_here});
    } else if (decided_here && decision.count > 0) {
        // Merged into the update already deferred: it reports this change too.
        const std::lock_guard lock(counts_mutex_);
        for (auto& pending : pending_counts_) {
            if (pending.app == app && pending.channel == channel) {
                pending.webhook = true;
            }
        }
    } else if (decided_here && events_ != nullptr && elsewhere > 0) {
        // No subscriber left on this node: only the webhook remains (the others tell theirs).
        events_->subscription_count(app, channel, elsewhere);
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
            const auto elsewhere =
                    cluster_->view().subscriptions(app_id(pending.app), pending.channel);
            if (events_ != nullptr && pending.webhook) {
                events_->subscription_count(pending.app, pending.channel, *count + elsewhere);
            }
            deliver_on_this_node(pending.app, pending.channel,
                                 pusher::subscription_count(pending.channel, *count + elsewhere));
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
    const auto index = apps_.index_of(app);
    auto state = table_.state(index, name);
    const auto& view = cluster_->view();
    state.subscription_count += view.subscriptions(app.id, name);
    state.occupied = state.subscription_count > 0;
    if (pusher::is_presence(pusher::classify_channel(name))) {
        state.user_count = presence_users(app, name).size();
    }
    return state;
}

std::vector<ChannelSummary> Hub::channels(const App& app, std::string_view prefix) {
    auto all = table_.occupied(apps_.index_of(app), prefix);
    auto remote = cluster_->view().channels(app.id, prefix);
    if (!remote.empty()) {
        struct Merged {
            std::set<std::string> users;
            std::uint64_t subscriptions = 0;
        };

        std::map<std::string, Merged> merged;
        for (auto& channel : remote) {
            auto& m = merged[channel.name];
            m.users.insert(channel.users.begin(), channel.users.end());
            m.subscriptions += channel.subscriptions;
        }
        for (const auto& summary : all) {
            auto& m = merged[summary.name];
            const auto local = table_.members(apps_.index_of(app), summary.name);
            m.users.insert(local.begin(), local.end());
            m.subscriptions += summary.subscription_count;
        }
        all.clear();
        for (auto& [name, m] : merged) {
            all.push_back(ChannelSummary{name, m.users.size(), m.subscriptions});
        }
    }
    // §4.12: a user's delivery channel is not a channel of the app's.
    std::erase_if(all, [](const ChannelSummary& summary) {
        return summary.name.starts_with(pusher::kServerToUserPrefix);
    });
    return all;
}

std::vector<std::string> Hub::presence_users(const App& app, std::string_view channel) {
    auto local = table_.members(apps_.index_of(app), channel);
    const auto remote = cluster_->view().members(app.id, channel);
    if (remote.empty()) {
        return local;
    }
    std::set<std::string> all(local.begin(), local.end());
    for (const auto& member : remote) {
        all.insert(member.user_id);
    }
    return {all.begin(), all.end()};
}

void Hub::terminate_user(const App& app, std::string_view user_id) {
    terminate_on_this_node(apps_.index_of(app), user_id);
    cluster_->terminate_user(app.id, user_id);
}

void Hub::terminate_on_this_node(std::size_t app, std::string_view user_id) {
    for (const auto& ref : users_.connections(app, user_id)) {
        post_to(ref, [](Connection& connection) {
            connection.close(pusher::ErrorCode::ConnectionUnauthorized,
                             "Connection terminated by the application");
        });
    }
}

std::uint64_t Hub::subscriptions_on_this_node(std::size_t app, std::string_view channel) {
    return table_.state(app, channel).subscription_count;
}

std::optional<std::string> Hub::member_on_this_node(std::size_t app, std::string_view channel,
                                                    std::string_view user_id) {
    return table_.member_info(app, channel, user_id);
}

std::vector<pusher::Member> Hub::presence_roster(std::size_t app, const std::string& channel) {
    std::vector<pusher::Member> local;
    for (auto& id : table_.members(app, channel)) {
        if (auto info = table_.member_info(app, channel, id)) {
            local.push_back(pusher::Member{std::move(id), std::move(*info)});
        }
    }
    return roster(app, channel, std::move(local));
}

std::vector<ChannelTable::Snapshot> Hub::channels_on_this_node() {
    return table_.snapshot();
}

std::uint64_t Hub::occupied_channels(std::size_t app, ChannelType type) const noexcept {
    const auto n = occupied_[app * kChannelTypes + static_cast<std::size_t>(type)].load(
            std::memory_order_relaxed);
    return n > 0 ? static_cast<std::uint64_t>(n) : 0;
}

std::uint64_t Hub::events_published(std::size_t app, EventSource source) const noexcept {
    return published_.read(app * kEventSources + static_cast<std::size_t>(source));
}

std::uint64_t Hub::presence_members(std::size_t app) const noexcept {
    const auto n = members_[app].load(std::memory_order_relaxed);
    return n > 0 ? static_cast<std::uint64_t>(n) : 0;
}

}  // namespace herald::server
