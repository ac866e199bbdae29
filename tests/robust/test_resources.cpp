// Resource limits: a 10 MB text, a million texts, a batch of 10k. Memory must follow the options (token
// budget, max_length) and the output size, not the input size. Peak RSS is measured per case (VmHWM reset
// through /proc/self/clear_refs) and printed; the bounds are generous, they catch blow-ups (a copy per
// token, an N×L matrix), not percent-level drift. Heavy cases ([resource]) run in optimized, unsanitized builds only.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "robust_support.hpp"

namespace {

struct Peak {
    long before_kb = 0;
    bool ok = false;
    Peak() {
        ok = semvec_test::reset_peak_rss();
        before_kb = semvec_test::proc_status_kb("VmRSS");
    }
    /// Peak RSS growth since construction, in MB (-1 when it cannot be measured).
    double growth_mb() const {
        const long hwm = semvec_test::proc_status_kb("VmHWM");
        if (!ok || hwm < 0 || before_kb < 0) return -1;
        return static_cast<double>(hwm - before_kb) / 1024.0;
    }
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void report(const char* what, double mb, double secs) {
    std::printf("[resource] %-58s peak RSS growth %8.1f MB  %6.2f s\n", what, mb, secs);
    std::fflush(stdout);
}

/// About `bytes` of space-separated words.
std::string big_text(std::size_t bytes) {
    const auto words = semvec_test::make_texts(4096, 12, 99);
    std::string t;
    t.reserve(bytes + 256);
    for (std::size_t i = 0; t.size() < bytes; ++i) {
        t += words[i % words.size()];
        t += ". ";
    }
    return t;
}

// The [resource] cases measure peak RSS and run big inputs: meaningless under sanitizers (shadow memory) and
// too slow unoptimized, so tests/robust/CMakeLists.txt registers them in optimized, unsanitized builds only;
// run by hand elsewhere they fail rather than pass without checking. The sanitizer passes run the small
// smoke test at the end of this file over the same paths.
void require_release_build() {
    if (semvec_test::slow_build()) FAIL("[resource] tests need an optimized build without sanitizers (see tests/robust/CMakeLists.txt)");
}

}  // namespace

TEST_CASE("a 10 MB text: truncated to max_length, memory bounded", "[resource]") {
    require_release_build();
    const std::string text = big_text(10u << 20);
    {
        auto model = semvec::load_model(semvec_test::bert_tiny_path());
        REQUIRE(model.ok());
        Peak p;
        const auto t0 = std::chrono::steady_clock::now();
        auto e = model->encode({text});
        const double mb = p.growth_mb();
        report("bert-tiny, one 10 MB text", mb, seconds_since(t0));
        REQUIRE(e.ok());
        CHECK(e->truncated == 1);
        CHECK(e->allFinite());
        if (mb >= 0) CHECK(mb < 160.0);  // the tokenizer stops at max_length: no O(text) token list
    }
    {
        auto model = semvec::load_model(semvec_test::glove_path());
        REQUIRE(model.ok());
        Peak p;
        const auto t0 = std::chrono::steady_clock::now();
        auto e = model->encode({text});
        const double mb = p.growth_mb();
        report("glove static, one 10 MB text", mb, seconds_since(t0));
        REQUIRE(e.ok());
        CHECK(e->allFinite());
        if (mb >= 0) CHECK(mb < 160.0);
    }
}

TEST_CASE("a million texts: memory follows the output, not the input", "[resource]") {
    require_release_build();
    auto model = semvec::load_model(semvec_test::bert_tiny_path());
    REQUIRE(model.ok());
    const std::size_t N = 1000000;
    auto texts = semvec_test::make_texts(N, 5, 5);
    const double output_mb = static_cast<double>(N * model->dim() * sizeof(float)) / (1 << 20);
    Peak p;
    const auto t0 = std::chrono::steady_clock::now();
    semvec::EncodeOptions o;
    std::size_t calls = 0;
    o.progress = [&calls](std::size_t, std::size_t) { ++calls; };
    auto e = model->encode(texts, o);
    const double mb = p.growth_mb();
    report("bert-tiny, 1M texts of 1-5 words (output 122 MB)", mb, seconds_since(t0));
    REQUIRE(e.ok());
    CHECK(static_cast<std::size_t>(e->rows()) == N);
    CHECK(e->allFinite());
    CHECK(calls > 1);
    if (mb >= 0) CHECK(mb < output_mb + 256.0);
    // Spot check: rows equal single-text encodes (no cross-talk between batches).
    for (std::size_t i : {std::size_t{0}, N / 2, N - 1}) {
        auto one = model->encode({texts[i]});
        REQUIRE(one.ok());
        CHECK((one->row(0).array() == e->row(static_cast<Eigen::Index>(i)).array()).all());
    }
}

TEST_CASE("a batch of 10k: the token budget, not batch_size, bounds the workspace", "[resource]") {
    require_release_build();
    auto model = semvec::load_model(semvec_test::bert_tiny_path());
    REQUIRE(model.ok());
    const auto texts = semvec_test::make_texts(10000, 60, 11);
    semvec::Embeddings ref;
    for (std::size_t batch : {std::size_t{32}, std::size_t{10000}}) {
        semvec::EncodeOptions o;
        o.batch_size = batch;
        Peak p;
        const auto t0 = std::chrono::steady_clock::now();
        auto e = model->encode(texts, o);
        const double mb = p.growth_mb();
        report(batch == 32 ? "bert-tiny, 10k texts, batch_size 32" : "bert-tiny, 10k texts, batch_size 10000", mb, seconds_since(t0));
        REQUIRE(e.ok());
        if (mb >= 0) CHECK(mb < 100.0);
        if (batch == 32) ref = *e;
        else CHECK((e->array() == ref.array()).all());  // batching never changes a vector
    }
    // The static model: 10k texts in one call.
    auto glove = semvec::load_model(semvec_test::glove_path());
    REQUIRE(glove.ok());
    semvec::EncodeOptions o;
    o.batch_size = 10000;
    Peak p;
    const auto t0 = std::chrono::steady_clock::now();
    auto g = glove->encode(texts, o);
    const double mb = p.growth_mb();
    report("glove static, 10k texts, batch_size 10000", mb, seconds_since(t0));
    REQUIRE(g.ok());
    if (mb >= 0) CHECK(mb < 100.0);
}

TEST_CASE("small resource smoke (every build): long text, many short texts", "[robust]") {
    // The sanitizer builds run this instead of the [resource] cases: same paths, small sizes.
    auto model = semvec::load_model(semvec_test::bert_tiny_path());
    REQUIRE(model.ok());
    auto e = model->encode({big_text(200000), "", " ", "\xff\xfe"});
    REQUIRE(e.ok());
    CHECK(e->truncated == 1);
    CHECK(e->allFinite());
    auto many = model->encode(semvec_test::make_texts(2000, 6, 3));
    REQUIRE(many.ok());
    CHECK(many->rows() == 2000);
}
