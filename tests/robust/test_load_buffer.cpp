// load_model(data, size): a model from memory (a file inside a game's asset pack). The bytes are borrowed
// by default (like a memory-mapped file) or copied with LoadOptions::copy_buffer; malformed buffers give an
// Error naming "<buffer>", never a crash.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <semvec/model/model.hpp>

#include "../test_support.hpp"
#include "tiny_model.hpp"

namespace {

using semvec_test::TinyModel;

semvec::Matrix encode_hello(const semvec::Model& m) {
    auto e = m.encode({"hello world", "the a"});
    REQUIRE(e.ok());
    return *e;
}

// Offset of a tensor's bytes inside the serialized file.
std::size_t tensor_offset(const std::vector<unsigned char>& bytes, const char* name) {
    auto f = semvec::SafetensorsFile::from_buffer(bytes.data(), bytes.size());
    REQUIRE(f.ok());
    const semvec::TensorView* t = f->find(name);
    REQUIRE(t != nullptr);
    return static_cast<std::size_t>(t->data - bytes.data());
}

}  // namespace

TEST_CASE("load_model from a buffer gives the same vectors as from the file", "[load_buffer]") {
    for (bool distil : {false, true}) {
        const TinyModel tiny = TinyModel::transformer(distil);
        const std::vector<unsigned char> bytes = tiny.bytes();
        auto from_file = semvec::load_model(tiny.write(semvec_test::temp_path("load_buffer.safetensors")));
        REQUIRE(from_file.ok());
        auto borrowed = semvec::load_model(bytes.data(), bytes.size());
        REQUIRE(borrowed.ok());
        semvec::LoadOptions copy;
        copy.copy_buffer = true;
        auto copied = semvec::load_model(bytes.data(), bytes.size(), copy);
        REQUIRE(copied.ok());
        const semvec::Matrix ref = encode_hello(*from_file);
        CHECK(encode_hello(*borrowed) == ref);
        CHECK(encode_hello(*copied) == ref);
    }
    // A static model, and a buffer at an odd address (tensors unaligned: widened copies instead of views).
    const std::vector<unsigned char> bytes = TinyModel::glove().bytes();
    std::vector<unsigned char> shifted(bytes.size() + 1);
    std::memcpy(shifted.data() + 1, bytes.data(), bytes.size());
    auto aligned = semvec::load_model(bytes.data(), bytes.size());
    auto odd = semvec::load_model(shifted.data() + 1, bytes.size());
    REQUIRE(aligned.ok());
    REQUIRE(odd.ok());
    auto a = aligned->encode({"hello world"});
    auto b = odd->encode({"hello world"});
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(*a == *b);
}

TEST_CASE("a borrowed buffer is used in place and a copied one may be freed after loading", "[load_buffer]") {
    const TinyModel tiny = TinyModel::transformer();
    std::vector<unsigned char> bytes = tiny.bytes();
    const std::size_t emb = tensor_offset(bytes, semvec::tensor_names::kWordEmbeddings);

    semvec::LoadOptions copy;
    copy.copy_buffer = true;
    auto copied = semvec::load_model(bytes.data(), bytes.size(), copy);
    auto borrowed = semvec::load_model(bytes.data(), bytes.size());
    REQUIRE(copied.ok());
    REQUIRE(borrowed.ok());
    const semvec::Matrix before = encode_hello(*borrowed);
    CHECK(encode_hello(*copied) == before);

    // The f32 word embeddings are read in place: changing the caller's bytes changes the borrowed model
    // (this is why the buffer must stay valid and unchanged) but not the copied one.
    const std::size_t V = 16, H = 8;
    std::vector<float> scaled(V * H);
    std::memcpy(scaled.data(), bytes.data() + emb, scaled.size() * 4);
    for (float& v : scaled) v *= 3.0f;
    std::memcpy(bytes.data() + emb, scaled.data(), scaled.size() * 4);
    CHECK(encode_hello(*borrowed) != before);
    CHECK(encode_hello(*copied) == before);

    // The copy owns its bytes: free the caller's buffer (ASan reports any later read of it).
    std::vector<unsigned char>().swap(bytes);
    CHECK(encode_hello(*copied) == before);
    const semvec::Model copy_of_copy = *copied;  // copies share the owned bytes
    copied = semvec::make_error(semvec::ErrorCode::internal, "dropped");
    CHECK(encode_hello(copy_of_copy) == before);
}

TEST_CASE("load_model refuses malformed buffers with an error naming the buffer", "[load_buffer]") {
    const std::vector<unsigned char> good = TinyModel::transformer().bytes();
    for (bool copy : {false, true}) {
        semvec::LoadOptions o;
        o.copy_buffer = copy;
        auto null_data = semvec::load_model(nullptr, 10, o);
        REQUIRE_FALSE(null_data.ok());
        CHECK(null_data.error().code == semvec::ErrorCode::invalid_argument);
        CHECK(null_data.error().source == "<buffer>");

        auto empty = semvec::load_model(nullptr, 0, o);
        REQUIRE_FALSE(empty.ok());
        CHECK(empty.error().source == "<buffer>");

        for (std::size_t cut : {std::size_t{7}, std::size_t{8}, std::size_t{100}, good.size() / 2, good.size() - 1}) {
            auto truncated = semvec::load_model(good.data(), cut, o);
            REQUIRE_FALSE(truncated.ok());
            CHECK(truncated.error().source == "<buffer>");
        }
        std::vector<unsigned char> garbage(good.size());
        for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<unsigned char>(i * 131 + 7);
        auto g = semvec::load_model(garbage.data(), garbage.size(), o);
        REQUIRE_FALSE(g.ok());
        CHECK(g.error().source == "<buffer>");

        // A header that promises more bytes than the buffer holds.
        std::vector<unsigned char> liar = good;
        liar[0] = 0xFF;
        liar[1] = 0xFF;
        auto l = semvec::load_model(liar.data(), liar.size(), o);
        REQUIRE_FALSE(l.ok());
        CHECK(l.error().what().find("header length") != std::string::npos);
    }
}
