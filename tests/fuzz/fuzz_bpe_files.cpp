// Fuzz target: vocab.json + merges.txt (parse_bpe_tokenizer). The input is split at the first "\n--\n" into
// the two files; the first byte also picks the style. Whatever loads encodes a fixed text and a pair.
#include <semvec/text/bpe_files.hpp>

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string all(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::size_t cut = all.find("\n--\n");
    const std::string vocab = all.substr(0, cut), merges = cut == std::string::npos ? std::string() : all.substr(cut + 4);
    semvec::BpeFilesOptions o;
    o.style = static_cast<semvec::BpeStyle>(data[0] % 3);
    o.add_prefix_space = (data[0] & 4) != 0;
    auto tok = semvec::parse_bpe_tokenizer(vocab, merges, o, "fuzz");
    if (!tok) return 0;
    (void)tok->encode("Hello, world! unaffable <mask> naïve 東京 \xFF", 8);
    (void)tok->encode_pair("a b c d", "e f g h i j", 7);
    return 0;
}
