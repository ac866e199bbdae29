// semvec/nn/gemm_paths.hpp — which GEMM kernel runs the encoder's projections for each weight precision in
// this build, by name, and a one-line note when a precision runs on a slow path (for `semvec info`,
// `semvec bench` and the CLI's model loading).
#pragma once

#include <string_view>

#include "../config.hpp"
#include "../simd/dispatch.hpp"

namespace semvec {
SEMVEC_SIMD_NAMESPACE_BEGIN  // the answer depends on the SIMD level of the translation unit

/// The kernels compiled in, one name per weight precision of a model file.
struct GemmPaths {
    const char* simd;  ///< SIMD level: "avx512", "avx2", "neon" or "scalar".
    const char* f32;   ///< f32 weights, e.g. "f32-fma-6x16" (packed panels, rows × columns of the FMA tile).
    const char* f16;   ///< f16 weights: "f16-widened" (16-bit in memory, widened to f32 in the GEMM's loads).
    const char* bf16;  ///< bf16 weights: "bf16-dot" (AVX512_BF16 vdpbf16ps) or "bf16-widened".
    const char* int8;  ///< int8 weights: quant::int8_path_name(), e.g. "avx2-maddubs", "avx512-vnni", "portable".
};

/// The GEMM paths of this build.
SEMVEC_API GemmPaths gemm_paths();

/// The path that runs weights of `weight_type` ("f32", "f16", "bf16" or "int8", as in a model file's
/// semvec.dtype); "?" for anything else.
SEMVEC_API const char* gemm_path(std::string_view weight_type);

/// A one-line note when weights of `weight_type` run on a path much slower than this build's f32 (int8 on
/// the portable integer loop; anything on a build without SIMD), else an empty string.
SEMVEC_API const char* slow_path_note(std::string_view weight_type);

SEMVEC_SIMD_NAMESPACE_END
}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include "../quant/int8.hpp"
#include "../simd/dispatch.hpp"
#include "gemm.hpp"
#include "gemm_bf16.hpp"

namespace semvec {
SEMVEC_SIMD_NAMESPACE_BEGIN

SEMVEC_API GemmPaths gemm_paths() {
    GemmPaths p{};
    p.simd = simd_level_name();
#if SEMVEC_SIMD_LEVEL == 3
    p.f32 = "f32-fma-12x32";
#elif SEMVEC_SIMD_LEVEL == 2
    p.f32 = "f32-fma-6x16";
#elif SEMVEC_SIMD_LEVEL == 1
    p.f32 = "f32-fma-8x8";
#else
    p.f32 = "f32-scalar";
#endif
    p.f16 = "f16-widened";
    p.bf16 = nn::has_bf16_dot() ? "bf16-dot" : "bf16-widened";
    p.int8 = quant::int8_path_name();
    return p;
}

SEMVEC_API const char* gemm_path(std::string_view weight_type) {
    const GemmPaths p = gemm_paths();
    if (weight_type == "f32") return p.f32;
    if (weight_type == "f16") return p.f16;
    if (weight_type == "bf16") return p.bf16;
    if (weight_type == "int8") return p.int8;
    return "?";
}

SEMVEC_API const char* slow_path_note(std::string_view weight_type) {
#if SEMVEC_SIMD_LEVEL == 0
    (void)weight_type;
    return "this semvec build has no SIMD kernels (scalar level): every precision runs several times slower than "
           "a build for this CPU (-march=native)";
#else
    if (weight_type == "int8" && !quant::int8_path_is_simd())
        return "int8 weights run on the portable integer loop in this build (no int8 SIMD kernel): expect several "
               "times slower than f32; build for this CPU (-march=native) or use an f32/bf16 file";
    return "";
#endif
}

SEMVEC_SIMD_NAMESPACE_END
}  // namespace semvec
#endif
