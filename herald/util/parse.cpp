#include "herald/util/parse.h"

#include <algorithm>

namespace herald::util {
namespace {

int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

}  // namespace

std::optional<std::uint16_t> parse_port(std::string_view text) noexcept {
    return parse_integer<std::uint16_t>(text);
}

std::optional<Authority> split_authority(std::string_view text) noexcept {
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        Authority out{text.substr(1, close - 1), std::nullopt, true};
        const auto rest = text.substr(close + 1);
        if (rest.empty()) {
            return out;
        }
        if (!rest.starts_with(':')) {
            return std::nullopt;
        }
        out.port = rest.substr(1);
        return out;
    }
    if (std::count(text.begin(), text.end(), ':') != 1) {
        return Authority{text, std::nullopt, false};
    }
    const auto colon = text.find(':');
    return Authority{text.substr(0, colon), text.substr(colon + 1), false};
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    percent_decode_into(out, text, plus_is_space);
    return out;
}

void percent_decode_into(std::string& out, std::string_view text, bool plus_is_space) {
    out.clear();
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const int high = c == '%' && i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
        const int low = high >= 0 ? hex_digit(text[i + 2]) : -1;
        if (low >= 0) {
            out.push_back(static_cast<char>(high * 16 + low));
            i += 2;
        } else {
            out.push_back(plus_is_space && c == '+' ? ' ' : c);
        }
    }
}

}  // namespace herald::util
