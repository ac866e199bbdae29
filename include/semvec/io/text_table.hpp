// semvec/io/text_table.hpp — numeric matrices as CSV/TSV text: a validating reader and a writer.
//
// Reader rules: one row per line; fields split by the delimiter (auto: tab if the first data line has one,
// else comma, else runs of spaces); blank lines and lines starting with '#' are skipped; CRLF is accepted;
// a first line whose fields are all non-numeric is a header and is skipped. Every other field must be a
// whole number literal (std::from_chars must consume it, surrounding spaces allowed; a leading '+' is accepted,
// hex floats and decimal commas are not) and finite, and every row must have the same number of fields. Errors
// name the file, the line and the column. Numbers are read and written the same in every C locale
// (util/numbers.hpp).
#pragma once

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../matrix.hpp"
#include "../result.hpp"
#include "../util/numbers.hpp"
#include "../util/file_io.hpp"

namespace semvec {

/// Options of read_text_table().
struct TextTableOptions {
    /// Field separator; 0 = detect from the first data line: tab, else comma, else whitespace (default 0).
    char delimiter = 0;
    /// Accept NaN and Inf literals (default false: they are reported as errors with their line).
    bool allow_non_finite = false;
};

namespace detail {

inline std::string trim_copy(const std::string& s) {
    std::size_t a = 0, b = s.size();
    while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r')) ++a;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r')) --b;
    return s.substr(a, b - a);
}

/// Splits a line; delimiter ' ' means runs of spaces/tabs.
inline std::vector<std::string> split_fields(const std::string& line, char delim) {
    std::vector<std::string> out;
    if (delim == ' ') {
        std::istringstream ss(line);
        std::string f;
        while (ss >> f) out.push_back(f);
        return out;
    }
    std::string cur;
    for (char c : line) {
        if (c == delim) {
            out.push_back(trim_copy(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(trim_copy(cur));
    return out;
}

/// One field as a number (util/numbers.hpp: the same in every C locale); false if it is not one.
inline bool parse_number(const std::string& f, double& v) {
    auto r = parse_double(f);
    if (r) v = *r;
    return r.ok();
}

/// The text of write_text_table(): each value as printf's "%.9g" (enough digits to read back the same
/// float), whatever the C locale.
inline std::string format_text_table(const Matrix& m, char delimiter) {
    std::string out;
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        for (Eigen::Index j = 0; j < m.cols(); ++j) {
            if (j) out += delimiter;
            append_general(out, static_cast<double>(m(i, j)), 9);
        }
        out += '\n';
    }
    return out;
}

}  // namespace detail

/// Parses CSV/TSV text into an N×D float matrix. `name` is used in error messages (e.g. the file path).
inline Result<Matrix> parse_text_table(const std::string& text, const std::string& name = "<buffer>",
                                       const TextTableOptions& options = {}) {
    std::vector<float> values;
    std::size_t cols = 0, rows = 0;
    char delim = options.delimiter;
    bool first_content = true;
    std::size_t line_no = 0, pos = 0;
    while (pos <= text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string::npos) eol = text.size();
        std::string line = text.substr(pos, eol - pos);
        pos = eol + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::string t = detail::trim_copy(line);
        if (t.empty() || t[0] == '#') {
            if (eol == text.size()) break;
            continue;
        }
        if (delim == 0) delim = line.find('\t') != std::string::npos ? '\t' : (line.find(',') != std::string::npos ? ',' : ' ');
        const std::vector<std::string> fields = detail::split_fields(line, delim);
        const std::string item = "line " + std::to_string(line_no);
        if (fields.empty()) {  // only whitespace that trim_copy keeps (\v, \f): a blank line, not a 0-column row
            if (eol == text.size()) break;
            continue;
        }
        if (first_content) {
            first_content = false;
            bool any_number = false;
            double v;
            for (const auto& f : fields) any_number = any_number || detail::parse_number(f, v);
            if (!any_number) {  // a header
                if (eol == text.size()) break;
                continue;
            }
        }
        if (cols == 0) cols = fields.size();
        if (fields.size() != cols)
            return make_error("expected " + std::to_string(cols) + " fields (as on the first data row), found " +
                                  std::to_string(fields.size()),
                              name, item);
        for (std::size_t c = 0; c < fields.size(); ++c) {
            double v = 0;
            if (!detail::parse_number(fields[c], v))
                return make_error("column " + std::to_string(c + 1) + ": '" + fields[c] + "' is not a number", name, item);
            if (!options.allow_non_finite && !std::isfinite(v))
                return make_error("column " + std::to_string(c + 1) + ": non-finite value '" + fields[c] + "'", name, item);
            // A finite double beyond float's range would silently become Inf in the float matrix.
            if (std::isfinite(v) && !std::isfinite(static_cast<float>(v)))
                return make_error("column " + std::to_string(c + 1) + ": '" + fields[c] + "' is out of the float range", name, item);
            values.push_back(static_cast<float>(v));
        }
        ++rows;
        if (eol == text.size()) break;
    }
    if (rows == 0) return make_error("no numeric rows", name);
    Matrix m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    std::copy(values.begin(), values.end(), m.data());
    return m;
}

/// Reads a CSV/TSV file of numbers (see the header comment).
inline Result<Matrix> read_text_table(const std::string& path, const TextTableOptions& options = {}) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error("cannot open file", path);
    std::ostringstream ss;
    ss << in.rdbuf();
    TextTableOptions o = options;
    if (o.delimiter == 0 && path.size() >= 4 && path.compare(path.size() - 4, 4, ".tsv") == 0) o.delimiter = '\t';
    return parse_text_table(ss.str(), path, o);
}

/// Writes `m` as text, one row per line, fields separated by `delimiter` (format_text_table), atomically
/// (util/file_io.hpp).
inline Status write_text_table(const std::string& path, const Matrix& m, char delimiter = ',') {
    return detail::write_file_atomic(path, detail::format_text_table(m, delimiter));
}

}  // namespace semvec
