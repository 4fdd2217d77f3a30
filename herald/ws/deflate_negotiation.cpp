// Negotiation of permessage-deflate (RFC 7692 §5 and §7.1): parsing Sec-WebSocket-Extensions,
// validating each offer, answering as a server and checking the answer as a client.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/util/ascii.h"
#include "herald/ws/deflate.h"

namespace herald::ws {

namespace {

constexpr std::string_view kExtensionName = "permessage-deflate";

struct Param {
    std::string name;  // lower-cased: parameter names compare case-insensitively
    std::optional<std::string> value;
};

struct Extension {
    std::string name;
    std::vector<Param> params;
    bool malformed = false;
};

// The four parameters of one offer or answer, checked for range and repetition (RFC 7692 §7.1).
struct Terms {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    std::optional<int> server_max_window_bits;
    bool client_max_window_bits_present = false;
    std::optional<int> client_max_window_bits;  // a value is optional in an offer
};

// RFC 9110 §5.6.2 tchar.
bool is_tchar(char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) != 0 ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

// Splits on `separator` outside quoted strings (RFC 9110 §5.6.4); backslash escapes inside quotes.
std::vector<std::string_view> split_outside_quotes(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted && c == '\\') {
            ++i;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && c == separator) {
            parts.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    parts.push_back(text.substr(std::min(start, text.size())));
    return parts;
}

// A parameter value: a token, or a quoted string that must hold a token once unescaped
// (RFC 6455 §9.1).
std::optional<std::string> parse_value(std::string_view raw) {
    if (raw.empty() || raw.front() != '"') {
        return is_token(raw) ? std::optional<std::string>(raw) : std::nullopt;
    }
    if (raw.size() < 2 || raw.back() != '"') {
        return std::nullopt;
    }
    std::string value;
    const auto inner = raw.substr(1, raw.size() - 2);
    for (std::size_t i = 0; i < inner.size(); ++i) {
        if (inner[i] == '\\') {
            ++i;
            if (i == inner.size()) {
                return std::nullopt;
            }
        } else if (inner[i] == '"') {
            return std::nullopt;
        }
        value += inner[i];
    }
    return is_token(value) ? std::optional<std::string>(value) : std::nullopt;
}

std::optional<Param> parse_param(std::string_view text) {
    const auto eq = text.find('=');
    const auto name = util::trim(text.substr(0, eq));
    if (!is_token(name)) {
        return std::nullopt;
    }
    Param param{util::to_lower(name), std::nullopt};
    if (eq != std::string_view::npos) {
        param.value = parse_value(util::trim(text.substr(eq + 1)));
        if (!param.value) {
            return std::nullopt;
        }
    }
    return param;
}

Extension parse_extension(std::string_view element) {
    const auto parts = split_outside_quotes(element, ';');
    Extension extension;
    extension.name = std::string(util::trim(parts.front()));
    extension.malformed = !is_token(extension.name);
    for (std::size_t i = 1; i < parts.size() && !extension.malformed; ++i) {
        auto param = parse_param(parts[i]);
        extension.malformed = !param.has_value();
        if (param) {
            extension.params.push_back(std::move(*param));
        }
    }
    return extension;
}

// Every non-empty element of the comma-separated list (RFC 6455 §9.1), in order.
std::vector<Extension> parse_extensions(std::string_view header) {
    std::vector<Extension> extensions;
    for (const auto element : split_outside_quotes(header, ',')) {
        if (!util::trim(element).empty()) {
            extensions.push_back(parse_extension(element));
        }
    }
    return extensions;
}

// RFC 7692 §7.1.2: 1*DIGIT without leading zeros, from 8 to 15.
std::optional<int> parse_window_bits(std::string_view value) {
    if (value.empty() || value.size() > 2 || value.front() == '0' ||
        !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    int bits = 0;
    for (const char c : value) {
        bits = bits * 10 + (c - '0');
    }
    return (bits >= 8 && bits <= kMaxWindowBits) ? std::optional<int>(bits) : std::nullopt;
}

bool set_flag(const Param& param, bool& flag) {
    if (flag || param.value) {
        return false;  // given twice, or given a value it must not have (§7.1.1)
    }
    flag = true;
    return true;
}

bool apply_param(const Param& param, Terms& terms) {
    if (param.name == "server_no_context_takeover") {
        return set_flag(param, terms.server_no_context_takeover);
    }
    if (param.name == "client_no_context_takeover") {
        return set_flag(param, terms.client_no_context_takeover);
    }
    if (param.name == "server_max_window_bits") {
        if (terms.server_max_window_bits || !param.value) {
            return false;
        }
        terms.server_max_window_bits = parse_window_bits(*param.value);
        return terms.server_max_window_bits.has_value();
    }
    if (param.name == "client_max_window_bits") {
        if (terms.client_max_window_bits_present) {
            return false;
        }
        terms.client_max_window_bits_present = true;
        if (param.value) {
            terms.client_max_window_bits = parse_window_bits(*param.value);
            return terms.client_max_window_bits.has_value();
        }
        return true;
    }
    return false;  // an unknown parameter makes the whole offer or answer invalid
}

// The terms of a well-formed permessage-deflate element; nullopt when anything is wrong.
std::optional<Terms> read_terms(const Extension& extension) {
    if (extension.malformed || !util::iequals(extension.name, kExtensionName)) {
        return std::nullopt;
    }
    Terms terms;
    for (const auto& param : extension.params) {
        if (!apply_param(param, terms)) {
            return std::nullopt;
        }
    }
    return terms;
}

int clamp_window(int bits) {
    return std::clamp(bits, kMinWindowBits, kMaxWindowBits);
}

void append_param(std::string& out, std::string_view name,
                  std::optional<int> value = std::nullopt) {
    out += "; ";
    out += name;
    if (value) {
        out += '=';
        out += std::to_string(*value);
    }
}

// The answer to one valid offer, or nullopt when the options cannot satisfy it.
std::optional<DeflateAgreement> answer(const Terms& offer, const DeflateOptions& options) {
    // The server's own window: what the offer allows, and never 8 (zlib cannot deflate with it).
    const int server_bits = std::min(offer.server_max_window_bits.value_or(kMaxWindowBits),
                                     clamp_window(options.server_max_window_bits));
    if (server_bits < kMinWindowBits) {
        return std::nullopt;
    }
    DeflateAgreement agreement;
    auto& params = agreement.params;
    params.server_no_context_takeover =
            offer.server_no_context_takeover || options.server_no_context_takeover;
    params.client_no_context_takeover =
            offer.client_no_context_takeover || options.client_no_context_takeover;
    params.server_max_window_bits = server_bits;
    // §7.1.2.2: a client window limit may only be sent to a client that offered the parameter,
    // never above the value it offered, and our own limit never below 9 (zlib cannot deflate with
    // 8).
    params.client_max_window_bits =
            offer.client_max_window_bits_present
                    ? std::min(offer.client_max_window_bits.value_or(kMaxWindowBits),
                               clamp_window(options.client_max_window_bits))
                    : kMaxWindowBits;

    auto& out = agreement.response;
    out = kExtensionName;
    if (params.server_no_context_takeover) {
        append_param(out, "server_no_context_takeover");
    }
    if (params.client_no_context_takeover) {
        append_param(out, "client_no_context_takeover");
    }
    if (offer.server_max_window_bits || server_bits < kMaxWindowBits) {
        append_param(out, "server_max_window_bits", server_bits);
    }
    if (params.client_max_window_bits < kMaxWindowBits) {
        append_param(out, "client_max_window_bits", params.client_max_window_bits);
    }
    return agreement;
}

}  // namespace

std::optional<DeflateAgreement> negotiate_deflate(std::string_view offers,
                                                  const DeflateOptions& options) {
    if (!options.enabled) {
        return std::nullopt;
    }
    for (const auto& extension : parse_extensions(offers)) {
        if (const auto terms = read_terms(extension)) {
            if (auto agreement = answer(*terms, options)) {
                return agreement;
            }
        }
    }
    return std::nullopt;
}

std::string make_deflate_offer(const DeflateOptions& options) {
    std::string out(kExtensionName);
    if (options.server_no_context_takeover) {
        append_param(out, "server_no_context_takeover");
    }
    if (options.client_no_context_takeover) {
        append_param(out, "client_no_context_takeover");
    }
    const int server_bits = clamp_window(options.server_max_window_bits);
    if (server_bits < kMaxWindowBits) {
        append_param(out, "server_max_window_bits", server_bits);
    }
    // Always sent: it tells the server we can honour a client window limit (§7.1.2.2).
    const int client_bits = clamp_window(options.client_max_window_bits);
    append_param(out, "client_max_window_bits",
                 client_bits < kMaxWindowBits ? std::optional<int>(client_bits) : std::nullopt);
    return out;
}

std::optional<DeflateParams> accept_deflate_response(std::string_view response,
                                                     const DeflateOptions& offered) {
    const auto extensions = parse_extensions(response);
    if (extensions.size() != 1) {
        return std::nullopt;  // we offered one extension; anything else is not an answer to it
    }
    const auto terms = read_terms(extensions.front());
    if (!terms) {
        return std::nullopt;
    }
    const int asked_server_bits = clamp_window(offered.server_max_window_bits);
    const int offered_client_bits = clamp_window(offered.client_max_window_bits);
    const bool asked_server_window = asked_server_bits < kMaxWindowBits;
    // §7.1.1.1 and §7.1.2.1: what we asked of the server must be in its answer.
    if ((offered.server_no_context_takeover && !terms->server_no_context_takeover) ||
        (asked_server_window &&
         terms->server_max_window_bits.value_or(kMaxWindowBits) > asked_server_bits)) {
        return std::nullopt;
    }
    // §7.1.2.2: the answer must give our window a value, no larger than we offered, and one we can
    // deflate with.
    if (terms->client_max_window_bits_present &&
        (!terms->client_max_window_bits || *terms->client_max_window_bits > offered_client_bits ||
         *terms->client_max_window_bits < kMinWindowBits)) {
        return std::nullopt;
    }
    DeflateParams params;
    params.server_no_context_takeover = terms->server_no_context_takeover;
    params.client_no_context_takeover =
            terms->client_no_context_takeover || offered.client_no_context_takeover;
    params.server_max_window_bits = terms->server_max_window_bits.value_or(kMaxWindowBits);
    params.client_max_window_bits = terms->client_max_window_bits.value_or(offered_client_bits);
    return params;
}

}  // namespace herald::ws
