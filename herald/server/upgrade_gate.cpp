#include "herald/server/upgrade_gate.h"

#include <algorithm>

#include "herald/pusher/limits.h"
#include "herald/pusher/rest_signature.h"
#include "herald/util/parse.h"

namespace herald::server {

namespace {

using pusher::ErrorCode;

util::unexpected<UpgradeRefusal> refuse(ErrorCode code, std::string message) {
    return util::unexpected(UpgradeRefusal{code, std::move(message)});
}

// The app key of "[prefix]/app/{key}", or nullopt for any other path.
std::optional<std::string> app_key(std::string_view path, std::string_view prefix) {
    if (!path.starts_with(prefix)) {
        return std::nullopt;
    }
    path.remove_prefix(prefix.size());
    constexpr std::string_view kApp = "/app/";
    if (!path.starts_with(kApp)) {
        return std::nullopt;
    }
    path.remove_prefix(kApp.size());
    if (path.ends_with('/')) {
        path.remove_suffix(1);
    }
    if (path.empty() || path.find('/') != std::string_view::npos) {
        return std::nullopt;
    }
    return util::percent_decode(path);
}

std::optional<util::unexpected<UpgradeRefusal>> check_protocol(std::string_view query,
                                                               bool strict) {
    const auto params = pusher::parse_query(query);
    const auto it = std::find_if(params.begin(), params.end(),
                                 [](const pusher::QueryParam& p) { return p.key == "protocol"; });
    if (it == params.end()) {
        if (strict) {
            return refuse(ErrorCode::NoProtocolVersionSupplied, "No protocol version supplied");
        }
        return std::nullopt;  // lenient: speak 7 (§2.2)
    }
    const auto& text = it->value;
    const auto version = util::parse_integer<int>(text);
    if (!version || *version < pusher::kMinProtocolVersion ||
        *version > pusher::kMaxProtocolVersion) {
        return refuse(ErrorCode::UnsupportedProtocolVersion,
                      "Unsupported protocol version '" + text +
                              "' (supported: " + std::to_string(pusher::kMinProtocolVersion) +
                              " to " + std::to_string(pusher::kMaxProtocolVersion) + ")");
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> upgrade_app_key(const UpgradeRequest& request,
                                           const GatePolicy& policy) {
    return app_key(request.path, policy.path_prefix);
}

GateVerdict check_upgrade(const UpgradeRequest& request, const AppRegistry& apps,
                          const GatePolicy& policy) {
    const auto key = app_key(request.path, policy.path_prefix);
    if (!key) {
        return refuse(ErrorCode::PathNotFound, "Path not found");
    }
    return check_upgrade(request, apps.by_key(*key), policy);
}

GateVerdict check_upgrade(const UpgradeRequest& request, AppPtr app, const GatePolicy& policy) {
    if (app == nullptr) {
        return refuse(ErrorCode::ApplicationDoesNotExist, "Application does not exist");
    }
    if (!app->enabled) {
        return refuse(ErrorCode::ApplicationDisabled, "Application disabled");
    }
    if (app->tls_only && !request.tls) {
        return refuse(ErrorCode::SslOnly,
                      "Application only accepts SSL connections, reconnect using wss://");
    }
    if (auto refused = check_protocol(request.query, policy.strict_protocol)) {
        return std::move(*refused);
    }
    if (!app->allowed_origins.empty()) {
        const auto origin = request.origin.value_or("");
        const bool allowed =
                std::any_of(app->allowed_origins.begin(), app->allowed_origins.end(),
                            [&](const std::string& o) { return o == "*" || o == origin; });
        if (!allowed) {
            return refuse(ErrorCode::ConnectionUnauthorized, "Origin not allowed");
        }
    }
    return GateVerdict(std::move(app));
}

}  // namespace herald::server
