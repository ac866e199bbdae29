// Shared by the resource and concurrency tests: models to run, texts to feed them, peak-RSS probes, and
// whether this build is sanitized (then the heavy cases shrink or skip).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <semvec/model/model.hpp>

#include "../test_support.hpp"
#include "tiny_model.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SEMVEC_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define SEMVEC_TEST_SANITIZED 1
#endif
#endif
#ifndef SEMVEC_TEST_SANITIZED
#define SEMVEC_TEST_SANITIZED 0
#endif

namespace semvec_test {

/// True in sanitizer or unoptimized builds, where the big resource cases would take minutes.
inline bool slow_build() {
#if SEMVEC_TEST_SANITIZED || !defined(NDEBUG)
    return true;
#else
    return false;
#endif
}

/// A field of /proc/self/status in kB (VmRSS, VmHWM), or -1 where there is no /proc.
inline long proc_status_kb(const char* field) {
    std::ifstream in("/proc/self/status");
    std::string key;
    while (in >> key) {
        if (key == std::string(field) + ":") {
            long v = -1;
            in >> v;
            return v;
        }
        std::getline(in, key);
    }
    return -1;
}

/// Resets the peak RSS (VmHWM) to the current RSS (Linux >= 4.0); false where that is not possible.
inline bool reset_peak_rss() {
    std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
    if (!f) return false;
    const bool ok = std::fputs("5", f) >= 0;
    return std::fclose(f) == 0 && ok;
}

/// The bert-tiny fixture converted by the convert_fixtures ctest (f32), when SEMVEC_CONVERTED_DIR is set and
/// holds it; else a from-scratch TinyModel of the same shape written to a scratch file.
inline std::string bert_tiny_path() {
    if (const char* dir = std::getenv("SEMVEC_CONVERTED_DIR")) {
        const std::string p = std::string(dir) + "/bert-tiny-f32.safetensors";
        if (std::ifstream(p).good()) return p;
    }
    return TinyModel::transformer(false, 32, 2, 4, 37, 232, 64).write(temp_path("robust_bert.safetensors"));
}

/// The bundled default static model.
inline std::string glove_path() { return std::string(SEMVEC_SOURCE_DIR) + "/models/glove-6B-100d-top20k-f16.safetensors"; }

/// Deterministic texts of 1..max_words words: common English words, some unknown ones, punctuation, accents, CJK.
inline std::vector<std::string> make_texts(std::size_t n, std::size_t max_words, unsigned seed) {
    static const char* words[] = {"the", "a", "cat", "sat", "on", "mat", "hello", "world", "running", "unaffable",
                                  "naïve", "café", "東京", "zzqx", "!", ",", "semantic", "vectors", "model", "tokens",
                                  "über", "ÉCOLE", "42", "3.14", "emoji😀", "don't", "co-op", "the", "of", "and"};
    std::mt19937 rng(seed);
    std::vector<std::string> out(n);
    for (auto& t : out) {
        const std::size_t k = 1 + rng() % max_words;
        for (std::size_t i = 0; i < k; ++i) {
            if (i) t += ' ';
            t += words[rng() % (sizeof words / sizeof *words)];
        }
    }
    return out;
}

}  // namespace semvec_test
