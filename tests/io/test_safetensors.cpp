// The safetensors reader and writer: round trips and malformed files.
#include <catch2/catch.hpp>

#include <semvec/io/safetensors.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "../test_support.hpp"

using namespace semvec;

namespace {

// A raw file from a header string and a data buffer: the way a hostile file is built.
std::vector<unsigned char> raw_file(const std::string& header, std::size_t data_bytes, std::uint64_t n_override = 0) {
    std::vector<unsigned char> out(8 + header.size() + data_bytes, 0);
    const std::uint64_t n = n_override ? n_override : header.size();
    for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<unsigned char>(n >> (8 * i));
    std::copy(header.begin(), header.end(), out.begin() + 8);
    return out;
}

std::string error_of(const std::vector<unsigned char>& bytes) {
    auto f = SafetensorsFile::from_buffer(bytes.data(), bytes.size(), "bad.safetensors");
    REQUIRE_FALSE(f.ok());
    return f.error().what();
}

template <class T>
std::vector<unsigned char> as_bytes(const std::vector<T>& v) {
    std::vector<unsigned char> b(v.size() * sizeof(T));
    std::memcpy(b.data(), v.data(), b.size());
    return b;
}

}  // namespace

TEST_CASE("every dtype survives a write-read round trip bit for bit", "[safetensors]") {
    std::vector<double> f64 = {1.5, -2.25, 3e300};
    std::vector<float> f32 = {1.f, -0.f, 3.5f, 1e-30f, 7.f, 8.f};
    std::vector<std::uint16_t> f16 = {0x3c00, 0x8001, 0x7bff};
    std::vector<std::uint16_t> bf16 = {0x3f80, 0xc000};
    std::vector<std::int64_t> i64 = {-1, INT64_MAX};
    std::vector<std::int32_t> i32 = {-7, 7, 0, INT32_MIN};
    std::vector<std::int16_t> i16 = {-300, 300};
    std::vector<std::int8_t> i8 = {-128, 127, 0};
    std::vector<std::uint64_t> u64 = {UINT64_MAX};
    std::vector<std::uint32_t> u32 = {1, 2};
    std::vector<std::uint16_t> u16 = {65535};
    std::vector<std::uint8_t> u8 = {0, 255, 17};
    std::vector<std::uint8_t> b = {0, 1, 1, 0};
    std::vector<TensorData> ts = {
        {"f64", Dtype::f64, {3}, f64.data(), 24},       {"f32", Dtype::f32, {2, 3}, f32.data(), 24},
        {"f16", Dtype::f16, {3}, f16.data(), 6},        {"bf16", Dtype::bf16, {1, 2}, bf16.data(), 4},
        {"i64", Dtype::i64, {2}, i64.data(), 16},       {"i32", Dtype::i32, {2, 2}, i32.data(), 16},
        {"i16", Dtype::i16, {2}, i16.data(), 4},        {"i8", Dtype::i8, {3}, i8.data(), 3},
        {"u64", Dtype::u64, {1}, u64.data(), 8},        {"u32", Dtype::u32, {2}, u32.data(), 8},
        {"u16", Dtype::u16, {1}, u16.data(), 2},        {"u8", Dtype::u8, {3}, u8.data(), 3},
        {"bool", Dtype::boolean, {2, 2}, b.data(), 4},     {"empty", Dtype::f32, {0, 4}, nullptr, 0},
        {"scalar", Dtype::f32, {}, f32.data(), 4}};
    std::map<std::string, std::string> meta = {{"semvec.format", "1"}, {"note", "ünïcode ✓"}};
    const std::string path = semvec_test::temp_path("roundtrip.safetensors");
    REQUIRE(save_safetensors(path, ts, meta).ok());
    auto f = SafetensorsFile::open(path);
    REQUIRE(f.ok());
    CHECK(f->metadata() == meta);
    CHECK(f->tensors().size() == ts.size());
    for (const auto& t : ts) {
        const TensorView* v = f->find(t.name);
        REQUIRE(v != nullptr);
        CHECK(v->dtype == t.dtype);
        CHECK(v->shape == t.shape);
        REQUIRE(v->nbytes == t.nbytes);
        if (t.nbytes) CHECK(std::memcmp(v->data, t.data, t.nbytes) == 0);
        // the writer aligns every tensor to its element size, so typed views are zero-copy
        CHECK(reinterpret_cast<std::uintptr_t>(v->data) % dtype_size(v->dtype) == 0);
    }
    CHECK(f->find("f32")->data_as<float>() != nullptr);
    CHECK(f->find("f32")->data_as<double>() == nullptr);
    auto widened = f->find("bf16")->to_f32();
    REQUIRE(widened.ok());
    CHECK((*widened)[0] == 1.0f);
    CHECK((*widened)[1] == -2.0f);
    CHECK_FALSE(f->find("i32")->to_f32().ok());
    std::remove(path.c_str());
}

TEST_CASE("a file written by Hugging Face's writer reads back with its tensors", "[safetensors]") {
    auto f = SafetensorsFile::open(semvec_test::data_path("models/bert-tiny/model.safetensors"));
    INFO(f.error().what());  // the fixture is committed (tests/data/models/bert-tiny): a failure here is real
    REQUIRE(f.ok());
    const TensorView* w = f->find("embeddings.word_embeddings.weight");
    REQUIRE(w != nullptr);
    CHECK(w->dtype == Dtype::f32);
    CHECK(w->shape == std::vector<std::int64_t>{232, 32});
}

TEST_CASE("opening a missing file names the file", "[safetensors]") {
    auto f = SafetensorsFile::open("/nonexistent/dir/model.safetensors");
    REQUIRE_FALSE(f.ok());
    CHECK_THAT(f.error().what(), Catch::Contains("/nonexistent/dir/model.safetensors") && Catch::Contains("cannot open"));
}

TEST_CASE("malformed safetensors files are rejected with a message naming the fault", "[safetensors][malformed]") {
    const std::string ok_entry = R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
    SECTION("a file shorter than the length field") {
        std::vector<unsigned char> b = {1, 2, 3};
        CHECK_THAT(error_of(b), Catch::Contains("8-byte header length"));
    }
    SECTION("an empty file") {
        std::vector<unsigned char> b;
        CHECK_THAT(error_of(b), Catch::Contains("file is 0 bytes"));
    }
    SECTION("a header length below 2") { CHECK_THAT(error_of(raw_file("{", 0, 1)), Catch::Contains("too small")); }
    SECTION("a huge header length") {
        CHECK_THAT(error_of(raw_file("{}", 0, std::uint64_t(1) << 62)), Catch::Contains("exceeds the 100 MB limit"));
    }
    SECTION("a header length past the end of the file") {
        CHECK_THAT(error_of(raw_file("{}", 0, 1000)), Catch::Contains("runs past the end of the file"));
    }
    SECTION("a truncated header") {
        auto b = raw_file("{" + ok_entry + "}", 8);
        b.resize(20);
        CHECK_THAT(error_of(b), Catch::Contains("runs past the end"));
    }
    SECTION("a header that is not JSON") { CHECK_THAT(error_of(raw_file("{not json", 0)), Catch::Contains("not valid JSON")); }
    SECTION("a header with invalid UTF-8") {
        CHECK_THAT(error_of(raw_file("{\"\xff\":1}", 0)), Catch::Contains("not valid JSON"));
    }
    SECTION("a header that is a JSON array") { CHECK_THAT(error_of(raw_file("[1,2]", 0)), Catch::Contains("not an object")); }
    SECTION("an unknown dtype") {
        CHECK_THAT(error_of(raw_file(R"({"a":{"dtype":"F17","shape":[2],"data_offsets":[0,8]}})", 8)),
                   Catch::Contains("tensor 'a'") && Catch::Contains("unknown dtype 'F17'"));
    }
    SECTION("a missing dtype") {
        CHECK_THAT(error_of(raw_file(R"({"a":{"shape":[2],"data_offsets":[0,8]}})", 8)), Catch::Contains("\"dtype\""));
    }
    SECTION("a negative dimension") {
        CHECK_THAT(error_of(raw_file(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8)),
                   Catch::Contains("negative dimension"));
    }
    SECTION("a non-integer dimension") {
        CHECK_THAT(error_of(raw_file(R"({"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}})", 8)),
                   Catch::Contains("non-integer"));
    }
    SECTION("a shape whose element count overflows") {
        CHECK_THAT(error_of(raw_file(
                       R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}})", 8)),
                   Catch::Contains("overflows"));
    }
    SECTION("a shape that disagrees with the byte size") {
        CHECK_THAT(error_of(raw_file(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8)),
                   Catch::Contains("needs 12 bytes but data_offsets span 8"));
    }
    SECTION("offsets past the end of the data") {
        CHECK_THAT(error_of(raw_file(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8)),
                   Catch::Contains("run past the end of the data"));
    }
    SECTION("offsets that end before they begin") {
        CHECK_THAT(error_of(raw_file(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", 8)),
                   Catch::Contains("end before they begin"));
    }
    SECTION("overlapping offsets") {
        CHECK_THAT(error_of(raw_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                     R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                                     12)),
                   Catch::Contains("overlap"));
    }
    SECTION("a gap between tensors") {
        CHECK_THAT(error_of(raw_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                     R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                                     12)),
                   Catch::Contains("gap of 4 bytes"));
    }
    SECTION("bytes after the last tensor") {
        CHECK_THAT(error_of(raw_file("{" + ok_entry + "}", 12)), Catch::Contains("belong to no tensor"));
    }
    SECTION("duplicate tensor names") {
        CHECK_THAT(error_of(raw_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                     R"("a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                     8)),
                   Catch::Contains("duplicate key 'a'"));
    }
    SECTION("non-string metadata") {
        CHECK_THAT(error_of(raw_file(R"({"__metadata__":{"k":1}})", 0)),
                   Catch::Contains("__metadata__ value for key 'k' is not a string"));
    }
    SECTION("metadata that is not an object") {
        CHECK_THAT(error_of(raw_file(R"({"__metadata__":"x"})", 0)), Catch::Contains("__metadata__ must be an object"));
    }
    SECTION("data_offsets with one number") {
        CHECK_THAT(error_of(raw_file(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[0]}})", 0)),
                   Catch::Contains("data_offsets"));
    }
    SECTION("an entry that is not an object") {
        CHECK_THAT(error_of(raw_file(R"({"a":[1,2]})", 0)), Catch::Contains("tensor 'a'") && Catch::Contains("not an object"));
    }
    SECTION("deeply nested JSON does not crash") {
        std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
        CHECK_THAT(error_of(raw_file(deep, 0)), Catch::Contains("tensor 'a'"));
    }
}

TEST_CASE("a valid header whose data is empty is accepted", "[safetensors]") {
    auto b = raw_file("{}", 0);
    auto f = SafetensorsFile::from_buffer(b.data(), b.size());
    REQUIRE(f.ok());
    CHECK(f->tensors().empty());
}

TEST_CASE("misaligned data gives no typed pointer but widens by copy", "[safetensors]") {
    // header length 57 (odd) puts the data at an odd address
    std::string h = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
    while (h.size() % 8 != 1) h += ' ';
    auto b = raw_file(h, 8);
    const float vals[2] = {1.5f, -2.f};
    std::memcpy(b.data() + 8 + h.size(), vals, 8);
    auto f = SafetensorsFile::from_bytes(b);
    REQUIRE(f.ok());
    const TensorView* v = f->find("a");
    if (reinterpret_cast<std::uintptr_t>(v->data) % alignof(float) != 0) CHECK(v->data_as<float>() == nullptr);
    auto w = v->to_f32();
    REQUIRE(w.ok());
    CHECK((*w)[0] == 1.5f);
    CHECK((*w)[1] == -2.f);
}

TEST_CASE("the writer refuses inconsistent tensors", "[safetensors]") {
    std::vector<float> v = {1, 2, 3};
    CHECK_FALSE(serialize_safetensors({{"a", Dtype::f32, {2}, v.data(), 12}}).ok());
    CHECK_FALSE(serialize_safetensors({tensor_f32("a", v, {3}), tensor_f32("a", v, {3})}).ok());
    CHECK_FALSE(serialize_safetensors({tensor_f32("__metadata__", v, {3})}).ok());
    CHECK(serialize_safetensors({tensor_f32("a", v, {3})}).ok());
}
