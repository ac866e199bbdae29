// tools/cli/cmd_bench.cpp — `semvec bench --model FILE`: encoding throughput at a few batch and text sizes.
//
// Two modes:
//  - words (default): texts made of common English words, so that a word-vector model finds them and a
//    WordPiece model gets a realistic number of tokens per word; the table reports texts/s.
//  - cases (--cases LIST or --json): transformers only; each case bBxL encodes B texts of EXACTLY L tokens
//    ([CLS] + L-2 single-token words + [SEP], checked through the model's own tokenizer), the shapes that
//    scripts/bench_all.sh gives the peers (PyTorch, ONNX Runtime), so every engine sees the same L. Timing goes
//    through Model::encode (tokenizer, forward, pooling: what a user gets), 1 warm-up call, then calls until
//    --seconds have passed and at least 2 ran. --json prints one JSON line per case (engine, shape, threads,
//    case, batch, tokens, ms = mean, best_ms, sent_per_s, gflops, peak_rss_mb, path) for scripts/bench_table.py.
//    --intra: a case with fewer texts than threads (batch-1 latency) runs each text through
//    TransformerEncoder::forward with EncoderWorkspace::threads = --threads (one text split over the threads),
//    because encode() runs each text on one thread; "path" in the JSON says which was timed.
// FLOPs are counted as in scripts/peers/torch_encoder.py (BERT: per layer 2·T·(4H² + 2HI) + 4·T²·H) and
// torch_families.py (grouped-query heads, gated MLPs): see flops_per_text.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <semvec/model/encoder.hpp>
#include <semvec/model/model.hpp>
#include <semvec/model/pooling.hpp>
#include <semvec/simd/dispatch.hpp>
#include <semvec/util/parallel.hpp>

#include "args.hpp"
#include "commands.hpp"
#include "kernel_note.hpp"

namespace semvec_cli {

namespace {

const char* const kWords[] = {
    "the", "people", "city", "water", "music", "game", "house", "world", "school", "market", "river", "morning",
    "government", "family", "computer", "season", "weather", "doctor", "country", "language", "history", "story",
    "team", "player", "night", "food", "animal", "garden", "street", "money", "company", "student", "film", "road",
    "summer", "winter", "office", "church", "science", "island", "mountain", "village", "station", "power", "light",
    "friend", "mother", "father", "child", "letter", "number", "picture", "window", "table", "paper", "system"};

std::vector<std::string> make_texts(std::size_t count, std::size_t words, std::size_t seed) {
    constexpr std::size_t kCount = sizeof(kWords) / sizeof(kWords[0]);
    std::vector<std::string> out(count);
    std::size_t state = seed * 2654435761u + 12345;
    for (auto& t : out) {
        for (std::size_t w = 0; w < words; ++w) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            if (w) t += ' ';
            t += kWords[(state >> 33) % kCount];
        }
    }
    return out;
}

/// Peak resident set size of this process so far, in MiB (Linux ru_maxrss is in KiB).
double peak_rss_mb() {
    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

struct Case {
    std::string name;
    std::size_t batch = 1, tokens = 16;
};

/// "b1x16,b32x128" → cases; false on a malformed item.
bool parse_cases(const std::string& s, std::vector<Case>& out) {
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        unsigned long b = 0, l = 0;
        char tail = 0;
        if (std::sscanf(item.c_str(), "b%lux%lu%c", &b, &l, &tail) != 2 || b < 1 || b > 4096 || l < 3 || l > 8192)
            return false;
        out.push_back({item, b, l});
    }
    return !out.empty();
}

/// Multiply-adds ×2 of the projections and the attention products (embeddings, norms, softmax, activations
/// and pooling not counted): the same formula for every engine in scripts/bench_all.sh. Per layer
/// 2·T·(H·(Q + 2·KV) + Q·H + m·H·I) + 4·T²·Q with Q = heads·head_dim, KV = kv_heads·head_dim and m = 2 (plain
/// MLP) or 3 (gated); for BERT (Q = KV = H, m = 2) that is 2·T·(4H² + 2HI) + 4·T²·H.
double flops_per_text(const semvec::TransformerConfig& c, double T) {
    const double H = static_cast<double>(c.hidden_size), I = static_cast<double>(c.intermediate_size);
    const double Q = static_cast<double>(c.q_width()), KV = static_cast<double>(c.num_kv_heads * c.head_dim);
    const double m = c.mlp == semvec::MlpKind::gated ? 3.0 : 2.0;
    return static_cast<double>(c.num_layers) * (2.0 * T * (H * (Q + 2.0 * KV) + Q * H + m * H * I) + 4.0 * T * T * Q);
}

const char* dtype_label(semvec::WeightType w) {
    switch (w) {
        case semvec::WeightType::f32: return "fp32";
        case semvec::WeightType::f16: return "f16";
        case semvec::WeightType::bf16: return "bf16";
        case semvec::WeightType::int8: return "int8";
    }
    return "?";
}

/// Texts of exactly `tokens` ids (the tokenizer's special tokens around words that are one token each); empty
/// when the vocab lacks enough such words.
std::vector<std::string> exact_token_texts(const semvec::Model& m, std::size_t count, std::size_t tokens, std::string& err) {
    // The special tokens the tokenizer adds to every text ([CLS] … [SEP]: 2; Qwen3's appended EOS: 1).
    const auto empty = m.tokenize_for_encoder("", 8);
    const std::size_t specials = empty ? empty->ids.size() : 2;
    if (tokens <= specials) {
        err = "a case needs more tokens than the " + std::to_string(specials) + " special tokens";
        return {};
    }
    std::vector<std::string> single;
    for (const char* w : kWords) {
        const auto t = m.tokenize_for_encoder(w, 8);
        if (t && t->ids.size() == specials + 1 && t->unknown == 0) single.push_back(w);
    }
    if (single.size() < 8) {
        err = "the model's vocab has too few of the benchmark's words as single tokens";
        return {};
    }
    std::vector<std::string> out(count);
    std::size_t state = count * 7919 + tokens;
    for (auto& t : out) {
        for (std::size_t w = 0; w + specials < tokens; ++w) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            if (w) t += ' ';
            t += single[(state >> 33) % single.size()];
        }
        const auto tk = m.tokenize_for_encoder(t, tokens);
        if (!tk || tk->ids.size() != tokens || tk->truncated) {
            err = "a synthetic text did not tokenize to exactly " + std::to_string(tokens) + " ids";
            return {};
        }
    }
    return out;
}

/// The exact-token cases (see the header comment). Returns an exit code.
/// One timed call of a case on the intra-sequence path: each text through TransformerEncoder::forward with
/// a workspace whose team splits the sequence's GEMM columns, heads and LayerNorm rows over `threads`
/// (EncoderWorkspace::threads), then mean pooling; the texts were tokenized once beforehand.
struct IntraRunner {
    const semvec::Model& model;
    std::vector<semvec::TokenizedText> tok;
    semvec::EncoderWorkspace ws;
    std::vector<float> out;
    IntraRunner(const semvec::Model& m, const std::vector<std::string>& texts, std::size_t max_len, unsigned threads)
        : model(m), out(m.encoder() ? m.encoder()->hidden_size() : m.dim()) {
        for (const auto& t : texts) tok.push_back(m.tokenize_for_encoder(t, max_len).value());  // a transformer (checked)
        ws.threads = threads;
    }
    void operator()() {
        const auto* enc = model.encoder();
        for (const auto& t : tok) {
            enc->forward(t.ids.data(), nullptr, t.type_ids.data(), t.ids.size(), ws);
            semvec::pool_tokens(ws.x.data(), t.ids.size(), enc->hidden_size(), nullptr, semvec::PoolingMode::mean, out.data());
        }
    }
};

int run_cases(const semvec::Model& model, const std::string& model_path, const std::vector<Case>& cases,
              unsigned threads, double seconds, bool json, std::string engine, std::string shape, bool intra) {
    if (!model.is_transformer() || !model.encoder()) {
        std::fprintf(stderr, "semvec bench: --cases/--json need a transformer model (this one is static word vectors)\n");
        return kExitInputError;
    }
    const auto& cfg = model.info().transformer;
    if (engine.empty()) engine = std::string("semvec-") + dtype_label(model.info().weight_type);
    if (shape.empty()) {
        const auto arch = model.info().architecture;
        const bool bert = arch == semvec::Architecture::bert || arch == semvec::Architecture::distilbert;
        if (bert && cfg.hidden_size == 384 && cfg.num_layers == 6) shape = "minilm";
        else if (bert && cfg.hidden_size == 768 && cfg.num_layers == 12) shape = "bert-base";
        else shape = std::string(bert ? "" : std::string(semvec::architecture_name(arch)) + "-") + "h" +
                     std::to_string(cfg.hidden_size) + "-l" + std::to_string(cfg.num_layers);
    }
    const unsigned nthreads = semvec::resolve_threads(threads);
    const char* kernel = semvec::gemm_path(semvec::weight_type_name(model.info().weight_type));
    if (!json) {
        std::printf("model %s (%s, %s), SIMD %s, GEMM %s, threads %u\n", model_path.c_str(), shape.c_str(),
                    dtype_label(model.info().weight_type), semvec::simd_level_name(), kernel, nthreads);
        std::printf("%-10s %6s %7s %10s %10s %10s %9s %9s\n", "case", "batch", "tokens", "mean ms", "best ms",
                    "sent/s", "GFLOP/s", "RSS MiB");
    }
    for (const auto& c : cases) {
        if (c.tokens > cfg.max_sequence_length()) {
            std::fprintf(stderr, "semvec bench: case %s: %zu tokens exceed the model's %zu positions\n", c.name.c_str(),
                         c.tokens, cfg.max_sequence_length());
            return kExitInputError;
        }
        std::string err;
        const auto texts = exact_token_texts(model, c.batch, c.tokens, err);
        if (texts.empty()) {
            std::fprintf(stderr, "semvec bench: %s\n", err.c_str());
            return kExitInputError;
        }
        semvec::EncodeOptions opt;
        opt.threads = nthreads;
        opt.max_length = c.tokens;
        opt.batch_size = c.batch;
        opt.token_budget = std::max<std::size_t>(opt.token_budget, c.batch * c.tokens);
        auto warm = model.encode(texts, opt);
        if (!warm) {
            std::fprintf(stderr, "semvec bench: %s\n", warm.error().what().c_str());
            return kExitInputError;
        }
        // --intra: fewer texts than threads cannot keep the threads busy through encode(), which runs each
        // text on one thread; split each text's work instead.
        const bool use_intra = intra && nthreads > 1 && c.batch < nthreads;
        std::optional<IntraRunner> runner;
        if (use_intra) {
            runner.emplace(model, texts, c.tokens, nthreads);
            (*runner)();  // warm-up: sizes the workspace, starts the team
        }
        std::size_t calls = 0;
        double best = 1e300;
        const auto start = std::chrono::steady_clock::now();
        double elapsed = 0;
        while (elapsed < seconds || calls < 2) {
            const auto t0 = std::chrono::steady_clock::now();
            if (use_intra) {
                (*runner)();
            } else if (!model.encode(texts, opt)) {
                return kExitInputError;
            }
            const auto t1 = std::chrono::steady_clock::now();
            best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
            ++calls;
            elapsed = std::chrono::duration<double>(t1 - start).count();
        }
        const double mean = elapsed / static_cast<double>(calls);
        const double b = static_cast<double>(c.batch);
        const double gflops = flops_per_text(cfg, static_cast<double>(c.tokens)) * b / best * 1e-9;
        if (json) {
            std::printf("{\"engine\": \"%s\", \"shape\": \"%s\", \"threads\": %u, \"case\": \"%s\", \"batch\": %zu, "
                        "\"tokens\": %zu, \"ms\": %.4f, \"best_ms\": %.4f, \"sent_per_s\": %.3f, \"gflops\": %.2f, "
                        "\"peak_rss_mb\": %.1f, \"calls\": %zu, \"simd\": \"%s\", \"kernel\": \"%s\", \"path\": \"%s\"}\n",
                        engine.c_str(), shape.c_str(), nthreads, c.name.c_str(), c.batch, c.tokens, mean * 1e3,
                        best * 1e3, b / mean, gflops, peak_rss_mb(), calls, semvec::simd_level_name(), kernel,
                        use_intra ? "forward+intra" : "encode");
        } else {
            std::printf("%-10s %6zu %7zu %10.3f %10.3f %10.1f %9.1f %9.1f%s\n", c.name.c_str(), c.batch, c.tokens,
                        mean * 1e3, best * 1e3, b / best, gflops, peak_rss_mb(), use_intra ? "  (intra-sequence threads)" : "");
        }
        std::fflush(stdout);
    }
    return kExitOk;
}

bool parse_list(const std::string& s, std::vector<long long>& out) {
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        char* end = nullptr;
        const long long v = std::strtoll(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || v < 1 || v > 100000) return false;
        out.push_back(v);
    }
    return !out.empty();
}

}  // namespace

int cmd_bench(int argc, char** argv) {
    Args args("bench",
              "Measure a model's encoding throughput (texts/s) at a few batch sizes and text lengths, on texts made\n"
              "of common English words. Each configuration runs for about --seconds.\n"
              "With --cases (or --json): transformer cases bBxL of B texts of exactly L tokens each, timed through\n"
              "encode(), with latency, sent/s, GFLOP/s and peak RSS (the rows of scripts/bench_all.sh).",
              {{"--model", "FILE", "semvec model file (.safetensors)", ""},
               {"--batch-sizes", "LIST", "comma-separated texts per encode() call", "1,32,256"},
               {"--lengths", "LIST", "comma-separated words per text", "8,32,128"},
               {"--cases", "LIST", "exact-token cases bBATCHxTOKENS, e.g. b32x128,b1x16,b1x128,b1x512", ""},
               {"--json", "", "one JSON line per case (implies --cases, default b32x128,b1x16,b1x128,b1x512)", ""},
               {"--engine", "NAME", "engine name in the JSON lines", "semvec-<dtype>"},
               {"--shape", "NAME", "shape name in the JSON lines", "minilm | bert-base | hH-lN"},
               {"--intra", "", "cases with fewer texts than threads: split each text over the threads\n"
                                 "                               (TransformerEncoder::forward, EncoderWorkspace::threads) instead of encode()", ""},
               {"--threads", "N", "worker threads (0: all cores)", "0"},
               {"--seconds", "S", "time per configuration", "0.5"}});
    int code = kExitOk;
    if (!args.parse(argc, argv, code)) return code;
    if (!args.has("--model")) {
        args.usage_error("--model FILE is required", code);
        return code;
    }
    const bool json = args.has("--json");
    std::vector<Case> cases;
    if (args.has("--cases") || json) {
        if (!parse_cases(args.get("--cases", "b32x128,b1x16,b1x128,b1x512"), cases)) {
            args.usage_error("--cases takes comma-separated bBATCHxTOKENS items (batch 1..4096, tokens 3..8192), e.g. b1x128", code);
            return code;
        }
    }
    std::vector<long long> batches, lengths;
    if (!parse_list(args.get("--batch-sizes", "1,32,256"), batches) || !parse_list(args.get("--lengths", "8,32,128"), lengths)) {
        args.usage_error("--batch-sizes and --lengths take comma-separated integers in 1..100000", code);
        return code;
    }
    const auto threads = args.get_int("--threads", 0);
    const auto seconds = args.get_double("--seconds", 0.5);
    if (!threads || !seconds) return kExitUsage;
    if (*threads < 0 || !(*seconds > 0 && *seconds <= 600)) {
        args.usage_error("--threads must be >= 0 and --seconds within (0, 600]", code);
        return code;
    }
    const std::string model_path = args.get("--model");
    const auto t0 = std::chrono::steady_clock::now();
    auto model = semvec::load_model(model_path);
    if (!model) {
        std::fprintf(stderr, "semvec bench: %s\n", model.error().what().c_str());
        return kExitInputError;
    }
    note_slow_kernel(*model, "bench");
    const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!cases.empty())
        return run_cases(*model, model_path, cases, static_cast<unsigned>(*threads), *seconds, json, args.get("--engine"),
                         args.get("--shape"), args.has("--intra"));
    semvec::EncodeOptions encode;
    encode.threads = static_cast<unsigned>(*threads);

    std::printf("model %s (loaded in %.2f s), SIMD %s, GEMM %s, threads %u\n", model_path.c_str(), load_s,
                semvec::simd_level_name(), semvec::gemm_path(semvec::weight_type_name(model->info().weight_type)),
                semvec::resolve_threads(static_cast<unsigned>(*threads)));
    std::printf("%8s %8s %12s %14s %12s\n", "batch", "words", "texts/s", "words/s", "ms/call");
    double best = 0;
    for (long long len : lengths) {
        for (long long batch : batches) {
            const auto texts = make_texts(static_cast<std::size_t>(batch), static_cast<std::size_t>(len),
                                          static_cast<std::size_t>(batch * 1000 + len));
            auto warm = model->encode(texts, encode);  // warm-up, and the error check
            if (!warm) {
                std::fprintf(stderr, "semvec bench: %s\n", warm.error().what().c_str());
                return kExitInputError;
            }
            std::size_t calls = 0;
            const auto start = std::chrono::steady_clock::now();
            double elapsed = 0;
            while (elapsed < *seconds || calls < 3) {
                auto r = model->encode(texts, encode);
                if (!r) return kExitInputError;
                ++calls;
                elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            }
            const double tps = static_cast<double>(calls) * static_cast<double>(batch) / elapsed;
            best = std::max(best, tps);
            std::printf("%8lld %8lld %12.0f %14.0f %12.3f\n", batch, len, tps, tps * static_cast<double>(len),
                        1000.0 * elapsed / static_cast<double>(calls));
            std::fflush(stdout);
        }
    }
    std::printf("throughput: up to %.0f texts/s\n", best);
    return kExitOk;
}

}  // namespace semvec_cli
