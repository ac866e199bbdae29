// The C++ side of the semvec model file: read_model_info accepts what convert.py writes (with the tensors
// equal to the Hugging Face source), and rejects malformed metadata and tensors with errors that name the
// key or tensor at fault.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <semvec/io/safetensors.hpp>
#include <semvec/model/model_file.hpp>
#include <semvec/util/half.hpp>

#include "../test_support.hpp"

namespace {

using json = nlohmann::json;

// A tiny valid model held in memory: metadata and tensors that tests mutate before serializing.
struct Synthetic {
    std::map<std::string, std::string> meta;
    std::map<std::string, std::pair<semvec::Dtype, std::vector<std::int64_t>>> shapes;
    json config, tokenizer, pooling, vocab;

    static Synthetic bert(std::size_t H = 8, std::size_t layers = 2, std::size_t I = 12, std::size_t V = 10,
                          std::size_t P = 16) {
        Synthetic s;
        s.config = {{"hidden_size", H},  {"num_layers", layers}, {"num_heads", 2},  {"intermediate_size", I},
                    {"max_position_embeddings", P}, {"type_vocab_size", 2}, {"vocab_size", V}, {"hidden_act", "gelu"},
                    {"layer_norm_eps", 1e-12}, {"pad_token_id", 0}, {"has_pooler", true}};
        s.vocab = json::array({"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"});
        for (std::size_t i = s.vocab.size(); i < V; ++i) s.vocab.push_back("w" + std::to_string(i));
        s.tokenizer = {{"type", "wordpiece"}, {"do_lower_case", true}, {"strip_accents", nullptr},
                       {"unk_token", "[UNK]"}, {"cls_token", "[CLS]"}, {"sep_token", "[SEP]"},
                       {"pad_token", "[PAD]"}, {"mask_token", "[MASK]"}, {"max_length", P}};
        s.pooling = {{"mode", "mean"}, {"normalize", false}, {"source", "default"}};
        s.meta = {{"semvec.format", "1"}, {"semvec.architecture", "bert"}, {"semvec.dtype", "f32"}};
        semvec::ModelFileInfo info;
        info.architecture = semvec::Architecture::bert;
        info.transformer.hidden_size = H;
        info.transformer.num_layers = layers;
        info.transformer.num_heads = info.transformer.num_kv_heads = 2;
        info.transformer.head_dim = H / 2;
        info.transformer.intermediate_size = I;
        info.transformer.vocab_size = V;
        info.transformer.max_position_embeddings = P;
        info.transformer.type_vocab_size = 2;
        info.transformer.has_pooler = true;
        for (const auto& e : semvec::expected_tensors(info)) s.shapes[e.name] = {semvec::Dtype::f32, e.shape};
        return s;
    }

    // A Qwen3-shaped decoder embedder: 4 query and 2 key/value heads of 6 (24 ≠ H = 16), q/k RMSNorm,
    // rotary, causal, pre-RMSNorm, gated MLP, no biases, last-token pooling.
    static Synthetic qwen3() {
        Synthetic s = bert(16, 2, 12, 10, 64);
        s.config = {{"hidden_size", 16}, {"num_layers", 2}, {"num_heads", 4}, {"num_kv_heads", 2}, {"head_dim", 6},
                    {"intermediate_size", 12}, {"max_position_embeddings", 64}, {"type_vocab_size", 0}, {"vocab_size", 10},
                    {"hidden_act", "silu"}, {"layer_norm_eps", 1e-6}, {"pad_token_id", 0}, {"absolute_positions", "none"},
                    {"rotary_theta", 1e6}, {"rotary_dim", 6}, {"attention", "causal"}, {"qk_norm", "rms_norm"},
                    {"norm", "rms_norm"}, {"norm_bias", false}, {"norm_placement", "pre"}, {"embedding_norm", false},
                    {"final_norm", true}, {"mlp", "gated"}, {"attention_bias", false}, {"mlp_bias", false}};
        s.pooling = {{"mode", "last"}, {"normalize", true}, {"source", "sentence-transformers"}};
        s.meta["semvec.architecture"] = "qwen3";
        auto parsed = s.read_config();
        s.shapes.clear();
        for (const auto& e : semvec::expected_tensors(parsed)) s.shapes[e.name] = {semvec::Dtype::f32, e.shape};
        return s;
    }

    // The ModelFileInfo that the config describes (for expected_tensors), read from a tensor-less file.
    semvec::ModelFileInfo read_config() const {
        Synthetic t = *this;
        t.shapes.clear();
        auto m = t.meta;
        m["semvec.config"] = config.dump();
        semvec::ModelFileInfo info;
        info.architecture = *semvec::parse_architecture(meta.at("semvec.architecture"));
        auto bytes = semvec::serialize_safetensors({}, m);
        REQUIRE(bytes.ok());
        auto file = semvec::SafetensorsFile::from_bytes(std::move(*bytes), "config-only");
        REQUIRE(file.ok());
        auto st = semvec::detail::parse_transformer_config(*file, config, info.architecture, info.transformer);
        INFO((st.ok() ? std::string() : st.error().what()));
        REQUIRE(st.ok());
        return info;
    }

    static Synthetic glove(std::size_t V = 6, std::size_t D = 4) {
        Synthetic s;
        s.config = {{"dim", D}, {"vocab_size", V}, {"format", "glove"}};
        s.vocab = json::array();
        for (std::size_t i = 0; i < V; ++i) s.vocab.push_back("word" + std::to_string(i));
        s.tokenizer = {{"type", "words"}, {"do_lower_case", true}, {"max_length", 0}};
        s.pooling = {{"mode", "mean"}, {"normalize", false}};
        s.meta = {{"semvec.format", "1"}, {"semvec.architecture", "static"}, {"semvec.dtype", "f16"}};
        s.shapes["embeddings.word"] = {semvec::Dtype::f16, {std::int64_t(V), std::int64_t(D)}};
        return s;
    }

    semvec::Result<semvec::ModelFileInfo> read() const {
        auto m = meta;
        auto put = [&m](const char* k, const json& j) {
            if (!m.count(k)) m[k] = j.dump();
        };
        put("semvec.config", config);
        put("semvec.tokenizer", tokenizer);
        put("semvec.pooling", pooling);
        put("semvec.vocab", vocab);
        for (auto it = m.begin(); it != m.end();)  // "<drop>" removes a key
            it = it->second == "<drop>" ? m.erase(it) : std::next(it);
        std::vector<std::vector<unsigned char>> storage;
        std::vector<semvec::TensorData> tensors;
        storage.reserve(shapes.size());
        for (const auto& [name, ds] : shapes) {
            std::size_t n = semvec::dtype_size(ds.first);
            for (auto d : ds.second) n *= static_cast<std::size_t>(d);
            storage.emplace_back(n, 0);
            tensors.push_back({name, ds.first, ds.second, storage.back().data(), n});
        }
        auto bytes = semvec::serialize_safetensors(tensors, m);
        REQUIRE(bytes.ok());
        auto file = semvec::SafetensorsFile::from_bytes(std::move(*bytes), "synthetic.safetensors");
        REQUIRE(file.ok());
        return semvec::read_model_info(*file);
    }
};

std::string error_of(const Synthetic& s) {
    auto r = s.read();
    if (r.ok()) return "<accepted>";
    return r.error().what();
}

const char* converted_dir() { return std::getenv("SEMVEC_CONVERTED_DIR"); }

}  // namespace

TEST_CASE("the synthetic BERT and GloVe models are accepted", "[model_file]") {
    auto b = Synthetic::bert().read();
    REQUIRE(b.ok());
    CHECK(b->architecture == semvec::Architecture::bert);
    CHECK(b->transformer.head_dim == 4);
    CHECK(b->transformer.num_kv_heads == 2);
    CHECK(b->transformer.absolute_positions == semvec::AbsolutePositions::arange);
    CHECK(b->transformer.norm_placement == semvec::NormPlacement::post);
    CHECK(b->transformer.mlp == semvec::MlpKind::plain);
    CHECK(b->transformer.has_pooler);
    CHECK(b->vocab.size() == 10);
    CHECK(b->tokenizer.unk_token == "[UNK]");
    CHECK(b->pooling.mode == semvec::PoolingMode::mean);
    auto g = Synthetic::glove().read();
    REQUIRE(g.ok());
    CHECK(g->architecture == semvec::Architecture::static_vectors);
    CHECK(g->dim() == 4);
    CHECK(g->weight_type == semvec::WeightType::f16);
}

TEST_CASE("malformed metadata is rejected with an error naming the key", "[model_file]") {
    struct Case {
        const char* what;
        std::function<void(Synthetic&)> mutate;
        const char* expect;
    };
    const std::vector<Case> cases = {
        {"no semvec.format", [](Synthetic& s) { s.meta["semvec.format"] = "<drop>"; }, "metadata 'semvec.format': missing: this is not a semvec model file"},
        {"a newer format", [](Synthetic& s) { s.meta["semvec.format"] = "2"; }, "version '2' is not supported"},
        {"no architecture", [](Synthetic& s) { s.meta["semvec.architecture"] = "<drop>"; }, "metadata 'semvec.architecture': missing"},
        {"an unknown architecture", [](Synthetic& s) { s.meta["semvec.architecture"] = "deberta"; }, "unknown architecture 'deberta'"},
        {"a config field this reader does not know", [](Synthetic& s) { s.config["rope_scaling"] = "yarn"; }, "field 'rope_scaling': is not a setting this semvec knows"},
        {"an unknown attention", [](Synthetic& s) { s.config["attention"] = "alibi"; }, "field 'attention': 'alibi' is not supported (bidirectional, causal)"},
        {"an unknown norm", [](Synthetic& s) { s.config["norm"] = "batch_norm"; }, "field 'norm': 'batch_norm' is not supported"},
        {"an RMSNorm with a bias", [](Synthetic& s) { s.config["norm"] = "rms_norm"; s.config["norm_bias"] = true; }, "field 'norm_bias': RMSNorm has no bias"},
        {"an unknown MLP", [](Synthetic& s) { s.config["mlp"] = "moe"; }, "field 'mlp': 'moe' is not supported (plain, gated)"},
        {"an unknown position kind", [](Synthetic& s) { s.config["absolute_positions"] = "sinusoidal"; }, "field 'absolute_positions': 'sinusoidal' is not supported"},
        {"a sliding window on causal attention", [](Synthetic& s) { s.config["attention"] = "causal"; s.config["local_attention_window"] = 4; }, "a sliding window on causal attention is not implemented"},
        {"an odd rotary dim", [](Synthetic& s) { s.config["rotary_theta"] = 10000.0; s.config["rotary_dim"] = 3; }, "field 'rotary_dim': must be even"},
        {"a rotary dim past the head", [](Synthetic& s) { s.config["rotary_theta"] = 10000.0; s.config["rotary_dim"] = 6; }, "field 'rotary_dim': 6 is out of range [2, 4]"},
        {"kv heads that do not divide the heads", [](Synthetic& s) { s.config["num_heads"] = 4; s.config["num_kv_heads"] = 3; }, "field 'num_kv_heads': 3 does not divide num_heads 4"},
        {"odd relative buckets", [](Synthetic& s) { s.config["relative_attention_buckets"] = 7; }, "bidirectional buckets need an even count"},
        {"an unknown qk norm", [](Synthetic& s) { s.config["qk_norm"] = "layer_norm"; }, "field 'qk_norm': 'layer_norm' is not supported"},
        {"RoBERTa positions past the table", [](Synthetic& s) { s.config["absolute_positions"] = "from_ids"; s.config["position_padding_idx"] = 15; }, "leaves no position of the 16-row table"},
        {"post-LN without the first attention norm", [](Synthetic& s) { s.config["first_attention_norm"] = false; }, "post-LN layers always normalize after attention"},
        {"an unknown dtype", [](Synthetic& s) { s.meta["semvec.dtype"] = "f8"; }, "metadata 'semvec.dtype': unknown dtype 'f8'"},
        {"no config", [](Synthetic& s) { s.meta["semvec.config"] = "<drop>"; }, "metadata 'semvec.config': missing"},
        {"config not JSON", [](Synthetic& s) { s.meta["semvec.config"] = "{hidden"; }, "metadata 'semvec.config': is not valid JSON"},
        {"config an array", [](Synthetic& s) { s.meta["semvec.config"] = "[1]"; }, "must be a JSON object"},
        {"a missing config key", [](Synthetic& s) { s.config.erase("intermediate_size"); }, "field 'intermediate_size': missing"},
        {"hidden 2^31", [](Synthetic& s) { s.config["hidden_size"] = 2147483648ull; }, "field 'hidden_size': 2147483648 is out of range [1, 65536]"},
        {"hidden 2^64-1", [](Synthetic& s) { s.config["hidden_size"] = 18446744073709551615ull; }, "field 'hidden_size': 18446744073709551615 is out of range"},
        {"negative layers", [](Synthetic& s) { s.config["num_layers"] = -2; }, "field 'num_layers': must not be negative"},
        {"zero heads", [](Synthetic& s) { s.config["num_heads"] = 0; }, "field 'num_heads': 0 is out of range"},
        {"a float where an int goes", [](Synthetic& s) { s.config["vocab_size"] = 10.5; }, "field 'vocab_size': must be an integer"},
        {"heads that do not divide hidden", [](Synthetic& s) { s.config["num_heads"] = 3; }, "hidden_size 8 is not divisible by num_heads 3"},
        {"an unknown activation", [](Synthetic& s) { s.config["hidden_act"] = "tanh"; }, "field 'hidden_act': 'tanh' is not supported"},
        {"a negative eps", [](Synthetic& s) { s.config["layer_norm_eps"] = -1.0; }, "field 'layer_norm_eps': must be in (0, 1)"},
        {"pad id past the vocab", [](Synthetic& s) { s.config["pad_token_id"] = 10; }, "field 'pad_token_id': 10 is not below vocab_size 10"},
        {"bert without token types", [](Synthetic& s) { s.config["type_vocab_size"] = 0; }, "field 'type_vocab_size': must be at least 1"},
        {"vocab shorter than vocab_size", [](Synthetic& s) { s.vocab.erase(9); }, "metadata 'semvec.vocab': holds 9 entries but semvec.config says vocab_size 10"},
        {"a duplicate vocab entry", [](Synthetic& s) { s.vocab[7] = "w6"; }, "entry 7 ('w6') is a duplicate"},
        {"a non-string vocab entry", [](Synthetic& s) { s.vocab[5] = 5; }, "entry 5 is not a string"},
        {"vocab not an array", [](Synthetic& s) { s.meta["semvec.vocab"] = "{}"; }, "metadata 'semvec.vocab': must be a JSON array"},
        {"no tokenizer", [](Synthetic& s) { s.meta["semvec.tokenizer"] = "<drop>"; }, "metadata 'semvec.tokenizer': missing"},
        {"an unknown tokenizer", [](Synthetic& s) { s.tokenizer["type"] = "wordlevel"; }, "unknown tokenizer type 'wordlevel'"},
        {"a words tokenizer on bert", [](Synthetic& s) { s.tokenizer["type"] = "words"; }, "a transformer needs a wordpiece, bpe or unigram tokenizer"},
        {"unk not in the vocab", [](Synthetic& s) { s.tokenizer["unk_token"] = "<unk>"; }, "field 'unk_token': token '<unk>' is not in semvec.vocab"},
        {"no cls token", [](Synthetic& s) { s.tokenizer.erase("cls_token"); }, "field 'cls_token': missing"},
        {"max_length past the positions", [](Synthetic& s) { s.tokenizer["max_length"] = 17; }, "field 'max_length': 17 is out of range [2, 16]"},
        {"a string flag", [](Synthetic& s) { s.tokenizer["do_lower_case"] = "true"; }, "field 'do_lower_case': must be true or false"},
        {"strip_accents a number", [](Synthetic& s) { s.tokenizer["strip_accents"] = 1; }, "field 'strip_accents': must be null, true or false"},
        {"added_tokens of numbers", [](Synthetic& s) { s.tokenizer["added_tokens"] = {1, 2}; }, "field 'added_tokens': holds a non-string: 1"},
        {"no max_length", [](Synthetic& s) { s.tokenizer.erase("max_length"); }, "field 'max_length': missing"},
        {"no pooling", [](Synthetic& s) { s.meta["semvec.pooling"] = "<drop>"; }, "metadata 'semvec.pooling': missing"},
        {"an unknown pooling", [](Synthetic& s) { s.pooling["mode"] = "attention"; }, "unknown pooling 'attention'"},
        {"a Dense head of the wrong width", [](Synthetic& s) { s.pooling["dense"] = json::array({{{"in", 7}, {"out", 4}}}); }, "field 'dense': module 0 takes 7 inputs but gets 8"},
        {"a Dense head with a softmax", [](Synthetic& s) { s.pooling["dense"] = json::array({{{"in", 8}, {"out", 4}, {"activation", "softmax"}}}); }, "activation 'softmax' is not supported (identity, tanh)"},
        {"a Matryoshka dim past the output", [](Synthetic& s) { s.pooling["matryoshka_dims"] = {8, 9}; }, "field 'matryoshka_dims': holds 9, not a dimension in [1, 8]"},
        {"Matryoshka dims of another kind", [](Synthetic& s) { s.pooling["matryoshka_dims"] = "all"; }, "must be an array of dimensions or \"any\""},
        {"prompts not an object", [](Synthetic& s) { s.meta["semvec.prompts"] = R"({"prompts": ["query: "]})"; }, "metadata 'semvec.prompts': field 'prompts' must be an object"},
        {"a default prompt that is not a prompt", [](Synthetic& s) { s.meta["semvec.prompts"] = R"({"prompts": {"query": "q: "}, "default": "doc"})"; }, "field 'default' must name one of the prompts"},
        {"normalize not a bool", [](Synthetic& s) { s.pooling["normalize"] = "yes"; }, "field 'normalize': must be true or false"},
    };
    for (const auto& c : cases) {
        Synthetic s = Synthetic::bert();
        c.mutate(s);
        INFO(c.what);
        CHECK_THAT(error_of(s), Catch::Contains(c.expect));
        CHECK_THAT(error_of(s), Catch::StartsWith("synthetic.safetensors: "));
    }
}

TEST_CASE("a value semvec does not implement is an 'unsupported' error, a malformed one 'invalid_data'", "[model_file]") {
    Synthetic s = Synthetic::bert();
    s.config["attention"] = "alibi";
    auto r = s.read();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == semvec::ErrorCode::unsupported);
    s = Synthetic::bert();
    s.config["future_knob"] = 1;
    REQUIRE_FALSE(s.read().ok());
    CHECK(s.read().error().code == semvec::ErrorCode::unsupported);
    s = Synthetic::bert();
    s.meta["semvec.architecture"] = "t5";
    CHECK(s.read().error().code == semvec::ErrorCode::unsupported);
    s = Synthetic::bert();
    s.config["num_heads"] = 3;
    CHECK(s.read().error().code == semvec::ErrorCode::invalid_data);
    s = Synthetic::bert();
    s.shapes.erase("layers.0.ffn.up.bias");
    CHECK(s.read().error().code == semvec::ErrorCode::invalid_data);
}

TEST_CASE("a Qwen3-shaped file: grouped heads, q/k norms, no biases, RMSNorm, final norm, last pooling", "[model_file]") {
    Synthetic s = Synthetic::qwen3();
    auto r = s.read();
    INFO((r.ok() ? std::string() : r.error().what()));
    REQUIRE(r.ok());
    const auto& t = r->transformer;
    CHECK(r->architecture == semvec::Architecture::qwen3);
    CHECK(t.q_width() == 24);
    CHECK(t.qkv_rows() == 48);
    CHECK(t.up_rows() == 24);
    CHECK(t.qk_norm);
    CHECK(t.attention == semvec::AttentionDirection::causal);
    CHECK(t.norm == semvec::NormKind::rms_norm);
    CHECK(t.rotary_dim == 6);
    CHECK(r->pooling.mode == semvec::PoolingMode::last);
    CHECK(s.shapes.count("layers.1.attn.q_norm.weight"));
    CHECK(s.shapes.count("final_norm.weight"));
    CHECK_FALSE(s.shapes.count("final_norm.bias"));
    CHECK_FALSE(s.shapes.count("layers.0.attn.qkv.bias"));
    CHECK_FALSE(s.shapes.count("embeddings.position"));
    CHECK(s.shapes.at("layers.0.attn.out.weight").second == std::vector<std::int64_t>{16, 24});
    CHECK(s.shapes.at("layers.0.ffn.up.weight").second == std::vector<std::int64_t>{24, 16});
    Synthetic m = s;
    m.shapes.erase("layers.1.attn.k_norm.weight");
    CHECK_THAT(error_of(m), Catch::Contains("tensor 'layers.1.attn.k_norm.weight': missing (expected shape [6])"));
    m = s;
    m.shapes["layers.0.attn.qkv.weight"].second = {48, 24};
    CHECK_THAT(error_of(m), Catch::Contains("has shape [48, 24], expected [48, 16]"));
    // Dense heads, Matryoshka dims and prompts.
    m = s;
    m.pooling["dense"] = json::array({{{"in", 16}, {"out", 4}, {"bias", true}, {"activation", "tanh"}}});
    m.pooling["matryoshka_dims"] = {2, 4};
    m.meta["semvec.prompts"] = R"({"prompts": {"query": "Instruct: x\nQuery:", "document": ""}, "default": null})";
    CHECK_THAT(error_of(m), Catch::Contains("tensor 'dense.0.weight': missing (expected shape [4, 16])"));
    m.shapes["dense.0.weight"] = {semvec::Dtype::f32, {4, 16}};
    m.shapes["dense.0.bias"] = {semvec::Dtype::f32, {4}};
    auto d = m.read();
    INFO((d.ok() ? std::string() : d.error().what()));
    REQUIRE(d.ok());
    CHECK(d->dim() == 4);
    CHECK(d->pooling.dense.size() == 1);
    CHECK(d->pooling.dense[0].tanh);
    CHECK(d->pooling.matryoshka_dims == std::vector<std::size_t>{4, 2});
    REQUIRE(d->prompts.find("query"));
    CHECK(*d->prompts.find("query") == "Instruct: x\nQuery:");
    CHECK(d->prompts.default_name.empty());
}

TEST_CASE("tensors that do not match the config are rejected with an error naming the tensor", "[model_file]") {
    using semvec::Dtype;
    struct Case {
        const char* what;
        std::function<void(Synthetic&)> mutate;
        const char* expect;
    };
    const std::vector<Case> cases = {
        {"a missing layer tensor", [](Synthetic& s) { s.shapes.erase("layers.1.ffn.down.bias"); }, "tensor 'layers.1.ffn.down.bias': missing (expected shape [8])"},
        {"a transposed matrix", [](Synthetic& s) { s.shapes["layers.0.ffn.up.weight"].second = {8, 12}; }, "tensor 'layers.0.ffn.up.weight': has shape [8, 12], expected [12, 8]"},
        {"qkv of one head only", [](Synthetic& s) { s.shapes["layers.0.attn.qkv.weight"].second = {8, 8}; }, "tensor 'layers.0.attn.qkv.weight': has shape [8, 8], expected [24, 8]"},
        {"embeddings of another vocab size", [](Synthetic& s) { s.shapes["embeddings.word"].second = {11, 8}; }, "tensor 'embeddings.word': has shape [11, 8], expected [10, 8]"},
        {"an f16 matrix in an f32 file", [](Synthetic& s) { s.shapes["layers.1.attn.out.weight"].first = Dtype::f16; }, "tensor 'layers.1.attn.out.weight': has dtype F16; a f32 file stores it as F32"},
        {"an integer matrix", [](Synthetic& s) { s.shapes["pooler.weight"].first = Dtype::i32; }, "tensor 'pooler.weight': has dtype I32"},
        {"a pooler the config does not know", [](Synthetic& s) { s.config["has_pooler"] = false; }, "tensor 'pooler.weight': present but semvec.config says has_pooler false"},
        {"a missing pooler", [](Synthetic& s) { s.shapes.erase("pooler.bias"); }, "tensor 'pooler.bias': missing"},
        {"one layer fewer than the config", [](Synthetic& s) { s.config["num_layers"] = 3; }, "tensor 'layers.2.attn.qkv.weight': missing"},
    };
    for (const auto& c : cases) {
        Synthetic s = Synthetic::bert();
        c.mutate(s);
        INFO(c.what);
        CHECK_THAT(error_of(s), Catch::Contains(c.expect));
    }
}

TEST_CASE("reduced-precision files keep biases and norms in f32 and int8 needs its scales", "[model_file]") {
    using semvec::Dtype;
    Synthetic s = Synthetic::bert();
    s.meta["semvec.dtype"] = "bf16";
    for (auto& [name, ds] : s.shapes)
        if (ds.second.size() == 2) ds.first = Dtype::bf16;
    REQUIRE(s.read().ok());
    s.shapes["embeddings.word"].first = Dtype::f32;  // embeddings may stay f32
    REQUIRE(s.read().ok());
    s.shapes["layers.0.attn.qkv.bias"].first = Dtype::bf16;
    CHECK_THAT(error_of(s), Catch::Contains("tensor 'layers.0.attn.qkv.bias': has dtype BF16; a bf16 file stores it as F32"));

    Synthetic q = Synthetic::bert();
    q.meta["semvec.dtype"] = "int8";
    for (auto& [name, ds] : q.shapes)
        if (ds.second.size() == 2 && name.rfind("embeddings.", 0) != 0) ds.first = Dtype::i8;
    CHECK_THAT(error_of(q), Catch::Contains("_scale': missing (the int8 scales of"));
    for (auto& [name, ds] : std::map<std::string, std::pair<Dtype, std::vector<std::int64_t>>>(q.shapes))
        if (ds.first == Dtype::i8) q.shapes[name + "_scale"] = {Dtype::f32, {ds.second[0]}};
    REQUIRE(q.read().ok());
    q.shapes["layers.1.ffn.up.weight_scale"].second = {8};
    CHECK_THAT(error_of(q), Catch::Contains("tensor 'layers.1.ffn.up.weight_scale': must be F32 [12], got F32 [8]"));
}

TEST_CASE("static files are checked too", "[model_file]") {
    Synthetic s = Synthetic::glove();
    s.shapes["embeddings.word"].second = {6, 5};
    CHECK_THAT(error_of(s), Catch::Contains("tensor 'embeddings.word': has shape [6, 5], expected [6, 4]"));
    s = Synthetic::glove();
    s.config["dim"] = 0;
    CHECK_THAT(error_of(s), Catch::Contains("field 'dim': 0 is out of range"));
    s = Synthetic::glove();
    s.config["vocab_size"] = 1ull << 40;
    CHECK_THAT(error_of(s), Catch::Contains("field 'vocab_size': 1099511627776 is out of range"));
    s = Synthetic::glove();
    s.config["format"] = "fasttext";
    CHECK_THAT(error_of(s), Catch::Contains("unknown static format 'fasttext'"));
    s = Synthetic::glove();
    s.pooling["mode"] = "cls";
    CHECK_THAT(error_of(s), Catch::Contains("static models pool by mean"));
    s = Synthetic::glove();
    s.meta["semvec.dtype"] = "int8";
    CHECK_THAT(error_of(s), Catch::Contains("int8 is for transformer weight matrices"));
    s = Synthetic::glove();
    s.tokenizer["type"] = "wordpiece";  // Model2Vec-like: needs its unk token in the vocab
    CHECK_THAT(error_of(s), Catch::Contains("field 'unk_token': missing"));
}

TEST_CASE("a plain safetensors file is not a model file", "[model_file]") {
    std::vector<float> v{1, 2, 3};
    auto bytes = semvec::serialize_safetensors({semvec::tensor_f32("x", v, {3})});
    REQUIRE(bytes.ok());
    auto f = semvec::SafetensorsFile::from_bytes(std::move(*bytes), "plain.safetensors");
    REQUIRE(f.ok());
    auto r = semvec::read_model_info(*f);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what() == "plain.safetensors: metadata 'semvec.format': missing: this is not a semvec model file (convert it with scripts/convert.py)");
}

TEST_CASE("the bundled default model is a valid static model", "[model_file]") {
    auto f = semvec::SafetensorsFile::open(std::string(SEMVEC_SOURCE_DIR) + "/models/glove-6B-100d-top20k-f16.safetensors");
    REQUIRE(f.ok());
    auto info = semvec::read_model_info(*f);
    REQUIRE(info.ok());
    CHECK(info->architecture == semvec::Architecture::static_vectors);
    CHECK(info->static_config.format == semvec::StaticFormat::glove);
    CHECK(info->dim() == 100);
    CHECK(info->vocab.size() == 20000);
    CHECK(info->vocab[0] == "the");
    CHECK(info->tokenizer.type == "words");
}

// Each fixture converted by tests/convert/convert_fixtures.py (the ctest fixture `semvec_converted_models`)
// is accepted, and its tensors read through the C++ reader equal the Hugging Face source after the
// documented rounding.
TEST_CASE("every converted fixture is accepted and its tensors equal the source", "[model_file]") {
    const char* dir = converted_dir();
    INFO("SEMVEC_CONVERTED_DIR must name the converted fixtures: run through ctest (fixture semvec_converted_models)");
    REQUIRE(dir != nullptr);
    struct Fixture {
        const char* name;
        semvec::Architecture arch;
        std::size_t hidden, vocab;
    };
    const Fixture fixtures[] = {{"bert-tiny", semvec::Architecture::bert, 32, 232},
                                {"distilbert-tiny", semvec::Architecture::distilbert, 32, 232},
                                {"bert-realvocab-small", semvec::Architecture::bert, 64, 30522},
                                {"mpnet-tiny-v2", semvec::Architecture::mpnet, 64, 30527},
                                {"roberta-bpe-tiny", semvec::Architecture::roberta, 32, 50265},
                                {"xlmr-unigram-tiny", semvec::Architecture::roberta, 64, 8002},
                                {"nomic-tiny", semvec::Architecture::nomic_bert, 64, 30528},
                                {"modernbert-tiny", semvec::Architecture::modernbert, 64, 50265},
                                {"qwen3-tiny", semvec::Architecture::qwen3, 32, 151669}};
    for (const auto& fx : fixtures) {
        auto src = semvec::SafetensorsFile::open(semvec_test::data_path(std::string("models/") + fx.name + "/model.safetensors"));
        REQUIRE(src.ok());
        const std::string prefix = fx.arch == semvec::Architecture::modernbert ? "embeddings.tok_embeddings.weight"
                                   : fx.arch == semvec::Architecture::qwen3    ? "embed_tokens.weight"
                                                                               : "embeddings.word_embeddings.weight";
        for (const char* dt : {"f32", "f16", "bf16", "int8"}) {
            const std::string path = std::string(dir) + "/" + fx.name + "-" + dt + ".safetensors";
            INFO(path);
            auto f = semvec::SafetensorsFile::open(path);
            REQUIRE(f.ok());
            auto info = semvec::read_model_info(*f);
            INFO((info.ok() ? std::string() : info.error().what()));
            REQUIRE(info.ok());
            CHECK(info->architecture == fx.arch);
            CHECK(info->transformer.hidden_size == fx.hidden);
            CHECK(info->vocab.size() == fx.vocab);
            CHECK(std::string(semvec::weight_type_name(info->weight_type)) == dt);
            // Word embeddings: stored = round(source) bit for bit.
            const auto* s = src->find(prefix);
            const auto* t = f->find("embeddings.word");
            REQUIRE(s);
            REQUIRE(t);
            auto sv = s->to_f32();
            REQUIRE(sv.ok());
            std::size_t mismatches = 0;
            for (std::size_t i = 0; i < sv->size(); ++i) {
                const float x = (*sv)[i];
                std::uint32_t want, got = 0;
                if (t->dtype == semvec::Dtype::f32) {
                    want = semvec::float_bits(x);
                    std::memcpy(&got, t->data + 4 * i, 4);
                } else {
                    want = t->dtype == semvec::Dtype::f16 ? semvec::f32_to_f16(x) : semvec::f32_to_bf16(x);  // int8 files: f16
                    std::uint16_t h;
                    std::memcpy(&h, t->data + 2 * i, 2);
                    got = h;
                }
                mismatches += want != got;
            }
            CHECK(mismatches == 0);
            if (info->weight_type == semvec::WeightType::int8) {
                const auto* q = f->find("layers.0.attn.qkv.weight");
                REQUIRE(q);
                CHECK(q->dtype == semvec::Dtype::i8);
                CHECK(f->find("layers.0.attn.qkv.weight_scale") != nullptr);
            }
        }
    }
}
