// semvec/nn/depthwise.hpp — depthwise 2-D convolution on NHWC tensors (MobileNet's 3×3 per-channel filters).
//
// One filter per channel, weights [kh, kw, C] (TFLite's layout without the leading 1), so the inner loop runs
// over contiguous channels in SIMD packets: out[y, x, c] = act(bias[c] + Σ_{ky,kx} in[y·sh+ky−pt, x·sw+kx−pl, c]
// · w[ky, kx, c]), taps outside the input count as zero. A GEMM would waste its K dimension here (K = kh·kw),
// so this is a direct loop; it is memory-bound and reads each input pixel kh·kw times from L1.
// Each output element is one fixed-order sum: results do not depend on how rows are split across threads.
#pragma once

#include <cstddef>

#include "../simd/simd.hpp"
#include "activation.hpp"

namespace semvec {
namespace nn {
SEMVEC_SIMD_NAMESPACE_BEGIN  // per-level kernels: see simd/dispatch.hpp

/// Shape of a depthwise convolution.
struct DepthwiseShape {
    std::size_t in_h = 0, in_w = 0, channels = 0;  ///< input H, W, C
    std::size_t kh = 3, kw = 3;                     ///< kernel
    std::size_t stride_h = 1, stride_w = 1;
    std::size_t pad_top = 0, pad_left = 0;          ///< zero padding before the first row / column
    std::size_t out_h = 0, out_w = 0;
};

namespace detail {

// One packet of channels [c, c + O::width) of one output pixel whose top-left tap is (y0, x0).
template <class O>
SEMVEC_SIMD_INLINE typename O::vf depthwise_pixel(const DepthwiseShape& s, const float* in, const float* w, const float* bias,
                                                  std::ptrdiff_t y0, std::ptrdiff_t x0, std::size_t c) {
    const std::size_t C = s.channels;
    typename O::vf acc = bias ? O::load(bias + c) : O::zero();
    for (std::size_t ky = 0; ky < s.kh; ++ky) {
        const std::ptrdiff_t iy = y0 + static_cast<std::ptrdiff_t>(ky);
        if (iy < 0 || iy >= static_cast<std::ptrdiff_t>(s.in_h)) continue;
        for (std::size_t kx = 0; kx < s.kw; ++kx) {
            const std::ptrdiff_t ix = x0 + static_cast<std::ptrdiff_t>(kx);
            if (ix < 0 || ix >= static_cast<std::ptrdiff_t>(s.in_w)) continue;
            const float* ip = in + (static_cast<std::size_t>(iy) * s.in_w + static_cast<std::size_t>(ix)) * C + c;
            acc = O::fmadd(O::load(ip), O::load(w + (ky * s.kw + kx) * C + c), acc);
        }
    }
    return acc;
}

}  // namespace detail

/// Computes output rows [row_begin, row_end) of a depthwise convolution. in: [in_h, in_w, C]; w: [kh, kw, C];
/// bias: [C] (may be null); out: [out_h, out_w, C]. Single-threaded; call on disjoint row ranges.
inline void depthwise_conv_nhwc(const DepthwiseShape& s, const float* in, const float* w, const float* bias, float* out,
                                std::size_t row_begin, std::size_t row_end, Activation act = Activation::none) {
    using O = simd::Native;
    using S = simd::Scalar;
    constexpr std::size_t W = O::width;
    const std::size_t C = s.channels;
    for (std::size_t oy = row_begin; oy < row_end; ++oy) {
        const std::ptrdiff_t y0 = static_cast<std::ptrdiff_t>(oy * s.stride_h) - static_cast<std::ptrdiff_t>(s.pad_top);
        for (std::size_t ox = 0; ox < s.out_w; ++ox) {
            const std::ptrdiff_t x0 = static_cast<std::ptrdiff_t>(ox * s.stride_w) - static_cast<std::ptrdiff_t>(s.pad_left);
            float* o = out + (oy * s.out_w + ox) * C;
            std::size_t c = 0;
            for (; c + W <= C; c += W) O::store(o + c, detail::activate<O>(detail::depthwise_pixel<O>(s, in, w, bias, y0, x0, c), act));
            for (; c < C; ++c)  // channel tail through the scalar packet: the same fma order
                o[c] = detail::activate<S>(detail::depthwise_pixel<S>(s, in, w, bias, y0, x0, c), act);
        }
    }
}

SEMVEC_SIMD_NAMESPACE_END
}  // namespace nn
}  // namespace semvec
