// herald/ws/request_head.cpp
#include "herald/ws/request_head.h"

#include "herald/util/ascii.h"

namespace herald::ws {
namespace {

// Calls fn(name, value) for each packed field until it returns true.
template <class Fn>
void for_each_packed(std::string_view packed, Fn&& fn) {
    while (!packed.empty()) {
        const std::size_t name_end = packed.find('\0');
        const std::size_t value_end = packed.find('\0', name_end + 1);
        if (fn(packed.substr(0, name_end), packed.substr(name_end + 1, value_end - name_end - 1))) {
            return;
        }
        packed.remove_prefix(value_end + 1);
    }
}

}  // namespace

RequestHead::RequestHead(const http::Request& request) : target_(request.target) {
    std::size_t size = 0;
    for (const auto& field : request.fields.all()) {
        size += field.name.size() + field.value.size() + 2;
    }
    packed_.reserve(size);
    for (const auto& field : request.fields.all()) {
        packed_.append(field.name).append(1, '\0').append(field.value).append(1, '\0');
    }
}

std::string_view RequestHead::path() const noexcept {
    const std::string_view target = target_;
    return target.substr(0, target.find('?'));
}

std::optional<std::string_view> RequestHead::header(std::string_view name) const {
    std::optional<std::string_view> found;
    for_each_packed(packed_, [&](std::string_view n, std::string_view value) {
        if (util::iequals(n, name)) {
            found = value;
        }
        return found.has_value();
    });
    return found;
}

http::Fields RequestHead::headers() const {
    http::Fields fields;
    for_each_packed(packed_, [&](std::string_view name, std::string_view value) {
        fields.add(std::string(name), std::string(value));
        return false;
    });
    return fields;
}

}  // namespace herald::ws
