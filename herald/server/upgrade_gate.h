// herald/server/upgrade_gate.h
//
// The connection-time checks of protocol.md §2.3 that depend only on the upgrade request: the
// path ([prefix]/app/{key}), the app (known, enabled, TLS-only), the protocol version (§2.2) and
// the origin. Draining and the connection quota are checked when the connection opens.
// Owner: none (a pure function).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "herald/pusher/error_code.h"
#include "herald/server/app.h"
#include "herald/util/result.h"

namespace herald::server {

struct UpgradeRequest {
    std::string_view path;
    std::string_view query;  // after '?', still encoded
    std::optional<std::string_view> origin;
    bool tls = false;
};

struct GatePolicy {
    std::string_view path_prefix;  // e.g. "/ws"; empty for none
    bool strict_protocol = false;  // a missing ?protocol= is refused (4008)
};

// A refused upgrade: the pusher:error and close code, and why.
struct UpgradeRefusal {
    pusher::ErrorCode code = pusher::ErrorCode::NoCode;
    std::string message;
};

// The app the connection belongs to (never null), or why it is refused.
using GateVerdict = util::Result<AppPtr, UpgradeRefusal>;

[[nodiscard]] GateVerdict check_upgrade(const UpgradeRequest& request, const AppRegistry& apps,
                                        const GatePolicy& policy);

// The same checks for an app found by other means (an app store): `upgrade_app_key` reads the
// key of the path (nothing: 4004), and check_upgrade then judges `app` (null: 4001).
[[nodiscard]] std::optional<std::string> upgrade_app_key(const UpgradeRequest& request,
                                                         const GatePolicy& policy);
[[nodiscard]] GateVerdict check_upgrade(const UpgradeRequest& request, AppPtr app,
                                        const GatePolicy& policy);

}  // namespace herald::server
