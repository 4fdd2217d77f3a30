#include "herald/util/ascii.h"

#include <algorithm>

namespace herald::util {

char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(x) == ascii_lower(y);
           });
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    lower_in_place(out);
    return out;
}

void lower_in_place(std::string& s) noexcept {
    std::transform(s.begin(), s.end(), s.begin(), ascii_lower);
}

std::string_view trim(std::string_view s) noexcept {
    const auto is_ows = [](char c) {
        return c == ' ' || c == '\t';
    };
    while (!s.empty() && is_ows(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_ows(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

bool for_each_list_element(std::string_view list, const std::function<bool(std::string_view)>& fn) {
    while (!list.empty()) {
        const auto comma = list.find(',');
        const auto element = trim(list.substr(0, comma));
        if (!element.empty() && !fn(element)) {
            return false;
        }
        if (comma == std::string_view::npos) {
            break;
        }
        list.remove_prefix(comma + 1);
    }
    return true;
}

bool list_contains_token(std::string_view list, std::string_view token) {
    bool found = false;
    for_each_list_element(list, [&](std::string_view element) {
        found = iequals(element, token);
        return !found;
    });
    return found;
}

}  // namespace herald::util
