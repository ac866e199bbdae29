// tools/cli/npy_out.hpp — writes int8, uint8, int32 and int64 arrays as .npy (`semvec embed --precision`,
// `semvec index query`, the label files of the apps commands) (the library writes float32 only; these layouts are what numpy.load expects).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <semvec/result.hpp>
#include <semvec/util/file_io.hpp>

namespace semvec_cli {

/// Writes the items of `descr` ('|i1', '|u1', '<i4', '<i8') with the given shape (1-D or 2-D) in C order as
/// .npy version 1.0, atomically (semvec/util/file_io.hpp).
inline semvec::Status write_npy_raw(const std::string& path, const char* descr, const void* data, std::size_t item_size,
                                    const std::vector<std::size_t>& shape) {
    std::size_t items = 1;
    for (std::size_t d : shape) items *= d;
    const std::string dims = shape.size() == 1 ? std::to_string(shape[0]) + ","
                                               : std::to_string(shape[0]) + ", " + std::to_string(shape[1]);
    std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
    const std::size_t total = 10 + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header.push_back('\n');
    const unsigned char magic[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, static_cast<unsigned char>(header.size() & 0xff),
                                     static_cast<unsigned char>(header.size() >> 8)};
    const std::size_t bytes = items * item_size;
    return semvec::detail::write_file_atomic(path, [&](std::FILE* f) -> semvec::Status {
        std::fwrite(magic, 1, 10, f);
        std::fwrite(header.data(), 1, header.size(), f);
        if (bytes > 0) std::fwrite(data, 1, bytes, f);
        return {};
    });
}

/// A rows × cols array (see above).
inline semvec::Status write_npy_raw(const std::string& path, const char* descr, const void* data, std::size_t item_size,
                                    std::size_t rows, std::size_t cols) {
    return write_npy_raw(path, descr, data, item_size, std::vector<std::size_t>{rows, cols});
}

}  // namespace semvec_cli
