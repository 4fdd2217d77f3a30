#include "herald/sdk/client.h"

#include <chrono>

#include "herald/pusher/channel.h"
#include "herald/pusher/limits.h"
#include "herald/sdk/client_state.h"
#include "herald/sdk/encryption.h"
#include "herald/util/base64.h"

namespace herald::sdk {

namespace {

constexpr std::size_t kMaxErrorBodyInMessage = 500;

std::int64_t now_seconds(const Options& options) {
    if (options.clock) {
        return options.clock();
    }
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration_cast<std::chrono::seconds>(now).count();
}

HttpSettings http_settings(const Options& options, const Endpoint& endpoint) {
    return {endpoint.base_url(),  options.timeout,    options.connect_timeout, options.proxy,
            options.proxy_tunnel, options.verify_tls, options.ca_file};
}

std::string describe_request(const SignedRequest& request) {
    return request.method + " " + request.path;
}

// "/apps/ID" + `path`, which must start with '/'.
std::string api_path(const Options& options, std::string_view path) {
    if (!path.starts_with('/')) {
        throw Error("API path '" + std::string(path) + "' must start with '/' (like /channels)");
    }
    return "/apps/" + options.app_id + std::string(path);
}

// §7.8: the sealed payload for `channel`; Node and PHP would encode a string data as a JSON string
// first, the Ruby gem and this SDK send the string itself (pusher-js delivers either).
std::string encrypt_for(const std::optional<std::string>& master_key, const std::string& channel,
                        std::string_view plaintext) {
    if (!master_key) {
        throw ConfigurationError("triggering on encrypted channel '" + channel +
                                 "' needs Options::encryption_master_key_base64");
    }
    return seal(derive_channel_key(channel, *master_key), plaintext);
}

}  // namespace

void Client::State::log(LogLevel level, const std::string& text) const {
    if (options.logger) {
        options.logger(level, text);
    }
}

Json interpret(const SignedRequest& request, const HttpResult& result) {
    const std::string what = describe_request(request);
    if (!result) {
        const auto& failure = result.error();
        throw NetworkError(
                what + ": " + (failure.timed_out ? "timed out: " : "no answer: ") + failure.reason,
                failure.timed_out);
    }
    const HttpAnswer& answer = *result;
    if (answer.status < 200 || answer.status > 299) {
        const std::string message = what + ": HTTP " + std::to_string(answer.status) + ": " +
                                    answer.body.substr(0, kMaxErrorBodyInMessage);
        if (answer.status == 401 || answer.status == 403) {
            throw AuthenticationError(answer.status, answer.body, message);
        }
        throw HttpError(answer.status, answer.body, message);
    }
    if (answer.body.find_first_not_of(" \t\r\n") == std::string::npos) {
        return Json::object();
    }
    try {
        return Json::parse(answer.body);
    } catch (const Error& e) {
        throw Error(what + ": the answer is " + e.what());
    }
}

Client::Client(Options options) {
    const Endpoint endpoint = resolve_endpoint(options);
    auto settings = http_settings(options, endpoint);
    state_ = std::make_unique<State>(std::move(options), endpoint, std::move(settings));
    if (!state_->options.encryption_master_key_base64.empty()) {
        state_->master_key = decode_master_key(state_->options.encryption_master_key_base64);
    }
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Client Client::from_url(std::string_view url) {
    return Client(Options::from_url(url));
}

Client Client::from_env() {
    return Client(Options::from_env());
}

const Options& Client::options() const noexcept {
    return state_->options;
}

const Endpoint& Client::endpoint() const noexcept {
    return state_->endpoint;
}

SignedRequest Client::signed_request(std::string_view method, std::string_view path,
                                     const QueryParams& params, std::string body) const {
    return sign_request(state_->options.key, state_->options.secret, method,
                        api_path(state_->options, path), params, std::move(body),
                        now_seconds(state_->options));
}

Json Client::send(SignedRequest request) {
    state_->log(LogLevel::Debug, describe_request(request));
    const HttpResult result = state_->sync.perform(request);
    try {
        Json answer = interpret(request, result);
        state_->log(LogLevel::Debug,
                    describe_request(request) + ": HTTP " + std::to_string(result->status));
        return answer;
    } catch (const Error& e) {
        state_->log(LogLevel::Warning, e.what());
        throw;
    }
}

SignedRequest Client::trigger_request(const Channels& targets, std::string_view event,
                                      const Data& data, const TriggerParams& params) const {
    const std::vector<std::string>& channels = targets.names();
    check_trigger_channels(channels);
    check_event_name(event);
    if (params.socket_id) {
        check_socket_id(*params.socket_id);
    }
    std::string encoded = data.encode();
    const bool encrypted = pusher::is_encrypted(pusher::classify_channel(channels.front()));
    if (encrypted && channels.size() == 1) {
        encoded = encrypt_for(state_->master_key, channels.front(), encoded);
    }
    for (const std::string& channel : channels) {
        if (pusher::is_encrypted(pusher::classify_channel(channel)) && channels.size() > 1) {
            throw Error("an encrypted channel (" + channel +
                        ") must be triggered alone: each has its own key");
        }
    }
    check_data_size(encoded, state_->options.max_event_data_bytes);
    return signed_request("POST", "/events", {}, trigger_body(channels, event, encoded, params));
}

Json Client::trigger(const Channels& channels, std::string_view event, const Data& data,
                     const TriggerParams& params) {
    return send(trigger_request(channels, event, data, params));
}

Json Client::trigger_batch(const std::vector<BatchEvent>& events) {
    if (events.empty() || events.size() > pusher::kMaxBatchEvents) {
        throw Error("a batch holds 1 to 10 events, not " + std::to_string(events.size()));
    }
    std::vector<EncodedBatchEvent> encoded;
    for (const BatchEvent& e : events) {
        check_channel_name(e.channel);
        check_event_name(e.name);
        if (e.socket_id) {
            check_socket_id(*e.socket_id);
        }
        std::string data = e.data.encode();
        if (pusher::is_encrypted(pusher::classify_channel(e.channel))) {
            data = encrypt_for(state_->master_key, e.channel, data);
        }
        check_data_size(data, state_->options.max_event_data_bytes);
        encoded.push_back({e.channel, e.name, std::move(data), e.socket_id, e.info});
    }
    return send(signed_request("POST", "/batch_events", {}, batch_body(encoded)));
}

Json Client::channel_info(std::string_view channel, const std::optional<std::string>& info) {
    check_channel_name(channel);
    QueryParams params;
    if (info) {
        params.push_back({"info", *info});
    }
    return get("/channels/" + encode_path_segment(channel), params);
}

Json Client::channel_users(std::string_view channel) {
    check_channel_name(channel);
    return get("/channels/" + encode_path_segment(channel) + "/users");
}

Json Client::channels(const ChannelsParams& params) {
    QueryParams query;
    if (params.filter_by_prefix) {
        query.push_back({"filter_by_prefix", *params.filter_by_prefix});
    }
    if (params.info) {
        query.push_back({"info", *params.info});
    }
    return get("/channels", query);
}

Json Client::get(std::string_view path, const QueryParams& params) {
    return send(signed_request("GET", path, params, {}));
}

Json Client::post(std::string_view path, const Json& body) {
    return send(signed_request("POST", path, {}, body.dump()));
}

Json Client::send_to_user(std::string_view user_id, std::string_view event, const Data& data) {
    check_user_id(user_id);
    return trigger(pusher::server_to_user_channel(user_id), event, data);
}

Json Client::terminate_user_connections(std::string_view user_id) {
    check_user_id(user_id);
    return post("/users/" + encode_path_segment(user_id) + "/terminate_connections",
                Json::object());
}

ChannelAuth Client::authenticate(std::string_view channel, std::string_view socket_id) const {
    return authenticate_channel({state_->options.key, state_->options.secret, state_->master_key},
                                channel, socket_id, std::nullopt);
}

ChannelAuth Client::authenticate(std::string_view channel, std::string_view socket_id,
                                 const PresenceMember& member) const {
    return authenticate_channel({state_->options.key, state_->options.secret, state_->master_key},
                                channel, socket_id, member);
}

UserAuth Client::authenticate_user(std::string_view socket_id, const Json& user_data) const {
    return sdk::authenticate_user({state_->options.key, state_->options.secret, std::nullopt},
                                  socket_id, user_data);
}

std::string Client::channel_shared_secret(std::string_view channel) const {
    if (!state_->master_key) {
        throw ConfigurationError("shared secrets need Options::encryption_master_key_base64");
    }
    check_channel_name(channel);
    return util::base64_encode(derive_channel_key(channel, *state_->master_key));
}

Webhook Client::webhook(const Headers& headers, std::string body,
                        const std::vector<WebhookToken>& extra) const {
    std::vector<WebhookToken> tokens{{state_->options.key, state_->options.secret}};
    tokens.insert(tokens.end(), extra.begin(), extra.end());
    return {std::move(tokens), headers, std::move(body)};
}

Json ChannelRef::trigger(std::string_view event, const Data& data, const TriggerParams& params) {
    return client_.trigger(name_, event, data, params);
}

Json ChannelRef::info(std::optional<std::string> info) {
    return client_.channel_info(name_, info);
}

Json ChannelRef::users() {
    return client_.channel_users(name_);
}

}  // namespace herald::sdk
