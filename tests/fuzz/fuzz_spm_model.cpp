// Fuzz target: SentencePiece .model protobuf (parse_sentencepiece_model), then the tokenizer built from it in
// each style (the same description convert.py stores in model files) on a fixed text and a pair.
#include <semvec/text/sentencepiece_model.hpp>

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    auto m = semvec::parse_sentencepiece_model(bytes, "fuzz");
    if (!m) return 0;
    for (auto style : {semvec::SentencePieceStyle::xlm_roberta, semvec::SentencePieceStyle::albert, semvec::SentencePieceStyle::plain}) {
        semvec::SentencePieceOptions o;
        o.style = style;
        auto p = semvec::detail::pipeline_from_tokenizer_json(semvec::sentencepiece_tokenizer_json(*m, o), "fuzz", nullptr,
                                                             semvec::TokenizerReference::transformers_slow);
        if (!p) continue;
        auto tok = semvec::Tokenizer::from_pipeline(std::move(*p));
        if (!tok) continue;
        (void)tok->encode("Hello,  world! 1,000 ﬁnance naïve 東京 \xFF", 8);
        (void)tok->encode_pair("a b c d", "e f g h i j", 7);
    }
    return 0;
}
