// herald/cli/app_store.h
//
// The app store of the settings ([app_store]), for `herald serve` (behind its cache) and for
// `herald apps` (one backend, asked directly).
// Owner: none (functions).
#pragma once

#include <memory>
#include <string>

#include "herald/appstore/app_cache.h"
#include "herald/appstore/backend.h"
#include "herald/server/config.h"

namespace herald::cli {

// "postgresql://herald:***@db/herald, table apps": the store without its password.
[[nodiscard]] std::string describe_store(const server::AppStoreSettings& settings);

// Throws std::runtime_error when the URL or the table name is wrong (nothing connects yet).
[[nodiscard]] std::shared_ptr<appstore::AppCache> open_app_store(
        const server::AppStoreSettings& settings);
[[nodiscard]] std::unique_ptr<appstore::Backend> open_backend(
        const server::AppStoreSettings& settings);

}  // namespace herald::cli
