// Fuzz target: Hugging Face tokenizer.json loading (Tokenizer::from_tokenizer_json_text), then a small
// encode with whatever loaded, so odd-but-accepted vocabularies and specials are exercised too.
#include <semvec/text/tokenizer.hpp>

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto tok = semvec::Tokenizer::from_tokenizer_json_text(text, "fuzz");
    if (!tok) return 0;
    (void)tok->encode("Hello, world! unaffable [MASK] naïve 東京", 8);
    (void)tok->encode_pair("a b c d", "e f g h i j", 7);
    return 0;
}
