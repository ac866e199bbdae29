// Fuzz target: byte-level BPE encoding of arbitrary bytes with real tokenizers: RoBERTa from vocab.json +
// merges.txt (slow rules) and Qwen2's pattern with added tokens. Checks that offsets stay inside the text.
#include <semvec/text/bpe_files.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {
const semvec::Tokenizer& tok(int which) {
    static const semvec::Tokenizer roberta = *semvec::read_bpe_tokenizer(
        std::string(SEMVEC_TEST_DATA) + "/tokenizer/roberta-base/vocab.json", std::string(SEMVEC_TEST_DATA) + "/tokenizer/roberta-base/merges.txt");
    static const semvec::Tokenizer qwen = [] {
        semvec::BpeFilesOptions o;
        o.style = semvec::BpeStyle::qwen2;
        o.added_tokens = {{"<|endoftext|>", 151643, false, false, false, false, true}, {"<|im_start|>", 151644, false, false, false, false, true}};
        return *semvec::read_bpe_tokenizer(std::string(SEMVEC_TEST_DATA) + "/tokenizer/qwen2/vocab.json",
                                           std::string(SEMVEC_TEST_DATA) + "/tokenizer/qwen2/merges.txt", o);
    }();
    return which ? qwen : roberta;
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
