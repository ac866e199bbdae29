// Static word-vector models: the bundled GloVe default carries meaning, embed() means known words and counts
// the unknown ones, WordPiece (Model2Vec) files work, and a const model is shared by threads.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <sstream>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <semvec/model/static_vectors.hpp>

#include "../test_support.hpp"

namespace {

struct Loaded {
    semvec::SafetensorsFile file;
    semvec::ModelFileInfo info;
    semvec::StaticVectors model;
};

Loaded load(const std::string& path) {
    auto f = semvec::SafetensorsFile::open(path);
    REQUIRE(f.ok());
    auto info = semvec::read_model_info(*f);
    INFO((info.ok() ? std::string() : info.error().what()));
    REQUIRE(info.ok());
    auto m = semvec::StaticVectors::load(*f, *info);
    REQUIRE(m.ok());
    return {*f, *info, *m};
}

const Loaded& glove() {
    static const Loaded g = load(std::string(SEMVEC_SOURCE_DIR) + "/models/glove-6B-100d-top20k-f16.safetensors");
    return g;
}

double cosine(const float* a, const float* b, std::size_t n) {
    double d = 0, na = 0, nb = 0;
    for (std::size_t i = 0; i < n; ++i) {
        d += double(a[i]) * b[i];
        na += double(a[i]) * a[i];
        nb += double(b[i]) * b[i];
    }
    return d / std::sqrt(na * nb);
}

/// The `k` words nearest to `word` by cosine (the word itself excluded).
std::vector<std::string> neighbours(const semvec::StaticVectors& m, const std::string& word, std::size_t k) {
    auto id = m.word_id(word);
    REQUIRE(id);
    std::vector<std::pair<double, std::size_t>> scored;
    for (std::size_t w = 0; w < m.vocab_size(); ++w)
        if (w != *id) scored.emplace_back(cosine(m.vector(*id), m.vector(w), m.dim()), w);
    std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(k), scored.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> out;
    for (std::size_t i = 0; i < k; ++i) out.push_back(m.vocab()[scored[i].second]);
    return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// A Model2Vec-like file: WordPiece vocab, f32 vectors, written in memory.
Loaded wordpiece_model() {
    using json = nlohmann::json;
    const std::vector<std::string> vocab{"[PAD]", "[UNK]", "hello", "world", "##s", "un", "##known"};
    std::vector<float> emb(vocab.size() * 2);
    for (std::size_t i = 0; i < vocab.size(); ++i) {
        emb[2 * i] = float(i);
        emb[2 * i + 1] = 1.0f;
    }
    std::map<std::string, std::string> meta{
        {"semvec.format", "1"}, {"semvec.architecture", "static"}, {"semvec.dtype", "f32"},
        {"semvec.config", json{{"dim", 2}, {"vocab_size", vocab.size()}, {"format", "model2vec"}}.dump()},
        {"semvec.tokenizer", json{{"type", "wordpiece"}, {"do_lower_case", true}, {"unk_token", "[UNK]"}, {"max_length", 0}}.dump()},
        {"semvec.vocab", json(vocab).dump()},
        {"semvec.pooling", json{{"mode", "mean"}, {"normalize", true}, {"source", "model2vec"}}.dump()}};
    auto bytes = semvec::serialize_safetensors({semvec::tensor_f32("embeddings.word", emb, {std::int64_t(vocab.size()), 2})}, meta);
    REQUIRE(bytes.ok());
    auto f = semvec::SafetensorsFile::from_bytes(std::move(*bytes), "m2v.safetensors");
    REQUIRE(f.ok());
    auto info = semvec::read_model_info(*f);
    REQUIRE(info.ok());
    auto m = semvec::StaticVectors::load(*f, *info);
    REQUIRE(m.ok());
    return {*f, *info, *m};
}

}  // namespace

TEST_CASE("the default GloVe model puts king near queen and paris near france", "[static]") {
    const auto& m = glove().model;
    CHECK(m.dim() == 100);
    CHECK(m.vocab_size() == 20000);
    const auto king = neighbours(m, "king", 5);
    INFO("king: " << king[0] << " " << king[1] << " " << king[2] << " " << king[3] << " " << king[4]);
    CHECK(contains(king, "queen"));
    const auto paris = neighbours(m, "paris", 5);
    INFO("paris: " << paris[0] << " " << paris[1] << " " << paris[2]);
    CHECK(contains(paris, "france"));
    CHECK(contains(neighbours(m, "computer", 10), "software"));
    CHECK(contains(neighbours(m, "football", 10), "soccer"));
}

TEST_CASE("sentences on one topic are closer than sentences on different topics", "[static]") {
    const auto& m = glove().model;
    std::vector<float> a(m.dim()), b(m.dim()), c(m.dim());
    m.embed("The striker scored a late goal and the team won the match.", a.data(), true);
    m.embed("Our football club beat their rivals in the league game.", b.data(), true);
    m.embed("The central bank raised interest rates to curb inflation.", c.data(), true);
    CHECK(cosine(a.data(), b.data(), m.dim()) > cosine(a.data(), c.data(), m.dim()) + 0.1);
    CHECK(cosine(b.data(), b.data(), m.dim()) == Approx(1.0));
}

TEST_CASE("embed means the known words, skips and counts the unknown ones", "[static]") {
    const auto& m = glove().model;
    std::vector<float> out(m.dim()), king(m.dim());
    auto st = m.embed("KING xyzzyqwv", out.data(), false);
    CHECK(st.tokens == 2);
    CHECK(st.known == 1);
    CHECK(st.unknown == 1);
    CHECK_FALSE(st.truncated);
    const float* v = m.vector(*m.word_id("king"));
    for (std::size_t i = 0; i < m.dim(); ++i) CHECK(out[i] == v[i]);  // lower-cased, mean of one word

    m.embed("king queen", out.data(), false);
    const float* q = m.vector(*m.word_id("queen"));
    for (std::size_t i = 0; i < m.dim(); ++i) CHECK(out[i] == Approx((double(v[i]) + q[i]) / 2).epsilon(1e-6));

    st = m.embed("zzqqxx ..!", out.data(), true);  // punctuation are tokens of their own
    CHECK(st.tokens == 4);
    st = m.embed("", out.data(), true);
    CHECK(st.tokens == 0);
    CHECK(std::all_of(out.begin(), out.end(), [](float x) { return x == 0.0f; }));
    st = m.embed("qqzzxxw", out.data(), true);  // nothing known: zeros, even when normalizing
    CHECK(st.unknown == 1);
    CHECK(std::all_of(out.begin(), out.end(), [](float x) { return x == 0.0f; }));
}

TEST_CASE("normalize gives unit vectors and the tokenizer splits like HF's basic tokenizer", "[static]") {
    const auto& m = glove().model;
    std::vector<float> out(m.dim());
    m.embed("A quiet evening by the river.", out.data(), true);
    double n = 0;
    for (float x : out) n += double(x) * x;
    CHECK(std::sqrt(n) == Approx(1.0).epsilon(1e-6));
    const std::vector<std::string> want{"hello", ",", "world", "!", "don", "'", "t", "東", "京", "café"};
    CHECK(m.tokenize("Hello,\tWORLD!\xE2\x80\x8B don't 東京 Café") == want);
    CHECK(m.tokenize(std::string("bad \xff\xfe bytes")) == std::vector<std::string>{"bad", "bytes"});
}

TEST_CASE("WordPiece static models (Model2Vec) split words into known pieces", "[static]") {
    auto l = wordpiece_model();
    const auto& m = l.model;
    CHECK(m.tokenize("Hello worlds unknown zzz") ==
          std::vector<std::string>{"hello", "world", "##s", "un", "##known", "[UNK]"});
    std::vector<float> out(2);
    auto st = m.embed("Hello worlds zzz", out.data(), false);
    CHECK(st.tokens == 4);
    CHECK(st.known == 3);
    CHECK(st.unknown == 1);  // the unk token is skipped, as Model2Vec does
    CHECK(out[0] == Approx((2.0 + 3.0 + 4.0) / 3));
    CHECK(out[1] == Approx(1.0));
}

TEST_CASE("load refuses a transformer file", "[static]") {
    semvec::ModelFileInfo info;
    info.architecture = semvec::Architecture::bert;
    auto r = semvec::StaticVectors::load(glove().file, info);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().what(), Catch::Contains("not static"));
}

TEST_CASE("a const static model gives identical vectors from many threads", "[static][concurrency]") {
    const semvec::StaticVectors& m = glove().model;
    const std::vector<std::string> texts{"the cat sat on the mat", "stocks fell sharply on monday", "a new vaccine trial",
                                         "rain is expected tomorrow", "she plays the violin"};
    std::vector<float> ref(texts.size() * m.dim());
    for (std::size_t i = 0; i < texts.size(); ++i) m.embed(texts[i], ref.data() + i * m.dim(), true);
    std::vector<std::vector<float>> got(4, std::vector<float>(ref.size()));
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < got.size(); ++t)
        threads.emplace_back([&, t] {
            for (int rep = 0; rep < 20; ++rep)
                for (std::size_t i = 0; i < texts.size(); ++i) m.embed(texts[i], got[t].data() + i * m.dim(), true);
        });
    for (auto& th : threads) th.join();
    for (const auto& g : got) CHECK(g == ref);
}

// The private basic tokenizer + WordPiece of static models against HF's BertTokenizer (transformers 4.36.2)
// on 139 tricky strings under five flag sets: basic tokens and WordPiece tokens must be identical.
TEST_CASE("static tokenization matches HF BertTokenizer on the uncased goldens", "[static]") {
    using json = nlohmann::json;
    std::vector<std::string> vocab;
    {
        std::istringstream in(semvec_test::read_file(semvec_test::data_path("models/bert-realvocab-small/vocab.txt")));
        for (std::string l; std::getline(in, l);) vocab.push_back(l);
    }
    REQUIRE(vocab.size() == 30522);
    const std::vector<float> emb(vocab.size(), 0.0f);
    for (const char* name : {"uncased-lc1-sanone-cjk1", "uncased-lc1-safalse-cjk1", "uncased-lc1-sanone-cjk0",
                             "uncased-lc0-sanone-cjk1", "uncased-lc0-satrue-cjk1"}) {
        const std::string text = semvec_test::read_file(semvec_test::data_path(std::string("static/hf-tokenizer/") + name + ".json"));
        const json g = json::parse(text, nullptr, false);
        REQUIRE_FALSE(g.is_discarded());
        const json& meta = g["meta"];
        for (const char* type : {"wordpiece", "words"}) {
            json tok = {{"type", type}, {"do_lower_case", meta["do_lower_case"]}, {"strip_accents", meta["strip_accents"]},
                        {"tokenize_chinese_chars", meta["tokenize_chinese_chars"]}, {"unk_token", "[UNK]"},
                        {"cls_token", "[CLS]"}, {"sep_token", "[SEP]"}, {"pad_token", "[PAD]"}, {"mask_token", "[MASK]"},
                        {"max_length", 0}};
            if (std::string(type) == "words" && meta["strip_accents"].is_null()) tok["strip_accents"] = meta["do_lower_case"];
            std::map<std::string, std::string> md{
                {"semvec.format", "1"}, {"semvec.architecture", "static"}, {"semvec.dtype", "f32"},
                {"semvec.config", json{{"dim", 1}, {"vocab_size", vocab.size()}, {"format", "model2vec"}}.dump()},
                {"semvec.tokenizer", tok.dump()}, {"semvec.vocab", json(vocab).dump()},
                {"semvec.pooling", json{{"mode", "mean"}, {"normalize", false}}.dump()}};
            auto bytes = semvec::serialize_safetensors({semvec::tensor_f32("embeddings.word", emb, {std::int64_t(vocab.size()), 1})}, md);
            REQUIRE(bytes.ok());
            auto f = semvec::SafetensorsFile::from_bytes(std::move(*bytes), name);
            REQUIRE(f.ok());
            auto info = semvec::read_model_info(*f);
            REQUIRE(info.ok());
            auto m = semvec::StaticVectors::load(*f, *info);
            REQUIRE(m.ok());
            std::size_t differ = 0;
            for (const auto& s : g["strings"]) {
                // The goldens' basic_tokens come from BasicTokenizer alone, which neither splits out special
                // tokens inside words ("hello[SEP]world") nor lower-cases per code point (final sigma): the
                // full tokenizer does both, and static models follow the full tokenizer.
                const std::string t = s["text"].get<std::string>();
                if (std::string(type) == "words" && (t.find("[SEP]") != std::string::npos || t.find("\xCE\xA3") != std::string::npos))
                    continue;
                const auto want = s[std::string(type) == "wordpiece" ? "tokens" : "basic_tokens"].get<std::vector<std::string>>();
                const auto got = m->tokenize(s["text"].get<std::string>());
                if (got != want) {
                    ++differ;
                    UNSCOPED_INFO(name << " " << type << ": " << json(s["text"]).dump(-1, ' ', true) << " gives "
                                       << json(got).dump() << ", HF " << json(want).dump());
                }
            }
            CHECK(differ == 0);
        }
    }
}

TEST_CASE("static tokens stream through the library tokenizer: specials split out, unknowns marked", "[static]") {
    auto l = wordpiece_model();
    const auto& m = l.model;
    std::vector<std::pair<std::int32_t, std::string>> got;
    m.for_each_token("hello[UNK]worlds zzz", [&](std::int32_t id, std::string_view t) { got.emplace_back(id, std::string(t)); });
    const std::vector<std::pair<std::int32_t, std::string>> want{{2, "hello"}, {-1, "[UNK]"}, {3, "world"}, {4, "##s"}, {-1, "[UNK]"}};
    CHECK(got == want);
    // A long text is read token by token; max_length 0 means no limit, so nothing is truncated.
    std::string big;
    for (int i = 0; i < 20000; ++i) big += "hello ";
    std::vector<float> out(2);
    auto st = m.embed(big, out.data(), false);
    CHECK(st.tokens == 20000);
    CHECK_FALSE(st.truncated);
}
