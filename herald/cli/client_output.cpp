#include "herald/cli/client_output.h"

#include <algorithm>
#include <vector>

namespace herald::cli {

namespace {

std::string cell(const sdk::Json& value) {
    if (value.is_null()) {
        return "-";
    }
    return value.is_string() ? value.as_string() : value.dump();
}

void pad_to(std::string& line, std::size_t width) {
    line.append(width > line.size() ? width - line.size() : 0, ' ');
}

}  // namespace

std::string channels_table(const sdk::Json& answer) {
    const sdk::Json& channels = answer["channels"];
    if (channels.size() == 0) {
        return "(no channels)\n";
    }
    std::vector<std::string> columns;
    for (const auto& [name, attrs] : channels.as_object()) {
        for (const auto& [attr, value] :
             attrs.is_object() ? attrs.as_object() : sdk::Json::Object{}) {
            if (std::find(columns.begin(), columns.end(), attr) == columns.end()) {
                columns.push_back(attr);
            }
        }
    }
    std::vector<std::vector<std::string>> rows{{"CHANNEL"}};
    for (const std::string& column : columns) {
        rows[0].push_back(column);
    }
    for (const auto& [name, attrs] : channels.as_object()) {
        rows.push_back({name});
        for (const std::string& column : columns) {
            rows.back().push_back(cell(attrs[column]));
        }
    }
    std::vector<std::size_t> widths(rows[0].size(), 0);
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], row[i].size());
        }
    }
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line.append(row[i]);
            if (i + 1 < row.size()) {
                pad_to(line, line.size() + widths[i] - row[i].size() + 2);
            }
        }
        out.append(line).append("\n");
    }
    return out;
}

std::string key_value_lines(const sdk::Json& object) {
    if (!object.is_object() || object.size() == 0) {
        return object.dump() + "\n";
    }
    std::size_t width = 0;
    for (const auto& [key, value] : object.as_object()) {
        width = std::max(width, key.size());
    }
    std::string out;
    for (const auto& [key, value] : object.as_object()) {
        std::string line = key;
        pad_to(line, width + 2);
        out.append(line).append(cell(value)).append("\n");
    }
    return out;
}

std::string user_lines(const sdk::Json& answer) {
    const sdk::Json& users = answer["users"];
    if (users.size() == 0) {
        return "(no users)\n";
    }
    std::string out;
    for (const sdk::Json& user : users.as_array()) {
        out.append(cell(user["id"])).append("\n");
    }
    return out;
}

}  // namespace herald::cli
