// Two translation units built with different SIMD flags (AVX2+FMA, and scalar) linked into one program:
// each must call its own kernels. Without the per-level inline namespaces (simd/dispatch.hpp) both units'
// kernels would have one name and the linker would keep one body for both (an ODR violation that compiles
// and links without a word): a unit would then report the other's level, panel width or packing.
#include <catch2/catch.hpp>

#include <algorithm>

#include "semvec/build_info.hpp"
#include "two_levels.hpp"

TEST_CASE("two translation units built for AVX2 and for scalar each run their own kernels", "[simd][odr]") {
    const UnitReport a = unit_avx2(), s = unit_scalar();
    CHECK(a.level == "avx2");
    CHECK(a.packet_name == "avx2");
    CHECK(a.variant.rfind("avx2", 0) == 0);
    CHECK(a.panel_width == 16);  // 2 packets of 8 floats
    CHECK(s.level == "scalar");
    CHECK(s.packet_name == "scalar");
    CHECK(s.variant == "scalar");
    CHECK(s.panel_width == 2);  // 2 packets of 1 float
    CHECK(a.max_gemm_error < 1e-4);
    CHECK(s.max_gemm_error < 1e-4);
}

TEST_CASE("build_info lists every kernel variant linked into the program", "[simd][odr]") {
    const semvec::BuildInfo b = semvec::build_info();
    const UnitReport a = unit_avx2(), s = unit_scalar();
    auto has = [&](const std::string& v) { return std::find(b.linked_variants.begin(), b.linked_variants.end(), v) != b.linked_variants.end(); };
    CHECK(has(a.variant));
    CHECK(has(s.variant));
    CHECK(has(b.simd_variant));  // this file's own (the project's level)
    CHECK(b.linked_variants.size() >= 2);
}
