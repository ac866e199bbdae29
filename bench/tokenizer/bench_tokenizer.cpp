// Single-thread tokenizer throughput (MB/s, tokens/s) on real English text: AG News test and STS-B test,
// for WordPiece (vocab.txt) or any tokenizer.json ($SEMVEC_TOK_JSON: BPE, Unigram),
// read from ../shared (SEMVEC_SHARED env var overrides). Never part of the tests.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "semvec/text/tokenizer.hpp"

namespace {

std::string shared_dir() {
    const char* e = std::getenv("SEMVEC_SHARED");
    return e ? e : std::string(SEMVEC_SOURCE_DIR) + "/../shared";
}

std::vector<std::string> lines_of(const std::string& path, bool tsv_sts, bool header = true) {
    std::ifstream in(path);
    std::vector<std::string> out;
    std::string line;
    bool first = header;
    while (std::getline(in, line)) {
        if (tsv_sts) {  // genre file year id score s1 s2 [...]
            std::vector<std::string> cols;
            std::stringstream ss(line);
            std::string c;
            while (std::getline(ss, c, '\t')) cols.push_back(c);
            if (cols.size() >= 7) { out.push_back(cols[5]); out.push_back(cols[6]); }
        } else {
            if (first) { first = false; continue; }  // header
            if (!line.empty()) out.push_back(line);  // the whole CSV row: title and description
        }
    }
    return out;
}

// The tokenizer: $SEMVEC_TOK_JSON (a tokenizer.json of any family) when set, else bert-base-uncased's vocab.txt.
semvec::Result<semvec::Tokenizer> load_tokenizer() {
    if (const char* j = std::getenv("SEMVEC_TOK_JSON"); j && *j) return semvec::Tokenizer::from_tokenizer_json(j);
    return semvec::Tokenizer::from_vocab_file(shared_dir() + "/data/tokenizers/bert-base-uncased/vocab.txt");
}

void run(benchmark::State& state, const std::vector<std::string>& texts) {
    static auto tok = load_tokenizer();
    if (!tok) { state.SkipWithError(tok.error().what().c_str()); return; }
    if (texts.empty()) { state.SkipWithError("corpus not found"); return; }
    std::size_t bytes = 0, tokens = 0;
    for (const auto& t : texts) bytes += t.size();
    for (auto _ : state) {
        tokens = 0;
        for (const auto& t : texts) {
            auto e = tok->encode(t, 100000);
            tokens += e.ids.size();
            benchmark::DoNotOptimize(e.ids.data());
        }
    }
    state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
    state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(tokens) * state.iterations(), benchmark::Counter::kIsRate);
}

void BM_agnews(benchmark::State& s) {
    static auto t = lines_of(shared_dir() + "/data/datasets/ag_news/test.csv", false);
    run(s, t);
}
void BM_stsb(benchmark::State& s) {
    static auto t = lines_of(shared_dir() + "/data/datasets/stsbenchmark/sts-test.csv", true);
    run(s, t);
}
// One text per line from $SEMVEC_TOK_CORPUS (scripts/bench_tokenizer.sh feeds the peers the same file).
void BM_file(benchmark::State& s) {
    const char* f = std::getenv("SEMVEC_TOK_CORPUS");
    static auto t = f ? lines_of(f, false, false) : std::vector<std::string>{};
    run(s, t);
}
BENCHMARK(BM_file)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_agnews)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_stsb)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
