// semvec/result.hpp — errors as values.
//
// Every public function that can fail returns Result<T> (or Status, i.e. Result<void>). The library never
// throws, so it builds and behaves the same with -fno-exceptions. An Error names what it concerns (a file,
// a tensor, a line) so that one line on stderr tells the user where to look.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

namespace semvec {

/// What kind of failure an Error is: for programs that react to it (docs/api-conventions.md, "Errors").
enum class ErrorCode {
    invalid_argument,  ///< the caller's values (k > N, an empty input, a NaN row, a bad option)
    invalid_data,      ///< a malformed file or buffer
    not_found,         ///< a file, tensor, key or token that is not there
    io,                ///< a read or write failed
    unsupported,       ///< a format, config value or component semvec does not implement (named in the message)
    resource_limit,    ///< a size bound was exceeded (e.g. pixels, tokens, memory)
    cancelled,         ///< a progress callback asked to stop
    cpu_unsupported,   ///< this CPU lacks the SIMD level the code was compiled for
    internal,          ///< a bug in semvec
};

/// The code's name, e.g. "invalid_data".
inline const char* to_string(ErrorCode code) {
    switch (code) {
        case ErrorCode::invalid_argument: return "invalid_argument";
        case ErrorCode::invalid_data: return "invalid_data";
        case ErrorCode::not_found: return "not_found";
        case ErrorCode::io: return "io";
        case ErrorCode::unsupported: return "unsupported";
        case ErrorCode::resource_limit: return "resource_limit";
        case ErrorCode::cancelled: return "cancelled";
        case ErrorCode::cpu_unsupported: return "cpu_unsupported";
        case ErrorCode::internal: return "internal";
    }
    return "internal";
}

/// What went wrong, and where.
struct Error {
    std::string message;  ///< what is wrong, e.g. "shape [2, 3] needs 24 bytes but offsets give 20"
    std::string source;   ///< the file (or "<buffer>", "<stdin>"), empty when there is none
    std::string item;     ///< the tensor, metadata key, or "line 12" the error concerns; may be empty
    ErrorCode code = ErrorCode::invalid_argument;  ///< what kind of failure (for programs; the message is for people)

    /// "source: item: message", leaving out the empty parts.
    std::string what() const {
        std::string out;
        if (!source.empty()) out += source + ": ";
        if (!item.empty()) out += item + ": ";
        out += message;
        return out;
    }

    /// Returns a copy with the source set when it was empty (used when a file-level caller adds context).
    Error with_source(std::string s) const {
        Error e = *this;
        if (e.source.empty()) e.source = std::move(s);
        return e;
    }
};

/// Make an Error in one expression: `return semvec::make_error(ErrorCode::invalid_data, "bad dtype", path, name);`
inline Error make_error(ErrorCode code, std::string message, std::string source = {}, std::string item = {}) {
    return Error{std::move(message), std::move(source), std::move(item), code};
}

/// Legacy form without a code (ErrorCode::invalid_argument). New code passes a code; see the overload above.
inline Error make_error(std::string message, std::string source = {}, std::string item = {}) {
    return Error{std::move(message), std::move(source), std::move(item), ErrorCode::invalid_argument};
}

/// Either a T or an Error. Cheap to move; check `ok()` (or `if (result)`) before `value()`.
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : value_(std::move(value)) {}            // NOLINT: implicit by design
    Result(Error error) : error_(std::move(error)) {}        // NOLINT: implicit by design

    bool ok() const { return value_.has_value(); }
    explicit operator bool() const { return ok(); }

    /// The value. Calling it on an error is a programming bug: it aborts with the message.
    T& value() & { check(); return *value_; }
    const T& value() const& { check(); return *value_; }
    T&& value() && { check(); return std::move(*value_); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    /// The error; empty Error when ok().
    const Error& error() const { return error_; }

    /// The value, or `fallback` on error.
    T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

private:
    void check() const {
        if (!value_) {
            std::fputs(("semvec: value() called on an error: " + error_.what() + "\n").c_str(), stderr);
            std::abort();
        }
    }
    std::optional<T> value_;
    Error error_;
};

/// Success, or an Error.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit by design
    bool ok() const { return !failed_; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return error_; }

private:
    Error error_;
    bool failed_ = false;
};

using Status = Result<void>;

}  // namespace semvec

// Internal helper: evaluate a Result expression and return its error from the enclosing function.
#define SEMVEC_DETAIL_CONCAT2(a, b) a##b
#define SEMVEC_DETAIL_CONCAT(a, b) SEMVEC_DETAIL_CONCAT2(a, b)
#define SEMVEC_TRY_STATUS(expr)                                              \
    do {                                                                     \
        auto&& semvec_try_status_ = (expr);                                  \
        if (!semvec_try_status_.ok()) return semvec_try_status_.error();     \
    } while (0)
