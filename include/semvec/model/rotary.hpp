// semvec/model/rotary.hpp — rotary position embeddings (RoPE: NomicBERT, ModernBERT, Qwen3).
//
// Each head's first `dim` components are rotated in pairs by an angle proportional to the token's position:
// pair j turns by pos · theta^(−2j/dim). Halves layout (GPT-NeoX, HF's rotate_half): pair j is (x[j],
// x[j + dim/2]); interleaved layout (GPT-J): pair j is (x[2j], x[2j+1]). Components past `dim` are left as
// they are (NomicBERT's rotary_emb_fraction < 1). Angles are formed as HF does in f32
// (inv_freq = 1 / theta^(2j/dim), angle = pos · inv_freq), so cos/sin agree to the last bit or two.
#pragma once

#include <cstddef>
#include <vector>

#include "../config.hpp"

namespace semvec {
namespace detail {

/// cos and sin of every (position, pair) for positions [0, n): row p holds dim/2 values.
struct RotaryTable {
    double theta = 0.0;
    std::size_t dim = 0, n = 0;
    std::vector<float> cos, sin;  // [n × dim/2]
};

/// Fills t for positions [0, n) (kept when theta, dim and n already match: the table of one sequence
/// length serves every layer).
SEMVEC_API void rotary_table(double theta, std::size_t dim, std::size_t n, RotaryTable& t);

/// Rotates the first t.dim components of `rows` vectors x (row r at x + r·ld, at position pos0 + r) in place.
SEMVEC_API void apply_rotary(const RotaryTable& t, bool interleaved, float* x, std::size_t ld, std::size_t rows,
                             std::size_t pos0);

}  // namespace detail
}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <cmath>

namespace semvec {
namespace detail {

SEMVEC_API void rotary_table(double theta, std::size_t dim, std::size_t n, RotaryTable& t) {
    if (t.theta == theta && t.dim == dim && t.n == n) return;
    const std::size_t half = dim / 2;
    std::vector<float> inv(half);
    for (std::size_t j = 0; j < half; ++j) {
        const float e = static_cast<float>(2 * j) / static_cast<float>(dim);
        inv[j] = 1.0f / static_cast<float>(std::pow(theta, static_cast<double>(e)));
    }
    t.cos.resize(n * half);
    t.sin.resize(n * half);
    for (std::size_t p = 0; p < n; ++p)
        for (std::size_t j = 0; j < half; ++j) {
            const float a = static_cast<float>(p) * inv[j];
            t.cos[p * half + j] = static_cast<float>(std::cos(static_cast<double>(a)));
            t.sin[p * half + j] = static_cast<float>(std::sin(static_cast<double>(a)));
        }
    t.theta = theta;
    t.dim = dim;
    t.n = n;
}

SEMVEC_API void apply_rotary(const RotaryTable& t, bool interleaved, float* x, std::size_t ld, std::size_t rows,
                             std::size_t pos0) {
    const std::size_t half = t.dim / 2;
    for (std::size_t r = 0; r < rows; ++r) {
        float* v = x + r * ld;
        const float* c = t.cos.data() + (pos0 + r) * half;
        const float* s = t.sin.data() + (pos0 + r) * half;
        if (interleaved) {
            for (std::size_t j = 0; j < half; ++j) {
                const float a = v[2 * j], b = v[2 * j + 1];
                v[2 * j] = a * c[j] - b * s[j];
                v[2 * j + 1] = b * c[j] + a * s[j];
            }
        } else {
            for (std::size_t j = 0; j < half; ++j) {
                const float a = v[j], b = v[j + half];
                v[j] = a * c[j] - b * s[j];
                v[j + half] = b * c[j] + a * s[j];
            }
        }
    }
}

}  // namespace detail
}  // namespace semvec
#endif
