// Hostile model files, end to end through semvec::load_model (and hostile tokenizer.json / vocab.txt through
// the Tokenizer loaders): every case must give an Error whose message names the problem, never a crash, a
// hang or an allocation sized by a number in the file. The files are built from scratch (tiny_model.hpp) and
// broken one way each. read_model_info's own metadata and shape checks are covered case by case in
// tests/convert/test_model_file.cpp; these cases add what only the whole loader sees (truncated and
// oversized files, huge dimensions, weights, deep JSON, tokenizer files) or reach the same checks by another
// route (static models, DistilBERT, HF files).
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <semvec/model/model.hpp>
#include <semvec/text/tokenizer.hpp>

#include "../test_support.hpp"
#include "tiny_model.hpp"

namespace {

using semvec_test::TinyModel;
using json = nlohmann::json;

std::string load_error(const std::string& path) {
    auto m = semvec::load_model(path);
    return m ? std::string("<loaded>") : m.error().what();
}

std::string write_bytes(const std::string& name, const std::vector<unsigned char>& b) {
    const std::string path = semvec_test::temp_path(name);
    semvec_test::write_file(path, std::string(b.begin(), b.end()));
    return path;
}

/// A safetensors file whose header is `header` (JSON text) followed by `data_bytes` zero bytes.
std::vector<unsigned char> raw_file(const std::string& header, std::size_t data_bytes = 0) {
    std::vector<unsigned char> out(8 + header.size() + data_bytes, 0);
    const std::uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<unsigned char>(n >> (8 * i));
    std::memcpy(out.data() + 8, header.data(), header.size());
    return out;
}

std::string deep_array(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

struct Case {
    const char* what;
    std::function<std::string()> path;  ///< writes the hostile file, returns its path
    const char* expect;                 ///< substring of the error message
};

}  // namespace

TEST_CASE("the unbroken tiny models load and encode", "[robust][hostile]") {
    for (auto m : {TinyModel::transformer(false), TinyModel::transformer(true), TinyModel::glove()}) {
        auto model = semvec::load_model(m.write(semvec_test::temp_path("hostile_ok.safetensors")));
        REQUIRE(model.ok());
        auto e = model->encode({"hello world", "the cats"});
        REQUIRE(e.ok());
        CHECK(e->rows() == 2);
        CHECK(e->allFinite());
    }
}

TEST_CASE("hostile model files give a clear error through load_model", "[robust][hostile]") {
    auto tmp = [](const char* n) { return semvec_test::temp_path(std::string("hostile_") + n + ".safetensors"); };
    auto bert = [] { return TinyModel::transformer(false); };
    const std::vector<Case> cases = {
        // --- the container ---
        {"a missing file", [] { return std::string("no/such/dir/model.safetensors"); }, "cannot open"},
        {"a directory", [] { return std::string("."); }, "not a regular file"},
        {"an empty file", [&] { return write_bytes("hostile_empty", {}); }, "file is 0 bytes"},
        {"a file truncated inside the header", [&] {
             auto b = bert().bytes();
             b.resize(100);
             return write_bytes("hostile_trunc_header", b);
         }, "runs past the end of the file"},
        {"a file truncated right after the header", [&] {
             auto b = bert().bytes();
             std::uint64_t n = 0;
             for (int i = 7; i >= 0; --i) n = (n << 8) | b[static_cast<std::size_t>(i)];
             b.resize(8 + n);
             return write_bytes("hostile_trunc_data", b);
         }, "run past the end of the data (0 bytes)"},
        {"a file missing its last weight byte", [&] {
             auto b = bert().bytes();
             b.pop_back();
             return write_bytes("hostile_trunc_1", b);
         }, "run past the end of the data"},
        {"a header length of 2^63", [&] {
             auto b = bert().bytes();
             b[7] = 0x80;
             return write_bytes("hostile_hlen", b);
         }, "exceeds the 100 MB limit"},
        {"an HF safetensors file (no semvec metadata)", [&] {
             std::vector<float> w(8 * 4, 0.5f);
             auto b = semvec::serialize_safetensors({semvec::tensor_f32("embeddings.word_embeddings.weight", w, {8, 4})},
                                                    {{"format", "pt"}});
             return write_bytes("hostile_hf", *b);
         }, "not a semvec model file"},
        // --- huge dimensions: rejected before any size computation can overflow or allocate ---
        {"vocab_size 2^40", [&] { auto m = bert(); m.config["vocab_size"] = 1ull << 40; return m.write(tmp("v40")); },
         "field 'vocab_size': 1099511627776 is out of range"},
        {"intermediate_size 2^62", [&] { auto m = bert(); m.config["intermediate_size"] = 1ull << 62; return m.write(tmp("i62")); },
         "field 'intermediate_size': 4611686018427387904 is out of range"},
        {"max_position_embeddings 2^31", [&] { auto m = bert(); m.config["max_position_embeddings"] = 1ull << 31; return m.write(tmp("p31")); },
         "field 'max_position_embeddings': 2147483648 is out of range"},
        {"static dim 2^31", [&] { auto m = TinyModel::glove(); m.config["dim"] = 1ull << 31; return m.write(tmp("d31")); },
         "field 'dim': 2147483648 is out of range"},
        {"a tensor header of [2^32, 2^32] f32 (element count overflows)", [&] {
             return write_bytes("hostile_numel", raw_file(R"({"embeddings.word":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})"));
         }, "overflows the element count"},
        {"a tensor header of [2^31, 2^31, 2] f32 (byte size overflows)", [&] {
             return write_bytes("hostile_nbytes", raw_file(R"({"embeddings.word":{"dtype":"F32","shape":[2147483648,2147483648,2],"data_offsets":[0,0]}})"));
         }, "overflows the byte size"},
        {"a tensor header claiming 2^40 elements that the file does not hold", [&] {
             return write_bytes("hostile_claim", raw_file(R"({"embeddings.word":{"dtype":"F16","shape":[1048576,1048576],"data_offsets":[0,2199023255552]}})", 64));
         }, "run past the end of the data (64 bytes)"},
        // --- config against tensors ---
        {"zero layers", [&] { auto m = bert(); m.config["num_layers"] = 0; return m.write(tmp("l0")); },
         "field 'num_layers': 0 is out of range [1, 1024]"},
        {"more heads than hidden units", [&] { auto m = bert(); m.config["num_heads"] = 16; return m.write(tmp("heads")); },
         "hidden_size 8 is not divisible by num_heads 16"},
        {"hidden_size that disagrees with every tensor", [&] { auto m = bert(); m.config["hidden_size"] = 16; return m.write(tmp("h16")); },
         "tensor 'embeddings.word': has shape [16, 8], expected [16, 16]"},
        {"a DistilBERT file with BERT's token-type table", [&] {
             auto m = TinyModel::transformer(true);
             m.meta["semvec.architecture"] = "bert";
             return m.write(tmp("distil_as_bert"));
         }, "field 'type_vocab_size': must be at least 1 for bert"},
        {"a static vocab longer than the embedding rows", [&] {
             auto m = TinyModel::glove(12, 4);
             std::vector<float> v(10 * 4, 0.25f);
             m.set_f16("embeddings.word", {10, 4}, v);
             return m.write(tmp("static_rows"));
         }, "tensor 'embeddings.word': has shape [10, 4], expected [12, 4]"},
        {"a static vocab_size that disagrees with semvec.vocab", [&] {
             auto m = TinyModel::glove(12, 4);
             m.vocab.erase(m.vocab.size() - 1);
             return m.write(tmp("static_vocab"));
         }, "holds 11 entries but semvec.config says vocab_size 12"},
        {"norm weights stored as BOOL", [&] {
             auto m = bert();
             m.tensors["embeddings.norm.weight"] = {semvec::Dtype::boolean, {8}, std::vector<unsigned char>(8, 1)};
             return m.write(tmp("bool"));
         }, "tensor 'embeddings.norm.weight': has dtype BOOL"},
        {"a static model stored as int8", [&] {
             auto m = TinyModel::glove();
             m.meta["semvec.dtype"] = "int8";
             return m.write(tmp("static_int8"));
         }, "int8 is for transformer weight matrices"},
        // --- weights (LoadOptions::allow_non_finite is false by default) ---
        {"a NaN in an f32 BERT weight", [&] {
             auto m = bert();
             m.poke_f32("layers.0.ffn.up.weight", 5, std::numeric_limits<float>::quiet_NaN());
             return m.write(tmp("nan"));
         }, "tensor 'layers.0.ffn.up.weight': holds a NaN at flat index 5"},
        {"an f16 +Inf in a static vector table", [&] {
             auto m = TinyModel::glove();
             m.poke_f16_bits("embeddings.word", 3, 0x7C00);
             return m.write(tmp("inf"));
         }, "tensor 'embeddings.word': holds an infinity at flat index 3"},
        {"an f16 NaN in a static vector table", [&] {
             auto m = TinyModel::glove();
             m.poke_f16_bits("embeddings.word", 4, 0x7E01);
             return m.write(tmp("nan16"));
         }, "tensor 'embeddings.word': holds a NaN at flat index 4"},
        // --- metadata ---
        {"an HF class name as architecture", [&] { auto m = bert(); m.meta["semvec.architecture"] = "BertModel"; return m.write(tmp("arch")); },
         "unknown architecture 'BertModel'"},
        {"format version '1.0'", [&] { auto m = bert(); m.meta["semvec.format"] = "1.0"; return m.write(tmp("fmt")); },
         "version '1.0' is not supported"},
        {"hidden_size as a string", [&] { auto m = bert(); m.config["hidden_size"] = "8"; return m.write(tmp("hstr")); },
         "field 'hidden_size': must be an integer, got \"8\""},
        {"hidden_size nested 100k arrays deep", [&] {
             auto m = bert();
             m.config.erase("hidden_size");
             m.meta["semvec.config"] = m.config.dump().replace(1, 0, "\"hidden_size\":" + deep_array(100000) + ",");
             return m.write(tmp("hdeep"));
         }, "field 'hidden_size': must be an integer, got [[...]]"},
        {"a wordpiece tokenizer without unk_token", [&] { auto m = bert(); m.tokenizer.erase("unk_token"); return m.write(tmp("nounk")); },
         "field 'unk_token': missing"},
        {"sep_token not in the vocab", [&] { auto m = bert(); m.tokenizer["sep_token"] = "</s>"; return m.write(tmp("sep")); },
         "field 'sep_token': token '</s>' is not in semvec.vocab"},
        {"max_length 0 for a transformer", [&] { auto m = bert(); m.tokenizer["max_length"] = 0; return m.write(tmp("ml0")); },
         "field 'max_length': 0 is out of range [2, 16]"},
        {"tokenizer metadata as a JSON array", [&] { auto m = bert(); m.meta["semvec.tokenizer"] = "[]"; return m.write(tmp("tokarr")); },
         "metadata 'semvec.tokenizer': must be a JSON object"},
        {"tokenizer added_tokens nested 100k deep", [&] {
             auto m = bert();
             m.meta["semvec.tokenizer"] = m.tokenizer.dump().replace(1, 0, "\"added_tokens\":[" + deep_array(100000) + "],");
             return m.write(tmp("tokdeep"));
         }, "field 'added_tokens': holds a non-string: [[...]]"},
        {"tokenizer added_tokens of a million entries, the last a number", [&] {
             auto m = bert();
             json a = json::array();
             for (int i = 0; i < 1000000; ++i) a.push_back("t");
             a.push_back(7);
             m.tokenizer["added_tokens"] = a;
             return m.write(tmp("tokhuge"));
         }, "field 'added_tokens': holds a non-string: 7"},
        {"a vocab entry that is not valid UTF-8", [&] {
             auto b = bert().bytes();  // the writer repairs bad UTF-8, so break the bytes afterwards
             const std::string s(b.begin(), b.end());
             const std::size_t at = s.find("hello");
             b[at + 1] = 0xC3;
             b[at + 2] = 0x28;
             return write_bytes("hostile_utf8", b);
         }, "header is not valid JSON (or not valid UTF-8)"},
        {"a tensor shape nested 100k deep", [&] {
             return write_bytes("hostile_shape_deep",
                                raw_file(R"({"embeddings.word":{"dtype":"F32","shape":[)" + deep_array(100000) + R"(],"data_offsets":[0,0]}})"));
         }, "shape [[...]] holds a non-integer"},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        const std::string err = load_error(c.path());
        CHECK_THAT(err, Catch::Contains(c.expect));
    }
    CHECK(cases.size() >= 20);
}

TEST_CASE("LoadOptions::allow_non_finite loads NaN / Inf weights on request", "[robust][hostile]") {
    auto m = TinyModel::transformer(false);
    m.poke_f32("embeddings.norm.bias", 0, -std::numeric_limits<float>::infinity());
    const std::string path = m.write(semvec_test::temp_path("hostile_allow_inf.safetensors"));
    CHECK_THAT(load_error(path), Catch::Contains("tensor 'embeddings.norm.bias': holds an infinity at flat index 0"));
    semvec::LoadOptions lo;
    lo.allow_non_finite = true;
    auto model = semvec::load_model(path, lo);
    REQUIRE(model.ok());
    CHECK(model->encode({"hello"}).ok());  // the values are the caller's business; nothing crashes
    auto g = TinyModel::glove();
    g.poke_f16_bits("embeddings.word", 0, 0x7E00);  // f16 NaN
    const std::string gpath = g.write(semvec_test::temp_path("hostile_allow_nan.safetensors"));
    CHECK_THAT(load_error(gpath), Catch::Contains("holds a NaN at flat index 0"));
    CHECK(semvec::load_model(gpath, lo).ok());
}

TEST_CASE("hostile tokenizer.json files give a clear error", "[robust][hostile]") {
    const std::string good = semvec_test::read_file(semvec_test::data_path("tokenizer/bert-base-uncased-tokenizer.json"));
    REQUIRE(semvec::Tokenizer::from_tokenizer_json_text(good).ok());
    const std::string minimal_model = R"("model":{"type":"WordPiece","unk_token":"[UNK]","vocab":{"[UNK]":0,"a":1}})";
    struct TCase {
        const char* what;
        std::string text;
        const char* expect;
    };
    std::string big_vocab = R"({"model":{"type":"WordPiece","vocab":{)";
    for (int i = 0; i < 200000; ++i) big_vocab += "\"t" + std::to_string(i) + "\":" + std::to_string(i * 7) + ",";
    big_vocab += R"("x":0}}})";
    const std::vector<TCase> cases = {
        {"empty", "", "not valid JSON"},
        {"an array at the top", "[1,2]", "the top level is not a JSON object"},
        {"nested 100k arrays deep", deep_array(100000), "the top level is not a JSON object"},
        {"a model nested 100k deep", "{\"model\":" + deep_array(100000) + "}", "no 'model' object"},
        {"a normalizer nested 100k deep", "{" + minimal_model + ",\"normalizer\":" + deep_array(100000) + "}", "'normalizer' is not an object"},
        {"truncated in the middle", good.substr(0, good.size() / 2), "not valid JSON"},
        {"a WordLevel model", R"({"model":{"type":"WordLevel","vocab":{"a":0}}})", "unsupported model 'WordLevel'"},
        {"vocab ids as strings", R"({"model":{"type":"WordPiece","vocab":{"[UNK]":"0"}}})", "id of '[UNK]' is not an integer"},
        {"a vocab id of 2^62", R"({"model":{"type":"WordPiece","vocab":{"[UNK]":4611686018427387904}}})", "is outside [0, 1)"},
        {"a negative vocab id", R"({"model":{"type":"WordPiece","vocab":{"[UNK]":-1}}})", "id -1 of '[UNK]' is outside [0, 1)"},
        {"200k ids with gaps (sparse ids past the size)", big_vocab, "is outside [0, 200001)"},
        {"duplicate ids", R"({"model":{"type":"WordPiece","vocab":{"[UNK]":0,"a":0}}})", "id 0 is used twice"},
        {"a vocab without [UNK]", R"({"model":{"type":"WordPiece","vocab":{"a":0}}})", "the vocabulary has no unk_token '[UNK]'"},
        {"max_input_chars_per_word negative", "{\"model\":{\"type\":\"WordPiece\",\"max_input_chars_per_word\":-5,\"vocab\":{\"[UNK]\":0}}}",
         "'max_input_chars_per_word' is not a non-negative integer"},
        {"truncation max_length a string", "{" + minimal_model + R"(,"truncation":{"max_length":"512"}})", "'max_length' is not a non-negative integer"},
        {"added_tokens an object", "{" + minimal_model + R"(,"added_tokens":{"a":1}})", "'added_tokens' is not an array"},
        {"an added token nested 100k deep", "{" + minimal_model + ",\"added_tokens\":[" + deep_array(100000) + "]}", "an added token is not an object"},
        {"an empty added token", "{" + minimal_model + R"(,"added_tokens":[{"id":5,"content":""}]})", "an added token is empty"},
        {"a post_processor without cls", "{" + minimal_model + R"(,"post_processor":{"type":"BertProcessing","sep":["[SEP]",1]}})", "'cls' is not [token, id]"},
        {"an unknown post_processor", "{" + minimal_model + R"(,"post_processor":{"type":"ChatProcessing"}})", "unsupported post_processor 'ChatProcessing'"},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        auto t = semvec::Tokenizer::from_tokenizer_json_text(c.text, "hostile.json");
        REQUIRE_FALSE(t.ok());
        CHECK_THAT(t.error().what(), Catch::Contains(c.expect));
    }
}

TEST_CASE("hostile vocab.txt files give a clear error", "[robust][hostile]") {
    struct VCase {
        const char* what;
        std::string text;
        const char* expect;
    };
    const std::vector<VCase> cases = {
        {"empty", "", "the vocabulary file is empty"},
        {"CRLF line endings", "[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\n", "CRLF line endings"},
        {"no [UNK]", "[PAD]\n[CLS]\n[SEP]\nhello\n", "the vocabulary has no unk_token '[UNK]'"},
        {"invalid UTF-8 on line 3", "[UNK]\n[CLS]\n\xff\xfe\n[SEP]\n", "line 3"},
        {"a NUL-filled megabyte", std::string(1 << 20, '\0'), "the vocabulary has no unk_token"},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        auto t = semvec::Tokenizer::from_vocab_text(c.text, {}, "hostile-vocab.txt");
        REQUIRE_FALSE(t.ok());
        CHECK_THAT(t.error().what(), Catch::Contains(c.expect));
    }
    CHECK_THAT(semvec::Tokenizer::from_vocab_file("no/such/vocab.txt").error().what(), Catch::Contains("cannot open"));
}
