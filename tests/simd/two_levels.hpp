// What each translation unit of the two-level program reports about the kernels it called.
#pragma once

#include <cstddef>
#include <string>

struct UnitReport {
    std::string level;        // semvec::simd_level_name()
    std::string variant;      // semvec::simd_variant_name(): the kernels' inline namespace
    std::string packet_name;  // semvec::simd::Native::name
    std::size_t panel_width = 0;  // semvec::nn::gemm_panel_width(): 2 packets of the level's width
    double max_gemm_error = 0;    // pack_weights + gemm_packed against a double reference
};

UnitReport unit_avx2();
UnitReport unit_scalar();
