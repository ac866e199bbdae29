// semvec/index/quantize.hpp — compressed embeddings: int8 with calibrated ranges and binary sign bits, as
// sentence-transformers' quantize_embeddings() makes them, and Matryoshka truncation.
//
//   auto r = semvec::int8_ranges(calibration);          // per-dimension [min, max] of some embeddings
//   auto q = semvec::quantize_int8(vectors, *r);         // N×D int8 codes, 4× smaller than float32
//   auto b = semvec::quantize_binary(vectors);           // N×ceil(D/8) bytes of sign bits, 32× smaller
//
// int8: code = trunc((x − start) / step − 128) with start = min and step = (max − min) / 255 per dimension,
// exactly sentence-transformers' formula (numpy's astype truncates toward zero); values outside the
// calibrated range are clamped to [−128, 127] (numpy would wrap them around). A dimension whose range is
// empty gets step 1. Decoding is x ≈ start + (code + 128) · step.
// binary: bit = x > 0, packed eight per byte, first dimension in the most significant bit (numpy.packbits,
// sentence-transformers' "ubinary"; its "binary" is the same bytes minus 128 as int8). Hamming distance
// between two codes counts differing bits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "../config.hpp"
#include "../matrix.hpp"
#include "../result.hpp"
#include "../util/finite.hpp"

// Matrix inputs are spelled Eigen::Ref<const Matrix>, the MatrixView of docs/api-conventions.md (matrix.hpp's
// alias is still an Eigen::Map until that change lands; then these become MatrixView by name only).
namespace semvec {

/// How stored embeddings are encoded.
enum class Precision {
    float32,  ///< 4 bytes per dimension, exact
    int8,     ///< 1 byte per dimension, calibrated per-dimension ranges
    binary,   ///< 1 bit per dimension (sign), compared by Hamming distance
};

/// "float32", "int8" or "binary".
SEMVEC_API const char* to_string(Precision precision);

/// The precision named `name` (as to_string spells it); ErrorCode::invalid_argument otherwise.
SEMVEC_API Result<Precision> parse_precision(std::string_view name);

/// Per-dimension int8 ranges: x ≈ start[d] + (code + 128) · step[d].
struct Int8Ranges {
    std::vector<float> start;  ///< per dimension: the calibrated minimum
    std::vector<float> step;   ///< per dimension: (max − min) / 255, or 1 for an empty range
};

/// N×D int8 codes, row-major.
struct Int8Codes {
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::vector<std::int8_t> codes;  ///< rows × cols
    const std::int8_t* row(std::size_t i) const { return codes.data() + i * cols; }
};

/// N rows of packed sign bits (numpy.packbits layout), row-major.
struct BinaryCodes {
    std::size_t rows = 0;
    std::size_t dims = 0;          ///< bits per row that carry a dimension
    std::size_t bytes_per_row = 0; ///< ceil(dims / 8); the unused low bits of the last byte are 0
    std::vector<std::uint8_t> bits;
    const std::uint8_t* row(std::size_t i) const { return bits.data() + i * bytes_per_row; }
};

/// The ranges of `calibration`'s columns (min and max per dimension). invalid_argument for an empty matrix
/// or a NaN/Inf value (named by row and column).
SEMVEC_API Result<Int8Ranges> int8_ranges(Eigen::Ref<const Matrix> calibration);

/// Ranges from a 2×D matrix (row 0: minima, row 1: maxima), the layout of sentence-transformers' `ranges`.
SEMVEC_API Result<Int8Ranges> int8_ranges_from_bounds(Eigen::Ref<const Matrix> bounds);

/// int8 codes of `vectors` under `ranges` (dimension counts must agree; NaN/Inf is invalid_argument).
SEMVEC_API Result<Int8Codes> quantize_int8(Eigen::Ref<const Matrix> vectors, const Int8Ranges& ranges);

/// The float vectors int8 codes stand for (start + (code + 128) · step).
SEMVEC_API Matrix dequantize_int8(const Int8Codes& codes, const Int8Ranges& ranges);

/// Sign bits of `vectors` (x > 0 is 1). NaN/Inf is invalid_argument.
SEMVEC_API Result<BinaryCodes> quantize_binary(Eigen::Ref<const Matrix> vectors);

/// Number of differing bits of two packed codes of `bytes` bytes.
SEMVEC_API std::size_t hamming_distance(const std::uint8_t* a, const std::uint8_t* b, std::size_t bytes);

/// Matryoshka truncation: the first `dims` columns, each row L2-normalized again when `normalize` (a zero
/// row stays zero). invalid_argument when dims is 0 or more than the matrix has.
SEMVEC_API Result<Matrix> truncate_dims(Eigen::Ref<const Matrix> vectors, std::size_t dims, bool normalize = true);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace semvec {

namespace detail {

/// Popcount of 64 bits (the compiler turns it into POPCNT where the target has it).
inline unsigned popcount64(std::uint64_t x) {
#if defined(__GNUC__) || defined(__clang__)
    return static_cast<unsigned>(__builtin_popcountll(x));
#else
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return static_cast<unsigned>((x * 0x0101010101010101ULL) >> 56);
#endif
}

}  // namespace detail

SEMVEC_API const char* to_string(Precision precision) {
    switch (precision) {
        case Precision::float32: return "float32";
        case Precision::int8: return "int8";
        case Precision::binary: return "binary";
    }
    return "?";
}

SEMVEC_API Result<Precision> parse_precision(std::string_view name) {
    for (Precision p : {Precision::float32, Precision::int8, Precision::binary})
        if (name == to_string(p)) return p;
    return make_error(ErrorCode::invalid_argument,
                      "unknown precision '" + std::string(name) + "' (float32, int8 or binary)");
}

SEMVEC_API Result<Int8Ranges> int8_ranges(Eigen::Ref<const Matrix> calibration) {
    if (calibration.rows() == 0 || calibration.cols() == 0)
        return make_error(ErrorCode::invalid_argument, "int8 calibration needs at least one vector");
    SEMVEC_TRY_STATUS(detail::require_finite(calibration, "int8 calibration"));
    const std::size_t D = static_cast<std::size_t>(calibration.cols());
    Matrix bounds(2, calibration.cols());
    for (std::size_t d = 0; d < D; ++d) {
        const auto col = calibration.col(static_cast<Eigen::Index>(d));
        bounds(0, static_cast<Eigen::Index>(d)) = col.minCoeff();
        bounds(1, static_cast<Eigen::Index>(d)) = col.maxCoeff();
    }
    return int8_ranges_from_bounds(bounds);
}

SEMVEC_API Result<Int8Ranges> int8_ranges_from_bounds(Eigen::Ref<const Matrix> bounds) {
    if (bounds.rows() != 2 || bounds.cols() == 0)
        return make_error(ErrorCode::invalid_argument, "int8 ranges must be 2×D (minima, maxima), got " +
                                                           std::to_string(bounds.rows()) + "×" +
                                                           std::to_string(bounds.cols()));
    SEMVEC_TRY_STATUS(detail::require_finite(bounds, "int8 ranges"));
    Int8Ranges r;
    const std::size_t D = static_cast<std::size_t>(bounds.cols());
    r.start.resize(D);
    r.step.resize(D);
    for (std::size_t d = 0; d < D; ++d) {
        const float lo = bounds(0, static_cast<Eigen::Index>(d)), hi = bounds(1, static_cast<Eigen::Index>(d));
        if (hi < lo)
            return make_error(ErrorCode::invalid_argument, "int8 ranges: maximum below minimum in dimension " +
                                                               std::to_string(d));
        r.start[d] = lo;
        const float step = (hi - lo) / 255.0f;
        r.step[d] = step > 0.0f && std::isfinite(step) ? step : 1.0f;
    }
    return r;
}

SEMVEC_API Result<Int8Codes> quantize_int8(Eigen::Ref<const Matrix> vectors, const Int8Ranges& ranges) {
    const std::size_t N = static_cast<std::size_t>(vectors.rows()), D = static_cast<std::size_t>(vectors.cols());
    if (ranges.start.size() != D || ranges.step.size() != D)
        return make_error(ErrorCode::invalid_argument, "int8 ranges have " + std::to_string(ranges.start.size()) +
                                                           " dimensions but the vectors have " + std::to_string(D));
    SEMVEC_TRY_STATUS(detail::require_finite(vectors, "quantize_int8"));
    Int8Codes out;
    out.rows = N;
    out.cols = D;
    out.codes.resize(N * D);
    for (std::size_t i = 0; i < N; ++i) {
        const auto row = vectors.row(static_cast<Eigen::Index>(i));
        std::int8_t* o = out.codes.data() + i * D;
        for (std::size_t d = 0; d < D; ++d) {
            const float v = (row(static_cast<Eigen::Index>(d)) - ranges.start[d]) / ranges.step[d] - 128.0f;
            o[d] = static_cast<std::int8_t>(std::trunc(std::clamp(v, -128.0f, 127.0f)));
        }
    }
    return out;
}

SEMVEC_API Matrix dequantize_int8(const Int8Codes& codes, const Int8Ranges& ranges) {
    Matrix out(static_cast<Eigen::Index>(codes.rows), static_cast<Eigen::Index>(codes.cols));
    for (std::size_t i = 0; i < codes.rows; ++i)
        for (std::size_t d = 0; d < codes.cols; ++d)
            out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(d)) =
                ranges.start[d] + (static_cast<float>(codes.codes[i * codes.cols + d]) + 128.0f) * ranges.step[d];
    return out;
}

SEMVEC_API Result<BinaryCodes> quantize_binary(Eigen::Ref<const Matrix> vectors) {
    SEMVEC_TRY_STATUS(detail::require_finite(vectors, "quantize_binary"));
    BinaryCodes out;
    out.rows = static_cast<std::size_t>(vectors.rows());
    out.dims = static_cast<std::size_t>(vectors.cols());
    out.bytes_per_row = (out.dims + 7) / 8;
    out.bits.assign(out.rows * out.bytes_per_row, 0);
    for (std::size_t i = 0; i < out.rows; ++i) {
        const auto row = vectors.row(static_cast<Eigen::Index>(i));
        std::uint8_t* o = out.bits.data() + i * out.bytes_per_row;
        for (std::size_t d = 0; d < out.dims; ++d)
            if (row(static_cast<Eigen::Index>(d)) > 0.0f) o[d / 8] |= static_cast<std::uint8_t>(0x80u >> (d % 8));
    }
    return out;
}

SEMVEC_API std::size_t hamming_distance(const std::uint8_t* a, const std::uint8_t* b, std::size_t bytes) {
    std::size_t n = 0, i = 0;
    for (; i + 8 <= bytes; i += 8) {
        std::uint64_t x, y;
        std::memcpy(&x, a + i, 8);
        std::memcpy(&y, b + i, 8);
        n += detail::popcount64(x ^ y);
    }
    for (; i < bytes; ++i) n += detail::popcount64(static_cast<std::uint64_t>(a[i] ^ b[i]));
    return n;
}

SEMVEC_API Result<Matrix> truncate_dims(Eigen::Ref<const Matrix> vectors, std::size_t dims, bool normalize) {
    if (dims == 0 || dims > static_cast<std::size_t>(vectors.cols()))
        return make_error(ErrorCode::invalid_argument, "cannot keep " + std::to_string(dims) + " of " +
                                                           std::to_string(vectors.cols()) + " dimensions");
    Matrix out = vectors.leftCols(static_cast<Eigen::Index>(dims));
    if (normalize)
        for (Eigen::Index i = 0; i < out.rows(); ++i) {
            double s = 0.0;
            for (Eigen::Index j = 0; j < out.cols(); ++j) s += static_cast<double>(out(i, j)) * out(i, j);
            if (s > 0.0) out.row(i) *= static_cast<float>(1.0 / std::sqrt(s));
        }
    return out;
}

}  // namespace semvec
#endif
