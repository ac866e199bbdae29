// semvec/reduce/sne.hpp — the original, asymmetric Stochastic Neighbor Embedding (Hinton & Roweis 2002).
//
// Input affinities p(j|i) are Gaussian, calibrated to a perplexity over ALL other points; the layout uses a
// Gaussian too, q(j|i) = exp(−|y_i − y_j|²) / Σ_k exp(−|y_i − y_k|²). The cost is Σ_i KL(P_i ‖ Q_i) with the
// exact gradient
//   ∂C/∂y_i = 2 Σ_j (p(j|i) − q(j|i) + p(i|j) − q(i|j)) (y_i − y_j).
// Every iteration is O(N²): SNE is meant for small inputs (up to a few thousand points); use tsne() beyond.
// It keeps two dense N×N float matrices, p(j|i) and p(i|j) + p(j|i) (N = 5000: 200 MB); inputs above
// SneOptions::max_points are refused.
//
// Optimiser: gradient descent with momentum (0.5 → 0.8) and per-coordinate gains, as t-SNE uses; a short
// early exaggeration of P helps SNE out of poor local minima the same way it helps t-SNE. Rows are computed
// independently and summed in a fixed order: bit-identical results for a seed, for any thread count.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../config.hpp"
#include "../knn.hpp"
#include "../matrix.hpp"
#include "../result.hpp"
#include "common.hpp"

namespace semvec {

/// Starting layout of SNE.
enum class SneInit {
    pca,     ///< first principal components, scaled so that the first has standard deviation 1e-4
    random,  ///< Gaussian with standard deviation 1e-4
};

/// Options of sne().
struct SneOptions {
    /// Output dimension, 2 or 3 (default 2).
    int dims = 2;
    /// Perplexity of each p(·|i) (default 30). Needs N − 1 ≥ 3·perplexity (as t-SNE, for comparable inputs).
    double perplexity = 30.0;
    /// Iterations (default 500; on digits the cost stops changing after ~300).
    int iterations = 500;
    /// Learning rate (default 0.1). The layout kernel has a fixed unit bandwidth and every row of P sums to
    /// 1, so the curvature of the cost does not depend on N or on the input scale: no automatic rule needed.
    /// Values above ~0.2 diverge with the default exaggeration.
    double learning_rate = 0.1;
    /// Early exaggeration of P (default 4).
    double early_exaggeration = 4.0;
    /// Iterations with early exaggeration (default 100).
    int exaggeration_iterations = 100;
    /// Momentum before momentum_switch_iteration (default 0.5), and after (default 0.8).
    double initial_momentum = 0.5;
    double final_momentum = 0.8;
    /// Iteration at which the momentum switches (default 250).
    int momentum_switch_iteration = 250;
    /// Lower bound of the per-coordinate gains (default 0.01).
    double min_gain = 0.01;
    /// Initial layout (default pca).
    SneInit init = SneInit::pca;
    /// Input metric (default euclidean).
    Metric metric = Metric::euclidean;
    /// Seed of the random init (default 42).
    std::uint64_t seed = 42;
    /// Worker threads; 0 = all hardware threads (default 0). The result does not depend on it.
    unsigned threads = 0;
    /// Largest accepted N (default 10000; memory is 8·N² bytes, 800 MB at the limit).
    std::size_t max_points = 10000;
    /// Called every progress_every iterations with the cost Σ_i KL(P_i‖Q_i) (default none).
    ProgressCallback progress;
    /// Iterations between progress calls (default 50).
    int progress_every = 50;
};

/// SNE of the rows of `data` into N×dims (see the header comment; O(N²) per iteration).
/// Errors: zero columns, NaN/Inf, N − 1 < 3·perplexity, N > max_points, dims not 2/3, "cancelled".
SEMVEC_API Result<Matrix> sne(const MatrixView& data, const SneOptions& o);

/// Convenience overload for an owned matrix.
SEMVEC_API Result<Matrix> sne(const Matrix& data, const SneOptions& o);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "../simd/cpu.hpp"
#include "../util/parallel.hpp"
#include "affinities.hpp"

namespace semvec {

namespace detail {

/// Per-row normaliser state of q(·|i): shift m_i (min squared distance) and 1 / Σ_j exp(−(d_ij − m_i)).
struct SneRowNorm {
    Eigen::ArrayXf shift, inv_sum;
};

/// Squared distances from point i to all points (SoA layout ys[d*n + j]); the self distance is +inf so that
/// exp(−d) gives exactly 0 for it. Eigen vectorises these array expressions (exp included) and sums in a
/// fixed packet order, so results stay deterministic.
template <int D>
inline void sne_row_d2(const float* ys, std::size_t n, std::size_t i, Eigen::ArrayXf& d2) {
    const Eigen::Index nn = static_cast<Eigen::Index>(n);
    d2.setZero(nn);
    for (int d = 0; d < D; ++d) {
        Eigen::Map<const Eigen::ArrayXf> col(ys + static_cast<std::size_t>(d) * n, nn);
        d2 += (col - ys[d * n + i]).square();
    }
    d2[static_cast<Eigen::Index>(i)] = std::numeric_limits<float>::infinity();
}

template <int D>
void sne_row_norms(const float* ys, std::size_t n, unsigned threads, SneRowNorm& rn) {
    rn.shift.resize(static_cast<Eigen::Index>(n));
    rn.inv_sum.resize(static_cast<Eigen::Index>(n));
    parallel_for(n, threads, [&](std::size_t b, std::size_t e, unsigned) {
        Eigen::ArrayXf d2;
        for (std::size_t i = b; i < e; ++i) {
            sne_row_d2<D>(ys, n, i, d2);
            const float m = d2.minCoeff();
            const float sum = (m - d2).exp().sum();
            rn.shift[static_cast<Eigen::Index>(i)] = m;
            rn.inv_sum[static_cast<Eigen::Index>(i)] = 1.0f / std::max(sum, 1e-30f);
        }
    });
}

/// Gradient (∂C/∂y) into grad (row-major N×D); the cost into *cost when set. A = p(j|i) + p(i|j), row-major
/// N×N; ys is the layout in SoA form (D rows of n).
template <int D>
void sne_gradient(const std::vector<float>& A, const std::vector<float>& Pc, const float* ys, std::size_t n,
                  float exaggeration, unsigned threads, SneRowNorm& rn, double* grad, double* cost) {
    sne_row_norms<D>(ys, n, threads, rn);
    std::vector<double> costs(cost ? n : 0);
    const Eigen::Index nn = static_cast<Eigen::Index>(n);
    parallel_for(n, threads, [&](std::size_t b, std::size_t e, unsigned) {
        Eigen::ArrayXf d2, c;
        for (std::size_t i = b; i < e; ++i) {
            sne_row_d2<D>(ys, n, i, d2);
            const float mi = rn.shift[static_cast<Eigen::Index>(i)], si = rn.inv_sum[static_cast<Eigen::Index>(i)];
            Eigen::Map<const Eigen::ArrayXf> a(&A[i * n], nn);
            // q(j|i) + q(i|j); the self term is exp(−inf) = 0.
            c = exaggeration * a - (mi - d2).exp() * si - (rn.shift - d2).exp() * rn.inv_sum;
            for (int d = 0; d < D; ++d) {
                Eigen::Map<const Eigen::ArrayXf> col(ys + static_cast<std::size_t>(d) * n, nn);
                // Σ_j c_ij (y_i − y_j) = y_i Σ c − Σ c y_j
                grad[i * D + d] = 2.0 * (static_cast<double>(ys[d * n + i]) * c.sum() - (c * col).sum());
            }
            if (cost) {
                // KL(P_i ‖ Q_i) = Σ_j p (log p − log q), log q(j|i) = −(d_ij − m_i) + log(inv_sum_i).
                const float* p = &Pc[i * n];
                double kl = 0.0;
                const double logs = std::log(static_cast<double>(si));
                for (std::size_t j = 0; j < n; ++j) {
                    if (j == i || p[j] <= 0.f) continue;
                    kl += p[j] * (std::log(static_cast<double>(p[j])) + (d2[static_cast<Eigen::Index>(j)] - mi) - logs);
                }
                costs[i] = kl;
            }
        }
    });
    if (cost) {
        double c = 0.0;
        for (double v : costs) c += v;
        *cost = c;
    }
}

/// Dense p(j|i) (row-major N×N float) over all other points, calibrated to the perplexity.
inline Result<std::vector<float>> sne_conditional(const MatrixView& data, double perplexity, Metric metric, unsigned threads) {
    const std::size_t n = static_cast<std::size_t>(data.rows());
    Eigen::MatrixXd x = data.cast<double>();
    if (metric == Metric::cosine)
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            const double nr = x.row(i).norm();
            if (nr > 0) x.row(i) /= nr;
        }
    const Eigen::VectorXd norms = x.rowwise().squaredNorm();
    std::vector<float> P(n * n, 0.f);
    parallel_for(n, threads, [&](std::size_t b, std::size_t e, unsigned) {
        std::vector<double> sq(n - 1), out(n - 1);
        for (std::size_t i = b; i < e; ++i) {
            std::size_t c = 0;
            for (std::size_t j = 0; j < n; ++j) {
                if (j == i) continue;
                double s = (x.row(static_cast<Eigen::Index>(i)) - x.row(static_cast<Eigen::Index>(j))).squaredNorm();
                if (metric == Metric::cosine) s = s * s / 4.0;  // (1 − cos)², the squared cosine distance
                sq[c++] = s;
            }
            calibrate_row(sq.data(), static_cast<int>(n - 1), perplexity, out.data());
            c = 0;
            for (std::size_t j = 0; j < n; ++j)
                if (j != i) P[i * n + j] = static_cast<float>(out[c++]);
        }
    });
    (void)norms;
    return P;
}

template <int D>
Result<Matrix> sne_optimize(const std::vector<float>& Pc, std::vector<double> y, std::size_t n, const SneOptions& o) {
    const unsigned threads = resolve_threads(o.threads);
    // A = p(j|i) + p(i|j): constant, symmetric.
    std::vector<float> A(n * n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) A[i * n + j] = Pc[i * n + j] + Pc[j * n + i];
    const double lr = o.learning_rate;
    std::vector<double> grad(n * D), update(n * D, 0.0), gains(n * D, 1.0);
    std::vector<float> yf(n * D);
    SneRowNorm rn;
    for (int it = 0; it < o.iterations; ++it) {
        const float exag = it < o.exaggeration_iterations ? static_cast<float>(o.early_exaggeration) : 1.0f;
        const double mom = it < o.momentum_switch_iteration ? o.initial_momentum : o.final_momentum;
        const bool report = o.progress && o.progress_every > 0 &&
                            ((it + 1) % o.progress_every == 0 || it + 1 == o.iterations);
        double cost = std::numeric_limits<double>::quiet_NaN();
        for (std::size_t i = 0; i < n; ++i)
            for (int d = 0; d < D; ++d) yf[d * n + i] = static_cast<float>(y[i * D + d]);
        sne_gradient<D>(A, Pc, yf.data(), n, exag, threads, rn, grad.data(), report ? &cost : nullptr);
        for (std::size_t c = 0; c < n * D; ++c) {
            const bool same_sign = (grad[c] > 0) == (update[c] > 0);
            gains[c] = same_sign ? std::max(gains[c] * 0.8, o.min_gain) : gains[c] + 0.2;
            update[c] = mom * update[c] - lr * gains[c] * grad[c];
            y[c] += update[c];
        }
        if (report && !o.progress(it + 1, o.iterations, cost)) return make_error("cancelled");
    }
    Matrix out(static_cast<Eigen::Index>(n), D);
    for (std::size_t i = 0; i < n; ++i)
        for (int d = 0; d < D; ++d) {
            if (!std::isfinite(y[i * D + d]))
                return make_error("SNE: the optimisation diverged (non-finite coordinates); lower the learning rate");
            out(static_cast<Eigen::Index>(i), d) = static_cast<float>(y[i * D + d]);
        }
    return out;
}

}  // namespace detail

SEMVEC_API Result<Matrix> sne(const MatrixView& data, const SneOptions& o) {
    SEMVEC_TRY_STATUS(simd::require_cpu());  // cpu_unsupported, not SIGILL (simd/cpu.hpp)
    if (o.dims != 2 && o.dims != 3) return make_error("SNE: dims must be 2 or 3, got " + std::to_string(o.dims));
    if (o.iterations < 0) return make_error("SNE: iterations must be >= 0");
    if (!(o.learning_rate > 0)) return make_error("SNE: learning_rate must be positive");
    SEMVEC_TRY_STATUS(detail::check_distance_metric(o.metric, "SNE"));
    SEMVEC_TRY_STATUS(detail::check_points(data, "SNE"));
    const std::size_t n = static_cast<std::size_t>(data.rows());
    if (!(o.perplexity > 0)) return make_error("SNE: perplexity must be positive");
    if (static_cast<double>(n) - 1.0 < 3.0 * o.perplexity)
        return make_error("SNE: " + std::to_string(n) + " points are too few for perplexity " +
                          std::to_string(o.perplexity) + " (needs N - 1 >= 3 * perplexity); lower the perplexity");
    if (n > o.max_points)
        return make_error("SNE: " + std::to_string(n) + " points exceed max_points = " + std::to_string(o.max_points) +
                          " (SNE is O(N^2) in time and memory; use t-SNE or UMAP)");
    auto Pc = detail::sne_conditional(data, o.perplexity, o.metric, o.threads);
    if (!Pc) return Pc.error();
    std::vector<double> y = detail::initial_layout(data, o.dims, o.init == SneInit::pca, o.seed);
    return o.dims == 2 ? detail::sne_optimize<2>(*Pc, std::move(y), n, o) : detail::sne_optimize<3>(*Pc, std::move(y), n, o);
}

SEMVEC_API Result<Matrix> sne(const Matrix& data, const SneOptions& o) {
    return sne(MatrixView(data.data(), data.rows(), data.cols()), o);
}

}  // namespace semvec
#endif  // SEMVEC_DEFINITIONS
