// herald/util/json_writer.h
//
// Compact JSON text (RFC 8259) written forward into one string: objects, arrays, strings, numbers,
// booleans, null and pre-encoded values. No parsing, no DOM, no allocation beyond the output.
// Strings: `"` and `\` are escaped, control characters below 0x20 use the short escapes
// (\b \f \n \r \t) or \u00XX; everything else, DEL and non-ASCII included, is copied. Invalid UTF-8
// never reaches the output (RFC 8259 §8.1 requires UTF-8): each maximal ill-formed subsequence
// (Unicode §3.9, the rule WHATWG decoders follow) becomes one U+FFFD, so the writer's output is
// always valid JSON whatever bytes it is given. Non-finite doubles are written as null.
// Owner: none (one writer belongs to whoever builds one document).
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace herald::util {

// Appends `s` as a quoted, escaped JSON string.
void append_json_string(std::string& out, std::string_view s);

// `s` as a quoted, escaped JSON string.
[[nodiscard]] std::string json_quote(std::string_view s);

// Writes one JSON value. Commas and colons are placed automatically; the caller keeps the nesting
// well formed (every begin_* has its end_*, every object member starts with key()). Misnesting is a
// programming error and produces invalid text rather than a crash.
class JsonWriter {
public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();

    // The name of the next object member.
    JsonWriter& key(std::string_view name);

    JsonWriter& string(std::string_view value);
    JsonWriter& boolean(bool value);
    JsonWriter& null();

    template <std::integral T>

    requires(!std::same_as<T, bool>) JsonWriter& number(T value) {
        if constexpr (std::signed_integral<T>) {
            return signed_number(value);
        } else {
            return unsigned_number(value);
        }
    }

    // Shortest text that reads back as the same double; NaN and infinities become null.
    JsonWriter& number(double value);

    // A value that is already JSON text, copied verbatim (the caller vouches for it).
    JsonWriter& raw(std::string_view json);

    [[nodiscard]] const std::string& str() const noexcept { return out_; }

    // Moves the text out; the writer is then empty and reusable.
    [[nodiscard]] std::string take();

private:
    JsonWriter& signed_number(std::int64_t value);
    JsonWriter& unsigned_number(std::uint64_t value);
    void before_value();
    JsonWriter& open(char bracket);
    JsonWriter& close(char bracket);

    std::string out_;
    std::vector<bool> has_members_;  // one entry per open container
    bool after_key_ = false;
};

}  // namespace herald::util
