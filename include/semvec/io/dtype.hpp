// semvec/io/dtype.hpp — element types shared by the file formats (safetensors, .npy).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace semvec {

/// Element types of the safetensors spec that semvec reads and writes.
enum class Dtype : std::uint8_t { f64, f32, f16, bf16, i64, i32, i16, i8, u64, u32, u16, u8, boolean };

/// The spec's name of a dtype ("F32", "BF16", …).
inline const char* dtype_name(Dtype d) {
    switch (d) {
        case Dtype::f64: return "F64";
        case Dtype::f32: return "F32";
        case Dtype::f16: return "F16";
        case Dtype::bf16: return "BF16";
        case Dtype::i64: return "I64";
        case Dtype::i32: return "I32";
        case Dtype::i16: return "I16";
        case Dtype::i8: return "I8";
        case Dtype::u64: return "U64";
        case Dtype::u32: return "U32";
        case Dtype::u16: return "U16";
        case Dtype::u8: return "U8";
        case Dtype::boolean: return "BOOL";
    }
    return "?";
}

/// Bytes per element.
inline std::size_t dtype_size(Dtype d) {
    switch (d) {
        case Dtype::f64: case Dtype::i64: case Dtype::u64: return 8;
        case Dtype::f32: case Dtype::i32: case Dtype::u32: return 4;
        case Dtype::f16: case Dtype::bf16: case Dtype::i16: case Dtype::u16: return 2;
        case Dtype::i8: case Dtype::u8: case Dtype::boolean: return 1;
    }
    return 1;
}

/// Parses a dtype name; nullopt for names semvec does not know.
inline std::optional<Dtype> parse_dtype(std::string_view s) {
    static const std::pair<const char*, Dtype> table[] = {
        {"F64", Dtype::f64}, {"F32", Dtype::f32}, {"F16", Dtype::f16}, {"BF16", Dtype::bf16}, {"I64", Dtype::i64},
        {"I32", Dtype::i32}, {"I16", Dtype::i16}, {"I8", Dtype::i8},   {"U64", Dtype::u64},   {"U32", Dtype::u32},
        {"U16", Dtype::u16}, {"U8", Dtype::u8},   {"BOOL", Dtype::boolean}};
    for (const auto& [name, d] : table)
        if (s == name) return d;
    return std::nullopt;
}

}  // namespace semvec
