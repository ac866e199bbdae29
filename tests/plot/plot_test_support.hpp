// Helpers for the plot tests: counting substrings and pulling the JSON data out of an HTML page.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace plot_test {

inline std::size_t count(const std::string& hay, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size())) ++n;
    return n;
}

/// The text between `open` and the next `close` after it; empty when absent.
inline std::string between(const std::string& s, const std::string& open, const std::string& close) {
    const auto a = s.find(open);
    if (a == std::string::npos) return {};
    const auto b = s.find(close, a + open.size());
    if (b == std::string::npos) return {};
    return s.substr(a + open.size(), b - a - open.size());
}

/// The data object embedded in a page written by render_html (discarded JSON when missing or invalid).
inline nlohmann::json html_data(const std::string& html) {
    const std::string text = between(html, "<script type=\"application/json\" id=\"semvec-data\">", "</script>");
    return nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
}

}  // namespace plot_test
