// tools/cli/cmd_bench.cpp — `semvec bench --model FILE`: encoding throughput at a few batch and text sizes.
//
// Texts are made of common English words, so that a word-vector model finds them and a WordPiece model gets a
// realistic number of tokens per word. Each configuration runs for a short fixed time; the table reports texts/s.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <semvec/model/model.hpp>
#include <semvec/simd/dispatch.hpp>
#include <semvec/util/parallel.hpp>

#include "args.hpp"
#include "commands.hpp"

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
              "of common English words. Each configuration runs for about --seconds.",
              {{"--model", "FILE", "semvec model file (.safetensors)", ""},
               {"--batch-sizes", "LIST", "comma-separated texts per encode() call", "1,32,256"},
               {"--lengths", "LIST", "comma-separated words per text", "8,32,128"},
               {"--threads", "N", "worker threads (0: all cores)", "0"},
               {"--seconds", "S", "time per configuration", "0.5"}});
    int code = kExitOk;
    if (!args.parse(argc, argv, code)) return code;
    if (!args.has("--model")) {
        args.usage_error("--model FILE is required", code);
        return code;
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
    const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    semvec::EncodeOptions encode;
    encode.threads = static_cast<unsigned>(*threads);

    std::printf("model %s (loaded in %.2f s), SIMD %s, threads %u\n", model_path.c_str(), load_s,
                semvec::simd_level_name(), semvec::resolve_threads(static_cast<unsigned>(*threads)));
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
