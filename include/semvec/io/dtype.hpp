// semvec/io/dtype.hpp — element types shared by the file formats (safetensors, .npy).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace semvec {

/// Element types of the safetensors spec that semvec reads and writes.
enum class Dtype : std::uint8_t { F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL };

/// The spec's name of a dtype ("F32", "BF16", …).
inline const char* dtype_name(Dtype d) {
    switch (d) {
        case Dtype::F64: return "F64";
        case Dtype::F32: return "F32";
        case Dtype::F16: return "F16";
        case Dtype::BF16: return "BF16";
        case Dtype::I64: return "I64";
        case Dtype::I32: return "I32";
        case Dtype::I16: return "I16";
        case Dtype::I8: return "I8";
        case Dtype::U64: return "U64";
        case Dtype::U32: return "U32";
        case Dtype::U16: return "U16";
        case Dtype::U8: return "U8";
        case Dtype::BOOL: return "BOOL";
    }
    return "?";
}

/// Bytes per element.
inline std::size_t dtype_size(Dtype d) {
    switch (d) {
        case Dtype::F64: case Dtype::I64: case Dtype::U64: return 8;
        case Dtype::F32: case Dtype::I32: case Dtype::U32: return 4;
        case Dtype::F16: case Dtype::BF16: case Dtype::I16: case Dtype::U16: return 2;
        case Dtype::I8: case Dtype::U8: case Dtype::BOOL: return 1;
    }
    return 1;
}

/// Parses a dtype name; nullopt for names semvec does not know.
inline std::optional<Dtype> parse_dtype(std::string_view s) {
    static const std::pair<const char*, Dtype> table[] = {
        {"F64", Dtype::F64}, {"F32", Dtype::F32}, {"F16", Dtype::F16}, {"BF16", Dtype::BF16}, {"I64", Dtype::I64},
        {"I32", Dtype::I32}, {"I16", Dtype::I16}, {"I8", Dtype::I8},   {"U64", Dtype::U64},   {"U32", Dtype::U32},
        {"U16", Dtype::U16}, {"U8", Dtype::U8},   {"BOOL", Dtype::BOOL}};
    for (const auto& [name, d] : table)
        if (s == name) return d;
    return std::nullopt;
}

}  // namespace semvec
