// UMAP: kernel fit, smooth-kNN, spectral init, quality on digits, determinism, transform and bad input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <vector>

#include "../test_support.hpp"
#include "semvec/reduce/umap.hpp"

namespace {

struct Digits {
    semvec::Matrix X;
    std::vector<int> y;
};

const Digits& digits() {
    static Digits d = [] {
        Digits out;
        const std::string xb = semvec_test::read_file(semvec_test::data_path("umap/digits_X.u8"));
        const std::string yb = semvec_test::read_file(semvec_test::data_path("umap/digits_y.u8"));
        REQUIRE(xb.size() == 1797u * 64u);
        REQUIRE(yb.size() == 1797u);
        out.X.resize(1797, 64);
        for (std::size_t i = 0; i < xb.size(); ++i) out.X.data()[i] = static_cast<unsigned char>(xb[i]);
        for (char c : yb) out.y.push_back(static_cast<unsigned char>(c));
        return out;
    }();
    return d;
}

semvec::MatrixView view(const semvec::Matrix& m) { return semvec::MatrixView(m.data(), m.rows(), m.cols()); }

// Trustworthiness as scikit-learn defines it (Venna & Kaski), exact, O(N²).
double trustworthiness(const semvec::Matrix& X, const semvec::Matrix& Y, int k) {
    const Eigen::Index n = X.rows();
    std::vector<int> rank(n);
    std::vector<float> d(n);
    std::vector<int> order(n);
    double sum = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < n; ++j) d[j] = (X.row(i) - X.row(j)).squaredNorm();
        d[i] = -1;  // self first
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return d[a] < d[b]; });
        for (Eigen::Index r = 0; r < n; ++r) rank[order[r]] = static_cast<int>(r);  // self has rank 0
        for (Eigen::Index j = 0; j < n; ++j) d[j] = (Y.row(i) - Y.row(j)).squaredNorm();
        d[i] = -1;
        std::iota(order.begin(), order.end(), 0);
        std::partial_sort(order.begin(), order.begin() + k + 1, order.end(),
                          [&](int a, int b) { return d[a] < d[b] || (d[a] == d[b] && a < b); });
        for (int t = 1; t <= k; ++t) sum += std::max(0, rank[order[t]] - k);
    }
    return 1.0 - sum * (2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)));
}

// Fraction of points whose label equals the majority of their k nearest neighbours in `emb` (among `ref`).
double knn_label_accuracy(const semvec::Matrix& ref, const std::vector<int>& ref_y, const semvec::Matrix& q,
                          const std::vector<int>& q_y, int k) {
    int good = 0;
    std::vector<std::pair<float, int>> c(ref.rows());
    for (Eigen::Index i = 0; i < q.rows(); ++i) {
        for (Eigen::Index j = 0; j < ref.rows(); ++j) c[j] = {(q.row(i) - ref.row(j)).squaredNorm(), static_cast<int>(j)};
        std::partial_sort(c.begin(), c.begin() + k, c.end());
        int votes[10] = {0};
        for (int t = 0; t < k; ++t) ++votes[ref_y[c[t].second]];
        good += (std::max_element(votes, votes + 10) - votes) == q_y[i] ? 1 : 0;
    }
    return static_cast<double>(good) / q.rows();
}

}  // namespace

TEST_CASE("The kernel's a and b match umap-learn's curve fit") {
    struct Case { double spread, min_dist, a, b; };
    const Case cases[] = {{1.0, 0.1, 1.5769434601962196, 0.8950608779914887},
                          {1.0, 0.001, 1.9290733952004866, 0.7915045329560677},
                          {2.0, 0.5, 0.25887874119038884, 1.057499699581397},
                          {1.0, 0.0, 1.9328083975546724, 0.7904949734010681}};
    for (const auto& c : cases) {
        const auto ab = semvec::detail::umap_find_ab(c.spread, c.min_dist);
        CHECK(ab.first == Approx(c.a).epsilon(1e-4));
        CHECK(ab.second == Approx(c.b).epsilon(1e-4));
    }
}

TEST_CASE("Smooth-kNN sigma and rho match umap-learn, duplicates included") {
    // umap-learn smooth_knn_dist(d, k=5) on rows [0 (self), n1..n4]; row 3 has a duplicate neighbour.
    const float rows[3][5] = {{0.0f, 0.5448831915855408f, 0.54881352186203f, 0.6027633547782898f, 0.7151893377304077f},
                              {0.0f, 0.4375872015953064f, 0.6458941102027893f, 0.891772985458374f, 0.9636627435684204f},
                              {0.0f, 0.0f, 0.5680445432662964f, 0.7917250394821167f, 0.9255966544151306f}};
    const double sigma_ref[3] = {0.0546722412109375, 0.45770263671875, 0.1512451171875};
    const double rho_ref[3] = {0.5448831915855408, 0.4375872015953064, 0.5680445432662964};
    double total = 0;
    for (const auto& r : rows)
        for (float v : r) total += v;
    for (int i = 0; i < 3; ++i) {
        double mean = 0;
        for (float v : rows[i]) mean += v;
        float sigma, rho;
        semvec::detail::umap_smooth_knn_one(rows[i] + 1, 4, rows[i] + 1, 4, mean / 5, total / 15, 5.0, 1.0, sigma, rho);
        CHECK(sigma == Approx(sigma_ref[i]).epsilon(1e-5));
        CHECK(rho == Approx(rho_ref[i]).epsilon(1e-6));
    }
}

TEST_CASE("The fuzzy union is symmetric with values in (0, 1]") {
    const int32_t idx[] = {1, 2, 0, 2, 0, 1, 2, 1};
    const std::vector<float> w = {1.0f, 0.5f, 0.25f, 1.0f, 1.0f, 0.5f, 0.3f, 0.2f};
    const auto g = semvec::detail::umap_fuzzy_union(idx, w, 4, 2);
    auto at = [&](int r, int c) {
        for (std::size_t e = g.row_ptr[r]; e < g.row_ptr[r + 1]; ++e)
            if (g.col[e] == c) return g.val[e];
        return 0.0f;
    };
    CHECK(at(0, 1) == Approx(1.0f + 0.25f - 0.25f));
    CHECK(at(0, 2) == Approx(0.5f + 1.0f - 0.5f));
    CHECK(at(3, 2) == Approx(0.3f));
    CHECK(at(2, 3) == Approx(0.3f));
    for (int r = 0; r < 4; ++r)
        for (int c = 0; c < 4; ++c) CHECK(at(r, c) == at(c, r));
}

TEST_CASE("UMAP on digits reaches trustworthiness@10 >= 0.98 with spectral init", "[concurrency]") {
    const auto& d = digits();
    semvec::UmapOptions opt;
    opt.threads = 2;
    const auto t0 = std::chrono::steady_clock::now();
    auto model = semvec::umap_fit(view(d.X), opt);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    REQUIRE(model.ok());
    CHECK(model->init_used == "spectral");
    CHECK(model->options.epochs == 500);
    const auto& Y = model->embedding;
    REQUIRE(Y.rows() == 1797);
    REQUIRE(Y.cols() == 2);
    REQUIRE(Y.allFinite());
    const double t = trustworthiness(d.X, Y, 10);
    const double acc = knn_label_accuracy(Y, d.y, Y, d.y, 11);  // self included as one of 11 votes
    std::printf("umap digits: %.2f s, trustworthiness@10 %.4f, 10-NN label accuracy %.4f\n", secs, t, acc);
    CHECK(t >= 0.98);
    CHECK(acc >= 0.95);
}

TEST_CASE("The spectral solver converges on the digits graph") {
    const auto& d = digits();
    semvec::KnnOptions ko;
    ko.k = 14;
    auto g = semvec::knn(view(d.X), ko);
    REQUIRE(g.ok());
    const auto w = semvec::detail::umap_membership(g->indices.data(), g->distances.data(), g->n, 14, true, 1.0, 2);
    auto graph = semvec::detail::umap_fuzzy_union(g->indices.data(), w, g->n, 14);
    semvec::detail::umap_prune(graph, 500);
    REQUIRE(semvec::detail::umap_components(graph) == 1);
    semvec::Matrix Y;
    semvec::detail::UmapSpectralInfo info;
    REQUIRE(semvec::detail::umap_spectral(graph, 2, 2, 42, Y, &info));
    std::printf("spectral digits: %d matvecs, %d restarts, residual %.2e\n", info.matvecs, info.restarts,
                info.max_residual);
    CHECK(info.converged);
    CHECK(info.max_residual < 1e-4);
}

TEST_CASE("The same seed gives bit-identical maps for 1 and 2 threads, and another seed differs", "[concurrency]") {
    const auto& d = digits();
    const semvec::Matrix X = d.X.topRows(600);
    semvec::UmapOptions opt;
    opt.epochs = 60;
    opt.threads = 1;
    auto a = semvec::umap(view(X), opt);
    opt.threads = 2;
    auto b = semvec::umap(view(X), opt);
    auto c = semvec::umap(view(X), opt);
    opt.seed = 7;
    auto e = semvec::umap(view(X), opt);
    REQUIRE((a.ok() && b.ok() && c.ok() && e.ok()));
    CHECK((*a).cwiseEqual(*b).all());
    CHECK((*b).cwiseEqual(*c).all());
    CHECK(!(*a).cwiseEqual(*e).all());
}

TEST_CASE("UMAP supports any output dimension and every init", "[concurrency]") {
    const auto& d = digits();
    const semvec::Matrix X = d.X.topRows(400);
    for (int dims : {1, 3, 5}) {
        for (auto init : {semvec::UmapInit::spectral, semvec::UmapInit::pca, semvec::UmapInit::random}) {
            semvec::UmapOptions opt;
            opt.dims = dims;
            opt.epochs = 50;
            opt.init = init;
            opt.threads = 2;
            auto m = semvec::umap_fit(view(X), opt);
            REQUIRE(m.ok());
            CHECK(m->embedding.rows() == 400);
            CHECK(m->embedding.cols() == dims);
            CHECK(m->embedding.allFinite());
        }
    }
}

TEST_CASE("A disconnected graph falls back to PCA init and still separates the parts", "[concurrency]") {
    // Two far-apart clouds: the kNN graph has two components.
    semvec::Matrix X(120, 5);
    std::uint64_t s = 3;
    for (Eigen::Index i = 0; i < X.rows(); ++i)
        for (Eigen::Index j = 0; j < X.cols(); ++j)
            X(i, j) = static_cast<float>(semvec::detail::umap_normal(s) + (i < 60 ? 0.0 : 100.0));
    semvec::UmapOptions opt;
    opt.n_neighbors = 10;
    opt.threads = 2;
    auto m = semvec::umap_fit(view(X), opt);
    REQUIRE(m.ok());
    CHECK(m->init_used == "pca (graph has 2 components)");
    REQUIRE(m->embedding.allFinite());
    const Eigen::RowVectorXf c0 = m->embedding.topRows(60).colwise().mean();
    const Eigen::RowVectorXf c1 = m->embedding.bottomRows(60).colwise().mean();
    CHECK((c0 - c1).norm() > 3.0f);
}

TEST_CASE("Duplicate points do not produce NaN") {
    semvec::Matrix X(200, 4);
    for (Eigen::Index i = 0; i < X.rows(); ++i)
        for (Eigen::Index j = 0; j < X.cols(); ++j) X(i, j) = static_cast<float>((i % 7) * (j + 1));  // 7 distinct rows
    semvec::UmapOptions opt;
    opt.epochs = 50;
    auto y = semvec::umap(view(X), opt);
    REQUIRE(y.ok());
    CHECK(y->allFinite());
    semvec::Matrix same = semvec::Matrix::Constant(30, 3, 1.5f);  // all identical
    auto z = semvec::umap(view(same), opt);
    REQUIRE(z.ok());
    CHECK(z->allFinite());
}

TEST_CASE("Bad input gives clear errors") {
    semvec::Matrix small = semvec::Matrix::Random(10, 4);
    auto r = semvec::umap(view(small));
    REQUIRE(!r.ok());
    CHECK(r.error().what().find("too few for n_neighbors = 15") != std::string::npos);

    semvec::Matrix bad = semvec::Matrix::Random(40, 4);
    bad(17, 2) = std::nanf("");
    r = semvec::umap(view(bad));
    REQUIRE(!r.ok());
    CHECK(r.error().item == "row 17");
    bad(17, 2) = INFINITY;
    CHECK(!semvec::umap(view(bad)).ok());

    semvec::Matrix nocols(40, 0);
    r = semvec::umap(view(nocols));
    REQUIRE(!r.ok());
    CHECK(r.error().what().find("zero dimensions") != std::string::npos);

    semvec::Matrix ok = semvec::Matrix::Random(40, 4);
    semvec::UmapOptions opt;
    opt.dims = 0;
    CHECK(!semvec::umap(view(ok), opt).ok());
    opt = {};
    opt.min_dist = 2.0f;
    CHECK(!semvec::umap(view(ok), opt).ok());
    opt = {};
    opt.n_neighbors = 1;
    CHECK(!semvec::umap(view(ok), opt).ok());
}

TEST_CASE("The progress callback sees every epoch and can cancel") {
    semvec::Matrix X = semvec::Matrix::Random(100, 6);
    semvec::UmapOptions opt;
    opt.epochs = 30;
    int calls = 0, last = 0;
    opt.progress = [&](int it, int total, double kl) {
        ++calls;
        last = it;
        CHECK(total == 30);
        CHECK(std::isnan(kl));
        return true;
    };
    REQUIRE(semvec::umap(view(X), opt).ok());
    CHECK(calls == 30);
    CHECK(last == 30);
    opt.progress = [&](int it, int, double) { return it < 5; };
    auto r = semvec::umap(view(X), opt);
    REQUIRE(!r.ok());
    CHECK(r.error().what().find("cancelled") != std::string::npos);
}

TEST_CASE("transform() places held-out digits next to their own class", "[concurrency]") {
    const auto& d = digits();
    const semvec::Matrix train = d.X.topRows(1400), test = d.X.bottomRows(397);
    const std::vector<int> ytr(d.y.begin(), d.y.begin() + 1400), yte(d.y.begin() + 1400, d.y.end());
    semvec::UmapOptions opt;
    opt.threads = 2;
    opt.epochs = 200;
    auto model = semvec::umap_fit(view(train), opt);
    REQUIRE(model.ok());
    semvec::UmapTransformOptions to;
    to.threads = 1;
    auto y1 = semvec::umap_transform(*model, view(test), to);
    to.threads = 2;
    auto y2 = semvec::umap_transform(*model, view(test), to);
    REQUIRE((y1.ok() && y2.ok()));
    CHECK((*y1).cwiseEqual(*y2).all());
    REQUIRE(y1->allFinite());
    const double acc = knn_label_accuracy(model->embedding, ytr, *y1, yte, 10);
    std::printf("umap transform: held-out 10-NN label accuracy %.4f\n", acc);
    CHECK(acc >= 0.9);
    semvec::Matrix wrong = semvec::Matrix::Zero(3, 5);
    CHECK(!semvec::umap_transform(*model, view(wrong)).ok());
}

TEST_CASE("The parallel SGD engine is bit-identical for 1 and 2 threads and keeps digits trustworthy", "[concurrency]") {
    const auto& d = digits();
    semvec::UmapOptions opt;
    opt.parallel_sgd = true;
    opt.threads = 1;
    auto a = semvec::umap(view(d.X), opt);
    opt.threads = 2;
    auto b = semvec::umap(view(d.X), opt);
    REQUIRE((a.ok() && b.ok()));
    CHECK((*a).cwiseEqual(*b).all());
    const double t = trustworthiness(d.X, *b, 10);
    std::printf("umap digits (parallel_sgd): trustworthiness@10 %.4f\n", t);
    CHECK(t >= 0.98);
}

TEST_CASE("Cosine distances and a zero negative sample rate give finite maps") {
    const auto& d = digits();
    const semvec::Matrix X = d.X.topRows(300);
    semvec::UmapOptions opt;
    opt.metric = semvec::Metric::cosine;
    opt.epochs = 40;
    auto y = semvec::umap(view(X), opt);
    REQUIRE(y.ok());
    CHECK(y->allFinite());
    opt.metric = semvec::Metric::euclidean;
    opt.negative_sample_rate = 0;
    for (bool par : {false, true}) {
        opt.parallel_sgd = par;
        auto z = semvec::umap(view(X), opt);
        REQUIRE(z.ok());
        CHECK(z->allFinite());
    }
}
