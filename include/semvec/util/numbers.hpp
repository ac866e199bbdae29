// semvec/util/numbers.hpp — numbers to text and back, the same in every C locale.
//
// strtod, atof, printf("%g") and streams follow the C locale: a game that calls setlocale(LC_ALL, "") on a
// German system reads "1.5" as 1 and writes "1,5" into a CSV. These helpers use std::from_chars and
// std::to_chars, which never look at the locale. Every place of semvec (library and CLI) that parses or prints
// a number for a file, a page or another program goes through them; messages for people may use printf.
//
// Single-part header (inline, no SEMVEC_DEFINITIONS): it is tiny and both parts of semvec::compiled reach it,
// like util/half.hpp.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "../result.hpp"

namespace semvec {
namespace detail {

/// `text` without one leading '+' (which from_chars refuses and strtod accepts); empty for a bare sign or
/// "+-1", which are not numbers.
inline std::string_view without_plus(std::string_view text) {
    if (text.empty() || text[0] != '+') return text;
    text.remove_prefix(1);
    return !text.empty() && text[0] == '-' ? std::string_view() : text;
}

/// Parses all of `text` as a decimal or scientific number ("-1.5", "2e-3", ".5", "inf", "nan"; one leading
/// '+' is accepted). Anything else is ErrorCode::invalid_argument naming the text: spaces, hex floats, a
/// decimal comma ("1,5"), trailing characters, a value beyond double's range (underflow to 0 included).
inline Result<double> parse_double(std::string_view text) {
    const std::string_view t = detail::without_plus(text);
    if (t.empty()) return make_error(ErrorCode::invalid_argument, "'" + std::string(text) + "' is not a number (expected e.g. 1.5, -2e-3)");
    double v = 0;
    const char* end = t.data() + t.size();
    const auto r = std::from_chars(t.data(), end, v, std::chars_format::general);
    if (r.ec == std::errc::result_out_of_range)
        return make_error(ErrorCode::invalid_argument, "'" + std::string(text) + "' is out of the range of a double");
    if (r.ec != std::errc() || r.ptr != end) {
        std::string msg = "'" + std::string(text) + "' is not a number (expected e.g. 1.5, -2e-3";
        if (text.find(',') != std::string_view::npos) msg += "; the decimal separator is '.'";
        return make_error(ErrorCode::invalid_argument, msg + ")");
    }
    return v;
}

/// Parses all of `text` as a decimal integer (one leading '+' is accepted). Anything else, or a value beyond
/// int64, is ErrorCode::invalid_argument naming the text.
inline Result<std::int64_t> parse_integer(std::string_view text) {
    const std::string_view t = detail::without_plus(text);
    if (t.empty()) return make_error(ErrorCode::invalid_argument, "'" + std::string(text) + "' is not an integer");
    std::int64_t v = 0;
    const char* end = t.data() + t.size();
    const auto r = std::from_chars(t.data(), end, v, 10);
    if (r.ec == std::errc::result_out_of_range)
        return make_error(ErrorCode::invalid_argument, "'" + std::string(text) + "' is out of the range of a 64-bit integer");
    if (r.ec != std::errc() || r.ptr != end)
        return make_error(ErrorCode::invalid_argument, "'" + std::string(text) + "' is not an integer");
    return v;
}

/// Appends the shortest text that reads back to exactly `value` ("0.1", "1e-07", "-3.25", "inf", "nan").
inline void append_shortest(std::string& out, float value) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, r.ptr);
}

/// The same for a double.
inline void append_shortest(std::string& out, double value) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, r.ptr);
}

/// Appends `value` as printf("%.*g", precision, value) would in the "C" locale (precision 0 is taken as 1).
inline void append_general(std::string& out, double value, int precision) {
    char buf[64];  // "%.*g" never prints more than precision digits + sign, point and a 4-digit exponent
    if (precision > 40) precision = 40;
    const auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general, precision);
    out.append(buf, r.ec == std::errc() ? r.ptr : buf);
}

/// Appends `value` as printf("%.*f", decimals, value) would in the "C" locale.
inline void append_fixed(std::string& out, double value, int decimals) {
    char buf[400];  // "%.17f" of 1e308 needs 327 characters
    if (decimals > 40) decimals = 40;
    const auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals);
    out.append(buf, r.ec == std::errc() ? r.ptr : buf);
}

/// append_general() into a new string.
inline std::string format_general(double value, int precision) {
    std::string s;
    append_general(s, value, precision);
    return s;
}

/// append_fixed() into a new string.
inline std::string format_fixed(double value, int decimals) {
    std::string s;
    append_fixed(s, value, decimals);
    return s;
}

}  // namespace detail
}  // namespace semvec
