#include "herald/server/rest_reply.h"

#include <algorithm>
#include <utility>

#include "herald/util/json_writer.h"

namespace herald::server {

namespace {

// §8.4: user_count only where it applies (presence); subscription_count for every kind (§14
// D13).
bool wants_state(const InfoRequest& info, pusher::ChannelKind kind) {
    return (info.user_count && pusher::is_presence(kind)) || info.subscription_count;
}

void write_counts(util::JsonWriter& out, const ChannelState& state, pusher::ChannelKind kind,
                  const InfoRequest& info) {
    if (info.user_count && pusher::is_presence(kind)) {
        out.key("user_count").number(state.user_count);
    }
    if (info.subscription_count) {
        out.key("subscription_count").number(state.subscription_count);
    }
}

// The attributes of one channel as an object; the service is asked only when one applies.
void write_attributes(util::JsonWriter& out, ChannelService& service, const App& app,
                      const std::string& channel, const InfoRequest& info) {
    const auto kind = pusher::classify_channel(channel);
    out.begin_object();
    if (wants_state(info, kind)) {
        write_counts(out, service.channel(app, channel), kind, info);
    }
    out.end_object();
}

}  // namespace

http::Response json_reply(std::string json) {
    http::Response response;
    response.fields.add("Content-Type", "application/json");
    response.body = std::move(json);
    return response;
}

http::Response error_reply(const RestError& error) {
    http::Response response;
    response.status = error.status;
    response.fields.add("Content-Type", "text/plain; charset=utf-8");
    response.body = error.message + "\n";
    return response;
}

std::string trigger_body(ChannelService& service, const App& app, const Trigger& trigger) {
    if (!trigger.info) {
        return "{}";
    }
    util::JsonWriter out;
    out.begin_object().key("channels").begin_object();
    for (const auto& channel : trigger.channels) {
        out.key(channel);
        write_attributes(out, service, app, channel, *trigger.info);
    }
    out.end_object().end_object();
    return out.take();
}

std::string batch_body(ChannelService& service, const App& app,
                       const std::vector<Trigger>& triggers) {
    const bool any_info = std::any_of(triggers.begin(), triggers.end(),
                                      [](const Trigger& t) { return t.info.has_value(); });
    if (!any_info) {
        return "{}";
    }
    util::JsonWriter out;
    out.begin_object().key("batch").begin_array();
    for (const auto& trigger : triggers) {
        // A batch item has exactly one channel (§8.5).
        write_attributes(out, service, app, trigger.channels.front(),
                         trigger.info.value_or(InfoRequest{}));
    }
    out.end_array().end_object();
    return out.take();
}

std::string channels_body(const std::vector<ChannelSummary>& channels, const InfoRequest& info) {
    util::JsonWriter out;
    out.begin_object().key("channels").begin_object();
    for (const auto& summary : channels) {
        // §4.12: a user's delivery channel is never listed.
        if (summary.name.starts_with(pusher::kServerToUserPrefix)) {
            continue;
        }
        const auto kind = pusher::classify_channel(summary.name);
        out.key(summary.name).begin_object();
        if (info.user_count && pusher::is_presence(kind)) {
            out.key("user_count").number(summary.user_count);
        }
        if (info.subscription_count) {
            out.key("subscription_count").number(summary.subscription_count);
        }
        out.end_object();
    }
    out.end_object().end_object();
    return out.take();
}

std::string channel_body(const ChannelState& state, pusher::ChannelKind kind,
                         const InfoRequest& info) {
    util::JsonWriter out;
    out.begin_object().key("occupied").boolean(state.occupied);
    write_counts(out, state, kind, info);
    // §8.7, §14 D18: the cached event's data and remaining life, plus its name.
    if (info.cache && pusher::is_cache(kind) && state.cache) {
        out.key("cache").begin_object();
        out.key("event").string(state.cache->event);
        out.key("data").string(state.cache->data);
        out.key("ttl").number(state.cache_ttl_seconds);
        out.end_object();
    }
    out.end_object();
    return out.take();
}

std::string users_body(const std::vector<std::string>& user_ids) {
    util::JsonWriter out;
    out.begin_object().key("users").begin_array();
    for (const auto& id : user_ids) {
        out.begin_object().key("id").string(id).end_object();
    }
    out.end_array().end_object();
    return out.take();
}

}  // namespace herald::server
