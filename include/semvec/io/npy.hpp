// semvec/io/npy.hpp — NumPy .npy arrays: a validating reader and a float32 writer.
//
// Format (numpy.lib.format): magic "\x93NUMPY", version (1.0: 2-byte header length; 2.0/3.0: 4-byte), a
// Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (N, D), } padded with spaces and
// ended by '\n', then the raw data. The reader accepts both byte orders and both memory orders, checks that
// the data size matches the shape exactly (overflow-checked), and never reads past the file.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "../matrix.hpp"
#include "../result.hpp"
#include "../util/file_io.hpp"
#include "../util/half.hpp"
#include "dtype.hpp"

namespace semvec {

/// A whole .npy array in memory, data in C order and native (little-endian) byte order after reading.
struct NpyArray {
    Dtype dtype = Dtype::f32;
    std::vector<std::int64_t> shape;
    std::vector<unsigned char> data;

    std::size_t numel() const { return data.size() / dtype_size(dtype); }
    /// Element i converted to double (any numeric dtype).
    double at(std::size_t i) const;
};

namespace detail {

inline bool npy_descr_to_dtype(std::string_view d, Dtype& out, bool& swap) {
    if (d.size() < 3) return false;
    const char order = d[0];
    const std::string_view code = d.substr(1);
    const bool little_host = [] { const std::uint16_t x = 1; unsigned char c; std::memcpy(&c, &x, 1); return c == 1; }();
    static const std::pair<const char*, Dtype> table[] = {
        {"f8", Dtype::f64}, {"f4", Dtype::f32}, {"f2", Dtype::f16}, {"i8", Dtype::i64}, {"i4", Dtype::i32},
        {"i2", Dtype::i16}, {"i1", Dtype::i8},  {"u8", Dtype::u64}, {"u4", Dtype::u32}, {"u2", Dtype::u16},
        {"u1", Dtype::u8},  {"b1", Dtype::boolean}};
    bool found = false;
    for (const auto& [c, dt] : table)
        if (code == c) { out = dt; found = true; }
    if (!found) return false;
    if (order == '|' || dtype_size(out) == 1) { swap = false; return order == '|' || order == '<' || order == '>' || order == '='; }
    if (order == '<') swap = !little_host;
    else if (order == '>') swap = little_host;
    else if (order == '=') swap = false;
    else return false;
    return true;
}

/// Minimal parser for the header dict: exactly the three keys numpy writes.
struct NpyHeaderParser {
    std::string_view s;
    std::size_t i = 0;
    void ws() { while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i; }
    bool eat(char c) { ws(); if (i < s.size() && s[i] == c) { ++i; return true; } return false; }
    bool str(std::string& out) {
        ws();
        if (i >= s.size() || (s[i] != '\'' && s[i] != '"')) return false;
        const char q = s[i++];
        const std::size_t start = i;
        while (i < s.size() && s[i] != q) ++i;
        if (i >= s.size()) return false;
        out.assign(s.substr(start, i - start));
        ++i;
        return true;
    }
    bool boolean(bool& out) {
        ws();
        if (s.substr(i, 4) == "True") { i += 4; out = true; return true; }
        if (s.substr(i, 5) == "False") { i += 5; out = false; return true; }
        return false;
    }
    bool integer(std::int64_t& out) {
        ws();
        std::size_t start = i;
        std::uint64_t v = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
            const unsigned digit = static_cast<unsigned>(s[i] - '0');
            if (v > (static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) - digit) / 10) return false;
            v = v * 10 + digit;
            ++i;
        }
        if (i < s.size() && s[i] == 'L') ++i;  // Python 2 longs
        out = static_cast<std::int64_t>(v);
        return i > start;
    }
    bool shape(std::vector<std::int64_t>& out) {
        if (!eat('(')) return false;
        ws();
        if (eat(')')) return true;
        while (true) {
            std::int64_t v;
            if (!integer(v)) return false;
            if (out.size() >= 32) return false;  // numpy's own limit is 32 dimensions
            out.push_back(v);
            if (eat(')')) return true;
            if (!eat(',')) return false;
            if (eat(')')) return true;  // "(5,)"
        }
    }
};

}  // namespace detail

inline double NpyArray::at(std::size_t i) const {
    const unsigned char* p = data.data() + i * dtype_size(dtype);
    switch (dtype) {
        case Dtype::f64: { double v; std::memcpy(&v, p, 8); return v; }
        case Dtype::f32: { float v; std::memcpy(&v, p, 4); return v; }
        case Dtype::f16: { std::uint16_t v; std::memcpy(&v, p, 2); return f16_to_f32(v); }
        case Dtype::bf16: { std::uint16_t v; std::memcpy(&v, p, 2); return bf16_to_f32(v); }
        case Dtype::i64: { std::int64_t v; std::memcpy(&v, p, 8); return static_cast<double>(v); }
        case Dtype::i32: { std::int32_t v; std::memcpy(&v, p, 4); return v; }
        case Dtype::i16: { std::int16_t v; std::memcpy(&v, p, 2); return v; }
        case Dtype::i8: { std::int8_t v; std::memcpy(&v, p, 1); return v; }
        case Dtype::u64: { std::uint64_t v; std::memcpy(&v, p, 8); return static_cast<double>(v); }
        case Dtype::u32: { std::uint32_t v; std::memcpy(&v, p, 4); return v; }
        case Dtype::u16: { std::uint16_t v; std::memcpy(&v, p, 2); return v; }
        case Dtype::u8: case Dtype::boolean: return p[0];
    }
    return 0;
}

/// Parses .npy bytes (`name` is used in error messages).
inline Result<NpyArray> parse_npy(const unsigned char* bytes, std::size_t size, const std::string& name = "<buffer>") {
    auto fail = [&name](std::string msg) { return make_error(std::move(msg), name); };
    static const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
    if (size < 10 || std::memcmp(bytes, magic, 6) != 0) return fail("not a .npy file (no \\x93NUMPY magic)");
    const unsigned major = bytes[6];
    std::size_t header_len, pos;
    if (major == 1) {
        header_len = static_cast<std::size_t>(bytes[8]) | (static_cast<std::size_t>(bytes[9]) << 8);
        pos = 10;
    } else if (major == 2 || major == 3) {
        if (size < 12) return fail("truncated .npy header");
        header_len = static_cast<std::size_t>(bytes[8]) | (static_cast<std::size_t>(bytes[9]) << 8) |
                     (static_cast<std::size_t>(bytes[10]) << 16) | (static_cast<std::size_t>(bytes[11]) << 24);
        pos = 12;
    } else {
        return fail("unsupported .npy version " + std::to_string(major));
    }
    if (header_len > size - pos) return fail("header length " + std::to_string(header_len) + " runs past the end of the file");
    detail::NpyHeaderParser p{std::string_view(reinterpret_cast<const char*>(bytes + pos), header_len)};
    std::string descr;
    bool fortran = false, have_descr = false, have_order = false, have_shape = false;
    NpyArray arr;
    if (!p.eat('{')) return fail("header is not a dict");
    while (true) {
        if (p.eat('}')) break;
        std::string key;
        if (!p.str(key) || !p.eat(':')) return fail("malformed header dict");
        if (key == "descr") {
            if (!p.str(descr)) return fail("'descr' is not a string (structured dtypes are not supported)");
            have_descr = true;
        } else if (key == "fortran_order") {
            if (!p.boolean(fortran)) return fail("'fortran_order' is not True/False");
            have_order = true;
        } else if (key == "shape") {
            if (!p.shape(arr.shape)) return fail("'shape' is not a tuple of non-negative integers");
            have_shape = true;
        } else {
            return fail("unexpected header key '" + key + "'");
        }
        if (!p.eat(',')) {
            if (p.eat('}')) break;
            return fail("malformed header dict");
        }
    }
    if (!have_descr || !have_order || !have_shape) return fail("header lacks descr, fortran_order or shape");
    bool swap = false;
    if (!detail::npy_descr_to_dtype(descr, arr.dtype, swap)) return fail("unsupported dtype '" + descr + "'");
    const std::size_t item = dtype_size(arr.dtype);
    std::size_t numel = 1;
    for (auto d : arr.shape) {
        if (d != 0 && numel > std::numeric_limits<std::size_t>::max() / static_cast<std::size_t>(d))
            return fail("shape overflows");
        numel *= static_cast<std::size_t>(d);
    }
    if (numel > std::numeric_limits<std::size_t>::max() / item) return fail("shape overflows");
    const std::size_t nbytes = numel * item;
    const std::size_t data_pos = pos + header_len;
    if (size - data_pos < nbytes)
        return fail("data is " + std::to_string(size - data_pos) + " bytes but the shape needs " + std::to_string(nbytes) +
                    " (truncated file?)");
    if (size - data_pos > nbytes)
        return fail(std::to_string(size - data_pos - nbytes) + " bytes of trailing data after the array");
    arr.data.assign(bytes + data_pos, bytes + data_pos + nbytes);
    if (swap && item > 1)
        for (std::size_t i = 0; i < numel; ++i) std::reverse(arr.data.begin() + static_cast<std::ptrdiff_t>(i * item),
                                                             arr.data.begin() + static_cast<std::ptrdiff_t>((i + 1) * item));
    if (fortran && arr.shape.size() >= 2) {  // reorder to C order
        std::vector<unsigned char> c(nbytes);
        const std::size_t r = arr.shape.size();
        std::vector<std::size_t> idx(r, 0);
        for (std::size_t f = 0; f < numel; ++f) {
            // idx is the multi-index of Fortran-linear position f (first index fastest)
            std::size_t cpos = 0;
            for (std::size_t k = 0; k < r; ++k) cpos = cpos * static_cast<std::size_t>(arr.shape[k]) + idx[k];
            std::memcpy(c.data() + cpos * item, arr.data.data() + f * item, item);
            for (std::size_t k = 0; k < r; ++k) {
                if (++idx[k] < static_cast<std::size_t>(arr.shape[k])) break;
                idx[k] = 0;
            }
        }
        arr.data = std::move(c);
    }
    return arr;
}

/// Reads a whole .npy file.
inline Result<NpyArray> read_npy_array(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return make_error("cannot open", path);
    std::vector<unsigned char> bytes;
    unsigned char chunk[1 << 16];
    std::size_t got;
    while ((got = std::fread(chunk, 1, sizeof chunk, f)) > 0) bytes.insert(bytes.end(), chunk, chunk + got);
    std::fclose(f);
    return parse_npy(bytes.data(), bytes.size(), path);
}

/// Converts a 1-D (N → N×1) or 2-D numeric array to a float matrix; `name` is used in errors.
/// NaN and Inf are passed through: reducers check for them with a clearer message.
inline Result<Matrix> npy_to_matrix(const NpyArray& a, const std::string& name = "<buffer>") {
    if (a.shape.empty() || a.shape.size() > 2)
        return make_error("expected a 1-D or 2-D array, got " + std::to_string(a.shape.size()) + " dimensions", name);
    if (a.dtype == Dtype::boolean) return make_error("expected a numeric array, got bool", name);
    const auto rows = static_cast<Eigen::Index>(a.shape[0]);
    const auto cols = static_cast<Eigen::Index>(a.shape.size() == 2 ? a.shape[1] : 1);
    Matrix m(rows, cols);
    float* out = m.data();
    const std::size_t n = a.numel();
    if (a.dtype == Dtype::f32) {
        if (n) std::memcpy(out, a.data.data(), n * 4);
    } else {
        for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(a.at(i));
    }
    return m;
}

/// Reads a float32/float64 (or integer) N×D .npy file into a Matrix.
inline Result<Matrix> read_npy(const std::string& path) {
    auto a = read_npy_array(path);
    if (!a) return a.error();
    return npy_to_matrix(*a, path);
}

/// Reads a 1-D integer .npy vector (e.g. class labels).
inline Result<std::vector<std::int64_t>> read_npy_ints(const std::string& path) {
    auto a = read_npy_array(path);
    if (!a) return a.error();
    if (a->shape.size() != 1) return make_error("expected a 1-D array", path);
    if (a->dtype == Dtype::f32 || a->dtype == Dtype::f64 || a->dtype == Dtype::f16 || a->dtype == Dtype::bf16)
        return make_error(std::string("expected integers, got ") + dtype_name(a->dtype), path);
    std::vector<std::int64_t> out(a->numel());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::int64_t>(a->at(i));
    return out;
}

namespace detail {

/// The bytes before the data of a .npy file (version 1.0, '<f4', C order, rows×cols): magic, header length
/// and the header padded so that the data starts at a multiple of 64 bytes, as numpy does.
inline std::string npy_f32_preamble(std::size_t rows, std::size_t cols) {
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                         std::to_string(cols) + "), }";
    const std::size_t total = 10 + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header.push_back('\n');
    std::string out = "\x93NUMPY";
    out += '\x01';
    out += '\x00';
    out += static_cast<char>(header.size() & 0xff);
    out += static_cast<char>(header.size() >> 8);
    return out + header;
}

}  // namespace detail

/// .npy bytes (version 1.0, '<f4', C order) of a rows×cols float buffer.
inline std::vector<unsigned char> serialize_npy_f32(const float* data, std::size_t rows, std::size_t cols) {
    const std::string pre = detail::npy_f32_preamble(rows, cols);
    std::vector<unsigned char> out(pre.begin(), pre.end());
    const auto* p = reinterpret_cast<const unsigned char*>(data);
    out.insert(out.end(), p, p + rows * cols * 4);
    return out;
}

/// Writes a float matrix as float32 .npy, atomically (util/file_io.hpp), straight from `data`.
inline Status write_npy(const std::string& path, const float* data, std::size_t rows, std::size_t cols) {
    const std::string pre = detail::npy_f32_preamble(rows, cols);
    return detail::write_file_atomic(path, [&](std::FILE* f) -> Status {
        std::fwrite(pre.data(), 1, pre.size(), f);
        if (rows * cols > 0) std::fwrite(data, sizeof(float), rows * cols, f);
        return {};
    });
}

inline Status write_npy(const std::string& path, const Matrix& m) {
    return write_npy(path, m.data(), static_cast<std::size_t>(m.rows()), static_cast<std::size_t>(m.cols()));
}

}  // namespace semvec
