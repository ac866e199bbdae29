// A small semvec model built in memory from scratch (random weights from a fixed seed), which tests mutate
// into hostile files before writing them: metadata as JSON objects, tensors as shapes + bytes. Used by the
// hostile-file tests and to write the seeds of the model fuzz target (tests/fuzz/corpus/model).
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <semvec/io/safetensors.hpp>
#include <semvec/model/model_file.hpp>
#include <semvec/util/half.hpp>

namespace semvec_test {

struct TinyTensor {
    semvec::Dtype dtype = semvec::Dtype::f32;
    std::vector<std::int64_t> shape;
    std::vector<unsigned char> bytes;
};

struct TinyModel {
    using json = nlohmann::json;
    std::map<std::string, std::string> meta;  ///< raw metadata; config/tokenizer/pooling/vocab are added from the JSON below unless set here
    json config, tokenizer, pooling, vocab;
    std::map<std::string, TinyTensor> tensors;

    /// A BERT (or DistilBERT) with f32 weights drawn uniformly from [-0.1, 0.1] (norm weights 1).
    static TinyModel transformer(bool distil = false, std::size_t H = 8, std::size_t layers = 1, std::size_t heads = 2,
                                 std::size_t I = 12, std::size_t V = 16, std::size_t P = 16, bool pooler = false) {
        TinyModel m;
        m.config = {{"hidden_size", H}, {"num_layers", layers}, {"num_heads", heads}, {"intermediate_size", I},
                    {"max_position_embeddings", P}, {"type_vocab_size", distil ? 0 : 2}, {"vocab_size", V},
                    {"hidden_act", "gelu"}, {"layer_norm_eps", 1e-12}, {"pad_token_id", 0}, {"has_pooler", pooler}};
        m.vocab = json::array({"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "##s", "the", "a"});
        for (std::size_t i = m.vocab.size(); i < V; ++i) m.vocab.push_back("w" + std::to_string(i));
        m.tokenizer = {{"type", "wordpiece"}, {"do_lower_case", true}, {"strip_accents", nullptr}, {"unk_token", "[UNK]"},
                       {"cls_token", "[CLS]"}, {"sep_token", "[SEP]"}, {"pad_token", "[PAD]"}, {"mask_token", "[MASK]"},
                       {"max_length", P}};
        m.pooling = {{"mode", "mean"}, {"normalize", true}, {"source", "test"}};
        m.meta = {{"semvec.format", "1"}, {"semvec.architecture", distil ? "distilbert" : "bert"}, {"semvec.dtype", "f32"}};
        semvec::ModelFileInfo info;
        info.architecture = distil ? semvec::Architecture::distilbert : semvec::Architecture::bert;
        info.transformer.hidden_size = H;
        info.transformer.num_layers = layers;
        info.transformer.num_heads = heads;
        info.transformer.num_kv_heads = heads;  // what read_model_info fills in when the config omits them
        info.transformer.head_dim = H / heads;
        info.transformer.intermediate_size = I;
        info.transformer.vocab_size = V;
        info.transformer.max_position_embeddings = P;
        info.transformer.type_vocab_size = distil ? 0 : 2;
        info.transformer.has_pooler = pooler;
        std::mt19937 rng(42);
        for (const auto& e : semvec::expected_tensors(info)) {
            const bool norm_weight = e.name.find("norm.weight") != std::string::npos;
            m.set_f32(e.name, e.shape, norm_weight ? 1.0f : -1.0f, rng);
        }
        return m;
    }

    /// A static (GloVe-like) model with f16 vectors.
    static TinyModel glove(std::size_t V = 12, std::size_t D = 4) {
        TinyModel m;
        m.config = {{"dim", D}, {"vocab_size", V}, {"format", "glove"}};
        m.vocab = json::array({"hello", "world", "the", "a", "cat", "dog"});
        for (std::size_t i = m.vocab.size(); i < V; ++i) m.vocab.push_back("word" + std::to_string(i));
        m.tokenizer = {{"type", "words"}, {"do_lower_case", true}, {"max_length", 0}};
        m.pooling = {{"mode", "mean"}, {"normalize", false}};
        m.meta = {{"semvec.format", "1"}, {"semvec.architecture", "static"}, {"semvec.dtype", "f16"}};
        std::mt19937 rng(7);
        std::vector<float> v(V * D);
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);
        for (auto& x : v) x = u(rng);
        m.set_f16("embeddings.word", {std::int64_t(V), std::int64_t(D)}, v);
        return m;
    }

    /// Sets tensor `name` to f32 values: all `fill` when fill >= 0, else uniform in [-0.1, 0.1].
    void set_f32(const std::string& name, std::vector<std::int64_t> shape, float fill, std::mt19937& rng) {
        std::size_t n = 1;
        for (auto d : shape) n *= static_cast<std::size_t>(d);
        std::vector<float> v(n, fill);
        std::uniform_real_distribution<float> u(-0.1f, 0.1f);
        if (fill < 0)
            for (auto& x : v) x = u(rng);
        set_f32(name, std::move(shape), v);
    }
    void set_f32(const std::string& name, std::vector<std::int64_t> shape, const std::vector<float>& v) {
        TinyTensor t{semvec::Dtype::f32, std::move(shape), std::vector<unsigned char>(v.size() * 4)};
        if (!v.empty()) std::memcpy(t.bytes.data(), v.data(), t.bytes.size());
        tensors[name] = std::move(t);
    }
    void set_f16(const std::string& name, std::vector<std::int64_t> shape, const std::vector<float>& v) {
        TinyTensor t{semvec::Dtype::f16, std::move(shape), std::vector<unsigned char>(v.size() * 2)};
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::uint16_t h = semvec::f32_to_f16(v[i]);
            std::memcpy(t.bytes.data() + 2 * i, &h, 2);
        }
        tensors[name] = std::move(t);
    }
    /// Overwrites element `i` of an f32 tensor.
    void poke_f32(const std::string& name, std::size_t i, float value) {
        std::memcpy(tensors.at(name).bytes.data() + 4 * i, &value, 4);
    }
    /// Overwrites element `i` of an f16 tensor with the half bits `h`.
    void poke_f16_bits(const std::string& name, std::size_t i, std::uint16_t h) {
        std::memcpy(tensors.at(name).bytes.data() + 2 * i, &h, 2);
    }

    /// The safetensors bytes ("<drop>" as a raw metadata value removes that key).
    std::vector<unsigned char> bytes() const {
        auto m = meta;
        auto put = [&m](const char* k, const json& j) {
            if (!m.count(k)) m[k] = j.dump();
        };
        put("semvec.config", config);
        put("semvec.tokenizer", tokenizer);
        put("semvec.pooling", pooling);
        put("semvec.vocab", vocab);
        for (auto it = m.begin(); it != m.end();) it = it->second == "<drop>" ? m.erase(it) : std::next(it);
        std::vector<semvec::TensorData> td;
        for (const auto& [name, t] : tensors) td.push_back({name, t.dtype, t.shape, t.bytes.data(), t.bytes.size()});
        auto out = semvec::serialize_safetensors(td, m);
        if (!out) throw std::runtime_error(out.error().what());
        return std::move(*out);
    }

    /// Writes the file; returns `path`.
    std::string write(const std::string& path) const {
        const auto b = bytes();
        std::FILE* f = std::fopen(path.c_str(), "wb");
        if (!f) throw std::runtime_error("cannot write " + path);
        std::fwrite(b.data(), 1, b.size(), f);
        std::fclose(f);
        return path;
    }
};

}  // namespace semvec_test
