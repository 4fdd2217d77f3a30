// herald/sdk/json.h
//
// A small JSON value for the SDK's inputs and results: event data, presence user_info, sign-in
// user_data, API responses and webhook events. Objects keep their members in insertion order, so
// `dump()` writes them in the order given, compactly, exactly as JavaScript's JSON.stringify does:
// the bytes the SDK signs and sends match the official Node SDK's for the same value.
// Owner: a value type; share between threads only for reading.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace herald::sdk {

class Json {
public:
    using Array = std::vector<Json>;
    using Member = std::pair<std::string, Json>;
    using Object = std::vector<Member>;  // insertion order, no duplicate keys

    enum class Kind : std::uint8_t {
        Null,
        Bool,
        Int,
        Uint,
        Double,
        String,
        Array,
        Object
    };

    Json() noexcept = default;  // null

    Json(std::nullptr_t) noexcept {}  // NOLINT(google-explicit-constructor): JSON literals

    Json(bool value) noexcept : value_(value) {}  // NOLINT(google-explicit-constructor)

    template <std::integral T>
    requires(!std::same_as<T, bool>) Json(T value)
    noexcept {  // NOLINT(google-explicit-constructor)
        if constexpr (std::signed_integral<T>) {
            value_ = static_cast<std::int64_t>(value);
        } else {
            value_ = static_cast<std::uint64_t>(value);
        }
    }

    Json(double value) noexcept : value_(value) {}  // NOLINT(google-explicit-constructor)

    Json(const char* text) : value_(std::string(text)) {}  // NOLINT(google-explicit-constructor)

    Json(std::string text) noexcept : value_(std::move(text)) {}  // NOLINT

    Json(std::string_view text)
        : value_(std::string(text)) {}  // NOLINT(google-explicit-constructor)

    // {"a": 1, "b": [true, null]} is Json::object({{"a", 1}, {"b", Json::array({true, nullptr})}}).
    // A repeated key keeps its first position and its last value.
    [[nodiscard]] static Json object(std::initializer_list<Member> members = {});
    [[nodiscard]] static Json array(std::initializer_list<Json> items = {});
    [[nodiscard]] static Json from_array(Array items);
    [[nodiscard]] static Json from_object(Object members);

    // Parses JSON text (RFC 8259). Throws sdk::Error naming the problem when `text` is not JSON.
    [[nodiscard]] static Json parse(std::string_view text);

    [[nodiscard]] Kind kind() const noexcept { return static_cast<Kind>(value_.index()); }

    [[nodiscard]] bool is_null() const noexcept { return kind() == Kind::Null; }

    [[nodiscard]] bool is_string() const noexcept { return kind() == Kind::String; }

    [[nodiscard]] bool is_object() const noexcept { return kind() == Kind::Object; }

    [[nodiscard]] bool is_array() const noexcept { return kind() == Kind::Array; }

    [[nodiscard]] bool is_number() const noexcept;

    // Typed access; each throws sdk::Error when the value is of another kind (as_int also when a
    // number does not fit an int64 exactly).
    [[nodiscard]] bool as_bool() const;
    [[nodiscard]] std::int64_t as_int() const;
    [[nodiscard]] std::uint64_t as_uint() const;
    [[nodiscard]] double as_double() const;
    [[nodiscard]] const std::string& as_string() const;
    [[nodiscard]] const Array& as_array() const;
    [[nodiscard]] const Object& as_object() const;

    // The member `key` of an object, or nullptr (also for non-objects).
    [[nodiscard]] const Json* find(std::string_view key) const noexcept;

    // The member `key`, or a null value when absent: chains safely, as in r["channels"]["x"].
    [[nodiscard]] const Json& operator[](std::string_view key) const noexcept;

    // Object members or array items; 0 for anything else.
    [[nodiscard]] std::size_t size() const noexcept;

    // Sets member `key` of an object (a null value becomes an empty object first); throws
    // sdk::Error on other kinds. push_back likewise for arrays.
    Json& set(std::string key, Json value);

    Json& push_back(Json value);

    // Compact JSON text, members in insertion order; non-finite doubles become null.
    [[nodiscard]] std::string dump() const;
    void dump_to(std::string& out) const;

    friend bool operator==(const Json& a, const Json& b) noexcept;

private:
    std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double, std::string, Array,
                 Object>
            value_;
};

}  // namespace herald::sdk
