// Fuzz target: tokenization of arbitrary bytes with the real bert-base-uncased vocab (loaded once), through
// single texts, pairs (every truncation strategy), offsets and batches. Checks the invariants: ids in the
// vocab, offsets inside their text and increasing, lengths within max_length when truncation applies.
#include <semvec/text/tokenizer.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#ifndef SEMVEC_TEST_DATA
#error "SEMVEC_TEST_DATA must point at tests/data"
#endif

namespace {

const semvec::Tokenizer& tokenizer(bool lower) {
    auto load = [](bool lc) {
        semvec::TokenizerOptions o;
        o.basic.do_lower_case = lc;
        auto t = semvec::Tokenizer::from_vocab_file(std::string(SEMVEC_TEST_DATA) + "/tokenizer/bert-base-uncased-vocab.txt", o);
        if (!t) std::abort();
        return std::move(*t);
    };
    static const semvec::Tokenizer lc = load(true), cased = load(false);
    return lower ? lc : cased;
}

void check(const semvec::Tokenizer& tok, const semvec::Encoding& e, std::size_t len_a, std::size_t len_b,
           std::size_t max_length) {
    const std::size_t n = e.ids.size();
    if (e.offsets.size() != n || e.type_ids.size() != n || e.attention_mask.size() != n) std::abort();
    for (std::size_t i = 0; i < n; ++i) {
        if (e.ids[i] < 0 || static_cast<std::size_t>(e.ids[i]) >= tok.vocab_size()) std::abort();
        const std::size_t limit = e.type_ids[i] ? len_b : len_a;
        if (e.offsets[i].first > e.offsets[i].second || e.offsets[i].second > limit) std::abort();
    }
    if (e.truncated && max_length > 3 && n > max_length) std::abort();  // below 3 a pair cannot fit
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const bool lower = data[0] & 1;
    const std::size_t max_length = data[1];  // 0: no truncation... or the tokenizer's 512
    const std::string_view all(reinterpret_cast<const char*>(data) + 2, size - 2);
    const auto& tok = tokenizer(lower);
    // A 0xFF byte (never valid UTF-8) splits the input into the two texts of a pair.
    const std::size_t cut = all.find('\xff');
    const std::string_view a = all.substr(0, cut), b = cut == std::string_view::npos ? std::string_view() : all.substr(cut + 1);

    auto single = tok.encode(all, max_length);
    check(tok, single, all.size(), 0, max_length);
    // HF keeps the text whole only when it cannot remove enough, which needs max_length <= 2.
    if (max_length > 2 && single.ids.size() > max_length) std::abort();
    const semvec::TruncationStrategy strategy = static_cast<semvec::TruncationStrategy>((data[0] >> 1) % 3);
    auto pair = tok.encode_pair(a, b, max_length, strategy);
    check(tok, pair, a.size(), b.size(), max_length);
    (void)tok.tokenize(a);
    if (data[0] & 8) {
        semvec::BatchOptions bo;
        bo.max_length = max_length;
        bo.padding = (data[0] & 16) ? semvec::Padding::max_length : semvec::Padding::longest;
        auto batch = tok.encode_batch({std::string(a), std::string(b), std::string(all)}, bo);
        // Equal lengths, except where max_length <= 2 leaves texts whole (longer than the padding target).
        const bool equal = bo.padding == semvec::Padding::longest || max_length == 0 || max_length > 2;
        for (const auto& e : batch)
            if (equal && e.ids.size() != batch[0].ids.size()) std::abort();
    }
    return 0;
}
