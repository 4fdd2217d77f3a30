// herald/appstore/app_row.h
//
// One row of the apps table, as soketi defines it, and the App it describes. The columns are
// soketi's (id, key, secret, max_connections, enable_client_messages, enabled, the rate and size
// limits, webhooks as JSON text, enable_user_authentication); a column the table lacks, or a NULL,
// takes Herald's default, and -1 means "no limit" as in soketi. Herald's own settings may live in
// extra, optional columns (tls_only, subscription_count_events, allowed_origins).
// Owner: none (values and pure functions).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "herald/server/app.h"
#include "herald/util/result.h"

namespace herald::appstore {

// Column name -> its value as text (nullopt: SQL NULL), as both client libraries give it.
using AppRow = std::map<std::string, std::optional<std::string>, std::less<>>;

// The columns of soketi's table, in its order: what `herald apps` writes and docs/APP_STORE.md
// creates.
[[nodiscard]] std::span<const std::string_view> soketi_columns() noexcept;
// Herald's optional columns beyond soketi's.
[[nodiscard]] std::span<const std::string_view> herald_columns() noexcept;

// The app of a row, or what is wrong with it (a column that does not parse names itself). A
// webhook whose `headers` are not valid is left out of the app rather than refusing it; why is
// added to `skipped` when given, for the caller to log.
[[nodiscard]] util::Result<server::App, std::string> app_from_row(
        const AppRow& row, std::vector<std::string>* skipped = nullptr);

// The row of an app: every soketi column, and Herald's own columns (which the caller drops when
// its table lacks them). Limits at their default are written as NULL; no limit as -1.
[[nodiscard]] AppRow row_from_app(const server::App& app);

}  // namespace herald::appstore
