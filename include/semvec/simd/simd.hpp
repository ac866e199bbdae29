// semvec/simd/simd.hpp — the packet type of the compiled level (`simd::Native`) plus the generic math
// written once over the packet API: exp, erf, tanh, GELU. Include this, not the per-ISA headers.
#pragma once

#include <atomic>
#include <cstring>

#include "dispatch.hpp"
#include "scalar.hpp"
#if SEMVEC_SIMD_LEVEL == 3
#include "avx512.hpp"
#elif SEMVEC_SIMD_LEVEL == 2
#include "avx2.hpp"
#elif SEMVEC_SIMD_LEVEL == 1
#include "neon.hpp"
#endif

namespace semvec {
namespace simd {

namespace detail {
/// The kernel variants (SEMVEC_SIMD_NS names) linked into this program: each translation unit that includes
/// the kernels registers its own at static initialization. More than one means translation units were
/// compiled with different SIMD flags (semvec::build_info() reports them).
inline std::atomic<const char*> linked_variants[8] = {};

inline bool register_variant(const char* name) {
    for (auto& slot : linked_variants) {
        const char* cur = slot.load();
        while (!cur && !slot.compare_exchange_weak(cur, name)) {
        }
        if (!cur || std::strcmp(cur, name) == 0) return true;
    }
    return false;  // more variants than slots: not listed
}
}  // namespace detail

SEMVEC_SIMD_NAMESPACE_BEGIN
/// Registers this translation unit's kernel variant (no `detail` here: it would clash with simd::detail).
inline const bool variant_registered = detail::register_variant(simd_variant_name());

#if SEMVEC_SIMD_LEVEL == 3
using Native = Avx512;
#elif SEMVEC_SIMD_LEVEL == 2
using Native = Avx2;
#elif SEMVEC_SIMD_LEVEL == 1
using Native = Neon;
#else
using Native = Scalar;
#endif

/// e^x (Cephes expf polynomial, ~1 ulp on [-87, 88]; clamped outside, so e^-inf gives ~1e-38, not 0:
/// callers that need exact zeros mask explicitly).
template <class O>
SEMVEC_SIMD_INLINE typename O::vf exp(typename O::vf x) {
    using vf = typename O::vf;
    x = O::min(O::max(x, O::set1(-87.3365f)), O::set1(88.3762f));
    const vf n = O::round(O::mul(x, O::set1(1.44269504088896341f)));
    vf r = O::fmadd(n, O::set1(-0.693359375f), x);
    r = O::fmadd(n, O::set1(2.12194440e-4f), r);
    vf p = O::set1(1.9875691500e-4f);
    p = O::fmadd(p, r, O::set1(1.3981999507e-3f));
    p = O::fmadd(p, r, O::set1(8.3334519073e-3f));
    p = O::fmadd(p, r, O::set1(4.1665795894e-2f));
    p = O::fmadd(p, r, O::set1(1.6666665459e-1f));
    p = O::fmadd(p, r, O::set1(5.0000001201e-1f));
    const vf y = O::add(O::fmadd(O::mul(p, r), r, r), O::set1(1.0f));
    // n can be 128 at the top clamp: split the scale in two so 2^n never overflows the exponent field.
    const vf half = O::round(O::mul(n, O::set1(0.5f)));
    return O::mul(O::mul(y, O::pow2n(half)), O::pow2n(O::sub(n, half)));
}

/// erf(x), Abramowitz & Stegun 7.1.26 (absolute error ≤ 1.5e-7).
template <class O>
SEMVEC_SIMD_INLINE typename O::vf erf(typename O::vf x) {
    using vf = typename O::vf;
    const vf a = O::abs(x);
    const vf t = O::div(O::set1(1.0f), O::fmadd(O::set1(0.3275911f), a, O::set1(1.0f)));
    vf p = O::set1(1.061405429f);
    p = O::fmadd(p, t, O::set1(-1.453152027f));
    p = O::fmadd(p, t, O::set1(1.421413741f));
    p = O::fmadd(p, t, O::set1(-0.284496736f));
    p = O::fmadd(p, t, O::set1(0.254829592f));
    p = O::mul(p, t);
    const vf e = exp<O>(O::sub(O::zero(), O::mul(a, a)));
    const vf y = O::sub(O::set1(1.0f), O::mul(p, e));
    return O::copysign(y, x);
}

/// tanh(x) = 1 - 2 / (e^{2x} + 1) (absolute error ~1e-7; saturates cleanly at ±1).
template <class O>
SEMVEC_SIMD_INLINE typename O::vf tanh(typename O::vf x) {
    const typename O::vf e = exp<O>(O::add(x, x));
    return O::sub(O::set1(1.0f), O::div(O::set1(2.0f), O::add(e, O::set1(1.0f))));
}

/// GELU, erf form (BERT "gelu"): x/2 (1 + erf(x/√2)).
template <class O>
SEMVEC_SIMD_INLINE typename O::vf gelu_erf(typename O::vf x) {
    const typename O::vf h = O::mul(x, O::set1(0.5f));
    return O::fmadd(h, erf<O>(O::mul(x, O::set1(0.70710678118654752f))), h);
}

/// GELU, tanh form ("gelu_new"): x/2 (1 + tanh(√(2/π) (x + 0.044715 x³))).
template <class O>
SEMVEC_SIMD_INLINE typename O::vf gelu_tanh(typename O::vf x) {
    const typename O::vf h = O::mul(x, O::set1(0.5f));
    const typename O::vf x3 = O::mul(O::mul(x, x), x);
    const typename O::vf u = O::mul(O::fmadd(x3, O::set1(0.044715f), x), O::set1(0.79788456080286536f));
    return O::fmadd(h, tanh<O>(u), h);
}

SEMVEC_SIMD_NAMESPACE_END
}  // namespace simd
}  // namespace semvec
