// semvec/nn/depthwise.hpp — depthwise 2-D convolution on NHWC tensors (MobileNet's 3×3 per-channel filters).
//
// One filter per channel, weights [kh, kw, C] (TFLite's layout without the leading 1), so the inner loop runs
// over contiguous channels in SIMD packets: out[y, x, c] = act(bias[c] + Σ_{ky,kx} in[y·sh+ky−pt, x·sw+kx−pl, c]
// · w[ky, kx, c]), taps outside the input count as zero. A GEMM would waste its K dimension here (K = kh·kw),
// so this is a direct loop. 3×3 filters (MobileNet's) take a fast path: one packet of channels at a time
// along a whole output row, the 9 weight packets held in registers, no bounds checks in the interior columns.
// Each output element is one fixed-order sum (bias, then the taps inside the input in (ky, kx) order, on
// every path): results do not depend on the path, nor on how rows are split across threads.
#pragma once

#include <algorithm>
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

// 3×3 filters: channels [c, c + O::width) of output row oy, columns [ox0, ox1), whose column taps are all
// inside the input (the rows may be partly outside: those taps are skipped, as in depthwise_pixel).
template <class O>
SEMVEC_SIMD_INLINE void depthwise3x3_span(const DepthwiseShape& s, const float* in, const float* w, const float* bias, float* out,
                                          std::size_t oy, std::size_t ox0, std::size_t ox1, std::size_t c, Activation act) {
    using vf = typename O::vf;
    if (ox0 >= ox1) return;
    const std::size_t C = s.channels;
    const vf w0 = O::load(w + c), w1 = O::load(w + C + c), w2 = O::load(w + 2 * C + c);
    const vf w3 = O::load(w + 3 * C + c), w4 = O::load(w + 4 * C + c), w5 = O::load(w + 5 * C + c);
    const vf w6 = O::load(w + 6 * C + c), w7 = O::load(w + 7 * C + c), w8 = O::load(w + 8 * C + c);
    const vf b = bias ? O::load(bias + c) : O::zero();
    const std::ptrdiff_t y0 = static_cast<std::ptrdiff_t>(oy * s.stride_h) - static_cast<std::ptrdiff_t>(s.pad_top);
    const float* r[3];
    bool ok[3];
    for (int ky = 0; ky < 3; ++ky) {
        const std::ptrdiff_t iy = y0 + ky;
        ok[ky] = iy >= 0 && iy < static_cast<std::ptrdiff_t>(s.in_h);
        r[ky] = ok[ky] ? in + static_cast<std::size_t>(iy) * s.in_w * C + c : nullptr;
    }
    const std::size_t step = s.stride_w * C;
    const std::size_t x_first = (ox0 * s.stride_w - s.pad_left) * C;  // ox0's first tap is inside: no wrap
    float* o = out + (oy * s.out_w + ox0) * C + c;
    if (ok[0] && ok[1] && ok[2]) {  // every row inside: straight-line 9 FMAs per packet
        const float *p0 = r[0] + x_first, *p1 = r[1] + x_first, *p2 = r[2] + x_first;
        for (std::size_t ox = ox0; ox < ox1; ++ox, p0 += step, p1 += step, p2 += step, o += C) {
            vf acc = O::fmadd(O::load(p0), w0, b);
            acc = O::fmadd(O::load(p0 + C), w1, acc);
            acc = O::fmadd(O::load(p0 + 2 * C), w2, acc);
            acc = O::fmadd(O::load(p1), w3, acc);
            acc = O::fmadd(O::load(p1 + C), w4, acc);
            acc = O::fmadd(O::load(p1 + 2 * C), w5, acc);
            acc = O::fmadd(O::load(p2), w6, acc);
            acc = O::fmadd(O::load(p2 + C), w7, acc);
            acc = O::fmadd(O::load(p2 + 2 * C), w8, acc);
            O::store(o, activate<O>(acc, act));
        }
        return;
    }
    for (std::size_t ox = ox0; ox < ox1; ++ox, o += C) {  // top or bottom row: skip the rows outside
        const std::size_t x = x_first + (ox - ox0) * step;
        vf acc = b;
        if (ok[0]) {
            acc = O::fmadd(O::load(r[0] + x), w0, acc);
            acc = O::fmadd(O::load(r[0] + x + C), w1, acc);
            acc = O::fmadd(O::load(r[0] + x + 2 * C), w2, acc);
        }
        if (ok[1]) {
            acc = O::fmadd(O::load(r[1] + x), w3, acc);
            acc = O::fmadd(O::load(r[1] + x + C), w4, acc);
            acc = O::fmadd(O::load(r[1] + x + 2 * C), w5, acc);
        }
        if (ok[2]) {
            acc = O::fmadd(O::load(r[2] + x), w6, acc);
            acc = O::fmadd(O::load(r[2] + x + C), w7, acc);
            acc = O::fmadd(O::load(r[2] + x + 2 * C), w8, acc);
        }
        O::store(o, activate<O>(acc, act));
    }
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
    if (s.kh == 3 && s.kw == 3 && C >= W) {
        // Columns whose 3 taps are all inside the input: [ox_lo, ox_hi).
        const std::size_t ox_lo = std::min(s.out_w, (s.pad_left + s.stride_w - 1) / s.stride_w);
        std::size_t ox_hi = s.in_w + s.pad_left >= 3 ? (s.in_w + s.pad_left - 3) / s.stride_w + 1 : 0;
        ox_hi = std::max(ox_lo, std::min(ox_hi, s.out_w));
        for (std::size_t oy = row_begin; oy < row_end; ++oy) {
            const std::ptrdiff_t y0 = static_cast<std::ptrdiff_t>(oy * s.stride_h) - static_cast<std::ptrdiff_t>(s.pad_top);
            auto edge = [&](std::size_t ox, std::size_t c0, std::size_t c1) {  // general path for the border columns
                const std::ptrdiff_t x0 = static_cast<std::ptrdiff_t>(ox * s.stride_w) - static_cast<std::ptrdiff_t>(s.pad_left);
                float* o = out + (oy * s.out_w + ox) * C;
                std::size_t c = c0;
                for (; c + W <= c1; c += W) O::store(o + c, detail::activate<O>(detail::depthwise_pixel<O>(s, in, w, bias, y0, x0, c), act));
                for (; c < c1; ++c) o[c] = detail::activate<S>(detail::depthwise_pixel<S>(s, in, w, bias, y0, x0, c), act);
            };
            const std::size_t cv = C / W * W;  // channels in full packets
            for (std::size_t ox = 0; ox < ox_lo; ++ox) edge(ox, 0, C);
            for (std::size_t c = 0; c < cv; c += W) detail::depthwise3x3_span<O>(s, in, w, bias, out, oy, ox_lo, ox_hi, c, act);
            if (cv < C)
                for (std::size_t ox = ox_lo; ox < ox_hi; ++ox) edge(ox, cv, C);
            for (std::size_t ox = ox_hi; ox < s.out_w; ++ox) edge(ox, 0, C);
        }
        return;
    }
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
