// TEMPORARY stand-in for semvec/knn.hpp (owned by the tsne engineer) so the UMAP tests build before it
// lands. Only used when include/semvec/knn.hpp does not exist (see tests/umap/CMakeLists.txt).
#pragma once
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>
#include "semvec/matrix.hpp"
#include "semvec/result.hpp"
namespace semvec {
enum class Metric { euclidean, cosine };
enum class KnnMethod { automatic, exact, approximate };
struct KnnGraph { std::size_t n = 0; int k = 0; std::vector<int32_t> indices; std::vector<float> distances; };
struct KnnOptions { int k = 15; Metric metric = Metric::euclidean; KnnMethod method = KnnMethod::automatic; unsigned threads = 0; std::uint64_t seed = 42; };
inline Result<KnnGraph> knn(const MatrixView& data, const KnnOptions& o) {
    KnnGraph g; g.n = data.rows(); g.k = o.k;
    const long n = data.rows();
    Matrix X = data;
    if (o.metric == Metric::cosine) for (long i = 0; i < n; ++i) { float nr = X.row(i).norm(); if (nr > 0) X.row(i) /= nr; }
    g.indices.resize(n * o.k); g.distances.resize(n * o.k);
    std::vector<float> d(n); std::vector<int32_t> idx(n);
    for (long i = 0; i < n; ++i) {
        for (long j = 0; j < n; ++j) d[j] = o.metric == Metric::cosine ? 1.0f - X.row(i).dot(X.row(j)) : (X.row(i) - X.row(j)).norm();
        std::iota(idx.begin(), idx.end(), 0);
        std::partial_sort(idx.begin(), idx.begin() + o.k + 1, idx.end(), [&](int a, int b) { return d[a] < d[b] || (d[a] == d[b] && a < b); });
        int c = 0;
        for (int t = 0; t <= o.k && c < o.k; ++t) if (idx[t] != i) { g.indices[i * o.k + c] = idx[t]; g.distances[i * o.k + c] = std::max(d[idx[t]], 0.0f); ++c; }
    }
    return g;
}
}
