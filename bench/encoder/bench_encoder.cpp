// Encoder forward-pass throughput on a semvec model file (SEMVEC_BENCH_MODEL, e.g. the converted
// bert-minilm-l6 fixture). Token ids are drawn from a fixed seed so that the work is exactly the requested
// shape: batch 1 × L tokens, and 32 × 128 tokens spread over 1..N threads (one sequence per task, each
// worker with its own workspace, as Model::encode does). Peak RSS is reported as a counter.
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include <semvec/model/model.hpp>

namespace {

const semvec::Model& model() {
    static semvec::Model m = [] {
        const char* path = std::getenv("SEMVEC_BENCH_MODEL");
        if (!path) {
            std::fprintf(stderr, "bench_encoder: set SEMVEC_BENCH_MODEL to a semvec model file\n");
            std::exit(2);
        }
        auto r = semvec::load_model(path);
        if (!r) {
            std::fprintf(stderr, "bench_encoder: %s\n", r.error().what().c_str());
            std::exit(1);
        }
        return *r;
    }();
    return m;
}

std::vector<std::int32_t> random_ids(std::size_t L, std::uint32_t seed) {
    const auto& cfg = model().encoder()->config();
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::int32_t> d(1000, static_cast<std::int32_t>(cfg.vocab_size) - 1);
    std::vector<std::int32_t> ids(L);
    for (auto& v : ids) v = d(rng);
    return ids;
}

double peak_rss_mb() {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

void BM_batch1(benchmark::State& state) {
    const std::size_t L = static_cast<std::size_t>(state.range(0));
    const auto* enc = model().encoder();
    const auto ids = random_ids(L, 1);
    const std::vector<std::int32_t> types(L, 0);
    semvec::EncoderWorkspace ws;
    for (auto _ : state) {
        enc->forward(ids.data(), nullptr, types.data(), L, ws);
        benchmark::DoNotOptimize(ws.x.data());
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(state.iterations() * L), benchmark::Counter::kIsRate);
    state.counters["peak_rss_MB"] = peak_rss_mb();
}

void BM_batch32x128(benchmark::State& state) {
    const unsigned threads = static_cast<unsigned>(state.range(0));
    const std::size_t B = 32, L = 128;
    const auto* enc = model().encoder();
    std::vector<std::vector<std::int32_t>> ids;
    for (std::size_t b = 0; b < B; ++b) ids.push_back(random_ids(L, static_cast<std::uint32_t>(b + 7)));
    const std::vector<std::int32_t> types(L, 0);
    std::vector<semvec::EncoderWorkspace> ws(threads);
    for (auto _ : state) {
        semvec::parallel_for(B, threads, [&](std::size_t lo, std::size_t hi, unsigned w) {
            for (std::size_t b = lo; b < hi; ++b) enc->forward(ids[b].data(), nullptr, types.data(), L, ws[w]);
        });
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(B));
    state.counters["peak_rss_MB"] = peak_rss_mb();
}

}  // namespace

BENCHMARK(BM_batch1)->Arg(16)->Arg(128)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_batch32x128)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();

BENCHMARK_MAIN();
