// Tests of semvec/index: compressed embeddings (int8, binary, Matryoshka) and the ANN index (build, add,
// search, filtered search, save/load, malformed files, determinism across thread counts).
#include <catch2/catch.hpp>

#include <semvec/index/index.hpp>
#include <semvec/index/quantize.hpp>
#include <semvec/search.hpp>

#include <cstdint>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "../test_support.hpp"

namespace {

/// N points in `clusters` Gaussian clusters in D dimensions (deterministic).
semvec::Matrix clustered(std::size_t n, std::size_t d, std::size_t clusters, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.0f, 1.0f);
    semvec::Matrix centers(static_cast<Eigen::Index>(clusters), static_cast<Eigen::Index>(d));
    for (Eigen::Index i = 0; i < centers.size(); ++i) centers.data()[i] = g(rng);
    semvec::Matrix x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < d; ++j)
            x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
                centers(static_cast<Eigen::Index>(i % clusters), static_cast<Eigen::Index>(j)) + 0.6f * g(rng);
    return x;
}

/// Mean fraction of the exact top-k (top_k(), cosine) that `hits` found.
double recall(const std::vector<std::vector<semvec::Hit>>& hits, const semvec::Matrix& queries,
              const semvec::Matrix& corpus, std::size_t k) {
    semvec::TopKOptions o;
    o.k = k;
    auto exact = semvec::top_k(queries, corpus, o);
    REQUIRE(exact);
    double found = 0;
    for (std::size_t q = 0; q < hits.size(); ++q) {
        std::set<std::size_t> truth;
        for (const auto& h : (*exact)[q]) truth.insert(h.index);
        for (const auto& h : hits[q]) found += truth.count(h.index);
    }
    return found / static_cast<double>(hits.size() * k);
}

bool same_hits(const std::vector<std::vector<semvec::Hit>>& a, const std::vector<std::vector<semvec::Hit>>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t q = 0; q < a.size(); ++q) {
        if (a[q].size() != b[q].size()) return false;
        for (std::size_t i = 0; i < a[q].size(); ++i)
            if (a[q][i].index != b[q][i].index || std::memcmp(&a[q][i].score, &b[q][i].score, 4) != 0) return false;
    }
    return true;
}

}  // namespace

TEST_CASE("int8 quantization follows sentence-transformers' formula and decodes within one step", "[index][quantize]") {
    semvec::Matrix x(3, 2);
    x << 0.0f, 1.0f,  //
        0.5f, -1.0f,  //
        1.0f, 0.0f;
    auto r = semvec::int8_ranges(x);
    REQUIRE(r);
    CHECK(r->start[0] == 0.0f);
    CHECK(r->step[0] == Approx(1.0f / 255.0f));
    auto q = semvec::quantize_int8(x, *r);
    REQUIRE(q);
    CHECK(q->row(0)[0] == -128);  // the minimum
    // The maximum: (1 − 0) / (1/255) − 128 in float32 is 126.99998, truncated to 126, as numpy gives it.
    CHECK(q->row(2)[0] == static_cast<std::int8_t>((1.0f - 0.0f) / r->step[0] - 128.0f));
    CHECK(q->row(1)[0] == static_cast<std::int8_t>(0.5f / (1.0f / 255.0f) - 128.0f));  // truncation, as numpy's astype
    const semvec::Matrix back = semvec::dequantize_int8(*q, *r);
    for (Eigen::Index i = 0; i < x.size(); ++i) CHECK(std::abs(back.data()[i] - x.data()[i]) <= 2.0f / 255.0f + 1e-6f);
    // Outside the calibrated range: clamped, not wrapped.
    semvec::Matrix far(1, 2);
    far << 9.0f, -9.0f;
    auto f = semvec::quantize_int8(far, *r);
    REQUIRE(f);
    CHECK(f->row(0)[0] == 127);
    CHECK(f->row(0)[1] == -128);
}

TEST_CASE("int8 quantization refuses NaN, mismatched ranges and empty calibration", "[index][quantize]") {
    semvec::Matrix x(1, 2);
    x << 1.0f, std::numeric_limits<float>::quiet_NaN();
    auto r = semvec::int8_ranges(x);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == semvec::ErrorCode::invalid_argument);
    CHECK_THAT(r.error().message, Catch::Contains("row 0, column 1"));
    CHECK_FALSE(semvec::int8_ranges(semvec::Matrix(0, 3)));
    semvec::Matrix ok(2, 3);
    ok.setRandom();
    auto r3 = semvec::int8_ranges(ok);
    REQUIRE(r3);
    auto bad = semvec::quantize_int8(semvec::Matrix::Zero(1, 2), *r3);
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().message, Catch::Contains("3 dimensions"));
    semvec::Matrix bounds(2, 1);
    bounds << 1.0f, 0.0f;  // max below min
    CHECK_FALSE(semvec::int8_ranges_from_bounds(bounds));
}

TEST_CASE("binary quantization packs sign bits like numpy.packbits and Hamming counts differing bits", "[index][quantize]") {
    semvec::Matrix x(2, 10);
    x << 1, -1, 1, -1, 0, 2, 3, -4, 5, -6,  //
        -1, -1, -1, -1, -1, -1, -1, -1, -1, 1;
    auto b = semvec::quantize_binary(x);
    REQUIRE(b);
    CHECK(b->bytes_per_row == 2);
    CHECK(b->row(0)[0] == 0xA6);  // 1 0 1 0 0 1 1 0 (0 is not > 0)
    CHECK(b->row(0)[1] == 0x80);  // 1 0, then zero padding
    CHECK(b->row(1)[0] == 0x00);
    CHECK(b->row(1)[1] == 0x40);
    CHECK(semvec::hamming_distance(b->row(0), b->row(1), 2) == 6);
    CHECK(semvec::hamming_distance(b->row(0), b->row(0), 2) == 0);
}

TEST_CASE("Matryoshka truncation keeps the first dimensions and renormalizes", "[index][quantize]") {
    semvec::Matrix x(2, 4);
    x << 3, 4, 100, 100,  //
        0, 0, 1, 1;
    auto t = semvec::truncate_dims(x, 2);
    REQUIRE(t);
    CHECK(t->cols() == 2);
    CHECK((*t)(0, 0) == Approx(0.6f));
    CHECK((*t)(0, 1) == Approx(0.8f));
    CHECK((*t)(1, 0) == 0.0f);  // a zero row stays zero
    CHECK_FALSE(semvec::truncate_dims(x, 5));
    CHECK_FALSE(semvec::truncate_dims(x, 0));
    // Truncation composes with quantization.
    auto b = semvec::quantize_binary(*t);
    REQUIRE(b);
    CHECK(b->bytes_per_row == 1);
}

TEST_CASE("precision names round-trip", "[index][quantize]") {
    for (auto p : {semvec::Precision::float32, semvec::Precision::int8, semvec::Precision::binary}) {
        auto back = semvec::parse_precision(semvec::to_string(p));
        REQUIRE(back);
        CHECK(*back == p);
    }
    auto bad = semvec::parse_precision("fp16");
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().message, Catch::Contains("float32, int8 or binary"));
}

TEST_CASE("a float32 index finds the exact neighbours of most queries", "[index]") {
    const auto all = clustered(3100, 32, 20, 1);
    const semvec::Matrix corpus = all.topRows(3000), queries = all.bottomRows(100);
    auto index = semvec::Index::build(corpus);
    REQUIRE(index);
    CHECK(index->size() == 3000);
    CHECK(index->dim() == 32);
    semvec::IndexSearchOptions so;
    so.k = 10;
    auto hits = index->search(queries, so);
    REQUIRE(hits);
    CHECK(recall(*hits, queries, corpus, 10) >= 0.97);
    // Scores are cosine similarities, best first.
    for (const auto& h : *hits)
        for (std::size_t i = 1; i < h.size(); ++i) CHECK(h[i - 1].score >= h[i].score);
    // A stored vector finds itself first.
    auto self = index->search(corpus.topRows(20), so);
    REQUIRE(self);
    for (std::size_t i = 0; i < 20; ++i) CHECK((*self)[i][0].index == i);
}

TEST_CASE("the index and its results are identical for any thread count", "[index][concurrency]") {
    const auto all = clustered(2050, 16, 10, 3);
    const semvec::Matrix corpus = all.topRows(2000), queries = all.bottomRows(50);
    for (auto precision : {semvec::Precision::float32, semvec::Precision::int8, semvec::Precision::binary}) {
        semvec::IndexOptions o1, o4;
        o1.precision = o4.precision = precision;
        o1.threads = 1;
        o4.threads = 4;
        auto a = semvec::Index::build(corpus, o1);
        auto b = semvec::Index::build(corpus, o4);
        REQUIRE(a);
        REQUIRE(b);
        semvec::IndexSearchOptions s1, s3;
        s1.threads = 1;
        s3.threads = 3;
        auto ha = a->search(queries, s1);
        auto hb = b->search(queries, s3);
        REQUIRE(ha);
        REQUIRE(hb);
        CHECK(same_hits(*ha, *hb));
        const std::string pa = semvec_test::temp_path("index_t1.svx"), pb = semvec_test::temp_path("index_t4.svx");
        REQUIRE(a->save(pa));
        REQUIRE(b->save(pb));
        CHECK(semvec_test::read_file(pa) == semvec_test::read_file(pb));
    }
}

TEST_CASE("int8 and binary indexes reach high recall and take less memory", "[index]") {
    // Sign bits need many dimensions to tell neighbours apart (real embeddings have 384 or more).
    const auto all = clustered(3100, 256, 20, 5);
    const semvec::Matrix corpus = all.topRows(3000), queries = all.bottomRows(100);
    semvec::IndexOptions f, i8, bin;
    i8.precision = semvec::Precision::int8;
    bin.precision = semvec::Precision::binary;
    auto fi = semvec::Index::build(corpus, f);
    auto ii = semvec::Index::build(corpus, i8);
    auto bi = semvec::Index::build(corpus, bin);
    REQUIRE(fi);
    REQUIRE(ii);
    REQUIRE(bi);
    semvec::IndexSearchOptions so;
    so.rescore = 20;
    auto hi = ii->search(queries, so);
    auto hb = bi->search(queries, so);
    REQUIRE(hi);
    REQUIRE(hb);
    CHECK(recall(*hi, queries, corpus, 10) >= 0.9);
    CHECK(recall(*hb, queries, corpus, 10) >= 0.9);
    CHECK(ii->memory_bytes() < fi->memory_bytes() / 2);  // 256 B of codes instead of 1 KB, plus the same graph
    CHECK(bi->memory_bytes() * 4 < fi->memory_bytes());
    CHECK(bi->max_level() == -1);
}

TEST_CASE("filtered search never returns an excluded id", "[index]") {
    const auto corpus = clustered(1000, 16, 5, 7);
    for (auto precision : {semvec::Precision::float32, semvec::Precision::int8, semvec::Precision::binary}) {
        semvec::IndexOptions o;
        o.precision = precision;
        auto index = semvec::Index::build(corpus, o);
        REQUIRE(index);
        semvec::IndexSearchOptions so;
        so.k = 5;
        auto plain = index->search(corpus.topRows(1), so);
        REQUIRE(plain);
        REQUIRE((*plain)[0][0].index == 0);
        for (const auto& h : (*plain)[0]) so.exclude.push_back(h.index);
        auto filtered = index->search(corpus.topRows(1), so);
        REQUIRE(filtered);
        CHECK((*filtered)[0].size() == 5);
        for (const auto& h : (*filtered)[0])
            for (std::size_t e : so.exclude) CHECK(h.index != e);
        so.exclude = {1000};
        auto bad = index->search(corpus.topRows(1), so);
        REQUIRE_FALSE(bad);
        CHECK_THAT(bad.error().message, Catch::Contains("excluded id 1000"));
    }
}

TEST_CASE("add continues the ids and finds the new vectors", "[index]") {
    const auto corpus = clustered(1200, 16, 6, 8);
    for (auto precision : {semvec::Precision::float32, semvec::Precision::int8, semvec::Precision::binary}) {
        semvec::IndexOptions o;
        o.precision = precision;
        auto index = semvec::Index::build(corpus.topRows(1000), o);
        REQUIRE(index);
        REQUIRE(index->add(corpus.bottomRows(200)));
        CHECK(index->size() == 1200);
        auto hits = index->search(corpus.bottomRows(5), {});
        REQUIRE(hits);
        for (std::size_t i = 0; i < 5; ++i) CHECK((*hits)[i][0].index == 1195 + i);
        auto bad = index->add(semvec::Matrix::Zero(1, 3));
        REQUIRE_FALSE(bad);
        CHECK(bad.error().code == semvec::ErrorCode::invalid_argument);
    }
}

TEST_CASE("save and load give the same results and check the model and dimension", "[index]") {
    const auto all = clustered(820, 24, 8, 9);
    const semvec::Matrix corpus = all.topRows(800), queries = all.bottomRows(20);
    for (auto precision : {semvec::Precision::float32, semvec::Precision::int8, semvec::Precision::binary}) {
        semvec::IndexOptions o;
        o.precision = precision;
        o.model = "tiny-model";
        auto index = semvec::Index::build(corpus, o);
        REQUIRE(index);
        const std::string path = semvec_test::temp_path(std::string("index_") + semvec::to_string(precision) + ".svx");
        REQUIRE(index->save(path));
        auto back = semvec::Index::load(path, {"tiny-model", 24});
        REQUIRE(back);
        CHECK(back->model() == "tiny-model");
        CHECK(back->precision() == precision);
        auto a = index->search(queries, {});
        auto b = back->search(queries, {});
        REQUIRE(a);
        REQUIRE(b);
        CHECK(same_hits(*a, *b));
        // A loaded index accepts more vectors.
        REQUIRE(back->add(queries));
        CHECK(back->size() == 820);

        auto other = semvec::Index::load(path, {"another-model", 0});
        REQUIRE_FALSE(other);
        CHECK(other.error().code == semvec::ErrorCode::invalid_argument);
        CHECK_THAT(other.error().message, Catch::Contains("'tiny-model'") && Catch::Contains("'another-model'"));
        auto wrong_dim = semvec::Index::load(path, {"", 384});
        REQUIRE_FALSE(wrong_dim);
        CHECK_THAT(wrong_dim.error().message, Catch::Contains("24-dimensional") && Catch::Contains("384"));
    }
}

TEST_CASE("build refuses bad vectors and options", "[index]") {
    semvec::Matrix nan = semvec::Matrix::Ones(3, 4);
    nan(2, 1) = std::numeric_limits<float>::infinity();
    auto a = semvec::Index::build(nan);
    REQUIRE_FALSE(a);
    CHECK_THAT(a.error().message, Catch::Contains("row 2, column 1"));
    CHECK_FALSE(semvec::Index::build(semvec::Matrix(0, 4)));
    semvec::IndexOptions o;
    o.m = 1;
    CHECK_FALSE(semvec::Index::build(semvec::Matrix::Ones(3, 4), o));
    o = {};
    o.metric = semvec::Metric::euclidean;
    CHECK_FALSE(semvec::Index::build(semvec::Matrix::Ones(3, 4), o));
    auto index = semvec::Index::build(semvec::Matrix::Ones(3, 4));
    REQUIRE(index);
    auto q = index->search(semvec::Matrix::Ones(1, 5), {});
    REQUIRE_FALSE(q);
    CHECK_THAT(q.error().message, Catch::Contains("5 dimensions"));
}

TEST_CASE("malformed index files are invalid_data, never a crash", "[index][malformed]") {
    const auto corpus = clustered(300, 8, 4, 11);
    auto index = semvec::Index::build(corpus);
    REQUIRE(index);
    const std::string path = semvec_test::temp_path("index_malformed.svx");
    REQUIRE(index->save(path));
    const std::string good = semvec_test::read_file(path);
    auto parse = [](const std::string& bytes) {
        return semvec::Index::parse(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), "test");
    };
    REQUIRE(parse(good));
    // Every truncation fails cleanly.
    for (std::size_t n : {std::size_t{0}, std::size_t{7}, std::size_t{23}, std::size_t{100}, good.size() / 2, good.size() - 1}) {
        auto r = parse(good.substr(0, n));
        REQUIRE_FALSE(r);
        CHECK(r.error().code == semvec::ErrorCode::invalid_data);
    }
    // A link to a node that does not exist.
    {
        auto h = good.find("\"links0\":[");
        REQUIRE(h != std::string::npos);
        const std::size_t off = std::stoull(good.substr(h + 10));
        std::string bad = good;
        const std::uint32_t count = 1, id = 99999;
        std::memcpy(&bad[off], &count, 4);
        std::memcpy(&bad[off + 4], &id, 4);
        auto r = parse(bad);
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message, Catch::Contains("links to 99999"));
    }
    // Too many links in a list.
    {
        const std::size_t off = std::stoull(good.substr(good.find("\"links0\":[") + 10));
        std::string bad = good;
        const std::uint32_t count = 1000;
        std::memcpy(&bad[off], &count, 4);
        CHECK_FALSE(parse(bad));
    }
    // A newer version, another magic, a header length past the end.
    {
        std::string bad = good;
        bad[8] = 2;
        auto r = parse(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == semvec::ErrorCode::unsupported);
        bad = good;
        bad[0] = 'X';
        CHECK_FALSE(parse(bad));
        bad = good;
        bad[20] = 0x7f;
        CHECK_FALSE(parse(bad));
    }
    // Header edits: a count larger than the sections, an unknown precision, deep nesting.
    {
        std::string bad = good;
        const auto c = bad.find("\"count\":300");
        REQUIRE(c != std::string::npos);
        bad.replace(c, 11, "\"count\":999");
        CHECK_FALSE(parse(bad));
        bad = good;
        const auto p = bad.find("\"float32\"");
        bad.replace(p, 9, "\"float16\"");
        auto r = parse(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == semvec::ErrorCode::unsupported);
        bad = good;
        const auto m = bad.find("\"model\":\"\"");
        REQUIRE(m != std::string::npos);
        bad.replace(m, 10, "\"model\":[[[[[[[[]]]]]]]]");
        bad.resize(good.size());  // keeps the section offsets; the header is broken anyway
        CHECK_FALSE(parse(bad));
    }
    auto missing = semvec::Index::load(semvec_test::temp_path("no_such_index.svx"));
    REQUIRE_FALSE(missing);
    CHECK_THAT(missing.error().what(), Catch::Contains("no_such_index.svx"));
}

TEST_CASE("the model name of an index comes from the model file's source note or its file name", "[index]") {
    CHECK(semvec::index_model_name("all-MiniLM-L6-v2 (bert, f32) by semvec_convert 0.1", "x/y.safetensors") == "all-MiniLM-L6-v2");
    CHECK(semvec::index_model_name("", "models/glove-6B-100d.safetensors") == "glove-6B-100d");
    CHECK(semvec::index_model_name("plain", "a.b") == "plain");
}
