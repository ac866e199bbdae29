// semvec/matrix.hpp — the one matrix type that flows between the stages (embeddings, reducer input/output).
#pragma once

#include <Eigen/Core>

namespace semvec {

/// N×D float matrix, one row per item (text, point). Row-major so that a row is contiguous.
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// Read-only view of a row-major float buffer owned by someone else.
using MatrixView = Eigen::Map<const Matrix>;

}  // namespace semvec
