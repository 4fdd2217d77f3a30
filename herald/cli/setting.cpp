#include "herald/cli/setting.h"

#include <algorithm>
#include <type_traits>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "herald/cli/config_values.h"

namespace herald::cli {

namespace {

// "-v,--verbose,!--no-verbose" as "`-v`, `--verbose`, `--no-verbose`".
std::string shown_flags(std::string_view flags) {
    std::string out;
    while (!flags.empty()) {
        const auto comma = flags.find(',');
        auto name = flags.substr(0, comma);
        flags = comma == std::string_view::npos ? std::string_view{} : flags.substr(comma + 1);
        if (name.starts_with('!')) {
            name.remove_prefix(1);
        }
        out += fmt::format("{}`{}`", out.empty() ? "" : ", ", name);
    }
    return out;
}

std::string or_dash(std::string_view text) {
    return text.empty() ? "—" : std::string(text);
}

// A value as help and the reference spell it: "6001", "true", "120" (seconds), "a, b".
std::string plain(const Value& value) {
    return std::visit(
            [](const auto& v) -> std::string {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::string>) {
                    return v;
                } else if constexpr (std::is_same_v<T, bool>) {
                    return v ? "true" : "false";
                } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                    return fmt::format("{}", fmt::join(v, ", "));
                } else if constexpr (std::is_integral_v<T>) {
                    return std::to_string(v);
                } else {
                    return std::to_string(v.count());  // the unit is the type's (kSeconds, ...)
                }
            },
            value);
}

// The reference's default column.
std::string shown_default(const Setting& setting) {
    if (!setting.default_text.empty()) {
        return std::string(setting.default_text);
    }
    const auto value = default_value(setting);
    if (!value) {
        return "unset";
    }
    if (const auto* list = std::get_if<std::vector<std::string>>(&*value)) {
        return list->empty() ? "none" : fmt::format("`{}`", fmt::join(*list, "`, `"));
    }
    const auto text = plain(*value);
    return text.empty() ? "`\"\"`" : fmt::format("`{}`", text);
}

}  // namespace

const server::App& running_app(const server::ServerConfig& config) {
    static const server::App kDevelopment = server::development_app();
    return config.apps.empty() ? kDevelopment : config.apps.front();
}

std::optional<Value> default_value(const Setting& setting) {
    if (setting.field.load == nullptr) {
        return std::nullopt;
    }
    return setting.field.load(server::ServerConfig{});
}

std::string help_text(const Setting& setting) {
    const auto kind = setting.type->kind;
    const auto value = default_value(setting);
    if (!value || kind == Kind::Switch || kind == Kind::List) {
        return std::string(setting.help);
    }
    const auto text = plain(*value);
    return text.empty() ? std::string(setting.help)
                        : fmt::format("{} (default {})", setting.help, text);
}

const Setting* find_setting(std::span<const Setting> table, std::string_view name) {
    const auto it = std::find_if(table.begin(), table.end(),
                                 [name](const Setting& s) { return s.name == name; });
    return it == table.end() ? nullptr : &*it;
}

std::string flag_label(std::string_view flags) {
    std::size_t at = 0;
    while ((at = flags.find("--", at)) != std::string_view::npos) {
        if (at == 0 || flags[at - 1] == ',') {
            return std::string(flags.substr(at, flags.find(',', at) - at));
        }
        at += 2;
    }
    return std::string(flags.substr(0, flags.find(',')));
}

std::string checked(const Setting& setting, std::string_view text, std::string_view origin) {
    return setting.check != nullptr ? setting.check(text, origin) : std::string(text);
}

Value in_range(const Type& type, std::int64_t value, std::string_view origin,
               std::string_view shown) {
    return type.make(check_range(value, type.minimum, type.maximum, origin, shown, type.expected));
}

Value parse_text(const Setting& setting, std::string_view text, std::string_view origin) {
    switch (setting.type->kind) {
        case Kind::Text:
            return checked(setting, text, origin);
        case Kind::Integer:
            return setting.type->make(parse_in_range(text, setting.type->minimum,
                                                     setting.type->maximum, origin,
                                                     setting.type->expected));
        case Kind::Switch:
            return parse_bool(text, origin);
        case Kind::List:
            return std::vector<std::string>{checked(setting, text, origin)};
    }
    return {};
}

Value parse_texts(const Setting& setting, std::span<const std::string> texts,
                  std::string_view origin) {
    if (setting.type->kind != Kind::List) {
        return parse_text(setting, texts.back(), origin);
    }
    std::vector<std::string> values;
    for (const auto& text : texts) {
        values.push_back(checked(setting, text, origin));
    }
    return values;
}

std::string reference_table(std::span<const Setting> table) {
    std::string out =
            "| setting | type | default | variable | flags | meaning |\n"
            "|---|---|---|---|---|---|\n";
    for (const auto& s : table) {
        const auto name = s.scope == Scope::File ? fmt::format("`{}`", s.name)
                                                 : fmt::format("`{}` (no file key)", s.name);
        out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", name, s.type->shown,
                           shown_default(s),
                           s.variable.empty() ? "—" : fmt::format("`{}`", s.variable),
                           or_dash(shown_flags(s.flags)), s.doc);
    }
    return out;
}

std::string value_text(const Value& value,
                       const std::function<std::string(std::string_view)>& text) {
    return std::visit(
            [&text](const auto& v) -> std::string {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::string>) {
                    return text(v);
                } else if constexpr (std::is_same_v<T, bool>) {
                    return v ? "true" : "false";
                } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                    std::string out = "[";
                    for (const auto& item : v) {
                        out += (out.size() > 1 ? ", " : "") + text(item);
                    }
                    return out + "]";
                } else if constexpr (std::is_integral_v<T>) {
                    return std::to_string(v);
                } else {
                    return std::to_string(v.count());
                }
            },
            value);
}

}  // namespace herald::cli
