// semvec/simd/cpu.hpp — what this CPU can run, and whether it can run what this translation unit was compiled
// for. A program built with -march=native on one machine and started on an older one would die of SIGILL in
// the first kernel; the library's entry points (load_model, the reducers, top_k) call require_cpu() first and
// return ErrorCode::cpu_unsupported, naming the missing features, instead.
//
// Detection: cpuid and xgetbv on x86 (GCC/Clang <cpuid.h>, MSVC __cpuidex: a feature counts only when the OS
// saves its registers), getauxval(AT_HWCAP) on Linux/AArch64, sysctl on Apple AArch64. Elsewhere (AArch64 on
// Windows or BSD) the compiled features are assumed present.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "../result.hpp"
#include "dispatch.hpp"

#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64) || defined(_M_IX86)
#define SEMVEC_CPU_X86 1
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#elif (defined(__aarch64__) || defined(_M_ARM64)) && defined(__linux__)
#define SEMVEC_CPU_ARM_LINUX 1
#include <sys/auxv.h>
#elif defined(__aarch64__) && defined(__APPLE__)
#define SEMVEC_CPU_ARM_APPLE 1
#include <sys/sysctl.h>
#endif

namespace semvec {
namespace simd {

/// The CPU features that semvec's kernels, or the compiler's code around them, may be built to use.
enum class CpuFeature : unsigned {
    sse4_2, popcnt, avx, avx2, fma, f16c, bmi, bmi2, lzcnt, movbe,
    avx512f, avx512cd, avx512bw, avx512dq, avx512vl, avx512ifma, avx512vbmi, avx512vbmi2, avx512vnni,
    avx512bitalg, avx512vpopcntdq, avx512bf16, avx512fp16, avx512vp2intersect, avxvnni, gfni, vaes, vpclmulqdq,
    neon, neon_dotprod, neon_fp16,
    count_  ///< not a feature: the number of them
};

/// A set of CpuFeature, one bit each.
using CpuFeatures = std::uint64_t;

/// The bit of one feature in a CpuFeatures set.
constexpr CpuFeatures cpu_bit(CpuFeature f) { return CpuFeatures{1} << static_cast<unsigned>(f); }

/// The feature's name as the compilers spell it in -m flags, e.g. "avx512bw", "neon_dotprod".
inline const char* cpu_feature_name(CpuFeature f) {
    static const char* const names[] = {
        "sse4.2", "popcnt", "avx", "avx2", "fma", "f16c", "bmi", "bmi2", "lzcnt", "movbe",
        "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx512ifma", "avx512vbmi", "avx512vbmi2",
        "avx512vnni", "avx512bitalg", "avx512vpopcntdq", "avx512bf16", "avx512fp16", "avx512vp2intersect",
        "avxvnni", "gfni", "vaes", "vpclmulqdq", "neon", "neon_dotprod", "neon_fp16"};
    static_assert(sizeof names / sizeof *names == static_cast<unsigned>(CpuFeature::count_), "one name per feature");
    const unsigned i = static_cast<unsigned>(f);
    return i < static_cast<unsigned>(CpuFeature::count_) ? names[i] : "?";
}

/// The names of a set's features, space-separated ("" for none).
inline std::string cpu_feature_list(CpuFeatures set) {
    std::string out;
    for (unsigned i = 0; i < static_cast<unsigned>(CpuFeature::count_); ++i) {
        if (!(set & (CpuFeatures{1} << i))) continue;
        if (!out.empty()) out += ' ';
        out += cpu_feature_name(static_cast<CpuFeature>(i));
    }
    return out;
}

namespace detail {

#if defined(SEMVEC_CPU_X86)
struct CpuidRegs {
    std::uint32_t a = 0, b = 0, c = 0, d = 0;
};

inline CpuidRegs cpuid(std::uint32_t leaf, std::uint32_t sub) {
    CpuidRegs r;
#if defined(_MSC_VER) && !defined(__clang__)
    int v[4];
    __cpuidex(v, static_cast<int>(leaf), static_cast<int>(sub));
    r.a = static_cast<std::uint32_t>(v[0]), r.b = static_cast<std::uint32_t>(v[1]);
    r.c = static_cast<std::uint32_t>(v[2]), r.d = static_cast<std::uint32_t>(v[3]);
#else
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid_count(leaf, sub, &a, &b, &c, &d)) r.a = a, r.b = b, r.c = c, r.d = d;
#endif
    return r;
}

/// XCR0: the register states the OS saves (bits 1-2 SSE/AVX, 5-7 AVX-512).
inline std::uint64_t xgetbv0() {
#if defined(_MSC_VER) && !defined(__clang__)
    return _xgetbv(0);
#else
    std::uint32_t lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (std::uint64_t{hi} << 32) | lo;
#endif
}
#endif

/// The features of this CPU, read from the hardware (no cache).
inline CpuFeatures read_cpu_features() {
    CpuFeatures f = 0;
    auto set = [&f](bool on, CpuFeature x) {
        if (on) f |= cpu_bit(x);
    };
#if defined(SEMVEC_CPU_X86)
    const std::uint32_t max_leaf = cpuid(0, 0).a;
    const CpuidRegs l1 = cpuid(1, 0);
    const bool osxsave = (l1.c >> 27) & 1;
    const std::uint64_t xcr0 = osxsave ? xgetbv0() : 0;
    const bool os_avx = (xcr0 & 0x6) == 0x6, os_avx512 = (xcr0 & 0xE6) == 0xE6;
    set((l1.c >> 20) & 1, CpuFeature::sse4_2);
    set((l1.c >> 23) & 1, CpuFeature::popcnt);
    set((l1.c >> 22) & 1, CpuFeature::movbe);
    set(os_avx && ((l1.c >> 28) & 1), CpuFeature::avx);
    set(os_avx && ((l1.c >> 12) & 1), CpuFeature::fma);
    set(os_avx && ((l1.c >> 29) & 1), CpuFeature::f16c);
    if (cpuid(0x80000000u, 0).a >= 0x80000001u) set((cpuid(0x80000001u, 0).c >> 5) & 1, CpuFeature::lzcnt);
    if (max_leaf >= 7) {
        const CpuidRegs l7 = cpuid(7, 0);
        const CpuidRegs l71 = l7.a >= 1 ? cpuid(7, 1) : CpuidRegs{};
        set((l7.b >> 3) & 1, CpuFeature::bmi);
        set((l7.b >> 8) & 1, CpuFeature::bmi2);
        set(os_avx && ((l7.b >> 5) & 1), CpuFeature::avx2);
        set(os_avx && ((l71.a >> 4) & 1), CpuFeature::avxvnni);
        set(os_avx && ((l7.c >> 8) & 1), CpuFeature::gfni);
        set(os_avx && ((l7.c >> 9) & 1), CpuFeature::vaes);
        set(os_avx && ((l7.c >> 10) & 1), CpuFeature::vpclmulqdq);
        if (os_avx512) {
            set((l7.b >> 16) & 1, CpuFeature::avx512f);
            set((l7.b >> 17) & 1, CpuFeature::avx512dq);
            set((l7.b >> 21) & 1, CpuFeature::avx512ifma);
            set((l7.b >> 28) & 1, CpuFeature::avx512cd);
            set((l7.b >> 30) & 1, CpuFeature::avx512bw);
            set((l7.b >> 31) & 1, CpuFeature::avx512vl);
            set((l7.c >> 1) & 1, CpuFeature::avx512vbmi);
            set((l7.c >> 6) & 1, CpuFeature::avx512vbmi2);
            set((l7.c >> 11) & 1, CpuFeature::avx512vnni);
            set((l7.c >> 12) & 1, CpuFeature::avx512bitalg);
            set((l7.c >> 14) & 1, CpuFeature::avx512vpopcntdq);
            set((l7.d >> 8) & 1, CpuFeature::avx512vp2intersect);
            set((l7.d >> 23) & 1, CpuFeature::avx512fp16);
            set((l71.a >> 5) & 1, CpuFeature::avx512bf16);
        }
    }
#elif defined(SEMVEC_CPU_ARM_LINUX)
    const unsigned long hw = getauxval(AT_HWCAP);
    set((hw >> 1) & 1, CpuFeature::neon);           // HWCAP_ASIMD
    set((hw >> 10) & 1, CpuFeature::neon_fp16);     // HWCAP_ASIMDHP
    set((hw >> 20) & 1, CpuFeature::neon_dotprod);  // HWCAP_ASIMDDP
#elif defined(SEMVEC_CPU_ARM_APPLE)
    auto sys = [](const char* name) {
        int v = 0;
        size_t n = sizeof v;
        return sysctlbyname(name, &v, &n, nullptr, 0) == 0 && v != 0;
    };
    set(true, CpuFeature::neon);
    set(sys("hw.optional.arm.FEAT_FP16"), CpuFeature::neon_fp16);
    set(sys("hw.optional.arm.FEAT_DotProd"), CpuFeature::neon_dotprod);
#else
    (void)set;
    f = ~CpuFeatures{0};  // cannot tell: assume the compiled features are there
#endif
    return f;
}

/// Test hook: when non-zero, detect_cpu_features() returns this instead of the hardware's features, so a test
/// can pretend the CPU lacks a feature. Not for use outside tests.
inline std::atomic<CpuFeatures> cpu_features_override{0};

}  // namespace detail

/// This CPU's features (read once, then cached), or the test override (detail::cpu_features_override).
inline CpuFeatures detect_cpu_features() {
    if (const CpuFeatures o = detail::cpu_features_override.load(std::memory_order_relaxed)) return o;
    static const CpuFeatures hw = detail::read_cpu_features();
    return hw;
}

/// Success when `available` holds every feature in `required`; else ErrorCode::cpu_unsupported naming the
/// missing features.
inline Status check_cpu_features(CpuFeatures required, CpuFeatures available) {
    const CpuFeatures missing = required & ~available;
    if (!missing) return {};
    return make_error(ErrorCode::cpu_unsupported,
                      "this CPU lacks " + cpu_feature_list(missing) +
                          ", which semvec was compiled to use (built with -march=native on another machine?): "
                          "rebuild with a lower SEMVEC_SIMD level (avx2, scalar) or without those -m flags");
}

SEMVEC_SIMD_NAMESPACE_BEGIN

/// The features this translation unit was compiled to use, from the compiler's macros (a kernel namespace
/// member: its value differs between translation units built with different flags).
constexpr CpuFeatures compiled_cpu_features() {
    CpuFeatures f = 0;
#if defined(__SSE4_2__)
    f |= cpu_bit(CpuFeature::sse4_2);
#endif
#if defined(__POPCNT__)
    f |= cpu_bit(CpuFeature::popcnt);
#endif
#if defined(__AVX__)
    f |= cpu_bit(CpuFeature::avx);
#endif
#if defined(__AVX2__)
    f |= cpu_bit(CpuFeature::avx2);
#endif
#if defined(__FMA__) || (defined(_MSC_VER) && defined(__AVX2__))
    f |= cpu_bit(CpuFeature::fma);
#endif
#if defined(__F16C__) || (defined(_MSC_VER) && defined(__AVX2__))
    f |= cpu_bit(CpuFeature::f16c);
#endif
#if defined(__BMI__)
    f |= cpu_bit(CpuFeature::bmi);
#endif
#if defined(__BMI2__)
    f |= cpu_bit(CpuFeature::bmi2);
#endif
#if defined(__LZCNT__)
    f |= cpu_bit(CpuFeature::lzcnt);
#endif
#if defined(__MOVBE__)
    f |= cpu_bit(CpuFeature::movbe);
#endif
#if defined(__AVX512F__)
    f |= cpu_bit(CpuFeature::avx512f);
#endif
#if defined(__AVX512CD__)
    f |= cpu_bit(CpuFeature::avx512cd);
#endif
#if defined(__AVX512BW__)
    f |= cpu_bit(CpuFeature::avx512bw);
#endif
#if defined(__AVX512DQ__)
    f |= cpu_bit(CpuFeature::avx512dq);
#endif
#if defined(__AVX512VL__)
    f |= cpu_bit(CpuFeature::avx512vl);
#endif
#if defined(__AVX512IFMA__)
    f |= cpu_bit(CpuFeature::avx512ifma);
#endif
#if defined(__AVX512VBMI__)
    f |= cpu_bit(CpuFeature::avx512vbmi);
#endif
#if defined(__AVX512VBMI2__)
    f |= cpu_bit(CpuFeature::avx512vbmi2);
#endif
#if defined(__AVX512VNNI__)
    f |= cpu_bit(CpuFeature::avx512vnni);
#endif
#if defined(__AVX512BITALG__)
    f |= cpu_bit(CpuFeature::avx512bitalg);
#endif
#if defined(__AVX512VPOPCNTDQ__)
    f |= cpu_bit(CpuFeature::avx512vpopcntdq);
#endif
#if defined(__AVX512BF16__)
    f |= cpu_bit(CpuFeature::avx512bf16);
#endif
#if defined(__AVX512FP16__)
    f |= cpu_bit(CpuFeature::avx512fp16);
#endif
#if defined(__AVX512VP2INTERSECT__)
    f |= cpu_bit(CpuFeature::avx512vp2intersect);
#endif
#if defined(__AVXVNNI__)
    f |= cpu_bit(CpuFeature::avxvnni);
#endif
#if defined(__GFNI__)
    f |= cpu_bit(CpuFeature::gfni);
#endif
#if defined(__VAES__)
    f |= cpu_bit(CpuFeature::vaes);
#endif
#if defined(__VPCLMULQDQ__)
    f |= cpu_bit(CpuFeature::vpclmulqdq);
#endif
#if defined(__ARM_NEON) || defined(__ARM_NEON__) || defined(_M_ARM64)
    f |= cpu_bit(CpuFeature::neon);
#endif
#if defined(__ARM_FEATURE_DOTPROD)
    f |= cpu_bit(CpuFeature::neon_dotprod);
#endif
#if defined(__ARM_FEATURE_FP16_VECTOR_ARITHMETIC)
    f |= cpu_bit(CpuFeature::neon_fp16);
#endif
    return f;
}

/// Success when this CPU has every feature this translation unit was compiled to use; else
/// ErrorCode::cpu_unsupported. Cheap (one cached read): the library's entry points call it first.
inline Status require_cpu() { return check_cpu_features(compiled_cpu_features(), detect_cpu_features()); }

SEMVEC_SIMD_NAMESPACE_END

}  // namespace simd
}  // namespace semvec
