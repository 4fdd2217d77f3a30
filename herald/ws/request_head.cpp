// herald/ws/request_head.cpp
#include "herald/ws/request_head.h"

#include <algorithm>

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

RequestHead::RequestHead(std::string_view target) : packed_(target) {
    packed_.push_back('\0');
}

RequestHead::RequestHead(const http::Request& request, const std::vector<std::string>* kept) {
    const auto keep = [kept](const http::Field& field) {
        return kept == nullptr || std::any_of(kept->begin(), kept->end(), [&](const auto& name) {
                   return util::iequals(name, field.name);
               });
    };
    std::size_t size = request.target.size() + 1;
    for (const auto& field : request.fields.all()) {
        size += keep(field) ? field.name.size() + field.value.size() + 2 : 0;
    }
    packed_.reserve(size);
    packed_.append(request.target).append(1, '\0');
    for (const auto& field : request.fields.all()) {
        if (keep(field)) {
            packed_.append(field.name).append(1, '\0').append(field.value).append(1, '\0');
        }
    }
}

std::string_view RequestHead::target() const noexcept {
    const std::string_view packed = packed_;
    return packed.substr(0, packed.find('\0'));  // npos when default-constructed: empty
}

std::string_view RequestHead::packed_fields() const noexcept {
    const std::string_view packed = packed_;
    const std::size_t end = packed.find('\0');
    return end == std::string_view::npos ? std::string_view() : packed.substr(end + 1);
}

std::string_view RequestHead::path() const noexcept {
    const std::string_view target = this->target();
    return target.substr(0, target.find('?'));
}

std::optional<std::string_view> RequestHead::header(std::string_view name) const {
    std::optional<std::string_view> found;
    for_each_packed(packed_fields(), [&](std::string_view n, std::string_view value) {
        if (util::iequals(n, name)) {
            found = value;
        }
        return found.has_value();
    });
    return found;
}

http::Fields RequestHead::headers() const {
    http::Fields fields;
    for_each_packed(packed_fields(), [&](std::string_view name, std::string_view value) {
        fields.add(std::string(name), std::string(value));
        return false;
    });
    return fields;
}

}  // namespace herald::ws
