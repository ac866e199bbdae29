// Tokenizer parity with HF BertTokenizer goldens, loaders, malformed input.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "../test_support.hpp"
#include "semvec/text/tokenizer.hpp"

using nlohmann::json;
using semvec::Tokenizer;

namespace {

json load_golden(const std::string& name) {
    const std::string text = semvec_test::read_file(semvec_test::data_path("tokenizer/" + name));
    return json::parse(text);
}

std::vector<std::int32_t> ints(const json& a) {
    std::vector<std::int32_t> v;
    for (const auto& x : a) v.push_back(x.get<std::int32_t>());
    return v;
}

semvec::TokenizerOptions options_of(const json& meta) {
    semvec::TokenizerOptions o;
    o.basic.do_lower_case = meta["do_lower_case"].get<bool>();
    if (!meta["strip_accents"].is_null()) o.basic.strip_accents = meta["strip_accents"].get<bool>();
    o.basic.tokenize_chinese_chars = meta["tokenize_chinese_chars"].get<bool>();
    o.max_length = 0;
    return o;
}

// Checks every string, pair and batch of a golden file; returns the number of arrays compared.
int check_golden(const Tokenizer& tok, const json& g) {
    int checked = 0;
    for (const auto& s : g["strings"]) {
        const std::string text = s["text"].get<std::string>();
        INFO("text: " << text);
        const auto e = tok.encode(text, 0);
        CHECK(e.ids == ints(s["input_ids"]));
        CHECK(e.type_ids == std::vector<std::int32_t>(e.ids.size(), 0));
        CHECK(e.attention_mask == std::vector<std::int32_t>(e.ids.size(), 1));
        CHECK(tok.tokenize(text) == s["tokens"].get<std::vector<std::string>>());
        ++checked;
    }
    for (const auto& p : g["pairs"]) {
        const std::string a = p["a"].get<std::string>();
        const std::size_t ml = p["max_length"].is_null() ? 1000000 : p["max_length"].get<std::size_t>();
        INFO("pair: " << a);
        semvec::Encoding e;
        if (p["b"].is_null()) {
            e = tok.encode(a, ml);
        } else {
            const std::string tr = p["truncation"].is_null() ? "longest_first" : p["truncation"].get<std::string>();
            auto st = tr == "only_first"    ? semvec::TruncationStrategy::only_first
                      : tr == "only_second" ? semvec::TruncationStrategy::only_second
                                            : semvec::TruncationStrategy::longest_first;
            e = tok.encode_pair(a, p["b"].get<std::string>(), ml, st);
        }
        CHECK(e.ids == ints(p["input_ids"]));
        CHECK(e.type_ids == ints(p["token_type_ids"]));
        CHECK(e.attention_mask == ints(p["attention_mask"]));
        ++checked;
    }
    for (const auto& b : g["batches"]) {
        semvec::BatchOptions bo;
        bo.threads = 2;
        const auto& kw = b["kwargs"];
        if (kw.contains("max_length")) {
            bo.max_length = kw["max_length"].get<std::size_t>();
            bo.padding = semvec::Padding::max_length;
        } else {
            bo.max_length = 1000000;
            bo.padding = semvec::Padding::longest;
        }
        const auto out = tok.encode_batch(b["texts"].get<std::vector<std::string>>(), bo);
        REQUIRE(out.size() == b["input_ids"].size());
        for (std::size_t i = 0; i < out.size(); ++i) {
            CHECK(out[i].ids == ints(b["input_ids"][i]));
            CHECK(out[i].type_ids == ints(b["token_type_ids"][i]));
            CHECK(out[i].attention_mask == ints(b["attention_mask"][i]));
        }
        ++checked;
    }
    return checked;
}

const char* kGoldens[] = {"uncased-lc1-sanone-cjk1.json", "uncased-lc1-sanone-cjk0.json", "uncased-lc1-safalse-cjk1.json",
                          "uncased-lc0-sanone-cjk1.json", "uncased-lc0-satrue-cjk1.json"};

}  // namespace

TEST_CASE("vocab.txt with the golden flags reproduces every HF id, type id and mask", "[concurrency]") {
    for (const char* name : kGoldens) {
        INFO(name);
        const json g = load_golden(name);
        auto tok = Tokenizer::from_vocab_file(semvec_test::data_path("tokenizer/bert-base-uncased-vocab.txt"), options_of(g["meta"]));
        REQUIRE(tok.ok());
        CHECK(check_golden(*tok, g) == 139 + 9 + 2);
    }
    const json g = load_golden("tiny-lc1-sanone-cjk1.json");
    auto tok = Tokenizer::from_vocab_file(semvec_test::data_path("tokenizer/tiny-vocab.txt"), options_of(g["meta"]));
    REQUIRE(tok.ok());
    CHECK(check_golden(*tok, g) > 139);
}

TEST_CASE("tokenizer.json gives the same ids as vocab.txt on the goldens") {
    const json g = load_golden("uncased-lc1-sanone-cjk1.json");
    for (const char* f : {"bert-base-uncased-tokenizer.json", "bge-small-en-v1.5-tokenizer.json"}) {
        auto tok = Tokenizer::from_tokenizer_json(semvec_test::data_path(std::string("tokenizer/") + f));
        REQUIRE(tok.ok());
        CHECK(tok->cls_id() == 101);
        CHECK(tok->sep_id() == 102);
        CHECK(tok->unk_id() == 100);
        CHECK(check_golden(*tok, g) == 150);
    }
}

TEST_CASE("offsets of every token cover text that normalizes to the token") {
    const json g = load_golden("uncased-lc1-sanone-cjk1.json");
    auto tok = Tokenizer::from_vocab_file(semvec_test::data_path("tokenizer/bert-base-uncased-vocab.txt"), options_of(g["meta"]));
    REQUIRE(tok.ok());
    int exact = 0;
    for (const auto& s : g["strings"]) {
        const std::string text = s["text"].get<std::string>();
        const auto e = tok->encode(text, 0);
        REQUIRE(e.offsets.size() == e.ids.size());
        CHECK(e.offsets.front() == std::make_pair(0u, 0u));
        std::uint32_t prev = 0;
        for (std::size_t i = 1; i + 1 < e.ids.size(); ++i) {
            const auto [b, en] = e.offsets[i];
            INFO(text << " token " << i);
            REQUIRE(b < en);
            REQUIRE(en <= text.size());
            CHECK(b >= prev);
            prev = b;
            if (e.ids[i] == tok->unk_id()) continue;
            // Re-tokenizing the span alone gives the token back (without its ## prefix).
            std::string want = tok->id_to_token(e.ids[i]);
            if (want.rfind("##", 0) == 0) want = want.substr(2);
            std::vector<semvec::Word> words;
            tok->basic_tokenizer().tokenize(std::string_view(text).substr(b, en - b), words);
            std::string got;
            for (const auto& w : words) got += w.text;
            // Exceptions: special tokens (kept as written) and Hangul syllables split into jamo by NFD.
            if (got == want) ++exact;
        }
    }
    CHECK(exact > 500);
}

TEST_CASE("offsets are byte spans into the original text") {
    auto tok = Tokenizer::from_vocab_file(semvec_test::data_path("tokenizer/bert-base-uncased-vocab.txt"));
    REQUIRE(tok.ok());
    const std::string text = "Héllo, unaffable [SEP]x";
    const auto e = tok->encode(text);
    std::vector<std::string> spans;
    for (std::size_t i = 1; i + 1 < e.ids.size(); ++i) spans.push_back(text.substr(e.offsets[i].first, e.offsets[i].second - e.offsets[i].first));
    CHECK(spans == std::vector<std::string>{"Héllo", ",", "una", "ffa", "ble", "[SEP]", "x"});
}

TEST_CASE("invalid UTF-8 decodes like Python's errors=replace and never crashes") {
    using semvec::detail::decode_utf8;
    auto decode = [](const std::string& s) {
        std::vector<char32_t> out;
        std::size_t i = 0;
        while (i < s.size()) out.push_back(decode_utf8(s.data(), s.size(), i));
        return out;
    };
    const char32_t R = 0xFFFD;
    CHECK(decode("\x80") == std::vector<char32_t>{R});
    CHECK(decode("a\xC3") == std::vector<char32_t>{'a', R});
    CHECK(decode("\xE2\x82") == std::vector<char32_t>{R});            // truncated 3-byte: one maximal subpart
    CHECK(decode("\xE2\x82" "a") == std::vector<char32_t>{R, 'a'});
    CHECK(decode("\xF0\x9F\x98") == std::vector<char32_t>{R});
    CHECK(decode("\xED\xA0\x80") == std::vector<char32_t>{R, R, R});   // surrogate: ED then two lone continuations
    CHECK(decode("\xC0\xAF") == std::vector<char32_t>{R, R});          // overlong
    CHECK(decode("\xF4\x90\x80\x80") == std::vector<char32_t>{R, R, R, R});
    CHECK(decode("\xE0\x80") == std::vector<char32_t>{R, R});
    CHECK(decode("\xF5") == std::vector<char32_t>{R});
    CHECK(decode("\xE2\x82\xAC") == std::vector<char32_t>{0x20AC});

    auto tok = Tokenizer::from_vocab_file(semvec_test::data_path("tokenizer/bert-base-uncased-vocab.txt"));
    REQUIRE(tok.ok());
    // Replacement characters are removed by cleaning, as HF removes U+FFFD.
    CHECK(tok->encode("ab\xFF" "cd").ids == tok->encode("abcd").ids);
    CHECK(tok->encode("hello \xE2\x82 world").ids == tok->encode("hello  world").ids);
    // Every byte value at every position, and random bytes: no crash, offsets in range.
    std::uint32_t state = 12345;
    for (int round = 0; round < 2000; ++round) {
        std::string s;
        const int len = static_cast<int>(state % 40);
        for (int k = 0; k < len; ++k) {
            state = state * 1664525u + 1013904223u;
            s.push_back(static_cast<char>(state >> 24));
        }
        state = state * 1664525u + 1013904223u;
        const auto e = tok->encode(s);
        for (const auto& o : e.offsets) REQUIRE(o.second <= s.size());
    }
}

TEST_CASE("malformed vocab.txt gives a clear error") {
    const std::string p = semvec_test::temp_path("vocab_bad.txt");
    CHECK_FALSE(Tokenizer::from_vocab_file("/nonexistent/vocab.txt").ok());
    semvec_test::write_file(p, "");
    auto r = Tokenizer::from_vocab_file(p);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("empty") != std::string::npos);
    semvec_test::write_file(p, "[PAD]\nhello\nworld\n");
    r = Tokenizer::from_vocab_file(p);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("[UNK]") != std::string::npos);
    semvec_test::write_file(p, "[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\n");
    r = Tokenizer::from_vocab_file(p);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("CRLF") != std::string::npos);
    semvec_test::write_file(p, "[PAD]\n[UNK]\n[CLS]\n[SEP]\nbad\xFF\n");
    r = Tokenizer::from_vocab_file(p);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("line 5") != std::string::npos);
}

TEST_CASE("malformed tokenizer.json gives a clear error naming the component") {
    auto err = [](const std::string& text) {
        auto r = Tokenizer::from_tokenizer_json_text(text, "t.json");
        REQUIRE_FALSE(r.ok());
        return r.error().what();
    };
    CHECK(err("{not json").find("not valid JSON") != std::string::npos);
    CHECK(err("[1,2]").find("object") != std::string::npos);
    CHECK(err("{}").find("model") != std::string::npos);
    CHECK(err(R"({"model":{"type":"BPE","vocab":{},"merges":[]}})").find("BPE vocabulary is empty") != std::string::npos);
    CHECK(err(R"({"model":{"type":"WordLevel","vocab":{"a":0}}})").find("unsupported model 'WordLevel'") != std::string::npos);
    CHECK(err(R"({"model":{"type":"Unigram","vocab":[]}})").find("Unigram") != std::string::npos);
    CHECK(err(R"({"model":{"type":"WordPiece"}})").find("vocab") != std::string::npos);
    CHECK(err(R"({"model":{"type":"WordPiece","vocab":{"a":"x"}}})").find("not an integer") != std::string::npos);
    CHECK(err(R"({"model":{"type":"WordPiece","vocab":{"a":5}}})").find("outside") != std::string::npos);
    CHECK(err(R"({"model":{"type":"WordPiece","vocab":{"a":0,"b":0}}})").find("used twice") != std::string::npos);
    const std::string vocab = R"("vocab":{"[UNK]":0,"[CLS]":1,"[SEP]":2,"a":3})";
    CHECK(err(R"({"model":{"type":"WordPiece",)" + vocab + R"(},"normalizer":{"type":"NFKC"}})").find("normalizer 'NFKC'") != std::string::npos);
    CHECK(err(R"({"model":{"type":"WordPiece",)" + vocab + R"(},"pre_tokenizer":{"type":"Metaspace"}})").find("Metaspace") != std::string::npos);
    CHECK(err(R"({"model":{"type":"WordPiece",)" + vocab + R"(},"post_processor":{"type":"RobertaProcessing"}})").find("RobertaProcessing") != std::string::npos);
    CHECK(err(R"({"model":{"type":"WordPiece",)" + vocab + R"(},"normalizer":{"type":"BertNormalizer","lowercase":"yes"}})").find("lowercase") != std::string::npos);
    CHECK(err(R"({"model":{"type":"WordPiece","vocab":{"a":0}}})").find("[UNK]") != std::string::npos);
    // A minimal valid one.
    auto ok = Tokenizer::from_tokenizer_json_text(R"({"model":{"type":"WordPiece",)" + vocab +
                                                  R"(},"normalizer":{"type":"BertNormalizer"},"post_processor":{"type":"BertProcessing","cls":["[CLS]",1],"sep":["[SEP]",2]}})");
    REQUIRE(ok.ok());
    CHECK(ok->encode("A a").ids == std::vector<std::int32_t>{1, 3, 3, 2});
}

TEST_CASE("model metadata loads wordpiece and words tokenizers") {
    std::map<std::string, std::string> md;
    md["semvec.tokenizer"] = R"({"type":"wordpiece","do_lower_case":true,"strip_accents":null,"tokenize_chinese_chars":true,"clean_text":true,"unk_token":"[UNK]","cls_token":"[CLS]","sep_token":"[SEP]","pad_token":"[PAD]","max_length":8})";
    md["semvec.vocab"] = R"(["[PAD]","[UNK]","[CLS]","[SEP]","hello","##s","world"])";
    auto t = Tokenizer::from_model_metadata(md);
    REQUIRE(t.ok());
    CHECK(t->encode("Hellos WORLD x").ids == std::vector<std::int32_t>{2, 4, 5, 6, 1, 3});
    CHECK(t->max_length() == 8);
    md["semvec.tokenizer"] = R"({"type":"words","do_lower_case":true,"unk_token":null})";
    t = Tokenizer::from_model_metadata(md);
    REQUIRE(t.ok());
    CHECK(t->encode("Hello, world!").ids == std::vector<std::int32_t>{4, 6});
    md["semvec.tokenizer"] = R"({"type":"bpe"})";
    CHECK_FALSE(Tokenizer::from_model_metadata(md).ok());
    md["semvec.tokenizer"] = R"({"type":"wordpiece","do_lower_case":"yes"})";
    CHECK_FALSE(Tokenizer::from_model_metadata(md).ok());
    md["semvec.vocab"] = R"(["a",1])";
    CHECK_FALSE(Tokenizer::from_model_metadata(md).ok());
}

TEST_CASE("batch results do not depend on the thread count", "[concurrency]") {
    auto tok = Tokenizer::from_vocab_file(semvec_test::data_path("tokenizer/bert-base-uncased-vocab.txt"));
    REQUIRE(tok.ok());
    std::vector<std::string> texts;
    for (int i = 0; i < 50; ++i) texts.push_back("text number " + std::to_string(i) + std::string(static_cast<std::size_t>(i), 'x'));
    semvec::BatchOptions one, four;
    four.threads = 4;
    const auto a = tok->encode_batch(texts, one), b = tok->encode_batch(texts, four);
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].ids == b[i].ids);
}
