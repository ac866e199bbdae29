// f16 and bf16 conversions: exact widening, round-to-nearest-even narrowing.
#include <catch2/catch.hpp>

#include <semvec/util/half.hpp>

#include <cmath>
#include <cstdint>

using namespace semvec;

TEST_CASE("every f16 value widens and narrows back to itself", "[half]") {
    for (std::uint32_t h = 0; h < 0x10000; ++h) {
        const float f = f16_to_f32(static_cast<std::uint16_t>(h));
        if (std::isnan(f)) {
            CHECK(std::isnan(f16_to_f32(f32_to_f16(f))));
            continue;
        }
        REQUIRE(f32_to_f16(f) == h);
    }
}

TEST_CASE("f16 narrowing rounds to nearest even and saturates to infinity", "[half]") {
    CHECK(f16_to_f32(f32_to_f16(1.0f + 1.0f / 2048)) == 1.0f);             // tie → even (down)
    CHECK(f16_to_f32(f32_to_f16(1.0f + 3.0f / 2048)) == 1.0f + 2.0f / 1024);  // tie → even (up)
    CHECK(f32_to_f16(65504.0f) == 0x7bff);
    CHECK(f32_to_f16(65520.0f) == 0x7c00);
    CHECK(f32_to_f16(1e-8f) == 0);
    CHECK(f32_to_f16(std::ldexp(1.0f, -24)) == 1);  // smallest subnormal
    CHECK(f32_to_f16(-0.0f) == 0x8000);
}

TEST_CASE("every bf16 value widens and narrows back to itself, with ties to even", "[half]") {
    for (std::uint32_t h = 0; h < 0x10000; ++h) {
        const float f = bf16_to_f32(static_cast<std::uint16_t>(h));
        if (std::isnan(f)) continue;
        REQUIRE(f32_to_bf16(f) == h);
    }
    CHECK(f32_to_bf16(bits_float(0x3f808000u)) == 0x3f80);  // tie → even (down)
    CHECK(f32_to_bf16(bits_float(0x3f818000u)) == 0x3f82);  // tie → even (up)
    CHECK(std::isnan(bf16_to_f32(f32_to_bf16(std::nanf("")))));
}
