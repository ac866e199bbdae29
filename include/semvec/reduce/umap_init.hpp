// semvec/reduce/umap_init.hpp — UMAP's starting layouts: spectral (graph Laplacian), PCA and random.
//
// Spectral: umap-learn takes the eigenvectors of the symmetric normalized Laplacian L = I − D^-½ W D^-½
// for the 2nd..(d+1)th smallest eigenvalues (scipy eigsh, tol 1e-4). Eigen has no sparse eigensolver, so we
// run a thick-restart Lanczos (Krylov–Schur with full re-orthogonalisation, in double) on M = D^-½ W D^-½,
// whose largest eigenvalues are L's smallest; the trivial eigenvector √deg is projected out up front.
// The graph must be connected (as umap-learn, which lays components out separately; we fall back to
// PCA instead, see umap.hpp).
#pragma once

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "semvec/matrix.hpp"
#include "semvec/reduce/umap_graph.hpp"
#include "semvec/util/parallel.hpp"

namespace semvec::detail {

/// splitmix64: seeds the per-vertex generators, and draws the few random numbers of the initialisation.
inline std::uint64_t umap_splitmix(std::uint64_t& s) {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
/// Uniform in [0, 1).
inline double umap_uniform(std::uint64_t& s) { return static_cast<double>(umap_splitmix(s) >> 11) * 0x1.0p-53; }
/// Standard normal (Box–Muller; one value per call keeps the stream simple).
inline double umap_normal(std::uint64_t& s) {
    double u1 = umap_uniform(s);
    const double u2 = umap_uniform(s);
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

/// Statistics of a spectral solve, for tests and benchmarks.
struct UmapSpectralInfo {
    int matvecs = 0;
    int restarts = 0;
    double max_residual = 0;  ///< largest ‖M x − θ x‖ of the returned vectors
    bool converged = false;
};

/// The `dims` leading non-trivial eigenvectors of D^-½ W D^-½ as columns of `out` (n×dims).
/// Returns false (out untouched) when the graph has isolated vertices or the solver breaks down.
inline bool umap_spectral(const UmapCsr& g, int dims, unsigned threads, std::uint64_t seed, Matrix& out,
                          UmapSpectralInfo* info = nullptr, double tol = 1e-4, int max_restarts = 60) {
    using Eigen::Index;
    const Index n = static_cast<Index>(g.rows);
    if (dims < 1 || n < dims + 2) return false;
    Eigen::VectorXd sq(n);
    for (Index i = 0; i < n; ++i) {
        double deg = 0;
        for (std::size_t e = g.row_ptr[i]; e < g.row_ptr[i + 1]; ++e) deg += g.val[e];
        if (!(deg > 0)) return false;
        sq[i] = std::sqrt(deg);
    }
    std::vector<double> wn(g.nnz());
    for (Index i = 0; i < n; ++i)
        for (std::size_t e = g.row_ptr[i]; e < g.row_ptr[i + 1]; ++e) wn[e] = g.val[e] / (sq[i] * sq[g.col[e]]);
    const Eigen::VectorXd v0 = sq / sq.norm();
    auto matvec = [&](const double* x, double* y) {
        parallel_for(static_cast<std::size_t>(n), threads, [&](std::size_t b, std::size_t end, unsigned) {
            for (std::size_t i = b; i < end; ++i) {
                double s = 0;
                for (std::size_t e = g.row_ptr[i]; e < g.row_ptr[i + 1]; ++e) s += wn[e] * x[g.col[e]];
                y[i] = s;
            }
        });
    };
    // Basis size: enough room for clustered eigenvalues (kNN graphs of clustered data have many near 1).
    const Index m = std::min<Index>(n - 1, std::max<Index>(4 * dims + 24, 40));
    const Index keep = std::max<Index>(dims + 1, m / 2);
    Eigen::MatrixXd V(n, m), W(n, m), H = Eigen::MatrixXd::Zero(m, m);
    int matvecs = 0;
    // Orthogonalise x against v0 and the first k basis vectors (twice is enough); returns its norm after.
    auto orthogonalize = [&](Eigen::VectorXd& x, Index k) {
        for (int pass = 0; pass < 2; ++pass) {
            x -= v0 * v0.dot(x);
            if (k > 0) x -= V.leftCols(k) * (V.leftCols(k).transpose() * x);
        }
        return x.norm();
    };
    std::uint64_t rs = seed ^ 0x5bd1e995ULL;
    Eigen::VectorXd r(n);
    for (Index i = 0; i < n; ++i) r[i] = umap_uniform(rs) - 0.5;
    Index k = 0;  // vectors currently in the basis
    Eigen::VectorXd w(n);
    Eigen::MatrixXd X;
    Eigen::VectorXd theta;
    for (int cycle = 0; cycle <= max_restarts; ++cycle) {
        // Expand the basis with the current residual direction r, then Krylov steps.
        while (k < m) {
            double nr = orthogonalize(r, k);
            if (!(nr > 1e-10)) {  // invariant subspace found: continue with a fresh random direction
                for (Index i = 0; i < n; ++i) r[i] = umap_uniform(rs) - 0.5;
                nr = orthogonalize(r, k);
                if (!(nr > 1e-10)) return false;
            }
            V.col(k) = r / nr;
            matvec(V.col(k).data(), w.data());
            ++matvecs;
            W.col(k) = w;
            const Eigen::VectorXd h = V.leftCols(k + 1).transpose() * w;
            H.block(0, k, k + 1, 1) = h;
            H.block(k, 0, 1, k + 1) = h.transpose();
            r = w;
            ++k;
        }
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(H);
        if (es.info() != Eigen::Success) return false;
        // Eigenvalues come ascending: the wanted (largest) ones are at the end.
        Eigen::MatrixXd Y = es.eigenvectors().rightCols(keep).rowwise().reverse();
        theta = es.eigenvalues().tail(keep).reverse();
        X = V * Y;
        const Eigen::MatrixXd WX = W * Y;
        double worst = 0;
        for (int c = 0; c < dims; ++c) worst = std::max(worst, (WX.col(c) - theta[c] * X.col(c)).norm());
        if (info) {
            info->matvecs = matvecs;
            info->restarts = cycle;
            info->max_residual = worst;
        }
        if (!std::isfinite(worst)) return false;
        if (worst < tol || cycle == max_restarts) {
            if (info) info->converged = worst < tol;
            break;
        }
        // Thick restart: keep the leading Ritz vectors; the next direction is the last residual.
        r = WX.col(0) - theta[0] * X.col(0);
        V.leftCols(keep) = X;
        W.leftCols(keep) = WX;
        H.setZero();
        for (Index c = 0; c < keep; ++c) H(c, c) = theta[c];
        k = keep;
    }
    out.resize(n, dims);
    for (Index i = 0; i < n; ++i)
        for (int c = 0; c < dims; ++c) out(i, c) = static_cast<float>(X(i, c));
    return true;
}

/// The first `dims` principal component scores of X (n×D), or false when D < dims.
inline bool umap_pca(const MatrixView& X, int dims, Matrix& out) {
    const Eigen::Index n = X.rows(), D = X.cols();
    if (D < dims || n < 2) return false;
    const Eigen::RowVectorXf mean = X.colwise().mean();
    const Matrix Xc = X.rowwise() - mean;
    const Eigen::MatrixXd C = (Xc.transpose() * Xc).cast<double>();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(C);
    if (es.info() != Eigen::Success) return false;
    const Eigen::MatrixXf P = es.eigenvectors().rightCols(dims).rowwise().reverse().cast<float>();
    out = Xc * P;
    return out.allFinite();
}

/// umap-learn's noisy_scale_coords: scale so that max |x| = 10, then add N(0, 1e-4) noise.
inline void umap_noisy_scale(Matrix& Y, std::uint64_t& rs) {
    const float mx = Y.cwiseAbs().maxCoeff();
    if (mx > 0) Y *= 10.0f / mx;
    for (Eigen::Index i = 0; i < Y.size(); ++i) Y.data()[i] += static_cast<float>(1e-4 * umap_normal(rs));
}

/// Rescale every column to [0, 10] (umap-learn does this just before the SGD, whatever the init).
inline void umap_box10(Matrix& Y) {
    for (Eigen::Index c = 0; c < Y.cols(); ++c) {
        const float lo = Y.col(c).minCoeff(), hi = Y.col(c).maxCoeff();
        const float range = hi - lo;
        if (range > 0) {
            Y.col(c) = (Y.col(c).array() - lo) * (10.0f / range);
        } else {
            Y.col(c).setConstant(5.0f);
        }
    }
}

}  // namespace semvec::detail
