// semvec/reduce/tsne_fft.hpp — t-SNE repulsion by FFT-accelerated interpolation (FIt-SNE: Linderman, Rachh,
// Hoskins, Steinerberger & Kluger 2019), in O(N) per iteration for 1-D and 2-D layouts.
//
// This header needs FFTW 3 (Debian: libfftw3-dev; link -lfftw3). tsne.hpp includes it only when
// SEMVEC_WITH_FFTW is defined; the CMake target semvec::semvec defines that and links FFTW when CMake finds
// it. Without it, TsneGradient::fft returns ErrorCode::unsupported and automatic never picks it.
//
// The repulsion of point i needs, with the Cauchy kernel q̃(d) = 1/(1 + d²),
//   Σ_j q̃_ij² (y_i − y_j) = y_i φ₀(y_i) − φ_y(y_i),    φ_t(x) = Σ_j q̃²(x − y_j) c_t(y_j),  charges c = (1, y_j),
// and the normaliser Z = Σ_{i≠j} q̃_ij. Because q̃ = q̃² (1 + d²) and 1 + |y_i − y_j|² = 1 + |y_i|² − 2 y_i·y_j +
// |y_j|², Z = Σ_i [(1 + |y_i|²) φ₀(y_i) − 2 y_i·φ_y(y_i) + φ_{|y|²}(y_i)] − N (the −N removes j = i); and as
// the kernel is symmetric, Σ_i φ_{|y|²}(y_i) = Σ_i |y_i|² φ₀(y_i) (exactly, also for the interpolated sums), so
// Z = Σ_i [(1 + 2|y_i|²) φ₀(y_i) − 2 y_i·φ_y(y_i)] − N: one kernel (q̃²) and D + 1 charges serve everything.
//
// Each φ_t is computed on a regular grid: the bounding square of the layout is cut into boxes of about
// 1/intervals_per_unit wide, each with p equispaced interpolation nodes per dimension (so the nodes of all
// boxes form one regular grid). (1) Spread: each point's charges go to the p^D nodes of its box with the
// Lagrange polynomial weights of its position. (2) Convolve: the node values times the kernel between every
// pair of nodes, a Toeplitz product done as a circular convolution of the zero-padded grid by FFT.
// (3) Gather: each point interpolates φ from the nodes of its box with the same weights.
//
// Determinism: spreading runs per box (each node belongs to one box) over the box's points in index order,
// gathering per point, the FFTs per charge with plans made with FFTW_ESTIMATE (no timing-dependent choice), so
// the result is bit-identical for any thread count. (Wisdom: FFTW may use wisdom that the calling program
// imported or made for the same sizes at a higher planning rigour; a program that does so gets equally
// deterministic, though not the same, rounding.) FFTW's planner is not thread-safe, so plans are made and
// destroyed under one lock (detail::fftw_planner_lock); executing them concurrently on distinct arrays is safe.
#pragma once

#if SEMVEC_DEFINITIONS
#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "../result.hpp"
#include "../util/parallel.hpp"

namespace semvec {
namespace detail {

/// The lock around FFTW's planner (plan creation and destruction), shared by every semvec translation unit.
inline std::mutex& fftw_planner_lock() {
    static std::mutex m;
    return m;
}

/// An array from fftw_malloc (aligned as FFTW's SIMD code wants, so that every array of the same size can be
/// passed to a plan made for another: fftw_execute_dft_r2c and friends require equal alignment).
class FftwArray {
public:
    FftwArray() = default;
    FftwArray(const FftwArray&) = delete;
    FftwArray& operator=(const FftwArray&) = delete;
    ~FftwArray() { fftw_free(p_); }
    /// Makes room for n doubles (contents undefined); keeps the old block when it is large enough.
    bool reserve(std::size_t n) {
        if (n <= size_) return true;
        fftw_free(p_);
        p_ = static_cast<double*>(fftw_malloc(n * sizeof(double)));
        size_ = p_ ? n : 0;
        return p_ != nullptr;
    }
    double* data() const { return p_; }
    fftw_complex* complex() const { return reinterpret_cast<fftw_complex*>(p_); }

private:
    double* p_ = nullptr;
    std::size_t size_ = 0;
};

/// The FFTW plans of one grid size, made and destroyed under the planner lock (FFTW_ESTIMATE: no timing-dependent
/// choice of algorithm). For a grid of m nodes per dimension, zero-padded to L = 2m:
/// - the charges: in-place real-to-complex transforms of an L^D array whose last (contiguous) dimension is
///   padded to L + 2 values. In 2-D the transform is done as rows then columns, "pruned": only the m rows that
///   hold nodes are transformed forward, and only the m rows that are read are transformed back (a quarter less
///   work than a full 2-D transform). Each pass is cut into kParts fixed parts (rows or columns), so that two
///   threads share the D + 1 charges evenly; the parts never depend on the thread count;
/// - the kernel: it is even in every dimension, so its spectrum is real and equals the DCT-I (REDFT00) of its
///   values at offsets 0..m, a transform of (m + 1)^D values instead of L^D.
template <int D>
class FftwPlans {
public:
    static constexpr int kParts = D == 2 ? 2 : 1;

    FftwPlans() = default;
    FftwPlans(const FftwPlans&) = delete;
    FftwPlans& operator=(const FftwPlans&) = delete;
    ~FftwPlans() { reset(); }
    /// Plans for m nodes per dimension, made on `grid` (a charge array) and `kernel` ((m + 1)^D values).
    bool prepare(int m, const FftwArray& grid, const FftwArray& kernel) {
        if (m == m_ && ok()) return true;
        reset();
        std::lock_guard<std::mutex> lock(fftw_planner_lock());
        const int L = 2 * m, row = L + 2, crow = row / 2;
        double* g = grid.data();
        fftw_complex* c = grid.complex();
        if (D == 1) {
            rows_fwd_[0] = fftw_plan_dft_r2c_1d(L, g, c, FFTW_ESTIMATE);
            rows_bwd_[0] = fftw_plan_dft_c2r_1d(L, c, g, FFTW_ESTIMATE);
            kernel_ = fftw_plan_r2r_1d(m + 1, kernel.data(), kernel.data(), FFTW_REDFT00, FFTW_ESTIMATE);
        } else {
            for (int part = 0; part < kParts; ++part) {
                // rows [r0, r1) of the m node rows, each L reals in place → L/2 + 1 complex values
                const int r0 = part_begin(m, part), r1 = part_begin(m, part + 1);
                rows_fwd_[part] = fftw_plan_many_dft_r2c(1, &L, r1 - r0, g + r0 * row, nullptr, 1, row, c + r0 * crow,
                                                         nullptr, 1, crow, FFTW_ESTIMATE);
                rows_bwd_[part] = fftw_plan_many_dft_c2r(1, &L, r1 - r0, c + r0 * crow, nullptr, 1, crow, g + r0 * row,
                                                         nullptr, 1, row, FFTW_ESTIMATE);
                // columns [c0, c1) of the L/2 + 1 complex columns, each of L values with stride crow
                const int c0 = part_begin(crow, part), c1 = part_begin(crow, part + 1);
                cols_fwd_[part] = fftw_plan_many_dft(1, &L, c1 - c0, c + c0, nullptr, crow, 1, c + c0, nullptr, crow, 1,
                                                     FFTW_FORWARD, FFTW_ESTIMATE);
                cols_bwd_[part] = fftw_plan_many_dft(1, &L, c1 - c0, c + c0, nullptr, crow, 1, c + c0, nullptr, crow, 1,
                                                     FFTW_BACKWARD, FFTW_ESTIMATE);
            }
            kernel_ = fftw_plan_r2r_2d(m + 1, m + 1, kernel.data(), kernel.data(), FFTW_REDFT00, FFTW_REDFT00, FFTW_ESTIMATE);
        }
        m_ = m;
        return ok();
    }
    /// First index of part `part` when n items are cut into kParts parts.
    static int part_begin(int n, int part) { return static_cast<int>(static_cast<long long>(n) * part / kParts); }

    /// Row pass, forward, of part `part` (rows m..L−1 must be zero).
    void rows_forward(const FftwArray& a, int part) const {
        const std::size_t r0 = static_cast<std::size_t>(part_begin(m_, part)), row = static_cast<std::size_t>(2 * m_ + 2);
        fftw_execute_dft_r2c(rows_fwd_[part], a.data() + r0 * row, a.complex() + r0 * row / 2);
    }
    /// Column passes (2-D only) of part `part`: forward, then `multiply(c0, c1)` on the spectrum's columns
    /// [c0, c1), then backward.
    template <typename Multiply>
    void columns(const FftwArray& a, int part, Multiply&& multiply) const {
        const int crow = m_ + 1, c0 = part_begin(crow, part), c1 = part_begin(crow, part + 1);
        if (D == 2) fftw_execute_dft(cols_fwd_[part], a.complex() + c0, a.complex() + c0);
        multiply(static_cast<std::size_t>(c0), static_cast<std::size_t>(c1));
        if (D == 2) fftw_execute_dft(cols_bwd_[part], a.complex() + c0, a.complex() + c0);
    }
    /// Row pass, backward, of part `part`; only rows 0..m−1 of the result are valid.
    void rows_backward(const FftwArray& a, int part) const {
        const std::size_t r0 = static_cast<std::size_t>(part_begin(m_, part)), row = static_cast<std::size_t>(2 * m_ + 2);
        fftw_execute_dft_c2r(rows_bwd_[part], a.complex() + r0 * row / 2, a.data() + r0 * row);
    }
    /// The kernel's (real) spectrum at frequencies 0..m per dimension, in place.
    void kernel(const FftwArray& k) const { fftw_execute_r2r(kernel_, k.data(), k.data()); }

private:
    bool ok() const {
        for (int part = 0; part < kParts; ++part)
            if (!rows_fwd_[part] || !rows_bwd_[part] || (D == 2 && (!cols_fwd_[part] || !cols_bwd_[part]))) return false;
        return kernel_ != nullptr;
    }
    void reset() {
        std::lock_guard<std::mutex> lock(fftw_planner_lock());
        for (int part = 0; part < kParts; ++part)
            for (fftw_plan* p : {&rows_fwd_[part], &rows_bwd_[part], &cols_fwd_[part], &cols_bwd_[part]}) {
                if (*p) fftw_destroy_plan(*p);
                *p = nullptr;
            }
        if (kernel_) fftw_destroy_plan(kernel_);
        kernel_ = nullptr;
        m_ = 0;
    }
    fftw_plan rows_fwd_[kParts] = {}, rows_bwd_[kParts] = {}, cols_fwd_[kParts] = {}, cols_bwd_[kParts] = {};
    fftw_plan kernel_ = nullptr;
    int m_ = 0;
};

/// Settings of the interpolation (TsneOptions::fft_*).
struct TsneFftSettings {
    int interpolation_points = 3;   ///< Lagrange nodes per box and dimension
    int min_intervals = 50;         ///< boxes per dimension at least
    double intervals_per_unit = 1;  ///< boxes per unit length of the layout
};

/// The smallest n ≥ target whose prime factors are all ≤ 7 (FFTW is fastest on such sizes).
inline int fft_friendly_size(int target) {
    for (int n = std::max(target, 1);; ++n) {
        int m = n;
        for (int f : {2, 3, 5, 7})
            while (m % f == 0) m /= f;
        if (m == 1) return n;
    }
}

/// Repulsion of a D-dimensional layout (D = 1 or 2) by interpolation on a grid and FFT convolution. Keeps its
/// plans and buffers between calls (the optimiser calls it once per iteration). Not for concurrent use.
template <int D>
class TsneFftRepulsion {
public:
    static constexpr int kTerms = D + 1;  // charges 1, y_1..y_D
    /// Values per grid array at most (2^25 doubles, 256 MiB; kTerms arrays): about 960 boxes per dimension
    /// in 2-D with 3 nodes each, i.e. a layout up to ~960 units wide at the default density.
    static constexpr std::size_t kMaxGrid = std::size_t{1} << 25;

    explicit TsneFftRepulsion(TsneFftSettings s = {}) : s_(s) {}

    /// Writes rep[i·D + d] = Σ_j q̃_ij² (y_i − y_j)_d, and zs[i] such that Σ_i zs[i] = Z = Σ_{i≠j} q̃_ij (both
    /// interpolated; zs[i] itself is not point i's share of Z, see the header comment).
    /// Errors: resource_limit when the layout is so wide that the grid would pass kMaxGrid values per array
    /// (a diverging optimisation), or FFTW could not allocate or plan.
    Status compute(const double* y, std::size_t n, unsigned threads, double* rep, double* zs) {
        const int p = std::max(1, s_.interpolation_points);
        // The bounding cube (a square in 2-D: one spacing for every dimension keeps the kernel isotropic).
        double lo = y[0], hi = y[0];
        for (std::size_t c = 0; c < n * D; ++c) {
            lo = std::min(lo, y[c]);
            hi = std::max(hi, y[c]);
        }
        double span = hi - lo;
        if (!(span > 1e-12)) span = 1e-12;  // all points equal: any box works, the kernel is flat there
        const double want = std::ceil(span * s_.intervals_per_unit);
        const double max_boxes = std::floor(std::pow(static_cast<double>(kMaxGrid), 1.0 / D) / (2.0 * p)) - 8;
        if (!(want <= max_boxes))
            return make_error(ErrorCode::resource_limit,
                              "t-SNE FFT gradient: the layout spans " + std::to_string(span) +
                                  " units, beyond the interpolation grid's bound (" + std::to_string(kMaxGrid) +
                                  " values); lower the learning rate or fft_intervals_per_unit");
        const int boxes = fft_friendly_size(static_cast<int>(std::max<double>(s_.min_intervals, want)));
        const double box_width = span / boxes;
        const int m = boxes * p;  // nodes per dimension
        const int L = 2 * m;      // zero-padded (circulant) size
        const std::size_t row = static_cast<std::size_t>(L + 2);  // padded last dimension of in-place r2c
        std::size_t grid = row;
        for (int d = 1; d < D; ++d) grid *= static_cast<std::size_t>(L);

        for (auto& a : terms_)
            if (!a.reserve(grid)) return make_error(ErrorCode::resource_limit, "t-SNE FFT gradient: out of memory for the grid");
        const std::size_t kernel_size = ipow(static_cast<std::size_t>(m + 1), D);
        if (!kernel_.reserve(kernel_size)) return make_error(ErrorCode::resource_limit, "t-SNE FFT gradient: out of memory for the grid");
        if (!plans_.prepare(m, terms_[0], kernel_))
            return make_error(ErrorCode::internal, "t-SNE FFT gradient: FFTW could not make a plan");

        // Box of each point and its position inside it (in [0, 1] per dimension); points sorted by box.
        std::size_t n_boxes = 1;
        for (int d = 0; d < D; ++d) n_boxes *= static_cast<std::size_t>(boxes);
        box_.resize(n);
        t_.resize(n * D);
        parallel_for(n, threads, [&](std::size_t b, std::size_t e, unsigned) {
            for (std::size_t i = b; i < e; ++i) {
                std::size_t id = 0;
                for (int d = D - 1; d >= 0; --d) {
                    const double u = (y[i * D + d] - lo) / box_width;
                    const int k = std::min(std::max(static_cast<int>(u), 0), boxes - 1);
                    t_[i * D + d] = u - k;
                    id = id * static_cast<std::size_t>(boxes) + static_cast<std::size_t>(k);
                }
                box_[i] = static_cast<std::int64_t>(id);
            }
        });
        box_start_.assign(n_boxes + 1, 0);
        for (std::size_t i = 0; i < n; ++i) ++box_start_[static_cast<std::size_t>(box_[i]) + 1];
        for (std::size_t b = 0; b < n_boxes; ++b) box_start_[b + 1] += box_start_[b];
        order_.resize(n);
        {
            std::vector<std::int64_t> fill(box_start_.begin(), box_start_.end() - 1);
            for (std::size_t i = 0; i < n; ++i)
                order_[static_cast<std::size_t>(fill[static_cast<std::size_t>(box_[i])]++)] = static_cast<std::int32_t>(i);
        }

        // Lagrange basis on the nodes (k + ½)/p of a unit box: w_k(t) = Π_{l≠k} (t − s_l) / (s_k − s_l).
        nodes_.resize(static_cast<std::size_t>(p));
        denom_.resize(static_cast<std::size_t>(p));
        for (int k = 0; k < p; ++k) nodes_[static_cast<std::size_t>(k)] = (k + 0.5) / p;
        for (int k = 0; k < p; ++k) {
            double den = 1.0;
            for (int l = 0; l < p; ++l)
                if (l != k) den *= nodes_[static_cast<std::size_t>(k)] - nodes_[static_cast<std::size_t>(l)];
            denom_[static_cast<std::size_t>(k)] = den;
        }

        // (1) Spread the charges onto the grid, box by box (each node belongs to exactly one box).
        parallel_for(static_cast<std::size_t>(kTerms), threads, [&](std::size_t b, std::size_t e, unsigned) {
            for (std::size_t t = b; t < e; ++t) std::fill(terms_[t].data(), terms_[t].data() + grid, 0.0);
        });
        const std::size_t box_nodes = ipow(static_cast<std::size_t>(p), D);
        parallel_for(n_boxes, threads, [&](std::size_t b0, std::size_t e0, unsigned) {
            std::vector<double> acc(box_nodes * kTerms), w(box_nodes);
            for (std::size_t bx = b0; bx < e0; ++bx) {
                const std::int64_t pb = box_start_[bx], pe = box_start_[bx + 1];
                if (pb == pe) continue;
                std::fill(acc.begin(), acc.end(), 0.0);
                for (std::int64_t q = pb; q < pe; ++q) {
                    const std::size_t i = static_cast<std::size_t>(order_[static_cast<std::size_t>(q)]);
                    weights(&t_[i * D], p, w.data());
                    double c[kTerms];
                    c[0] = 1.0;
                    for (int d = 0; d < D; ++d) c[1 + d] = y[i * D + d];
                    for (std::size_t k = 0; k < box_nodes; ++k)
                        for (int t = 0; t < kTerms; ++t) acc[k * kTerms + static_cast<std::size_t>(t)] += w[k] * c[t];
                }
                for (std::size_t k = 0; k < box_nodes; ++k) {
                    const std::size_t g = grid_index(bx, k, boxes, p, row, L);
                    for (int t = 0; t < kTerms; ++t) terms_[static_cast<std::size_t>(t)].data()[g] = acc[k * kTerms + static_cast<std::size_t>(t)];
                }
            }
        });

        // (2) The kernel q̃² at node offsets 0..m per dimension, its spectrum, and the convolutions (the grid's
        // spectrum times the kernel's, which is real).
        const double h = box_width / p;  // node spacing
        const std::size_t k1 = static_cast<std::size_t>(m + 1);
        parallel_for(D == 2 ? k1 : 1, threads, [&](std::size_t b, std::size_t e, unsigned) {
            for (std::size_t o = b; o < e; ++o) {
                const double off_outer = D == 2 ? static_cast<double>(o) * h : 0.0;
                double* r = kernel_.data() + o * k1;
                for (std::size_t a = 0; a < k1; ++a) {
                    const double off = static_cast<double>(a) * h;
                    const double q = 1.0 / (1.0 + off_outer * off_outer + off * off);
                    // Offset m never occurs between two nodes; 0 there makes this the circulant kernel's spectrum.
                    r[a] = (a == k1 - 1 || (D == 2 && o == k1 - 1)) ? 0.0 : q * q;
                }
            }
        });
        plans_.kernel(kernel_);
        const std::size_t crow = row / 2;  // complex values per row of a spectrum (L/2 + 1 = m + 1)
        const std::size_t spectrum_rows = D == 2 ? static_cast<std::size_t>(L) : 1;
        constexpr std::size_t parts = FftwPlans<D>::kParts;
        const std::size_t tasks = static_cast<std::size_t>(kTerms) * parts;  // (charge, part), fixed
        parallel_for(tasks, threads, [&](std::size_t b, std::size_t e, unsigned) {
            for (std::size_t k = b; k < e; ++k) plans_.rows_forward(terms_[k / parts], static_cast<int>(k % parts));
        });
        parallel_for(tasks, threads, [&](std::size_t b, std::size_t e, unsigned) {
            for (std::size_t k = b; k < e; ++k) {
                fftw_complex* x = terms_[k / parts].complex();
                plans_.columns(terms_[k / parts], static_cast<int>(k % parts), [&](std::size_t c0, std::size_t c1) {
                    for (std::size_t r = 0; r < spectrum_rows; ++r) {
                        const std::size_t kr = std::min(r, static_cast<std::size_t>(L) - r);  // even: row L − r = row r
                        const double* kk = kernel_.data() + (D == 2 ? kr * k1 : 0);
                        fftw_complex* xr = x + r * crow;
                        for (std::size_t c = c0; c < c1; ++c) {
                            xr[c][0] *= kk[c];
                            xr[c][1] *= kk[c];
                        }
                    }
                });
            }
        });
        parallel_for(tasks, threads, [&](std::size_t b, std::size_t e, unsigned) {
            for (std::size_t k = b; k < e; ++k) plans_.rows_backward(terms_[k / parts], static_cast<int>(k % parts));
        });
        double scale = 1.0;  // FFTW's inverse is unnormalised
        for (int d = 0; d < D; ++d) scale /= L;

        // (3) Gather φ at each point and form its repulsion and z_i.
        parallel_for(n, threads, [&](std::size_t b, std::size_t e, unsigned) {
            std::vector<double> w(box_nodes);
            for (std::size_t i = b; i < e; ++i) {
                weights(&t_[i * D], p, w.data());
                double phi[kTerms] = {};
                const std::size_t bx = static_cast<std::size_t>(box_[i]);
                for (std::size_t k = 0; k < box_nodes; ++k) {
                    const std::size_t g = grid_index(bx, k, boxes, p, row, L);
                    for (int t = 0; t < kTerms; ++t) phi[t] += w[k] * terms_[static_cast<std::size_t>(t)].data()[g];
                }
                for (int t = 0; t < kTerms; ++t) phi[t] *= scale;
                double r2 = 0.0, dot = 0.0;
                for (int d = 0; d < D; ++d) {
                    const double v = y[i * D + d];
                    r2 += v * v;
                    dot += v * phi[1 + d];
                    rep[i * D + d] = v * phi[0] - phi[1 + d];
                }
                // Σ_i of this is Z: see the header comment (Σ_i φ_{|y|²}(y_i) = Σ_i |y_i|² φ₀(y_i)).
                zs[i] = (1.0 + 2.0 * r2) * phi[0] - 2.0 * dot - 1.0;
            }
        });
        return {};
    }

private:
    static std::size_t ipow(std::size_t b, int e) {
        std::size_t r = 1;
        for (int i = 0; i < e; ++i) r *= b;
        return r;
    }
    /// Signed node offset of circulant index a (0 ≤ a < L = 2m).
    static double offset(int a, int m, int L) { return a <= m ? a : a - L; }

    /// Tensor-product Lagrange weights of the p^D nodes of a box for the position t (per dimension in [0,1]);
    /// node k = Σ_d k_d p^d.
    void weights(const double* t, int p, double* w) const {
        double wd[D][16];
        for (int d = 0; d < D; ++d)
            for (int k = 0; k < p; ++k) {
                double v = 1.0;
                for (int l = 0; l < p; ++l)
                    if (l != k) v *= t[d] - nodes_[static_cast<std::size_t>(l)];
                wd[d][k] = v / denom_[static_cast<std::size_t>(k)];
            }
        const std::size_t total = ipow(static_cast<std::size_t>(p), D);
        for (std::size_t k = 0; k < total; ++k) {
            double v = 1.0;
            std::size_t r = k;
            for (int d = 0; d < D; ++d) {
                v *= wd[d][r % static_cast<std::size_t>(p)];
                r /= static_cast<std::size_t>(p);
            }
            w[k] = v;
        }
    }

    /// Position in the padded grid array of node k (Σ_d k_d p^d) of box bx (Σ_d b_d boxes^d). Dimension 0 is
    /// the fastest-varying (the padded row of length L + 2).
    static std::size_t grid_index(std::size_t bx, std::size_t k, int boxes, int p, std::size_t row, int L) {
        std::size_t g = 0, stride = 1;
        for (int d = 0; d < D; ++d) {
            const std::size_t node = (bx % static_cast<std::size_t>(boxes)) * static_cast<std::size_t>(p) +
                                     k % static_cast<std::size_t>(p);
            bx /= static_cast<std::size_t>(boxes);
            k /= static_cast<std::size_t>(p);
            g += node * stride;
            stride *= d == 0 ? row : static_cast<std::size_t>(L);
        }
        return g;
    }

    TsneFftSettings s_;
    FftwArray terms_[kTerms];
    FftwArray kernel_;
    FftwPlans<D> plans_;
    std::vector<std::int64_t> box_, box_start_;
    std::vector<std::int32_t> order_;
    std::vector<double> t_, nodes_, denom_;
};

}  // namespace detail
}  // namespace semvec
#endif  // SEMVEC_DEFINITIONS
