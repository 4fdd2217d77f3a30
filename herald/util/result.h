// herald/util/result.h
//
// `Result<T, E>`: a value or the error that prevented it, for fallible internal operations whose
// caller decides what the failure means (a URL that does not parse, a reply that does not decode).
// The member names are those of C++23's std::expected, so this header becomes two aliases when the
// project moves to it (GCC 12 has std::expected only under -std=c++2b). `unexpected` keeps the
// standard's lower-case name for the same reason.
// Owner: none (a value type).
#pragma once

#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace herald::util {

template <class E>
class unexpected {
public:
    explicit unexpected(E error) : error_(std::move(error)) {}

    [[nodiscard]] const E& error() const& noexcept { return error_; }

    [[nodiscard]] E&& error() && noexcept { return std::move(error_); }

private:
    E error_;
};

template <class E>
unexpected(E) -> unexpected<E>;

template <class T, class E>
class [[nodiscard]] Result {
public:
    using value_type = T;
    using error_type = E;

    Result(T value)
        : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit like expected

    template <class G>
    Result(unexpected<G> error)  // NOLINT: implicit like expected
        : state_(std::in_place_index<1>, std::move(error).error()) {}

    [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }

    explicit operator bool() const noexcept { return has_value(); }

    // Reading the value of an error (or the error of a value) throws std::bad_variant_access.
    [[nodiscard]] const T& value() const& { return std::get<0>(state_); }

    [[nodiscard]] T& value() & { return std::get<0>(state_); }

    [[nodiscard]] T&& value() && { return std::get<0>(std::move(state_)); }

    [[nodiscard]] const E& error() const& { return std::get<1>(state_); }

    [[nodiscard]] E&& error() && { return std::get<1>(std::move(state_)); }

    [[nodiscard]] const T& operator*() const& { return value(); }

    [[nodiscard]] T& operator*() & { return value(); }

    [[nodiscard]] const T* operator->() const { return &value(); }

    [[nodiscard]] T* operator->() { return &value(); }

    template <class U>
    [[nodiscard]] T value_or(U&& fallback) const& {
        return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
    }

    // As std::expected's: equal to a value only when it holds an equal one.
    template <class U>

    requires(!std::is_same_v<U, Result>) [[nodiscard]] friend bool operator==(const Result& result,
                                                                              const U& value) {
        return result.has_value() && result.value() == value;
    }

private:
    std::variant<T, E> state_;
};

// Success carries nothing: only the error, if any.
template <class E>
class [[nodiscard]] Result<void, E> {
public:
    using value_type = void;
    using error_type = E;

    Result() = default;

    template <class G>
    Result(unexpected<G> error)
        : error_(std::move(error).error()) {}  // NOLINT: implicit like expected

    [[nodiscard]] bool has_value() const noexcept { return !error_.has_value(); }

    explicit operator bool() const noexcept { return has_value(); }

    [[nodiscard]] const E& error() const& { return error_.value(); }

private:
    std::optional<E> error_;
};

}  // namespace herald::util
