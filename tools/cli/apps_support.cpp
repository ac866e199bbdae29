// tools/cli/apps_support.cpp — see apps_support.hpp.
#include "apps_support.hpp"
#include "npy_out.hpp"

#include <cstdio>
#include <cstring>
#include <limits>

#include <semvec/io/npy.hpp>
#include <semvec/io/text_table.hpp>
#include <semvec/util/numbers.hpp>

#include "cmd_plot.hpp"

namespace semvec_cli {

semvec::Result<semvec::Matrix> read_matrix(const std::string& path) {
    return extension_of(path) == ".npy" ? semvec::read_npy(path) : semvec::read_text_table(path);
}

semvec::Result<std::vector<std::int32_t>> read_int_labels(const std::string& path, std::size_t expected) {
    std::vector<std::int64_t> raw;
    if (extension_of(path) == ".npy") {
        auto v = semvec::read_npy_ints(path);
        if (!v) return v.error();
        raw = std::move(*v);
    } else {
        auto lines = read_lines(path, "labels", expected);
        if (!lines) return lines.error();
        for (std::size_t i = 0; i < lines->size(); ++i) {
            const std::string& s = (*lines)[i];
            const auto v = semvec::detail::parse_integer(s);
            if (!v)
                return semvec::make_error(semvec::ErrorCode::invalid_data, "'" + s + "' is not an integer label", path,
                                          "line " + std::to_string(i + 1));
            raw.push_back(*v);
        }
    }
    if (expected && raw.size() != expected)
        return semvec::make_error(semvec::ErrorCode::invalid_argument,
                                  std::to_string(raw.size()) + " labels for " + std::to_string(expected) + " rows", path);
    std::vector<std::int32_t> out(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] < std::numeric_limits<std::int32_t>::min() || raw[i] > std::numeric_limits<std::int32_t>::max())
            return semvec::make_error(semvec::ErrorCode::invalid_data, "label " + std::to_string(raw[i]) + " is out of the int32 range",
                                      path, "item " + std::to_string(i));
        out[i] = static_cast<std::int32_t>(raw[i]);
    }
    return out;
}

namespace {

semvec::Status write_1d_npy(const std::string& path, const char* descr, const void* data, std::size_t n) {
    return write_npy_raw(path, descr, data, 4, std::vector<std::size_t>{n});
}

}  // namespace

semvec::Status write_int32_npy(const std::string& path, const std::vector<std::int32_t>& values) {
    return write_1d_npy(path, "<i4", values.data(), values.size());
}

semvec::Status write_float_npy(const std::string& path, const std::vector<float>& values) {
    return write_1d_npy(path, "<f4", values.data(), values.size());
}

}  // namespace semvec_cli
