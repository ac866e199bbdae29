// semvec/cluster/hdbscan.hpp — HDBSCAN (Campello, Moulavi & Sander 2013): clusters of any shape and
// number, found as the most persistent dense regions, with the points in sparse regions left as noise (−1).
//
//   semvec::HdbscanOptions o;
//   o.min_cluster_size = 15;
//   auto h = semvec::hdbscan(layout, o);   // Result<HdbscanResult>: labels (−1 = noise), probabilities
//
// The steps, as in the hdbscan library (McInnes, Healy & Astels 2017), which BERTopic runs after UMAP:
// 1. core distance of each point: the distance to its (min_samples − 1)-th nearest other point, from
//    semvec::knn (the point itself counts as the first of min_samples, as in hdbscan and R's dbscan);
// 2. the minimum spanning tree of the mutual-reachability distance max(core(a), core(b), d(a, b)), by Prim's
//    algorithm over all pairs (exact, O(N²) time and O(N) memory; distances in double);
// 3. the single-linkage hierarchy of that tree, condensed: walking down from the root, a split where both sides
//    hold at least min_cluster_size points gives birth to two clusters; a smaller side's points leave the
//    cluster at that density λ = 1 / distance;
// 4. excess-of-mass selection: a cluster's stability is Σ (λ_leave − λ_birth) over its points; going up,
//    a cluster is kept when it is more stable than its descendants together, else they replace it. The root
//    is never a cluster (hdbscan's allow_single_cluster = False);
// 5. each point takes the selected cluster it (or its ancestor cluster) belongs to, else −1; its membership
//    probability is min(λ_leave, λ_max) / λ_max, λ_max the highest λ of a point leaving that cluster or of a
//    child cluster's birth (hdbscan's probabilities_).
// Clusters are numbered in the order of the condensed tree (parents before children, left before right).
// Deterministic: ties in the tree break by point index, and the result does not depend on the thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../config.hpp"
#include "../knn.hpp"
#include "../matrix.hpp"
#include "../result.hpp"

namespace semvec {

/// When the points of a small fragment leave their cluster, for the cluster's stability. The two published
/// implementations differ here; everything else (tree, selection, labels) is the same.
enum class HdbscanStability {
    hdbscan,   ///< the hdbscan library (BERTopic): all points of a fragment smaller than min_cluster_size leave
               ///< at the density where it splits off (Campello et al. 2015)
    r_dbscan,  ///< R's dbscan::hdbscan: each point stays until it is alone, but no longer than its cluster lives
};

/// Options of hdbscan(). Defaults are the hdbscan library's.
struct HdbscanOptions {
    /// Smallest group of points that counts as a cluster (≥ 2). Default 5.
    std::size_t min_cluster_size = 5;
    /// Neighbourhood of the core distance, the point itself included (≥ 1); 0 = min_cluster_size.
    /// Larger values make the clustering more conservative (more noise). Default 0.
    std::size_t min_samples = 0;
    /// Distance: euclidean or cosine (1 − cos). Default euclidean.
    Metric metric = Metric::euclidean;
    /// Which implementation's stability to reproduce. Default hdbscan.
    HdbscanStability stability = HdbscanStability::hdbscan;
    /// Worker threads for the kNN search; 0 = all cores. Default 0. Results do not depend on it.
    unsigned threads = 0;
};

/// One cluster of the condensed tree (selected or not).
struct HdbscanCluster {
    std::int32_t parent = -1;    ///< index of the parent cluster in HdbscanResult::tree, −1 for the root
    double lambda_birth = 0;     ///< 1 / distance at which the cluster appeared (0 for the root)
    std::size_t size = 0;        ///< points when it appeared
    double stability = 0;        ///< Σ (λ_leave − λ_birth) over its points and child clusters' sizes
    std::int32_t label = -1;     ///< its label when selected, else −1
};

/// The result of hdbscan().
struct HdbscanResult {
    std::vector<std::int32_t> labels;  ///< cluster of each point in [0, clusters), −1 = noise
    std::vector<float> probabilities;  ///< membership strength in [0, 1]; 0 for noise
    std::size_t clusters = 0;          ///< number of selected clusters
    std::vector<double> core_distances;  ///< distance to the (min_samples − 1)-th nearest other point
    std::vector<HdbscanCluster> tree;  ///< the condensed tree's clusters, root first
};

/// Clusters the rows of `data` (typically a UMAP layout of 2 to 10 dimensions). Errors
/// (ErrorCode::invalid_argument): no rows or columns, a NaN or infinite value (named by row),
/// min_cluster_size < 2, min_samples ≥ N (the core distance needs min_samples − 1 other points), metric dot.
/// Fewer than min_cluster_size rows give all noise.
SEMVEC_API Result<HdbscanResult> hdbscan(const MatrixView& data, const HdbscanOptions& options = {});

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

namespace semvec {
namespace detail {

using HdbscanRows = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

inline double hdbscan_distance(const double* a, const double* b, std::size_t d, bool cosine) {
    double s = 0;
    if (cosine) {
        for (std::size_t t = 0; t < d; ++t) s += a[t] * b[t];
        return std::max(0.0, 1.0 - s);
    }
    for (std::size_t t = 0; t < d; ++t) {
        const double v = a[t] - b[t];
        s += v * v;
    }
    return std::sqrt(s);
}

struct MstEdge {
    std::int32_t a, b;
    double w;
};

/// Prim's algorithm on the complete mutual-reachability graph: n − 1 edges in the order they were added.
/// A vertex whose current best edge is already below both core distances needs no distance computation.
inline std::vector<MstEdge> hdbscan_prim(const HdbscanRows& x, const std::vector<double>& core, bool cosine) {
    const std::size_t n = static_cast<std::size_t>(x.rows()), d = static_cast<std::size_t>(x.cols());
    std::vector<MstEdge> edges;
    edges.reserve(n ? n - 1 : 0);
    if (n < 2) return edges;
    std::vector<std::int32_t> rest(n - 1), from(n, 0);
    std::iota(rest.begin(), rest.end(), 1);
    std::vector<double> best(n, std::numeric_limits<double>::infinity());
    std::size_t cur = 0;
    while (!rest.empty()) {
        const double* xc = x.data() + cur * d;
        const double cc = core[cur];
        std::size_t arg = 0;
        for (std::size_t r = 0; r < rest.size(); ++r) {
            const std::size_t v = static_cast<std::size_t>(rest[r]);
            const double floor = std::max(cc, core[v]);
            if (floor < best[v]) {
                const double w = std::max(floor, hdbscan_distance(xc, x.data() + v * d, d, cosine));
                if (w < best[v]) { best[v] = w; from[v] = static_cast<std::int32_t>(cur); }
            }
            const std::size_t a = static_cast<std::size_t>(rest[arg]);
            if (best[v] < best[a] || (best[v] == best[a] && v < a)) arg = r;
        }
        const std::size_t next = static_cast<std::size_t>(rest[arg]);
        edges.push_back({from[next], static_cast<std::int32_t>(next), best[next]});
        rest[arg] = rest.back();
        rest.pop_back();
        cur = next;
    }
    return edges;
}

/// A node of the single-linkage dendrogram: ids < n are points, n + i is the i-th merge.
struct LinkageNode {
    std::int32_t left, right;
    double distance;
    std::int32_t size;
};

inline std::vector<LinkageNode> hdbscan_linkage(std::vector<MstEdge> edges, std::size_t n) {
    // Equal weights are common (the mutual reachability is often a core distance): they keep Prim's order,
    // as R's dbscan does (a stable sort), so both build the same hierarchy.
    std::stable_sort(edges.begin(), edges.end(), [](const MstEdge& p, const MstEdge& q) { return p.w < q.w; });
    std::vector<std::int32_t> parent(2 * n), node_of(n);
    std::iota(parent.begin(), parent.end(), 0);
    std::iota(node_of.begin(), node_of.end(), 0);
    auto find = [&](std::int32_t v) {
        while (parent[static_cast<std::size_t>(v)] != v) {
            parent[static_cast<std::size_t>(v)] = parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(v)])];
            v = parent[static_cast<std::size_t>(v)];
        }
        return v;
    };
    std::vector<LinkageNode> nodes;
    nodes.reserve(edges.size());
    std::vector<std::int32_t> size(2 * n, 1);
    for (const MstEdge& e : edges) {
        const std::int32_t ra = find(e.a), rb = find(e.b);
        const std::int32_t id = static_cast<std::int32_t>(n + nodes.size());
        const std::int32_t sz = size[static_cast<std::size_t>(ra)] + size[static_cast<std::size_t>(rb)];
        nodes.push_back({std::min(ra, rb), std::max(ra, rb), e.w, sz});
        size[static_cast<std::size_t>(id)] = sz;
        parent[static_cast<std::size_t>(ra)] = id;
        parent[static_cast<std::size_t>(rb)] = id;
    }
    return nodes;
}

inline double hdbscan_lambda(double distance) {
    return distance > 0 ? 1.0 / distance : std::numeric_limits<double>::infinity();
}

/// λ_a − λ_b where equal infinities (points at distance 0 from each other) differ by 0.
inline double hdbscan_lambda_diff(double a, double b) { return a == b ? 0.0 : a - b; }

}  // namespace detail

SEMVEC_API Result<HdbscanResult> hdbscan(const MatrixView& data, const HdbscanOptions& options) {
    const std::size_t n = static_cast<std::size_t>(data.rows()), d = static_cast<std::size_t>(data.cols());
    if (n == 0) return make_error(ErrorCode::invalid_argument, "hdbscan: the input has no rows");
    if (d == 0) return make_error(ErrorCode::invalid_argument, "hdbscan: the input has zero columns");
    if (options.min_cluster_size < 2)
        return make_error(ErrorCode::invalid_argument, "hdbscan: min_cluster_size must be at least 2, got " +
                                                           std::to_string(options.min_cluster_size));
    if (options.metric != Metric::euclidean && options.metric != Metric::cosine)
        return make_error(ErrorCode::invalid_argument, "hdbscan: the metric must be euclidean or cosine");
    if (n >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max() / 2))
        return make_error(ErrorCode::invalid_argument, "hdbscan: too many rows");
    for (Eigen::Index i = 0; i < data.rows(); ++i)
        for (Eigen::Index j = 0; j < data.cols(); ++j)
            if (!std::isfinite(data(i, j)))
                return make_error(ErrorCode::invalid_argument, "hdbscan: NaN or infinite value at column " + std::to_string(j),
                                  "", "row " + std::to_string(i));
    const std::size_t min_samples = options.min_samples ? options.min_samples : options.min_cluster_size;
    const std::size_t mcs = options.min_cluster_size;
    HdbscanResult out;
    out.labels.assign(n, -1);
    out.probabilities.assign(n, 0.0f);
    out.core_distances.assign(n, 0.0);
    if (n < mcs) {
        out.tree.push_back(HdbscanCluster{-1, 0.0, n, 0.0, -1});
        return out;
    }
    if (min_samples > n)
        return make_error(ErrorCode::invalid_argument, "hdbscan: min_samples = " + std::to_string(min_samples) +
                                                           " needs at least as many points, got " + std::to_string(n));
    const bool cosine = options.metric == Metric::cosine;
    detail::HdbscanRows x = data.cast<double>();
    if (cosine)
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            const double nrm = x.row(i).norm();
            if (nrm > 0) x.row(i) /= nrm;
        }

    // 1. Core distances: the kNN graph gives the neighbour, the distance is re-measured in double.
    if (min_samples > 1) {
        KnnOptions ko;
        ko.k = static_cast<int>(min_samples - 1);
        ko.metric = options.metric;
        ko.method = KnnMethod::exact;
        ko.threads = options.threads;
        auto g = knn(data, ko);
        if (!g) return g.error();
        const std::size_t k = min_samples - 1;
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t j = static_cast<std::size_t>(g->indices[i * k + k - 1]);
            out.core_distances[i] = detail::hdbscan_distance(x.data() + i * d, x.data() + j * d, d, cosine);
        }
    }

    // 2-3. Minimum spanning tree, single linkage, condensed tree.
    const auto nodes = detail::hdbscan_linkage(detail::hdbscan_prim(x, out.core_distances, cosine), n);
    auto size_of = [&](std::int32_t v) {
        return v < static_cast<std::int32_t>(n) ? std::int32_t{1} : nodes[static_cast<std::size_t>(v) - n].size;
    };
    std::vector<double> leave_lambda(n, 0.0);
    std::vector<std::int32_t> leave_from(n, 0);  // condensed cluster each point leaves
    std::vector<HdbscanCluster>& tree = out.tree;
    tree.push_back(HdbscanCluster{-1, 0.0, n, 0.0, -1});
    std::vector<double> max_lambda(1, 0.0);  // highest λ of a row under each cluster (see step 5)
    auto drop_points = [&](std::int32_t subtree, std::int32_t cluster, double lambda) {
        std::vector<std::int32_t> stack{subtree};
        while (!stack.empty()) {
            const std::int32_t v = stack.back();
            stack.pop_back();
            if (v < static_cast<std::int32_t>(n)) {
                leave_lambda[static_cast<std::size_t>(v)] = lambda;
                leave_from[static_cast<std::size_t>(v)] = cluster;
            } else {
                const auto& nd = nodes[static_cast<std::size_t>(v) - n];
                stack.push_back(nd.right);
                stack.push_back(nd.left);
            }
        }
    };
    // Walk down from the root; each stack entry is (dendrogram node, condensed cluster it belongs to).
    std::vector<std::pair<std::int32_t, std::int32_t>> walk{{static_cast<std::int32_t>(2 * n - 2), 0}};
    if (n == 1) walk.clear();
    while (!walk.empty()) {
        const auto [v, c] = walk.back();
        walk.pop_back();
        const auto& nd = nodes[static_cast<std::size_t>(v) - n];
        const double lambda = detail::hdbscan_lambda(nd.distance);
        const bool big_l = static_cast<std::size_t>(size_of(nd.left)) >= mcs;
        const bool big_r = static_cast<std::size_t>(size_of(nd.right)) >= mcs;
        if (big_l && big_r) {
            std::int32_t ids[2];
            for (int s = 0; s < 2; ++s) {
                ids[s] = static_cast<std::int32_t>(tree.size());
                tree.push_back(HdbscanCluster{c, lambda, static_cast<std::size_t>(size_of(s ? nd.right : nd.left)), 0.0, -1});
                max_lambda.push_back(0.0);
            }
            walk.push_back({nd.right, ids[1]});
            walk.push_back({nd.left, ids[0]});
        } else {
            for (std::int32_t child : {nd.left, nd.right}) {
                const bool big = child == nd.left ? big_l : big_r;
                if (big) walk.push_back({child, c});
                else drop_points(child, c, lambda);
            }
        }
    }
    // The walk is depth-first, so children have higher ids than their parents: the selection relies on that.

    // 4. Stability and excess-of-mass selection (children before parents: descending ids).
    // R's variant: a point's λ is where it becomes a singleton, capped by its cluster's death (its split into
    // two clusters; leaves never die).
    std::vector<double> stability_lambda = leave_lambda;
    if (options.stability == HdbscanStability::r_dbscan) {
        std::vector<double> death(tree.size(), std::numeric_limits<double>::infinity());
        for (std::size_t c = 1; c < tree.size(); ++c) death[static_cast<std::size_t>(tree[c].parent)] = tree[c].lambda_birth;
        for (const auto& nd : nodes)
            for (std::int32_t child : {nd.left, nd.right})
                if (child < static_cast<std::int32_t>(n)) {
                    const std::size_t p = static_cast<std::size_t>(child);
                    stability_lambda[p] = std::min(detail::hdbscan_lambda(nd.distance), death[static_cast<std::size_t>(leave_from[p])]);
                }
    }
    for (std::size_t p = 0; p < n; ++p) {
        auto& cl = tree[static_cast<std::size_t>(leave_from[p])];
        cl.stability += detail::hdbscan_lambda_diff(stability_lambda[p], cl.lambda_birth);
        auto& ml = max_lambda[static_cast<std::size_t>(leave_from[p])];
        ml = std::max(ml, leave_lambda[p]);
    }
    for (std::size_t c = 1; c < tree.size(); ++c) {
        auto& parent = tree[static_cast<std::size_t>(tree[c].parent)];
        parent.stability += detail::hdbscan_lambda_diff(tree[c].lambda_birth, parent.lambda_birth) * static_cast<double>(tree[c].size);
    }
    std::vector<double> eom(tree.size());
    std::vector<char> selected(tree.size(), 0);
    std::vector<std::vector<std::int32_t>> children(tree.size());
    for (std::size_t c = 1; c < tree.size(); ++c) children[static_cast<std::size_t>(tree[c].parent)].push_back(static_cast<std::int32_t>(c));
    for (std::size_t c = tree.size(); c-- > 0;) {
        // hdbscan's "death" of a cluster: the highest λ among its direct rows (points and child births).
        for (std::int32_t ch : children[c]) max_lambda[c] = std::max(max_lambda[c], tree[static_cast<std::size_t>(ch)].lambda_birth);
        if (children[c].empty()) {
            eom[c] = tree[c].stability;
            selected[c] = 1;
            continue;
        }
        double sub = 0;
        for (std::int32_t ch : children[c]) sub += eom[static_cast<std::size_t>(ch)];
        if (sub > tree[c].stability || c == 0) {
            eom[c] = sub;
            selected[c] = 0;
        } else {
            eom[c] = tree[c].stability;
            selected[c] = 1;
        }
    }
    // A selected cluster's descendants are not selected (top-down pass), then labels by tree order.
    std::vector<std::int32_t> owner(tree.size(), -1);  // the selected cluster at or above each cluster
    for (std::size_t c = 1; c < tree.size(); ++c) {
        const std::int32_t up = owner[static_cast<std::size_t>(tree[c].parent)];
        if (up >= 0) owner[c] = up;
        else if (selected[c]) owner[c] = static_cast<std::int32_t>(c);
    }
    // Number clusters breadth-first (parents before children, left before right), as hdbscan's tree does.
    std::vector<std::int32_t> order{0};
    for (std::size_t i = 0; i < order.size(); ++i)
        for (std::int32_t ch : children[static_cast<std::size_t>(order[i])]) order.push_back(ch);
    for (std::int32_t c : order)
        if (owner[static_cast<std::size_t>(c)] == c) tree[static_cast<std::size_t>(c)].label = static_cast<std::int32_t>(out.clusters++);

    // 5. Labels and membership probabilities.
    for (std::size_t p = 0; p < n; ++p) {
        const std::int32_t sel = owner[static_cast<std::size_t>(leave_from[p])];
        if (sel < 0) continue;
        out.labels[p] = tree[static_cast<std::size_t>(sel)].label;
        const double ml = max_lambda[static_cast<std::size_t>(sel)];
        const double lp = leave_lambda[p];
        out.probabilities[p] = (ml == 0 || !std::isfinite(lp)) ? 1.0f : static_cast<float>(std::min(lp, ml) / ml);
    }
    return out;
}

}  // namespace semvec
#endif
