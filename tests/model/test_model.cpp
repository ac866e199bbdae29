// Encoder parity with Hugging Face transformers 4.36.2 (goldens in tests/data/models/*/golden), and the
// determinism / concurrency guarantees of semvec::Model.
#include <catch2/catch.hpp>

#include <semvec/io/npy.hpp>
#include <semvec/model/encoder.hpp>
#include <semvec/model/model.hpp>
#include <semvec/model/pooling.hpp>
#include <semvec/io/safetensors.hpp>
#include <semvec/text/tokenizer.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../golden_support.hpp"
#include "../test_support.hpp"

namespace {

std::string converted(const std::string& name) {
    const char* dir = std::getenv("SEMVEC_CONVERTED_DIR");
    return std::string(dir ? dir : "converted-models") + "/" + name + ".safetensors";
}

nlohmann::json read_json(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string s = ss.str();
    return nlohmann::json::parse(s.begin(), s.end(), nullptr, false);
}

struct Golden {
    std::vector<std::int64_t> shape_ids;  // [B, L]
    std::vector<std::int32_t> ids, mask, types;
    semvec::NpyArray lhs;  // [B, L, H]
    std::map<std::string, semvec::NpyArray> pooled;
    nlohmann::json json;
};

std::vector<std::int32_t> ints(const semvec::NpyArray& a) {
    std::vector<std::int32_t> v(a.numel());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::int32_t>(a.at(i));
    return v;
}

// `fixture` is a folder name under tests/data/models, or an absolute path to a fixture folder.
Golden load_golden(const std::string& fixture, const std::string& name) {
    const std::string base = fixture.size() && fixture[0] == '/' ? fixture : semvec_test::data_path("models/" + fixture);
    const std::string dir = base + "/golden/" + name;
    Golden g;
    auto rd = [&](const std::string& n) {
        auto a = semvec::read_npy_array(dir + "/" + n + ".npy");
        REQUIRE(a.ok());
        return std::move(*a);
    };
    auto ids = rd("input_ids");
    g.shape_ids = ids.shape;
    g.ids = ints(ids);
    g.mask = ints(rd("attention_mask"));
    g.types = ints(rd("token_type_ids"));
    g.lhs = rd("last_hidden_state");
    for (const char* p : {"cls", "mean", "max", "last", "cls_normalized", "mean_normalized", "max_normalized",
                          "last_normalized", "pooler_output"}) {
        auto a = semvec::read_npy_array(dir + "/" + p + ".npy");
        if (a) g.pooled[p] = std::move(*a);
    }
    g.json = read_json(dir + ".json");
    return g;
}

struct Diff {
    double max_abs = 0.0, min_cos = 1.0;
    void add(const float* a, const float* b, std::size_t n) {
        double dot = 0, na = 0, nb = 0;
        for (std::size_t i = 0; i < n; ++i) {
            max_abs = std::max(max_abs, std::abs(static_cast<double>(a[i]) - b[i]));
            dot += static_cast<double>(a[i]) * b[i];
            na += static_cast<double>(a[i]) * a[i];
            nb += static_cast<double>(b[i]) * b[i];
        }
        if (na > 0 && nb > 0) min_cos = std::min(min_cos, dot / std::sqrt(na * nb));
    }
};

using semvec_test::golden_case_names;
using semvec_test::npy_f32;

// The golden cases of a fixture (single_NNN, batch, pairs, truncated, and prompted where present).
std::vector<std::string> case_names(const std::string& fixture) {
    auto names = golden_case_names();
    if (semvec::read_npy_array(semvec_test::data_path("models/" + fixture + "/golden/prompted/input_ids.npy")))
        names.push_back("prompted");
    return names;
}

// Checks one fixture: forward on golden ids (padded and trimmed), poolings, encode_ids, and (tokenizer true)
// the tokenizer + encode path.
void check_fixture(const std::string& fixture, const std::string& file, double tol_abs, double tol_cos,
                   bool tokenizer = true) {
    auto model = semvec::load_model(file.size() && file[0] == '/' ? file : converted(file));
    REQUIRE(model.ok());
    const std::size_t H = model->dim();
    Diff lhs_padded, lhs_trim, pooled, pooler, encoded, by_ids;
    std::size_t id_cases = 0;
    for (const auto& name : fixture.size() && fixture[0] == '/' ? golden_case_names() : case_names(fixture)) {
        INFO(fixture << " " << name);
        Golden g = load_golden(fixture, name);
        const std::size_t B = static_cast<std::size_t>(g.shape_ids[0]), L = static_cast<std::size_t>(g.shape_ids[1]);
        std::vector<std::string> texts;
        std::vector<semvec::TokenizedText> inputs;
        std::size_t n_truncated = 0;  // the tiny fixtures' 64 positions cut a text of the batch case too
        std::vector<semvec::PoolingMode> modes;
        for (auto mode : {semvec::PoolingMode::cls, semvec::PoolingMode::mean, semvec::PoolingMode::max, semvec::PoolingMode::last})
            if (g.pooled.count(semvec::pooling_name(mode))) modes.push_back(mode);
        REQUIRE(modes.size() == 3);
        for (std::size_t b = 0; b < B; ++b) {
            std::vector<std::int32_t> ids(g.ids.begin() + b * L, g.ids.begin() + (b + 1) * L);
            std::vector<std::int32_t> mask(g.mask.begin() + b * L, g.mask.begin() + (b + 1) * L);
            std::vector<std::int32_t> types(g.types.begin() + b * L, g.types.begin() + (b + 1) * L);
            // The real tokens [first, first + n): padding on the right, or on the left (Qwen3).
            std::size_t first = 0, n = 0;
            while (first < L && !mask[first]) ++first;
            while (first + n < L && mask[first + n]) ++n;
            const float* ref = npy_f32(g.lhs) + (b * L + first) * H;
            // 1. The padded row with its mask, as HF ran it.
            auto full = model->forward(ids, mask, types);
            REQUIRE(full.ok());
            for (std::size_t i = 0; i < n; ++i) lhs_padded.add(full->row(static_cast<Eigen::Index>(first + i)).data(), ref + i * H, H);
            // 2. Only the real tokens (what encode() runs).
            std::vector<std::int32_t> tids(ids.begin() + static_cast<std::ptrdiff_t>(first), ids.begin() + static_cast<std::ptrdiff_t>(first + n));
            std::vector<std::int32_t> ttypes(types.begin() + static_cast<std::ptrdiff_t>(first), types.begin() + static_cast<std::ptrdiff_t>(first + n));
            auto trim = model->forward(tids, {}, ttypes);
            REQUIRE(trim.ok());
            for (std::size_t i = 0; i < n; ++i) lhs_trim.add(trim->row(static_cast<Eigen::Index>(i)).data(), ref + i * H, H);
            std::vector<float> v(H);
            for (auto mode : modes)
                for (bool norm : {false, true}) {
                    semvec::pool_tokens(trim->data(), n, H, nullptr, mode, v.data());
                    if (norm) semvec::l2_normalize(v.data(), H);
                    const std::string key = std::string(semvec::pooling_name(mode)) + (norm ? "_normalized" : "");
                    REQUIRE(g.pooled.count(key));
                    pooled.add(v.data(), npy_f32(g.pooled[key]) + b * H, H);
                    // Padded rows pooled with the mask agree too.
                    semvec::pool_tokens(full->data(), L, H, mask.data(), mode, v.data());
                    if (norm) semvec::l2_normalize(v.data(), H);
                    pooled.add(v.data(), npy_f32(g.pooled[key]) + b * H, H);
                }
            if (model->encoder()->has_pooler()) {
                auto p = model->pooler(*trim);
                REQUIRE(p.ok());
                REQUIRE(g.pooled.count("pooler_output"));
                pooler.add(p->data(), npy_f32(g.pooled["pooler_output"]) + b * H, H);
            }
            semvec::TokenizedText in;
            in.ids = tids;
            in.type_ids = ttypes;
            inputs.push_back(in);
            // 3. Tokenizer: ids equal for single texts (pairs are fed as ids above).
            const auto& jt = g.json["texts"][b];
            if (tokenizer && jt.is_string()) {
                const std::size_t maxlen = g.json.contains("max_length") && g.json["max_length"].is_number_unsigned()
                                               ? g.json["max_length"].get<std::size_t>() : 0;
                auto t = model->tokenize_for_encoder(jt.get<std::string>(), maxlen);
                REQUIRE(t.ok());
                CHECK(t->ids == tids);
                if (name == "truncated") CHECK(t->truncated);
                n_truncated += t->truncated ? 1 : 0;
                ++id_cases;
                texts.push_back(jt.get<std::string>());
            }
        }
        // 4. encode_ids() and encode() end to end: ids or texts -> pooled rows, every mode.
        for (auto mode : modes)
            for (bool norm : {false, true}) {
                semvec::EncodeOptions o;
                o.pooling = mode;
                o.normalize = norm;
                o.threads = 1;
                const std::string key = std::string(semvec::pooling_name(mode)) + (norm ? "_normalized" : "");
                auto r = model->encode_ids(inputs, o);
                REQUIRE(r.ok());
                REQUIRE(static_cast<std::size_t>(r->rows()) == B);
                for (std::size_t b = 0; b < B; ++b) by_ids.add(r->row(static_cast<Eigen::Index>(b)).data(), npy_f32(g.pooled[key]) + b * H, H);
                if (texts.empty() || texts.size() != B) continue;
                if (g.json.contains("max_length")) o.max_length = g.json["max_length"].get<std::size_t>();
                auto e = model->encode(texts, o);
                REQUIRE(e.ok());
                REQUIRE(static_cast<std::size_t>(e->rows()) == B);
                CHECK(e->truncated == n_truncated);
                for (std::size_t b = 0; b < B; ++b) encoded.add(e->row(static_cast<Eigen::Index>(b)).data(), npy_f32(g.pooled[key]) + b * H, H);
            }
    }
    std::printf("parity %-22s %-28s lhs(padded) %.2e/%.7f  lhs(trimmed) %.2e/%.7f  pooled %.2e/%.7f  pooler %.2e/%.7f  encode_ids %.2e/%.7f  encode %.2e/%.7f  (max abs / min cos; %zu id cases)\n",
                fixture.c_str(), file.c_str(), lhs_padded.max_abs, lhs_padded.min_cos, lhs_trim.max_abs, lhs_trim.min_cos,
                pooled.max_abs, pooled.min_cos, pooler.max_abs, pooler.min_cos, by_ids.max_abs, by_ids.min_cos,
                encoded.max_abs, encoded.min_cos, id_cases);
    for (const Diff* d : {&lhs_padded, &lhs_trim, &pooled, &pooler, &by_ids, &encoded}) {
        CHECK(d->max_abs <= tol_abs);
        CHECK(d->min_cos >= tol_cos);
    }
}

std::vector<std::string> sample_texts() {
    return {"Hello world!", "The quick brown fox jumps over the lazy dog.", "A",
            "Semantic search maps text to vectors; similar sentences land close together.",
            "Café, naïve and Ångström keep their accents until the tokenizer strips them.", "",
            "I love transformers, don't you?", "Numbers like 3.14159 and 2024-06-01 split on punctuation.",
            "the quick brown fox jumps over the lazy dog while semantic search engines embed every sentence into a vector space and compare them with cosine similarity again and again and again",
            "short", "x y z", "What is the capital of France?"};
}

bool bit_equal(const semvec::Matrix& a, const semvec::Matrix& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           std::memcmp(a.data(), b.data(), sizeof(float) * static_cast<std::size_t>(a.size())) == 0;
}

}  // namespace

TEST_CASE("BERT-tiny matches Hugging Face on every golden case", "[model][parity]") {
    check_fixture("bert-tiny", "bert-tiny-f32", 1e-4, 0.99999);
}

TEST_CASE("DistilBERT-tiny matches Hugging Face on every golden case", "[model][parity]") {
    check_fixture("distilbert-tiny", "distilbert-tiny-f32", 1e-4, 0.99999);
}

TEST_CASE("BERT with the real 30522-token vocab matches Hugging Face on every golden case", "[model][parity]") {
    check_fixture("bert-realvocab-small", "bert-realvocab-small-f32", 1e-4, 0.99999);
}

// The families beyond BERT, on the goldens' token ids (their tokenizers come with the tokenizer issue).
TEST_CASE("MPNet, RoBERTa, XLM-R, NomicBERT, ModernBERT and Qwen3 match Hugging Face on every golden case",
          "[model][parity]") {
    for (const char* fx : {"mpnet-tiny-v2", "mpnet-tiny", "roberta-bpe-tiny", "roberta-tiny", "xlmr-unigram-tiny",
                           "xlm-roberta-tiny", "nomic-tiny", "modernbert-tiny", "qwen3-tiny"})
        check_fixture(fx, std::string(fx) + "-f32", 1e-4, 0.99999, false);
}

// The all-MiniLM-L6-v2 shape (87 MB, in ../shared): run by scripts/check_minilm.sh, not by ctest.
TEST_CASE("the MiniLM-L6 shape matches Hugging Face (scripts/check_minilm.sh)", "[.][minilm]") {
    const char* fixture = std::getenv("SEMVEC_MINILM_FIXTURE");
    const char* file = std::getenv("SEMVEC_MINILM_MODEL");
    REQUIRE(fixture);
    REQUIRE(file);
    check_fixture(fixture, file, 1e-4, 0.99999);
}

TEST_CASE("f16 and bf16 files are widened at load and stay close to the f32 goldens", "[model][parity]") {
    for (const char* f : {"bert-tiny-f16", "distilbert-tiny-f16", "bert-tiny-bf16", "distilbert-tiny-bf16"}) {
        INFO(f);
        const std::string fixture = std::string(f).find("distil") == 0 ? "distilbert-tiny" : "bert-tiny";
        auto model = semvec::load_model(converted(f));
        REQUIRE(model.ok());
        Golden g = load_golden(fixture, "single_001");
        semvec::EncodeOptions o;
        o.pooling = semvec::PoolingMode::mean;
        o.normalize = false;
        auto e = model->encode({g.json["texts"][0].get<std::string>()}, o);
        REQUIRE(e.ok());
        Diff d;
        d.add(e->data(), npy_f32(g.pooled["mean"]), model->dim());
        CHECK(d.min_cos >= 0.999);
    }
}

TEST_CASE("encode gives bit-identical rows for any batch size, input order and thread count", "[model][determinism]") {
    auto model = semvec::load_model(converted("bert-realvocab-small-f32"));
    REQUIRE(model.ok());
    const auto texts = sample_texts();
    semvec::EncodeOptions o;
    o.threads = 1;
    o.batch_size = 1;
    auto ref = model->encode(texts, o);
    REQUIRE(ref.ok());
    for (std::size_t bs : {2u, 5u, 64u})
        for (unsigned th : {1u, 2u, 3u}) {
            o.batch_size = bs;
            o.threads = th;
            auto e = model->encode(texts, o);
            REQUIRE(e.ok());
            CHECK(bit_equal(*e, *ref));
        }
    o.token_budget = 40;  // forces many small batches
    auto small = model->encode(texts, o);
    REQUIRE(small.ok());
    CHECK(bit_equal(*small, *ref));
    for (std::size_t block : {1u, 3u, 5u}) {  // tokenized and run block by block
        o.block_size = block;
        auto e = model->encode(texts, o);
        REQUIRE(e.ok());
        CHECK(bit_equal(*e, *ref));
    }
    o.block_size = 4096;
    // Reversed input: reversed rows.
    std::vector<std::string> rev(texts.rbegin(), texts.rend());
    auto r = model->encode(rev, o);
    REQUIRE(r.ok());
    for (Eigen::Index i = 0; i < ref->rows(); ++i)
        CHECK(std::memcmp(r->row(ref->rows() - 1 - i).data(), ref->row(i).data(), sizeof(float) * model->dim()) == 0);
    // One text alone equals the same text inside a batch.
    auto one = model->encode({texts[3]}, o);
    REQUIRE(one.ok());
    CHECK(std::memcmp(one->data(), ref->row(3).data(), sizeof(float) * model->dim()) == 0);
}

TEST_CASE("a model's later calls give the same rows as its first (workspaces are kept between calls)", "[model][determinism]") {
    // Token ids rather than text: every family, whatever its tokenizer; ids 5..54 exist in every fixture vocab.
    auto seq = [](std::size_t n, std::size_t salt) {
        semvec::TokenizedText t;
        for (std::size_t i = 0; i < n; ++i) t.ids.push_back(static_cast<std::int32_t>(5 + (i * 7 + salt) % 50));
        t.type_ids.assign(n, 0);
        return t;
    };
    for (const char* fx : {"bert-realvocab-small-f32", "mpnet-tiny-v2-f32", "qwen3-tiny-f32"}) {
        INFO(fx);
        auto used = semvec::load_model(converted(fx));
        REQUIRE(used.ok());
        semvec::EncodeOptions o;
        o.threads = 1;
        // A long input first, so that the kept workspace is larger and still holds its values.
        REQUIRE(used->encode_ids({seq(40, 1)}, o).ok());
        const std::vector<std::int32_t> ids = {7, 9, 11, 4, 6}, mask = {0, 1, 1, 1, 1}, types;
        auto h_used = used->forward(ids, mask, types);
        REQUIRE(h_used.ok());
        for (std::size_t n : {1u, 3u, 17u}) {
            INFO("length " << n);
            auto fresh = semvec::load_model(converted(fx));  // a new model: a new workspace
            REQUIRE(fresh.ok());
            auto a = fresh->encode_ids({seq(n, n)}, o);
            auto b = used->encode_ids({seq(n, n)}, o);
            REQUIRE(a.ok());
            REQUIRE(b.ok());
            CHECK(bit_equal(*a, *b));
            auto h_fresh = fresh->forward(ids, mask, types);
            REQUIRE(h_fresh.ok());
            CHECK(bit_equal(*h_fresh, *h_used));
        }
    }
}

TEST_CASE("every family gives bit-identical rows for any batch size, input order and thread count", "[model][determinism]") {
    for (const char* fx : {"mpnet-tiny-v2", "roberta-bpe-tiny", "xlmr-unigram-tiny", "nomic-tiny", "modernbert-tiny", "qwen3-tiny"}) {
        INFO(fx);
        auto model = semvec::load_model(converted(std::string(fx) + "-f32"));
        REQUIRE(model.ok());
        // Every golden sequence, trimmed to its real tokens (left padding included), plus their reversal.
        std::vector<semvec::TokenizedText> inputs;
        for (const auto& name : case_names(fx)) {
            Golden g = load_golden(fx, name);
            const std::size_t B = static_cast<std::size_t>(g.shape_ids[0]), L = static_cast<std::size_t>(g.shape_ids[1]);
            for (std::size_t b = 0; b < B; ++b) {
                semvec::TokenizedText t;
                for (std::size_t i = 0; i < L; ++i)
                    if (g.mask[b * L + i]) {
                        t.ids.push_back(g.ids[b * L + i]);
                        t.type_ids.push_back(g.types[b * L + i]);
                    }
                inputs.push_back(t);
            }
        }
        semvec::EncodeOptions o;
        o.threads = 1;
        o.batch_size = 1;
        auto ref = model->encode_ids(inputs, o);
        REQUIRE(ref.ok());
        for (std::size_t bs : {3u, 64u})
            for (unsigned th : {2u, 3u}) {
                o.batch_size = bs;
                o.threads = th;
                o.token_budget = bs == 3 ? 50 : 16384;
                auto e = model->encode_ids(inputs, o);
                REQUIRE(e.ok());
                CHECK(bit_equal(*e, *ref));
            }
        std::vector<semvec::TokenizedText> rev(inputs.rbegin(), inputs.rend());
        auto r = model->encode_ids(rev, o);
        REQUIRE(r.ok());
        for (Eigen::Index i = 0; i < ref->rows(); ++i)
            CHECK(std::memcmp(r->row(ref->rows() - 1 - i).data(), ref->row(i).data(), sizeof(float) * model->dim()) == 0);
    }
}

TEST_CASE("a const Model is shared by several threads without a lock", "[model][concurrency]") {
    auto loaded = semvec::load_model(converted("bert-tiny-f32"));
    REQUIRE(loaded.ok());
    const semvec::Model& model = *loaded;
    const auto texts = sample_texts();
    semvec::EncodeOptions o;
    o.threads = 1;
    auto ref = model.encode(texts, o);
    REQUIRE(ref.ok());
    std::vector<int> same(4, 0);
    std::vector<std::thread> pool;
    for (int t = 0; t < 4; ++t)
        pool.emplace_back([&, t] {
            semvec::EncodeOptions mine;
            mine.threads = 1;
            mine.batch_size = static_cast<std::size_t>(t + 1);
            int ok = 1;
            for (int rep = 0; rep < 3; ++rep) {
                auto e = model.encode(texts, mine);
                ok &= e.ok() && bit_equal(*e, *ref);
            }
            same[static_cast<std::size_t>(t)] = ok;
        });
    for (auto& th : pool) th.join();
    for (int s : same) CHECK(s == 1);
}

TEST_CASE("encode reports truncation, options and errors", "[model]") {
    auto model = semvec::load_model(converted("bert-tiny-f32"));
    REQUIRE(model.ok());
    semvec::EncodeOptions o;
    o.max_length = 4;
    auto e = model->encode({"hello world hello world", "a"}, o);
    REQUIRE(e.ok());
    CHECK(e->truncated == 1);
    CHECK(e->rows() == 2);
    o = {};
    o.normalize = true;
    auto n = model->encode({"hello"}, o);
    REQUIRE(n.ok());
    CHECK(std::abs(n->row(0).norm() - 1.0f) < 1e-5f);
    // Prefix: same as prepending it by hand.
    o.prefix = "query: ";
    auto p = model->encode({"hello"}, o);
    o.prefix = std::string();
    auto q = model->encode({"query: hello"}, o);
    REQUIRE(p.ok());
    REQUIRE(q.ok());
    CHECK(bit_equal(*p, *q));
    // Progress reaches the total.
    std::size_t last = 0;
    o.progress = [&last](std::size_t done, std::size_t total) { last = done; CHECK(done <= total); };
    REQUIRE(model->encode(sample_texts(), o).ok());
    CHECK(last == sample_texts().size());
    // Empty input, bad ids, chunk mode.
    auto empty = model->encode({}, {});
    REQUIRE(empty.ok());
    CHECK(empty->rows() == 0);
    CHECK_FALSE(model->forward({2, 100000, 3}).ok());
    CHECK_FALSE(model->forward({}).ok());
    semvec::EncodeOptions c;
    c.chunk = true;
    c.max_length = 2;  // no room for a window
    CHECK_FALSE(model->encode({"x"}, c).ok());
    CHECK_FALSE(semvec::load_model(semvec_test::data_path("models/bert-tiny/model.safetensors")).ok());
}

TEST_CASE("the bundled static GloVe model encodes through the same API", "[model][static]") {
    auto model = semvec::load_model(std::string(SEMVEC_SOURCE_DIR) + "/models/glove-6B-100d-top20k-f16.safetensors");
    REQUIRE(model.ok());
    CHECK_FALSE(model->is_transformer());
    semvec::EncodeOptions o;
    o.normalize = true;
    auto e = model->encode({"the king and the queen", "qwxzzy unknownword"}, o);
    REQUIRE(e.ok());
    CHECK(e->cols() == 100);
    CHECK(e->unknown == 2);
    CHECK(std::abs(e->row(0).norm() - 1.0f) < 1e-5f);
    o.pooling = semvec::PoolingMode::cls;
    CHECK_FALSE(model->encode({"x"}, o).ok());
    CHECK_FALSE(model->forward({1, 2}).ok());
}

TEST_CASE("encode_pairs matches Hugging Face on the pair goldens", "[model][pairs]") {
    for (const char* fx : {"bert-tiny", "distilbert-tiny", "bert-realvocab-small"}) {
        INFO(fx);
        auto model = semvec::load_model(converted(std::string(fx) + "-f32"));
        REQUIRE(model.ok());
        const std::size_t H = model->dim();
        Golden g = load_golden(fx, "pairs");
        const std::size_t B = static_cast<std::size_t>(g.shape_ids[0]), L = static_cast<std::size_t>(g.shape_ids[1]);
        std::vector<std::pair<std::string, std::string>> pairs;
        for (std::size_t b = 0; b < B; ++b) {
            const auto& t = g.json["texts"][b];
            REQUIRE(t.is_array());
            pairs.emplace_back(t[0].get<std::string>(), t[1].get<std::string>());
            // Ids and token types as HF's tokenizer gives them.
            auto tr = model->tokenize_pair_for_encoder(pairs.back().first, pairs.back().second);
            REQUIRE(tr.ok());
            const auto& tt = *tr;
            std::size_t n = 0;
            while (n < L && g.mask[b * L + n]) ++n;
            CHECK(tt.ids == std::vector<std::int32_t>(g.ids.begin() + b * L, g.ids.begin() + b * L + n));
            CHECK(tt.type_ids == std::vector<std::int32_t>(g.types.begin() + b * L, g.types.begin() + b * L + n));
            if (std::string(fx) != "distilbert-tiny") CHECK(tt.type_ids.back() == 1);
            CHECK_FALSE(tt.truncated);
        }
        Diff d;
        for (auto mode : {semvec::PoolingMode::cls, semvec::PoolingMode::mean, semvec::PoolingMode::max})
            for (bool norm : {false, true}) {
                semvec::EncodeOptions o;
                o.pooling = mode;
                o.normalize = norm;
                o.threads = 2;
                o.batch_size = 2;
                auto e = model->encode_pairs(pairs, o);
                REQUIRE(e.ok());
                REQUIRE(static_cast<std::size_t>(e->rows()) == B);
                CHECK(e->truncated == 0);
                const std::string key = std::string(semvec::pooling_name(mode)) + (norm ? "_normalized" : "");
                for (std::size_t b = 0; b < B; ++b) d.add(e->row(static_cast<Eigen::Index>(b)).data(), npy_f32(g.pooled[key]) + b * H, H);
            }
        std::printf("pairs %-22s encode_pairs %.2e/%.7f (max abs / min cos)\n", fx, d.max_abs, d.min_cos);
        CHECK(d.max_abs <= 1e-4);
        CHECK(d.min_cos >= 0.99999);
    }
}

TEST_CASE("encode_pairs truncates longest_first as the Tokenizer does and runs types 0/1", "[model][pairs]") {
    auto model = semvec::load_model(converted("bert-realvocab-small-f32"));
    REQUIRE(model.ok());
    const std::string a = "a fairly long first sentence that goes on and on about nothing in particular";
    const std::string b = "short second one";
    for (std::size_t ml : {8u, 12u, 16u}) {
        INFO(ml);
        auto tr = model->tokenize_pair_for_encoder(a, b, ml);
        REQUIRE(tr.ok());
        const auto& tt = *tr;
        auto ref = model->tokenizer()->encode_pair(a, b, ml, semvec::TruncationStrategy::longest_first);
        CHECK(tt.ids == ref.ids);
        CHECK(tt.type_ids == ref.type_ids);
        CHECK(tt.truncated);
        CHECK(tt.ids.size() == ml);
        semvec::EncodeOptions o;
        o.max_length = ml;
        o.pooling = semvec::PoolingMode::mean;
        o.normalize = false;
        auto e = model->encode_pairs({{a, b}, {"x", "y"}}, o);
        REQUIRE(e.ok());
        CHECK(e->truncated == 1);
        auto h = model->forward(tt.ids, {}, tt.type_ids);
        REQUIRE(h.ok());
        std::vector<float> v(model->dim());
        semvec::pool_tokens(h->data(), tt.ids.size(), model->dim(), nullptr, semvec::PoolingMode::mean, v.data());
        CHECK(std::memcmp(v.data(), e->row(0).data(), sizeof(float) * v.size()) == 0);
    }
    semvec::EncodeOptions c;
    c.chunk = true;
    CHECK_FALSE(model->encode_pairs({{a, b}}, c).ok());
    auto glove = semvec::load_model(std::string(SEMVEC_SOURCE_DIR) + "/models/glove-6B-100d-top20k-f16.safetensors");
    REQUIRE(glove.ok());
    CHECK_FALSE(glove->encode_pairs({{a, b}}).ok());
    // A word-vector model has no encoder ids: a clear error, never ids of -1.
    auto ids = glove->tokenize_pair_for_encoder(a, b);
    REQUIRE_FALSE(ids.ok());
    CHECK(ids.error().code == semvec::ErrorCode::invalid_argument);
    CHECK_THAT(ids.error().what(), Catch::Contains("static word vectors"));
    CHECK_FALSE(glove->tokenize_for_encoder(a).ok());
    CHECK_FALSE(glove->encode_ids({}).ok());
}

namespace {
// The chunk vector by hand: windows [CLS] tokens[s, s+W) [SEP] with stride W - overlap, each run through
// forward() and pooled, then the float64 mean of the window vectors.
std::vector<float> chunk_by_hand(const semvec::Model& m, const std::string& text, std::size_t max_length,
                                 std::size_t overlap, semvec::PoolingMode mode, bool normalize, std::size_t& windows) {
    const semvec::Tokenizer& tk = *m.tokenizer();
    std::vector<std::int32_t> ids;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> offs;
    tk.tokenize_into(text, ids, offs);
    const std::size_t W = max_length - 2, D = m.dim();
    std::vector<double> acc(D, 0.0);
    windows = 0;
    for (std::size_t s = 0;; s += W - overlap) {
        const std::size_t e = std::min(s + W, ids.size());
        std::vector<std::int32_t> w{tk.cls_id()};
        w.insert(w.end(), ids.begin() + static_cast<std::ptrdiff_t>(s), ids.begin() + static_cast<std::ptrdiff_t>(e));
        w.push_back(tk.sep_id());
        auto h = m.forward(w);
        REQUIRE(h.ok());
        std::vector<float> v(D);
        semvec::pool_tokens(h->data(), w.size(), D, nullptr, mode, v.data());
        for (std::size_t d = 0; d < D; ++d) acc[d] += v[d];
        ++windows;
        if (e == ids.size()) break;
    }
    std::vector<float> out(D);
    for (std::size_t d = 0; d < D; ++d) out[d] = static_cast<float>(acc[d] / static_cast<double>(windows));
    if (normalize) semvec::l2_normalize(out.data(), D);
    return out;
}
}  // namespace

TEST_CASE("chunk mode: short texts unchanged, long texts are the mean of their windows", "[model][chunk]") {
    auto model = semvec::load_model(converted("bert-realvocab-small-f32"));
    REQUIRE(model.ok());
    const auto texts = sample_texts();
    semvec::EncodeOptions o;
    o.threads = 2;
    auto plain = model->encode(texts, o);
    REQUIRE(plain.ok());
    CHECK(plain->truncated == 0);
    o.chunk = true;
    auto chunked = model->encode(texts, o);
    REQUIRE(chunked.ok());
    CHECK(bit_equal(*plain, *chunked));  // everything fits in 128 positions
    CHECK(chunked->chunked == 0);

    std::string longtext;
    for (int i = 0; i < 6; ++i) longtext += texts[static_cast<std::size_t>(i)] + " ";
    for (std::size_t ml : {16u, 40u})
        for (auto mode : {semvec::PoolingMode::mean, semvec::PoolingMode::cls})
            for (bool norm : {false, true}) {
                INFO(ml << " " << semvec::pooling_name(mode) << " " << norm);
                semvec::EncodeOptions c;
                c.chunk = true;
                c.max_length = ml;
                c.pooling = mode;
                c.normalize = norm;
                c.threads = 2;
                c.batch_size = 3;
                auto e = model->encode({"short", longtext, "x"}, c);
                REQUIRE(e.ok());
                CHECK(e->truncated == 0);
                CHECK(e->chunked == 1);
                std::size_t windows = 0;
                const auto want = chunk_by_hand(*model, longtext, ml, (ml - 2) / 2, mode, norm, windows);
                CHECK(windows >= 2);
                CHECK(std::memcmp(want.data(), e->row(1).data(), sizeof(float) * want.size()) == 0);
                // Without chunk mode the same text is truncated.
                c.chunk = false;
                auto t = model->encode({"short", longtext, "x"}, c);
                REQUIRE(t.ok());
                CHECK(t->truncated == 1);
            }
    // Overlap option, and bit-identical whatever the block / batch / thread settings.
    semvec::EncodeOptions c;
    c.chunk = true;
    c.max_length = 20;
    c.chunk_overlap = 0;
    c.normalize = false;
    c.pooling = semvec::PoolingMode::mean;
    c.threads = 1;
    std::vector<std::string> many(texts);
    many.push_back(longtext);
    many.insert(many.begin(), longtext + longtext);
    auto ref = model->encode(many, c);
    REQUIRE(ref.ok());
    std::size_t windows = 0;
    const auto want = chunk_by_hand(*model, longtext, 20, 0, semvec::PoolingMode::mean, false, windows);
    CHECK(std::memcmp(want.data(), ref->row(static_cast<Eigen::Index>(many.size() - 1)).data(), sizeof(float) * want.size()) == 0);
    for (std::size_t block : {1u, 4u})
        for (unsigned th : {1u, 3u}) {
            c.block_size = block;
            c.threads = th;
            c.batch_size = 2;
            c.token_budget = 50;
            auto e = model->encode(many, c);
            REQUIRE(e.ok());
            CHECK(bit_equal(*e, *ref));
        }
    // A prefix starts every window: still one vector per text, nothing truncated.
    c.prefix = "query: ";
    auto p = model->encode({longtext}, c);
    REQUIRE(p.ok());
    CHECK(p->truncated == 0);
    CHECK(p->chunked == 1);
}

TEST_CASE("a huge text is cut at max_length without tokenizing all of it", "[model]") {
    auto model = semvec::load_model(converted("bert-realvocab-small-f32"));
    REQUIRE(model.ok());
    std::string big;
    big.reserve(10u << 20);
    const std::string words = "semantic search maps every sentence to a vector and compares them ";
    while (big.size() < (10u << 20)) big += words;
    const std::string head = big.substr(0, 4000);
    auto t = model->tokenize_for_encoder(big, 32).value();
    auto h = model->tokenize_for_encoder(head, 32).value();
    CHECK(t.truncated);
    CHECK(t.ids.size() == 32);
    CHECK(t.ids == h.ids);
    semvec::EncodeOptions o;
    o.max_length = 32;
    auto e = model->encode({big, head}, o);
    REQUIRE(e.ok());
    CHECK(e->truncated == 2);
    CHECK(std::memcmp(e->row(0).data(), e->row(1).data(), sizeof(float) * model->dim()) == 0);
}

namespace {
// A copy of a converted file with one value of `tensor` replaced by `bits` (little-endian, the tensor's dtype).
std::string patched_copy(const std::string& src, const std::string& dst, const std::string& tensor, std::size_t index,
                         std::uint32_t bits) {
    std::string bytes = semvec_test::read_file(src);
    REQUIRE(bytes.size() > 8);
    std::uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);
    const auto header = nlohmann::json::parse(bytes.substr(8, n));
    REQUIRE(header.contains(tensor));
    const auto& t = header[tensor];
    const std::string dt = t["dtype"].get<std::string>();
    const std::size_t esize = dt == "F32" ? 4 : 2;
    const std::size_t at = 8 + n + t["data_offsets"][0].get<std::size_t>() + index * esize;
    std::memcpy(&bytes[at], &bits, esize);
    std::ofstream(dst, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return dst;
}
}  // namespace

TEST_CASE("load_model refuses NaN / Inf weights unless LoadOptions::allow_non_finite", "[model][load]") {
    const std::string f32 = patched_copy(converted("bert-tiny-f32"), "nan-bert-tiny-f32.safetensors",
                                         "layers.1.attn.out.weight", 37, 0x7FC00000u);
    auto bad = semvec::load_model(f32);
    REQUIRE_FALSE(bad.ok());
    INFO(bad.error().what());
    CHECK_THAT(bad.error().what(), Catch::Contains("layers.1.attn.out.weight"));
    CHECK_THAT(bad.error().what(), Catch::Contains("NaN at flat index 37"));
    semvec::LoadOptions lo;
    lo.allow_non_finite = true;
    auto ok = semvec::load_model(f32, lo);
    REQUIRE(ok.ok());
    // f16: +Inf in the word embeddings.
    const std::string f16 = patched_copy(converted("bert-tiny-f16"), "inf-bert-tiny-f16.safetensors",
                                         "embeddings.word", 5, 0x7C00u);
    auto bad16 = semvec::load_model(f16);
    REQUIRE_FALSE(bad16.ok());
    CHECK_THAT(bad16.error().what(), Catch::Contains("embeddings.word"));
    CHECK_THAT(bad16.error().what(), Catch::Contains("infinity at flat index 5"));
    CHECK(semvec::load_model(f16, lo).ok());
    // bf16: a NaN in a weight matrix; int8: an infinite per-row scale.
    const std::string bf16 = patched_copy(converted("bert-tiny-bf16"), "nan-bert-tiny-bf16.safetensors",
                                          "layers.0.attn.out.weight", 3, 0x7FC1u);
    auto badb = semvec::load_model(bf16);
    REQUIRE_FALSE(badb.ok());
    CHECK_THAT(badb.error().what(), Catch::Contains("layers.0.attn.out.weight"));
    CHECK_THAT(badb.error().what(), Catch::Contains("NaN at flat index 3"));
    const std::string i8 = patched_copy(converted("bert-tiny-int8"), "inf-bert-tiny-int8.safetensors",
                                        "layers.0.attn.qkv.weight_scale", 0, 0xFF800000u);
    auto badi = semvec::load_model(i8);
    REQUIRE_FALSE(badi.ok());
    CHECK_THAT(badi.error().what(), Catch::Contains("layers.0.attn.qkv.weight_scale"));
    CHECK_THAT(badi.error().what(), Catch::Contains("infinity at flat index 0"));
    CHECK(semvec::load_model(i8, lo).ok());
    // The untouched files load.
    for (const char* f : {"bert-tiny-f32", "bert-tiny-f16", "bert-tiny-bf16", "bert-tiny-int8"}) CHECK(semvec::load_model(converted(f)).ok());
    for (const auto* p : {&f32, &f16, &bf16, &i8}) std::remove(p->c_str());
}

TEST_CASE("tiny files of every family load, encode and apply Dense heads, prompts and Matryoshka cuts", "[model][families]") {
    const std::string dir = std::string(SEMVEC_SOURCE_DIR) + "/tests/fuzz/corpus/model/";  // tests/fuzz/make_model_seeds.py
    for (const char* f : {"mpnet_rel_buckets", "roberta_from_ids", "nomic_rotary_swiglu", "modernbert_window", "qwen3_causal_gqa"}) {
        INFO(f);
        auto m = semvec::load_model(dir + f);
        REQUIRE(m.ok());
        semvec::TokenizedText t;
        t.ids = {0, 4, 5, 6, 2};
        auto e = m->encode_ids({t, t}, {});
        REQUIRE(e.ok());
        CHECK(bit_equal(e->row(0), e->row(1)));
        CHECK(std::abs(e->row(0).norm() - 1.0f) < 1e-5f);
        auto x = m->encode({"a b c", "d"}, {});
        REQUIRE(x.ok());
        CHECK(x->rows() == 2);
        t.ids.push_back(99);  // outside the vocab
        CHECK_FALSE(m->encode_ids({t}, {}).ok());
    }
    auto m = semvec::load_model(dir + "nomic_rotary_swiglu");
    REQUIRE(m.ok());
    CHECK(m->dim() == 4);  // the Dense head's output
    semvec::EncodeOptions o;
    auto full = m->encode({"a b"}, o);
    REQUIRE(full.ok());
    CHECK(full->cols() == 4);
    o.dimensions = 2;  // declared
    auto cut = m->encode({"a b"}, o);
    REQUIRE(cut.ok());
    CHECK(cut->cols() == 2);
    CHECK(std::abs(cut->row(0).norm() - 1.0f) < 1e-5f);
    o.normalize = false;
    auto raw = m->encode({"a b"}, o);
    semvec::EncodeOptions u;
    u.normalize = false;
    auto unnorm = m->encode({"a b"}, u);
    REQUIRE(raw.ok());
    REQUIRE(unnorm.ok());
    CHECK(raw->row(0)(0) == unnorm->row(0)(0));  // the first components of the uncut vector
    CHECK(raw->row(0)(1) == unnorm->row(0)(1));
    o.dimensions = 3;  // not declared
    auto refused = m->encode({"a b"}, o);
    REQUIRE_FALSE(refused.ok());
    CHECK_THAT(refused.error().what(), Catch::Contains("declares Matryoshka dimensions 4, 2 only"));
    o.force_dimensions = true;
    CHECK(m->encode({"a b"}, o).ok());
    o = {};
    o.dimensions = 5;
    CHECK_FALSE(m->encode({"a b"}, o).ok());
    // Prompts by name: the same as the prompt's text as a prefix.
    o = {};
    o.prompt_name = "search_query";
    auto p = m->encode({"a b"}, o);
    o = {};
    o.prefix = "search_query: ";
    auto q = m->encode({"a b"}, o);
    REQUIRE(p.ok());
    REQUIRE(q.ok());
    CHECK(bit_equal(*p, *q));
    o.prompt_name = "search_query";
    CHECK_FALSE(m->encode({"a b"}, o).ok());  // a prompt and a prefix
    o = {};
    o.prompt_name = "nope";
    auto bad = m->encode({"a b"}, o);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == semvec::ErrorCode::not_found);
    CHECK_THAT(bad.error().what(), Catch::Contains("its prompts: search_query"));
}
