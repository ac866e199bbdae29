// semvec/reduce/umap_graph.hpp — UMAP's fuzzy simplicial set: smooth-kNN distances and the fuzzy union.
//
// Follows umap-learn (smooth_knn_dist, compute_membership_strengths, fuzzy_simplicial_set) closely so
// that the graph, and hence the layout, has the same meaning. umap-learn's neighbour lists include the
// point itself at distance 0; ours (semvec::knn) exclude it, so every formula below adds that implicit
// zero back where umap-learn would see it (k_total = stored neighbours + 1).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "semvec/util/parallel.hpp"

namespace semvec::detail {

/// A sparse N×M matrix in compressed rows (row_ptr has N+1 entries; columns ascending within a row).
struct UmapCsr {
    std::size_t rows = 0, cols = 0;
    std::vector<std::size_t> row_ptr;
    std::vector<int32_t> col;
    std::vector<float> val;
    std::size_t nnz() const { return col.size(); }
};

/// σ and ρ of one point from its neighbour distances (ascending).
///
/// `d` holds the distances umap-learn would loop over (it skips column 0 of its lists, which for fit() is
/// the point itself); `mean_d` the mean of the full row as umap-learn computes it; `rho_d` the list used for
/// ρ (the non-zero distances are taken from it); `k_target` is umap-learn's `k` (log2(k) is the target).
inline void umap_smooth_knn_one(const float* d, int nd, const float* rho_d, int nrho, double mean_d,
                                double global_mean, double k_target, double local_connectivity, float& sigma_out,
                                float& rho_out) {
    constexpr double kTolerance = 1e-5, kMinScale = 1e-3;
    constexpr int kIterations = 64;
    const double target = std::log2(k_target);
    // ρ: distance to the local_connectivity-th non-zero neighbour (interpolated).
    double rho = 0;
    int nonzero = 0;
    for (int j = 0; j < nrho; ++j) nonzero += rho_d[j] > 0 ? 1 : 0;
    auto nz = [&](int idx) {  // idx-th non-zero distance (rows are ascending, so zeros come first)
        return static_cast<double>(rho_d[nrho - nonzero + idx]);
    };
    if (nonzero >= local_connectivity) {
        const int index = static_cast<int>(std::floor(local_connectivity));
        const double interpolation = local_connectivity - index;
        if (index > 0) {
            rho = nz(index - 1);
            if (interpolation > kTolerance) rho += interpolation * (nz(index) - nz(index - 1));
        } else if (nonzero > 0) {
            rho = interpolation * nz(0);
        }
    } else if (nonzero > 0) {
        rho = nz(nonzero - 1);
    }
    double lo = 0, hi = std::numeric_limits<double>::infinity(), mid = 1;
    for (int it = 0; it < kIterations; ++it) {
        double psum = 0;
        for (int j = 0; j < nd; ++j) {
            const double x = d[j] - rho;
            psum += x > 0 ? std::exp(-(x / mid)) : 1.0;
        }
        if (std::fabs(psum - target) < kTolerance) break;
        if (psum > target) {
            hi = mid;
            mid = (lo + hi) / 2;
        } else {
            lo = mid;
            mid = std::isinf(hi) ? mid * 2 : (lo + hi) / 2;
        }
    }
    double sigma = mid;
    const double floor_scale = rho > 0 ? kMinScale * mean_d : kMinScale * global_mean;
    if (sigma < floor_scale) sigma = floor_scale;
    sigma_out = static_cast<float>(sigma);
    rho_out = static_cast<float>(rho);
}

/// Directed membership strengths exp(-(d - ρ)/σ) of a kNN graph given as n×k (self excluded, ascending).
/// `self_in_lists` tells whether umap-learn's lists would have held the point itself first (fit: yes;
/// transform: no). Writes n×k weights.
inline std::vector<float> umap_membership(const int32_t* /*indices*/, const float* dist, std::size_t n, int k,
                                          bool self_in_lists, double local_connectivity, unsigned threads) {
    // umap-learn's global mean covers its whole distance matrix, self zeros included.
    double total = 0;
    for (std::size_t i = 0; i < n * static_cast<std::size_t>(k); ++i) total += dist[i];
    const int k_full = self_in_lists ? k + 1 : k;
    const double global_mean = n > 0 ? total / (static_cast<double>(n) * k_full) : 0.0;
    std::vector<float> w(n * static_cast<std::size_t>(k));
    parallel_for(n, threads, [&](std::size_t begin, std::size_t end, unsigned) {
        for (std::size_t i = begin; i < end; ++i) {
            const float* row = dist + i * k;
            double s = 0;
            for (int j = 0; j < k; ++j) s += row[j];
            const double mean_d = s / k_full;
            float sigma, rho;
            // fit: umap-learn loops j = 1..k over [self, n1..nk] → our whole row.
            // transform: it loops j = 1..k-1 over [n1..nk] → our row without its first entry.
            const float* d = self_in_lists ? row : row + 1;
            const int nd = self_in_lists ? k : k - 1;
            umap_smooth_knn_one(d, nd, row, k, mean_d, global_mean, static_cast<double>(k_full), local_connectivity,
                                sigma, rho);
            for (int j = 0; j < k; ++j) {
                const double x = static_cast<double>(row[j]) - rho;
                w[i * k + j] = (x <= 0 || sigma == 0) ? 1.0f : static_cast<float>(std::exp(-(x / sigma)));
            }
        }
    });
    return w;
}

/// The fuzzy union A + Aᵀ − A∘Aᵀ of the directed kNN memberships, as a symmetric CSR without zeros.
inline UmapCsr umap_fuzzy_union(const int32_t* indices, const std::vector<float>& w, std::size_t n, int k) {
    // Forward rows sorted by column; transposed rows come out sorted because we fill them by ascending i.
    std::vector<std::pair<int32_t, float>> fwd(n * static_cast<std::size_t>(k));
    std::vector<std::size_t> tcount(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
        auto* r = &fwd[i * k];
        for (int j = 0; j < k; ++j) r[j] = {indices[i * k + j], w[i * k + j]};
        std::sort(r, r + k, [](const auto& x, const auto& y) { return x.first < y.first; });
        for (int j = 0; j < k; ++j)
            if (r[j].first >= 0 && static_cast<std::size_t>(r[j].first) != i) ++tcount[r[j].first + 1];
    }
    for (std::size_t i = 0; i < n; ++i) tcount[i + 1] += tcount[i];
    std::vector<std::pair<int32_t, float>> tr(tcount[n]);
    {
        std::vector<std::size_t> fill(tcount.begin(), tcount.end() - 1);
        for (std::size_t i = 0; i < n; ++i)
            for (int j = 0; j < k; ++j) {
                const auto& e = fwd[i * k + j];
                if (e.first >= 0 && static_cast<std::size_t>(e.first) != i)
                    tr[fill[e.first]++] = {static_cast<int32_t>(i), e.second};
            }
    }
    UmapCsr g;
    g.rows = g.cols = n;
    g.row_ptr.assign(n + 1, 0);
    g.col.reserve(n * k * 3 / 2);
    g.val.reserve(n * k * 3 / 2);
    for (std::size_t i = 0; i < n; ++i) {
        const auto* a = &fwd[i * k];
        std::size_t pa = 0, pb = tcount[i];
        const std::size_t ea = static_cast<std::size_t>(k), eb = tcount[i + 1];
        auto push = [&](int32_t c, float v) {
            if (v > 0 && c >= 0 && static_cast<std::size_t>(c) != i) {
                if (!g.col.empty() && g.col.size() > g.row_ptr[i] && g.col.back() == c) {
                    // a duplicate column in one kNN row: keep the larger membership
                    g.val.back() = std::max(g.val.back(), v);
                } else {
                    g.col.push_back(c);
                    g.val.push_back(v);
                }
            }
        };
        while (pa < ea || pb < eb) {
            if (pb >= eb || (pa < ea && a[pa].first < tr[pb].first)) {
                push(a[pa].first, a[pa].second);
                ++pa;
            } else if (pa >= ea || tr[pb].first < a[pa].first) {
                push(tr[pb].first, tr[pb].second);
                ++pb;
            } else {
                const float x = a[pa].second, y = tr[pb].second;
                push(a[pa].first, x + y - x * y);
                ++pa;
                ++pb;
            }
        }
        g.row_ptr[i + 1] = g.col.size();
    }
    return g;
}

/// Drops the edges below max/n_epochs (they would never be sampled), as umap-learn does before layout.
inline void umap_prune(UmapCsr& g, int n_epochs) {
    float mx = 0;
    for (float v : g.val) mx = std::max(mx, v);
    const float cut = mx / static_cast<float>(n_epochs);
    std::size_t out = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i < g.rows; ++i) {
        const std::size_t end = g.row_ptr[i + 1];
        for (std::size_t e = start; e < end; ++e)
            if (!(g.val[e] < cut)) {
                g.col[out] = g.col[e];
                g.val[out] = g.val[e];
                ++out;
            }
        start = end;
        g.row_ptr[i + 1] = out;
    }
    g.col.resize(out);
    g.val.resize(out);
}

/// Number of connected components of a symmetric graph (union-find).
inline int umap_components(const UmapCsr& g) {
    std::vector<int32_t> parent(g.rows);
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](int32_t x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    };
    int comps = static_cast<int>(g.rows);
    for (std::size_t i = 0; i < g.rows; ++i)
        for (std::size_t e = g.row_ptr[i]; e < g.row_ptr[i + 1]; ++e) {
            const int32_t a = find(static_cast<int32_t>(i)), b = find(g.col[e]);
            if (a != b) {
                parent[std::max(a, b)] = std::min(a, b);
                --comps;
            }
        }
    return comps;
}

}  // namespace semvec::detail
