#include "herald/sdk/json.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <simdjson.h>

#include "herald/sdk/errors.h"
#include "herald/util/json_writer.h"

namespace herald::sdk {

namespace {

namespace dom = simdjson::dom;

const Json kNull;

[[noreturn]] void wrong_kind(std::string_view wanted) {
    throw Error("JSON value is not " + std::string(wanted));
}

Json from_element(dom::element element) {
    switch (element.type()) {
        case dom::element_type::ARRAY: {
            Json::Array items;
            for (dom::element item : dom::array(element)) {
                items.push_back(from_element(item));
            }
            return Json::from_array(std::move(items));
        }
        case dom::element_type::OBJECT: {
            Json::Object members;
            for (dom::key_value_pair member : dom::object(element)) {
                members.emplace_back(std::string(member.key), from_element(member.value));
            }
            return Json::from_object(std::move(members));
        }
        case dom::element_type::INT64:
            return Json(std::int64_t(element));
        case dom::element_type::UINT64:
            return Json(std::uint64_t(element));
        case dom::element_type::DOUBLE:
            return Json(double(element));
        case dom::element_type::STRING:
            return Json(std::string_view(element));
        case dom::element_type::BOOL:
            return Json(bool(element));
        case dom::element_type::NULL_VALUE:
            return Json();
    }
    return Json();
}

void write(util::JsonWriter& out, const Json& value);

void write_members(util::JsonWriter& out, const Json::Object& members) {
    out.begin_object();
    for (const auto& [key, member] : members) {
        out.key(key);
        write(out, member);
    }
    out.end_object();
}

void write(util::JsonWriter& out, const Json& value) {
    switch (value.kind()) {
        case Json::Kind::Null:
            out.null();
            return;
        case Json::Kind::Bool:
            out.boolean(value.as_bool());
            return;
        case Json::Kind::Int:
            out.number(value.as_int());
            return;
        case Json::Kind::Uint:
            out.number(value.as_uint());
            return;
        case Json::Kind::Double:
            out.number(value.as_double());
            return;
        case Json::Kind::String:
            out.string(value.as_string());
            return;
        case Json::Kind::Array:
            out.begin_array();
            for (const Json& item : value.as_array()) {
                write(out, item);
            }
            out.end_array();
            return;
        case Json::Kind::Object:
            write_members(out, value.as_object());
            return;
    }
}

}  // namespace

Json Json::object(std::initializer_list<Member> members) {
    Json json;
    json.value_ = Object{};
    for (const Member& member : members) {
        json.set(member.first, member.second);
    }
    return json;
}

Json Json::array(std::initializer_list<Json> items) {
    return from_array(Array(items));
}

Json Json::from_array(Array items) {
    Json json;
    json.value_ = std::move(items);
    return json;
}

Json Json::from_object(Object members) {
    Json json;
    json.value_ = Object{};
    for (Member& member : members) {
        json.set(std::move(member.first), std::move(member.second));
    }
    return json;
}

Json Json::parse(std::string_view text) {
    dom::parser parser;
    dom::element root;
    const simdjson::padded_string padded(text);
    if (const auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
        throw Error(std::string("not valid JSON: ") + simdjson::error_message(error));
    }
    return from_element(root);
}

bool Json::is_number() const noexcept {
    const Kind k = kind();
    return k == Kind::Int || k == Kind::Uint || k == Kind::Double;
}

bool Json::as_bool() const {
    if (const auto* b = std::get_if<bool>(&value_)) {
        return *b;
    }
    wrong_kind("a boolean");
}

std::int64_t Json::as_int() const {
    if (const auto* i = std::get_if<std::int64_t>(&value_)) {
        return *i;
    }
    if (const auto* u = std::get_if<std::uint64_t>(&value_)) {
        if (*u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return static_cast<std::int64_t>(*u);
        }
    }
    if (const auto* d = std::get_if<double>(&value_)) {
        if (std::trunc(*d) == *d && *d >= -0x1p63 && *d < 0x1p63) {
            return static_cast<std::int64_t>(*d);
        }
    }
    wrong_kind("an integer that fits 64 bits");
}

std::uint64_t Json::as_uint() const {
    if (const auto* u = std::get_if<std::uint64_t>(&value_)) {
        return *u;
    }
    if (const auto* i = std::get_if<std::int64_t>(&value_); i != nullptr && *i >= 0) {
        return static_cast<std::uint64_t>(*i);
    }
    wrong_kind("a non-negative integer");
}

double Json::as_double() const {
    if (const auto* d = std::get_if<double>(&value_)) {
        return *d;
    }
    if (const auto* i = std::get_if<std::int64_t>(&value_)) {
        return static_cast<double>(*i);
    }
    if (const auto* u = std::get_if<std::uint64_t>(&value_)) {
        return static_cast<double>(*u);
    }
    wrong_kind("a number");
}

const std::string& Json::as_string() const {
    if (const auto* s = std::get_if<std::string>(&value_)) {
        return *s;
    }
    wrong_kind("a string");
}

const Json::Array& Json::as_array() const {
    if (const auto* a = std::get_if<Array>(&value_)) {
        return *a;
    }
    wrong_kind("an array");
}

const Json::Object& Json::as_object() const {
    if (const auto* o = std::get_if<Object>(&value_)) {
        return *o;
    }
    wrong_kind("an object");
}

const Json* Json::find(std::string_view key) const noexcept {
    const auto* members = std::get_if<Object>(&value_);
    if (members == nullptr) {
        return nullptr;
    }
    const auto it = std::find_if(members->begin(), members->end(),
                                 [key](const Member& m) { return m.first == key; });
    return it == members->end() ? nullptr : &it->second;
}

const Json& Json::operator[](std::string_view key) const noexcept {
    const Json* member = find(key);
    return member == nullptr ? kNull : *member;
}

std::size_t Json::size() const noexcept {
    if (const auto* a = std::get_if<Array>(&value_)) {
        return a->size();
    }
    if (const auto* o = std::get_if<Object>(&value_)) {
        return o->size();
    }
    return 0;
}

Json& Json::set(std::string key, Json value) {
    if (is_null()) {
        value_ = Object{};
    }
    auto* object = std::get_if<Object>(&value_);
    if (object == nullptr) {
        wrong_kind("an object (set)");
    }
    auto& members = *object;
    const auto it = std::find_if(members.begin(), members.end(),
                                 [&key](const Member& m) { return m.first == key; });
    if (it != members.end()) {
        it->second = std::move(value);
    } else {
        members.emplace_back(std::move(key), std::move(value));
    }
    return *this;
}

Json& Json::push_back(Json value) {
    if (is_null()) {
        value_ = Array{};
    }
    auto* items = std::get_if<Array>(&value_);
    if (items == nullptr) {
        wrong_kind("an array (push_back)");
    }
    items->push_back(std::move(value));
    return *this;
}

std::string Json::dump() const {
    std::string out;
    dump_to(out);
    return out;
}

void Json::dump_to(std::string& out) const {
    util::JsonWriter writer;
    write(writer, *this);
    out.append(writer.str());
}

bool operator==(const Json& a, const Json& b) noexcept {
    if (a.is_number() && b.is_number() && a.kind() != b.kind()) {
        return a.as_double() == b.as_double();
    }
    return a.value_ == b.value_;
}

}  // namespace herald::sdk
