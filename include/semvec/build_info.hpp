// semvec/build_info.hpp — what this build of semvec is: its version, the SIMD level and CPU features its
// kernels were compiled for, every kernel variant linked into the program, and whether this CPU runs them.
//
//   const semvec::BuildInfo b = semvec::build_info();
//   std::printf("semvec %s, SIMD %s (%s)\n", b.version.c_str(), b.simd_level.c_str(), b.features.c_str());
//
// A game that vendors semvec can log this once at start-up; `semvec info` prints it.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "simd/cpu.hpp"
#include "simd/dispatch.hpp"
#include "simd/simd.hpp"
#include "version.hpp"

namespace semvec {

/// See build_info().
struct BuildInfo {
    std::string version;        ///< semvec's version, e.g. "0.1.0"
    std::string simd_level;     ///< the kernels' SIMD level: "avx512", "avx2", "neon" or "scalar"
    std::string simd_variant;   ///< their namespace: the level plus optional features, e.g. "avx512_bf16_vnni"
    std::string features;       ///< every CPU feature the code was compiled to use, e.g. "avx2 fma f16c avx512f ..."
    std::string cpu_features;   ///< the features of the CPU running this
    std::string cpu_missing;    ///< compiled features this CPU lacks ("" when it runs everything)
    bool cpu_ok = false;        ///< cpu_missing is empty; else the entry points return ErrorCode::cpu_unsupported
    std::vector<std::string> linked_variants;  ///< kernel variants linked into this program: more than one means
                                               ///< translation units compiled with different SIMD flags
    std::string compiler;       ///< the compiler of this translation unit, e.g. "GCC 12.2.0"
};

SEMVEC_SIMD_NAMESPACE_BEGIN

/// This translation unit's build: level, compiled features, the variants linked into the program, the CPU.
inline BuildInfo build_info() {
    BuildInfo b;
    b.version = version();
    b.simd_level = simd_level_name();
    b.simd_variant = simd_variant_name();
    const simd::CpuFeatures compiled = simd::compiled_cpu_features(), cpu = simd::detect_cpu_features();
    b.features = simd::cpu_feature_list(compiled);
    b.cpu_features = simd::cpu_feature_list(cpu);
    b.cpu_missing = simd::cpu_feature_list(compiled & ~cpu);
    b.cpu_ok = b.cpu_missing.empty();
    for (const auto& slot : simd::detail::linked_variants)
        if (const char* v = slot.load()) b.linked_variants.push_back(v);
    char buf[64];
#if defined(__clang__)
    std::snprintf(buf, sizeof buf, "Clang %d.%d.%d", __clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
    std::snprintf(buf, sizeof buf, "GCC %d.%d.%d", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#elif defined(_MSC_VER)
    std::snprintf(buf, sizeof buf, "MSVC %d", _MSC_FULL_VER);
#else
    std::snprintf(buf, sizeof buf, "unknown compiler");
#endif
    b.compiler = buf;
    return b;
}

SEMVEC_SIMD_NAMESPACE_END

}  // namespace semvec
