// Byte-level BPE and Unigram parity: every id, token and offset of the goldens, for singles, pairs, each
// truncation strategy and padded batches.
//  - tests/data/tokenizer/<name>.json: transformers' slow tokenizers (RobertaTokenizer, Qwen2Tokenizer,
//    AlbertTokenizer, XLMRobertaTokenizer), compared with semvec reading the slow files (vocab.json + merges.txt).
//  - tests/data/tokenizer/hf/<name>.json: HF tokenizers 0.22.2 (Rust) on the matching tokenizer.json,
//    compared with semvec reading that tokenizer.json.
// The counts each check returns are printed in the test names' sections so a partial pass cannot hide.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "../test_support.hpp"
#include "semvec/text/bpe_files.hpp"
#include "semvec/text/sentencepiece_model.hpp"
#include "semvec/text/tokenizer.hpp"

using nlohmann::json;
using semvec::Tokenizer;

namespace {

json load(const std::string& rel) { return json::parse(semvec_test::read_file(semvec_test::data_path("tokenizer/" + rel))); }

std::vector<std::int32_t> ints(const json& a) {
    std::vector<std::int32_t> v;
    for (const auto& x : a) v.push_back(x.get<std::int32_t>());
    return v;
}
std::vector<std::pair<std::uint32_t, std::uint32_t>> spans(const json& a) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> v;
    for (const auto& x : a) v.emplace_back(x[0].get<std::uint32_t>(), x[1].get<std::uint32_t>());
    return v;
}

/// The tokenizer.json of a BPE fixture, put back together from its header and the vocab.json/merges.txt it
/// was checked to hold (tests/data/tokenizer/hf/*.tokenizer-header.json; the generator asserts equality).
std::string assembled_tokenizer_json(const std::string& name, const std::string& files, bool drop_hash_merges) {
    json h = load("hf/" + name + ".tokenizer-header.json");
    h["model"]["vocab"] = load(files + "/vocab.json");
    json merges = json::array();
    std::istringstream in(semvec_test::read_file(semvec_test::data_path("tokenizer/" + files + "/merges.txt")));
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
        if (first && line.rfind("#version", 0) == 0) { first = false; continue; }
        first = false;
        if (line.empty()) continue;
        if (drop_hash_merges && line[0] == '#') continue;
        merges.push_back(line);
    }
    h["model"]["merges"] = merges;
    return h.dump();
}

semvec::TruncationStrategy strategy_of(const json& t) {
    const std::string s = t.is_null() ? "longest_first" : t.get<std::string>();
    return s == "only_first" ? semvec::TruncationStrategy::only_first
           : s == "only_second" ? semvec::TruncationStrategy::only_second
                                : semvec::TruncationStrategy::longest_first;
}

struct Counts {
    int strings = 0, pairs = 0, batches = 0, offsets = 0;
};

/// Compares a tokenizer with a golden file. `fast`: the HF tokenizers layout (hf/*.json), else the slow one.
Counts check(const Tokenizer& tok, const json& g, bool fast) {
    Counts c;
    const std::int32_t unk = tok.unk_id();
    for (const auto& s : g["strings"]) {
        const std::string text = s["text"].get<std::string>();
        INFO("text: " << text);
        std::vector<std::int32_t> ids;
        std::vector<std::pair<std::uint32_t, std::uint32_t>> offs;
        tok.tokenize_into(text, ids, offs);
        CHECK(ids == ints(s["ids"]));
        const auto want_tokens = s["tokens"].get<std::vector<std::string>>();
        if (ids.size() == want_tokens.size())
            for (std::size_t k = 0; k < ids.size(); ++k)
                if (ids[k] != unk) CHECK(tok.id_to_token(ids[k]) == want_tokens[k]);  // unknowns: the surface text
        const auto e = tok.encode(text, 0);
        CHECK(e.ids == ints(s["input_ids"]));
        // Slow ALBERT goldens give offsets into the preprocessed text: comparable where that is the text.
        const bool offsets_comparable = fast || !s.contains("offsets_into") || s["offsets_into"] == "text" ||
                                        (s["offsets_into"] == "preprocessed" && s.contains("preprocessed") && s["preprocessed"] == text);
        if (offsets_comparable && s.contains("byte_offsets") && !s["byte_offsets"].is_null()) {
            CHECK(offs == spans(s["byte_offsets"]));
            ++c.offsets;
        }
        if (fast) {
            CHECK(e.offsets == spans(s["offsets_with_specials"]));
            CHECK(e.type_ids == ints(s["type_ids"]));
        }
        ++c.strings;
    }
    for (const auto& p : g["pairs"]) {
        const std::string a = p["a"].get<std::string>();
        INFO("pair: " << a.substr(0, 40) << " / max_length " << p["max_length"]);
        const std::size_t ml = p["max_length"].is_null() ? std::size_t(-1) >> 2 : p["max_length"].get<std::size_t>();
        semvec::Encoding e;
        if (p["b"].is_null()) e = tok.encode(a, ml);
        else e = tok.encode_pair(a, p["b"].get<std::string>(), ml, strategy_of(p["truncation"]));
        CHECK(e.ids == ints(p["input_ids"]));
        if (fast && p.contains("type_ids")) CHECK(e.type_ids == ints(p["type_ids"]));
        if (!fast && p.contains("token_type_ids")) CHECK(e.type_ids == ints(p["token_type_ids"]));
        ++c.pairs;
    }
    for (const auto& b : g["batches"]) {
        semvec::BatchOptions bo;
        bo.threads = 2;
        const auto& kw = b["kwargs"];
        if (kw.contains("max_length")) {
            bo.max_length = kw["max_length"].get<std::size_t>();
            bo.padding = semvec::Padding::max_length;
        } else {
            bo.max_length = std::size_t(-1) >> 2;
            bo.padding = semvec::Padding::longest;
        }
        const auto out = tok.encode_batch(b["texts"].get<std::vector<std::string>>(), bo);
        REQUIRE(out.size() == b["input_ids"].size());
        for (std::size_t i = 0; i < out.size(); ++i) {
            CHECK(out[i].ids == ints(b["input_ids"][i]));
            CHECK(out[i].attention_mask == ints(b["attention_mask"][i]));
        }
        ++c.batches;
    }
    return c;
}

Tokenizer fast_tokenizer(const std::string& name) {
    std::string text;
    if (name == "roberta-base") text = assembled_tokenizer_json(name, "roberta-base", false);
    else if (name == "qwen2") text = assembled_tokenizer_json(name, "qwen2", true);
    else if (name == "qwen3-embedding") text = assembled_tokenizer_json(name, "qwen2", false);
    else text = semvec_test::read_file(semvec_test::data_path("tokenizer/" + name + "/tokenizer.json"));
    auto t = Tokenizer::from_tokenizer_json_text(text, name);
    if (!t) FAIL(t.error().what());
    if (name.rfind("qwen", 0) == 0) t->set_padding(semvec::PaddingSide::left, 151643);
    return std::move(*t);
}

}  // namespace

TEST_CASE("tokenizer.json of byte-level BPE and Unigram models matches HF tokenizers on every golden", "[concurrency]") {
    for (const char* name : {"roberta-base", "qwen2", "qwen3-embedding", "xlmr-unigram-8k", "albert-base-v2"}) {
        SECTION(name) {
            const Tokenizer tok = fast_tokenizer(name);
            const json g = load(std::string("hf/") + name + ".json");
            const Counts c = check(tok, g, true);
            CHECK(c.strings == 139);
            CHECK(c.offsets == 139);
            CHECK(c.pairs == static_cast<int>(g["pairs"].size()));
            CHECK(c.batches == 2);
        }
    }
}

TEST_CASE("vocab.json and merges.txt read as the slow tokenizers match transformers on every golden") {
    SECTION("roberta-base") {
        auto tok = semvec::read_bpe_tokenizer(semvec_test::data_path("tokenizer/roberta-base/vocab.json"),
                                              semvec_test::data_path("tokenizer/roberta-base/merges.txt"));
        REQUIRE(tok.ok());
        const Counts c = check(*tok, load("roberta-base.json"), false);
        CHECK(c.strings == 139);
        CHECK(c.offsets == 139);
        CHECK(c.pairs == 9);
    }
    SECTION("qwen2 and qwen3-embedding") {
        semvec::BpeFilesOptions o;
        o.style = semvec::BpeStyle::qwen2;
        o.padding_side = semvec::PaddingSide::left;
        o.added_tokens = {{"<|endoftext|>", 151643, false, false, false, false, true},
                          {"<|im_start|>", 151644, false, false, false, false, true},
                          {"<|im_end|>", 151645, false, false, false, false, true}};
        auto tok = semvec::read_bpe_tokenizer(semvec_test::data_path("tokenizer/qwen2/vocab.json"),
                                              semvec_test::data_path("tokenizer/qwen2/merges.txt"), o);
        REQUIRE(tok.ok());
        Counts c = check(*tok, load("qwen2.json"), false);
        CHECK(c.strings == 139);
        CHECK(c.offsets == 135);  // 3 goldens give offsets into NFC(text), 1 none
        CHECK(c.pairs == 9);
        o.single_template = "$A <|endoftext|>";
        o.pair_template = "$A <|endoftext|> $B:1 <|endoftext|>:1";
        auto q3 = semvec::read_bpe_tokenizer(semvec_test::data_path("tokenizer/qwen2/vocab.json"),
                                             semvec_test::data_path("tokenizer/qwen2/merges.txt"), o);
        REQUIRE(q3.ok());
        c = check(*q3, load("qwen3-embedding.json"), false);
        CHECK(c.strings == 139);
        CHECK(c.pairs == 3);
    }
}

TEST_CASE("SentencePiece .model files read as the slow tokenizers match transformers on every golden") {
    SECTION("xlmr-unigram-8k as XLMRobertaTokenizer") {
        auto tok = semvec::read_sentencepiece_tokenizer(semvec_test::data_path("tokenizer/xlmr-unigram-8k/spiece.model"));
        REQUIRE(tok.ok());
        const Counts c = check(*tok, load("xlmr-unigram-8k.json"), false);
        CHECK(c.strings == 139);
        CHECK(c.offsets == 139);
        CHECK(c.pairs == 9);
    }
    SECTION("albert-base-v2 as AlbertTokenizer") {
        semvec::SentencePieceOptions o;
        o.style = semvec::SentencePieceStyle::albert;
        auto tok = semvec::read_sentencepiece_tokenizer(semvec_test::data_path("tokenizer/albert-base-v2/spiece.model"), o);
        REQUIRE(tok.ok());
        const Counts c = check(*tok, load("albert-base-v2.json"), false);
        CHECK(c.strings == 139);
        CHECK(c.pairs == 9);
    }
}
