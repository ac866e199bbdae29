// Byte-level BPE and Unigram tokenizers beyond the goldens: loaders and their errors, hostile input, the
// split patterns, model-file metadata, threads.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "../test_support.hpp"
#include "semvec/text/bpe_files.hpp"
#include "semvec/text/sentencepiece_model.hpp"
#include "semvec/text/tokenizer.hpp"

using nlohmann::json;
using semvec::ErrorCode;
using semvec::Tokenizer;

namespace {

const Tokenizer& roberta() {
    static const Tokenizer t = *semvec::read_bpe_tokenizer(semvec_test::data_path("tokenizer/roberta-base/vocab.json"),
                                                           semvec_test::data_path("tokenizer/roberta-base/merges.txt"));
    return t;
}
const Tokenizer& xlmr_fast() {
    static const Tokenizer t =
        *Tokenizer::from_tokenizer_json(semvec_test::data_path("tokenizer/xlmr-unigram-8k/tokenizer.json"));
    return t;
}

std::string tiny_bpe_json(const std::string& extra_top, const std::string& merges = R"(["a b","ab c"])") {
    return R"({"model":{"type":"BPE","vocab":{"a":0,"b":1,"c":2,"ab":3,"abc":4,"<unk>":5},"merges":)" + merges +
           R"(,"unk_token":"<unk>"})" + extra_top + "}";
}

std::vector<std::string> splits(semvec::detail::SplitPattern p, const std::string& s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t e = semvec::detail::split_pattern_match(p, s.data(), s.size(), i);
        out.push_back(s.substr(i, e - i));
        i = e;
    }
    return out;
}

}  // namespace

TEST_CASE("the GPT-2 and Qwen2 split patterns cut text as the regexes do") {
    using semvec::detail::SplitPattern;
    CHECK(splits(SplitPattern::gpt2, "Hello world's  end 123!!") ==
          std::vector<std::string>{"Hello", " world", "'s", " ", " end", " 123", "!!"});
    CHECK(splits(SplitPattern::gpt2, "a  \n") == std::vector<std::string>{"a", "  \n"});
    CHECK(splits(SplitPattern::qwen2, "I'M here.com 2024\n\nok") ==
          std::vector<std::string>{"I", "'M", " here", ".com", " ", "2", "0", "2", "4", "\n\n", "ok"});
    CHECK(splits(SplitPattern::llama3, "12345") == std::vector<std::string>{"123", "45"});
    CHECK(splits(SplitPattern::qwen2, " \n x") == std::vector<std::string>{" \n", " x"});
}

TEST_CASE("a BPE tokenizer.json with a component semvec lacks is refused by name") {
    auto err = [](const std::string& text) {
        auto r = Tokenizer::from_tokenizer_json_text(text, "t.json");
        REQUIRE_FALSE(r.ok());
        return r.error();
    };
    auto e = err(tiny_bpe_json(R"(,"normalizer":{"type":"BertNormalizer"})"));
    CHECK(e.code == ErrorCode::unsupported);
    CHECK(e.what().find("normalizer 'BertNormalizer'") != std::string::npos);
    e = err(tiny_bpe_json(R"(,"pre_tokenizer":{"type":"Split","pattern":{"Regex":"\\d+"},"behavior":"Isolated"})"));
    CHECK(e.code == ErrorCode::unsupported);
    CHECK(e.what().find("Regex '\\d+'") != std::string::npos);
    e = err(tiny_bpe_json(R"(,"pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"ByteLevel","add_prefix_space":false},{"type":"Digits"}]})"));
    CHECK(e.what().find("after ByteLevel") != std::string::npos);
    e = err(tiny_bpe_json(R"(,"post_processor":{"type":"Nonsense"})"));
    CHECK(e.what().find("post_processor 'Nonsense'") != std::string::npos);
    e = err(R"({"model":{"type":"BPE","vocab":{"a":0},"merges":[],"dropout":0.1}})");
    CHECK(e.what().find("dropout") != std::string::npos);
    e = err(R"({"model":{"type":"Unigram","vocab":[["a",0.0]],"unk_id":5}})");
    CHECK(e.code == ErrorCode::invalid_data);
    CHECK(e.what().find("unk_id") != std::string::npos);
    e = err(tiny_bpe_json(R"(,"normalizer":{"type":"Precompiled","precompiled_charsmap":"AAAA"})"));
    CHECK(e.what().find("precompiled_charsmap") != std::string::npos);
    // And a minimal valid one.
    auto ok = Tokenizer::from_tokenizer_json_text(tiny_bpe_json(""), "t.json");
    REQUIRE(ok.ok());
    std::vector<std::int32_t> ids;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> offs;
    ok->tokenize_into("abcab x", ids, offs);
    CHECK(ids == std::vector<std::int32_t>{4, 3, 5, 5});  // no pre-tokenizer: one word; ' ' and 'x' unknown
}

TEST_CASE("merges that name unknown tokens or make tokens outside the vocabulary are errors naming the line") {
    const std::string vocab = R"({"a":0,"b":1,"ab":2})";
    auto r = semvec::parse_bpe_tokenizer(vocab, "#version: 0.2\na b\na z\n", {}, "m");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_data);
    CHECK(r.error().what().find("line 3") != std::string::npos);
    CHECK(r.error().what().find("'z'") != std::string::npos);
    r = semvec::parse_bpe_tokenizer(vocab, "b a\n", {}, "m");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("makes 'ba'") != std::string::npos);
    r = semvec::parse_bpe_tokenizer(vocab, "a b c\n", {}, "m");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("two tokens") != std::string::npos);
    r = semvec::parse_bpe_tokenizer("[1]", "", {}, "m");
    CHECK_FALSE(r.ok());
    // A pair listed twice: the later rank wins (as in HF and transformers); the result is defined.
    semvec::BpeFilesOptions gpt2;
    gpt2.style = semvec::BpeStyle::gpt2;
    auto dup = semvec::parse_bpe_tokenizer(R"({"a":0,"b":1,"ab":2,"c":3,"bc":4,"Ġ":5})", "b c\na b\nb c\n", gpt2, "m");
    REQUIRE(dup.ok());
    std::vector<std::int32_t> ids;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> offs;
    dup->tokenize_into("abc", ids, offs);
    CHECK(ids == std::vector<std::int32_t>{2, 3});
}

TEST_CASE("invalid UTF-8 tokenizes as its U+FFFD decoding and offsets stay inside the text") {
    for (const Tokenizer* t : {&roberta(), &xlmr_fast()}) {
        std::vector<std::int32_t> a, b;
        std::vector<std::pair<std::uint32_t, std::uint32_t>> oa, ob;
        t->tokenize_into("ab\xFF" "cd \xE2\x82 x", a, oa);
        t->tokenize_into("ab\xEF\xBF\xBD" "cd \xEF\xBF\xBD x", b, ob);
        CHECK(a == b);
        std::uint32_t state = 7;
        for (int round = 0; round < 500; ++round) {
            std::string s;
            const int len = static_cast<int>(state % 50);
            for (int k = 0; k < len; ++k) {
                state = state * 1664525u + 1013904223u;
                s.push_back(static_cast<char>(state >> 24));
            }
            state = state * 1664525u + 1013904223u;
            const auto e = t->encode_pair(s, s, 16);
            for (const auto& o : e.offsets) {
                REQUIRE(o.first <= o.second);
                REQUIRE(o.second <= s.size());
            }
        }
    }
}

TEST_CASE("a long line without spaces tokenizes in full and truncation stops early") {
    const std::string line(1 << 20, 'a');
    std::vector<std::int32_t> ids;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> offs;
    roberta().tokenize_into(line, ids, offs);
    REQUIRE(!ids.empty());
    CHECK(offs.back().second == line.size());
    std::size_t covered = 0;
    for (const auto& o : offs) covered += o.second - o.first;
    CHECK(covered == line.size());
    const auto e = roberta().encode(line, 8);
    CHECK(e.ids.size() == 8);
    CHECK(e.truncated);
}

TEST_CASE("one const tokenizer shared by 8 threads gives identical results", "[concurrency]") {
    std::vector<std::string> texts;
    for (int i = 0; i < 200; ++i)
        texts.push_back("Text number " + std::to_string(i) + " — café, naïve; ünïcödé " + std::string(static_cast<std::size_t>(i % 17), 'x'));
    for (const Tokenizer* t : {&roberta(), &xlmr_fast()}) {
        std::vector<std::vector<std::int32_t>> ref;
        for (const auto& s : texts) ref.push_back(t->encode(s).ids);
        std::vector<int> bad(8, 0);
        std::vector<std::thread> pool;
        for (int k = 0; k < 8; ++k)
            pool.emplace_back([&, k] {
                for (int round = 0; round < 3; ++round)
                    for (std::size_t i = 0; i < texts.size(); ++i)
                        if (t->encode(texts[(i + static_cast<std::size_t>(k) * 13) % texts.size()]).ids !=
                            ref[(i + static_cast<std::size_t>(k) * 13) % texts.size()])
                            ++bad[static_cast<std::size_t>(k)];
            });
        for (auto& th : pool) th.join();
        for (int b : bad) CHECK(b == 0);
        semvec::BatchOptions one, eight;
        eight.threads = 8;
        const auto a = t->encode_batch(texts, one), b = t->encode_batch(texts, eight);
        for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].ids == b[i].ids);
    }
}

TEST_CASE("8 threads filling a fresh word cache at once get the results of one thread", "[concurrency]") {
    // ~20k distinct words: the shared cache's tables grow several times while the threads read them.
    std::vector<std::string> texts;
    std::uint32_t x = 12345;
    for (int i = 0; i < 2000; ++i) {
        std::string t;
        for (int w = 0; w < 10; ++w) {
            if (w) t += ' ';
            for (int c = 0; c < 3 + static_cast<int>(x % 6); ++c) {
                x = x * 1103515245u + 12345u;
                t += static_cast<char>('a' + (x >> 16) % 26);
            }
        }
        texts.push_back(t);
    }
    auto fresh = [](int which) {
        if (which == 0)
            return *semvec::read_bpe_tokenizer(semvec_test::data_path("tokenizer/roberta-base/vocab.json"),
                                               semvec_test::data_path("tokenizer/roberta-base/merges.txt"));
        return *Tokenizer::from_tokenizer_json(semvec_test::data_path("tokenizer/xlmr-unigram-8k/tokenizer.json"));
    };
    for (int which : {0, 1}) {
        const Tokenizer reference = fresh(which), shared = fresh(which);  // two loads: two caches
        std::vector<semvec::Encoding> ref;
        for (const auto& s : texts) ref.push_back(reference.encode(s));
        std::vector<int> bad(8, 0);
        std::atomic<int> ready{0};
        std::vector<std::thread> pool;
        for (int k = 0; k < 8; ++k)
            pool.emplace_back([&, k] {
                ++ready;
                while (ready.load() < 8) std::this_thread::yield();
                for (std::size_t i = 0; i < texts.size(); ++i) {
                    const std::size_t j = (i * 7 + static_cast<std::size_t>(k) * 251) % texts.size();
                    const auto e = shared.encode(texts[j]);
                    if (e.ids != ref[j].ids || e.offsets != ref[j].offsets) ++bad[static_cast<std::size_t>(k)];
                }
            });
        for (auto& th : pool) th.join();
        for (int b : bad) CHECK(b == 0);
    }
}

TEST_CASE("model-file metadata of type unigram and bpe loads the same tokenizer as the files") {
    // Unigram: the description read_sentencepiece_tokenizer builds, stored as convert.py stores it.
    auto m = semvec::parse_sentencepiece_model(semvec_test::read_file(semvec_test::data_path("tokenizer/xlmr-unigram-8k/spiece.model")), "spm");
    REQUIRE(m.ok());
    json tj = semvec::sentencepiece_tokenizer_json(*m, {});
    json vocab = json::array(), scores = json::array();
    for (const auto& e : tj["model"]["vocab"]) {
        vocab.push_back(e[0]);
        scores.push_back(e[1]);
    }
    tj["model"]["vocab"] = scores;
    std::map<std::string, std::string> md;
    md["semvec.vocab"] = vocab.dump();
    md["semvec.tokenizer"] = json{{"type", "unigram"}, {"reference", "transformers_slow"}, {"max_length", 64}, {"tokenizer_json", tj}}.dump();
    auto from_md = Tokenizer::from_model_metadata(md);
    REQUIRE(from_md.ok());
    auto direct = semvec::read_sentencepiece_tokenizer(semvec_test::data_path("tokenizer/xlmr-unigram-8k/spiece.model"));
    REQUIRE(direct.ok());
    for (const char* s : {"Hello world!", "ﬁnance  café", "  spaced   out  ", "<mask> and </s>"})
        CHECK(from_md->encode(s).ids == direct->encode(s).ids);
    CHECK(from_md->max_length() == 64);
    // BPE with left padding.
    json h = json::parse(semvec_test::read_file(semvec_test::data_path("tokenizer/hf/qwen3-embedding.tokenizer-header.json")));
    h["model"].erase("vocab");
    std::vector<std::string> tokens(151643);
    const json v = json::parse(semvec_test::read_file(semvec_test::data_path("tokenizer/qwen2/vocab.json")));
    for (auto it = v.begin(); it != v.end(); ++it) tokens[it->get<std::size_t>()] = it.key();
    json merges = json::array();
    std::istringstream in(semvec_test::read_file(semvec_test::data_path("tokenizer/qwen2/merges.txt")));
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line))
        if (!line.empty()) merges.push_back(line);
    h["model"]["merges"] = merges;
    md["semvec.vocab"] = json(tokens).dump();
    md["semvec.tokenizer"] = json{{"type", "bpe"}, {"padding_side", "left"}, {"max_length", 32}, {"tokenizer_json", h}}.dump();
    auto q = Tokenizer::from_model_metadata(md);
    REQUIRE(q.ok());
    CHECK(q->padding_side() == semvec::PaddingSide::left);
    CHECK(q->encode("Hello world!").ids == std::vector<std::int32_t>{9707, 1879, 0, 151643});
    CHECK(q->num_special_tokens(false) == 1);
    CHECK(q->wrap_single({9707}).ids == std::vector<std::int32_t>{9707, 151643});
    // Broken descriptions are errors, not crashes.
    md["semvec.tokenizer"] = json{{"type", "bpe"}, {"tokenizer_json", 3}}.dump();
    CHECK_FALSE(Tokenizer::from_model_metadata(md).ok());
    md["semvec.tokenizer"] = json{{"type", "unigram"}, {"reference", "elsewhere"}, {"tokenizer_json", json::object()}}.dump();
    auto bad = Tokenizer::from_model_metadata(md);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == ErrorCode::unsupported);
}

TEST_CASE("malformed SentencePiece model files give clear errors") {
    auto err = [](const std::string& bytes) {
        auto r = semvec::parse_sentencepiece_model(bytes, "m.model");
        REQUIRE_FALSE(r.ok());
        return r.error().what();
    };
    CHECK(err("").find("no pieces") != std::string::npos);
    CHECK(err("\x0A\x05\x0A\x10" "ab").find("truncated") != std::string::npos);
    CHECK(err(std::string("\x0A\xFF\xFF\xFF\xFF\x0F", 6)).find("not a SentencePiece model") != std::string::npos);
    // A BPE model (trainer_spec.model_type 2) is refused as unsupported.
    const std::string piece = std::string("\x0A\x05\x0A\x01" "a\x18\x01", 7);
    auto r = semvec::parse_sentencepiece_model(piece + std::string("\x12\x02\x18\x02", 4), "m.model");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::unsupported);
    CHECK(semvec::parse_sentencepiece_model(piece, "m.model").ok());
    CHECK_FALSE(semvec::read_sentencepiece_tokenizer("/nonexistent.model").ok());
}

TEST_CASE("offsets of BPE tokens are byte-exact from vocab.json and whole characters from tokenizer.json") {
    const std::string text = "Å ok";
    std::vector<std::int32_t> ids;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> offs;
    roberta().tokenize_into(text, ids, offs);
    REQUIRE(offs.size() >= 2);
    CHECK(offs[0] == std::make_pair(0u, 1u));  // first byte of 'Å'
    CHECK(offs[1] == std::make_pair(1u, 2u));
    CHECK(roberta().reference() == semvec::TokenizerReference::transformers_slow);
    CHECK(xlmr_fast().reference() == semvec::TokenizerReference::hf_tokenizers);
}
