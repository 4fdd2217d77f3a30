#include "herald/sdk/webhook.h"

#include "herald/pusher/auth.h"
#include "herald/sdk/errors.h"
#include "herald/util/ascii.h"
#include "herald/util/digest.h"

namespace herald::sdk {

namespace {

std::string header(const Headers& headers, std::string_view name) {
    for (const auto& [key, value] : headers) {
        if (util::iequals(key, name)) {
            return std::string(util::trim(value));
        }
    }
    return {};
}

// The media type without parameters, lower-cased: "application/json; charset=utf-8" passes.
std::string media_type(std::string_view content_type) {
    return util::to_lower(util::trim(content_type.substr(0, content_type.find(';'))));
}

std::string string_field(const Json& event, std::string_view key) {
    const Json* value = event.find(key);
    if (value == nullptr || value->is_null()) {
        return {};
    }
    return value->is_string() ? value->as_string() : value->dump();
}

}  // namespace

std::string webhook_signature(std::string_view secret, std::string_view body) {
    return pusher::sign(secret, body);
}

Webhook::Webhook(std::vector<WebhookToken> tokens, const Headers& headers, std::string body)
    : tokens_(std::move(tokens)),
      key_(header(headers, "X-Pusher-Key")),
      signature_(header(headers, "X-Pusher-Signature")),
      content_type_(header(headers, "Content-Type")),
      body_(std::move(body)) {
    try {
        data_ = Json::parse(body_);
        const Json* events = data_.find("events");
        body_ok_ = data_.is_object() && events != nullptr && events->is_array() &&
                   data_["time_ms"].is_number();
    } catch (const Error&) {
        body_ok_ = false;
    }
}

std::string Webhook::problem() const {
    if (key_.empty()) {
        return "no X-Pusher-Key header";
    }
    if (signature_.empty()) {
        return "no X-Pusher-Signature header";
    }
    const WebhookToken* match = nullptr;
    for (const WebhookToken& t : tokens_) {
        match = match == nullptr && !t.key.empty() && key_ == t.key ? &t : match;
    }
    if (match == nullptr) {
        return "X-Pusher-Key is not this app's key";
    }
    if (!util::constant_time_equals(webhook_signature(match->secret, body_), signature_)) {
        return "X-Pusher-Signature does not match the body";
    }
    if (media_type(content_type_) != "application/json") {
        return "Content-Type is not application/json";
    }
    if (!body_ok_) {
        return "the body is not a JSON object with time_ms and an events array";
    }
    return {};
}

void Webhook::require_valid() const {
    if (const std::string why = problem(); !why.empty()) {
        throw Error("invalid webhook: " + why);
    }
}

std::vector<WebhookEvent> Webhook::events() const {
    require_valid();
    std::vector<WebhookEvent> out;
    for (const Json& event : data_["events"].as_array()) {
        out.push_back({string_field(event, "name"), string_field(event, "channel"),
                       string_field(event, "event"), string_field(event, "data"),
                       string_field(event, "socket_id"), string_field(event, "user_id"), event});
    }
    return out;
}

std::int64_t Webhook::time_ms() const {
    require_valid();
    return data_["time_ms"].as_int();
}

}  // namespace herald::sdk
