// herald/appstore/backend.h
//
// One connection to an app store's database, asked synchronously: by key or id, every row, and
// the writes of `herald apps`. A backend connects when first asked and again after a failure;
// every failure (unreachable, timed out, a statement refused) is an error value, never an
// exception or a crash. Values are passed as query parameters, never written into SQL.
// Owner: one thread at a time (the cache gives each of its threads a backend of its own).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/appstore/app_row.h"
#include "herald/server/app_source.h"
#include "herald/util/result.h"

namespace herald::appstore {

template <class T>
using DbResult = util::Result<T, std::string>;

class Backend {
public:
    virtual ~Backend() = default;

    // The row whose `key` (or `id`) is `value`; nullopt when there is none.
    [[nodiscard]] virtual DbResult<std::optional<AppRow>> find(server::AppLookup by,
                                                               std::string_view value) = 0;
    // Every row, by id.
    [[nodiscard]] virtual DbResult<std::vector<AppRow>> list() = 0;
    // Columns the table lacks are left out of the statement.
    [[nodiscard]] virtual DbResult<bool> insert(const AppRow& row) = 0;
    // false: no row has that id.
    [[nodiscard]] virtual DbResult<bool> update(std::string_view id, const AppRow& row) = 0;
    [[nodiscard]] virtual DbResult<bool> remove(std::string_view id) = 0;
};

using BackendFactory = std::function<std::unique_ptr<Backend>()>;

}  // namespace herald::appstore
