// Fuzz target: vocab.txt loading (Tokenizer::from_vocab_text: one token per line), with the options taken
// from the first input byte, then a small encode with whatever loaded.
#include <semvec/text/tokenizer.hpp>

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t flags = data[0];
    semvec::TokenizerOptions o;
    o.basic.do_lower_case = flags & 1;
    o.basic.tokenize_chinese_chars = flags & 2;
    if (flags & 4) o.basic.strip_accents = (flags & 8) != 0;
    o.max_input_chars_per_word = (flags & 16) ? 3 : 100;
    if (flags & 32) o.type = semvec::TokenizerType::words;
    if (flags & 64) o.added_tokens = {"[NEW]", "<x>", "##"};
    if (flags & 128) o.continuing_subword_prefix = "";
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    auto tok = semvec::Tokenizer::from_vocab_text(text, o, "fuzz");
    if (!tok) return 0;
    (void)tok->encode("Hello, world! unaffable [MASK] naïve 東京 <x>", 8);
    (void)tok->encode_pair("a b c d", "e f g h i j", 7);
    return 0;
}
