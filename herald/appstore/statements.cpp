#include "herald/appstore/statements.h"

namespace herald::appstore {

namespace {

std::string parameter(Dialect d, std::size_t number) {
    return d.numbered ? "$" + std::to_string(number) : std::string("?");
}

}  // namespace

Cells cells_in(const AppRow& row, const std::set<std::string, std::less<>>& columns) {
    Cells cells;
    for (const auto& [column, value] : row) {
        if (columns.contains(column)) {
            cells.columns.push_back(column);
            cells.values.push_back(value);
        }
    }
    return cells;
}

std::string quoted(Dialect d, std::string_view name) {
    // A schema-qualified name is quoted part by part: "herald"."apps".
    std::string out(1, d.quote);
    for (const char c : name) {
        if (c == '.') {
            out += d.quote;
            out += '.';
            out += d.quote;
        } else {
            out += c;
        }
    }
    out += d.quote;
    return out;
}

std::string select_columns(Dialect d, std::string_view table) {
    return "SELECT * FROM " + quoted(d, table) + " LIMIT 0";
}

std::string select_where(Dialect d, std::string_view table, std::string_view column) {
    return "SELECT * FROM " + quoted(d, table) + " WHERE " + quoted(d, column) + " = " +
           parameter(d, 1) + " LIMIT 1";
}

std::string select_all(Dialect d, std::string_view table) {
    return "SELECT * FROM " + quoted(d, table) + " ORDER BY " + quoted(d, "id");
}

std::string insert_into(Dialect d, std::string_view table, const Cells& cells) {
    std::string names;
    std::string values;
    for (std::size_t i = 0; i < cells.columns.size(); ++i) {
        names += (i == 0 ? "" : ", ") + quoted(d, cells.columns[i]);
        values += (i == 0 ? "" : ", ") + parameter(d, i + 1);
    }
    return "INSERT INTO " + quoted(d, table) + " (" + names + ") VALUES (" + values + ")";
}

std::string update_where_id(Dialect d, std::string_view table, const Cells& cells) {
    std::string sets;
    for (std::size_t i = 0; i < cells.columns.size(); ++i) {
        sets += (i == 0 ? "" : ", ") + quoted(d, cells.columns[i]) + " = " + parameter(d, i + 1);
    }
    return "UPDATE " + quoted(d, table) + " SET " + sets + " WHERE " + quoted(d, "id") + " = " +
           parameter(d, cells.columns.size() + 1);
}

std::string delete_where_id(Dialect d, std::string_view table) {
    return "DELETE FROM " + quoted(d, table) + " WHERE " + quoted(d, "id") + " = " +
           parameter(d, 1);
}

}  // namespace herald::appstore
