// semvec/nn/activation.hpp — element-wise activations, and the fused bias + activation pass.
#pragma once

#include <cstddef>

#include "../simd/simd.hpp"

namespace semvec {
namespace nn {
SEMVEC_SIMD_NAMESPACE_BEGIN  // per-level kernels: see simd/dispatch.hpp

/// Activation applied after a bias (BERT `hidden_act`: gelu = gelu_erf, gelu_new = gelu_tanh).
enum class Activation { none, gelu_erf, gelu_tanh, relu, silu, relu6 };

namespace detail {

template <class O>
SEMVEC_SIMD_INLINE typename O::vf activate(typename O::vf x, Activation act) {
    switch (act) {
        case Activation::gelu_erf: return simd::gelu_erf<O>(x);
        case Activation::gelu_tanh: return simd::gelu_tanh<O>(x);
        case Activation::relu: return O::max(x, O::zero());
        case Activation::relu6: return O::min(O::max(x, O::zero()), O::set1(6.0f));
        case Activation::silu:
            return O::div(x, O::add(O::set1(1.0f), simd::exp<O>(O::sub(O::zero(), x))));
        case Activation::none: break;
    }
    return x;
}

template <class O>
inline void bias_act_row(float* x, const float* bias, std::size_t begin, std::size_t end, Activation act) {
    std::size_t j = begin;
    for (; j + O::width <= end; j += O::width) {
        typename O::vf v = O::load(x + j);
        if (bias) v = O::add(v, O::load(bias + j));
        O::store(x + j, activate<O>(v, act));
    }
    for (; j < end; ++j) {  // tail through the scalar packet: same formulas
        float v = x[j] + (bias ? bias[j] : 0.0f);
        x[j] = activate<simd::Scalar>(v, act);
    }
}

}  // namespace detail

/// x[r, :] = act(x[r, :] + bias) in place for r < rows; x has row stride ld; bias (length cols) may be null.
/// Error vs exact: gelu_erf ≤ 2e-7·|x|, gelu_tanh ≤ 3e-7·|x| (documented in tests/nn).
inline void bias_activation(float* x, std::size_t rows, std::size_t cols, std::size_t ld, const float* bias,
                            Activation act) {
    for (std::size_t r = 0; r < rows; ++r) detail::bias_act_row<simd::Native>(x + r * ld, bias, 0, cols, act);
}

/// Gated linear unit (GeGLU, SwiGLU): out[r, j] = act(x[r, j]) · x[r, cols + j] for j < cols, r < rows.
/// x holds the gate then the linear half side by side (row stride ldx ≥ 2·cols); out has row stride ldo.
inline void gated_activation(const float* x, std::size_t ldx, std::size_t rows, std::size_t cols, Activation act,
                             float* out, std::size_t ldo) {
    using O = simd::Native;
    constexpr std::size_t W = O::width;
    for (std::size_t r = 0; r < rows; ++r) {
        const float* g = x + r * ldx;
        const float* u = g + cols;
        float* o = out + r * ldo;
        std::size_t j = 0;
        for (; j + W <= cols; j += W) O::store(o + j, O::mul(detail::activate<O>(O::load(g + j), act), O::load(u + j)));
        for (; j < cols; ++j) o[j] = detail::activate<simd::Scalar>(g[j], act) * u[j];
    }
}

SEMVEC_SIMD_NAMESPACE_END
}  // namespace nn
}  // namespace semvec
