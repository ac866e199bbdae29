// Fuzz target: the .npy parser and its conversion to a float matrix.
#include <semvec/io/npy.hpp>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto arr = semvec::parse_npy(data, size, "fuzz");
    if (!arr) return 0;
    if (arr->numel() < (1u << 22)) (void)semvec::npy_to_matrix(*arr, "fuzz");
    return 0;
}
