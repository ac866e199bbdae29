// semvec/model/pooling.hpp — token vectors to one vector per text: CLS, mean, max or last, mask-aware;
// L2 norm. (The text encoders' pooling; nn/pooling.hpp keeps the strided kernels that image models use.)
//
// Same definitions as sentence-transformers' Pooling module: mean = sum of unmasked rows / their count,
// max = element-wise max over unmasked rows, cls = row 0, last = the last unmasked row (whichever side the
// padding is on). Sums are accumulated in double, in row order, so the result depends only on the sequence
// itself.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "model_file.hpp"

namespace semvec {

/// Pools `rows` token vectors of `dim` floats (row-major, row stride `dim`) into out[dim]. `mask` may be
/// null (all rows count). With no unmasked row, mean, max and last give zeros.
inline void pool_tokens(const float* hidden, std::size_t rows, std::size_t dim, const std::int32_t* mask,
                        PoolingMode mode, float* out) {
    auto counts = [mask](std::size_t i) { return !mask || mask[i] != 0; };
    switch (mode) {
        case PoolingMode::cls:
            for (std::size_t j = 0; j < dim; ++j) out[j] = rows ? hidden[j] : 0.0f;
            return;
        case PoolingMode::last: {
            std::size_t i = rows;
            while (i > 0 && !counts(i - 1)) --i;
            for (std::size_t j = 0; j < dim; ++j) out[j] = i ? hidden[(i - 1) * dim + j] : 0.0f;
            return;
        }
        case PoolingMode::mean: {
            std::vector<double> acc(dim, 0.0);
            std::size_t n = 0;
            for (std::size_t i = 0; i < rows; ++i) {
                if (!counts(i)) continue;
                ++n;
                const float* r = hidden + i * dim;
                for (std::size_t j = 0; j < dim; ++j) acc[j] += r[j];
            }
            const double inv = n ? 1.0 / static_cast<double>(n) : 0.0;
            for (std::size_t j = 0; j < dim; ++j) out[j] = static_cast<float>(acc[j] * inv);
            return;
        }
        case PoolingMode::max: {
            bool any = false;
            for (std::size_t j = 0; j < dim; ++j) out[j] = -std::numeric_limits<float>::infinity();
            for (std::size_t i = 0; i < rows; ++i) {
                if (!counts(i)) continue;
                any = true;
                const float* r = hidden + i * dim;
                for (std::size_t j = 0; j < dim; ++j) out[j] = r[j] > out[j] ? r[j] : out[j];
            }
            if (!any)
                for (std::size_t j = 0; j < dim; ++j) out[j] = 0.0f;
            return;
        }
    }
}

/// In place: v /= max(||v||, 1e-12) (torch.nn.functional.normalize's rule); a zero vector stays zero.
inline void l2_normalize(float* v, std::size_t dim) {
    double s = 0.0;
    for (std::size_t j = 0; j < dim; ++j) s += static_cast<double>(v[j]) * v[j];
    const double n = std::max(std::sqrt(s), 1e-12);
    for (std::size_t j = 0; j < dim; ++j) v[j] = static_cast<float>(v[j] / n);
}

}  // namespace semvec
