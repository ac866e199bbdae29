// The .npy reader and writer.
#include <catch2/catch.hpp>

#include <semvec/io/npy.hpp>

#include <string>
#include <vector>

#include "../test_support.hpp"

using namespace semvec;

namespace {
std::vector<unsigned char> npy_bytes(const std::string& dict, std::size_t data_bytes, unsigned char fill = 0) {
    std::string header = dict;
    while ((10 + header.size() + 1) % 64) header += ' ';
    header += '\n';
    std::vector<unsigned char> out = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                                      static_cast<unsigned char>(header.size() & 0xff),
                                      static_cast<unsigned char>(header.size() >> 8)};
    out.insert(out.end(), header.begin(), header.end());
    out.insert(out.end(), data_bytes, fill);
    return out;
}
std::string error_of(const std::vector<unsigned char>& b) {
    auto r = parse_npy(b.data(), b.size(), "x.npy");
    REQUIRE_FALSE(r.ok());
    return r.error().what();
}
}  // namespace

TEST_CASE("a float matrix written as .npy reads back exactly", "[npy]") {
    Matrix m(3, 2);
    m << 1, 2, 3, 4.5f, -6, 1e-20f;
    const std::string path = semvec_test::temp_path("m.npy");
    REQUIRE(write_npy(path, m).ok());
    auto r = read_npy(path);
    REQUIRE(r.ok());
    CHECK(*r == m);
    std::remove(path.c_str());
}

TEST_CASE("float64, big-endian, Fortran-order and integer arrays convert to the same matrix", "[npy]") {
    // 2×3 matrix [[0,1,2],[3,4,5]]
    SECTION("float64 C order") {
        auto b = npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 0);
        for (int i = 0; i < 6; ++i) {
            double v = i;
            const auto* p = reinterpret_cast<const unsigned char*>(&v);
            b.insert(b.end(), p, p + 8);
        }
        auto a = parse_npy(b.data(), b.size());
        REQUIRE(a.ok());
        auto m = npy_to_matrix(*a);
        REQUIRE(m.ok());
        CHECK((*m)(1, 2) == 5.0f);
        CHECK((*m)(0, 1) == 1.0f);
    }
    SECTION("big-endian int32 in Fortran order") {
        auto b = npy_bytes("{'descr': '>i4', 'fortran_order': True, 'shape': (2, 3), }", 0);
        const int fortran[6] = {0, 3, 1, 4, 2, 5};
        for (int v : fortran) {
            b.push_back(0); b.push_back(0); b.push_back(0); b.push_back(static_cast<unsigned char>(v));
        }
        auto a = parse_npy(b.data(), b.size());
        REQUIRE(a.ok());
        auto m = npy_to_matrix(*a);
        REQUIRE(m.ok());
        for (int r = 0; r < 2; ++r)
            for (int c = 0; c < 3; ++c) CHECK((*m)(r, c) == static_cast<float>(r * 3 + c));
    }
}

TEST_CASE("integer label vectors read as integers", "[npy]") {
    auto b = npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", 0);
    const int v[3] = {7, -1, 2};
    const auto* p = reinterpret_cast<const unsigned char*>(v);
    b.insert(b.end(), p, p + 12);
    const std::string path = semvec_test::temp_path("labels.npy");
    semvec_test::write_file(path, std::string(b.begin(), b.end()));
    auto r = read_npy_ints(path);
    REQUIRE(r.ok());
    CHECK(*r == std::vector<std::int64_t>{7, -1, 2});
    std::remove(path.c_str());
}

TEST_CASE("malformed .npy files are rejected with a message", "[npy][malformed]") {
    SECTION("no magic") { CHECK_THAT(error_of({'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'}), Catch::Contains("magic")); }
    SECTION("unknown version") {
        auto b = npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4);
        b[6] = 9;
        CHECK_THAT(error_of(b), Catch::Contains("version 9"));
    }
    SECTION("header length past the end") {
        auto b = npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 0);
        b[8] = 0xff; b[9] = 0xff;
        CHECK_THAT(error_of(b), Catch::Contains("runs past the end"));
    }
    SECTION("truncated data") {
        CHECK_THAT(error_of(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4), }", 10)),
                   Catch::Contains("truncated"));
    }
    SECTION("trailing data") {
        CHECK_THAT(error_of(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 8)),
                   Catch::Contains("trailing"));
    }
    SECTION("unsupported dtype") {
        CHECK_THAT(error_of(npy_bytes("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", 8)),
                   Catch::Contains("unsupported dtype '<c8'"));
    }
    SECTION("structured dtype") {
        CHECK_THAT(error_of(npy_bytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", 4)),
                   Catch::Contains("structured"));
    }
    SECTION("negative dimension") {
        CHECK_THAT(error_of(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", 4)),
                   Catch::Contains("shape"));
    }
    SECTION("overflowing shape") {
        CHECK_THAT(error_of(npy_bytes(
                       "{'descr': '<f4', 'fortran_order': False, 'shape': (9223372036854775807, 9223372036854775807), }", 4)),
                   Catch::Contains("overflow"));
    }
    SECTION("missing key") {
        CHECK_THAT(error_of(npy_bytes("{'descr': '<f4', 'shape': (1,), }", 4)), Catch::Contains("lacks"));
    }
    SECTION("a 3-D array is not a matrix") {
        auto b = npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1), }", 4);
        auto a = parse_npy(b.data(), b.size());
        REQUIRE(a.ok());
        CHECK_FALSE(npy_to_matrix(*a).ok());
    }
}
