#include "herald/appstore/sql_backend.h"

namespace herald::appstore {

DbResult<bool> SqlBackend::connect() {
    if (auto opened = open(); !opened) {
        return opened;
    }
    if (!columns_.empty()) {
        return true;
    }
    auto shape = run(select_columns(dialect_, options_.table), {});
    if (!shape) {
        return util::unexpected("table " + options_.table + ": " + std::move(shape).error());
    }
    columns_ = {shape.value().columns.begin(), shape.value().columns.end()};
    if (!columns_.contains("id") || !columns_.contains("key") || !columns_.contains("secret")) {
        columns_.clear();
        return util::unexpected("table " + options_.table +
                                " has no id, key and secret columns: is it an apps table?");
    }
    return true;
}

DbResult<std::optional<AppRow>> SqlBackend::find(server::AppLookup by, std::string_view value) {
    if (auto connected = connect(); !connected) {
        return util::unexpected(std::move(connected).error());
    }
    const auto* column = by == server::AppLookup::ByKey ? "key" : "id";
    auto reply = run(select_where(dialect_, options_.table, column), {std::string(value)});
    if (!reply) {
        return util::unexpected(std::move(reply).error());
    }
    auto& rows = reply.value().rows;
    if (rows.empty()) {
        return std::optional<AppRow>();
    }
    return std::optional<AppRow>(std::move(rows.front()));
}

DbResult<std::vector<AppRow>> SqlBackend::list() {
    if (auto connected = connect(); !connected) {
        return util::unexpected(std::move(connected).error());
    }
    auto reply = run(select_all(dialect_, options_.table), {});
    if (!reply) {
        return util::unexpected(std::move(reply).error());
    }
    return std::move(reply.value().rows);
}

DbResult<bool> SqlBackend::insert(const AppRow& row) {
    if (auto connected = connect(); !connected) {
        return connected;
    }
    const auto cells = cells_in(row, columns_);
    auto reply = run(insert_into(dialect_, options_.table, cells), cells.values);
    if (!reply) {
        return util::unexpected(std::move(reply).error());
    }
    return true;
}

DbResult<bool> SqlBackend::update(std::string_view id, const AppRow& row) {
    if (auto connected = connect(); !connected) {
        return connected;
    }
    const auto cells = cells_in(row, columns_);
    auto values = cells.values;
    values.emplace_back(std::string(id));
    auto reply = run(update_where_id(dialect_, options_.table, cells), values);
    if (!reply) {
        return util::unexpected(std::move(reply).error());
    }
    return reply.value().affected > 0;
}

DbResult<bool> SqlBackend::remove(std::string_view id) {
    if (auto connected = connect(); !connected) {
        return connected;
    }
    auto reply = run(delete_where_id(dialect_, options_.table), {std::string(id)});
    if (!reply) {
        return util::unexpected(std::move(reply).error());
    }
    return reply.value().affected > 0;
}

}  // namespace herald::appstore
