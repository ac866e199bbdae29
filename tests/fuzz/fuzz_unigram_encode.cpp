// Fuzz target: Unigram encoding of arbitrary bytes: XLM-R-style tokenizer.json (HF rules: Precompiled by
// graphemes, Metaspace) and ALBERT's spiece.model (sentencepiece rules, Python preprocessing). Checks offsets.
#include <semvec/text/sentencepiece_model.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {
const semvec::Tokenizer& tok(int which) {
    static const semvec::Tokenizer xlmr =
        *semvec::Tokenizer::from_tokenizer_json(std::string(SEMVEC_TEST_DATA) + "/tokenizer/xlmr-unigram-8k/tokenizer.json");
    static const semvec::Tokenizer albert = [] {
        semvec::SentencePieceOptions o;
        o.style = semvec::SentencePieceStyle::albert;
        return *semvec::read_sentencepiece_tokenizer(std::string(SEMVEC_TEST_DATA) + "/tokenizer/albert-base-v2/spiece.model", o);
    }();
    return which ? albert : xlmr;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    for (int k = 0; k < 2; ++k) {
        const auto e = tok(k).encode_pair(text, text.substr(size / 2), 64);
        for (const auto& o : e.offsets)
            if (o.first > o.second || o.second > size) std::abort();
    }
    return 0;
}
