// semvec/reduce/tsne.hpp — t-SNE (van der Maaten & Hinton 2008) with exact, Barnes-Hut (van der Maaten 2014)
// or FFT-interpolated (FIt-SNE, Linderman et al. 2019; reduce/tsne_fft.hpp) repulsion.
//
// Pipeline: kNN (3·perplexity neighbours) → perplexity-calibrated p(j|i) → symmetric P → gradient descent
// with early exaggeration (12 for 250 iterations), momentum 0.5 → 0.8, per-coordinate gains, and learning
// rate max(N/12, 200) (openTSNE; Belkina et al. 2019).
//
// Gradient convention: like bhtsne (Rtsne) and openTSNE the step uses ∂KL/∂y / 4, i.e.
//   g_i = Σ_j p_ij q̃_ij (y_i − y_j) − (1/Z) Σ_j q̃_ij² (y_i − y_j),   q̃_ij = 1/(1 + |y_i − y_j|²), Z = Σ q̃,
// so learning rates carry over from those tools (scikit-learn's are 4× larger for the same steps).
//
// Repulsion (TsneGradient): exact (O(N²)) for small N, Barnes-Hut (θ = 0.5) on a binary tree / quadtree /
// octree, or interpolation on a regular grid with FFT convolution (1-D and 2-D layouts, O(N); needs FFTW:
// SEMVEC_WITH_FFTW, which the CMake target semvec::semvec defines and links when it finds FFTW). The tree is
// built sequentially; each point's traversal and attraction is independent, the FFT path spreads per box and
// gathers per point, and the normaliser Z is summed in point order, so results are bit-identical for a seed
// **for any thread count**.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "../config.hpp"
#include "../knn.hpp"
#include "../matrix.hpp"
#include "../result.hpp"
#include "affinities.hpp"
#include "common.hpp"

namespace semvec {

/// Starting layout of t-SNE.
enum class TsneInit {
    pca,     ///< first principal components, scaled so that the first has standard deviation 1e-4
    random,  ///< Gaussian with standard deviation 1e-4
};

/// How the repulsive forces are computed. Spelled "auto", "exact", "bh", "fft" on the command line.
enum class TsneGradient {
    automatic,   ///< exact when N ≤ exact_max_n; fft when N ≥ fft_min_n, dims ≤ 2 and FFTW is compiled in
                 ///< (tsne_fft_available()); Barnes-Hut otherwise (tsne_resolve_gradient() says which)
    exact,       ///< O(N²) per iteration; P uses all N − 1 neighbours when N ≤ max(exact_max_n, 1000)
    barnes_hut,  ///< O(N log N) per iteration with TsneOptions::theta
    fft,         ///< O(N) per iteration: interpolation on a grid + FFT convolution (FIt-SNE); dims 1 or 2 and
                 ///< FFTW only: ErrorCode::unsupported otherwise, never a silent substitute
};

/// "auto", "exact", "bh" or "fft".
SEMVEC_API const char* to_string(TsneGradient gradient);

/// The gradient named `name` (as to_string prints it; "automatic" and "barnes_hut" are accepted too);
/// ErrorCode::invalid_argument for other names.
SEMVEC_API Result<TsneGradient> parse_tsne_gradient(std::string_view name);

/// Whether this build has the FFT gradient (compiled with SEMVEC_WITH_FFTW and linked with FFTW 3).
SEMVEC_API bool tsne_fft_available();

/// Options of tsne(). Defaults follow openTSNE / Rtsne (see the header comment).
struct TsneOptions {
    /// Output dimension, 1, 2 or 3 (default 2).
    int dims = 2;
    /// Perplexity, the effective number of neighbours (default 30). Needs N − 1 ≥ 3·perplexity.
    double perplexity = 30.0;
    /// Total iterations including early exaggeration (default 1000).
    int iterations = 1000;
    /// Early exaggeration factor (default 12).
    double early_exaggeration = 12.0;
    /// Iterations with early exaggeration (default 250).
    int exaggeration_iterations = 250;
    /// Learning rate; 0 = max(N / early_exaggeration, 200) (default 0).
    double learning_rate = 0.0;
    /// Momentum during the first momentum_switch_iteration iterations (default 0.5).
    double initial_momentum = 0.5;
    /// Momentum afterwards (default 0.8).
    double final_momentum = 0.8;
    /// Iteration at which the momentum switches (default 250).
    int momentum_switch_iteration = 250;
    /// Lower bound of the per-coordinate gains (default 0.01).
    double min_gain = 0.01;
    /// Barnes-Hut accuracy: a cell is summarised when its width / distance < theta (default 0.5).
    double theta = 0.5;
    /// Repulsion method (default automatic).
    TsneGradient gradient = TsneGradient::automatic;
    /// automatic uses the exact gradient up to this N (default 500; Barnes-Hut is faster above).
    std::size_t exact_max_n = 500;
    /// automatic uses the FFT gradient from this N on, for dims ≤ 2 when FFTW is compiled in (default 20000:
    /// measured on 2 cores, Barnes-Hut takes 15 % less CPU at 10 000 points (mnist10k), FFT 34 % less at
    /// 70 000 (fashion70k); bench/reduce/RESULTS.md).
    std::size_t fft_min_n = 20000;
    /// FFT gradient: Lagrange interpolation nodes per box and dimension, 1 to 8 (default 3, as FIt-SNE).
    int fft_interpolation_points = 3;
    /// FFT gradient: boxes per unit length of the layout (default 1, as FIt-SNE); more is more accurate.
    double fft_intervals_per_unit = 1.0;
    /// FFT gradient: boxes per dimension at least (default 50, as FIt-SNE).
    int fft_min_intervals = 50;
    /// Initial layout (default pca).
    TsneInit init = TsneInit::pca;
    /// Input metric (default euclidean).
    Metric metric = Metric::euclidean;
    /// kNN search method for P (default automatic: exact for small inputs, NN-descent for large).
    KnnMethod knn_method = KnnMethod::automatic;
    /// Seed of the random init and of the approximate kNN (default 42).
    std::uint64_t seed = 42;
    /// Worker threads; 0 = all hardware threads (default 0). The result does not depend on it.
    unsigned threads = 0;
    /// Called every progress_every iterations and at the end with the KL divergence (default none).
    ProgressCallback progress;
    /// Iterations between progress calls (default 50).
    int progress_every = 50;
};

/// The repulsion method tsne() uses for n points with these options (never automatic). Errors
/// (ErrorCode::unsupported): fft asked for with dims 3, or in a build without FFTW.
SEMVEC_API Result<TsneGradient> tsne_resolve_gradient(std::size_t n, const TsneOptions& o);

/// Whether tsne() would use the exact gradient for n points with these options.
SEMVEC_API bool tsne_uses_exact_gradient(std::size_t n, const TsneOptions& o);

/// t-SNE of a precomputed symmetric P (sums to 1), e.g. from tsne_affinities(); `initial` is N×dims or empty
/// for a random start.
SEMVEC_API Result<Matrix> tsne_from_affinities(const SparseAffinities& P, const Matrix& initial, const TsneOptions& o);

/// t-SNE of the rows of `data` (N×D, any D) into N×dims.
/// Errors: zero columns, NaN/Inf, N − 1 < 3·perplexity, dims not 1/2/3, fft unavailable (unsupported),
/// cancellation ("cancelled").
SEMVEC_API Result<Matrix> tsne(const MatrixView& data, const TsneOptions& o);

/// Convenience overload for an owned matrix.
SEMVEC_API Result<Matrix> tsne(const Matrix& data, const TsneOptions& o);

/// KL(P‖Q) of a layout Y (N×dims) for the joint probabilities P, with the exact Q (O(N²); any dims).
SEMVEC_API double tsne_kl_divergence(const SparseAffinities& P, const MatrixView& Y, unsigned threads = 0);

/// KL divergence of a t-SNE layout Y of `data` with P computed as tsne() does (same perplexity and metric).
SEMVEC_API Result<double> tsne_kl_divergence(const MatrixView& data, const MatrixView& Y, double perplexity = 30.0,
                                             Metric metric = Metric::euclidean, unsigned threads = 0);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "../simd/cpu.hpp"
#include "../util/parallel.hpp"
#if defined(SEMVEC_WITH_FFTW)
#include "tsne_fft.hpp"
#endif

namespace semvec {

namespace detail {

/// Quadtree (D = 2) or octree (D = 3) over the embedding, stored flat. Children of a node are contiguous.
template <int D>
struct SpaceTree {
    struct Node {
        double com[D];        ///< centre of mass
        double width2;        ///< squared full width of the (cubic) cell
        std::int32_t count;   ///< points below
        std::int32_t begin;   ///< range in `order`
        std::int32_t first_child = -1;
        std::int32_t children = 0;
    };
    static constexpr int kLeafSize = 8;
    static constexpr int kMaxDepth = 48;
    std::vector<Node> nodes;
    std::vector<std::int32_t> order;     ///< points in tree order
    std::vector<std::int32_t> position;  ///< position of each point in `order`
    std::vector<std::int32_t> scratch;
    std::vector<double> sorted;  ///< positions in tree order: leaf scans read contiguous memory
    std::vector<std::int32_t> leaves;  ///< leaf node ids in tree order

    void build(const double* y, std::size_t n) {
        order.resize(n);
        position.resize(n);
        scratch.resize(n);
        for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::int32_t>(i);
        double lo[D], hi[D];
        for (int d = 0; d < D; ++d) lo[d] = hi[d] = y[d];
        for (std::size_t i = 0; i < n; ++i)
            for (int d = 0; d < D; ++d) {
                lo[d] = std::min(lo[d], y[i * D + d]);
                hi[d] = std::max(hi[d], y[i * D + d]);
            }
        double center[D], half = 0.0;
        for (int d = 0; d < D; ++d) {
            center[d] = 0.5 * (lo[d] + hi[d]);
            half = std::max(half, 0.5 * (hi[d] - lo[d]));
        }
        half = half * (1.0 + 1e-9) + 1e-12;
        nodes.clear();
        nodes.reserve(2 * n / kLeafSize + 16);
        nodes.emplace_back();
        build_node(0, y, 0, static_cast<std::int32_t>(n), center, half, 0);
        leaves.clear();
        for (std::size_t id = 0; id < nodes.size(); ++id)
            if (nodes[id].children == 0) leaves.push_back(static_cast<std::int32_t>(id));
        std::sort(leaves.begin(), leaves.end(), [&](std::int32_t a, std::int32_t b) {
            return nodes[static_cast<std::size_t>(a)].begin < nodes[static_cast<std::size_t>(b)].begin;
        });
        sorted.resize(n * D);
        for (std::size_t p = 0; p < n; ++p) {
            position[static_cast<std::size_t>(order[p])] = static_cast<std::int32_t>(p);
            for (int d = 0; d < D; ++d) sorted[p * D + d] = y[static_cast<std::size_t>(order[p]) * D + d];
        }
    }

    void build_node(std::int32_t id, const double* y, std::int32_t begin, std::int32_t end, const double* center,
                    double half, int depth) {
        {
            Node& nd = nodes[static_cast<std::size_t>(id)];
            nd.begin = begin;
            nd.count = end - begin;
            nd.width2 = 4.0 * half * half;
            for (int d = 0; d < D; ++d) nd.com[d] = 0.0;
            for (std::int32_t p = begin; p < end; ++p)
                for (int d = 0; d < D; ++d) nd.com[d] += y[static_cast<std::size_t>(order[p]) * D + d];
            for (int d = 0; d < D; ++d) nd.com[d] /= nd.count;
        }
        if (end - begin <= kLeafSize || depth >= kMaxDepth) return;
        // Counting sort of the range into the 2^D orthants.
        constexpr int kKids = 1 << D;
        std::int32_t cnt[kKids] = {};
        auto orthant = [&](std::int32_t pt) {
            int o = 0;
            for (int d = 0; d < D; ++d)
                if (y[static_cast<std::size_t>(pt) * D + d] >= center[d]) o |= 1 << d;
            return o;
        };
        for (std::int32_t p = begin; p < end; ++p) ++cnt[orthant(order[p])];
        std::int32_t start[kKids + 1];
        start[0] = begin;
        for (int o = 0; o < kKids; ++o) start[o + 1] = start[o] + cnt[o];
        std::int32_t fill[kKids];
        for (int o = 0; o < kKids; ++o) fill[o] = start[o];
        for (std::int32_t p = begin; p < end; ++p) scratch[static_cast<std::size_t>(fill[orthant(order[p])]++)] = order[p];
        std::copy(scratch.begin() + begin, scratch.begin() + end, order.begin() + begin);
        int kids = 0;
        for (int o = 0; o < kKids; ++o) kids += cnt[o] > 0;
        const std::int32_t first = static_cast<std::int32_t>(nodes.size());
        nodes.resize(nodes.size() + static_cast<std::size_t>(kids));
        nodes[static_cast<std::size_t>(id)].first_child = first;
        nodes[static_cast<std::size_t>(id)].children = kids;
        int c = 0;
        for (int o = 0; o < kKids; ++o) {
            if (!cnt[o]) continue;
            double cc[D];
            for (int d = 0; d < D; ++d) cc[d] = center[d] + ((o >> d) & 1 ? 0.5 : -0.5) * half;
            build_node(first + c, y, start[o], start[o + 1], cc, 0.5 * half, depth + 1);
            ++c;
        }
    }

    /// Repulsion on all points of leaf `leaf_id` at once ("grouped" Barnes-Hut): one traversal serves the
    /// whole leaf. A cell is summarised only when width / (distance from its centre of mass to the leaf's
    /// bounding box) < theta, which implies the per-point criterion for every point of the leaf, so the
    /// approximation is never coarser than per-point Barnes-Hut. Writes z (Σ_{j≠i} q̃) and forces
    /// (Σ_j q̃² (y_i − y_j)) per point, indexed by tree position.
    void repulsion_leaf(std::int32_t leaf_id, double theta2, double* z_out, double* f_out,
                        std::vector<std::int32_t>& stack, std::vector<double>& acc) const {
        const Node& L = nodes[static_cast<std::size_t>(leaf_id)];
        const std::int32_t b = L.begin, m = L.count;
        const double* ys = sorted.data() + static_cast<std::size_t>(b) * D;
        double lo[D], hi[D];
        for (int d = 0; d < D; ++d) lo[d] = hi[d] = ys[d];
        for (std::int32_t p = 1; p < m; ++p)
            for (int d = 0; d < D; ++d) {
                lo[d] = std::min(lo[d], ys[p * D + d]);
                hi[d] = std::max(hi[d], ys[p * D + d]);
            }
        acc.assign(static_cast<std::size_t>(m) * (D + 1), 0.0);  // per point: z, f[D]
        double* a = acc.data();
        stack.clear();
        stack.push_back(0);
        while (!stack.empty()) {
            const Node& nd = nodes[static_cast<std::size_t>(stack.back())];
            stack.pop_back();
            const bool contains = b >= nd.begin && b < nd.begin + nd.count;  // an ancestor of the leaf, or it
            if (!contains) {
                double dmin2 = 0.0;
                for (int d = 0; d < D; ++d) {
                    const double g = std::max(std::max(lo[d] - nd.com[d], nd.com[d] - hi[d]), 0.0);
                    dmin2 += g * g;
                }
                if (nd.width2 < theta2 * dmin2) {
                    const double cnt = nd.count;
                    for (std::int32_t p = 0; p < m; ++p) {
                        double dx[D], d2 = 0.0;
                        for (int d = 0; d < D; ++d) {
                            dx[d] = ys[p * D + d] - nd.com[d];
                            d2 += dx[d] * dx[d];
                        }
                        const double q = 1.0 / (1.0 + d2);
                        const double w = cnt * q;
                        double* ap = a + static_cast<std::size_t>(p) * (D + 1);
                        ap[0] += w;
                        for (int d = 0; d < D; ++d) ap[1 + d] += w * q * dx[d];
                    }
                    continue;
                }
            }
            if (nd.children == 0) {
                const double* yj0 = sorted.data() + static_cast<std::size_t>(nd.begin) * D;
                for (std::int32_t p = 0; p < m; ++p) {
                    double* ap = a + static_cast<std::size_t>(p) * (D + 1);
                    for (std::int32_t t = 0; t < nd.count; ++t) {
                        if (nd.begin + t == b + p) continue;  // self
                        double dx[D], d2 = 0.0;
                        for (int d = 0; d < D; ++d) {
                            dx[d] = ys[p * D + d] - yj0[t * D + d];
                            d2 += dx[d] * dx[d];
                        }
                        const double q = 1.0 / (1.0 + d2);
                        ap[0] += q;
                        for (int d = 0; d < D; ++d) ap[1 + d] += q * q * dx[d];
                    }
                }
            } else {
                for (std::int32_t c = nd.children - 1; c >= 0; --c) stack.push_back(nd.first_child + c);
            }
        }
        for (std::int32_t p = 0; p < m; ++p) {
            const double* ap = a + static_cast<std::size_t>(p) * (D + 1);
            z_out[b + p] = ap[0];
            for (int d = 0; d < D; ++d) f_out[static_cast<std::size_t>(b + p) * D + d] = ap[1 + d];
        }
    }

    /// Repulsion on point i: adds Σ_j q̃² (y_i − y_j) to force and returns Σ_{j≠i} q̃_ij.
    double repulsion(const double* y, std::int32_t i, double theta2, double* force, std::vector<std::int32_t>& stack) const {
        const double* yi = y + static_cast<std::size_t>(i) * D;
        const std::int32_t pos = position[static_cast<std::size_t>(i)];
        double z = 0.0, f[D] = {};
        stack.clear();
        stack.push_back(0);
        while (!stack.empty()) {
            const Node& nd = nodes[static_cast<std::size_t>(stack.back())];
            stack.pop_back();
            const bool contains = pos >= nd.begin && pos < nd.begin + nd.count;
            if (!contains) {
                double dx[D], d2 = 0.0;
                for (int d = 0; d < D; ++d) {
                    dx[d] = yi[d] - nd.com[d];
                    d2 += dx[d] * dx[d];
                }
                if (nd.width2 < theta2 * d2) {  // far enough: the cell acts as one mass at its centre
                    const double q = 1.0 / (1.0 + d2);
                    const double m = nd.count * q;
                    z += m;
                    for (int d = 0; d < D; ++d) f[d] += m * q * dx[d];
                    continue;
                }
            }
            if (nd.children == 0) {
                for (std::int32_t p = nd.begin; p < nd.begin + nd.count; ++p) {
                    if (p == pos) continue;
                    const double* yj = sorted.data() + static_cast<std::size_t>(p) * D;
                    double dx[D], d2 = 0.0;
                    for (int d = 0; d < D; ++d) {
                        dx[d] = yi[d] - yj[d];
                        d2 += dx[d] * dx[d];
                    }
                    const double q = 1.0 / (1.0 + d2);
                    z += q;
                    for (int d = 0; d < D; ++d) f[d] += q * q * dx[d];
                }
            } else {
                for (std::int32_t c = nd.children - 1; c >= 0; --c) stack.push_back(nd.first_child + c);
            }
        }
        for (int d = 0; d < D; ++d) force[d] = f[d];
        return z;
    }
};

#if !defined(SEMVEC_WITH_FFTW)
/// Without FFTW there is no FFT repulsion; tsne_resolve_gradient() refuses TsneGradient::fft before this is
/// reached, and compute() says why if it ever is.
struct TsneFftSettings {
    int interpolation_points = 3;
    int min_intervals = 50;
    double intervals_per_unit = 1;
};
template <int D>
class TsneFftRepulsion {
public:
    explicit TsneFftRepulsion(TsneFftSettings = {}) {}
    Status compute(const double*, std::size_t, unsigned, double*, double*) {
        return make_error(ErrorCode::unsupported, "t-SNE: the FFT gradient is not compiled in (needs SEMVEC_WITH_FFTW and FFTW 3)");
    }
};
#endif

/// The state of the repulsion between iterations: the resolved method and its reusable tree or grid.
template <int D>
struct TsneRepulsion {
    TsneGradient method = TsneGradient::barnes_hut;  ///< exact, barnes_hut or fft (resolved)
    double theta = 0.5;                              ///< Barnes-Hut accuracy
    TsneFftSettings fft_settings;
    SpaceTree<D> tree;
    std::unique_ptr<TsneFftRepulsion<D>> fft;
    std::vector<double> rep, zs;  ///< per point: Σ_j q̃² (y_i − y_j), Σ_{j≠i} q̃

    /// Fills rep and zs for the layout y.
    Status compute(const double* y, std::size_t n, unsigned threads) {
        rep.assign(n * D, 0.0);
        zs.assign(n, 0.0);
        if (method == TsneGradient::exact) {
            parallel_for(n, threads, [&](std::size_t b, std::size_t e, unsigned) {
                for (std::size_t i = b; i < e; ++i) {
                    double z = 0.0, f[D] = {};
                    const double* yi = y + i * D;
                    for (std::size_t j = 0; j < n; ++j) {
                        if (j == i) continue;
                        double dx[D], d2 = 0.0;
                        for (int d = 0; d < D; ++d) {
                            dx[d] = yi[d] - y[j * D + d];
                            d2 += dx[d] * dx[d];
                        }
                        const double q = 1.0 / (1.0 + d2);
                        z += q;
                        for (int d = 0; d < D; ++d) f[d] += q * q * dx[d];
                    }
                    zs[i] = z;
                    for (int d = 0; d < D; ++d) rep[i * D + d] = f[d];
                }
            });
            return {};
        }
        if (method == TsneGradient::fft) {
            if (!fft) fft = std::make_unique<TsneFftRepulsion<D>>(fft_settings);
            return fft->compute(y, n, threads, rep.data(), zs.data());
        }
        tree.build(y, n);
        const double theta2 = theta * theta;
        // One traversal per leaf (≤ kLeafSize points); results land at tree positions, then are scattered.
        std::vector<double> zpos(n), fpos(n * D);
        parallel_for(tree.leaves.size(), threads, [&](std::size_t b, std::size_t e, unsigned) {
            std::vector<std::int32_t> stack;
            std::vector<double> acc;
            stack.reserve(256);
            for (std::size_t l = b; l < e; ++l) tree.repulsion_leaf(tree.leaves[l], theta2, zpos.data(), fpos.data(), stack, acc);
        });
        for (std::size_t p = 0; p < n; ++p) {
            const std::size_t i = static_cast<std::size_t>(tree.order[p]);
            zs[i] = zpos[p];
            for (int d = 0; d < D; ++d) rep[i * D + d] = fpos[p * D + d];
        }
        return {};
    }
};

/// Computes the step gradient (see header) into grad; returns Z. When kl_out is set, writes KL(P‖Q) there.
template <int D>
Result<double> tsne_gradient(const SparseAffinities& P, const double* y, std::size_t n, double exaggeration,
                             TsneRepulsion<D>& repulsion, unsigned threads, double* grad, double* kl_out) {
    SEMVEC_TRY_STATUS(repulsion.compute(y, n, threads));
    const std::vector<double>& rep = repulsion.rep;
    const std::vector<double>& zs = repulsion.zs;
    double Z = 0.0;
    for (std::size_t i = 0; i < n; ++i) Z += zs[i];  // fixed order: deterministic for any thread count
    const double invZ = 1.0 / Z;
    std::vector<double> kl_rows(kl_out ? n : 0);
    parallel_for(n, threads, [&](std::size_t b, std::size_t e, unsigned) {
        for (std::size_t i = b; i < e; ++i) {
            double f[D] = {}, kl = 0.0;
            const double* yi = y + i * D;
            for (std::int64_t q = P.row_ptr[i]; q < P.row_ptr[i + 1]; ++q) {
                const std::size_t j = static_cast<std::size_t>(P.col[static_cast<std::size_t>(q)]);
                double dx[D], d2 = 0.0;
                for (int d = 0; d < D; ++d) {
                    dx[d] = yi[d] - y[j * D + d];
                    d2 += dx[d] * dx[d];
                }
                const double qt = 1.0 / (1.0 + d2);
                const double p = P.val[static_cast<std::size_t>(q)];
                const double m = exaggeration * p * qt;
                for (int d = 0; d < D; ++d) f[d] += m * dx[d];
                if (kl_out && p > 0) kl += p * std::log(std::max(p, 1e-300) / std::max(qt * invZ, 1e-300));
            }
            for (int d = 0; d < D; ++d) grad[i * D + d] = f[d] - rep[i * D + d] * invZ;
            if (kl_out) kl_rows[i] = kl;
        }
    });
    if (kl_out) {
        double kl = 0.0;
        for (double v : kl_rows) kl += v;
        *kl_out = kl;
    }
    return Z;
}

inline Status check_tsne_options(const TsneOptions& o) {
    if (o.dims < 1 || o.dims > 3) return make_error("t-SNE: dims must be 1, 2 or 3, got " + std::to_string(o.dims));
    if (o.iterations < 0) return make_error("t-SNE: iterations must be >= 0");
    if (!(o.theta >= 0)) return make_error("t-SNE: theta must be >= 0");
    if (!(o.learning_rate >= 0)) return make_error("t-SNE: learning_rate must be >= 0 (0 = automatic)");
    if (o.fft_interpolation_points < 1 || o.fft_interpolation_points > 8)
        return make_error("t-SNE: fft_interpolation_points must be in [1, 8], got " + std::to_string(o.fft_interpolation_points));
    if (!(o.fft_intervals_per_unit > 0) || !std::isfinite(o.fft_intervals_per_unit))
        return make_error("t-SNE: fft_intervals_per_unit must be > 0");
    if (o.fft_min_intervals < 1 || o.fft_min_intervals > 10000)
        return make_error("t-SNE: fft_min_intervals must be in [1, 10000], got " + std::to_string(o.fft_min_intervals));
    return {};
}

template <int D>
Result<Matrix> tsne_optimize(const SparseAffinities& P, std::vector<double> y, const TsneOptions& o, TsneGradient method) {
    const std::size_t n = P.n;
    const unsigned threads = resolve_threads(o.threads);
    const double lr = o.learning_rate > 0 ? o.learning_rate
                                          : std::max(static_cast<double>(n) / std::max(1.0, o.early_exaggeration), 200.0);
    std::vector<double> grad(n * D), update(n * D, 0.0), gains(n * D, 1.0);
    TsneRepulsion<D> repulsion;
    repulsion.method = method;
    repulsion.theta = o.theta;
    repulsion.fft_settings.interpolation_points = o.fft_interpolation_points;
    repulsion.fft_settings.min_intervals = o.fft_min_intervals;
    repulsion.fft_settings.intervals_per_unit = o.fft_intervals_per_unit;
    for (int it = 0; it < o.iterations; ++it) {
        const double exag = it < o.exaggeration_iterations ? o.early_exaggeration : 1.0;
        const double mom = it < o.momentum_switch_iteration ? o.initial_momentum : o.final_momentum;
        const bool report = o.progress && o.progress_every > 0 &&
                            ((it + 1) % o.progress_every == 0 || it + 1 == o.iterations);
        double kl = std::numeric_limits<double>::quiet_NaN();
        auto z = tsne_gradient<D>(P, y.data(), n, exag, repulsion, threads, grad.data(), report ? &kl : nullptr);
        if (!z) return z.error();
        for (std::size_t c = 0; c < n * D; ++c) {
            const bool same_sign = (grad[c] > 0) == (update[c] > 0);
            gains[c] = same_sign ? std::max(gains[c] * 0.8, o.min_gain) : gains[c] + 0.2;
            update[c] = mom * update[c] - lr * gains[c] * grad[c];
            y[c] += update[c];
        }
        double mean[D] = {};
        for (std::size_t i = 0; i < n; ++i)
            for (int d = 0; d < D; ++d) mean[d] += y[i * D + d];
        for (int d = 0; d < D; ++d) mean[d] /= static_cast<double>(n);
        for (std::size_t i = 0; i < n; ++i)
            for (int d = 0; d < D; ++d) y[i * D + d] -= mean[d];
        if (report) {
            // During exaggeration the reported KL is of the exaggerated P (as openTSNE does), i.e. not comparable.
            if (!o.progress(it + 1, o.iterations, kl)) return make_error(ErrorCode::cancelled, "cancelled");
        }
    }
    for (double v : y)
        if (!std::isfinite(v)) return make_error("t-SNE: the optimisation diverged (non-finite coordinates); lower the learning rate");
    Matrix out(static_cast<Eigen::Index>(n), D);
    for (std::size_t i = 0; i < n; ++i)
        for (int d = 0; d < D; ++d) out(static_cast<Eigen::Index>(i), d) = static_cast<float>(y[i * D + d]);
    return out;
}

inline Result<Matrix> tsne_optimize_dims(const SparseAffinities& P, std::vector<double> y, const TsneOptions& o,
                                         TsneGradient method) {
    switch (o.dims) {
        case 1: return tsne_optimize<1>(P, std::move(y), o, method);
        case 2: return tsne_optimize<2>(P, std::move(y), o, method);
        default: return tsne_optimize<3>(P, std::move(y), o, method);
    }
}

}  // namespace detail

SEMVEC_API const char* to_string(TsneGradient gradient) {
    switch (gradient) {
        case TsneGradient::automatic: return "auto";
        case TsneGradient::exact: return "exact";
        case TsneGradient::barnes_hut: return "bh";
        case TsneGradient::fft: return "fft";
    }
    return "?";
}

SEMVEC_API Result<TsneGradient> parse_tsne_gradient(std::string_view name) {
    for (TsneGradient g : {TsneGradient::automatic, TsneGradient::exact, TsneGradient::barnes_hut, TsneGradient::fft})
        if (name == to_string(g)) return g;
    if (name == "automatic") return TsneGradient::automatic;
    if (name == "barnes_hut") return TsneGradient::barnes_hut;
    return make_error(ErrorCode::invalid_argument,
                      "unknown t-SNE gradient '" + std::string(name) + "' (auto, exact, bh or fft)");
}

SEMVEC_API bool tsne_fft_available() {
#if defined(SEMVEC_WITH_FFTW)
    return true;
#else
    return false;
#endif
}

SEMVEC_API Result<TsneGradient> tsne_resolve_gradient(std::size_t n, const TsneOptions& o) {
    switch (o.gradient) {
        case TsneGradient::exact: return TsneGradient::exact;
        case TsneGradient::barnes_hut: return o.theta == 0.0 ? TsneGradient::exact : TsneGradient::barnes_hut;
        case TsneGradient::fft:
            if (o.dims > 2)
                return make_error(ErrorCode::unsupported, "t-SNE: the FFT gradient is for 1-D and 2-D layouts, got dims " +
                                                              std::to_string(o.dims) + " (use bh or exact)");
            if (!tsne_fft_available())
                return make_error(ErrorCode::unsupported,
                                  "t-SNE: the FFT gradient is not compiled in: build with SEMVEC_WITH_FFTW and link "
                                  "FFTW 3 (-lfftw3; the CMake target semvec::semvec does both when it finds FFTW), "
                                  "or use bh or exact");
            return TsneGradient::fft;
        case TsneGradient::automatic: break;
    }
    if (n <= o.exact_max_n) return TsneGradient::exact;
    if (n >= o.fft_min_n && o.dims <= 2 && tsne_fft_available()) return TsneGradient::fft;
    return o.theta == 0.0 ? TsneGradient::exact : TsneGradient::barnes_hut;
}

SEMVEC_API bool tsne_uses_exact_gradient(std::size_t n, const TsneOptions& o) {
    auto g = tsne_resolve_gradient(n, o);
    return g && *g == TsneGradient::exact;
}

SEMVEC_API Result<Matrix> tsne_from_affinities(const SparseAffinities& P, const Matrix& initial, const TsneOptions& o) {
    SEMVEC_TRY_STATUS(detail::check_tsne_options(o));
    const std::size_t n = P.n;
    auto method = tsne_resolve_gradient(n, o);
    if (!method) return method.error();
    std::vector<double> y(n * static_cast<std::size_t>(o.dims));
    if (initial.size() == 0) {
        detail::Random rng(o.seed);
        for (auto& v : y) v = rng.normal() * 1e-4;
    } else {
        if (static_cast<std::size_t>(initial.rows()) != n || initial.cols() != o.dims)
            return make_error("t-SNE: initial layout must be N x dims");
        for (std::size_t i = 0; i < n; ++i)
            for (int d = 0; d < o.dims; ++d) y[i * o.dims + d] = initial(static_cast<Eigen::Index>(i), d);
    }
    return detail::tsne_optimize_dims(P, std::move(y), o, *method);
}

SEMVEC_API Result<Matrix> tsne(const MatrixView& data, const TsneOptions& o) {
    SEMVEC_TRY_STATUS(simd::require_cpu());  // cpu_unsupported, not SIGILL (simd/cpu.hpp)
    SEMVEC_TRY_STATUS(detail::check_tsne_options(o));
    SEMVEC_TRY_STATUS(detail::check_distance_metric(o.metric, "t-SNE"));
    SEMVEC_TRY_STATUS(detail::check_points(data, "t-SNE"));
    const std::size_t n = static_cast<std::size_t>(data.rows());
    auto method = tsne_resolve_gradient(n, o);
    if (!method) return method.error();
    // Small inputs calibrate P on all N − 1 neighbours (the textbook exact t-SNE); larger ones use the kNN
    // graph even with the exact gradient, so that memory stays O(N·perplexity).
    const bool all_neighbours = *method == TsneGradient::exact && n <= std::max<std::size_t>(o.exact_max_n, 1000);
    auto P = tsne_affinities(data, o.perplexity, o.metric, o.knn_method, o.threads, o.seed, all_neighbours);
    if (!P) return P.error();
    std::vector<double> y = detail::initial_layout(data, o.dims, o.init == TsneInit::pca, o.seed);
    return detail::tsne_optimize_dims(*P, std::move(y), o, *method);
}

SEMVEC_API Result<Matrix> tsne(const Matrix& data, const TsneOptions& o) {
    return tsne(MatrixView(data.data(), data.rows(), data.cols()), o);
}

SEMVEC_API double tsne_kl_divergence(const SparseAffinities& P, const MatrixView& Y, unsigned threads) {
    const std::size_t n = P.n;
    const Eigen::Index dims = Y.cols();
    std::vector<double> zs(n, 0.0), kl(n, 0.0);
    parallel_for(n, threads, [&](std::size_t b, std::size_t e, unsigned) {
        for (std::size_t i = b; i < e; ++i) {
            double z = 0.0;
            for (std::size_t j = 0; j < n; ++j) {
                if (j == i) continue;
                double d2 = 0.0;
                for (Eigen::Index d = 0; d < dims; ++d) {
                    const double v = static_cast<double>(Y(static_cast<Eigen::Index>(i), d)) - Y(static_cast<Eigen::Index>(j), d);
                    d2 += v * v;
                }
                z += 1.0 / (1.0 + d2);
            }
            zs[i] = z;
        }
    });
    double Z = 0.0;
    for (double z : zs) Z += z;
    parallel_for(n, threads, [&](std::size_t b, std::size_t e, unsigned) {
        for (std::size_t i = b; i < e; ++i)
            for (std::int64_t q = P.row_ptr[i]; q < P.row_ptr[i + 1]; ++q) {
                const double p = P.val[static_cast<std::size_t>(q)];
                if (p <= 0) continue;
                const std::size_t j = static_cast<std::size_t>(P.col[static_cast<std::size_t>(q)]);
                double d2 = 0.0;
                for (Eigen::Index d = 0; d < dims; ++d) {
                    const double v = static_cast<double>(Y(static_cast<Eigen::Index>(i), d)) - Y(static_cast<Eigen::Index>(j), d);
                    d2 += v * v;
                }
                kl[i] += p * std::log(p / std::max(1.0 / (1.0 + d2) / Z, 1e-300));
            }
    });
    double total = 0.0;
    for (double v : kl) total += v;
    return total;
}

SEMVEC_API Result<double> tsne_kl_divergence(const MatrixView& data, const MatrixView& Y, double perplexity,
                                             Metric metric, unsigned threads) {
    if (Y.rows() != data.rows()) return make_error("tsne_kl_divergence: X and Y have different numbers of rows");
    SEMVEC_TRY_STATUS(detail::check_distance_metric(metric, "tsne_kl_divergence"));
    SEMVEC_TRY_STATUS(detail::check_points(data, "tsne_kl_divergence"));
    auto P = tsne_affinities(data, perplexity, metric, KnnMethod::exact, threads, 42, false);
    if (!P) return P.error();
    return tsne_kl_divergence(*P, Y, threads);
}

}  // namespace semvec
#endif  // SEMVEC_DEFINITIONS
