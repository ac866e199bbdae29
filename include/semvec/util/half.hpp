// semvec/util/half.hpp — IEEE f16 and bfloat16 conversions (portable, bit-exact, round-to-nearest-even).
#pragma once

#include <cstdint>
#include <cstring>

namespace semvec {

inline std::uint32_t float_bits(float f) { std::uint32_t u; std::memcpy(&u, &f, 4); return u; }
inline float bits_float(std::uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }

/// bfloat16 → float: exact.
inline float bf16_to_f32(std::uint16_t h) { return bits_float(static_cast<std::uint32_t>(h) << 16); }

/// float → bfloat16, round to nearest even; NaN stays a (quiet) NaN.
inline std::uint16_t f32_to_bf16(float f) {
    std::uint32_t u = float_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((u >> 16) | 0x40u);
    u += 0x7fffu + ((u >> 16) & 1u);
    return static_cast<std::uint16_t>(u >> 16);
}

/// IEEE binary16 → float: exact (subnormals, infinities and NaN included).
inline float f16_to_f32(std::uint16_t h) {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    std::uint32_t exp = (h >> 10) & 0x1fu;
    std::uint32_t mant = h & 0x3ffu;
    std::uint32_t bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {  // subnormal: normalize
            exp = 127 - 15 + 1;
            while ((mant & 0x400u) == 0) { mant <<= 1; --exp; }
            mant &= 0x3ffu;
            bits = sign | (exp << 23) | (mant << 13);
        }
    } else if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
    }
    return bits_float(bits);
}

/// float → IEEE binary16, round to nearest even; overflow gives ±inf, NaN stays NaN.
inline std::uint16_t f32_to_f16(float f) {
    const std::uint32_t u = float_bits(f);
    const std::uint16_t sign = static_cast<std::uint16_t>((u >> 16) & 0x8000u);
    const std::uint32_t a = u & 0x7fffffffu;
    if (a > 0x7f800000u) return static_cast<std::uint16_t>(sign | 0x7e00u);   // NaN
    if (a >= 0x477ff000u) return static_cast<std::uint16_t>(sign | 0x7c00u);  // rounds to >= 65520: inf
    if (a < 0x38800000u) {  // result is subnormal or zero in f16
        if (a < 0x33000000u) return sign;  // below half the smallest subnormal: ±0
        const std::uint32_t exp = a >> 23;
        const std::uint32_t mant = (a & 0x7fffffu) | 0x800000u;
        // value = mant * 2^(exp-150); f16 subnormal unit is 2^-24 → q = mant * 2^(exp-126)
        const std::uint32_t rshift = 126 - exp;  // in [14, 24]
        std::uint32_t q = mant >> rshift;
        const std::uint32_t rem = mant & ((1u << rshift) - 1u);
        const std::uint32_t half = 1u << (rshift - 1);
        if (rem > half || (rem == half && (q & 1u))) ++q;
        return static_cast<std::uint16_t>(sign | q);
    }
    std::uint32_t r = a - ((127u - 15u) << 23);  // rebias
    r += 0xfffu + ((r >> 13) & 1u);               // round to nearest even on the 13 dropped bits
    return static_cast<std::uint16_t>(sign | (r >> 13));
}

}  // namespace semvec
