// Stress: 8 threads share one const Model (bert-tiny, and the static GloVe model) and encode different texts
// for SEMVEC_STRESS_SECONDS (default 30; 5 in sanitizer builds). Every vector must be bit-identical to the
// single-threaded run of the same text. scripts/test.sh also runs this under TSan.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "robust_support.hpp"

namespace {

double stress_seconds() {
    if (const char* s = std::getenv("SEMVEC_STRESS_SECONDS")) return std::atof(s);
    return SEMVEC_TEST_SANITIZED ? 5.0 : 30.0;
}

}  // namespace

TEST_CASE("8 threads share one const Model: results bit-identical to a single-threaded run", "[concurrency]") {
    const auto bert = semvec::load_model(semvec_test::bert_tiny_path());
    const auto glove = semvec::load_model(semvec_test::glove_path());
    REQUIRE(bert.ok());
    REQUIRE(glove.ok());
    const semvec::Model* models[2] = {&*bert, &*glove};
    const auto texts = semvec_test::make_texts(512, 40, 2024);

    // Reference: each model, one thread, one call.
    semvec::EncodeOptions one;
    one.threads = 1;
    std::vector<semvec::Embeddings> ref;
    for (const auto* m : models) {
        auto e = m->encode(texts, one);
        REQUIRE(e.ok());
        ref.push_back(*e);
    }

    const double seconds = stress_seconds();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    constexpr unsigned kThreads = 8;
    std::atomic<std::size_t> mismatches{0}, failures{0}, encoded{0};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < kThreads; ++t) {
        pool.emplace_back([&, t] {
            std::size_t round = 0;
            do {
                // Each thread its own slice, size and options: different texts at once on the same weights.
                const std::size_t k = (t * 61 + round * 17) % texts.size();
                const std::size_t n = 1 + (t + round) % 24;
                std::vector<std::string> batch;
                std::vector<std::size_t> idx;
                for (std::size_t i = 0; i < n; ++i) {
                    idx.push_back((k + i * (t + 1)) % texts.size());
                    batch.push_back(texts[idx.back()]);
                }
                const unsigned which = (t + round) % 2;
                semvec::EncodeOptions o;
                o.threads = (round % 5 == 0) ? 2 : 1;  // sometimes nested worker threads too
                o.batch_size = 1 + round % 7;
                auto e = models[which]->encode(batch, o);
                if (!e) {
                    ++failures;
                } else {
                    for (std::size_t i = 0; i < n; ++i)
                        if (!(e->row(static_cast<Eigen::Index>(i)).array() ==
                              ref[which].row(static_cast<Eigen::Index>(idx[i])).array()).all())
                            ++mismatches;
                    encoded += n;
                }
                ++round;
            } while (std::chrono::steady_clock::now() < deadline);
        });
    }
    for (auto& th : pool) th.join();
    std::printf("[concurrency] %u threads, %.0f s: %zu texts encoded, %zu mismatches, %zu failures\n", kThreads,
                seconds, encoded.load(), mismatches.load(), failures.load());
    CHECK(failures == 0);
    CHECK(mismatches == 0);
    CHECK(encoded > 0);
}
