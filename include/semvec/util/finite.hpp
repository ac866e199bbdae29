// Refusing NaN and Inf in an input matrix: one check and one message for every function that takes vectors
// ("WHAT: NaN or Inf at row i, column j"), so that nothing ranks, clusters or quantizes them silently.
#pragma once

#include <cmath>
#include <string>

#include "../result.hpp"

namespace semvec {
namespace detail {

/// Success, or invalid_argument naming the first NaN or Inf of `m` (rows in order). `M`: any Eigen matrix or
/// view (Matrix, MatrixView, Eigen::Ref).
template <class M>
Status require_finite(const M& m, const char* what) {
    for (Eigen::Index i = 0; i < m.rows(); ++i)
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            if (!std::isfinite(m(i, j)))
                return make_error(ErrorCode::invalid_argument, std::string(what) + ": NaN or Inf at row " +
                                                                   std::to_string(i) + ", column " + std::to_string(j));
    return {};
}

}  // namespace detail
}  // namespace semvec
