// Helpers of the cluster tests: fixtures as matrices and label vectors.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include <semvec/io/npy.hpp>
#include <semvec/matrix.hpp>

#include "../test_support.hpp"

namespace cluster_test {

inline semvec::Matrix load(const std::string& rel) {
    auto m = semvec::read_npy(semvec_test::data_path(rel));
    REQUIRE(m.ok());
    return *m;
}

inline std::vector<std::int32_t> load_labels(const std::string& rel) {
    auto v = semvec::read_npy_ints(semvec_test::data_path(rel));
    REQUIRE(v.ok());
    return std::vector<std::int32_t>(v->begin(), v->end());
}

/// A view of a matrix (works whether MatrixView is an Eigen::Map or an Eigen::Ref).
inline Eigen::Map<const semvec::Matrix> view(const semvec::Matrix& m) {
    return Eigen::Map<const semvec::Matrix>(m.data(), m.rows(), m.cols());
}

}  // namespace cluster_test
