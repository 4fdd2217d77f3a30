// herald/server/rest_reply.h
//
// The REST API's answers (protocol.md §8.3): JSON success bodies for triggers, batches, channel
// listings, channel info and presence users, with the channel attributes an `info` list asks
// for; and the text/plain error answers. Reads channel state through ChannelService.
// Owner: none (functions; the service is thread-safe).
#pragma once

#include <string>
#include <vector>

#include "herald/http/message.h"
#include "herald/pusher/channel.h"
#include "herald/server/channel_service.h"
#include "herald/server/rest_body.h"

namespace herald::server {

// 200 with Content-Type application/json.
[[nodiscard]] http::Response json_reply(std::string json);

// The error's status with its message as text/plain (the connection stays open).
[[nodiscard]] http::Response error_reply(const RestError& error);

// §8.4: {} or, when `info` was given, {"channels":{name:{attributes}}} per unique channel.
[[nodiscard]] std::string trigger_body(ChannelService& service, const App& app,
                                       const Trigger& trigger);

// §8.5: {} or, when any item had `info`, {"batch":[{attributes of item i}, ...]}.
[[nodiscard]] std::string batch_body(ChannelService& service, const App& app,
                                     const std::vector<Trigger>& triggers);

// §8.6: {"channels":{name:{user_count?, subscription_count?}}}, #server-to-user- left out.
[[nodiscard]] std::string channels_body(const std::vector<ChannelSummary>& channels,
                                        const InfoRequest& info);

// §8.7: {"occupied":bool, user_count?, subscription_count?, cache?}.
[[nodiscard]] std::string channel_body(const ChannelState& state, pusher::ChannelKind kind,
                                       const InfoRequest& info);

// §8.8: {"users":[{"id":"..."}, ...]}.
[[nodiscard]] std::string users_body(const std::vector<std::string>& user_ids);

}  // namespace herald::server
