// tools/cli/apps_support.hpp — what the cluster, classify, eval, topics and recommend commands share: reading a
// matrix or a label vector by file name, writing int32 labels as .npy, timing. Defined in apps_support.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <semvec/matrix.hpp>
#include <semvec/result.hpp>

namespace semvec_cli {

/// An N×D matrix from .npy (float32/float64) or CSV/TSV of numbers, chosen by the extension.
semvec::Result<semvec::Matrix> read_matrix(const std::string& path);

/// A 1-D integer label vector from .npy, or from a text file with one integer per line. `expected` (when not
/// 0) is the number of rows it must have; the error names the file.
semvec::Result<std::vector<std::int32_t>> read_int_labels(const std::string& path, std::size_t expected = 0);

/// Writes a 1-D int32 .npy (labels, −1 = noise), through a temporary file renamed into place.
semvec::Status write_int32_npy(const std::string& path, const std::vector<std::int32_t>& values);

/// Writes a 1-D float32 .npy.
semvec::Status write_float_npy(const std::string& path, const std::vector<float>& values);

/// Seconds since t0.
inline double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// A view of a whole matrix.
inline semvec::MatrixView view_of(const semvec::Matrix& m) { return semvec::MatrixView(m.data(), m.rows(), m.cols()); }

}  // namespace semvec_cli
