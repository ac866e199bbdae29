// semvec/reduce/common.hpp — pieces shared by the reducers (SNE, t-SNE, UMAP): progress callback, a
// portable seeded random generator, and PCA initialisation.
//
// The generator is written here (not std::normal_distribution) so that a seed gives the same numbers with
// every standard library.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "../config.hpp"
#include "../knn.hpp"
#include "../matrix.hpp"
#include "../result.hpp"

namespace semvec {

/// Called by the reducers every few iterations with (iteration, total iterations, KL divergence or NaN when
/// the method has none). Return false to cancel: the reducer then returns the Error "cancelled".
using ProgressCallback = std::function<bool(int iteration, int total, double kl_or_nan)>;

namespace detail {

/// xoshiro256** seeded by splitmix64: fast, good quality, identical on every platform.
class Random {
public:
    explicit Random(std::uint64_t seed) {
        std::uint64_t x = seed;
        for (auto& w : s_) {
            x = splitmix64(x);
            w = x;
        }
    }
    std::uint64_t next() {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    /// Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
    /// Uniform integer in [0, n).
    std::uint64_t below(std::uint64_t n) { return static_cast<std::uint64_t>(uniform() * static_cast<double>(n)); }
    /// Standard normal (Box–Muller, both values used).
    double normal() {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        double u1 = uniform();
        while (u1 <= 0.0) u1 = uniform();
        const double u2 = uniform();
        const double r = std::sqrt(-2.0 * std::log(u1));
        spare_ = r * std::sin(6.283185307179586 * u2);
        has_spare_ = true;
        return r * std::cos(6.283185307179586 * u2);
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4];
    double spare_ = 0.0;
    bool has_spare_ = false;
};

}  // namespace detail
}  // namespace semvec

// The PCA initialisation needs Eigen's eigensolvers: only the definitions part (inline detail helpers of the
// reducers' bodies) sees it.
#if SEMVEC_DEFINITIONS
#include <algorithm>

#include <Eigen/Eigenvalues>

namespace semvec {
namespace detail {

/// The first `dims` principal-component scores of `data` (N×dims, double). Signs are fixed so that the
/// largest-magnitude loading of each component is positive, which makes the result deterministic.
inline Eigen::MatrixXd pca_scores(const MatrixView& data, int dims) {
    const Eigen::Index n = data.rows(), d = data.cols();
    Eigen::MatrixXd x = data.cast<double>();
    const Eigen::RowVectorXd mean = x.colwise().mean();
    x.rowwise() -= mean;
    Eigen::MatrixXd scores(n, dims);
    scores.setZero();
    const Eigen::MatrixXd cov = (x.transpose() * x) / std::max<double>(1.0, static_cast<double>(n - 1));
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
    if (eig.info() != Eigen::Success) return scores;
    // Eigenvalues ascend: take the last `dims` columns, largest first.
    for (int c = 0; c < dims && c < d; ++c) {
        Eigen::VectorXd v = eig.eigenvectors().col(d - 1 - c);
        Eigen::Index arg = 0;
        v.cwiseAbs().maxCoeff(&arg);
        if (v[arg] < 0) v = -v;
        scores.col(c) = x * v;
    }
    return scores;
}

/// Initial layout (N×dims, row-major double) shared by SNE and t-SNE: PCA scores scaled so that the first
/// component has standard deviation 1e-4 (openTSNE), or Gaussian noise with standard deviation 1e-4.
/// A degenerate PCA (all points equal) falls back to the random layout.
inline std::vector<double> initial_layout(const MatrixView& data, int dims, bool pca, std::uint64_t seed) {
    const std::size_t n = static_cast<std::size_t>(data.rows());
    std::vector<double> y(n * static_cast<std::size_t>(dims));
    if (pca) {
        const Eigen::MatrixXd s = pca_scores(data, dims);
        const double mean = s.col(0).mean();
        double var = 0.0;
        for (Eigen::Index i = 0; i < s.rows(); ++i) var += (s(i, 0) - mean) * (s(i, 0) - mean);
        const double sd = std::sqrt(var / std::max<double>(1.0, static_cast<double>(n)));
        if (sd > 1e-300) {
            for (std::size_t i = 0; i < n; ++i)
                for (int d = 0; d < dims; ++d) y[i * dims + d] = s(static_cast<Eigen::Index>(i), d) / sd * 1e-4;
            return y;
        }
    }
    Random rng(seed);
    for (auto& v : y) v = rng.normal() * 1e-4;
    return y;
}

}  // namespace detail
}  // namespace semvec
#endif  // SEMVEC_DEFINITIONS
